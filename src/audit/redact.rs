//! Free text on its way into the audit record: PII masked, secrets blanked.
//!
//! Callers pass error messages and hook output as `detail`; those can quote a
//! prompt's content or an HTTP exchange, so the record cleans them itself rather
//! than trusting every caller to.

use std::sync::LazyLock;

use regex::Regex;

use super::Event;
use crate::pii::mask_text;

/// `Authorization: Bearer …` and the like.
static SCHEME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{6,}").expect("valid regex")
});

/// `client_secret=…`, `"access_token": "…"` and the like.
static ASSIGNMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)\b(client_secret|access_token|refresh_token|id_token|password|passwd|secret|api_?key|token)(["']?\s*[:=]\s*["']?)[^\s"'&,;]+"#,
    )
    .expect("valid regex")
});

/// `event` with its free text cleaned.
pub(super) fn event(mut event: Event) -> Event {
    match &mut event {
        Event::Change { detail, .. } | Event::Hook { detail, .. } => {
            if let Some(d) = detail {
                *d = text(d);
            }
        }
        Event::RunStarted { .. }
        | Event::RunFinished { .. }
        | Event::StateEdit { .. }
        | Event::Sealed { .. } => {}
    }
    event
}

/// `text` with secrets replaced by `***` and PII masked.
pub(super) fn text(text: &str) -> String {
    let text = SCHEME.replace_all(text, "$1 ***");
    let text = ASSIGNMENT.replace_all(&text, "$1$2***");
    mask_text(&text, &[])
}
