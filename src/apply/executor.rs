//! The walk over the plan's dependency graph: independent changes run concurrently,
//! each waits for what it depends on, deletes run after every create and update,
//! and a failure skips everything downstream.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use tokio::task::JoinSet;

use super::journal_entries;
use super::{
    ChangeReport, Event, Reason, Report, Status, WriteError, WriteErrorKind, Writer, rollback,
    sha256_of,
};
use crate::kind::{Address, reference};
use crate::plan::{Action, Change, Plan};
use crate::state::journal::Journal;

#[derive(Clone, Copy, Debug)]
pub struct Options {
    pub parallelism: usize,
    /// Undo every change this run made when one fails.
    pub atomic: bool,
}

/// Carries out every change of `plan`. Each write is journaled before it is sent
/// and after it lands, so the caller folds the journal into the state afterwards —
/// the same way a crashed run is recovered.
pub async fn apply<W: Writer>(
    plan: &Plan,
    writer: W,
    journal: Arc<Journal>,
    options: Options,
    on_event: &(dyn Fn(Event) + Sync),
) -> Report {
    let nodes: Vec<&Change> = plan
        .changes
        .iter()
        .filter(|c| c.action != Action::NoOp)
        .collect();
    let index: BTreeMap<&Address, usize> = nodes
        .iter()
        .enumerate()
        .map(|(i, c)| (&c.address, i))
        .collect();
    // waits_for[i]: the nodes i must wait for; a delete waits for the deletes of
    // whatever depended on it (the reverse of creation order).
    let mut waits_for: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
    for (i, c) in nodes.iter().enumerate() {
        for dep in &c.depends_on {
            let Some(&j) = index.get(dep) else {
                continue;
            };
            match (
                c.action == Action::Delete,
                nodes[j].action == Action::Delete,
            ) {
                (false, false) => waits_for[i].push(j),
                (true, true) => waits_for[j].push(i),
                _ => {}
            }
        }
    }
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
    let mut pending: Vec<usize> = waits_for.iter().map(Vec::len).collect();
    for (i, deps) in waits_for.iter().enumerate() {
        for &j in deps {
            dependents[j].push(i);
        }
    }
    let mut ready: Vec<usize> = (0..nodes.len())
        .rev()
        .filter(|&i| pending[i] == 0)
        .collect();
    let mut reports: Vec<Option<ChangeReport>> = vec![None; nodes.len()];
    let mut done_order: Vec<usize> = Vec::new();
    let mut running = JoinSet::new();
    let mut stop = false;
    // Deletes wait here until every create and update has finished, so that a
    // object is never gone while what replaces it is still to come.
    let mut deferred: Vec<usize> = Vec::new();
    let parallelism = options.parallelism.max(1);
    let known: Arc<Known> = Arc::new(std::sync::Mutex::new(
        plan.changes
            .iter()
            .filter_map(|c| {
                c.before_id()
                    .map(|id| (c.address.kind().to_owned(), id.to_owned()))
            })
            .collect(),
    ));
    // The ids of what this run created, for the changes that refer to them.
    let mut made: BTreeMap<Address, String> = BTreeMap::new();
    loop {
        let writes_left = nodes
            .iter()
            .zip(&reports)
            .any(|(c, r)| c.action != Action::Delete && r.is_none());
        if !writes_left {
            ready.extend(deferred.drain(..).rev());
        }
        while !stop && running.len() < parallelism {
            let Some(i) = ready.pop() else { break };
            if writes_left && nodes[i].action == Action::Delete {
                deferred.push(i);
                continue;
            }
            let change = match with_ids(nodes[i], &made) {
                Ok(change) => change,
                Err(report) => {
                    on_event(Event::Finished(&report));
                    reports[i] = Some(*report);
                    skip_downstream(i, &nodes, &dependents, &mut reports, on_event);
                    continue;
                }
            };
            on_event(Event::Started {
                address: &change.address,
                action: change.action,
            });
            let (writer, journal, known) = (writer.clone(), journal.clone(), known.clone());
            running.spawn(async move { (i, run(&change, &known, &writer, &journal).await) });
        }
        let Some(joined) = running.join_next().await else {
            break;
        };
        let (i, report) = joined.expect("a change task never panics");
        on_event(Event::Finished(&report));
        if report.status == Status::Done {
            made.insert(report.address.clone(), report.id.clone());
            done_order.push(i);
            for &d in &dependents[i] {
                pending[d] -= 1;
                if pending[d] == 0 && reports[d].is_none() {
                    ready.push(d);
                }
            }
        } else {
            stop |= options.atomic;
            skip_downstream(i, &nodes, &dependents, &mut reports, on_event);
        }
        reports[i] = Some(report);
    }
    // Whatever never ran: its dependencies failed, or an atomic run stopped.
    for (i, slot) in reports.iter_mut().enumerate() {
        if slot.is_none() {
            let report = skipped(nodes[i], Reason::Stopped);
            on_event(Event::Finished(&report));
            *slot = Some(report);
        }
    }
    let reports: Vec<ChangeReport> = reports
        .into_iter()
        .map(|r| r.expect("every node has a report"))
        .collect();
    let rollback = if options.atomic && reports.iter().any(|r| r.status != Status::Done) {
        let undo: Vec<(&Change, &ChangeReport)> = done_order
            .iter()
            .rev()
            .map(|&i| (nodes[i], &reports[i]))
            .collect();
        Some(rollback::undo(&undo, &writer, &journal, on_event).await)
    } else {
        None
    };
    Report {
        changes: reports,
        rollback,
    }
}

