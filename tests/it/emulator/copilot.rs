//! An assistant's copilot (GENESYS.md): replaced whole, read-only fields ignored,
//! fields the SDK does not model kept, the language fixed once set, rules and
//! fallbacks checked per the digest, its permissions, and a hold on its PUT.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::assistants::{ASSISTANTS, as_client, create, grant, id, token};
use super::responses::{ok, send};
use super::{Emu, EmulatorOptions, error_body, options};
use crate::hold::{Hold, Stage};

/// A valid copilot with one rule per action type named, the first without an id.
fn copilot(language: &str, actions: &[&str]) -> Value {
    let rules: Vec<Value> = actions
        .iter()
        .enumerate()
        .map(|(i, action)| {
            let mut rule = json!({
                "enabled": i % 2 == 0,
                "rule": {
                    "conditions": [{"conditionType": "Intent", "conditionValues": ["billing", "refund"]}],
                    "actions": [{"actionType": action, "attributes": {"responseId": format!("r{i}")}}],
                },
            });
            if i > 0 {
                rule["id"] = json!(format!("rule-{i}"));
            }
            rule
        })
        .collect();
    json!({
        "liveOnQueue": true,
        "defaultLanguage": language,
        "nluEngineType": "NluV3",
        "nluConfig": {"domain": {"id": "domain-1", "useLatestVersion": true}, "intentConfidenceThreshold": 0.7},
        "ruleEngineConfig": {
            "rules": rules,
            "fallback": {"enabled": true, "actions": [{"actionType": "KnowledgeSearch"}]},
        },
    })
}

async fn assistant_path(emu: &Emu) -> String {
    format!("{ASSISTANTS}/{}", id(&create(emu, "Copilot host").await))
}

#[tokio::test]
async fn a_put_keeps_unmodelled_fields_ignores_read_only_ones_and_names_new_rules() {
    let emu = Emu::start().await;
    let path = format!("{}/copilot", assistant_path(&emu).await);
    let mut sent = copilot("en-US", &["CannedResponse", "Checklist", "Script"]);
    sent["enabled"] = json!(false);
    sent["selfUri"] = json!("/elsewhere");
    sent["nluConfig"]["domain"]["selfUri"] = json!("/domains/elsewhere");
    sent["agentScriptConfig"] = json!({"notInTheSdk": ["kept", 1]});
    sent["ruleEngineConfig"]["rules"][1]["rule"]["priority"] = json!(3);
    let stored = ok(send(&emu, Method::PUT, &path, &sent).await).await;
    assert_eq!(stored["enabled"], true, "derived: it has a language now");
    assert_eq!(stored["selfUri"], path);
    assert!(
        stored["nluConfig"]["domain"].get("selfUri").is_none(),
        "{stored}"
    );
    assert_eq!(
        stored["agentScriptConfig"],
        json!({"notInTheSdk": ["kept", 1]})
    );
    let rules = stored["ruleEngineConfig"]["rules"].as_array().unwrap();
    assert_eq!(rules[1]["rule"]["priority"], 3);
    let fresh = rules[0]["id"].as_str().unwrap();
    assert!(uuid::Uuid::parse_str(fresh).is_ok(), "a server id: {fresh}");
    assert_eq!(
        (rules[1]["id"].clone(), rules[2]["id"].clone()),
        (json!("rule-1"), json!("rule-2"))
    );
    assert_eq!(rules[2]["enabled"], true);
    assert_eq!(
        rules[1]["rule"]["actions"][0]["attributes"],
        json!({"responseId": "r1"})
    );
    assert_eq!(ok(emu.get(&path).await).await, stored);

    // Sent back as read (read-only fields and all), nothing changes: ids round-trip.
    let again = ok(send(&emu, Method::PUT, &path, &stored).await).await;
    assert_eq!(again, stored);
    // A rule with the id of another is refused.
    let mut twin = stored.clone();
    twin["ruleEngineConfig"]["rules"][2]["id"] = json!("rule-1");
    let error = error_body(
        send(&emu, Method::PUT, &path, &twin).await,
        400,
        "bad.request",
    )
    .await;
    assert_eq!(
        error["messageParams"]["field"],
        "ruleEngineConfig.rules[2].id"
    );
    // Whole object: what a PUT leaves out is gone.
    let bare = json!({"liveOnQueue": false, "defaultLanguage": "en-US"});
    let replaced = ok(send(&emu, Method::PUT, &path, &bare).await).await;
    assert_eq!(
        replaced,
        json!({"liveOnQueue": false, "defaultLanguage": "en-US", "enabled": true, "selfUri": path})
    );
    for method in [Method::PATCH, Method::DELETE, Method::POST] {
        let refused = send(&emu, method.clone(), &path, &bare).await;
        error_body(refused, 405, "method.not.allowed").await;
    }
    let missing = send(
        &emu,
        Method::PUT,
        &format!("{ASSISTANTS}/nothing/copilot"),
        &json!({}),
    )
    .await;
    error_body(missing, 404, "not.found").await;
}

