//! The audit record: written through the library, checked and read by the binary.

use std::fs;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use assistform::audit::{self, AUDIT_FILE, Actor, AuditLog, Event, Totals, sha256_hex};

use crate::support::Project;

/// `start`, then 1.5 s later at every record: times a snapshot can hold.
fn clock(start: &str) -> impl Fn() -> SystemTime + Send + Sync + 'static {
    let start = humantime::parse_rfc3339(start).unwrap();
    let ticks = AtomicU64::new(0);
    move || start + Duration::from_millis(1_500 * ticks.fetch_add(1, Ordering::SeqCst))
}

/// The log for a run whose records start at `start`.
fn open_at(project: &Project, run_id: &str, start: &str) -> AuditLog {
    AuditLog::open_with_clock(&state(project), run_id, clock(start)).unwrap()
}

fn open(project: &Project, run_id: &str) -> AuditLog {
    open_at(project, run_id, "2026-11-23T09:00:00Z")
}

fn state(project: &Project) -> PathBuf {
    project.path().join("state")
}

fn file(project: &Project) -> PathBuf {
    state(project).join(AUDIT_FILE)
}

fn change(address: &str, action: &str, status: u16, outcome: &str) -> Event {
    Event::Change {
        address: address.into(),
        prompt_id: format!("id-{address}"),
        action: action.into(),
        before_sha256: Some(sha256_hex(b"before")),
        after_sha256: Some(sha256_hex(address.as_bytes())),
        http_status: Some(status),
        attempts: 1,
        latency_ms: 40 + u64::from(status % 7),
        outcome: outcome.into(),
        context_id: Some(format!("ctx-{address}")),
        detail: None,
        recovered_from: None,
    }
}

/// One apply of three changes (one refused with 409), then a `state rm`: 7 lines.
fn a_run(project: &Project) {
    let log = open(project, "3f2a9c1e-7b7d-4c1a-9d55-0c6f2f1e9a01");
    log.append(Event::RunStarted {
        command: "apply".into(),
        actor: Actor {
            client_id: Some("ci-client".into()),
            user: "github:octocat".into(),
        },
        plan_digest: Some(sha256_hex(b"plan")),
    })
    .unwrap();
    log.append(change("prompt.greeting", "create", 200, "success"))
        .unwrap();
    log.append(change("prompt.account_hold", "update", 409, "failed"))
        .unwrap();
    log.append(change("prompt.greeting", "update", 200, "success"))
        .unwrap();
    log.append(Event::RunFinished {
        command: "apply".into(),
        outcome: "failed".into(),
        totals: Totals {
            changed: 2,
            failed: 1,
            skipped: 0,
        },
    })
    .unwrap();
    drop(log);
    let log = open_at(
        project,
        "8c1d0b2e-5a4f-4e3b-b1c2-9d8e7f6a5b4c",
        "2026-11-23T10:30:00Z",
    );
    log.append(Event::StateEdit {
        command: "state rm".into(),
        addresses: vec!["prompt.greeting".into()],
    })
    .unwrap();
    log.append(Event::Hook {
        address: "prompt.account_hold".into(),
        hook: "command".into(),
        outcome: "timed out".into(),
        detail: None,
    })
    .unwrap();
}

