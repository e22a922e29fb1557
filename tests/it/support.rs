//! Shared test helpers: a throw-away project directory and a run of the real binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use tempfile::TempDir;

/// A temporary working directory holding configuration files.
pub struct Project {
    dir: TempDir,
}

impl Project {
    pub fn new() -> Project {
        Project {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn file(self, name: &str, contents: impl AsRef<[u8]>) -> Project {
        let path = self.dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create dir");
        }
        std::fs::write(path, contents).expect("write file");
        self
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs `assistform ARGS` in this directory.
    pub fn run(&self, args: &[&str]) -> Run {
        run_in(self.path(), args, &[])
    }

    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        run_in(self.path(), args, env)
    }

    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path().join(name)).expect("read file")
    }
}

/// What one run of the binary printed and returned.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Exit code and both streams, for a snapshot.
    pub fn transcript(&self) -> String {
        format!(
            "exit: {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

pub fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_assistform"))
}

/// The repository root, where `examples/` lives.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn run_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let output = command(dir, args, env).output().expect("run assistform");
    Run::from(output)
}

/// Runs `assistform ARGS` in `dir` like [`run_in`], but kills it and fails the test
/// when it has not finished within `limit`, and lets it have only 4 GiB of address
/// space: for input that once made it hang or eat all memory, so that a regression
/// fails the test instead of the machine.
pub fn run_within(dir: &Path, args: &[&str], limit: Duration) -> Run {
    let mut capped = Command::new("sh");
    capped
        .arg("-c")
        .arg("ulimit -v 4194304 && exec \"$0\" \"$@\"")
        .arg(binary())
        .args(args);
    let child = with_env(capped, dir, &[])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run assistform");
    let pid = child.id();
    let (done, finished) = mpsc::channel();
    std::thread::spawn(move || done.send(child.wait_with_output()));
    match finished.recv_timeout(limit) {
        Ok(output) => Run::from(output.expect("wait for assistform")),
        Err(_) => {
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
            panic!(
                "`assistform {}` did not finish within {limit:?}",
                args.join(" ")
            );
        }
    }
}

fn command(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(binary());
    command.args(args);
    with_env(command, dir, env)
}

fn with_env(mut command: Command, dir: &Path, env: &[(&str, &str)]) -> Command {
    command
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    for (key, _) in std::env::vars() {
        if key.starts_with("ASSISTFORM_") || key.starts_with("GENESYS") {
            command.env_remove(key);
        }
    }
    for (key, value) in env {
        command.env(key, value);
    }
    command
}

impl From<Output> for Run {
    fn from(output: Output) -> Run {
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

/// A complete, valid prompt block named `label`, with `content` as its display text.
pub fn prompt(label: &str, content: &str) -> String {
    format!(
        r#"prompt "{label}" {{
  name              = "Prompt {label}"
  interaction_types = ["conversation", "chat"]

  trigger {{
    type = "conversation"
    condition {{
      field    = "accountStatus"
      operator = "equals"
      value    = "on_hold"
    }}
  }}

  display {{
    type    = "popup"
    content = "{content}"
  }}
}}
"#
    )
}
