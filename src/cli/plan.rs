//! `assistform plan`: what apply would change, for review.

use std::path::PathBuf;

use super::connect::ConnectArgs;
use super::progress::Console;
use super::vars::VarArgs;
use super::{Error, Output, exit};
use crate::ops::{self, Planning};
use crate::plan::{Plan, render};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Markdown,
    Json,
}

/// Show what apply would change: reads the configuration, the state and the live
/// prompts, and prints the difference.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  assistform plan examples/quickstart --emulator\n  assistform plan --out plan.bin --detailed-exitcode\n  assistform plan --format markdown > comment.md\n  assistform plan --destroy --out destroy.tfplan"
)]
pub struct Args {
    /// The configuration directory.
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// Save the plan for `assistform apply FILE`.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// How to print the plan.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Print the plan as one line of JSON (same as `--format json`).
    #[arg(long)]
    json: bool,
    /// Exit 0 with no changes, 2 with changes, 1 on error.
    #[arg(long)]
    detailed_exitcode: bool,
    /// Plan only this prompt and what it depends on (repeatable), e.g. `prompt.greeting`.
    #[arg(long = "target", value_name = "ADDR")]
    targets: Vec<String>,
    /// Only compare the state with Genesys: plan no changes, show the drift.
    #[arg(long)]
    refresh_only: bool,
    /// Plan to destroy every prompt the state manages (what `assistform destroy` does).
    #[arg(long, conflicts_with = "refresh_only")]
    destroy: bool,
    #[command(flatten)]
    vars: VarArgs,
    /// Where the state lives.
    #[arg(long, default_value = "state")]
    state_dir: PathBuf,
    /// The state manages this configuration under another path, from which it was
    /// moved: plan it anyway (the state records the new path at the next apply).
    #[arg(long)]
    config_moved: bool,
    #[command(flatten)]
    connect: ConnectArgs,
    #[command(flatten)]
    backend: super::backend::BackendFlags,
}

pub fn run(args: Args, out: &Output) -> Result<i32, Error> {
    let format = if args.json { Format::Json } else { args.format };
    let options = ops::PlanOptions {
        planning: Planning {
            dir: args.dir,
            vars: args.vars.inputs(),
            targets: args.targets,
            refresh_only: args.refresh_only,
            destroy: args.destroy,
            config_moved: args.config_moved,
        },
        state_dir: args.state_dir,
        backend: args.backend.args(None),
        out: args.out,
        connect: args.connect.connect(),
        env: std::env::vars().collect(),
    };
    let plan = ops::plan(&options, &Console::new(out))?;
    print(&plan, format, out);
    if let (Some(path), Format::Text) = (&options.out, format) {
        out.stdout(&format!(
            "\nSaved the plan to {}. To apply exactly these changes, run:\n  assistform apply {}\n",
            path.display(),
            path.display()
        ));
    }
    Ok(if args.detailed_exitcode && plan.has_changes() {
        exit::CHANGES
    } else {
        exit::OK
    })
}

/// Prints `plan` in `format` on standard output.
pub fn print(plan: &Plan, format: Format, out: &Output) {
    match format {
        Format::Text => {
            let style = render::text::Style { color: out.color };
            out.stdout(&render::text::render(plan, style));
        }
        Format::Markdown => out.stdout(&render::markdown::render(plan)),
        Format::Json => out.stdout(&format!("{}\n", render::json::render(plan))),
    }
}
