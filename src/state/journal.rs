//! The journal: apply's intentions and results, appended and fsync'd beside the state
//! as they happen, so that a crash at any moment loses nothing. The state file is
//! rewritten once at the end of a run (folding the journal in), not once per change.
//!
//! Every change writes an `Intent` before its request is sent and a `Done` (or
//! `Failed`) after the answer. An intent with neither was in flight when the process
//! died: the next run settles it by looking at what Genesys holds ([`settle`]).

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::Path;
use std::sync::mpsc;

use serde::{Deserialize, Serialize};

use super::{Resource, State, StateError};
use crate::kind::{Address, Live, LiveSet};

pub const JOURNAL_FILE: &str = "assistform.journal.jsonl";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WriteKind {
    Put,
    Delete,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Entry {
    /// The entries after it are the run `run_id`'s: recovery audits a change under
    /// the run it belonged to. `client_id` is the OAuth client that run sent its
    /// writes with (its id only, never its secret): a create is known for that
    /// run's by who last modified the object, and the run that settles it may use
    /// another client (plan with a read-only one). Journals written before it was
    /// recorded have none.
    Run {
        run_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        client_id: Option<String>,
    },
    /// About to send this write. A create whose server assigns the id has an
    /// empty `id`, and `since`: when it was sent.
    Intent {
        address: Address,
        id: String,
        write: WriteKind,
        /// What a put writes, in its kind's values.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        attributes: Option<serde_json::Value>,
        #[serde(default)]
        prevent_destroy: bool,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        depends_on: Vec<Address>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        sensitive: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        since: Option<String>,
    },
    /// The write landed; for a put, the version Genesys gave the object.
    Done {
        address: Address,
        id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        version: Option<u64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        attributes: Option<serde_json::Value>,
        #[serde(default)]
        prevent_destroy: bool,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        depends_on: Vec<Address>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        sensitive: Vec<String>,
    },
    /// The server refused the write: nothing changed.
    Failed { address: Address, id: String },
}

impl Entry {
    /// The line that opens a run's entries in the journal.
    pub fn header(run_id: &str, client_id: &str) -> Vec<u8> {
        let mut line = serde_json::to_vec(&Entry::Run {
            run_id: run_id.to_owned(),
            client_id: Some(client_id.to_owned()),
        })
        .expect("journal entries serialise");
        line.push(b'\n');
        line
    }

    fn address(&self) -> Option<&Address> {
        match self {
            Entry::Intent { address, .. }
            | Entry::Done { address, .. }
            | Entry::Failed { address, .. } => Some(address),
            Entry::Run { .. } => None,
        }
    }
}

/// A write the journal records as landed, with the run that made it.
#[derive(Clone, Debug, PartialEq)]
pub struct Landed {
    pub run: String,
    pub address: Address,
    pub id: String,
    /// A delete (no version), else a put.
    pub deleted: bool,
}

/// Every landed write in `entries`, in order.
pub fn landed(entries: &[Entry]) -> Vec<Landed> {
    let mut run = String::new();
    let mut out = Vec::new();
    for entry in entries {
        match entry {
            Entry::Run { run_id, .. } => run.clone_from(run_id),
            Entry::Done {
                address,
                id,
                version,
                ..
            } => out.push(Landed {
                run: run.clone(),
                address: address.clone(),
                id: id.clone(),
                deleted: version.is_none(),
            }),
            _ => {}
        }
    }
    out
}

/// A write whose outcome the journal does not know.
#[derive(Clone, Debug, PartialEq)]
pub struct InFlight {
    /// The run that sent it.
    pub run: String,
    /// The OAuth client that run sent it with, when the journal says.
    pub client: Option<String>,
    pub address: Address,
    pub id: String,
    pub write: WriteKind,
    pub attributes: Option<serde_json::Value>,
    pub prevent_destroy: bool,
    pub depends_on: Vec<Address>,
    pub sensitive: Vec<String>,
    /// For a create whose server assigns the id: when it was sent.
    pub since: Option<String>,
}

impl InFlight {
    /// A create whose id only the server's answer would have told.
    pub fn is_server_create(&self) -> bool {
        self.write == WriteKind::Put && self.id.is_empty()
    }
}

/// How far the server's clock may be behind ours, for [`made_since`].
const CLOCK_SKEW: std::time::Duration = std::time::Duration::from_secs(60);

/// The objects of `found` a create sent at `since` (RFC 3339) can have made:
/// never written since (version 1, for a kind with versions), and made at or
/// after `since`, allowing for the server's clock being a little behind. An
/// object whose creation time cannot be read is not one; one whose server
/// gives none at all is judged by its version alone.
pub fn made_since(found: Vec<Live>, since: &str) -> Vec<Live> {
    let since = humantime::parse_rfc3339_weak(since).ok();
    let from = since.map(|s| s.checked_sub(CLOCK_SKEW).unwrap_or(s));
    found
        .into_iter()
        .filter(|l| l.version <= 1)
        .filter(|l| match (&l.created, from) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(created), Some(from)) => {
                humantime::parse_rfc3339_weak(created).is_ok_and(|created| created >= from)
            }
        })
        .collect()
}

