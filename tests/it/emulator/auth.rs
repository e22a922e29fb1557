//! OAuth client credentials and bearer tokens.

use reqwest::{Method, StatusCode};
use serde_json::Value;

use super::{Emu, PROMPTS, error_body, options};

async fn token_request(emu: &Emu, user: Option<(&str, &str)>, grant: &str) -> reqwest::Response {
    let mut request = emu
        .http
        .post(emu.url("/oauth/token"))
        .form(&[("grant_type", grant)]);
    if let Some((id, secret)) = user {
        request = request.basic_auth(id, Some(secret));
    }
    request.send().await.expect("answered")
}

#[tokio::test]
async fn issues_a_bearer_token_for_the_client_credentials() {
    let emu = Emu::start().await;
    let response = token_request(
        &emu,
        Some(("test-client", "test-secret")),
        "client_credentials",
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["expires_in"], 86_400);
    assert!(body["access_token"].as_str().is_some_and(|t| t.len() >= 32));
    assert_eq!(emu.get(PROMPTS).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn refuses_bad_or_missing_client_credentials() {
    let emu = Emu::start().await;
    for user in [
        Some(("test-client", "wrong")),
        Some(("someone-else", "test-secret")),
        None,
    ] {
        let response = token_request(&emu, user, "client_credentials").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], "invalid_client", "{user:?}");
        assert!(body["description"].is_string());
    }
}

#[tokio::test]
async fn refuses_other_grant_types() {
    let emu = Emu::start().await;
    for grant in ["password", "authorization_code", ""] {
        let response = token_request(&emu, Some(("test-client", "test-secret")), grant).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], "unsupported_grant_type");
    }
}

#[tokio::test]
async fn api_calls_without_a_valid_token_are_bad_credentials() {
    let emu = Emu::start().await;
    let missing = emu.http.get(emu.url(PROMPTS)).send().await.unwrap();
    error_body(missing, 401, "bad.credentials").await;
    let unknown = emu
        .http
        .get(emu.url(&format!("{PROMPTS}/p1")))
        .bearer_auth("not-a-token")
        .send()
        .await
        .unwrap();
    error_body(unknown, 401, "bad.credentials").await;
    let basic = emu
        .http
        .get(emu.url(PROMPTS))
        .basic_auth("test-client", Some("test-secret"))
        .send()
        .await
        .unwrap();
    error_body(basic, 401, "bad.credentials").await;
}

#[tokio::test]
async fn tokens_expire_after_the_token_ttl() {
    let emu = Emu::with(super::EmulatorOptions {
        token_ttl_secs: 1,
        ..options()
    })
    .await;
    assert_eq!(emu.get(PROMPTS).await.status(), StatusCode::OK);
    emu.advance_clock(1000).await;
    error_body(emu.get(PROMPTS).await, 401, "bad.credentials").await;
    let fresh = emu.fetch_token().await;
    let response = emu
        .http
        .request(Method::GET, emu.url(PROMPTS))
        .bearer_auth(fresh)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}
