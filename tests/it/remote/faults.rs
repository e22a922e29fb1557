//! The client under injected faults: rate limits, transient failures, expiring
//! tokens, slow answers, a stopped server, refused credentials.

use std::time::{Duration, Instant};

use assistform::clock::Clock;
use assistform::emulator::EmulatorOptions;
use assistform::remote::{Client, ClientOptions, Connection, RemoteError};
use serde_json::json;

use super::{client, client_with, fast, requests, seed, spec, statuses};
use crate::emulator::{Emu, PROMPTS, options};

/// `n` reads of seeded prompts, `concurrency` at a time, all of which must succeed.
async fn read_all(client: &Client, n: usize, concurrency: usize) {
    let mut tasks = Vec::new();
    for worker in 0..concurrency {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            for i in (worker..n).step_by(concurrency) {
                let id = format!("p{}", i % 5);
                let read = client.get_prompt(&id).await.expect("the read succeeds");
                assert!(read.is_some(), "{id}");
            }
        }));
    }
    for task in tasks {
        task.await.expect("joined");
    }
}

#[tokio::test]
async fn pacing_keeps_a_long_run_under_the_rate_limit() {
    let emu = Emu::with(EmulatorOptions {
        rate_limit: 20,
        rate_window_secs: 1,
        ..options()
    })
    .await;
    seed(&emu, 5).await;
    let client = client(&emu);
    let started = Instant::now();
    read_all(&client, 100, 8).await;
    let metrics = client.metrics();
    assert_eq!(statuses(&emu, "429").await, metrics.throttled);
    assert!(metrics.throttled <= 2, "{metrics:?}");
    // 100 requests at 20 a second cannot take much less than 4 s, nor should
    // they take much more.
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
    assert_eq!(metrics.requests, 100 + metrics.throttled, "{metrics:?}");
}

#[tokio::test]
async fn a_429_storm_is_waited_out_with_retry_after() {
    let emu = Emu::with(EmulatorOptions {
        rate_limit: 10,
        rate_window_secs: 1,
        ..options()
    })
    .await;
    seed(&emu, 5).await;
    // Another user of the same OAuth client spends the whole window first.
    for _ in 0..10 {
        emu.get(PROMPTS).await;
    }
    let client = client(&emu);
    read_all(&client, 30, 6).await;
    let metrics = client.metrics();
    assert!(metrics.throttled >= 1, "{metrics:?}");
    assert_eq!(metrics.retries, metrics.throttled, "{metrics:?}");
    assert!(metrics.throttled <= 12, "bounded: {metrics:?}");
}

#[tokio::test]
async fn transient_failures_are_retried_until_every_call_succeeds() {
    let emu = Emu::with(EmulatorOptions {
        fail_rate: 0.2,
        seed: Some(42),
        ..options()
    })
    .await;
    let client = client(&emu);
    for i in 0..40 {
        client
            .put_prompt(&spec(&format!("p{i}")), None)
            .await
            .expect("created");
    }
    read_all(&client, 40, 4).await;
    let listed = client.list_prompts(&|_, _| {}).await.expect("listed");
    assert_eq!(listed.len(), 40);
    let failures = statuses(&emu, "503").await + statuses(&emu, "500").await;
    let metrics = client.metrics();
    assert!(metrics.retries > 0, "{metrics:?}");
    assert_eq!(metrics.retries, failures, "{metrics:?}");
    // Every create landed exactly once: a retried PUT after a 503 changed nothing.
    assert!(listed.iter().all(|p| p.version == 1));
}

#[tokio::test]
async fn retries_stop_at_max_attempts() {
    let emu = Emu::with(EmulatorOptions {
        fail_rate: 1.0,
        seed: Some(1),
        ..options()
    })
    .await;
    let client = client_with(
        &emu,
        ClientOptions {
            max_attempts: 4,
            ..fast()
        },
    );
    let error = client.get_prompt("p").await.expect_err("gives up");
    match &error {
        RemoteError::GaveUp { attempts, last, .. } => {
            assert_eq!(*attempts, 4);
            assert!(matches!(last.status(), Some(500 | 503)), "{error}");
        }
        other => panic!("expected GaveUp, got {other:?}"),
    }
    assert!(
        error
            .to_string()
            .starts_with("GET /api/v2/agent-assist/prompts/p: gave up after 4 attempts in "),
        "{error}"
    );
    assert!(error.to_string().contains("(contextId "), "{error}");
    assert_eq!(requests(&emu, "GET").await, 4);
    assert_eq!(client.metrics().retries, 3);
}

