//! Prompt values → HCL source that the configuration reads back to the very same
//! values: every string is escaped so that nothing in it is taken for a template.

use std::fmt::Write;

use crate::model::PromptSpec;

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

/// What a block shows beside the prompt's attributes: the state's record of
/// `depends_on`, `prevent_destroy`, and which values came from sensitive variables.
#[derive(Clone, Debug, Default)]
pub struct Extras<'a> {
    /// Addresses, `prompt.<label>`.
    pub depends_on: &'a [String],
    pub prevent_destroy: bool,
    /// Attribute paths (`display.content`, `trigger.condition[0].value`) shown as
    /// `(sensitive value)`, as Terraform shows them: the block then no longer reads
    /// back as HCL, which is the point.
    pub sensitive: &'a [String],
}

impl Extras<'_> {
    /// `rendered`, unless the attribute at `path` is sensitive.
    fn shown(&self, path: &str, rendered: String) -> String {
        if self.sensitive.iter().any(|s| s == path) {
            "(sensitive value)".to_owned()
        } else {
            rendered
        }
    }
}

/// A `prompt "<label>" { … }` block holding every attribute of `spec`, laid out as
/// `assistform fmt` lays it out.
pub fn prompt_block(label: &str, spec: &PromptSpec, extras: &Extras) -> String {
    let mut out = format!("prompt \"{label}\" {{\n");
    let types: Vec<String> = spec.interaction_types.iter().map(|t| quote(t)).collect();
    let shown = |path: &str, rendered: String| extras.shown(path, rendered);
    let mut attrs = vec![
        ("id", shown("id", quote(&spec.id))),
        ("name", shown("name", quote(&spec.name))),
        (
            "description",
            shown("description", quote(&spec.description)),
        ),
        ("status", shown("status", quote(&spec.status))),
        (
            "interaction_types",
            shown("interaction_types", format!("[{}]", types.join(", "))),
        ),
    ];
    if !extras.depends_on.is_empty() {
        attrs.push(("depends_on", format!("[{}]", extras.depends_on.join(", "))));
    }
    aligned(&mut out, "  ", &attrs);
    out.push_str("\n  trigger {\n");
    let kind = shown("trigger.type", quote(&spec.trigger.kind));
    aligned(&mut out, "    ", &[("type", kind)]);
    for (i, c) in spec.trigger.conditions.iter().enumerate() {
        out.push_str("    condition {\n");
        let path = |name: &str| format!("trigger.condition[{i}].{name}");
        let attrs = [
            ("field", shown(&path("field"), quote(&c.field))),
            ("operator", shown(&path("operator"), quote(&c.operator))),
            ("value", shown(&path("value"), quote(&c.value))),
        ];
        aligned(&mut out, "      ", &attrs);
        out.push_str("    }\n");
    }
    out.push_str("  }\n\n  display {\n");
    let content =
        heredoc(&spec.display.content, "    ").unwrap_or_else(|| quote(&spec.display.content));
    let attrs = [
        ("type", shown("display.type", quote(&spec.display.kind))),
        ("content", shown("display.content", content)),
        (
            "timeout_ms",
            shown("display.timeout_ms", spec.display.timeout_ms.to_string()),
        ),
    ];
    aligned(&mut out, "    ", &attrs);
    out.push_str("  }\n");
    if extras.prevent_destroy {
        out.push_str("\n  lifecycle {\n    prevent_destroy = true\n  }\n");
    }
    out.push_str("}\n");
    out
}

/// `name = value` lines with the `=` aligned, as the formatter aligns them.
fn aligned(out: &mut String, indent: &str, attrs: &[(&str, String)]) {
    let width = attrs.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    for (name, value) in attrs {
        let _ = writeln!(out, "{indent}{name:width$} = {value}");
    }
}
