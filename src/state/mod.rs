//! The local state: which objects this configuration manages, their ids, the
//! versions last seen and the attributes last applied.
//!
//! Written atomically (temp file, fsync, rename, fsync of the directory) with mode
//! 0600, the previous copy kept as a backup. A file that cannot be read, or that a
//! newer assistform wrote, is refused and never overwritten.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::kind::Address;

pub mod journal;
pub mod lock;
pub mod managed;

pub use lock::{LockError, LockInfo, StateLock};

pub const STATE_FILE: &str = "assistform.state.json";
pub const BACKUP_FILE: &str = "assistform.state.json.backup";
/// The newest format this build reads and the one it writes.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct State {
    pub format_version: u32,
    /// Up by one with every write.
    pub serial: u64,
    /// Fixed when the state is first created: a plan made from one state's lineage
    /// never applies to another's.
    pub lineage: String,
    pub resources: BTreeMap<Address, Resource>,
    /// The configuration this state manages (see [`managed`]); recorded by the first
    /// write after a plan or apply of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<String>,
    /// The audit record's head when this state was written: `audit verify` checks
    /// the record still reaches it, so lines cut from its end are caught.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit: Option<AuditAnchor>,
}

/// Where the audit record ended at a state write: the last line's seq and its hash
/// (an HMAC when `keyed`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditAnchor {
    pub seq: u64,
    pub hash: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub keyed: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Resource {
    /// The object's id in Genesys.
    pub id: String,
    /// The version Genesys gave the object when it was last written or read.
    pub version: u64,
    /// The attributes last applied, in its kind's values ([`crate::kind::values`]).
    pub attributes: serde_json::Value,
    /// Kept from the configuration so that deleting the block cannot destroy it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub prevent_destroy: bool,
    /// Kept from the configuration so that deletes run in reverse dependency order
    /// after the blocks are gone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<Address>,
    /// Attribute paths (`display.content`) whose values came from sensitive
    /// variables: whatever shows the state later has no configuration to ask.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sensitive: Vec<String>,
}

impl Default for State {
    fn default() -> State {
        State {
            format_version: FORMAT_VERSION,
            serial: 0,
            lineage: uuid::Uuid::new_v4().to_string(),
            resources: BTreeMap::new(),
            config: None,
            audit: None,
        }
    }
}

impl State {
    /// The address that manages the object `id` of `kind`, if any.
    pub fn address_of(&self, kind: &str, id: &str) -> Option<&Address> {
        self.resources
            .iter()
            .find(|(a, r)| a.kind() == kind && r.id == id)
            .map(|(a, _)| a)
    }

    /// Records the entry at `from` under `to` instead, and rewrites every
    /// `depends_on` that named `from` (deletes run in the reverse order of these
    /// after the blocks are gone). What `state mv` and a `moved` block both do.
    ///
    /// # Errors
    ///
    /// [`RenameError::Occupied`] when `to` is in the state already (`from` included),
    /// checked first; [`RenameError::Missing`] when `from` is not;
    /// [`RenameError::OtherKind`] when the two are of different kinds. The state is
    /// then unchanged.
    pub fn rename(&mut self, from: &Address, to: &Address) -> Result<&Resource, RenameError> {
        if let Some(there) = self.resources.get(to) {
            return Err(RenameError::Occupied {
                to: to.clone(),
                id: there.id.clone(),
            });
        }
        if from.kind() != to.kind() {
            return Err(RenameError::OtherKind {
                from: from.clone(),
                to: to.clone(),
            });
        }
        let resource = self
            .resources
            .remove(from)
            .ok_or_else(|| RenameError::Missing { from: from.clone() })?;
        self.resources.insert(to.clone(), resource);
        for other in self.resources.values_mut() {
            for dep in other.depends_on.iter_mut().filter(|d| *d == from) {
                dep.clone_from(to);
            }
        }
        Ok(&self.resources[to])
    }
}

