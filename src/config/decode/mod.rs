//! The decoder: syntax trees → typed configuration, reporting every problem.

mod backend;
mod blocks;
mod generic;
mod meta;
mod scope;

use std::collections::BTreeMap;
use std::ops::Range;

use hcl::Value;
use hcl_edit::Span;
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Attribute, Block, BlockLabel, Body, Structure};

use super::eval::Scope;
use super::variables::describe;
use super::{KindDecoder, Located};
use crate::diagnostic::{Code, Diagnostic, SourceFile};
use crate::suggest::did_you_mean;

/// Reads syntax trees, reporting every problem with where it is written. Each kind
/// decodes its own blocks with it.
pub struct Decoder<'a> {
    sources: &'a [SourceFile],
    diagnostics: &'a mut Vec<Diagnostic>,
    kinds: &'a [KindDecoder],
}

/// The attributes and blocks of one body, after its schema was checked.
pub struct Fields<'b> {
    pub attrs: BTreeMap<&'b str, &'b Attribute>,
    pub blocks: BTreeMap<&'b str, Vec<&'b Block>>,
}

/// What may appear in a body, for schema checks and suggestions.
pub struct Schema<'s> {
    pub what: &'s str,
    pub attrs: &'s [&'s str],
    pub blocks: &'s [&'s str],
}

impl<'a> Decoder<'a> {
    pub(in crate::config) fn new(
        sources: &'a [SourceFile],
        diagnostics: &'a mut Vec<Diagnostic>,
        kinds: &'a [KindDecoder],
    ) -> Self {
        Decoder {
            sources,
            diagnostics,
            kinds,
        }
    }

    pub fn located(file: usize, bytes: Option<Range<usize>>) -> Located {
        Located {
            file,
            bytes: bytes.unwrap_or(0..0),
        }
    }

    pub fn report(&mut self, diagnostic: Diagnostic, at: &Located, address: Option<&str>) {
        let mut d = diagnostic.range(Some(at.range(self.sources)));
        if let Some(a) = address {
            d = d.address(a);
        }
        self.diagnostics.push(d);
    }

    /// Checks `body` against `schema`: unknown names (with a suggestion) and names
    /// given twice are reported; the rest is returned by name.
    pub fn fields<'b>(
        &mut self,
        file: usize,
        body: &'b Body,
        schema: &Schema,
        address: Option<&str>,
    ) -> Fields<'b> {
        let mut fields = Fields {
            attrs: BTreeMap::new(),
            blocks: BTreeMap::new(),
        };
        for structure in body.iter() {
            let (name, span, is_block) = match structure {
                Structure::Attribute(a) => (a.key.as_str(), a.key.span(), false),
                Structure::Block(b) => (b.ident.as_str(), b.ident.span(), true),
            };
            let at = Self::located(file, span);
            let known_attr = schema.attrs.contains(&name);
            let known_block = schema.blocks.contains(&name);
            match structure {
                Structure::Attribute(a) if known_attr => {
                    if fields.attrs.insert(name, a).is_some() {
                        self.report(
                            Diagnostic::error(
                                Code::SchemaDuplicate,
                                format!("attribute `{name}` is set twice in {}", schema.what),
                            )
                            .detail("Each attribute may be set once; remove one of them."),
                            &at,
                            address,
                        );
                    }
                }
                Structure::Block(b) if known_block => {
                    fields.blocks.entry(name).or_default().push(b);
                }
                _ => {
                    let detail = if known_block {
                        format!("`{name}` is a block: write `{name} {{ … }}`.")
                    } else if known_attr {
                        format!("`{name}` is an attribute: write `{name} = …`.")
                    } else {
                        let candidates = schema.attrs.iter().chain(schema.blocks).copied();
                        let hint = did_you_mean(name, candidates)
                            .map(|s| format!("Did you mean `{s}`? "))
                            .unwrap_or_default();
                        format!(
                            "{hint}{} accepts {}.",
                            capitalized(schema.what),
                            accepted(schema)
                        )
                    };
                    let kind = if is_block { "block" } else { "attribute" };
                    let summary = if known_attr || known_block {
                        format!("`{name}` is not {kind} in {}", schema.what)
                    } else {
                        format!("unknown {kind} `{name}` in {}", schema.what)
                    };
                    self.report(
                        Diagnostic::error(Code::SchemaUnknown, summary).detail(detail),
                        &at,
                        address,
                    );
                }
            }
        }
        fields
    }

    /// At most one block named `name`; a second is reported.
    pub fn single<'b>(
        &mut self,
        file: usize,
        fields: &Fields<'b>,
        name: &str,
        what: &str,
        address: Option<&str>,
    ) -> Option<&'b Block> {
        let blocks = fields.blocks.get(name)?;
        for extra in &blocks[1..] {
            self.report(
                Diagnostic::error(
                    Code::SchemaDuplicate,
                    format!("{what} has more than one `{name}` block"),
                )
                .detail(format!(
                    "Only one `{name}` block is allowed; merge them into one."
                )),
                &Self::located(file, extra.ident.span()),
                address,
            );
        }
        blocks.first().copied()
    }

    /// The single label of `block`, or a reported error.
    pub fn label(
        &mut self,
        file: usize,
        block: &Block,
        example: &str,
    ) -> Option<(String, Located)> {
        match block.labels.as_slice() {
            [label] => {
                let (text, span) = match label {
                    BlockLabel::String(s) => (s.as_str().to_owned(), s.span()),
                    BlockLabel::Ident(i) => (i.as_str().to_owned(), i.span()),
                };
                Some((text, Self::located(file, span)))
            }
            _ => {
                let at = Self::located(file, block.ident.span());
                self.report(
                    Diagnostic::error(
                        Code::SchemaLabel,
                        format!("a `{}` block needs exactly one label", block.ident.as_str()),
                    )
                    .detail(format!("Write it as `{example}`.")),
                    &at,
                    None,
                );
                None
            }
        }
    }

    /// Evaluates `attr`'s value; `None` after reporting a problem.
    fn value(
        &mut self,
        scope: &Scope,
        file: usize,
        attr: &Attribute,
        address: Option<&str>,
    ) -> Option<(Value, bool)> {
        let before = self.diagnostics.len();
        let evaluated = scope.evaluate(&attr.value, file, self.sources, self.diagnostics);
        if let Some(a) = address {
            for d in &mut self.diagnostics[before..] {
                d.address.get_or_insert_with(|| a.to_owned());
            }
        }
        evaluated.map(|e| (e.value, e.sensitive))
    }

    fn type_error(
        &mut self,
        file: usize,
        attr: &Attribute,
        expected: &str,
        got: &Value,
        address: Option<&str>,
    ) {
        self.report(
            Diagnostic::error(
                Code::SchemaType,
                format!(
                    "`{}` must be {expected}, not {}",
                    attr.key.as_str(),
                    describe(got)
                ),
            )
            .detail(format!("Set `{}` to {expected}.", attr.key.as_str())),
            &Self::located(file, attr.value.span()),
            address,
        );
    }

    pub fn string(
        &mut self,
        scope: &Scope,
        file: usize,
        attr: &Attribute,
        address: Option<&str>,
    ) -> Option<(String, bool)> {
        let (value, sensitive) = self.value(scope, file, attr, address)?;
        match as_string(&value) {
            Some(s) => Some((s, sensitive)),
            None => {
                self.type_error(file, attr, "a string", &value, address);
                None
            }
        }
    }

    pub fn strings(
        &mut self,
        scope: &Scope,
        file: usize,
        attr: &Attribute,
        address: Option<&str>,
    ) -> Option<(Vec<String>, bool)> {
        let (value, sensitive) = self.value(scope, file, attr, address)?;
        let items = match &value {
            Value::Array(items) => items.iter().map(as_string).collect::<Option<Vec<_>>>(),
            _ => None,
        };
        match items {
            Some(items) => Some((items, sensitive)),
            None => {
                self.type_error(file, attr, "a list of strings", &value, address);
                None
            }
        }
    }

    pub fn bool(
        &mut self,
        scope: &Scope,
        file: usize,
        attr: &Attribute,
        address: Option<&str>,
    ) -> Option<bool> {
        let (value, _) = self.value(scope, file, attr, address)?;
        match value {
            Value::Bool(b) => Some(b),
            other => {
                self.type_error(file, attr, "`true` or `false`", &other, address);
                None
            }
        }
    }

    pub fn whole_number(
        &mut self,
        scope: &Scope,
        file: usize,
        attr: &Attribute,
        address: Option<&str>,
    ) -> Option<(u64, bool)> {
        let (value, sensitive) = self.value(scope, file, attr, address)?;
        let number = match &value {
            Value::Number(n) => n.as_u64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        };
        match number {
            Some(n) => Some((n, sensitive)),
            None => {
                self.type_error(file, attr, "a whole number", &value, address);
                None
            }
        }
    }
}

