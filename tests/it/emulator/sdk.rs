//! Genesys' official Python SDK (PyPI `purecloudplatformclientv2`) as a real client
//! of the emulator: `tests/sdk/read_assistants.py` reads assistants with their
//! copilots, one copilot, the queue bindings and the agent checklists through the
//! SDK's typed API classes, and prints what its models hold. Where the SDK cannot
//! read what the emulator answers, this test fails.
//!
//! Without the package the test says so on stderr and passes, unless
//! `ASSISTFORM_REQUIRE_SDK` is set (CI sets it), when that is a failure.

use std::process::{Command, Output};

use reqwest::Method;
use serde_json::{Value, json};

use super::Emu;
use super::assistants::{ASSISTANTS, BILLING, SUPPORT, create, id};
use super::responses::{ok, send};
use crate::support::repo;

const REQUIRE: &str = "ASSISTFORM_REQUIRE_SDK";

/// Whether the SDK can be imported; `false` (after saying so) when the test is
/// to be skipped.
fn sdk_installed() -> bool {
    let probe = Command::new("python3")
        .args(["-c", "import PureCloudPlatformClientV2"])
        .output();
    if probe.as_ref().is_ok_and(|o| o.status.success()) {
        return true;
    }
    let why = match &probe {
        Ok(o) => String::from_utf8_lossy(&o.stderr).trim().to_owned(),
        Err(e) => format!("python3 cannot be run: {e}"),
    };
    assert!(
        std::env::var_os(REQUIRE).is_none(),
        "{REQUIRE} is set, but the SDK cannot be imported ({why}): pip install purecloudplatformclientv2"
    );
    eprintln!(
        "SKIPPED: purecloudplatformclientv2 is not installed (pip install purecloudplatformclientv2)"
    );
    false
}

fn copilot() -> Value {
    json!({
        "liveOnQueue": true,
        "defaultLanguage": "en-US",
        "nluEngineType": "NluV3",
        "nluConfig": {"domain": {"id": "domain-1", "useLatestVersion": true}, "intentConfidenceThreshold": 0.65},
        "ruleEngineConfig": {
            "rules": [
                {"id": "billing-rule", "enabled": true, "rule": {
                    "conditions": [{"conditionType": "Intent", "conditionValues": ["billing"]}],
                    "actions": [{"actionType": "CannedResponse", "attributes": {"responseId": "resp-1"}}],
                }},
                {"id": "start-rule", "enabled": false, "rule": {
                    "conditions": [{"conditionType": "ConversationStart", "conditionValues": []}],
                    "actions": [{"actionType": "Checklist", "attributes": {"checklistId": "chk-1"}}],
                }},
            ],
            "fallback": {"enabled": true, "actions": [{"actionType": "KnowledgeSearch"}]},
        },
        "notInTheSdk": {"kept": true},
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_official_python_sdk_reads_assistants_copilots_queues_and_checklists() {
    if !sdk_installed() {
        return;
    }
    let emu = Emu::start().await;
    let seeded = json!({"assistants": [{
        "name": "Billing assistant",
        "transcriptionConfig": {"vendorName": "Genesys"},
        "knowledgeSuggestionConfig": {"vendorName": "GenesysKnowledge", "knowledgeBase": {"id": "kb-1", "languageCode": "en-US"}},
        "copilot": copilot(),
        "queues": [{"id": SUPPORT, "mediaTypes": ["Call", "Message"]}, {"id": BILLING, "mediaTypes": ["Email"]}],
    }]});
    let seeded = ok(emu.admin("/__emulator/assistants", &seeded).await).await;
    let first = seeded["ids"][0].as_str().expect("an id").to_owned();
    let second = id(&create(&emu, "Plain assistant").await);
    let checklist = json!({"name": "Greeting", "language": "en-US", "checklistItems": [
        {"name": "Greet the customer", "important": true},
    ]});
    let checklist = ok(send(
        &emu,
        Method::POST,
        "/api/v2/assistants/agentchecklists",
        &checklist,
    )
    .await)
    .await;

    let script = repo().join("tests/sdk/read_assistants.py");
    let base = emu.emulator.base_url();
    // Blocking, off the runtime's threads: the emulator answers on them meanwhile.
    let output: Output = tokio::task::spawn_blocking(move || {
        Command::new("python3")
            .arg(script)
            .args([base.as_str(), "test-client", "test-secret"])
            .output()
            .expect("python3 runs")
    })
    .await
    .expect("the script's thread");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "the SDK script failed:\n{stderr}");
    let read: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    });

    assert_eq!(read["assistantPages"], 2, "one assistant a page, by cursor");
    let mut names: Vec<&str> = read["assistants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["Billing assistant", "Plain assistant"]);
    let billing = read["assistants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == first.as_str())
        .expect("the seeded assistant");
    assert_eq!(billing["state"], "Active");
    assert_eq!(billing["transcriptionVendor"], "Genesys");
    assert_eq!(billing["knowledgeVendor"], "GenesysKnowledge");
    assert_eq!(billing["createdBy"], "emulator");
    assert!(
        billing["dateCreated"]
            .as_str()
            .is_some_and(|d| d.contains('T')),
        "{billing}"
    );
    let expected = json!({
        "liveOnQueue": true,
        "defaultLanguage": "en-US",
        "enabled": true,
        "nluEngineType": "NluV3",
        "threshold": 0.65,
        "domain": "domain-1",
        "rules": [
            {"id": "billing-rule", "enabled": true,
             "conditions": [{"conditionType": "Intent", "conditionValues": ["billing"]}],
             "actions": [{"actionType": "CannedResponse", "attributes": {"responseId": "resp-1"}}]},
            {"id": "start-rule", "enabled": false,
             "conditions": [{"conditionType": "ConversationStart", "conditionValues": []}],
             "actions": [{"actionType": "Checklist", "attributes": {"checklistId": "chk-1"}}]},
        ],
        "fallback": {"enabled": true, "actions": [{"actionType": "KnowledgeSearch", "attributes": null}]},
        "selfUri": format!("{ASSISTANTS}/{first}/copilot"),
    });
    assert_eq!(billing["copilot"], expected);
    assert_eq!(read["assistant"]["copilot"], expected);
    assert_eq!(read["copilot"], expected);
    let plain = read["assistants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == second.as_str())
        .expect("the plain assistant");
    assert_eq!(plain["copilot"]["enabled"], false);
    assert_eq!(plain["copilot"]["rules"], json!([]));
    assert_eq!(plain["copilot"]["defaultLanguage"], Value::Null);

    let bindings: Vec<(&str, &str, &str)> = read["bindings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            assert!(b["dateCreated"].is_string(), "{b}");
            (
                b["queueId"].as_str().unwrap(),
                b["assistantId"].as_str().unwrap(),
                b["assistantName"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        bindings,
        [
            (SUPPORT, first.as_str(), "Billing assistant"),
            (BILLING, first.as_str(), "Billing assistant"),
        ]
    );
    assert_eq!(
        read["bindings"][0]["mediaTypes"],
        json!(["Call", "Message"])
    );
    assert_eq!(read["ownQueues"], json!([SUPPORT, BILLING]));

    assert_eq!(
        read["checklists"],
        json!([{
            "id": checklist["id"], "name": "Greeting", "language": "en-US",
            "items": [{"id": checklist["checklistItems"][0]["id"], "name": "Greet the customer", "important": true}],
        }])
    );
    assert_eq!(
        read["checklist"],
        json!({"id": checklist["id"], "name": "Greeting"})
    );
}
