//! Values → HCL source that the configuration reads back to the very same values:
//! every string is escaped so that nothing in it is taken for a template.

use std::fmt::Write;

use serde_json::Value;

use crate::kind::schema::{NestedBlock, Nesting, Schema, Type};
use crate::kind::{Address, Kind};

/// `value` as an HCL quoted string.
///
/// Beyond `"` and `\`, a `${` or `%{` would start a template interpolation or
/// directive, so they are written `$${` and `%%{`; control characters are written
/// as escapes so that the string stays on one line.
pub fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `value` as an indented heredoc (`<<-EOT`) for an attribute at `indent`, its lines
/// two spaces further in, when that reads back exactly; `None` when only a quoted string can hold it.
///
/// A heredoc holds its text's final newline and no escapes, and `<<-` strips the
/// indentation common to its lines. So it fits text that has more than one line,
/// ends with a newline, has at least one line starting with a visible character
/// (else the text's own indentation would be stripped too), and holds no control
/// character but newlines and tabs, no carriage return, no trailing space (which
/// editors strip), and no line that could end the heredoc early.
pub fn heredoc(value: &str, indent: &str) -> Option<String> {
    let body = value.strip_suffix('\n')?;
    if !body.contains('\n')
        || value
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
        || body.split('\n').any(|l| l.ends_with(char::is_whitespace))
        || !body
            .split('\n')
            .any(|l| l.starts_with(|c: char| !c.is_whitespace()))
    {
        return None;
    }
    // A delimiter that appears nowhere in the text cannot end it early.
    let delimiter = std::iter::once("EOT".to_owned())
        .chain((2..).map(|n| format!("EOT{n}")))
        .find(|d| !value.contains(d.as_str()))
        .expect("an unbounded range has a free delimiter");
    let mut out = format!("<<-{delimiter}\n");
    // `split`, not `lines`: a blank last line is part of the text.
    for line in body.split('\n') {
        if !line.is_empty() {
            out.push_str(indent);
            out.push_str("  ");
            out.push_str(&escape_templates(line));
        }
        out.push('\n');
    }
    out.push_str(indent);
    out.push_str(&delimiter);
    Some(out)
}

fn escape_templates(line: &str) -> String {
    line.replace("${", "$${").replace("%{", "%%{")
}

/// What a block shows beside the object's attributes: the state's record of
/// `depends_on`, `prevent_destroy`, and which values came from sensitive variables.
#[derive(Clone, Copy, Default)]
pub struct Extras<'a> {
    pub depends_on: &'a [Address],
    pub prevent_destroy: bool,
    /// Attribute paths (`display.content`, `trigger.condition[0].value`) shown as
    /// `(sensitive value)`, as Terraform shows them: the block then no longer reads
    /// back as HCL, which is the point.
    pub sensitive: &'a [String],
    /// The address of the object of a kind that holds an id, when it has one:
    /// an attribute that refers to that kind writes a reference to it.
    pub refer: Option<&'a Refer<'a>>,
}

/// The address of the object of kind `.0` with id `.1`, when the file has one.
pub type Refer<'a> = dyn Fn(&str, &str) -> Option<Address> + 'a;

/// A `<kind> "<label>" { … }` block holding every attribute of `values`, in the
/// kind's schema order, laid out as `assistform fmt` lays it out.
pub fn block(kind: &dyn Kind, label: &str, values: &Value, extras: &Extras) -> String {
    let mut out = format!("{} \"{label}\" {{\n", kind.name());
    let schema = kind.schema();
    let mut attrs = attributes(schema, values, "", "  ", extras);
    if !extras.depends_on.is_empty() {
        let list: Vec<String> = extras.depends_on.iter().map(ToString::to_string).collect();
        attrs.push(("depends_on", format!("[{}]", list.join(", "))));
    }
    aligned(&mut out, "  ", &attrs);
    for nested in schema.blocks {
        out.push('\n');
        blocks(&mut out, nested, values, "", "  ", extras);
    }
    if extras.prevent_destroy {
        out.push_str("\n  lifecycle {\n    prevent_destroy = true\n  }\n");
    }
    out.push_str("}\n");
    out
}

