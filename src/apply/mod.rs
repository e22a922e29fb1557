//! Apply: carry out a plan as ordered, versioned writes, recording each in the journal
//! before and after it is sent. It knows nothing of HTTP (a [`Writer`] does the
//! writing) nor of how anything is printed (it reports [`Event`]s).

mod executor;
mod journal_entries;
pub mod metrics;
mod reason;
pub mod recovery;
mod rollback;

use std::future::Future;
use std::time::Duration;

use serde_json::Value;

use crate::kind::{Address, Live};
use crate::plan::Action;

pub use executor::{Options, apply};
pub use reason::Reason;

/// What apply needs from Genesys: versioned writes, and a read to settle a write
/// whose outcome is unknown.
pub trait Writer: Clone + Send + Sync + 'static {
    /// Create (`version` `None`) or replace (`Some(version read)`) the object of
    /// `address`'s kind that `values` describe; `id` names the object replaced
    /// when the server assigns ids.
    fn put(
        &self,
        address: &Address,
        id: Option<&str>,
        values: &Value,
        version: Option<u64>,
    ) -> impl Future<Output = Result<Reply, WriteError>> + Send;
    fn delete(
        &self,
        address: &Address,
        id: &str,
        version: Option<u64>,
    ) -> impl Future<Output = Result<Reply, WriteError>> + Send;
    fn get(
        &self,
        address: &Address,
        id: &str,
    ) -> impl Future<Output = Result<Option<Live>, WriteError>> + Send;
    /// The objects of `address`'s kind holding exactly `values`: where a create
    /// whose server assigns the id, and whose answer was lost, looks for what it made.
    fn find(
        &self,
        address: &Address,
        values: &Value,
    ) -> impl Future<Output = Result<Vec<Live>, WriteError>> + Send;
    /// Why the write of `values` may not go ahead because other objects no
    /// longer are as the plan saw them (`expects`, [`crate::kind::Kind::expects`]);
    /// `None` when it may.
    fn still_expected(
        &self,
        _address: &Address,
        _id: Option<&str>,
        _values: &Value,
        _expects: &Value,
    ) -> impl Future<Output = Result<Option<String>, WriteError>> + Send {
        async { Ok(None) }
    }
}

/// A write that landed.
#[derive(Clone, Debug)]
pub struct Reply {
    /// The stored object, for a put.
    pub object: Option<Live>,
    pub status: u16,
    pub attempts: u32,
    pub context_id: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteErrorKind {
    /// 409: someone changed the object since it was read.
    Conflict,
    NotFound,
    /// The request was sent and no answer came back: it may or may not have landed.
    Ambiguous,
    Other,
}

#[derive(Clone, Debug)]
pub struct WriteError {
    pub kind: WriteErrorKind,
    /// What went wrong, naming the request, the status, the Genesys message and contextId.
    pub message: String,
    pub status: Option<u16>,
    pub attempts: u32,
    pub context_id: Option<String>,
}

/// How one change ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    Done,
    Failed(Reason),
    /// Not attempted, because of the change named.
    Skipped(Reason),
    /// Sent, but neither its answer nor a read-back said whether it landed. Its
    /// journal intent stays in flight, for the next plan or apply to settle.
    Unknown(Reason),
}

impl Status {
    /// Why it is not done, when it is not.
    pub fn reason(&self) -> Option<&Reason> {
        match self {
            Status::Done => None,
            Status::Failed(why) | Status::Skipped(why) | Status::Unknown(why) => Some(why),
        }
    }

    /// [`Status::reason`], as a sentence.
    pub fn detail(&self) -> Option<String> {
        self.reason().map(ToString::to_string)
    }

    /// Its name, as the audit record and `apply --json` give it.
    pub fn outcome(&self) -> &'static str {
        match self {
            Status::Done => "done",
            Status::Failed(_) => "failed",
            Status::Skipped(_) => "skipped",
            Status::Unknown(_) => "unknown",
        }
    }
}

/// One change as it happened: what the audit record and the metrics are made of.
#[derive(Clone, Debug)]
pub struct ChangeReport {
    pub address: Address,
    pub id: String,
    pub action: Action,
    pub status: Status,
    pub http_status: Option<u16>,
    pub attempts: u32,
    pub latency: Duration,
    pub context_id: Option<String>,
    /// SHA-256 of the payloads before and after, never the payloads themselves.
    pub before_sha256: Option<String>,
    pub after_sha256: Option<String>,
    /// The version Genesys gave the object (for a put).
    pub version: Option<u64>,
}

impl From<&ChangeReport> for crate::audit::Event {
    /// The audit record of one change.
    fn from(r: &ChangeReport) -> crate::audit::Event {
        crate::audit::Event::Change {
            address: r.address.to_string(),
            prompt_id: r.id.clone(),
            action: serde_json::to_value(r.action)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            before_sha256: r.before_sha256.clone(),
            after_sha256: r.after_sha256.clone(),
            http_status: r.http_status,
            attempts: r.attempts,
            latency_ms: r.latency.as_millis() as u64,
            outcome: r.status.outcome().into(),
            context_id: r.context_id.clone(),
            detail: r.status.detail(),
            recovered_from: None,
        }
    }
}

/// What an atomic apply did to undo a failed run.
#[derive(Clone, Debug, Default)]
pub struct Rollback {
    /// Addresses undone, in the order they were undone.
    pub undone: Vec<Address>,
    /// Addresses that could not be undone, with why: these are not where they started.
    pub failed: Vec<(Address, String)>,
}

#[derive(Clone, Debug, Default)]
pub struct Report {
    pub changes: Vec<ChangeReport>,
    pub rollback: Option<Rollback>,
}

impl Report {
    pub fn count(&self, pick: impl Fn(&Status) -> bool) -> usize {
        self.changes.iter().filter(|c| pick(&c.status)).count()
    }

    pub fn succeeded(&self) -> bool {
        self.changes.iter().all(|c| c.status == Status::Done)
    }
}

/// Progress, as it happens.
#[derive(Debug)]
pub enum Event<'a> {
    Started {
        address: &'a Address,
        action: Action,
    },
    Finished(&'a ChangeReport),
    Undone {
        address: &'a Address,
        result: Result<(), &'a str>,
    },
}

pub(crate) fn sha256_of(values: Option<&Value>) -> Option<String> {
    use sha2::{Digest, Sha256};
    values.map(|v| format!("{:x}", Sha256::digest(v.to_string().as_bytes())))
}

#[cfg(test)]
mod tests;
