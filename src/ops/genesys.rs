//! The client as the core's port to Genesys: apply's [`Writer`], and the read of
//! every kind a plan compares against. Each call goes to the verbs of the kind its
//! address names.

use crate::apply::{Reply, WriteError, WriteErrorKind, Writer};
use crate::kind::{Address, Kind, Live, LiveSet};
use crate::remote::{Client, RemoteError};

/// Every object of every kind in the org, one kind after the other;
/// `progress(done, total)` counts the pages of the kind being read.
///
/// # Errors
///
/// The first list that fails for good.
pub async fn read_all(
    client: &Client,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<LiveSet, RemoteError> {
    let mut live = LiveSet::default();
    for kind in crate::kinds::all() {
        live.extend(kind.name(), kind.list(client, progress).await?);
    }
    Ok(live)
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
        values: &serde_json::Value,
        version: Option<u64>,
    ) -> Result<Reply, WriteError> {
        let outcome = kind(address)?
            .put(self, values, version)
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
