//! `assistform apply`: carry out a plan, after approval, recording every change.

use std::io::{BufRead, IsTerminal};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::connect::{ConnectArgs, connect};
use super::plan::{Format, load_valid, print};
use super::progress::Progress;
use super::vars::VarArgs;
use super::{Error, Output, exit};
use crate::apply::metrics::{Metrics, plural};
use crate::apply::{self, Options, Report, Status, recovery};
use crate::audit::{self, AuditKey, AuditLog, Event as AuditEvent, Totals};
use crate::hooks::HookEvent;
use crate::plan::{self, Inputs, Plan};
use crate::state::{self, State, StateLock, journal};
use crate::validate::OrgSettings;

/// Make the changes a plan lists: ordered, versioned, journaled and audited.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  assistform apply examples/quickstart --emulator\n  assistform plan --out tfplan && assistform apply tfplan\n  assistform apply --auto-approve --atomic --metrics-file /var/lib/node_exporter/assistform.prom"
)]
pub struct Args {
    /// A configuration directory (plan, show, ask), or a plan file saved by `plan --out`
    /// (applied exactly, if it is not stale).
    #[arg(default_value = ".")]
    target: PathBuf,
    /// Apply without asking (for CI, after the plan was reviewed).
    #[arg(long)]
    auto_approve: bool,
    /// How many independent changes run at once.
    #[arg(long, default_value_t = 10)]
    parallelism: usize,
    /// When a change fails, undo the changes this run made.
    #[arg(long)]
    atomic: bool,
    /// Print one JSON object per event on standard output.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    vars: VarArgs,
    /// Apply only this prompt and what it depends on (repeatable).
    #[arg(long = "target", value_name = "ADDR")]
    targets: Vec<String>,
    /// Where the state lives.
    #[arg(long, default_value = "state")]
    state_dir: PathBuf,
    /// How long to wait for another run's lock, e.g. `30s` (default: fail at once).
    #[arg(long, value_name = "DURATION", default_value = "0s", value_parser = super::duration::parse)]
    lock_timeout: Duration,
    /// Only record in the state what changed in Genesys outside assistform (the
    /// drift); write nothing to Genesys.
    #[arg(long)]
    refresh_only: bool,
    /// Destroy every prompt the state manages, after showing the plan (what
    /// `assistform destroy` does).
    #[arg(long, conflicts_with = "refresh_only")]
    pub(super) destroy: bool,
    /// Also write the run's metrics here, in the Prometheus text format.
    #[arg(long, value_name = "PATH")]
    metrics_file: Option<PathBuf>,
    /// The state manages this configuration under another path, from which it was
    /// moved: apply it anyway, and record the new path in the state.
    #[arg(long)]
    config_moved: bool,
    #[command(flatten)]
    connect: ConnectArgs,
}

