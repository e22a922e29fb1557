//! The plan as Terraform prints one.

use std::fmt::Write as _;

use serde_json::Value;

use super::{Leaf, LeafValue, Values, leaves, schema_of};
use crate::kind::Address;
use crate::kind::schema::{NestedBlock, Nesting, Schema, Type};
use crate::plan::{Action, Change, Drift, Plan};

/// Terminal colours, or none.
#[derive(Clone, Copy, Debug, Default)]
pub struct Style {
    pub color: bool,
}

impl Style {
    fn paint(self, code: &str, s: &str) -> String {
        crate::paint::paint(self.color, code, s)
    }

    fn marker(self, m: &str) -> String {
        let code = match m.trim() {
            "+" => "32",
            "-" => "31",
            "~" => "33",
            _ => "36",
        };
        self.paint(code, m)
    }
}

/// The whole plan: drift, the actions, and the summary line last.
pub fn render(plan: &Plan, style: Style) -> String {
    let mut out = String::new();
    if !plan.drift.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            style.paint(
                "1",
                &format!("Note: {} have changed outside of assistform", drifted(plan))
            )
        );
        out.push_str(
            "\nassistform detected the following changes made outside of assistform since the last\n\"assistform apply\"",
        );
        out.push_str(if plan.refresh_only {
            ":\n\n"
        } else {
            ", which apply would overwrite:\n\n"
        });
        for d in &plan.drift {
            drift(&mut out, d, plan, style);
        }
    }
    if plan.refresh_only {
        out.push_str(if plan.drift.is_empty() {
            "The state matches what Genesys holds: a refresh-only apply would change nothing.\n\n"
        } else {
            "This is a refresh-only plan: applying it records these values in the state and\nchanges nothing in Genesys.\n\n"
        });
        let _ = writeln!(out, "{}", style.paint("1", &plan.summary_line()));
        return out;
    }
    let shown: Vec<&Change> = plan
        .changes
        .iter()
        .filter(|c| c.action != Action::NoOp || c.importing || c.moved_from.is_some())
        .collect();
    if !shown.is_empty() {
        if let Some(org) = &plan.org {
            let _ = writeln!(out, "Genesys Cloud org: {} (id {})\n", org.name, org.id);
        }
        out.push_str("assistform will perform the following actions:\n\n");
        // By kind, in the registry's order; within a kind, in the order apply
        // visits them. One kind reads as it always has, without a heading.
        let kinds: Vec<&str> = crate::kinds::all().map(|k| k.name()).collect();
        let rank = |c: &Change| {
            kinds
                .iter()
                .position(|k| *k == c.address.kind())
                .unwrap_or(usize::MAX)
        };
        let mut shown = shown;
        shown.sort_by_key(|c| rank(c));
        let several = shown
            .windows(2)
            .any(|w| w[0].address.kind() != w[1].address.kind());
        let mut heading = None;
        for c in shown {
            if several && heading != Some(c.address.kind()) {
                heading = Some(c.address.kind());
                let title = crate::kinds::find(c.address.kind())
                    .map_or(c.address.kind(), |k| k.plural_title());
                let _ = writeln!(out, "{}\n", style.paint("1", &format!("{title}:")));
            }
            change(&mut out, c, plan, style);
        }
    }
    for warning in &plan.warnings {
        let _ = writeln!(out, "{} {warning}\n", style.paint("1;33", "Warning:"));
    }
    let _ = writeln!(out, "{}", style.paint("1", &plan.summary_line()));
    out
}

fn change(out: &mut String, c: &Change, plan: &Plan, style: Style) {
    let values = Values {
        pii_allow: &plan.pii_allow,
        sensitive: &c.sensitive,
    };
    let moved = c.moved_from.as_ref();
    let (what, marker) = match (c.action, c.importing, moved) {
        (Action::Create, ..) => ("will be created".to_owned(), "+"),
        (Action::Update, ..) => ("will be updated in-place".to_owned(), "~"),
        (Action::Replace, ..) => ("must be replaced".to_owned(), "-/+"),
        (Action::Delete, ..) => {
            match crate::kinds::find(c.address.kind()).and_then(|k| k.removal()) {
                Some(instead) => (format!("will be {instead}"), "-"),
                None => ("will be destroyed".to_owned(), "-"),
            }
        }
        (Action::NoOp, true, _) => ("will be imported".to_owned(), " "),
        (Action::NoOp, false, Some(_)) => (format!("has moved to {}", c.address), " "),
        (Action::NoOp, false, None) => return,
    };
    // A move alone is told from the old address, as Terraform tells it.
    let subject = match (moved, c.action) {
        (Some(from), Action::NoOp) if !c.importing => from,
        _ => &c.address,
    };
    let _ = writeln!(
        out,
        "  {} {what}",
        style.paint("1", &format!("# {subject}"))
    );
    if let (Some(from), false) = (moved, c.action == Action::NoOp) {
        let _ = writeln!(out, "  # (moved from {from})");
    }
    if let (Some(id), true, false) = (c.before_id(), c.importing, c.action == Action::NoOp) {
        let _ = writeln!(out, "  # (imported from \"{id}\")");
    }
    if let Some(reason) = &c.reason {
        let _ = writeln!(out, "  # (because {reason})");
    }
    match (c.action, &c.before, &c.after) {
        (Action::Create, _, Some(after)) => whole(out, &c.address, after, "+", &values, style),
        (Action::Delete, Some(before), _) => whole(out, &c.address, before, "-", &values, style),
        (_, Some(before), Some(after)) => {
            fields(out, &c.address, marker, before, after, &values, style);
        }
        _ => {}
    }
    out.push('\n');
}

