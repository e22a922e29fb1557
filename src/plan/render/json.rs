//! The plan in the shape of `terraform show -json`, so that tools and policy checks
//! written for Terraform plan JSON read it unchanged.

use serde_json::{Map, Value, json};

use super::Values;
use crate::model::PromptSpec;
use crate::plan::{Action, Plan};

/// The Terraform release whose plan JSON format this follows.
pub const TERRAFORM_VERSION: &str = "1.9.0";
const TYPE: &str = "assistform_prompt";
const PROVIDER: &str = "registry.terraform.io/assistform/assistform";

pub fn render(plan: &Plan) -> Value {
    let resource = |address: &str, label: &str| json!({"address": address, "mode": "managed", "type": TYPE, "name": label, "provider_name": PROVIDER});
    let mut planned = Vec::new();
    let mut changes = Vec::new();
    let mut configuration = Vec::new();
    for c in &plan.changes {
        let values = Values {
            pii_allow: &plan.pii_allow,
            sensitive: &c.sensitive,
        };
        let before = c.before.as_ref().map(|s| shown(s, &values));
        let after = c.after.as_ref().map(|s| shown(s, &values));
        let sensitive = sensitive_marks(&c.sensitive);
        if let Some(after) = &after {
            let mut r = resource(&c.address, &c.label);
            r["schema_version"] = json!(0);
            r["values"] = after.clone();
            r["sensitive_values"] = sensitive.clone();
            planned.push(r);
            let mut r = resource(&c.address, &c.label);
            r["provider_config_key"] = json!("assistform");
            r["schema_version"] = json!(0);
            if !c.depends_on.is_empty() {
                r["depends_on"] = json!(c.depends_on);
            }
            configuration.push(r);
        }
        let actions: &[&str] = match c.action {
            Action::Create => &["create"],
            Action::Update => &["update"],
            Action::Replace => &["delete", "create"],
            Action::Delete => &["delete"],
            Action::NoOp => &["no-op"],
        };
        let mut r = resource(&c.address, &c.label);
        r["change"] = json!({
            "actions": actions,
            "before": before,
            "after": after,
            "after_unknown": {},
            "before_sensitive": if c.before.is_some() { sensitive.clone() } else { json!(false) },
            "after_sensitive": if c.after.is_some() { sensitive } else { json!(false) },
        });
        if c.action == Action::Replace {
            r["action_reason"] = json!("replace_because_cannot_update");
        }
        if let (true, Some(before)) = (c.importing, &c.before) {
            r["change"]["importing"] = json!({"id": before.id});
        }
        if let Some(from) = &c.moved_from {
            r["previous_address"] = json!(from);
        }
        changes.push(r);
    }
    let drift: Vec<Value> = plan
        .drift
        .iter()
        .map(|d| {
            let values = Values {
                pii_allow: &plan.pii_allow,
                sensitive: &[],
            };
            let mut r = resource(&d.address, &d.label);
            r["change"] = json!({
                "actions": [if d.after.is_some() { "update" } else { "delete" }],
                "before": shown(&d.before, &values),
                "after": d.after.as_ref().map(|s| shown(s, &values)),
                "after_unknown": {},
                "before_sensitive": {},
                "after_sensitive": if d.after.is_some() { json!({}) } else { json!(false) },
            });
            r
        })
        .collect();
    json!({
        "format_version": "1.2",
        "terraform_version": TERRAFORM_VERSION,
        "assistform_version": env!("CARGO_PKG_VERSION"),
        "planned_values": {"root_module": {"resources": planned}},
        "resource_drift": drift,
        "resource_changes": changes,
        "configuration": {
            "provider_config": {"assistform": {"name": "assistform", "full_name": PROVIDER}},
            "root_module": {"resources": configuration},
        },
        "applyable": plan.has_changes(),
        "complete": true,
        "errored": false,
    })
}

/// `spec`'s values with PII masked and sensitive values left out (null), as
/// Terraform leaves them out of what it shows.
fn shown(spec: &PromptSpec, values: &Values) -> Value {
    let mut v = spec.to_values();
    mask_strings(&mut v, values);
    for path in values.sensitive {
        if let Some(slot) = slot(&mut v, path) {
            *slot = Value::Null;
        }
    }
    v
}

fn mask_strings(v: &mut Value, values: &Values) {
    match v {
        Value::String(s) => *s = values.mask(s),
        Value::Array(items) => items.iter_mut().for_each(|i| mask_strings(i, values)),
        Value::Object(map) => map.values_mut().for_each(|i| mask_strings(i, values)),
        _ => {}
    }
}

/// The value at an HCL path such as `display.content` or `trigger.condition[0].value`
/// in Terraform's shape, where a block is a list of objects.
fn slot<'v>(v: &'v mut Value, path: &str) -> Option<&'v mut Value> {
    let mut cur = v;
    let parts: Vec<&str> = path.split('.').collect();
    for (i, part) in parts.iter().enumerate() {
        let (name, index) = match part.split_once('[') {
            Some((n, rest)) => (n, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (*part, None),
        };
        cur = cur.get_mut(name)?;
        let is_block = i + 1 < parts.len();
        if let Some(ix) = index {
            cur = cur.get_mut(ix)?;
        } else if is_block {
            cur = cur.get_mut(0)?;
        }
    }
    Some(cur)
}

/// `{"display": [{"content": true}]}` for the sensitive paths, as Terraform marks them.
fn sensitive_marks(paths: &[String]) -> Value {
    let mut marks = Value::Object(Map::new());
    for path in paths {
        let mut skeleton = PromptSpec::default_shape();
        if let Some(s) = slot(&mut skeleton, path) {
            *s = json!(true);
        }
        merge_true(&mut marks, &skeleton);
    }
    marks
}

/// Copies only the `true` leaves of `from` into `into`, keeping the nesting.
fn merge_true(into: &mut Value, from: &Value) -> bool {
    match from {
        Value::Bool(true) => {
            *into = json!(true);
            true
        }
        Value::Object(map) => {
            let mut any = false;
            for (k, v) in map {
                let mut child = into.get(k).cloned().unwrap_or(Value::Object(Map::new()));
                if merge_true(&mut child, v) {
                    if let Value::Object(m) = into {
                        m.insert(k.clone(), child);
                    }
                    any = true;
                }
            }
            any
        }
        Value::Array(items) => {
            let mut list: Vec<Value> = into.as_array().cloned().unwrap_or_default();
            let mut any = false;
            for (i, item) in items.iter().enumerate() {
                if list.len() <= i {
                    list.push(Value::Object(Map::new()));
                }
                any |= merge_true(&mut list[i], item);
            }
            if any {
                *into = Value::Array(list);
            }
            any
        }
        _ => false,
    }
}