pub fn run(args: Args, out: &mut Output) -> Result<i32, Error> {
    let started = Instant::now();
    let lock = StateLock::acquire(&args.state_dir, "apply", args.lock_timeout)?;
    if let Some(previous) = &lock.unfinished {
        out.warning(&format!(
            "the previous run {previous} did not finish; its journal is recovered first"
        ));
    }
    let from_file = args.target.is_file();
    let env: Vec<(String, String)> = std::env::vars().collect();
    let (config, saved) = if from_file {
        let key = plan::file::PlanKey::from_env(&env);
        (None, Some(plan::file::load(&args.target, key.as_ref())?))
    } else {
        match load_valid(&args.target, &args.vars, out)? {
            Some(config) => (Some(config), None),
            None => return Ok(exit::ERROR),
        }
    };
    let (genesys, org) = match (&config, &saved) {
        (Some(c), _) => (c.genesys.clone(), c.validation.clone()),
        (None, Some(p)) => (
            p.genesys.clone(),
            OrgSettings {
                context_variables: p.context_variables.clone(),
                pii_allow: p.pii_allow.clone(),
            },
        ),
        (None, None) => unreachable!("one of them is loaded"),
    };
    let mut state = state::read(&args.state_dir)?.unwrap_or_else(|| State {
        lineage: String::new(),
        ..State::default()
    });
    let identity = match (&saved, &config) {
        (Some(plan), _) => plan.config.clone(),
        (None, _) => {
            let identity = state::managed::config_identity(&args.target, &args.state_dir)?;
            state::managed::check(&state, &args.state_dir, &identity, args.config_moved)?;
            Some(identity)
        }
    };
    // Recorded by the run's state write; a run with nothing to write still records
    // a configuration that moved.
    let config_moved = identity.is_some() && state.config != identity;
    if identity.is_some() {
        state.config = identity;
    }
    let connect_args = match &saved {
        Some(plan) => args.connect.or_emulator(plan.emulator),
        None => args.connect.clone(),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let remote = connect(&connect_args, &genesys, &org, &args.state_dir).await?;
        let client = remote.client.clone();
        let (live, reached) = tokio::join!(client.list_prompts(&|_, _| {}), client.organization());
        let (live, reached) = (live?, reached?);
        if let Some(planned) = saved.as_ref().and_then(|p| p.org.as_ref())
            && reached.id != planned.id
        {
            return Err(format!(
                "the plan was made for the org `{}` (id `{}`), but this run reaches the org `{}` (id `{}`) at {}. Nothing was changed: apply the plan where it was made, or run `assistform plan` against this org",
                planned.name, planned.id, reached.name, reached.id, client.connection().describe()
            ).into());
        }
        if let Some((with_org, diagnostics)) = config.as_ref().and_then(|c| super::plan::org_phone_findings(c, &reached)) {
            super::validate::render_all(&diagnostics, &with_org, out);
            return Err(format!("the configuration is invalid for the org `{}`", reached.name).into());
        }
        recover(&args.state_dir, &mut state, &live, client.connection().client_id(), &env, out)?;
        let plan = match (saved, &config) {
            (Some(plan), _) => {
                let foreign = plan::foreign_targets(&plan, &state);
                if !foreign.is_empty() {
                    return Err(format!("Saved plan does not match the state: {}. Nothing was changed; run `assistform plan` again.", foreign.join("; ")).into());
                }
                let reasons = plan::staleness(&plan, &state, &live);
                if !reasons.is_empty() {
                    return Err(format!("Saved plan is stale: {}. Nothing was changed; run `assistform plan` again.", reasons.join("; ")).into());
                }
                plan
            }
            (None, Some(config)) => {
                let inputs = Inputs { config, state: &state, live: &live, targets: &args.targets, refresh_only: args.refresh_only, destroy: args.destroy };
                match plan::diff(&inputs) {
                    Ok(plan) => plan,
                    Err(diagnostics) => {
                        super::validate::render_all(&diagnostics, config, out);
                        return Err("cannot make a plan".into());
                    }
                }
            }
            (None, None) => unreachable!("one of them is loaded"),
        };
        if plan.refresh_only {
            return refresh_only(&plan, &live, &mut state, &args, &client, &env, out);
        }
        if !plan.has_changes() {
            if config_moved && !state.resources.is_empty() {
                state::write(&args.state_dir, &mut state)?;
            }
            if !args.json {
                out.stdout("No changes. The org's prompts match the configuration.\n");
            }
            return Ok(exit::OK);
        }
        // Before any change: the state is written once for moves and imports and
        // once at the end, and a change that landed must never go unrecorded.
        state::ensure_serials(&args.state_dir, &state, 2)?;
        if !args.json && !from_file {
            print(&plan, Format::Text, out);
        }
        if !args.auto_approve && !from_file && !approved(out)? {
            out.stdout("Apply cancelled.\n");
            return Ok(exit::ERROR);
        }
        let run_id = uuid::Uuid::new_v4().to_string();
        let audit = Arc::new(AuditLog::open_keyed(&args.state_dir, &run_id, AuditKey::from_env(&env))?);
        audit.append(AuditEvent::RunStarted {
            command: "apply".into(),
            actor: audit::actor(Some(client.connection().client_id()), &env),
            plan_digest: Some(plan.config_digest.clone()),
        })?;
        let edited = state_edits(&plan, &mut state);
        if !edited.is_empty() {
            // Saved before any write, so a crash cannot leave a move half-recorded;
            // its audit line first, so that the state anchors it.
            audit.append(AuditEvent::StateEdit { command: "apply (moved, import)".into(), addresses: edited })?;
            state.audit = Some(audit.head());
            state::write(&args.state_dir, &mut state)?;
        }
        let report = execute(&plan, &client, &args, audit.clone(), &run_id, out).await?;
        let metrics = client.metrics();
        let metrics = Metrics::new(&plan, &report, metrics.retries, metrics.throttled, started.elapsed());
        let outcome = super::progress::verdict(metrics.verdict);
        audit.append(AuditEvent::RunFinished {
            command: "apply".into(),
            outcome: outcome.into(),
            totals: Totals { changed: metrics.done as u64, failed: metrics.failed as u64, skipped: metrics.skipped as u64 },
        })?;
        // The run's last line is in: the state written now anchors the whole run.
        state.audit = Some(audit.head());
        finish(&args.state_dir, &mut state)?;
        if let Some(path) = &args.metrics_file {
            std::fs::write(path, metrics.prometheus()).map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
        }
        super::progress::summary(&report, &metrics, args.json, out);
        drop(lock);
        Ok(if report.succeeded() { exit::OK } else { exit::ERROR })
    })
}

