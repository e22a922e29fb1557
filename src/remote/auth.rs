//! OAuth 2.0 client credentials: one bearer token, fetched when needed, renewed
//! before it expires, and shared by every request of every clone of the client.

use std::time::{Duration, Instant};

use reqwest::header::ACCEPT;
use reqwest::{StatusCode, Url};
use serde::Deserialize;

use super::error::RemoteError;
use super::metrics::Counters;
use super::options::ClientOptions;
use super::retry::{Retrier, Step, Wait};
use super::settings::{Connection, Secret};
use super::wire;

/// Renew this long before expiry at most; a short-lived token at 90 % of its life.
const RENEW_LEAD: Duration = Duration::from_secs(60);

/// When `expires_in` is missing: Genesys's default lifetime.
const DEFAULT_TTL_SECS: u64 = 86_400;

/// The longest a token is used before it is renewed, whatever `expires_in` says:
/// the login host's number must not overflow the renewal time.
const MAX_TTL_SECS: u64 = 7 * 86_400;

/// Where and as whom a token is asked for.
#[derive(Debug)]
pub(crate) struct Login {
    url: Url,
    /// The login host, for messages.
    host: String,
    client_id: String,
    client_secret: Secret,
}

impl Login {
    pub fn of(connection: &Connection) -> Login {
        Login {
            url: connection.token_url(),
            host: connection.describe_login(),
            client_id: connection.client_id.clone(),
            client_secret: connection.client_secret.clone(),
        }
    }
}

/// The current token. A tokio mutex held across the fetch makes requests that need
/// a token while one is being fetched wait for it and share it: one fetch, however
/// many requests.
#[derive(Debug)]
pub(crate) struct Tokens {
    login: Login,
    current: tokio::sync::Mutex<Option<Token>>,
}

#[derive(Clone, Debug)]
struct Token {
    value: Secret,
    renew_at: Instant,
}

impl Tokens {
    pub fn new(login: Login) -> Tokens {
        Tokens {
            login,
            current: tokio::sync::Mutex::default(),
        }
    }

    /// The token to send, fetching a new one with `http` when none is held or it is
    /// due by `options.clock`.
    pub async fn get(
        &self,
        http: &reqwest::Client,
        options: &ClientOptions,
        counters: &Counters,
    ) -> Result<Secret, RemoteError> {
        let mut current = self.current.lock().await;
        if let Some(token) = current.as_ref()
            && options.clock.now() < token.renew_at
        {
            return Ok(token.value.clone());
        }
        let token = fetch(&self.login, http, options, counters).await?;
        let value = token.value.clone();
        *current = Some(token);
        Ok(value)
    }

    /// Forgets `stale` after the server refused it, unless another request has
    /// already replaced it, so that a burst of 401s leads to one fetch.
    pub async fn invalidate(&self, stale: &Secret) {
        let mut current = self.current.lock().await;
        if current.as_ref().is_some_and(|t| t.value == *stale) {
            *current = None;
        }
    }
}

#[derive(Deserialize)]
struct TokenBody {
    access_token: String,
    expires_in: Option<u64>,
}

#[derive(Default, Deserialize)]
struct OAuthError {
    #[serde(default)]
    error: String,
    #[serde(default, alias = "error_description")]
    description: String,
}

/// `POST /oauth/token` on the login host, retried like any request; asking again
/// is always safe, since a second token does no harm.
async fn fetch(
    login: &Login,
    http: &reqwest::Client,
    options: &ClientOptions,
    counters: &Counters,
) -> Result<Token, RemoteError> {
    let request = wire::label(&reqwest::Method::POST, &login.url);
    counters.token_fetch();
    let mut retrier = Retrier::new(options, counters, &request);
    loop {
        let step = attempt(login, http, options, &request).await;
        if let Some(token) = retrier.settle(step).await? {
            return Ok(token);
        }
    }
}

async fn attempt(
    login: &Login,
    http: &reqwest::Client,
    options: &ClientOptions,
    request: &str,
) -> Step<Token> {
    let host = &login.host;
    let started = options.clock.now();
    let sent = http
        .post(login.url.clone())
        .basic_auth(&login.client_id, Some(login.client_secret.expose()))
        .header(ACCEPT, "application/json")
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await;
    let response = match sent {
        Ok(response) => response,
        Err(e) => return wire::transport_step(&e, request, host, options, true),
    };
    let status = response.status();
    let headers = response.headers().clone();
    let body = match response.bytes().await {
        Ok(body) => body,
        Err(e) => return wire::transport_step(&e, request, host, options, true),
    };
    if status.is_success() {
        return match serde_json::from_slice::<TokenBody>(&body) {
            Ok(token) => Step::Done(Token {
                renew_at: started + renew_after(token.expires_in.unwrap_or(DEFAULT_TTL_SECS)),
                value: Secret::new(token.access_token),
            }),
            Err(e) => Step::Fail(RemoteError::Decode {
                request: request.to_owned(),
                message: format!(
                    "the token answer is not an OAuth token: {}",
                    wire::decode_problem(&e)
                ),
            }),
        };
    }
    if matches!(status.as_u16(), 429 | 502 | 503 | 504) {
        let error = wire::api_error(request, status, &headers, &body);
        let wait = wire::retry_after(&headers).map_or(Wait::Backoff, Wait::After);
        return Step::Retry { error, wait };
    }
    if !status.is_client_error() {
        return Step::Fail(wire::api_error(request, status, &headers, &body));
    }
    let refusal = serde_json::from_slice::<OAuthError>(&body).unwrap_or_default();
    Step::Fail(RemoteError::Auth {
        login: host.clone(),
        client_id: login.client_id.clone(),
        status: status.as_u16(),
        error: if refusal.error.is_empty() {
            reason(status)
        } else {
            refusal.error
        },
        description: refusal.description,
    })
}

/// How long after it was asked for a token of `ttl_secs` is renewed.
fn renew_after(ttl_secs: u64) -> Duration {
    let ttl = Duration::from_secs(ttl_secs.min(MAX_TTL_SECS));
    ttl - (ttl / 10).min(RENEW_LEAD)
}

fn reason(status: StatusCode) -> String {
    status
        .canonical_reason()
        .unwrap_or("refused")
        .to_ascii_lowercase()
}
