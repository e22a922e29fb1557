//! Renderers: the plan as text (a terminal or a CI log), markdown (a pull-request
//! comment) and JSON (`terraform show -json`'s shape). They build strings; the CLI
//! prints them.

pub mod json;
pub mod markdown;
pub mod text;

use crate::model::PromptSpec;
use crate::validate::pii;

/// One attribute of a prompt, flattened: `display.content`, `trigger.condition[0].value`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Leaf {
    pub path: String,
    pub value: LeafValue,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum LeafValue {
    Text(String),
    Number(u64),
    List(Vec<String>),
}

/// The attributes of `spec`, in the order a reader expects them.
pub(crate) fn leaves(spec: &PromptSpec) -> Vec<Leaf> {
    let text = |path: &str, v: &str| Leaf {
        path: path.to_owned(),
        value: LeafValue::Text(v.to_owned()),
    };
    let mut out = vec![
        text("id", &spec.id),
        text("name", &spec.name),
        text("description", &spec.description),
        text("status", &spec.status),
        Leaf {
            path: "interaction_types".into(),
            value: LeafValue::List(spec.interaction_types.clone()),
        },
        text("trigger.type", &spec.trigger.kind),
    ];
    for (i, c) in spec.trigger.conditions.iter().enumerate() {
        out.push(text(&format!("trigger.condition[{i}].field"), &c.field));
        out.push(text(
            &format!("trigger.condition[{i}].operator"),
            &c.operator,
        ));
        out.push(text(&format!("trigger.condition[{i}].value"), &c.value));
    }
    out.push(text("display.type", &spec.display.kind));
    out.push(text("display.content", &spec.display.content));
    out.push(Leaf {
        path: "display.timeout_ms".into(),
        value: LeafValue::Number(spec.display.timeout_ms),
    });
    out
}

/// How values are shown: PII masked, sensitive ones hidden.
pub(crate) struct Values<'a> {
    pub pii_allow: &'a [String],
    pub sensitive: &'a [String],
}

impl Values<'_> {
    pub fn is_sensitive(&self, path: &str) -> bool {
        self.sensitive.iter().any(|s| s == path)
    }

    /// A single-line rendering of `value` at `path`.
    pub fn show(&self, path: &str, value: &LeafValue) -> String {
        if self.is_sensitive(path) {
            return "(sensitive value)".to_owned();
        }
        match value {
            LeafValue::Text(s) => self.quote(s),
            LeafValue::Number(n) => n.to_string(),
            LeafValue::List(items) => format!(
                "[{}]",
                items
                    .iter()
                    .map(|s| self.quote(s))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }

    pub fn quote(&self, s: &str) -> String {
        serde_json::to_string(&self.mask(s)).expect("strings serialise")
    }

    pub fn mask(&self, s: &str) -> String {
        pii::mask_text(s, self.pii_allow)
    }
}