#[tokio::test]
async fn the_default_language_cannot_change_once_set() {
    let emu = Emu::start().await;
    let path = format!("{}/copilot", assistant_path(&emu).await);
    let required = error_body(
        send(&emu, Method::PUT, &path, &json!({"liveOnQueue": true})).await,
        400,
        "bad.request",
    )
    .await;
    assert_eq!(required["messageParams"]["field"], "defaultLanguage");
    assert_eq!(required["errors"][0]["code"], "required.field.missing");
    ok(send(&emu, Method::PUT, &path, &copilot("en-US", &["Script"])).await).await;
    let changed = send(&emu, Method::PUT, &path, &copilot("es-US", &["Script"])).await;
    let error = error_body(changed, 400, "bad.request").await;
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains("`defaultLanguage` cannot be changed once set"),
        "{message}"
    );
    assert!(
        message.contains("en-US") && message.contains("es-US"),
        "{message}"
    );
    assert_eq!(error["errors"][0]["code"], "default.language.immutable");
    assert_eq!(ok(emu.get(&path).await).await["defaultLanguage"], "en-US");
    let mut same = copilot("en-US", &["Script"]);
    same["liveOnQueue"] = json!(false);
    assert_eq!(
        ok(send(&emu, Method::PUT, &path, &same).await).await["liveOnQueue"],
        false
    );
}

#[tokio::test]
async fn the_threshold_rules_and_fallback_are_checked_per_the_digest() {
    let emu = Emu::start().await;
    let path = format!("{}/copilot", assistant_path(&emu).await);
    let valid = copilot(
        "en-US",
        &[
            "KnowledgeArticle",
            "CannedResponse",
            "Script",
            "Checklist",
            "ThirdPartyAction",
        ],
    );
    ok(send(&emu, Method::PUT, &path, &valid).await).await;
    // What to set where (a JSON pointer; null stands for absent), and the field
    // the refusal must name.
    let rule = "/ruleEngineConfig/rules";
    let cases = [
        (
            "/nluConfig/intentConfidenceThreshold",
            json!(0),
            "nluConfig.intentConfidenceThreshold",
        ),
        (
            "/nluConfig/intentConfidenceThreshold",
            json!(1),
            "nluConfig.intentConfidenceThreshold",
        ),
        (
            "/nluConfig/intentConfidenceThreshold",
            json!(1.2),
            "nluConfig.intentConfidenceThreshold",
        ),
        (
            "/nluConfig/domain",
            json!({"id": "d"}),
            "nluConfig.domain.useLatestVersion",
        ),
        (
            "/ruleEngineConfig/fallback/actions/0/actionType",
            json!("Checklist"),
            "ruleEngineConfig.fallback.actions[0].actionType",
        ),
        (
            &format!("{rule}/0/rule/actions/0/actionType"),
            json!("KnowledgeSearch"),
            "ruleEngineConfig.rules[0].rule.actions[0].actionType",
        ),
        (
            &format!("{rule}/0/rule/conditions"),
            json!([]),
            "ruleEngineConfig.rules[0].rule.conditions",
        ),
        (
            &format!("{rule}/0/rule/conditions/0/conditionType"),
            json!("Sometimes"),
            "ruleEngineConfig.rules[0].rule.conditions[0].conditionType",
        ),
        (
            &format!("{rule}/1/enabled"),
            Value::Null,
            "ruleEngineConfig.rules[1].enabled",
        ),
        (
            &format!("{rule}/1/rule/actions"),
            json!(vec![json!({"actionType": "Script"}); 101]),
            "ruleEngineConfig.rules[1].rule.actions",
        ),
        (
            &format!("{rule}/1/rule/actions/0/attributes"),
            json!({"responseId": 5}),
            "ruleEngineConfig.rules[1].rule.actions[0].attributes.responseId",
        ),
        ("/liveOnQueue", json!("yes"), "liveOnQueue"),
    ];
    for (pointer, value, field) in cases {
        let mut body = valid.clone();
        *body
            .pointer_mut(pointer)
            .expect("a field of the valid copilot") = value;
        let refused = send(&emu, Method::PUT, &path, &body).await;
        let error = error_body(refused, 400, "bad.request").await;
        assert_eq!(error["messageParams"]["field"], field, "{error}");
        assert!(
            error["message"]
                .as_str()
                .unwrap()
                .contains(&format!("`{field}`")),
            "{error}"
        );
    }
    let mut edge = valid.clone();
    edge["nluConfig"]["intentConfidenceThreshold"] = json!(0.999);
    ok(send(&emu, Method::PUT, &path, &edge).await).await;
    assert_eq!(
        ok(emu.get(&path).await).await["nluConfig"]["intentConfidenceThreshold"],
        0.999
    );
}

