//! The client as the core's port to Genesys: apply's [`Writer`], and the read of
//! every kind a plan compares against. Each call goes to the verbs of the kind its
//! address names.

use crate::apply::{Reply, WriteError, WriteErrorKind, Writer};
use crate::kind::{Address, Kind, Live, LiveSet};
use crate::remote::{Client, RemoteError};
use crate::state::State;

/// The kinds a run reads from the org: those the configuration declares or
/// imports, those the state manages, and those a saved plan changes. A run
/// never reads a kind it has nothing to do with, so an OAuth client needs only
/// the permissions of what it manages.
pub fn kinds_in_use(
    config: Option<&crate::config::Config>,
    plan: Option<&crate::plan::Plan>,
    state: &State,
) -> std::collections::BTreeSet<&'static str> {
    let mut names: Vec<&str> = state.resources.keys().map(Address::kind).collect();
    if let Some(config) = config {
        names.extend(config.resources.iter().map(|r| r.kind.name()));
        names.extend(config.imports.iter().map(|i| i.to.kind()));
    }
    if let Some(plan) = plan {
        names.extend(plan.changes.iter().map(|c| c.address.kind()));
    }
    let held: Vec<&str> = crate::kinds::all()
        .filter(|k| names.contains(&k.name()))
        .flat_map(|k| k.holds_kinds().iter().copied())
        .collect();
    names.extend(held);
    crate::kinds::all()
        .map(|k| k.name())
        .filter(|k| names.contains(k))
        .collect()
}

/// Every object of every kind in the org: the kinds at the same time, but for a
/// kind whose listing needs another's ([`Kind::lists_after`]), which waits for
/// it; a kind that comes along with another's listing is not listed again.
/// `progress(done, total)` counts pages read. An object `known` names (the
/// state's) that a list lacks is read by itself before it is taken for gone:
/// some lists come from a search index, which lags behind writes.
///
/// # Errors
///
/// The first read that fails for good.
pub async fn read_all(
    client: &Client,
    kinds: &std::collections::BTreeSet<&'static str>,
    known: &State,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<LiveSet, RemoteError> {
    let mut live = LiveSet::default();
    let wanted: Vec<&'static dyn Kind> = crate::kinds::all()
        .filter(|k| kinds.contains(k.name()))
        .collect();
    let mut pending: Vec<&'static dyn Kind> = wanted
        .iter()
        .copied()
        .filter(|k| !k.listed_with().is_some_and(|host| kinds.contains(host)))
        .collect();
    while !pending.is_empty() {
        let waits = |k: &&'static dyn Kind| {
            k.lists_after()
                .iter()
                .any(|before| pending.iter().any(|p| p.name() == *before))
        };
        let (mut ready, later): (Vec<_>, Vec<_>) = pending.iter().copied().partition(|k| !waits(k));
        if ready.is_empty() {
            // Kinds that wait for each other are read one after the other.
            ready = pending.clone();
        }
        let read = &live;
        let lists = ready.iter().map(|k| k.list_along(client, read, progress));
        let results = futures_util::future::join_all(lists).await;
        for (kind, result) in ready.iter().zip(results) {
            let (own, along) = result?;
            live.extend(kind.name(), own);
            keep_along(&mut live, kind.name(), along);
        }
        pending = later
            .into_iter()
            .filter(|k| !ready.iter().any(|r| r.name() == k.name()))
            .collect();
    }
    // What may point at the objects read, read where the client may: a 403 only
    // means the warnings it would give cannot be given.
    let watchers: std::collections::BTreeSet<&'static str> = wanted
        .iter()
        .flat_map(|k| k.pointed_at_by().iter().copied())
        .filter(|w| !live.has(w))
        .collect();
    for watcher in watchers.into_iter().filter_map(crate::kinds::find) {
        if live.has(watcher.name()) {
            continue;
        }
        // One that comes along with another kind is read that way, so that the
        // objects it belongs to are known too, to be named in the warning.
        let listing = match watcher.listed_with().and_then(crate::kinds::find) {
            Some(host) => host
                .list_along(client, &live, progress)
                .await
                .map(|l| (host, l)),
            None => watcher
                .list_along(client, &live, progress)
                .await
                .map(|l| (watcher, l)),
        };
        match listing {
            Ok((lister, (own, along))) => {
                if !live.has(lister.name()) {
                    live.extend(lister.name(), own);
                }
                keep_along(&mut live, lister.name(), along);
            }
            Err(e) if e.status() == Some(403) => {}
            Err(e) => return Err(e),
        }
    }
    for kind in &wanted {
        let missing: Vec<&str> = known
            .resources
            .iter()
            .filter(|(a, r)| a.kind() == kind.name() && live.get(kind.name(), &r.id).is_none())
            .map(|(_, r)| r.id.as_str())
            .collect();
        for id in missing {
            if let Some(object) = kind.get(client, id).await? {
                live.extend(kind.name(), [object]);
            }
        }
    }
    Ok(live)
}

