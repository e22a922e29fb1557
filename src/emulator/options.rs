//! The options an emulator starts with, and the org it is unless told otherwise.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use super::clients::ClientGrant;

/// What an emulator serves and how it misbehaves; the flags of `assistform emulator`.
#[derive(Clone)]
pub struct EmulatorOptions {
    /// Where to listen; a loopback address only (port 0 picks a free port).
    pub listen: SocketAddr,
    /// The OAuth client the emulator always knows; it holds every permission.
    pub client_id: String,
    pub client_secret: String,
    /// Further OAuth clients, each with only the permissions it is given (the
    /// client above holds every permission).
    pub clients: Vec<ClientGrant>,
    /// The file the org is loaded from and saved to; in memory only when `None`.
    pub data: Option<PathBuf>,
    /// Delay before each `/api/v2` request is processed.
    pub latency_ms: u64,
    /// Requests per window per OAuth client.
    pub rate_limit: u32,
    pub rate_window_secs: u64,
    /// Share of `/api/v2` requests answered with a transient failure, 0.0..=1.0.
    pub fail_rate: f64,
    /// Makes the injected failures, and the ids of created objects, repeatable.
    pub seed: Option<u64>,
    pub token_ttl_secs: u64,
    /// The org's context variables beyond the built-in ones.
    pub context_variables: Vec<String>,
    /// Strings the org allows in content although they look like PII.
    pub pii_allow: Vec<String>,
    /// What `GET /api/v2/organizations/me` answers: the org's id and name.
    pub org_id: String,
    pub org_name: String,
    /// What `POST /api/v2/assistants/agentchecklists` answers: 200 with the new
    /// checklist, or 202 with `{}` (GENESYS.md leaves it open). Created either way.
    pub checklist_create_status: u16,
    /// Queue ids the org knows besides the default ones: assistants can be bound
    /// to these (and to those `POST /__emulator/queues` adds).
    pub queues: Vec<String>,
}

/// The org id an emulator has unless told otherwise: the same in every process, so
/// a plan made with `--emulator` applies with `--emulator`.
pub const DEFAULT_ORG_ID: &str = "emulator-org";
pub const DEFAULT_ORG_NAME: &str = "Emulated org";

impl Default for EmulatorOptions {
    fn default() -> EmulatorOptions {
        EmulatorOptions {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            client_id: "demo".into(),
            client_secret: "demo".into(),
            clients: Vec::new(),
            data: None,
            latency_ms: 0,
            rate_limit: 300,
            rate_window_secs: 60,
            fail_rate: 0.0,
            seed: None,
            token_ttl_secs: 86_400,
            context_variables: Vec::new(),
            pii_allow: Vec::new(),
            org_id: DEFAULT_ORG_ID.into(),
            org_name: DEFAULT_ORG_NAME.into(),
            checklist_create_status: 200,
            queues: Vec::new(),
        }
    }
}

impl std::fmt::Debug for EmulatorOptions {
    // Written out so that the secret stays out of every log line and panic message.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmulatorOptions")
            .field("listen", &self.listen)
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("clients", &self.clients)
            .field("data", &self.data)
            .field("latency_ms", &self.latency_ms)
            .field("rate_limit", &self.rate_limit)
            .field("rate_window_secs", &self.rate_window_secs)
            .field("fail_rate", &self.fail_rate)
            .field("seed", &self.seed)
            .field("token_ttl_secs", &self.token_ttl_secs)
            .field("context_variables", &self.context_variables)
            .field("pii_allow", &self.pii_allow)
            .field("org_id", &self.org_id)
            .field("org_name", &self.org_name)
            .field("checklist_create_status", &self.checklist_create_status)
            .field("queues", &self.queues)
            .finish()
    }
}
