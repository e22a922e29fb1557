//! `assistform import` against the emulator: one prompt into the state, and the
//! configuration `import --all` generates for an org.

use std::path::Path;

use serde_json::{Value, json};

use crate::org::{Case, live, with_version};
use crate::support::prompt;

/// `prompt(label, content)` with an explicit `id`.
pub fn with_id(block: &str, id: &str) -> String {
    block.replacen("  name ", &format!("  id = \"{id}\"\n  name "), 1)
}

/// The audit record's `state_edit` lines.
pub fn state_edits(dir: &Path) -> Vec<Value> {
    std::fs::read_to_string(dir.join("state/audit.jsonl"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("audit line"))
        .filter(|r| r["event"] == "state_edit")
        .collect()
}

fn state_file(case: &Case) -> Option<Value> {
    let text = std::fs::read_to_string(case.project.path().join("state/assistform.state.json"));
    text.ok()
        .map(|t| serde_json::from_str(&t).expect("state JSON"))
}

async fn assert_nothing_written(case: &Case) {
    assert_eq!(case.requests("PUT").await, 0, "no PUT");
    assert_eq!(case.requests("DELETE").await, 0, "no DELETE");
}

#[tokio::test(flavor = "multi_thread")]
async fn one_prompt_is_recorded_and_plan_then_shows_no_changes() {
    let case = Case::new(&with_id(&prompt("hold", "Hello"), "assist-prompt-001")).await;
    let made = live("assist-prompt-001", "Prompt hold", "Hello");
    case.seed(json!([with_version(made, 7)])).await;
    let run = case
        .run(&["import", "prompt.hold", "assist-prompt-001"])
        .await;
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert_eq!(
        run.stdout,
        "Imported prompt `assist-prompt-001` (version 7) as prompt.hold. Nothing was changed in Genesys.\nRun `assistform plan` to see any difference between the configuration and the imported prompt.\n"
    );
    let state = state_file(&case).expect("a state");
    assert_eq!(state["resources"]["prompt.hold"]["id"], "assist-prompt-001");
    assert_eq!(state["resources"]["prompt.hold"]["version"], 7);
    assert!(!state["lineage"].as_str().expect("lineage").is_empty());
    let edits = state_edits(case.project.path());
    assert_eq!(edits.len(), 1);
    assert_eq!(edits[0]["command"], "import");
    assert_eq!(edits[0]["addresses"], json!(["prompt.hold"]));
    assert_eq!(case.requests("GET").await, 1, "one GET, no list");
    assert_nothing_written(&case).await;

    let plan = case.plan(&["--detailed-exitcode"]).await;
    assert_eq!(
        (plan.code, plan.stdout.as_str()),
        (0, "No changes.\n"),
        "{}",
        plan.transcript()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_difference_is_left_for_plan_to_show() {
    let case = Case::new(&prompt("a", "New wording")).await;
    case.seed(json!([live("a", "Prompt a", "Old wording")]))
        .await;
    let run = case.run(&["import", "prompt.a", "a"]).await;
    assert_eq!(run.code, 0, "{}", run.transcript());
    let plan = case.plan(&[]).await;
    assert!(
        plan.stdout.contains("0 to add, 1 to change, 0 to destroy"),
        "{}",
        plan.transcript()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn errors_name_the_problem_and_change_nothing() {
    let config = [
        prompt("greeting", "Hi"),
        with_id(&prompt("other", "Other"), "taken"),
        with_id(&prompt("hold", "Hold"), "assist-prompt-001"),
    ]
    .join("\n");
    let case = Case::new(&config).await;
    case.seed(json!([
        live("taken", "Taken", "Other"),
        live("greeting", "G", "Hi")
    ]))
    .await;
    let error = |run: crate::support::Run| {
        assert_eq!(run.code, 1, "{}", run.transcript());
        assert_eq!(run.stdout, "");
        run.stderr
    };

    let stderr = error(case.run(&["import", "prompt.greting", "greeting"]).await);
    assert!(
        stderr.contains("error: `prompt.greting` is not in the configuration in `.`: add a `prompt \"greting\" { … }` block first, then import into it. Did you mean `prompt.greeting`?"),
        "{stderr}"
    );
    let stderr = error(
        case.run(&["import", "prompt.hold", "assist-prompt-001"])
            .await,
    );
    assert!(
        stderr.contains("error: there is no prompt with id `assist-prompt-001` in the org"),
        "{stderr}"
    );
    let stderr = error(case.run(&["import", "prompt.hold", "greeting"]).await);
    assert!(
        stderr.contains(
            "`prompt.hold` has the id `assist-prompt-001` in the configuration, not `greeting`"
        ),
        "{stderr}"
    );
    let stderr = error(case.run(&["import", "nonsense", "greeting"]).await);
    assert!(
        stderr.contains("`nonsense` is not a resource address"),
        "{stderr}"
    );
    assert!(state_file(&case).is_none(), "no state was written");

    let ok = case.run(&["import", "prompt.other", "taken"]).await;
    assert_eq!(ok.code, 0, "{}", ok.transcript());
    let stderr = error(case.run(&["import", "prompt.other", "taken"]).await);
    assert!(
        stderr
            .contains("error: `prompt.other` is already in the state, managing prompt id `taken`"),
        "{stderr}"
    );
    // The same id under another address, after the block was renamed.
    std::fs::write(
        case.project.path().join("main.hcl"),
        config.replace("prompt \"other\"", "prompt \"again\""),
    )
    .expect("config");
    let stderr = error(case.run(&["import", "prompt.again", "taken"]).await);
    assert!(
        stderr.contains("error: prompt id `taken` is already managed as `prompt.other`"),
        "{stderr}"
    );
    assert_eq!(state_edits(case.project.path()).len(), 1);
    assert_nothing_written(&case).await;
}

/// A prompt as someone made it in the console.
fn console(id: &str, content: &str) -> Value {
    live(id, &format!("Console prompt {id}"), content)
}

const LONG: &str = "7ab-cdefghijklmnopqrstuvwxyz-0123456789-abcdefghijklmnopqrstuvwx";

#[tokio::test(flavor = "multi_thread")]
async fn all_writes_formatted_valid_configuration_for_awkward_ids() {
    assert_eq!(LONG.len(), 64);
    let case = Case::new("").await;
    let ids = [
        "assist-prompt-001",
        "9lives",
        "p_9lives",
        LONG,
        "x-y",
        "x_y",
    ];
    let mut seed: Vec<Value> = ids
        .iter()
        .map(|id| console(id, "Hello {{customerName}}"))
        .collect();
    seed.push(console(
        "multi",
        "Line one\nLine \"two\" ${not.a.template}\n",
    ));
    seed.push(console("kept", "Ours already"));
    case.seed(Value::Array(seed)).await;
    case.state(&[("prompt.kept", &console("kept", "Ours already"), 1)], &[]);
    let state_before = state_file(&case);
    std::fs::create_dir(case.project.path().join("adopt")).expect("dir");

    let run = case
        .run(&["import", "--all", "--out", "adopt/imported.hcl"])
        .await;
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert_eq!(
        run.stdout,
        "Wrote 7 prompts to adopt/imported.hcl (mode 0600: it holds the org's content verbatim); skipped 1 prompt already managed.\nNothing was changed in Genesys or in the state. Next:\n  review adopt/imported.hcl\n  assistform plan     # shows 7 to import\n  assistform apply    # records them in the state\n"
    );
    let path = case.project.path().join("adopt/imported.hcl");
    let text = std::fs::read_to_string(&path).expect("generated");
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    for (label, id) in [
        ("assist-prompt-001", "assist-prompt-001"),
        ("p_9lives_2", "9lives"),
        ("p_9lives", "p_9lives"),
        (&format!("p_{LONG}"), LONG),
        ("x-y", "x-y"),
        ("x_y", "x_y"),
    ] {
        assert!(
            text.contains(&format!("prompt \"{label}\" {{")),
            "{label}\n{text}"
        );
        assert!(
            text.contains(&format!(
                "import {{\n  to = prompt.{label}\n  id = \"{id}\"\n}}\n"
            )),
            "{label}\n{text}"
        );
    }
    assert!(!text.contains("\"kept\""), "a managed prompt is skipped");
    assert!(
        text.contains(
            "content = <<-EOT\n      Line one\n      Line \"two\" $${not.a.template}\n    EOT\n"
        ),
        "{text}"
    );

    let fmt = case.project.run(&["fmt", "--check", "adopt"]);
    assert_eq!(fmt.code, 0, "{}", fmt.transcript());
    // The generated file, import blocks and all, is a valid configuration.
    let validate = case.project.run(&["validate", "adopt"]);
    assert_eq!(validate.code, 0, "{}", validate.transcript());
    assert!(
        validate.stdout.contains("valid (7 prompts)"),
        "{}",
        validate.stdout
    );

    assert_eq!(
        case.requests("GET").await,
        5,
        "one page of each kind's list (prompts, response libraries, agent checklists, assistants with their copilots, queue bindings), nothing per prompt"
    );
    assert_nothing_written(&case).await;
    assert_eq!(state_file(&case), state_before, "the state is untouched");
    assert!(state_edits(case.project.path()).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn all_refuses_to_overwrite_without_force_and_is_stable() {
    let case = Case::new("").await;
    case.seed(json!([console("b-1", "B"), console("a-1", "A")]))
        .await;
    let first = case
        .run(&["import", "--all", "--out", "imported.hcl"])
        .await;
    assert_eq!(first.code, 0, "{}", first.transcript());
    let text = case.project.read("imported.hcl");
    let again = case
        .run(&["import", "--all", "--out", "imported.hcl"])
        .await;
    assert_eq!(again.code, 1);
    assert!(
        again.stderr.contains(
            "error: `imported.hcl` exists; choose another file, or pass `--force` to overwrite it"
        ),
        "{}",
        again.stderr
    );
    let forced = case
        .run(&["import", "--all", "--out", "imported.hcl", "--force"])
        .await;
    assert_eq!(forced.code, 0, "{}", forced.transcript());
    assert_eq!(
        case.project.read("imported.hcl"),
        text,
        "the same org gives the same file"
    );
    assert!(text.find("\"a-1\"") < text.find("\"b-1\""), "in id order");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_prompt_with_live_pii_is_written_verbatim_under_a_masked_comment() {
    let case = Case::new("").await;
    let content = "Card 4111 1111 1111 1111 on file; mail jane.doe@example.com about {{orderId}}";
    case.seed(json!([console("leaky", content), console("clean", "Fine")]))
        .await;
    let run = case
        .run(&["import", "--all", "--out", "imported.hcl"])
        .await;
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        run.stdout
            .contains("Validation problems in 1 prompt: the comments above them say which"),
        "{}",
        run.stdout
    );
    let output = format!("{}{}", run.stdout, run.stderr);
    assert!(
        !output.contains("4111 1111") && !output.contains("jane.doe"),
        "{output}"
    );
    let text = case.project.read("imported.hcl");
    assert!(
        text.contains(&format!("content    = \"{content}\"")),
        "verbatim:\n{text}"
    );
    let comments: Vec<&str> = text.lines().filter(|l| l.starts_with('#')).collect();
    let comments = comments.join("\n");
    for expected in [
        "# leaky, version 1",
        "# This prompt fails validation, so `plan` reports it until it is fixed:",
        "#   error: display.content: unknown context variable `orderId`",
        "#   error: display.content: content holds a payment card number (`**** **** **** 1111`)",
        "`validation { context_variables = [...], pii_allow = [...] }`",
    ] {
        assert!(comments.contains(expected), "{expected}\n{comments}");
    }
    assert!(comments.contains("email address (`"), "{comments}");
    assert!(
        !comments.contains("4111 1111") && !comments.contains("jane.doe"),
        "{comments}"
    );
    let fmt = case.project.run(&["fmt", "--check", "imported.hcl"]);
    assert_eq!(fmt.code, 0, "{}", fmt.transcript());
}

#[tokio::test(flavor = "multi_thread")]
async fn filter_keeps_only_matching_ids() {
    let case = Case::new("").await;
    case.seed(json!([
        console("team-a-1", "A1"),
        console("team-a-2", "A2"),
        console("team-b-1", "B1")
    ]))
    .await;
    let bad = case
        .run(&["import", "--all", "--out", "x.hcl", "--filter", "team-(a"])
        .await;
    assert_eq!(bad.code, 1);
    assert!(
        bad.stderr
            .contains("`--filter` is not a valid regular expression"),
        "{}",
        bad.stderr
    );
    let run = case
        .run(&["import", "--all", "--out", "a.hcl", "--filter", "^team-a-"])
        .await;
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(run.stdout.starts_with("Wrote 2 prompts to a.hcl (mode 0600: it holds the org's content verbatim); skipped 1 not matching `--filter`.\n"), "{}", run.stdout);
    let text = case.project.read("a.hcl");
    assert!(text.contains("prompt \"team-a-1\"") && text.contains("prompt \"team-a-2\""));
    assert!(!text.contains("team-b-1"));
    let none = case
        .run(&[
            "import", "--all", "--out", "none.hcl", "--filter", "^nobody$",
        ])
        .await;
    assert_eq!(none.code, 0);
    assert_eq!(
        none.stdout,
        "No resources to import; skipped 3 not matching `--filter`; `none.hcl` was not written.\n"
    );
    assert!(!case.project.path().join("none.hcl").exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn generate_plan_apply_plan_round_trip() {
    let case = Case::new("").await;
    let ids = [
        "assist-prompt-001",
        "9lives",
        "p_9lives",
        LONG,
        "x-y",
        "x_y",
    ];
    let seed: Vec<Value> = ids
        .iter()
        .map(|id| console(id, "Hi {{customerName}}\nTwo\n"))
        .collect();
    case.seed(Value::Array(seed)).await;
    let run = case
        .run(&["import", "--all", "--out", "imported.hcl"])
        .await;
    assert_eq!(run.code, 0, "{}", run.transcript());
    let plan = case.plan(&[]).await;
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    assert!(
        plan.stdout
            .contains("Plan: 6 to import, 0 to add, 0 to change, 0 to destroy."),
        "{}",
        plan.stdout
    );
    let apply = case.apply(&[]).await;
    assert_eq!(apply.code, 0, "{}", apply.transcript());
    assert_nothing_written(&case).await;
    let plan = case.plan(&["--detailed-exitcode"]).await;
    assert_eq!(
        (plan.code, plan.stdout.as_str()),
        (0, "No changes.\n"),
        "{}",
        plan.transcript()
    );
}
