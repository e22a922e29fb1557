//! A monotonic clock that a test can move on: the machine's, plus whatever it has
//! been advanced by. The emulator measures token lifetimes and rate windows by one,
//! the client its token's lifetime, so that a test sees a token expire or a window
//! close without waiting. Clones share the advance; nothing else ever moves it.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

#[derive(Clone, Debug, Default)]
pub struct Clock {
    advanced_ms: Arc<AtomicU64>,
}

impl Clock {
    pub fn now(&self) -> Instant {
        let advanced = Duration::from_millis(self.advanced_ms.load(Ordering::SeqCst));
        // An advance too large for the machine's clock stops at the furthest instant
        // it can name: everything has expired by then anyway.
        let now = Instant::now();
        now.checked_add(advanced)
            .unwrap_or_else(|| furthest(now, advanced))
    }

    /// The wall-clock time moved on by the same advance: for timestamps that must
    /// agree with what a test made `now` say.
    pub fn system_now(&self) -> SystemTime {
        let advanced = Duration::from_millis(self.advanced_ms.load(Ordering::SeqCst));
        let now = SystemTime::now();
        now.checked_add(advanced).unwrap_or(now)
    }

    /// Moves this clock and its clones on by `by` (in whole milliseconds); returns
    /// how far it has been moved in all.
    pub fn advance(&self, by: Duration) -> Duration {
        let ms = u64::try_from(by.as_millis()).unwrap_or(u64::MAX);
        let total = self
            .advanced_ms
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |t| {
                Some(t.saturating_add(ms))
            })
            .unwrap_or_default();
        Duration::from_millis(total.saturating_add(ms))
    }
}

/// The latest instant after `now` that is at most `by` later.
fn furthest(now: Instant, by: Duration) -> Instant {
    let mut step = by;
    let mut at = now;
    while !step.is_zero() {
        match at.checked_add(step) {
            Some(later) => at = later,
            None => step /= 2,
        }
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advancing_moves_now_forward_for_every_clone() {
        let clock = Clock::default();
        let clone = clock.clone();
        let before = Instant::now();
        assert_eq!(
            clock.advance(Duration::from_secs(60)),
            Duration::from_secs(60)
        );
        assert!(clone.now() >= before + Duration::from_secs(60));
        assert_eq!(
            clone.advance(Duration::MAX),
            Duration::from_millis(u64::MAX)
        );
        assert!(clock.now() > before + Duration::from_secs(60));
    }
}
