//! What an assistant body must hold (the digest's `Assistant`,
//! `TranscriptionConfig`, `KnowledgeSuggestionConfig`) and what a queue binding
//! must (`AssistantQueue`). Every problem is answered at once in one 400, each
//! naming its field. Read-only fields are ignored; fields the emulator does not
//! model are kept as sent, so that a client that carries them back loses nothing.

use serde_json::{Map, Value};

use super::error::ApiError;
use super::response_checks::Problems;

/// The digest's read-only fields of `Assistant`: a body may carry them back, and
/// they are ignored (`copilot` has its own endpoint).
const READ_ONLY: &[&str] = &[
    "id",
    "state",
    "dateCreated",
    "dateModified",
    "createdBy",
    "modifiedBy",
    "copilot",
    "selfUri",
    "variationParent",
];

const TRANSCRIPTION_VENDORS: &[&str] = &["Genesys", "GoogleDialogflow", "Unknown"];
const KNOWLEDGE_VENDORS: &[&str] = &[
    "GoogleDialogflow",
    "GenesysKnowledge",
    "GenesysKnowledgeV3",
    "Unknown",
];
pub(crate) const MEDIA_TYPES: &[&str] = &["Call", "Email", "Message"];

/// A new assistant's writable fields, once valid.
pub(crate) fn assistant(body: Map<String, Value>) -> Result<Map<String, Value>, ApiError> {
    let fields = writable(body);
    check(&fields)?;
    Ok(fields)
}

/// The stored fields with a PATCH laid over them: each top-level field the body
/// carries replaces the stored one whole, `null` removes it, the others stay. The
/// result must be a valid assistant.
pub(crate) fn patched(
    stored: &Map<String, Value>,
    body: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let mut fields = stored.clone();
    for (key, value) in writable(body) {
        if value.is_null() {
            fields.remove(&key);
        } else {
            fields.insert(key, value);
        }
    }
    check(&fields)?;
    Ok(fields)
}

fn writable(mut body: Map<String, Value>) -> Map<String, Value> {
    for field in READ_ONLY {
        body.remove(*field);
    }
    body
}

fn check(fields: &Map<String, Value>) -> Result<(), ApiError> {
    let mut problems = Problems::default();
    problems.required_text(fields, "name", "name");
    // An absent `transcriptionConfig` is named by the field it lacks.
    let none = Map::new();
    match fields.get("transcriptionConfig") {
        None | Some(Value::Null) => required_enum(
            &mut problems,
            &none,
            "transcriptionConfig.vendorName",
            TRANSCRIPTION_VENDORS,
        ),
        Some(Value::Object(config)) => required_enum(
            &mut problems,
            config,
            "transcriptionConfig.vendorName",
            TRANSCRIPTION_VENDORS,
        ),
        Some(_) => problems.push("transcriptionConfig", "invalid.value", "must be an object"),
    }
    match fields.get("knowledgeSuggestionConfig") {
        None | Some(Value::Null) => {}
        Some(Value::Object(config)) => {
            required_enum(
                &mut problems,
                config,
                "knowledgeSuggestionConfig.vendorName",
                KNOWLEDGE_VENDORS,
            );
            knowledge_bases(&mut problems, config);
        }
        Some(_) => problems.push(
            "knowledgeSuggestionConfig",
            "invalid.value",
            "must be an object",
        ),
    }
    problems.into_result("assistant")
}

/// `field`'s last part in `body`: required, and one of `allowed`.
pub(crate) fn required_enum(
    problems: &mut Problems,
    body: &Map<String, Value>,
    field: &str,
    allowed: &[&str],
) {
    let key = field.rsplit('.').next().unwrap_or(field);
    match body.get(key) {
        None | Some(Value::Null) => problems.push(field, "required.field.missing", "is required"),
        Some(_) => problems.one_of(body, key, field, allowed),
    }
}

