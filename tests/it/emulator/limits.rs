//! The fixed rate-limit window per OAuth client and its headers.

use reqwest::{Response, StatusCode};

use super::{Emu, EmulatorOptions, PROMPTS, error_body, options};

fn header(response: &Response, name: &str) -> u64 {
    response
        .headers()
        .get(name)
        .unwrap_or_else(|| panic!("no {name} header"))
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

async fn limited(limit: u32, window: u64) -> Emu {
    Emu::with(EmulatorOptions {
        rate_limit: limit,
        rate_window_secs: window,
        ..options()
    })
    .await
}

#[tokio::test]
async fn headers_count_the_window_then_429_with_retry_after() {
    let emu = limited(3, 1).await;
    for used in 1..=3 {
        let response = emu.get(PROMPTS).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(header(&response, "inin-ratelimit-count"), used);
        assert_eq!(header(&response, "inin-ratelimit-allowed"), 3);
        assert_eq!(header(&response, "inin-ratelimit-reset"), 1);
    }
    // Refusals do not count: the window stays at 3 however often it is knocked on.
    for _ in 0..3 {
        let response = emu.get(PROMPTS).await;
        assert_eq!(header(&response, "retry-after"), 1);
        assert_eq!(header(&response, "inin-ratelimit-count"), 3);
        assert_eq!(header(&response, "inin-ratelimit-reset"), 1);
        let body = error_body(response, 429, "too.many.requests").await;
        assert_eq!(body["messageParams"]["retryAfter"], 1);
    }
    emu.advance_clock(1000).await;
    let response = emu.get(PROMPTS).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "inin-ratelimit-count"), 1);
    let stats = emu.stats().await;
    assert_eq!(stats["status"]["429"], 3);
    // Four reads and the token request.
    assert_eq!(stats["status"]["200"], 5);
}

#[tokio::test]
async fn reset_is_rounded_up_to_whole_seconds() {
    let emu = limited(100, 60).await;
    let response = emu.get(PROMPTS).await;
    assert_eq!(header(&response, "inin-ratelimit-reset"), 60);
    emu.advance_clock(300).await;
    let response = emu.get(PROMPTS).await;
    assert_eq!(header(&response, "inin-ratelimit-reset"), 60);
    assert_eq!(header(&response, "inin-ratelimit-count"), 2);
}

#[tokio::test]
async fn every_api_response_carries_the_headers() {
    let emu = limited(100, 60).await;
    let not_found = emu.get(&format!("{PROMPTS}/nope")).await;
    assert_eq!(header(&not_found, "inin-ratelimit-count"), 1);
    let unknown = emu.get("/api/v2/unknown").await;
    assert_eq!(header(&unknown, "inin-ratelimit-count"), 2);
    let unauthenticated = emu.http.get(emu.url(PROMPTS)).send().await.unwrap();
    assert_eq!(unauthenticated.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(header(&unauthenticated, "inin-ratelimit-allowed"), 100);
    let admin = emu
        .http
        .get(emu.url("/__emulator/stats"))
        .send()
        .await
        .unwrap();
    assert!(admin.headers().get("inin-ratelimit-count").is_none());
}

#[tokio::test]
async fn requests_without_a_token_do_not_use_the_client_window() {
    let emu = limited(2, 60).await;
    for _ in 0..4 {
        emu.http
            .get(emu.url(PROMPTS))
            .bearer_auth("forged")
            .send()
            .await
            .unwrap();
    }
    let response = emu.get(PROMPTS).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "inin-ratelimit-count"), 1);
}

#[tokio::test]
async fn the_token_endpoint_is_not_rate_limited() {
    let emu = limited(1, 60).await;
    for _ in 0..3 {
        emu.fetch_token().await;
    }
    assert_eq!(emu.get(PROMPTS).await.status(), StatusCode::OK);
}