/// The journal's entries; a torn last line (a crash mid-write) is left out.
///
/// # Errors
///
/// [`StateError::Io`] when the file exists but cannot be read.
pub fn read(dir: &Path) -> Result<Vec<Entry>, StateError> {
    let path = dir.join(JOURNAL_FILE);
    let text = match fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(StateError::Io {
                action: "read",
                path,
                source,
            });
        }
    };
    Ok(parse(&text))
}

/// The entries of a journal's text; a torn line (a crash mid-write) is left out.
pub fn parse(text: &str) -> Vec<Entry> {
    text.lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

/// Applies the journal's landed writes to `state`; returns the writes in flight.
pub fn fold(state: &mut State, entries: &[Entry]) -> Vec<InFlight> {
    let mut in_flight: Vec<InFlight> = Vec::new();
    let mut run = String::new();
    let mut client: Option<String> = None;
    for entry in entries {
        if let Some(address) = entry.address() {
            in_flight.retain(|f| f.address != *address);
        }
        match entry {
            Entry::Run { run_id, client_id } => {
                run.clone_from(run_id);
                client.clone_from(client_id);
            }
            Entry::Intent {
                address,
                id,
                write,
                attributes,
                prevent_destroy,
                depends_on,
                sensitive,
                since,
            } => in_flight.push(InFlight {
                run: run.clone(),
                client: client.clone(),
                address: address.clone(),
                id: id.clone(),
                write: *write,
                attributes: attributes.clone(),
                prevent_destroy: *prevent_destroy,
                depends_on: depends_on.clone(),
                sensitive: sensitive.clone(),
                since: since.clone(),
            }),
            Entry::Done {
                address,
                id,
                version: Some(version),
                attributes: Some(attributes),
                prevent_destroy,
                depends_on,
                sensitive,
            } => {
                state.resources.insert(
                    address.clone(),
                    Resource {
                        id: id.clone(),
                        version: *version,
                        attributes: attributes.clone(),
                        prevent_destroy: *prevent_destroy,
                        depends_on: depends_on.clone(),
                        sensitive: sensitive.clone(),
                    },
                );
            }
            Entry::Done { address, .. } => {
                state.resources.remove(address);
            }
            Entry::Failed { .. } => {}
        }
    }
    in_flight
}

/// Settles writes that were in flight by what Genesys holds now. An update is
/// adopted when the object holds what was sent. A create is adopted only when the
/// object is exactly what that create wrote — the attributes sent, at version 1,
/// last modified by the OAuth client that sent it: anything else is someone
/// else's object, made after the create failed to land, and stays unmanaged.
/// `client_id` is this run's client, which may not be the sender's (a plan with a
/// read-only client settling an apply's write); it stands in for the sender's only
/// for a journal that does not record it. A create whose server assigns the id is adopted when exactly one
/// object nobody manages holds what it sent and was made since it was sent; it
/// gets that id. A delete whose object is gone is dropped.
pub fn settle(
    state: &mut State,
    in_flight: &mut [InFlight],
    live: &LiveSet,
    client_id: &str,
) -> Settled {
    let mut settled = Settled::default();
    for f in in_flight.iter_mut() {
        if f.is_server_create() {
            settle_server_create(state, f, live, &mut settled);
            continue;
        }
        let settled = &mut settled.addresses;
        let now = live.get(f.address.kind(), &f.id);
        match (f.write, now) {
            (WriteKind::Put, Some(now)) => {
                let holds_what_was_sent = f.attributes.as_ref() == Some(&now.values);
                let ours = match state.resources.get(&f.address) {
                    Some(_) => holds_what_was_sent,
                    None => {
                        let sender = f.client.as_deref().unwrap_or(client_id);
                        holds_what_was_sent
                            && now.version == 1
                            && now.modified_by.as_deref() == Some(sender)
                    }
                };
                if ours {
                    state.resources.insert(
                        f.address.clone(),
                        Resource {
                            id: f.id.clone(),
                            version: now.version,
                            attributes: now.values.clone(),
                            prevent_destroy: f.prevent_destroy,
                            depends_on: f.depends_on.clone(),
                            sensitive: f.sensitive.clone(),
                        },
                    );
                    settled.push(f.address.clone());
                }
            }
            (WriteKind::Delete, None) if state.resources.remove(&f.address).is_some() => {
                settled.push(f.address.clone());
            }
            _ => {}
        }
    }
    settled
}

/// What [`settle`] found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Settled {
    /// The addresses of the writes it adopted or dropped.
    pub addresses: Vec<Address>,
    /// Creates whose server assigns the id that more than one object could be
    /// the result of, with those objects' ids: nothing may create them again
    /// until a person says which is which.
    pub ambiguous: Vec<(Address, Vec<String>)>,
    /// Creates sent so recently, and not found, that a lagging search index may
    /// be hiding them: nothing may create them again yet.
    pub pending: Vec<Address>,
}

