//! `apply`: carry out a plan — made now from a configuration, or saved by `plan` —
//! after recovering what an unfinished run left in the journal, and record every
//! change in the state and the audit record.

mod execute;
mod refresh_only;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::config::{check_for_org, load_checked};
use super::connect::{Connect, connect};
use super::edit::{claim, stored};
use super::plan::{Planning, diff, saved_plan};
use super::{Notice, Observer, OpsError, runtime};
use crate::apply::metrics::{Metrics, Verdict};
use crate::apply::{Report, recovery};
use crate::audit::{self, AuditKey, Event as AuditEvent, Totals};
use crate::backend::{Backend, BackendArgs};
use crate::config::Config;
use crate::kind::LiveSet;
use crate::org::OrgSettings;
use crate::plan::{self, Action, Plan};
use crate::remote::Client;
use crate::state::{self, State, journal};

/// What to apply.
#[derive(Clone, Debug)]
pub enum Source {
    /// Plan the configuration now, and apply that.
    Config(Planning),
    /// A plan saved by `plan --out`, applied exactly if it is not stale.
    PlanFile(PathBuf),
}

#[derive(Clone, Debug)]
pub struct ApplyOptions {
    pub source: Source,
    /// Apply without asking the observer.
    pub auto_approve: bool,
    /// How many independent changes run at once.
    pub parallelism: usize,
    /// When a change fails, undo the changes this run made.
    pub atomic: bool,
    pub state_dir: PathBuf,
    pub backend: BackendArgs,
    /// How long to wait for another run's lock.
    pub lock_timeout: Duration,
    /// Also write the run's metrics here, in the Prometheus text format.
    pub metrics_file: Option<PathBuf>,
    pub connect: Connect,
    /// The process environment: credentials, keys, and who runs it.
    pub env: Vec<(String, String)>,
}

