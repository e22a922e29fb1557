//! Injected latency and transient failures.

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::{Emu, EmulatorOptions, PROMPTS, error_body, options, prompt};
use crate::hold::{Hold, Stage};

async fn flaky(fail_rate: f64, seed: u64) -> Emu {
    Emu::with(EmulatorOptions {
        fail_rate,
        seed: Some(seed),
        ..options()
    })
    .await
}

async fn statuses(emu: &Emu, n: usize) -> Vec<u16> {
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push(emu.get(PROMPTS).await.status().as_u16());
    }
    out
}

#[tokio::test]
async fn the_fail_rate_is_kept_within_a_tolerance() {
    let emu = flaky(0.2, 7).await;
    let seen = statuses(&emu, 1000).await;
    let unavailable = seen.iter().filter(|s| **s == 503).count();
    let indexing = seen.iter().filter(|s| **s == 500).count();
    let ok = seen.iter().filter(|s| **s == 200).count();
    assert_eq!(unavailable + indexing + ok, 1000);
    assert!(
        (150..=250).contains(&(unavailable + indexing)),
        "{unavailable} + {indexing}"
    );
    assert!(
        indexing > 0 && unavailable > 4 * indexing,
        "{unavailable} / {indexing}"
    );
}

#[tokio::test]
async fn failures_have_the_error_body_and_the_indexing_message() {
    let emu = flaky(1.0, 3).await;
    let (mut unavailable, mut indexing) = (false, false);
    for _ in 0..200 {
        let response = emu.get(PROMPTS).await;
        if response.status() == StatusCode::SERVICE_UNAVAILABLE {
            error_body(response, 503, "service.unavailable").await;
            unavailable = true;
        } else {
            let body = error_body(response, 500, "internal.server.error").await;
            assert_eq!(body["message"], "Relevance indexing timeout");
            indexing = true;
        }
        if unavailable && indexing {
            return;
        }
    }
    panic!("saw 503: {unavailable}, 500: {indexing}");
}

#[tokio::test]
async fn a_seed_repeats_the_same_failures() {
    let first = statuses(&flaky(0.3, 42).await, 200).await;
    let second = statuses(&flaky(0.3, 42).await, 200).await;
    assert_eq!(first, second);
    let other = statuses(&flaky(0.3, 43).await, 200).await;
    assert_ne!(first, other);
}

#[tokio::test]
async fn a_failed_request_changes_nothing() {
    let emu = flaky(1.0, 1).await;
    for _ in 0..20 {
        let status = emu.put("p", &prompt("p")).await.status();
        assert!(status == 503 || status == 500, "{status}");
    }
    let set = emu
        .admin("/__emulator/faults", &json!({"fail_rate": 0.0}))
        .await;
    assert_eq!(set.status(), StatusCode::OK);
    error_body(emu.get(&format!("{PROMPTS}/p")).await, 404, "not.found").await;
}

#[tokio::test]
async fn latency_delays_the_api_but_not_the_token_endpoint() {
    let emu = Emu::with(EmulatorOptions {
        latency_ms: 300,
        ..options()
    })
    .await;
    let started = Instant::now();
    emu.fetch_token().await;
    assert!(
        started.elapsed() < Duration::from_millis(250),
        "{:?}",
        started.elapsed()
    );
    let started = Instant::now();
    assert_eq!(emu.get(PROMPTS).await.status(), StatusCode::OK);
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_client_that_gives_up_while_waiting_changed_nothing() {
    let emu = Emu::start().await;
    let path = format!("{PROMPTS}/p");
    let hold = Hold::arm(&emu.emulator.base_url(), "PUT", &path, Stage::Before).await;
    let put = emu.api(Method::PUT, &path).json(&prompt("p")).send();
    // The client waits for its answer while the emulator holds the request, then
    // gives up: its request is dropped, and its connection closed, unanswered.
    tokio::select! {
        answered = put => panic!("answered while held: {answered:?}"),
        _ = hold.caught() => {}
    }
    hold.abandoned().await;
    let stats = emu.stats().await;
    assert_eq!(stats["requests"]["PUT"], 0, "{stats}");
    error_body(emu.get(&path).await, 404, "not.found").await;
}

#[tokio::test]
async fn faults_change_at_once_and_are_checked() {
    let emu = Emu::start().await;
    let set = emu
        .admin(
            "/__emulator/faults",
            &json!({"latency_ms": 5, "fail_rate": 0.5, "rate_limit": 10, "rate_window": 2, "token_ttl": 30}),
        )
        .await;
    assert_eq!(set.status(), StatusCode::OK);
    let now: Value = set.json().await.unwrap();
    assert_eq!(
        now,
        json!({"latency_ms": 5, "fail_rate": 0.5, "rate_limit": 10, "rate_window": 2, "token_ttl": 30})
    );
    let response = emu.get(PROMPTS).await;
    assert_eq!(response.headers()["inin-ratelimit-allowed"], "10");
    let token = emu
        .http
        .post(emu.url("/oauth/token"))
        .basic_auth("test-client", Some("test-secret"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(token["expires_in"], 30);
    for bad in [
        json!({"fail_rate": 1.5}),
        json!({"rate_limit": 0}),
        json!({"jitter": 3}),
    ] {
        let response = emu.admin("/__emulator/faults", &bad).await;
        error_body(response, 400, "bad.request").await;
    }
}
