//! Agent Copilot's agent checklists as the org stores them, and how each reads
//! back. They have no `version`: a write is never refused as stale.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::checklist_checks::{ChecklistDraft, FLAGS, ItemDraft};

pub(crate) const CHECKLISTS_PATH: &str = "/api/v2/assistants/agentchecklists";

/// A checklist: its writable fields and the server's own.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct Checklist {
    pub id: String,
    pub date_created: String,
    pub date_modified: String,
    /// The OAuth client that created it, and the one that last changed it.
    pub created_by: String,
    pub modified_by: String,
    pub name: String,
    pub language: String,
    pub checklist_items: Vec<ChecklistItem>,
}

/// An item, its flags as the client gave them (absent ones read back as `false`).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct ChecklistItem {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub automated_check_enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exact_phrase_match: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub important: Option<bool>,
}

impl ChecklistItem {
    fn new(id: String, draft: ItemDraft) -> ChecklistItem {
        let [automated_check_enabled, exact_phrase_match, important] = draft.flags;
        ChecklistItem {
            id,
            name: draft.name,
            description: draft.description,
            automated_check_enabled,
            exact_phrase_match,
            important,
        }
    }

    fn flags(&self) -> [Option<bool>; 3] {
        [
            self.automated_check_enabled,
            self.exact_phrase_match,
            self.important,
        ]
    }
}

/// When a write happened and which OAuth client made it.
#[derive(Clone, Debug)]
pub(crate) struct Stamp {
    pub at: String,
    pub by: String,
}

/// Every checklist, sorted by id.
#[derive(Clone, Debug, Default)]
pub(crate) struct Checklists {
    by_id: BTreeMap<String, Arc<Checklist>>,
}

impl Checklists {
    pub fn from_list(checklists: Vec<Checklist>) -> Checklists {
        Checklists {
            by_id: checklists
                .into_iter()
                .map(|c| (c.id.clone(), Arc::new(c)))
                .collect(),
        }
    }

