//! Sync hooks: after each change lands, tell every `on_apply` hook. A hook that fails
//! or hangs is reported, never a reason to fail the apply.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::config::{Hook, HookTarget};
use crate::remote::webhook;

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
        let timeout = Duration::from_secs(
            hook.timeout_seconds
                .clamp(1, crate::config::MAX_HOOK_TIMEOUT_SECONDS),
        );
        let result = match &hook.target {
            HookTarget::Webhook(url) => webhook::post(url, &body, timeout).await.map(|_| ()),
            HookTarget::Command(argv) => {
                let (argv, input) = (argv.clone(), body.to_string());
                tokio::task::spawn_blocking(move || command(&argv, &input, timeout))
                    .await
                    .unwrap_or_else(|e| Err(format!("the hook's task failed: {e}")))
            }
        };
        outcomes.push(HookOutcome {
            hook: hook.name.clone(),
            result,
        });
    }
    outcomes
}

fn command(argv: &[String], input: &str, timeout: Duration) -> Result<(), String> {
    let program = argv.first().ok_or("an empty command")?;
    let mut child = Command::new(program)
        .args(&argv[1..])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run `{program}`: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        // A hook that does not read its input must not make this fail.
        let _ = stdin.write_all(input.as_bytes());
    }
    let deadline = Instant::now().checked_add(timeout);
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) => {
                let mut stderr = String::new();
                if let Some(mut e) = child.stderr.take() {
                    let _ = std::io::Read::read_to_string(&mut e, &mut stderr);
                }
                let tail: String = stderr
                    .trim()
                    .chars()
                    .rev()
                    .take(300)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                return Err(format!("`{program}` exited with {status}: {tail}"));
            }
            Ok(None) if deadline.is_some_and(|deadline| Instant::now() >= deadline) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "`{program}` did not finish within {} s and was stopped",
                    timeout.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(format!("waiting for `{program}`: {e}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hook(argv: &[&str], timeout_seconds: u64) -> Hook {
        Hook {
            name: "h".into(),
            target: HookTarget::Command(argv.iter().map(|s| (*s).to_owned()).collect()),
            timeout_seconds,
        }
    }

    fn event() -> HookEvent {
        HookEvent {
            address: "prompt.a".into(),
            id: "a".into(),
            action: "create".into(),
            version: Some(1),
            time: "t".into(),
        }
    }

    #[tokio::test]
    async fn a_command_gets_the_event_on_its_standard_input() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("event.json");
        let script = format!("cat > {}", out.display());
        let outcomes = run(&[hook(&["sh", "-c", &script], 5)], &event()).await;
        assert!(outcomes[0].result.is_ok(), "{:?}", outcomes[0].result);
        let got: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap();
        assert_eq!(got["address"], "prompt.a");
        assert_eq!(got["version"], 1);
    }

    #[tokio::test]
    async fn a_timeout_of_any_size_is_no_panic() {
        let outcomes = run(&[hook(&["true"], u64::MAX)], &event()).await;
        assert!(outcomes[0].result.is_ok(), "{:?}", outcomes[0].result);
        assert!(command(&["true".to_owned()], "", Duration::MAX).is_ok());
    }

    #[tokio::test]
    async fn a_failing_or_hanging_command_is_reported_not_raised() {
        let failing = run(&[hook(&["sh", "-c", "echo boom >&2; exit 3"], 5)], &event()).await;
        let message = failing[0].result.clone().unwrap_err();
        assert!(
            message.contains("exit status: 3") && message.contains("boom"),
            "{message}"
        );
        let hanging = run(&[hook(&["sleep", "30"], 1)], &event()).await;
        assert!(
            hanging[0]
                .result
                .clone()
                .unwrap_err()
                .contains("did not finish within 1 s")
        );
    }
}
