//! `canned_response`: a text agents send with a click, shared through response
//! libraries (Genesys Response Management). Its id is the server's; it is
//! versioned, so an update names the version the plan read.

pub mod checks;
pub mod model;
pub mod placeholders;

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::config::KindDecoder;
use crate::config::decode::Decoder;
use crate::diagnostic::{Code, Severity};
use crate::kind::schema::{Attribute, NestedBlock, Nesting, Schema};
use crate::kind::{CheckContext, Finding, Kind, Live, LiveSet, Native, Verb};
use crate::kinds::response_library::{self, api};
use crate::kinds::wire;
use crate::remote::{Client, Outcome, Pages, RemoteError};

/// The block type and address prefix.
pub const NAME: &str = "canned_response";

const COLLECTION: &[&str] = &["responsemanagement", "responses"];
const QUERY: &[&str] = &["responsemanagement", "responses", "query"];

/// The query endpoint's largest page.
const QUERY_PAGE_SIZE: usize = 500;

#[derive(Debug)]
pub struct CannedResponse;

pub const DECODER: KindDecoder = KindDecoder {
    kind: &CannedResponse,
    decode,
};

fn decode(
    d: &mut Decoder,
    file: usize,
    block: &hcl_edit::structure::Block,
    scope: &crate::config::eval::Scope,
) -> Option<crate::config::ResourceConfig> {
    d.by_schema(&CannedResponse, file, block, scope)
}

static SCHEMA: Schema = Schema {
    attributes: &[
        Attribute::string("name"),
        Attribute::strings("library_ids").referring_to(response_library::NAME),
        Attribute::string("interaction_type"),
    ],
    blocks: &[
        NestedBlock {
            name: "texts",
            nesting: Nesting::List,
            schema: Schema {
                attributes: &[
                    Attribute::text("content"),
                    Attribute::string("content_type").or(model::DEFAULT_CONTENT_TYPE),
                    Attribute::string("type").or(model::DEFAULT_TEXT_TYPE),
                ],
                blocks: &[],
            },
        },
        NestedBlock {
            name: "substitutions",
            nesting: Nesting::List,
            schema: Schema {
                attributes: &[
                    Attribute::string("id"),
                    Attribute::string("description"),
                    Attribute::string("default_value"),
                ],
                blocks: &[],
            },
        },
    ],
};

fn live(object: &Value) -> Option<Live> {
    wire::live(object, model::to_values(object))
}

/// Every response in `libraries`, through the query endpoint: the first page
/// says how many there are, the rest come concurrently.
async fn query(
    client: &Client,
    filters: Value,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Vec<Live>, RemoteError> {
    let source = Pages::Query {
        path: QUERY,
        body: json!({ "filters": filters }),
    };
    let objects: Vec<Value> = client.pages(source, QUERY_PAGE_SIZE, progress).await?;
    Ok(wire::newest_once(objects.iter().filter_map(live).collect()))
}

fn library_filter(ids: Vec<Value>) -> Value {
    json!({ "name": "libraryId", "operator": "IN", "values": ids })
}

impl Kind for CannedResponse {
    fn name(&self) -> &'static str {
        NAME
    }

    fn plural_title(&self) -> &'static str {
        "Canned responses"
    }

    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn ignorable(&self) -> &'static [&'static str] {
        &[
            "name",
            "library_ids",
            "interaction_type",
            "texts",
            "substitutions",
        ]
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

    /// Names are unique within a library: a create whose answer was lost is found
    /// again by its name and attributes, and an agent picks a response by name.
    fn check_together(&self, objects: &[&dyn Native]) -> Vec<(usize, Finding)> {
        let mut seen: BTreeMap<(String, String), usize> = BTreeMap::new();
        let mut out = Vec::new();
        for (i, object) in objects.iter().enumerate() {
            let values = object.values();
            let name = wire::text(&values, "name");
            let libraries = values.get("library_ids").and_then(Value::as_array);
            for (j, library) in libraries.into_iter().flatten().enumerate() {
                let library = library.as_str().unwrap_or_default().to_owned();
                if name.is_empty() || library.is_empty() {
                    continue;
                }
                if seen.contains_key(&(library.clone(), name.clone())) {
                    out.push((
                        i,
                        Finding {
                            severity: Severity::Error,
                            code: Code::SchemaDuplicateName,
                            summary: format!("two canned responses named \"{name}\" share a library"),
                            detail: "Names must be unique within a library: agents pick responses by name, and a create whose answer was lost is found again by it.".into(),
                            path: format!("library_ids[{j}]"),
                            span: None,
                        },
                    ));
                } else {
                    seen.insert((library, name.clone()), i);
                }
            }
        }
        out
    }

    fn pointed_at_by(&self) -> &'static [&'static str] {
        &[crate::kinds::copilot::NAME]
    }

    fn lists_after(&self) -> &'static [&'static str] {
        &[response_library::NAME]
    }

    fn list<'a>(
        &'a self,
        client: &'a Client,
        read: &'a LiveSet,
        progress: &'a (dyn Fn(usize, usize) + Sync),
    ) -> Verb<'a, Vec<Live>> {
        Box::pin(async move {
            // The libraries come first in a refresh; a run that manages responses
            // but no library reads them here.
            let listed;
            let libraries: Vec<&Live> = if read.has(response_library::NAME) {
                read.of_kind(response_library::NAME).collect()
            } else {
                listed = response_library::ResponseLibrary
                    .list(client, read, &|_, _| {})
                    .await?;
                listed.iter().collect()
            };
            let libraries: Vec<Value> = libraries
                .iter()
                .map(|l| Value::String(l.id.clone()))
                .collect();
            if libraries.is_empty() {
                return Ok(Vec::new());
            }
            query(client, json!([library_filter(libraries)]), progress).await
        })
    }

    fn find<'a>(&'a self, client: &'a Client, values: &'a Value) -> Verb<'a, Vec<Live>> {
        Box::pin(async move {
            let libraries = values
                .get("library_ids")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let filters = json!([
                library_filter(libraries),
                { "name": "name", "operator": "EQUALS", "values": [wire::text(values, "name")] },
            ]);
            let found = query(client, filters, &|_, _| {}).await?;
            Ok(found.into_iter().filter(|l| &l.values == values).collect())
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

    fn put<'a>(
        &'a self,
        client: &'a Client,
        id: Option<&'a str>,
        values: &'a Value,
        version: Option<u64>,
    ) -> Verb<'a, Outcome<Live>> {
        Box::pin(async move {
            api::write(
                client,
                COLLECTION,
                id,
                model::to_body(values),
                version,
                live,
            )
            .await
        })
    }

    fn delete<'a>(
        &'a self,
        client: &'a Client,
        id: &'a str,
        version: Option<u64>,
    ) -> Verb<'a, Outcome<()>> {
        Box::pin(api::delete(client, COLLECTION, id, version))
    }
}
