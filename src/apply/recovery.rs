//! Recovering what an apply that did not finish left in its journal: the writes it
//! journaled as landed go into the state, the writes it had in flight are settled
//! by what Genesys holds, and every change of it that landed but has no audit line
//! — the run was cut off between the write and the line — is recorded now, marked
//! with the run it belonged to.

use crate::audit::{self, AuditError, Event, ShortRun, Totals};
use crate::backend::Backend;
use crate::kind::{Address, LiveSet};
use crate::state::journal::{self, Entry};
use crate::state::{State, StateError};

/// What a recovery found.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Recovered {
    /// Intents and results in the journal.
    pub journaled: usize,
    /// Writes whose outcome the journal did not know.
    pub in_flight: usize,
    /// Of those, the ones Genesys showed had landed (or, for deletes, were gone).
    pub settled: usize,
    /// Changes recorded in the audit record now, for want of a line of their own.
    pub audited: usize,
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RecoveryError {
    /// A create whose answer was lost could have made any of several objects.
    #[error(
        "an apply did not finish, and its create of `{address}` could have made any of {} objects holding what it sent ({}); import the right one (`assistform import {address} ID`) and delete the others in Genesys, then run again",
        ids.len(),
        ids.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", ")
    )]
    Ambiguous {
        address: crate::kind::Address,
        ids: Vec<String>,
    },
    /// A create whose answer was lost, too recent for a search index to show
    /// what it made.
    #[error(
        "an earlier apply's create of `{address}` got no answer and what it made does not show in Genesys yet (its search index may lag by a minute); nothing was changed: run again in a minute or two. If it never landed, the create is planned again once {} minutes have passed",
        crate::state::journal::INDEX_LAG.as_secs() / 60
    )]
    Pending { address: crate::kind::Address },
    #[error(transparent)]
    State(#[from] StateError),
    #[error(transparent)]
    Audit(#[from] AuditError),
}

/// Recovers the journal `entries` of `backend`'s state (read by the caller, under
/// the lock) against `live`, what Genesys holds now; `client_id` is this run's
/// OAuth client (see [`journal::settle`]) and `env` the process environment (who
/// runs it, and the audit key). Writes the state, anchored to the audit record, and
/// removes the journal.
///
/// # Errors
///
/// When the audit record or the state cannot be written; the journal is then kept,
/// and the next run recovers it again.
pub fn recover(
    backend: &Backend,
    state: &mut State,
    entries: &[Entry],
    live: &LiveSet,
    client_id: &str,
    env: &[(String, String)],
) -> Result<Recovered, RecoveryError> {
    let existed: Vec<Address> = state.resources.keys().cloned().collect();
    let mut in_flight = journal::fold(state, entries);
    let settlement = journal::settle(state, &mut in_flight, live, client_id);
    if let Some((address, ids)) = settlement.ambiguous.into_iter().next() {
        return Err(RecoveryError::Ambiguous { address, ids });
    }
    if let Some(address) = settlement.pending.into_iter().next() {
        return Err(RecoveryError::Pending { address });
    }
    let settled: Vec<&journal::InFlight> = in_flight
        .iter()
        .filter(|f| settlement.addresses.contains(&f.address))
        .collect();
    let owed = owed_lines(backend, entries, &settled, &|address| {
        existed.contains(address)
    })?;
    let audited = owed.len();
    if !owed.is_empty() {
        let run = ShortRun {
            command: "recover",
            client_id: Some(client_id),
            plan_digest: None,
            events: owed,
            outcome: "recovered",
            totals: Totals {
                changed: audited as u64,
                ..Totals::default()
            },
        };
        state.audit = Some(run.record(backend, env)?);
    }
    backend.write_state(state)?;
    backend.clear_journal()?;
    Ok(Recovered {
        journaled: entries
            .iter()
            .filter(|e| !matches!(e, Entry::Run { .. }))
            .count(),
        in_flight: in_flight.len(),
        settled: settled.len(),
        audited,
    })
}

/// The `change` lines `backend`'s audit record lacks for the journal `entries`:
/// writes journaled as landed, and the writes in flight now `settled`, that no line
/// of their run records (see [`audit::owed`]).
///
/// # Errors
///
/// When the audit record exists but cannot be read.
pub fn owed_lines(
    backend: &Backend,
    entries: &[Entry],
    settled: &[&journal::InFlight],
    existed: &dyn Fn(&Address) -> bool,
) -> Result<Vec<Event>, AuditError> {
    let records = match backend.audit_records() {
        Ok(records) => records,
        Err(AuditError::Missing { .. }) => Vec::new(),
        Err(e) => return Err(e),
    };
    Ok(audit::owed(
        &journal::landed(entries),
        settled,
        existed,
        &records,
    ))
}
