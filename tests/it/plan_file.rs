//! Saved plans apply exactly as reviewed, to the org they were made for: a plan
//! edited by hand is refused, a signed plan needs its key, and a plan made against
//! one org never applies to another.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use assistform::emulator::{Emulator, EmulatorOptions};

use crate::org::{Case, ID, SECRET, live, with_version};
use crate::support::{Project, prompt};

/// An org with prompts `a` (managed, to be updated) and `x` (made in the console,
/// unmanaged), and a saved plan `tfplan` that changes `a`.
async fn planned() -> Case {
    let case = Case::new(&prompt("a", "New text")).await;
    let a = live("a", "Prompt a", "Old text");
    let x = live("x", "Console prompt", "Not ours");
    case.seed(json!([with_version(a.clone(), 1), with_version(x, 1)]))
        .await;
    case.state(&[("prompt.a", &a, 1)], &[]);
    let plan = case.plan(&["--out", "tfplan"]).await;
    assert!(plan.stdout.contains("1 to change"), "{}", plan.transcript());
    case
}

fn read_plan(case: &Case) -> Value {
    serde_json::from_str(&case.project.read("tfplan")).expect("a JSON plan file")
}

fn write_plan(case: &Case, plan: &Value) {
    std::fs::write(case.project.path().join("tfplan"), plan.to_string()).expect("write plan");
}

/// What someone who knows the format but not the key would write: the digest of
/// the edited plan, recomputed.
fn recompute_digest(plan: &mut Value) {
    let bytes = serde_json::to_vec(&plan["plan"]).expect("plan JSON");
    plan["digest"] = json!(format!("sha256:{:x}", Sha256::digest(&bytes)));
}

async fn assert_nothing_written(case: &Case) {
    assert_eq!(case.requests("PUT").await, 0, "no PUT");
    assert_eq!(case.requests("DELETE").await, 0, "no DELETE");
    let prompts = case.prompts().await;
    assert_eq!(prompts["a"]["display"]["content"], "Old text");
    assert_eq!(prompts["x"]["display"]["content"], "Not ours");
}

/// A hand edit of a plan file.
type Edit = fn(&mut Value);

