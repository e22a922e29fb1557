//! `cargo bench --bench apply`: `assistform apply` of new prompts against the emulator.
//!
//! 1. 1,000 prompts at 20 ms latency, rate limit out of the way: default parallelism
//!    against `--parallelism 1` (target: at least 8× faster, no GET per prompt).
//! 2. 400 prompts under `--rate-limit 100 --rate-window 5`: within 1.25× the least time
//!    that limit allows, with at most 5 answers of 429.

use std::process::Command;
use std::time::{Duration, Instant};

use assistform::emulator::{Emulator, EmulatorOptions};
use serde_json::Value;

fn main() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        println!("apply: new prompts against the emulator");
        let fast = run(1_000, 20, 1_000_000, 60, None).await;
        let serial = run(1_000, 20, 1_000_000, 60, Some(1)).await;
        println!(
            "  1000 prompts, latency 20 ms: default parallelism (10) is {:.1}x faster than --parallelism 1 (target: at least 8x)",
            serial.as_secs_f64() / fast.as_secs_f64()
        );
        let limited = run(400, 0, 100, 5, None).await;
        // 400 PUTs and one list page: 401 requests at 100 per 5 s window. The first
        // window opens with the first request, so the last one can go at the start of
        // the fifth window: 4 × 5 s = 20 s at the least.
        let least = Duration::from_secs(20);
        println!(
            "  400 prompts at 100 requests / 5 s: {:.2}x the least time the limit allows ({} s) (target: at most 1.25x)",
            limited.as_secs_f64() / least.as_secs_f64(),
            least.as_secs()
        );
    });
}

/// Applies `n` new prompts; prints and returns the wall time.
async fn run(
    n: usize,
    latency_ms: u64,
    rate_limit: u32,
    rate_window_secs: u64,
    parallelism: Option<usize>,
) -> Duration {
    let emulator = Emulator::start(EmulatorOptions {
        client_id: "bench".into(),
        client_secret: "bench-secret".into(),
        latency_ms,
        rate_limit,
        rate_window_secs,
        ..EmulatorOptions::default()
    })
    .await
    .expect("emulator");
    let dir = tempfile::tempdir().expect("temp dir");
    let config: String = (0..n).map(block).collect();
    std::fs::write(dir.path().join("main.hcl"), config).expect("config");
    let mut args = vec![
        "apply".to_owned(),
        ".".into(),
        "--auto-approve".into(),
        "--no-color".into(),
        "--api-url".into(),
        emulator.base_url(),
    ];
    if let Some(p) = parallelism {
        args.extend(["--parallelism".into(), p.to_string()]);
    }
    let path = dir.path().to_path_buf();
    let (elapsed, output) = tokio::task::spawn_blocking(move || {
        let start = Instant::now();
        let output = Command::new(env!("CARGO_BIN_EXE_assistform"))
            .args(&args)
            .current_dir(&path)
            .env("GENESYSCLOUD_OAUTHCLIENT_ID", "bench")
            .env("GENESYSCLOUD_OAUTHCLIENT_SECRET", "bench-secret")
            .output()
            .expect("run apply");
        (start.elapsed(), output)
    })
    .await
    .expect("apply ran");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "apply failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assistform::remote::install_crypto_provider();
    let stats: Value = reqwest::Client::new()
        .get(format!("{}/__emulator/stats", emulator.base_url()))
        .send()
        .await
        .expect("stats")
        .json()
        .await
        .expect("stats json");
    let count = |k: &str, v: &str| stats[k][v].as_u64().unwrap_or(0);
    let latency = stdout
        .lines()
        .find(|l| l.starts_with("Write latency"))
        .unwrap_or("");
    println!(
        "  {n} prompts, latency {latency_ms} ms, limit {rate_limit}/{rate_window_secs} s, parallelism {}: wall {:.2} s; requests GET {}, PUT {}, POST (token) {}; answers 429: {}\n    {latency}",
        parallelism.map_or_else(|| "default".to_owned(), |p| p.to_string()),
        elapsed.as_secs_f64(),
        count("requests", "GET"),
        count("requests", "PUT"),
        count("requests", "POST"),
        count("status", "429"),
    );
    elapsed
}

fn block(i: usize) -> String {
    format!(
        "prompt \"p{i}\" {{\n  id                = \"bench-{i:05}\"\n  name              = \"Prompt {i}\"\n  interaction_types = [\"conversation\", \"chat\"]\n  trigger {{\n    type = \"conversation\"\n    condition {{\n      field    = \"accountStatus\"\n      operator = \"equals\"\n      value    = \"s{i}\"\n    }}\n  }}\n  display {{\n    type    = \"popup\"\n    content = \"Customer {{{{customerName}}}}: step {i}.\"\n  }}\n}}\n"
    )
}
