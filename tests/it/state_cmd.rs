//! `assistform state list | show | rm | mv`: the state edited by hand, Genesys left
//! alone.

use std::time::Duration;

use assistform::state::StateLock;
use serde_json::json;

use crate::import::{state_edits, with_id};
use crate::org::{Case, live, with_version};
use crate::support::prompt;

/// An org of `a` and `b`, both in the state (as an apply left them) and configured.
async fn managed() -> Case {
    let case = Case::new(&format!("{}\n{}", prompt("a", "A"), prompt("b", "B"))).await;
    let (a, b) = (live("a", "Prompt a", "A"), live("b", "Prompt b", "B"));
    case.seed(json!([
        with_version(a.clone(), 3),
        with_version(b.clone(), 5)
    ]))
    .await;
    case.state(&[("prompt.a", &a, 3), ("prompt.b", &b, 5)], &[]);
    case
}

#[tokio::test(flavor = "multi_thread")]
async fn list_and_show() {
    let case = managed().await;
    let list = case.project.run(&["state", "list"]);
    assert_eq!(
        (list.code, list.stdout.as_str()),
        (0, "prompt.a\nprompt.b\n")
    );
    let by_id = case.project.run(&["state", "list", "--id", "b"]);
    assert_eq!((by_id.code, by_id.stdout.as_str()), (0, "prompt.b\n"));
    let unknown = case.project.run(&["state", "list", "--id", "zz"]);
    assert_eq!(unknown.code, 1);
    assert_eq!(
        unknown.stderr,
        "error: no address in the state manages an object with id `zz`\n"
    );

    let show = case.project.run(&["state", "show", "prompt.b"]);
    assert_eq!(show.code, 0, "{}", show.transcript());
    insta::assert_snapshot!(show.stdout, @r#"
    # prompt.b: id `b`, version 5 (the attributes last applied)
    prompt "b" {
      id                = "b"
      name              = "Prompt b"
      description       = ""
      status            = "active"
      interaction_types = ["conversation", "chat"]

      trigger {
        type = "conversation"
        condition {
          field    = "accountStatus"
          operator = "equals"
          value    = "on_hold"
        }
      }

      display {
        type       = "popup"
        content    = "B"
        timeout_ms = 30000
      }
    }
    "#);
    let missing = case.project.run(&["state", "show", "prompt.c"]);
    assert_eq!(missing.code, 1);
    assert_eq!(
        missing.stderr,
        "error: `prompt.c` is not in the state; did you mean `prompt.b`?\n"
    );
    let empty = crate::support::Project::new().run(&["state", "list"]);
    assert_eq!((empty.code, empty.stdout.as_str()), (0, ""));
}

#[tokio::test(flavor = "multi_thread")]
async fn show_masks_pii_and_shows_what_the_state_keeps_of_the_configuration() {
    let case = Case::new("").await;
    let leaky = live(
        "leaky",
        "Prompt",
        "Call 4111 1111 1111 1111\nor jane.doe@example.com\n",
    );
    case.state(&[("prompt.leaky", &leaky, 2)], &["prompt.leaky"]);
    let show = case.project.run(&["state", "show", "prompt.leaky"]);
    assert_eq!(show.code, 0, "{}", show.transcript());
    assert!(
        !show.stdout.contains("4111 1111") && !show.stdout.contains("jane.doe"),
        "{}",
        show.stdout
    );
    assert!(
        show.stdout.contains("**** **** **** 1111"),
        "{}",
        show.stdout
    );
    assert!(
        show.stdout.contains("content = <<-EOT\n"),
        "{}",
        show.stdout
    );
    assert!(
        show.stdout
            .contains("  lifecycle {\n    prevent_destroy = true\n  }\n"),
        "{}",
        show.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn show_hides_values_from_sensitive_variables() {
    let config = format!(
        "variable \"code\" {{\n  sensitive = true\n  default   = \"hush-hush-42\"\n}}\n\n{}",
        prompt("p", "Quote ${var.code} to the caller").replace("\"on_hold\"", "var.code")
    );
    let case = Case::new(&config).await;
    let apply = case.apply(&[]).await;
    assert_eq!(apply.code, 0, "{}", apply.transcript());
    assert_eq!(
        case.prompts().await["p"]["display"]["content"],
        "Quote hush-hush-42 to the caller",
        "the org holds the value"
    );
    let show = case.project.run(&["state", "show", "prompt.p"]);
    assert_eq!(show.code, 0, "{}", show.transcript());
    assert!(!show.stdout.contains("hush-hush"), "{}", show.stdout);
    insta::assert_snapshot!(show.stdout, @r#"
    # prompt.p: id `p`, version 1 (the attributes last applied)
    prompt "p" {
      id                = "p"
      name              = "Prompt p"
      description       = ""
      status            = "active"
      interaction_types = ["conversation", "chat"]

      trigger {
        type = "conversation"
        condition {
          field    = "accountStatus"
          operator = "equals"
          value    = (sensitive value)
        }
      }

      display {
        type       = "popup"
        content    = (sensitive value)
        timeout_ms = 30000
      }
    }
    "#);
}

#[tokio::test(flavor = "multi_thread")]
async fn rm_forgets_without_deleting_and_keeps_a_backup() {
    let case = managed().await;
    let before = case.project.read("state/assistform.state.json");
    let run = case.project.run(&["state", "rm", "prompt.a"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        run.stdout.starts_with(
            "Removed prompt.a (prompt id `a`) from the state.\nNothing was deleted in Genesys"
        ),
        "{}",
        run.stdout
    );
    let list = case.project.run(&["state", "list"]);
    assert_eq!(list.stdout, "prompt.b\n");
    assert_eq!(
        case.project.read("state/assistform.state.json.backup"),
        before
    );
    assert!(case.prompts().await.contains_key("a"), "still in Genesys");
    assert_eq!(
        case.requests("DELETE").await + case.requests("PUT").await,
        0
    );
    let edits = state_edits(case.project.path());
    assert_eq!(edits.len(), 1);
    assert_eq!(
        (&edits[0]["command"], &edits[0]["addresses"]),
        (&json!("state rm"), &json!(["prompt.a"]))
    );
    let verify = case.project.run(&["audit", "verify"]);
    assert_eq!(verify.code, 0, "{}", verify.transcript());

    // Forgotten, so a plan with its block still there refuses to create it over the
    // prompt that exists.
    let plan = case.plan(&[]).await;
    assert_eq!(plan.code, 1, "{}", plan.transcript());
    assert!(
        plan.stderr
            .contains("already exists in Genesys but is not managed"),
        "{}",
        plan.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn rm_of_an_unknown_address_removes_nothing() {
    let case = managed().await;
    let before = case.project.read("state/assistform.state.json");
    let run = case.project.run(&["state", "rm", "prompt.a", "prompt.bb"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: `prompt.bb` is not in the state; did you mean `prompt.b`?\n"
    );
    assert_eq!(case.project.read("state/assistform.state.json"), before);
    assert!(state_edits(case.project.path()).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn mv_then_plan_shows_no_change_for_the_new_address() {
    let case = managed().await;
    let run = case
        .project
        .run(&["state", "mv", "prompt.a", "prompt.renamed"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        run.stdout.starts_with(
            "Moved prompt.a to prompt.renamed (prompt id `a`); nothing was changed in Genesys."
        ),
        "{}",
        run.stdout
    );
    std::fs::write(
        case.project.path().join("main.hcl"),
        format!(
            "{}\n{}",
            with_id(&prompt("renamed", "A"), "a").replace("Prompt renamed", "Prompt a"),
            prompt("b", "B")
        ),
    )
    .expect("config");
    let plan = case.plan(&["--detailed-exitcode"]).await;
    assert_eq!(
        (plan.code, plan.stdout.as_str()),
        (0, "No changes.\n"),
        "{}",
        plan.transcript()
    );
    let edits = state_edits(case.project.path());
    assert_eq!(edits[0]["addresses"], json!(["prompt.a", "prompt.renamed"]));
    assert_eq!(
        case.requests("PUT").await + case.requests("DELETE").await,
        0
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn plan_after_mv_without_renaming_the_block_says_what_to_do() {
    let case = managed().await;
    let run = case
        .project
        .run(&["state", "mv", "prompt.a", "prompt.renamed"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let plan = case.plan(&[]).await;
    assert_eq!(plan.code, 1, "{}", plan.transcript());
    assert!(!plan.stderr.contains("outside"), "{}", plan.stderr);
    insta::assert_snapshot!(plan.stderr);
}

#[test]
fn a_lock_timeout_that_is_not_a_duration() {
    let run =
        crate::support::Project::new().run(&["state", "rm", "prompt.a", "--lock-timeout", "abc"]);
    assert_eq!(run.code, 1);
    assert!(
        !run.stderr.contains("expected number at 0"),
        "{}",
        run.stderr
    );
    insta::assert_snapshot!(run.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn mv_errors() {
    let case = managed().await;
    let run = case.project.run(&["state", "mv", "prompt.a", "prompt.b"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: `prompt.b` is already in the state (prompt id `b`); `assistform state rm prompt.b` first, or choose another address\n"
    );
    let run = case.project.run(&["state", "mv", "prompt.aa", "prompt.c"]);
    assert_eq!(
        run.stderr,
        "error: `prompt.aa` is not in the state; did you mean `prompt.a`?\n"
    );
    let run = case.project.run(&["state", "mv", "prompt.a", "prompt.9x"]);
    assert!(
        run.stderr
            .starts_with("error: `prompt.9x` is not a resource address"),
        "{}",
        run.stderr
    );
    assert!(state_edits(case.project.path()).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn rm_and_mv_wait_for_the_lock() {
    let case = managed().await;
    let held = StateLock::acquire(&case.project.path().join("state"), "apply", Duration::ZERO)
        .expect("lock");
    let run = case.project.run(&["state", "rm", "prompt.a"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("is locked by `apply`"),
        "{}",
        run.stderr
    );
    let run = case.project.run(&["state", "mv", "prompt.a", "prompt.c"]);
    assert!(
        run.stderr.contains("is locked by `apply`"),
        "{}",
        run.stderr
    );
    drop(held);
    let run = case.project.run(&["state", "rm", "prompt.a"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
}

#[test]
fn import_and_every_state_command_have_help_with_an_example() {
    for command in [
        &["import"][..],
        &["state"],
        &["state", "list"],
        &["state", "show"],
        &["state", "rm"],
        &["state", "mv"],
    ] {
        let mut args = command.to_vec();
        args.push("--help");
        let run = crate::support::Project::new().run(&args);
        let name = command.join(" ");
        assert_eq!(run.code, 0, "{name}: {}", run.transcript());
        assert!(
            run.stdout
                .contains(&format!("Examples:\n  assistform {name}")),
            "{name} --help:\n{}",
            run.stdout
        );
    }
}
