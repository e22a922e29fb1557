use std::path::Path;

use super::*;
use crate::audit::{self, Event};
use crate::state::{self, Resource, State};

fn resource(id: &str, depends_on: &[&str]) -> Resource {
    Resource {
        id: id.into(),
        version: 1,
        attributes: serde_json::json!({}),
        prevent_destroy: false,
        depends_on: depends_on.iter().map(|d| (*d).into()).collect(),
        sensitive: Vec::new(),
    }
}

/// A state directory holding `prompt.a` and `prompt.b`, which depends on it.
fn state_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut state = State::default();
    state
        .resources
        .insert("prompt.a".into(), resource("a", &[]));
    state
        .resources
        .insert("prompt.b".into(), resource("b", &["prompt.a"]));
    state::write(dir.path(), &mut state).unwrap();
    dir
}

fn edits(dir: &Path) -> Vec<(String, Vec<String>)> {
    audit::read(dir)
        .unwrap()
        .into_iter()
        .filter_map(|r| match r.event {
            Event::StateEdit { command, addresses } => Some((command, addresses)),
            _ => None,
        })
        .collect()
}

#[test]
fn state_mv_renames_the_dependencies_too_and_is_audited() {
    let dir = state_dir();
    let moved = state_mv(&StateMvOptions {
        state_dir: dir.path().to_owned(),
        source: "prompt.a".into(),
        destination: "prompt.z".into(),
        ..StateMvOptions::default()
    })
    .unwrap();
    assert_eq!((moved.id.as_str(), moved.to.label()), ("a", "z"));
    let state = state::read(dir.path()).unwrap().unwrap();
    assert_eq!(state.resources["prompt.b"].depends_on, ["prompt.z"]);
    let last = audit::read(dir.path()).unwrap().last().unwrap().seq;
    assert_eq!(
        state.audit.map(|a| a.seq),
        Some(last),
        "the state anchors the record"
    );
    assert_eq!(
        edits(dir.path()),
        [(
            "state mv".to_owned(),
            vec!["prompt.a".to_owned(), "prompt.z".to_owned()]
        )]
    );
}

#[test]
fn state_mv_refuses_a_taken_destination_and_a_misspelt_source() {
    let dir = state_dir();
    let mv = |source: &str, destination: &str| {
        state_mv(&StateMvOptions {
            state_dir: dir.path().to_owned(),
            source: source.into(),
            destination: destination.into(),
            ..StateMvOptions::default()
        })
        .unwrap_err()
        .to_string()
    };
    assert_eq!(
        mv("prompt.a", "prompt.b"),
        "`prompt.b` is already in the state (prompt id `b`); `assistform state rm prompt.b` first, or choose another address"
    );
    assert_eq!(
        mv("prompt.aa", "prompt.c"),
        "`prompt.aa` is not in the state; did you mean `prompt.a`?"
    );
    assert!(matches!(
        state_mv(&StateMvOptions {
            state_dir: dir.path().to_owned(),
            source: "a".into(),
            destination: "prompt.c".into(),
            ..StateMvOptions::default()
        }),
        Err(OpsError::NotAnAddress { .. })
    ));
}

#[test]
fn state_rm_forgets_each_address_once_and_list_shows_the_rest() {
    let dir = state_dir();
    let removed = state_rm(&StateRmOptions {
        state_dir: dir.path().to_owned(),
        addresses: vec!["prompt.b".into(), "prompt.b".into()],
        ..StateRmOptions::default()
    })
    .unwrap();
    assert_eq!(
        removed,
        [Removed {
            address: "prompt.b".into(),
            id: "b".into()
        }]
    );
    let list = |id: Option<&str>| {
        state_list(&StateListOptions {
            state_dir: dir.path().to_owned(),
            id: id.map(str::to_owned),
            ..StateListOptions::default()
        })
    };
    assert_eq!(list(None).unwrap(), ["prompt.a"]);
    assert_eq!(list(Some("a")).unwrap(), ["prompt.a"]);
    assert!(matches!(
        list(Some("b")),
        Err(OpsError::NoAddressFor { .. })
    ));
}

#[cfg(unix)]
#[test]
fn a_private_file_is_written_once_unless_overwritten() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("imported.hcl");
    private_file::write_private(&path, b"one", false).unwrap();
    assert!(matches!(
        private_file::write_private(&path, b"two", false),
        Err(OpsError::Exists { .. })
    ));
    private_file::write_private(&path, b"three", true).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"three");
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}
