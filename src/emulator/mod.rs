//! The built-in Genesys Cloud emulator: the whole of API.md served on loopback, in
//! memory, optionally persisted to a JSON file.
//!
//! Tests and benchmarks start one in-process with [`Emulator::start`] on port 0; the
//! `assistform emulator` command runs one until interrupted. Nothing here prints.

mod admin;
mod auth;
mod body;
mod error;
mod faults;
mod holds;
mod limits;
mod organization;
mod prompts;
mod routes;
mod serve;
mod state;
mod stats;
mod store;
mod wire;

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use state::Shared;

/// How long [`Emulator::shutdown`] lets requests in flight finish before it drops them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// What an emulator serves and how it misbehaves; the flags of `assistform emulator`.
#[derive(Clone, Debug)]
pub struct EmulatorOptions {
    /// Where to listen; a loopback address only (port 0 picks a free port).
    pub listen: SocketAddr,
    /// The one OAuth client the emulator knows.
    pub client_id: String,
    pub client_secret: String,
    /// The file the org is loaded from and saved to; in memory only when `None`.
    pub data: Option<PathBuf>,
    /// Delay before each `/api/v2` request is processed.
    pub latency_ms: u64,
    /// Requests per window per OAuth client.
    pub rate_limit: u32,
    pub rate_window_secs: u64,
    /// Share of `/api/v2` requests answered with a transient failure, 0.0..=1.0.
    pub fail_rate: f64,
    /// Makes the injected failures repeatable.
    pub seed: Option<u64>,
    pub token_ttl_secs: u64,
    /// The org's context variables beyond the built-in ones.
    pub context_variables: Vec<String>,
    /// Strings the org allows in content although they look like PII.
    pub pii_allow: Vec<String>,
    /// What `GET /api/v2/organizations/me` answers: the org's id and name.
    pub org_id: String,
    pub org_name: String,
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
        }
    }
}

/// Why an emulator could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EmulatorError {
    #[error(
        "refusing to listen on `{addr}`: the emulator serves plain HTTP, so only on a loopback address such as 127.0.0.1"
    )]
    NotLoopback { addr: SocketAddr },
    #[error("cannot listen on `{addr}`: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("invalid emulator option `{name}`: {reason}")]
    InvalidOption { name: &'static str, reason: String },
    #[error("cannot read the emulator data file `{}`: {source}", path.display())]
    ReadData {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the emulator data file `{}` is not a valid org (line {line}, column {column}): {message}", path.display())]
    ParseData {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("the emulator data file `{}` has format version {found}; this build reads version {}", path.display(), store::FORMAT_VERSION)]
    DataFormat { path: PathBuf, found: u64 },
}

/// A running emulator. [`Emulator::shutdown`] stops it and waits until it has
/// stopped; dropping the handle stops it without waiting.
#[derive(Debug)]
pub struct Emulator {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Emulator {
    /// Loads the org (when `options.data` is set), binds `options.listen` and serves
    /// on the current tokio runtime.
    ///
    /// # Errors
    ///
    /// A non-loopback or unbindable address, an option out of range, or a data file
    /// that cannot be read or parsed (the file is then left as it is).
    pub async fn start(options: EmulatorOptions) -> Result<Emulator, EmulatorError> {
        if !options.listen.ip().is_loopback() {
            return Err(EmulatorError::NotLoopback {
                addr: options.listen,
            });
        }
        check_options(&options)?;
        let shared = Arc::new(Shared::new(options.clone())?);
        let listener = tokio::net::TcpListener::bind(options.listen)
            .await
            .map_err(|source| EmulatorError::Bind {
                addr: options.listen,
                source,
            })?;
        let addr = listener
            .local_addr()
            .map_err(|source| EmulatorError::Bind {
                addr: options.listen,
                source,
            })?;
        let (stop, stopped) = oneshot::channel::<()>();
        let app = routes::router(shared);
        let task = tokio::spawn(serve::serve(listener, app, stopped));
        Ok(Emulator {
            addr,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// The base URL that replaces both the API and the login host, e.g.
    /// `http://127.0.0.1:41234`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting connections and waits (a few seconds at most) for the
    /// requests in flight to finish.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(mut task) = self.task.take()
            && tokio::time::timeout(SHUTDOWN_GRACE, &mut task)
                .await
                .is_err()
        {
            task.abort();
        }
    }
}

impl Drop for Emulator {
    /// Stops the server without waiting: it closes its listener and idle connections
    /// at once and ends when the requests in flight are answered. Aborting instead
    /// would leave the per-connection tasks behind.
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

fn check_options(options: &EmulatorOptions) -> Result<(), EmulatorError> {
    if let Some((name, reason)) = faults::Faults::from_options(options).problem() {
        return Err(EmulatorError::InvalidOption {
            name,
            reason: reason.into(),
        });
    }
    if options.client_id.is_empty() {
        return Err(EmulatorError::InvalidOption {
            name: "client_id",
            reason: "must not be empty".into(),
        });
    }
    Ok(())
}
