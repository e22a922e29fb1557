//! `assistform plan` against the emulator: text, markdown and JSON for each case a
//! reviewer meets. The org is seeded through `/__emulator/prompts`; the state is
//! written as `apply` leaves it.

use serde_json::json;

use crate::org::{Case, live, with_version};
use crate::support::{Project, prompt};

#[tokio::test(flavor = "multi_thread")]
async fn an_empty_org_and_all_creates() {
    let config = format!(
        "{}\n{}",
        prompt("a", "Hello {{customerName}}"),
        prompt("b", "Line one\\nLine two")
    );
    let case = Case::new(&config).await;
    insta::assert_snapshot!(case.all_formats().await);
}

#[tokio::test(flavor = "multi_thread")]
async fn no_changes() {
    let case = Case::new(&prompt("a", "Hello")).await;
    let a = live("a", "Prompt a", "Hello");
    case.seed(json!([with_version(a.clone(), 3)])).await;
    case.state(&[("prompt.a", &a, 3)], &[]);
    let run = case.plan(&["--detailed-exitcode"]).await;
    assert_eq!(run.code, 0, "{}", run.transcript());
    insta::assert_snapshot!(run.transcript());
}

#[tokio::test(flavor = "multi_thread")]
async fn mixed_create_update_delete() {
    let config = format!(
        "{}\n{}",
        prompt("kept", "New wording for {{customerName}}\\nSecond line"),
        prompt("fresh", "Brand new")
    );
    let case = Case::new(&config).await;
    let kept = live("kept", "Prompt kept", "Old wording\nSecond line");
    let gone = live("gone", "Gone", "Bye");
    case.seed(json!([
        with_version(kept.clone(), 2),
        with_version(gone.clone(), 5)
    ]))
    .await;
    case.state(&[("prompt.kept", &kept, 2), ("prompt.gone", &gone, 5)], &[]);
    let run = case.plan(&["--detailed-exitcode"]).await;
    assert_eq!(run.code, 2, "changes present: {}", run.transcript());
    insta::assert_snapshot!(case.all_formats().await);
}

#[tokio::test(flavor = "multi_thread")]
async fn drift_is_listed_apart() {
    let case = Case::new(&prompt("a", "Hello")).await;
    let applied = live("a", "Prompt a", "Hello");
    let edited = live("a", "Prompt a (edited in the console)", "Hello");
    case.seed(json!([with_version(edited, 4)])).await;
    case.state(&[("prompt.a", &applied, 3)], &[]);
    insta::assert_snapshot!(case.all_formats().await);
}

