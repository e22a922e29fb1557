//! `state pull | push | migrate`: the state as a file, and moving it (with its
//! settled journal and its audit record) between backends.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::OpsError;
use super::edit::Edit;
use crate::audit::{Event, ShortRun, Totals};
use crate::backend::{BackendArgs, Declared};
use crate::state::State;

#[derive(Clone, Debug, Default)]
pub struct StateMoveOptions {
    pub state_dir: PathBuf,
    pub backend: BackendArgs,
    /// How long to wait for another run's lock.
    pub lock_timeout: Duration,
    /// The process environment: the backend's credentials, who runs it.
    pub env: Vec<(String, String)>,
}

/// The state as JSON, with an unfinished apply's landed writes folded in.
///
/// # Errors
///
/// When the backend cannot be read, or holds no state.
pub fn state_pull(options: &StateMoveOptions) -> Result<String, OpsError> {
    let backend = super::open_backend(&options.state_dir, &options.backend, None, &options.env)?;
    let edit = Edit::read(&backend)?;
    if edit.state.lineage.is_empty() {
        return Err(OpsError::NoState {
            place: backend.place(),
        });
    }
    let mut text = serde_json::to_string_pretty(&edit.state).expect("state serialises");
    text.push('\n');
    Ok(text)
}

/// Writes the state in `file` over the backend's, audited: refused when it is of
/// another lineage or older than the one there.
///
/// # Errors
///
/// [`OpsError::PushRefused`] naming why; nothing is written then.
pub fn state_push(options: &StateMoveOptions, file: &Path) -> Result<u64, OpsError> {
    let text = std::fs::read_to_string(file).map_err(|source| OpsError::Io {
        action: "read",
        path: file.to_path_buf(),
        source,
    })?;
    let mut pushed = crate::state::parse(&text, file)?;
    let backend = super::open_backend(&options.state_dir, &options.backend, None, &options.env)?;
    let lock = backend.lock("state push", options.lock_timeout)?;
    let edit = Edit::settled(&backend)?;
    let current = &edit.state;
    let refuse = |why: String| OpsError::PushRefused { why };
    if !current.lineage.is_empty() && current.lineage != pushed.lineage {
        return Err(refuse(format!(
            "its lineage `{}` is not the state's `{}`: it is another state's history",
            pushed.lineage, current.lineage
        )));
    }
    if pushed.serial < current.serial {
        return Err(refuse(format!(
            "its serial {} is older than the state's {}",
            pushed.serial, current.serial
        )));
    }
    let addresses = pushed.resources.keys().map(ToString::to_string).collect();
    // Written over the one there: its serial is where the state's write starts.
    pushed.serial = current.serial;
    let mut edit = edit;
    edit.state = pushed;
    edit.commit(&backend, "state push", addresses, None, &options.env)?;
    drop(lock);
    Ok(backend.read_state()?.map_or(0, |s| s.serial))
}

/// What a migration moved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Migrated {
    pub from: String,
    pub to: String,
    pub resources: usize,
    pub records: usize,
}

/// Moves the state, its settled journal and its audit record from the backend the
/// configuration declares (or the local files) to `to`, lineage, serial and
/// record kept as they are, so that the record still verifies there. The source is
/// left as it was.
///
/// # Errors
///
/// When either backend cannot be opened, a write is still in flight, or `to`
/// holds a state already.
pub fn state_migrate(options: &StateMoveOptions, to: &Declared) -> Result<Migrated, OpsError> {
    let from = options.backend.select(&options.state_dir, None).declared;
    let from = if from == *to {
        // `--to pg` from a configuration that declares pg: the state is still in
        // the local files it is moving from.
        match to {
            Declared::Pg { .. } => Declared::Local,
            Declared::Local => from,
        }
    } else {
        from
    };
    if from == *to {
        return Err(OpsError::PushRefused {
            why: "the state is in that backend already".to_owned(),
        });
    }
    let source = super::open_backend(
        &options.state_dir,
        &options.backend,
        Some(&from),
        &options.env,
    )?;
    let target = super::open_backend(&options.state_dir, &options.backend, Some(to), &options.env)?;
    let source_lock = source.lock("state migrate", options.lock_timeout)?;
    let target_lock = target.lock("state migrate", options.lock_timeout)?;
    let mut edit = Edit::settled(&source)?;
    if edit.state.lineage.is_empty() {
        return Err(OpsError::NoState {
            place: source.place(),
        });
    }
    if target.read_state()?.is_some() || !target.audit_lines()?.is_empty() {
        return Err(OpsError::PushRefused {
            why: format!(
                "{} holds a state or an audit record already",
                target.place()
            ),
        });
    }
    let lines = source.audit_lines()?;
    let records = lines.len();
    let resources = edit.state.resources.len();
    let state: State = std::mem::take(&mut edit.state);
    target.receive(&state, &lines)?;
    // Said in the record, which now goes on in the target.
    let note = ShortRun {
        command: "state migrate",
        client_id: None,
        plan_digest: None,
        events: vec![Event::StateEdit {
            command: format!("state migrate from {from} to {to}"),
            addresses: Vec::new(),
        }],
        outcome: "success",
        totals: Totals::default(),
    };
    let mut moved = state;
    moved.audit = Some(note.record(&target, &options.env)?);
    target.write_state(&mut moved)?;
    drop((target_lock, source_lock));
    Ok(Migrated {
        from: source.place(),
        to: target.place(),
        resources,
        records,
    })
}
