use super::*;

fn resource(id: &str) -> Resource {
    Resource {
        id: id.into(),
        version: 3,
        attributes: serde_json::json!({}),
        prevent_destroy: false,
        depends_on: Vec::new(),
        sensitive: Vec::new(),
    }
}

#[test]
fn write_then_read_round_trips_and_counts_serials() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(read(dir.path()).unwrap(), None);
    let mut state = State::default();
    state
        .resources
        .insert("prompt.a".parse().unwrap(), resource("a"));
    write(dir.path(), &mut state).unwrap();
    write(dir.path(), &mut state).unwrap();
    let back = read(dir.path()).unwrap().unwrap();
    assert_eq!(back, state);
    assert_eq!(back.serial, 2);
    let backup: State =
        serde_json::from_str(&fs::read_to_string(dir.path().join(BACKUP_FILE)).unwrap()).unwrap();
    assert_eq!(backup.serial, 1);
    assert_eq!(backup.lineage, state.lineage);
}

#[cfg(unix)]
#[test]
fn the_file_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &mut State::default()).unwrap();
    let mode = fs::metadata(dir.path().join(STATE_FILE))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn a_corrupt_file_is_refused_with_its_position() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join(STATE_FILE),
        "{\n  \"format_version\": 1,\n  oops\n}",
    )
    .unwrap();
    let err = read(dir.path()).unwrap_err();
    assert!(matches!(err, StateError::Corrupt { line: 3, .. }), "{err}");
}

#[test]
fn a_newer_format_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join(STATE_FILE),
        r#"{"format_version": 99, "serial": 1}"#,
    )
    .unwrap();
    let err = read(dir.path()).unwrap_err();
    assert!(err.to_string().contains("format version 99"), "{err}");
}

#[test]
fn a_serial_at_its_largest_is_refused_not_wrapped() {
    let dir = tempfile::tempdir().unwrap();
    let mut state = State::default();
    write(dir.path(), &mut state).unwrap();
    let before = fs::read(dir.path().join(STATE_FILE)).unwrap();
    state.serial = u64::MAX;
    let err = write(dir.path(), &mut state).unwrap_err();
    assert!(
        matches!(
            err,
            StateError::SerialExhausted {
                serial: u64::MAX,
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(state.serial, u64::MAX);
    assert_eq!(fs::read(dir.path().join(STATE_FILE)).unwrap(), before);
    assert!(ensure_serials(dir.path(), &state, 0).is_ok());
    state.serial = u64::MAX - 1;
    assert!(ensure_serials(dir.path(), &state, 1).is_ok());
    assert!(ensure_serials(dir.path(), &state, 2).is_err());
}

#[test]
fn rename_moves_the_entry_and_the_dependencies_on_it() {
    let mut state = State::default();
    state.resources.insert("prompt.a".into(), resource("a"));
    let mut b = resource("b");
    b.depends_on = vec!["prompt.a".into(), "prompt.c".into()];
    state.resources.insert("prompt.b".into(), b);
    assert_eq!(
        state
            .rename(&"prompt.a".into(), &"prompt.z".into())
            .unwrap()
            .id,
        "a"
    );
    assert!(!state.resources.contains_key("prompt.a"));
    assert_eq!(
        state.resources["prompt.b"].depends_on,
        ["prompt.z", "prompt.c"]
    );
}

#[test]
fn rename_refuses_a_taken_destination_then_a_missing_source() {
    let mut state = State::default();
    state.resources.insert("prompt.a".into(), resource("a"));
    let before = state.clone();
    assert_eq!(
        state.rename(&"prompt.x".into(), &"prompt.a".into()),
        Err(RenameError::Occupied {
            to: "prompt.a".into(),
            id: "a".into()
        })
    );
    assert_eq!(
        state.rename(&"prompt.x".into(), &"prompt.y".into()),
        Err(RenameError::Missing {
            from: "prompt.x".into()
        })
    );
    assert_eq!(state, before);
}