/// How long a create not found may still be hidden by a lagging search index.
pub const INDEX_LAG: std::time::Duration = std::time::Duration::from_secs(120);

fn is_recent(since: &str) -> bool {
    humantime::parse_rfc3339_weak(since)
        .ok()
        .and_then(|t| std::time::SystemTime::now().duration_since(t).ok())
        .is_none_or(|age| age < INDEX_LAG)
}

fn settle_server_create(
    state: &mut State,
    f: &mut InFlight,
    live: &LiveSet,
    settled: &mut Settled,
) {
    let kind = f.address.kind();
    let held = state.resources.get(&f.address).map(|r| r.id.clone());
    if held
        .as_deref()
        .is_some_and(|id| live.get(kind, id).is_some())
    {
        // Imported since, or created by a later run: nothing is left to tell.
        settled.addresses.push(f.address.clone());
        return;
    }
    let Some(sent) = &f.attributes else { return };
    let created = |v: &serde_json::Value| match crate::kinds::find(kind) {
        Some(k) => k.as_created(v),
        None => v.clone(),
    };
    let sent = created(sent);
    let candidates: Vec<Live> = live
        .of_kind(kind)
        .filter(|l| created(&l.values) == sent && state.address_of(kind, &l.id).is_none())
        .cloned()
        .collect();
    let candidates = match &f.since {
        Some(since) => made_since(candidates, since),
        None => candidates,
    };
    match candidates.as_slice() {
        // Not found: it did not land, unless it is so recent that a search index
        // may not show it yet. Then nothing may create it again until it shows.
        [] if f.since.as_deref().is_some_and(is_recent) => {
            settled.pending.push(f.address.clone());
        }
        [] => {}
        [made] => {
            f.id.clone_from(&made.id);
            state.resources.insert(
                f.address.clone(),
                Resource {
                    id: made.id.clone(),
                    version: made.version,
                    attributes: made.values.clone(),
                    prevent_destroy: f.prevent_destroy,
                    depends_on: f.depends_on.clone(),
                    sensitive: f.sensitive.clone(),
                },
            );
            settled.addresses.push(f.address.clone());
        }
        several => settled.ambiguous.push((
            f.address.clone(),
            several.iter().map(|l| l.id.clone()).collect(),
        )),
    }
}

/// Leaves in the journal only the writes still in flight, once everything else it
/// held is in the state file; with none in flight, removes it. The next plan or
/// apply settles what is left.
///
/// # Errors
///
/// [`StateError::Io`] when it cannot be rewritten or removed.
pub fn keep_in_flight(dir: &Path, in_flight: &[InFlight]) -> Result<(), StateError> {
    if in_flight.is_empty() {
        return clear(dir);
    }
    super::write_atomically(dir, &dir.join(JOURNAL_FILE), &lines(in_flight).concat())
}

/// The journal lines that leave `in_flight` in flight: each intent under its run,
/// and that run's client, which the next settling still needs.
pub fn lines(in_flight: &[InFlight]) -> Vec<Vec<u8>> {
    let mut lines = Vec::new();
    let mut run = None;
    for f in in_flight {
        if run != Some((&f.run, &f.client)) {
            let header = Entry::Run {
                run_id: f.run.clone(),
                client_id: f.client.clone(),
            };
            let mut line = serde_json::to_vec(&header).expect("journal entries serialise");
            line.push(b'\n');
            lines.push(line);
            run = Some((&f.run, &f.client));
        }
        let intent = Entry::Intent {
            address: f.address.clone(),
            id: f.id.clone(),
            write: f.write,
            attributes: f.attributes.clone(),
            prevent_destroy: f.prevent_destroy,
            depends_on: f.depends_on.clone(),
            sensitive: f.sensitive.clone(),
            since: f.since.clone(),
        };
        let mut line = serde_json::to_vec(&intent).expect("journal entries serialise");
        line.push(b'\n');
        lines.push(line);
    }
    lines
}

