//! What a copilot body must hold: the digest's `Copilot`, `NluConfig`,
//! `CopilotNluDomain`, `RuleEngineConfig`, `RuleConfig`, `CopilotRule`,
//! `CopilotCondition`, `CopilotAction`, `Fallback` and `CopilotFallbackAction`,
//! with GENESYS.md's rule that `defaultLanguage` cannot change once set. Every
//! problem is answered at once in one 400, each naming its field.
//!
//! Read-only fields (`enabled`, the `selfUri`s) are dropped. Everything else is
//! kept as sent, fields the emulator does not model too: live copilots carry
//! fields the SDK does not have, and a client must be able to carry them back.

use serde_json::{Map, Value};

use super::assistant_checks::required_enum;
use super::error::ApiError;
use super::response_checks::Problems;

/// The read-only fields, by their path from the copilot.
const READ_ONLY: &[&[&str]] = &[
    &["enabled"],
    &["selfUri"],
    &["nluConfig", "domain", "selfUri"],
    &["nluConfig", "domain", "version", "selfUri"],
    &["summaryGenerationConfig", "summarySetting", "selfUri"],
];

const NLU_ENGINES: &[&str] = &["NluV3"];
const CONDITION_TYPES: &[&str] = &[
    "Intent",
    "ConversationStart",
    "ConversationTransfer",
    "ConversationEnd",
];
const RULE_ACTIONS: &[&str] = &[
    "KnowledgeArticle",
    "CannedResponse",
    "Script",
    "Checklist",
    "ThirdPartyAction",
];
/// No `Checklist` here, and `KnowledgeSearch` only here.
const FALLBACK_ACTIONS: &[&str] = &[
    "KnowledgeArticle",
    "CannedResponse",
    "Script",
    "KnowledgeSearch",
    "ThirdPartyAction",
];
const AUTO_SEARCH_TYPES: &[&str] = &[
    "ArticlesOnly",
    "ArticlesWithAnswerHighlights",
    "AnswerGeneration",
];

/// The digest's bounds: "at least 1 element and maximum 100 elements"; "Maximum
/// 100 of string key-value pair allowed".
const MAX_CONDITIONS: usize = 100;
const MAX_ACTIONS: usize = 100;
const MAX_ATTRIBUTES: usize = 100;

/// Settings objects whose one required field is a boolean.
const SWITCHES: &[(&str, &str)] = &[
    ("summaryGenerationConfig", "enabled"),
    ("wrapupCodePredictionConfig", "enabled"),
    ("knowledgeAnswerConfig", "enabled"),
    ("answerGenerationConfig", "enabled"),
];

/// A valid copilot, some of whose rules may still need an id.
#[derive(Debug)]
pub(crate) struct CopilotDraft {
    fields: Map<String, Value>,
    /// The positions of the rules sent without an id.
    unnamed: Vec<usize>,
    /// The ids the client gave its rules.
    named: Vec<String>,
}

impl CopilotDraft {
    /// The copilot to store: each rule sent without an id gets one from `fresh`
    /// that no other rule of the copilot has.
    pub fn into_fields(mut self, mut fresh: impl FnMut() -> String) -> Map<String, Value> {
        let rules = self
            .fields
            .get_mut("ruleEngineConfig")
            .and_then(|engine| engine.get_mut("rules"))
            .and_then(Value::as_array_mut);
        if let Some(rules) = rules {
            for i in self.unnamed {
                let id = loop {
                    let id = fresh();
                    if !self.named.contains(&id) {
                        break id;
                    }
                };
                if let Some(rule) = rules.get_mut(i).and_then(Value::as_object_mut) {
                    rule.insert("id".into(), id.into());
                }
            }
        }
        self.fields
    }
}

/// The copilot in `body`, or a 400 naming every field at fault. `language` is the
/// `defaultLanguage` the copilot already has, which the body may not change.
pub(crate) fn copilot(
    mut body: Map<String, Value>,
    language: Option<&str>,
) -> Result<CopilotDraft, ApiError> {
    for path in READ_ONLY {
        remove_at(&mut body, path);
    }
    let mut problems = Problems::default();
    required_bool(&mut problems, &body, "liveOnQueue", "liveOnQueue");
    problems.required_text(&body, "defaultLanguage", "defaultLanguage");
    if let (Some(set), Some(given)) = (
        language,
        body.get("defaultLanguage").and_then(Value::as_str),
    ) && set != given
    {
        problems.push(
            "defaultLanguage",
            "default.language.immutable",
            &format!("cannot be changed once set: it is `{set}`, not `{given}`"),
        );
    }
    problems.one_of(&body, "nluEngineType", "nluEngineType", NLU_ENGINES);
    nlu_config(&mut problems, &body);
    let (unnamed, named) = rule_engine(&mut problems, &body);
    settings(&mut problems, &body);
    problems.into_result("copilot")?;
    Ok(CopilotDraft {
        fields: body,
        unnamed,
        named,
    })
}