/// A refresh-only apply: record in the state what Genesys holds for every drifted
/// prompt (or forget one deleted outside), and write nothing to Genesys.
fn refresh_only(
    plan: &Plan,
    live: &[crate::model::RemotePrompt],
    state: &mut State,
    args: &Args,
    client: &crate::remote::Client,
    env: &[(String, String)],
    out: &mut Output,
) -> Result<i32, Error> {
    let from_file = args.target.is_file();
    if plan.drift.is_empty() {
        out.stdout("No changes. The state matches what Genesys holds.\n");
        return Ok(exit::OK);
    }
    if !args.json && !from_file {
        print(plan, Format::Text, out);
    }
    if !args.auto_approve && !from_file && !approved(out)? {
        out.stdout("Apply cancelled.\n");
        return Ok(exit::ERROR);
    }
    for drift in &plan.drift {
        let Some(resource) = state.resources.get_mut(&drift.address) else {
            continue;
        };
        // What Genesys holds now, which may be newer still than what the plan saw.
        match live.iter().find(|p| p.spec.id == resource.id) {
            Some(now) => {
                resource.version = now.version;
                resource.attributes = now.spec.to_values();
            }
            None => {
                state.resources.remove(&drift.address);
            }
        }
    }
    let run_id = uuid::Uuid::new_v4().to_string();
    let audit = AuditLog::open_keyed(&args.state_dir, &run_id, AuditKey::from_env(env))?;
    audit.append(AuditEvent::RunStarted {
        command: "apply --refresh-only".into(),
        actor: audit::actor(Some(client.connection().client_id()), env),
        plan_digest: Some(plan.config_digest.clone()),
    })?;
    audit.append(AuditEvent::StateEdit {
        command: "apply --refresh-only".into(),
        addresses: plan.drift.iter().map(|d| d.address.clone()).collect(),
    })?;
    audit.append(AuditEvent::RunFinished {
        command: "apply --refresh-only".into(),
        outcome: "success".into(),
        totals: Totals::default(),
    })?;
    state.audit = Some(audit.head());
    state::write(&args.state_dir, state)?;
    out.stdout(&format!(
        "Recorded the drift of {} in the state; nothing was written to Genesys.\n",
        plural(plan.drift.len(), "prompt")
    ));
    Ok(exit::OK)
}

/// What apply does to the state alone: a `moved` block renames an entry, and an
/// import with nothing to write records the live prompt. Returns the addresses.
fn state_edits(plan: &Plan, state: &mut State) -> Vec<String> {
    let mut edited = Vec::new();
    for change in &plan.changes {
        if let Some(from) = &change.moved_from
            && let Some(resource) = state.resources.remove(from)
        {
            state.resources.insert(change.address.clone(), resource);
            edited.push(format!("{from} → {}", change.address));
        }
        if let (true, crate::plan::Action::NoOp, Some(live), Some(version)) = (
            change.importing,
            change.action,
            &change.before,
            change.live_version,
        ) {
            state.resources.insert(
                change.address.clone(),
                state::Resource {
                    id: live.id.clone(),
                    version,
                    attributes: live.to_values(),
                    prevent_destroy: change.prevent_destroy,
                    depends_on: change.depends_on.clone(),
                    sensitive: change.sensitive.clone(),
                },
            );
            edited.push(change.address.clone());
        }
    }
    edited
}

/// Folds a previous run's journal into the state, settling writes that were in flight
/// by what Genesys holds, records every change of it that landed without an audit
/// line, and writes the state.
fn recover(
    dir: &Path,
    state: &mut State,
    live: &[crate::model::RemotePrompt],
    client_id: &str,
    env: &[(String, String)],
    out: &mut Output,
) -> Result<(), Error> {
    let entries = journal::read(dir)?;
    if entries.is_empty() {
        return Ok(());
    }
    let recovered = recovery::recover(dir, state, &entries, live, client_id, env)?;
    out.warning(&format!(
        "recovered {} of an unfinished run ({} in flight, {} of them had landed){}",
        plural(recovered.journaled, "journaled change"),
        recovered.in_flight,
        recovered.settled,
        match recovered.audited {
            0 => String::new(),
            n => format!("; {} recorded in the audit record", plural(n, "change")),
        }
    ));
    Ok(())
}

