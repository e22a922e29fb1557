//! The command line: clap definitions, and one file per command that parses its
//! flags, calls one workflow of [`crate::ops`] and prints what comes back. The only
//! code that prints or chooses an exit code.

mod apply;
mod audit;
mod backend;
mod completions;
mod connect;
mod duration;
mod emulator;
mod fmt;
mod import;
mod man;
mod output;
mod plan;
mod progress;
mod show;
mod single_dash;
mod state_cmd;
mod state_move;
mod validate;
mod vars;
mod workspace;

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{CommandFactory, Parser, Subcommand};

pub use output::Output;

/// Genesys Cloud Agent Assist prompts as code.
#[derive(Debug, Parser)]
#[command(
    name = "assistform",
    version,
    about = "Genesys Cloud Agent Assist prompts as code: validate, plan and apply HCL configurations",
    after_help = "Examples:\n  assistform validate examples/quickstart\n  assistform fmt --check .\n  assistform -chdir=infra/prompts plan -out=tfplan   # Terraform's spellings work too",
    propagate_version = true
)]
struct Cli {
    /// Print no colour (also when NO_COLOR is set, or output is not a terminal).
    #[arg(long, global = true)]
    no_color: bool,
    /// Switch to DIR before anything else, as Terraform's `-chdir=DIR`: every path,
    /// `./state` included, is then relative to DIR.
    #[arg(long, value_name = "DIR")]
    chdir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Validate(validate::Args),
    Plan(plan::Args),
    Apply(apply::Args),
    /// Destroy every prompt the state manages: `apply --destroy`, with the plan shown
    /// and approval asked first, refusing what `prevent_destroy` protects.
    #[command(
        after_help = "Examples:\n  assistform destroy examples/quickstart --emulator\n  assistform plan --destroy --out destroy.tfplan && assistform apply destroy.tfplan"
    )]
    Destroy(apply::Args),
    Show(show::Args),
    Fmt(fmt::Args),
    Emulator(emulator::Args),
    Audit(audit::Args),
    Import(import::Args),
    State(state_cmd::Args),
    Workspace(workspace::Args),
    Completions(completions::Args),
    Man(man::Args),
}

/// The command line's definition: what `--help`, completions and the manual page
/// are made from.
pub fn command() -> clap::Command {
    Cli::command()
}

/// Exit codes, as Terraform's.
pub mod exit {
    pub const OK: i32 = 0;
    pub const ERROR: i32 = 1;
    pub const CHANGES: i32 = 2;
    /// `fmt --check` found files to format (Terraform uses 3 too).
    pub const FMT_CHANGES: i32 = 3;
}

/// Runs the command line `args` (program name first) and returns the exit code.
pub fn run(args: impl IntoIterator<Item = impl Into<OsString> + Clone>) -> i32 {
    let args = single_dash::rewrite(args.into_iter().map(Into::into));
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return if err.use_stderr() {
                exit::ERROR
            } else {
                exit::OK
            };
        }
    };
    let out = Output::new(cli.no_color);
    if let Some(dir) = &cli.chdir
        && let Err(err) = std::env::set_current_dir(dir)
    {
        out.error(&format!(
            "cannot change directory to `{}`: {err}",
            dir.display()
        ));
        return exit::ERROR;
    }
    let result = match cli.command {
        Command::Validate(args) => validate::run(args, &out),
        Command::Plan(args) => plan::run(args, &out),
        Command::Apply(args) => apply::run(args, &out),
        Command::Destroy(mut args) => {
            args.destroy = true;
            apply::run(args, &out)
        }
        Command::Show(args) => show::run(args, &out),
        Command::Fmt(args) => fmt::run(args, &out),
        Command::Emulator(args) => emulator::run(args, &out),
        Command::Audit(args) => audit::run(args, &out),
        Command::Import(args) => import::run(args, &out),
        Command::State(args) => state_cmd::run(args, &out),
        Command::Workspace(args) => workspace::run(args, &out),
        Command::Completions(args) => completions::run(args, &out),
        Command::Man(args) => man::run(args, &out),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            if let Some((config, diagnostics)) = err
                .downcast_ref::<crate::ops::OpsError>()
                .and_then(crate::ops::OpsError::diagnosed)
            {
                validate::render_all(diagnostics, config, &out);
            }
            out.error(&err.to_string());
            exit::ERROR
        }
    }
}

/// An error that ends a command: printed as `error: …` with exit code 1.
pub type Error = Box<dyn std::error::Error + Send + Sync>;