/// `knowledgeBase{id}` and each `knowledgeBases[i]{id, languageCode}`: the
/// digest's required fields.
fn knowledge_bases(problems: &mut Problems, config: &Map<String, Value>) {
    const AT: &str = "knowledgeSuggestionConfig";
    match config.get("knowledgeBase") {
        None | Some(Value::Null) => {}
        Some(Value::Object(base)) => {
            problems.required_text(base, "id", &format!("{AT}.knowledgeBase.id"));
        }
        Some(_) => problems.push(
            &format!("{AT}.knowledgeBase"),
            "invalid.value",
            "must be an object",
        ),
    }
    match config.get("knowledgeBases") {
        None | Some(Value::Null) => {}
        Some(Value::Array(bases)) => {
            for (i, base) in bases.iter().enumerate() {
                let at = format!("{AT}.knowledgeBases[{i}]");
                match base.as_object() {
                    Some(base) => {
                        problems.required_text(base, "id", &format!("{at}.id"));
                        problems.required_text(base, "languageCode", &format!("{at}.languageCode"));
                    }
                    None => problems.push(&at, "invalid.value", "must be an object"),
                }
            }
        }
        Some(_) => problems.push(
            &format!("{AT}.knowledgeBases"),
            "invalid.value",
            "must be a list",
        ),
    }
}

/// A queue binding's writable fields, once valid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct QueueDraft {
    pub id: String,
    /// Each once, in the order first given.
    pub media_types: Vec<String>,
}

/// The bindings of a `PATCH …/queues` body: a list of `{id, mediaTypes}`, each
/// queue once and known to the org.
pub(crate) fn queues(
    body: &Value,
    known: impl Fn(&str) -> bool,
) -> Result<Vec<QueueDraft>, ApiError> {
    let Value::Array(items) = body else {
        return Err(ApiError::bad_request(
            "The request body must be a list of queues, each `{\"id\", \"mediaTypes\"}`.",
        ));
    };
    let mut problems = Problems::default();
    let mut drafts: Vec<QueueDraft> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let Some(draft) = queue(&mut problems, item, &format!("[{i}]"), None, &known) else {
            continue;
        };
        if drafts.iter().any(|d| d.id == draft.id) {
            problems.push(
                &format!("[{i}].id"),
                "invalid.value",
                &format!("names the queue `{}` a second time", draft.id),
            );
        } else {
            drafts.push(draft);
        }
    }
    problems.into_result("queue list")?;
    Ok(drafts)
}

/// The binding of a `PUT …/queues/{queueId}` body: the path names the queue, and a
/// body `id`, when given, must be the same.
pub(crate) fn one_queue(
    body: &Value,
    queue_id: &str,
    known: impl Fn(&str) -> bool,
) -> Result<QueueDraft, ApiError> {
    let mut problems = Problems::default();
    let draft = queue(&mut problems, body, "", Some(queue_id), &known);
    problems.into_result("queue")?;
    draft.ok_or_else(|| ApiError::bad_request("The request body must be a queue object."))
}

/// One `{id, mediaTypes}` at `at` (`[3]`, or empty for a whole body); `path_id`
/// stands in for an absent `id`.
fn queue(
    problems: &mut Problems,
    item: &Value,
    at: &str,
    path_id: Option<&str>,
    known: &impl Fn(&str) -> bool,
) -> Option<QueueDraft> {
    let field = |key: &str| {
        if at.is_empty() {
            key.to_owned()
        } else {
            format!("{at}.{key}")
        }
    };
    let Some(item) = item.as_object() else {
        let whole = if at.is_empty() { "body" } else { at };
        problems.push(
            whole,
            "invalid.value",
            "must be an object `{id, mediaTypes}`",
        );
        return None;
    };
    let id = match (item.get("id"), path_id) {
        (None | Some(Value::Null), Some(path_id)) => Some(path_id.to_owned()),
        (Some(Value::String(id)), Some(path_id)) if id != path_id => {
            problems.push(
                &field("id"),
                "invalid.value",
                &format!("is `{id}`, but the path names the queue `{path_id}`"),
            );
            None
        }
        (Some(Value::String(id)), _) if !id.trim().is_empty() => Some(id.clone()),
        _ => {
            problems.required_text(item, "id", &field("id"));
            None
        }
    };
    if let Some(id) = &id
        && !known(id)
    {
        problems.push(
            &field("id"),
            "queue.not.found",
            &format!("names the queue `{id}`, which this org does not have"),
        );
    }
    let media_types = media_types(problems, item, &field("mediaTypes"));
    Some(QueueDraft {
        id: id?,
        media_types: media_types?,
    })
}

