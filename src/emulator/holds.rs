//! Request holds: a test parks one API request at an exact point — before the
//! emulator processes it, or after it has been processed but before it is answered
//! — and decides later what happens to it. This is how tests place a console edit,
//! a kill or a lost answer between two requests without sleeping.
//!
//! `POST /__emulator/holds` arms a hold for the next request matching a method and
//! a path (a `*` matches any run of characters: a trailing one any rest, one
//! between slashes any id); `POST /__emulator/holds/{id}/wait` answers once the
//! hold has caught its request, or once that request's client has given up on it;
//! `POST /__emulator/holds/{id}/release` lets it go on, drops its connection
//! unanswered, or answers it with an error.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{Method, StatusCode};
use serde::{Deserialize, Serialize};
use tokio::sync::{oneshot, watch};

use super::error::ApiError;

/// How long `wait` waits when the request does not say.
const DEFAULT_WAIT: Duration = Duration::from_secs(30);
/// The longest `wait` a request may ask for.
const MAX_WAIT: Duration = Duration::from_secs(600);

/// Where in a request's life a hold parks it.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Stage {
    /// Admitted (authenticated, within the rate limit) but not yet processed.
    Before,
    /// Processed, with its answer ready but not yet sent.
    After,
}

/// What happens to a held request when it is let go.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq, Serialize)]
#[serde(tag = "then", rename_all = "lowercase")]
pub(crate) enum Verdict {
    /// It goes on as if never held.
    #[default]
    Answer,
    /// Its connection is closed without an answer.
    Drop,
    /// It is answered with this status and the Genesys error body instead; at the
    /// `after` stage the change it made stays made.
    Fail { status: u16 },
}

/// What `wait` waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Until {
    /// The hold has caught its request.
    Caught,
    /// The caught request's client gave up on it (closed its connection) while it
    /// was held, so the emulator dropped it.
    Abandoned,
}

/// Where a hold is in its life; later phases include the earlier ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Phase {
    Armed,
    Caught,
    Abandoned,
}

impl Until {
    fn phase(self) -> Phase {
        match self {
            Until::Caught => Phase::Caught,
            Until::Abandoned => Phase::Abandoned,
        }
    }
}

/// `POST /__emulator/holds`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Arm {
    method: String,
    path: String,
    stage: Stage,
}

/// A hold as `GET /__emulator/holds` and `wait` show it.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct HoldView {
    pub id: u64,
    pub method: String,
    pub path: String,
    pub stage: Stage,
    /// The path of the request it caught, once it has caught one.
    pub caught: Option<String>,
    /// Whether the caught request's client gave up on it while it was held.
    pub abandoned: bool,
}

#[derive(Debug)]
struct Hold {
    view: HoldView,
    method: Method,
    /// Set once a request is parked; taken when it is let go.
    release: Option<oneshot::Sender<Verdict>>,
    /// Shared with the parked request, which marks itself abandoned when dropped.
    phase: Arc<watch::Sender<Phase>>,
}

impl Hold {
    fn view(&self) -> HoldView {
        HoldView {
            abandoned: *self.phase.borrow() == Phase::Abandoned,
            ..self.view.clone()
        }
    }

    fn matches(&self, method: &Method, path: &str, stage: Stage) -> bool {
        let pattern = &self.view.path;
        self.view.stage == stage
            && self.view.caught.is_none()
            && self.method == method
            && glob(pattern, path)
    }
}