/// Removes the journal once its contents are in the state file.
///
/// # Errors
///
/// [`StateError::Io`] when it cannot be removed.
pub fn clear(dir: &Path) -> Result<(), StateError> {
    let path = dir.join(JOURNAL_FILE);
    match fs::remove_file(&path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(StateError::Io {
            action: "remove",
            path,
            source: e,
        }),
        _ => Ok(()),
    }
}

type Reply = tokio::sync::oneshot::Sender<Result<(), String>>;

/// What makes a batch of journal lines durable, all or none: a file's append and
/// fsync, or a database's one committed insert.
pub type Writer = Box<dyn FnMut(&[Vec<u8>]) -> Result<(), String> + Send>;

/// Turns a writer's failure into the error `append` returns.
type Failed = std::sync::Arc<dyn Fn(String) -> StateError + Send + Sync>;

/// An open journal. Appends from concurrent changes are written by one thread, which
/// takes everything queued and makes it durable at once (group commit).
pub struct Journal {
    queue: mpsc::Sender<(Vec<u8>, Reply)>,
    failed: Failed,
}

impl Journal {
    /// Opens the journal in `dir` for appending, creating it (mode 0600), and marks
    /// what follows as the run `run_id`'s, sent with the OAuth client `client_id`.
    ///
    /// # Errors
    ///
    /// [`StateError::Io`] when it cannot be opened.
    pub fn open(dir: &Path, run_id: &str, client_id: &str) -> Result<Journal, StateError> {
        let path = dir.join(JOURNAL_FILE);
        let mut options = OpenOptions::new();
        options.append(true).create(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&path).map_err(|source| StateError::Io {
            action: "open",
            path: path.clone(),
            source,
        })?;
        let header = Entry::header(run_id, client_id);
        file.write_all(&header)
            .and_then(|()| file.sync_data())
            .map_err(|source| StateError::Io {
                action: "append to",
                path: path.clone(),
                source,
            })?;
        let writer: Writer = Box::new(move |lines: &[Vec<u8>]| {
            file.write_all(&lines.concat())
                .and_then(|()| file.sync_data())
                .map_err(|e| e.to_string())
        });
        let failed = move |message| StateError::Io {
            action: "append to",
            path: path.clone(),
            source: std::io::Error::other(message),
        };
        Ok(Journal::with_writer(writer, failed))
    }

    /// A journal whose batches `writer` makes durable; `failed` words its failures.
    pub fn with_writer(
        mut writer: Writer,
        failed: impl Fn(String) -> StateError + Send + Sync + 'static,
    ) -> Journal {
        let (queue, rx) = mpsc::channel::<(Vec<u8>, Reply)>();
        std::thread::spawn(move || {
            while let Ok(first) = rx.recv() {
                let mut batch = vec![first];
                batch.extend(rx.try_iter());
                let (lines, replies): (Vec<Vec<u8>>, Vec<Reply>) = batch.into_iter().unzip();
                let result = writer(&lines);
                for reply in replies {
                    let _ = reply.send(result.clone());
                }
            }
        });
        Journal {
            queue,
            failed: std::sync::Arc::new(failed),
        }
    }

    /// Appends `entry`; returns once it is durable.
    ///
    /// # Errors
    ///
    /// [`StateError`] when it could not be made durable: the write it announces
    /// must then not be sent.
    pub async fn append(&self, entry: &Entry) -> Result<(), StateError> {
        let mut line = serde_json::to_vec(entry).expect("journal entries serialise");
        line.push(b'\n');
        let (tx, rx) = tokio::sync::oneshot::channel();
        let failed = |message: String| (self.failed)(message);
        self.queue
            .send((line, tx))
            .map_err(|_| failed("the journal writer stopped".into()))?;
        rx.await
            .map_err(|_| failed("the journal writer stopped".into()))?
            .map_err(failed)
    }
}

#[cfg(test)]
#[path = "journal_tests.rs"]
mod tests;
