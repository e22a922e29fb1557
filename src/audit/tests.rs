use std::fs;
use std::path::Path;
use std::time::{Duration, SystemTime};

use super::log::Tail;
use super::*;

fn fixed() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_000_000)
}

fn open(dir: &Path) -> AuditLog {
    AuditLog::open_with_clock(dir, "run-1", fixed).unwrap()
}

fn edit(address: &str) -> Event {
    Event::StateEdit {
        command: "state rm".into(),
        addresses: vec![address.into()],
    }
}

fn change(detail: &str) -> Event {
    Event::Change {
        address: "prompt.a".into(),
        prompt_id: "p-1".into(),
        action: "update".into(),
        before_sha256: Some(sha256_hex(b"before")),
        after_sha256: Some(sha256_hex(b"after")),
        http_status: Some(200),
        attempts: 1,
        latency_ms: 12,
        outcome: "success".into(),
        context_id: Some("ctx-1".into()),
        detail: Some(detail.into()),
        recovered_from: None,
    }
}

fn text(dir: &Path) -> String {
    fs::read_to_string(dir.join(AUDIT_FILE)).unwrap()
}

#[test]
fn sha256_hex_is_lowercase_hex() {
    assert_eq!(
        sha256_hex(b"abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}

#[test]
fn actor_prefers_the_ci_actor_then_the_os_user() {
    let env = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect()
    };
    let ci = actor(
        Some("client"),
        &env(&[("USER", "alice"), ("GITHUB_ACTOR", "octocat")]),
    );
    assert_eq!(ci.user, "github:octocat");
    assert_eq!(ci.client_id.as_deref(), Some("client"));
    assert_eq!(
        actor(None, &env(&[("GITLAB_USER_LOGIN", ""), ("USER", "alice")])).user,
        "alice"
    );
    assert_eq!(actor(None, &env(&[("USERNAME", "bob")])).user, "bob");
    assert_eq!(actor(None, &[]).user, "unknown");
}

#[test]
fn a_record_is_one_flat_json_object() {
    let dir = tempfile::tempdir().unwrap();
    let record = open(dir.path()).append(edit("prompt.a")).unwrap();
    assert_eq!(
        text(dir.path()),
        format!(
            r#"{{"seq":1,"time":"2026-11-18T11:06:40.000Z","run_id":"run-1","prev":"{GENESIS}","event":"state_edit","command":"state rm","addresses":["prompt.a"]}}"#
        ) + "\n"
    );
    assert_eq!(read(dir.path()).unwrap(), vec![record]);
}

#[test]
fn every_line_chains_to_the_one_before_and_reopening_continues() {
    let dir = tempfile::tempdir().unwrap();
    let log = open(dir.path());
    let first = log.append(edit("prompt.a")).unwrap();
    let second = log.append(change("ok")).unwrap();
    drop(log);
    let third = open(dir.path()).append(edit("prompt.b")).unwrap();
    let text = text(dir.path());
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!((first.seq, second.seq, third.seq), (1, 2, 3));
    assert_eq!(first.prev, GENESIS);
    assert_eq!(second.prev, sha256_hex(lines[0].as_bytes()));
    assert_eq!(third.prev, sha256_hex(lines[1].as_bytes()));
    let found = verify(dir.path(), None, None).unwrap();
    assert_eq!((found.lines, found.records, found.broken), (3, 3, None));
}

#[test]
fn detail_is_masked_before_it_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let record = open(dir.path())
        .append(change(
            "409 for jane.doe@example.com; sent Authorization: Bearer abc.def-123456 and client_secret=s3cr3t",
        ))
        .unwrap();
    let Event::Change { detail, .. } = &record.event else {
        panic!("not a change")
    };
    let detail = detail.as_deref().unwrap();
    let written = text(dir.path());
    for secret in ["jane.doe@example.com", "abc.def-123456", "s3cr3t"] {
        assert!(!detail.contains(secret), "{detail}");
        assert!(!written.contains(secret), "{written}");
    }
    assert!(
        detail.contains("Bearer ***") && detail.contains("client_secret=***"),
        "{detail}"
    );
}

#[test]
fn a_whole_record_missing_only_its_newline_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    open(dir.path()).append(edit("prompt.a")).unwrap();
    let path = dir.path().join(AUDIT_FILE);
    let whole = text(dir.path());
    fs::write(&path, whole.trim_end()).unwrap();
    open(dir.path()).append(edit("prompt.b")).unwrap();
    let found = verify(dir.path(), None, None).unwrap();
    assert_eq!(
        (found.records, found.crashes, found.broken),
        (2, vec![], None)
    );
}

