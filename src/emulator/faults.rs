//! The knobs that make the emulator slow, strict or flaky, and the dice behind the
//! injected failures.

use std::sync::{Mutex, RwLock};
use std::time::Duration;

use axum::http::StatusCode;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

use super::error::ApiError;
use super::options::EmulatorOptions;

/// The settings `POST /__emulator/faults` changes, with its field names.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub(crate) struct Faults {
    pub latency_ms: u64,
    pub fail_rate: f64,
    pub rate_limit: u32,
    pub rate_window: u64,
    pub token_ttl: u64,
}

/// A change to [`Faults`]: any of its fields.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FaultsPatch {
    latency_ms: Option<u64>,
    fail_rate: Option<f64>,
    rate_limit: Option<u32>,
    rate_window: Option<u64>,
    token_ttl: Option<u64>,
}

impl Faults {
    pub fn from_options(options: &EmulatorOptions) -> Faults {
        Faults {
            latency_ms: options.latency_ms,
            fail_rate: options.fail_rate,
            rate_limit: options.rate_limit,
            rate_window: options.rate_window_secs,
            token_ttl: options.token_ttl_secs,
        }
    }

    /// The first field out of range, and why.
    pub fn problem(&self) -> Option<(&'static str, &'static str)> {
        if !(0.0..=1.0).contains(&self.fail_rate) {
            Some(("fail_rate", "must be between 0.0 and 1.0"))
        } else if self.rate_limit == 0 {
            Some(("rate_limit", "must be at least 1"))
        } else if self.rate_window == 0 {
            Some(("rate_window", "must be at least 1 second"))
        } else if self.token_ttl == 0 {
            Some(("token_ttl", "must be at least 1 second"))
        } else {
            None
        }
    }

    pub fn latency(&self) -> Duration {
        Duration::from_millis(self.latency_ms)
    }

    pub fn window(&self) -> Duration {
        Duration::from_secs(self.rate_window)
    }

    pub fn patched(mut self, patch: FaultsPatch) -> Faults {
        self.latency_ms = patch.latency_ms.unwrap_or(self.latency_ms);
        self.fail_rate = patch.fail_rate.unwrap_or(self.fail_rate);
        self.rate_limit = patch.rate_limit.unwrap_or(self.rate_limit);
        self.rate_window = patch.rate_window.unwrap_or(self.rate_window);
        self.token_ttl = patch.token_ttl.unwrap_or(self.token_ttl);
        self
    }
}

/// The current faults and the random source that decides which requests fail.
#[derive(Debug)]
pub(crate) struct Injector {
    faults: RwLock<Faults>,
    rng: Mutex<SmallRng>,
}

impl Injector {
    pub fn new(faults: Faults, seed: Option<u64>) -> Injector {
        Injector {
            faults: RwLock::new(faults),
            rng: Mutex::new(rng(seed)),
        }
    }

    pub fn current(&self) -> Faults {
        *self.faults.read().unwrap_or_else(|e| e.into_inner())
    }

    pub fn set(&self, faults: Faults) {
        *self.faults.write().unwrap_or_else(|e| e.into_inner()) = faults;
    }

    /// Applies `patch` whole, or not at all when a field is out of range.
    pub fn patch(&self, patch: FaultsPatch) -> Result<Faults, (&'static str, &'static str)> {
        let mut faults = self.faults.write().unwrap_or_else(|e| e.into_inner());
        let patched = faults.patched(patch);
        if let Some(problem) = patched.problem() {
            return Err(problem);
        }
        *faults = patched;
        Ok(patched)
    }

    /// Back to the start flags, dice included, so a seeded run repeats after a reset.
    pub fn reset(&self, faults: Faults, seed: Option<u64>) {
        self.set(faults);
        *self.rng.lock().unwrap_or_else(|e| e.into_inner()) = rng(seed);
    }

    /// The failure this request gets, if any: 503 ten times as often as the 500
    /// indexing timeout, `fail_rate` of the requests in all.
    pub fn roll(&self, fail_rate: f64) -> Option<ApiError> {
        if fail_rate <= 0.0 {
            return None;
        }
        let draw: f64 = self.rng.lock().unwrap_or_else(|e| e.into_inner()).random();
        if draw >= fail_rate {
            None
        } else if draw < fail_rate / 11.0 {
            Some(ApiError::internal("Relevance indexing timeout"))
        } else {
            Some(ApiError::from_status(StatusCode::SERVICE_UNAVAILABLE))
        }
    }
}

fn rng(seed: Option<u64>) -> SmallRng {
    match seed {
        Some(seed) => SmallRng::seed_from_u64(seed),
        None => SmallRng::from_os_rng(),
    }
}
