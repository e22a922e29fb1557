//! What the client tells of its retries, and whom: a person waiting hears why.

use std::sync::Arc;
use std::time::Duration;

/// A request about to be tried again: what the client tells its observer.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct RetryNotice {
    /// `PUT /api/v2/agent-assist/prompts/a`.
    pub request: String,
    /// The attempt that failed, from 1.
    pub attempt: u32,
    pub max_attempts: u32,
    /// Why: the status and Genesys code, or what failed on the way.
    pub reason: String,
    /// How long the client waits before the next attempt.
    pub wait: Duration,
    /// The wait is the server's (`Retry-After`), not the client's backoff.
    pub server_asked: bool,
}

/// Told of every retry before its wait, so that a person waiting hears why. The
/// client itself never prints.
#[derive(Clone, Default)]
pub struct RetryObserver(Option<Arc<Observe>>);

type Observe = dyn Fn(&RetryNotice) + Send + Sync;

impl RetryObserver {
    pub fn new(observe: impl Fn(&RetryNotice) + Send + Sync + 'static) -> RetryObserver {
        RetryObserver(Some(Arc::new(observe)))
    }

    pub(crate) fn notify(&self, notice: &RetryNotice) {
        if let Some(observe) = &self.0 {
            observe(notice);
        }
    }
}

impl std::fmt::Debug for RetryObserver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "RetryObserver(Some(..))"
        } else {
            "RetryObserver(None)"
        })
    }
}