/// `change` with the ids of the objects it refers to filled in, from what this
/// run made; a change whose reference this run did not make is refused.
fn with_ids(
    change: &Change,
    made: &BTreeMap<Address, String>,
) -> Result<Change, Box<ChangeReport>> {
    let mut change = change.clone();
    if change.unknown.is_empty() {
        return Ok(change);
    }
    let left = match change.after.as_mut() {
        Some(after) => reference::resolve(after, &|a: &Address| made.get(a).cloned()),
        None => Vec::new(),
    };
    change.unknown.clear();
    match left.first() {
        None => Ok(change),
        Some((_, target)) => Err(Box::new(skipped(
            &change,
            Reason::Upstream {
                address: target.clone(),
            },
        ))),
    }
}

fn skip_downstream(
    failed: usize,
    nodes: &[&Change],
    dependents: &[Vec<usize>],
    reports: &mut [Option<ChangeReport>],
    on_event: &(dyn Fn(Event) + Sync),
) {
    let mut todo = dependents[failed].clone();
    while let Some(d) = todo.pop() {
        if reports[d].is_some() {
            continue;
        }
        let report = skipped(
            nodes[d],
            Reason::Upstream {
                address: nodes[failed].address.clone(),
            },
        );
        on_event(Event::Finished(&report));
        reports[d] = Some(report);
        todo.extend(&dependents[d]);
    }
}

fn skipped(change: &Change, because: Reason) -> ChangeReport {
    ChangeReport {
        address: change.address.clone(),
        id: id_of(change),
        action: change.action,
        status: Status::Skipped(because),
        http_status: None,
        attempts: 0,
        latency: std::time::Duration::ZERO,
        context_id: None,
        before_sha256: sha256_of(change.before.as_ref()),
        after_sha256: sha256_of(change.after.as_ref()),
        version: None,
    }
}

fn id_of(change: &Change) -> String {
    change
        .after_id()
        .or_else(|| change.before_id())
        .unwrap_or_default()
        .to_owned()
}

/// The objects the plan read, by kind and id: never what a create made.
/// The objects, by kind and id, that a create whose answer was lost must not take
/// for its own: those the plan read, and those this run made — a create of the
/// same values may have been answered while this one's answer was lost.
type Known = std::sync::Mutex<std::collections::BTreeSet<(String, String)>>;

fn is_known(known: &Known, kind: &str, id: &str) -> bool {
    known
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .contains(&(kind.to_owned(), id.to_owned()))
}

/// One change: its writes, journaled, with an unknown outcome settled by reading back.
async fn run<W: Writer>(
    change: &Change,
    known: &Known,
    writer: &W,
    journal: &Journal,
) -> ChangeReport {
    let started = Instant::now();
    let mut report = skipped(
        change,
        Reason::Refused {
            detail: String::new(),
        },
    );
    let result = match unchanged_since_plan(change, writer, &mut report).await {
        Ok(()) => match others_as_planned(change, writer, &mut report).await {
            Ok(()) => write(change, known, writer, journal, &mut report).await,
            Err(e) => Err(e),
        },
        Err(e) => Err(e),
    };
    report.latency = started.elapsed();
    report.status = match result {
        Ok(()) => Status::Done,
        Err(Failure::Refused(reason)) => Status::Failed(reason),
        Err(Failure::Unsettled(reason)) => Status::Unknown(reason),
    };
    report
}

/// For a kind with no version, the object read again right before it is
/// written or deleted: a change whose object no longer holds what the plan read
/// is refused, as the server refuses a stale version with a 409.
async fn unchanged_since_plan<W: Writer>(
    change: &Change,
    writer: &W,
    report: &mut ChangeReport,
) -> Result<(), Failure> {
    if !change.guarded_by_digest()
        || !matches!(
            change.action,
            Action::Update | Action::Delete | Action::Replace
        )
    {
        return Ok(());
    }
    let Some(id) = change.before_id() else {
        return Ok(());
    };
    let now = writer.get(&change.address, id).await.map_err(|e| {
        note_error(report, &e);
        Failure::Refused(Reason::Refused {
            detail: format!(
                "reading it before the write failed, so nothing was sent: {}",
                e.message
            ),
        })
    })?;
    let read = now.as_ref().map(|l| crate::kind::digest(&l.values));
    let expected = change.write_digest.as_ref().or(change.live_digest.as_ref());
    if read.is_some() && read.as_ref() == expected {
        return Ok(());
    }
    Err(Failure::Refused(Reason::Conflict {
        address: change.address.clone(),
        detail: match now {
            Some(_) => "Read again before the write, it no longer holds what the plan read; nothing was sent.".into(),
            None => "Read again before the write, it is gone; nothing was sent.".into(),
        },
    }))
}

