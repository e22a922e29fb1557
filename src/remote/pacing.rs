//! Pacing: staying under Genesys's rate limit instead of running into it.
//!
//! Genesys counts requests per OAuth client in a fixed window and says on every
//! answer where the window stands (`inin-ratelimit-count`, `-allowed`, `-reset`).
//! From that we keep the best guess of the current window: its limit, how much of it
//! is used, and when it ends. The budget is what the window has left minus the
//! requests we have sent and not yet heard back from (they will count too).
//!
//! - While the budget is comfortable, requests go at once: a short run should not
//!   pay for a limit it never reaches.
//! - When it falls low relative to the requests in flight, new requests are spread
//!   evenly over what remains of the window, so the window is not overrun by a burst
//!   whose counts come back too late, and other users of the same OAuth client keep
//!   some room.
//! - When it is spent, requests wait for the window to end. After that nothing is
//!   known until the next answer, so requests go again.
//!
//! A 429 marks the window spent until its `Retry-After`. The reset is given in whole
//! seconds rounded up, so the window's end is taken as the earliest of those
//! estimates: each is a bound, never early. The state is shared by every clone of
//! the client.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use reqwest::header::HeaderMap;

#[derive(Debug, Default)]
pub(crate) struct Pacer {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    window: Option<Window>,
    /// Requests admitted and not yet answered.
    in_flight: u32,
    /// While spreading: the earliest time the next request may go.
    next_slot: Option<Instant>,
}

#[derive(Clone, Copy, Debug)]
struct Window {
    allowed: u32,
    used: u32,
    ends: Instant,
}

/// A request's place among those in flight; it leaves when dropped.
#[derive(Debug)]
pub(crate) struct Permit<'a> {
    pacer: &'a Pacer,
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let mut state = self.pacer.lock();
        state.in_flight = state.in_flight.saturating_sub(1);
    }
}

impl Pacer {
    /// Waits until a request may be sent without overrunning the window; a wait
    /// longer than `limit` (what the request may still spend) is not waited for:
    /// its length is the error.
    pub async fn admit(&self, limit: Duration) -> Result<Permit<'_>, Duration> {
        loop {
            let wait = {
                let mut state = self.lock();
                match state.wait(Instant::now()) {
                    None => {
                        state.in_flight += 1;
                        return Ok(Permit { pacer: self });
                    }
                    Some(wait) if wait > limit => return Err(wait),
                    Some(wait) => wait,
                }
            };
            tokio::time::sleep(wait).await;
        }
    }

    /// Learns the window from the rate-limit headers of an answer. Answers to
    /// requests without a valid token are counted in another window, so the caller
    /// leaves those out.
    pub fn observe(&self, headers: &HeaderMap) {
        let number =
            |name: &str| -> Option<u64> { headers.get(name)?.to_str().ok()?.trim().parse().ok() };
        let (Some(used), Some(allowed), Some(reset)) = (
            number("inin-ratelimit-count"),
            number("inin-ratelimit-allowed"),
            number("inin-ratelimit-reset"),
        ) else {
            return;
        };
        let now = Instant::now();
        let seen = Window {
            allowed: clamp(allowed),
            used: clamp(used),
            ends: now + super::wire::server_wait(reset),
        };
        let mut state = self.lock();
        state.window = Some(match state.window {
            // The same window, seen again: answers arrive out of order, so the
            // highest count stands; each end is a bound, so the earliest stands.
            Some(known) if now < known.ends && seen.ends <= known.ends + Duration::from_secs(1) => {
                Window {
                    allowed: seen.allowed,
                    used: known.used.max(seen.used),
                    ends: known.ends.min(seen.ends),
                }
            }
            _ => seen,
        });
    }

    /// A 429: the window is spent until `retry_after` from now, at least.
    pub fn throttled(&self, retry_after: Option<Duration>) {
        let now = Instant::now();
        let mut state = self.lock();
        let ends = now
            + retry_after
                .unwrap_or(Duration::from_secs(1))
                .min(super::wire::MAX_SERVER_WAIT);
        state.window = Some(match state.window {
            Some(known) => Window {
                used: known.allowed,
                ends: known.ends.max(ends),
                ..known
            },
            None => Window {
                allowed: 0,
                used: 0,
                ends,
            },
        });
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state is a few numbers that are never left half-changed.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl State {
    /// How long a new request must wait, or `None` to go now (the caller then counts
    /// it as in flight).
    fn wait(&mut self, now: Instant) -> Option<Duration> {
        let window = self.window?;
        if now >= window.ends {
            self.window = None;
            self.next_slot = None;
            return None;
        }
        let left = window.ends - now;
        let budget = window
            .allowed
            .saturating_sub(window.used)
            .saturating_sub(self.in_flight);
        if budget == 0 {
            return Some(left);
        }
        if budget > 2 * (self.in_flight + 1) {
            self.next_slot = None;
            return None;
        }
        match self.next_slot {
            Some(slot) if slot > now => Some(slot - now),
            _ => {
                self.next_slot = Some(now + left / budget);
                None
            }
        }
    }
}

fn clamp(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(count: u32, allowed: u32, reset: u64) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("inin-ratelimit-count", count.into());
        h.insert("inin-ratelimit-allowed", allowed.into());
        h.insert("inin-ratelimit-reset", reset.into());
        h
    }

    #[test]
    fn goes_at_once_with_budget_spreads_when_low_and_waits_when_spent() {
        let pacer = Pacer::default();
        let now = Instant::now();
        assert_eq!(pacer.lock().wait(now), None, "nothing known yet");
        pacer.observe(&headers(10, 100, 60));
        assert_eq!(pacer.lock().wait(now), None, "plenty left");
        pacer.observe(&headers(98, 100, 60));
        // Two left: the first goes and sets the next slot about 30 s later.
        assert_eq!(pacer.lock().wait(now), None);
        let wait = pacer.lock().wait(now).expect("spread");
        assert!(wait > Duration::from_secs(20), "{wait:?}");
        pacer.observe(&headers(100, 100, 60));
        let wait = pacer.lock().wait(now).expect("spent");
        assert!(wait > Duration::from_secs(55), "{wait:?}");
        // Past the end, nothing is known: go.
        assert_eq!(pacer.lock().wait(now + Duration::from_secs(61)), None);
    }

    #[test]
    fn a_reset_or_retry_after_of_any_size_is_capped() {
        let pacer = Pacer::default();
        pacer.observe(&headers(100, 100, u64::MAX));
        let wait = pacer.lock().wait(Instant::now()).expect("spent");
        assert!(wait <= super::super::wire::MAX_SERVER_WAIT, "{wait:?}");
        pacer.throttled(Some(Duration::MAX));
        let wait = pacer.lock().wait(Instant::now()).expect("spent");
        assert!(wait <= super::super::wire::MAX_SERVER_WAIT, "{wait:?}");
    }

    #[test]
    fn a_429_blocks_until_retry_after() {
        let pacer = Pacer::default();
        pacer.throttled(Some(Duration::from_secs(2)));
        let wait = pacer.lock().wait(Instant::now()).expect("blocked");
        assert!(wait > Duration::from_millis(1500), "{wait:?}");
    }
}
