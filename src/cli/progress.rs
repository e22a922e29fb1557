//! What apply prints while it runs: a line per event (or a JSON object per event with
//! `--json`), and the summary at the end.

use std::io::Write;

use serde_json::json;

use crate::apply::metrics::{Metrics, Verdict};
use crate::apply::{ChangeReport, Event, Report, Status};
use crate::audit::Event as AuditEvent;
use crate::plan::Action;

pub struct Progress {
    json: bool,
    color: bool,
    /// On a terminal: a bar under the event lines.
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    /// Progress over `total` changes.
    pub fn new(json: bool, color: bool, total: usize) -> Progress {
        use std::io::IsTerminal;
        let bar = (!json && std::io::stdout().is_terminal()).then(|| {
            let bar = indicatif::ProgressBar::new(total as u64);
            let style =
                indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} changes, {elapsed}")
                    .expect("a valid template");
            bar.set_style(style);
            bar
        });
        Progress { json, color, bar }
    }

    pub fn event(&mut self, event: &Event) {
        let line = if self.json {
            json_line(event)
        } else {
            self.text_line(event)
        };
        if let Some(bar) = &self.bar {
            bar.println(&line);
            if let Event::Finished(_) = event {
                bar.inc(1);
            }
            return;
        }
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{line}");
        let _ = out.flush();
    }

    /// Removes the bar, leaving the event lines.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    fn text_line(&self, event: &Event) -> String {
        let paint = |code: &str, s: &str| {
            if self.color {
                format!("\x1b[{code}m{s}\x1b[0m")
            } else {
                s.to_owned()
            }
        };
        match event {
            Event::Started { address, action } => {
                format!("{}: {}…", paint("1", &address.to_string()), doing(*action))
            }
            Event::Finished(r) => match &r.status {
                Status::Done => {
                    let version = r
                        .version
                        .map(|v| format!(", version {v}"))
                        .unwrap_or_default();
                    format!(
                        "{}: {} ({}{version}, {} ms)",
                        paint("1", &r.address.to_string()),
                        paint("32", done(r.action)),
                        r.http_status
                            .map_or_else(|| "read back".to_owned(), |s| s.to_string()),
                        r.latency.as_millis()
                    )
                }
                Status::Failed(why) => format!(
                    "{}: {} {why}",
                    paint("1", &r.address.to_string()),
                    paint("31", "failed:")
                ),
                Status::Skipped(why) => format!(
                    "{}: {} because {why}",
                    paint("1", &r.address.to_string()),
                    paint("33", "skipped")
                ),
                Status::Unknown(why) => format!(
                    "{}: {} {why}",
                    paint("1", &r.address.to_string()),
                    paint("33", "outcome unknown:")
                ),
            },
            Event::Undone {
                address,
                result: Ok(()),
            } => format!(
                "{}: {}",
                paint("1", &address.to_string()),
                paint("33", "undone")
            ),
            Event::Undone {
                address,
                result: Err(why),
            } => format!(
                "{}: {} {why}",
                paint("1", &address.to_string()),
                paint("31", "could not be undone:")
            ),
        }
    }
}

fn json_line(event: &Event) -> String {
    let value = match event {
        Event::Started { address, action } => {
            json!({"type": "change_start", "address": address, "action": action})
        }
        Event::Finished(r) => json!({
            "type": "change_complete",
            "address": r.address,
            "id": r.id,
            "action": r.action,
            "outcome": outcome(&r.status),
            "detail": r.status.detail(),
            "http_status": r.http_status,
            "attempts": r.attempts,
            "latency_ms": r.latency.as_millis() as u64,
            "version": r.version,
            "context_id": r.context_id,
        }),
        Event::Undone { address, result } => {
            json!({"type": "undo", "address": address, "ok": result.is_ok(), "detail": result.err()})
        }
    };
    crate::pii::mask_text(&value.to_string(), &[])
}