#[test]
fn a_torn_line_is_sealed_whether_or_not_it_ends_in_a_newline() {
    for torn in ["{\"seq\":2,\"ti", "\u{0}\u{0}\u{0}\n"] {
        let dir = tempfile::tempdir().unwrap();
        open(dir.path()).append(edit("prompt.a")).unwrap();
        let before = text(dir.path());
        fs::write(dir.path().join(AUDIT_FILE), format!("{before}{torn}")).unwrap();
        let log = open(dir.path());
        log.append(edit("prompt.b")).unwrap();
        let records = read(dir.path()).unwrap();
        let Event::Sealed { torn_bytes, note } = &records[1].event else {
            panic!("{records:?}")
        };
        assert_eq!(*torn_bytes, torn.trim_end_matches('\n').len() as u64);
        assert!(note.contains("torn"), "{note}");
        assert_eq!(records[1].prev, sha256_hex(before.trim_end().as_bytes()));
        assert_eq!(records.iter().map(|r| r.seq).collect::<Vec<_>>(), [1, 2, 3]);
        let found = verify(dir.path(), None, None).unwrap();
        assert_eq!(found.crashes, vec![3], "{found:?}");
        assert_eq!((found.lines, found.records, found.broken), (4, 3, None));
    }
}

#[test]
fn a_torn_first_line_is_sealed_from_genesis() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join(AUDIT_FILE), "{\"se").unwrap();
    let sealed = open(dir.path()).append(edit("prompt.a")).unwrap();
    assert_eq!(sealed.seq, 2);
    let found = verify(dir.path(), None, None).unwrap();
    assert_eq!((found.crashes, found.broken), (vec![2], None));
}

#[test]
fn an_unsealed_torn_last_line_is_a_crash_not_a_break() {
    let dir = tempfile::tempdir().unwrap();
    open(dir.path()).append(edit("prompt.a")).unwrap();
    let path = dir.path().join(AUDIT_FILE);
    fs::write(&path, format!("{}{{\"seq\":2", text(dir.path()))).unwrap();
    let found = verify(dir.path(), None, None).unwrap();
    assert_eq!((found.torn_tail, found.broken), (Some(2), None));
    assert_eq!(read(dir.path()).unwrap().len(), 1);
}

#[test]
fn damage_above_a_torn_line_is_refused_not_sealed() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join(AUDIT_FILE), "garbage\n{\"se").unwrap();
    let err = AuditLog::open(dir.path(), "run").unwrap_err();
    assert!(
        matches!(err, AuditError::Corrupt { line: 1, .. }),
        "{err:?}"
    );
}

#[test]
fn a_seal_with_no_torn_line_above_is_a_break() {
    let dir = tempfile::tempdir().unwrap();
    let log = open(dir.path());
    log.append(edit("prompt.a")).unwrap();
    log.append(Event::Sealed {
        torn_bytes: 3,
        note: "made up".into(),
    })
    .unwrap();
    let broken = verify(dir.path(), None, None).unwrap().broken.unwrap();
    assert_eq!(broken.line, 2);
    assert!(broken.reason.contains("line above is whole"), "{broken:?}");
}

