//! Copilots on the wire: `GET` and whole-object `PUT` of
//! `/api/v2/assistants/{id}/copilot`. A write starts from the copilot as it is
//! now, replaces what assistform manages, and sends back the rest unchanged —
//! fields this build does not know included — without the read-only ones.

use serde_json::{Map, Value, json};

use super::ACTION_REFERENCES;
use crate::kind::Live;
use crate::kinds::wire::{self, text};
use crate::remote::{Client, Outcome, RemoteError};
use reqwest::Method;

fn path(assistant: &str) -> [&str; 3] {
    ["assistants", assistant, "copilot"]
}

/// The copilot of assistant `assistant`, as the API answers it, in values.
pub(crate) fn live(assistant: &str, copilot: &Value) -> Live {
    Live {
        id: assistant.to_owned(),
        values: to_values(assistant, copilot),
        version: 0,
        modified_by: None,
        created: None,
    }
}

pub(super) async fn get(client: &Client, assistant: &str) -> Result<Option<Live>, RemoteError> {
    Ok(now(client, assistant).await?.map(|c| live(assistant, &c)))
}

/// The copilot as it is now; `None` when its assistant is gone.
async fn now(client: &Client, assistant: &str) -> Result<Option<Value>, RemoteError> {
    client
        .get_object(wire::url(client, &path(assistant), None))
        .await
}

pub(super) async fn put(client: &Client, values: &Value) -> Result<Outcome<Live>, RemoteError> {
    let assistant = text(values, "assistant_id");
    let current = now(client, &assistant).await?.unwrap_or_else(|| json!({}));
    let body = merged(&current, values);
    let url = wire::url(client, &path(&assistant), None);
    let outcome: Outcome<Value> = client.write_object(Method::PUT, url, &body).await?;
    Ok(outcome.map(|answer| live(&assistant, &answer)))
}

/// The copilot with no rules and not live on its queues; what it holds beside
/// (its language, which never changes, its settings) stays.
pub(super) async fn reset(client: &Client, assistant: &str) -> Result<Outcome<()>, RemoteError> {
    let Some(current) = now(client, assistant).await? else {
        // Its assistant is gone, and the copilot with it.
        return Ok(Outcome {
            value: (),
            status: 404,
            attempts: 1,
            context_id: None,
        });
    };
    let mut reset = to_values(assistant, &current);
    reset["live_on_queue"] = Value::Bool(false);
    reset["rule"] = json!({});
    reset["fallback"] = json!([]);
    let body = merged(&current, &reset);
    let url = wire::url(client, &path(assistant), None);
    let outcome: Outcome<Value> = client.write_object(Method::PUT, url, &body).await?;
    Ok(outcome.map(|_| ()))
}

/// `current` with what `values` manage put in, and without read-only fields.
/// Every object assistform writes into — the language understanding, a rule,
/// its conditions and actions (by position), the fallback — starts from what
/// the copilot holds there now, so that fields this build does not manage go
/// back unchanged.
fn merged(current: &Value, values: &Value) -> Value {
    let mut body = object(Some(current));
    for read_only in ["enabled", "id"] {
        body.remove(read_only);
    }
    body.insert(
        "liveOnQueue".into(),
        values
            .get("live_on_queue")
            .cloned()
            .unwrap_or(Value::Bool(false)),
    );
    body.insert(
        "defaultLanguage".into(),
        text(values, "default_language").into(),
    );
    match values.get("language_understanding").and_then(|l| l.get(0)) {
        Some(nlu) => {
            let mut config = object(body.get("nluConfig"));
            let mut domain = object(config.get("domain"));
            domain.insert("id".into(), text(nlu, "domain_id").into());
            domain.insert(
                "useLatestVersion".into(),
                nlu.get("use_latest_version")
                    .cloned()
                    .unwrap_or(Value::Bool(true)),
            );
            match text(nlu, "domain_version_id") {
                version if version.is_empty() => domain.remove("version"),
                version => {
                    let mut pinned = object(domain.get("version"));
                    pinned.insert("id".into(), version.into());
                    domain.insert("version".into(), Value::Object(pinned))
                }
            };
            config.insert("domain".into(), Value::Object(domain));
            config.insert(
                "intentConfidenceThreshold".into(),
                nlu.get("intent_confidence_threshold")
                    .cloned()
                    .unwrap_or(Value::Null),
            );
            body.insert("nluConfig".into(), Value::Object(config));
        }
        None => {
            body.remove("nluConfig");
        }
    }
    let mut engine = object(body.get("ruleEngineConfig"));
    let before: Vec<Value> = engine
        .get("rules")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let rules: Vec<Value> = values
        .get("rule")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(label, rule)| {
            let mut out = object(before.iter().find(|r| text(r, "id") == *label));
            let mut inner = object(out.get("rule"));
            let conditions = over_list(inner.get("conditions"), conditions_to_wire(rule));
            let actions = over_list(inner.get("actions"), actions_to_wire(rule));
            inner.insert("conditions".into(), conditions);
            inner.insert("actions".into(), actions);
            out.insert("id".into(), label.clone().into());
            out.insert(
                "enabled".into(),
                rule.get("enabled").cloned().unwrap_or(Value::Bool(true)),
            );
            out.insert("rule".into(), Value::Object(inner));
            Value::Object(out)
        })
        .collect();
    engine.insert("rules".into(), Value::Array(rules));
    let mut fallback = object(engine.get("fallback"));
    let (enabled, actions) = match values.get("fallback").and_then(|f| f.get(0)) {
        Some(f) => (
            f.get("enabled").cloned().unwrap_or(Value::Bool(true)),
            actions_to_wire(f),
        ),
        None => (Value::Bool(false), Vec::new()),
    };
    let actions = over_list(fallback.get("actions"), actions);
    fallback.insert("enabled".into(), enabled);
    fallback.insert("actions".into(), actions);
    engine.insert("fallback".into(), Value::Object(fallback));
    body.insert("ruleEngineConfig".into(), Value::Object(engine));
    let mut body = Value::Object(body);
    // `selfUri` is read-only wherever it is.
    drop_self_uris(&mut body);
    body
}

