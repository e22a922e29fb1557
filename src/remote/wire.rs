//! Reading what came back over the wire into our errors: error bodies, `Retry-After`,
//! and transport failures.

use std::error::Error as _;
use std::time::Duration;

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Method, StatusCode, Url};
use serde::Deserialize;

use super::error::RemoteError;
use super::options::ClientOptions;
use super::retry::{Step, Wait};
use crate::pii::mask_text;

/// The header Genesys repeats the `contextId` in.
const CORRELATION_HEADER: &str = "inin-correlation-id";

/// How much of a body that is not a Genesys error (a proxy's HTML page) to quote.
const SNIPPET_CHARS: usize = 200;

/// `GET /api/v2/agent-assist/prompts?pageSize=500&pageNumber=2`: how a request is
/// named in errors. Our URLs carry no secrets, in the path or the query.
pub(crate) fn label(method: &Method, url: &Url) -> String {
    match url.query() {
        Some(query) => format!("{method} {}?{query}", url.path()),
        None => format!("{method} {}", url.path()),
    }
}

/// The longest a server's answer can make us wait, whatever it says: `Retry-After`
/// and `inin-ratelimit-reset` are the server's numbers, and one of absurd size must
/// neither overflow a deadline nor stall a run for ever. Genesys's rate window is a
/// minute; a wait longer than this outlasts every retry budget, so the request
/// fails at once with the server's answer.
pub(crate) const MAX_SERVER_WAIT: Duration = Duration::from_secs(5 * 60);

/// `seconds` from a server, capped at [`MAX_SERVER_WAIT`].
pub(crate) fn server_wait(seconds: u64) -> Duration {
    Duration::from_secs(seconds).min(MAX_SERVER_WAIT)
}