#[tokio::test(flavor = "multi_thread")]
async fn refresh_only_drift_is_a_change_that_the_plan_names() {
    let config = format!("{}\n{}", prompt("a", "Hello"), prompt("b", "Hi"));
    let case = Case::new(&config).await;
    let (a, b) = (live("a", "Prompt a", "Hello"), live("b", "Prompt b", "Hi"));
    case.seed(json!([with_version(
        live("a", "Prompt a (edited in the console)", "Hello"),
        4
    )]))
    .await;
    case.state(&[("prompt.a", &a, 3), ("prompt.b", &b, 1)], &[]);
    let plan = case.plan(&["--refresh-only", "--detailed-exitcode"]).await;
    assert_eq!(plan.code, 2, "drift is a change: {}", plan.transcript());
    insta::assert_snapshot!(plan.transcript());
    let markdown = case.plan(&["--refresh-only", "--format", "markdown"]).await;
    assert!(
        markdown
            .stdout
            .contains("**Drift: 1 changed, 1 deleted outside assistform.**"),
        "{}",
        markdown.stdout
    );

    let run = case.apply(&["--refresh-only"]).await;
    assert_eq!(run.code, 0, "{}", run.transcript());
    let plan = case.plan(&["--refresh-only", "--detailed-exitcode"]).await;
    assert_eq!(
        (plan.code, plan.stdout.lines().last()),
        (0, Some("No changes.")),
        "{}",
        plan.transcript()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_prompt_deleted_outside_the_tool_is_created_again() {
    let case = Case::new(&prompt("a", "Hello")).await;
    let applied = live("a", "Prompt a", "Hello");
    case.state(&[("prompt.a", &applied, 3)], &[]);
    insta::assert_snapshot!(case.all_formats().await);
}

#[tokio::test(flavor = "multi_thread")]
async fn ignore_changes_leaves_console_edits_alone() {
    let config = prompt("a", "Desired text").replace(
        "  display {",
        "  lifecycle {\n    ignore_changes = [display.content]\n  }\n\n  display {",
    );
    let case = Case::new(&config).await;
    let now = live("a", "Prompt a", "Marketing's console wording");
    case.seed(json!([with_version(now.clone(), 7)])).await;
    case.state(&[("prompt.a", &now, 7)], &[]);
    let run = case.plan(&["--detailed-exitcode"]).await;
    assert_eq!(run.code, 0, "{}", run.transcript());
    insta::assert_snapshot!(run.transcript());
}

#[tokio::test(flavor = "multi_thread")]
async fn prevent_destroy_refuses_the_plan() {
    let case = Case::new(&prompt("other", "Hi")).await;
    let guarded = live("guarded", "Guarded", "Keep me");
    case.seed(json!([with_version(guarded.clone(), 1)])).await;
    case.state(&[("prompt.guarded", &guarded, 1)], &["prompt.guarded"]);
    let run = case.plan(&[]).await;
    assert_eq!(run.code, 1);
    insta::assert_snapshot!(run.transcript());
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unmanaged_prompt_with_a_clashing_id_is_an_error() {
    let case = Case::new(&prompt("a", "Hello")).await;
    case.seed(json!([with_version(
        live("a", "Made in the console", "Hi"),
        2
    )]))
    .await;
    let run = case.plan(&[]).await;
    assert_eq!(run.code, 1);
    insta::assert_snapshot!(run.transcript());
}

#[tokio::test(flavor = "multi_thread")]
async fn pii_already_live_is_masked_in_every_format() {
    let case = Case::new(&prompt("a", "Clean text")).await;
    let leaky = live("a", "Prompt a", "Call back on 4111 1111 1111 1111");
    case.seed(json!([with_version(leaky.clone(), 1)])).await;
    case.state(&[("prompt.a", &leaky, 1)], &[]);
    let all = case.all_formats().await;
    assert!(!all.contains("4111 1111 1111 1111"), "{all}");
    assert!(all.contains("**** **** **** 1111"), "{all}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_saved_plan_shows_the_same() {
    let case = Case::new(&prompt("a", "Hello")).await;
    let run = case.plan(&["--out", "tfplan"]).await;
    assert_eq!(run.code, 0, "{}", run.transcript());
    let shown = crate::support::run_in(case.project.path(), &["show", "tfplan"], &[]);
    assert!(
        run.stdout.starts_with(&shown.stdout),
        "plan:\n{}\nshow:\n{}",
        run.stdout,
        shown.stdout
    );
    let json = crate::support::run_in(case.project.path(), &["show", "--json", "tfplan"], &[]);
    let direct = case.plan(&["--json"]).await;
    assert_eq!(json.stdout, direct.stdout);
}

#[tokio::test(flavor = "multi_thread")]
async fn targets_limit_the_plan_to_them_and_their_dependencies() {
    let config = [
        prompt("base", "Hi"),
        prompt("top", "Hi").replace("  name ", "  depends_on = [prompt.base]\n  name "),
        prompt("other", "Hi"),
    ]
    .join("\n");
    let case = Case::new(&config).await;
    let run = case.plan(&["--target", "prompt.top"]).await;
    assert!(
        run.stdout.contains("# prompt.base will be created"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("# prompt.top will be created"));
    assert!(!run.stdout.contains("prompt.other"));
    assert!(
        run.stdout
            .ends_with("Plan: 2 to add, 0 to change, 0 to destroy.\n")
    );
}

#[test]
fn missing_credentials_name_the_variables_and_suggest_the_emulator() {
    let run = Project::new().file("main.hcl", prompt("a", "Hi")).run(&[
        "plan",
        ".",
        "--region",
        "eu-west-1",
    ]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("GENESYSCLOUD_OAUTHCLIENT_ID"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--emulator"), "{}", run.stderr);
}

#[test]
fn the_quickstart_plans_against_the_built_in_emulator() {
    let p = Project::new();
    let quickstart = crate::support::repo().join("examples/quickstart");
    let run = p.run(&["plan", quickstart.to_str().expect("utf-8"), "--emulator"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        run.stdout
            .ends_with("Plan: 3 to add, 0 to change, 0 to destroy.\n"),
        "{}",
        run.stdout
    );
}
