//! The built-in Genesys Cloud emulator: the whole of API.md, GENESYS.md's
//! Response Management and Agent Copilot (assistants, their queues and copilots,
//! agent checklists) served on loopback, in memory, optionally persisted to a JSON
//! file, with each OAuth client held to the permissions it was given.
//!
//! Tests and benchmarks start one in-process with [`Emulator::start`] on port 0; the
//! `assistform emulator` command runs one until interrupted. Nothing here prints.

mod admin;
mod assistant_admin;
mod assistant_checks;
mod assistant_queues;
mod assistant_store;
mod assistants;
mod auth;
mod body;
mod checklist_admin;
mod checklist_checks;
mod checklist_store;
mod checklists;
mod clients;
mod copilot_checks;
mod copilots;
mod cursor;
mod error;
mod faults;
mod holds;
mod libraries;
mod limits;
mod listing;
mod options;
mod organization;
mod permissions;
mod prompts;
mod queue_store;
mod response_admin;
mod response_checks;
mod response_store;
mod responses;
mod routes;
mod serve;
mod state;
mod stats;
mod store;
mod tokens;
mod wire;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use clients::{ClientGrant, read_clients};
pub use error::EmulatorError;
pub use options::{DEFAULT_ORG_ID, DEFAULT_ORG_NAME, EmulatorOptions};
use state::Shared;

/// How long [`Emulator::shutdown`] lets requests in flight finish before it drops them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

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
    if let Some(reason) = checklist_admin::create_status_problem(options.checklist_create_status) {
        return Err(EmulatorError::InvalidOption {
            name: "checklist_create_status",
            reason,
        });
    }
    if let Some(reason) = assistant_admin::queues_problem(options) {
        return Err(EmulatorError::InvalidOption {
            name: "queues",
            reason,
        });
    }
    if let Some(reason) = clients::options_problem(options) {
        return Err(EmulatorError::InvalidOption {
            name: "clients",
            reason,
        });
    }
    Ok(())
}
