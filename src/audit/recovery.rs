//! The audit lines a recovery owes: a run killed after a write landed but before it
//! wrote that write's line leaves a change nobody recorded. Recovery finds each in
//! the journal and records it, marked with the run it belonged to.

use super::{Event, Record};
use crate::kind::Address;
use crate::state::journal::{InFlight, Landed, WriteKind};

/// A `change` event for every write that landed in a cut-off run — journaled as
/// done (`landed`), or found in Genesys now (`settled`) — and has no line of that
/// run. `existed` tells whether an address was in the state before the run, which
/// makes a put an update rather than a create.
pub fn owed(
    landed: &[Landed],
    settled: &[&InFlight],
    existed: &dyn Fn(&Address) -> bool,
    records: &[Record],
) -> Vec<Event> {
    let recorded = |run: &str, address: &str| {
        records.iter().any(|r| {
            r.run_id == run
                && matches!(&r.event, Event::Change { address: a, outcome, .. } if a == address && outcome == "done")
        })
    };
    let writes = landed
        .iter()
        .map(|l| (&l.run, &l.address, &l.id, l.deleted))
        .chain(
            settled
                .iter()
                .map(|f| (&f.run, &f.address, &f.id, f.write == WriteKind::Delete)),
        );
    let mut owed = Vec::new();
    for (run, address, id, deleted) in writes {
        if recorded(run, &address.to_string()) {
            continue;
        }
        let action = match (deleted, existed(address)) {
            (true, _) => "delete",
            (false, true) => "update",
            (false, false) => "create",
        };
        owed.push(Event::Change {
            address: address.to_string(),
            prompt_id: id.clone(),
            action: action.into(),
            before_sha256: None,
            after_sha256: None,
            http_status: None,
            attempts: 0,
            latency_ms: 0,
            outcome: "done".into(),
            context_id: None,
            detail: Some(format!(
                "landed in run {run}, which was cut off before recording it; recorded on recovery"
            )),
            recovered_from: Some(run.clone()),
        });
    }
    owed
}
