//! Where the state, its lock, the journal of writes in flight and the audit record
//! live: [`local`] files in a state directory (the default), or a PostgreSQL
//! database shared by a team and its CI machines ([`pg`]). The workflows open a
//! [`Backend`] and call it; none of them knows which one it is.
//!
//! Both keep the same promises: a write is journaled before its request is sent, the
//! state is replaced whole, one holder at a time holds the lock and is named, the
//! audit record is append-only, hash-chained and anchored by the state.
//!
//! The calls are blocking. The database's connection runs on a thread of its own,
//! so that the lock's session is served while the workflow's runtime is busy, and so
//! that the audit record can be written from the executor's callbacks as the local
//! one is; the journal's `append`, which the executor awaits, stays async.

mod local;
pub mod pg;
mod selection;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::audit::{AuditError, AuditKey, AuditLog, Record, Verification};
use crate::state::journal::{Entry, InFlight, Journal};
use crate::state::{AuditAnchor, LockError, LockInfo, State, StateError};

pub use selection::{
    BackendArgs, DEFAULT_WORKSPACE, Declared, SELECTED_FILE, Selection, valid_workspace,
};

/// The open backend of one run.
pub struct Backend {
    inner: Inner,
    /// The state directory the run was given: what a configuration's identity is
    /// relative to outside a repository, whichever the backend.
    state_dir: PathBuf,
    workspace: String,
    declared: Declared,
}

enum Inner {
    Local(local::Local),
    Pg(Arc<pg::Pg>),
}

impl std::fmt::Debug for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Backend")
            .field("place", &self.place())
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BackendError {
    #[error(
        "`{name}` is not a workspace name: a name is letters, digits, `-` and `_`, at most 63 characters"
    )]
    Workspace { name: String },
    #[error(transparent)]
    Pg(#[from] pg::PgError),
}

/// The held lock; released when dropped.
pub struct Lock {
    /// The run that held the lock before and did not finish, if any.
    pub unfinished: Option<LockInfo>,
    _held: Held,
}

