//! History you can trust: every change that landed has its audit line, the end of
//! the record cannot be cut off unnoticed, and hooks never see a credential.

use sha2::{Digest, Sha256};

use crate::hold::{Hold, Stage};
use crate::org::{Case, SECRET};
use crate::support::{Project, prompt};

#[tokio::test(flavor = "multi_thread")]
async fn a_hook_that_prints_its_environment_shows_no_secret() {
    let config = format!(
        "on_apply \"dump\" {{\n  command = [\"sh\", \"-c\", \"env > hook-env.txt\"]\n  env     = [\"TEAM_CHANNEL\"]\n}}\n\n{}",
        prompt("a", "Hi")
    );
    let case = Case::new(&config).await;
    let run = case
        .run_env(
            &["apply", ".", "--auto-approve"],
            &[
                ("ASSISTFORM_PLAN_KEY", "plan-key-value"),
                ("ASSISTFORM_AUDIT_KEY", "audit-key-value"),
                ("GENESYS_CLIENT_SECRET", "alias-secret-value"),
                ("PGPASSWORD", "database-password-value"),
                ("TEAM_CHANNEL", "#contact-center"),
            ],
        )
        .await;
    assert_eq!(run.code, 0, "{}", run.transcript());
    let env = case.project.read("hook-env.txt");
    for secret in [
        SECRET,
        "plan-key-value",
        "audit-key-value",
        "alias-secret-value",
        "database-password-value",
    ] {
        assert!(!env.contains(secret), "`{secret}` reached the hook:\n{env}");
    }
    for expected in [
        "ASSISTFORM_HOOK_ADDRESS=prompt.a",
        "ASSISTFORM_HOOK_ACTION=create",
        "ASSISTFORM_HOOK_VERSION=1",
        "TEAM_CHANNEL=#contact-center",
        "PATH=",
    ] {
        assert!(env.contains(expected), "`{expected}` missing:\n{env}");
    }
}

#[test]
fn a_hook_cannot_ask_for_a_credential() {
    let project = Project::new().file(
        "main.hcl",
        format!(
            "on_apply \"leak\" {{\n  command = [\"./notify.sh\"]\n  env     = [\"GENESYSCLOUD_OAUTHCLIENT_SECRET\", \"2BAD\"]\n}}\n\n{}",
            prompt("a", "Hi")
        ),
    );
    let run = project.run(&["validate", "."]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stderr.contains("error[hook.env_secret]: `GENESYSCLOUD_OAUTHCLIENT_SECRET` may hold a credential and is never passed to a hook")
            && run.stderr.contains("error[hook.env]: `2BAD` is not an environment variable name"),
        "{}",
        run.stderr
    );
}

fn audit_lines(case: &Case) -> Vec<serde_json::Value> {
    std::fs::read_to_string(case.project.path().join("state/audit.jsonl"))
        .expect("an audit record")
        .lines()
        .map(|l| serde_json::from_str(l).expect("a record"))
        .collect()
}

