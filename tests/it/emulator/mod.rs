//! Conformance of the built-in emulator to API.md and GENESYS.md, over raw HTTP: each test starts
//! its own emulator on 127.0.0.1 port 0 and speaks to it with a plain reqwest client.

mod admin;
mod assistants;
mod auth;
mod checklists;
mod cli;
mod copilot;
mod errors;
mod faults;
mod holds;
mod limits;
mod paging;
mod permissions;
mod persistence;
mod prompts;
mod responses;
mod sdk;
mod validation;

use assistform::emulator::{Emulator, EmulatorOptions};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde_json::{Value, json};

pub const PROMPTS: &str = "/api/v2/agent-assist/prompts";

/// A running emulator, a client, and a token for it.
pub struct Emu {
    pub emulator: Emulator,
    pub http: reqwest::Client,
    pub token: String,
}

/// Options for a test: the defaults, but a rate limit no test reaches by accident.
pub fn options() -> EmulatorOptions {
    EmulatorOptions {
        client_id: "test-client".into(),
        client_secret: "test-secret".into(),
        rate_limit: 1_000_000,
        ..EmulatorOptions::default()
    }
}

pub fn client() -> reqwest::Client {
    assistform::remote::install_crypto_provider();
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("a reqwest client")
}

impl Emu {
    pub async fn start() -> Emu {
        Emu::with(options()).await
    }

    pub async fn with(options: EmulatorOptions) -> Emu {
        let emulator = Emulator::start(options).await.expect("the emulator starts");
        let http = client();
        let mut emu = Emu {
            emulator,
            http,
            token: String::new(),
        };
        emu.token = emu.fetch_token().await;
        emu
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.emulator.base_url())
    }

    pub async fn fetch_token(&self) -> String {
        let response = self
            .http
            .post(self.url("/oauth/token"))
            .basic_auth("test-client", Some("test-secret"))
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await
            .expect("the token request is answered");
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.expect("a JSON token");
        body["access_token"].as_str().expect("a token").to_owned()
    }

    /// An authenticated request to `path`.
    pub fn api(&self, method: Method, path: &str) -> RequestBuilder {
        self.http
            .request(method, self.url(path))
            .bearer_auth(&self.token)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.api(Method::GET, path).send().await.expect("answered")
    }

    pub async fn put(&self, id: &str, body: &Value) -> Response {
        self.api(Method::PUT, &format!("{PROMPTS}/{id}"))
            .json(body)
            .send()
            .await
            .expect("answered")
    }

    /// Stores prompts through `POST /__emulator/prompts`.
    pub async fn seed(&self, prompts: &[Value]) -> Vec<Value> {
        let response = self
            .http
            .post(self.url("/__emulator/prompts"))
            .json(&prompts)
            .send()
            .await
            .expect("answered");
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.expect("the stored prompts")
    }

    pub async fn admin(&self, path: &str, body: &Value) -> Response {
        self.http
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .expect("answered")
    }

    /// Moves the emulator's clock on by `ms`: tokens expire and rate windows close
    /// as if that time had passed.
    pub async fn advance_clock(&self, ms: u64) {
        let response = self
            .admin("/__emulator/clock", &serde_json::json!({"advance_ms": ms}))
            .await;
        assert_eq!(response.status(), reqwest::StatusCode::OK);
    }

    pub async fn stats(&self) -> Value {
        self.http
            .get(self.url("/__emulator/stats"))
            .send()
            .await
            .expect("answered")
            .json()
            .await
            .expect("JSON stats")
    }
}

/// A valid PUT body for prompt `id`.
pub fn prompt(id: &str) -> Value {
    json!({
        "id": id,
        "name": format!("Prompt {id}"),
        "description": "Shown when the account is on hold",
        "status": "active",
        "interactionTypes": ["conversation", "chat"],
        "trigger": {
            "type": "conversation",
            "conditions": [{"field": "accountStatus", "operator": "equals", "value": "on_hold"}]
        },
        "display": {
            "type": "popup",
            "content": "Customer {{customerName}} requires verification.",
            "timeoutMs": 45000
        }
    })
}

/// Asserts that `response` is a Genesys error with `status` and `code`, its
/// correlation header equal to its `contextId`, and returns the body.
pub async fn error_body(response: Response, status: u16, code: &str) -> Value {
    assert_eq!(
        response.status().as_u16(),
        status,
        "status of {}",
        response.url()
    );
    let correlation = response
        .headers()
        .get("inin-correlation-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body: Value = response.json().await.expect("a JSON error body");
    assert_eq!(body["code"], code, "code in {body}");
    assert_eq!(body["status"], status, "status in {body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    assert!(body["messageParams"].is_object(), "{body}");
    assert!(body["details"].is_array(), "{body}");
    assert!(body["errors"].is_array(), "{body}");
    let context = body["contextId"].as_str().expect("a contextId");
    assert!(!context.is_empty());
    assert_eq!(correlation.as_deref(), Some(context), "ININ-Correlation-Id");
    body
}