#[tokio::test]
async fn a_client_without_copilot_edit_is_refused_with_it_named() {
    let emu = Emu::with(EmulatorOptions {
        clients: vec![grant(
            "reader",
            &["assistants:copilot:view", "assistants:assistant:*"],
        )],
        ..options()
    })
    .await;
    let path = format!("{}/copilot", assistant_path(&emu).await);
    let reader = token(&emu, "reader").await;
    let read = ok(as_client(&emu, &reader, Method::GET, &path, &Value::Null).await).await;
    let refused = as_client(
        &emu,
        &reader,
        Method::PUT,
        &path,
        &copilot("en-US", &["Script"]),
    )
    .await;
    let error = error_body(refused, 403, "missing.permissions").await;
    assert_eq!(
        error["message"],
        "Unable to perform the requested action. You are missing the following permission(s): assistants:copilot:edit"
    );
    assert_eq!(
        error["messageParams"]["permissions"],
        "assistants:copilot:edit"
    );
    assert_eq!(ok(emu.get(&path).await).await, read, "nothing changed");
    // `expand=copilot` needs only the assistant's view permission, as the digest says.
    let listed = ok(as_client(
        &emu,
        &reader,
        Method::GET,
        &format!("{ASSISTANTS}?expand=copilot"),
        &Value::Null,
    )
    .await)
    .await;
    assert_eq!(listed["entities"][0]["copilot"], read);
}

#[tokio::test]
async fn a_hold_on_any_copilot_put_parks_it_before_it_lands() {
    let emu = Emu::start().await;
    let path = format!("{}/copilot", assistant_path(&emu).await);
    let hold = Hold::arm(
        &emu.emulator.base_url(),
        "PUT",
        &format!("{ASSISTANTS}/*/copilot"),
        Stage::Before,
    )
    .await;
    let body = copilot("en-US", &["Script"]);
    let put = send(&emu, Method::PUT, &path, &body);
    let control = async {
        assert_eq!(hold.caught().await, path);
        // Parked before processing: the copilot is still the default one.
        assert_eq!(ok(emu.get(&path).await).await["enabled"], false);
        hold.release().await;
    };
    let (answer, ()) = tokio::join!(put, control);
    assert_eq!(answer.status(), StatusCode::OK);
    assert_eq!(ok(emu.get(&path).await).await["enabled"], true);
}
