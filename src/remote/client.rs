//! The Genesys Cloud client: every `/api/v2` request goes through [`Client::call`],
//! which adds the token, waits for the pacer, and retries what is worth retrying.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{ACCEPT, CONTENT_TYPE};
use reqwest::{Method, StatusCode, Url};

use super::auth::{Login, Tokens};
use super::error::RemoteError;
use super::metrics::{ClientMetrics, Counters};
use super::options::ClientOptions;
use super::pacing::Pacer;
use super::retry::{Retrier, Step, Wait};
use super::settings::Connection;
use super::wire;

/// A Genesys Cloud client. Clones share the connection pool, the token, the pacer
/// and the metrics.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    connection: Connection,
    options: ClientOptions,
    counters: Counters,
    tokens: Tokens,
    pacer: Pacer,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The connection's own Debug masks the secret; the token is left out.
        f.debug_struct("Client")
            .field("connection", &self.inner.connection)
            .field("options", &self.inner.options)
            .field("metrics", &self.metrics())
            .finish_non_exhaustive()
    }
}

/// A successful answer.
pub(crate) struct Answer {
    pub request: String,
    pub status: u16,
    /// Sends it took, repeats included.
    pub attempts: u32,
    pub context_id: Option<String>,
    pub body: Vec<u8>,
}

impl Client {
    /// # Errors
    ///
    /// [`RemoteError::Config`] when the HTTP client cannot be set up.
    pub fn new(connection: Connection, options: ClientOptions) -> Result<Client, RemoteError> {
        crate::tls::install_crypto_provider();
        let mut builder = reqwest::Client::builder()
            .connect_timeout(options.connect_timeout)
            .timeout(options.request_timeout)
            .pool_idle_timeout(Duration::from_secs(90))
            .pool_max_idle_per_host(options.page_concurrency.max(16))
            .tcp_keepalive(Duration::from_secs(60))
            .tcp_nodelay(true)
            // A redirect from the API is never expected; following one could carry
            // the request somewhere it was not meant to go.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("assistform/", env!("CARGO_PKG_VERSION")));
        if connection.is_loopback() {
            // A proxy from the environment has no business with loopback traffic.
            builder = builder.no_proxy();
        }
        let http = builder.build().map_err(|e| RemoteError::Config {
            message: format!("cannot set up the HTTP client: {e}"),
        })?;
        let tokens = Tokens::new(Login::of(&connection));
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                connection,
                options,
                counters: Counters::default(),
                tokens,
                pacer: Pacer::default(),
            }),
        })
    }

    pub fn connection(&self) -> &Connection {
        &self.inner.connection
    }

    pub fn options(&self) -> &ClientOptions {
        &self.inner.options
    }

    pub fn metrics(&self) -> ClientMetrics {
        self.inner.counters.snapshot()
    }

    /// Sends one `/api/v2` request until it succeeds or fails for good. Only a GET is
    /// repeated after a transport failure that may have reached the server; every
    /// method is repeated after an answer that says nothing was done (429, 502–504,
    /// the 500 "indexing").
    pub(crate) async fn call(
        &self,
        method: Method,
        url: Url,
        body: Option<String>,
    ) -> Result<Answer, RemoteError> {
        self.send(method, url, body, false).await
    }

    /// [`Client::call`] for a request that creates an object: not idempotent, so
    /// after any answer that leaves its outcome open (502, 503, 504, a lost
    /// answer) it is not sent again, and the error says it may have landed. A
    /// 429 or a 401 still repeats it: those say the server did nothing.
    pub(crate) async fn call_once(&self, url: Url, body: String) -> Result<Answer, RemoteError> {
        self.send(Method::POST, url, Some(body), true).await
    }

    async fn send(
        &self,
        method: Method,
        url: Url,
        body: Option<String>,
        once: bool,
    ) -> Result<Answer, RemoteError> {
        let inner = &*self.inner;
        let request = wire::label(&method, &url);
        let mut retrier = Retrier::new(&inner.options, &inner.counters, &request);
        let mut tries = Tries::default();
        loop {
            tries.count += 1;
            let step = self
                .attempt(&method, &url, body.as_deref(), &request, &mut tries)
                .await;
            let step = match step {
                // Only a 429 says the server did nothing; any other answer worth
                // repeating (502–504, a 500 "indexing") leaves a create open.
                Step::Retry { error, .. } if once && error.status() != Some(429) => {
                    Step::Fail(RemoteError::Transport {
                        request: request.clone(),
                        message: format!(
                            "{}; a create is never sent twice, so it may have landed",
                            error.detail()
                        ),
                        sent: true,
                    })
                }
                step => step,
            };
            match retrier.settle(step).await {
                Ok(Some(answer)) => {
                    return Ok(Answer {
                        attempts: tries.count,
                        ..answer
                    });
                }
                Ok(None) => {}
                Err(error) => return Err(tries.settle(&method, &request, error)),
            }
        }
    }

    /// One attempt at a request. After a 401 it renews the token and asks for a
    /// repeat, once per request.
    async fn attempt(
        &self,
        method: &Method,
        url: &Url,
        body: Option<&str>,
        request: &str,
        tries: &mut Tries,
    ) -> Step<Answer> {
        let inner = &*self.inner;
        let token = match inner
            .tokens
            .get(&inner.http, &inner.options, &inner.counters)
            .await
        {
            Ok(token) => token,
            Err(e) => return Step::Fail(e),
        };
        let base = inner.connection.describe();
        let resend_safe = method == Method::GET;
        let permit = match inner.pacer.admit(inner.options.max_elapsed).await {
            Ok(permit) => permit,
            // Another request's 429 closed the window for longer than this one
            // may take: it is not sent, and nothing is waited for.
            Err(wait) => {
                return Step::Fail(RemoteError::Transport {
                    request: request.to_owned(),
                    message: format!(
                        "not sent: a 429 too.many.requests closed the rate limit window for {} s, longer than a request may wait ({} s)",
                        wait.as_secs(),
                        inner.options.max_elapsed.as_secs()
                    ),
                    sent: false,
                });
            }
        };
        inner.counters.request();
        let mut builder = inner
            .http
            .request(method.clone(), url.clone())
            .bearer_auth(token.expose())
            .header(ACCEPT, "application/json");
        if let Some(body) = body {
            builder = builder
                .header(CONTENT_TYPE, "application/json")
                .body(body.to_owned());
        }
        let response = match builder.send().await {
            Ok(response) => response,
            Err(e) => return wire::transport_step(&e, request, &base, &inner.options, resend_safe),
        };
        let status = response.status();
        if status != StatusCode::UNAUTHORIZED {
            // A refused token is counted in another window than ours.
            inner.pacer.observe(response.headers());
        }
        let headers = response.headers().clone();
        let answer = response.bytes().await;
        drop(permit);
        let body = match answer {
            Ok(body) => Vec::from(body),
            Err(e) => return wire::transport_step(&e, request, &base, &inner.options, resend_safe),
        };
        if status.is_success() {
            return Step::Done(Answer {
                request: request.to_owned(),
                status: status.as_u16(),
                attempts: 1,
                context_id: wire::correlation_id(&headers),
                body,
            });
        }
        let error = wire::api_error(request, status, &headers, &body);
        let retry_after = wire::retry_after(&headers);
        match status.as_u16() {
            401 if !tries.renewed => {
                tries.renewed = true;
                inner.tokens.invalidate(&token).await;
                Step::Repeat
            }
            429 => {
                inner.counters.throttled();
                inner.pacer.throttled(retry_after);
                Step::Retry {
                    error,
                    wait: retry_after.map_or(Wait::Backoff, Wait::After),
                }
            }
            502..=504 => {
                if status != StatusCode::SERVICE_UNAVAILABLE {
                    tries.through_gateway = Some(status.as_u16());
                }
                Step::Retry {
                    error,
                    wait: retry_after.map_or(Wait::Backoff, Wait::After),
                }
            }
            500 if is_indexing(&error) => Step::Retry {
                error,
                wait: retry_after.map_or(Wait::Indexing, Wait::After),
            },
            _ => Step::Fail(error),
        }
    }
}

