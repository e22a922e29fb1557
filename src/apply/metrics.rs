//! Deployment metrics: what an apply did and how long its writes took, measured from
//! the reports — never estimated.

use std::fmt::Write as _;
use std::time::Duration;

use super::{Report, Status};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Metrics {
    pub changed: usize,
    pub failed: usize,
    pub skipped: usize,
    /// Sent, with an outcome nobody could tell: the next run settles them.
    pub unknown: usize,
    /// Over the changes that were attempted (done or failed).
    pub latency_p50: Duration,
    pub latency_p95: Duration,
    pub latency_max: Duration,
    pub retries: u64,
    pub throttled: u64,
    pub wall: Duration,
}

impl Metrics {
    /// From `report`, the client's retry and 429 counts, and the run's wall time.
    pub fn new(report: &Report, retries: u64, throttled: u64, wall: Duration) -> Metrics {
        let mut latencies: Vec<Duration> = report
            .changes
            .iter()
            .filter(|c| !matches!(c.status, Status::Skipped(_)))
            .map(|c| c.latency)
            .collect();
        latencies.sort();
        Metrics {
            changed: report.count(|s| *s == Status::Done),
            failed: report.count(|s| matches!(s, Status::Failed(_))),
            skipped: report.count(|s| matches!(s, Status::Skipped(_))),
            unknown: report.count(|s| matches!(s, Status::Unknown(_))),
            latency_p50: percentile(&latencies, 50),
            latency_p95: percentile(&latencies, 95),
            latency_max: latencies.last().copied().unwrap_or_default(),
            retries,
            throttled,
            wall,
        }
    }

    /// The lines printed at the end of an apply.
    pub fn summary(&self) -> String {
        let unknown = if self.unknown > 0 {
            format!(
                ", {} unknown (may have landed; the next plan or apply settles them)",
                self.unknown
            )
        } else {
            String::new()
        };
        format!(
            "Apply complete: {} changed, {} failed, {} skipped{unknown} in {:.1} s.\nWrite latency: p50 {} ms, p95 {} ms, max {} ms; {} retries, {} throttled (429).",
            self.changed,
            self.failed,
            self.skipped,
            self.wall.as_secs_f64(),
            self.latency_p50.as_millis(),
            self.latency_p95.as_millis(),
            self.latency_max.as_millis(),
            self.retries,
            self.throttled
        )
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
                ("{outcome=\"changed\"}", self.changed as f64),
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
    fn prometheus_text_is_well_formed() {
        let m = Metrics {
            changed: 3,
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
