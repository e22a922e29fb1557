//! Agent Copilot's assistants as the org stores them, each with its copilot and
//! the queues it serves, and how each reads back. Nothing here has a `version`:
//! a write is never refused as stale.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::queue_store::{Binding, Queues};

pub(crate) const ASSISTANTS_PATH: &str = "/api/v2/assistants";

/// An assistant: its writable fields as the client sent them, its copilot, and
/// the server's own fields.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct Assistant {
    pub id: String,
    pub date_created: String,
    pub date_modified: String,
    /// The OAuth client that created it, and the one that last changed it.
    pub created_by: String,
    pub modified_by: String,
    /// `name`, `transcriptionConfig`, `knowledgeSuggestionConfig`, and whatever
    /// else the client sent that is not read-only, kept as sent.
    pub fields: Map<String, Value>,
    /// The copilot's writable fields as last replaced (rule ids included), fields
    /// the emulator does not model too; [`default_copilot`] until then.
    pub copilot: Map<String, Value>,
}

impl Assistant {
    pub fn name(&self) -> &str {
        self.fields
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    /// The language its copilot was given, which cannot change once set.
    pub fn copilot_language(&self) -> Option<&str> {
        self.copilot
            .get("defaultLanguage")
            .and_then(Value::as_str)
            .filter(|l| !l.is_empty())
    }
}

/// The copilot every new assistant has: not live, no language, no rules, the
/// fallback off. docs/emulator.md shows it as answered.
pub(crate) fn default_copilot() -> Map<String, Value> {
    let copilot = json!({
        "liveOnQueue": false,
        "ruleEngineConfig": {"rules": [], "fallback": {"enabled": false, "actions": []}},
    });
    match copilot {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// Every assistant, sorted by id (the listing order), and the queues they serve.
#[derive(Clone, Debug, Default)]
pub(crate) struct Assistants {
    by_id: BTreeMap<String, Arc<Assistant>>,
    pub queues: Queues,
}

impl Assistants {
    pub fn from_parts(assistants: Vec<Assistant>, queues: Queues) -> Assistants {
        Assistants {
            by_id: assistants
                .into_iter()
                .map(|a| (a.id.clone(), Arc::new(a)))
                .collect(),
            queues,
        }
    }

    pub fn get(&self, id: &str) -> Option<&Arc<Assistant>> {
        self.by_id.get(id)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Arc<Assistant>> {
        self.by_id.values()
    }

    /// Whether an assistant has this id. Rule ids are not counted: they need only
    /// be unique within their copilot.
    pub fn taken(&self, id: &str) -> bool {
        self.by_id.contains_key(id)
    }

    /// Stores an assistant as it is, replacing one with the same id.
    pub fn insert(&mut self, assistant: Assistant) -> Arc<Assistant> {
        let assistant = Arc::new(assistant);
        self.by_id.insert(assistant.id.clone(), assistant.clone());
        assistant
    }

    /// Removes an assistant, its copilot and its queue bindings.
    pub fn remove(&mut self, id: &str) -> bool {
        let removed = self.by_id.remove(id).is_some();
        if removed {
            self.queues.unbind_all(id);
        }
        removed
    }

    /// No assistants, no bindings, only the start set of queues.
    pub fn clear(&mut self) {
        self.by_id.clear();
        self.queues.clear();
    }

    /// An assistant as the API answers it; with its copilot for `expand=copilot`.
    pub fn render(&self, assistant: &Assistant, with_copilot: bool) -> Value {
        let mut out = assistant.fields.clone();
        out.insert("id".into(), assistant.id.clone().into());
        // Real assistants are `Active` or `Inactive`; nothing here switches one off.
        out.insert("state".into(), "Active".into());
        out.insert("dateCreated".into(), assistant.date_created.clone().into());
        out.insert(
            "dateModified".into(),
            assistant.date_modified.clone().into(),
        );
        out.insert("createdBy".into(), json!({"id": assistant.created_by}));
        out.insert("modifiedBy".into(), json!({"id": assistant.modified_by}));
        out.insert("selfUri".into(), assistant_uri(&assistant.id).into());
        if with_copilot {
            out.insert("copilot".into(), render_copilot(assistant));
        }
        Value::Object(out)
    }

    /// A binding as the API answers it: its `assistant` by id, or whole (without
    /// its copilot) for `expand=assistant`.
    pub fn render_binding(&self, binding: &Binding, expand: bool) -> Value {
        let assistant = match self.by_id.get(&binding.assistant_id) {
            Some(a) if expand => self.render(a, false),
            _ => json!({
                "id": binding.assistant_id,
                "selfUri": assistant_uri(&binding.assistant_id),
            }),
        };
        json!({
            "id": binding.queue_id,
            "mediaTypes": binding.media_types,
            "assistant": assistant,
            "dateCreated": binding.date_created,
            "dateModified": binding.date_modified,
            "selfUri": format!("{}/queues/{}", assistant_uri(&binding.assistant_id), binding.queue_id),
        })
    }
}

pub(crate) fn assistant_uri(id: &str) -> String {
    format!("{ASSISTANTS_PATH}/{id}")
}

/// A copilot as the API answers it: as stored, with the read-only `enabled` (true
/// once it has a `defaultLanguage`, that is once it was configured) and `selfUri`.
pub(crate) fn render_copilot(assistant: &Assistant) -> Value {
    let mut out = assistant.copilot.clone();
    out.insert(
        "enabled".into(),
        assistant.copilot_language().is_some().into(),
    );
    out.insert(
        "selfUri".into(),
        format!("{}/copilot", assistant_uri(&assistant.id)).into(),
    );
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assistant(id: &str) -> Assistant {
        Assistant {
            id: id.into(),
            date_created: "t".into(),
            date_modified: "t".into(),
            created_by: "c".into(),
            modified_by: "c".into(),
            fields: json!({"name": "A", "transcriptionConfig": {"vendorName": "Genesys"}})
                .as_object()
                .cloned()
                .unwrap_or_default(),
            copilot: default_copilot(),
        }
    }

    #[test]
    fn a_new_copilot_is_off_until_it_has_a_language() {
        let mut a = assistant("a");
        let copilot = render_copilot(&a);
        assert_eq!(
            copilot,
            json!({
                "liveOnQueue": false,
                "ruleEngineConfig": {"rules": [], "fallback": {"enabled": false, "actions": []}},
                "enabled": false,
                "selfUri": "/api/v2/assistants/a/copilot",
            })
        );
        a.copilot.insert("defaultLanguage".into(), "en-US".into());
        assert_eq!(render_copilot(&a)["enabled"], true);
    }

    #[test]
    fn removing_an_assistant_unbinds_its_queues_only() {
        let mut assistants = Assistants::default();
        assistants.insert(assistant("a"));
        assistants.insert(assistant("b"));
        assistants.queues.bind("q1", "a", vec!["Call".into()], "t");
        assistants.queues.bind("q2", "b", vec!["Call".into()], "t");
        assert!(assistants.remove("a"));
        assert!(!assistants.remove("a"));
        let left: Vec<&str> = assistants
            .queues
            .bindings()
            .map(|b| b.queue_id.as_str())
            .collect();
        assert_eq!(left, ["q2"]);
        let rendered = assistants.render_binding(assistants.queues.binding("q2").unwrap(), true);
        assert_eq!(rendered["assistant"]["name"], "A");
        assert!(rendered["assistant"].get("copilot").is_none());
        assert_eq!(rendered["selfUri"], "/api/v2/assistants/b/queues/q2");
    }
}
