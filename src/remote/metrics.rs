//! What a client has done so far: the counters every clone adds to.

use std::sync::atomic::{AtomicU64, Ordering};

/// What a client has done so far, over all its clones.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ClientMetrics {
    /// `/api/v2` requests sent, repeats included; token requests are not counted.
    pub requests: u64,
    /// Attempts repeated after a transient failure.
    pub retries: u64,
    /// 429 answers.
    pub throttled: u64,
    /// Tokens asked for.
    pub token_fetches: u64,
}

#[derive(Debug, Default)]
pub(crate) struct Counters {
    requests: AtomicU64,
    retries: AtomicU64,
    throttled: AtomicU64,
    token_fetches: AtomicU64,
}

impl Counters {
    pub fn request(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }

    pub fn retry(&self) {
        self.retries.fetch_add(1, Ordering::Relaxed);
    }

    pub fn throttled(&self) {
        self.throttled.fetch_add(1, Ordering::Relaxed);
    }

    pub fn token_fetch(&self) {
        self.token_fetches.fetch_add(1, Ordering::Relaxed);
    }

    pub fn snapshot(&self) -> ClientMetrics {
        ClientMetrics {
            requests: self.requests.load(Ordering::Relaxed),
            retries: self.retries.load(Ordering::Relaxed),
            throttled: self.throttled.load(Ordering::Relaxed),
            token_fetches: self.token_fetches.load(Ordering::Relaxed),
        }
    }
}
