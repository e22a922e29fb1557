//! What an agent checklist body must hold (GENESYS.md, the digest's
//! `AgentChecklist` and `AgentChecklistItem`): `name`, `language` and a non-empty
//! `checklistItems`, each item with a `name`; `description` a string and the three
//! flags booleans when given. Every problem is answered at once in one 400, each
//! naming its field. The read-only fields (`id`, dates, users, `selfUri`, each
//! item's `id`) are ignored, and so is any field the model does not have, `version`
//! included.

use serde_json::{Map, Value};

use super::error::ApiError;
use super::response_checks::Problems;

/// The item flags: optional booleans, stored as given.
pub(crate) const FLAGS: [&str; 3] = ["automatedCheckEnabled", "exactPhraseMatch", "important"];

/// A checklist's writable fields, once valid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ChecklistDraft {
    pub name: String,
    pub language: String,
    pub items: Vec<ItemDraft>,
}

/// An item's writable fields; its id is the server's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ItemDraft {
    pub name: String,
    pub description: Option<String>,
    /// `automatedCheckEnabled`, `exactPhraseMatch`, `important`, as given.
    pub flags: [Option<bool>; 3],
}

/// The checklist in `body`, or a 400 naming every field at fault.
pub(crate) fn checklist(body: &Map<String, Value>) -> Result<ChecklistDraft, ApiError> {
    let mut problems = Problems::default();
    problems.required_text(body, "name", "name");
    problems.required_text(body, "language", "language");
    let items = items(&mut problems, body);
    problems.into_result("agent checklist")?;
    Ok(ChecklistDraft {
        name: text(body, "name").unwrap_or_default(),
        language: text(body, "language").unwrap_or_default(),
        items,
    })
}

fn items(problems: &mut Problems, body: &Map<String, Value>) -> Vec<ItemDraft> {
    const FIELD: &str = "checklistItems";
    let given = match body.get(FIELD) {
        None | Some(Value::Null) => {
            problems.push(FIELD, "required.field.missing", "is required");
            return Vec::new();
        }
        Some(Value::Array(items)) if items.is_empty() => {
            problems.push(
                FIELD,
                "required.field.missing",
                "must hold at least one item",
            );
            return Vec::new();
        }
        Some(Value::Array(items)) => items,
        Some(_) => {
            problems.push(FIELD, "invalid.value", "must be a list of items");
            return Vec::new();
        }
    };
    let mut items = Vec::with_capacity(given.len());
    for (i, item) in given.iter().enumerate() {
        let at = |key: &str| format!("{FIELD}[{i}].{key}");
        let Some(item) = item.as_object() else {
            problems.push(
                &format!("{FIELD}[{i}]"),
                "invalid.value",
                "must be an object",
            );
            continue;
        };
        problems.required_text(item, "name", &at("name"));
        match item.get("description") {
            None | Some(Value::Null | Value::String(_)) => {}
            Some(_) => problems.push(&at("description"), "invalid.value", "must be a string"),
        }
        for flag in FLAGS {
            match item.get(flag) {
                None | Some(Value::Null | Value::Bool(_)) => {}
                Some(_) => problems.push(&at(flag), "invalid.value", "must be true or false"),
            }
        }
        items.push(ItemDraft {
            name: text(item, "name").unwrap_or_default(),
            description: text(item, "description"),
            flags: FLAGS.map(|flag| item.get(flag).and_then(Value::as_bool)),
        });
    }
    items
}

fn text(body: &Map<String, Value>, key: &str) -> Option<String> {
    body.get(key).and_then(Value::as_str).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn fields(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap()
    }

    #[test]
    fn every_missing_or_mistyped_field_is_named() {
        let body = fields(json!({
            "name": " ",
            "checklistItems": [{"description": 3}, "item", {"name": "ok", "important": "yes"}],
        }));
        let error = checklist(&body).unwrap_err();
        let named: Vec<&str> = error
            .errors
            .iter()
            .map(|e| e.params["field"].as_str().unwrap())
            .collect();
        assert_eq!(
            named,
            [
                "name",
                "language",
                "checklistItems[0].name",
                "checklistItems[0].description",
                "checklistItems[1]",
                "checklistItems[2].important",
            ]
        );
        assert_eq!(error.params["field"], "name");
        for empty in [json!({}), json!({"checklistItems": []})] {
            let mut body = fields(empty);
            body.insert("name".into(), json!("N"));
            body.insert("language".into(), json!("en-US"));
            let error = checklist(&body).unwrap_err();
            assert_eq!(error.params["field"], "checklistItems");
        }
    }

    #[test]
    fn flags_are_kept_as_given_and_read_only_fields_ignored() {
        let body = fields(json!({
            "id": "mine", "version": 3, "selfUri": "/x", "name": "Greeting", "language": "en-US",
            "checklistItems": [
                {"id": "item-mine", "name": "Greet", "description": "Say hello", "important": true},
                {"name": "Verify", "automatedCheckEnabled": false, "exactPhraseMatch": null},
            ],
        }));
        let draft = checklist(&body).unwrap();
        assert_eq!(
            (draft.name.as_str(), draft.language.as_str()),
            ("Greeting", "en-US")
        );
        assert_eq!(draft.items[0].description.as_deref(), Some("Say hello"));
        assert_eq!(draft.items[0].flags, [None, None, Some(true)]);
        assert_eq!(draft.items[1].flags, [Some(false), None, None]);
    }
}