/// Runs the executor, reporting progress and auditing every change.
async fn execute(
    plan: &Plan,
    client: &crate::remote::Client,
    args: &Args,
    audit: Arc<AuditLog>,
    run_id: &str,
    out: &mut Output,
) -> Result<Report, Error> {
    let journal = Arc::new(journal::Journal::open(&args.state_dir, run_id)?);
    let total = plan
        .changes
        .iter()
        .filter(|c| c.action != crate::plan::Action::NoOp)
        .count();
    let progress = Mutex::new(Progress::new(args.json, out.color, total));
    let audit_errors: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let hooks: Mutex<Vec<tokio::task::JoinHandle<usize>>> = Mutex::new(Vec::new());
    let handle = tokio::runtime::Handle::current();
    let on_event = |event: apply::Event| {
        progress.lock().expect("progress lock").event(&event);
        let record = match &event {
            apply::Event::Finished(r) => Some(super::progress::audit_change(r)),
            apply::Event::Undone { address, result } => Some(AuditEvent::Change {
                address: (*address).to_owned(),
                prompt_id: String::new(),
                action: "undo".into(),
                before_sha256: None,
                after_sha256: None,
                http_status: None,
                attempts: 1,
                latency_ms: 0,
                outcome: if result.is_ok() {
                    "done".into()
                } else {
                    "failed".into()
                },
                context_id: None,
                detail: result.err().map(str::to_owned),
                recovered_from: None,
            }),
            apply::Event::Started { .. } => None,
        };
        if let Some(record) = record
            && let Err(e) = audit.append(record)
        {
            audit_errors
                .lock()
                .expect("audit errors lock")
                .push(e.to_string());
        }
        if let apply::Event::Finished(r) = &event
            && r.status == Status::Done
            && !plan.hooks.is_empty()
        {
            let (hook_list, audit) = (plan.hooks.clone(), audit.clone());
            let hook_event = HookEvent {
                address: r.address.clone(),
                id: r.id.clone(),
                action: format!("{:?}", r.action).to_lowercase(),
                version: r.version,
                time: humantime::format_rfc3339_millis(std::time::SystemTime::now()).to_string(),
            };
            hooks
                .lock()
                .expect("hooks lock")
                .push(handle.spawn(async move {
                    let mut failed = 0;
                    for outcome in crate::hooks::run(&hook_list, &hook_event).await {
                        failed += usize::from(outcome.result.is_err());
                        let _ = audit.append(AuditEvent::Hook {
                            address: hook_event.address.clone(),
                            hook: outcome.hook,
                            outcome: if outcome.result.is_ok() {
                                "done".into()
                            } else {
                                "failed".into()
                            },
                            detail: outcome.result.err(),
                        });
                    }
                    failed
                }));
        }
    };
    let options = Options {
        parallelism: args.parallelism,
        atomic: args.atomic,
    };
    let report = apply::apply(plan, client.clone(), journal, options, &on_event).await;
    progress.lock().expect("progress lock").finish();
    let mut failed_hooks = 0;
    for task in hooks.into_inner().expect("hooks lock") {
        failed_hooks += task.await.unwrap_or(1);
    }
    if failed_hooks > 0 {
        out.warning(&format!(
            "{} failed (the changes themselves landed); see `assistform audit show`",
            plural(failed_hooks, "sync hook run")
        ));
    }
    if let Some(e) = audit_errors
        .into_inner()
        .expect("audit errors lock")
        .first()
    {
        return Err(format!("the audit record could not be written: {e}").into());
    }
    Ok(report)
}

/// Folds this run's journal into the state and writes it. The journal goes, but
/// for writes whose outcome nobody could tell: those stay for the next run.
fn finish(dir: &Path, state: &mut State) -> Result<(), Error> {
    let entries = journal::read(dir)?;
    let in_flight = journal::fold(state, &entries);
    state::write(dir, state)?;
    journal::keep_in_flight(dir, &in_flight)?;
    Ok(())
}

/// Asks for `yes` on a terminal; refuses without one.
fn approved(out: &mut Output) -> Result<bool, Error> {
    if !std::io::stdin().is_terminal() {
        return Err("apply needs approval and there is no terminal to ask on: pass `--auto-approve` (in CI, after the plan was reviewed), or apply a saved plan with `assistform apply PLANFILE`".into());
    }
    out.stdout("\nDo you want to perform these actions?\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: ");
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(answer.trim() == "yes")
}
