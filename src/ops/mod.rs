//! The workflows: plan, apply, import and the state edits, each one function taking
//! an options struct (as cargo's `ops`). They read and write the state, the journal
//! and the audit record, reach Genesys through [`crate::remote`], and tell an
//! [`Observer`] what happens while it happens; they never print. The CLI parses the
//! flags into the options, calls one of them and prints what comes back.

mod address;
mod apply;
mod audit;
mod config;
mod connect;
mod edit;
mod error;
mod genesys;
mod import;
mod observer;
mod plan;
mod private_file;
mod state;
mod state_move;
mod workspace;

pub use address::parse as parse_address;
pub use apply::{ApplyOptions, ApplyOutcome, Source, apply, run_outcome};
pub use audit::{AuditShowOptions, AuditShown, AuditVerifyOptions, audit_show, audit_verify};
pub use config::validate;
pub use connect::{Connect, EMULATOR_ORG};
pub use error::OpsError;
pub use import::{ImportAllOptions, ImportOptions, Imported, ImportedAll, import, import_all};
pub use observer::{Notice, Observer, Quiet};
pub use plan::{PlanOptions, Planning, plan, saved_plan};
pub use state::{
    Moved, Removed, Shown, StateListOptions, StateMvOptions, StateRmOptions, StateShowOptions,
    state_list, state_mv, state_rm, state_show,
};
pub use state_move::{Migrated, StateMoveOptions, state_migrate, state_pull, state_push};
pub use workspace::{
    WorkspaceOptions, workspace_delete, workspace_list, workspace_new, workspace_select,
    workspace_show,
};

/// The runtime the workflows (and the built-in emulator's command) run on.
///
/// # Errors
///
/// When the operating system refuses its threads.
/// Opens the backend that `args` and the configuration's (or saved plan's)
/// `declared` backend select, for the state in `state_dir` when it is local.
pub(crate) fn open_backend(
    state_dir: &std::path::Path,
    args: &crate::backend::BackendArgs,
    declared: Option<&crate::backend::Declared>,
    env: &[(String, String)],
) -> Result<crate::backend::Backend, OpsError> {
    Ok(crate::backend::Backend::open(
        &args.select(state_dir, declared),
        env,
    )?)
}

pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
}

#[cfg(test)]
mod tests;
