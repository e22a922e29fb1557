//! The plan as Terraform prints one.

use std::fmt::Write as _;

use super::{Leaf, LeafValue, Values, leaves};
use crate::model::PromptSpec;
use crate::plan::{Action, Change, Drift, Plan};

/// Terminal colours, or none.
#[derive(Clone, Copy, Debug, Default)]
pub struct Style {
    pub color: bool,
}

impl Style {
    fn paint(self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
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
            style.paint("1", "Note: Prompts have changed outside of assistform")
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
        for c in shown {
            change(&mut out, c, plan, style);
        }
    }
    let _ = writeln!(out, "{}", style.paint("1", &plan.summary_line()));
    out
}

fn change(out: &mut String, c: &Change, plan: &Plan, style: Style) {
    let values = Values {
        pii_allow: &plan.pii_allow,
        sensitive: &c.sensitive,
    };
    let moved = c.moved_from.as_deref();
    let (what, marker) = match (c.action, c.importing, moved) {
        (Action::Create, ..) => ("will be created".to_owned(), "+"),
        (Action::Update, ..) => ("will be updated in-place".to_owned(), "~"),
        (Action::Replace, ..) => ("must be replaced".to_owned(), "-/+"),
        (Action::Delete, ..) => ("will be destroyed".to_owned(), "-"),
        (Action::NoOp, true, _) => ("will be imported".to_owned(), " "),
        (Action::NoOp, false, Some(_)) => (format!("has moved to {}", c.address), " "),
        (Action::NoOp, false, None) => return,
    };
    // A move alone is told from the old address, as Terraform tells it.
    let subject = match (moved, c.action) {
        (Some(from), Action::NoOp) if !c.importing => from,
        _ => c.address.as_str(),
    };
    let _ = writeln!(
        out,
        "  {} {what}",
        style.paint("1", &format!("# {subject}"))
    );
    if let (Some(from), false) = (moved, c.action == Action::NoOp) {
        let _ = writeln!(out, "  # (moved from {from})");
    }
    if let (Some(before), true, false) = (&c.before, c.importing, c.action == Action::NoOp) {
        let _ = writeln!(out, "  # (imported from \"{}\")", before.id);
    }
    if let Some(reason) = &c.reason {
        let _ = writeln!(out, "  # (because {reason})");
    }
    match (c.action, &c.before, &c.after) {
        (Action::Create, _, Some(after)) => whole(out, &c.label, after, "+", &values, style),
        (Action::Delete, Some(before), _) => whole(out, &c.label, before, "-", &values, style),
        (_, Some(before), Some(after)) => {
            fields(out, &c.label, marker, before, after, &values, style)
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
            fields(out, &d.label, "~", &d.before, after, &values, style);
        }
        None => {
            let _ = writeln!(
                out,
                "  {} has been deleted",
                style.paint("1", &format!("# {}", d.address))
            );
            whole(out, &d.label, &d.before, "-", &values, style);
        }
    }
    out.push('\n');
}

/// Every attribute, each marked: a prompt being created or destroyed.
fn whole(out: &mut String, label: &str, spec: &PromptSpec, m: &str, values: &Values, style: Style) {
    let mk = style.marker(m);
    let _ = writeln!(out, "  {mk} prompt \"{label}\" {{");
    let leaves = leaves(spec);
    let top: Vec<&Leaf> = leaves.iter().filter(|l| !l.path.contains('.')).collect();
    attrs(out, &top, "", 6, &mk, values);
    let _ = writeln!(out, "\n      {mk} trigger {{");
    let trigger: Vec<&Leaf> = leaves.iter().filter(|l| l.path == "trigger.type").collect();
    attrs(out, &trigger, "trigger.", 10, &mk, values);
    for i in 0..spec.trigger.conditions.len() {
        let prefix = format!("trigger.condition[{i}].");
        let _ = writeln!(out, "\n          {mk} condition {{");
        let cond: Vec<&Leaf> = leaves
            .iter()
            .filter(|l| l.path.starts_with(&prefix))
            .collect();
        attrs(out, &cond, &prefix, 14, &mk, values);
        let _ = writeln!(out, "            }}");
    }
    let _ = writeln!(out, "        }}");
    let _ = writeln!(out, "\n      {mk} display {{");
    let display: Vec<&Leaf> = leaves
        .iter()
        .filter(|l| l.path.starts_with("display."))
        .collect();
    attrs(out, &display, "display.", 10, &mk, values);
    let _ = writeln!(out, "        }}");
    let _ = writeln!(out, "    }}");
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

/// Only what differs between `before` and `after`; `display.content` as a unified diff.
fn fields(
    out: &mut String,
    label: &str,
    m: &str,
    before: &PromptSpec,
    after: &PromptSpec,
    values: &Values,
    style: Style,
) {
    let _ = writeln!(out, "  {} prompt \"{label}\" {{", style.marker(m));
    let (old, new) = (leaves(before), leaves(after));
    let mut paths: Vec<&str> = new.iter().map(|l| l.path.as_str()).collect();
    for l in &old {
        if !paths.contains(&l.path.as_str()) {
            paths.push(&l.path);
        }
    }
    let find = |side: &[Leaf], p: &str| side.iter().find(|l| l.path == p).map(|l| l.value.clone());
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
    if before.id == after.id {
        let _ = writeln!(
            out,
            "        {:<width$} = {}",
            "id",
            values.quote(&after.id)
        );
    }
    for (path, a, b) in &changed {
        let line = match (a, b) {
            (Some(LeafValue::Text(x)), Some(LeafValue::Text(y)))
                if *path == "display.content" && !values.is_sensitive(path) =>
            {
                format!(
                    "{} {path:<width$} = <<-DIFF\n{}        DIFF",
                    style.marker("~"),
                    content_diff(&values.mask(x), &values.mask(y), style)
                )
            }
            (Some(x), Some(y)) => {
                let note = if *path == "id" {
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
    let hidden = paths.len() - changed.len() - usize::from(before.id == after.id);
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
