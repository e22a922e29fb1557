//! What can go wrong between us and Genesys Cloud, with the facts a person needs to
//! act on it: the request, the status, Genesys's `code`, `message` and `contextId`.
//! No variant ever holds a secret or a token.

use std::time::Duration;

/// The environment variables that carry the OAuth client, for messages.
pub(crate) const CREDENTIAL_VARIABLES: &str = "GENESYSCLOUD_OAUTHCLIENT_ID and GENESYSCLOUD_OAUTHCLIENT_SECRET (or GENESYS_CLIENT_ID and GENESYS_CLIENT_SECRET)";

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RemoteError {
    /// No OAuth client id or secret in the environment.
    #[error(
        "no Genesys Cloud OAuth client credentials: {} not set; set {CREDENTIAL_VARIABLES}, or try assistform without an account with `--emulator`",
        .missing.join(" and ")
    )]
    MissingCredentials { missing: Vec<&'static str> },

    /// A region or API URL that cannot be used.
    #[error("{message}")]
    Config { message: String },

    /// The server answered with an error.
    #[error("{request}: {}", self.detail())]
    Api {
        request: String,
        status: u16,
        code: String,
        message: String,
        /// The messages of the body's nested `errors`: which field, and why.
        errors: Box<[String]>,
        context_id: Option<String>,
    },

    /// The server could not be reached, or did not answer in time.
    #[error("{request}: {message}")]
    Transport {
        request: String,
        message: String,
        /// Whether the request may have reached the server (a timeout after it was
        /// sent, a reset connection): its effect is then unknown and must be read back.
        sent: bool,
    },

    /// A transient failure that outlasted the retry budget.
    #[error("{request}: {}", self.detail())]
    GaveUp {
        request: String,
        attempts: u32,
        elapsed: Duration,
        last: Box<RemoteError>,
    },

    /// A success answer whose body is not what API.md describes.
    #[error("{request}: {message}")]
    Decode { request: String, message: String },

    /// The login host refused to issue a token.
    #[error(
        "POST {login}/oauth/token: the login host refused the OAuth client `{client_id}`: {status} {error}{}; check {CREDENTIAL_VARIABLES} and that the region is the org's",
        if .description.is_empty() { String::new() } else { format!(": {}", .description) }
    )]
    Auth {
        login: String,
        client_id: String,
        status: u16,
        error: String,
        description: String,
    },
}

impl RemoteError {
    /// The HTTP status the server answered with, looking through retries.
    pub fn status(&self) -> Option<u16> {
        match self {
            RemoteError::Api { status, .. } | RemoteError::Auth { status, .. } => Some(*status),
            RemoteError::GaveUp { last, .. } => last.status(),
            _ => None,
        }
    }

    /// The Genesys error `code` (`version.mismatch`, …), looking through retries.
    pub fn code(&self) -> Option<&str> {
        match self {
            RemoteError::Api { code, .. } => Some(code),
            RemoteError::GaveUp { last, .. } => last.code(),
            _ => None,
        }
    }

    /// Genesys's `contextId` of the failed answer, looking through retries.
    pub fn context_id(&self) -> Option<&str> {
        match self {
            RemoteError::Api { context_id, .. } => context_id.as_deref(),
            RemoteError::GaveUp { last, .. } => last.context_id(),
            _ => None,
        }
    }

    /// A 409: the prompt changed since its version was read.
    pub fn is_version_conflict(&self) -> bool {
        self.status() == Some(409)
    }

    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// Whether a failed request may nevertheless have taken effect on the server, so
    /// that the caller has to read back to learn its outcome.
    pub fn may_have_been_applied(&self) -> bool {
        match self {
            RemoteError::Transport { sent, .. } => *sent,
            RemoteError::GaveUp { last, .. } => last.may_have_been_applied(),
            _ => false,
        }
    }

    /// The message without the request it concerns.
    pub(crate) fn detail(&self) -> String {
        match self {
            RemoteError::Api {
                status,
                code,
                message,
                errors,
                context_id,
                ..
            } => {
                let mut text = format!("{status} {code}: {message}");
                if !errors.is_empty() {
                    text.push(' ');
                    text.push_str(&errors.join("; "));
                }
                if let Some(id) = context_id {
                    text.push_str(&format!(" (contextId {id})"));
                }
                text
            }
            RemoteError::GaveUp {
                attempts,
                elapsed,
                last,
                ..
            } => format!(
                "gave up after {attempts} attempts in {:.1} s: {}",
                elapsed.as_secs_f64(),
                last.detail()
            ),
            RemoteError::Transport { message, .. } | RemoteError::Decode { message, .. } => {
                message.clone()
            }
            other => other.to_string(),
        }
    }
}
