//! Values: an object's attributes in HCL names, shaped as Terraform shapes a
//! resource's values (nested blocks are lists of objects). What the state records,
//! what a plan carries and what plan JSON shows; each kind converts its own wire
//! model to and from them.

use serde_json::{Map, Value};

use super::schema::{Nesting, Schema, Type};

/// One attribute, flattened: `display.content`, `trigger.condition[0].value`.
#[derive(Clone, Debug, PartialEq)]
pub struct Leaf {
    pub path: String,
    pub value: LeafValue,
    /// Long text, shown as a line diff when it changes.
    pub lines: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum LeafValue {
    Text(String),
    Number(u64),
    List(Vec<String>),
    Bool(bool),
    Decimal(f64),
}

/// Every attribute of `values`, in `schema`'s order. A missing attribute reads as
/// empty, as the kind's own decoding would fill it.
pub fn leaves(schema: &Schema, values: &Value) -> Vec<Leaf> {
    let mut out = Vec::new();
    walk(schema, values, "", &mut out);
    out
}

fn walk(schema: &Schema, values: &Value, prefix: &str, out: &mut Vec<Leaf>) {
    for attr in schema.attributes.iter().filter(|a| !a.directive) {
        let v = values.get(attr.name);
        if attr.ty == Type::Map {
            // Each entry is its own leaf, so that a changed key reads as one line.
            for (key, item) in v.and_then(Value::as_object).into_iter().flatten() {
                out.push(Leaf {
                    path: format!("{prefix}{}.{key}", attr.name),
                    value: LeafValue::Text(item.as_str().unwrap_or("").to_owned()),
                    lines: false,
                });
            }
            continue;
        }
        let value = match attr.ty {
            Type::String => LeafValue::Text(v.and_then(Value::as_str).unwrap_or("").to_owned()),
            Type::Number => LeafValue::Number(v.and_then(Value::as_u64).unwrap_or(0)),
            Type::Bool => LeafValue::Bool(v.and_then(Value::as_bool).unwrap_or(false)),
            Type::Decimal => LeafValue::Decimal(v.and_then(Value::as_f64).unwrap_or(0.0)),
            Type::Map => continue,
            Type::Strings => LeafValue::List(
                v.and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .map(|s| s.as_str().unwrap_or("").to_owned())
                    .collect(),
            ),
        };
        out.push(Leaf {
            path: format!("{prefix}{}", attr.name),
            value,
            lines: attr.lines,
        });
    }
    for block in schema.blocks {
        if block.nesting == Nesting::Labeled {
            for (label, item) in values
                .get(block.name)
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                walk(
                    &block.schema,
                    item,
                    &format!("{prefix}{}.{label}.", block.name),
                    out,
                );
            }
            continue;
        }
        let items = values
            .get(block.name)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        match block.nesting {
            // An optional block left out has nothing to show.
            Nesting::Single => {
                if let Some(item) = items.first() {
                    walk(
                        &block.schema,
                        item,
                        &format!("{prefix}{}.", block.name),
                        out,
                    );
                }
            }
            Nesting::List => {
                for (i, item) in items.iter().enumerate() {
                    let inner = format!("{prefix}{}[{i}].", block.name);
                    walk(&block.schema, item, &inner, out);
                }
            }
            Nesting::Labeled => {}
        }
    }
}

/// The value at an HCL path such as `display.content`, `trigger.condition` or
/// `trigger.condition[0].value`: a name without an index steps into the first
/// (only) object of a single block, and into an entry of a map or of labeled
/// blocks (`rule.greet.action[0].attributes.responseId`).
pub fn get<'v>(values: &'v Value, path: &str) -> Option<&'v Value> {
    let mut cur = values;
    let parts: Vec<&str> = path.split('.').collect();
    for (i, part) in parts.iter().enumerate() {
        let (name, index) = split_index(part);
        cur = cur.get(name)?;
        if let Some(ix) = index {
            cur = cur.get(ix)?;
        } else if i + 1 < parts.len() && cur.is_array() {
            cur = cur.get(0)?;
        }
    }
    Some(cur)
}

