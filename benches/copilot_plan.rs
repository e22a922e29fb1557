//! `cargo bench --bench copilot_plan`: `assistform plan` over 200 assistants, each
//! with a copilot and 2 queues, and 2,000 agent checklists, all live and in state,
//! the emulator answering every request after 20 ms. Issue target: the token + 1
//! assistant page (copilots expanded) + the binding pages + ⌈2,000/100⌉ = 20
//! checklist pages, and under 2 s wall time.
//!
//! The org is seeded through the emulator, imported with `import --all` and
//! applied (imports only: nothing is written to the org), so the state is what
//! assistform itself records; then `plan` is timed, which must say `No changes.`.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};
use std::time::Instant;

use assistform::emulator::{Emulator, EmulatorOptions};
use serde_json::{Value, json};

const ASSISTANTS: usize = 200;
const CHECKLISTS: usize = 2_000;
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
        seed(&http, &base).await;

        let imported = run(dir.path(), &base, &["import", "--all", "--out", "main.hcl"]).await;
        assert!(imported.status.success(), "import failed: {}", text(&imported));
        let applied = run(dir.path(), &base, &["apply", ".", "--auto-approve", "--no-color"]).await;
        assert!(applied.status.success(), "apply of the imports failed: {}", text(&applied));

        println!(
            "copilot_plan: {ASSISTANTS} assistants (each with a copilot and 2 queues) and {CHECKLISTS} agent checklists live and in state, emulator latency 20 ms"
        );
        for n in 1..=RUNS {
            let before = endpoints(&http, &base).await;
            let start = Instant::now();
            let plan = run(dir.path(), &base, &["plan", ".", "--no-color"]).await;
            let elapsed = start.elapsed();
            let stdout = String::from_utf8_lossy(&plan.stdout);
            assert!(plan.status.success(), "plan failed: {}", text(&plan));
            assert!(stdout.contains("No changes."), "expected no changes:\n{stdout}");
            let after = endpoints(&http, &base).await;
            let mut made: Vec<(String, u64)> = after
                .iter()
                .map(|(e, c)| (e.clone(), c - before.get(e).copied().unwrap_or(0)))
                .filter(|(_, c)| *c > 0)
                .collect();
            made.sort_by_key(|(e, _)| (!e.ends_with(" /oauth/token"), e.clone()));
            let total: u64 = made.iter().map(|(_, c)| c).sum();
            let by_endpoint: Vec<String> = made.iter().map(|(e, c)| format!("{e} {c}")).collect();
            println!(
                "  run {n}: wall {:.3} s; {total} requests: {}",
                elapsed.as_secs_f64(),
                by_endpoint.join(", ")
            );
        }
        println!(
            "  target: the token + 1 assistant page + the binding pages (⌈400/200⌉ = 2) + ⌈2,000/100⌉ = 20 checklist pages (24 requests; every plan also reads the org once); wall < 2 s"
        );
    });
}

/// The org: assistants with their copilots and queues in one seed; checklists
/// through the API, many at a time.
async fn seed(http: &reqwest::Client, base: &str) {
    let assistants: Vec<Value> = (0..ASSISTANTS)
        .map(|a| {
            json!({
                "name": format!("Assistant {a}"),
                "transcriptionConfig": {"vendorName": "Genesys"},
                "queues": [
                    {"id": format!("queue-{a}-voice"), "mediaTypes": ["Call"]},
                    {"id": format!("queue-{a}-chat"), "mediaTypes": ["Message"]},
                ],
                "copilot": {
                    "liveOnQueue": true,
                    "defaultLanguage": "en-US",
                    "ruleEngineConfig": {"rules": [{
                        "id": "greet",
                        "enabled": true,
                        "rule": {
                            "conditions": [{"conditionType": "ConversationStart", "conditionValues": []}],
                            "actions": [{"actionType": "KnowledgeArticle", "attributes": {"articleId": format!("article-{a}")}}],
                        },
                    }]},
                },
            })
        })
        .collect();
    let seeded = http
        .post(format!("{base}/__emulator/assistants"))
        .json(&json!({"assistants": assistants}))
        .send()
        .await
        .expect("seed assistants");
    assert!(
        seeded.status().is_success(),
        "seeding assistants: {}",
        seeded.status()
    );

    let token: Value = http
        .post(format!("{base}/oauth/token"))
        .basic_auth("bench", Some("bench-secret"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .expect("token")
        .json()
        .await
        .expect("token json");
    let token = token["access_token"].as_str().expect("token").to_owned();
    let url = format!("{base}/api/v2/assistants/agentchecklists");
    for batch in (0..CHECKLISTS).collect::<Vec<_>>().chunks(100) {
        let posts = batch.iter().map(|c| {
            http.post(&url)
                .bearer_auth(&token)
                .json(&json!({
                    "name": format!("Checklist {c:04}"),
                    "language": "en-US",
                    "checklistItems": [{"name": "Greet the customer", "automatedCheckEnabled": true}],
                }))
                .send()
        });
        for answer in futures_util::future::join_all(posts).await {
            let answer = answer.expect("checklist create");
            assert!(
                answer.status().is_success(),
                "checklist create: {}",
                answer.status()
            );
        }
    }
}

async fn run(dir: &Path, base: &str, args: &[&str]) -> Output {
    let binary = env!("CARGO_BIN_EXE_assistform");
    let mut args: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
    args.extend(["--api-url".to_owned(), base.to_owned()]);
    let dir = dir.to_path_buf();
    tokio::task::spawn_blocking(move || {
        Command::new(binary)
            .args(&args)
            .current_dir(&dir)
            .env("GENESYSCLOUD_OAUTHCLIENT_ID", "bench")
            .env("GENESYSCLOUD_OAUTHCLIENT_SECRET", "bench-secret")
            .output()
            .expect("run assistform")
    })
    .await
    .expect("assistform ran")
}

fn text(output: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
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
