//! One prompt at a time: read, create-or-replace, delete (API.md, "Endpoints").

use reqwest::{Method, Url};

use super::client::{Answer, Client, decode};
use super::error::RemoteError;
use super::wire;
use crate::model::{PromptSpec, RemotePrompt};

/// A write that landed, with what apply records of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome<T> {
    pub value: T,
    /// 200 or 201 for a put, 204 for a delete.
    pub status: u16,
    /// Sends it took, repeats included.
    pub attempts: u32,
    /// Genesys's `ININ-Correlation-Id`, when the answer carried one.
    pub context_id: Option<String>,
}

impl Answer {
    pub(crate) fn outcome<T>(self, value: T) -> Outcome<T> {
        Outcome {
            value,
            status: self.status,
            attempts: self.attempts,
            context_id: self.context_id,
        }
    }
}

impl Client {
    /// One prompt; `None` when there is none with that id.
    ///
    /// # Errors
    ///
    /// Any [`RemoteError`] but a 404.
    pub async fn get_prompt(&self, id: &str) -> Result<Option<RemotePrompt>, RemoteError> {
        let url = self.prompt_url(id);
        match self.call(Method::GET, url, None).await {
            Ok(answer) => decode(&answer).map(Some),
            Err(e @ RemoteError::Api { .. }) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Creates (`version` `None`) or replaces (`Some` of the version read) a prompt,
    /// and returns it as stored.
    ///
    /// # Errors
    ///
    /// A 409 ([`RemoteError::is_version_conflict`]) when the prompt changed since
    /// `version` was read, or exists when a create was meant; a 404 when it is gone
    /// for a replace; a 400 naming each problem the server found. A
    /// [`RemoteError::Transport`] with `sent` when the outcome is unknown.
    pub async fn put_prompt(
        &self,
        spec: &PromptSpec,
        version: Option<u64>,
    ) -> Result<RemotePrompt, RemoteError> {
        self.put_prompt_outcome(spec, version)
            .await
            .map(|outcome| outcome.value)
    }

    /// [`Client::put_prompt`], with the status, attempts and correlation id.
    ///
    /// # Errors
    ///
    /// As [`Client::put_prompt`].
    pub async fn put_prompt_outcome(
        &self,
        spec: &PromptSpec,
        version: Option<u64>,
    ) -> Result<Outcome<RemotePrompt>, RemoteError> {
        let url = self.prompt_url(&spec.id);
        let request = wire::label(&Method::PUT, &url);
        let mut body = serde_json::to_value(spec).map_err(|e| RemoteError::Decode {
            request: request.clone(),
            message: format!("the prompt cannot be encoded: {e}"),
        })?;
        if let (Some(version), Some(fields)) = (version, body.as_object_mut()) {
            fields.insert("version".into(), version.into());
        }
        let answer = self.call(Method::PUT, url, Some(body.to_string())).await?;
        let prompt = decode(&answer)?;
        Ok(answer.outcome(prompt))
    }

    /// Deletes a prompt, only if it is still at `version` when one is given.
    ///
    /// # Errors
    ///
    /// A 404 when it is not there (the caller decides whether that matters), a 409
    /// when it changed, a [`RemoteError::Transport`] with `sent` when the outcome is
    /// unknown.
    pub async fn delete_prompt(&self, id: &str, version: Option<u64>) -> Result<(), RemoteError> {
        self.delete_prompt_outcome(id, version).await.map(|_| ())
    }

    /// [`Client::delete_prompt`], with the status, attempts and correlation id.
    ///
    /// # Errors
    ///
    /// As [`Client::delete_prompt`].
    pub async fn delete_prompt_outcome(
        &self,
        id: &str,
        version: Option<u64>,
    ) -> Result<Outcome<()>, RemoteError> {
        let mut url = self.prompt_url(id);
        if let Some(version) = version {
            url.query_pairs_mut()
                .append_pair("version", &version.to_string());
        }
        let answer = self.call(Method::DELETE, url, None).await?;
        Ok(answer.outcome(()))
    }

    /// `…/api/v2/agent-assist/prompts/<id>`; the id is percent-encoded, so a bad one
    /// is refused by the server rather than read as another path.
    fn prompt_url(&self, id: &str) -> Url {
        self.connection().api_url(&["agent-assist", "prompts", id])
    }
}
