//! Throughput of the built-in emulator over loopback: GET one prompt, list pages of
//! 500, and versioned PUTs, each driven by concurrent clients sharing one keep-alive
//! client. Prints requests per second. Run with `cargo bench --bench emulator`.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use assistform::emulator::{Emulator, EmulatorOptions};
use serde_json::{Value, json};

const ORG_SIZE: usize = 5_000;
const CLIENTS: usize = 32;
/// No phase runs longer than this, whatever its count.
const PHASE_LIMIT: Duration = Duration::from_secs(15);
const PROMPTS: &str = "/api/v2/agent-assist/prompts";
/// Issue #3: the emulator must never be the bottleneck of a later benchmark.
const TARGET_GETS_PER_SEC: f64 = 5_000.0;

type Error = Box<dyn std::error::Error + Send + Sync>;

fn main() -> Result<(), Error> {
    assistform::remote::install_crypto_provider();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run())
}

struct Bench {
    http: reqwest::Client,
    base: String,
    token: String,
}

async fn run() -> Result<(), Error> {
    let emulator = Emulator::start(EmulatorOptions {
        rate_limit: u32::MAX,
        ..EmulatorOptions::default()
    })
    .await?;
    let http = reqwest::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(CLIENTS)
        .build()?;
    let base = emulator.base_url();
    let token: Value = http
        .post(format!("{base}/oauth/token"))
        .basic_auth("demo", Some("demo"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await?
        .json()
        .await?;
    let token = token["access_token"].as_str().ok_or("no token")?.to_owned();
    let bench = Arc::new(Bench { http, base, token });
    bench.seed().await?;
    println!("emulator benchmark: {ORG_SIZE} prompts, {CLIENTS} concurrent clients, latency 0");

    let gets = bench
        .phase("GET one prompt", 100_000, |b, i| async move {
            b.get(&format!("{PROMPTS}/{}", id(i % ORG_SIZE))).await
        })
        .await?;
    let verdict = if gets >= TARGET_GETS_PER_SEC {
        "met"
    } else {
        "MISSED"
    };
    println!(
        "{:<24} target {TARGET_GETS_PER_SEC:.0} GET/s: {verdict}",
        ""
    );
    let pages = ORG_SIZE / 500;
    bench
        .phase("GET list page of 500", 5_000, move |b, i| async move {
            b.get(&format!(
                "{PROMPTS}?pageSize=500&pageNumber={}",
                i % pages + 1
            ))
            .await
        })
        .await?;
    bench.puts(50_000).await?;
    emulator.shutdown().await;
    Ok(())
}

fn id(i: usize) -> String {
    format!("bench-{i:05}")
}

fn prompt(i: usize, version: Option<u64>) -> Value {
    json!({
        "id": id(i),
        "name": format!("Benchmark prompt {i}"),
        "description": "Displays hold instructions when the account is on hold",
        "status": "active",
        "interactionTypes": ["conversation", "chat"],
        "trigger": {
            "type": "conversation",
            "conditions": [{"field": "accountStatus", "operator": "equals", "value": "on_hold"}]
        },
        "display": {
            "type": "popup",
            "content": format!("Customer {{{{customerName}}}} requires verification ({i})."),
            "timeoutMs": 45000
        },
        "version": version,
    })
}

impl Bench {
    /// Seeds the org in chunks that stay under the 1 MiB body limit.
    async fn seed(&self) -> Result<(), Error> {
        let all: Vec<usize> = (0..ORG_SIZE).collect();
        for chunk in all.chunks(1_000) {
            let prompts: Vec<Value> = chunk.iter().map(|&i| prompt(i, Some(1))).collect();
            let response = self
                .http
                .post(format!("{}/__emulator/prompts", self.base))
                .json(&prompts)
                .send()
                .await?;
            if !response.status().is_success() {
                return Err(format!("seeding failed: {}", response.status()).into());
            }
        }
        Ok(())
    }

    async fn get(&self, path: &str) -> Result<(), Error> {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await?;
        expect(response, 200).await
    }

    /// Runs `count` requests (or as many as fit in [`PHASE_LIMIT`]) from
    /// [`CLIENTS`] tasks and prints the rate.
    async fn phase<F, Fut>(
        self: &Arc<Self>,
        name: &str,
        count: usize,
        request: F,
    ) -> Result<f64, Error>
    where
        F: Fn(Arc<Bench>, usize) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = Result<(), Error>> + Send,
    {
        let next = Arc::new(AtomicUsize::new(0));
        let request = Arc::new(request);
        let started = Instant::now();
        let tasks: Vec<_> = (0..CLIENTS)
            .map(|_| {
                let (bench, next, request) = (self.clone(), next.clone(), request.clone());
                tokio::spawn(async move {
                    let mut done = 0usize;
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= count || started.elapsed() > PHASE_LIMIT {
                            return Ok::<usize, Error>(done);
                        }
                        request(bench.clone(), i).await?;
                        done += 1;
                    }
                })
            })
            .collect();
        let mut done = 0;
        for task in tasks {
            done += task.await??;
        }
        Ok(report(name, done, started.elapsed()))
    }

    /// Versioned PUTs: each client owns its own prompts and knows their versions, so
    /// every PUT must answer 200.
    async fn puts(self: &Arc<Self>, count: usize) -> Result<(), Error> {
        let started = Instant::now();
        let per_client = count / CLIENTS;
        let tasks: Vec<_> = (0..CLIENTS)
            .map(|client| {
                let bench = self.clone();
                tokio::spawn(async move {
                    let owned: Vec<usize> = (client..ORG_SIZE).step_by(CLIENTS).collect();
                    let mut versions: HashMap<usize, u64> = owned.iter().map(|&i| (i, 1)).collect();
                    let mut done = 0usize;
                    for n in 0..per_client {
                        if started.elapsed() > PHASE_LIMIT {
                            break;
                        }
                        let i = owned[n % owned.len()];
                        let version = versions[&i];
                        let response = bench
                            .http
                            .put(format!("{}{PROMPTS}/{}", bench.base, id(i)))
                            .bearer_auth(&bench.token)
                            .json(&prompt(i, Some(version)))
                            .send()
                            .await?;
                        expect(response, 200).await?;
                        versions.insert(i, version + 1);
                        done += 1;
                    }
                    Ok::<usize, Error>(done)
                })
            })
            .collect();
        let mut done = 0;
        for task in tasks {
            done += task.await??;
        }
        report("PUT (versioned update)", done, started.elapsed());
        Ok(())
    }
}

async fn expect(response: reqwest::Response, status: u16) -> Result<(), Error> {
    let got = response.status().as_u16();
    // Read the body so the connection goes back to the pool.
    let body = response.bytes().await?;
    if got != status {
        return Err(format!(
            "expected {status}, got {got}: {}",
            String::from_utf8_lossy(&body)
        )
        .into());
    }
    Ok(())
}

/// Prints and returns the rate.
fn report(name: &str, requests: usize, elapsed: Duration) -> f64 {
    let rate = requests as f64 / elapsed.as_secs_f64();
    println!(
        "{name:<24} {requests:>7} requests in {:>6.2} s = {rate:>9.0} req/s",
        elapsed.as_secs_f64()
    );
    rate
}
