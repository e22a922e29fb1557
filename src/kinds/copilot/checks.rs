//! The rules of a copilot: the digest's enums and bounds, and the one setting
//! Genesys never changes once set.

use serde_json::Value;

use super::NAME;
use crate::diagnostic::Code;
use crate::kind::{CheckContext, Finding, LiveSet, Native, reference};
use crate::kinds::agent_checklist::checks::is_language_tag;
use crate::kinds::canned_response::checks::pii;
use crate::kinds::findings::{error, not_one_of, required};
use crate::kinds::wire::text;

const CONDITION_TYPES: &[&str] = &[
    "Intent",
    "ConversationStart",
    "ConversationTransfer",
    "ConversationEnd",
];
const ACTION_TYPES: &[&str] = &[
    "KnowledgeArticle",
    "CannedResponse",
    "Script",
    "Checklist",
    "ThirdPartyAction",
];
/// A fallback acts without a checklist, and may search knowledge instead.
const FALLBACK_ACTION_TYPES: &[&str] = &[
    "KnowledgeArticle",
    "CannedResponse",
    "Script",
    "KnowledgeSearch",
    "ThirdPartyAction",
];
/// The most conditions, actions and attributes of one action the API takes.
const MAX_ITEMS: usize = 100;

fn list<'v>(values: &'v Value, name: &str) -> &'v [Value] {
    values
        .get(name)
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice)
}

pub fn check(values: &Value, cx: CheckContext) -> Vec<Finding> {
    let mut out = Vec::new();
    if text(values, "assistant_id").trim().is_empty() {
        out.push(required(
            "assistant_id",
            "Name the assistant this copilot belongs to: `assistant_id = assistant.<label>.id`.",
        ));
    }
    let language = text(values, "default_language");
    if language.trim().is_empty() {
        out.push(required(
            "default_language",
            "Every copilot needs a `default_language`, such as \"en-US\"; it cannot be changed once set.",
        ));
    } else if !is_language_tag(&language) {
        out.push(error(
            Code::SchemaEnum,
            "default_language",
            format!("`default_language` is \"{language}\", which is not a language tag"),
            "Write a BCP 47 tag such as \"en-US\" or \"es-ES\".".into(),
        ));
    }
    if let Some(nlu) = list(values, "language_understanding").first() {
        if text(nlu, "domain_id").trim().is_empty() {
            out.push(required(
                "language_understanding.domain_id",
                "Name the NLU domain whose intents the rules match.",
            ));
        }
        let threshold = nlu
            .get("intent_confidence_threshold")
            .and_then(Value::as_f64)
            .unwrap_or(0.0);
        if !(threshold > 0.0 && threshold < 1.0) {
            out.push(error(
                Code::ConfidenceRange,
                "language_understanding.intent_confidence_threshold",
                format!("`intent_confidence_threshold` is {threshold}"),
                "It must be greater than 0 and less than 1, such as 0.6.".into(),
            ));
        }
    }
    for (label, rule) in values
        .get("rule")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let at = format!("rule.{label}");
        if label.is_empty() || label.contains(['.', '[', ']']) {
            out.push(error(
                Code::SchemaLabel,
                &at,
                format!("`{label}` cannot be a rule label"),
                "A rule's label is its id in Genesys: any text but empty, without `.`, `[` or `]`."
                    .into(),
            ));
        }
        let conditions = list(rule, "condition");
        out.extend(count(&at, "condition", conditions.len()));
        for (i, condition) in conditions.iter().enumerate() {
            let here = format!("{at}.condition[{i}]");
            let kind = text(condition, "type");
            if !CONDITION_TYPES.contains(&kind.as_str()) {
                out.push(not_one_of(&format!("{here}.type"), &kind, CONDITION_TYPES));
            }
            let values = list(condition, "values");
            if kind == "Intent" && values.is_empty() {
                out.push(required(
                    &format!("{here}.values"),
                    "An `Intent` condition names the intents it fires on, such as `[\"cancel subscription\"]`.",
                ));
            }
            for (j, v) in values.iter().enumerate() {
                let v = v.as_str().unwrap_or_default();
                out.extend(pii(
                    v,
                    &format!("{here}.values[{j}]"),
                    "The condition value",
                    false,
                    cx,
                ));
            }
        }
        out.extend(actions(&at, rule, ACTION_TYPES, cx));
    }
    if let Some(fallback) = list(values, "fallback").first() {
        out.extend(actions("fallback", fallback, FALLBACK_ACTION_TYPES, cx));
    }
    out
}

