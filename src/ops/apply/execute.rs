//! The writes of an apply: the executor, with every change told to the observer,
//! recorded in the audit record, and followed by the configuration's sync hooks.

use std::sync::{Arc, Mutex};

use super::ApplyOptions;
use crate::apply::{self, Report, Status};
use crate::audit::{AuditError, AuditLog, Event as AuditEvent};
use crate::backend::Backend;
use crate::ops::{Notice, Observer, OpsError};
use crate::plan::{Action, Plan};
use crate::remote::Client;

/// Runs the executor over `plan`, journaling in `backend` under `run_id`
/// and auditing every change in `audit`.
pub(super) async fn run(
    plan: &Plan,
    client: &Client,
    options: &ApplyOptions,
    backend: &Backend,
    audit: Arc<AuditLog>,
    run_id: &str,
    observer: &dyn Observer,
) -> Result<Report, OpsError> {
    let journal = Arc::new(backend.open_journal(run_id, client.connection().client_id())?);
    let total = plan
        .changes
        .iter()
        .filter(|c| c.action != Action::NoOp)
        .count();
    observer.notice(Notice::Applying { total });
    let audit_errors: Mutex<Vec<AuditError>> = Mutex::new(Vec::new());
    let hooks: Mutex<Vec<tokio::task::JoinHandle<usize>>> = Mutex::new(Vec::new());
    let handle = tokio::runtime::Handle::current();
    let on_event = |event: apply::Event| {
        observer.notice(Notice::Change(&event));
        let record = match &event {
            apply::Event::Finished(r) => Some(AuditEvent::from(*r)),
            apply::Event::Undone { address, result } => {
                Some(undo_record(address.as_str(), *result))
            }
            apply::Event::Started { .. } => None,
        };
        if let Some(record) = record
            && let Err(e) = audit.append(record)
        {
            audit_errors.lock().expect("audit errors lock").push(e);
        }
        if let apply::Event::Finished(r) = &event
            && r.status == Status::Done
            && !plan.hooks.is_empty()
        {
            let (hook_list, audit) = (plan.hooks.clone(), audit.clone());
            let hook_event = crate::hooks::HookEvent {
                address: r.address.to_string(),
                id: r.id.clone(),
                action: format!("{:?}", r.action).to_lowercase(),
                version: r.version,
                time: humantime::format_rfc3339_millis(std::time::SystemTime::now()).to_string(),
            };
            hooks
                .lock()
                .expect("hooks lock")
                .push(handle.spawn(async move {
                    let mut failed = 0;
                    for outcome in crate::hooks::run(&hook_list, &hook_event).await {
                        failed += usize::from(outcome.result.is_err());
                        let _ = audit.append(AuditEvent::Hook {
                            address: hook_event.address.clone(),
                            hook: outcome.hook,
                            outcome: if outcome.result.is_ok() {
                                "done".into()
                            } else {
                                "failed".into()
                            },
                            detail: outcome.result.err(),
                        });
                    }
                    failed
                }));
        }
    };
    let executor = apply::Options {
        parallelism: options.parallelism,
        atomic: options.atomic,
    };
    let report = apply::apply(plan, client.clone(), journal, executor, &on_event).await;
    observer.notice(Notice::Applied);
    let mut failed_hooks = 0;
    for task in hooks.into_inner().expect("hooks lock") {
        failed_hooks += task.await.unwrap_or(1);
    }
    if failed_hooks > 0 {
        observer.notice(Notice::HooksFailed(failed_hooks));
    }
    if let Some(e) = audit_errors
        .into_inner()
        .expect("audit errors lock")
        .into_iter()
        .next()
    {
        return Err(OpsError::AuditLine(e));
    }
    Ok(report)
}

/// The audit record of an atomic apply undoing the change at `address`.
fn undo_record(address: &str, result: Result<(), &str>) -> AuditEvent {
    AuditEvent::Change {
        address: address.to_owned(),
        prompt_id: String::new(),
        action: "undo".into(),
        before_sha256: None,
        after_sha256: None,
        http_status: None,
        attempts: 1,
        latency_ms: 0,
        outcome: if result.is_ok() {
            "done".into()
        } else {
            "failed".into()
        },
        context_id: None,
        detail: result.err().map(str::to_owned),
        recovered_from: None,
    }
}
