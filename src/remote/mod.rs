//! The Genesys Cloud client: the only module that speaks HTTP to Genesys.

// The regions at their old path, which the configuration's decoder still names;
// they live in `crate::region`, which the client and the configuration share.
pub use crate::region;
pub use crate::tls::install_crypto_provider;

// The client: [`Connection`] says where and as whom; [`Client`] sends the requests,
// with the OAuth token, pacing under the rate limit, and retries of transient
// failures.
mod auth;
mod client;
mod error;
mod metrics;
mod observer;
mod options;
mod organization;
mod pacing;
mod refresh;
mod rest;
mod retry;
mod settings;
mod wire;

pub use client::Client;
pub use error::RemoteError;
pub use metrics::ClientMetrics;
pub use observer::{RetryNotice, RetryObserver};
pub use options::ClientOptions;
pub use refresh::{PAGE_SIZE, Pages};
pub use rest::Outcome;
pub use settings::Connection;