/// `value`'s fields, or none.
fn object(value: Option<&Value>) -> Map<String, Value> {
    value
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

/// Each of `new` written over the object at its position in `before`.
fn over_list(before: Option<&Value>, new: Vec<Map<String, Value>>) -> Value {
    let before = before.and_then(Value::as_array);
    new.into_iter()
        .enumerate()
        .map(|(i, fields)| {
            let mut out = object(before.and_then(|b| b.get(i)));
            out.extend(fields);
            Value::Object(out)
        })
        .collect()
}

fn drop_self_uris(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.remove("selfUri");
            map.values_mut().for_each(drop_self_uris);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_self_uris),
        _ => {}
    }
}

fn conditions_to_wire(rule: &Value) -> Vec<Map<String, Value>> {
    rule.get("condition")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|c| {
            let mut out = Map::new();
            out.insert("conditionType".into(), text(c, "type").into());
            out.insert(
                "conditionValues".into(),
                c.get("values").cloned().unwrap_or(json!([])),
            );
            out
        })
        .collect()
}

fn actions_to_wire(holder: &Value) -> Vec<Map<String, Value>> {
    holder
        .get("action")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|a| {
            let mut out = Map::new();
            out.insert("actionType".into(), text(a, "type").into());
            out.insert(
                "attributes".into(),
                a.get("attributes").cloned().unwrap_or(json!({})),
            );
            out
        })
        .collect()
}

fn actions_of(holder: &Value) -> Vec<Value> {
    holder
        .get("actions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|a| {
            json!({
                "type": text(a, "actionType"),
                "attributes": a.get("attributes").filter(|m| m.is_object()).cloned().unwrap_or(json!({})),
            })
        })
        .collect()
}

fn to_values(assistant: &str, copilot: &Value) -> Value {
    let nlu: Vec<Value> = copilot
        .get("nluConfig")
        .and_then(|n| n.get("domain").map(|d| (n, d)))
        .map(|(n, d)| {
            json!({
                "domain_id": text(d, "id"),
                "use_latest_version": d.get("useLatestVersion").and_then(Value::as_bool).unwrap_or(true),
                "domain_version_id": d.pointer("/version/id").and_then(Value::as_str).unwrap_or_default(),
                "intent_confidence_threshold": n.get("intentConfidenceThreshold").cloned().unwrap_or(json!(0)),
            })
        })
        .into_iter()
        .collect();
    let engine = copilot.get("ruleEngineConfig");
    let rules: Map<String, Value> = engine
        .and_then(|e| e.get("rules"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|r| {
            let inner = r.get("rule").cloned().unwrap_or(json!({}));
            let conditions: Vec<Value> = inner
                .get("conditions")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|c| json!({"type": text(c, "conditionType"), "values": c.get("conditionValues").cloned().unwrap_or(json!([]))}))
                .collect();
            (
                text(r, "id"),
                json!({
                    "enabled": r.get("enabled").and_then(Value::as_bool).unwrap_or(true),
                    "condition": conditions,
                    "action": actions_of(&inner),
                }),
            )
        })
        .collect();
    let fallback: Vec<Value> = engine
        .and_then(|e| e.get("fallback"))
        .filter(|f| f.is_object())
        .map(|f| {
            json!({
                "enabled": f.get("enabled").and_then(Value::as_bool).unwrap_or(false),
                "action": actions_of(f),
            })
        })
        .into_iter()
        .collect();
    let mut values = json!({
        "assistant_id": assistant,
        "live_on_queue": copilot.get("liveOnQueue").and_then(Value::as_bool).unwrap_or(false),
        "default_language": text(copilot, "defaultLanguage"),
        "language_understanding": nlu,
        "rule": rules,
        "fallback": fallback,
    });
    normalize(&mut values);
    values
}

