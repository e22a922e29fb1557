//! Assistants and copilots where the org moves under them: queues moved round
//! a ring, taken by an outside assistant after the plan, fields assistform does
//! not manage deep inside what it writes, creates that fail half way, a copilot
//! moved to another assistant. Each was a defect found in review.

use serde_json::json;

use crate::console::Console;
use crate::copilot::{ASSISTANTS, no_changes, stats, write, writes_since};
use crate::org::Case;

const Q: [&str; 4] = [
    "5f1c9a3e-2b7d-4c61-9e0a-3d8b6f4a1c01",
    "5f1c9a3e-2b7d-4c61-9e0a-3d8b6f4a1c02",
    "5f1c9a3e-2b7d-4c61-9e0a-3d8b6f4a1c03",
    "5f1c9a3e-2b7d-4c61-9e0a-3d8b6f4a1c04",
];

fn assistant(label: &str, name: &str, queues: &[&str], extra: &str) -> String {
    let queues: String = queues
        .iter()
        .map(|q| {
            format!("  queue {{\n    id          = \"{q}\"\n    media_types = [\"Call\"]\n  }}\n")
        })
        .collect();
    format!("assistant \"{label}\" {{\n  name = \"{name}\"\n{queues}{extra}}}\n\n")
}

fn copilot(label: &str, target: &str, live: bool, extra: &str) -> String {
    format!(
        "copilot \"{label}\" {{\n  assistant_id     = assistant.{target}.id\n  live_on_queue    = {live}\n  default_language = \"en-US\"\n{extra}}}\n\n"
    )
}

const RULE: &str = "  rule \"start\" {\n    condition {\n      type = \"ConversationStart\"\n    }\n    action {\n      type       = \"KnowledgeArticle\"\n      attributes = { articleId = \"k-1\" }\n    }\n  }\n";

async fn applied(config: &str) -> (Case, Console) {
    let case = Case::new(config).await;
    let apply = case.apply(&[]).await;
    assert_eq!(apply.code, 0, "{}", apply.transcript());
    let console = Console::of(&case).await;
    (case, console)
}

