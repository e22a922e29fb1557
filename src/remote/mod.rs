//! The Genesys Cloud client: the only module that speaks HTTP.

pub mod region;
pub mod webhook;
mod writer;

/// Installs rustls's `ring` crypto provider for this process, once. reqwest is built
/// without a provider of its own (that would pull in a slow C build), so every HTTP
/// client — ours, and the tests' raw ones — calls this before it is built.
pub fn install_crypto_provider() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // Err means another provider is installed already, which serves as well.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

// The client: [`Connection`] says where and as whom; [`Client`] sends the requests,
// with the OAuth token, pacing under the rate limit, and retries of transient
// failures.
mod auth;
mod client;
mod error;
mod metrics;
mod options;
mod organization;
mod pacing;
mod prompts;
mod refresh;
mod retry;
mod settings;
mod wire;

pub use client::Client;
pub use error::RemoteError;
pub use metrics::ClientMetrics;
pub use options::ClientOptions;
pub use prompts::Outcome;
pub use refresh::PAGE_SIZE;
pub use retry::{RetryNotice, RetryObserver};
pub use settings::Connection;
