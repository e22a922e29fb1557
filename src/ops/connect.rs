//! Reaching Genesys: a region or an API URL, or the built-in emulator, served from
//! this process.

use std::path::Path;

use super::OpsError;
use crate::config::GenesysSettings;
use crate::emulator::{Emulator, EmulatorOptions};
use crate::org::OrgSettings;
use crate::remote::{Client, ClientOptions, Connection};

/// The built-in emulator's org, in the state directory.
pub const EMULATOR_ORG: &str = "emulator-org.json";

/// Where to reach Genesys, over the configuration's `genesys` block and the
/// environment; and how the client behaves (its retries told to `client.on_retry`).
#[derive(Clone, Debug, Default)]
pub struct Connect {
    /// A region, such as `eu-west-1`, or its domain.
    pub region: Option<String>,
    /// An API base URL replacing the region's hosts.
    pub api_url: Option<String>,
    /// The built-in emulator instead, its org kept in the state directory.
    pub emulator: bool,
    pub client: ClientOptions,
}

impl Connect {
    /// These settings, or, when they name no place at all, the built-in emulator if
    /// a saved plan was made with it: a saved plan applies where it was made.
    pub fn or_emulator(&self, saved_with_emulator: bool) -> Connect {
        let named = self.emulator || self.region.is_some() || self.api_url.is_some();
        Connect {
            emulator: self.emulator || (!named && saved_with_emulator),
            ..self.clone()
        }
    }
}

/// A client, and the emulator it talks to when there is one (stopped when dropped).
pub(super) struct Remote {
    pub client: Client,
    _emulator: Option<Emulator>,
}

/// Connects as `connect`, `env` (the process environment) and the `genesys` block
/// say. Must run inside a tokio runtime: the emulator, when asked for, is served by
/// it, with the org's settings `org`.
pub(super) async fn connect(
    connect: &Connect,
    genesys: &GenesysSettings,
    org: &OrgSettings,
    state_dir: &Path,
    env: &[(String, String)],
) -> Result<Remote, OpsError> {
    if !connect.emulator {
        let connection = Connection::resolve(
            genesys,
            env,
            connect.region.as_deref(),
            connect.api_url.as_deref(),
        )?;
        let client = Client::new(connection, connect.client.clone())?;
        return Ok(Remote {
            client,
            _emulator: None,
        });
    }
    std::fs::create_dir_all(state_dir).map_err(|source| OpsError::Io {
        action: "create",
        path: state_dir.to_path_buf(),
        source,
    })?;
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
    let client = Client::new(connection, connect.client.clone())?;
    Ok(Remote {
        client,
        _emulator: Some(emulator),
    })
}
