//! Sync hooks: after each change lands, tell every `on_apply` hook — a command or
//! a webhook. A hook that fails or hangs is reported, never a reason to fail the
//! apply.

mod command;
mod webhook;

use std::time::Duration;

use serde::Serialize;

use crate::config::{Hook, HookTarget, MAX_HOOK_TIMEOUT_SECONDS};

/// What a hook is told.
#[derive(Clone, Debug, Serialize)]
pub struct HookEvent {
    pub address: String,
    pub id: String,
    pub action: String,
    pub version: Option<u64>,
    pub time: String,
}

/// One hook's result for one event.
#[derive(Clone, Debug)]
pub struct HookOutcome {
    pub hook: String,
    pub result: Result<(), String>,
}

/// Runs every hook for `event`, one after the other.
pub async fn run(hooks: &[Hook], event: &HookEvent) -> Vec<HookOutcome> {
    let body = serde_json::to_value(event).expect("events serialise");
    let mut outcomes = Vec::new();
    for hook in hooks {
        // Clamped again here: a plan file carries its hooks, and may have been edited.
        let timeout = Duration::from_secs(hook.timeout_seconds.clamp(1, MAX_HOOK_TIMEOUT_SECONDS));
        let result = match &hook.target {
            HookTarget::Webhook(url) => webhook::post(url, &body, timeout).await.map(|_| ()),
            HookTarget::Command(argv) => {
                command::run(hook, event, argv, body.to_string(), timeout).await
            }
        };
        outcomes.push(HookOutcome {
            hook: hook.name.clone(),
            result,
        });
    }
    outcomes
}
