//! `response_library`: a Genesys response library, which shares canned responses
//! with agents. Its id is the server's; its only managed attribute is `name`.

pub(crate) mod api;

use serde_json::{Value, json};

use crate::config::KindDecoder;
use crate::config::decode::Decoder;
use crate::diagnostic::{Code, Severity};
use crate::kind::schema::{Attribute, Schema};
use crate::kind::{CheckContext, Finding, Held, Kind, Live, LiveSet, Native, Verb};
use crate::kinds::wire;
use crate::remote::{Client, Outcome, Pages};

/// The block type and address prefix.
pub const NAME: &str = "response_library";

const COLLECTION: &[&str] = &["responsemanagement", "libraries"];

/// The largest page of libraries asked for: the SDK states none, and Genesys caps
/// most page-number listings at 100.
const PAGE_SIZE: usize = 100;

/// The longest name accepted (the SDK states no limit; this is assistform's).
pub const MAX_NAME: usize = 255;

#[derive(Debug)]
pub struct ResponseLibrary;

pub const DECODER: KindDecoder = KindDecoder {
    kind: &ResponseLibrary,
    decode,
};

fn decode(
    d: &mut Decoder,
    file: usize,
    block: &hcl_edit::structure::Block,
    scope: &crate::config::eval::Scope,
) -> Option<crate::config::ResourceConfig> {
    d.by_schema(&ResponseLibrary, file, block, scope)
}

static SCHEMA: Schema = Schema {
    attributes: &[Attribute::string("name")],
    blocks: &[],
};

fn values(object: &Value) -> Value {
    json!({ "name": wire::text(object, "name") })
}

fn live(object: &Value) -> Option<Live> {
    wire::live(object, values(object))
}

impl Kind for ResponseLibrary {
    fn name(&self) -> &'static str {
        NAME
    }

    fn plural_title(&self) -> &'static str {
        "Response libraries"
    }

    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn ignorable(&self) -> &'static [&'static str] {
        &["name"]
    }

    fn id_attribute(&self) -> Option<&'static str> {
        None
    }

    fn check(&self, object: &dyn Native, cx: CheckContext) -> Vec<Finding> {
        let values = object.values();
        let name = wire::text(&values, "name");
        let mut out = Vec::new();
        if name.trim().is_empty() {
            out.push(finding(
                Code::SchemaRequired,
                "name",
                "missing required attribute `name`".into(),
                "Every response library needs a `name`.".into(),
            ));
        } else if name.chars().count() > MAX_NAME {
            out.push(finding(
                Code::ContentTooLong,
                "name",
                format!("`name` is {} characters long", name.chars().count()),
                format!("A library name may be at most {MAX_NAME} characters."),
            ));
        }
        out.extend(crate::kinds::canned_response::checks::pii(
            &name,
            "name",
            "The library name",
            false,
            cx,
        ));
        out
    }

    fn check_together(&self, objects: &[&dyn Native]) -> Vec<(usize, Finding)> {
        let mut seen = std::collections::BTreeMap::new();
        let mut out = Vec::new();
        for (i, object) in objects.iter().enumerate() {
            let name = wire::text(&object.values(), "name");
            if name.is_empty() {
                continue;
            }
            if let Some(first) = seen.insert(name.clone(), i) {
                seen.insert(name.clone(), first);
                out.push((
                    i,
                    finding(
                        Code::SchemaDuplicateName,
                        "name",
                        format!("two response libraries are named \"{name}\""),
                        "Library names must be unique: a canned response names its libraries, and a person picks them by name.".into(),
                    ),
                ));
            }
        }
        out
    }

    fn holds_kinds(&self) -> &'static [&'static str] {
        &[crate::kinds::canned_response::NAME]
    }

    fn holds(&self, id: &str, live: &LiveSet) -> Vec<Held> {
        live.of_kind(crate::kinds::canned_response::NAME)
            .filter(|r| {
                r.values
                    .get("library_ids")
                    .and_then(Value::as_array)
                    .is_some_and(|ids| ids.iter().any(|l| l.as_str() == Some(id)))
            })
            .map(|r| Held {
                kind: crate::kinds::canned_response::NAME,
                id: r.id.clone(),
                name: r
                    .values
                    .get("name")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            })
            .collect()
    }

    fn list<'a>(
        &'a self,
        client: &'a Client,
        _read: &'a LiveSet,
        progress: &'a (dyn Fn(usize, usize) + Sync),
    ) -> Verb<'a, Vec<Live>> {
        Box::pin(async move {
            let objects: Vec<Value> = client
                .pages(Pages::List { path: COLLECTION }, PAGE_SIZE, progress)
                .await?;
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

    fn put<'a>(
        &'a self,
        client: &'a Client,
        id: Option<&'a str>,
        values: &'a Value,
        version: Option<u64>,
    ) -> Verb<'a, Outcome<Live>> {
        Box::pin(async move {
            let body = json!({ "name": wire::text(values, "name") });
            api::write(client, COLLECTION, id, body, version, live).await
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

fn finding(code: Code, path: &str, summary: String, detail: String) -> Finding {
    Finding {
        severity: Severity::Error,
        code,
        summary,
        detail,
        path: path.to_owned(),
        span: None,
    }
}