fn drift(out: &mut String, d: &Drift, plan: &Plan, style: Style) {
    let values = Values {
        pii_allow: &plan.pii_allow,
        sensitive: &[],
    };
    match &d.after {
        Some(after) => {
            let _ = writeln!(
                out,
                "  {} has changed",
                style.paint("1", &format!("# {}", d.address))
            );
            fields(out, &d.address, "~", &d.before, after, &values, style);
        }
        None => {
            let _ = writeln!(
                out,
                "  {} has been deleted",
                style.paint("1", &format!("# {}", d.address))
            );
            whole(out, &d.address, &d.before, "-", &values, style);
        }
    }
    out.push('\n');
}

/// What drifted, for the note's heading: the kind's plural when all drift is of one
/// kind (`Prompts`), `Objects` when not.
fn drifted(plan: &Plan) -> &'static str {
    let mut kinds = plan.drift.iter().map(|d| d.address.kind());
    let first = kinds.next();
    match first.and_then(crate::kinds::find) {
        Some(kind) if kinds.all(|k| Some(k) == first) => kind.plural_title(),
        _ => "Objects",
    }
}

/// Every attribute, each marked: an object being created or destroyed.
fn whole(out: &mut String, address: &Address, v: &Value, m: &str, values: &Values, style: Style) {
    let mk = style.marker(m);
    let _ = writeln!(out, "  {mk} {} \"{}\" {{", address.kind(), address.label());
    let leaves = leaves(address, v);
    body(out, schema_of(address), &leaves, "", 6, &mk, values);
    let _ = writeln!(out, "    }}");
}

/// The attributes of one body under `prefix`, then its blocks, each opened at
/// `indent` and closed two columns in.
fn body(
    out: &mut String,
    schema: &Schema,
    leaves: &[Leaf],
    prefix: &str,
    indent: usize,
    mk: &str,
    values: &Values,
) {
    // A map's entries are leaves of their own (`attributes.responseId`), shown
    // among the body's attributes.
    let maps: Vec<&str> = schema
        .attributes
        .iter()
        .filter(|a| a.ty == Type::Map)
        .map(|a| a.name)
        .collect();
    let own: Vec<&Leaf> = leaves
        .iter()
        .filter(|l| {
            l.path.strip_prefix(prefix).is_some_and(|rest| {
                !rest.contains(['.', '['])
                    || rest
                        .split_once('.')
                        .is_some_and(|(map, _)| maps.contains(&map))
            })
        })
        .collect();
    attrs(out, &own, prefix, indent, mk, values);
    let pad = " ".repeat(indent);
    for nested in schema.blocks {
        for (label, inner) in block_prefixes(nested, leaves, prefix) {
            let _ = writeln!(out, "\n{pad}{mk} {}{label} {{", nested.name);
            body(out, &nested.schema, leaves, &inner, indent + 4, mk, values);
            let _ = writeln!(out, "{pad}  }}");
        }
    }
}

/// The path prefixes of each `nested` block present among `leaves` under `prefix`:
/// `display.` once; `trigger.condition[0].`, `[1].`, … for a list;
/// `rule.greet.` for each label — each with the label as its header shows it.
fn block_prefixes(nested: &NestedBlock, leaves: &[Leaf], prefix: &str) -> Vec<(String, String)> {
    match nested.nesting {
        // A block left out has no attribute to show, and is not shown.
        Nesting::Single => {
            let inner = format!("{prefix}{}.", nested.name);
            if leaves.iter().any(|l| l.path.starts_with(&inner)) {
                vec![(String::new(), inner)]
            } else {
                Vec::new()
            }
        }
        Nesting::List => (0..)
            .map(|i| format!("{prefix}{}[{i}].", nested.name))
            .take_while(|p| leaves.iter().any(|l| l.path.starts_with(p)))
            .map(|p| (String::new(), p))
            .collect(),
        Nesting::Labeled => {
            let start = format!("{prefix}{}.", nested.name);
            let mut labels: Vec<&str> = leaves
                .iter()
                .filter_map(|l| l.path.strip_prefix(&start))
                .filter_map(|rest| rest.split_once('.').map(|(label, _)| label))
                .collect();
            labels.dedup();
            labels
                .into_iter()
                .map(|label| (format!(" \"{label}\""), format!("{start}{label}.")))
                .collect()
        }
    }
}

