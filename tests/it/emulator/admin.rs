//! `/__emulator/`: stats, reset, seeding, org settings; and the handle's life cycle.

use std::net::SocketAddr;

use assistform::emulator::{Emulator, EmulatorError};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::{Emu, EmulatorOptions, PROMPTS, client, error_body, options, prompt};

#[tokio::test]
async fn stats_count_api_and_token_requests_by_method_and_status() {
    let emu = Emu::start().await;
    emu.put("a", &prompt("a")).await;
    emu.get(&format!("{PROMPTS}/a")).await;
    emu.get(&format!("{PROMPTS}/zz")).await;
    emu.api(Method::DELETE, &format!("{PROMPTS}/a"))
        .send()
        .await
        .unwrap();
    emu.stats().await;
    emu.http.get(emu.url("/nowhere")).send().await.unwrap();
    let stats = emu.stats().await;
    assert_eq!(
        stats,
        json!({
            "requests": {"GET": 2, "PUT": 1, "DELETE": 1, "POST": 1},
            "status": {"200": 2, "201": 1, "204": 1, "404": 1},
            "endpoints": {
                "POST /oauth/token": 1,
                "PUT /api/v2/agent-assist/prompts/{id}": 1,
                "GET /api/v2/agent-assist/prompts/{id}": 2,
                "DELETE /api/v2/agent-assist/prompts/{id}": 1
            }
        })
    );
}

#[tokio::test]
async fn reset_empties_the_org_and_restores_the_start_flags() {
    let emu = Emu::with(EmulatorOptions {
        context_variables: vec!["orderId".into()],
        ..options()
    })
    .await;
    emu.put("a", &prompt("a")).await;
    emu.admin("/__emulator/faults", &json!({"latency_ms": 1000}))
        .await;
    emu.admin("/__emulator/org", &json!({"context_variables": []}))
        .await;
    let reset = emu
        .http
        .post(emu.url("/__emulator/reset"))
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        emu.stats().await,
        json!({"requests": {"GET": 0, "PUT": 0, "DELETE": 0, "POST": 0}, "status": {}, "endpoints": {}})
    );
    // The token survives: it is not part of the org. Latency is back to 0.
    let started = std::time::Instant::now();
    let page: Value = emu.get(PROMPTS).await.json().await.unwrap();
    assert!(started.elapsed().as_millis() < 500);
    assert_eq!(page["total"], 0);
    let mut body = prompt("o");
    body["display"]["content"] = json!("{{orderId}}");
    assert_eq!(emu.put("o", &body).await.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn seeded_prompts_are_stored_as_given() {
    let emu = Emu::start().await;
    let mut edited = prompt("edited");
    edited["version"] = json!(7);
    edited["status"] = json!("not-a-status");
    edited["display"]["content"] = json!("{{nobodyKnowsMe}} and 4242 4242 4242 4242");
    edited["modifiedBy"] = json!({"id": "console-user"});
    let stored = emu.seed(&[edited, prompt("plain")]).await;
    assert_eq!(stored.len(), 2);
    assert_eq!(stored[0]["version"], 7);
    assert_eq!(stored[0]["modifiedBy"]["id"], "console-user");
    assert_eq!(stored[1]["version"], 1);
    assert_eq!(stored[1]["modifiedBy"]["id"], "emulator");
    assert!(stored[1]["dateModified"].as_str().unwrap().ends_with('Z'));

    let read: Value = emu
        .get(&format!("{PROMPTS}/edited"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(read["status"], "not-a-status");
    assert_eq!(
        read["display"]["content"],
        "{{nobodyKnowsMe}} and 4242 4242 4242 4242"
    );
    let mut stale = prompt("edited");
    stale["version"] = json!(6);
    error_body(emu.put("edited", &stale).await, 409, "version.mismatch").await;
    stale["version"] = json!(7);
    let replaced: Value = emu.put("edited", &stale).await.json().await.unwrap();
    assert_eq!(replaced["version"], 8);
}

#[tokio::test]
async fn seeding_refuses_what_could_never_be_addressed() {
    let emu = Emu::start().await;
    let mut nameless = prompt("x");
    nameless.as_object_mut().unwrap().remove("id");
    let response = emu.admin("/__emulator/prompts", &json!([nameless])).await;
    error_body(response, 400, "bad.request").await;
    let response = emu
        .admin("/__emulator/prompts", &json!([prompt("bad id")]))
        .await;
    error_body(response, 400, "invalid.id").await;
    let response = emu
        .admin("/__emulator/prompts", &json!({"not": "an array"}))
        .await;
    error_body(response, 400, "bad.request").await;
    assert_eq!(
        emu.get(PROMPTS).await.json::<Value>().await.unwrap()["total"],
        0
    );
}

#[tokio::test]
async fn org_settings_change_at_once() {
    let emu = Emu::start().await;
    let response = emu
        .admin(
            "/__emulator/org",
            &json!({"context_variables": ["planName"]}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"context_variables": ["planName"], "pii_allow": [], "org_id": "emulator-org", "org_name": "Emulated org", "default_country_code": "US"})
    );
    let response = emu
        .admin("/__emulator/org", &json!({"pii_allow": ["x@example.com"]}))
        .await;
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"context_variables": ["planName"], "pii_allow": ["x@example.com"], "org_id": "emulator-org", "org_name": "Emulated org", "default_country_code": "US"})
    );
    let response = emu.admin("/__emulator/org", &json!({"pii": []})).await;
    error_body(response, 400, "bad.request").await;
}

