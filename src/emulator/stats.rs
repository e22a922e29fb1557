//! Request counts for `GET /__emulator/stats`.

use std::collections::BTreeMap;
use std::sync::Mutex;

use axum::http::{Method, StatusCode};
use serde::Serialize;

#[derive(Debug, Default)]
pub(crate) struct Stats {
    counts: Mutex<Counts>,
}

/// By method, by status code, and by endpoint (`"POST /oauth/token"`, with the
/// route's template for its path), over `/api/v2` and `/oauth/token`.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Counts {
    requests: BTreeMap<String, u64>,
    status: BTreeMap<String, u64>,
    endpoints: BTreeMap<String, u64>,
}

/// The endpoint key of a request to a path no route serves: the path itself would
/// let a scan of made-up paths grow the counters without bound.
const UNKNOWN_ROUTE: &str = "(unknown path)";

impl Default for Counts {
    fn default() -> Counts {
        // The methods the API uses are always present, so a reader need not guess.
        let requests = ["GET", "PUT", "DELETE", "POST"]
            .into_iter()
            .map(|m| (m.to_owned(), 0))
            .collect();
        Counts {
            requests,
            status: BTreeMap::new(),
            endpoints: BTreeMap::new(),
        }
    }
}

impl Stats {
    /// Counts one answered request; `route` is the template of the route that
    /// served it, `None` when none did.
    pub fn count(&self, method: &Method, route: Option<&str>, status: StatusCode) {
        let endpoint = format!("{method} {}", route.unwrap_or(UNKNOWN_ROUTE));
        let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        bump(&mut counts.requests, method.as_str());
        bump(&mut counts.status, status.as_str());
        bump(&mut counts.endpoints, &endpoint);
    }

    pub fn snapshot(&self) -> Counts {
        self.counts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn reset(&self) {
        *self.counts.lock().unwrap_or_else(|e| e.into_inner()) = Counts::default();
    }
}

fn bump(map: &mut BTreeMap<String, u64>, key: &str) {
    match map.get_mut(key) {
        Some(n) => *n += 1,
        None => {
            map.insert(key.to_owned(), 1);
        }
    }
}
