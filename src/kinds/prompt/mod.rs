//! `prompt`: an Agent Assist prompt of our original specification (API.md), kept
//! working for the configurations written against it. Its id is the
//! configuration's, and a write names the `version` it read, so a newer edit is
//! never overwritten (409).

mod api;
pub mod checks;
mod decode;
pub mod model;

use serde_json::Value;

use crate::config::KindDecoder;
use crate::kind::schema::{Attribute, NestedBlock, Nesting, Schema};
use crate::kind::{CheckContext, Finding, Kind, Live, LiveSet, Native, Verb};
use crate::remote::{Client, Outcome};
use model::PromptSpec;

#[derive(Debug)]
pub struct Prompt;

/// The kind, with how the configuration decodes a `prompt` block.
pub const DECODER: KindDecoder = KindDecoder {
    kind: &Prompt,
    decode: decode::decode,
};

static SCHEMA: Schema = Schema {
    attributes: &[
        Attribute::string("id"),
        Attribute::string("name"),
        Attribute::string("description"),
        Attribute::string("status"),
        Attribute::strings("interaction_types"),
    ],
    blocks: &[
        NestedBlock {
            name: "trigger",
            nesting: Nesting::Single,
            schema: Schema {
                attributes: &[Attribute::string("type")],
                blocks: &[NestedBlock {
                    name: "condition",
                    nesting: Nesting::List,
                    schema: Schema {
                        attributes: &[
                            Attribute::string("field"),
                            Attribute::string("operator"),
                            Attribute::string("value"),
                        ],
                        blocks: &[],
                    },
                }],
            },
        },
        NestedBlock {
            name: "display",
            nesting: Nesting::Single,
            schema: Schema {
                attributes: &[
                    Attribute::string("type"),
                    Attribute::text("content"),
                    Attribute::number("timeout_ms"),
                ],
                blocks: &[],
            },
        },
    ],
};

impl Kind for Prompt {
    fn name(&self) -> &'static str {
        "prompt"
    }

    fn plural_title(&self) -> &'static str {
        "Prompts"
    }

    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn ignorable(&self) -> &'static [&'static str] {
        decode::IGNORABLE
    }

    fn id_attribute(&self) -> Option<&'static str> {
        Some("id")
    }

    fn check(&self, object: &dyn Native, cx: CheckContext) -> Vec<Finding> {
        let read;
        let spec = match object.as_any().downcast_ref::<PromptSpec>() {
            Some(spec) => spec,
            None => {
                let values = object.as_any().downcast_ref::<Value>();
                let read_back = match values {
                    Some(values) => PromptSpec::from_values(values),
                    None => PromptSpec::from_values(&object.values()),
                };
                let Ok(spec) = read_back else {
                    return Vec::new();
                };
                read = spec;
                &read
            }
        };
        checks::check_prompt(spec, cx.org, cx.regions)
            .into_iter()
            .chain(checks::check_authored(spec, cx.org, cx.regions))
            .map(checks::Finding::at_path)
            .collect()
    }

    fn list<'a>(
        &'a self,
        client: &'a Client,
        _read: &'a LiveSet,
        progress: &'a (dyn Fn(usize, usize) + Sync),
    ) -> Verb<'a, Vec<Live>> {
        Box::pin(api::list(client, progress))
    }

    fn get<'a>(&'a self, client: &'a Client, id: &'a str) -> Verb<'a, Option<Live>> {
        Box::pin(api::get(client, id))
    }

    fn put<'a>(
        &'a self,
        client: &'a Client,
        _id: Option<&'a str>,
        values: &'a Value,
        version: Option<u64>,
    ) -> Verb<'a, Outcome<Live>> {
        Box::pin(api::put(client, values, version))
    }

    fn delete<'a>(
        &'a self,
        client: &'a Client,
        id: &'a str,
        version: Option<u64>,
    ) -> Verb<'a, Outcome<()>> {
        Box::pin(client.delete_prompt_outcome(id, version))
    }
}