/// What the attempts at one request have come to so far.
#[derive(Default)]
struct Tries {
    count: u32,
    /// The token was renewed after a 401.
    renewed: bool,
    /// A 502 or 504: a gateway's answer, which says nothing of whether the server
    /// behind it acted on the request (a 503 or a 429 says it did not).
    through_gateway: Option<u16>,
}

impl Tries {
    /// A write that failed after a gateway's 502 or 504 may have landed: the
    /// repeat then finds the prompt changed (409) or gone (404), or the retries ran
    /// out. Either way the caller must read back, as after a timeout.
    fn settle(&self, method: &Method, request: &str, error: RemoteError) -> RemoteError {
        let Some(gateway) = self.through_gateway else {
            return error;
        };
        let ambiguous = *method != Method::GET
            && (matches!(error, RemoteError::GaveUp { .. })
                || matches!(error.status(), Some(404 | 409)));
        if !ambiguous {
            return error;
        }
        RemoteError::Transport {
            request: request.to_owned(),
            message: format!(
                "an attempt got {gateway} from a gateway, so it may have landed; then: {}",
                error.detail()
            ),
            sent: true,
        }
    }
}

/// The 500 that only means the relevance index was being rebuilt.
fn is_indexing(error: &RemoteError) -> bool {
    matches!(error, RemoteError::Api { message, .. } if message.to_ascii_lowercase().contains("indexing"))
}

pub(crate) fn decode<T: serde::de::DeserializeOwned>(answer: &Answer) -> Result<T, RemoteError> {
    serde_json::from_slice(&answer.body).map_err(|e| RemoteError::Decode {
        request: answer.request.clone(),
        message: format!(
            "the answer is not what the API describes: {}",
            wire::decode_problem(&e)
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conflict() -> RemoteError {
        RemoteError::Api {
            request: "PUT /p".into(),
            status: 409,
            code: "version.mismatch".into(),
            message: "changed".into(),
            errors: Box::default(),
            context_id: None,
        }
    }

    #[test]
    fn a_write_refused_after_a_gateway_error_may_have_landed() {
        let tries = Tries {
            through_gateway: Some(504),
            ..Tries::default()
        };
        let settled = tries.settle(&Method::PUT, "PUT /p", conflict());
        assert!(settled.may_have_been_applied(), "{settled}");
        assert!(
            settled
                .to_string()
                .starts_with("PUT /p: an attempt got 504 from a gateway")
        );
        // A read, or a write that never met a gateway, keeps its error.
        let read = tries.settle(&Method::GET, "GET /p", conflict());
        assert!(read.is_version_conflict());
        let plain = Tries::default().settle(&Method::PUT, "PUT /p", conflict());
        assert!(plain.is_version_conflict() && !plain.may_have_been_applied());
    }
}
