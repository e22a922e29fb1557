//! The rules of an assistant: its own, those of all of them together (a queue
//! serves one), and those only the org shows (a queue an assistant outside the
//! configuration serves).

use serde_json::Value;

use super::{MEDIA_TYPES, NAME, VENDORS};
use crate::diagnostic::Code;
use crate::kind::{CheckContext, Finding, LiveSet, Native, reference};
use crate::kinds::canned_response::checks::pii;
use crate::kinds::findings::{error, not_one_of, required, warning};
use crate::kinds::wire::text;

/// The knowledge-suggestion vendors Genesys knows.
const KNOWLEDGE_VENDORS: &[&str] = &[
    "GenesysKnowledge",
    "GenesysKnowledgeV3",
    "GoogleDialogflow",
    "Unknown",
];

fn queues(values: &Value) -> &[Value] {
    values
        .get("queue")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice)
}

pub fn check(values: &Value, cx: CheckContext) -> Vec<Finding> {
    let mut out = Vec::new();
    let name = text(values, "name");
    if name.trim().is_empty() {
        out.push(required("name", "Every assistant needs a `name`."));
    }
    out.extend(pii(&name, "name", "The name", false, cx));
    let vendor = text(values, "transcription_vendor");
    if !VENDORS.contains(&vendor.as_str()) {
        out.push(not_one_of("transcription_vendor", &vendor, VENDORS));
    }
    if let Some(k) = values.get("knowledge").and_then(|k| k.get(0)) {
        let vendor = text(k, "vendor");
        if !KNOWLEDGE_VENDORS.contains(&vendor.as_str()) {
            out.push(not_one_of("knowledge.vendor", &vendor, KNOWLEDGE_VENDORS));
        }
    }
    for (i, queue) in queues(values).iter().enumerate() {
        let at = format!("queue[{i}]");
        if text(queue, "id").trim().is_empty() {
            out.push(required(
                &format!("{at}.id"),
                "Every `queue` needs the `id` of a Genesys queue.",
            ));
        }
        let media: Vec<&str> = queue
            .get("media_types")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        if media.is_empty() {
            out.push(required(
                &format!("{at}.media_types"),
                "Name the media the assistant serves on this queue, such as `[\"Call\", \"Message\"]`.",
            ));
        }
        for (j, m) in media.iter().enumerate() {
            if !MEDIA_TYPES.contains(m) {
                out.push(not_one_of(
                    &format!("{at}.media_types[{j}]"),
                    m,
                    MEDIA_TYPES,
                ));
            }
        }
        if let Some(j) = queues(values)[..i]
            .iter()
            .position(|q| text(q, "id") == text(queue, "id"))
        {
            out.push(error(
                Code::QueueDuplicate,
                &format!("{at}.id"),
                format!("queue `{}` is bound twice", text(queue, "id")),
                format!("`queue[{j}]` binds it already; merge their `media_types`."),
            ));
        }
    }
    out
}

/// A queue that two assistants of the configuration bind: one would take it
/// from the other at every apply.
pub fn queues_claimed_twice(objects: &[&dyn Native]) -> Vec<(usize, Finding)> {
    let values: Vec<Value> = objects.iter().map(|o| o.values()).collect();
    let mut out = Vec::new();
    for (i, object) in values.iter().enumerate() {
        for (q, queue) in queues(object).iter().enumerate() {
            let id = text(queue, "id");
            if id.is_empty() || reference::is_unknown(&id) {
                continue;
            }
            let first = values[..i]
                .iter()
                .find(|other| queues(other).iter().any(|o| text(o, "id") == id));
            if let Some(first) = first {
                out.push((
                    i,
                    error(
                        Code::QueueDuplicate,
                        &format!("queue[{q}].id"),
                        format!("queue `{id}` is bound by two assistants"),
                        format!(
                            "Assistant \"{}\" binds it too, and a queue serves one assistant: each apply would take it from the other. Keep it in one of them.",
                            text(first, "name")
                        ),
                    ),
                ));
            }
        }
    }
    out
}

/// A queue that an assistant outside the configuration serves: taking it would
/// switch off that assistant's copilot on it, so the plan refuses unless the
/// block says `take_over = true`, and then says so.
pub fn queues_served_elsewhere(
    values: &Value,
    id: Option<&str>,
    live: &LiveSet,
    managed: &dyn Fn(&str, &str) -> bool,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, queue) in queues(values).iter().enumerate() {
        let queue_id = text(queue, "id");
        let serving = live.of_kind(NAME).find(|a| {
            Some(a.id.as_str()) != id && queues(&a.values).iter().any(|q| text(q, "id") == queue_id)
        });
        let Some(serving) = serving else { continue };
        if managed(NAME, &serving.id) {
            continue;
        }
        let who = format!(
            "assistant \"{}\" (`{}`)",
            text(&serving.values, "name"),
            serving.id
        );
        let take_over = queue
            .get("take_over")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        if take_over {
            out.push(warning(
                Code::PlanQueueServed,
                &format!("queue[{i}].id"),
                format!("takes queue `{queue_id}` from {who}, which is outside the configuration;"),
                "its copilot stops serving that queue (`take_over = true`).".into(),
            ));
        } else {
            out.push(error(
                Code::PlanQueueServed,
                &format!("queue[{i}].id"),
                format!("queue `{queue_id}` is served by {who}, which this configuration does not manage"),
                "A queue serves one assistant: binding it here would silently switch off that assistant's copilot on it. Set `take_over = true` in this `queue` block to take it, or import that assistant.".into(),
            ));
        }
    }
    out
}