enum Held {
    Local(#[allow(dead_code)] crate::state::StateLock),
    Pg(#[allow(dead_code)] pg::PgLock),
}

impl Backend {
    /// Opens the backend `selection` names; `state_dir` is where a local state lives.
    ///
    /// # Errors
    ///
    /// When a database backend cannot be reached, or its settings are wrong.
    pub fn open(selection: &Selection, env: &[(String, String)]) -> Result<Backend, BackendError> {
        let workspace = selection.workspace.clone();
        if !valid_workspace(&workspace) {
            return Err(BackendError::Workspace { name: workspace });
        }
        let inner = match &selection.declared {
            Declared::Local => Inner::Local(local::Local::new(&selection.state_dir, &workspace)),
            Declared::Pg { schema_name } => Inner::Pg(Arc::new(pg::Pg::connect(
                schema_name,
                &workspace,
                &selection.backend_config,
                env,
            )?)),
        };
        Ok(Backend {
            inner,
            state_dir: selection.state_dir.clone(),
            workspace,
            declared: selection.declared.clone(),
        })
    }

    /// The local backend in `dir`, default workspace: for tests and tools.
    pub fn local(dir: &Path) -> Backend {
        Backend {
            inner: Inner::Local(local::Local::new(dir, DEFAULT_WORKSPACE)),
            state_dir: dir.to_path_buf(),
            workspace: DEFAULT_WORKSPACE.to_owned(),
            declared: Declared::Local,
        }
    }

    /// Which backend this is, as a plan file records it (no credentials).
    pub fn declared(&self) -> &Declared {
        &self.declared
    }

    pub fn workspace(&self) -> &str {
        &self.workspace
    }

    /// Where the state is, for messages: a directory in backticks, or the database
    /// and workspace (never a password).
    pub fn place(&self) -> String {
        match &self.inner {
            Inner::Local(l) => format!("`{}`", l.dir().display()),
            Inner::Pg(p) => p.place(),
        }
    }

    /// What a configuration's identity is relative to outside a git repository (see
    /// [`crate::state::managed`]): the default workspace's local files, as before
    /// there were backends, so that a state migrated between backends, or used from
    /// another workspace, still names the same configuration.
    pub fn identity_base(&self) -> &Path {
        &self.state_dir
    }

    /// The state; `None` when there is none yet.
    ///
    /// # Errors
    ///
    /// When it cannot be read or understood.
    pub fn read_state(&self) -> Result<Option<State>, StateError> {
        match &self.inner {
            Inner::Local(l) => crate::state::read(l.dir()),
            Inner::Pg(p) => p.read_state(),
        }
    }

    /// Writes `state` with its serial up by one; refuses when another run wrote it
    /// since it was read.
    ///
    /// # Errors
    ///
    /// [`StateError`]; the previous state is then still in place.
    pub fn write_state(&self, state: &mut State) -> Result<(), StateError> {
        match &self.inner {
            Inner::Local(l) => crate::state::write(l.dir(), state),
            Inner::Pg(p) => p.write_state(state),
        }
    }

    /// Refuses, before anything is changed, a run that is to write the state up to
    /// `writes` times when its serial cannot go that far.
    ///
    /// # Errors
    ///
    /// [`StateError::SerialExhausted`].
    pub fn ensure_serials(&self, state: &State, writes: u64) -> Result<(), StateError> {
        let dir = match &self.inner {
            Inner::Local(l) => l.dir().to_path_buf(),
            Inner::Pg(p) => PathBuf::from(p.place()),
        };
        crate::state::ensure_serials(&dir, state, writes)
    }

    /// Takes the state's lock for `operation`, waiting up to `timeout`.
    ///
    /// # Errors
    ///
    /// [`LockError::Held`] naming the holder when it is still held after `timeout`.
    pub fn lock(&self, operation: &str, timeout: Duration) -> Result<Lock, LockError> {
        match &self.inner {
            Inner::Local(l) => {
                let lock = crate::state::StateLock::acquire(l.dir(), operation, timeout)?;
                Ok(Lock {
                    unfinished: lock.unfinished.clone(),
                    _held: Held::Local(lock),
                })
            }
            Inner::Pg(p) => {
                let lock = pg::PgLock::acquire(p, operation, timeout)?;
                Ok(Lock {
                    unfinished: lock.unfinished.clone(),
                    _held: Held::Pg(lock),
                })
            }
        }
    }

    /// The journal's entries.
    ///
    /// # Errors
    ///
    /// When it exists but cannot be read.
    pub fn journal(&self) -> Result<Vec<Entry>, StateError> {
        match &self.inner {
            Inner::Local(l) => crate::state::journal::read(l.dir()),
            Inner::Pg(p) => p.read_journal(),
        }
    }

    /// Opens the journal for the appends of the run `run_id`, which sends its
    /// writes with the OAuth client `client_id`.
    ///
    /// # Errors
    ///
    /// When it cannot be opened.
    pub fn open_journal(&self, run_id: &str, client_id: &str) -> Result<Journal, StateError> {
        match &self.inner {
            Inner::Local(l) => Journal::open(l.dir(), run_id, client_id),
            Inner::Pg(p) => pg::Pg::open_journal(p, run_id, client_id),
        }
    }

    /// Leaves in the journal only `in_flight`; none left, it is cleared.
    ///
    /// # Errors
    ///
    /// When it cannot be rewritten.
    pub fn keep_in_flight(&self, in_flight: &[InFlight]) -> Result<(), StateError> {
        match &self.inner {
            Inner::Local(l) => crate::state::journal::keep_in_flight(l.dir(), in_flight),
            Inner::Pg(p) => p.replace_journal(in_flight),
        }
    }

    /// Clears the journal once its contents are in the state.
    ///
    /// # Errors
    ///
    /// When it cannot be cleared.
    pub fn clear_journal(&self) -> Result<(), StateError> {
        self.keep_in_flight(&[])
    }

    /// Opens the audit record for the run `run_id`, chained with `key`'s HMACs when
    /// there is one.
    ///
    /// # Errors
    ///
    /// As [`AuditLog::open`].
    pub fn open_audit(&self, run_id: &str, key: Option<AuditKey>) -> Result<AuditLog, AuditError> {
        match &self.inner {
            Inner::Local(l) => AuditLog::open_keyed(l.dir(), run_id, key),
            Inner::Pg(p) => AuditLog::open_store(p.audit_store(), &p.place(), run_id, key),
        }
    }

    /// Every record of the audit record, in order.
    ///
    /// # Errors
    ///
    /// [`AuditError::Missing`] when there is none.
    pub fn audit_records(&self) -> Result<Vec<Record>, AuditError> {
        match &self.inner {
            Inner::Local(l) => crate::audit::read(l.dir()),
            Inner::Pg(p) => {
                let lines = p.audit_lines()?;
                let lines: Vec<&[u8]> = lines.iter().map(Vec::as_slice).collect();
                crate::audit::read_lines(&lines, Path::new(&p.place()))
            }
        }
    }

    /// Checks the audit record's chain, and that it reaches `anchor`.
    ///
    /// # Errors
    ///
    /// [`AuditError::Missing`] when there is none.
    pub fn verify_audit(
        &self,
        key: Option<&AuditKey>,
        anchor: Option<&AuditAnchor>,
    ) -> Result<Verification, AuditError> {
        match &self.inner {
            Inner::Local(l) => crate::audit::verify(l.dir(), key, anchor),
            Inner::Pg(p) => {
                let lines = p.audit_lines()?;
                let lines: Vec<&[u8]> = lines.iter().map(Vec::as_slice).collect();
                Ok(crate::audit::verify_lines(&lines, key, anchor))
            }
        }
    }

    /// Every workspace the backend holds, `default` among them.
    ///
    /// # Errors
    ///
    /// When the backend cannot be read.
    pub fn workspaces(&self) -> Result<Vec<String>, StateError> {
        match &self.inner {
            Inner::Local(l) => Ok(l.workspaces()),
            Inner::Pg(p) => p.workspaces(),
        }
    }

    /// Deletes this workspace's state and journal. The caller holds its lock and
    /// has checked that it manages nothing.
    ///
    /// # Errors
    ///
    /// When they cannot be deleted.
    pub fn delete_workspace(&self) -> Result<(), StateError> {
        match &self.inner {
            Inner::Local(l) => l.delete(),
            Inner::Pg(p) => p.delete_workspace(),
        }
    }

    /// The audit record's lines as stored, to copy to another backend.
    ///
    /// # Errors
    ///
    /// When it cannot be read.
    pub fn audit_lines(&self) -> Result<Vec<Vec<u8>>, AuditError> {
        match &self.inner {
            Inner::Local(l) => l.audit_lines(),
            Inner::Pg(p) => match p.audit_lines() {
                Err(AuditError::Missing { .. }) => Ok(Vec::new()),
                other => other,
            },
        }
    }

    /// Writes `lines` (another backend's record, as stored) as this one's, and
    /// `state` as it is, serial and lineage kept: a migration's writes, into a
    /// backend that holds neither yet.
    ///
    /// # Errors
    ///
    /// When either cannot be written.
    pub fn receive(&self, state: &State, lines: &[Vec<u8>]) -> Result<(), StateError> {
        match &self.inner {
            Inner::Local(l) => {
                if !lines.is_empty() {
                    l.put_audit_lines(lines)?;
                }
                l.put_state(state)
            }
            Inner::Pg(p) => p.receive(state, lines),
        }
    }

    /// Where the audit record is, for messages.
    pub fn audit_place(&self) -> String {
        match &self.inner {
            Inner::Local(l) => format!("`{}`", l.dir().join(crate::audit::AUDIT_FILE).display()),
            Inner::Pg(p) => p.place(),
        }
    }
}
