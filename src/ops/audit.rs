//! `audit verify | show`: check and read the audit record beside the state.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::SystemTime;

use super::OpsError;
use crate::audit::{AuditKey, Event, Record, Verification};
use crate::backend::BackendArgs;

#[derive(Clone, Debug, Default)]
pub struct AuditVerifyOptions {
    pub state_dir: PathBuf,
    pub backend: BackendArgs,
    /// The process environment: the key of an HMAC chain.
    pub env: Vec<(String, String)>,
}

/// Checks the audit record's hash chain, and that it still reaches the line the
/// state's last write anchored; with where the record is, for messages.
///
/// # Errors
///
/// When the record or the state cannot be read; a broken chain is a
/// [`Verification`], not an error.
pub fn audit_verify(options: &AuditVerifyOptions) -> Result<(Verification, String), OpsError> {
    let key = AuditKey::from_env(&options.env);
    let backend = super::open_backend(&options.state_dir, &options.backend, None, &options.env)?;
    let anchor = backend.read_state()?.and_then(|s| s.audit);
    let found = backend.verify_audit(key.as_ref(), anchor.as_ref())?;
    Ok((found, backend.audit_place()))
}

#[derive(Clone, Debug, Default)]
pub struct AuditShowOptions {
    pub state_dir: PathBuf,
    pub backend: BackendArgs,
    /// The process environment: the backend's credentials.
    pub env: Vec<(String, String)>,
    /// Only records from this time on.
    pub since: Option<SystemTime>,
    /// Only records about this address.
    pub address: Option<String>,
}

/// The records `audit show` lists.
#[derive(Clone, Debug, Default)]
pub struct AuditShown {
    pub records: Vec<Record>,
    /// The runs of the whole record that started and did not finish: killed, or
    /// their machine died.
    pub cut_off: BTreeSet<String>,
}

/// The audit record's lines that match the options, in order.
///
/// # Errors
///
/// When the record is missing or cannot be read.
pub fn audit_show(options: &AuditShowOptions) -> Result<AuditShown, OpsError> {
    let backend = super::open_backend(&options.state_dir, &options.backend, None, &options.env)?;
    let all = backend.audit_records()?;
    let finished: BTreeSet<&str> = all
        .iter()
        .filter(|r| matches!(r.event, Event::RunFinished { .. }))
        .map(|r| r.run_id.as_str())
        .collect();
    let cut_off = all
        .iter()
        .filter(|r| matches!(r.event, Event::RunStarted { .. }))
        .filter(|r| !finished.contains(r.run_id.as_str()))
        .map(|r| r.run_id.clone())
        .collect();
    let records = all
        .into_iter()
        .filter(|r| {
            options
                .since
                .is_none_or(|since| time(r).is_some_and(|t| t >= since))
        })
        .filter(|r| options.address.as_ref().is_none_or(|a| r.event.concerns(a)))
        .collect();
    Ok(AuditShown { records, cut_off })
}

fn time(record: &Record) -> Option<SystemTime> {
    humantime::parse_rfc3339_weak(&record.time).ok()
}
