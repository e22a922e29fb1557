//! `cargo bench --bench canned_plan`: `assistform plan` over 50 response libraries
//! and 5,000 canned responses (100 per library) that are live and in state, the
//! emulator answering every request after 20 ms. Issue target: about one library
//! page, ⌈5,000/500⌉ = 10 query pages and the token (at most 15 requests in all),
//! and under 1.5 s wall time.

use std::collections::BTreeMap;
use std::process::Command;
use std::time::Instant;

use assistform::emulator::{Emulator, EmulatorOptions};
use assistform::kinds::canned_response::model::to_values;
use serde_json::{Value, json};

const LIBRARIES: usize = 50;
const PER_LIBRARY: usize = 100;
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

        // The org: every library and response in one seed, with server ids.
        let mut seed_libraries = Vec::new();
        let mut seed_responses = Vec::new();
        let mut config = String::new();
        for l in 0..LIBRARIES {
            seed_libraries.push(json!({"name": library_name(l)}));
            config.push_str(&library_block(l));
            for r in 0..PER_LIBRARY {
                seed_responses.push(json!({
                    "name": response_name(r),
                    "libraryNames": [library_name(l)],
                    "texts": [{"content": content(l, r)}],
                }));
                config.push_str(&response_block(l, r));
            }
        }
        let seeded = http
            .post(format!("{base}/__emulator/responsemanagement"))
            .json(&json!({"libraries": seed_libraries, "responses": seed_responses}))
            .send()
            .await
            .expect("seed");
        assert!(seeded.status().is_success(), "seeding failed: {}", seeded.status());
        let seeded: Value = seeded.json().await.expect("seed answer");
        let libraries = seeded["libraries"].as_array().expect("seeded libraries");
        let responses = seeded["responses"].as_array().expect("seeded responses");
        assert_eq!(libraries.len(), LIBRARIES, "seeded libraries");
        assert_eq!(responses.len(), LIBRARIES * PER_LIBRARY, "seeded responses");

        // The state an earlier apply would have left.
        let mut resources = serde_json::Map::new();
        for (l, library) in libraries.iter().enumerate() {
            resources.insert(
                format!("response_library.l{l}"),
                json!({
                    "id": library["id"],
                    "version": library["version"],
                    "attributes": {"name": library["name"]},
                }),
            );
        }
        for (i, response) in responses.iter().enumerate() {
            let (l, r) = (i / PER_LIBRARY, i % PER_LIBRARY);
            resources.insert(
                format!("canned_response.r{l}_{r}"),
                json!({
                    "id": response["id"],
                    "version": response["version"],
                    "attributes": to_values(response),
                    "depends_on": [format!("response_library.l{l}")],
                }),
            );
        }
        std::fs::write(dir.path().join("main.hcl"), config).expect("config");
        std::fs::create_dir_all(dir.path().join("state")).expect("state dir");
        let state = json!({"format_version": 1, "serial": 1, "lineage": "bench", "resources": resources});
        std::fs::write(dir.path().join("state/assistform.state.json"), state.to_string()).expect("state");

        println!(
            "canned_plan: {LIBRARIES} response libraries and {} canned responses live and in state, emulator latency 20 ms",
            LIBRARIES * PER_LIBRARY
        );
        for run in 1..=RUNS {
            let before = endpoints(&http, &base).await;
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
            let stdout = String::from_utf8_lossy(&output.stdout);
            assert!(
                output.status.success(),
                "plan failed:\n{stdout}\n{}",
                String::from_utf8_lossy(&output.stderr)
            );
            assert!(stdout.contains("No changes."), "expected no changes:\n{stdout}");
            let after = endpoints(&http, &base).await;
            let mut made: Vec<(String, u64)> = after
                .iter()
                .map(|(endpoint, n)| (endpoint.clone(), n - before.get(endpoint).copied().unwrap_or(0)))
                .filter(|(_, n)| *n > 0)
                .collect();
            // The token first, then the API in the order of its routes.
            made.sort_by_key(|(endpoint, _)| (!endpoint.ends_with(" /oauth/token"), endpoint.clone()));
            let total: u64 = made.iter().map(|(_, n)| n).sum();
            let by_endpoint: Vec<String> = made.iter().map(|(endpoint, n)| format!("{endpoint} {n}")).collect();
            println!(
                "  run {run}: wall {:.3} s; {total} requests: {}",
                elapsed.as_secs_f64(),
                by_endpoint.join(", ")
            );
        }
        println!(
            "  target: ≈ 1 library page + ⌈5,000/500⌉ = 10 query pages + the token (≤ 15 requests in all); wall < 1.5 s"
        );
    });
}

/// The emulator's request counts by endpoint (`"METHOD /route/template"`).
async fn endpoints(http: &reqwest::Client, base: &str) -> BTreeMap<String, u64> {
    let stats: Value = http
        .get(format!("{base}/__emulator/stats"))
        .send()
        .await
        .expect("stats")
        .json()
        .await
        .expect("stats json");
    serde_json::from_value(stats["endpoints"].clone()).expect("endpoints")
}

fn library_name(l: usize) -> String {
    format!("Library {l}")
}

fn response_name(r: usize) -> String {
    format!("Response {r}")
}

fn content(l: usize, r: usize) -> String {
    format!("Thank you for waiting. This is answer {r} from library {l}.")
}

fn library_block(l: usize) -> String {
    format!(
        "response_library \"l{l}\" {{\n  name = \"{}\"\n}}\n\n",
        library_name(l)
    )
}

fn response_block(l: usize, r: usize) -> String {
    format!(
        "canned_response \"r{l}_{r}\" {{\n  name        = \"{}\"\n  library_ids = [response_library.l{l}.id]\n\n  texts {{\n    content = \"{}\"\n  }}\n}}\n\n",
        response_name(r),
        content(l, r)
    )
}
