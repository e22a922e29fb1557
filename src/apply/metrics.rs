//! Deployment metrics: what an apply did and how long its writes took, measured from
//! the reports — never estimated.

use crate::kind::Address;
use crate::paint::plural;
use std::fmt::Write as _;
use std::time::Duration;

use super::{Report, Status};
use crate::plan::{Action, Plan};

/// What the changes that landed did to the org, counted as Terraform counts them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Resources {
    pub imported: usize,
    pub added: usize,
    pub changed: usize,
    pub destroyed: usize,
}

impl Resources {
    /// `[N imported, ]X added, Y changed, Z destroyed`: the plan line's order, so
    /// that a script reading one reads the other.
    pub fn line(&self) -> String {
        let imported = if self.imported > 0 {
            format!("{} imported, ", self.imported)
        } else {
            String::new()
        };
        format!(
            "{imported}{} added, {} changed, {} destroyed",
            self.added, self.changed, self.destroyed
        )
    }
}

/// How the run ended, for the first word of its summary.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Verdict {
    #[default]
    Complete,
    /// Something failed or was skipped.
    Failed,
    /// Nothing failed, but some writes may or may not have landed.
    Unknown,
    /// `--atomic` undid every change the run made.
    RolledBack,
    /// `--atomic` tried, and some changes could not be undone.
    RollbackFailed,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Metrics {
    pub verdict: Verdict,
    /// The net effect on the org: what landed and was not undone.
    pub resources: Resources,
    /// Changes that landed, undone or not.
    pub done: usize,
    pub failed: usize,
    pub skipped: usize,
    /// Sent, with an outcome nobody could tell: the next run settles them.
    pub unknown: usize,
    /// Undone by an `--atomic` rollback.
    pub undone: usize,
    /// Changes that sent at least one request (done, failed or unknown).
    pub attempted: usize,
    /// Over the changes that were attempted.
    pub latency_p50: Duration,
    pub latency_p95: Duration,
    pub latency_max: Duration,
    pub retries: u64,
    pub throttled: u64,
    pub wall: Duration,
}

impl Metrics {
    /// From `plan`, what applying it did (`report`), the client's retry and 429
    /// counts, and the run's wall time.
    pub fn new(
        plan: &Plan,
        report: &Report,
        retries: u64,
        throttled: u64,
        wall: Duration,
    ) -> Metrics {
        let mut latencies: Vec<Duration> = report
            .changes
            .iter()
            .filter(|c| !matches!(c.status, Status::Skipped(_)))
            .map(|c| c.latency)
            .collect();
        latencies.sort();
        let undone: &[Address] = report.rollback.as_ref().map_or(&[], |r| &r.undone);
        let importing = |address: &Address| {
            plan.changes
                .iter()
                .any(|c| c.address == *address && c.importing)
        };
        // An import with nothing to write lands as a state edit, before any write.
        let mut resources = Resources {
            imported: plan
                .changes
                .iter()
                .filter(|c| c.importing && c.action == Action::NoOp)
                .count(),
            ..Resources::default()
        };
        for c in &report.changes {
            if c.status != Status::Done || undone.contains(&c.address) {
                continue;
            }
            resources.imported += usize::from(importing(&c.address));
            match c.action {
                Action::Create => resources.added += 1,
                Action::Update => resources.changed += 1,
                Action::Replace => {
                    resources.added += 1;
                    resources.destroyed += 1;
                }
                Action::Delete => resources.destroyed += 1,
                Action::NoOp => {}
            }
        }
        let unknown = report.count(|s| matches!(s, Status::Unknown(_)));
        let verdict = match &report.rollback {
            Some(r) if r.failed.is_empty() => Verdict::RolledBack,
            Some(_) => Verdict::RollbackFailed,
            None if report.succeeded() => Verdict::Complete,
            None if report.count(|s| matches!(s, Status::Failed(_) | Status::Skipped(_))) > 0 => {
                Verdict::Failed
            }
            None => Verdict::Unknown,
        };
        Metrics {
            verdict,
            resources,
            done: report.count(|s| *s == Status::Done),
            failed: report.count(|s| matches!(s, Status::Failed(_))),
            skipped: report.count(|s| matches!(s, Status::Skipped(_))),
            unknown,
            undone: undone.len(),
            attempted: latencies.len(),
            latency_p50: percentile(&latencies, 50),
            latency_p95: percentile(&latencies, 95),
            latency_max: latencies.last().copied().unwrap_or_default(),
            retries,
            throttled,
            wall,
        }
    }