/// Whether `path` fits `pattern`, in which each `*` stands for any run of
/// characters: `/x/*` matches any rest, `/api/v2/assistants/*/copilot` any
/// assistant's copilot. Every other character stands for itself.
fn glob(pattern: &str, path: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = path.strip_prefix(first) else {
        return false;
    };
    let mut parts: Vec<&str> = parts.collect();
    let Some(last) = parts.pop() else {
        // No `*`: the whole path.
        return rest.is_empty();
    };
    for part in parts {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

#[derive(Debug, Default)]
pub(crate) struct Holds {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    next_id: u64,
    holds: BTreeMap<u64, Hold>,
}

impl Holds {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn arm(&self, arm: Arm) -> Result<HoldView, ApiError> {
        let method =
            Method::from_bytes(arm.method.to_ascii_uppercase().as_bytes()).map_err(|_| {
                ApiError::bad_request("`method` is not an HTTP method.").param("field", "method")
            })?;
        if !arm.path.starts_with('/') {
            return Err(ApiError::bad_request("`path` must start with `/`.").param("field", "path"));
        }
        let mut inner = self.lock();
        inner.next_id = inner.next_id.saturating_add(1);
        let view = HoldView {
            id: inner.next_id,
            method: method.to_string(),
            path: arm.path,
            stage: arm.stage,
            caught: None,
            abandoned: false,
        };
        let (phase, _) = watch::channel(Phase::Armed);
        inner.holds.insert(
            view.id,
            Hold {
                view: view.clone(),
                method,
                release: None,
                phase: Arc::new(phase),
            },
        );
        Ok(view)
    }

    pub fn list(&self) -> Vec<HoldView> {
        self.lock().holds.values().map(Hold::view).collect()
    }

    /// Parks the request when an armed hold matches it. `None` when no hold
    /// matches, which is every request in normal use.
    pub fn catch(&self, method: &Method, path: &str, stage: Stage) -> Option<Parked> {
        let mut inner = self.lock();
        let hold = inner
            .holds
            .values_mut()
            .find(|h| h.matches(method, path, stage))?;
        let (release, verdict) = oneshot::channel();
        hold.view.caught = Some(path.to_owned());
        hold.release = Some(release);
        hold.phase.send_replace(Phase::Caught);
        Some(Parked {
            verdict,
            phase: Some(hold.phase.clone()),
        })
    }

    /// Answers once hold `id` has reached `until`, or with 408 after `wait`.
    pub async fn wait(
        &self,
        id: u64,
        until: Until,
        wait: Option<u64>,
    ) -> Result<HoldView, ApiError> {
        let mut phase = {
            let inner = self.lock();
            let hold = inner.holds.get(&id).ok_or_else(|| unknown(id))?;
            hold.phase.subscribe()
        };
        let limit = wait
            .map_or(DEFAULT_WAIT, Duration::from_millis)
            .min(MAX_WAIT);
        let target = until.phase();
        let seen = tokio::time::timeout(limit, phase.wait_for(|p| *p >= target)).await;
        match seen {
            Ok(Ok(_)) => self
                .lock()
                .holds
                .get(&id)
                .map(Hold::view)
                .ok_or_else(|| unknown(id)),
            Ok(Err(_)) => Err(unknown(id)),
            Err(_) => Err(not_reached(id, until, limit)),
        }
    }

    /// Lets the held request go with `verdict` and removes the hold; a hold that
    /// caught nothing yet is only disarmed.
    pub fn release(&self, id: u64, verdict: Verdict) -> Result<HoldView, ApiError> {
        let mut hold = self.lock().holds.remove(&id).ok_or_else(|| unknown(id))?;
        if let Some(release) = hold.release.take() {
            // The request may be gone already: its client closed the connection.
            let _ = release.send(verdict);
        }
        Ok(hold.view())
    }

    /// Lets every held request go on and forgets every hold.
    pub fn clear(&self) {
        let holds = std::mem::take(&mut self.lock().holds);
        for (_, mut hold) in holds {
            if let Some(release) = hold.release.take() {
                let _ = release.send(Verdict::Answer);
            }
        }
    }
}

/// A request parked by a hold. Dropped before its verdict came — its client closed
/// the connection, and hyper dropped the request with it — it marks its hold
/// abandoned, which is how a test learns that the client's giving up has reached
/// the emulator.
#[derive(Debug)]
pub(crate) struct Parked {
    verdict: oneshot::Receiver<Verdict>,
    /// Taken once the verdict is in.
    phase: Option<Arc<watch::Sender<Phase>>>,
}

impl Parked {
    /// Waits for the verdict. A hold released by a reset, or dropped with the
    /// emulator, lets the request go on.
    pub async fn verdict(mut self) -> Verdict {
        let verdict = (&mut self.verdict).await.unwrap_or(Verdict::Answer);
        self.phase = None;
        verdict
    }
}

impl Drop for Parked {
    fn drop(&mut self) {
        if let Some(phase) = self.phase.take() {
            phase.send_replace(Phase::Abandoned);
        }
    }
}

fn unknown(id: u64) -> ApiError {
    ApiError::not_found(format!("There is no hold {id}.")).param("hold", id)
}

fn not_reached(id: u64, until: Until, limit: Duration) -> ApiError {
    let ms = limit.as_millis();
    let (code, message) = match until {
        Until::Caught => (
            "hold.not.caught",
            format!("Hold {id} caught no request within {ms} ms."),
        ),
        Until::Abandoned => (
            "hold.not.abandoned",
            format!("The request hold {id} caught was not given up by its client within {ms} ms."),
        ),
    };
    ApiError::new(StatusCode::REQUEST_TIMEOUT, code, message)
}

#[cfg(test)]
mod tests {
    use super::glob;

    #[test]
    fn a_star_stands_for_any_run_of_characters() {
        assert!(glob("/a/b", "/a/b"));
        assert!(!glob("/a/b", "/a/bc"));
        assert!(glob("/a/*", "/a/b/c"));
        assert!(glob("/a/*", "/a/"));
        assert!(!glob("/a/*", "/b/c"));
        let copilot = "/api/v2/assistants/*/copilot";
        assert!(glob(copilot, "/api/v2/assistants/7f0e/copilot"));
        assert!(!glob(copilot, "/api/v2/assistants/7f0e/queues"));
        assert!(!glob(copilot, "/api/v2/assistants/copilot"));
        assert!(glob("/x/*/y/*", "/x/1/y/2"));
        assert!(!glob("/x/*y*z", "/x/zy"));
    }
}