fn remove_at(body: &mut Map<String, Value>, path: &[&str]) {
    match path {
        [] => {}
        [last] => {
            body.remove(*last);
        }
        [first, rest @ ..] => {
            if let Some(Value::Object(inner)) = body.get_mut(*first) {
                remove_at(inner, rest);
            }
        }
    }
}

/// `nluConfig`: a `domain` (`id`, `useLatestVersion`, and a `version{id}` when not
/// the latest) and an `intentConfidenceThreshold` strictly between 0 and 1.
fn nlu_config(problems: &mut Problems, body: &Map<String, Value>) {
    let Some(nlu) = object_at(problems, body, "nluConfig", "nluConfig", false) else {
        return;
    };
    if let Some(domain) = object_at(problems, nlu, "domain", "nluConfig.domain", true) {
        problems.required_text(domain, "id", "nluConfig.domain.id");
        let latest = required_bool(
            problems,
            domain,
            "useLatestVersion",
            "nluConfig.domain.useLatestVersion",
        );
        let version = object_at(
            problems,
            domain,
            "version",
            "nluConfig.domain.version",
            false,
        );
        match version {
            Some(version) => problems.required_text(version, "id", "nluConfig.domain.version.id"),
            None if latest == Some(false)
                && matches!(domain.get("version"), None | Some(Value::Null)) =>
            {
                problems.push(
                    "nluConfig.domain.version",
                    "required.field.missing",
                    "is required when `useLatestVersion` is false",
                );
            }
            None => {}
        }
    }
    const THRESHOLD: &str = "nluConfig.intentConfidenceThreshold";
    match nlu.get("intentConfidenceThreshold") {
        None | Some(Value::Null) => {
            problems.push(THRESHOLD, "required.field.missing", "is required")
        }
        Some(Value::Number(n)) => {
            if !n.as_f64().is_some_and(|x| x > 0.0 && x < 1.0) {
                problems.push(
                    THRESHOLD,
                    "invalid.value",
                    &format!("must be greater than 0 and less than 1, not {n}"),
                );
            }
        }
        Some(_) => problems.push(THRESHOLD, "invalid.value", "must be a number"),
    }
}

/// `ruleEngineConfig`: its `rules` and `fallback`. Answers the positions of the
/// rules without an id, and the ids given.
fn rule_engine(problems: &mut Problems, body: &Map<String, Value>) -> (Vec<usize>, Vec<String>) {
    let (mut unnamed, mut named) = (Vec::new(), Vec::<String>::new());
    let Some(engine) = object_at(
        problems,
        body,
        "ruleEngineConfig",
        "ruleEngineConfig",
        false,
    ) else {
        return (unnamed, named);
    };
    let rules = list_at(problems, engine, "rules", "ruleEngineConfig.rules", true);
    for (i, rule) in rules.iter().enumerate() {
        let at = format!("ruleEngineConfig.rules[{i}]");
        let Some(rule) = rule.as_object() else {
            problems.push(&at, "invalid.value", "must be an object");
            continue;
        };
        match rule.get("id") {
            None | Some(Value::Null) => unnamed.push(i),
            Some(Value::String(id)) if !id.trim().is_empty() => {
                if named.contains(id) {
                    problems.push(
                        &format!("{at}.id"),
                        "invalid.value",
                        &format!("is `{id}`, the id of an earlier rule: rule ids are unique within a copilot"),
                    );
                } else {
                    named.push(id.clone());
                }
            }
            Some(_) => problems.push(
                &format!("{at}.id"),
                "invalid.value",
                "must be a non-empty string",
            ),
        }
        required_bool(problems, rule, "enabled", &format!("{at}.enabled"));
        let at = format!("{at}.rule");
        if let Some(inner) = object_at(problems, rule, "rule", &at, true) {
            let conditions = bounded(problems, inner, "conditions", &at, MAX_CONDITIONS);
            for (j, condition) in conditions.iter().enumerate() {
                self::condition(problems, condition, &format!("{at}.conditions[{j}]"));
            }
            let actions = bounded(problems, inner, "actions", &at, MAX_ACTIONS);
            for (j, action) in actions.iter().enumerate() {
                self::action(
                    problems,
                    action,
                    &format!("{at}.actions[{j}]"),
                    RULE_ACTIONS,
                );
            }
        }
    }
    let at = "ruleEngineConfig.fallback";
    if let Some(fallback) = object_at(problems, engine, "fallback", at, false) {
        optional_bool(problems, fallback, "enabled", &format!("{at}.enabled"));
        let actions = list_at(
            problems,
            fallback,
            "actions",
            &format!("{at}.actions"),
            false,
        );
        for (j, action) in actions.iter().enumerate() {
            self::action(
                problems,
                action,
                &format!("{at}.actions[{j}]"),
                FALLBACK_ACTIONS,
            );
        }
    }
    (unnamed, named)
}

/// The list `key` of `inner`, which must hold 1 to `max` elements.
fn bounded<'a>(
    problems: &mut Problems,
    inner: &'a Map<String, Value>,
    key: &str,
    at: &str,
    max: usize,
) -> &'a [Value] {
    let field = format!("{at}.{key}");
    let items = list_at(problems, inner, key, &field, true);
    if items.is_empty() && inner.get(key).is_some_and(Value::is_array) {
        problems.push(
            &field,
            "required.field.missing",
            &format!("must hold 1 to {max} {key}"),
        );
    } else if items.len() > max {
        problems.push(
            &field,
            "invalid.value",
            &format!("holds {} {key}; at most {max} are allowed", items.len()),
        );
    }
    items
}

