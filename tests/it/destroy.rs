//! `plan --destroy` and `destroy`: everything the state manages goes, in reverse
//! dependency order, through a plan that can be saved and reviewed, and never what
//! `prevent_destroy` protects.

use serde_json::Value;

use crate::org::Case;
use crate::support::prompt;

fn depending(label: &str, on: &str) -> String {
    prompt(label, "Hi").replace("  name ", &format!("  depends_on = [prompt.{on}]\n  name "))
}

async fn applied(extra: &str) -> Case {
    let config = format!(
        "{}\n{}\n{}\n{extra}",
        prompt("a", "Hi"),
        depending("b", "a"),
        depending("c", "b")
    );
    let case = Case::new(&config).await;
    let run = case.apply(&[]).await;
    assert_eq!(run.code, 0, "{}", run.transcript());
    case
}

#[tokio::test(flavor = "multi_thread")]
async fn a_saved_destroy_plan_removes_everything_in_reverse_dependency_order() {
    let case = applied("").await;
    let plan = case.plan(&["--destroy", "--out", "destroy.tfplan"]).await;
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    assert!(
        plan.stdout
            .contains("Plan: 0 to add, 0 to change, 3 to destroy.")
            && plan.stdout.contains("# prompt.a will be destroyed")
            && plan.stdout.contains("# (because destroy was requested)"),
        "{}",
        plan.stdout
    );
    assert_eq!(case.prompts().await.len(), 3, "planning destroys nothing");

    let run = case.run(&["apply", "destroy.tfplan", "--json"]).await;
    assert_eq!(run.code, 0, "{}", run.transcript());
    let finished: Vec<String> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("JSON event"))
        .filter(|e| e["type"] == "change_complete")
        .map(|e| e["address"].as_str().expect("address").to_owned())
        .collect();
    assert_eq!(finished, ["prompt.c", "prompt.b", "prompt.a"]);
    assert!(case.prompts().await.is_empty());
    let state = assistform::state::read(&case.project.path().join("state"))
        .expect("state")
        .expect("a state");
    assert!(state.resources.is_empty(), "{state:?}");
    // The configuration is unchanged: a plan now would create them all again.
    assert!(case.plan(&[]).await.stdout.contains("3 to add"));
}

#[tokio::test(flavor = "multi_thread")]
async fn destroy_refuses_what_prevent_destroy_protects_and_asks_first() {
    let guarded = prompt("g", "Keep me").replace(
        "  name ",
        "  lifecycle {\n    prevent_destroy = true\n  }\n  name ",
    );
    let case = applied(&guarded).await;
    let run = case.run(&["destroy", ".", "--auto-approve"]).await;
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stderr
            .contains("error[plan.prevent_destroy]: `prompt.g` cannot be destroyed")
            && run.stderr.contains("because destroy was requested"),
        "{}",
        run.stderr
    );
    assert_eq!(case.prompts().await.len(), 4, "nothing destroyed");
    assert_eq!(case.requests("DELETE").await, 0);

    let unguarded = applied("").await;
    let asked = unguarded.run(&["destroy", "."]).await;
    assert_eq!(asked.code, 1, "{}", asked.transcript());
    assert!(asked.stderr.contains("--auto-approve"), "{}", asked.stderr);
    assert_eq!(unguarded.prompts().await.len(), 3, "not without approval");
    let done = unguarded.run(&["destroy", ".", "--auto-approve"]).await;
    assert_eq!(done.code, 0, "{}", done.transcript());
    assert!(done.stdout.contains("3 destroyed"), "{}", done.stdout);
    assert!(unguarded.prompts().await.is_empty());
}