    /// The lines printed at the end of an apply: the verdict and the resources it
    /// left changed, what did not apply, and the latency of the writes, if any.
    pub fn summary(&self) -> String {
        let headline = match self.verdict {
            Verdict::Complete => "Apply complete!",
            Verdict::Failed => "Apply failed!",
            Verdict::Unknown => "Apply incomplete!",
            Verdict::RolledBack => "Apply failed and was rolled back!",
            Verdict::RollbackFailed => "Apply failed and could not be rolled back!",
        };
        let mut s = format!("{headline} Resources: {}.", self.resources.line());
        let mut missed = Vec::new();
        if self.failed > 0 {
            missed.push(format!("{} failed", self.failed));
        }
        if self.skipped > 0 {
            missed.push(format!("{} skipped", self.skipped));
        }
        if self.unknown > 0 {
            missed.push(format!(
                "{} with an unknown outcome (may have landed; the next plan or apply settles {})",
                self.unknown,
                if self.unknown == 1 { "it" } else { "them" }
            ));
        }
        if !missed.is_empty() {
            let _ = write!(s, " Not applied: {}.", missed.join(", "));
        }
        if self.undone > 0 {
            let _ = write!(s, " Undone: {}.", plural(self.undone, "change"));
        }
        if self.attempted > 0 {
            let _ = write!(
                s,
                "\nWrite latency: p50 {} ms, p95 {} ms, max {} ms; {}, {} throttled (429); {:.1} s in all.",
                self.latency_p50.as_millis(),
                self.latency_p95.as_millis(),
                self.latency_max.as_millis(),
                match self.retries {
                    1 => "1 retry".to_owned(),
                    n => format!("{n} retries"),
                },
                self.throttled,
                self.wall.as_secs_f64(),
            );
        }
        s
    }

    /// The Prometheus text exposition format, for node_exporter's textfile collector.
    pub fn prometheus(&self) -> String {
        let mut s = String::new();
        let mut metric = |name: &str, kind: &str, help: &str, samples: &[(&str, f64)]| {
            let _ = writeln!(s, "# HELP assistform_{name} {help}");
            let _ = writeln!(s, "# TYPE assistform_{name} {kind}");
            for (labels, value) in samples {
                let _ = writeln!(s, "assistform_{name}{labels} {value}");
            }
        };
        metric(
            "apply_changes",
            "gauge",
            "Changes in the last apply, by outcome.",
            &[
                ("{outcome=\"changed\"}", self.done as f64),
                ("{outcome=\"failed\"}", self.failed as f64),
                ("{outcome=\"skipped\"}", self.skipped as f64),
                ("{outcome=\"unknown\"}", self.unknown as f64),
            ],
        );
        metric(
            "apply_write_latency_seconds",
            "gauge",
            "Latency of the last apply's writes.",
            &[
                ("{quantile=\"0.5\"}", self.latency_p50.as_secs_f64()),
                ("{quantile=\"0.95\"}", self.latency_p95.as_secs_f64()),
                ("{quantile=\"1\"}", self.latency_max.as_secs_f64()),
            ],
        );
        metric(
            "apply_retries",
            "gauge",
            "Requests retried in the last apply.",
            &[("", self.retries as f64)],
        );
        metric(
            "apply_throttled",
            "gauge",
            "Answers of 429 in the last apply.",
            &[("", self.throttled as f64)],
        );
        metric(
            "apply_duration_seconds",
            "gauge",
            "Wall time of the last apply.",
            &[("", self.wall.as_secs_f64())],
        );
        s
    }
}

/// The nearest-rank percentile of sorted `values`.
fn percentile(sorted: &[Duration], p: usize) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted[rank - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let ms: Vec<Duration> = (1..=20).map(Duration::from_millis).collect();
        assert_eq!(percentile(&ms, 50), Duration::from_millis(10));
        assert_eq!(percentile(&ms, 95), Duration::from_millis(19));
        assert_eq!(percentile(&ms[..1], 95), Duration::from_millis(1));
        assert_eq!(percentile(&[], 50), Duration::ZERO);
    }

    #[test]
    fn the_summary_names_the_verdict_and_leaves_out_latency_when_nothing_was_sent() {
        let nothing_sent = Metrics {
            resources: Resources {
                imported: 1,
                ..Resources::default()
            },
            ..Metrics::default()
        };
        assert_eq!(
            nothing_sent.summary(),
            "Apply complete! Resources: 1 imported, 0 added, 0 changed, 0 destroyed."
        );
        let unknown = Metrics {
            verdict: Verdict::Unknown,
            unknown: 1,
            attempted: 1,
            retries: 1,
            wall: Duration::from_millis(1250),
            ..Metrics::default()
        };
        assert_eq!(
            unknown.summary(),
            "Apply incomplete! Resources: 0 added, 0 changed, 0 destroyed. Not applied: 1 with an unknown outcome (may have landed; the next plan or apply settles it).\nWrite latency: p50 0 ms, p95 0 ms, max 0 ms; 1 retry, 0 throttled (429); 1.2 s in all."
        );
    }

    #[test]
    fn prometheus_text_is_well_formed() {
        let m = Metrics {
            done: 3,
            latency_p50: Duration::from_millis(20),
            ..Metrics::default()
        };
        let text = m.prometheus();
        assert!(text.contains("# TYPE assistform_apply_changes gauge\n"));
        assert!(text.contains("assistform_apply_changes{outcome=\"changed\"} 3\n"));
        assert!(text.contains("assistform_apply_write_latency_seconds{quantile=\"0.5\"} 0.02\n"));
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let (name, value) = line.rsplit_once(' ').unwrap();
            assert!(name.starts_with("assistform_"), "{line}");
            value.parse::<f64>().unwrap();
        }
    }
}
