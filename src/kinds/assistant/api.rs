//! Assistants on the wire: the listing with each copilot expanded, the queue
//! bindings of every assistant in one listing, and writes through `PATCH` (the
//! assistant has no `PUT`) and the queues sub-resource.

use std::collections::BTreeMap;

use reqwest::Method;
use serde_json::{Map, Value, json};

use crate::kind::{Live, LiveSet};
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

/// A create is a POST, sent once, then one PATCH of its queues; an update is a
/// PATCH of the assistant when its own fields change, then the queues: one
/// PATCH for what is added or changed, one DELETE for what it serves now and
/// should not. What it serves is read at the write, not taken from the plan: a
/// queue another assistant took meanwhile is not taken back by a delete.
pub(super) async fn put(
    client: &Client,
    id: Option<&str>,
    values: &Value,
) -> Result<Outcome<Live>, RemoteError> {
    match id {
        None => create(client, values).await,
        Some(id) => update(client, id, values).await,
    }
}

async fn create(client: &Client, values: &Value) -> Result<Outcome<Live>, RemoteError> {
    let url = wire::url(client, COLLECTION, None);
    let made: Outcome<Value> = client
        .create_object(url, &body_over(&Value::Null, values))
        .await?;
    let id = id_of(&made.value, "POST /api/v2/assistants")?;
    let add: Vec<Value> = queues_of(values).iter().map(bound).collect();
    if let Err(e) = bind(client, &id, &add, &[]).await {
        // The assistant exists without the queues it was made for. It is
        // removed again, so that the change fails whole and nothing is left
        // behind; if that fails too, what landed is settled by reading.
        let made_url = wire::url(client, COLLECTION, Some(&id));
        return Err(match client.delete_object(made_url).await {
            Ok(_) => e,
            Err(_) => RemoteError::Transport {
                request: format!("PATCH /api/v2/assistants/{id}/queues"),
                message: format!(
                    "assistant `{id}` was created, binding its queues failed ({e}), and removing it again failed too"
                ),
                sent: true,
            },
        });
    }
    let values = to_values(&made.value, &add);
    let object = wire::live(&made.value, values);
    Ok(made.map(|_| object.unwrap_or_else(|| fallback(&id))))
}

async fn update(client: &Client, id: &str, values: &Value) -> Result<Outcome<Live>, RemoteError> {
    let url = wire::url(client, COLLECTION, Some(id));
    let (current, now) = tokio::join!(client.get_object::<Value>(url.clone()), served(client, id));
    let (current, now) = (current?.unwrap_or(Value::Null), now?);
    // A change of queues alone writes nothing to the assistant itself.
    let outcome = if !current.is_null()
        && without_queues(&to_values(&current, &[])) == without_queues(values)
    {
        Outcome {
            value: current,
            status: 200,
            attempts: 1,
            context_id: None,
        }
    } else {
        client
            .write_object(Method::PATCH, url, &body_over(&current, values))
            .await?
    };
    let wanted = queues_of(values);
    let serving: Vec<(String, Vec<String>)> = now.iter().map(binding).collect();
    let add: Vec<Value> = wanted
        .iter()
        .filter(|q| !serving.contains(q))
        .map(bound)
        .collect();
    let remove: Vec<&str> = serving
        .iter()
        .filter(|(queue, _)| !wanted.iter().any(|(w, _)| w == queue))
        .map(|(queue, _)| queue.as_str())
        .collect();
    bind(client, id, &add, &remove).await?;
    let all: Vec<Value> = wanted.iter().map(bound).collect();
    let object = wire::live(&outcome.value, to_values(&outcome.value, &all));
    Ok(outcome.map(|_| object.unwrap_or_else(|| fallback(id))))
}

/// The assistant's id in an answer.
fn id_of(answer: &Value, request: &str) -> Result<String, RemoteError> {
    answer
        .get("id")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| RemoteError::Decode {
            request: request.to_owned(),
            message: "the answer holds no assistant id".into(),
        })
}

fn fallback(id: &str) -> Live {
    Live {
        id: id.to_owned(),
        values: Value::Null,
        version: 0,
        modified_by: None,
        created: None,
    }
}

/// A binding as the API takes it.
fn bound((queue, media): &(String, Vec<String>)) -> Value {
    json!({"id": queue, "mediaTypes": media})
}

