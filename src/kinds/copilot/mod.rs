//! `copilot`: an assistant's Agent Copilot — whether it is live on its queues,
//! its language, its language understanding, and its rule engine: rules whose
//! conditions (an intent, the conversation starting, a transfer, the end)
//! trigger actions (offer a canned response, start a checklist, …).
//!
//! A copilot exists as long as its assistant: it is addressed by the
//! assistant's id, written by a whole-object `PUT` that carries back every field
//! assistform does not manage, and reset, not deleted, when its block goes. It
//! has no version, so writes are guarded by reading it again.

mod api;
mod checks;

use serde_json::Value;

use crate::config::KindDecoder;
use crate::config::decode::Decoder;
use crate::kind::schema::{Attribute, NestedBlock, Nesting, Schema};
use crate::kind::{CheckContext, Finding, Guard, Kind, Live, LiveSet, Native, Verb};
use crate::kinds::{agent_checklist, assistant, canned_response};
use crate::remote::{Client, Outcome};

pub(crate) use api::live;

/// The block type and address prefix.
pub const NAME: &str = "copilot";

#[derive(Debug)]
pub struct Copilot;

pub const DECODER: KindDecoder = KindDecoder {
    kind: &Copilot,
    decode,
};

fn decode(
    d: &mut Decoder,
    file: usize,
    block: &hcl_edit::structure::Block,
    scope: &crate::config::eval::Scope,
) -> Option<crate::config::ResourceConfig> {
    d.by_schema(&Copilot, file, block, scope)
}

/// The action attributes that hold ids of objects assistform manages.
const ACTION_REFERENCES: &[(&str, &str)] = &[
    ("responseId", canned_response::NAME),
    ("checklistId", agent_checklist::NAME),
];

const ACTION: NestedBlock = NestedBlock {
    name: "action",
    nesting: Nesting::List,
    schema: Schema {
        attributes: &[
            Attribute::string("type"),
            Attribute::map("attributes", ACTION_REFERENCES),
        ],
        blocks: &[],
    },
};

static SCHEMA: Schema = Schema {
    attributes: &[
        Attribute::string("assistant_id").referring_to(assistant::NAME),
        Attribute::bool("live_on_queue"),
        Attribute::string("default_language"),
    ],
    blocks: &[
        NestedBlock {
            name: "language_understanding",
            nesting: Nesting::Single,
            schema: Schema {
                attributes: &[
                    Attribute::string("domain_id"),
                    Attribute::bool("use_latest_version").or("true"),
                    Attribute::string("domain_version_id"),
                    Attribute::decimal("intent_confidence_threshold"),
                ],
                blocks: &[],
            },
        },
        NestedBlock {
            name: "rule",
            nesting: Nesting::Labeled,
            schema: Schema {
                attributes: &[Attribute::bool("enabled").or("true")],
                blocks: &[
                    NestedBlock {
                        name: "condition",
                        nesting: Nesting::List,
                        schema: Schema {
                            attributes: &[Attribute::string("type"), Attribute::strings("values")],
                            blocks: &[],
                        },
                    },
                    ACTION,
                ],
            },
        },
        NestedBlock {
            name: "fallback",
            nesting: Nesting::Single,
            schema: Schema {
                attributes: &[Attribute::bool("enabled").or("true")],
                blocks: &[ACTION],
            },
        },
    ],
};

impl Kind for Copilot {
    fn name(&self) -> &'static str {
        NAME
    }

    fn plural_title(&self) -> &'static str {
        "Copilots"
    }

    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn guard(&self) -> Guard {
        Guard::Digest
    }

    fn ignorable(&self) -> &'static [&'static str] {
        &[
            "live_on_queue",
            "language_understanding",
            "rule",
            "fallback",
        ]
    }

    fn id_attribute(&self) -> Option<&'static str> {
        Some("assistant_id")
    }

    fn check(&self, object: &dyn Native, cx: CheckContext) -> Vec<Finding> {
        checks::check(&object.values(), cx)
    }

    fn check_together(&self, objects: &[&dyn Native]) -> Vec<(usize, Finding)> {
        checks::one_per_assistant(objects)
    }

    fn check_live(
        &self,
        values: &Value,
        _id: Option<&str>,
        live: &LiveSet,
        _managed: &dyn Fn(&str, &str) -> bool,
    ) -> Vec<Finding> {
        checks::language_kept(values, live)
    }

    fn normalize(&self, values: &mut Value) {
        api::normalize(values);
    }

    fn listed_with(&self) -> Option<&'static str> {
        Some(assistant::NAME)
    }

    fn points_at(&self, object: &Live) -> Vec<(&'static str, String)> {
        api::points_at(&object.values)
    }

    fn describe(&self, object: &Live, all: &LiveSet) -> String {
        let name = all
            .get(assistant::NAME, &object.id)
            .and_then(|a| a.values.get("name"))
            .and_then(Value::as_str)
            .unwrap_or("?");
        format!("the copilot of assistant \"{name}\" (`{}`)", object.id)
    }

    fn removal(&self) -> Option<&'static str> {
        Some("reset: no rules, not live on its queues")
    }

    fn adoptable(&self, object: &Live) -> bool {
        api::is_blank(&object.values)
    }

    fn list<'a>(
        &'a self,
        client: &'a Client,
        _read: &'a LiveSet,
        progress: &'a (dyn Fn(usize, usize) + Sync),
    ) -> Verb<'a, Vec<Live>> {
        Box::pin(assistant::api::copilots(client, progress))
    }

    fn get<'a>(&'a self, client: &'a Client, id: &'a str) -> Verb<'a, Option<Live>> {
        Box::pin(api::get(client, id))
    }

    fn put<'a>(
        &'a self,
        client: &'a Client,
        _id: Option<&'a str>,
        values: &'a Value,
        _version: Option<u64>,
    ) -> Verb<'a, Outcome<Live>> {
        Box::pin(api::put(client, values))
    }

    fn delete<'a>(
        &'a self,
        client: &'a Client,
        id: &'a str,
        _version: Option<u64>,
    ) -> Verb<'a, Outcome<()>> {
        Box::pin(api::reset(client, id))
    }
}
