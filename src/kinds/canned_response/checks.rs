//! The rules of a canned response, on its values: required attributes, enums with
//! a suggestion, sizes, `{{placeholders}}` against the declared substitutions, and
//! PII in every free-text attribute.

use std::collections::BTreeSet;

use serde_json::Value;

use super::placeholders;
use crate::diagnostic::{Code, Severity};
use crate::kind::{CheckContext, Finding, reference};
use crate::kinds::findings::{error, required};
use crate::kinds::wire::text;
use crate::pii::{self, PiiKind};
use crate::suggest::did_you_mean;

pub const INTERACTION_TYPES: &[&str] = &["chat", "email", "twitter"];
pub const CONTENT_TYPES: &[&str] = &["text/plain", "text/html"];
pub const TEXT_TYPES: &[&str] = &["body", "subject"];

/// The longest name accepted (the SDK states none; this is assistform's).
pub const MAX_NAME: usize = 255;
/// The longest text accepted (the SDK states none; this is assistform's).
pub const MAX_CONTENT: usize = 100_000;

/// Every problem with one canned response's `values`.
pub fn check(values: &Value, cx: CheckContext) -> Vec<Finding> {
    let mut out = Vec::new();
    let name = text(values, "name");
    if name.trim().is_empty() {
        out.push(required("name", "Every canned response needs a `name`."));
    } else if name.chars().count() > MAX_NAME {
        out.push(too_long("name", &name, MAX_NAME));
    }
    out.extend(pii(&name, "name", "The name", true, cx));

    let library_ids = list(values, "library_ids");
    if library_ids.is_empty() {
        out.push(required(
            "library_ids",
            "A canned response belongs to one or more libraries: `library_ids = [response_library.<label>.id]`.",
        ));
    }
    let mut seen = BTreeSet::new();
    for (i, id) in library_ids.iter().enumerate() {
        let id = id.as_str().unwrap_or_default();
        if id.trim().is_empty() {
            out.push(error(
                Code::SchemaRequired,
                &format!("library_ids[{i}]"),
                "an empty library id".into(),
                "Name a library: `response_library.<label>.id`, or a library's id.".into(),
            ));
        } else if !seen.insert(id) {
            out.push(error(
                Code::SchemaDuplicate,
                &format!("library_ids[{i}]"),
                "a library is named twice in `library_ids`".into(),
                "Name each library once.".into(),
            ));
        }
    }

    let interaction = text(values, "interaction_type");
    if !interaction.is_empty() {
        out.extend(one_of("interaction_type", &interaction, INTERACTION_TYPES));
    }

    let substitutions = list(values, "substitutions");
    let mut declared: Vec<&str> = Vec::new();
    for (i, s) in substitutions.iter().enumerate() {
        let id = s.get("id").and_then(Value::as_str).unwrap_or_default();
        let path = format!("substitutions[{i}]");
        if id.trim().is_empty() {
            out.push(required(
                &format!("{path}.id"),
                "Every substitution needs an `id`, which a text uses as `{{id}}`.",
            ));
        } else if declared.contains(&id) {
            out.push(error(
                Code::SchemaDuplicate,
                &format!("{path}.id"),
                format!("substitution `{id}` is declared twice"),
                "Declare each substitution once.".into(),
            ));
        } else {
            declared.push(id);
        }
        for (attr, what) in [
            ("description", "The description"),
            ("default_value", "The default value"),
        ] {
            let value = text(s, attr);
            out.extend(pii(&value, &format!("{path}.{attr}"), what, true, cx));
        }
    }

    let texts = list(values, "texts");
    if texts.is_empty() {
        out.push(required(
            "texts",
            "Add at least one `texts { content = \"…\" }` block.",
        ));
    }
    for (i, t) in texts.iter().enumerate() {
        let path = format!("texts[{i}]");
        let content = text(t, "content");
        let at = format!("{path}.content");
        if content.trim().is_empty() {
            out.push(required(&at, "A text needs its `content`."));
            continue;
        }
        if content.chars().count() > MAX_CONTENT {
            out.push(too_long(&at, &content, MAX_CONTENT));
        }
        out.extend(one_of(
            &format!("{path}.content_type"),
            &text(t, "content_type"),
            CONTENT_TYPES,
        ));
        out.extend(one_of(
            &format!("{path}.type"),
            &text(t, "type"),
            TEXT_TYPES,
        ));
        for p in placeholders::undeclared(&content, &declared) {
            let mut known: Vec<&str> = declared.clone();
            known.extend(placeholders::BUILT_INS);
            let hint = did_you_mean(p.id, known.iter().copied())
                .map(|s| format!(" Did you mean `{{{{{s}}}}}`?"))
                .unwrap_or_default();
            out.push(Finding {
                span: Some(p.span.clone()),
                ..error(
                    Code::PlaceholderUndeclared,
                    &at,
                    format!("placeholder `{{{{{}}}}}` is not a declared substitution", p.id),
                    format!(
                        "Declare it with `substitutions {{ id = \"{}\" }}`, or use a built-in one ({}).{hint}",
                        p.id,
                        placeholders::BUILT_INS.join(", ")
                    ),
                )
            });
        }
        out.extend(pii(&content, &at, "The text", true, cx));
    }
    out
}

