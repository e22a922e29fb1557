//! `widget`: a kind that exists only in this crate's unit tests, to prove the seam
//! between the core and a kind. Its objects live in memory, not in Genesys; the
//! core plans, renders, applies and records them as it does prompts.

mod store;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use hcl_edit::Span;
use hcl_edit::structure::Block;
use serde_json::{Value, json};

use crate::config::decode::{Decoder, Schema as Body};
use crate::config::eval::Scope;
use crate::config::{KindDecoder, Located, ResourceConfig};
use crate::diagnostic::{Code, Severity};
use crate::kind::schema::{Attribute, NestedBlock, Nesting, Schema};
use crate::kind::{CheckContext, Finding, Kind, Live, LiveSet, Native, Verb};
use crate::remote::{Client, Outcome};

#[derive(Debug)]
pub struct Widget;

/// The kind, with how the configuration decodes a `widget` block.
pub const DECODER: KindDecoder = KindDecoder {
    kind: &Widget,
    decode,
};

static SCHEMA: Schema = Schema {
    attributes: &[
        Attribute::string("id"),
        Attribute::string("title"),
        Attribute::strings("tags"),
    ],
    blocks: &[NestedBlock {
        name: "body",
        nesting: Nesting::Single,
        schema: Schema {
            attributes: &[Attribute::text("text")],
            blocks: &[],
        },
    }],
};

const WIDGET: Body = Body {
    what: "a `widget` block",
    attrs: &["id", "title", "tags", "depends_on"],
    blocks: &["body", "lifecycle"],
};
const BODY: Body = Body {
    what: "a `body` block",
    attrs: &["text"],
    blocks: &[],
};

impl Kind for Widget {
    fn name(&self) -> &'static str {
        "widget"
    }

    fn plural_title(&self) -> &'static str {
        "Widgets"
    }

    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    /// As an object with no version would be: apply reads it again before writing.
    fn guard(&self) -> crate::kind::Guard {
        crate::kind::Guard::Digest
    }

    fn ignorable(&self) -> &'static [&'static str] {
        &["title", "tags", "body.text"]
    }

    fn id_attribute(&self) -> Option<&'static str> {
        Some("id")
    }

    fn check(&self, object: &dyn Native, cx: CheckContext) -> Vec<Finding> {
        let values = object.values();
        let mut out = Vec::new();
        if values["title"].as_str().is_none_or(|t| t.trim().is_empty()) {
            out.push(finding(
                Code::SchemaRequired,
                "title",
                "`title` must not be empty".into(),
            ));
        }
        let text = values["body"][0]["text"].as_str().unwrap_or_default();
        for found in crate::pii::scan_for(text, &cx.org.pii_allow, cx.regions) {
            out.push(Finding {
                span: Some(found.range.clone()),
                ..finding(
                    Code::from(found.kind),
                    "body.text",
                    format!("`body.text` holds {}", found.kind.describe()),
                )
            });
        }
        out
    }

    fn list<'a>(
        &'a self,
        _: &'a Client,
        _: &'a LiveSet,
        progress: &'a (dyn Fn(usize, usize) + Sync),
    ) -> Verb<'a, Vec<Live>> {
        Box::pin(async move {
            progress(1, 1);
            Ok(store::all())
        })
    }

    fn get<'a>(&'a self, _: &'a Client, id: &'a str) -> Verb<'a, Option<Live>> {
        Box::pin(async move { Ok(store::get(id)) })
    }

    fn put<'a>(
        &'a self,
        _: &'a Client,
        _: Option<&'a str>,
        values: &'a Value,
        version: Option<u64>,
    ) -> Verb<'a, Outcome<Live>> {
        Box::pin(async move { store::put(values, version) })
    }

    fn delete<'a>(
        &'a self,
        _: &'a Client,
        id: &'a str,
        version: Option<u64>,
    ) -> Verb<'a, Outcome<()>> {
        Box::pin(async move { store::delete(id, version) })
    }
}

fn finding(code: Code, path: &str, summary: String) -> Finding {
    Finding {
        severity: Severity::Error,
        code,
        summary,
        detail: String::new(),
        path: path.to_owned(),
        span: None,
    }
}

/// One `widget` block.
fn decode(d: &mut Decoder, file: usize, block: &Block, scope: &Scope) -> Option<ResourceConfig> {
    let this: &'static Widget = &Widget;
    let (address, location) = d.resource_label(file, block, this)?;
    let at = address.to_string();
    let fields = d.fields(file, &block.body, &WIDGET, Some(&at));
    let mut config =
        ResourceConfig::new(this, address.clone(), None, Arc::new(Value::Null), location);
    let mut text =
        |d: &mut Decoder, attrs: &crate::config::decode::Fields, key: &str, path: &str| {
            let attr = attrs.attrs.get(key)?;
            config.fields.push((
                path.to_owned().into(),
                Located {
                    file,
                    bytes: attr.value.span().unwrap_or(0..0),
                },
            ));
            let (value, sensitive) = d.string(scope, file, attr, Some(&at))?;
            if sensitive {
                config.sensitive.insert(path.to_owned());
            }
            Some(value)
        };
    let id = text(d, &fields, "id", "id").unwrap_or_else(|| address.label().to_owned());
    let title = text(d, &fields, "title", "title").unwrap_or_default();
    let body = d.single(file, &fields, "body", "a widget", Some(&at));
    let body_text = body
        .map(|b| {
            let inner = d.fields(file, &b.body, &BODY, Some(&at));
            text(d, &inner, "text", "body.text").unwrap_or_default()
        })
        .unwrap_or_default();
    let tags = fields
        .attrs
        .get("tags")
        .and_then(|a| d.strings(scope, file, a, Some(&at)))
        .map(|(tags, _)| tags)
        .unwrap_or_default();
    (config.depends_on, config.lifecycle) = d.meta(file, &fields, scope, this, &address);
    config.native = Arc::new(
        json!({"id": id.clone(), "title": title, "tags": tags, "body": [{"text": body_text}]}),
    );
    config.id = Some(id);
    Some(config)
}
