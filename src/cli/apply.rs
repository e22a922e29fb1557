//! `assistform apply`: carry out a plan, after approval, recording every change.

use std::path::PathBuf;
use std::time::Duration;

use super::connect::ConnectArgs;
use super::progress::{Console, summary};
use super::validate::render_all;
use super::vars::VarArgs;
use super::{Error, Output, exit};
use crate::ops::{self, ApplyOptions, ApplyOutcome, OpsError, Planning, Source};
use crate::paint::plural;

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
    #[command(flatten)]
    backend: super::backend::BackendFlags,
}

pub fn run(args: Args, out: &Output) -> Result<i32, Error> {
    let from_file = args.target.is_file();
    let source = if from_file {
        Source::PlanFile(args.target)
    } else {
        Source::Config(Planning {
            dir: args.target,
            vars: args.vars.inputs(),
            targets: args.targets,
            refresh_only: args.refresh_only,
            destroy: args.destroy,
            config_moved: args.config_moved,
        })
    };
    let options = ApplyOptions {
        source,
        auto_approve: args.auto_approve,
        parallelism: args.parallelism,
        atomic: args.atomic,
        state_dir: args.state_dir,
        // A saved plan names its backend; an older one, made before plans did,
        // uses the configuration's in the working directory.
        backend: args
            .backend
            .args(from_file.then_some(std::path::Path::new("."))),
        lock_timeout: args.lock_timeout,
        metrics_file: args.metrics_file,
        connect: args.connect.connect(),
        env: std::env::vars().collect(),
    };
    let console = Console::new(out).apply(args.json, !args.json && !from_file);
    let outcome = match ops::apply(&options, &console) {
        Ok(outcome) => outcome,
        // Apply names these without the count of errors that plan gives.
        Err(OpsError::InvalidForOrg {
            org,
            config,
            diagnostics,
        }) => {
            render_all(&diagnostics, &config, out);
            return Err(format!("the configuration is invalid for the org `{org}`").into());
        }
        Err(OpsError::CannotPlan {
            config,
            diagnostics,
        }) => {
            render_all(&diagnostics, &config, out);
            return Err("cannot make a plan".into());
        }
        Err(err) => return Err(err.into()),
    };
    Ok(match outcome {
        ApplyOutcome::NoChanges => {
            if !args.json {
                out.stdout("No changes. The org's prompts match the configuration.\n");
            }
            exit::OK
        }
        ApplyOutcome::NoDrift => {
            out.stdout("No changes. The state matches what Genesys holds.\n");
            exit::OK
        }
        ApplyOutcome::Cancelled => {
            out.stdout("Apply cancelled.\n");
            exit::ERROR
        }
        ApplyOutcome::Refreshed { drifted, noun } => {
            out.stdout(&format!(
                "Recorded the drift of {} in the state; nothing was written to Genesys.\n",
                plural(drifted, noun)
            ));
            exit::OK
        }
        ApplyOutcome::Applied { report, metrics } => {
            summary(&report, &metrics, args.json, out);
            if report.succeeded() {
                exit::OK
            } else {
                exit::ERROR
            }
        }
    })
}
