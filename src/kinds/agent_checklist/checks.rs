//! The rules of an agent checklist, on its values.

use serde_json::Value;

use crate::diagnostic::Code;
use crate::kind::{CheckContext, Finding};
use crate::kinds::canned_response::checks::pii;
use crate::kinds::findings::{error, required};
use crate::kinds::wire::text;

/// The longest name or description accepted (the SDK states none; assistform's).
pub const MAX_TEXT: usize = 1_000;

pub fn check(values: &Value, cx: CheckContext) -> Vec<Finding> {
    let mut out = Vec::new();
    let name = text(values, "name");
    if name.trim().is_empty() {
        out.push(required("name", "Every checklist needs a `name`."));
    }
    out.extend(long("name", &name));
    out.extend(pii(&name, "name", "The name", false, cx));
    let language = text(values, "language");
    if language.trim().is_empty() {
        out.push(required(
            "language",
            "Every checklist needs a `language`, such as \"en-US\".",
        ));
    } else if !is_language_tag(&language) {
        out.push(error(
            Code::SchemaEnum,
            "language",
            format!("`language` is \"{language}\", which is not a language tag"),
            "Write a BCP 47 tag such as \"en-US\", \"es\" or \"pt-BR\".".into(),
        ));
    }
    let items = values
        .get("item")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    if items.is_empty() {
        out.push(required(
            "item",
            "Add at least one `item { name = \"…\" }` block.",
        ));
    }
    for (i, item) in items.iter().enumerate() {
        let at = format!("item[{i}]");
        let name = text(item, "name");
        if name.trim().is_empty() {
            out.push(required(
                &format!("{at}.name"),
                "Every item needs a `name`.",
            ));
        }
        out.extend(long(&format!("{at}.name"), &name));
        out.extend(pii(
            &name,
            &format!("{at}.name"),
            "The item name",
            false,
            cx,
        ));
        let description = text(item, "description");
        out.extend(long(&format!("{at}.description"), &description));
        out.extend(pii(
            &description,
            &format!("{at}.description"),
            "The description",
            false,
            cx,
        ));
    }
    out
}

pub(crate) fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or_default();
    (2..=3).contains(&primary.len())
        && primary.chars().all(|c| c.is_ascii_alphabetic())
        && parts.all(|p| (2..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

fn long(path: &str, value: &str) -> Option<Finding> {
    let n = value.chars().count();
    (n > MAX_TEXT).then(|| {
        error(
            Code::ContentTooLong,
            path,
            format!("`{path}` is {n} characters long"),
            format!("It may be at most {MAX_TEXT} characters."),
        )
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::org::OrgSettings;
    use crate::pii::PhoneRegions;

    #[test]
    fn names_languages_and_items_are_checked() {
        let org = OrgSettings::default();
        let regions = PhoneRegions::north_america();
        let cx = CheckContext {
            org: &org,
            regions: &regions,
        };
        let found: Vec<(Code, String)> = check(
            &json!({"name": "", "language": "english", "item": [{"name": "Mail jane@example.org", "description": ""}]}),
            cx,
        )
        .into_iter()
        .map(|f| (f.code, f.path))
        .collect();
        assert_eq!(
            found,
            [
                (Code::SchemaRequired, "name".to_owned()),
                (Code::SchemaEnum, "language".to_owned()),
                (Code::PiiEmail, "item[0].name".to_owned()),
            ]
        );
        assert!(is_language_tag("en-US") && is_language_tag("pt-BR") && !is_language_tag("en_US"));
    }
}
