//! What the CLI prints while a workflow runs — warnings, the refresh, the plan to
//! approve, a line per change (or a JSON object per change with `--json`) — and
//! the summary at the end of an apply.

use std::io::{BufRead, IsTerminal, Write};
use std::sync::Mutex;

use serde_json::json;

use super::output::Output;
use super::plan::{Format, print};
use super::validate::render_all;
use crate::apply::metrics::Metrics;
use crate::apply::{Event, Report, Status};
use crate::ops::{self, Notice, Observer};
use crate::paint::paint;
use crate::paint::plural;
use crate::plan::Action;

/// The CLI's [`Observer`]: prints what a workflow tells, as it tells it.
pub struct Console<'o> {
    out: &'o Output,
    /// `apply --json`: a JSON object per change.
    json: bool,
    /// Print the plan an apply is about to carry out.
    show_plan: bool,
    progress: Mutex<Option<Progress>>,
    refresh: Refresh,
}

impl Console<'_> {
    pub fn new(out: &Output) -> Console<'_> {
        Console {
            out,
            json: false,
            show_plan: false,
            progress: Mutex::new(None),
            refresh: Refresh::new(),
        }
    }

    /// For apply: changes as JSON objects with `json`, and the plan shown first
    /// with `show_plan`.
    pub fn apply(self, json: bool, show_plan: bool) -> Self {
        Console {
            json,
            show_plan,
            ..self
        }
    }

    fn progress(&self) -> std::sync::MutexGuard<'_, Option<Progress>> {
        self.progress.lock().expect("progress lock")
    }
}

impl Observer for Console<'_> {
    fn notice(&self, notice: Notice<'_>) {
        let out = self.out;
        match notice {
            Notice::Unfinished(previous) => out.warning(&format!(
                "the previous run {previous} did not finish; its journal is recovered first"
            )),
            Notice::Diagnostics {
                config,
                diagnostics,
            } => render_all(diagnostics, config, out),
            Notice::Refreshing { done, total } => self.refresh.show(done, total),
            Notice::Refreshed => self.refresh.clear(),
            Notice::Recovered(recovered) => out.warning(&format!(
                "recovered {} of an unfinished run ({} in flight, {} of them had landed){}",
                plural(recovered.journaled, "journaled change"),
                recovered.in_flight,
                recovered.settled,
                match recovered.audited {
                    0 => String::new(),
                    n => format!("; {} recorded in the audit record", plural(n, "change")),
                }
            )),
            Notice::Planned(plan) => {
                if self.show_plan {
                    print(plan, Format::Text, out);
                }
            }
            Notice::Applying { total } => {
                *self.progress() = Some(Progress::new(self.json, out.color, total));
            }
            Notice::Change(event) => {
                if let Some(progress) = self.progress().as_mut() {
                    progress.event(event);
                }
            }
            Notice::Applied => {
                if let Some(progress) = self.progress().as_ref() {
                    progress.finish();
                }
            }
            Notice::HooksFailed(n) => out.warning(&format!(
                "{} failed (the changes themselves landed); see `assistform audit show`",
                plural(n, "sync hook run")
            )),
        }
    }

    /// Asks for `yes` on a terminal; refuses without one.
    fn approve(&self) -> Result<bool, Box<dyn std::error::Error + Send + Sync>> {
        if !std::io::stdin().is_terminal() {
            return Err("apply needs approval and there is no terminal to ask on: pass `--auto-approve` (in CI, after the plan was reviewed), or apply a saved plan with `assistform apply PLANFILE`".into());
        }
        self.out.stdout("\nDo you want to perform these actions?\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: ");
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer)?;
        Ok(answer.trim() == "yes")
    }
}

pub struct Progress {
    json: bool,
    color: bool,
    /// On a terminal: a bar under the event lines.
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    /// Progress over `total` changes.
    pub fn new(json: bool, color: bool, total: usize) -> Progress {
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
        let paint = |code: &str, s: &str| paint(self.color, code, s);
        match event {
            Event::Started { address, action } => {
                format!("{}: {}…", paint("1", address.as_str()), doing(*action))
            }
            Event::Finished(r) => match &r.status {
                Status::Done => {
                    let version = r
                        .version
                        .filter(|v| *v > 0) // a kind without versions reports 0
                        .map(|v| format!(", version {v}"))
                        .unwrap_or_default();
                    format!(
                        "{}: {} ({}{version}, {} ms)",
                        paint("1", r.address.as_str()),
                        paint("32", done(r.action)),
                        r.http_status
                            .map_or_else(|| "read back".to_owned(), |s| s.to_string()),
                        r.latency.as_millis()
                    )
                }
                Status::Failed(why) => format!(
                    "{}: {} {why}",
                    paint("1", r.address.as_str()),
                    paint("31", "failed:")
                ),
                Status::Skipped(why) => format!(
                    "{}: {} because {why}",
                    paint("1", r.address.as_str()),
                    paint("33", "skipped")
                ),
                Status::Unknown(why) => format!(
                    "{}: {} {why}",
                    paint("1", r.address.as_str()),
                    paint("33", "outcome unknown:")
                ),
            },
            Event::Undone {
                address,
                result: Ok(()),
            } => format!(
                "{}: {}",
                paint("1", address.as_str()),
                paint("33", "undone")
            ),
            Event::Undone {
                address,
                result: Err(why),
            } => format!(
                "{}: {} {why}",
                paint("1", address.as_str()),
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
            "outcome": r.status.outcome(),
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

/// The end of an apply: totals and latency, and what an atomic rollback did.
pub fn summary(report: &Report, metrics: &Metrics, json: bool, out: &Output) {
    if json {
        let value = json!({
            "type": "summary",
            "outcome": ops::run_outcome(metrics.verdict),
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

/// A one-line progress indicator on a terminal while a long refresh runs.
pub struct Refresh {
    on: bool,
}

impl Refresh {
    pub fn new() -> Refresh {
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