/// What the change expects of other objects, read again right before it is
/// written (a queue an assistant takes is still served by the one the plan
/// saw): refused as a stale version is when it no longer holds.
async fn others_as_planned<W: Writer>(
    change: &Change,
    writer: &W,
    report: &mut ChangeReport,
) -> Result<(), Failure> {
    let (Some(expects), Some(after)) = (&change.expects, &change.after) else {
        return Ok(());
    };
    let id = change.after_id();
    match writer
        .still_expected(&change.address, id, after, expects)
        .await
    {
        Ok(None) => Ok(()),
        Ok(Some(moved)) => Err(Failure::Refused(Reason::Conflict {
            address: change.address.clone(),
            detail: format!("{moved}; nothing was sent."),
        })),
        Err(e) => {
            note_error(report, &e);
            Err(Failure::Refused(Reason::Refused {
                detail: format!(
                    "reading what it takes from others before the write failed, so nothing was sent: {}",
                    e.message
                ),
            }))
        }
    }
}

async fn write<W: Writer>(
    change: &Change,
    known: &Known,
    writer: &W,
    journal: &Journal,
    report: &mut ChangeReport,
) -> Result<(), Failure> {
    match change.action {
        Action::Create => put(change, None, known, writer, journal, report).await,
        Action::Update => put(change, change.live_version, known, writer, journal, report).await,
        Action::Delete => delete(change, writer, journal, report).await,
        Action::Replace => match delete(change, writer, journal, report).await {
            Ok(()) => put(change, None, known, writer, journal, report).await,
            Err(e) => Err(e),
        },
        Action::NoOp => Ok(()),
    }
}

/// Why a change did not end as done.
enum Failure {
    /// It did not land: nothing changed.
    Refused(Reason),
    /// It may have landed: nothing could tell.
    Unsettled(Reason),
}

impl From<Reason> for Failure {
    fn from(reason: Reason) -> Failure {
        Failure::Refused(reason)
    }
}

fn journal_failed(e: impl ToString) -> Failure {
    Failure::Refused(Reason::Journal {
        detail: e.to_string(),
    })
}

/// The read-back after a lost answer failed too: the write stays in flight.
fn unsettled(id: &str, lost: &WriteError, read: &WriteError) -> Failure {
    Failure::Unsettled(Reason::Unsettled {
        id: id.to_owned(),
        lost: lost.message.clone(),
        read: read.message.clone(),
    })
}

async fn put<W: Writer>(
    change: &Change,
    version: Option<u64>,
    known: &Known,
    writer: &W,
    journal: &Journal,
    report: &mut ChangeReport,
) -> Result<(), Failure> {
    let after = change.after.as_ref().ok_or(Reason::Malformed {
        missing: "the attributes to write",
    })?;
    let Some(id) = change.after_id() else {
        return create(change, after, known, writer, journal, report).await;
    };
    let address = &change.address;
    let intent = journal_entries::put_intent(change, id, after);
    journal.append(&intent).await.map_err(journal_failed)?;
    let target = change.live_id.as_deref().filter(|_| version.is_some());
    let landed = match writer.put(address, target, after, version).await {
        Ok(reply) => {
            note(report, reply.status, reply.attempts, reply.context_id);
            reply.object.map(|o| o.version)
        }
        Err(e) if e.kind == WriteErrorKind::Ambiguous => {
            note_error(report, &e);
            // Read back: if it holds what we sent, the put landed; if it cannot be
            // read, nobody knows, and the intent stays in flight.
            match writer.get(address, id).await {
                Ok(Some(now)) if &now.values == after => Some(now.version),
                Ok(_) => None,
                Err(read) => return Err(unsettled(id, &e, &read)),
            }
        }
        Err(e) => {
            note_error(report, &e);
            let _ = journal.append(&journal_entries::failed(change, id)).await;
            return Err(explain(change, &e));
        }
    };
    let Some(version) = landed else {
        let _ = journal.append(&journal_entries::failed(change, id)).await;
        return Err(Failure::Refused(Reason::NotLanded {
            id: id.to_owned(),
            delete: false,
        }));
    };
    report.version = Some(version);
    journal
        .append(&journal_entries::put_done(change, id, after, version))
        .await
        .map_err(journal_failed)
}

