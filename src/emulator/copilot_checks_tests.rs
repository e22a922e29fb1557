use serde_json::{Value, json};

use super::*;

fn fields(value: Value) -> Map<String, Value> {
    value.as_object().cloned().unwrap()
}

fn named(error: &ApiError) -> Vec<&str> {
    error
        .errors
        .iter()
        .map(|e| e.params["field"].as_str().unwrap())
        .collect()
}

fn rule(id: Option<&str>, action: &str) -> Value {
    let mut rule = json!({
        "enabled": true,
        "rule": {
            "conditions": [{"conditionType": "Intent", "conditionValues": ["billing"]}],
            "actions": [{"actionType": action, "attributes": {"responseId": "r1"}}],
        },
    });
    if let Some(id) = id {
        rule["id"] = json!(id);
    }
    rule
}

fn valid() -> Value {
    json!({
        "liveOnQueue": true,
        "defaultLanguage": "en-US",
        "nluEngineType": "NluV3",
        "nluConfig": {
            "domain": {"id": "d", "useLatestVersion": true, "selfUri": "/domains/d"},
            "intentConfidenceThreshold": 0.6,
        },
        "ruleEngineConfig": {
            "rules": [rule(Some("mine"), "CannedResponse"), rule(None, "Checklist")],
            "fallback": {"enabled": true, "actions": [{"actionType": "KnowledgeSearch"}]},
        },
    })
}

#[test]
fn read_only_fields_go_unknown_ones_stay_and_unnamed_rules_get_ids() {
    let mut body = valid();
    body["enabled"] = json!(false);
    body["selfUri"] = json!("/elsewhere");
    body["somethingNew"] = json!({"kept": [1, 2]});
    body["ruleEngineConfig"]["rules"][0]["rule"]["futureFlag"] = json!(true);
    let draft = copilot(fields(body), None).unwrap();
    let mut ids = ["mine", "fresh"].into_iter();
    let stored = draft.into_fields(|| ids.next().unwrap_or("spare").to_owned());
    // "mine" is the first rule's already: the second gets the next fresh id.
    assert!(!stored.contains_key("enabled") && !stored.contains_key("selfUri"));
    assert!(stored["nluConfig"]["domain"].get("selfUri").is_none());
    assert_eq!(stored["somethingNew"], json!({"kept": [1, 2]}));
    let rules = stored["ruleEngineConfig"]["rules"].as_array().unwrap();
    assert_eq!(rules[0]["id"], "mine");
    assert_eq!(rules[0]["rule"]["futureFlag"], true);
    assert_eq!(rules[1]["id"], "fresh");
}

#[test]
fn the_default_language_is_required_and_then_fixed() {
    let error = copilot(fields(json!({})), None).unwrap_err();
    assert_eq!(named(&error), ["liveOnQueue", "defaultLanguage"]);
    assert!(copilot(fields(valid()), Some("en-US")).is_ok());
    let error = copilot(fields(valid()), Some("fr-FR")).unwrap_err();
    assert_eq!(named(&error), ["defaultLanguage"]);
    assert_eq!(error.errors[0].code, "default.language.immutable");
    assert!(
        error.message.contains("cannot be changed once set"),
        "{}",
        error.message
    );
}

#[test]
fn the_threshold_lies_strictly_between_zero_and_one() {
    for (threshold, ok) in [
        (json!(0.5), true),
        (json!(0.0001), true),
        (json!(0), false),
        (json!(1), false),
        (json!(1.5), false),
        (json!(-0.1), false),
        (json!("0.5"), false),
        (Value::Null, false),
    ] {
        let mut body = valid();
        body["nluConfig"]["intentConfidenceThreshold"] = threshold.clone();
        let checked = copilot(fields(body), None);
        assert_eq!(checked.is_ok(), ok, "{threshold}");
        if let Err(error) = checked {
            assert_eq!(named(&error), ["nluConfig.intentConfidenceThreshold"]);
        }
    }
    let mut body = valid();
    body["nluConfig"]["domain"] = json!({"id": "d", "useLatestVersion": false});
    let error = copilot(fields(body.clone()), None).unwrap_err();
    assert_eq!(named(&error), ["nluConfig.domain.version"]);
    body["nluConfig"]["domain"] = json!({"id": "d"});
    let error = copilot(fields(body), None).unwrap_err();
    assert_eq!(named(&error), ["nluConfig.domain.useLatestVersion"]);
}

#[test]
fn rules_and_fallbacks_are_checked_field_by_field() {
    let mut body = valid();
    let rules = &mut body["ruleEngineConfig"]["rules"];
    rules[1]["id"] = json!("mine");
    rules[0]["rule"]["conditions"] = json!([]);
    rules[0]["rule"]["actions"][0]["actionType"] = json!("KnowledgeSearch");
    rules[1]["rule"]["conditions"][0] = json!({"conditionType": "Whenever"});
    rules[1]["rule"]["actions"][0]["attributes"] = json!({"scriptId": 7});
    rules
        .as_array_mut()
        .unwrap()
        .push(json!({"rule": {"actions": []}}));
    body["ruleEngineConfig"]["fallback"]["actions"] = json!([{"actionType": "Checklist"}]);
    let error = copilot(fields(body), None).unwrap_err();
    assert_eq!(
        named(&error),
        [
            "ruleEngineConfig.rules[0].rule.conditions",
            "ruleEngineConfig.rules[0].rule.actions[0].actionType",
            "ruleEngineConfig.rules[1].id",
            "ruleEngineConfig.rules[1].rule.conditions[0].conditionType",
            "ruleEngineConfig.rules[1].rule.conditions[0].conditionValues",
            "ruleEngineConfig.rules[1].rule.actions[0].attributes.scriptId",
            "ruleEngineConfig.rules[2].enabled",
            "ruleEngineConfig.rules[2].rule.conditions",
            "ruleEngineConfig.rules[2].rule.actions",
            "ruleEngineConfig.fallback.actions[0].actionType",
        ]
    );
}

#[test]
fn a_hundred_of_each_is_the_most() {
    let mut body = valid();
    let condition = json!({"conditionType": "ConversationStart", "conditionValues": []});
    let attributes: Map<String, Value> = (0..100).map(|i| (format!("k{i}"), json!("v"))).collect();
    let inner = &mut body["ruleEngineConfig"]["rules"][0]["rule"];
    inner["conditions"] = Value::Array(vec![condition.clone(); 100]);
    inner["actions"][0]["attributes"] = Value::Object(attributes.clone());
    assert!(copilot(fields(body.clone()), None).is_ok());
    let inner = &mut body["ruleEngineConfig"]["rules"][0]["rule"];
    inner["conditions"] = Value::Array(vec![condition; 101]);
    let mut more = attributes;
    more.insert("k100".into(), json!("v"));
    inner["actions"][0]["attributes"] = Value::Object(more);
    let error = copilot(fields(body), None).unwrap_err();
    assert_eq!(
        named(&error),
        [
            "ruleEngineConfig.rules[0].rule.conditions",
            "ruleEngineConfig.rules[0].rule.actions[0].attributes",
        ]
    );
}
