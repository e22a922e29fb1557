use serde_json::Value;

use super::*;
use crate::kind::Live;

/// The OAuth client of the runs in these tests.
const US: &str = "our-client";

fn spec(id: &str, name: &str) -> Value {
    serde_json::json!({
        "id": id, "name": name, "description": "", "status": "active",
        "interaction_types": ["chat"],
        "trigger": [{"type": "chat", "condition": [{"field": "f", "operator": "equals", "value": "v"}]}],
        "display": [{"type": "popup", "content": "Hi", "timeout_ms": 30000}],
    })
}

fn live(values: Value, version: u64) -> Live {
    Live {
        created: None,
        id: values["id"].as_str().unwrap().to_owned(),
        values,
        version,
        modified_by: Some(US.into()),
    }
}

fn addr(s: &str) -> Address {
    s.parse().unwrap()
}

/// What Genesys holds, as a plan reads it.
fn org(objects: Vec<Live>) -> LiveSet {
    let mut set = LiveSet::default();
    set.extend("prompt", objects);
    set
}

fn intent(address: &str, id: &str, write: WriteKind, spec: Option<&Value>) -> Entry {
    Entry::Intent {
        since: None,
        address: addr(address),
        id: id.into(),
        write,
        attributes: spec.cloned(),
        prevent_destroy: false,
        depends_on: Vec::new(),
        sensitive: Vec::new(),
    }
}

#[test]
fn landed_writes_fold_into_the_state() {
    let a = spec("a", "A");
    let mut state = State::default();
    let entries = vec![
        intent("prompt.a", "a", WriteKind::Put, Some(&a)),
        Entry::Done {
            address: addr("prompt.a"),
            id: "a".into(),
            version: Some(1),
            attributes: Some(a.clone()),
            prevent_destroy: false,
            depends_on: Vec::new(),
            sensitive: Vec::new(),
        },
    ];
    assert!(fold(&mut state, &entries).is_empty());
    assert_eq!(state.resources[&addr("prompt.a")].version, 1);
}

#[test]
fn a_create_in_flight_is_adopted_when_the_prompt_exists() {
    let a = spec("a", "A");
    let mut state = State::default();
    let mut in_flight = fold(
        &mut state,
        &[intent("prompt.a", "a", WriteKind::Put, Some(&a))],
    );
    assert_eq!(in_flight.len(), 1);
    assert_eq!(
        settle(&mut state, &mut in_flight, &LiveSet::default(), US).addresses,
        Vec::<Address>::new(),
        "not landed: still to do"
    );
    assert!(state.resources.is_empty());
    assert_eq!(
        settle(
            &mut state,
            &mut in_flight,
            &org(vec![live(a.clone(), 1)]),
            US
        )
        .addresses,
        vec![addr("prompt.a")]
    );
    assert_eq!(state.resources[&addr("prompt.a")].attributes, a);
}

#[test]
fn a_create_in_flight_never_adopts_someone_elses_prompt() {
    let a = spec("a", "A");
    let mut in_flight = fold(
        &mut State::default(),
        &[intent("prompt.a", "a", WriteKind::Put, Some(&a))],
    );
    let by_someone = Live {
        modified_by: Some("console-user".into()),
        ..live(a.clone(), 1)
    };
    for (why, now) in [
        ("made by another client", by_someone),
        ("other attributes", live(spec("a", "Console"), 1)),
        ("edited since (version 2)", live(a.clone(), 2)),
    ] {
        let mut state = State::default();
        assert_eq!(
            settle(&mut state, &mut in_flight, &org(vec![now]), US).addresses,
            Vec::<Address>::new(),
            "{why}"
        );
        assert!(state.resources.is_empty(), "{why}");
    }
}

#[test]
fn writes_in_flight_stay_in_the_journal_and_the_rest_goes() {
    let dir = tempfile::tempdir().unwrap();
    let a = spec("a", "A");
    let b = spec("b", "B");
    let entries = [
        Entry::Run {
            run_id: "run-1".into(),
            client_id: Some(US.into()),
        },
        intent("prompt.a", "a", WriteKind::Put, Some(&a)),
        intent("prompt.b", "b", WriteKind::Put, Some(&b)),
        Entry::Done {
            address: addr("prompt.b"),
            id: "b".into(),
            version: Some(1),
            attributes: Some(b.clone()),
            prevent_destroy: false,
            depends_on: Vec::new(),
            sensitive: Vec::new(),
        },
    ];
    let mut state = State::default();
    let in_flight = fold(&mut state, &entries);
    keep_in_flight(dir.path(), &in_flight).unwrap();
    assert_eq!(
        read(dir.path()).unwrap(),
        entries[..2].to_vec(),
        "the run header and the intent in flight"
    );
    assert_eq!(landed(&entries)[0].run, "run-1");
    keep_in_flight(dir.path(), &[]).unwrap();
    assert!(!dir.path().join(JOURNAL_FILE).exists());
}

