//! `assistform emulator`: the real binary.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use reqwest::StatusCode;

use super::client;

const BIN: &str = env!("CARGO_BIN_EXE_assistform");

#[tokio::test]
async fn the_binary_serves_until_sigterm() {
    let mut child = Command::new(BIN)
        .args([
            "emulator",
            "--listen",
            "127.0.0.1:0",
            "--client-id",
            "cli-demo",
        ])
        .args(["--client-secret", "very-secret", "--rate-limit", "50"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(
        line.starts_with("assistform emulator listening on http://127.0.0.1:")
            && line.ends_with(" (client id: cli-demo)\n"),
        "{line:?}"
    );
    assert!(!line.contains("very-secret"));
    let base = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap()
        .to_owned();

    let http = client();
    let token: serde_json::Value = http
        .post(format!("{base}/oauth/token"))
        .basic_auth("cli-demo", Some("very-secret"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let response = http
        .get(format!("{base}{}", super::PROMPTS))
        .bearer_auth(token["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["inin-ratelimit-allowed"], "50");

    #[cfg(unix)]
    {
        let killed = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(0));
    }
    #[cfg(not(unix))]
    {
        child.kill().unwrap();
        child.wait().unwrap();
    }
}

#[test]
fn the_binary_refuses_a_non_loopback_address() {
    let output = Command::new(BIN)
        .args(["emulator", "--listen", "0.0.0.0:8080"])
        .args(["--client-id", "a", "--client-secret", "b"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("refusing to listen on `0.0.0.0:8080`") && stderr.contains("loopback"),
        "{stderr}"
    );
}

#[test]
fn the_binary_checks_its_flags() {
    let output = Command::new(BIN)
        .args([
            "emulator",
            "--client-id",
            "a",
            "--client-secret",
            "b",
            "--fail-rate",
            "2",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--fail-rate"));
}

#[test]
fn help_shows_every_flag_and_an_example() {
    let output = Command::new(BIN)
        .args(["emulator", "--help"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for flag in [
        "--listen",
        "--client-id",
        "--client-secret",
        "--data",
        "--latency-ms",
        "--rate-limit",
        "--rate-window",
        "--fail-rate",
        "--seed",
        "--token-ttl",
        "--context-variables",
        "--pii-allow",
        "--checklist-create-status",
        "Examples:",
        "assistform emulator --listen 127.0.0.1:8080",
    ] {
        assert!(help.contains(flag), "no {flag} in\n{help}");
    }
}

/// Starts the binary with the secret given by `how`, and asks it for a token with
/// `secret`: whether the emulator took that secret.
async fn token_status(how: impl FnOnce(&mut Command), secret: &str) -> StatusCode {
    let mut command = Command::new(BIN);
    command
        .args(["emulator", "--listen", "127.0.0.1:0", "--client-id", "demo"])
        .env_remove("ASSISTFORM_EMULATOR_CLIENT_SECRET")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    how(&mut command);
    let mut child = command.spawn().expect("the binary starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_owned();
    let status = client()
        .post(format!("{base}/oauth/token"))
        .basic_auth("demo", Some(secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap()
        .status();
    child.kill().unwrap();
    child.wait().unwrap();
    status
}

#[tokio::test]
async fn the_secret_can_come_from_the_environment_or_a_file_out_of_sight_of_ps() {
    let from_env = |c: &mut Command| {
        c.env("ASSISTFORM_EMULATOR_CLIENT_SECRET", "env-secret");
    };
    assert_eq!(token_status(from_env, "env-secret").await, StatusCode::OK);
    assert_eq!(
        token_status(from_env, "other").await,
        StatusCode::UNAUTHORIZED
    );

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("secret");
    std::fs::write(&file, "file-secret\n").unwrap();
    let from_file = |c: &mut Command| {
        c.arg("--client-secret-file").arg(&file);
    };
    assert_eq!(token_status(from_file, "file-secret").await, StatusCode::OK);

    let none = Command::new(BIN)
        .args(["emulator", "--client-id", "demo"])
        .env_remove("ASSISTFORM_EMULATOR_CLIENT_SECRET")
        .output()
        .unwrap();
    assert_eq!(none.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&none.stderr)
            .contains("the emulator needs a client secret: set ASSISTFORM_EMULATOR_CLIENT_SECRET"),
        "{}",
        String::from_utf8_lossy(&none.stderr)
    );
}