/// Each `nested` block `values` holds, at `indent`; blocks inside it follow its
/// attributes directly.
fn blocks(
    out: &mut String,
    nested: &NestedBlock,
    values: &Value,
    prefix: &str,
    indent: &str,
    extras: &Extras,
) {
    let found = values.get(nested.name);
    let items: Vec<(String, &Value)> = match (nested.nesting, found) {
        (Nesting::Labeled, Some(Value::Object(by_label))) => by_label
            .iter()
            .map(|(label, item)| (label.clone(), item))
            .collect(),
        (_, Some(Value::Array(items))) => items.iter().map(|i| (String::new(), i)).collect(),
        _ => Vec::new(),
    };
    for (i, (label, item)) in items.into_iter().enumerate() {
        let (path, header) = match nested.nesting {
            Nesting::Single => (format!("{prefix}{}.", nested.name), nested.name.to_owned()),
            Nesting::List => (
                format!("{prefix}{}[{i}].", nested.name),
                nested.name.to_owned(),
            ),
            Nesting::Labeled => (
                format!("{prefix}{}.{label}.", nested.name),
                format!("{} {}", nested.name, quote(&label)),
            ),
        };
        let inner = format!("{indent}  ");
        let _ = writeln!(out, "{indent}{header} {{");
        let attrs = attributes(&nested.schema, item, &path, &inner, extras);
        aligned(out, &inner, &attrs);
        for deeper in nested.schema.blocks {
            blocks(out, deeper, item, &path, &inner, extras);
        }
        let _ = writeln!(out, "{indent}}}");
    }
}

fn attributes(
    schema: &Schema,
    values: &Value,
    prefix: &str,
    indent: &str,
    extras: &Extras,
) -> Vec<(&'static str, String)> {
    schema
        .attributes
        .iter()
        .filter(|attr| !attr.directive)
        .map(|attr| {
            let v = values.get(attr.name);
            let text = || v.and_then(Value::as_str).unwrap_or("");
            let target = attr
                .refers_to
                .zip(extras.refer)
                .and_then(|(kind, refer)| refer(kind, text()));
            let rendered = match attr.ty {
                Type::String if attr.lines => {
                    heredoc(text(), indent).unwrap_or_else(|| quote(text()))
                }
                Type::String if target.is_some() => target
                    .map(|address| format!("{address}.{}", crate::kind::reference::ATTRIBUTE))
                    .unwrap_or_default(),
                Type::String => quote(text()),
                Type::Number => v.and_then(Value::as_u64).unwrap_or(0).to_string(),
                Type::Bool => v.and_then(Value::as_bool).unwrap_or(false).to_string(),
                Type::Decimal => v.and_then(Value::as_f64).unwrap_or(0.0).to_string(),
                Type::Map => map(attr, v, indent, extras),
                Type::Strings => {
                    let items: Vec<String> = v
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .map(|s| {
                            let s = s.as_str().unwrap_or("");
                            let target = attr
                                .refers_to
                                .zip(extras.refer)
                                .and_then(|(kind, refer)| refer(kind, s));
                            match target {
                                Some(address) => {
                                    format!("{address}.{}", crate::kind::reference::ATTRIBUTE)
                                }
                                None => quote(s),
                            }
                        })
                        .collect();
                    format!("[{}]", items.join(", "))
                }
            };
            let sensitive = !extras.sensitive.is_empty()
                && extras.sensitive.contains(&format!("{prefix}{}", attr.name));
            let shown = if sensitive {
                "(sensitive value)".to_owned()
            } else {
                rendered
            };
            (attr.name, shown)
        })
        .collect()
}

/// A map as an HCL object, one entry a line; an id of an object the file holds
/// as a reference to it, and one it does not hold with a comment saying so.
fn map(
    attr: &crate::kind::schema::Attribute,
    v: Option<&Value>,
    indent: &str,
    extras: &Extras,
) -> String {
    let entries: Vec<(&String, &str)> = v
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(k, v)| (k, v.as_str().unwrap_or("")))
        .collect();
    if entries.is_empty() {
        return "{}".to_owned();
    }
    let width = entries.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    let mut out = "{\n".to_owned();
    for (key, value) in entries {
        let refers = attr
            .keys_refer
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, kind)| *kind);
        let target = refers
            .zip(extras.refer)
            .and_then(|(kind, refer)| refer(kind, value));
        let shown = match (target, refers) {
            (Some(address), _) => format!("{address}.{}", crate::kind::reference::ATTRIBUTE),
            (None, Some(kind)) => format!("{} # {kind} not in this import", quote(value)),
            (None, None) => quote(value),
        };
        let key = if crate::kind::is_label(key) {
            key.clone()
        } else {
            quote(key)
        };
        let _ = writeln!(out, "{indent}  {key:width$} = {shown}");
    }
    let _ = write!(out, "{indent}}}");
    out
}

/// `name = value` lines with the `=` aligned, as the formatter aligns them.
fn aligned(out: &mut String, indent: &str, attrs: &[(&str, String)]) {
    let width = attrs.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    for (name, value) in attrs {
        let _ = writeln!(out, "{indent}{name:width$} = {value}");
    }
}
