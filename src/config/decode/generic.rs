//! A block read by its kind's schema alone: for a kind whose configuration is its
//! values, with no shape of its own to decode into. Every attribute is set in the
//! values — to the schema's default when the block leaves it out — so that they
//! compare equal to the same object read back from Genesys.

use std::collections::BTreeSet;
use std::sync::Arc;

use hcl_edit::Span;
use hcl_edit::structure::{Block, Body};
use serde_json::{Map, Value};

use super::{Decoder, Fields, Schema as Names, element_span};
use crate::config::eval::Scope;
use crate::config::{Located, ResourceConfig};
use crate::kind::Kind;
use crate::kind::schema::{NestedBlock, Nesting, Schema, Type};

/// The meta-arguments every resource block takes beside its schema's.
const META_ATTRIBUTES: &[&str] = &["depends_on"];
const META_BLOCKS: &[&str] = &["lifecycle"];

impl Decoder<'_> {
    /// One block of `kind`, read by [`Kind::schema`] into values: what a kind
    /// whose server assigns ids uses as its `KindDecoder::decode`.
    pub fn by_schema(
        &mut self,
        kind: &'static dyn Kind,
        file: usize,
        block: &Block,
        scope: &Scope,
    ) -> Option<ResourceConfig> {
        let (address, location) = self.resource_label(file, block, kind)?;
        let at = address.to_string();
        let what = format!("a `{}` block", kind.name());
        let mut reading = Reading {
            file,
            scope,
            address: &at,
            fields: Vec::new(),
            sensitive: BTreeSet::new(),
            incomplete: BTreeSet::new(),
        };
        let (values, fields) = reading.body(self, &block.body, kind.schema(), &what, "", true);
        let (depends_on, lifecycle) = self.meta(file, &fields, scope, kind, &address);
        let mut resource = ResourceConfig::new(kind, address, None, Arc::new(values), location);
        resource.depends_on = depends_on;
        resource.lifecycle = lifecycle;
        resource.sensitive = reading.sensitive;
        resource.incomplete = reading.incomplete;
        resource.fields = reading.fields;
        Some(resource)
    }
}

/// What is gathered while one block is read.
struct Reading<'s> {
    file: usize,
    scope: &'s Scope,
    address: &'s str,
    fields: Vec<(std::borrow::Cow<'static, str>, Located)>,
    sensitive: BTreeSet<String>,
    incomplete: BTreeSet<String>,
}

