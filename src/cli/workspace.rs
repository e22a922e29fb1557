//! `assistform workspace list | new | select | show | delete`.

use std::path::PathBuf;
use std::time::Duration;

use clap::Subcommand;

use super::backend::BackendFlags;
use super::{Error, Output, exit};
use crate::ops::{self, WorkspaceOptions};

/// Workspaces: one configuration applied to several orgs or environments, each
/// with its own state in the same backend.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  assistform workspace new staging\n  assistform workspace select production\n  assistform plan --workspace staging\n  ASSISTFORM_WORKSPACE=staging assistform apply --auto-approve"
)]
pub struct Args {
    #[command(subcommand)]
    command: WorkspaceCommand,
    /// Where the local state lives, and where the selected workspace is remembered.
    #[arg(long, default_value = "state", global = true)]
    state_dir: PathBuf,
    #[command(flatten)]
    backend: BackendFlags,
    /// How long to wait for the workspace's lock, e.g. `30s` (default: fail at once).
    #[arg(long, value_name = "DURATION", default_value = "0s", value_parser = super::duration::parse, global = true)]
    lock_timeout: Duration,
}

#[derive(Debug, Subcommand)]
enum WorkspaceCommand {
    /// Every workspace, the one in use marked `*`.
    #[command(after_help = "Examples:\n  assistform workspace list")]
    List,
    /// Create a workspace with an empty state, and select it.
    #[command(after_help = "Examples:\n  assistform workspace new staging")]
    New { name: String },
    /// Use this workspace from now on (in this state directory).
    #[command(after_help = "Examples:\n  assistform workspace select production")]
    Select { name: String },
    /// The workspace in use.
    #[command(after_help = "Examples:\n  assistform workspace show")]
    Show,
    /// Delete a workspace's state: refused while it manages resources.
    #[command(after_help = "Examples:\n  assistform workspace delete staging")]
    Delete { name: String },
}

pub fn run(args: Args, out: &Output) -> Result<i32, Error> {
    let options = WorkspaceOptions {
        state_dir: args.state_dir,
        backend: args.backend.args(Some(std::path::Path::new("."))),
        lock_timeout: args.lock_timeout,
        env: std::env::vars().collect(),
    };
    match args.command {
        WorkspaceCommand::List => {
            let (all, current) = ops::workspace_list(&options)?;
            let text: String = all
                .iter()
                .map(|w| {
                    let mark = if *w == current { "*" } else { " " };
                    format!("{mark} {w}\n")
                })
                .collect();
            out.stdout(&text);
        }
        WorkspaceCommand::New { name } => {
            ops::workspace_new(&options, &name)?;
            out.stdout(&format!("Created and selected the workspace `{name}`.\n"));
        }
        WorkspaceCommand::Select { name } => {
            ops::workspace_select(&options, &name)?;
            out.stdout(&format!("Selected the workspace `{name}`.\n"));
        }
        WorkspaceCommand::Show => out.stdout(&format!("{}\n", ops::workspace_show(&options))),
        WorkspaceCommand::Delete { name } => {
            ops::workspace_delete(&options, &name)?;
            out.stdout(&format!("Deleted the workspace `{name}`.\n"));
        }
    }
    Ok(exit::OK)
}
