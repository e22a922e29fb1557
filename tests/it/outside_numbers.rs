//! Numbers from outside — a server's headers, a flag, a state or org file, a
//! configuration — of any size end in a clear outcome, never a panic (exit 101) and
//! never a counter wrapped to 0.

use std::time::{Duration, Instant};

use assistform::emulator::EmulatorOptions;
use serde_json::json;

use crate::org::{Case, live, with_version};
use crate::support::{Project, prompt};

const HUGE: &str = "18446744073709551615";

/// An org whose rate window never ends: every answer says the window resets in
/// about 18446744073709551615 seconds, and a 429 says to retry after as long.
async fn endless_window(rate_limit: u32) -> Case {
    Case::with_options(
        &prompt("a", "Hi"),
        EmulatorOptions {
            rate_limit,
            rate_window_secs: u64::MAX,
            ..EmulatorOptions::default()
        },
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn plan_survives_a_rate_limit_reset_of_any_size() {
    let case = endless_window(1_000_000).await;
    let run = case.plan(&[]).await;
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(run.stdout.contains("1 to add"), "{}", run.stdout);
}

#[tokio::test(flavor = "multi_thread")]
async fn plan_fails_clearly_on_a_retry_after_of_any_size() {
    let case = endless_window(1).await;
    // Another user of the same OAuth client spends the window first.
    case.prompts().await;
    let started = Instant::now();
    let run = case.plan(&[]).await;
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stderr.contains("gave up after 1 attempts")
            && run.stderr.contains("429 too.many.requests"),
        "{}",
        run.stderr
    );
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "a wait longer than the retry budget is not waited for"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lock_timeout_of_any_size_is_no_panic() {
    let case = Case::new(&prompt("a", "Hi")).await;
    let a = live("a", "Prompt a", "Hi");
    case.state(&[("prompt.a", &a, 1)], &[]);
    let timeout = format!("{HUGE}s");
    let run = case
        .project
        .run(&["state", "rm", "prompt.a", "--lock-timeout", &timeout]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        !case
            .project
            .read("state/assistform.state.json")
            .contains("prompt.a")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn apply_refuses_a_state_whose_serial_is_at_its_largest_before_any_change() {
    let case = Case::new(&prompt("a", "Hi")).await;
    std::fs::create_dir_all(case.project.path().join("state")).expect("state dir");
    std::fs::write(
        case.project.path().join("state/assistform.state.json"),
        format!(
            r#"{{"format_version": 1, "serial": {HUGE}, "lineage": "old", "resources": {{}}}}"#
        ),
    )
    .expect("state");
    let run = case.apply(&[]).await;
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stderr.contains(&format!(
            "its serial {HUGE} leaves no room for 2 more writes"
        )),
        "{}",
        run.stderr
    );
    assert!(case.prompts().await.is_empty(), "nothing was created");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_prompt_at_the_largest_version_is_not_overwritten_with_version_0() {
    let case = Case::new(&prompt("a", "New text")).await;
    let a = live("a", "Prompt a", "Old text");
    case.seed(json!([with_version(a.clone(), u64::MAX)])).await;
    case.state(&[("prompt.a", &a, u64::MAX)], &[]);
    let run = case.apply(&[]).await;
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stdout.contains("400 bad.request: The prompt `a` is at version 18446744073709551615, the largest there is"),
        "{}",
        run.transcript()
    );
    let prompts = case.prompts().await;
    assert_eq!(prompts["a"]["version"], json!(u64::MAX));
    assert_eq!(prompts["a"]["display"]["content"], "Old text");
}

#[test]
fn a_hook_timeout_out_of_range_is_a_diagnostic() {
    let hooks = format!(
        "on_apply \"huge\" {{\n  command         = [\"true\"]\n  timeout_seconds = {HUGE}\n}}\n\non_apply \"zero\" {{\n  command         = [\"true\"]\n  timeout_seconds = 0\n}}\n\n"
    );
    let run = Project::new()
        .file("main.hcl", hooks + &prompt("p", "Hi"))
        .run(&["validate", "."]);
    insta::assert_snapshot!(run.transcript());
}
