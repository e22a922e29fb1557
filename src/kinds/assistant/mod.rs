//! `assistant`: an Agent Copilot assistant and the queues it serves. Its id is the
//! server's and it has **no version**, so writes are guarded by reading it again
//! ([`Guard::Digest`]). Its queues are written through their own sub-resource; a
//! queue serves one assistant, so binding it takes it from another — which the
//! plan refuses for an assistant outside the configuration unless the block says
//! `take_over = true`.

pub(crate) mod api;
mod checks;

use serde_json::Value;

use crate::config::KindDecoder;
use crate::config::decode::Decoder;
use crate::kind::schema::{Attribute, NestedBlock, Nesting, Schema};
use crate::kind::{CheckContext, Finding, Guard, Kind, Live, LiveSet, Native, Verb};
use crate::remote::{Client, Outcome};

/// The block type and address prefix.
pub const NAME: &str = "assistant";

/// The transcription vendors Genesys knows.
pub const VENDORS: &[&str] = &["Genesys", "GoogleDialogflow", "Unknown"];
/// The media a queue binding takes.
pub const MEDIA_TYPES: &[&str] = &["Call", "Email", "Message"];

#[derive(Debug)]
pub struct Assistant;

pub const DECODER: KindDecoder = KindDecoder {
    kind: &Assistant,
    decode,
};

fn decode(
    d: &mut Decoder,
    file: usize,
    block: &hcl_edit::structure::Block,
    scope: &crate::config::eval::Scope,
) -> Option<crate::config::ResourceConfig> {
    d.by_schema(&Assistant, file, block, scope)
}

static SCHEMA: Schema = Schema {
    attributes: &[
        Attribute::string("name"),
        Attribute::string("transcription_vendor").or("Genesys"),
    ],
    blocks: &[
        NestedBlock {
            name: "knowledge",
            nesting: Nesting::Single,
            schema: Schema {
                attributes: &[
                    Attribute::string("vendor").or("Genesys"),
                    Attribute::string("knowledge_base_id"),
                    Attribute::string("language"),
                ],
                blocks: &[],
            },
        },
        NestedBlock {
            name: "queue",
            nesting: Nesting::List,
            schema: Schema {
                attributes: &[
                    Attribute::string("id"),
                    Attribute::strings("media_types"),
                    Attribute::bool("take_over").directing(),
                ],
                blocks: &[],
            },
        },
    ],
};

impl Kind for Assistant {
    fn name(&self) -> &'static str {
        NAME
    }

    fn plural_title(&self) -> &'static str {
        "Assistants"
    }

    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn guard(&self) -> Guard {
        Guard::Digest
    }

    fn ignorable(&self) -> &'static [&'static str] {
        &["name", "transcription_vendor", "knowledge", "queue"]
    }

    fn id_attribute(&self) -> Option<&'static str> {
        None
    }

    fn check(&self, object: &dyn Native, cx: CheckContext) -> Vec<Finding> {
        checks::check(&object.values(), cx)
    }

    fn check_together(&self, objects: &[&dyn Native]) -> Vec<(usize, Finding)> {
        checks::queues_claimed_twice(objects)
    }

    fn check_live(
        &self,
        values: &Value,
        id: Option<&str>,
        live: &LiveSet,
        managed: &dyn Fn(&str, &str) -> bool,
    ) -> Vec<Finding> {
        checks::queues_served_elsewhere(values, id, live, managed)
    }

    /// The assistant each queue it takes is served by now (`""`: none).
    fn expects(&self, values: &Value, id: Option<&str>, live: &LiveSet) -> Option<Value> {
        api::owners(values, id, live)
    }

    /// A queue it takes that another assistant than the plan saw serves now.
    fn still_expected<'a>(
        &'a self,
        client: &'a Client,
        id: Option<&'a str>,
        _values: &'a Value,
        expects: &'a Value,
    ) -> Verb<'a, Option<String>> {
        Box::pin(api::owners_moved(client, id, expects))
    }

    fn normalize(&self, values: &mut Value) {
        api::normalize(values);
    }

    fn taken_by(&self, before: &Value, other_after: &Value) -> Option<Value> {
        api::taken_by(before, other_after)
    }

    fn list<'a>(
        &'a self,
        client: &'a Client,
        read: &'a LiveSet,
        progress: &'a (dyn Fn(usize, usize) + Sync),
    ) -> Verb<'a, Vec<Live>> {
        Box::pin(async move { Ok(self.list_along(client, read, progress).await?.0) })
    }

    fn list_along<'a>(
        &'a self,
        client: &'a Client,
        _read: &'a LiveSet,
        progress: &'a (dyn Fn(usize, usize) + Sync),
    ) -> Verb<'a, crate::kind::Listing> {
        Box::pin(api::list(client, progress))
    }

    /// The assistant without its queues: they are bound by requests of their
    /// own after the create, which a create whose answer was lost never reached.
    fn as_created(&self, values: &Value) -> Value {
        api::without_queues(values)
    }

    fn get<'a>(&'a self, client: &'a Client, id: &'a str) -> Verb<'a, Option<Live>> {
        Box::pin(api::get(client, id))
    }

    fn put<'a>(
        &'a self,
        client: &'a Client,
        id: Option<&'a str>,
        values: &'a Value,
        _version: Option<u64>,
    ) -> Verb<'a, Outcome<Live>> {
        Box::pin(api::put(client, id, values))
    }

    fn delete<'a>(
        &'a self,
        client: &'a Client,
        id: &'a str,
        _version: Option<u64>,
    ) -> Verb<'a, Outcome<()>> {
        Box::pin(async move {
            client
                .delete_object(crate::kinds::wire::url(client, api::COLLECTION, Some(id)))
                .await
        })
    }
}
