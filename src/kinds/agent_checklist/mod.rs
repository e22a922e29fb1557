//! `agent_checklist`: an Agent Copilot checklist, the items an agent works through
//! during a conversation. Its id is the server's, and it has **no version**: the
//! server cannot refuse a stale write, so apply reads it again before each write
//! and refuses one whose object moved since the plan ([`Guard::Digest`]).

pub(crate) mod checks;

use serde_json::{Map, Value, json};

use crate::config::KindDecoder;
use crate::config::decode::Decoder;
use crate::kind::schema::{Attribute, NestedBlock, Nesting, Schema};
use crate::kind::{CheckContext, Finding, Guard, Kind, Live, LiveSet, Native, Verb};
use crate::kinds::wire::{self, text};
use crate::remote::{Client, Outcome, RemoteError};
use reqwest::Method;

/// The block type and address prefix.
pub const NAME: &str = "agent_checklist";

const COLLECTION: &[&str] = &["assistants", "agentchecklists"];

/// The largest page the listing serves.
const PAGE_SIZE: usize = 100;

#[derive(Debug)]
pub struct AgentChecklist;

pub const DECODER: KindDecoder = KindDecoder {
    kind: &AgentChecklist,
    decode,
};

fn decode(
    d: &mut Decoder,
    file: usize,
    block: &hcl_edit::structure::Block,
    scope: &crate::config::eval::Scope,
) -> Option<crate::config::ResourceConfig> {
    d.by_schema(&AgentChecklist, file, block, scope)
}

static SCHEMA: Schema = Schema {
    attributes: &[Attribute::string("name"), Attribute::string("language")],
    blocks: &[NestedBlock {
        name: "item",
        nesting: Nesting::List,
        schema: Schema {
            attributes: &[
                Attribute::string("name"),
                Attribute::text("description"),
                Attribute::bool("automated_check_enabled"),
                Attribute::bool("exact_phrase_match"),
                Attribute::bool("important"),
            ],
            blocks: &[],
        },
    }],
};

/// The item fields, as HCL and the API name them.
const ITEM_FLAGS: [(&str, &str); 3] = [
    ("automated_check_enabled", "automatedCheckEnabled"),
    ("exact_phrase_match", "exactPhraseMatch"),
    ("important", "important"),
];

fn to_values(object: &Value) -> Value {
    let items: Vec<Value> = object
        .get("checklistItems")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|item| {
            let mut out = Map::new();
            out.insert("name".into(), text(item, "name").into());
            out.insert("description".into(), text(item, "description").into());
            for (hcl, wire) in ITEM_FLAGS {
                let flag = item.get(wire).and_then(Value::as_bool).unwrap_or(false);
                out.insert(hcl.into(), flag.into());
            }
            Value::Object(out)
        })
        .collect();
    json!({
        "name": text(object, "name"),
        "language": text(object, "language"),
        "item": items,
    })
}

fn to_body(values: &Value) -> Value {
    let items: Vec<Value> = values
        .get("item")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|item| {
            let mut out = Map::new();
            out.insert("name".into(), text(item, "name").into());
            let description = text(item, "description");
            if !description.is_empty() {
                out.insert("description".into(), description.into());
            }
            for (hcl, wire) in ITEM_FLAGS {
                let flag = item.get(hcl).and_then(Value::as_bool).unwrap_or(false);
                out.insert(wire.into(), flag.into());
            }
            Value::Object(out)
        })
        .collect();
    json!({
        "name": text(values, "name"),
        "language": text(values, "language"),
        "checklistItems": items,
    })
}

fn live(object: &Value) -> Option<Live> {
    wire::live(object, to_values(object))
}

impl Kind for AgentChecklist {
    fn name(&self) -> &'static str {
        NAME
    }

    fn plural_title(&self) -> &'static str {
        "Agent checklists"
    }

    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn guard(&self) -> Guard {
        Guard::Digest
    }

    fn ignorable(&self) -> &'static [&'static str] {
        &["name", "language", "item"]
    }

    fn pointed_at_by(&self) -> &'static [&'static str] {
        &[crate::kinds::copilot::NAME]
    }

    fn id_attribute(&self) -> Option<&'static str> {
        None
    }

    fn check(&self, object: &dyn Native, cx: CheckContext) -> Vec<Finding> {
        match object.as_any().downcast_ref::<Value>() {
            Some(values) => checks::check(values, cx),
            None => checks::check(&object.values(), cx),
        }
    }

    fn list<'a>(
        &'a self,
        client: &'a Client,
        _read: &'a LiveSet,
        progress: &'a (dyn Fn(usize, usize) + Sync),
    ) -> Verb<'a, Vec<Live>> {
        Box::pin(async move {
            let objects: Vec<Value> = client.cursor_pages(COLLECTION, PAGE_SIZE, progress).await?;
            Ok(wire::newest_once(objects.iter().filter_map(live).collect()))
        })
    }

    fn get<'a>(&'a self, client: &'a Client, id: &'a str) -> Verb<'a, Option<Live>> {
        Box::pin(async move {
            Ok(wire::get(client, COLLECTION, id)
                .await?
                .as_ref()
                .and_then(live))
        })
    }

    /// A create is a POST, sent once; a replace is a PUT of the whole checklist.
    /// A create answered 202 without the new object may still have made it: that
    /// is an open outcome, settled by reading, as a lost answer is.
    fn put<'a>(
        &'a self,
        client: &'a Client,
        id: Option<&'a str>,
        values: &'a Value,
        _version: Option<u64>,
    ) -> Verb<'a, Outcome<Live>> {
        Box::pin(async move {
            let body = to_body(values);
            let url = wire::url(client, COLLECTION, id);
            let outcome: Outcome<Value> = match id {
                None => client.create_object(url.clone(), &body).await?,
                Some(_) => client.write_object(Method::PUT, url.clone(), &body).await?,
            };
            match live(&outcome.value) {
                Some(object) => Ok(outcome.map(|_| object)),
                None => Err(RemoteError::Transport {
                    request: format!("{} {url}", if id.is_none() { "POST" } else { "PUT" }),
                    message: format!(
                        "answered {} without the checklist, so whether and as what it landed is read back",
                        outcome.status
                    ),
                    sent: true,
                }),
            }
        })
    }

    fn delete<'a>(
        &'a self,
        client: &'a Client,
        id: &'a str,
        _version: Option<u64>,
    ) -> Verb<'a, Outcome<()>> {
        Box::pin(async move {
            client
                .delete_object(wire::url(client, COLLECTION, Some(id)))
                .await
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_through_the_api_shape() {
        let values = json!({
            "name": "Verify the caller",
            "language": "en-US",
            "item": [
                {"name": "Ask for the account number", "description": "", "automated_check_enabled": true, "exact_phrase_match": false, "important": true},
            ],
        });
        assert_eq!(to_values(&to_body(&values)), values);
        assert_eq!(
            to_body(&values)["checklistItems"][0]["automatedCheckEnabled"],
            true
        );
    }
}
