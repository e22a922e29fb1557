//! The retry loop: which failures are worth another try, and how long to wait.

use std::time::{Duration, Instant};

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use super::error::RemoteError;
use super::metrics::Counters;
use super::observer::RetryNotice;
use super::options::ClientOptions;

/// Attempts at a server that refuses connections. It rarely comes back within a
/// retry budget, and a person waiting should hear about it at once; two more tries
/// ride out a blip.
const CONNECT_ATTEMPTS: u32 = 3;

/// What one attempt came to.
pub(crate) enum Step<T> {
    Done(T),
    /// Final: no retry can help.
    Fail(RemoteError),
    /// Once at most, at once, outside the retry budget: the repeat with a new token
    /// after a 401.
    Repeat,
    /// Transient: try again after waiting.
    Retry {
        error: RemoteError,
        wait: Wait,
    },
}

/// How long to wait before the next attempt.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Wait {
    /// Exponential backoff with full jitter.
    Backoff,
    /// What the server asked for with `Retry-After`.
    After(Duration),
    /// The relevance index is being rebuilt: API.md says to retry after about
    /// `indexing_backoff`.
    Indexing,
    /// The connection was refused or failed before anything was sent.
    Connect,
}

/// The retry budget of one request: `options.max_attempts` attempts and
/// `options.max_elapsed`. The caller loops, handing each attempt's [`Step`] to
/// [`Retrier::settle`] until it yields a value or an error.
pub(crate) struct Retrier<'a> {
    options: &'a ClientOptions,
    counters: &'a Counters,
    request: &'a str,
    started: Instant,
    attempts: u32,
    connect_failures: u32,
}

impl<'a> Retrier<'a> {
    pub fn new(options: &'a ClientOptions, counters: &'a Counters, request: &'a str) -> Self {
        Retrier {
            options,
            counters,
            request,
            started: Instant::now(),
            attempts: 0,
            connect_failures: 0,
        }
    }

    /// `Ok(Some(value))` when done; `Ok(None)` to attempt again, after waiting as
    /// long as the step asks; `Err` when it failed for good or the budget is spent
    /// (then the last error comes inside [`RemoteError::GaveUp`]). A connection
    /// that cannot be made is reported as it is after [`CONNECT_ATTEMPTS`].
    pub async fn settle<T>(&mut self, step: Step<T>) -> Result<Option<T>, RemoteError> {
        let (error, wait) = match step {
            Step::Done(value) => return Ok(Some(value)),
            Step::Fail(error) => return Err(error),
            Step::Repeat => return Ok(None),
            Step::Retry { error, wait } => (error, wait),
        };
        self.attempts += 1;
        if wait == Wait::Connect {
            self.connect_failures += 1;
            if self.connect_failures >= CONNECT_ATTEMPTS {
                return Err(error);
            }
        }
        let delay = delay(self.options, wait, self.attempts);
        let elapsed = self.started.elapsed();
        if self.attempts >= self.options.max_attempts.max(1)
            || elapsed.saturating_add(delay) > self.options.max_elapsed
        {
            return Err(RemoteError::GaveUp {
                request: self.request.to_owned(),
                attempts: self.attempts,
                elapsed,
                last: Box::new(error),
            });
        }
        self.counters.retry();
        self.options.on_retry.notify(&RetryNotice {
            request: self.request.to_owned(),
            attempt: self.attempts,
            max_attempts: self.options.max_attempts.max(1),
            reason: match &error {
                RemoteError::Api { status, code, .. } => format!("{status} {code}"),
                other => other.detail(),
            },
            wait: delay,
            server_asked: matches!(wait, Wait::After(_)),
        });
        tokio::time::sleep(delay).await;
        Ok(None)
    }
}

/// The wait before attempt `attempts + 1`.
fn delay(options: &ClientOptions, wait: Wait, attempts: u32) -> Duration {
    let jitter = SmallRng::from_os_rng().random_range(0.0..=1.0);
    jittered(options, wait, attempts, jitter)
}

/// [`delay`] with the random draw given: `jitter` in `0.0..=1.0`.
fn jittered(options: &ClientOptions, wait: Wait, attempts: u32, jitter: f64) -> Duration {
    match wait {
        Wait::After(duration) => duration,
        Wait::Indexing => {
            // About the given time, jittered so that clients do not return together.
            options.indexing_backoff.mul_f64(0.5 + jitter / 2.0)
        }
        Wait::Backoff | Wait::Connect => {
            // Full jitter (AWS, "Exponential Backoff And Jitter"): uniform in
            // 0..=min(cap, base·2^n) spreads competing clients best.
            let exponent = attempts.saturating_sub(1).min(20);
            let ceiling = options
                .base_backoff
                .saturating_mul(1 << exponent)
                .min(options.max_backoff);
            ceiling.mul_f64(jitter)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_the_base_up_to_the_cap_and_jitters_below_it() {
        let options = ClientOptions {
            base_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(1000),
            indexing_backoff: Duration::from_secs(10),
            ..ClientOptions::default()
        };
        let ms = Duration::from_millis;
        for (attempts, ceiling) in [
            (1, 100),
            (2, 200),
            (3, 400),
            (4, 800),
            (5, 1000),
            (40, 1000),
        ] {
            for wait in [Wait::Backoff, Wait::Connect] {
                assert_eq!(jittered(&options, wait, attempts, 1.0), ms(ceiling));
                assert_eq!(jittered(&options, wait, attempts, 0.5), ms(ceiling / 2));
                assert_eq!(jittered(&options, wait, attempts, 0.0), Duration::ZERO);
            }
        }
        assert_eq!(jittered(&options, Wait::Indexing, 1, 0.0), ms(5_000));
        assert_eq!(jittered(&options, Wait::Indexing, 1, 1.0), ms(10_000));
        assert_eq!(
            delay(&options, Wait::After(Duration::from_secs(3)), 1),
            Duration::from_secs(3)
        );
        // The random draw stays under the ceiling, and is not always nothing.
        let drawn: Vec<Duration> = (0..200)
            .map(|_| delay(&options, Wait::Backoff, 3))
            .collect();
        assert!(drawn.iter().all(|d| *d <= ms(400)), "{drawn:?}");
        assert!(drawn.iter().any(|d| *d >= ms(200)), "{drawn:?}");
    }
}
