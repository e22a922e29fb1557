//! `import` and `moved` blocks: adopting prompts made in the console, and renaming
//! addresses without touching Genesys.

use serde_json::{Value, json};

use crate::org::{Case, live, with_version};
use crate::support::prompt;

fn import(label: &str, id: &str) -> String {
    format!("import {{\n  to = prompt.{label}\n  id = \"{id}\"\n}}\n\n")
}

#[tokio::test(flavor = "multi_thread")]
async fn an_import_with_nothing_different_only_records_the_state() {
    let case = Case::new(&format!("{}{}", import("a", "a"), prompt("a", "Hello"))).await;
    case.seed(json!([with_version(live("a", "Prompt a", "Hello"), 4)]))
        .await;
    let plan = case.plan(&["--detailed-exitcode"]).await;
    assert_eq!(plan.code, 2, "{}", plan.transcript());
    insta::assert_snapshot!(plan.stdout);
    let json: Value = serde_json::from_str(&case.plan(&["--json"]).await.stdout).expect("JSON");
    assert_eq!(
        json["resource_changes"][0]["change"]["importing"],
        json!({"id": "a"})
    );
    assert_eq!(
        json["resource_changes"][0]["change"]["actions"],
        json!(["no-op"])
    );

    let run = case.apply(&[]).await;
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert_eq!(case.requests("PUT").await, 0, "nothing written to Genesys");
    assert_eq!(case.plan(&[]).await.stdout, "No changes.\n");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_import_with_a_difference_is_one_versioned_put() {
    let case = Case::new(&format!(
        "{}{}",
        import("a", "a"),
        prompt("a", "Configured text")
    ))
    .await;
    case.seed(json!([with_version(
        live("a", "Prompt a", "Console text"),
        4
    )]))
    .await;
    let plan = case.plan(&[]).await;
    assert!(
        plan.stdout.contains("# (imported from \"a\")"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout
            .ends_with("Plan: 1 to import, 0 to add, 1 to change, 0 to destroy.\n"),
        "{}",
        plan.stdout
    );
    let run = case.apply(&[]).await;
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert_eq!(case.requests("PUT").await, 1);
    let prompts = case.prompts().await;
    assert_eq!(
        (
            prompts["a"]["version"].as_u64(),
            prompts["a"]["display"]["content"].as_str()
        ),
        (Some(5), Some("Configured text"))
    );
    assert_eq!(case.plan(&[]).await.stdout, "No changes.\n");
}

#[tokio::test(flavor = "multi_thread")]
async fn importing_an_id_that_does_not_exist_is_an_error() {
    let case = Case::new(&format!("{}{}", import("a", "a"), prompt("a", "Hello"))).await;
    let plan = case.plan(&[]).await;
    assert_eq!(plan.code, 1);
    assert!(
        plan.stderr
            .contains("cannot import prompt `a`: Genesys has no prompt with that id"),
        "{}",
        plan.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn importing_an_id_managed_elsewhere_is_an_error() {
    let config = format!(
        "{}{}",
        import("b", "a"),
        prompt("b", "Hello").replace("  name ", "  id = \"a\"\n  name ")
    );
    let case = Case::new(&config).await;
    let a = live("a", "Prompt a", "Hello");
    case.seed(json!([with_version(a.clone(), 1)])).await;
    case.state(&[("prompt.a", &a, 1)], &[]);
    let plan = case.plan(&[]).await;
    assert_eq!(plan.code, 1);
    assert!(
        plan.stderr
            .contains("prompt `a` is already managed as `prompt.a`"),
        "{}",
        plan.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_moved_block_renames_the_address_and_writes_nothing() {
    let case =
        Case::new(&prompt("old", "Hello").replace("  name ", "  id = \"greeting\"\n  name ")).await;
    assert_eq!(case.apply(&[]).await.code, 0);
    let renamed = format!(
        "moved {{\n  from = prompt.old\n  to   = prompt.new\n}}\n\n{}",
        prompt("new", "Hello")
            .replace("  name ", "  id = \"greeting\"\n  name ")
            .replace("Prompt new", "Prompt old")
    );
    std::fs::write(case.project.path().join("main.hcl"), renamed).expect("config");
    let plan = case.plan(&[]).await;
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    insta::assert_snapshot!(plan.stdout);
    let (puts, deletes) = (case.requests("PUT").await, case.requests("DELETE").await);
    let run = case.apply(&[]).await;
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert_eq!(
        (case.requests("PUT").await, case.requests("DELETE").await),
        (puts, deletes),
        "no write to Genesys"
    );
    let state = std::fs::read_to_string(case.project.path().join("state/assistform.state.json"))
        .expect("state");
    assert!(
        state.contains("\"prompt.new\"") && !state.contains("\"prompt.old\""),
        "{state}"
    );
    assert_eq!(case.plan(&[]).await.stdout, "No changes.\n");
}
