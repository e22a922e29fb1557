//! Prompts over `/api/v2/agent-assist/prompts` (API.md, "Endpoints"): the id is
//! the configuration's, a PUT creates or replaces, and the `version` a write
//! carries keeps it from overwriting a newer edit (409).

use reqwest::{Method, Url};

use super::model::{PromptSpec, RemotePrompt};
use crate::kind::Live;
use crate::remote::{Client, Outcome, RemoteError};

const COLLECTION: &[&str] = &["agent-assist", "prompts"];

impl From<RemotePrompt> for Live {
    fn from(p: RemotePrompt) -> Live {
        Live {
            created: None,
            id: p.spec.id.clone(),
            values: p.spec.into_values(),
            version: p.version,
            modified_by: Some(p.modified_by.id),
        }
    }
}

pub(super) async fn list(
    client: &Client,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Vec<Live>, RemoteError> {
    let prompts = client.list_prompts(progress).await?;
    Ok(prompts.into_iter().map(Live::from).collect())
}

pub(super) async fn get(client: &Client, id: &str) -> Result<Option<Live>, RemoteError> {
    Ok(client.get_prompt(id).await?.map(Live::from))
}

pub(super) async fn put(
    client: &Client,
    values: &serde_json::Value,
    version: Option<u64>,
) -> Result<Outcome<Live>, RemoteError> {
    let spec = PromptSpec::from_values(values).map_err(|e| RemoteError::Decode {
        request: format!("PUT {}", client.connection().api_url(COLLECTION)),
        message: format!("the prompt cannot be encoded: {e}"),
    })?;
    let outcome = client.put_prompt_outcome(&spec, version).await?;
    Ok(outcome.map(Live::from))
}

impl Client {
    /// Every prompt in the org, sorted by id. `progress(done, total)` is called with
    /// the pages read so far as they arrive.
    ///
    /// # Errors
    ///
    /// The first page request that fails for good.
    pub async fn list_prompts(
        &self,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<Vec<RemotePrompt>, RemoteError> {
        let mut prompts: Vec<RemotePrompt> = self.list_all(COLLECTION, progress).await?;
        // A prompt created or deleted while the pages were read shifts the later
        // pages by one, so one may be seen twice: keep the newest.
        prompts.sort_by(|a, b| a.spec.id.cmp(&b.spec.id).then(b.version.cmp(&a.version)));
        prompts.dedup_by(|later, kept| later.spec.id == kept.spec.id);
        Ok(prompts)
    }

    /// One prompt; `None` when there is none with that id.
    ///
    /// # Errors
    ///
    /// Any [`RemoteError`] but a 404.
    pub async fn get_prompt(&self, id: &str) -> Result<Option<RemotePrompt>, RemoteError> {
        self.get_object(url(self, id)).await
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
        let url = url(self, &spec.id);
        let mut body = serde_json::to_value(spec).map_err(|e| RemoteError::Decode {
            request: format!("PUT {url}"),
            message: format!("the prompt cannot be encoded: {e}"),
        })?;
        if let (Some(version), Some(fields)) = (version, body.as_object_mut()) {
            fields.insert("version".into(), version.into());
        }
        self.write_object(Method::PUT, url, &body).await
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
        let mut url = url(self, id);
        if let Some(version) = version {
            url.query_pairs_mut()
                .append_pair("version", &version.to_string());
        }
        self.delete_object(url).await
    }
}

/// `…/api/v2/agent-assist/prompts/<id>`; the id is percent-encoded, so a bad one
/// is refused by the server rather than read as another path.
fn url(client: &Client, id: &str) -> Url {
    client
        .connection()
        .api_url(&["agent-assist", "prompts", id])
}
