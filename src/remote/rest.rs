//! The verbs every Genesys collection answers, over JSON: read one, write one,
//! delete one. Each kind's API module composes them with its own paths and models.

use reqwest::{Method, Url};
use serde::de::DeserializeOwned;

use super::client::{Answer, Client, decode};
use super::error::RemoteError;

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

impl<T> Outcome<T> {
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Outcome<U> {
        Outcome {
            value: f(self.value),
            status: self.status,
            attempts: self.attempts,
            context_id: self.context_id,
        }
    }
}

impl Answer {
    fn outcome<T>(self, value: T) -> Outcome<T> {
        Outcome {
            value,
            status: self.status,
            attempts: self.attempts,
            context_id: self.context_id,
        }
    }
}

impl Client {
    /// The object at `url`; `None` on a 404.
    ///
    /// # Errors
    ///
    /// Any [`RemoteError`] but a 404.
    pub async fn get_object<T: DeserializeOwned>(
        &self,
        url: Url,
    ) -> Result<Option<T>, RemoteError> {
        match self.call(Method::GET, url, None).await {
            Ok(answer) => decode(&answer).map(Some),
            Err(e @ RemoteError::Api { .. }) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Sends `body` with `method` (a PUT or POST) and decodes the object answered.
    ///
    /// # Errors
    ///
    /// A 409 ([`RemoteError::is_version_conflict`]) when the object changed since
    /// the version the body names; a 400 naming each problem the server found; a
    /// [`RemoteError::Transport`] with `sent` when the outcome is unknown.
    pub async fn write_object<T: DeserializeOwned>(
        &self,
        method: Method,
        url: Url,
        body: &serde_json::Value,
    ) -> Result<Outcome<T>, RemoteError> {
        let answer = self.call(method, url, Some(body.to_string())).await?;
        let value = decode(&answer)?;
        Ok(answer.outcome(value))
    }

    /// Creates an object by POSTing `body` to `url`, sent once (see
    /// [`Client::call_once`]), and decodes the object answered.
    ///
    /// # Errors
    ///
    /// A 400 naming each problem the server found; a [`RemoteError::Transport`]
    /// with `sent` when the object may have been created.
    pub async fn create_object<T: DeserializeOwned>(
        &self,
        url: Url,
        body: &serde_json::Value,
    ) -> Result<Outcome<T>, RemoteError> {
        let answer = self.call_once(url, body.to_string()).await?;
        let value = decode(&answer)?;
        Ok(answer.outcome(value))
    }

    /// Deletes the object at `url`.
    ///
    /// # Errors
    ///
    /// A 404 when it is not there (the caller decides whether that matters), a 409
    /// when it changed, a [`RemoteError::Transport`] with `sent` when the outcome is
    /// unknown.
    pub async fn delete_object(&self, url: Url) -> Result<Outcome<()>, RemoteError> {
        let answer = self.call(Method::DELETE, url, None).await?;
        Ok(answer.outcome(()))
    }
}