/// The objects that came along with `host`'s listing, each under its kind; a
/// kind that comes with `host` is read, though it may hold nothing.
fn keep_along(live: &mut LiveSet, host: &str, along: Vec<(&'static str, Live)>) {
    for guest in crate::kinds::all().filter(|g| g.listed_with() == Some(host)) {
        if !live.has(guest.name()) {
            live.extend(guest.name(), []);
        }
    }
    for (guest, object) in along {
        live.extend(guest, [object]);
    }
}

fn kind(address: &Address) -> Result<&'static dyn Kind, WriteError> {
    crate::kinds::find(address.kind()).ok_or_else(|| WriteError {
        kind: WriteErrorKind::Other,
        message: format!(
            "`{address}`: this assistform does not manage `{}` objects",
            address.kind()
        ),
        status: None,
        attempts: 0,
        context_id: None,
    })
}

impl Writer for Client {
    async fn put(
        &self,
        address: &Address,
        id: Option<&str>,
        values: &serde_json::Value,
        version: Option<u64>,
    ) -> Result<Reply, WriteError> {
        let outcome = kind(address)?
            .put(self, id, values, version)
            .await
            .map_err(write_error)?;
        Ok(Reply {
            object: Some(outcome.value),
            status: outcome.status,
            attempts: outcome.attempts,
            context_id: outcome.context_id,
        })
    }

    async fn delete(
        &self,
        address: &Address,
        id: &str,
        version: Option<u64>,
    ) -> Result<Reply, WriteError> {
        let outcome = kind(address)?
            .delete(self, id, version)
            .await
            .map_err(write_error)?;
        Ok(Reply {
            object: None,
            status: outcome.status,
            attempts: outcome.attempts,
            context_id: outcome.context_id,
        })
    }

    async fn get(&self, address: &Address, id: &str) -> Result<Option<Live>, WriteError> {
        kind(address)?.get(self, id).await.map_err(write_error)
    }

    async fn find(
        &self,
        address: &Address,
        values: &serde_json::Value,
    ) -> Result<Vec<Live>, WriteError> {
        kind(address)?.find(self, values).await.map_err(write_error)
    }

    async fn still_expected(
        &self,
        address: &Address,
        id: Option<&str>,
        values: &serde_json::Value,
        expects: &serde_json::Value,
    ) -> Result<Option<String>, WriteError> {
        self.still_expected_of(address, id, values, expects).await
    }
}

impl Client {
    /// [`Writer::still_expected`], by the kind of `address`.
    async fn still_expected_of(
        &self,
        address: &Address,
        id: Option<&str>,
        values: &serde_json::Value,
        expects: &serde_json::Value,
    ) -> Result<Option<String>, WriteError> {
        kind(address)?
            .still_expected(self, id, values, expects)
            .await
            .map_err(write_error)
    }
}

fn write_error(e: RemoteError) -> WriteError {
    let kind = if e.may_have_been_applied() {
        WriteErrorKind::Ambiguous
    } else if e.is_version_conflict() {
        WriteErrorKind::Conflict
    } else if e.is_not_found() {
        WriteErrorKind::NotFound
    } else {
        WriteErrorKind::Other
    };
    let attempts = match &e {
        RemoteError::GaveUp { attempts, .. } => *attempts,
        _ => 1,
    };
    WriteError {
        kind,
        status: e.status(),
        attempts,
        context_id: e.context_id().map(str::to_owned),
        message: e.to_string(),
    }
}
