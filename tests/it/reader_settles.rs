//! Teams plan with a read-only OAuth client and apply with a write client: a create
//! a killed apply left in flight is settled by the next plan, whichever client
//! that plan runs with.

use assistform::emulator::{ClientGrant, EmulatorOptions};

use crate::hold::{Hold, Stage};
use crate::org::{Case, ID};
use crate::support::{prompt, run_in};

const PROMPT_A: &str = "/api/v2/agent-assist/prompts/a";

#[tokio::test(flavor = "multi_thread")]
async fn a_plan_with_a_read_only_client_adopts_the_create_a_killed_apply_landed() {
    let options = EmulatorOptions {
        clients: vec![ClientGrant {
            id: "reader".into(),
            secret: "reader-secret".into(),
            permissions: vec!["responses:*:view".into(), "assistants:*:view".into()],
        }],
        ..EmulatorOptions::default()
    };
    let case = Case::with_options(&prompt("a", "Hello"), options).await;
    // The create is processed, its answer held; the apply dies with it in flight.
    let hold = Hold::arm(&case.emulator.base_url(), "PUT", PROMPT_A, Stage::After).await;
    let mut child = case.spawn_apply(&[]);
    hold.caught().await;
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    hold.drop_connection().await;
    let made = &case.prompts().await["a"];
    assert_eq!(
        (made["version"].as_u64(), made["modifiedBy"]["id"].as_str()),
        (Some(1), Some(ID)),
        "the create landed, made by the apply's client"
    );

    let plan = run_in(
        case.project.path(),
        &[
            "plan",
            ".",
            "--detailed-exitcode",
            "--api-url",
            &case.emulator.base_url(),
        ],
        &[
            ("GENESYSCLOUD_OAUTHCLIENT_ID", "reader"),
            ("GENESYSCLOUD_OAUTHCLIENT_SECRET", "reader-secret"),
        ],
    );
    assert_eq!(
        (plan.code, plan.stdout.as_str()),
        (0, "No changes.\n"),
        "adopted, not reported as made outside assistform: {}",
        plan.transcript()
    );
    let journal = std::fs::read_to_string(
        case.project
            .path()
            .join("state")
            .join(assistform::state::journal::JOURNAL_FILE),
    )
    .expect("the plan wrote nothing: the journal is still there");
    assert!(
        journal.contains(&format!("\"client_id\":\"{ID}\"")),
        "{journal}"
    );
    assert!(
        !journal.contains(crate::org::SECRET),
        "no secret in the journal: {journal}"
    );

    // The next apply settles it for good: in the state, and never sent again.
    let puts = case.requests("PUT").await;
    let apply = case.apply(&[]).await;
    assert_eq!(apply.code, 0, "{}", apply.transcript());
    let state = assistform::state::read(&case.project.path().join("state"))
        .expect("state")
        .expect("a state");
    let address: assistform::kind::Address = "prompt.a".parse().expect("address");
    assert_eq!(state.resources[&address].version, 1);
    assert_eq!(
        case.requests("PUT").await,
        puts,
        "the create is not sent again"
    );
}