/// PII in `value` at `path`: cards, SSNs and IBANs are errors; emails and phone
/// numbers are warnings when `contact_ok` (a company's support address and number
/// are normal in a canned response), errors otherwise. The org's `pii_allow`
/// silences a known string.
pub fn pii(
    value: &str,
    path: &str,
    what: &str,
    contact_ok: bool,
    cx: CheckContext,
) -> Vec<Finding> {
    if reference::is_unknown(value) {
        return Vec::new();
    }
    pii::scan_for(value, &cx.org.pii_allow, cx.regions)
        .into_iter()
        .map(|found| {
            let contact = matches!(found.kind, PiiKind::Email | PiiKind::Phone);
            let severity = if contact && contact_ok {
                Severity::Warning
            } else {
                Severity::Error
            };
            let masked = found.masked(value);
            Finding {
                severity,
                code: Code::from(found.kind),
                summary: format!("{what} holds {} (`{masked}`)", found.kind.described()),
                detail: if severity == Severity::Warning {
                    "Agents send this text to customers: make sure it is the company's, not a customer's. If it is, add the exact string to `validation { pii_allow = [...] }` to silence this.".into()
                } else {
                    "Never put customer data in content agents share. If this is not personal data, add the exact string to `validation { pii_allow = [...] }`.".into()
                },
                path: path.to_owned(),
                span: Some(found.range),
            }
        })
        .collect()
}

fn list<'v>(values: &'v Value, name: &str) -> &'v [Value] {
    values
        .get(name)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn one_of(path: &str, value: &str, allowed: &[&str]) -> Option<Finding> {
    if allowed.contains(&value) {
        return None;
    }
    let hint = did_you_mean(value, allowed.iter().copied())
        .map(|s| format!("Did you mean `{s}`? "))
        .unwrap_or_default();
    let name = path.rsplit('.').next().unwrap_or(path);
    Some(error(
        Code::SchemaEnum,
        path,
        format!("`{name}` is \"{value}\", which Genesys does not accept"),
        format!("{hint}It must be one of {}.", quoted(allowed)),
    ))
}

fn quoted(items: &[&str]) -> String {
    items
        .iter()
        .map(|i| format!("\"{i}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

fn too_long(path: &str, value: &str, max: usize) -> Finding {
    error(
        Code::ContentTooLong,
        path,
        format!("`{path}` is {} characters long", value.chars().count()),
        format!("It may be at most {max} characters."),
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::org::OrgSettings;
    use crate::pii::PhoneRegions;

    fn findings(values: &Value) -> Vec<(Severity, Code, String)> {
        let org = OrgSettings::default();
        let regions = PhoneRegions::north_america();
        let cx = CheckContext {
            org: &org,
            regions: &regions,
        };
        check(values, cx)
            .into_iter()
            .map(|f| (f.severity, f.code, f.path))
            .collect()
    }

    fn response(content: &str) -> Value {
        json!({
            "name": "Refund",
            "library_ids": ["lib"],
            "interaction_type": "chat",
            "texts": [{"content": content, "content_type": "text/plain", "type": "body"}],
            "substitutions": [{"id": "order", "description": "", "default_value": ""}],
        })
    }

    #[test]
    fn a_good_response_has_no_findings() {
        assert_eq!(
            findings(&response("Hi {{CUSTOMER_NAME}}, order {{order}} ships.")),
            []
        );
    }

    #[test]
    fn undeclared_placeholders_and_bad_enums_are_errors() {
        let mut r = response("Order {{ordr}}");
        r["texts"][0]["content_type"] = json!("text/htm");
        let found = findings(&r);
        assert!(
            found.contains(&(
                Severity::Error,
                Code::PlaceholderUndeclared,
                "texts[0].content".into()
            )),
            "{found:?}"
        );
        assert!(
            found.contains(&(
                Severity::Error,
                Code::SchemaEnum,
                "texts[0].content_type".into()
            )),
            "{found:?}"
        );
    }

    #[test]
    fn contact_details_warn_and_cards_fail() {
        let found = findings(&response(
            "Mail help@example.com or pay with 4111 1111 1111 1111",
        ));
        assert!(
            found.contains(&(Severity::Warning, Code::PiiEmail, "texts[0].content".into())),
            "{found:?}"
        );
        assert!(
            found.contains(&(Severity::Error, Code::PiiCard, "texts[0].content".into())),
            "{found:?}"
        );
    }
}
