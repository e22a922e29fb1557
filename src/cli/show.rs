//! `assistform show PLANFILE`: a saved plan, as `plan` printed it.

use std::path::PathBuf;

use super::plan::{Format, print};
use super::{Error, Output, exit};

/// Show a plan saved with `plan --out`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  assistform show plan.bin\n  assistform show --json plan.bin | jq '.resource_changes[].change.actions'"
)]
pub struct Args {
    /// The plan file.
    file: PathBuf,
    /// Print it as JSON, in the shape of `terraform show -json`.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args, out: &Output) -> Result<i32, Error> {
    let env: Vec<(String, String)> = std::env::vars().collect();
    let plan = crate::ops::saved_plan(&args.file, &env)?;
    print(
        &plan,
        if args.json {
            Format::Json
        } else {
            Format::Text
        },
        out,
    );
    Ok(exit::OK)
}
