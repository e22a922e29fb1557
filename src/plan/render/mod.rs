//! Renderers: the plan as text (a terminal or a CI log), markdown (a pull-request
//! comment) and JSON (`terraform show -json`'s shape). They build strings; the CLI
//! prints them.

pub mod json;
pub mod markdown;
pub mod text;

use serde_json::Value;

use crate::kind::values::{self, Leaf, LeafValue};
use crate::kind::{Address, Schema};
use crate::pii;

/// The schema of `address`'s kind; an empty one for a kind this build does not
/// know, whose values then show as nothing rather than as guesses.
pub(crate) fn schema_of(address: &Address) -> &'static Schema {
    static UNKNOWN: Schema = Schema {
        attributes: &[],
        blocks: &[],
    };
    crate::kinds::find(address.kind()).map_or(&UNKNOWN, |k| k.schema())
}

/// The attributes of `values`, in the order a reader expects them.
pub(crate) fn leaves(address: &Address, values: &Value) -> Vec<Leaf> {
    values::leaves(schema_of(address), values)
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
            LeafValue::Bool(b) => b.to_string(),
            LeafValue::Decimal(n) => n.to_string(),
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

    /// `s` as a string literal; an id known only after apply as Terraform shows it.
    pub fn quote(&self, s: &str) -> String {
        if crate::kind::reference::is_unknown(s) {
            return "(known after apply)".to_owned();
        }
        serde_json::to_string(&self.mask(s)).expect("strings serialise")
    }

    pub fn mask(&self, s: &str) -> String {
        pii::mask_text(s, self.pii_allow)
    }
}
