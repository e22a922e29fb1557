//! `assistform plan` against the emulator: text, markdown and JSON for each case a
//! reviewer meets. The org is seeded through `/__emulator/prompts`; the state is
//! written as `apply` leaves it.

use assistform::emulator::{Emulator, EmulatorOptions};
use assistform::model::PromptSpec;
use serde_json::{Value, json};

use crate::support::{Project, Run, prompt};

const ID: &str = "plan-client";
const SECRET: &str = "plan-secret";

/// An emulator with a seeded org, and a project whose state names some of it.
struct Case {
    emulator: Emulator,
    project: Project,
}

impl Case {
    async fn new(config: &str) -> Case {
        let emulator = Emulator::start(EmulatorOptions {
            client_id: ID.into(),
            client_secret: SECRET.into(),
            rate_limit: 1_000_000,
            ..EmulatorOptions::default()
        })
        .await
        .expect("emulator starts");
        Case {
            emulator,
            project: Project::new().file("main.hcl", config),
        }
    }

    /// Puts prompts into the org as someone in the console would.
    async fn seed(&self, prompts: Value) {
        assistform::remote::install_crypto_provider();
        let response = reqwest::Client::new()
            .post(format!("{}/__emulator/prompts", self.emulator.base_url()))
            .json(&prompts)
            .send()
            .await
            .expect("seed");
        assert!(
            response.status().is_success(),
            "seeding: {}",
            response.status()
        );
    }

    /// Records `(address, spec, version)` in the state as an earlier apply would.
    fn state(&self, entries: &[(&str, &Value, u64)], prevent_destroy: &[&str]) {
        let resources: serde_json::Map<String, Value> = entries
            .iter()
            .map(|(address, spec, version)| {
                let spec: PromptSpec = serde_json::from_value((*spec).clone()).expect("spec");
                let entry = json!({
                    "id": spec.id,
                    "version": version,
                    "attributes": spec.to_values(),
                    "prevent_destroy": prevent_destroy.contains(address),
                });
                ((*address).to_owned(), entry)
            })
            .collect();
        let state = json!({"format_version": 1, "serial": 4, "lineage": "test-lineage", "resources": resources});
        std::fs::create_dir_all(self.project.path().join("state")).expect("state dir");
        std::fs::write(
            self.project.path().join("state/assistform.state.json"),
            state.to_string(),
        )
        .expect("state");
    }

    async fn plan(&self, extra: &[&str]) -> Run {
        let base = self.emulator.base_url();
        let mut args = vec!["plan", ".", "--api-url", &base];
        args.extend(extra);
        let args: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
        let dir = self.project.path().to_path_buf();
        tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            crate::support::run_in(
                &dir,
                &args,
                &[
                    ("GENESYSCLOUD_OAUTHCLIENT_ID", ID),
                    ("GENESYSCLOUD_OAUTHCLIENT_SECRET", SECRET),
                ],
            )
        })
        .await
        .expect("plan ran")
    }

    /// The plan as text, markdown and JSON, for one snapshot.
    async fn all_formats(&self) -> String {
        let text = self.plan(&[]).await;
        let markdown = self.plan(&["--format", "markdown"]).await;
        let json = self.plan(&["--json"]).await;
        assert_eq!(json.stdout.lines().count(), 1, "JSON is one line");
        let value: Value = serde_json::from_str(&json.stdout).expect("plan JSON");
        format!(
            "{}\n=== markdown\n{}\n=== json\n{}\n",
            text.transcript(),
            markdown.stdout,
            serde_json::to_string_pretty(&value).expect("pretty")
        )
    }
}

/// A prompt in the API's shape, as the emulator stores it.
fn live(id: &str, name: &str, content: &str) -> Value {
    json!({
        "id": id,
        "name": name,
        "description": "",
        "status": "active",
        "interactionTypes": ["conversation", "chat"],
        "trigger": {"type": "conversation", "conditions": [{"field": "accountStatus", "operator": "equals", "value": "on_hold"}]},
        "display": {"type": "popup", "content": content, "timeoutMs": 30000},
    })
}

fn with_version(mut prompt: Value, version: u64) -> Value {
    prompt["version"] = json!(version);
    prompt
}

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
