//! Which backend a run opens: the configuration's `backend` block (or the one a
//! saved plan names), the workspace, and the settings given on the command line.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The workspace a run uses unless told otherwise.
pub const DEFAULT_WORKSPACE: &str = "default";

/// A backend as a configuration declares it and a plan file records it: its kind
/// and the settings that may be written down. Credentials are never part of it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Declared {
    /// Files in the state directory.
    #[default]
    Local,
    /// A PostgreSQL database; its connection string comes from the environment.
    Pg { schema_name: String },
}

impl std::fmt::Display for Declared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Declared::Local => f.write_str("local"),
            Declared::Pg { schema_name } => write!(f, "pg (schema `{schema_name}`)"),
        }
    }
}

/// What the command line says about the backend.
#[derive(Clone, Debug, Default)]
pub struct BackendArgs {
    /// `--workspace` or `ASSISTFORM_WORKSPACE`; else the selected one, else `default`.
    pub workspace: Option<String>,
    /// `--backend-config KEY=VALUE` pairs (`conn_str`, …).
    pub backend_config: Vec<(String, String)>,
    /// The backend declared by the configuration in the working directory, for the
    /// commands that read no configuration of their own.
    pub declared: Option<Declared>,
}

/// The backend to open.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    /// Where a local state lives, and where the selected workspace is remembered.
    pub state_dir: PathBuf,
    pub workspace: String,
    pub declared: Declared,
    pub backend_config: Vec<(String, String)>,
}

/// The file in the state directory that remembers `workspace select`.
pub const SELECTED_FILE: &str = "assistform.workspace";

impl BackendArgs {
    /// The selection for a run whose configuration (or saved plan) declares
    /// `declared`, if it declares one.
    pub fn select(&self, state_dir: &Path, declared: Option<&Declared>) -> Selection {
        let workspace = self
            .workspace
            .clone()
            .filter(|w| !w.is_empty())
            .or_else(|| selected(state_dir))
            .unwrap_or_else(|| DEFAULT_WORKSPACE.to_owned());
        Selection {
            state_dir: state_dir.to_path_buf(),
            workspace,
            declared: declared
                .or(self.declared.as_ref())
                .cloned()
                .unwrap_or_default(),
            backend_config: self.backend_config.clone(),
        }
    }
}

/// The workspace `workspace select` chose in `state_dir`, if any.
pub fn selected(state_dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(state_dir.join(SELECTED_FILE)).ok()?;
    let name = text.trim();
    valid_workspace(name).then(|| name.to_owned())
}

/// Whether `name` can name a workspace: it becomes a directory name and a key.
pub fn valid_workspace(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 63
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}
