//! `assistform audit verify|show`: check and read the audit record.

use std::path::PathBuf;
use std::time::SystemTime;

use clap::Subcommand;
use tabled::settings::Style;
use tabled::{Table, Tabled};

use super::{Error, Output, exit};
use crate::audit::{self, Event, Record, Verification};
use crate::ops::{self, AuditShowOptions, AuditVerifyOptions};
use crate::paint::plural;

/// Check or read the audit record (`audit.jsonl` in the state directory).
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  assistform audit verify
  assistform audit show --since 2h
  assistform audit show --since 2026-11-23 --address prompt.account_hold
  assistform audit show --state-dir prod/state --json")]
pub struct Args {
    #[command(subcommand)]
    command: AuditCommand,
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    Verify(VerifyArgs),
    Show(ShowArgs),
}

/// Check the hash chain; exit 1 naming the first broken line.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  assistform audit verify
  assistform audit verify --state-dir prod/state

A line torn by a crash and sealed by the next run is reported as a crash, not as tampering.")]
struct VerifyArgs {
    /// The directory holding the state and its audit record.
    #[arg(long, value_name = "DIR", default_value = "state")]
    state_dir: PathBuf,
    #[command(flatten)]
    backend: super::backend::BackendFlags,
}

/// Print the audit record as a table.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  assistform audit show
  assistform audit show --since 2h
  assistform audit show --since 2026-11-23T09:00:00Z --address prompt.account_hold
  assistform audit show --json | jq 'select(.event == \"change\")'")]
struct ShowArgs {
    /// The directory holding the state and its audit record.
    #[arg(long, value_name = "DIR", default_value = "state")]
    state_dir: PathBuf,
    #[command(flatten)]
    backend: super::backend::BackendFlags,
    /// Only records from this time on: a date (2026-11-23, UTC), a timestamp
    /// (2026-11-23T09:00:00Z) or a duration back from now (2h, 3days).
    #[arg(long, value_name = "TIME_OR_DURATION", value_parser = since)]
    since: Option<SystemTime>,
    /// Only records about this prompt (`prompt.<label>`).
    #[arg(long, value_name = "ADDR")]
    address: Option<String>,
    /// Print the records as JSON, one object per line, as stored.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args, out: &Output) -> Result<i32, Error> {
    match args.command {
        AuditCommand::Verify(args) => verify(args, out),
        AuditCommand::Show(args) => show(args, out),
    }
}

fn verify(args: VerifyArgs, out: &Output) -> Result<i32, Error> {
    let options = AuditVerifyOptions {
        backend: args.backend.args(Some(std::path::Path::new("."))),
        state_dir: args.state_dir,
        env: std::env::vars().collect(),
    };
    let (found, place) = ops::audit_verify(&options)?;
    if let Some(broken) = &found.broken {
        out.error(&format!(
            "audit log {place} is broken at line {}: {}",
            broken.line, broken.reason
        ));
        return Ok(exit::ERROR);
    }
    out.stdout(&summary(&found));
    Ok(exit::OK)
}

fn summary(found: &Verification) -> String {
    let records = plural(found.records, "record");
    let mut text = match found.crashes.as_slice() {
        [] => format!("audit log OK: {records}\n"),
        lines => {
            let at = lines
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            let (crashes, noun) = match lines.len() {
                1 => ("1 crash".to_owned(), "line"),
                n => (format!("{n} crashes"), "lines"),
            };
            format!("audit log OK: {records} ({crashes} sealed at {noun} {at})\n")
        }
    };
    text.push_str(&match (found.anchored, found.keyed) {
        (Some(seq), true) => format!(
            "HMAC-chained with {}, and reaches seq {seq}, where the state's last write anchored it: any edit, deletion or truncation would show\n",
            audit::AuditKey::VARIABLE
        ),
        (Some(seq), false) => format!(
            "reaches seq {seq}, where the state's last write anchored it: an edit, deletion or truncation would show, unless the state was rewritten to match (set {} for an HMAC chain that cannot be)\n",
            audit::AuditKey::VARIABLE
        ),
        (None, _) => "note: the state anchors no line of it (no state write recorded its head yet), so lines removed from its end would not show\n".to_owned(),
    });
    if let Some(line) = found.torn_tail {
        text.push_str(&format!(
            "note: line {line}, the last, was torn by a crash; the next run seals it\n"
        ));
    }
    text
}

