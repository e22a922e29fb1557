//! `assistform import`: adopt prompts made outside assistform — one into the state
//! under an address the configuration has, or all of them as generated configuration.
//! Neither writes to Genesys.

use std::path::{Path, PathBuf};
use std::time::Duration;

use regex::Regex;

use super::connect::ConnectArgs;
use super::progress::Console;
use super::vars::VarArgs;
use super::{Error, Output, exit};
use crate::ops::{self, ImportAllOptions, ImportOptions, ImportedAll};
use crate::paint::plural;

/// Adopt prompts that already exist in the org: record one in the state, or write
/// configuration for all of them (`--all`). Nothing changes in Genesys.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  assistform import prompt.account_hold assist-prompt-001\n  assistform import prompt.greeting greeting examples/quickstart --emulator\n  assistform import --all --out imported.hcl\n  assistform import --all --out team-a.hcl --filter '^team-a-'"
)]
pub struct Args {
    /// The address to record the prompt under, `prompt.<label>`: a block the
    /// configuration has.
    #[arg(
        value_name = "ADDR",
        required_unless_present = "all",
        conflicts_with = "all"
    )]
    address: Option<String>,
    /// The prompt's id in Genesys.
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    id: Option<String>,
    /// The configuration directory.
    #[arg(conflicts_with = "all")]
    dir: Option<PathBuf>,
    /// Instead, write configuration (`prompt` and `import` blocks) for every prompt in
    /// the org that no state entry manages. Needs no configuration.
    #[arg(long, requires = "out")]
    all: bool,
    /// With `--all`: the file to write, mode 0600 (it holds the org's content verbatim).
    #[arg(long, value_name = "FILE", requires = "all")]
    out: Option<PathBuf>,
    /// With `--all`: only prompts whose id matches this regular expression, e.g. `^team-a-`.
    #[arg(long, value_name = "REGEX", requires = "all")]
    filter: Option<String>,
    /// With `--all`: overwrite FILE when it exists.
    #[arg(long, requires = "all")]
    force: bool,
    #[command(flatten)]
    vars: VarArgs,
    /// Where the state lives.
    #[arg(long, default_value = "state")]
    state_dir: PathBuf,
    /// How long to wait for another run's lock, e.g. `30s` (default: fail at once).
    #[arg(long, value_name = "DURATION", default_value = "0s", value_parser = super::duration::parse)]
    lock_timeout: Duration,
    #[command(flatten)]
    connect: ConnectArgs,
    #[command(flatten)]
    backend: super::backend::BackendFlags,
}

pub fn run(args: Args, out: &Output) -> Result<i32, Error> {
    let env: Vec<(String, String)> = std::env::vars().collect();
    let connect = args.connect.connect();
    match (args.address, args.id, args.out) {
        (Some(address), Some(id), _) => {
            let options = ImportOptions {
                address,
                id,
                dir: args.dir.unwrap_or_else(|| PathBuf::from(".")),
                vars: args.vars.inputs(),
                state_dir: args.state_dir,
                backend: args.backend.args(None),
                lock_timeout: args.lock_timeout,
                connect,
                env,
            };
            let imported = ops::import(&options, &Console::new(out))?;
            let kind = imported.address.kind();
            out.stdout(&format!(
                "Imported {kind} `{}` (version {}) as {}. Nothing was changed in Genesys.\nRun `assistform plan` to see any difference between the configuration and the imported {kind}.\n",
                options.id, imported.version, imported.address
            ));
        }
        (_, _, Some(file)) if args.all => {
            let filter = args
                .filter
                .as_deref()
                .map(Regex::new)
                .transpose()
                .map_err(|e| format!("`--filter` is not a valid regular expression: {e}"))?;
            let options = ImportAllOptions {
                out: file,
                filter,
                force: args.force,
                state_dir: args.state_dir,
                backend: args.backend.args(Some(std::path::Path::new("."))),
                connect,
                env,
            };
            let found = ops::import_all(&options)?;
            out.stdout(&report(&found, &options.out));
        }
        _ => unreachable!("clap requires ADDR and ID, or --all and --out"),
    }
    Ok(exit::OK)
}

/// What `import --all` says it did, and what to do next.
fn report(found: &ImportedAll, file: &Path) -> String {
    let mut skipped = Vec::new();
    if found.managed > 0 {
        skipped.push(format!(
            "{} already managed",
            plural(found.managed, found.noun)
        ));
    }
    if found.filtered > 0 {
        skipped.push(format!("{} not matching `--filter`", found.filtered));
    }
    let skipped = if skipped.is_empty() {
        String::new()
    } else {
        format!("; skipped {}", skipped.join(" and "))
    };
    let file = file.display();
    let unreadable: String = found
        .unreadable
        .iter()
        .map(|why| format!("Not read (the OAuth client may not): {why}\n"))
        .collect();
    if found.written == 0 {
        return format!(
            "{unreadable}No {}s to import{skipped}; `{file}` was not written.\n",
            found.noun
        );
    }
    let mut report = format!(
        "{unreadable}Wrote {} to {file} (mode 0600: it holds the org's content verbatim){skipped}.\n",
        plural(found.written, found.noun),
    );
    if found.failing > 0 {
        report.push_str(&format!(
            "Validation problems in {}: the comments above them say which; `assistform plan` reports them until they are fixed.\n",
            plural(found.failing, found.noun)
        ));
    }
    report.push_str(&format!(
        "Nothing was changed in Genesys or in the state. Next:\n  review {file}\n  assistform plan     # shows {} to import\n  assistform apply    # records them in the state\n",
        found.written
    ));
    report
}
