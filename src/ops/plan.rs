//! `plan`: what apply would change, read from the configuration, the state and the
//! org.

use std::path::{Path, PathBuf};

use super::config::{check_for_org, load_checked};
use super::connect::{Connect, connect};
use super::edit::{Edit, claim};
use super::{Notice, Observer, OpsError, runtime};
use crate::backend::BackendArgs;
use crate::config::{Config, VarInputs};
use crate::kind::LiveSet;
use crate::plan::{self, Inputs, Plan};
use crate::state::State;

/// What to plan: shared by [`plan`](super::plan()) and an apply of a configuration.
#[derive(Clone, Debug, Default)]
pub struct Planning {
    /// The configuration directory.
    pub dir: PathBuf,
    pub vars: VarInputs,
    /// Only these addresses and what they depend on; all when empty.
    pub targets: Vec<String>,
    /// Plan no changes: only what changed in Genesys outside assistform.
    pub refresh_only: bool,
    /// Plan to destroy every prompt the state manages.
    pub destroy: bool,
    /// The state manages this configuration under another path, from which it moved.
    pub config_moved: bool,
}

#[derive(Clone, Debug, Default)]
pub struct PlanOptions {
    pub planning: Planning,
    pub state_dir: PathBuf,
    pub backend: BackendArgs,
    /// Save the plan here, for apply.
    pub out: Option<PathBuf>,
    pub connect: Connect,
    /// The process environment: credentials, and the plan file's key.
    pub env: Vec<(String, String)>,
}

/// Reads the configuration, the state (with an unfinished apply's journal, settled
/// by what Genesys holds) and the org's prompts, and returns what apply would
/// change; saved to `out` when asked. Writes nothing else.
///
/// # Errors
///
/// [`OpsError::InvalidConfig`], [`OpsError::InvalidForOrg`] and
/// [`OpsError::CannotPlan`] carry every diagnostic; the others, what failed.
pub fn plan(options: &PlanOptions, observer: &dyn Observer) -> Result<Plan, OpsError> {
    let planning = &options.planning;
    let config = load_checked(&planning.dir, &planning.vars, observer)?;
    let backend = super::open_backend(
        &options.state_dir,
        &options.backend,
        config.backend.as_ref(),
        &options.env,
    )?;
    let mut edit = Edit::read(&backend)?;
    let identity = claim(&edit.state, &planning.dir, &backend, planning.config_moved)?;
    let (live, org, client_id, place) = runtime().map_err(OpsError::Runtime)?.block_on(async {
        let remote = connect(
            &options.connect,
            &config.genesys,
            &config.validation,
            &options.state_dir,
            &options.env,
        )
        .await?;
        let progress = |done, total| observer.notice(Notice::Refreshing { done, total });
        let mut kinds = super::genesys::kinds_in_use(Some(&config), None, &edit.state);
        // A write in flight is settled by reading its kind, block or no block.
        kinds.extend(
            edit.in_flight
                .iter()
                .filter_map(|f| crate::kinds::find(f.address.kind()))
                .map(|k| k.name()),
        );
        let (live, org) = tokio::join!(
            super::genesys::read_all(&remote.client, &kinds, &edit.state, &progress),
            remote.client.organization()
        );
        observer.notice(Notice::Refreshed);
        let connection = remote.client.connection();
        Ok::<_, OpsError>((
            live?,
            org?,
            connection.client_id().to_owned(),
            connection.place().clone(),
        ))
    })?;
    edit.settle(&live, &client_id)?;
    check_for_org(&config, &org)?;
    let mut plan = diff(&config, &edit.state, &live, planning)?;
    plan.org = Some(org);
    plan.emulator = options.connect.emulator;
    plan.genesys = place;
    plan.config = Some(identity);
    plan.backend = Some(backend.declared().clone());
    plan.workspace = Some(backend.workspace().to_owned());
    if let Some(path) = &options.out {
        let key = plan::file::PlanKey::from_env(&options.env);
        plan::file::save(path, &plan, key.as_ref())?;
    }
    Ok(plan)
}

/// The plan saved in `path` by `plan --out`, checked with the key in `env` (the
/// process environment) when there is one.
///
/// # Errors
///
/// [`OpsError::PlanFile`] when it cannot be read, or was not made with that key.
pub fn saved_plan(path: &Path, env: &[(String, String)]) -> Result<Plan, OpsError> {
    let key = plan::file::PlanKey::from_env(env);
    Ok(plan::file::load(path, key.as_ref())?)
}

/// The plan of `planning` for `config` against `state` and `live`.
pub(super) fn diff(
    config: &Config,
    state: &State,
    live: &LiveSet,
    planning: &Planning,
) -> Result<Plan, OpsError> {
    plan::diff(&Inputs {
        config,
        state,
        live,
        targets: &planning.targets,
        refresh_only: planning.refresh_only,
        destroy: planning.destroy,
    })
    .map_err(|diagnostics| OpsError::CannotPlan {
        config: Box::new(config.clone()),
        diagnostics,
    })
}
