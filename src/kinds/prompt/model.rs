//! The prompt as the API of our original specification knows it: the one shape
//! shared by the decoder, the checks, the client and the emulator (see API.md, "The
//! prompt object").

use serde::{Deserialize, Serialize};

pub const STATUSES: &[&str] = &["active", "inactive"];
pub const INTERACTION_TYPES: &[&str] = &["conversation", "email", "sms", "chat", "voice"];
pub const OPERATORS: &[&str] = &["contains", "equals", "gt"];
pub const DISPLAY_TYPES: &[&str] = &["popup", "inline", "toast"];
pub const BUILTIN_CONTEXT_VARIABLES: &[&str] = &[
    "customerName",
    "accountId",
    "issueCategory",
    "agentId",
    "sessionId",
    "productType",
];
pub const MAX_CONTENT_CHARS: usize = 2000;
pub const MIN_TIMEOUT_MS: u64 = 1000;
pub const MAX_TIMEOUT_MS: u64 = 300_000;
pub const DEFAULT_TIMEOUT_MS: u64 = 30_000;
pub const MAX_ID_LEN: usize = 64;

/// The attributes of a prompt that its owner sets: a PUT body without `version`.
///
/// Enumerations stay strings so that a bad value can be reported as a diagnostic
/// (by the validator, on either side of the wire) instead of failing to decode.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PromptSpec {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub status: String,
    pub interaction_types: Vec<String>,
    pub trigger: Trigger,
    pub display: Display,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trigger {
    #[serde(rename = "type")]
    pub kind: String,
    pub conditions: Vec<Condition>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Condition {
    pub field: String,
    pub operator: String,
    pub value: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Display {
    #[serde(rename = "type")]
    pub kind: String,
    pub content: String,
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u64,
}

fn default_timeout_ms() -> u64 {
    DEFAULT_TIMEOUT_MS
}

/// A prompt as the server returns it: the spec plus the fields the server owns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RemotePrompt {
    #[serde(flatten)]
    pub spec: PromptSpec,
    pub version: u64,
    pub date_modified: String,
    pub modified_by: ModifiedBy,
    pub self_uri: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModifiedBy {
    pub id: String,
}

/// Whether `id` is a valid prompt id: 1–64 characters of `[A-Za-z0-9_-]`.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

impl PromptSpec {
    /// The attributes in HCL names, shaped as Terraform shapes a resource's values
    /// (nested blocks are lists of objects): what the state records and what plan
    /// JSON shows.
    pub fn to_values(&self) -> serde_json::Value {
        self.clone().into_values()
    }

    /// [`PromptSpec::to_values`], moving the strings rather than copying them.
    pub fn into_values(self) -> serde_json::Value {
        use serde_json::Value::{Array, Number, String as Text};
        let object = |pairs: Vec<(&str, serde_json::Value)>| {
            serde_json::Value::Object(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
        };
        let conditions = self
            .trigger
            .conditions
            .into_iter()
            .map(|c| {
                object(vec![
                    ("field", Text(c.field)),
                    ("operator", Text(c.operator)),
                    ("value", Text(c.value)),
                ])
            })
            .collect();
        object(vec![
            ("id", Text(self.id)),
            ("name", Text(self.name)),
            ("description", Text(self.description)),
            ("status", Text(self.status)),
            (
                "interaction_types",
                Array(self.interaction_types.into_iter().map(Text).collect()),
            ),
            (
                "trigger",
                Array(vec![object(vec![
                    ("type", Text(self.trigger.kind)),
                    ("condition", Array(conditions)),
                ])]),
            ),
            (
                "display",
                Array(vec![object(vec![
                    ("type", Text(self.display.kind)),
                    ("content", Text(self.display.content)),
                    ("timeout_ms", Number(self.display.timeout_ms.into())),
                ])]),
            ),
        ])
    }

    /// The shape of [`PromptSpec::to_values`] for a prompt with as many conditions as
    /// a path may name: used to mark sensitive attributes.
    pub fn default_shape() -> serde_json::Value {
        let condition = Condition {
            field: String::new(),
            operator: String::new(),
            value: String::new(),
        };
        PromptSpec {
            id: String::new(),
            name: String::new(),
            description: String::new(),
            status: String::new(),
            interaction_types: Vec::new(),
            trigger: Trigger {
                kind: String::new(),
                conditions: vec![condition; 32],
            },
            display: Display {
                kind: String::new(),
                content: String::new(),
                timeout_ms: 0,
            },
        }
        .to_values()
    }

    /// The inverse of [`PromptSpec::to_values`].
    ///
    /// # Errors
    ///
    /// When `values` is not in that shape.
    pub fn from_values(values: &serde_json::Value) -> Result<PromptSpec, serde_json::Error> {
        #[derive(Deserialize)]
        struct Values {
            id: String,
            name: String,
            description: String,
            status: String,
            interaction_types: Vec<String>,
            trigger: [TriggerValues; 1],
            display: [DisplayValues; 1],
        }
        #[derive(Deserialize)]
        struct TriggerValues {
            #[serde(rename = "type")]
            kind: String,
            condition: Vec<Condition>,
        }
        #[derive(Deserialize)]
        struct DisplayValues {
            #[serde(rename = "type")]
            kind: String,
            content: String,
            timeout_ms: u64,
        }
        let v = Values::deserialize(values)?;
        let [trigger] = v.trigger;
        let [display] = v.display;
        Ok(PromptSpec {
            id: v.id,
            name: v.name,
            description: v.description,
            status: v.status,
            interaction_types: v.interaction_types,
            trigger: Trigger {
                kind: trigger.kind,
                conditions: trigger.condition,
            },
            display: Display {
                kind: display.kind,
                content: display.content,
                timeout_ms: display.timeout_ms,
            },
        })
    }
}

/// A decoded prompt is its own native form: its rules read it as it is.
impl crate::kind::Native for PromptSpec {
    fn values(&self) -> serde_json::Value {
        self.to_values()
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