/// How an apply ended, when it ran to its end.
#[derive(Debug)]
#[non_exhaustive]
pub enum ApplyOutcome {
    /// The org's prompts match the configuration: nothing to do.
    NoChanges,
    /// A refresh-only apply found no drift.
    NoDrift,
    /// The observer did not approve: nothing was changed.
    Cancelled,
    /// A refresh-only apply recorded the drift of this many objects in the state;
    /// `noun` names them (`prompt`, or `resource` when of several kinds).
    Refreshed { drifted: usize, noun: &'static str },
    /// The changes ran, each as its report says.
    Applied {
        report: Report,
        metrics: Box<Metrics>,
    },
}

/// Carries out `options.source` under the state's lock: recovers an unfinished
/// run's journal first, refuses a saved plan that is stale or made for another org
/// or state, shows the plan and asks `observer` to approve, then writes in
/// dependency order, journaling and auditing every write, and saves the state.
///
/// # Errors
///
/// What stopped the run. Whatever landed before is in the state or its journal.
pub fn apply(options: &ApplyOptions, observer: &dyn Observer) -> Result<ApplyOutcome, OpsError> {
    let started = Instant::now();
    let (dir, env) = (&options.state_dir, &options.env);
    let loaded = match &options.source {
        Source::PlanFile(path) => Loaded::Saved(saved_plan(path, env)?),
        Source::Config(planning) => Loaded::Config {
            config: load_checked(&planning.dir, &planning.vars, observer)?,
            planning,
        },
    };
    let declared = match &loaded {
        Loaded::Saved(plan) => plan.backend.as_ref(),
        Loaded::Config { config, .. } => config.backend.as_ref(),
    };
    let backend = super::open_backend(dir, &options.backend, declared, env)?;
    if let Loaded::Saved(plan) = &loaded {
        check_workspace(plan, &backend)?;
    }
    let lock = backend.lock("apply", options.lock_timeout)?;
    if let Some(previous) = &lock.unfinished {
        observer.notice(Notice::Unfinished(previous));
    }
    let backend = &backend;
    let mut state = stored(backend)?;
    let identity = match &loaded {
        Loaded::Saved(plan) => plan.config.clone(),
        Loaded::Config { planning, .. } => Some(claim(
            &state,
            &planning.dir,
            backend,
            planning.config_moved,
        )?),
    };
    // Recorded by the run's state write; a run with nothing to write still records
    // a configuration that moved.
    let config_moved = identity.is_some() && state.config != identity;
    if identity.is_some() {
        state.config = identity;
    }
    let (place, genesys, org) = match &loaded {
        Loaded::Saved(plan) => (
            options.connect.or_emulator(plan.emulator),
            plan.genesys.clone(),
            OrgSettings {
                context_variables: plan.context_variables.clone(),
                pii_allow: plan.pii_allow.clone(),
            },
        ),
        Loaded::Config { config, .. } => (
            options.connect.clone(),
            config.genesys.clone(),
            config.validation.clone(),
        ),
    };
    let outcome = runtime().map_err(OpsError::Runtime)?.block_on(async {
        let remote = connect(&place, &genesys, &org, dir, env).await?;
        let client = remote.client.clone();
        let mut kinds = match &loaded {
            Loaded::Saved(plan) => crate::ops::genesys::kinds_in_use(None, Some(plan), &state),
            Loaded::Config { config, .. } => {
                crate::ops::genesys::kinds_in_use(Some(config), None, &state)
            }
        };
        // A write in flight is settled by reading its kind, block or no block.
        for entry in backend.journal()? {
            if let journal::Entry::Intent { address, .. } = entry
                && let Some(kind) = crate::kinds::find(address.kind())
            {
                kinds.insert(kind.name());
            }
        }
        let (live, reached) = tokio::join!(
            crate::ops::genesys::read_all(&client, &kinds, &state, &|_, _| {}),
            client.organization()
        );
        let (live, reached) = (live?, reached?);
        match &loaded {
            Loaded::Saved(plan) => match &plan.org {
                Some(planned) if reached.id != planned.id => {
                    return Err(OpsError::OtherOrg {
                        planned: Box::new(planned.clone()),
                        reached: Box::new(reached),
                        place: client.connection().describe(),
                    });
                }
                _ => {}
            },
            Loaded::Config { config, .. } => check_for_org(config, &reached)?,
        }
        recover(
            backend,
            &mut state,
            &live,
            client.connection().client_id(),
            env,
            observer,
        )?;
        let plan = match loaded {
            Loaded::Saved(plan) => {
                let reasons = plan::foreign_targets(&plan, &state);
                if !reasons.is_empty() {
                    return Err(OpsError::ForeignPlan { reasons });
                }
                let reasons = plan::staleness(&plan, &state, &live);
                if !reasons.is_empty() {
                    return Err(OpsError::StalePlan { reasons });
                }
                plan
            }
            Loaded::Config { config, planning } => diff(&config, &state, &live, planning)?,
        };
        let ask = !options.auto_approve && matches!(options.source, Source::Config(_));
        let run = Run {
            options,
            backend,
            observer,
        };
        if plan.refresh_only {
            return refresh_only::record(&plan, &live, &mut state, &run, ask, &client);
        }
        if !plan.has_changes() {
            if config_moved && !state.resources.is_empty() {
                backend.write_state(&mut state)?;
            }
            return Ok(ApplyOutcome::NoChanges);
        }
        // Before any change: the state is written once for moves and imports and
        // once at the end, and a change that landed must never go unrecorded.
        backend.ensure_serials(&state, 2)?;
        observer.notice(Notice::Planned(&plan));
        if ask && !observer.approve().map_err(OpsError::Observer)? {
            return Ok(ApplyOutcome::Cancelled);
        }
        changes(&plan, &mut state, &client, &run, started).await
    })?;
    drop(lock);
    Ok(outcome)
}

/// One apply's settings, backend and observer, as its steps share them.
struct Run<'a> {
    options: &'a ApplyOptions,
    backend: &'a Backend,
    observer: &'a dyn Observer,
}

/// Refuses a saved plan made for another workspace than `backend`'s, naming both.
fn check_workspace(plan: &Plan, backend: &Backend) -> Result<(), OpsError> {
    match &plan.workspace {
        Some(planned) if planned != backend.workspace() => Err(OpsError::OtherWorkspace {
            planned: planned.clone(),
            given: backend.workspace().to_owned(),
        }),
        _ => Ok(()),
    }
}

/// What to apply, read.
enum Loaded<'a> {
    Config {
        config: Config,
        planning: &'a Planning,
    },
    Saved(Plan),
}

