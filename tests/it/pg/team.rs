//! A team's setup: one database on the test cluster, one emulator process, and any
//! number of work directories ("machines") that share nothing else.

use std::path::Path;
use std::process::{Child, Command, Stdio};

use serde_json::Value;
use tempfile::TempDir;

use super::cluster::{self, Cluster};
use crate::org::{ID, SECRET};
use crate::recovery::EmulatorProcess;
use crate::support::{Run, binary, run_in};

pub struct Team {
    pub cluster: &'static Cluster,
    pub db: String,
    pub emulator: EmulatorProcess,
    _org: TempDir,
}

impl Team {
    /// On the shared cluster; `None` when the tests skip.
    pub fn new() -> Option<Team> {
        cluster::shared().map(Team::on)
    }

    pub fn on(cluster: &'static Cluster) -> Team {
        let org = tempfile::tempdir().expect("org dir");
        Team {
            cluster,
            db: cluster.database(),
            emulator: EmulatorProcess::start(&org.path().join("org.json")),
            _org: org,
        }
    }

    /// A work directory holding `config` as `main.hcl`.
    pub fn machine(&self, config: &str) -> TempDir {
        let dir = tempfile::tempdir().expect("work dir");
        std::fs::write(dir.path().join("main.hcl"), config).expect("config");
        dir
    }

    fn args<'a>(&'a self, args: &[&'a str]) -> Vec<&'a str> {
        let mut all = args.to_vec();
        // `state` and `audit` take no connection flags.
        if matches!(args.first(), Some(&("plan" | "apply"))) {
            all.extend(["--api-url", self.emulator.base.as_str()]);
        }
        all
    }

    fn env(&self, with_conn_str: bool) -> Vec<(&'static str, String)> {
        let mut env = vec![
            ("GENESYSCLOUD_OAUTHCLIENT_ID", ID.to_owned()),
            ("GENESYSCLOUD_OAUTHCLIENT_SECRET", SECRET.to_owned()),
        ];
        if with_conn_str {
            env.push(("PG_CONN_STR", self.cluster.conn_str(&self.db)));
        }
        env
    }

    /// `assistform ARGS` in `dir`, with `PG_CONN_STR` set.
    pub fn run(&self, dir: &Path, args: &[&str]) -> Run {
        self.run_with(dir, args, true)
    }

    /// `assistform ARGS` in `dir`, the connection given by the arguments alone.
    pub fn run_plain(&self, dir: &Path, args: &[&str]) -> Run {
        self.run_with(dir, args, false)
    }

    fn run_with(&self, dir: &Path, args: &[&str], conn_str: bool) -> Run {
        let env = self.env(conn_str);
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        run_in(dir, &self.args(args), &env)
    }

    /// [`Team::run`] on a blocking thread, for a test that acts meanwhile.
    pub fn spawn(&self, dir: &Path, args: &[&str]) -> tokio::task::JoinHandle<Run> {
        let args: Vec<String> = self.args(args).iter().map(|a| (*a).to_owned()).collect();
        let env: Vec<(String, String)> = self
            .env(true)
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        let dir = dir.to_path_buf();
        tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let env: Vec<(&str, &str)> =
                env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            run_in(&dir, &args, &env)
        })
    }

    /// The binary as a child process, to kill.
    pub fn spawn_child(&self, dir: &Path, args: &[&str]) -> Child {
        Command::new(binary())
            .args(self.args(args))
            .current_dir(dir)
            .envs(self.env(true))
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("assistform starts")
    }
}

/// `/__emulator/stats`: how many requests of `method` the emulator served.
pub async fn stats(base: &str, method: &str) -> u64 {
    assistform::remote::install_crypto_provider();
    let stats: Value = reqwest::get(format!("{base}/__emulator/stats"))
        .await
        .expect("stats")
        .json()
        .await
        .expect("stats json");
    stats["requests"][method].as_u64().unwrap_or(0)
}
