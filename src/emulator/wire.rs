//! Request bodies as the emulator accepts them: the prompt's own shape, but strict,
//! so that an unknown field anywhere is a 400 naming it. The shared model types stay
//! lenient because a client must tolerate fields a newer server adds.

use serde::Deserialize;
use serde::de::IgnoredAny;

use crate::kinds::prompt::model::{self, PromptSpec};

/// A PUT body: the prompt, `version` as the precondition, and the server-owned
/// fields, which are accepted (a client may send back what it read) and ignored.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct PromptBody {
    id: Option<String>,
    name: String,
    #[serde(default)]
    description: String,
    status: String,
    interaction_types: Vec<String>,
    trigger: Trigger,
    display: Display,
    pub version: Option<u64>,
    #[serde(default, rename = "dateModified")]
    _date_modified: Option<IgnoredAny>,
    #[serde(default, rename = "modifiedBy")]
    pub modified_by: Option<ModifiedBy>,
    #[serde(default, rename = "selfUri")]
    _self_uri: Option<IgnoredAny>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ModifiedBy {
    pub id: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Trigger {
    #[serde(rename = "type")]
    kind: String,
    conditions: Vec<Condition>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Condition {
    field: String,
    operator: String,
    value: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Display {
    #[serde(rename = "type")]
    kind: String,
    content: String,
    #[serde(default = "default_timeout_ms")]
    timeout_ms: u64,
}

fn default_timeout_ms() -> u64 {
    model::DEFAULT_TIMEOUT_MS
}

impl PromptBody {
    /// The body's `id`, if it has one.
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// The prompt, with `id` as its id (the path's, or the body's own).
    pub fn into_spec(self, id: String) -> PromptSpec {
        PromptSpec {
            id,
            name: self.name,
            description: self.description,
            status: self.status,
            interaction_types: self.interaction_types,
            trigger: model::Trigger {
                kind: self.trigger.kind,
                conditions: self
                    .trigger
                    .conditions
                    .into_iter()
                    .map(|c| model::Condition {
                        field: c.field,
                        operator: c.operator,
                        value: c.value,
                    })
                    .collect(),
            },
            display: model::Display {
                kind: self.display.kind,
                content: self.display.content,
                timeout_ms: self.display.timeout_ms,
            },
        }
    }
}
