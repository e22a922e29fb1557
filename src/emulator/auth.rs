//! OAuth 2.0 client credentials: `POST /oauth/token`, and the bearer token a
//! request carries.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use base64::Engine;
use serde_json::json;

use super::body;
use super::state::Shared;

/// The token of an `Authorization: Bearer …` header.
pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// `client_id:client_secret` from an `Authorization: Basic …` header.
fn basic(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

/// `POST /oauth/token`: OAuth's own error bodies, not Genesys's.
pub(crate) async fn token(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    request_body: Body,
) -> Response {
    let bytes = match body::read(&headers, request_body).await {
        Ok(bytes) => bytes,
        Err(e) => return oauth_error(e.status, "invalid_request", &e.message),
    };
    let client = basic(&headers).filter(|(id, secret)| shared.clients.authenticate(id, secret));
    let Some((client_id, _)) = client else {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "client authentication failed: send the client id and secret as HTTP Basic credentials",
        );
    };
    let grant_type = url::form_urlencoded::parse(&bytes)
        .find(|(k, _)| k == "grant_type")
        .map(|(_, v)| v.into_owned());
    if grant_type.as_deref() != Some("client_credentials") {
        let given = grant_type.unwrap_or_default();
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            &format!("grant type `{given}` is not supported; use `client_credentials`"),
        );
    }
    let ttl = shared.faults.current().token_ttl;
    let access_token =
        shared
            .tokens
            .issue(&client_id, Duration::from_secs(ttl), shared.clock.now());
    body::respond(
        StatusCode::OK,
        &json!({"access_token": access_token, "token_type": "bearer", "expires_in": ttl}),
    )
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    body::respond(status, &json!({"error": error, "description": description}))
}
