//! The Genesys client against the built-in emulator on 127.0.0.1 port 0: settings,
//! the prompts endpoints, refresh, and behaviour under injected faults.

mod connection;
mod faults;
mod prompts;

use std::time::Duration;

use assistform::kinds::prompt::model::PromptSpec;
use assistform::remote::{Client, ClientOptions, Connection};

use crate::emulator::{Emu, prompt};

/// Small waits, so that a test of retries takes a moment, not minutes.
pub fn fast() -> ClientOptions {
    ClientOptions {
        max_elapsed: Duration::from_secs(20),
        connect_timeout: Duration::from_secs(1),
        request_timeout: Duration::from_secs(5),
        base_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(50),
        indexing_backoff: Duration::from_millis(20),
        ..ClientOptions::default()
    }
}

pub fn client_with(emu: &Emu, options: ClientOptions) -> Client {
    let connection = Connection::explicit(&emu.emulator.base_url(), "test-client", "test-secret")
        .expect("a loopback URL is accepted");
    Client::new(connection, options).expect("a client")
}

pub fn client(emu: &Emu) -> Client {
    client_with(emu, fast())
}

/// A valid prompt with id `id`.
pub fn spec(id: &str) -> PromptSpec {
    serde_json::from_value(prompt(id)).expect("a prompt spec")
}

/// How many requests with `method` the emulator has processed.
pub async fn requests(emu: &Emu, method: &str) -> u64 {
    emu.stats().await["requests"][method].as_u64().unwrap_or(0)
}

pub async fn statuses(emu: &Emu, status: &str) -> u64 {
    emu.stats().await["status"][status].as_u64().unwrap_or(0)
}

/// Stores `n` prompts with ids `p0`, `p1`, …, and returns the ids sorted.
pub async fn seed(emu: &Emu, n: usize) -> Vec<String> {
    let mut ids: Vec<String> = (0..n).map(|i| format!("p{i}")).collect();
    let bodies: Vec<_> = ids.iter().map(|id| prompt(id)).collect();
    // In parts, under the emulator's limit of 1 MiB per request body.
    for part in bodies.chunks(1000) {
        emu.seed(part).await;
    }
    ids.sort();
    ids
}
