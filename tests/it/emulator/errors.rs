//! Bad requests get the Genesys error body and never bring the server down.

use reqwest::{Method, StatusCode, header};
use serde_json::json;

use super::{Emu, PROMPTS, error_body, prompt};

async fn put_raw(
    emu: &Emu,
    id: &str,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> reqwest::Response {
    let mut request = emu.api(Method::PUT, &format!("{PROMPTS}/{id}")).body(body);
    if let Some(content_type) = content_type {
        request = request.header(header::CONTENT_TYPE, content_type);
    }
    request.send().await.expect("answered")
}

async fn still_serving(emu: &Emu) {
    assert_eq!(emu.get(PROMPTS).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn malformed_json_is_a_bad_request() {
    let emu = Emu::start().await;
    for body in [
        &b"{\"name\": "[..],
        b"not json",
        b"[1, 2]",
        b"{\"name\": 5}",
    ] {
        let response = put_raw(&emu, "p", Some("application/json"), body.to_vec()).await;
        error_body(response, 400, "bad.request").await;
    }
    still_serving(&emu).await;
}

#[tokio::test]
async fn the_body_must_be_declared_as_json() {
    let emu = Emu::start().await;
    let body = serde_json::to_vec(&prompt("p")).unwrap();
    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        None,
    ] {
        let response = put_raw(&emu, "p", content_type, body.clone()).await;
        let error = error_body(response, 400, "bad.request").await;
        assert!(
            error["message"].as_str().unwrap().contains("content type"),
            "{error}"
        );
    }
    let charset = put_raw(&emu, "p", Some("application/json; charset=utf-8"), body).await;
    assert_eq!(charset.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn a_missing_body_is_a_bad_request() {
    let emu = Emu::start().await;
    let response = put_raw(&emu, "p", Some("application/json"), Vec::new()).await;
    let error = error_body(response, 400, "bad.request").await;
    assert!(
        error["message"].as_str().unwrap().contains("missing"),
        "{error}"
    );
    let bare = emu
        .api(Method::PUT, &format!("{PROMPTS}/p"))
        .send()
        .await
        .unwrap();
    error_body(bare, 400, "bad.request").await;
}

#[tokio::test]
async fn a_ten_megabyte_body_is_too_large() {
    let emu = Emu::start().await;
    let mut body = b"{\"name\": \"".to_vec();
    body.resize(10 * 1024 * 1024, b'a');
    let response = put_raw(&emu, "p", Some("application/json"), body.clone()).await;
    error_body(response, 413, "payload.too.large").await;
    // Seeding takes bodies up to 64 MiB (benchmarks seed large orgs), not more.
    body.resize(65 * 1024 * 1024, b'a');
    let admin = emu
        .http
        .post(emu.url("/__emulator/prompts"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    error_body(admin, 413, "payload.too.large").await;
    still_serving(&emu).await;
}

#[tokio::test]
async fn unknown_fields_are_named_in_the_error() {
    let emu = Emu::start().await;
    let mut top = prompt("p");
    top["colour"] = json!("red");
    let error = error_body(emu.put("p", &top).await, 400, "bad.request").await;
    assert!(
        error["message"].as_str().unwrap().contains("colour"),
        "{error}"
    );
    let mut nested = prompt("p");
    nested["display"]["blink"] = json!(true);
    let error = error_body(emu.put("p", &nested).await, 400, "bad.request").await;
    assert!(
        error["message"].as_str().unwrap().contains("blink"),
        "{error}"
    );
    let mut missing = prompt("p");
    missing.as_object_mut().unwrap().remove("name");
    let error = error_body(emu.put("p", &missing).await, 400, "bad.request").await;
    assert!(
        error["message"].as_str().unwrap().contains("name"),
        "{error}"
    );
    error_body(emu.get(&format!("{PROMPTS}/p")).await, 404, "not.found").await;
}

#[tokio::test]
async fn ids_with_illegal_characters_are_refused() {
    let emu = Emu::start().await;
    let long = "a".repeat(65);
    for id in [
        "has.dot",
        "has%20space",
        "caf%C3%A9",
        long.as_str(),
        "semi%3Bcolon",
    ] {
        let path = format!("{PROMPTS}/{id}");
        error_body(emu.get(&path).await, 400, "invalid.id").await;
        error_body(emu.put(id, &prompt(id)).await, 400, "invalid.id").await;
        let delete = emu.api(Method::DELETE, &path).send().await.unwrap();
        error_body(delete, 400, "invalid.id").await;
    }
    let longest = "b".repeat(64);
    assert_eq!(
        emu.put(&longest, &prompt(&longest)).await.status(),
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn unknown_paths_are_not_found() {
    let emu = Emu::start().await;
    for path in [
        "/api/v2/agent-assist/other",
        "/api/v2",
        "/api/v2/agent-assist/prompts/a/b",
        "/nowhere",
    ] {
        let response = emu.get(path).await;
        error_body(response, 404, "not.found").await;
    }
}

#[tokio::test]
async fn wrong_methods_are_not_allowed() {
    let emu = Emu::start().await;
    let cases = [
        (Method::POST, PROMPTS.to_owned()),
        (Method::DELETE, PROMPTS.to_owned()),
        (Method::PATCH, format!("{PROMPTS}/p")),
        (Method::POST, format!("{PROMPTS}/p")),
    ];
    for (method, path) in cases {
        let response = emu.api(method, &path).send().await.unwrap();
        error_body(response, 405, "method.not.allowed").await;
    }
    let token = emu.http.get(emu.url("/oauth/token")).send().await.unwrap();
    error_body(token, 405, "method.not.allowed").await;
    let stats = emu
        .http
        .delete(emu.url("/__emulator/stats"))
        .send()
        .await
        .unwrap();
    error_body(stats, 405, "method.not.allowed").await;
}

#[tokio::test]
async fn every_error_has_its_own_context_id() {
    let emu = Emu::start().await;
    let path = format!("{PROMPTS}/missing");
    let first = error_body(emu.get(&path).await, 404, "not.found").await;
    let second = error_body(emu.get(&path).await, 404, "not.found").await;
    assert_ne!(first["contextId"], second["contextId"]);
}

#[tokio::test]
async fn a_large_body_refused_before_it_is_read_still_gets_its_answer() {
    let emu = Emu::start().await;
    let body = vec![b' '; 5 * 1024 * 1024];
    for _ in 0..3 {
        let response = emu
            .http
            .put(emu.url(&format!("{PROMPTS}/p")))
            .bearer_auth("forged")
            .header(header::CONTENT_TYPE, "application/json")
            .body(body.clone())
            .send()
            .await
            .expect("answered, not reset");
        error_body(response, 401, "bad.credentials").await;
    }
    still_serving(&emu).await;
}
