//! The flags that choose the backend's workspace and settings, shared by every
//! command that reads or writes the state.

use std::path::Path;

use crate::backend::BackendArgs;

#[derive(Debug, Clone, Default, clap::Args)]
pub struct BackendFlags {
    /// The workspace: one configuration applied to several orgs or environments,
    /// each with its own state (default: the one `workspace select` chose, else
    /// `default`).
    #[arg(long, env = "ASSISTFORM_WORKSPACE", value_name = "NAME", global = true)]
    pub workspace: Option<String>,
    /// A setting of the configuration's backend, `KEY=VALUE` (repeatable): for pg,
    /// `conn_str=…` (else `PG_CONN_STR`, and the libpq variables `PGHOST`, `PGUSER`,
    /// `PGPASSWORD`, …).
    #[arg(long = "backend-config", value_name = "KEY=VALUE", value_parser = pair, global = true)]
    pub backend_config: Vec<(String, String)>,
}

impl BackendFlags {
    /// The backend arguments; `config_dir` is where to find the configuration's
    /// `backend` block for a command that reads no configuration itself.
    pub fn args(&self, config_dir: Option<&Path>) -> BackendArgs {
        BackendArgs {
            workspace: self.workspace.clone(),
            backend_config: self.backend_config.clone(),
            declared: config_dir.and_then(crate::config::declared_backend),
        }
    }
}

fn pair(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((key, value)) if !key.trim().is_empty() => {
            Ok((key.trim().to_owned(), value.to_owned()))
        }
        // The value is never echoed: it may be a connection string with a password.
        _ => Err("expected KEY=VALUE".to_owned()),
    }
}