/// Who serves each queue `values` bind that assistant `id` does not serve yet,
/// as `live` shows it: `{queue id: assistant id, or "" for none}`.
pub(super) fn owners(values: &Value, id: Option<&str>, live: &LiveSet) -> Option<Value> {
    let mut owners = Map::new();
    for (queue, _) in queues_of(values) {
        let owner = live.of_kind(super::NAME).find(|a| {
            a.values
                .get("queue")
                .and_then(Value::as_array)
                .is_some_and(|qs| qs.iter().any(|q| text(q, "id") == queue))
        });
        match owner {
            Some(owner) if Some(owner.id.as_str()) == id => {}
            Some(owner) => {
                owners.insert(queue, owner.id.clone().into());
            }
            None => {
                owners.insert(queue, "".into());
            }
        }
    }
    (!owners.is_empty()).then_some(Value::Object(owners))
}

/// The first queue of `expects` that an assistant other than the one the plan
/// saw (and other than `id` itself) serves now, said as a reason; `None` when
/// every one is as planned or free. Taking it would switch off a copilot nobody
/// reviewed losing it.
pub(super) async fn owners_moved(
    client: &Client,
    id: Option<&str>,
    expects: &Value,
) -> Result<Option<String>, RemoteError> {
    let Some(expected) = expects.as_object().filter(|e| !e.is_empty()) else {
        return Ok(None);
    };
    let ids: Vec<&str> = expected.keys().map(String::as_str).collect();
    let query = ids.join(",");
    let now: Vec<Value> = client
        .cursor_pages_with(
            BINDINGS,
            &[("queueIds", query.as_str()), ("expand", "assistant")],
            PAGE_SIZE,
            &|_, _| {},
        )
        .await?;
    for binding in &now {
        let queue = text(binding, "id");
        let owner = binding
            .pointer("/assistant/id")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let planned = expected
            .get(&queue)
            .and_then(Value::as_str)
            .unwrap_or_default();
        if owner.is_empty() || owner == planned || Some(owner) == id {
            continue;
        }
        let name = binding
            .pointer("/assistant/name")
            .and_then(Value::as_str)
            .unwrap_or("?");
        return Ok(Some(format!(
            "queue `{queue}` is served by assistant \"{name}\" (`{owner}`) since the plan, which did not see it take the queue"
        )));
    }
    Ok(None)
}

/// The assistant's own fields: its values without the queues, which are
/// written by requests of their own.
pub(super) fn without_queues(values: &Value) -> Value {
    let mut own = values.clone();
    if let Some(map) = own.as_object_mut() {
        map.remove("queue");
    }
    own
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

/// The fields of the assistant assistform manages, written over what
/// `current` holds of them (`Value::Null` for a create): what they hold beside
/// (`knowledgeBases`, fields newer than this build) goes back as it is. A
/// knowledge block taken out of the configuration is removed (`null`).
fn body_over(current: &Value, values: &Value) -> Value {
    let object = |name: &str| {
        current
            .get(name)
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    };
    let mut body = Map::new();
    body.insert("name".into(), text(values, "name").into());
    let mut transcription = object("transcriptionConfig");
    transcription.insert(
        "vendorName".into(),
        text(values, "transcription_vendor").into(),
    );
    body.insert("transcriptionConfig".into(), Value::Object(transcription));
    match values.get("knowledge").and_then(|k| k.get(0)) {
        Some(k) => {
            let mut config = object("knowledgeSuggestionConfig");
            config.insert("vendorName".into(), text(k, "vendor").into());
            let base = text(k, "knowledge_base_id");
            if base.is_empty() {
                config.remove("knowledgeBase");
            } else {
                let mut reference = config
                    .get("knowledgeBase")
                    .and_then(Value::as_object)
                    .cloned()
                    .unwrap_or_default();
                reference.insert("id".into(), base.into());
                match text(k, "language") {
                    language if language.is_empty() => reference.remove("languageCode"),
                    language => reference.insert("languageCode".into(), language.into()),
                };
                config.insert("knowledgeBase".into(), Value::Object(reference));
            }
            body.insert("knowledgeSuggestionConfig".into(), Value::Object(config));
        }
        None if current
            .get("knowledgeSuggestionConfig")
            .is_some_and(|k| !k.is_null()) =>
        {
            body.insert("knowledgeSuggestionConfig".into(), Value::Null);
        }
        None => {}
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
        assert_eq!(to_values(&body_over(&Value::Null, &values), &bound), values);
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
