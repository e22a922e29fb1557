//! Command hooks: a program run with the event JSON on its standard input and an
//! environment built from an allow-list.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::HookEvent;
use crate::config::Hook;

/// Runs `argv` for `event`, off the async threads, waiting at most `timeout`.
pub(super) async fn run(
    hook: &Hook,
    event: &HookEvent,
    argv: &[String],
    input: String,
    timeout: Duration,
) -> Result<(), String> {
    let argv = argv.to_vec();
    let env = environment(hook, event, std::env::vars());
    tokio::task::spawn_blocking(move || command(&argv, &env, &input, timeout))
        .await
        .unwrap_or_else(|e| Err(format!("the hook's task failed: {e}")))
}

/// The variables of this process a hook may see: nothing else reaches it.
const INHERITED: &[&str] = &["PATH", "HOME", "LANG", "LANGUAGE", "TZ", "TMPDIR"];

/// A command hook's whole environment: [`INHERITED`] and the locale (`LC_*`) from
/// `ours`, the names its block lists, and the event as `ASSISTFORM_HOOK_*`. Built
/// from an allow-list, so no credential of this process — the OAuth secret, a plan
/// or audit key, a database password — can reach a hook, whatever it is named.
fn environment(
    hook: &Hook,
    event: &HookEvent,
    ours: impl Iterator<Item = (String, String)>,
) -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> = ours
        .filter(|(name, _)| {
            INHERITED.contains(&name.as_str())
                || name.starts_with("LC_")
                || (hook.env.contains(name) && !crate::config::is_credential(name))
        })
        .collect();
    env.extend([
        ("ASSISTFORM_HOOK_NAME".to_owned(), hook.name.clone()),
        ("ASSISTFORM_HOOK_ADDRESS".to_owned(), event.address.clone()),
        ("ASSISTFORM_HOOK_ID".to_owned(), event.id.clone()),
        ("ASSISTFORM_HOOK_ACTION".to_owned(), event.action.clone()),
        (
            "ASSISTFORM_HOOK_VERSION".to_owned(),
            event.version.map(|v| v.to_string()).unwrap_or_default(),
        ),
        ("ASSISTFORM_HOOK_TIME".to_owned(), event.time.clone()),
    ]);
    env
}

fn command(
    argv: &[String],
    env: &[(String, String)],
    input: &str,
    timeout: Duration,
) -> Result<(), String> {
    let program = argv.first().ok_or("an empty command")?;
    let mut child = Command::new(program)
        .args(&argv[1..])
        .env_clear()
        .envs(env.iter().map(|(k, v)| (k, v)))
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
    use crate::config::HookTarget;
    use crate::hooks::run;

    fn hook(argv: &[&str], timeout_seconds: u64) -> Hook {
        Hook {
            name: "h".into(),
            target: HookTarget::Command(argv.iter().map(|s| (*s).to_owned()).collect()),
            timeout_seconds,
            env: Vec::new(),
        }
    }

    fn event() -> HookEvent {
        HookEvent {
            address: "example.a".into(),
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
        assert_eq!(got["address"], "example.a");
        assert_eq!(got["version"], 1);
    }

    #[tokio::test]
    async fn a_timeout_of_any_size_is_no_panic() {
        let outcomes = run(&[hook(&["true"], u64::MAX)], &event()).await;
        assert!(outcomes[0].result.is_ok(), "{:?}", outcomes[0].result);
        assert!(command(&["true".to_owned()], &[], "", Duration::MAX).is_ok());
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

    #[test]
    fn a_hook_sees_the_allow_list_and_what_its_block_names_never_a_credential() {
        let ours = [
            ("PATH", "/usr/bin"),
            ("HOME", "/home/ci"),
            ("LC_ALL", "C.UTF-8"),
            ("GENESYSCLOUD_OAUTHCLIENT_SECRET", "s3cret"),
            ("GENESYS_CLIENT_SECRET", "s3cret"),
            ("ASSISTFORM_PLAN_KEY", "k"),
            ("PGPASSWORD", "pw"),
            ("SOME_FUTURE_TOKEN", "t"),
            ("SLACK_CHANNEL", "#deploys"),
            ("UNRELATED", "x"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()));
        let mut h = hook(&["true"], 1);
        h.env = vec!["SLACK_CHANNEL".into(), "SOME_FUTURE_TOKEN".into()];
        let env = environment(&h, &event(), ours.into_iter());
        let names: Vec<&str> = env.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            names,
            [
                "PATH",
                "HOME",
                "LC_ALL",
                "SLACK_CHANNEL",
                "ASSISTFORM_HOOK_NAME",
                "ASSISTFORM_HOOK_ADDRESS",
                "ASSISTFORM_HOOK_ID",
                "ASSISTFORM_HOOK_ACTION",
                "ASSISTFORM_HOOK_VERSION",
                "ASSISTFORM_HOOK_TIME",
            ]
        );
        assert!(
            env.iter()
                .all(|(_, v)| v != "s3cret" && v != "pw" && v != "k")
        );
    }
}
