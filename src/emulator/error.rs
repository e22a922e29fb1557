//! The emulator's errors: the Genesys error body, sent with every non-2xx answer,
//! and why an emulator could not start.

use std::net::SocketAddr;
use std::path::PathBuf;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

pub(crate) const CORRELATION_HEADER: &str = "inin-correlation-id";

/// Why an emulator could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EmulatorError {
    #[error(
        "refusing to listen on `{addr}`: the emulator serves plain HTTP, so only on a loopback address such as 127.0.0.1"
    )]
    NotLoopback { addr: SocketAddr },
    #[error("cannot listen on `{addr}`: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("invalid emulator option `{name}`: {reason}")]
    InvalidOption { name: &'static str, reason: String },
    #[error("cannot read the emulator data file `{}`: {source}", path.display())]
    ReadData {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the emulator data file `{}` is not a valid org (line {line}, column {column}): {message}", path.display())]
    ParseData {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("cannot read the emulator clients file `{}`: {source}", path.display())]
    ReadClients {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the emulator clients file `{}` is not a list of clients (line {line}, column {column}): {message}", path.display())]
    ParseClients {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("the emulator data file `{}` has format version {found}; this build reads version {expected}", path.display())]
    DataFormat {
        path: PathBuf,
        found: u64,
        expected: u64,
    },
}

/// A failed request, rendered as Genesys renders one: `message`, `code`, `status`,
/// a fresh `contextId` (also sent as `ININ-Correlation-Id`), `messageParams`,
/// `details`, and nested `errors`.
#[derive(Clone, Debug)]
pub(crate) struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub params: Map<String, Value>,
    pub errors: Vec<ApiError>,
    /// Seconds for a `Retry-After` header.
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            params: Map::new(),
            errors: Vec::new(),
            retry_after: None,
        }
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad.request", message)
    }

    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not.found", message)
    }

    pub fn bad_credentials() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "bad.credentials",
            "Invalid login credentials: the bearer token is missing, unknown or expired.",
        )
    }

    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal.server.error",
            message,
        )
    }

    pub fn param(mut self, name: &str, value: impl Into<Value>) -> ApiError {
        self.params.insert(name.into(), value.into());
        self
    }

    /// The body for a status that a handler did not explain (axum's own 405, say).
    pub fn from_status(status: StatusCode) -> ApiError {
        let (code, message) = match status {
            StatusCode::NOT_FOUND => ("not.found", "The requested resource was not found."),
            StatusCode::METHOD_NOT_ALLOWED => (
                "method.not.allowed",
                "The method is not allowed on this resource.",
            ),
            StatusCode::PAYLOAD_TOO_LARGE => (
                "payload.too.large",
                "The request body is larger than the limit of 1 MiB.",
            ),
            StatusCode::UNAUTHORIZED => ("bad.credentials", "Invalid login credentials."),
            StatusCode::SERVICE_UNAVAILABLE => (
                "service.unavailable",
                "The service is temporarily unavailable; retry the request.",
            ),
            StatusCode::BAD_GATEWAY => ("bad.gateway", "The gateway got no valid answer."),
            StatusCode::GATEWAY_TIMEOUT => ("gateway.timeout", "The gateway timed out."),
            s if s.is_client_error() => ("bad.request", "The request could not be understood."),
            _ => ("internal.server.error", "The server failed to answer."),
        };
        ApiError::new(status, code, message)
    }

    fn to_json(&self, context_id: &str) -> Value {
        json!({
            "message": self.message,
            "code": self.code,
            "status": self.status.as_u16(),
            "contextId": context_id,
            "messageParams": self.params,
            "details": [],
            "errors": self.errors.iter().map(|e| e.to_json(context_id)).collect::<Vec<_>>(),
        })
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let context_id = uuid::Uuid::new_v4().to_string();
        let mut response = (self.status, axum::Json(self.to_json(&context_id))).into_response();
        let headers = response.headers_mut();
        if let Ok(value) = HeaderValue::from_str(&context_id) {
            headers.insert(CORRELATION_HEADER, value);
        }
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}