#[test]
fn a_repeated_line_is_reported_as_out_of_order() {
    let dir = tempfile::tempdir().unwrap();
    let log = open(dir.path());
    log.append(edit("prompt.a")).unwrap();
    log.append(edit("prompt.b")).unwrap();
    let text = text(dir.path());
    let first = text.lines().next().unwrap();
    fs::write(dir.path().join(AUDIT_FILE), format!("{text}{first}\n")).unwrap();
    let broken = verify(dir.path(), None, None).unwrap().broken.unwrap();
    assert_eq!(broken.line, 3);
    assert!(broken.reason.starts_with("seq 1 repeats"), "{broken:?}");
}

#[test]
fn a_long_last_line_is_found_by_reading_further_back() {
    let dir = tempfile::tempdir().unwrap();
    let long = "x".repeat(20_000);
    let log = open(dir.path());
    log.append(change(&long)).unwrap();
    log.append(change(&long)).unwrap();
    drop(log);
    let next = open(dir.path()).append(edit("prompt.a")).unwrap();
    assert_eq!(next.seq, 3);
    assert!(verify(dir.path(), None, None).unwrap().is_intact());
}

#[test]
fn tail_parse_needs_both_lines_whole() {
    let tail = |buf: &str, whole| Tail::parse(buf.as_bytes(), whole);
    assert_eq!(tail("", true), Some(Tail::default()));
    assert_eq!(tail("a\nb\n", false), None);
    let t = tail("a\nb\nc", false).unwrap();
    assert_eq!(
        (t.before, t.last, t.terminated),
        (Some(b"b".to_vec()), Some(b"c".to_vec()), false)
    );
    let t = tail("a\n", true).unwrap();
    assert_eq!(
        (t.before, t.last, t.terminated),
        (None, Some(b"a".to_vec()), true)
    );
    let t = tail("a\nb\n", true).unwrap();
    assert_eq!(
        (t.before, t.last),
        (Some(b"a".to_vec()), Some(b"b".to_vec()))
    );
}

#[test]
fn a_second_writer_is_refused_while_the_first_is_open() {
    let dir = tempfile::tempdir().unwrap();
    let first = open(dir.path());
    let second = AuditLog::open(dir.path(), "run-2").unwrap_err();
    assert!(matches!(second, AuditError::Busy { .. }), "{second:?}");
    drop(first);
    AuditLog::open(dir.path(), "run-3").unwrap();
}

#[test]
fn a_missing_record_is_an_error_for_readers() {
    let dir = tempfile::tempdir().unwrap();
    assert!(matches!(
        verify(dir.path(), None, None),
        Err(AuditError::Missing { .. })
    ));
    assert!(matches!(read(dir.path()), Err(AuditError::Missing { .. })));
}

#[test]
fn a_seq_at_its_largest_is_refused_not_wrapped() {
    let dir = tempfile::tempdir().unwrap();
    open(dir.path()).append(edit("prompt.a")).unwrap();
    let last = text(dir.path()).replace("\"seq\":1,", &format!("\"seq\":{},", u64::MAX));
    fs::write(dir.path().join(AUDIT_FILE), &last).unwrap();
    let err = open(dir.path()).append(edit("prompt.b")).unwrap_err();
    assert!(
        matches!(err, AuditError::SeqExhausted { seq: u64::MAX, .. }),
        "{err}"
    );
    assert_eq!(text(dir.path()), last);
}

#[test]
fn a_dropped_log_is_free_while_a_forked_child_still_shares_its_file() {
    let dir = tempfile::tempdir().unwrap();
    let log = open(dir.path());
    // What a child forked by another thread holds until its exec: a copy of the
    // descriptor, sharing the open file description and so the lock.
    let childs_copy = log.file().unwrap().try_clone().unwrap();
    drop(log);
    AuditLog::open_with_clock(dir.path(), "run-2", fixed)
        .expect("free as soon as its writer dropped it");
    drop(childs_copy);
}