#[tokio::test(flavor = "multi_thread")]
async fn a_plan_edited_by_hand_is_refused_naming_the_file() {
    let edits: [(&str, Edit); 3] = [
        ("content", |p| {
            p["plan"]["changes"][0]["after"]["display"][0]["content"] = json!("Sneaked in");
        }),
        ("the id written", |p| {
            p["plan"]["changes"][0]["after"]["id"] = json!("x");
        }),
        ("the action", |p| {
            p["plan"]["changes"][0]["action"] = json!("delete");
        }),
    ];
    for (what, edit) in edits {
        let case = planned().await;
        let mut plan = read_plan(&case);
        edit(&mut plan);
        write_plan(&case, &plan);
        let shown = case.project.run(&["show", "tfplan"]);
        for run in [case.run(&["apply", "tfplan"]).await, shown] {
            assert_eq!(run.code, 1, "{what}: {}", run.transcript());
            assert!(
                run.stderr.contains(
                    "plan file `tfplan` was changed after `assistform plan --out` wrote it"
                ),
                "{what}: {}",
                run.stderr
            );
        }
        assert_nothing_written(&case).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_forged_digest_still_cannot_aim_a_change_at_a_prompt_the_state_does_not_hold() {
    let case = planned().await;
    let mut plan = read_plan(&case);
    // Aim the update at the console's prompt `x`, digest and all.
    let change = &mut plan["plan"]["changes"][0];
    change["after"]["id"] = json!("x");
    change["before"]["id"] = json!("x");
    recompute_digest(&mut plan);
    write_plan(&case, &plan);
    let run = case.run(&["apply", "tfplan"]).await;
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stderr.contains(
            "Saved plan does not match the state: `prompt.a` would update prompt `x`, but the state holds prompt `a` there"
        ),
        "{}",
        run.stderr
    );
    assert_nothing_written(&case).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn with_a_key_plans_are_signed_and_only_the_key_opens_them() {
    let case = Case::new(&prompt("a", "Hello")).await;
    let key = [("ASSISTFORM_PLAN_KEY", "team-secret-key")];
    let plan = case.run_env(&["plan", ".", "--out", "signed"], &key).await;
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    let text = case.project.read("signed");
    assert!(text.contains("\"digest\": \"hmac-sha256:"), "{text}");
    assert!(
        !text.contains("team-secret-key"),
        "the key is never written"
    );

    let unkeyed = case.run(&["apply", "signed"]).await;
    assert!(
        unkeyed.code == 1
            && unkeyed
                .stderr
                .contains("plan file `signed` is signed: set ASSISTFORM_PLAN_KEY"),
        "{}",
        unkeyed.transcript()
    );
    let wrong = case
        .run_env(&["apply", "signed"], &[("ASSISTFORM_PLAN_KEY", "guess")])
        .await;
    assert!(
        wrong.code == 1
            && wrong
                .stderr
                .contains("its digest does not match its content"),
        "{}",
        wrong.transcript()
    );
    // An unsigned plan is refused where a key is set: the key is what vouches for it.
    let plain = case.run(&["plan", ".", "--out", "plain"]).await;
    assert_eq!(plain.code, 0, "{}", plain.transcript());
    let unsigned = case.run_env(&["apply", "plain"], &key).await;
    assert!(
        unsigned.code == 1
            && unsigned
                .stderr
                .contains("plan file `plain` is not signed, but ASSISTFORM_PLAN_KEY is set"),
        "{}",
        unsigned.transcript()
    );
    assert_eq!(case.requests("PUT").await, 0);

    let applied = case.run_env(&["apply", "signed"], &key).await;
    assert_eq!(applied.code, 0, "{}", applied.transcript());
    assert!(!applied.stdout.contains("team-secret-key"));
    assert_eq!(case.prompts().await["a"]["display"]["content"], "Hello");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_plan_made_for_one_org_is_refused_by_another() {
    let case = Case::new(&prompt("a", "Hello")).await;
    let plan = case
        .run(&["plan", ".", "--out", "tfplan", "--format", "markdown"])
        .await;
    assert!(
        plan.stdout
            .contains("Genesys Cloud org **Emulated org** (`emulator-org`)"),
        "{}",
        plan.stdout
    );
    // Another org, same credentials: a staging org beside production, say.
    let other = Emulator::start(EmulatorOptions {
        client_id: ID.into(),
        client_secret: SECRET.into(),
        org_id: "org-production".into(),
        org_name: "Production".into(),
        ..EmulatorOptions::default()
    })
    .await
    .expect("emulator");
    let dir = case.project.path().to_path_buf();
    let base = other.base_url();
    let run = tokio::task::spawn_blocking(move || {
        crate::support::run_in(
            &dir,
            &["apply", "tfplan", "--api-url", &base],
            &[
                ("GENESYSCLOUD_OAUTHCLIENT_ID", ID),
                ("GENESYSCLOUD_OAUTHCLIENT_SECRET", SECRET),
            ],
        )
    })
    .await
    .expect("apply ran");
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stderr.contains(
            "the plan was made for the org `Emulated org` (id `emulator-org`), but this run reaches the org `Production` (id `org-production`)"
        ),
        "{}",
        run.stderr
    );
    assert!(
        case.prompts().await.is_empty(),
        "the plan's org is untouched"
    );
    assistform::remote::install_crypto_provider();
    let stats: Value = reqwest::get(format!("{}/__emulator/stats", other.base_url()))
        .await
        .expect("stats")
        .json()
        .await
        .expect("stats JSON");
    assert_eq!(
        stats["requests"]["PUT"], 0,
        "nothing written to the other org"
    );
}

#[test]
fn a_plan_made_with_the_emulator_applies_there_without_repeating_the_flag() {
    let project = Project::new().file("main.hcl", prompt("a", "Hello"));
    let plan = project.run(&["plan", ".", "--emulator", "--out", "tfplan"]);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    assert!(
        plan.stdout
            .contains("Genesys Cloud org: Emulated org (id emulator-org)"),
        "{}",
        plan.stdout
    );
    let apply = project.run(&["apply", "tfplan"]);
    assert_eq!(apply.code, 0, "{}", apply.transcript());
    assert_eq!(
        project.run(&["plan", ".", "--emulator"]).stdout,
        "No changes.\n"
    );
}
