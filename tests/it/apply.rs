//! `assistform apply` against the emulator: order, versions, staleness, locks,
//! rollback, hooks, the audit record, crashes and faults.

use std::time::Duration;

use assistform::emulator::EmulatorOptions;
use serde_json::{Value, json};

use crate::hold::{Hold, Stage};
use crate::org::{Case, live, with_version};
use crate::support::prompt;

const PROMPT_A: &str = "/api/v2/agent-assist/prompts/a";

fn depending(label: &str, on: &str, content: &str) -> String {
    prompt(label, content).replace("  name ", &format!("  depends_on = [prompt.{on}]\n  name "))
}

/// `stdout` with what changes from run to run (latencies, wall time) replaced, for
/// a snapshot.
pub fn readable(stdout: &str) -> String {
    let ms = regex::Regex::new(r"\b\d+ ms\b").expect("regex");
    let secs = regex::Regex::new(r"\b\d+\.\d s in all").expect("regex");
    let context = regex::Regex::new(r"contextId [0-9a-f-]{36}").expect("regex");
    let text = ms.replace_all(stdout, "[N] ms");
    let text = secs.replace_all(&text, "[N] s in all");
    context.replace_all(&text, "contextId [ID]").into_owned()
}

/// What a run printed after its plan's summary line: the changes and their outcome.
fn after_plan(run: &crate::support::Run) -> String {
    let applied = run
        .stdout
        .split_once("\nPlan: ")
        .and_then(|(_, rest)| rest.split_once('\n'))
        .map_or(run.stdout.as_str(), |(_, rest)| rest);
    readable(&format!("{applied}--- stderr\n{}", run.stderr))
}

