//! Server-side validation: the validator's findings as 400 entries.

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{Emu, EmulatorOptions, error_body, options, prompt};

fn entries(body: &Value) -> Vec<(String, String)> {
    body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            assert_eq!(e["status"], 400, "{e}");
            (
                e["code"].as_str().unwrap().to_owned(),
                e["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn every_problem_is_one_entry_naming_its_field() {
    let emu = Emu::start().await;
    let mut body = prompt("bad");
    body["status"] = json!("actve");
    body["interactionTypes"] = json!([]);
    body["trigger"]["conditions"] = json!([]);
    body["display"]["timeoutMs"] = json!(999);
    body["display"]["content"] = json!(format!("{} {{{{customerNam}}}}", "x".repeat(2001)));
    let error = error_body(emu.put("bad", &body).await, 400, "bad.request").await;
    let entries = entries(&error);
    let expected = [
        ("invalid.value", "status"),
        ("required.field.missing", "interactionTypes"),
        ("required.field.missing", "trigger.conditions"),
        ("prompt.display.timeout.range", "display.timeoutMs"),
        ("prompt.content.length", "display.content"),
        ("prompt.content.context.variable", "display.content"),
    ];
    assert_eq!(entries.len(), expected.len(), "{entries:?}");
    for (code, field) in expected {
        assert!(
            entries
                .iter()
                .any(|(c, m)| c == code && m.contains(&format!("`{field}`"))),
            "no {code} entry naming `{field}` in {entries:?}"
        );
    }
    error_body(
        emu.get("/api/v2/agent-assist/prompts/bad").await,
        404,
        "not.found",
    )
    .await;
}

#[tokio::test]
async fn an_unknown_enum_value_is_invalid() {
    let emu = Emu::start().await;
    let mut body = prompt("enum");
    body["display"]["type"] = json!("banner");
    body["trigger"]["conditions"][0]["operator"] = json!("like");
    let error = error_body(emu.put("enum", &body).await, 400, "bad.request").await;
    let entries = entries(&error);
    assert_eq!(entries.len(), 2, "{entries:?}");
    assert!(entries.iter().all(|(c, _)| c == "invalid.value"));
    assert!(
        entries[0].1.contains("trigger.conditions[0].operator"),
        "{entries:?}"
    );
    assert!(entries[1].1.contains("display.type"), "{entries:?}");
}

#[tokio::test]
async fn warnings_do_not_block_a_put() {
    let emu = Emu::start().await;
    let mut body = prompt("warn");
    body["trigger"]["type"] = json!("email");
    assert_eq!(emu.put("warn", &body).await.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn the_org_context_variables_widen_what_passes() {
    let emu = Emu::with(EmulatorOptions {
        context_variables: vec!["orderId".into()],
        ..options()
    })
    .await;
    let mut body = prompt("order");
    body["display"]["content"] = json!("Order {{orderId}} for {{planName}}");
    let error = error_body(emu.put("order", &body).await, 400, "bad.request").await;
    let entries = entries(&error);
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert!(entries[0].1.contains("planName"));

    let set = emu
        .admin(
            "/__emulator/org",
            &json!({"context_variables": ["orderId", "planName"]}),
        )
        .await;
    assert_eq!(set.status(), StatusCode::OK);
    assert_eq!(emu.put("order", &body).await.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn unmasked_pii_is_refused_unless_allowed() {
    let emu = Emu::start().await;
    let mut body = prompt("card");
    body["display"]["content"] = json!("Card 4242 4242 4242 4242");
    let error = error_body(emu.put("card", &body).await, 400, "bad.request").await;
    let entries = entries(&error);
    assert!(
        entries
            .iter()
            .any(|(c, m)| c == "prompt.content.pii" && m.contains("display.content")),
        "{entries:?}"
    );
    assert!(
        !error.to_string().contains("4242 4242 4242 4242"),
        "PII echoed: {error}"
    );
    let allow = emu
        .admin(
            "/__emulator/org",
            &json!({"pii_allow": ["4242 4242 4242 4242"]}),
        )
        .await;
    assert_eq!(allow.status(), StatusCode::OK);
    assert_eq!(emu.put("card", &body).await.status(), StatusCode::CREATED);
}