fn attrs(
    out: &mut String,
    leaves: &[&Leaf],
    prefix: &str,
    indent: usize,
    mk: &str,
    values: &Values,
) {
    let width = leaves
        .iter()
        .map(|l| l.path.len() - prefix.len())
        .max()
        .unwrap_or(0);
    let pad = " ".repeat(indent);
    for leaf in leaves {
        let name = &leaf.path[prefix.len()..];
        let shown = multiline(&leaf.path, &leaf.value, values, indent + 4)
            .unwrap_or_else(|| values.show(&leaf.path, &leaf.value));
        let _ = writeln!(out, "{pad}{mk} {name:<width$} = {shown}");
    }
}

/// A multi-line text value as a heredoc, its lines at `indent`.
fn multiline(path: &str, value: &LeafValue, values: &Values, indent: usize) -> Option<String> {
    let LeafValue::Text(text) = value else {
        return None;
    };
    if !text.contains('\n') || values.is_sensitive(path) {
        return None;
    }
    let pad = " ".repeat(indent);
    let mut s = String::from("<<-EOT\n");
    for line in values.mask(text).lines() {
        let _ = writeln!(s, "{pad}  {line}");
    }
    let _ = write!(s, "{pad}EOT");
    Some(s)
}

/// Only what differs between `before` and `after`; long text as a unified diff.
fn fields(
    out: &mut String,
    address: &Address,
    m: &str,
    before: &Value,
    after: &Value,
    values: &Values,
    style: Style,
) {
    let _ = writeln!(
        out,
        "  {} {} \"{}\" {{",
        style.marker(m),
        address.kind(),
        address.label()
    );
    let (old, new) = (leaves(address, before), leaves(address, after));
    let mut paths: Vec<&str> = new.iter().map(|l| l.path.as_str()).collect();
    for l in &old {
        if !paths.contains(&l.path.as_str()) {
            paths.push(&l.path);
        }
    }
    let find = |side: &[Leaf], p: &str| side.iter().find(|l| l.path == p).map(|l| l.value.clone());
    let lines = |p: &str| new.iter().chain(&old).any(|l| l.path == p && l.lines);
    let changed: Vec<(&str, Option<LeafValue>, Option<LeafValue>)> = paths
        .iter()
        .map(|&p| (p, find(&old, p), find(&new, p)))
        .filter(|(_, a, b)| a != b)
        .collect();
    let width = changed
        .iter()
        .map(|(p, _, _)| p.len())
        .max()
        .unwrap_or(2)
        .max(2);
    // The id, when it holds, names the object; when it changes, it forces a
    // replacement.
    let id_path = crate::kinds::find(address.kind())
        .and_then(|k| k.id_attribute())
        .unwrap_or("id");
    let same_id = find(&old, id_path).is_some() && find(&old, id_path) == find(&new, id_path);
    if same_id && let Some(LeafValue::Text(id)) = find(&new, id_path) {
        let _ = writeln!(out, "        {:<width$} = {}", id_path, values.quote(&id));
    }
    for (path, a, b) in &changed {
        let line = match (a, b) {
            (Some(LeafValue::Text(x)), Some(LeafValue::Text(y)))
                if lines(path) && !values.is_sensitive(path) =>
            {
                format!(
                    "{} {path:<width$} = <<-DIFF\n{}        DIFF",
                    style.marker("~"),
                    content_diff(&values.mask(x), &values.mask(y), style)
                )
            }
            (Some(x), Some(y)) => {
                let note = if *path == id_path {
                    " # forces replacement"
                } else {
                    ""
                };
                format!(
                    "{} {path:<width$} = {} -> {}{note}",
                    style.marker("~"),
                    values.show(path, x),
                    values.show(path, y)
                )
            }
            (None, Some(y)) => format!(
                "{} {path:<width$} = {}",
                style.marker("+"),
                values.show(path, y)
            ),
            (Some(x), None) => format!(
                "{} {path:<width$} = {}",
                style.marker("-"),
                values.show(path, x)
            ),
            (None, None) => continue,
        };
        let _ = writeln!(out, "      {line}");
    }
    let hidden = paths.len() - changed.len() - usize::from(same_id);
    if hidden > 0 {
        let noun = if hidden == 1 {
            "attribute"
        } else {
            "attributes"
        };
        let _ = writeln!(out, "        # ({hidden} unchanged {noun} hidden)");
    }
    let _ = writeln!(out, "    }}");
}

/// A unified line diff, indented under its attribute.
fn content_diff(old: &str, new: &str, style: Style) -> String {
    let diff = similar::TextDiff::from_lines(old, new);
    let mut s = String::new();
    for hunk in diff.unified_diff().context_radius(3).iter_hunks() {
        let _ = writeln!(
            s,
            "          {}",
            style.paint("36", &hunk.header().to_string())
        );
        for change in hunk.iter_changes() {
            let sign = match change.tag() {
                similar::ChangeTag::Delete => style.marker("-"),
                similar::ChangeTag::Insert => style.marker("+"),
                similar::ChangeTag::Equal => " ".to_owned(),
            };
            let line = change.value().trim_end_matches('\n');
            let _ = writeln!(s, "          {sign} {line}");
        }
    }
    s
}