    pub fn get(&self, id: &str) -> Option<&Arc<Checklist>> {
        self.by_id.get(id)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Arc<Checklist>> {
        self.by_id.values()
    }

    /// Whether a checklist or an item already has this id.
    pub fn taken(&self, id: &str) -> bool {
        self.by_id.contains_key(id)
            || self
                .by_id
                .values()
                .any(|c| c.checklist_items.iter().any(|i| i.id == id))
    }

    /// Stores a new checklist with the id given and `item_ids` for its items (one
    /// each, in order): fresh ids the org holds nowhere.
    pub fn create(
        &mut self,
        id: String,
        item_ids: Vec<String>,
        draft: ChecklistDraft,
        stamp: Stamp,
    ) -> Arc<Checklist> {
        let checklist = Checklist {
            id,
            date_created: stamp.at.clone(),
            date_modified: stamp.at,
            created_by: stamp.by.clone(),
            modified_by: stamp.by,
            name: draft.name,
            language: draft.language,
            checklist_items: items(item_ids, draft.items),
        };
        self.insert(checklist)
    }

    /// Replaces the writable fields of checklist `id`; `None` when there is none.
    /// Every item gets one of `item_ids` (fresh ones), also one sent back with the
    /// id it was read with.
    pub fn replace(
        &mut self,
        id: &str,
        item_ids: Vec<String>,
        draft: ChecklistDraft,
        stamp: Stamp,
    ) -> Option<Arc<Checklist>> {
        let stored = self.by_id.get(id)?.clone();
        let checklist = Checklist {
            date_modified: stamp.at,
            modified_by: stamp.by,
            name: draft.name,
            language: draft.language,
            checklist_items: items(item_ids, draft.items),
            ..(*stored).clone()
        };
        Some(self.insert(checklist))
    }

    /// Stores a checklist as it is, replacing one with the same id.
    pub fn insert(&mut self, checklist: Checklist) -> Arc<Checklist> {
        let checklist = Arc::new(checklist);
        self.by_id.insert(checklist.id.clone(), checklist.clone());
        checklist
    }

    pub fn remove(&mut self, id: &str) -> bool {
        self.by_id.remove(id).is_some()
    }

    pub fn clear(&mut self) {
        self.by_id.clear();
    }
}

fn items(ids: Vec<String>, drafts: Vec<ItemDraft>) -> Vec<ChecklistItem> {
    ids.into_iter()
        .zip(drafts)
        .map(|(id, draft)| ChecklistItem::new(id, draft))
        .collect()
}

/// A checklist as the API answers it. Every item carries its three flags, `false`
/// where the client gave none; `description` only where given.
pub(crate) fn render(checklist: &Checklist) -> Value {
    let items: Vec<Value> = checklist
        .checklist_items
        .iter()
        .map(|item| {
            let mut out = Map::new();
            out.insert("id".into(), item.id.clone().into());
            out.insert("name".into(), item.name.clone().into());
            if let Some(description) = &item.description {
                out.insert("description".into(), description.clone().into());
            }
            for (flag, value) in FLAGS.into_iter().zip(item.flags()) {
                out.insert(flag.into(), value.unwrap_or(false).into());
            }
            Value::Object(out)
        })
        .collect();
    json!({
        "id": checklist.id,
        "name": checklist.name,
        "language": checklist.language,
        "checklistItems": items,
        "createdBy": {"id": checklist.created_by},
        "modifiedBy": {"id": checklist.modified_by},
        "dateCreated": checklist.date_created,
        "dateModified": checklist.date_modified,
        "selfUri": format!("{CHECKLISTS_PATH}/{}", checklist.id),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(items: &[&str]) -> ChecklistDraft {
        ChecklistDraft {
            name: "Greeting".into(),
            language: "en-US".into(),
            items: items
                .iter()
                .map(|name| ItemDraft {
                    name: (*name).into(),
                    description: None,
                    flags: [None, Some(true), None],
                })
                .collect(),
        }
    }

    fn ids(ids: &[&str]) -> Vec<String> {
        ids.iter().map(|id| (*id).to_owned()).collect()
    }

    fn stamp(at: &str, by: &str) -> Stamp {
        Stamp {
            at: at.into(),
            by: by.into(),
        }
    }

    #[test]
    fn a_replace_keeps_the_creation_and_gives_items_new_ids() {
        let mut checklists = Checklists::default();
        let created = checklists.create(
            "c".into(),
            ids(&["i1", "i2"]),
            draft(&["a", "b"]),
            stamp("t1", "c1"),
        );
        let item_ids: Vec<&str> = created
            .checklist_items
            .iter()
            .map(|i| i.id.as_str())
            .collect();
        assert_eq!(item_ids.len(), 2);
        assert!(!item_ids.contains(&created.id.as_str()) && item_ids[0] != item_ids[1]);
        assert!(checklists.taken(item_ids[1]));

        let replaced = checklists
            .replace(&created.id, ids(&["i3"]), draft(&["c"]), stamp("t2", "c2"))
            .unwrap();
        assert_eq!(
            (replaced.date_created.as_str(), replaced.created_by.as_str()),
            ("t1", "c1")
        );
        assert_eq!(
            (
                replaced.date_modified.as_str(),
                replaced.modified_by.as_str()
            ),
            ("t2", "c2")
        );
        assert_eq!(replaced.checklist_items.len(), 1);
        assert!(!item_ids.contains(&replaced.checklist_items[0].id.as_str()));
        assert!(
            checklists
                .replace("nope", ids(&["i4"]), draft(&["c"]), stamp("t3", "c3"))
                .is_none()
        );
    }

    #[test]
    fn absent_flags_read_back_false_and_absent_descriptions_not_at_all() {
        let mut checklists = Checklists::default();
        let created = checklists.create("c".into(), ids(&["i"]), draft(&["a"]), stamp("t", "c"));
        let item = &render(&created)["checklistItems"][0];
        assert_eq!(item["automatedCheckEnabled"], false);
        assert_eq!(item["exactPhraseMatch"], true);
        assert_eq!(item["important"], false);
        assert!(item.get("description").is_none());
        let stored = serde_json::to_value(&created.checklist_items[0]).unwrap();
        assert_eq!(
            stored,
            json!({"id": created.checklist_items[0].id, "name": "a", "exactPhraseMatch": true})
        );
    }
}
