//! Whether a saved plan still applies: it was made from a state and from live
//! versions, and applying it after either moved would overwrite something unseen.

use super::{Action, Plan};
use crate::model::RemotePrompt;
use crate::state::State;

/// Every reason `plan` is stale against `state` and `live`; empty when it applies.
/// Only the prompts the plan changes count: an edit elsewhere does not matter.
pub fn staleness(plan: &Plan, state: &State, live: &[RemotePrompt]) -> Vec<String> {
    let mut reasons = Vec::new();
    if plan.lineage != state.lineage {
        reasons.push(format!(
            "the plan was made for another state (lineage `{}`, the state's is `{}`)",
            shown(&plan.lineage),
            shown(&state.lineage)
        ));
    } else if plan.serial != state.serial {
        reasons.push(format!(
            "the state changed since the plan was made (serial {} → {})",
            plan.serial, state.serial
        ));
    }
    let version = |id: &str| live.iter().find(|p| p.spec.id == id).map(|p| p.version);
    for change in &plan.changes {
        match change.action {
            Action::NoOp if !change.importing => {}
            Action::Create => {
                let id = change.after.as_ref().map_or("", |a| a.id.as_str());
                if let Some(v) = version(id) {
                    reasons.push(format!(
                        "`{}`: prompt `{id}` was created in Genesys since the plan (version {v})",
                        change.address
                    ));
                }
            }
            Action::NoOp | Action::Update | Action::Delete | Action::Replace => {
                let id = change.before.as_ref().map_or("", |b| b.id.as_str());
                let now = version(id);
                if now != change.live_version {
                    let now = now.map_or_else(|| "deleted".to_owned(), |v| format!("version {v}"));
                    reasons.push(format!(
                        "`{}`: prompt `{id}` changed in Genesys since the plan (version {} → {now})",
                        change.address,
                        change.live_version.unwrap_or(0)
                    ));
                }
            }
        }
    }
    reasons
}

fn shown(lineage: &str) -> &str {
    if lineage.is_empty() {
        "none yet"
    } else {
        lineage
    }
}