/// The JSON events of an `apply --json` run.
fn events(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn apply_then_plan_shows_no_changes_and_apply_is_idempotent() {
    let case = Case::new(&format!(
        "{}\n{}",
        prompt("a", "Hello {{customerName}}"),
        depending("b", "a", "Next")
    ))
    .await;
    let first = case.apply(&[]).await;
    assert_eq!(first.code, 0, "{}", first.transcript());
    assert!(
        first
            .stdout
            .contains("Apply complete! Resources: 2 added, 0 changed, 0 destroyed."),
        "{}",
        first.stdout
    );
    let plan = case.plan(&["--detailed-exitcode"]).await;
    assert_eq!(
        (plan.code, plan.stdout.as_str()),
        (0, "No changes.\n"),
        "{}",
        plan.transcript()
    );
    let puts = case.requests("PUT").await;
    let again = case.apply(&[]).await;
    assert_eq!(again.code, 0);
    assert!(again.stdout.contains("No changes."), "{}", again.stdout);
    assert_eq!(
        case.requests("PUT").await,
        puts,
        "a second apply writes nothing"
    );
    let prompts = case.prompts().await;
    assert_eq!(prompts["a"]["version"], 1);
    assert_eq!(prompts["b"]["version"], 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn creates_follow_dependencies_and_deletes_reverse_them() {
    let config = [
        depending("top", "mid", "T"),
        depending("mid", "base", "M"),
        prompt("base", "B"),
        prompt("free", "F"),
    ]
    .join("\n");
    let case = Case::new(&config).await;
    let run = case.apply(&["--json", "--parallelism", "10"]).await;
    assert_eq!(run.code, 0, "{}", run.transcript());
    let order = |events: &[Value], kind: &str, address: &str| {
        events
            .iter()
            .position(|e| e["type"] == kind && e["address"] == address)
            .unwrap_or_else(|| panic!("{kind} {address}"))
    };
    let ev = events(&run.stdout);
    assert!(
        order(&ev, "change_complete", "prompt.base") < order(&ev, "change_start", "prompt.mid")
    );
    assert!(order(&ev, "change_complete", "prompt.mid") < order(&ev, "change_start", "prompt.top"));

    // Remove all but `free`: the deletes run top first, base last.
    std::fs::write(case.project.path().join("main.hcl"), prompt("free", "F")).expect("config");
    let run = case.apply(&["--json"]).await;
    assert_eq!(run.code, 0, "{}", run.transcript());
    let ev = events(&run.stdout);
    assert!(order(&ev, "change_complete", "prompt.top") < order(&ev, "change_start", "prompt.mid"));
    assert!(
        order(&ev, "change_complete", "prompt.mid") < order(&ev, "change_start", "prompt.base")
    );
    assert_eq!(case.prompts().await.keys().collect::<Vec<_>>(), ["free"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_saved_plan_is_refused_when_a_prompt_it_changes_moved() {
    let case = Case::new(&format!(
        "{}\n{}",
        prompt("a", "New text"),
        prompt("b", "Same")
    ))
    .await;
    let a = live("a", "Prompt a", "Old text");
    let b = live("b", "Prompt b", "Same");
    case.seed(json!([
        with_version(a.clone(), 1),
        with_version(b.clone(), 1)
    ]))
    .await;
    case.state(&[("prompt.a", &a, 1), ("prompt.b", &b, 1)], &[]);
    let plan = case.plan(&["--out", "tfplan"]).await;
    assert!(plan.stdout.contains("1 to change"), "{}", plan.stdout);

    case.seed(json!([with_version(
        live("a", "Prompt a", "Console edit"),
        2
    )]))
    .await;
    let puts = case.requests("PUT").await;
    let run = case.run(&["apply", "tfplan"]).await;
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("Saved plan is stale")
            && run
                .stderr
                .contains("prompt `a` changed in Genesys since the plan (version 1 → version 2)"),
        "{}",
        run.stderr
    );
    assert_eq!(case.requests("PUT").await, puts, "nothing written");
    assert_eq!(
        case.prompts().await["a"]["display"]["content"],
        "Console edit"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_saved_plan_applies_despite_an_edit_to_a_prompt_it_does_not_touch() {
    let case = Case::new(&format!(
        "{}\n{}",
        prompt("a", "New text"),
        prompt("b", "Same")
    ))
    .await;
    let a = live("a", "Prompt a", "Old text");
    let b = live("b", "Prompt b", "Same");
    case.seed(json!([
        with_version(a.clone(), 1),
        with_version(b.clone(), 1)
    ]))
    .await;
    case.state(&[("prompt.a", &a, 1), ("prompt.b", &b, 1)], &[]);
    case.plan(&["--out", "tfplan"]).await;
    case.seed(json!([with_version(
        live("b", "Prompt b", "Console edit"),
        2
    )]))
    .await;
    let run = case.run(&["apply", "tfplan"]).await;
    assert_eq!(run.code, 0, "{}", run.transcript());
    let prompts = case.prompts().await;
    assert_eq!(prompts["a"]["display"]["content"], "New text");
    assert_eq!(
        prompts["b"]["display"]["content"], "Console edit",
        "the untouched edit survives"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_edit_landing_during_apply_gets_a_409_and_survives() {
    let case = Case::new(&prompt("a", "Desired")).await;
    let a = live("a", "Prompt a", "Old");
    case.seed(json!([with_version(a.clone(), 1)])).await;
    case.state(&[("prompt.a", &a, 1)], &[]);
    // The PUT is parked after the refresh read version 1; the console edit lands
    // before it is processed.
    let base = case.emulator.base_url();
    let hold = Hold::arm(&base, "PUT", PROMPT_A, Stage::Before).await;
    let apply = case.apply(&[]);
    let edit = async {
        hold.caught().await;
        case.seed(json!([with_version(
            live("a", "Prompt a", "Console edit"),
            2
        )]))
        .await;
        hold.release().await;
    };
    let (run, ()) = tokio::join!(apply, edit);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stdout
            .contains("changed in Genesys since the plan was made"),
        "{}",
        run.stdout
    );
    assert_eq!(
        case.prompts().await["a"]["display"]["content"],
        "Console edit"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_apply_is_told_who_holds_the_lock() {
    let case = Case::new(&prompt("a", "Hi")).await;
    let held = assistform::state::StateLock::acquire(
        &case.project.path().join("state"),
        "apply",
        Duration::ZERO,
    )
    .expect("lock");
    let run = case.apply(&[]).await;
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("is locked by `apply` (pid"),
        "{}",
        run.stderr
    );
    let waited = case.apply(&["--lock-timeout", "300ms"]).await;
    assert_eq!(waited.code, 1, "still held after waiting");
    drop(held);
    let run = case.apply(&[]).await;
    assert_eq!(run.code, 0, "{}", run.transcript());
}

#[tokio::test(flavor = "multi_thread")]
async fn atomic_puts_the_org_back_exactly_as_it_was() {
    // The configuration allows {{orderId}}; this org does not, so that change fails.
    let config = format!(
        "validation {{\n  context_variables = [\"orderId\"]\n}}\n\n{}\n{}\n{}",
        prompt("keep", "Changed text"),
        prompt("fresh", "Brand new"),
        depending("bad", "fresh", "Order {{orderId}}")
    );
    let case = Case::new(&config).await;
    let keep = live("keep", "Prompt keep", "Original text");
    let gone = live("gone", "Gone", "Bye");
    case.seed(json!([
        with_version(keep.clone(), 3),
        with_version(gone.clone(), 1)
    ]))
    .await;
    case.state(&[("prompt.keep", &keep, 3), ("prompt.gone", &gone, 1)], &[]);
    let before = case.prompts().await;
    let run = case.apply(&["--atomic", "--parallelism", "1"]).await;
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stdout.contains("the org is back where it started"),
        "{}",
        run.stdout
    );
    insta::assert_snapshot!(after_plan(&run));
    let after = case.prompts().await;
    let content = |m: &std::collections::BTreeMap<String, Value>| -> Vec<(String, Value)> {
        m.iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    json!([
                        v["name"],
                        v["display"],
                        v["trigger"],
                        v["status"],
                        v["interactionTypes"]
                    ]),
                )
            })
            .collect()
    };
    assert_eq!(content(&after), content(&before), "every prompt as it was");
    let plan = case.plan(&[]).await;
    assert!(
        plan.stdout
            .contains("Plan: 2 to add, 1 to change, 1 to destroy."),
        "the state follows the org:\n{}",
        plan.transcript()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_sync_hook_does_not_fail_the_apply() {
    let config = format!(
        "on_apply \"notify\" {{\n  command = [\"sh\", \"-c\", \"cat > hook-input.json; exit 7\"]\n}}\n\n{}",
        prompt("a", "Hi")
    );
    let case = Case::new(&config).await;
    let run = case.apply(&[]).await;
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        run.stderr.contains("1 sync hook run failed"),
        "{}",
        run.stderr
    );
    let input: Value = serde_json::from_str(
        &std::fs::read_to_string(case.project.path().join("hook-input.json")).expect("hook ran"),
    )
    .expect("event JSON");
    assert_eq!(
        (
            input["address"].as_str(),
            input["action"].as_str(),
            input["version"].as_u64()
        ),
        (Some("prompt.a"), Some("create"), Some(1))
    );
    let show = crate::support::run_in(case.project.path(), &["audit", "show", "--json"], &[]);
    assert!(
        show.stdout
            .lines()
            .any(|l| l.contains("\"event\":\"hook\"") && l.contains("\"outcome\":\"failed\"")),
        "{}",
        show.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_audit_record_verifies_and_a_tampered_line_does_not() {
    let case = Case::new(&format!("{}\n{}", prompt("a", "Hi"), prompt("b", "Hi"))).await;
    assert_eq!(case.apply(&[]).await.code, 0);
    let verify = crate::support::run_in(case.project.path(), &["audit", "verify"], &[]);
    assert_eq!(verify.code, 0, "{}", verify.transcript());
    let path = case.project.path().join("state/audit.jsonl");
    let text = std::fs::read_to_string(&path).expect("audit");
    assert!(!text.contains("Hi\""), "no payloads in the audit record");
    let tampered = text.replacen("\"outcome\":\"done\"", "\"outcome\":\"failed\"", 1);
    std::fs::write(&path, tampered).expect("tamper");
    let verify = crate::support::run_in(case.project.path(), &["audit", "verify"], &[]);
    assert_eq!(verify.code, 1);
    assert!(
        verify.stderr.contains("is broken at line"),
        "{}",
        verify.stderr
    );
}

#[test]
fn without_a_terminal_and_without_auto_approve_apply_refuses() {
    let p = crate::support::Project::new().file("main.hcl", prompt("a", "Hi"));
    let run = p.run(&["apply", ".", "--emulator"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("pass `--auto-approve`"),
        "{}",
        run.transcript()
    );
    assert!(
        !p.path().join("state/assistform.state.json").exists(),
        "nothing applied"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn with_503s_and_a_low_rate_limit_every_change_lands_exactly_once() {
    let config: String = (0..200)
        .map(|i| prompt(&format!("p{i}"), "Hello {{customerName}}"))
        .collect();
    let options = EmulatorOptions {
        fail_rate: 0.2,
        seed: Some(7),
        rate_limit: 100,
        rate_window_secs: 1,
        ..EmulatorOptions::default()
    };
    let case = Case::with_options(&config, options).await;
    let run = case.apply(&[]).await;
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        run.stdout
            .contains("Apply complete! Resources: 200 added, 0 changed, 0 destroyed."),
        "{}",
        run.stdout
    );
    let prompts = case.prompts().await;
    assert_eq!(prompts.len(), 200);
    assert!(
        prompts.values().all(|p| p["version"] == 1),
        "no change made twice"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_killed_apply_loses_nothing_and_the_next_one_finishes_the_job() {
    const N: usize = 30;
    let config: String = (0..N)
        .map(|i| prompt(&format!("p{i:02}"), "Hello {{customerName}}"))
        .collect();
    // 30 creates, two at a time, in label order. The run is killed while one of them
    // is parked: at the first create, unprocessed; in the middle, unprocessed (so
    // the kill lands mid-way: the creates before it are done, it is not); and at
    // the last, processed but unanswered (the answer dies with the process).
    for (label, stage, at_least_live) in [
        ("p00", Stage::Before, 0),
        ("p15", Stage::Before, 14),
        ("p29", Stage::After, 28),
    ] {
        let case = Case::new(&config).await;
        let path = format!("/api/v2/agent-assist/prompts/{label}");
        let hold = Hold::arm(&case.emulator.base_url(), "PUT", &path, stage).await;
        let mut child = case.spawn_apply(&["--parallelism", "2"]);
        hold.caught().await;
        child.kill().expect("SIGKILL");
        child.wait().expect("reaped");
        hold.drop_connection().await;

        let state_dir = case.project.path().join("state");
        assistform::state::read(&state_dir)
            .unwrap_or_else(|e| panic!("killed at {label}: the state parses: {e}"));
        let live = case.prompts().await;
        // The other slot goes on creating until the kill: only a floor is known.
        assert!(
            live.len() >= at_least_live,
            "killed at {label}: {} live",
            live.len()
        );
        assert_eq!(
            live.contains_key(label),
            stage == Stage::After,
            "killed at {label}: a held create landed only if it was processed"
        );
        let plan = case.plan(&["--json"]).await;
        assert_eq!(plan.code, 0, "killed at {label}: {}", plan.transcript());
        let plan: Value = serde_json::from_str(&plan.stdout).expect("plan JSON");
        let creates: Vec<&str> = plan["resource_changes"]
            .as_array()
            .expect("changes")
            .iter()
            .filter(|c| c["change"]["actions"] == json!(["create"]))
            .map(|c| c["name"].as_str().expect("name"))
            .collect();
        assert_eq!(
            creates.len() + live.len(),
            N,
            "killed at {label}: every prompt is live or still planned"
        );
        assert!(
            creates.iter().all(|c| !live.contains_key(*c)),
            "killed at {label}: nothing live is planned again"
        );

        let finish = case.apply(&[]).await;
        assert_eq!(finish.code, 0, "killed at {label}: {}", finish.transcript());
        let live = case.prompts().await;
        assert_eq!(live.len(), N);
        assert!(
            live.values().all(|p| p["version"] == 1),
            "killed at {label}: no change made twice"
        );
        assert_eq!(case.plan(&[]).await.stdout, "No changes.\n");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn refresh_only_records_the_drift_and_writes_nothing_to_genesys() {
    let case = Case::new(&format!("{}\n{}", prompt("a", "Hello"), prompt("b", "Hi"))).await;
    assert_eq!(case.apply(&[]).await.code, 0);
    case.seed(json!([with_version(
        live("a", "Prompt a", "Console edit"),
        2
    )]))
    .await;
    let plan = case.plan(&["--refresh-only"]).await;
    assert!(
        plan.stdout.contains("# prompt.a has changed")
            && plan
                .stdout
                .ends_with("Drift: 1 changed, 0 deleted outside assistform.\n"),
        "{}",
        plan.stdout
    );
    let puts = case.requests("PUT").await;
    let run = case.apply(&["--refresh-only"]).await;
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        run.stdout.contains("Recorded the drift of 1 prompt in"),
        "{}",
        run.stdout
    );
    assert_eq!(
        case.requests("PUT").await,
        puts,
        "nothing written to Genesys"
    );
    let plan = case.plan(&[]).await;
    assert!(
        !plan.stdout.contains("changed outside"),
        "the drift is recorded:\n{}",
        plan.stdout
    );
    assert!(
        plan.stdout
            .contains("Plan: 0 to add, 1 to change, 0 to destroy."),
        "{}",
        plan.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn metrics_are_written_in_the_prometheus_format() {
    let case = Case::new(&format!("{}\n{}", prompt("a", "Hi"), prompt("b", "Hi"))).await;
    let run = case.apply(&["--metrics-file", "apply.prom"]).await;
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(run.stdout.contains("Write latency: p50 "), "{}", run.stdout);
    let text =
        std::fs::read_to_string(case.project.path().join("apply.prom")).expect("metrics file");
    assert!(
        text.contains("assistform_apply_changes{outcome=\"changed\"} 2\n"),
        "{text}"
    );
    assert!(
        text.contains("# TYPE assistform_apply_write_latency_seconds gauge"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_webhook_hook_receives_each_event() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
    let receiver = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.expect("one POST");
        let mut request = Vec::new();
        let mut buf = [0u8; 4096];
        while !String::from_utf8_lossy(&request).contains("\"time\"") {
            let n = socket.read(&mut buf).await.expect("read");
            if n == 0 {
                break;
            }
            request.extend_from_slice(&buf[..n]);
        }
        socket
            .write_all(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n")
            .await
            .expect("answer");
        String::from_utf8_lossy(&request).into_owned()
    });
    let config = format!(
        "on_apply \"chat\" {{\n  webhook = \"{url}\"\n}}\n\n{}",
        prompt("a", "Hi")
    );
    let case = Case::new(&config).await;
    let run = case.apply(&[]).await;
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        !run.stderr.contains("hook"),
        "the hook succeeded: {}",
        run.stderr
    );
    let request = receiver.await.expect("received");
    assert!(request.starts_with("POST /hook"), "{request}");
    assert!(
        request.contains("\"address\":\"prompt.a\"") && request.contains("\"action\":\"create\""),
        "{request}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn three_creates_are_three_added() {
    let config = [prompt("a", "A"), prompt("b", "B"), prompt("c", "C")].join("\n");
    let case = Case::new(&config).await;
    let run = case.apply(&["--parallelism", "1"]).await;
    assert_eq!(run.code, 0, "{}", run.transcript());
    let summary = run.stdout.rsplit_once("\n\n").expect("a summary").1;
    insta::assert_snapshot!(readable(summary));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_change_is_an_apply_failed_not_complete() {
    // The configuration allows {{orderId}}; this org does not, so `bad` fails, and
    // `after` (which depends on it) is skipped.
    let config = format!(
        "validation {{\n  context_variables = [\"orderId\"]\n}}\n\n{}\n{}\n{}",
        prompt("good", "Fine"),
        prompt("bad", "Order {{orderId}}"),
        depending("after", "bad", "Later")
    );
    let case = Case::new(&config).await;
    let run = case.apply(&["--parallelism", "1"]).await;
    assert_eq!(run.code, 1, "{}", run.transcript());
    insta::assert_snapshot!(after_plan(&run));
    let json = case.apply(&["--json", "--parallelism", "1"]).await;
    let summary = events(&json.stdout).pop().expect("a summary");
    assert_eq!(
        (&summary["outcome"], &summary["resources"]),
        (
            &json!("failed"),
            &json!({"imported": 0, "added": 0, "changed": 0, "destroyed": 0})
        ),
        "{summary}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_import_that_writes_nothing_prints_no_latency() {
    let config = format!(
        "import {{\n  to = prompt.a\n  id = \"a\"\n}}\n\n{}",
        prompt("a", "Hello")
    );
    let case = Case::new(&config).await;
    case.seed(json!([with_version(live("a", "Prompt a", "Hello"), 4)]))
        .await;
    let run = case.apply(&[]).await;
    assert_eq!(run.code, 0, "{}", run.transcript());
    let summary = run.stdout.rsplit_once("\n\n").expect("a summary").1;
    assert_eq!(
        summary,
        "Apply complete! Resources: 1 imported, 0 added, 0 changed, 0 destroyed.\n"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_servers_400_says_which_field_and_why() {
    // Checked by the server only: the configuration allows {{orderId}}, the org not.
    let config = format!(
        "validation {{\n  context_variables = [\"orderId\"]\n}}\n\n{}",
        prompt("bad", "Order {{orderId}}")
    );
    let case = Case::new(&config).await;
    let run = case.apply(&[]).await;
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stdout.contains(
            "400 bad.request: The prompt is invalid: 1 problem. `display.content`: unknown context variable `orderId`"
        ),
        "{}",
        run.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn deletes_run_after_every_create_and_update() {
    let config = [
        prompt("new1", "N"),
        prompt("kept", "Changed"),
        prompt("new2", "N"),
    ]
    .join("\n");
    let case = Case::new(&config).await;
    let (kept, old1, old2) = (
        live("kept", "Prompt kept", "Before"),
        live("old1", "Prompt old1", "O"),
        live("old2", "Prompt old2", "O"),
    );
    case.seed(json!([
        with_version(old1.clone(), 1),
        with_version(kept.clone(), 1),
        with_version(old2.clone(), 1)
    ]))
    .await;
    case.state(
        &[
            ("prompt.old1", &old1, 1),
            ("prompt.kept", &kept, 1),
            ("prompt.old2", &old2, 1),
        ],
        &[],
    );
    let run = case.apply(&["--json", "--parallelism", "10"]).await;
    assert_eq!(run.code, 0, "{}", run.transcript());
    let ev = events(&run.stdout);
    let at = |kind: &str, pick: &dyn Fn(&Value) -> bool| -> Vec<usize> {
        ev.iter()
            .enumerate()
            .filter(|(_, e)| e["type"] == kind && pick(e))
            .map(|(i, _)| i)
            .collect()
    };
    let writes_done = at("change_complete", &|e| e["action"] != "delete");
    let deletes_started = at("change_start", &|e| e["action"] == "delete");
    assert_eq!((writes_done.len(), deletes_started.len()), (3, 2));
    assert!(
        writes_done.iter().max() < deletes_started.iter().min(),
        "every delete starts after the last create or update:\n{}",
        run.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_retried_request_says_so_and_why() {
    let case = Case::new(&prompt("a", "Hello")).await;
    let hold = Hold::arm(&case.emulator.base_url(), "PUT", PROMPT_A, Stage::Before).await;
    let apply = case.apply(&[]);
    let fail = async {
        hold.caught().await;
        hold.fail(503).await;
    };
    let (run, ()) = tokio::join!(apply, fail);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let retry = regex::Regex::new(
        r"(?m)^PUT /api/v2/agent-assist/prompts/a: 503 service\.unavailable \(attempt 1 of 8\); retrying in \d+\.\d s$",
    )
    .expect("regex");
    assert!(retry.is_match(&run.stderr), "{}", run.transcript());
    assert!(run.stdout.contains("1 retry,"), "{}", run.stdout);
}