fn doing(action: Action) -> &'static str {
    match action {
        Action::Create => "creating",
        Action::Update => "updating",
        Action::Replace => "replacing",
        Action::Delete => "destroying",
        Action::NoOp => "checking",
    }
}

fn done(action: Action) -> &'static str {
    match action {
        Action::Create => "created",
        Action::Update => "updated",
        Action::Replace => "replaced",
        Action::Delete => "destroyed",
        Action::NoOp => "unchanged",
    }
}

pub fn outcome(status: &Status) -> &'static str {
    match status {
        Status::Done => "done",
        Status::Failed(_) => "failed",
        Status::Skipped(_) => "skipped",
        Status::Unknown(_) => "unknown",
    }
}

/// The audit record of one change.
pub fn audit_change(r: &ChangeReport) -> AuditEvent {
    AuditEvent::Change {
        address: r.address.to_string(),
        prompt_id: r.id.clone(),
        action: serde_json::to_value(r.action)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
        before_sha256: r.before_sha256.clone(),
        after_sha256: r.after_sha256.clone(),
        http_status: r.http_status,
        attempts: r.attempts,
        latency_ms: r.latency.as_millis() as u64,
        outcome: outcome(&r.status).into(),
        context_id: r.context_id.clone(),
        detail: r.status.detail().map(str::to_owned),
        recovered_from: None,
    }
}

/// The end of an apply: totals and latency, and what an atomic rollback did.
pub fn summary(report: &Report, metrics: &Metrics, json: bool, out: &mut super::Output) {
    if json {
        let value = json!({
            "type": "summary",
            "outcome": verdict(metrics.verdict),
            "resources": {"imported": metrics.resources.imported, "added": metrics.resources.added, "changed": metrics.resources.changed, "destroyed": metrics.resources.destroyed},
            "changed": metrics.done,
            "failed": metrics.failed,
            "skipped": metrics.skipped,
            "unknown": metrics.unknown,
            "latency_ms": {"p50": metrics.latency_p50.as_millis() as u64, "p95": metrics.latency_p95.as_millis() as u64, "max": metrics.latency_max.as_millis() as u64},
            "retries": metrics.retries,
            "throttled": metrics.throttled,
            "wall_ms": metrics.wall.as_millis() as u64,
            "rolled_back": report.rollback.as_ref().map(|r| json!({"undone": r.undone, "failed": r.failed.iter().map(|(a, _)| a).collect::<Vec<_>>()})),
        });
        out.stdout(&format!("{value}\n"));
        return;
    }
    out.stdout(&format!("\n{}\n", metrics.summary()));
    if let Some(rollback) = &report.rollback {
        if rollback.failed.is_empty() {
            out.stdout(&format!(
                "A change failed, so --atomic undid {} this run made: the org is back where it started.\n",
                match rollback.undone.len() {
                    1 => "the change".to_owned(),
                    n => format!("the {n} changes"),
                }
            ));
        } else {
            let names: Vec<String> = rollback
                .failed
                .iter()
                .map(|(a, why)| format!("{a} ({why})"))
                .collect();
            out.error(&format!(
                "--atomic could not undo every change; these prompts are NOT as they were before the run: {}",
                names.join(", ")
            ));
        }
    }
}

/// How a run ended, as the JSON summary and the audit record name it.
pub fn verdict(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Complete => "success",
        Verdict::Failed => "failed",
        Verdict::Unknown => "unknown",
        Verdict::RolledBack | Verdict::RollbackFailed => "rolled_back",
    }
}

/// A one-line progress indicator on a terminal while a long refresh runs.
pub struct Refresh {
    on: bool,
}

impl Refresh {
    pub fn new() -> Refresh {
        use std::io::IsTerminal;
        Refresh {
            on: std::io::stderr().is_terminal(),
        }
    }

    pub fn show(&self, done: usize, total: usize) {
        if self.on && total > 1 {
            eprint!("\rRefreshing prompts: page {done} of {total}…");
        }
    }

    pub fn clear(&self) {
        if self.on {
            eprint!("\r\x1b[2K");
        }
    }
}
