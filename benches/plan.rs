//! `cargo bench --bench plan`: `assistform plan` over 5,000 prompts that are live and
//! in state, the emulator answering every request after 20 ms. Issue target: at most
//! 11 `/api/v2` requests plus the token, and under 1.5 s wall time.

use std::process::Command;
use std::time::Instant;

use assistform::emulator::{Emulator, EmulatorOptions};
use assistform::kinds::prompt::model::PromptSpec;
use serde_json::{Value, json};

const PROMPTS: usize = 5_000;
const RUNS: usize = 3;

fn main() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let emulator = Emulator::start(EmulatorOptions {
            client_id: "bench".into(),
            client_secret: "bench-secret".into(),
            latency_ms: 20,
            rate_limit: 1_000_000,
            ..EmulatorOptions::default()
        })
        .await
        .expect("emulator");
        let base = emulator.base_url();
        assistform::remote::install_crypto_provider();
        let http = reqwest::Client::new();
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = String::new();
        let mut live = Vec::new();
        let mut resources = serde_json::Map::new();
        for i in 0..PROMPTS {
            let spec = spec(i);
            config.push_str(&block(i));
            let mut prompt = serde_json::to_value(&spec).expect("spec");
            prompt["version"] = json!(1);
            live.push(prompt);
            resources.insert(
                format!("prompt.p{i}"),
                json!({"id": spec.id, "version": 1, "attributes": spec.to_values()}),
            );
        }
        std::fs::write(dir.path().join("main.hcl"), config).expect("config");
        std::fs::create_dir_all(dir.path().join("state")).expect("state dir");
        let state = json!({"format_version": 1, "serial": 1, "lineage": "bench", "resources": resources});
        std::fs::write(dir.path().join("state/assistform.state.json"), state.to_string()).expect("state");
        http.post(format!("{base}/__emulator/prompts")).json(&live).send().await.expect("seed");

        println!("plan: {PROMPTS} prompts live and in state, emulator latency 20 ms");
        for run in 1..=RUNS {
            http.post(format!("{base}/__emulator/reset")).send().await.expect("reset");
            let seeded = http.post(format!("{base}/__emulator/prompts")).json(&live).send().await.expect("seed");
            assert!(seeded.status().is_success(), "seeding failed: {}", seeded.status());
            let stats_before: Value = http.get(format!("{base}/__emulator/stats")).send().await.expect("stats").json().await.expect("json");
            let binary = env!("CARGO_BIN_EXE_assistform");
            let dir_path = dir.path().to_path_buf();
            let base_url = base.clone();
            let (elapsed, output) = tokio::task::spawn_blocking(move || {
                let start = Instant::now();
                let output = Command::new(binary)
                    .args(["plan", ".", "--no-color", "--api-url", &base_url])
                    .current_dir(&dir_path)
                    .env("GENESYSCLOUD_OAUTHCLIENT_ID", "bench")
                    .env("GENESYSCLOUD_OAUTHCLIENT_SECRET", "bench-secret")
                    .output()
                    .expect("run plan");
                (start.elapsed(), output)
            })
            .await
            .expect("plan ran");
            assert!(output.status.success(), "plan failed: {}", String::from_utf8_lossy(&output.stderr));
            let stdout = String::from_utf8_lossy(&output.stdout);
            assert!(stdout.contains("No changes."), "expected no changes:\n{stdout}");
            let stats: Value = http.get(format!("{base}/__emulator/stats")).send().await.expect("stats").json().await.expect("json");
            let count = |s: &Value, m: &str| s["requests"][m].as_u64().unwrap_or(0);
            println!(
                "  run {run}: wall {:.3} s; requests during plan: GET {}, POST (token) {}, PUT {}, DELETE {}",
                elapsed.as_secs_f64(),
                count(&stats, "GET") - count(&stats_before, "GET"),
                count(&stats, "POST") - count(&stats_before, "POST"),
                count(&stats, "PUT") - count(&stats_before, "PUT"),
                count(&stats, "DELETE") - count(&stats_before, "DELETE"),
            );
        }
        println!("  target: at most 11 /api/v2 requests plus the token; wall < 1.5 s");
    });
}

fn spec(i: usize) -> PromptSpec {
    serde_json::from_value(json!({
        "id": format!("bench-{i:05}"),
        "name": format!("Prompt {i}"),
        "description": "",
        "status": "active",
        "interactionTypes": ["conversation", "chat"],
        "trigger": {"type": "conversation", "conditions": [{"field": "accountStatus", "operator": "equals", "value": format!("s{i}")}]},
        "display": {"type": "popup", "content": format!("Customer {{{{customerName}}}}: step {i}."), "timeoutMs": 30000},
    }))
    .expect("spec")
}

fn block(i: usize) -> String {
    format!(
        "prompt \"p{i}\" {{\n  id                = \"bench-{i:05}\"\n  name              = \"Prompt {i}\"\n  interaction_types = [\"conversation\", \"chat\"]\n  trigger {{\n    type = \"conversation\"\n    condition {{\n      field    = \"accountStatus\"\n      operator = \"equals\"\n      value    = \"s{i}\"\n    }}\n  }}\n  display {{\n    type    = \"popup\"\n    content = \"Customer {{{{customerName}}}}: step {i}.\"\n  }}\n}}\n"
    )
}