#[tokio::test(flavor = "multi_thread")]
async fn queues_moved_round_a_ring_of_three_assistants_all_land() {
    let ring = |a: &str, b: &str, c: &str| {
        [
            assistant("a", "A", &[a], ""),
            assistant("b", "B", &[b], ""),
            assistant("c", "C", &[c], ""),
        ]
        .concat()
    };
    let (case, console) = applied(&ring(Q[0], Q[1], Q[2])).await;
    write(&case, &ring(Q[1], Q[2], Q[0]));
    let apply = case.apply(&[]).await;
    assert_eq!(apply.code, 0, "{}", apply.transcript());
    let mut served = console.bindings().await;
    served.sort();
    assert_eq!(
        served,
        [
            (Q[0].to_owned(), "C".to_owned()),
            (Q[1].to_owned(), "A".to_owned()),
            (Q[2].to_owned(), "B".to_owned()),
        ]
    );
    no_changes(&case).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_queue_an_outside_assistant_took_after_the_plan_is_not_taken_from_it() {
    let case = Case::new(&assistant("a", "A", &[Q[2]], "")).await;
    let plan = case.plan(&["--out", "tfplan"]).await;
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    let console = Console::of(&case).await;
    console.outside_assistant("Legacy bot", &[Q[2]]).await;
    let apply = case.run(&["apply", "tfplan"]).await;
    assert_eq!(apply.code, 1, "{}", apply.transcript());
    assert!(
        apply.transcript().contains(&format!(
            "queue `{}` is served by assistant \"Legacy bot\"",
            Q[2]
        )),
        "{}",
        apply.transcript()
    );
    assert!(
        console
            .bindings()
            .await
            .contains(&(Q[2].to_owned(), "Legacy bot".to_owned())),
        "the outside assistant keeps its queue"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn writes_keep_what_assistform_does_not_manage_inside_what_it_does() {
    let knowledge = "  knowledge {\n    vendor            = \"GenesysKnowledge\"\n    knowledge_base_id = \"kb-1\"\n    language          = \"en-US\"\n  }\n";
    let fallback = "  fallback {\n    action {\n      type = \"KnowledgeSearch\"\n    }\n  }\n";
    let config = |name: &str, live: bool| {
        [
            assistant("a", name, &[], knowledge),
            copilot("c", "a", live, &format!("{fallback}{RULE}")),
        ]
        .concat()
    };
    let (case, console) = applied(&config("A", true)).await;
    let id = console.assistant_id("A").await;
    let (status, body) = console
        .call(
            reqwest::Method::PATCH,
            &format!("{ASSISTANTS}/{id}"),
            Some(json!({
                "knowledgeSuggestionConfig": {"vendorName": "GenesysKnowledge", "knowledgeBase": {"id": "kb-1", "languageCode": "en-US"}, "knowledgeBases": [{"id": "kb-2", "languageCode": "en-US"}]},
                "transcriptionConfig": {"vendorName": "Genesys", "extra": 1},
            })),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let mut copilot = console.copilot(&id).await;
    copilot["ruleEngineConfig"]["fallback"]["someField"] = json!(7);
    copilot["ruleEngineConfig"]["rules"][0]["rule"]["actions"][0]["someActionField"] = json!("x");
    copilot["ruleEngineConfig"]["rules"][0]["rule"]["conditions"][0]["someConditionField"] =
        json!(true);
    console.put_copilot(&id, copilot).await;
    no_changes(&case).await;

    write(&case, &config("A renamed", false));
    let apply = case.apply(&[]).await;
    assert_eq!(apply.code, 0, "{}", apply.transcript());
    let assistant = console.assistant_named("A renamed").await;
    assert_eq!(
        assistant["knowledgeSuggestionConfig"]["knowledgeBases"],
        json!([{"id": "kb-2", "languageCode": "en-US"}])
    );
    assert_eq!(assistant["transcriptionConfig"]["extra"], 1);
    let copilot = console.copilot(&id).await;
    assert_eq!(copilot["liveOnQueue"], false);
    let engine = &copilot["ruleEngineConfig"];
    assert_eq!(engine["fallback"]["someField"], 7);
    assert_eq!(
        engine["rules"][0]["rule"]["actions"][0]["someActionField"],
        "x"
    );
    assert_eq!(
        engine["rules"][0]["rule"]["conditions"][0]["someConditionField"],
        true
    );
    no_changes(&case).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn removing_the_knowledge_block_removes_it_once() {
    let knowledge = "  knowledge {\n    vendor            = \"GenesysKnowledge\"\n    knowledge_base_id = \"kb-1\"\n  }\n";
    let (case, console) = applied(&assistant("a", "A", &[], knowledge)).await;
    write(&case, &assistant("a", "A", &[], ""));
    let apply = case.apply(&[]).await;
    assert_eq!(apply.code, 0, "{}", apply.transcript());
    assert!(console.assistant_named("A").await["knowledgeSuggestionConfig"].is_null());
    no_changes(&case).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_create_whose_queues_cannot_be_bound_fails_and_leaves_nothing() {
    let unknown = "00000000-0000-4000-8000-000000000000";
    let case = Case::new(&assistant("a", "A", &[unknown], "")).await;
    let apply = case.apply(&[]).await;
    assert_eq!(apply.code, 1, "{}", apply.transcript());
    assert!(
        apply.transcript().contains(unknown),
        "{}",
        apply.transcript()
    );
    let console = Console::of(&case).await;
    assert!(
        console.assistants().await.is_empty(),
        "nothing is left behind"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn two_copilot_blocks_for_one_assistant_are_an_error() {
    let config = [
        assistant("a", "A", &[], ""),
        copilot("x", "a", true, ""),
        copilot("y", "a", false, ""),
    ]
    .concat();
    let case = Case::new(&config).await;
    let run = case.project.run(&["validate", "."]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stderr
            .contains("another `copilot` block is the copilot of `assistant.a`"),
        "{}",
        run.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_copilot_moved_to_a_new_assistant_resets_the_old_one() {
    let (case, console) = applied(
        &[
            assistant("a", "A", &[Q[0]], ""),
            copilot("c", "a", true, RULE),
        ]
        .concat(),
    )
    .await;
    write(
        &case,
        &[
            assistant("a", "A", &[Q[0]], ""),
            assistant("b", "B", &[Q[1]], ""),
            copilot("c", "b", true, RULE),
        ]
        .concat(),
    );
    let plan = case.plan(&[]).await;
    assert!(
        plan.stdout.contains("copilot.c must be replaced"),
        "{}",
        plan.stdout
    );
    let apply = case.apply(&[]).await;
    assert_eq!(apply.code, 0, "{}", apply.transcript());
    let old = console.copilot(&console.assistant_id("A").await).await;
    assert_eq!(old["liveOnQueue"], false, "{old}");
    assert_eq!(old["ruleEngineConfig"]["rules"], json!([]));
    let new = console.copilot(&console.assistant_id("B").await).await;
    assert_eq!(new["liveOnQueue"], true, "{new}");
    no_changes(&case).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_giver_whose_queues_are_ignored_does_not_take_them_back() {
    let (case, console) = applied(
        &[
            assistant("a", "A", &[Q[0]], ""),
            assistant("b", "B", &[Q[1]], ""),
        ]
        .concat(),
    )
    .await;
    let ignore = "  lifecycle {\n    ignore_changes = [queue]\n  }\n";
    write(
        &case,
        &[
            assistant("a", "A", &[Q[0], Q[1]], ""),
            assistant("b", "B renamed", &[], ignore),
        ]
        .concat(),
    );
    let before = stats(&case).await;
    let apply = case.apply(&[]).await;
    assert_eq!(apply.code, 0, "{}", apply.transcript());
    assert!(
        console
            .bindings()
            .await
            .contains(&(Q[1].to_owned(), "A".to_owned()))
    );
    let writes = writes_since(&before, &stats(&case).await);
    assert!(
        !writes.iter().any(|(e, _)| e.starts_with("DELETE ")),
        "{writes:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn import_takes_rule_ids_that_are_not_labels() {
    let (case, console) = applied(&assistant("a", "A", &[], "")).await;
    let id = console.assistant_id("A").await;
    let mut copilot = console.copilot(&id).await;
    copilot["defaultLanguage"] = json!("en-US");
    copilot["ruleEngineConfig"]["rules"] = json!([{"id": "0b6f3a52-1c1e-4c55-8a57-1f0c3c8a9d11", "enabled": true, "rule": {
        "conditions": [{"conditionType": "ConversationStart", "conditionValues": []}],
        "actions": [{"actionType": "KnowledgeArticle", "attributes": {"articleId": "k"}}],
    }}]);
    console.put_copilot(&id, copilot).await;
    std::fs::remove_dir_all(case.project.path().join("state")).expect("forget the state");
    std::fs::remove_file(case.project.path().join("main.hcl")).expect("forget the config");
    let import = case
        .run(&["import", "--all", "--out", "imported.hcl"])
        .await;
    assert_eq!(import.code, 0, "{}", import.transcript());
    assert!(
        case.project
            .read("imported.hcl")
            .contains("rule \"0b6f3a52-1c1e-4c55-8a57-1f0c3c8a9d11\""),
        "{}",
        case.project.read("imported.hcl")
    );
    let apply = case.apply(&[]).await;
    assert_eq!(apply.code, 0, "{}", apply.transcript());
    no_changes(&case).await;
}
