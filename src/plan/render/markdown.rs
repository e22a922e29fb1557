//! The plan as a pull-request comment: the summary line where reviewers see it, the
//! details collapsed, as Atlantis posts them.

use super::text::{Style, render as text};
use crate::plan::Plan;

/// GitHub refuses comments over 65,536 characters; stay clear of it.
pub const MAX_COMMENT: usize = 65_000;

pub fn render(plan: &Plan) -> String {
    let summary = plan.summary_line();
    // The org is named once, above the fold.
    let unnamed = Plan {
        org: None,
        warnings: Vec::new(),
        ..plan.clone()
    };
    let body = diff_lines(&text(&unnamed, Style::default()));
    // Reviewers see where it applies: the org, and the workspace of its state.
    let workspace = plan
        .workspace
        .as_ref()
        .map(|w| format!(", workspace `{w}`"))
        .unwrap_or_default();
    let org = plan
        .org
        .as_ref()
        .map(|o| {
            format!(
                "Genesys Cloud org **{}** (`{}`){workspace}\n\n",
                o.name, o.id
            )
        })
        .unwrap_or_default();
    let by_kind = plan.summary_by_kind();
    let table = if by_kind.len() > 1 {
        let mut t = String::from(
            "| | to add | to change | to destroy | to import |\n|---|---|---|---|---|\n",
        );
        for (title, s) in &by_kind {
            t.push_str(&format!(
                "| {title} | {} | {} | {} | {} |\n",
                s.add, s.change, s.destroy, s.import
            ));
        }
        t.push('\n');
        t
    } else {
        String::new()
    };
    let warnings: String = plan
        .warnings
        .iter()
        .map(|w| format!("> **Warning:** {w}\n\n"))
        .collect();
    let head = format!("#### assistform plan\n\n{org}**{summary}**\n\n{table}{warnings}");
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kind::Address;
    use crate::plan::{Action, Change};

    fn plan(creates: usize) -> Plan {
        let values = |id: String| {
            serde_json::json!({
                "id": id, "name": "A prompt with a fairly long name", "description": "", "status": "active",
                "interaction_types": ["chat"],
                "trigger": [{"type": "chat", "condition": [{"field": "f", "operator": "equals", "value": "v"}]}],
                "display": [{"type": "popup", "content": "Hello {{customerName}}", "timeout_ms": 30000}],
            })
        };
        let changes = (0..creates)
            .map(|i| Change {
                address: Address::new("prompt", &format!("p{i}")),
                action: Action::Create,
                before: None,
                after: Some(values(format!("p{i}"))),
                live_version: None,
                live_id: None,
                live_digest: None,
                write_digest: None,
                expects: None,
                unknown: Vec::new(),
                depends_on: Vec::new(),
                sensitive: Vec::new(),
                prevent_destroy: false,
                importing: false,
                moved_from: None,
                reason: None,
            })
            .collect();
        Plan {
            lineage: String::new(),
            serial: 0,
            config_digest: String::new(),
            changes,
            drift: Vec::new(),
            refresh_only: false,
            pii_allow: Vec::new(),
            context_variables: Vec::new(),
            genesys: Default::default(),
            hooks: Vec::new(),
            org: None,
            emulator: false,
            config: None,
            warnings: Vec::new(),
            backend: None,
            workspace: None,
        }
    }

    #[test]
    fn a_small_plan_is_whole_with_the_summary_outside_the_details() {
        let comment = render(&plan(2));
        let summary = comment
            .find("**Plan: 2 to add, 0 to change, 0 to destroy.**")
            .unwrap();
        assert!(summary < comment.find("<details>").unwrap());
        assert!(comment.contains("+   prompt \"p1\" {"), "{comment}");
        assert!(!comment.contains("cut to fit"));
    }

    #[test]
    fn a_huge_plan_is_cut_to_fit_a_comment_with_a_note() {
        let comment = render(&plan(2_000));
        assert!(comment.len() <= MAX_COMMENT, "{} characters", comment.len());
        assert!(comment.contains("more lines cut to fit a comment"));
        assert!(comment.contains("**Plan: 2000 to add, 0 to change, 0 to destroy.**"));
        assert!(
            comment.ends_with("```\n\n</details>\n"),
            "the fences stay closed"
        );
    }
}
