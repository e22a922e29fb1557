//! Reading request bodies: the size limit, the content type, and JSON decoding with
//! errors that name the offending field.

use std::sync::Arc;

use axum::body::{Body, Bytes, HttpBody};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::{Serialize, Serializer};

use super::error::ApiError;
use crate::kinds::prompt::model::RemotePrompt;

/// The largest request body accepted on `/api/v2`.
pub(crate) const MAX_BODY: usize = 1024 * 1024;

/// The largest body `/__emulator/prompts` accepts: benchmarks seed thousands of
/// prompts in one request.
pub(crate) const MAX_SEED_BODY: usize = 64 * 1024 * 1024;

/// How much of a refused body is still read and dropped before the answer: a client
/// that writes its whole body before reading (Python's urllib, say) would otherwise
/// see a broken pipe instead of the answer.
const MAX_DRAIN: u64 = 64 * 1024 * 1024;

/// Reads the whole body, up to [`MAX_BODY`] bytes.
pub(crate) async fn read(headers: &HeaderMap, body: Body) -> Result<Bytes, ApiError> {
    read_up_to(headers, body, MAX_BODY).await
}

/// Reads the whole body, up to `limit` bytes.
async fn read_up_to(headers: &HeaderMap, mut body: Body, limit: usize) -> Result<Bytes, ApiError> {
    let too_large =
        || ApiError::from_status(StatusCode::PAYLOAD_TOO_LARGE).param("limit", limit as u64);
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        discard(body).await;
        return Err(too_large());
    }
    let mut buf = Vec::new();
    while let Some(chunk) = next_chunk(&mut body).await {
        let chunk =
            chunk.map_err(|e| ApiError::bad_request(format!("cannot read the body: {e}")))?;
        let Some(data) = chunk else {
            continue;
        };
        if buf.len() + data.len() > limit {
            discard(body).await;
            return Err(too_large());
        }
        buf.extend_from_slice(&data);
    }
    Ok(Bytes::from(buf))
}

/// Reads and drops the rest of a body the answer will not need, up to [`MAX_DRAIN`]
/// bytes (past that, hyper closes the connection after the answer).
pub(crate) async fn discard(mut body: Body) {
    let mut total = 0u64;
    while let Some(Ok(chunk)) = next_chunk(&mut body).await {
        total += chunk.map_or(0, |d| d.len() as u64);
        if total > MAX_DRAIN {
            break;
        }
    }
}

/// The next frame's data (`None` for a trailers frame), or `None` at the end.
async fn next_chunk(body: &mut Body) -> Option<Result<Option<Bytes>, axum::Error>> {
    std::future::poll_fn(|cx| {
        std::pin::Pin::new(&mut *body)
            .poll_frame(cx)
            .map(|frame| frame.map(|f| f.map(|f| f.into_data().ok())))
    })
    .await
}

/// Reads and decodes a JSON body: present, declared as JSON, well formed, and
/// without fields that `T` does not know.
pub(crate) async fn json<T: DeserializeOwned>(
    headers: &HeaderMap,
    body: Body,
) -> Result<T, ApiError> {
    json_up_to(headers, body, MAX_BODY).await
}

/// [`json`] with a body limit of `limit` bytes.
pub(crate) async fn json_up_to<T: DeserializeOwned>(
    headers: &HeaderMap,
    body: Body,
    limit: usize,
) -> Result<T, ApiError> {
    let bytes = read_up_to(headers, body, limit).await?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request("The request body is missing."));
    }
    decode(headers, &bytes)
}

/// [`json`], where a missing body means `T::default()`.
pub(crate) async fn json_or_default<T: DeserializeOwned + Default>(
    headers: &HeaderMap,
    body: Body,
) -> Result<T, ApiError> {
    let bytes = read(headers, body).await?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    decode(headers, &bytes)
}

fn decode<T: DeserializeOwned>(headers: &HeaderMap, bytes: &[u8]) -> Result<T, ApiError> {
    if !is_json(headers) {
        let given = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("none");
        return Err(ApiError::bad_request(format!(
            "The content type must be `application/json`, not `{given}`."
        ))
        .param("contentType", given));
    }
    serde_json::from_slice(bytes)
        .map_err(|e| ApiError::bad_request(format!("The request body is not valid: {e}.")))
}

/// `application/json` or a `+json` type, parameters (`charset`) aside.
fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || essence
            .strip_prefix("application/")
            .is_some_and(|sub| sub.len() > "+json".len() && sub.ends_with("+json"))
}

/// A JSON answer, serialised once, straight into the body.
pub(crate) fn respond<T: Serialize + ?Sized>(status: StatusCode, value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(bytes) => (
            status,
            [(header::CONTENT_TYPE, "application/json")],
            Body::from(bytes),
        )
            .into_response(),
        Err(e) => ApiError::internal(format!("cannot encode the answer: {e}")).into_response(),
    }
}

/// Shared prompts, serialised as a JSON array without copying them.
pub(crate) struct Prompts<'a>(pub &'a [Arc<RemotePrompt>]);

impl Serialize for Prompts<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|p| &**p))
    }
}
