//! The local backend: today's files in the state directory (see
//! [`crate::state`]), each workspace but the default one in a directory of its own
//! under `assistform.state.d/`, as Terraform's `terraform.tfstate.d/`.

use std::path::{Path, PathBuf};

use super::DEFAULT_WORKSPACE;
use crate::audit::AuditError;
use crate::state::{State, StateError};

/// Where the workspaces other than the default one live, in the state directory.
pub const WORKSPACES_DIR: &str = "assistform.state.d";

pub(super) struct Local {
    root: PathBuf,
    dir: PathBuf,
}

impl Local {
    pub fn new(state_dir: &Path, workspace: &str) -> Local {
        Local {
            root: state_dir.to_path_buf(),
            dir: dir_of(state_dir, workspace),
        }
    }

    /// Every workspace with a directory, `default` first.
    pub fn workspaces(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.root.join(WORKSPACES_DIR))
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .filter(|e| e.path().is_dir())
            .filter_map(|e| e.file_name().into_string().ok())
            .collect();
        names.sort();
        names.insert(0, DEFAULT_WORKSPACE.to_owned());
        names
    }

    /// Removes this workspace's directory, its audit record with it.
    pub fn delete(&self) -> Result<(), StateError> {
        std::fs::remove_dir_all(&self.dir).or_else(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Ok(()),
            _ => Err(StateError::Io {
                action: "remove",
                path: self.dir.clone(),
                source: e,
            }),
        })
    }

    /// The audit record's lines as they are stored.
    pub fn audit_lines(&self) -> Result<Vec<Vec<u8>>, AuditError> {
        let path = self.dir.join(crate::audit::AUDIT_FILE);
        match std::fs::read(&path) {
            Ok(bytes) => Ok(bytes
                .split(|b| *b == b'\n')
                .filter(|l| !l.is_empty())
                .map(<[u8]>::to_vec)
                .collect()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(source) => Err(AuditError::Io {
                action: "read",
                path,
                source,
            }),
        }
    }

    /// Writes `lines` as the audit record, where there is none yet.
    pub fn put_audit_lines(&self, lines: &[Vec<u8>]) -> Result<(), StateError> {
        std::fs::create_dir_all(&self.dir).map_err(|source| StateError::Io {
            action: "create",
            path: self.dir.clone(),
            source,
        })?;
        let mut bytes = lines.join(&b'\n');
        bytes.push(b'\n');
        crate::state::write_atomically(&self.dir, &self.dir.join(crate::audit::AUDIT_FILE), &bytes)
    }

    /// Writes `state` as it is, serial and all.
    pub fn put_state(&self, state: &State) -> Result<(), StateError> {
        std::fs::create_dir_all(&self.dir).map_err(|source| StateError::Io {
            action: "create",
            path: self.dir.clone(),
            source,
        })?;
        let mut text = serde_json::to_string_pretty(state).expect("state serialises");
        text.push('\n');
        crate::state::write_atomically(
            &self.dir,
            &self.dir.join(crate::state::STATE_FILE),
            text.as_bytes(),
        )
    }

    /// The directory holding this workspace's files.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

/// The directory of `workspace`'s files in `state_dir`.
pub fn dir_of(state_dir: &Path, workspace: &str) -> PathBuf {
    if workspace == DEFAULT_WORKSPACE {
        state_dir.to_path_buf()
    } else {
        state_dir.join(WORKSPACES_DIR).join(workspace)
    }
}