/// `mediaTypes`: at least one of Call, Email, Message; each kept once.
fn media_types(
    problems: &mut Problems,
    item: &Map<String, Value>,
    field: &str,
) -> Option<Vec<String>> {
    let given = match item.get("mediaTypes") {
        None | Some(Value::Null) => {
            problems.push(field, "required.field.missing", "is required");
            return None;
        }
        Some(Value::Array(given)) if given.is_empty() => {
            problems.push(
                field,
                "required.field.missing",
                "must hold at least one media type",
            );
            return None;
        }
        Some(Value::Array(given)) => given,
        Some(_) => {
            problems.push(field, "invalid.value", "must be a list of media types");
            return None;
        }
    };
    let mut media_types: Vec<String> = Vec::with_capacity(given.len());
    let mut valid = true;
    for (i, media_type) in given.iter().enumerate() {
        match media_type.as_str() {
            Some(m) if MEDIA_TYPES.contains(&m) => {
                if !media_types.iter().any(|t| t == m) {
                    media_types.push(m.to_owned());
                }
            }
            _ => {
                valid = false;
                problems.push(
                    &format!("{field}[{i}]"),
                    "invalid.value",
                    &format!(
                        "must be one of {}, not `{media_type}`",
                        MEDIA_TYPES.join(", ")
                    ),
                );
            }
        }
    }
    valid.then_some(media_types)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

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

    #[test]
    fn an_assistant_needs_a_name_and_known_vendors() {
        let error = assistant(fields(json!({
            "knowledgeSuggestionConfig": {"knowledgeBases": [{"id": "kb"}]},
        })))
        .unwrap_err();
        assert_eq!(
            named(&error),
            [
                "name",
                "transcriptionConfig.vendorName",
                "knowledgeSuggestionConfig.vendorName",
                "knowledgeSuggestionConfig.knowledgeBases[0].languageCode",
            ]
        );
        let error = assistant(fields(json!({
            "name": "A", "transcriptionConfig": {"vendorName": "Acme"},
        })))
        .unwrap_err();
        assert_eq!(named(&error), ["transcriptionConfig.vendorName"]);
        assert_eq!(error.errors[0].code, "invalid.value");
    }

    #[test]
    fn read_only_fields_are_dropped_unknown_ones_kept_and_a_patch_merges() {
        let stored = assistant(fields(json!({
            "id": "mine", "state": "Inactive", "copilot": {"liveOnQueue": true},
            "name": "A", "transcriptionConfig": {"vendorName": "Genesys"},
            "knowledgeSuggestionConfig": {"vendorName": "GenesysKnowledge"},
            "somethingNew": {"x": 1},
        })))
        .unwrap();
        let keys: Vec<&str> = stored.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "knowledgeSuggestionConfig",
                "name",
                "somethingNew",
                "transcriptionConfig"
            ]
        );
        let patched = patched(
            &stored,
            fields(json!({"name": "B", "knowledgeSuggestionConfig": null, "selfUri": "/x"})),
        )
        .unwrap();
        assert_eq!(patched["name"], "B");
        assert!(!patched.contains_key("knowledgeSuggestionConfig"));
        assert_eq!(patched["somethingNew"], json!({"x": 1}));
        let error = super::patched(&stored, fields(json!({"transcriptionConfig": null})));
        assert_eq!(
            named(&error.unwrap_err()),
            ["transcriptionConfig.vendorName"]
        );
    }

    #[test]
    fn queue_lists_name_each_bad_entry() {
        let known = |id: &str| id != "gone";
        let body = json!([
            {"id": "q1", "mediaTypes": ["Call", "Call", "Email"]},
            {"id": "gone", "mediaTypes": ["Call"]},
            {"id": "q2", "mediaTypes": ["Fax"]},
            {"id": "q3"},
            {"id": "q1", "mediaTypes": ["Message"]},
            "q4",
        ]);
        let error = queues(&body, known).unwrap_err();
        assert_eq!(
            named(&error),
            [
                "[1].id",
                "[2].mediaTypes[0]",
                "[3].mediaTypes",
                "[4].id",
                "[5]"
            ]
        );
        assert_eq!(error.errors[0].code, "queue.not.found");
        assert!(error.message.contains("`gone`"), "{}", error.message);
        let good = queues(
            &json!([{"id": "q1", "mediaTypes": ["Call", "Call"]}]),
            known,
        )
        .unwrap();
        assert_eq!(good[0].media_types, ["Call"]);
        assert!(queues(&json!({"id": "q1"}), known).is_err());
    }

    #[test]
    fn a_single_queue_takes_its_id_from_the_path() {
        let known = |_: &str| true;
        let draft = one_queue(&json!({"mediaTypes": ["Email"]}), "q", known).unwrap();
        assert_eq!(draft.id, "q");
        let error = one_queue(&json!({"id": "p", "mediaTypes": ["Email"]}), "q", known);
        assert_eq!(named(&error.unwrap_err()), ["id"]);
    }
}