fn count(at: &str, name: &str, n: usize) -> Option<Finding> {
    if n == 0 {
        return Some(required(
            &format!("{at}.{name}"),
            &format!("A rule needs at least one `{name}` block."),
        ));
    }
    (n > MAX_ITEMS).then(|| {
        error(
            Code::SchemaRequired,
            at,
            format!("`{at}` has {n} `{name}` blocks"),
            format!("Genesys takes at most {MAX_ITEMS}."),
        )
    })
}

fn actions(at: &str, holder: &Value, allowed: &[&str], cx: CheckContext) -> Vec<Finding> {
    let mut out = Vec::new();
    let actions = list(holder, "action");
    if at != "fallback" {
        out.extend(count(at, "action", actions.len()));
    }
    for (i, action) in actions.iter().enumerate() {
        let here = format!("{at}.action[{i}]");
        let kind = text(action, "type");
        if !allowed.contains(&kind.as_str()) {
            out.push(not_one_of(&format!("{here}.type"), &kind, allowed));
        }
        let attributes = action.get("attributes").and_then(Value::as_object);
        if attributes.map_or(0, serde_json::Map::len) > MAX_ITEMS {
            out.push(error(
                Code::SchemaRequired,
                &format!("{here}.attributes"),
                "too many action attributes".into(),
                format!("Genesys takes at most {MAX_ITEMS}."),
            ));
        }
        for (key, value) in attributes.into_iter().flatten() {
            let value = value.as_str().unwrap_or_default();
            if !reference::is_unknown(value) {
                out.extend(pii(
                    value,
                    &format!("{here}.attributes.{key}"),
                    "The attribute",
                    false,
                    cx,
                ));
            }
        }
    }
    out
}

/// A copilot's language is fixed once set: changing it is refused by Genesys,
/// so it is a plan error, never a write.
pub fn language_kept(values: &Value, live: &LiveSet) -> Vec<Finding> {
    let assistant = text(values, "assistant_id");
    let Some(now) = live.get(NAME, &assistant) else {
        return Vec::new();
    };
    let (was, wanted) = (
        text(&now.values, "default_language"),
        text(values, "default_language"),
    );
    if was.is_empty() || was == wanted {
        return Vec::new();
    }
    vec![error(
        Code::PlanImmutable,
        "default_language",
        format!("`default_language` cannot change from \"{was}\" to \"{wanted}\""),
        format!(
            "Genesys fixes a copilot's language once it is set. Keep \"{was}\", or make a new assistant for \"{wanted}\"."
        ),
    )]
}

/// Two blocks for one assistant's copilot would overwrite each other at every
/// apply: the second is an error.
pub fn one_per_assistant(objects: &[&dyn Native]) -> Vec<(usize, Finding)> {
    let ids: Vec<String> = objects
        .iter()
        .map(|o| text(&o.values(), "assistant_id"))
        .collect();
    ids.iter()
        .enumerate()
        .filter(|(i, id)| !id.is_empty() && ids[..*i].contains(id))
        .map(|(i, id)| {
            let named =
                reference::target(id).map_or_else(|| format!("`{id}`"), |a| format!("`{a}`"));
            (
                i,
                error(
                    Code::SchemaDuplicateId,
                    "assistant_id",
                    format!("another `copilot` block is the copilot of {named}"),
                    "An assistant has one copilot; merge the two blocks.".into(),
                ),
            )
        })
        .collect()
}