impl Reading<'_> {
    /// The values of `body` by `schema`, each path under `prefix`; with the
    /// fields, for the meta-arguments of the top-level body.
    fn body<'b>(
        &mut self,
        d: &mut Decoder,
        body: &'b Body,
        schema: &Schema,
        what: &str,
        prefix: &str,
        top: bool,
    ) -> (Value, Fields<'b>) {
        let mut attrs: Vec<&str> = schema.attributes.iter().map(|a| a.name).collect();
        let mut blocks: Vec<&str> = schema.blocks.iter().map(|b| b.name).collect();
        if top {
            attrs.extend(META_ATTRIBUTES);
            blocks.extend(META_BLOCKS);
        }
        let names = Names {
            what,
            attrs: &attrs,
            blocks: &blocks,
        };
        let fields = d.fields(self.file, body, &names, Some(self.address));
        let mut out = Map::new();
        for attribute in schema.attributes {
            let path = format!("{prefix}{}", attribute.name);
            let value = match fields.attrs.get(attribute.name) {
                None => default(attribute.ty, attribute.default),
                Some(attr) => {
                    self.fields.push((
                        path.clone().into(),
                        Decoder::located(self.file, attr.value.span()),
                    ));
                    let read = match attribute.ty {
                        Type::String => d
                            .string(self.scope, self.file, attr, Some(self.address))
                            .map(|(s, sensitive)| (Value::String(s), sensitive)),
                        Type::Strings => d
                            .strings(self.scope, self.file, attr, Some(self.address))
                            .map(|(items, sensitive)| {
                                for i in 0..items.len() {
                                    self.fields.push((
                                        format!("{path}[{i}]").into(),
                                        Decoder::located(self.file, element_span(&attr.value, i)),
                                    ));
                                }
                                (
                                    Value::Array(items.into_iter().map(Value::String).collect()),
                                    sensitive,
                                )
                            }),
                        Type::Number => d
                            .whole_number(self.scope, self.file, attr, Some(self.address))
                            .map(|(n, sensitive)| (Value::from(n), sensitive)),
                        Type::Bool => d
                            .bool(self.scope, self.file, attr, Some(self.address))
                            .map(|b| (Value::Bool(b), false)),
                        Type::Decimal => d.decimal(self.scope, self.file, attr, Some(self.address)),
                        Type::Map => d.string_map(self.scope, self.file, attr, Some(self.address)),
                    };
                    match read {
                        Some((value, sensitive)) => {
                            if sensitive {
                                self.sensitive.insert(path.clone());
                            }
                            value
                        }
                        None => {
                            self.incomplete.insert(path.clone());
                            default(attribute.ty, attribute.default)
                        }
                    }
                }
            };
            out.insert(attribute.name.to_owned(), value);
        }
        for nested in schema.blocks {
            let found = fields.blocks.get(nested.name).cloned().unwrap_or_default();
            if nested.nesting == Nesting::Labeled {
                let by_label = self.labeled(d, &found, nested, prefix);
                out.insert(nested.name.to_owned(), by_label);
                continue;
            }
            let found: Vec<&Block> = match nested.nesting {
                Nesting::List | Nesting::Labeled => found,
                Nesting::Single => d
                    .single(self.file, &fields, nested.name, what, Some(self.address))
                    .into_iter()
                    .collect(),
            };
            let mut items = Vec::new();
            for (i, block) in found.iter().enumerate() {
                let inner = match nested.nesting {
                    Nesting::List | Nesting::Labeled => format!("{prefix}{}[{i}]", nested.name),
                    Nesting::Single => format!("{prefix}{}", nested.name),
                };
                self.fields.push((
                    inner.clone().into(),
                    Decoder::located(self.file, block.ident.span()),
                ));
                let what = format!("a `{}` block", nested.name);
                let (value, _) = self.body(
                    d,
                    &block.body,
                    &nested.schema,
                    &what,
                    &format!("{inner}."),
                    false,
                );
                items.push(value);
            }
            out.insert(nested.name.to_owned(), Value::Array(items));
        }
        (Value::Object(out), fields)
    }
}

impl Reading<'_> {
    /// Blocks with one label each, as an object by label; a label given twice is
    /// reported, and the first block of it kept.
    fn labeled(
        &mut self,
        d: &mut Decoder,
        found: &[&Block],
        nested: &NestedBlock,
        prefix: &str,
    ) -> Value {
        let mut by_label = Map::new();
        let example = format!("{} \"<label>\" {{ … }}", nested.name);
        for block in found {
            let Some((label, at)) = d.label(self.file, block, &example) else {
                continue;
            };
            if by_label.contains_key(&label) {
                d.report(
                    crate::diagnostic::Diagnostic::error(
                        crate::diagnostic::Code::SchemaDuplicate,
                        format!("two `{} \"{label}\"` blocks", nested.name),
                    )
                    .detail("A label names one block; rename or merge one of them."),
                    &at,
                    Some(self.address),
                );
                continue;
            }
            let inner = format!("{prefix}{}.{label}", nested.name);
            self.fields.push((inner.clone().into(), at));
            let what = format!("a `{} \"{label}\"` block", nested.name);
            let (value, _) = self.body(
                d,
                &block.body,
                &nested.schema,
                &what,
                &format!("{inner}."),
                false,
            );
            by_label.insert(label, value);
        }
        Value::Object(by_label)
    }
}

fn default(ty: Type, default: Option<&'static str>) -> Value {
    match ty {
        Type::String => Value::String(default.unwrap_or_default().to_owned()),
        Type::Strings => Value::Array(Vec::new()),
        Type::Number => default
            .and_then(|d| d.parse::<u64>().ok())
            .map_or(Value::from(0), Value::from),
        Type::Bool => Value::Bool(default == Some("true")),
        Type::Decimal => default
            .and_then(|d| d.parse::<f64>().ok())
            .and_then(serde_json::Number::from_f64)
            .map_or(Value::from(0), Value::Number),
        Type::Map => Value::Object(Map::new()),
    }
}
