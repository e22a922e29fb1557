//! How hard the client tries, how long it waits, and what it tells of its retries.

use std::time::Duration;

use super::observer::RetryObserver;
use crate::clock::Clock;

/// How hard to try, and how long to wait.
#[derive(Clone, Debug)]
pub struct ClientOptions {
    /// Attempts per request, the first included.
    pub max_attempts: u32,
    /// Time per request, retries included, after which no retry is started.
    pub max_elapsed: Duration,
    pub connect_timeout: Duration,
    /// Time for one attempt, from sending to the whole answer.
    pub request_timeout: Duration,
    /// The first backoff ceiling; it doubles with every attempt up to `max_backoff`.
    pub base_backoff: Duration,
    pub max_backoff: Duration,
    /// About how long to wait after the 500 "indexing" error (API.md: about 10 s).
    pub indexing_backoff: Duration,
    /// List pages fetched at once after the first.
    pub page_concurrency: usize,
    /// Told of every retry, before its wait.
    pub on_retry: RetryObserver,
    /// What the token's lifetime is measured by: the machine's clock, unless a test
    /// moves it on.
    pub clock: Clock,
}

impl Default for ClientOptions {
    fn default() -> ClientOptions {
        ClientOptions {
            max_attempts: 8,
            max_elapsed: Duration::from_secs(120),
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            base_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            indexing_backoff: Duration::from_secs(10),
            page_concurrency: 8,
            on_retry: RetryObserver::default(),
            clock: Clock::default(),
        }
    }
}
