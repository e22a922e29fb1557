//! Assistants on the wire: the listing with each copilot expanded, the queue
//! bindings of every assistant in one listing, and writes through `PATCH` (the
//! assistant has no `PUT`) and the queues sub-resource.

use std::collections::BTreeMap;

use reqwest::Method;
use serde_json::{Map, Value, json};

use crate::kind::Live;
use crate::kinds::copilot;
use crate::kinds::wire::{self, text};
use crate::remote::{Client, Outcome, RemoteError};

pub(super) const COLLECTION: &[&str] = &["assistants"];
const BINDINGS: &[&str] = &["assistants", "queues"];
/// The largest pages the listings serve.
const PAGE_SIZE: usize = 200;

/// Every assistant, each with the queues it serves, and each assistant's copilot
/// as the listing expanded it: the assistants' pages and the bindings' pages,
/// at the same time, and no request per assistant.
pub(super) async fn list(
    client: &Client,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<crate::kind::Listing, RemoteError> {
    let (assistants, bindings) = tokio::join!(
        client.cursor_pages_with::<Value>(
            COLLECTION,
            &[("expand", "copilot")],
            PAGE_SIZE,
            progress
        ),
        client.cursor_pages_with::<Value>(
            BINDINGS,
            &[("expand", "assistant")],
            PAGE_SIZE,
            progress
        ),
    );
    Ok(assemble(&assistants?, &bindings?))
}

/// Every copilot, without the queue bindings: the assistants' pages alone.
pub(crate) async fn copilots(
    client: &Client,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Vec<Live>, RemoteError> {
    let assistants: Vec<Value> = client
        .cursor_pages_with(COLLECTION, &[("expand", "copilot")], PAGE_SIZE, progress)
        .await?;
    Ok(assemble(&assistants, &[])
        .1
        .into_iter()
        .map(|(_, l)| l)
        .collect())
}

/// The assistants with the queues each serves, and their copilots along.
fn assemble(assistants: &[Value], bindings: &[Value]) -> crate::kind::Listing {
    let mut queues: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for binding in bindings {
        if let Some(owner) = binding.pointer("/assistant/id").and_then(Value::as_str) {
            queues
                .entry(owner.to_owned())
                .or_default()
                .push(binding.clone());
        }
    }
    let mut own = Vec::new();
    let mut along = Vec::new();
    for assistant in assistants {
        let Some(id) = assistant.get("id").and_then(Value::as_str) else {
            continue;
        };
        let served = queues.get(id).map_or(&[][..], Vec::as_slice);
        if let Some(object) = wire::live(assistant, to_values(assistant, served)) {
            own.push(object);
        }
        if let Some(found) = assistant.get("copilot").filter(|c| c.is_object()) {
            along.push((copilot::NAME, copilot::live(id, found)));
        }
    }
    (wire::newest_once(own), along)
}

/// One assistant with its queues; `None` when there is none with that id.
pub(super) async fn get(client: &Client, id: &str) -> Result<Option<Live>, RemoteError> {
    let Some(assistant) = wire::get(client, COLLECTION, id).await? else {
        return Ok(None);
    };
    let queues = served(client, id).await?;
    Ok(wire::live(&assistant, to_values(&assistant, &queues)))
}

/// The queues assistant `id` serves.
async fn served(client: &Client, id: &str) -> Result<Vec<Value>, RemoteError> {
    client
        .cursor_pages(&["assistants", id, "queues"], PAGE_SIZE, &|_, _| {})
        .await
}

/// A create is a POST, sent once, then the queues; an update is a PATCH of the
/// assistant, then the queues: one PATCH for what is added or changed, one
/// DELETE for what it serves now and should not. What it serves is read at the
/// write, not taken from the plan: a queue another assistant took meanwhile is
/// not taken back by a delete.
pub(super) async fn put(
    client: &Client,
    id: Option<&str>,
    values: &Value,
) -> Result<Outcome<Live>, RemoteError> {
    let body = to_body(values);
    let creating = id.is_none();
    let (outcome, now): (Outcome<Value>, Vec<Value>) = match id {
        None => {
            let made: Outcome<Value> = client
                .create_object(wire::url(client, COLLECTION, None), &body)
                .await?;
            (made, Vec::new())
        }
        Some(id) => {
            let now = served(client, id).await?;
            let patched = client
                .write_object(
                    Method::PATCH,
                    wire::url(client, COLLECTION, Some(id)),
                    &body,
                )
                .await?;
            (patched, now)
        }
    };
    let Some(id) = outcome
        .value
        .get("id")
        .and_then(Value::as_str)
        .map(str::to_owned)
    else {
        return Err(RemoteError::Decode {
            request: "POST /api/v2/assistants".into(),
            message: "the answer holds no assistant id".into(),
        });
    };
    let wanted = queues_of(values);
    let serving: Vec<(String, Vec<String>)> = now.iter().map(binding).collect();
    let add: Vec<Value> = wanted
        .iter()
        .filter(|q| !serving.contains(q))
        .map(|(queue, media)| json!({"id": queue, "mediaTypes": media}))
        .collect();
    let remove: Vec<&str> = serving
        .iter()
        .filter(|(queue, _)| !wanted.iter().any(|(w, _)| w == queue))
        .map(|(queue, _)| queue.as_str())
        .collect();
    let bound: Vec<Value> = match bind(client, &id, &add, &remove).await {
        Ok(()) => wanted
            .iter()
            .map(|(queue, media)| json!({"id": queue, "mediaTypes": media}))
            .collect(),
        // The assistant exists now: it is answered, so that the state records
        // it and nothing creates it twice; the next plan shows the queues still
        // to bind.
        Err(_) if creating => Vec::new(),
        Err(e) => return Err(e),
    };
    let object = wire::live(&outcome.value, to_values(&outcome.value, &bound));
    Ok(outcome.map(|_| {
        object.unwrap_or_else(|| Live {
            id,
            values: values.clone(),
            version: 0,
            modified_by: None,
            created: None,
        })
    }))
}

/// Binds `add` to assistant `id` and unbinds `remove` from it.
async fn bind(
    client: &Client,
    id: &str,
    add: &[Value],
    remove: &[&str],
) -> Result<(), RemoteError> {
    if !add.is_empty() {
        let url = wire::url(client, &["assistants", id, "queues"], None);
        let _: Outcome<Value> = client
            .write_object(Method::PATCH, url, &Value::Array(add.to_vec()))
            .await?;
    }
    if !remove.is_empty() {
        let mut url = wire::url(client, &["assistants", id, "queues"], None);
        url.query_pairs_mut()
            .append_pair("queueIds", &remove.join(","));
        client.delete_object(url).await?;
    }
    Ok(())
}

/// A binding as `(queue id, media types sorted)`.
fn binding(queue: &Value) -> (String, Vec<String>) {
    let mut media: Vec<String> = queue
        .get("mediaTypes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect();
    media.sort();
    (text(queue, "id"), media)
}

/// The queues `values` bind, as [`binding`]s.
fn queues_of(values: &Value) -> Vec<(String, Vec<String>)> {
    values
        .get("queue")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|q| {
            let mut media: Vec<String> = q
                .get("media_types")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect();
            media.sort();
            (text(q, "id"), media)
        })
        .collect()
}

fn to_values(assistant: &Value, queues: &[Value]) -> Value {
    let knowledge: Vec<Value> = assistant
        .get("knowledgeSuggestionConfig")
        .filter(|k| k.is_object())
        .map(|k| {
            json!({
                "vendor": text(k, "vendorName"),
                "knowledge_base_id": k.pointer("/knowledgeBase/id").and_then(Value::as_str).unwrap_or_default(),
                "language": k.pointer("/knowledgeBase/languageCode").and_then(Value::as_str).unwrap_or_default(),
            })
        })
        .into_iter()
        .collect();
    let mut values = json!({
        "name": text(assistant, "name"),
        "transcription_vendor": assistant
            .pointer("/transcriptionConfig/vendorName")
            .and_then(Value::as_str)
            .unwrap_or_default(),
        "knowledge": knowledge,
        "queue": queues
            .iter()
            .map(binding)
            .map(|(id, media)| json!({"id": id, "media_types": media}))
            .collect::<Vec<_>>(),
    });
    normalize(&mut values);
    values
}

fn to_body(values: &Value) -> Value {
    let mut body = Map::new();
    body.insert("name".into(), text(values, "name").into());
    body.insert(
        "transcriptionConfig".into(),
        json!({"vendorName": text(values, "transcription_vendor")}),
    );
    if let Some(k) = values.get("knowledge").and_then(|k| k.get(0)) {
        let mut config = Map::new();
        config.insert("vendorName".into(), text(k, "vendor").into());
        let base = text(k, "knowledge_base_id");
        if !base.is_empty() {
            let mut reference = Map::new();
            reference.insert("id".into(), base.into());
            let language = text(k, "language");
            if !language.is_empty() {
                reference.insert("languageCode".into(), language.into());
            }
            config.insert("knowledgeBase".into(), Value::Object(reference));
        }
        body.insert("knowledgeSuggestionConfig".into(), Value::Object(config));
    }
    Value::Object(body)
}

/// Queues by id, each one's media sorted: neither order means anything.
pub(super) fn normalize(values: &mut Value) {
    let Some(Value::Array(queues)) = values.get_mut("queue") else {
        return;
    };
    for queue in queues.iter_mut() {
        if let Some(Value::Array(media)) = queue.get_mut("media_types") {
            media.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
        }
    }
    queues.sort_by_key(|q| text(q, "id"));
}

/// `before` without the queues `other_after` binds: binding them takes them.
pub(super) fn taken_by(before: &Value, other_after: &Value) -> Option<Value> {
    let taken: Vec<String> = queues_of(other_after)
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let mut left = before.clone();
    let Some(Value::Array(queues)) = left.get_mut("queue") else {
        return None;
    };
    let had = queues.len();
    queues.retain(|q| !taken.contains(&text(q, "id")));
    (queues.len() != had).then_some(left)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_through_the_api_shape() {
        let values = json!({
            "name": "Support",
            "transcription_vendor": "Genesys",
            "knowledge": [{"vendor": "GenesysKnowledge", "knowledge_base_id": "kb-1", "language": "en-US"}],
            "queue": [
                {"id": "q-a", "media_types": ["Call", "Message"]},
                {"id": "q-b", "media_types": ["Message"]},
            ],
        });
        let bound: Vec<Value> = queues_of(&values)
            .into_iter()
            .map(|(id, media)| json!({"id": id, "mediaTypes": media}))
            .collect();
        assert_eq!(to_values(&to_body(&values), &bound), values);
    }

    #[test]
    fn a_queue_another_takes_leaves_the_giver() {
        let a = json!({"name": "A", "queue": [{"id": "q1", "media_types": []}, {"id": "q2", "media_types": []}]});
        let b = json!({"name": "B", "queue": [{"id": "q2", "media_types": ["Call"]}]});
        let left = taken_by(&a, &b).unwrap();
        assert_eq!(left["queue"], json!([{"id": "q1", "media_types": []}]));
        assert_eq!(taken_by(&b, &json!({"queue": []})), None);
    }
}