/// A create whose server assigns the id: sent once, never repeated. When its
/// answer is lost, what it made is looked for — an object holding exactly what
/// was sent, created since the intent — and adopted only when there is one.
async fn create<W: Writer>(
    change: &Change,
    after: &serde_json::Value,
    known: &Known,
    writer: &W,
    journal: &Journal,
    report: &mut ChangeReport,
) -> Result<(), Failure> {
    let address = &change.address;
    let since = humantime::format_rfc3339_millis(std::time::SystemTime::now()).to_string();
    let intent = journal_entries::create_intent(change, after, &since);
    journal.append(&intent).await.map_err(journal_failed)?;
    let made = match writer.put(address, None, after, None).await {
        Ok(reply) => {
            note(report, reply.status, reply.attempts, reply.context_id);
            reply.object
        }
        Err(e) if e.kind == WriteErrorKind::Ambiguous => {
            note_error(report, &e);
            let found = match writer.find(address, after).await {
                Ok(found) => {
                    // Never one the plan read, nor one this run made: those are
                    // someone else's already.
                    let found = found
                        .into_iter()
                        .filter(|l| !is_known(known, address.kind(), &l.id))
                        .collect();
                    crate::state::journal::made_since(found, &since)
                }
                Err(read) => return Err(unsettled("(not known yet)", &e, &read)),
            };
            match found.as_slice() {
                [one] => Some(one.clone()),
                [] => {
                    return Err(Failure::Unsettled(Reason::Unsettled {
                        id: "(not known yet)".into(),
                        lost: e.message.clone(),
                        read: "no object holding what was sent shows yet (a search index may lag)"
                            .into(),
                    }));
                }
                // Its intent stays in flight: until a person says which is ours,
                // nothing may create it again.
                several => {
                    return Err(Failure::Unsettled(Reason::Several {
                        ids: several.iter().map(|l| l.id.clone()).collect(),
                    }));
                }
            }
        }
        Err(e) => {
            note_error(report, &e);
            let _ = journal.append(&journal_entries::failed(change, "")).await;
            return Err(explain(change, &e));
        }
    };
    let Some(made) = made else {
        let _ = journal.append(&journal_entries::failed(change, "")).await;
        return Err(Failure::Refused(Reason::Malformed {
            missing: "the created object in the answer",
        }));
    };
    known
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .insert((address.kind().to_owned(), made.id.clone()));
    report.id.clone_from(&made.id);
    report.version = Some(made.version);
    journal
        .append(&journal_entries::put_done(
            change,
            &made.id,
            after,
            made.version,
        ))
        .await
        .map_err(journal_failed)
}

async fn delete<W: Writer>(
    change: &Change,
    writer: &W,
    journal: &Journal,
    report: &mut ChangeReport,
) -> Result<(), Failure> {
    let id = change.before_id().ok_or(Reason::Malformed {
        missing: "the live object to delete",
    })?;
    let address = &change.address;
    let intent = journal_entries::delete_intent(change, id);
    journal.append(&intent).await.map_err(journal_failed)?;
    let gone = match writer.delete(address, id, change.live_version).await {
        Ok(reply) => {
            note(report, reply.status, reply.attempts, reply.context_id);
            true
        }
        Err(e) if e.kind == WriteErrorKind::Ambiguous || e.kind == WriteErrorKind::NotFound => {
            note_error(report, &e);
            match writer.get(address, id).await {
                Ok(now) => now.is_none(),
                Err(read) => return Err(unsettled(id, &e, &read)),
            }
        }
        Err(e) => {
            note_error(report, &e);
            let _ = journal.append(&journal_entries::failed(change, id)).await;
            return Err(explain(change, &e));
        }
    };
    if !gone {
        let _ = journal.append(&journal_entries::failed(change, id)).await;
        return Err(Failure::Refused(Reason::NotLanded {
            id: id.to_owned(),
            delete: true,
        }));
    }
    journal
        .append(&journal_entries::delete_done(change, id))
        .await
        .map_err(journal_failed)
}

fn note(report: &mut ChangeReport, status: u16, attempts: u32, context_id: Option<String>) {
    report.http_status = Some(status);
    report.attempts += attempts;
    report.context_id = context_id;
}

fn note_error(report: &mut ChangeReport, e: &WriteError) {
    report.http_status = e.status;
    report.attempts += e.attempts;
    report.context_id.clone_from(&e.context_id);
}

fn explain(change: &Change, e: &WriteError) -> Failure {
    Failure::Refused(match e.kind {
        WriteErrorKind::Conflict => Reason::Conflict {
            address: change.address.clone(),
            detail: e.message.clone(),
        },
        _ => Reason::Refused {
            detail: e.message.clone(),
        },
    })
}
