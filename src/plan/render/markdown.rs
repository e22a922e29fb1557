//! The plan as a pull-request comment: the summary line where reviewers see it, the
//! details collapsed, as Atlantis posts them.

use super::text::{Style, render as text};
use crate::plan::Plan;

/// GitHub refuses comments over 65,536 characters; stay clear of it.
pub const MAX_COMMENT: usize = 65_000;

pub fn render(plan: &Plan) -> String {
    let summary = plan.summary().line();
    let body = diff_lines(&text(plan, Style::default()));
    let head = format!("#### assistform plan\n\n**{summary}**\n\n");
    let open = "<details><summary>Show plan</summary>\n\n```diff\n";
    let close = "```\n\n</details>\n";
    let budget = MAX_COMMENT - head.len() - open.len() - close.len() - 200;
    let body = if body.len() <= budget {
        body
    } else {
        let mut kept = String::new();
        let mut dropped = 0;
        for line in body.lines() {
            if dropped == 0 && kept.len() + line.len() < budget {
                kept.push_str(line);
                kept.push('\n');
            } else {
                dropped += 1;
            }
        }
        kept.push_str(&format!(
            "\n… {dropped} more lines cut to fit a comment; run `assistform plan` for the whole plan.\n"
        ));
        kept
    };
    format!("{head}{open}{body}{close}")
}

/// Terraform's markers moved to the start of the line, where diff highlighting looks
/// for them (`~` becomes `!`).
fn diff_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let marker = ["-/+ ", "+ ", "- ", "~ "]
            .iter()
            .find(|m| trimmed.starts_with(**m));
        match marker {
            Some(m) => {
                let sign = match m.trim() {
                    "~" | "-/+" => "!",
                    other => other,
                };
                out.push_str(sign);
                out.push_str(&" ".repeat(indent + m.len() - sign.len()));
                out.push_str(&trimmed[m.len()..]);
            }
            None => out.push_str(line),
        }
        out.push('\n');
    }
    out
}
