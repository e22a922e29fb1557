//! `assistform emulator`: the built-in Genesys Cloud emulator, until Ctrl-C.

use std::net::SocketAddr;
use std::path::PathBuf;

use super::{Error, Output, exit};
use crate::emulator::{Emulator, EmulatorOptions, read_clients};

/// Serve a local Genesys Cloud API (OAuth, prompts, Response Management, Agent
/// Copilot assistants, copilots and checklists, permissions, rate limits, faults).
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  assistform emulator --listen 127.0.0.1:8080 --client-id demo --client-secret demo
  ASSISTFORM_EMULATOR_CLIENT_SECRET=demo assistform emulator --client-id demo --data org.json --latency-ms 20 \\
      --fail-rate 0.05 --seed 42 --context-variables orderId,planName
  assistform emulator --client-id demo --client-secret-file demo.secret --clients clients.json

Point a configuration at it with `genesys { api_url = \"http://127.0.0.1:8080\" }`.
A clients file gives further OAuth clients, each with only its permissions:
  {\"clients\": [{\"id\": \"reader\", \"secret\": \"s3cret\", \"permissions\": [\"responses:response:view\"]}]}
Test controls live under /__emulator/ (stats, reset, prompts, responsemanagement, index, checklists, assistants, queues, clients, org, faults): see docs/emulator.md.")]
pub struct Args {
    /// The loopback address to listen on (port 0 picks a free port).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// The OAuth client id the emulator accepts; this client holds every permission.
    #[arg(long, value_name = "ID")]
    client_id: String,
    /// The OAuth client secret the emulator accepts. On the command line it shows in
    /// `ps`: prefer ASSISTFORM_EMULATOR_CLIENT_SECRET or --client-secret-file.
    #[arg(long, value_name = "SECRET", env = SECRET_VARIABLE, hide_env_values = true)]
    client_secret: Option<String>,
    /// Read the client secret from FILE (its first line).
    #[arg(long, value_name = "FILE")]
    client_secret_file: Option<PathBuf>,
    /// Further OAuth clients and their permissions, from a JSON FILE (see below).
    #[arg(long, value_name = "FILE")]
    clients: Option<PathBuf>,
    /// Load the org from FILE at start and save it there after every change.
    #[arg(long, value_name = "FILE")]
    data: Option<PathBuf>,
    /// Delay every /api/v2 request by this many milliseconds before processing it.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    latency_ms: u64,
    /// Requests allowed per rate window, per OAuth client.
    #[arg(long, value_name = "N", default_value_t = 300, value_parser = clap::value_parser!(u32).range(1..))]
    rate_limit: u32,
    /// The length of the rate window in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    rate_window: u64,
    /// Share of /api/v2 requests answered with a transient 503 (a tenth as often, a 500
    /// indexing timeout), from 0.0 to 1.0.
    #[arg(long, value_name = "RATE", default_value_t = 0.0, value_parser = fail_rate)]
    fail_rate: f64,
    /// Seed for the injected failures, to repeat a run exactly.
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// Lifetime of the bearer tokens in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 86_400, value_parser = clap::value_parser!(u64).range(1..))]
    token_ttl: u64,
    /// Context variables the org adds to the built-in ones.
    #[arg(long, value_name = "NAMES", value_delimiter = ',')]
    context_variables: Vec<String>,
    /// Strings the org allows in prompt content although they look like PII.
    #[arg(long, value_name = "VALUES", value_delimiter = ',')]
    pii_allow: Vec<String>,
    /// The org id that `GET /api/v2/organizations/me` answers; plans name their org by it.
    #[arg(long, value_name = "ID", default_value = crate::emulator::DEFAULT_ORG_ID)]
    org_id: String,
    /// The org's name.
    #[arg(long, value_name = "NAME", default_value = crate::emulator::DEFAULT_ORG_NAME)]
    org_name: String,
    /// What creating an agent checklist answers: 200 with the checklist, or 202 with
    /// `{}` (the checklist is created either way). Unconfirmed on real Genesys.
    #[arg(long, value_name = "STATUS", default_value_t = 200, value_parser = create_status)]
    checklist_create_status: u16,
    /// Queue ids the org knows besides its four default ones, so that assistants
    /// can be bound to them (POST /__emulator/queues adds more at run time).
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    queues: Vec<String>,
}

/// Where the emulator's client secret may come from, out of sight of `ps`.
const SECRET_VARIABLE: &str = "ASSISTFORM_EMULATOR_CLIENT_SECRET";

/// The secret from the file, the flag or the environment, in that order.
fn client_secret(args: &Args) -> Result<String, Error> {
    if let Some(path) = &args.client_secret_file {
        let text = std::fs::read_to_string(path).map_err(|e| {
            format!(
                "cannot read the client secret from `{}`: {e}",
                path.display()
            )
        })?;
        let secret = text.lines().next().unwrap_or("").trim();
        if secret.is_empty() {
            return Err(format!("`{}` holds no client secret", path.display()).into());
        }
        return Ok(secret.to_owned());
    }
    match &args.client_secret {
        Some(secret) if !secret.is_empty() => Ok(secret.clone()),
        _ => Err(format!(
            "the emulator needs a client secret: set {SECRET_VARIABLE}, or pass --client-secret-file FILE (or --client-secret, which other users can see in `ps`)"
        )
        .into()),
    }
}

fn fail_rate(s: &str) -> Result<f64, String> {
    let rate: f64 = s.parse().map_err(|_| format!("`{s}` is not a number"))?;
    if (0.0..=1.0).contains(&rate) {
        Ok(rate)
    } else {
        Err(format!("{rate} is not between 0.0 and 1.0"))
    }
}

fn create_status(s: &str) -> Result<u16, String> {
    match s {
        "200" => Ok(200),
        "202" => Ok(202),
        _ => Err(format!("`{s}` is neither 200 nor 202")),
    }
}

pub fn run(args: Args, out: &Output) -> Result<i32, Error> {
    let client_secret = client_secret(&args)?;
    let clients = match &args.clients {
        Some(path) => read_clients(path)?,
        None => Vec::new(),
    };
    let options = EmulatorOptions {
        listen: args.listen,
        client_id: args.client_id,
        client_secret,
        clients,
        data: args.data,
        latency_ms: args.latency_ms,
        rate_limit: args.rate_limit,
        rate_window_secs: args.rate_window,
        fail_rate: args.fail_rate,
        seed: args.seed,
        token_ttl_secs: args.token_ttl,
        context_variables: args.context_variables,
        pii_allow: args.pii_allow,
        org_id: args.org_id,
        org_name: args.org_name,
        checklist_create_status: args.checklist_create_status,
        queues: args.queues,
    };
    let client_id = options.client_id.clone();
    crate::ops::runtime()?.block_on(async {
        let emulator = Emulator::start(options).await?;
        out.stdout(&format!(
            "assistform emulator listening on {} (client id: {client_id})\n",
            emulator.base_url()
        ));
        stopped().await?;
        emulator.shutdown().await;
        Ok(exit::OK)
    })
}

/// Waits for Ctrl-C or, on Unix, SIGTERM.
async fn stopped() -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            result = tokio::signal::ctrl_c() => result,
            _ = term.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await
    }
}