fn condition(problems: &mut Problems, condition: &Value, at: &str) {
    let Some(condition) = condition.as_object() else {
        problems.push(at, "invalid.value", "must be an object");
        return;
    };
    required_enum(
        problems,
        condition,
        &format!("{at}.conditionType"),
        CONDITION_TYPES,
    );
    let field = format!("{at}.conditionValues");
    let values = list_at(problems, condition, "conditionValues", &field, true);
    for (k, value) in values.iter().enumerate() {
        if !value.is_string() {
            problems.push(
                &format!("{field}[{k}]"),
                "invalid.value",
                "must be a string",
            );
        }
    }
}

/// An action: an `actionType` of `allowed`, and `attributes` of at most 100
/// strings.
fn action(problems: &mut Problems, action: &Value, at: &str, allowed: &[&str]) {
    let Some(action) = action.as_object() else {
        problems.push(at, "invalid.value", "must be an object");
        return;
    };
    required_enum(problems, action, &format!("{at}.actionType"), allowed);
    let field = format!("{at}.attributes");
    match action.get("attributes") {
        None | Some(Value::Null) => {}
        Some(Value::Object(attributes)) => {
            if attributes.len() > MAX_ATTRIBUTES {
                problems.push(
                    &field,
                    "invalid.value",
                    &format!(
                        "holds {} attributes; at most {MAX_ATTRIBUTES} are allowed",
                        attributes.len()
                    ),
                );
            }
            for (key, value) in attributes {
                if !value.is_string() {
                    problems.push(
                        &format!("{field}.{key}"),
                        "invalid.value",
                        "must be a string",
                    );
                }
            }
        }
        Some(_) => problems.push(&field, "invalid.value", "must be an object of strings"),
    }
}

/// The settings objects: their required switches, `autoSearchConfig.type`, and
/// `manualSearchConfig`'s flags.
fn settings(problems: &mut Problems, body: &Map<String, Value>) {
    for (name, switch) in SWITCHES {
        if let Some(settings) = object_at(problems, body, name, name, false) {
            required_bool(problems, settings, switch, &format!("{name}.{switch}"));
        }
    }
    if let Some(auto) = object_at(
        problems,
        body,
        "autoSearchConfig",
        "autoSearchConfig",
        false,
    ) {
        problems.one_of(auto, "type", "autoSearchConfig.type", AUTO_SEARCH_TYPES);
    }
    if let Some(manual) = object_at(
        problems,
        body,
        "manualSearchConfig",
        "manualSearchConfig",
        false,
    ) {
        for flag in ["articlesWithAnswerHighlights", "answerGeneration"] {
            optional_bool(
                problems,
                manual,
                flag,
                &format!("manualSearchConfig.{flag}"),
            );
        }
    }
}

/// The object `key` of `body`; a problem when it is something else, or absent
/// and `required`.
fn object_at<'a>(
    problems: &mut Problems,
    body: &'a Map<String, Value>,
    key: &str,
    field: &str,
    required: bool,
) -> Option<&'a Map<String, Value>> {
    match body.get(key) {
        None | Some(Value::Null) => {
            if required {
                problems.push(field, "required.field.missing", "is required");
            }
            None
        }
        Some(Value::Object(inner)) => Some(inner),
        Some(_) => {
            problems.push(field, "invalid.value", "must be an object");
            None
        }
    }
}

/// The elements of the list `key` of `body`; a problem when it is something else,
/// or absent and `required`.
fn list_at<'a>(
    problems: &mut Problems,
    body: &'a Map<String, Value>,
    key: &str,
    field: &str,
    required: bool,
) -> &'a [Value] {
    match body.get(key) {
        None | Some(Value::Null) => {
            if required {
                problems.push(field, "required.field.missing", "is required");
            }
            &[]
        }
        Some(Value::Array(items)) => items,
        Some(_) => {
            problems.push(field, "invalid.value", "must be a list");
            &[]
        }
    }
}

fn required_bool(
    problems: &mut Problems,
    body: &Map<String, Value>,
    key: &str,
    field: &str,
) -> Option<bool> {
    match body.get(key) {
        None | Some(Value::Null) => {
            problems.push(field, "required.field.missing", "is required");
            None
        }
        Some(Value::Bool(b)) => Some(*b),
        Some(_) => {
            problems.push(field, "invalid.value", "must be true or false");
            None
        }
    }
}

fn optional_bool(problems: &mut Problems, body: &Map<String, Value>, key: &str, field: &str) {
    match body.get(key) {
        None | Some(Value::Null | Value::Bool(_)) => {}
        Some(_) => problems.push(field, "invalid.value", "must be true or false"),
    }
}

#[cfg(test)]
#[path = "copilot_checks_tests.rs"]
mod tests;
