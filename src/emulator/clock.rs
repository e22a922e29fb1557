//! The emulator's clock: the machine's, plus whatever a test has advanced it by, so
//! that a test sees a token expire or a rate window close without waiting.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

#[derive(Debug, Default)]
pub(crate) struct Clock {
    advanced_ms: AtomicU64,
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

    /// Moves the clock on by `ms`; returns how far it has been moved in all.
    pub fn advance(&self, ms: u64) -> u64 {
        let total = self
            .advanced_ms
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |t| {
                Some(t.saturating_add(ms))
            })
            .unwrap_or_default();
        total.saturating_add(ms)
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
    fn advancing_moves_now_forward() {
        let clock = Clock::default();
        let before = Instant::now();
        assert_eq!(clock.advance(60_000), 60_000);
        assert!(clock.now() >= before + Duration::from_secs(60));
        assert_eq!(clock.advance(u64::MAX), u64::MAX);
        assert!(clock.now() > before + Duration::from_secs(60));
    }
}
