//! `assistform state list | show | rm | mv`: read and edit the state by hand. Never
//! a request to Genesys: `rm` forgets a prompt, it does not delete it.

use std::path::PathBuf;
use std::time::Duration;

use clap::Subcommand;

use super::{Error, Output, exit};
use crate::ops::{
    self, StateListOptions, StateMoveOptions, StateMvOptions, StateRmOptions, StateShowOptions,
};

/// Read or edit the state: which prompts assistform manages, under which addresses.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  assistform state list\n  assistform state list --id assist-prompt-001\n  assistform state show prompt.account_hold\n  assistform state rm prompt.old_banner\n  assistform state mv prompt.hold prompt.account_hold"
)]
pub struct Args {
    #[command(subcommand)]
    command: StateCommand,
}

#[derive(Debug, Subcommand)]
enum StateCommand {
    /// The addresses in the state, one per line, sorted.
    #[command(
        after_help = "Examples:\n  assistform state list\n  assistform state list --id assist-prompt-001   # which address manages this prompt"
    )]
    List {
        /// Only the address that manages this prompt id.
        #[arg(long)]
        id: Option<String>,
        #[command(flatten)]
        dir: Dir,
    },
    /// The attributes last applied to one prompt, with its id and version (PII masked,
    /// values from sensitive variables hidden).
    #[command(after_help = "Examples:\n  assistform state show prompt.account_hold")]
    Show {
        /// The address, `prompt.<label>`.
        address: String,
        #[command(flatten)]
        dir: Dir,
    },
    /// Forget prompts: they stay in Genesys, and assistform no longer manages them.
    #[command(
        after_help = "Examples:\n  assistform state rm prompt.old_banner\n  assistform state rm prompt.a prompt.b --lock-timeout 30s"
    )]
    Rm {
        /// The addresses to forget.
        #[arg(required = true)]
        addresses: Vec<String>,
        #[command(flatten)]
        dir: Dir,
        #[command(flatten)]
        lock: Lock,
    },
    /// Print the state as JSON on standard output.
    #[command(after_help = "Examples:\n  assistform state pull > backup.json")]
    Pull {
        #[command(flatten)]
        dir: Dir,
    },
    /// Write a state file over the backend's: refused for another lineage or an
    /// older serial.
    #[command(after_help = "Examples:\n  assistform state push backup.json")]
    Push {
        file: PathBuf,
        #[command(flatten)]
        dir: Dir,
        #[command(flatten)]
        lock: Lock,
    },
    /// Move the state, its settled journal and its audit record to another backend.
    #[command(
        after_help = "Examples:\n  PG_CONN_STR=postgres://ci@db/assistform assistform state migrate --to pg\n  assistform state migrate --to local"
    )]
    Migrate {
        /// The backend to move to.
        #[arg(long, value_parser = ["pg", "local"])]
        to: String,
        /// With `--to pg`: the schema (default: the configuration's, else `assistform`).
        #[arg(long)]
        schema_name: Option<String>,
        #[command(flatten)]
        dir: Dir,
        #[command(flatten)]
        lock: Lock,
    },
    /// Rename an address (after renaming the `prompt` block's label).
    #[command(after_help = "Examples:\n  assistform state mv prompt.hold prompt.account_hold")]
    Mv {
        /// The address the prompt is recorded under now.
        source: String,
        /// The address to record it under instead; must not be in the state.
        destination: String,
        #[command(flatten)]
        dir: Dir,
        #[command(flatten)]
        lock: Lock,
    },
}

#[derive(Debug, clap::Args)]
struct Dir {
    /// Where the state lives.
    #[arg(long, default_value = "state")]
    state_dir: PathBuf,
    #[command(flatten)]
    backend: super::backend::BackendFlags,
}

#[derive(Debug, clap::Args)]
struct Lock {
    /// How long to wait for another run's lock, e.g. `30s` (default: fail at once).
    #[arg(long, value_name = "DURATION", default_value = "0s", value_parser = super::duration::parse)]
    lock_timeout: Duration,
}

fn moving(dir: Dir, lock_timeout: std::time::Duration) -> StateMoveOptions {
    StateMoveOptions {
        backend: dir.backend.args(Some(std::path::Path::new("."))),
        state_dir: dir.state_dir,
        lock_timeout,
        env: std::env::vars().collect(),
    }
}

pub fn run(args: Args, out: &Output) -> Result<i32, Error> {
    match args.command {
        StateCommand::Pull { dir } => {
            return super::state_move::pull(&moving(dir, Duration::ZERO), out);
        }
        StateCommand::Push { file, dir, lock } => {
            return super::state_move::push(&moving(dir, lock.lock_timeout), &file, out);
        }
        StateCommand::Migrate {
            to,
            schema_name,
            dir,
            lock,
        } => {
            return super::state_move::migrate(
                &moving(dir, lock.lock_timeout),
                &to,
                schema_name,
                out,
            );
        }
        StateCommand::List { id, dir } => {
            let options = StateListOptions {
                backend: dir.backend.args(Some(std::path::Path::new("."))),
                env: std::env::vars().collect(),
                state_dir: dir.state_dir,
                id,
            };
            let addresses: String = ops::state_list(&options)?
                .iter()
                .map(|a| format!("{a}\n"))
                .collect();
            out.stdout(&addresses);
        }
        StateCommand::Show { address, dir } => {
            let options = StateShowOptions {
                backend: dir.backend.args(Some(std::path::Path::new("."))),
                env: std::env::vars().collect(),
                state_dir: dir.state_dir,
                address,
            };
            let shown = ops::state_show(&options)?;
            out.stdout(&format!(
                "# {}: id `{}`, version {} (the attributes last applied)\n{}",
                options.address, shown.id, shown.version, shown.block
            ));
        }
        StateCommand::Rm {
            addresses,
            dir,
            lock,
        } => {
            let options = StateRmOptions {
                backend: dir.backend.args(Some(std::path::Path::new("."))),
                state_dir: dir.state_dir,
                addresses,
                lock_timeout: lock.lock_timeout,
                env: std::env::vars().collect(),
            };
            let mut report = String::new();
            let removed = ops::state_rm(&options)?;
            for r in &removed {
                report.push_str(&format!(
                    "Removed {} ({} id `{}`) from the state.\n",
                    r.address,
                    r.address.kind(),
                    r.id
                ));
            }
            let noun = crate::kinds::noun(removed.iter().map(|r| r.address.kind()));
            report.push_str(&format!(
                "Nothing was deleted in Genesys: the {noun}s stay there, no longer managed by assistform.\nRemove their blocks from the configuration too, or `assistform plan` will refuse to create {noun}s that already exist.\n",
            ));
            out.stdout(&report);
        }
        StateCommand::Mv {
            source,
            destination,
            dir,
            lock,
        } => {
            let options = StateMvOptions {
                backend: dir.backend.args(Some(std::path::Path::new("."))),
                state_dir: dir.state_dir,
                source,
                destination,
                lock_timeout: lock.lock_timeout,
                env: std::env::vars().collect(),
            };
            let moved = ops::state_mv(&options)?;
            let to = &moved.to;
            out.stdout(&format!(
                "Moved {} to {to} ({} id `{}`); nothing was changed in Genesys.\nRename its block to `{} \"{}\"` (and references to it) if not done yet: `assistform plan` then shows no change for it.\n",
                options.source,
                to.kind(),
                moved.id,
                to.kind(),
                to.label()
            ));
        }
    }
    Ok(exit::OK)
}
