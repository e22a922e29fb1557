//! An org in the built-in emulator and a project that manages it: what the plan and
//! apply tests run against. The org is seeded through `/__emulator/prompts`; a state
//! can be written as an earlier apply would leave it.

use assistform::emulator::{Emulator, EmulatorOptions};
use assistform::kinds::prompt::model::PromptSpec;
use serde_json::{Value, json};

use crate::support::{Project, Run};

pub const ID: &str = "plan-client";
pub const SECRET: &str = "plan-secret";

/// An emulator with a seeded org, and a project whose state names some of it.
pub struct Case {
    pub emulator: Emulator,
    pub project: Project,
}

impl Case {
    pub async fn new(config: &str) -> Case {
        Case::with_options(config, EmulatorOptions::default()).await
    }

    /// An org served with `options` (faults, latency, limits); credentials are the case's.
    pub async fn with_options(config: &str, options: EmulatorOptions) -> Case {
        let emulator = Emulator::start(EmulatorOptions {
            client_id: ID.into(),
            client_secret: SECRET.into(),
            rate_limit: if options.rate_limit == EmulatorOptions::default().rate_limit {
                1_000_000
            } else {
                options.rate_limit
            },
            ..options
        })
        .await
        .expect("emulator starts");
        Case {
            emulator,
            project: Project::new().file("main.hcl", config),
        }
    }

    /// Puts prompts into the org as someone in the console would.
    pub async fn seed(&self, prompts: Value) {
        let response = http()
            .post(format!("{}/__emulator/prompts", self.emulator.base_url()))
            .json(&prompts)
            .send()
            .await
            .expect("seed");
        assert!(
            response.status().is_success(),
            "seeding: {}",
            response.status()
        );
    }

    /// Records `(address, spec, version)` in the state as an earlier apply would.
    pub fn state(&self, entries: &[(&str, &Value, u64)], prevent_destroy: &[&str]) {
        let resources: serde_json::Map<String, Value> = entries
            .iter()
            .map(|(address, spec, version)| {
                let spec: PromptSpec = serde_json::from_value((*spec).clone()).expect("spec");
                let entry = json!({
                    "id": spec.id,
                    "version": version,
                    "attributes": spec.to_values(),
                    "prevent_destroy": prevent_destroy.contains(address),
                });
                ((*address).to_owned(), entry)
            })
            .collect();
        let state = json!({"format_version": 1, "serial": 4, "lineage": "test-lineage", "resources": resources});
        std::fs::create_dir_all(self.project.path().join("state")).expect("state dir");
        std::fs::write(
            self.project.path().join("state/assistform.state.json"),
            state.to_string(),
        )
        .expect("state");
    }

    pub async fn plan(&self, extra: &[&str]) -> Run {
        let mut args = vec!["plan", "."];
        args.extend(extra);
        self.run(&args).await
    }

    /// `assistform apply . --auto-approve EXTRA` against this org.
    pub async fn apply(&self, extra: &[&str]) -> Run {
        let mut args = vec!["apply", ".", "--auto-approve"];
        args.extend(extra);
        self.run(&args).await
    }

    /// `assistform ARGS --api-url <this org>` in the project, with its credentials.
    pub async fn run(&self, args: &[&str]) -> Run {
        self.run_env(args, &[]).await
    }

    /// [`Case::run`] with more environment variables.
    pub async fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let base = self.emulator.base_url();
        let mut args = args.to_vec();
        args.extend(["--api-url", &base]);
        let args: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
        let mut env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        env.push(("GENESYSCLOUD_OAUTHCLIENT_ID".into(), ID.into()));
        env.push(("GENESYSCLOUD_OAUTHCLIENT_SECRET".into(), SECRET.into()));
        let dir = self.project.path().to_path_buf();
        tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let env: Vec<(&str, &str)> =
                env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            crate::support::run_in(&dir, &args, &env)
        })
        .await
        .expect("assistform ran")
    }

    /// Starts `assistform apply . --auto-approve EXTRA` against this org as a child
    /// process, for a test that kills it or reads its output later.
    pub fn spawn_apply(&self, extra: &[&str]) -> std::process::Child {
        let mut command = std::process::Command::new(crate::support::binary());
        command
            .args([
                "apply",
                ".",
                "--auto-approve",
                "--api-url",
                &self.emulator.base_url(),
            ])
            .args(extra)
            .current_dir(self.project.path())
            .env("NO_COLOR", "1")
            .env("GENESYSCLOUD_OAUTHCLIENT_ID", ID)
            .env("GENESYSCLOUD_OAUTHCLIENT_SECRET", SECRET)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        command.spawn().expect("apply starts")
    }

    /// The plan as text, markdown and JSON, for one snapshot.
    pub async fn all_formats(&self) -> String {
        let text = self.plan(&[]).await;
        let markdown = self.plan(&["--format", "markdown"]).await;
        let json = self.plan(&["--json"]).await;
        assert_eq!(json.stdout.lines().count(), 1, "JSON is one line");
        let value: Value = serde_json::from_str(&json.stdout).expect("plan JSON");
        format!(
            "{}\n=== markdown\n{}\n=== json\n{}\n",
            text.transcript(),
            markdown.stdout,
            serde_json::to_string_pretty(&value).expect("pretty")
        )
    }
}

/// A prompt in the API's shape, as the emulator stores it.
pub fn live(id: &str, name: &str, content: &str) -> Value {
    json!({
        "id": id,
        "name": name,
        "description": "",
        "status": "active",
        "interactionTypes": ["conversation", "chat"],
        "trigger": {"type": "conversation", "conditions": [{"field": "accountStatus", "operator": "equals", "value": "on_hold"}]},
        "display": {"type": "popup", "content": content, "timeoutMs": 30000},
    })
}

pub fn with_version(mut prompt: Value, version: u64) -> Value {
    prompt["version"] = json!(version);
    prompt
}

impl Case {
    /// Every prompt the org holds, by id.
    pub async fn prompts(&self) -> std::collections::BTreeMap<String, Value> {
        let http = http();
        let token: Value = http
            .post(format!("{}/oauth/token", self.emulator.base_url()))
            .basic_auth(ID, Some(SECRET))
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await
            .expect("token")
            .json()
            .await
            .expect("token json");
        let page: Value = http
            .get(format!(
                "{}/api/v2/agent-assist/prompts?pageSize=500",
                self.emulator.base_url()
            ))
            .bearer_auth(token["access_token"].as_str().expect("access token"))
            .send()
            .await
            .expect("list")
            .json()
            .await
            .expect("list json");
        page["entities"]
            .as_array()
            .expect("entities")
            .iter()
            .map(|p| (p["id"].as_str().expect("id").to_owned(), p.clone()))
            .collect()
    }

    /// `/__emulator/stats`: request counts by method.
    pub async fn requests(&self, method: &str) -> u64 {
        let stats: Value = http()
            .get(format!("{}/__emulator/stats", self.emulator.base_url()))
            .send()
            .await
            .expect("stats")
            .json()
            .await
            .expect("stats json");
        stats["requests"][method].as_u64().unwrap_or(0)
    }
}

fn http() -> reqwest::Client {
    assistform::remote::install_crypto_provider();
    reqwest::Client::new()
}
