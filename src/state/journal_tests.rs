use super::*;
use crate::model::ModifiedBy;

fn spec(id: &str, name: &str) -> PromptSpec {
    serde_json::from_value(serde_json::json!({
        "id": id, "name": name, "description": "", "status": "active",
        "interactionTypes": ["chat"],
        "trigger": {"type": "chat", "conditions": [{"field": "f", "operator": "equals", "value": "v"}]},
        "display": {"type": "popup", "content": "Hi", "timeoutMs": 30000},
    }))
    .unwrap()
}

fn live(spec: PromptSpec, version: u64) -> RemotePrompt {
    RemotePrompt {
        spec,
        version,
        date_modified: String::new(),
        modified_by: ModifiedBy { id: "x".into() },
        self_uri: String::new(),
    }
}

fn intent(address: &str, id: &str, write: WriteKind, spec: Option<&PromptSpec>) -> Entry {
    Entry::Intent {
        address: address.into(),
        id: id.into(),
        write,
        attributes: spec.map(PromptSpec::to_values),
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
            address: "prompt.a".into(),
            id: "a".into(),
            version: Some(1),
            attributes: Some(a.to_values()),
            prevent_destroy: false,
            depends_on: Vec::new(),
            sensitive: Vec::new(),
        },
    ];
    assert!(fold(&mut state, &entries).is_empty());
    assert_eq!(state.resources["prompt.a"].version, 1);
}

#[test]
fn a_create_in_flight_is_adopted_when_the_prompt_exists() {
    let a = spec("a", "A");
    let mut state = State::default();
    let in_flight = fold(
        &mut state,
        &[intent("prompt.a", "a", WriteKind::Put, Some(&a))],
    );
    assert_eq!(in_flight.len(), 1);
    assert_eq!(
        settle(&mut state, &in_flight, &[]),
        Vec::<String>::new(),
        "not landed: still to do"
    );
    assert!(state.resources.is_empty());
    assert_eq!(
        settle(&mut state, &in_flight, &[live(a.clone(), 1)]),
        vec!["prompt.a".to_owned()]
    );
    assert_eq!(state.resources["prompt.a"].spec().unwrap(), a);
}

#[test]
fn an_update_in_flight_is_adopted_only_if_it_landed() {
    let old = spec("a", "Old");
    let new = spec("a", "New");
    let mut state = State::default();
    state.resources.insert(
        "prompt.a".into(),
        Resource {
            id: "a".into(),
            version: 1,
            attributes: old.to_values(),
            prevent_destroy: false,
            depends_on: Vec::new(),
            sensitive: Vec::new(),
        },
    );
    let in_flight = fold(
        &mut state,
        &[intent("prompt.a", "a", WriteKind::Put, Some(&new))],
    );
    settle(&mut state, &in_flight, &[live(old.clone(), 1)]);
    assert_eq!(
        state.resources["prompt.a"].spec().unwrap(),
        old,
        "not landed: the state keeps what was there"
    );
    settle(&mut state, &in_flight, &[live(new.clone(), 2)]);
    assert_eq!(state.resources["prompt.a"].version, 2);
}

#[test]
fn a_delete_in_flight_is_dropped_when_the_prompt_is_gone() {
    let a = spec("a", "A");
    let mut state = State::default();
    state.resources.insert(
        "prompt.a".into(),
        Resource {
            id: "a".into(),
            version: 1,
            attributes: a.to_values(),
            prevent_destroy: false,
            depends_on: Vec::new(),
            sensitive: Vec::new(),
        },
    );
    let in_flight = fold(
        &mut state,
        &[intent("prompt.a", "a", WriteKind::Delete, None)],
    );
    settle(&mut state, &in_flight, &[live(a, 1)]);
    assert!(state.resources.contains_key("prompt.a"));
    settle(&mut state, &in_flight, &[]);
    assert!(!state.resources.contains_key("prompt.a"));
}

#[tokio::test]
async fn concurrent_appends_all_reach_the_file_and_a_torn_line_is_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let journal = std::sync::Arc::new(Journal::open(dir.path()).unwrap());
    let mut tasks = Vec::new();
    for i in 0..50 {
        let journal = journal.clone();
        tasks.push(tokio::spawn(async move {
            journal
                .append(&Entry::Failed {
                    address: format!("prompt.p{i}"),
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
    assert_eq!(read(dir.path()).unwrap().len(), 50);
    clear(dir.path()).unwrap();
    assert!(read(dir.path()).unwrap().is_empty());
}