/// The run's own part: its audit record opened, the state edits of `moved` blocks
/// and imports saved, the writes, and the state written with this run's journal
/// folded in; the metrics file, when asked for.
async fn changes(
    plan: &Plan,
    state: &mut State,
    client: &Client,
    run: &Run<'_>,
    started: Instant,
) -> Result<ApplyOutcome, OpsError> {
    let (options, backend, observer) = (run.options, run.backend, run.observer);
    let env = &options.env;
    let run_id = uuid::Uuid::new_v4().to_string();
    let audit = Arc::new(backend.open_audit(&run_id, AuditKey::from_env(env))?);
    audit.append(AuditEvent::RunStarted {
        command: "apply".into(),
        actor: audit::actor(Some(client.connection().client_id()), env),
        plan_digest: Some(plan.config_digest.clone()),
    })?;
    let edited = state_edits(plan, state)?;
    if !edited.is_empty() {
        // Saved before any write, so a crash cannot leave a move half-recorded;
        // its audit line first, so that the state anchors it.
        audit.append(AuditEvent::StateEdit {
            command: "apply (moved, import)".into(),
            addresses: edited,
        })?;
        state.audit = Some(audit.head());
        backend.write_state(state)?;
    }
    let report = execute::run(
        plan,
        client,
        options,
        backend,
        audit.clone(),
        &run_id,
        observer,
    )
    .await?;
    let counts = client.metrics();
    let metrics = Metrics::new(
        plan,
        &report,
        counts.retries,
        counts.throttled,
        started.elapsed(),
    );
    audit.append(AuditEvent::RunFinished {
        command: "apply".into(),
        outcome: run_outcome(metrics.verdict).into(),
        totals: Totals {
            changed: metrics.done as u64,
            failed: metrics.failed as u64,
            skipped: metrics.skipped as u64,
        },
    })?;
    // The run's last line is in: the state written now anchors the whole run.
    state.audit = Some(audit.head());
    finish(backend, state)?;
    if let Some(path) = &options.metrics_file {
        std::fs::write(path, metrics.prometheus()).map_err(|source| OpsError::Io {
            action: "write",
            path: path.clone(),
            source,
        })?;
    }
    Ok(ApplyOutcome::Applied {
        report,
        metrics: Box::new(metrics),
    })
}

/// How a run ended, as the audit record and the JSON summary name it.
pub fn run_outcome(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Complete => "success",
        Verdict::Failed => "failed",
        Verdict::Unknown => "unknown",
        Verdict::RolledBack | Verdict::RollbackFailed => "rolled_back",
    }
}

/// What apply does to the state alone: a `moved` block renames an entry, and an
/// import with nothing to write records the live object. Returns the addresses.
fn state_edits(plan: &Plan, state: &mut State) -> Result<Vec<String>, OpsError> {
    let mut edited = Vec::new();
    for change in &plan.changes {
        if let Some(from) = &change.moved_from
            && state.resources.contains_key(from)
        {
            state.rename(from, &change.address)?;
            edited.push(format!("{from} → {}", change.address));
        }
        if let (true, Action::NoOp, Some(live), Some(id), Some(version)) = (
            change.importing,
            change.action,
            &change.before,
            change.before_id(),
            change.live_version,
        ) {
            state.resources.insert(
                change.address.clone(),
                state::Resource {
                    id: id.to_owned(),
                    version,
                    attributes: live.clone(),
                    prevent_destroy: change.prevent_destroy,
                    depends_on: change.depends_on.clone(),
                    sensitive: change.sensitive.clone(),
                },
            );
            edited.push(change.address.to_string());
        }
    }
    Ok(edited)
}

/// Folds a previous run's journal into the state, settling writes that were in
/// flight by what Genesys holds, records every change of it that landed without an
/// audit line, and writes the state.
fn recover(
    backend: &Backend,
    state: &mut State,
    live: &LiveSet,
    client_id: &str,
    env: &[(String, String)],
    observer: &dyn Observer,
) -> Result<(), OpsError> {
    let entries = backend.journal()?;
    if entries.is_empty() {
        return Ok(());
    }
    let recovered = recovery::recover(backend, state, &entries, live, client_id, env)?;
    observer.notice(Notice::Recovered(recovered));
    Ok(())
}

/// Folds this run's journal into the state and writes it. The journal goes, but
/// for writes whose outcome nobody could tell: those stay for the next run.
fn finish(backend: &Backend, state: &mut State) -> Result<(), OpsError> {
    let entries = backend.journal()?;
    let in_flight = journal::fold(state, &entries);
    backend.write_state(state)?;
    backend.keep_in_flight(&in_flight)?;
    Ok(())
}
