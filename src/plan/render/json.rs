//! The plan in the shape of `terraform show -json`, so that tools and policy checks
//! written for Terraform plan JSON read it unchanged.

use serde_json::{Value, json};

use super::Values;
use crate::kind::{Address, values};
use crate::plan::{Action, Plan};

/// The Terraform release whose plan JSON format this follows.
pub const TERRAFORM_VERSION: &str = "1.9.0";
const PROVIDER: &str = "registry.terraform.io/assistform/assistform";

pub fn render(plan: &Plan) -> Value {
    let resource = |address: &Address| json!({"address": address, "mode": "managed", "type": format!("assistform_{}", address.kind()), "name": address.label(), "provider_name": PROVIDER});
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
            let mut r = resource(&c.address);
            r["schema_version"] = json!(0);
            r["values"] = after.clone();
            r["sensitive_values"] = sensitive.clone();
            planned.push(r);
            let mut r = resource(&c.address);
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
        let mut r = resource(&c.address);
        r["change"] = json!({
            "actions": actions,
            "before": before,
            "after": after,
            "after_unknown": values::marks(&c.unknown),
            "before_sensitive": if c.before.is_some() { sensitive.clone() } else { json!(false) },
            "after_sensitive": if c.after.is_some() { sensitive } else { json!(false) },
        });
        if c.action == Action::Replace {
            r["action_reason"] = json!("replace_because_cannot_update");
        }
        if let (true, Some(id)) = (c.importing, c.before_id()) {
            r["change"]["importing"] = json!({"id": id});
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
            let mut r = resource(&d.address);
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
    let mut out = json!({
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
    });
    if !plan.warnings.is_empty() {
        out["warnings"] = json!(plan.warnings);
    }
    out
}

/// `v` with PII masked and sensitive values left out (null), as Terraform leaves
/// them out of what it shows.
fn shown(v: &Value, shown: &Values) -> Value {
    let mut v = v.clone();
    values::map_strings(&mut v, &|s| shown.mask(s));
    // An id known only after apply is left out, and marked in `after_unknown`.
    null_unknown(&mut v);
    for path in shown.sensitive {
        if let Some(slot) = values::get_mut(&mut v, path) {
            *slot = Value::Null;
        }
    }
    v
}

fn null_unknown(v: &mut Value) {
    match v {
        Value::String(s) if crate::kind::reference::is_unknown(s) => *v = Value::Null,
        Value::Array(items) => items.iter_mut().for_each(null_unknown),
        Value::Object(map) => map.values_mut().for_each(null_unknown),
        _ => {}
    }
}

/// `{"display": [{"content": true}]}` for the sensitive paths, as Terraform marks them.
fn sensitive_marks(paths: &[String]) -> Value {
    values::marks(paths)
}