fn verify(case: &Case, env: &[(&str, &str)]) -> crate::support::Run {
    crate::support::run_in(case.project.path(), &["audit", "verify"], env)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_run_killed_with_writes_in_flight_leaves_every_landed_change_audited() {
    let config: String = (0..6).map(|i| prompt(&format!("p{i}"), "Hello")).collect();
    let case = Case::new(&config).await;
    // p3's create is processed, and the run killed before it hears so: the change
    // landed, and only the journal knows it was sent.
    let path = "/api/v2/agent-assist/prompts/p3";
    let hold = Hold::arm(&case.emulator.base_url(), "PUT", path, Stage::After).await;
    let mut child = case.spawn_apply(&["--parallelism", "1"]);
    hold.caught().await;
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    hold.drop_connection().await;
    let killed_run = audit_lines(&case)[0]["run_id"]
        .as_str()
        .expect("the killed run's id")
        .to_owned();

    let finish = case.apply(&[]).await;
    assert_eq!(finish.code, 0, "{}", finish.transcript());
    assert!(
        finish.stderr.contains("recorded in the audit record"),
        "{}",
        finish.stderr
    );
    let lines = audit_lines(&case);
    let done = |id: &str| {
        lines
            .iter()
            .any(|l| l["event"] == "change" && l["prompt_id"] == id && l["outcome"] == "done")
    };
    for id in case.prompts().await.keys() {
        assert!(done(id), "`{id}` landed but has no audit line:\n{lines:#?}");
    }
    let recovered = lines
        .iter()
        .find(|l| l["event"] == "change" && l["prompt_id"] == "p3")
        .expect("p3's line");
    assert_eq!(recovered["recovered_from"], killed_run.as_str());
    assert_eq!(recovered["action"], "create");

    let verified = verify(&case, &[]);
    assert_eq!(verified.code, 0, "{}", verified.transcript());
    let show = crate::support::run_in(case.project.path(), &["audit", "show"], &[]);
    assert!(
        show.stdout.contains("(cut off: the run did not finish)")
            && show.stdout.contains("(recovered from run"),
        "{}",
        show.stdout
    );
}

/// An org applied twice, so that the record holds two runs, the state anchoring
/// the second's last line.
async fn two_runs(env: &[(&str, &str)]) -> Case {
    let case = Case::new(&prompt("a", "Hello")).await;
    let first = case.run_env(&["apply", ".", "--auto-approve"], env).await;
    assert_eq!(first.code, 0, "{}", first.transcript());
    std::fs::write(case.project.path().join("main.hcl"), prompt("a", "Changed")).expect("edit");
    let second = case.run_env(&["apply", ".", "--auto-approve"], env).await;
    assert_eq!(second.code, 0, "{}", second.transcript());
    let verified = verify(&case, env);
    assert_eq!(verified.code, 0, "{}", verified.transcript());
    assert!(
        verified
            .stdout
            .contains("where the state's last write anchored it"),
        "{}",
        verified.stdout
    );
    case
}

fn rewrite(case: &Case, lines: &[String]) {
    let mut text = lines.join("\n");
    if !text.is_empty() {
        text.push('\n');
    }
    std::fs::write(case.project.path().join("state/audit.jsonl"), text).expect("rewrite");
}

fn raw_lines(case: &Case) -> Vec<String> {
    std::fs::read_to_string(case.project.path().join("state/audit.jsonl"))
        .expect("record")
        .lines()
        .map(str::to_owned)
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn cutting_the_end_off_the_record_is_caught_and_a_torn_line_is_a_crash() {
    let case = two_runs(&[]).await;
    let lines = raw_lines(&case);
    let last_run = serde_json::from_str::<serde_json::Value>(lines.last().expect("a line"))
        .expect("record")["run_id"]
        .clone();
    let without_last_run: Vec<String> = lines
        .iter()
        .filter(|l| {
            serde_json::from_str::<serde_json::Value>(l).expect("record")["run_id"] != last_run
        })
        .cloned()
        .collect();
    let text = lines.join("\n") + "\n";
    let cases: [(&str, Vec<String>); 3] = [
        ("the last line deleted", lines[..lines.len() - 1].to_vec()),
        ("the last run deleted", without_last_run),
        (
            "the file truncated",
            vec![text[..text.len() / 2].trim_end().to_owned()],
        ),
    ];
    for (what, cut) in cases {
        rewrite(&case, &cut);
        let run = verify(&case, &[]);
        assert_eq!(run.code, 1, "{what}: {}", run.transcript());
        assert!(
            run.stderr
                .contains("but the state's last write anchored seq")
                && run
                    .stderr
                    .contains("removed from its end, or the file was truncated"),
            "{what}: {}",
            run.stderr
        );
    }
    // A crash tears a line after the anchored end: a crash, not tampering.
    rewrite(&case, &lines);
    let mut torn = text.clone();
    torn.push_str("{\"seq\":99,\"time\":\"2026-");
    std::fs::write(case.project.path().join("state/audit.jsonl"), torn).expect("tear");
    let run = verify(&case, &[]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(run.stdout.contains("was torn by a crash"), "{}", run.stdout);
    // Garbage in place of the anchored last line is not a crash.
    let mut replaced = lines.clone();
    *replaced.last_mut().expect("a line") = "garbage".into();
    rewrite(&case, &replaced);
    assert_eq!(verify(&case, &[]).code, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn with_a_key_an_edited_and_rechained_middle_line_is_caught() {
    let key = [("ASSISTFORM_AUDIT_KEY", "auditor-key")];
    let case = two_runs(&key).await;
    let mut records: Vec<serde_json::Value> = audit_lines(&case);
    assert!(records.iter().all(|r| r["keyed"] == true), "{records:#?}");
    // Someone without the key edits a change in the middle and re-chains every line
    // after it with SHA-256, then re-anchors the state to the new last line.
    let middle = records
        .iter()
        .position(|r| r["event"] == "change")
        .expect("a change");
    records[middle]["outcome"] = serde_json::json!("skipped");
    // The lines before it stay byte for byte as they were.
    let mut lines: Vec<String> = raw_lines(&case)[..middle].to_vec();
    for (i, record) in records.iter_mut().enumerate().skip(middle) {
        if i > middle {
            let prev = format!("{:x}", Sha256::digest(lines[i - 1].as_bytes()));
            record["prev"] = serde_json::json!(prev);
        }
        lines.push(record.to_string());
    }
    rewrite(&case, &lines);
    let state_path = case.project.path().join("state/assistform.state.json");
    let mut state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&state_path).expect("state"))
            .expect("state JSON");
    state["audit"]["hash"] = serde_json::json!(format!(
        "{:x}",
        Sha256::digest(lines.last().expect("line").as_bytes())
    ));
    std::fs::write(&state_path, state.to_string()).expect("state");

    let run = verify(&case, &key);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stderr
            .contains(&format!("broken at line {}", middle + 2)),
        "{}",
        run.stderr
    );
    // Without the key the record cannot be checked, and says so.
    let unkeyed = verify(&case, &[]);
    assert!(
        unkeyed.code == 1
            && unkeyed
                .stderr
                .contains("HMAC-chained: set ASSISTFORM_AUDIT_KEY"),
        "{}",
        unkeyed.transcript()
    );
}
