//! `{{id}}` placeholders in a canned response's texts: Genesys fills each from a
//! declared substitution, or from one of its built-in values. The emulator and the
//! checks read texts with the same rule, so they cannot disagree.

use std::ops::Range;

/// The placeholders Genesys fills without a declared substitution (Genesys' help
/// pages name these; the SDK does not list them).
pub const BUILT_INS: &[&str] = &["AGENT_NAME", "AGENT_ALIAS", "CUSTOMER_NAME"];

/// One `{{id}}` in a text: the id, and where the whole placeholder is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placeholder<'a> {
    pub id: &'a str,
    pub span: Range<usize>,
}

/// Every `{{id}}` in `text`, in order. Spaces inside the braces are allowed; an
/// id is letters, digits, `_`, `-` and `.`. Braces around anything else are
/// text, not a placeholder.
pub fn placeholders(text: &str) -> Vec<Placeholder<'_>> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(open) = text[from..].find("{{").map(|i| i + from) {
        let inner_start = open + 2;
        let Some(close) = text[inner_start..].find("}}").map(|i| i + inner_start) else {
            break;
        };
        let id = text[inner_start..close].trim();
        let well_formed = !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
        if well_formed {
            found.push(Placeholder {
                id,
                span: open..close + 2,
            });
            from = close + 2;
        } else {
            from = open + 1;
        }
    }
    found
}

/// The placeholders of `text` that are neither declared in `declared` nor built in.
pub fn undeclared<'t>(text: &'t str, declared: &[&str]) -> Vec<Placeholder<'t>> {
    placeholders(text)
        .into_iter()
        .filter(|p| !declared.contains(&p.id) && !BUILT_INS.contains(&p.id))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_each_placeholder_with_its_span() {
        let text = "Hi {{ CUSTOMER_NAME }}, your order {{order_id}} ships {{}} {{a b}}.";
        let found = placeholders(text);
        let ids: Vec<&str> = found.iter().map(|p| p.id).collect();
        assert_eq!(ids, ["CUSTOMER_NAME", "order_id"]);
        assert_eq!(&text[found[1].span.clone()], "{{order_id}}");
    }

    #[test]
    fn built_ins_and_declared_ones_are_not_undeclared() {
        let text = "{{AGENT_NAME}} {{order_id}} {{missing}}";
        let left: Vec<&str> = undeclared(text, &["order_id"])
            .iter()
            .map(|p| p.id)
            .collect();
        assert_eq!(left, ["missing"]);
    }

    #[test]
    fn an_unclosed_placeholder_is_text() {
        assert!(placeholders("{{open and never closed").is_empty());
        assert_eq!(placeholders("{{{x}}").len(), 1);
    }
}
