//! Reaching Genesys: the connection flags, and `--emulator`, which serves the org
//! from the built-in emulator in this process.

use std::path::Path;

use crate::config::GenesysSettings;
use crate::emulator::{Emulator, EmulatorOptions};
use crate::org::OrgSettings;
use crate::remote::{Client, ClientOptions, Connection, RetryNotice, RetryObserver};

#[derive(Debug, Clone, clap::Args)]
pub struct ConnectArgs {
    /// Genesys Cloud region, such as `eu-west-1`, or its domain (over `genesys { region }`
    /// and GENESYSCLOUD_REGION).
    #[arg(long)]
    region: Option<String>,
    /// An explicit API base URL, replacing the region's hosts (https; http only to loopback).
    #[arg(long, value_name = "URL")]
    api_url: Option<String>,
    /// Use the built-in emulator instead of Genesys Cloud: no account needed. Its org is
    /// kept in STATE_DIR/emulator-org.json.
    #[arg(long)]
    emulator: bool,
}

impl ConnectArgs {
    pub fn emulator(&self) -> bool {
        self.emulator
    }

    /// These flags, or, when they name no place at all, the built-in emulator if a
    /// saved plan was made with it: `apply PLANFILE` goes where the plan went.
    pub fn or_emulator(&self, saved_with_emulator: bool) -> ConnectArgs {
        let named = self.emulator || self.region.is_some() || self.api_url.is_some();
        ConnectArgs {
            emulator: self.emulator || (!named && saved_with_emulator),
            ..self.clone()
        }
    }
}

pub const EMULATOR_ORG: &str = "emulator-org.json";

/// A client, and the emulator it talks to when there is one (stopped when dropped).
pub struct Remote {
    pub client: Client,
    _emulator: Option<Emulator>,
}

/// The client's defaults, with every retry told on standard error: a run waiting
/// out a 429 or a 503 says so instead of going quiet.
fn options() -> ClientOptions {
    ClientOptions {
        on_retry: RetryObserver::new(|n: &RetryNotice| {
            use std::io::Write;
            let whose = if n.server_asked {
                ", as the server asked"
            } else {
                ""
            };
            let _ = writeln!(
                std::io::stderr().lock(),
                "{}: {} (attempt {} of {}); retrying in {:.1} s{whose}",
                n.request,
                n.reason,
                n.attempt,
                n.max_attempts,
                n.wait.as_secs_f64()
            );
        }),
        ..ClientOptions::default()
    }
}

/// Connects as the flags, environment and `genesys` block say. Must run inside a
/// tokio runtime: the emulator, when asked for, is served by it.
pub async fn connect(
    args: &ConnectArgs,
    genesys: &GenesysSettings,
    org: &OrgSettings,
    state_dir: &Path,
) -> Result<Remote, super::Error> {
    if !args.emulator {
        let env: Vec<(String, String)> = std::env::vars().collect();
        let connection = Connection::resolve(
            genesys,
            &env,
            args.region.as_deref(),
            args.api_url.as_deref(),
        )?;
        let client = Client::new(connection, options())?;
        return Ok(Remote {
            client,
            _emulator: None,
        });
    }
    std::fs::create_dir_all(state_dir)
        .map_err(|e| format!("cannot create `{}`: {e}", state_dir.display()))?;
    // A throw-away secret: the emulator lives and dies with this process.
    let secret = uuid::Uuid::new_v4().to_string();
    let emulator = Emulator::start(EmulatorOptions {
        client_id: "assistform".into(),
        client_secret: secret.clone(),
        data: Some(state_dir.join(EMULATOR_ORG)),
        context_variables: org.context_variables.clone(),
        pii_allow: org.pii_allow.clone(),
        ..EmulatorOptions::default()
    })
    .await?;
    let connection = Connection::explicit(&emulator.base_url(), "assistform", &secret)?;
    let client = Client::new(connection, options())?;
    Ok(Remote {
        client,
        _emulator: Some(emulator),
    })
}