/// [`get`], for writing.
pub fn get_mut<'v>(values: &'v mut Value, path: &str) -> Option<&'v mut Value> {
    let mut cur = values;
    let parts: Vec<&str> = path.split('.').collect();
    for (i, part) in parts.iter().enumerate() {
        let (name, index) = split_index(part);
        cur = cur.get_mut(name)?;
        if let Some(ix) = index {
            cur = cur.get_mut(ix)?;
        } else if i + 1 < parts.len() && cur.is_array() {
            cur = cur.get_mut(0)?;
        }
    }
    Some(cur)
}

fn split_index(part: &str) -> (&str, Option<usize>) {
    match part.split_once('[') {
        Some((name, rest)) => (name, rest.trim_end_matches(']').parse().ok()),
        None => (part, None),
    }
}

/// `desired`, with the value at each path of `ignore` taken from `live`: what
/// `lifecycle { ignore_changes }` writes.
pub fn with_ignored(desired: &Value, live: &Value, ignore: &[String]) -> Value {
    let mut out = desired.clone();
    for path in ignore {
        if let (Some(slot), Some(now)) = (get_mut(&mut out, path), get(live, path)) {
            slot.clone_from(now);
        }
    }
    out
}

/// `values` without the attributes that only direct the plan
/// ([`super::schema::Attribute::directive`]), at any depth.
pub fn without_directives(schema: &Schema, values: &Value) -> Value {
    let mut out = values.clone();
    strip(schema, &mut out);
    out
}

fn strip(schema: &Schema, values: &mut Value) {
    let Value::Object(map) = values else { return };
    for attr in schema.attributes.iter().filter(|a| a.directive) {
        map.remove(attr.name);
    }
    for block in schema.blocks {
        match map.get_mut(block.name) {
            Some(Value::Array(items)) => items.iter_mut().for_each(|i| strip(&block.schema, i)),
            Some(Value::Object(by_label)) => {
                by_label.values_mut().for_each(|i| strip(&block.schema, i))
            }
            _ => {}
        }
    }
}

/// `{"display": [{"content": true}]}` for the paths given, as Terraform marks
/// sensitive values.
pub fn marks(paths: &[String]) -> Value {
    let mut marks = Value::Object(Map::new());
    for path in paths {
        mark(&mut marks, path);
    }
    marks
}

fn mark(into: &mut Value, path: &str) {
    let parts: Vec<&str> = path.split('.').collect();
    let mut cur = into;
    for (i, part) in parts.iter().enumerate() {
        let (name, index) = split_index(part);
        let last = i + 1 == parts.len();
        let Value::Object(map) = cur else { return };
        if last && index.is_none() {
            map.insert(name.to_owned(), Value::Bool(true));
            return;
        }
        let slot = map
            .entry(name.to_owned())
            .or_insert_with(|| Value::Array(Vec::new()));
        let Value::Array(list) = slot else { return };
        let ix = index.unwrap_or(0);
        while list.len() <= ix {
            list.push(Value::Object(Map::new()));
        }
        if last {
            list[ix] = Value::Bool(true);
            return;
        }
        cur = &mut list[ix];
    }
}

