//! `/__emulator/holds`: a request parked before or after it is processed, then let
//! go, answered with an error, or left without an answer.

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::{Emu, PROMPTS, error_body, prompt};
use crate::hold::{Hold, Stage};

fn path(id: &str) -> String {
    format!("{PROMPTS}/{id}")
}

#[tokio::test]
async fn a_request_held_before_processing_waits_for_its_release() {
    let emu = Emu::start().await;
    let base = emu.emulator.base_url();
    let hold = Hold::arm(&base, "PUT", &path("p"), Stage::Before).await;
    let body = prompt("p");
    let put = emu.put("p", &body);
    let control = async {
        assert_eq!(hold.caught().await, path("p"));
        // Parked before processing: the prompt is not there yet.
        assert_eq!(emu.get(&path("p")).await.status(), StatusCode::NOT_FOUND);
        hold.release().await;
    };
    let (response, ()) = tokio::join!(put, control);
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(emu.get(&path("p")).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_dropped_request_held_before_processing_changes_nothing() {
    let emu = Emu::start().await;
    let hold = Hold::arm(&emu.emulator.base_url(), "PUT", &path("p"), Stage::Before).await;
    let put = emu.api(Method::PUT, &path("p")).json(&prompt("p")).send();
    let control = async {
        hold.caught().await;
        hold.drop_connection().await;
    };
    let (response, ()) = tokio::join!(put, control);
    let error = response.expect_err("no answer");
    assert!(!error.is_connect(), "it was sent: {error}");
    assert_eq!(emu.get(&path("p")).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_dropped_answer_after_processing_keeps_the_change() {
    let emu = Emu::start().await;
    let hold = Hold::arm(&emu.emulator.base_url(), "PUT", &path("p"), Stage::After).await;
    let put = emu.api(Method::PUT, &path("p")).json(&prompt("p")).send();
    let control = async {
        hold.caught().await;
        // Processed, its answer held back: the change is there already.
        assert_eq!(emu.get(&path("p")).await.status(), StatusCode::OK);
        hold.drop_connection().await;
    };
    let (response, ()) = tokio::join!(put, control);
    assert!(response.is_err(), "the answer was lost");
    let stored = emu.get(&path("p")).await;
    let stored: serde_json::Value = stored.json().await.unwrap();
    assert_eq!(stored["version"], 1);
}

#[tokio::test]
async fn a_processed_request_can_be_answered_with_an_error() {
    let emu = Emu::start().await;
    let hold = Hold::arm(&emu.emulator.base_url(), "put", &path("p"), Stage::After).await;
    let body = prompt("p");
    let put = emu.put("p", &body);
    let control = async {
        hold.caught().await;
        hold.fail(503).await;
    };
    let (response, ()) = tokio::join!(put, control);
    error_body(response, 503, "service.unavailable").await;
    assert_eq!(emu.get(&path("p")).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_hold_catches_one_request_and_a_star_matches_any_rest() {
    let emu = Emu::start().await;
    let hold = Hold::arm(
        &emu.emulator.base_url(),
        "PUT",
        &format!("{PROMPTS}/*"),
        Stage::Before,
    )
    .await;
    let body = prompt("a");
    let first = emu.put("a", &body);
    let control = async {
        assert_eq!(hold.caught().await, path("a"));
        // The hold has its request: the next one goes through at once.
        assert_eq!(
            emu.put("b", &prompt("b")).await.status(),
            StatusCode::CREATED
        );
        hold.release().await;
    };
    let (response, ()) = tokio::join!(first, control);
    assert_eq!(response.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn waiting_on_a_hold_that_catches_nothing_ends_with_408_and_bad_holds_are_refused() {
    let emu = Emu::start().await;
    let base = emu.emulator.base_url();
    let hold = Hold::arm(&base, "DELETE", &path("p"), Stage::Before).await;
    let waited = emu
        .http
        .post(format!("{base}/__emulator/holds/1/wait?timeout_ms=50"))
        .send()
        .await
        .unwrap();
    error_body(waited, 408, "hold.not.caught").await;
    let waited = emu
        .http
        .post(format!(
            "{base}/__emulator/holds/1/wait?until=abandoned&timeout_ms=50"
        ))
        .send()
        .await
        .unwrap();
    error_body(waited, 408, "hold.not.abandoned").await;
    let waited = emu
        .http
        .post(format!("{base}/__emulator/holds/1/wait?until=later"))
        .send()
        .await
        .unwrap();
    error_body(waited, 400, "bad.request").await;
    let listed: serde_json::Value = emu
        .http
        .get(format!("{base}/__emulator/holds"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed[0]["method"], "DELETE");
    assert_eq!(listed[0]["caught"], serde_json::Value::Null);
    assert_eq!(listed[0]["abandoned"], false);
    hold.release().await;
    let unknown = emu
        .admin("/__emulator/holds/1/release", &json!({"then": "answer"}))
        .await;
    error_body(unknown, 404, "not.found").await;
    for bad in [
        json!({"method": "PUT", "path": "no-slash", "stage": "before"}),
        json!({"method": "PUT", "path": "/x", "stage": "during"}),
        json!({"method": "P U T", "path": "/x", "stage": "after"}),
    ] {
        error_body(
            emu.admin("/__emulator/holds", &bad).await,
            400,
            "bad.request",
        )
        .await;
    }
}

#[tokio::test]
async fn a_reset_lets_held_requests_go_on() {
    let emu = Emu::start().await;
    let hold = Hold::arm(&emu.emulator.base_url(), "GET", &path("p"), Stage::Before).await;
    let held = path("p");
    let get = emu.get(&held);
    let control = async {
        hold.caught().await;
        let reset = emu.admin("/__emulator/reset", &json!({})).await;
        assert_eq!(reset.status(), StatusCode::NO_CONTENT);
    };
    let (response, ()) = tokio::join!(get, control);
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}
