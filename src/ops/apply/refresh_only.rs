//! A refresh-only apply: record in the state what Genesys holds for every drifted
//! prompt (or forget one deleted outside), and write nothing to Genesys.

use super::{ApplyOutcome, Run};
use crate::audit::{Event as AuditEvent, ShortRun, Totals};
use crate::kind::LiveSet;
use crate::ops::{Notice, OpsError};
use crate::plan::Plan;
use crate::remote::Client;
use crate::state::State;

/// Records the drift of `plan` in `state` from `live`, after asking `observer` when
/// `ask`, and writes the state with its audit record.
pub(super) fn record(
    plan: &Plan,
    live: &LiveSet,
    state: &mut State,
    run: &Run<'_>,
    ask: bool,
    client: &Client,
) -> Result<ApplyOutcome, OpsError> {
    let (options, backend, observer) = (run.options, run.backend, run.observer);
    if plan.drift.is_empty() {
        return Ok(ApplyOutcome::NoDrift);
    }
    observer.notice(Notice::Planned(plan));
    if ask && !observer.approve().map_err(OpsError::Observer)? {
        return Ok(ApplyOutcome::Cancelled);
    }
    for drift in &plan.drift {
        let Some(resource) = state.resources.get_mut(&drift.address) else {
            continue;
        };
        // What Genesys holds now, which may be newer still than what the plan saw.
        match live.get(drift.address.kind(), &resource.id) {
            Some(now) => {
                resource.version = now.version;
                resource.attributes = now.values.clone();
            }
            None => {
                state.resources.remove(&drift.address);
            }
        }
    }
    let command = "apply --refresh-only";
    let short = ShortRun {
        command,
        client_id: Some(client.connection().client_id()),
        plan_digest: Some(plan.config_digest.clone()),
        events: vec![AuditEvent::StateEdit {
            command: command.into(),
            addresses: plan.drift.iter().map(|d| d.address.to_string()).collect(),
        }],
        outcome: "success",
        totals: Totals::default(),
    };
    state.audit = Some(short.record(backend, &options.env)?);
    backend.write_state(state)?;
    Ok(ApplyOutcome::Refreshed {
        drifted: plan.drift.len(),
        noun: crate::kinds::noun(
            plan.drift
                .iter()
                .filter_map(|d| crate::kinds::find(d.address.kind()).map(|k| k.name())),
        ),
    })
}
