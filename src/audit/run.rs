//! A run recorded all at once, when it is over: a hand edit of the state, a
//! recovery, a refresh-only apply — each a run of its own, with a start and a
//! finish around its lines.

use super::{AuditError, AuditKey, Event, Totals, actor};
use crate::backend::Backend;
use crate::state::AuditAnchor;

#[derive(Debug)]
pub struct ShortRun<'a> {
    /// The command, as `run_started` and `run_finished` name it.
    pub command: &'a str,
    /// The OAuth client it ran as, if it reached Genesys.
    pub client_id: Option<&'a str>,
    pub plan_digest: Option<String>,
    /// The lines between the start and the finish.
    pub events: Vec<Event>,
    pub outcome: &'a str,
    pub totals: Totals,
}

impl ShortRun<'_> {
    /// Appends the run to `backend`'s audit record, under a new run id; `env`
    /// is the process environment (who runs it, and the audit key). Returns the
    /// record's head, for the state write to anchor.
    ///
    /// # Errors
    ///
    /// As [`AuditLog::open`] and [`AuditLog::append`].
    pub fn record(
        self,
        backend: &Backend,
        env: &[(String, String)],
    ) -> Result<AuditAnchor, AuditError> {
        let log = backend.open_audit(&uuid::Uuid::new_v4().to_string(), AuditKey::from_env(env))?;
        log.append(Event::RunStarted {
            command: self.command.to_owned(),
            actor: actor(self.client_id, env),
            plan_digest: self.plan_digest,
        })?;
        for event in self.events {
            log.append(event)?;
        }
        log.append(Event::RunFinished {
            command: self.command.to_owned(),
            outcome: self.outcome.to_owned(),
            totals: self.totals,
        })?;
        Ok(log.head())
    }
}
