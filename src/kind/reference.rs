//! A value that is another object's id (`response_library.billing.id`), as values
//! hold it until the id is known. The configuration writes it, the plan fills in
//! each id it knows and marks the rest `(known after apply)`, and apply fills in
//! those as the objects they name are created. Nothing holding one is ever sent
//! to Genesys or recorded in the state.

use serde_json::Value;

use super::Address;

/// Starts every reference: control characters around a name, which no Genesys
/// value holds by accident (an org's text may hold a lone control character).
const MARK: &str = "\u{1}assistform:ref\u{1}";

/// The attribute of another object a reference may name: its id, which the
/// server or the configuration gives it.
pub const ATTRIBUTE: &str = "id";

/// What values hold for `target`'s id until it is known.
pub fn to(target: &Address) -> String {
    format!("{MARK}{target}.{ATTRIBUTE}")
}

/// The object whose id `text` stands for, when it is a reference.
pub fn target(text: &str) -> Option<Address> {
    let rest = text.strip_prefix(MARK)?;
    let address = rest.strip_suffix(ATTRIBUTE)?.strip_suffix('.')?;
    address.parse().ok()
}

/// Every reference left in `values`, as `(path, target)`: paths in HCL form,
/// `library_ids[0]`, `rule[1].action[0].attributes.responseId`.
pub fn unresolved(values: &Value) -> Vec<(String, Address)> {
    let mut found = Vec::new();
    walk(values, &mut String::new(), &mut found);
    found
}

fn walk(value: &Value, path: &mut String, found: &mut Vec<(String, Address)>) {
    match value {
        Value::String(s) => {
            if let Some(target) = target(s) {
                found.push((path.clone(), target));
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                walk(item, path, found);
                path.truncate(len);
            }
        }
        Value::Object(map) => {
            for (name, item) in map {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(name);
                walk(item, path, found);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

/// Replaces each reference in `values` whose target `id_of` knows by that id;
/// returns the references left, as [`unresolved`] does.
pub fn resolve(
    values: &mut Value,
    id_of: &impl Fn(&Address) -> Option<String>,
) -> Vec<(String, Address)> {
    fill(values, id_of);
    unresolved(values)
}

fn fill(value: &mut Value, id_of: &impl Fn(&Address) -> Option<String>) {
    match value {
        Value::String(s) => {
            if let Some(id) = target(s).and_then(|t| id_of(&t)) {
                *s = id;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| fill(i, id_of)),
        Value::Object(map) => map.values_mut().for_each(|i| fill(i, id_of)),
        _ => {}
    }
}

/// Whether `text` is a reference whose id is not known yet.
pub fn is_unknown(text: &str) -> bool {
    text.starts_with(MARK)
}

/// Whether `text` holds a reference anywhere (a whole one or a part of it).
pub fn is_within(text: &str) -> bool {
    text.contains(MARK)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_reference_round_trips_and_resolves_where_it_is_known() {
        let lib: Address = "library.billing".parse().unwrap();
        let other: Address = "library.sales".parse().unwrap();
        assert_eq!(target(&to(&lib)), Some(lib.clone()));
        assert_eq!(target("library.billing.id"), None);
        let mut values = json!({
            "name": "x",
            "library_ids": [to(&lib), to(&other)],
            "rule": [{"attributes": {"responseId": to(&other)}}],
        });
        let left = resolve(&mut values, &|a: &Address| {
            (a == &lib).then(|| "lib-1".to_owned())
        });
        assert_eq!(values["library_ids"][0], "lib-1");
        let paths: Vec<&str> = left.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(paths, ["library_ids[1]", "rule[0].attributes.responseId"]);
        assert!(left.iter().all(|(_, t)| t == &other));
    }
}