#[test]
fn an_update_in_flight_is_adopted_only_if_it_landed() {
    let old = spec("a", "Old");
    let new = spec("a", "New");
    let mut state = State::default();
    state.resources.insert(
        addr("prompt.a"),
        Resource {
            id: "a".into(),
            version: 1,
            attributes: old.clone(),
            prevent_destroy: false,
            depends_on: Vec::new(),
            sensitive: Vec::new(),
        },
    );
    let mut in_flight = fold(
        &mut state,
        &[intent("prompt.a", "a", WriteKind::Put, Some(&new))],
    );
    settle(
        &mut state,
        &mut in_flight,
        &org(vec![live(old.clone(), 1)]),
        US,
    );
    assert_eq!(
        state.resources[&addr("prompt.a")].attributes,
        old,
        "not landed: the state keeps what was there"
    );
    settle(
        &mut state,
        &mut in_flight,
        &org(vec![live(new.clone(), 2)]),
        US,
    );
    assert_eq!(state.resources[&addr("prompt.a")].version, 2);
}

#[test]
fn a_delete_in_flight_is_dropped_when_the_prompt_is_gone() {
    let a = spec("a", "A");
    let mut state = State::default();
    state.resources.insert(
        addr("prompt.a"),
        Resource {
            id: "a".into(),
            version: 1,
            attributes: a.clone(),
            prevent_destroy: false,
            depends_on: Vec::new(),
            sensitive: Vec::new(),
        },
    );
    let mut in_flight = fold(
        &mut state,
        &[intent("prompt.a", "a", WriteKind::Delete, None)],
    );
    settle(&mut state, &mut in_flight, &org(vec![live(a, 1)]), US);
    assert!(state.resources.contains_key(&addr("prompt.a")));
    settle(&mut state, &mut in_flight, &LiveSet::default(), US);
    assert!(!state.resources.contains_key(&addr("prompt.a")));
}

#[tokio::test]
async fn concurrent_appends_all_reach_the_file_and_a_torn_line_is_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let journal = std::sync::Arc::new(Journal::open(dir.path(), "run-1", US).unwrap());
    let mut tasks = Vec::new();
    for i in 0..50 {
        let journal = journal.clone();
        tasks.push(tokio::spawn(async move {
            journal
                .append(&Entry::Failed {
                    address: addr(&format!("prompt.p{i}")),
                    id: format!("p{i}"),
                })
                .await
        }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    let mut file = OpenOptions::new()
        .append(true)
        .open(dir.path().join(JOURNAL_FILE))
        .unwrap();
    file.write_all(b"{\"kind\":\"intent\",\"addr").unwrap();
    let entries = read(dir.path()).unwrap();
    assert_eq!(
        entries[0],
        Entry::Run {
            run_id: "run-1".into(),
            client_id: Some(US.into()),
        },
        "the run's client is recorded"
    );
    assert_eq!(entries.len(), 51, "the header and every append");
    clear(dir.path()).unwrap();
    assert!(read(dir.path()).unwrap().is_empty());
}

#[test]
fn a_reader_settles_a_create_the_writer_sent() {
    // Teams plan with a read-only OAuth client and apply with a write client: the
    // create a killed apply left in flight was made by the apply's client, and a
    // plan run with another client must still know it for that create's.
    let a = spec("a", "A");
    let text = format!(
        "{}\n{}\n",
        serde_json::json!({"kind": "run", "run_id": "run-a", "client_id": "writer"}),
        serde_json::to_string(&intent("prompt.a", "a", WriteKind::Put, Some(&a))).unwrap()
    );
    let mut state = State::default();
    let mut in_flight = fold(&mut state, &parse(&text));
    let by_writer = Live {
        modified_by: Some("writer".into()),
        ..live(a.clone(), 1)
    };
    assert_eq!(
        settle(&mut state, &mut in_flight, &org(vec![by_writer]), "reader").addresses,
        vec![addr("prompt.a")]
    );
    assert_eq!(state.resources[&addr("prompt.a")].attributes, a);
    // Someone else's object stays someone else's, whoever settles.
    let mut state = State::default();
    let by_someone = Live {
        modified_by: Some("reader".into()),
        ..live(a.clone(), 1)
    };
    assert!(
        settle(&mut state, &mut in_flight, &org(vec![by_someone]), "reader")
            .addresses
            .is_empty()
    );
}
