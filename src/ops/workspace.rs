//! `workspace list | new | select | show | delete`: one configuration applied to
//! several orgs or environments, each with its own state in the same backend.

use std::path::PathBuf;
use std::time::Duration;

use super::OpsError;
use super::edit::Edit;
use crate::backend::{BackendArgs, SELECTED_FILE, valid_workspace};

#[derive(Clone, Debug, Default)]
pub struct WorkspaceOptions {
    pub state_dir: PathBuf,
    pub backend: BackendArgs,
    /// How long to wait for the workspace's lock (`delete`).
    pub lock_timeout: Duration,
    /// The process environment: the backend's credentials, who runs it.
    pub env: Vec<(String, String)>,
}

/// Every workspace, and the one this run uses.
///
/// # Errors
///
/// When the backend cannot be opened or read.
pub fn workspace_list(options: &WorkspaceOptions) -> Result<(Vec<String>, String), OpsError> {
    let backend = super::open_backend(&options.state_dir, &options.backend, None, &options.env)?;
    Ok((backend.workspaces()?, backend.workspace().to_owned()))
}

/// The workspace this run uses.
pub fn workspace_show(options: &WorkspaceOptions) -> String {
    options.backend.select(&options.state_dir, None).workspace
}

/// Creates the workspace `name` with an empty state, and selects it.
///
/// # Errors
///
/// When the name is not one, or the workspace exists.
pub fn workspace_new(options: &WorkspaceOptions, name: &str) -> Result<(), OpsError> {
    let backend = open(options, name)?;
    // Before the lock: taking a local one makes the workspace's directory.
    if backend.read_state()?.is_some() || backend.workspaces()?.iter().any(|w| w == name) {
        return Err(OpsError::WorkspaceExists {
            name: name.to_owned(),
        });
    }
    let lock = backend.lock("workspace new", options.lock_timeout)?;
    backend.write_state(&mut crate::state::State::default())?;
    drop(lock);
    select(options, name)
}

/// Makes `name` the workspace later runs in this state directory use.
///
/// # Errors
///
/// When there is no such workspace.
pub fn workspace_select(options: &WorkspaceOptions, name: &str) -> Result<(), OpsError> {
    let (all, _) = workspace_list(options)?;
    if !all.iter().any(|w| w == name) {
        return Err(OpsError::NoWorkspace {
            name: name.to_owned(),
            known: all,
        });
    }
    select(options, name)
}

/// Deletes the workspace `name`'s state; refuses one that still manages resources,
/// `default`, and the one selected.
///
/// # Errors
///
/// [`OpsError::WorkspaceInUse`] naming why.
pub fn workspace_delete(options: &WorkspaceOptions, name: &str) -> Result<(), OpsError> {
    let refuse = |why: String| OpsError::WorkspaceInUse {
        name: name.to_owned(),
        why,
    };
    if name == crate::backend::DEFAULT_WORKSPACE {
        return Err(refuse("it is the default one".into()));
    }
    if workspace_show(options) == name {
        return Err(refuse(
            "it is the one selected: `assistform workspace select` another first".into(),
        ));
    }
    let backend = open(options, name)?;
    let lock = backend.lock("workspace delete", options.lock_timeout)?;
    let edit = Edit::read(&backend)?;
    let managed = edit.state.resources.len() + edit.in_flight.len();
    if managed > 0 {
        return Err(refuse(format!(
            "it still manages {}: `assistform destroy --workspace {name}` or `state rm` them first",
            crate::paint::plural(managed as u64, "resource")
        )));
    }
    backend.delete_workspace()?;
    drop(lock);
    Ok(())
}

fn open(options: &WorkspaceOptions, name: &str) -> Result<crate::backend::Backend, OpsError> {
    if !valid_workspace(name) {
        return Err(crate::backend::BackendError::Workspace {
            name: name.to_owned(),
        }
        .into());
    }
    let args = BackendArgs {
        workspace: Some(name.to_owned()),
        ..options.backend.clone()
    };
    super::open_backend(&options.state_dir, &args, None, &options.env)
}

fn select(options: &WorkspaceOptions, name: &str) -> Result<(), OpsError> {
    let path = options.state_dir.join(SELECTED_FILE);
    let io = |source| OpsError::Io {
        action: "write",
        path: path.clone(),
        source,
    };
    std::fs::create_dir_all(&options.state_dir).map_err(io)?;
    std::fs::write(&path, format!("{name}\n")).map_err(io)
}
