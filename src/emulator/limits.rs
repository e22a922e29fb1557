//! The rate limit: a fixed window per OAuth client that opens with the first request
//! after the previous window closed.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, HeaderValue, StatusCode};

use super::error::ApiError;

#[derive(Debug, Default)]
pub(crate) struct RateLimiter {
    windows: Mutex<HashMap<String, Window>>,
}

#[derive(Debug)]
struct Window {
    opened: Instant,
    used: u32,
}

/// The answer for one request, and the headers every `/api/v2` response carries.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Verdict {
    pub allowed: bool,
    pub used: u32,
    pub limit: u32,
    pub reset_secs: u64,
}

impl RateLimiter {
    /// Counts the request against `client`'s window, unless the window is full.
    pub fn check(&self, client: &str, limit: u32, length: Duration, now: Instant) -> Verdict {
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        let window = match windows.get_mut(client) {
            Some(w) => w,
            None => windows.entry(client.to_owned()).or_insert(Window {
                opened: now,
                used: 0,
            }),
        };
        if now.duration_since(window.opened) >= length {
            *window = Window {
                opened: now,
                used: 0,
            };
        }
        let allowed = window.used < limit;
        if allowed {
            window.used += 1;
        }
        let left = length.saturating_sub(now.duration_since(window.opened));
        Verdict {
            allowed,
            used: window.used,
            limit,
            reset_secs: ceil_secs(left),
        }
    }

    pub fn clear(&self) {
        self.windows
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}

impl Verdict {
    pub fn headers(&self, headers: &mut HeaderMap) {
        headers.insert("inin-ratelimit-count", HeaderValue::from(self.used));
        headers.insert("inin-ratelimit-allowed", HeaderValue::from(self.limit));
        headers.insert("inin-ratelimit-reset", HeaderValue::from(self.reset_secs));
    }

    pub fn refusal(&self) -> ApiError {
        let mut err = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too.many.requests",
            format!(
                "Rate limit exceeded the maximum of {} requests for this OAuth client; retry in {} seconds.",
                self.limit, self.reset_secs
            ),
        )
        .param("limit", self.limit)
        .param("retryAfter", self.reset_secs);
        err.retry_after = Some(self.reset_secs);
        err
    }
}

/// Whole seconds, rounded up, so that a client waiting that long finds the window open.
fn ceil_secs(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}
