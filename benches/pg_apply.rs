//! `cargo bench --bench pg_apply`: the pg backend against the local one, in one run.
//!
//! Apply 1,000 new prompts at 20 ms emulator latency with each backend, print both
//! walls and the ratio (target: pg within 1.2× of local); then plan over the
//! result with each, and print what the backend adds (target: under 50 ms).
//! Needs PostgreSQL's server binaries (`/usr/lib/postgresql/*/bin`), run as in the
//! tests: a throwaway cluster owned by `nobody`.

#[path = "../tests/it/pg/cluster.rs"]
#[allow(dead_code)]
mod cluster;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use assistform::emulator::{Emulator, EmulatorOptions};

const PROMPTS: usize = 1_000;

fn main() {
    let Some(cluster) = cluster::shared() else {
        return;
    };
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        println!("pg_apply: {PROMPTS} new prompts at 20 ms latency, pg backend against local");
        let db = cluster.database();
        let conn_str = cluster.conn_str(&db);
        let pg = measure(Some(&conn_str)).await;
        let local = measure(None).await;
        println!(
            "  apply: pg {:.2} s, local {:.2} s: pg is {:.2}x local (target: at most 1.2x)",
            pg.apply.as_secs_f64(),
            local.apply.as_secs_f64(),
            pg.apply.as_secs_f64() / local.apply.as_secs_f64()
        );
        let added = pg.plan.as_secs_f64() - local.plan.as_secs_f64();
        println!(
            "  plan over {PROMPTS} managed prompts: pg {:.3} s, local {:.3} s: the pg backend adds {:.0} ms (target: under 50 ms)",
            pg.plan.as_secs_f64(),
            local.plan.as_secs_f64(),
            added * 1000.0
        );
    });
}

struct Walls {
    apply: Duration,
    plan: Duration,
}

/// Applies the prompts to a fresh emulator, then plans again; with `conn_str`,
/// through the pg backend.
async fn measure(conn_str: Option<&str>) -> Walls {
    let emulator = Emulator::start(EmulatorOptions {
        client_id: "bench".into(),
        client_secret: "bench-secret".into(),
        latency_ms: 20,
        rate_limit: 1_000_000,
        rate_window_secs: 60,
        ..EmulatorOptions::default()
    })
    .await
    .expect("emulator");
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = match conn_str {
        Some(_) => "backend \"pg\" {\n  schema_name = \"bench\"\n}\n".to_owned(),
        None => String::new(),
    };
    config.extend((0..PROMPTS).map(block));
    std::fs::write(dir.path().join("main.hcl"), config).expect("config");
    let base = emulator.base_url();
    let conn = conn_str.map(str::to_owned);
    let path = dir.path().to_path_buf();
    tokio::task::spawn_blocking(move || {
        let apply = run(
            &path,
            &["apply", ".", "--auto-approve"],
            &base,
            conn.as_deref(),
        );
        let plan = run(&path, &["plan"], &base, conn.as_deref());
        Walls { apply, plan }
    })
    .await
    .expect("runs")
}

fn run(dir: &Path, args: &[&str], base: &str, conn_str: Option<&str>) -> Duration {
    let mut command = Command::new(env!("CARGO_BIN_EXE_assistform"));
    command
        .args(args)
        .args(["--no-color", "--api-url", base])
        .current_dir(dir)
        .env("GENESYSCLOUD_OAUTHCLIENT_ID", "bench")
        .env("GENESYSCLOUD_OAUTHCLIENT_SECRET", "bench-secret");
    if let Some(conn_str) = conn_str {
        command.env("PG_CONN_STR", conn_str);
    }
    let start = Instant::now();
    let output = command.output().expect("run assistform");
    let elapsed = start.elapsed();
    assert!(
        output.status.success(),
        "{args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    elapsed
}

fn block(i: usize) -> String {
    format!(
        "prompt \"p{i}\" {{\n  id                = \"bench-{i:05}\"\n  name              = \"Prompt {i}\"\n  interaction_types = [\"conversation\", \"chat\"]\n  trigger {{\n    type = \"conversation\"\n    condition {{\n      field    = \"accountStatus\"\n      operator = \"equals\"\n      value    = \"s{i}\"\n    }}\n  }}\n  display {{\n    type    = \"popup\"\n    content = \"Customer {{{{customerName}}}}: step {i}.\"\n  }}\n}}\n"
    )
}
