//! `--atomic`: undo, newest first, the changes a failed run made.

use super::journal_entries;
use super::{ChangeReport, Event, Rollback, Writer};
use serde_json::Value;

use crate::plan::{Action, Change};
use crate::state::journal::Journal;

/// Undoes each `(change, report)` in the order given (newest first): a create is
/// deleted, an update is written back, a delete is created again.
pub(super) async fn undo<W: Writer>(
    done: &[(&Change, &ChangeReport)],
    writer: &W,
    journal: &Journal,
    on_event: &(dyn Fn(Event) + Sync),
) -> Rollback {
    let mut rollback = Rollback::default();
    for (change, report) in done {
        let result = undo_one(change, report, writer, journal).await;
        on_event(Event::Undone {
            address: &change.address,
            result: result.as_ref().map(|_| ()).map_err(String::as_str),
        });
        match result {
            Ok(()) => rollback.undone.push(change.address.clone()),
            Err(e) => rollback.failed.push((change.address.clone(), e)),
        }
    }
    rollback
}

async fn undo_one<W: Writer>(
    change: &Change,
    report: &ChangeReport,
    writer: &W,
    journal: &Journal,
) -> Result<(), String> {
    match change.action {
        Action::Create => remove(change, &report.id, report.version, writer, journal).await,
        Action::Update => {
            restore(
                change,
                change.before.as_ref(),
                report.version,
                writer,
                journal,
            )
            .await
        }
        Action::Delete => restore(change, change.before.as_ref(), None, writer, journal).await,
        Action::Replace => {
            remove(change, &report.id, report.version, writer, journal).await?;
            restore(change, change.before.as_ref(), None, writer, journal).await
        }
        Action::NoOp => Ok(()),
    }
}

async fn remove<W: Writer>(
    change: &Change,
    id: &str,
    version: Option<u64>,
    writer: &W,
    journal: &Journal,
) -> Result<(), String> {
    journal
        .append(&journal_entries::delete_intent(change, id))
        .await
        .map_err(|e| e.to_string())?;
    writer
        .delete(&change.address, id, version)
        .await
        .map_err(|e| e.message)?;
    journal
        .append(&journal_entries::delete_done(change, id))
        .await
        .map_err(|e| e.to_string())
}

async fn restore<W: Writer>(
    change: &Change,
    before: Option<&Value>,
    version: Option<u64>,
    writer: &W,
    journal: &Journal,
) -> Result<(), String> {
    let before = before.ok_or("nothing to restore")?;
    let id = change.before_id().ok_or("nothing to restore")?;
    // Recreating an object whose server assigns ids gives it a new one.
    let recreate = version.is_none() && change.server_assigns_id();
    let intent = if recreate {
        let since = humantime::format_rfc3339_millis(std::time::SystemTime::now()).to_string();
        journal_entries::create_intent(change, before, &since)
    } else {
        journal_entries::put_intent(change, id, before)
    };
    journal.append(&intent).await.map_err(|e| e.to_string())?;
    let target = (!recreate).then_some(id);
    let reply = writer
        .put(
            &change.address,
            target.filter(|_| version.is_some()),
            before,
            version,
        )
        .await
        .map_err(|e| e.message)?;
    let object = reply.object.ok_or("the server returned no object")?;
    let id = if recreate { object.id.as_str() } else { id };
    journal
        .append(&journal_entries::put_done(
            change,
            id,
            before,
            object.version,
        ))
        .await
        .map_err(|e| e.to_string())
}