#[tokio::test]
async fn an_expiring_token_is_renewed_mid_run() {
    let emu = Emu::with(EmulatorOptions {
        token_ttl_secs: 3600,
        ..options()
    })
    .await;
    seed(&emu, 5).await;
    let clock = Clock::default();
    let client = client_with(
        &emu,
        ClientOptions {
            clock: clock.clone(),
            ..fast()
        },
    );
    read_all(&client, 10, 2).await;
    // An hour later by both clocks: the server no longer takes the token.
    clock.advance(Duration::from_secs(3600));
    emu.advance_clock(3_600_000).await;
    read_all(&client, 10, 2).await;
    let metrics = client.metrics();
    assert_eq!(metrics.token_fetches, 2, "{metrics:?}");
    assert_eq!(statuses(&emu, "401").await, 0, "renewed before it expired");
}

#[tokio::test]
async fn a_refused_token_is_renewed_once_and_the_request_repeated() {
    let emu = Emu::start().await;
    let client = client(&emu);
    assert_eq!(client.get_prompt("p").await.expect("a read"), None);
    // A day later by the server's clock: the token the client still trusts is refused.
    emu.advance_clock(86_400_000).await;
    assert_eq!(client.get_prompt("p").await.expect("a read"), None);
    let metrics = client.metrics();
    assert_eq!(
        (metrics.token_fetches, metrics.requests, metrics.retries),
        (2, 3, 0)
    );
    assert_eq!(statuses(&emu, "401").await, 1, "refused once");
}

#[tokio::test]
async fn a_slow_put_times_out_as_sent_and_nothing_hangs() {
    let emu = Emu::start().await;
    let client = client_with(
        &emu,
        ClientOptions {
            request_timeout: Duration::from_millis(300),
            max_attempts: 3,
            ..fast()
        },
    );
    client
        .get_prompt("warm")
        .await
        .expect("the token is fetched first");
    emu.admin("/__emulator/faults", &json!({"latency_ms": 1000}))
        .await;

    let started = Instant::now();
    let error = client
        .put_prompt(&spec("slow"), None)
        .await
        .expect_err("times out");
    assert!(
        started.elapsed() < Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
    match &error {
        RemoteError::Transport { sent, .. } => assert!(*sent, "{error}"),
        other => panic!("expected a transport error, got {other:?}"),
    }
    assert!(error.may_have_been_applied());
    assert!(
        error
            .to_string()
            .starts_with("PUT /api/v2/agent-assist/prompts/slow: no answer from http://127.0.0.1:"),
        "{error}"
    );

    // A read is repeated, within its budget, and then given up.
    let started = Instant::now();
    let error = client.get_prompt("slow").await.expect_err("gives up");
    assert!(
        matches!(&error, RemoteError::GaveUp { attempts: 3, .. }),
        "{error}"
    );
    assert!(error.may_have_been_applied());
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_stopped_server_is_reported_quickly() {
    let emu = Emu::start().await;
    let base = emu.emulator.base_url();
    let client = client(&emu);
    emu.emulator.shutdown().await;
    let started = Instant::now();
    let error = client
        .list_prompts(&|_, _| {})
        .await
        .expect_err("unreachable");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    match &error {
        RemoteError::Transport { sent, .. } => assert!(!sent, "{error}"),
        other => panic!("expected a transport error, got {other:?}"),
    }
    assert_eq!(
        error.to_string(),
        format!(
            "POST /oauth/token: the server is not reachable at {base} (connection refused); is it running?"
        )
    );
}

#[tokio::test]
async fn refused_credentials_are_an_auth_error_naming_the_cause() {
    let emu = Emu::start().await;
    let connection = Connection::explicit(&emu.emulator.base_url(), "test-client", "wrong-secret")
        .expect("a URL");
    let client = Client::new(connection, fast()).expect("a client");
    let error = client.get_prompt("p").await.expect_err("refused");
    assert!(
        matches!(&error, RemoteError::Auth { status: 401, .. }),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(
        message.starts_with(&format!(
            "POST {}/oauth/token: the login host refused the OAuth client `test-client`: 401 invalid_client: client authentication failed",
            emu.emulator.base_url()
        )),
        "{message}"
    );
    assert!(
        message.contains("GENESYSCLOUD_OAUTHCLIENT_SECRET"),
        "{message}"
    );
    assert!(!message.contains("wrong-secret") && !format!("{error:?}").contains("wrong-secret"));
    assert_eq!(client.metrics().retries, 0);
}
