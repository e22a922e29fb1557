//! Reading request bodies: the size limit, the content type, and JSON decoding with
//! errors that name the offending field.

use axum::body::{Body, Bytes, HttpBody};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Serialize, Serializer};

use std::sync::Arc;

use crate::model::RemotePrompt;
use serde::de::DeserializeOwned;

use super::error::ApiError;

/// The largest request body accepted.
pub(crate) const MAX_BODY: usize = 1024 * 1024;

/// How much of an oversized body is still read (and dropped) before the 413 is sent:
/// a client that is still writing when the server closes the socket would see a
/// connection reset instead of the answer.
const MAX_DRAIN: usize = 64 * 1024 * 1024;

/// Reads the whole body, up to [`MAX_BODY`] bytes.
pub(crate) async fn read(headers: &HeaderMap, mut body: Body) -> Result<Bytes, ApiError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let mut buf = Vec::new();
    let mut total = 0usize;
    while let Some(frame) =
        std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await
    {
        let frame =
            frame.map_err(|e| ApiError::bad_request(format!("cannot read the body: {e}")))?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        total = total.saturating_add(data.len());
        if total > MAX_DRAIN {
            break;
        }
        if total <= MAX_BODY && declared.is_none_or(|n| n <= MAX_BODY as u64) {
            buf.extend_from_slice(&data);
        }
    }
    if total > MAX_BODY || declared.is_some_and(|n| n > MAX_BODY as u64) {
        return Err(
            ApiError::from_status(StatusCode::PAYLOAD_TOO_LARGE).param("limit", MAX_BODY as u64)
        );
    }
    Ok(Bytes::from(buf))
}

/// Reads and decodes a JSON body: present, declared as JSON, well formed, and
/// without fields that `T` does not know.
pub(crate) async fn json<T: DeserializeOwned>(
    headers: &HeaderMap,
    body: Body,
) -> Result<T, ApiError> {
    let bytes = read(headers, body).await?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request("The request body is missing."));
    }
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
    serde_json::from_slice(&bytes)
        .map_err(|e| ApiError::bad_request(format!("The request body is not valid: {e}.")))
}

fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or("").trim();
    essence.eq_ignore_ascii_case("application/json")
        || (essence.len() > 5
            && essence.to_ascii_lowercase().starts_with("application/")
            && essence.to_ascii_lowercase().ends_with("+json"))
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