/// A fallback that is off and does nothing is no fallback: the server's and a
/// configuration's ways of saying so compare equal.
pub(super) fn normalize(values: &mut Value) {
    let idle = values
        .get("fallback")
        .and_then(|f| f.get(0))
        .is_some_and(|f| {
            f.get("enabled") == Some(&Value::Bool(false))
                && f.get("action")
                    .and_then(Value::as_array)
                    .is_none_or(Vec::is_empty)
        });
    if idle {
        values["fallback"] = json!([]);
    }
}

/// A copilot as its assistant was made with: not live, no rules, no language
/// understanding, no fallback.
pub(super) fn is_blank(values: &Value) -> bool {
    values.get("live_on_queue") != Some(&Value::Bool(true))
        && values
            .get("rule")
            .and_then(Value::as_object)
            .is_none_or(Map::is_empty)
        && values
            .get("fallback")
            .and_then(Value::as_array)
            .is_none_or(Vec::is_empty)
        && values
            .get("language_understanding")
            .and_then(Value::as_array)
            .is_none_or(Vec::is_empty)
}

/// The canned responses and checklists the rules and fallback act on.
pub(super) fn points_at(values: &Value) -> Vec<(&'static str, String)> {
    let rules = values
        .get("rule")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|m| m.values());
    let fallback = values
        .get("fallback")
        .and_then(Value::as_array)
        .into_iter()
        .flatten();
    rules
        .chain(fallback)
        .flat_map(|holder| {
            holder
                .get("action")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
        })
        .filter_map(|action| action.get("attributes").and_then(Value::as_object))
        .flat_map(|attributes| {
            ACTION_REFERENCES.iter().filter_map(|(key, kind)| {
                attributes
                    .get(*key)
                    .and_then(Value::as_str)
                    .map(|id| (*kind, id.to_owned()))
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Value {
        json!({
            "assistant_id": "a-1",
            "live_on_queue": true,
            "default_language": "en-US",
            "language_understanding": [{"domain_id": "d-1", "use_latest_version": true, "domain_version_id": "", "intent_confidence_threshold": 0.6}],
            "rule": {
                "greet": {"enabled": true, "condition": [{"type": "ConversationStart", "values": []}], "action": [{"type": "Checklist", "attributes": {"checklistId": "c-1"}}]},
            },
            "fallback": [{"enabled": true, "action": [{"type": "KnowledgeSearch", "attributes": {}}]}],
        })
    }

    #[test]
    fn values_round_trip_through_the_api_shape() {
        let body = merged(&json!({}), &sample());
        assert_eq!(to_values("a-1", &body), sample());
        assert_eq!(body["ruleEngineConfig"]["rules"][0]["id"], "greet");
    }

    #[test]
    fn a_write_carries_back_what_it_does_not_manage_without_read_only_fields() {
        let current = json!({
            "enabled": true, "selfUri": "/x", "summaryGenerationConfig": {"enabled": true},
            "someFutureField": [1, 2],
            "ruleEngineConfig": {"rules": [{"id": "greet", "enabled": true, "priority": 3, "rule": {"conditions": [], "actions": []}}], "mode": "x"},
        });
        let body = merged(&current, &sample());
        assert_eq!(body["someFutureField"], json!([1, 2]));
        assert_eq!(body["summaryGenerationConfig"], json!({"enabled": true}));
        assert_eq!(body["ruleEngineConfig"]["mode"], "x");
        assert_eq!(body["ruleEngineConfig"]["rules"][0]["priority"], 3);
        assert!(body.get("enabled").is_none() && body.get("selfUri").is_none());
    }

    #[test]
    fn rules_point_at_what_their_actions_name() {
        assert_eq!(
            points_at(&sample()),
            [("agent_checklist", "c-1".to_owned())]
        );
    }
}
