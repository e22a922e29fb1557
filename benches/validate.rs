//! `cargo bench --bench validate`: times `assistform validate` on 10,000 prompts in
//! 100 files (issue target: under 1 s wall and under 200 MB peak memory).

use std::process::Command;
use std::time::{Duration, Instant};

const FILES: usize = 100;
const PER_FILE: usize = 100;
const RUNS: usize = 5;

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    for f in 0..FILES {
        let mut text = String::new();
        for i in 0..PER_FILE {
            text.push_str(&prompt(f * PER_FILE + i));
        }
        std::fs::write(dir.path().join(format!("prompts_{f:03}.hcl")), text).expect("write");
    }
    let binary = env!("CARGO_BIN_EXE_assistform");
    let mut times = Vec::new();
    for _ in 0..RUNS {
        let start = Instant::now();
        let out = Command::new(binary)
            .args(["validate", "--no-color"])
            .arg(dir.path())
            .output()
            .expect("run assistform");
        times.push(start.elapsed());
        assert!(
            out.status.success(),
            "validate failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    times.sort();
    let peak_kib = children_peak_rss_kib();
    println!("validate: {} prompts in {FILES} files", FILES * PER_FILE);
    println!(
        "  wall time: best {} / median {} / worst {} over {RUNS} runs",
        secs(times[0]),
        secs(times[RUNS / 2]),
        secs(times[RUNS - 1])
    );
    println!(
        "  peak memory (max RSS): {:.1} MiB",
        peak_kib as f64 / 1024.0
    );
    println!("  target: wall < 1 s, peak < 200 MB");
}

fn secs(d: Duration) -> String {
    format!("{:.3} s", d.as_secs_f64())
}

/// The largest resident set of any child this process has waited for.
#[allow(unsafe_code)]
fn children_peak_rss_kib() -> i64 {
    // SAFETY: getrusage only writes into the zeroed struct we pass it.
    unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage);
        usage.ru_maxrss
    }
}

fn prompt(n: usize) -> String {
    format!(
        r#"prompt "prompt_{n}" {{
  id                = "bench-prompt-{n:05}"
  name              = "Benchmark prompt {n}"
  description       = "Generated for the validate benchmark"
  status            = "active"
  interaction_types = ["conversation", "chat"]

  trigger {{
    type = "conversation"
    condition {{
      field    = "accountStatus"
      operator = "equals"
      value    = "status_{n}"
    }}
  }}

  display {{
    type       = "popup"
    content    = "Customer {{{{customerName}}}} on account {{{{accountId}}}}: follow procedure {n}, order ORD-2024-{n:06}, v1.2.{n}."
    timeout_ms = 45000
  }}
}}
"#
    )
}
