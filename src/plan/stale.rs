//! Whether a saved plan still applies: it was made from a state and from live
//! versions, and applying it after either moved would overwrite something unseen.

use super::{Action, Plan};
use crate::kind::LiveSet;
use crate::state::State;

/// Every reason `plan` is stale against `state` and `live`; empty when it applies.
/// Only the objects the plan changes count: an edit elsewhere does not matter.
pub fn staleness(plan: &Plan, state: &State, live: &LiveSet) -> Vec<String> {
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
    for change in &plan.changes {
        let kind = change.address.kind();
        let version = |id: &str| live.get(kind, id).map(|l| l.version);
        match change.action {
            Action::NoOp if !change.importing => {}
            Action::Create => {
                let id = change.after_id().unwrap_or_default();
                if let Some(v) = version(id) {
                    reasons.push(format!(
                        "`{}`: {kind} `{id}` was created in Genesys since the plan (version {v})",
                        change.address
                    ));
                }
            }
            Action::NoOp | Action::Update | Action::Delete | Action::Replace
                if change.guarded_by_digest() =>
            {
                let id = change.before_id().unwrap_or_default();
                let now = live.get(kind, id).map(|l| crate::kind::digest(&l.values));
                if now != change.live_digest {
                    let what = if now.is_some() {
                        "changed"
                    } else {
                        "was deleted"
                    };
                    reasons.push(format!(
                        "`{}`: {kind} `{id}` {what} in Genesys since the plan",
                        change.address
                    ));
                }
            }
            Action::NoOp | Action::Update | Action::Delete | Action::Replace => {
                let id = change.before_id().unwrap_or_default();
                let now = version(id);
                if now != change.live_version {
                    let now = now.map_or_else(|| "deleted".to_owned(), |v| format!("version {v}"));
                    reasons.push(format!(
                        "`{}`: {kind} `{id}` changed in Genesys since the plan (version {} → {now})",
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

/// Every change of a saved plan that would write to an object the state does not
/// hold for its address: an update, replace or delete reaches only the id the state
/// holds there; a create or an import only an id no address manages. A plan that
/// `plan` made always passes; one whose ids were edited does not.
pub fn foreign_targets(plan: &Plan, state: &State) -> Vec<String> {
    let mut reasons = Vec::new();
    for change in &plan.changes {
        let at = change.moved_from.as_ref().unwrap_or(&change.address);
        let kind = at.kind();
        let held = state.resources.get(at).map(|r| r.id.as_str());
        let before = change.before_id();
        let after = change.after_id();
        let mut refuse = |id: &str, what: &str| {
            let there = held.map_or_else(|| format!("no {kind}"), |h| format!("{kind} `{h}`"));
            reasons.push(format!(
                "`{}` would {what} {kind} `{id}`, but the state holds {there} there",
                change.address
            ));
        };
        let unmanaged = |id: &str| state.address_of(kind, id).is_none_or(|a| a == at);
        match change.action {
            Action::Create => {
                if let Some(id) = after.filter(|id| held.is_some() || !unmanaged(id)) {
                    refuse(id, "create");
                }
            }
            _ if change.importing => {
                if let Some(id) = before.filter(|id| held.is_some() || !unmanaged(id)) {
                    refuse(id, "import");
                }
            }
            Action::Update | Action::Delete | Action::Replace => {
                let verb = match change.action {
                    Action::Update => "update",
                    Action::Delete => "delete",
                    _ => "replace",
                };
                if let Some(id) = before.filter(|id| Some(*id) != held) {
                    refuse(id, verb);
                } else if let (Action::Update, Some(id)) = (change.action, after)
                    && Some(id) != held
                {
                    refuse(id, "write");
                } else if let (Action::Replace, Some(id)) = (change.action, after)
                    && !unmanaged(id)
                {
                    refuse(id, "create");
                }
            }
            Action::NoOp => {}
        }
    }
    reasons
}