#[tokio::test]
async fn organizations_me_names_the_org_and_its_id_can_be_set() {
    let emu = Emu::start().await;
    let me: Value = emu
        .get("/api/v2/organizations/me")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (&me["id"], &me["name"]),
        (&json!("emulator-org"), &json!("Emulated org"))
    );
    assert_eq!(me["selfUri"], "/api/v2/organizations/emulator-org");
    let response = emu
        .admin(
            "/__emulator/org",
            &json!({"org_id": "org-b", "org_name": "Billing"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let me: Value = emu
        .get("/api/v2/organizations/me")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (&me["id"], &me["name"]),
        (&json!("org-b"), &json!("Billing"))
    );
    let anonymous = emu
        .http
        .get(emu.url("/api/v2/organizations/me"))
        .send()
        .await
        .unwrap();
    error_body(anonymous, 401, "bad.credentials").await;
}

#[tokio::test]
async fn only_loopback_addresses_are_served() {
    for listen in ["0.0.0.0:0", "192.0.2.1:8080"] {
        let err = Emulator::start(EmulatorOptions {
            listen: listen.parse().unwrap(),
            ..options()
        })
        .await
        .unwrap_err();
        assert!(matches!(err, EmulatorError::NotLoopback { .. }), "{err:?}");
    }
    let v6 = Emulator::start(EmulatorOptions {
        listen: "[::1]:0".parse().unwrap(),
        ..options()
    })
    .await;
    // A machine without IPv6 loopback cannot bind it, but must not refuse it.
    assert!(!matches!(v6, Err(EmulatorError::NotLoopback { .. })));
}

#[tokio::test]
async fn options_out_of_range_are_refused() {
    let err = Emulator::start(EmulatorOptions {
        fail_rate: 1.5,
        ..options()
    })
    .await
    .unwrap_err();
    assert!(
        matches!(
            err,
            EmulatorError::InvalidOption {
                name: "fail_rate",
                ..
            }
        ),
        "{err:?}"
    );
}

async fn refused(addr: SocketAddr) -> bool {
    client()
        .get(format!("http://{addr}/__emulator/stats"))
        .send()
        .await
        .is_err()
}

#[tokio::test]
async fn shutdown_and_drop_stop_the_server() {
    let emulator = Emulator::start(options()).await.unwrap();
    let addr = emulator.addr();
    assert!(emulator.base_url().starts_with("http://127.0.0.1:"));
    assert!(!refused(addr).await);
    emulator.shutdown().await;
    assert!(refused(addr).await);

    let emulator = Emulator::start(options()).await.unwrap();
    let addr = emulator.addr();
    drop(emulator);
    tokio::task::yield_now().await;
    assert!(refused(addr).await);
}