/// Every string in `v`, rewritten by `f`: masking, before values are shown.
pub fn map_strings(v: &mut Value, f: &impl Fn(&str) -> String) {
    match v {
        Value::String(s) => *s = f(s),
        Value::Array(items) => items.iter_mut().for_each(|i| map_strings(i, f)),
        Value::Object(map) => map.values_mut().for_each(|i| map_strings(i, f)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::kind::schema::{Attribute, NestedBlock};

    static SCHEMA: Schema = Schema {
        attributes: &[Attribute::string("id"), Attribute::strings("tags")],
        blocks: &[
            NestedBlock {
                name: "rule",
                nesting: Nesting::Single,
                schema: Schema {
                    attributes: &[Attribute::string("type")],
                    blocks: &[NestedBlock {
                        name: "when",
                        nesting: Nesting::List,
                        schema: Schema {
                            attributes: &[Attribute::number("after")],
                            blocks: &[],
                        },
                    }],
                },
            },
            NestedBlock {
                name: "body",
                nesting: Nesting::Single,
                schema: Schema {
                    attributes: &[Attribute::text("text")],
                    blocks: &[],
                },
            },
        ],
    };

    fn sample() -> Value {
        json!({
            "id": "a", "tags": ["x", "y"],
            "rule": [{"type": "t", "when": [{"after": 1}, {"after": 2}]}],
            "body": [{"text": "hi"}],
        })
    }

    #[test]
    fn leaves_follow_the_schema_order() {
        let paths: Vec<String> = leaves(&SCHEMA, &sample())
            .into_iter()
            .map(|l| l.path)
            .collect();
        assert_eq!(
            paths,
            [
                "id",
                "tags",
                "rule.type",
                "rule.when[0].after",
                "rule.when[1].after",
                "body.text"
            ]
        );
    }

    #[test]
    fn paths_step_into_single_blocks() {
        let v = sample();
        assert_eq!(get(&v, "rule.when[1].after"), Some(&json!(2)));
        assert_eq!(get(&v, "body.text"), Some(&json!("hi")));
        assert_eq!(
            get(&v, "rule.when"),
            Some(&json!([{"after": 1}, {"after": 2}]))
        );
        assert_eq!(get(&v, "rule.nothing"), None);
    }

    static LABELED: Schema = Schema {
        attributes: &[Attribute::string("name").directing()],
        blocks: &[NestedBlock {
            name: "rule",
            nesting: Nesting::Labeled,
            schema: Schema {
                attributes: &[
                    Attribute::decimal("weight"),
                    Attribute::map("attributes", &[]),
                ],
                blocks: &[],
            },
        }],
    };

    #[test]
    fn labeled_blocks_and_maps_flatten_by_label_and_key() {
        let v = json!({"name": "n", "rule": {"greet": {"weight": 0.5, "attributes": {"responseId": "r-1"}}}});
        let leaves = leaves(&LABELED, &v);
        let paths: Vec<&str> = leaves.iter().map(|l| l.path.as_str()).collect();
        // A directive is not part of the object, so it is not shown either.
        assert_eq!(
            paths,
            ["rule.greet.weight", "rule.greet.attributes.responseId"]
        );
        assert_eq!(leaves[0].value, LeafValue::Decimal(0.5));
        assert_eq!(
            get(&v, "rule.greet.attributes.responseId"),
            Some(&json!("r-1"))
        );
        let mut w = v.clone();
        *get_mut(&mut w, "rule.greet.attributes.responseId").expect("a slot") = json!("r-2");
        assert_eq!(w["rule"]["greet"]["attributes"]["responseId"], "r-2");
    }

    #[test]
    fn directives_are_not_part_of_the_object() {
        let v = json!({"name": "n", "rule": {}});
        assert_eq!(without_directives(&LABELED, &v), json!({"rule": {}}));
    }

    #[test]
    fn ignored_paths_keep_the_live_value() {
        let live = json!({"id": "a", "tags": [], "rule": [{"type": "u", "when": []}], "body": [{"text": "live"}]});
        let out = with_ignored(&sample(), &live, &["body.text".into(), "rule.when".into()]);
        assert_eq!(out["body"][0]["text"], "live");
        assert_eq!(out["rule"][0]["when"], json!([]));
        assert_eq!(out["rule"][0]["type"], "t");
    }

    #[test]
    fn marks_nest_as_terraform_marks_them() {
        let m = marks(&["body.text".into(), "rule.when[1].after".into()]);
        assert_eq!(
            m,
            json!({"body": [{"text": true}], "rule": [{"when": [{}, {"after": true}]}]})
        );
    }
}