/// Why [`State::rename`] refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RenameError {
    #[error("`{from}` is not in the state")]
    Missing { from: Address },
    #[error("`{to}` is already in the state ({} id `{id}`)", to.kind())]
    Occupied { to: Address, id: String },
    #[error("`{from}` cannot become `{to}`: a rename keeps the kind")]
    OtherKind { from: Address, to: Address },
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StateError {
    #[error("cannot {action} `{}`: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("`{}` is not a valid state file (line {line}, column {column}: {message}); it was left untouched", path.display())]
    Corrupt {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("`{}` has format version {found}, newer than this assistform reads ({FORMAT_VERSION}); upgrade assistform. The file was left untouched", path.display())]
    NewerFormat { path: PathBuf, found: u32 },
    #[error(
        "the state in {place} manages the configuration `{recorded}`, not `{given}`: planning this one against it would destroy the other's prompts. Give this configuration a state of its own (`--state-dir`, or a workspace), or, if the configuration was moved from `{recorded}` to `{given}`, pass `--config-moved`"
    )]
    OtherConfiguration {
        place: String,
        recorded: String,
        given: String,
    },
    /// A database backend could not do its part; `place` names the database and
    /// workspace, never a password.
    #[error("cannot {action} the state in {place}: {message}")]
    Database {
        action: &'static str,
        place: String,
        message: String,
    },
    /// Another run wrote the state after this one read it: two writers never both win.
    #[error(
        "the state in {place} was written by another run since this one read it (serial {read}, now {found}); nothing was written. Run again: the next run reads the newer state"
    )]
    SerialMoved {
        place: String,
        read: u64,
        found: u64,
    },
    #[error("cannot write `{}`: its serial {serial} leaves no room for {writes} more writes, and a serial must never wrap to 0 (a stale plan could then apply). Nothing was written; to start a new history, move the state aside and adopt the prompts again with `assistform import`", path.display())]
    SerialExhausted {
        path: PathBuf,
        serial: u64,
        writes: u64,
    },
}

/// Reads the state in `dir`; `None` when there is none yet.
///
/// # Errors
///
/// [`StateError`] when the file exists but cannot be read or understood.
pub fn read(dir: &Path) -> Result<Option<State>, StateError> {
    let path = dir.join(STATE_FILE);
    let text = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(StateError::Io {
                action: "read",
                path,
                source,
            });
        }
    };
    parse(&text, &path).map(Some)
}

/// The state in `text`, read from `path` (named in errors).
///
/// # Errors
///
/// [`StateError::Corrupt`] or [`StateError::NewerFormat`].
pub fn parse(text: &str, path: &Path) -> Result<State, StateError> {
    let path = path.to_path_buf();
    #[derive(Deserialize)]
    struct Version {
        format_version: u32,
    }
    let corrupt = |e: serde_json::Error| StateError::Corrupt {
        path: path.clone(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    };
    let version: Version = serde_json::from_str(text).map_err(corrupt)?;
    if version.format_version > FORMAT_VERSION {
        return Err(StateError::NewerFormat {
            path,
            found: version.format_version,
        });
    }
    serde_json::from_str(text).map_err(corrupt)
}

/// Refuses, before anything is changed, a run that is to write the state in `dir`
/// up to `writes` times when its serial cannot go up that far.
///
/// # Errors
///
/// [`StateError::SerialExhausted`].
pub fn ensure_serials(dir: &Path, state: &State, writes: u64) -> Result<(), StateError> {
    match state.serial.checked_add(writes) {
        Some(_) => Ok(()),
        None => Err(StateError::SerialExhausted {
            path: dir.join(STATE_FILE),
            serial: state.serial,
            writes,
        }),
    }
}

/// Writes `state` to `dir` with its serial up by one, keeping the previous file as
/// the backup. A state read from nowhere (no lineage yet) gets its lineage here, at
/// its first write: a plan made before then has none to compare.
///
/// # Errors
///
/// [`StateError::Io`] when any step fails, [`StateError::SerialExhausted`] when the
/// serial is at its largest; the previous state is then still in place.
pub fn write(dir: &Path, state: &mut State) -> Result<(), StateError> {
    ensure_serials(dir, state, 1)?;
    let io = |action, path: &Path| {
        let path = path.to_path_buf();
        move |source| StateError::Io {
            action,
            path,
            source,
        }
    };
    fs::create_dir_all(dir).map_err(io("create", dir))?;
    if state.lineage.is_empty() {
        state.lineage = uuid::Uuid::new_v4().to_string();
    }
    state.serial += 1; // checked above
    state.format_version = FORMAT_VERSION;
    let mut text = serde_json::to_string_pretty(state).expect("state serialises");
    text.push('\n');
    let path = dir.join(STATE_FILE);
    if path.exists() {
        // A copy, not a rename: the state file must exist at every instant.
        write_atomically(
            dir,
            &dir.join(BACKUP_FILE),
            &fs::read(&path).map_err(io("read", &path))?,
        )?;
    }
    write_atomically(dir, &path, text.as_bytes())
}

/// Writes `bytes` to `path` so that a crash leaves either the old or the new file,
/// never a torn one.
pub(crate) fn write_atomically(dir: &Path, path: &Path, bytes: &[u8]) -> Result<(), StateError> {
    let tmp = path.with_extension(format!("tmp.{}", std::process::id()));
    let io = |action, p: &Path| {
        let p = p.to_path_buf();
        move |source| StateError::Io {
            action,
            path: p,
            source,
        }
    };
    let mut file = private_file(&tmp).map_err(io("create", &tmp))?;
    file.write_all(bytes).map_err(io("write", &tmp))?;
    file.sync_all().map_err(io("sync", &tmp))?;
    drop(file);
    fs::rename(&tmp, path).map_err(io("replace", path))?;
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io("sync", dir))
}

fn private_file(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

#[cfg(test)]
mod tests;