/// `Retry-After` in seconds, at most [`MAX_SERVER_WAIT`]. The HTTP-date form is not
/// used by Genesys and is ignored: the caller backs off on its own then.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let seconds: u64 = headers
        .get(RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    Some(server_wait(seconds))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ErrorBody {
    message: Option<String>,
    code: Option<String>,
    context_id: Option<String>,
    /// One entry per problem, for a 400 that found several: which field, and why.
    #[serde(default)]
    errors: Vec<NestedError>,
}

#[derive(Deserialize)]
struct NestedError {
    message: Option<String>,
}

/// A non-2xx answer from `/api/v2` as [`RemoteError::Api`]. A body that is not a
/// Genesys error (from a proxy, say) still gives a code from the status and a quote.
pub(crate) fn api_error(
    request: &str,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
) -> RemoteError {
    let parsed = serde_json::from_slice::<ErrorBody>(body).ok();
    let (message, code, context_id, errors) = match parsed {
        Some(b) => (b.message, b.code, b.context_id, b.errors),
        None => (None, None, None, Vec::new()),
    };
    // The server may quote what it was sent, a prompt's content among it: masked
    // here, so that no printer of the error can forget to.
    let errors = errors
        .into_iter()
        .filter_map(|e| e.message)
        .filter(|m| !m.trim().is_empty())
        .map(|m| mask_text(&m, &[]))
        .collect();
    let code = code.filter(|c| !c.is_empty()).unwrap_or_else(|| {
        status
            .canonical_reason()
            .unwrap_or("error")
            .to_ascii_lowercase()
            .replace(' ', ".")
    });
    let message = mask_text(&message.unwrap_or_else(|| snippet(body)), &[]);
    let context_id = context_id.or_else(|| correlation_id(headers));
    RemoteError::Api {
        request: request.to_owned(),
        status: status.as_u16(),
        code,
        message,
        errors,
        context_id,
    }
}

/// Genesys's id for an answer, which support can trace.
pub(crate) fn correlation_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get(CORRELATION_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// A JSON decoding error without the values it quotes: those could be a prompt's
/// content, and that may hold PII.
pub(crate) fn decode_problem(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let mut out = String::with_capacity(text.len());
    let (mut quoted, mut escaped) = (false, false);
    for c in text.chars() {
        match (quoted, escaped, c) {
            (true, true, _) => escaped = false,
            (true, false, '\\') => escaped = true,
            (true, false, '"') => quoted = false,
            (true, false, _) => {}
            (false, _, '"') => {
                quoted = true;
                out.push_str("\"…\"");
            }
            (false, _, c) => out.push(c),
        }
    }
    out
}

/// The start of a body, on one line.
pub(crate) fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match text.char_indices().nth(SNIPPET_CHARS) {
        None if text.is_empty() => "(no error body)".to_owned(),
        None => text,
        Some((cut, _)) => format!("{}…", &text[..cut]),
    }
}

/// What to do after a request failed in transport. A request that never left is
/// retried a little (the server may be restarting); one that may have reached the
/// server is retried only when `resend_safe` (a read, a token), because repeating
/// a PUT or DELETE whose outcome is unknown is the caller's call: it must read back.
pub(crate) fn transport_step<T>(
    error: &reqwest::Error,
    request: &str,
    base: &str,
    options: &ClientOptions,
    resend_safe: bool,
) -> Step<T> {
    let (message, sent) = describe(error, base, options);
    let failure = RemoteError::Transport {
        request: request.to_owned(),
        message,
        sent,
    };
    if error.is_builder() {
        Step::Fail(failure)
    } else if !sent {
        Step::Retry {
            error: failure,
            wait: Wait::Connect,
        }
    } else if resend_safe {
        Step::Retry {
            error: failure,
            wait: Wait::Backoff,
        }
    } else {
        Step::Fail(failure)
    }
}

/// A person's account of a transport failure, and whether the request may have
/// reached the server.
fn describe(error: &reqwest::Error, base: &str, options: &ClientOptions) -> (String, bool) {
    if error.is_builder() {
        return (
            format!("the request could not be built: {}", root_cause(error)),
            false,
        );
    }
    if error.is_connect() {
        let message = if refused(error) {
            format!("the server is not reachable at {base} (connection refused); is it running?")
        } else if error.is_timeout() {
            format!(
                "could not connect to {base} within {:?}",
                options.connect_timeout
            )
        } else {
            format!("could not connect to {base}: {}", root_cause(error))
        };
        return (message, false);
    }
    if error.is_timeout() {
        return (
            format!(
                "no answer from {base} within {:?}; the request may have reached the server",
                options.request_timeout
            ),
            true,
        );
    }
    (
        format!(
            "the connection to {base} failed: {}; the request may have reached the server",
            root_cause(error)
        ),
        true,
    )
}

fn refused(error: &reqwest::Error) -> bool {
    let mut source = error.source();
    while let Some(cause) = source {
        if let Some(io) = cause.downcast_ref::<std::io::Error>()
            && io.kind() == std::io::ErrorKind::ConnectionRefused
        {
            return true;
        }
        source = cause.source();
    }
    false
}

/// The innermost cause: reqwest's own message names the whole URL and little else.
fn root_cause(error: &reqwest::Error) -> String {
    let mut cause: &dyn std::error::Error = error;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_keeps_the_servers_nested_messages_masked() {
        let body = br#"{"message": "The prompt is invalid: 2 problems.", "code": "bad.request", "status": 400,
            "errors": [{"message": "`display.content`: unknown context variable `orderId`", "code": "context.unknown"},
                       {"message": "`name`: jane.doe@example.com is not allowed", "code": "bad.name"}]}"#;
        let error = api_error("PUT /p", StatusCode::BAD_REQUEST, &HeaderMap::new(), body);
        let text = error.to_string();
        assert!(
            text.starts_with("PUT /p: 400 bad.request: The prompt is invalid: 2 problems. `display.content`: unknown context variable `orderId`; `name`: "),
            "{text}"
        );
        assert!(!text.contains("jane.doe@example.com"), "{text}");
    }

    #[test]
    fn decode_problems_do_not_quote_values() {
        let error =
            serde_json::from_str::<u64>(r#""call 555-0100 \"now\"""#).expect_err("a string");
        let problem = decode_problem(&error);
        assert!(!problem.contains("555"), "{problem}");
        assert!(
            problem.starts_with("invalid type: string \"…\", expected u64"),
            "{problem}"
        );
    }
}
