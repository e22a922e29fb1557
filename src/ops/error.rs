//! Why a workflow stopped.

use crate::kind::Address;
use std::path::PathBuf;

use crate::apply::recovery::RecoveryError;
use crate::audit::AuditError;
use crate::config::{Config, LoadError};
use crate::diagnostic::{self, Diagnostic};
use crate::emulator::EmulatorError;
use crate::org::Organization;
use crate::paint::plural;
use crate::plan::file::PlanFileError;
use crate::remote::RemoteError;
use crate::state::{LockError, RenameError, StateError};

/// Why a workflow stopped. Whatever it wrote before (state, journal, audit record)
/// stays written: a change that landed is never forgotten.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OpsError {
    #[error(transparent)]
    Load(#[from] LoadError),
    /// The configuration has errors; `diagnostics` holds every problem, warnings too.
    #[error("the configuration is invalid: {}", errors(diagnostics))]
    InvalidConfig {
        config: Box<Config>,
        diagnostics: Vec<Diagnostic>,
    },
    /// Phone numbers that are PII in the org's own country; `config` is the
    /// configuration with the org's phone regions, to mask them as it reads them.
    #[error(
        "the configuration is invalid for the org `{org}`: {}",
        errors(diagnostics)
    )]
    InvalidForOrg {
        org: String,
        config: Box<Config>,
        diagnostics: Vec<Diagnostic>,
    },
    #[error("cannot make a plan: {}", errors(diagnostics))]
    CannotPlan {
        config: Box<Config>,
        diagnostics: Vec<Diagnostic>,
    },
    #[error(transparent)]
    State(#[from] StateError),
    #[error(transparent)]
    Rename(#[from] RenameError),
    #[error(transparent)]
    Backend(#[from] crate::backend::BackendError),
    #[error(transparent)]
    Lock(#[from] LockError),
    #[error(transparent)]
    PlanFile(#[from] PlanFileError),
    #[error(transparent)]
    Audit(#[from] AuditError),
    #[error(transparent)]
    Recovery(#[from] RecoveryError),
    #[error(transparent)]
    Remote(#[from] RemoteError),
    #[error(transparent)]
    Emulator(#[from] EmulatorError),
    /// The runtime could not start.
    #[error(transparent)]
    Runtime(std::io::Error),
    #[error("cannot {action} `{}`: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    /// The caller's [`Observer`](super::Observer) could not do its part (asking for
    /// approval).
    #[error(transparent)]
    Observer(Box<dyn std::error::Error + Send + Sync>),
    #[error("the plan was made for the org `{}` (id `{}`), but this run reaches the org `{}` (id `{}`) at {place}. Nothing was changed: apply the plan where it was made, or run `assistform plan` against this org", planned.name, planned.id, reached.name, reached.id)]
    OtherOrg {
        planned: Box<Organization>,
        reached: Box<Organization>,
        place: String,
    },
    #[error(
        "the plan was made for the workspace `{planned}`, but this run uses the workspace `{given}`. Nothing was changed: apply it with `--workspace {planned}`, or make a plan for `{given}`"
    )]
    OtherWorkspace { planned: String, given: String },
    #[error("there is a workspace `{name}` already")]
    WorkspaceExists { name: String },
    #[error("there is no workspace `{name}`; there are: {}", known.join(", "))]
    NoWorkspace { name: String, known: Vec<String> },
    #[error("the workspace `{name}` cannot be deleted: {why}")]
    WorkspaceInUse { name: String, why: String },
    #[error("there is no state in {place}")]
    NoState { place: String },
    #[error("refused: {why}. Nothing was written")]
    PushRefused { why: String },
    #[error("Saved plan does not match the state: {}. Nothing was changed; run `assistform plan` again.", reasons.join("; "))]
    ForeignPlan { reasons: Vec<String> },
    #[error("Saved plan is stale: {}. Nothing was changed; run `assistform plan` again.", reasons.join("; "))]
    StalePlan { reasons: Vec<String> },
    /// A change landed but its audit line could not be written.
    #[error("the audit record could not be written: {0}")]
    AuditLine(AuditError),
    #[error(
        "`{address}` is not a {} address: an address is `{}`{}, the label a letter or `_` then letters, digits, `_` and `-`",
        crate::kinds::noun(crate::kinds::all().map(|k| k.name())),
        crate::kinds::address_form(),
        crate::kinds::kind_list()
    )]
    NotAnAddress { address: String },
    #[error("`{address}` is not in the state{}", match suggestion {
        Some(s) => format!("; did you mean `{s}`?"),
        None => "; `assistform state list` shows what it holds".to_owned(),
    })]
    NotInState {
        address: String,
        suggestion: Option<String>,
    },
    #[error("no address in the state manages an object with id `{id}`")]
    NoAddressFor { id: String },
    #[error("the state entry for `{address}` cannot be read: {source}")]
    UnreadableEntry {
        address: String,
        source: serde_json::Error,
    },
    #[error(
        "an apply did not finish and its write to `{address}` may or may not have landed; run `assistform apply --refresh-only` to settle it first"
    )]
    InFlight { address: String },
    #[error(
        "`{address}` is already in the state ({} id `{id}`); `assistform state rm {address}` first, or choose another address",
        address.kind()
    )]
    Occupied { address: Address, id: String },
    #[error("`{address}` is not in the configuration in `{}`: add a `{} \"{}\" {{ … }}` block first, then import into it.{}", dir.display(), address.kind(), address.label(), suggestion.as_ref().map(|s| format!(" Did you mean `{s}`?")).unwrap_or_default())]
    NotConfigured {
        address: Address,
        dir: PathBuf,
        suggestion: Option<String>,
    },
    #[error(
        "`{address}` has the id `{configured}` in the configuration, not `{given}`; set `{id_attribute} = \"{given}\"` in its block, so that plan does not replace the imported {}",
        address.kind()
    )]
    OtherId {
        address: Address,
        id_attribute: &'static str,
        configured: String,
        given: String,
    },
    #[error(
        "`{address}` is already in the state, managing {kind} id `{id}`; to import another {kind} there, `assistform state rm {address}` first",
        kind = address.kind()
    )]
    AlreadyImported { address: Address, id: String },
    #[error("{} id `{id}` is already managed as `{address}`", address.kind())]
    AlreadyManaged { id: String, address: Address },
    #[error("there is no {kind} with id `{id}` in the org ({place})")]
    NoSuchObject {
        kind: &'static str,
        id: String,
        place: String,
    },
    #[error("`{}` exists; choose another file, or pass `--force` to overwrite it", path.display())]
    Exists { path: PathBuf },
}

impl OpsError {
    /// The configuration and its diagnostics, for the errors that carry them: what
    /// to show above the error itself.
    pub fn diagnosed(&self) -> Option<(&Config, &[Diagnostic])> {
        match self {
            OpsError::InvalidConfig {
                config,
                diagnostics,
            }
            | OpsError::InvalidForOrg {
                config,
                diagnostics,
                ..
            }
            | OpsError::CannotPlan {
                config,
                diagnostics,
            } => Some((config, diagnostics)),
            _ => None,
        }
    }
}

/// `2 errors`.
fn errors(diagnostics: &[Diagnostic]) -> String {
    plural(diagnostic::counts(diagnostics).0, "error")
}
