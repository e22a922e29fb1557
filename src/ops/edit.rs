//! The state as a workflow reads it: the file, with the journal of an apply that
//! did not finish folded in — else a later fold would undo what the workflow
//! changes — and, for the edits, written back with an audit record.

use std::path::Path;

use crate::backend::Backend;

use super::OpsError;
use crate::apply::recovery::owed_lines;
use crate::audit::{Event, ShortRun, Totals};
use crate::kind::{Address, LiveSet};
use crate::state::{State, journal, managed};

/// The state in `backend`, or an empty one (with no lineage yet: its first write
/// gives it one) when there is none.
pub(super) fn stored(backend: &Backend) -> Result<State, OpsError> {
    Ok(backend.read_state()?.unwrap_or_else(|| State {
        lineage: String::new(),
        ..State::default()
    }))
}

/// The identity of the configuration in `config_dir` (see [`managed`]), after
/// checking that `state` manages it, or that it moved (`config_moved`).
pub(super) fn claim(
    state: &State,
    config_dir: &Path,
    backend: &Backend,
    config_moved: bool,
) -> Result<String, OpsError> {
    let identity = managed::config_identity(config_dir, backend.identity_base())?;
    managed::check(state, &backend.place(), &identity, config_moved)?;
    Ok(identity)
}

/// The state with an unfinished apply's journal folded in: to read, or to edit
/// under the lock and [commit](Edit::commit).
pub(super) struct Edit {
    pub state: State,
    /// The writes whose outcome only Genesys knows (see [`Edit::settle`]).
    pub in_flight: Vec<journal::InFlight>,
    entries: Vec<journal::Entry>,
    /// The addresses the state held before the journal was folded in.
    existed: Vec<Address>,
    /// The addresses of writes in flight that [`Edit::settle`] settled.
    settled: Vec<Address>,
}

impl Edit {
    /// Reads `backend`'s state and folds its journal in.
    pub fn read(backend: &Backend) -> Result<Edit, OpsError> {
        let mut state = stored(backend)?;
        let existed = state.resources.keys().cloned().collect();
        let entries = backend.journal()?;
        let in_flight = journal::fold(&mut state, &entries);
        Ok(Edit {
            state,
            in_flight,
            entries,
            existed,
            settled: Vec::new(),
        })
    }

    /// Reads the state to edit it by hand; refuses when an apply left writes whose
    /// outcome only Genesys knows.
    pub fn settled(backend: &Backend) -> Result<Edit, OpsError> {
        let edit = Edit::read(backend)?;
        if let Some(first) = edit.in_flight.first() {
            return Err(OpsError::InFlight {
                address: first.address.to_string(),
            });
        }
        Ok(edit)
    }

    /// Settles the writes in flight by `live`, what Genesys holds (see
    /// [`journal::settle`]).
    ///
    /// # Errors
    ///
    /// A create whose answer was lost that could have made any of several objects.
    pub fn settle(&mut self, live: &LiveSet, client_id: &str) -> Result<(), OpsError> {
        self.settle_except(live, client_id, None)
    }

    /// [`Edit::settle`], except that a create of `importing` that cannot be
    /// settled is no error: importing that address is what settles it.
    pub fn settle_except(
        &mut self,
        live: &LiveSet,
        client_id: &str,
        importing: Option<&Address>,
    ) -> Result<(), OpsError> {
        use crate::apply::recovery::RecoveryError;
        let settlement = journal::settle(&mut self.state, &mut self.in_flight, live, client_id);
        self.settled = settlement.addresses;
        let open = |a: &Address| Some(a) != importing;
        if let Some((address, ids)) = settlement.ambiguous.into_iter().find(|(a, _)| open(a)) {
            return Err(OpsError::Recovery(RecoveryError::Ambiguous {
                address,
                ids,
            }));
        }
        if let Some(address) = settlement.pending.into_iter().find(|a| open(a)) {
            return Err(OpsError::Recovery(RecoveryError::Pending { address }));
        }
        if let Some(address) = importing {
            self.in_flight
                .retain(|f| !(f.is_server_create() && f.address == *address));
        }
        Ok(())
    }

    /// Records the edit of `addresses` by `command` in the audit log — and any change
    /// of the folded journal that landed without a line of its own — then writes the
    /// state (atomically, the previous one kept as the backup, anchored to the
    /// record) and clears the journal folded into it. `env` is the process
    /// environment: who runs it, and the audit key.
    pub fn commit(
        mut self,
        backend: &Backend,
        command: &str,
        addresses: Vec<String>,
        client_id: Option<&str>,
        env: &[(String, String)],
    ) -> Result<(), OpsError> {
        let settled: Vec<&journal::InFlight> = self
            .in_flight
            .iter()
            .filter(|f| self.settled.contains(&f.address))
            .collect();
        let mut events = owed_lines(backend, &self.entries, &settled, &|a| {
            self.existed.contains(a)
        })?;
        events.push(Event::StateEdit {
            command: command.to_owned(),
            addresses,
        });
        let run = ShortRun {
            command,
            client_id,
            plan_digest: None,
            events,
            outcome: "success",
            totals: Totals::default(),
        };
        self.state.audit = Some(run.record(backend, env)?);
        backend.write_state(&mut self.state)?;
        if !self.entries.is_empty() {
            backend.clear_journal()?;
        }
        Ok(())
    }
}