fn lines(project: &Project) -> Vec<String> {
    fs::read_to_string(file(project))
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

fn rewrite(project: &Project, lines: &[String]) {
    fs::write(file(project), lines.join("\n") + "\n").unwrap();
}

#[test]
fn verify_passes_on_a_good_log() {
    let project = Project::new();
    a_run(&project);
    let run = project.run(&["audit", "verify"]);
    assert_eq!(
        run.transcript(),
        "exit: 0\n--- stdout\naudit log OK: 7 records\nnote: the state anchors no line of it (no state write recorded its head yet), so lines removed from its end would not show\n--- stderr\n"
    );
}

#[test]
fn a_tampered_middle_line_breaks_the_chain_at_the_line_after_it() {
    let project = Project::new();
    a_run(&project);
    let mut lines = lines(&project);
    // The refused update of line 3 made to look as if it landed.
    assert!(lines[2].contains(r#""outcome":"failed""#), "{}", lines[2]);
    lines[2] = lines[2].replace(r#""outcome":"failed""#, r#""outcome":"success""#);
    rewrite(&project, &lines);
    let run = project.run(&["audit", "verify", "--state-dir", "state"]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert_eq!(
        run.stderr,
        "error: audit log `state/audit.jsonl` is broken at line 4: `prev` is not the hash of \
         line 3: line 3 was altered (or this line's `prev` was)\n"
    );
    assert_eq!(run.stdout, "");
}

#[test]
fn a_deleted_line_is_a_seq_gap() {
    let project = Project::new();
    a_run(&project);
    let mut lines = lines(&project);
    lines.remove(2);
    rewrite(&project, &lines);
    let run = project.run(&["audit", "verify"]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert_eq!(
        run.stderr,
        "error: audit log `state/audit.jsonl` is broken at line 3: seq jumps from 2 to 4: \
         1 line missing before this one\n"
    );
}

#[test]
fn a_line_torn_by_a_crash_is_sealed_by_the_next_run_and_reported_as_a_crash() {
    let project = Project::new();
    a_run(&project);
    let len = fs::metadata(file(&project)).unwrap().len();
    // Cut the last record in the middle, as a crash during its write would.
    let torn = fs::OpenOptions::new()
        .write(true)
        .open(file(&project))
        .unwrap();
    torn.set_len(len - 40).unwrap();
    drop(torn);

    let run = project.run(&["audit", "verify"]);
    assert_eq!(
        run.transcript(),
        "exit: 0\n--- stdout\naudit log OK: 6 records\nnote: the state anchors no line of it (no state write recorded its head yet), so lines removed from its end would not show\nnote: line 7, the last, was torn by a \
         crash; the next run seals it\n--- stderr\n"
    );

    let log = open(&project, "next-run");
    log.append(Event::RunStarted {
        command: "apply".into(),
        actor: Actor::default(),
        plan_digest: None,
    })
    .unwrap();
    drop(log);
    let run = project.run(&["audit", "verify"]);
    assert_eq!(
        run.transcript(),
        "exit: 0\n--- stdout\naudit log OK: 8 records (1 crash sealed at line 8)\nnote: the state anchors no line of it (no state write recorded its head yet), so lines removed from its end would not show\n--- stderr\n"
    );
    let records = audit::read(&state(&project)).unwrap();
    let sealed = &records[6];
    assert_eq!(sealed.seq, 7);
    assert!(matches!(sealed.event, Event::Sealed { .. }), "{sealed:?}");
}

#[test]
fn concurrent_appends_keep_the_chain_intact() {
    let project = Project::new();
    let log = Arc::new(open(&project, "concurrent"));
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let log = Arc::clone(&log);
            std::thread::spawn(move || {
                for i in 0..100 {
                    log.append(change(
                        &format!("prompt.t{t}_{i}"),
                        "create",
                        200,
                        "success",
                    ))
                    .unwrap();
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    drop(log);
    let found = audit::verify(&state(&project), None, None).unwrap();
    assert_eq!((found.lines, found.records, found.broken), (800, 800, None));
    let seqs: Vec<u64> = audit::read(&state(&project))
        .unwrap()
        .iter()
        .map(|r| r.seq)
        .collect();
    assert_eq!(seqs, (1..=800).collect::<Vec<_>>());
    let run = project.run(&["audit", "verify"]);
    assert_eq!(
        run.stdout,
        "audit log OK: 800 records\nnote: the state anchors no line of it (no state write recorded its head yet), so lines removed from its end would not show\n",
        "{}",
        run.transcript()
    );
}

#[cfg(unix)]
#[test]
fn the_record_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let project = Project::new();
    a_run(&project);
    let mode = fs::metadata(file(&project)).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn show_prints_a_table() {
    let project = Project::new();
    a_run(&project);
    let run = project.run(&["audit", "show"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn show_filters_by_address() {
    let project = Project::new();
    a_run(&project);
    let run = project.run(&["audit", "show", "--address", "prompt.account_hold"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let rows: Vec<&str> = run.stdout.lines().filter(|l| l.contains("2026-")).collect();
    assert_eq!(rows.len(), 2, "{}", run.stdout);
    assert!(
        rows.iter().all(|r| r.contains("prompt.account_hold")),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("prompt.greeting"), "{}", run.stdout);
}

#[test]
fn show_filters_by_time_and_prints_json_lines() {
    let project = Project::new();
    a_run(&project);
    // The fourth record of the first run is at 09:00:04.500; the second run at 10:30.
    let run = project.run(&["audit", "show", "--since", "2026-11-23T09:00:04Z", "--json"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let seqs: Vec<u64> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<audit::Record>(l).unwrap().seq)
        .collect();
    assert_eq!(seqs, [4, 5, 6, 7]);

    let all = project.run(&["audit", "show", "--since", "2026-11-23", "--json"]);
    assert_eq!(all.stdout.lines().count(), 7, "{}", all.transcript());
    let none = project.run(&["audit", "show", "--since", "1h"]);
    assert_eq!(
        none.stdout,
        "no audit records match\n",
        "{}",
        none.transcript()
    );
    let bad = project.run(&["audit", "show", "--since", "yesterday-ish"]);
    assert_eq!(bad.code, 1);
    assert!(bad.stderr.contains("neither a time"), "{}", bad.stderr);
}

#[test]
fn reading_a_missing_record_is_an_error() {
    let project = Project::new();
    let run = project.run(&["audit", "verify", "--state-dir", "nowhere"]);
    assert_eq!(
        run.transcript(),
        "exit: 1\n--- stdout\n--- stderr\nerror: there is no audit record at `nowhere/audit.jsonl`\n"
    );
}
