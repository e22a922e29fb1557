//! Recovering an apply that died or lost its answers: what landed is adopted, what
//! did not is done again, and nothing that someone else made is ever taken over.
//! Each interleaving is placed with the emulator's request holds.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use serde_json::json;

use crate::hold::{Hold, Stage};
use crate::org::{Case, ID, SECRET, live, with_version};
use crate::support::{binary, prompt, run_in};

const PROMPT_A: &str = "/api/v2/agent-assist/prompts/a";

#[tokio::test(flavor = "multi_thread")]
async fn a_create_killed_in_flight_never_adopts_a_prompt_made_since() {
    let case = Case::new(&prompt("a", "Hello")).await;
    let hold = Hold::arm(&case.emulator.base_url(), "PUT", PROMPT_A, Stage::Before).await;
    let mut child = case.spawn_apply(&[]);
    hold.caught().await;
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    hold.drop_connection().await;
    assert!(case.prompts().await.is_empty(), "the create never landed");

    // Someone then makes prompt `a` in the console: the very attributes the create
    // would have written, at version 1 — only its author tells it apart.
    let mut theirs = with_version(live("a", "Prompt a", "Hello"), 1);
    theirs["modifiedBy"] = json!({"id": "console-user"});
    case.seed(json!([theirs])).await;

    let plan = case.plan(&[]).await;
    assert_eq!(plan.code, 1, "{}", plan.transcript());
    assert!(
        plan.stderr.contains("error[plan.unmanaged]: prompt id `a` already exists in Genesys but is not managed by assistform"),
        "{}",
        plan.stderr
    );
    let apply = case.apply(&[]).await;
    assert_eq!(apply.code, 1, "{}", apply.transcript());
    assert!(apply.stderr.contains("plan.unmanaged"), "{}", apply.stderr);
    let now = &case.prompts().await["a"];
    assert_eq!(
        (now["version"].as_u64(), now["modifiedBy"]["id"].as_str()),
        (Some(1), Some("console-user")),
        "their prompt is untouched"
    );
    let state = assistform::state::read(&case.project.path().join("state"))
        .expect("state")
        .unwrap_or_default();
    assert!(state.resources.is_empty(), "and not adopted: {state:?}");
}

/// `assistform emulator` as its own process, keeping its org in `data`: a test can
/// kill it, which is how a server becomes unreachable.
pub struct EmulatorProcess {
    child: Child,
    pub base: String,
}

impl EmulatorProcess {
    pub fn start(data: &Path) -> EmulatorProcess {
        let mut child = Command::new(binary())
            .args(["emulator", "--listen", "127.0.0.1:0", "--client-id", ID])
            .args(["--client-secret", SECRET, "--data"])
            .arg(data)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the emulator starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the emulator says where it listens");
        let base = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .to_owned();
        EmulatorProcess { child, base }
    }

    pub fn kill(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reaped");
    }
}

impl Drop for EmulatorProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn run(dir: &Path, emulator: &EmulatorProcess, args: &[&str]) -> crate::support::Run {
    let mut args = args.to_vec();
    args.extend(["--api-url", &emulator.base]);
    run_in(
        dir,
        &args,
        &[
            ("GENESYSCLOUD_OAUTHCLIENT_ID", ID),
            ("GENESYSCLOUD_OAUTHCLIENT_SECRET", SECRET),
        ],
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lost_answer_that_cannot_be_read_back_is_unknown_and_the_next_run_settles_it() {
    let project = tempfile::tempdir().expect("project");
    std::fs::write(project.path().join("main.hcl"), prompt("a", "Hello")).expect("config");
    let data = project.path().join("org.json");
    let emulator = EmulatorProcess::start(&data);
    // The PUT is processed (and saved to the org's file); then the server goes
    // away before answering, so the read-back that should settle it fails too.
    let hold = Hold::arm(&emulator.base, "PUT", PROMPT_A, Stage::After).await;
    let (dir, base) = (project.path().to_path_buf(), emulator.base.clone());
    let apply = tokio::task::spawn_blocking(move || {
        run_in(
            &dir,
            &["apply", ".", "--auto-approve", "--api-url", &base],
            &[
                ("GENESYSCLOUD_OAUTHCLIENT_ID", ID),
                ("GENESYSCLOUD_OAUTHCLIENT_SECRET", SECRET),
            ],
        )
    });
    hold.caught().await;
    emulator.kill();
    let apply = apply.await.expect("apply ran");
    assert_eq!(apply.code, 1, "{}", apply.transcript());
    assert!(
        apply
            .stdout
            .contains("prompt.a: outcome unknown: the write to `a` got no answer")
            && apply
                .stdout
                .contains("it may have landed: the next plan or apply settles it"),
        "{}",
        apply.stdout
    );
    assert!(
        !apply.stdout.contains("did not land"),
        "never reported as not landed: {}",
        apply.stdout
    );
    assert!(
        apply.stdout.contains("Apply incomplete!")
            && apply.stdout.contains("1 with an unknown outcome"),
        "{}",
        apply.stdout
    );
    assert!(
        project
            .path()
            .join("state/assistform.journal.jsonl")
            .exists(),
        "the write stays in flight in the journal"
    );

    // The server is back, with what it had saved.
    let emulator = EmulatorProcess::start(&data);
    let dir = project.path();
    let plan = tokio::task::block_in_place(|| run(dir, &emulator, &["plan", "."]));
    assert_eq!(
        (plan.code, plan.stdout.as_str()),
        (0, "No changes.\n"),
        "{}",
        plan.transcript()
    );
    let again =
        tokio::task::block_in_place(|| run(dir, &emulator, &["apply", ".", "--auto-approve"]));
    assert_eq!(again.code, 0, "{}", again.transcript());
    assert!(
        again.stderr.contains("1 in flight, 1 of them had landed"),
        "{}",
        again.stderr
    );
    let state = assistform::state::read(&dir.join("state"))
        .expect("state")
        .expect("a state");
    assert_eq!(state.resources["prompt.a"].id, "a");
    assert!(!dir.join("state/assistform.journal.jsonl").exists());
}
