//! The connection flags, and what a run says while it waits out a 429 or a 503.

use crate::ops::Connect;
use crate::remote::{ClientOptions, RetryNotice, RetryObserver};

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
    /// Where the flags say to connect, with every retry told on standard error: a
    /// run waiting out a 429 or a 503 says so instead of going quiet.
    pub fn connect(&self) -> Connect {
        Connect {
            region: self.region.clone(),
            api_url: self.api_url.clone(),
            emulator: self.emulator,
            client: ClientOptions {
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
            },
        }
    }
}
