//! The client as apply's [`Writer`]: the port apply writes through.

use super::{Client, RemoteError};
use crate::apply::{Reply, WriteError, WriteErrorKind, Writer};
use crate::model::{PromptSpec, RemotePrompt};

impl Writer for Client {
    async fn put(&self, spec: &PromptSpec, version: Option<u64>) -> Result<Reply, WriteError> {
        let outcome = self
            .put_prompt_outcome(spec, version)
            .await
            .map_err(write_error)?;
        Ok(Reply {
            prompt: Some(outcome.value),
            status: outcome.status,
            attempts: outcome.attempts,
            context_id: outcome.context_id,
        })
    }

    async fn delete(&self, id: &str, version: Option<u64>) -> Result<Reply, WriteError> {
        let outcome = self
            .delete_prompt_outcome(id, version)
            .await
            .map_err(write_error)?;
        Ok(Reply {
            prompt: None,
            status: outcome.status,
            attempts: outcome.attempts,
            context_id: outcome.context_id,
        })
    }

    async fn get(&self, id: &str) -> Result<Option<RemotePrompt>, WriteError> {
        self.get_prompt(id).await.map_err(write_error)
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
