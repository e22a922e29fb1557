//! A Response as the API names it ↔ values in HCL names. Every attribute is
//! present in values, defaults filled in, so that a block and the object read
//! back compare equal.

use serde_json::{Map, Value, json};

use crate::kinds::wire::text;

/// What a text is when the API leaves its type out.
pub const DEFAULT_CONTENT_TYPE: &str = "text/plain";
pub const DEFAULT_TEXT_TYPE: &str = "body";

/// The API's Response → values.
pub fn to_values(object: &Value) -> Value {
    let list = |name: &str| {
        object
            .get(name)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let library_ids: Vec<Value> = list("libraries")
        .iter()
        .filter_map(|l| l.get("id").cloned())
        .collect();
    let texts: Vec<Value> = list("texts")
        .iter()
        .map(|t| {
            json!({
                "content": text(t, "content"),
                "content_type": or(text(t, "contentType"), DEFAULT_CONTENT_TYPE),
                "type": or(text(t, "type"), DEFAULT_TEXT_TYPE),
            })
        })
        .collect();
    let substitutions: Vec<Value> = list("substitutions")
        .iter()
        .map(|s| {
            json!({
                "id": text(s, "id"),
                "description": text(s, "description"),
                "default_value": text(s, "defaultValue"),
            })
        })
        .collect();
    json!({
        "name": text(object, "name"),
        "library_ids": library_ids,
        "interaction_type": text(object, "interactionType"),
        "texts": texts,
        "substitutions": substitutions,
    })
}

/// Values → the fields of a Response that assistform manages.
pub fn to_body(values: &Value) -> Value {
    let list = |name: &str| {
        values
            .get(name)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let mut body = Map::new();
    body.insert("name".into(), text(values, "name").into());
    body.insert(
        "libraries".into(),
        list("library_ids")
            .into_iter()
            .map(|id| json!({ "id": id }))
            .collect(),
    );
    let interaction = text(values, "interaction_type");
    body.insert(
        "interactionType".into(),
        if interaction.is_empty() {
            Value::Null
        } else {
            interaction.into()
        },
    );
    body.insert(
        "texts".into(),
        list("texts")
            .iter()
            .map(|t| {
                json!({
                    "content": text(t, "content"),
                    "contentType": or(text(t, "content_type"), DEFAULT_CONTENT_TYPE),
                    "type": or(text(t, "type"), DEFAULT_TEXT_TYPE),
                })
            })
            .collect(),
    );
    body.insert(
        "substitutions".into(),
        list("substitutions")
            .iter()
            .map(|s| {
                let mut out = Map::new();
                out.insert("id".into(), text(s, "id").into());
                for (hcl, api) in [
                    ("description", "description"),
                    ("default_value", "defaultValue"),
                ] {
                    let v = text(s, hcl);
                    if !v.is_empty() {
                        out.insert(api.into(), v.into());
                    }
                }
                Value::Object(out)
            })
            .collect(),
    );
    Value::Object(body)
}

fn or(value: String, default: &str) -> String {
    if value.is_empty() {
        default.to_owned()
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_through_the_api_shape() {
        let values = json!({
            "name": "Refund",
            "library_ids": ["l1", "l2"],
            "interaction_type": "chat",
            "texts": [{"content": "Hi {{order}}", "content_type": "text/plain", "type": "body"}],
            "substitutions": [{"id": "order", "description": "", "default_value": "your order"}],
        });
        assert_eq!(to_values(&to_body(&values)), values);
        let body = to_body(&values);
        assert_eq!(body["libraries"], json!([{"id": "l1"}, {"id": "l2"}]));
        assert_eq!(
            body["substitutions"][0],
            json!({"id": "order", "defaultValue": "your order"})
        );
    }

    #[test]
    fn what_the_api_leaves_out_reads_as_the_defaults() {
        let values = to_values(&json!({"id": "r", "name": "x", "texts": [{"content": "c"}]}));
        assert_eq!(values["texts"][0]["content_type"], DEFAULT_CONTENT_TYPE);
        assert_eq!(values["texts"][0]["type"], DEFAULT_TEXT_TYPE);
        assert_eq!(values["interaction_type"], "");
        assert_eq!(values["library_ids"], json!([]));
    }
}