impl Decoder<'_> {
    /// A number, whole or not (`0.6`).
    pub fn decimal(
        &mut self,
        scope: &Scope,
        file: usize,
        attr: &Attribute,
        address: Option<&str>,
    ) -> Option<(serde_json::Value, bool)> {
        let (value, sensitive) = self.value(scope, file, attr, address)?;
        let number = match &value {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.trim().parse::<f64>().ok(),
            _ => None,
        };
        match number
            .filter(|n| n.is_finite())
            .and_then(serde_json::Number::from_f64)
        {
            Some(n) => Some((serde_json::Value::Number(n), sensitive)),
            None => {
                self.type_error(file, attr, "a number", &value, address);
                None
            }
        }
    }

    /// An object whose values are strings (a reference to an object's id among
    /// them), as a map.
    pub fn string_map(
        &mut self,
        scope: &Scope,
        file: usize,
        attr: &Attribute,
        address: Option<&str>,
    ) -> Option<(serde_json::Value, bool)> {
        let (value, sensitive) = self.value(scope, file, attr, address)?;
        let map = match &value {
            Value::Object(map) => map
                .iter()
                .map(|(k, v)| as_string(v).map(|s| (k.clone(), serde_json::Value::String(s))))
                .collect::<Option<serde_json::Map<String, serde_json::Value>>>(),
            _ => None,
        };
        match map {
            Some(map) => Some((serde_json::Value::Object(map), sensitive)),
            None => {
                self.type_error(
                    file,
                    attr,
                    "an object of strings, such as `{ key = \"value\" }`",
                    &value,
                    address,
                );
                None
            }
        }
    }
}

/// A value as a string, converting numbers and bools as Terraform does.
fn as_string(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn accepted(schema: &Schema) -> String {
    let names: Vec<String> = schema
        .attrs
        .iter()
        .map(|a| format!("`{a}`"))
        .chain(schema.blocks.iter().map(|b| format!("`{b} {{}}`")))
        .collect();
    if names.is_empty() {
        "nothing".into()
    } else {
        names.join(", ")
    }
}

/// The span of the `i`th element of a list literal, or of the whole expression.
pub fn element_span(expr: &Expression, i: usize) -> Option<Range<usize>> {
    match expr {
        Expression::Array(items) => items.iter().nth(i).and_then(Span::span).or(expr.span()),
        _ => expr.span(),
    }
}

fn capitalized(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