fn show(args: ShowArgs, out: &Output) -> Result<i32, Error> {
    let shown = ops::audit_show(&AuditShowOptions {
        backend: args.backend.args(Some(std::path::Path::new("."))),
        env: std::env::vars().collect(),
        state_dir: args.state_dir,
        since: args.since,
        address: args.address,
    })?;
    if args.json {
        let mut text = String::new();
        for record in &shown.records {
            text.push_str(&serde_json::to_string(record)?);
            text.push('\n');
        }
        out.stdout(&text);
    } else if shown.records.is_empty() {
        out.stdout("no audit records match\n");
    } else {
        let mut table = Table::new(shown.records.iter().map(|r| {
            let mut row = Row::from(r);
            if matches!(r.event, Event::RunStarted { .. }) && shown.cut_off.contains(&r.run_id) {
                row.outcome.push_str(" (cut off: the run did not finish)");
            }
            row
        }));
        table.with(Style::sharp());
        out.stdout(&format!("{table}\n"));
    }
    Ok(exit::OK)
}

/// Parses `--since`: a date, a timestamp, or a duration back from now.
fn since(text: &str) -> Result<SystemTime, String> {
    let text = text.trim();
    let is_date = text.len() == 10 && text.as_bytes()[4] == b'-' && text.as_bytes()[7] == b'-';
    if is_date {
        return humantime::parse_rfc3339(&format!("{text}T00:00:00Z"))
            .map_err(|e| format!("`{text}` is not a date: {e}"));
    }
    if let Ok(time) = humantime::parse_rfc3339_weak(text) {
        return Ok(time);
    }
    let duration = humantime::parse_duration(text).map_err(|_| {
        format!("`{text}` is neither a time (2026-11-23, 2026-11-23T09:00:00Z) nor a duration (2h, 3days)")
    })?;
    SystemTime::now()
        .checked_sub(duration)
        .ok_or_else(|| format!("`{text}` reaches back before 1970"))
}

/// One line of `audit show`.
#[derive(Tabled)]
struct Row {
    time: String,
    run: String,
    event: &'static str,
    address: String,
    action: String,
    outcome: String,
    status: String,
    latency: String,
}

impl From<&Record> for Row {
    fn from(record: &Record) -> Row {
        let mut row = Row {
            time: record.time.clone(),
            // A uuid's first group tells runs apart in a table; --json has the rest.
            run: record.run_id.chars().take(8).collect(),
            event: record.event.name(),
            address: String::new(),
            action: String::new(),
            outcome: String::new(),
            status: String::new(),
            latency: String::new(),
        };
        match &record.event {
            Event::RunStarted { command, actor, .. } => {
                row.action = command.clone();
                row.outcome = format!("by {}", actor.user);
            }
            Event::RunFinished {
                command,
                outcome,
                totals,
            } => {
                row.action = command.clone();
                row.outcome = format!(
                    "{outcome}: {} changed, {} failed, {} skipped",
                    totals.changed, totals.failed, totals.skipped
                );
            }
            Event::Change {
                address,
                action,
                http_status,
                latency_ms,
                outcome,
                recovered_from,
                ..
            } => {
                row.address = address.clone();
                row.action = action.clone();
                row.outcome = outcome.clone();
                row.status = http_status.map(|s| s.to_string()).unwrap_or_default();
                row.latency = format!("{latency_ms} ms");
                if let Some(run) = recovered_from {
                    row.outcome = format!(
                        "{outcome} (recovered from run {})",
                        run.chars().take(8).collect::<String>()
                    );
                }
            }
            Event::StateEdit { command, addresses } => {
                row.address = addresses.join(", ");
                row.action = command.clone();
            }
            Event::Sealed { torn_bytes, .. } => {
                row.outcome = format!("sealed a torn line ({torn_bytes} bytes)");
            }
            Event::Hook {
                address,
                hook,
                outcome,
                ..
            } => {
                row.address = address.clone();
                row.action = format!("hook {hook}");
                row.outcome = outcome.clone();
            }
        }
        row
    }
}
