//! `assistform fmt`: rewrite configuration files in the canonical style.

use std::fs;
use std::path::{Path, PathBuf};

use super::{Error, Output, exit};
use crate::fmt::{FormatError, format};

/// Rewrite `*.hcl` files in the canonical style (two-space indent, aligned `=`).
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  assistform fmt                # format ./*.hcl in place\n  assistform fmt --check --diff examples/quickstart"
)]
pub struct Args {
    /// A directory (its `*.hcl` files) or a single file.
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Change nothing; list the files that are not formatted and exit 3 if any.
    #[arg(long)]
    check: bool,
    /// Show the changes as a unified diff.
    #[arg(long)]
    diff: bool,
    /// Also format the `*.hcl` files of subdirectories.
    #[arg(long)]
    recursive: bool,
}

pub fn run(args: Args, out: &Output) -> Result<i32, Error> {
    let files = if args.path.is_dir() {
        let mut files = Vec::new();
        collect(&args.path, args.recursive, &mut files)?;
        files
    } else {
        vec![args.path.clone()]
    };
    let mut failed = false;
    let mut unformatted = false;
    for file in files {
        let shown = crate::config::display_name(&file);
        let text = crate::input_file::read(&file, crate::config::MAX_CONFIG_FILE_BYTES)?;
        let Ok(text) = String::from_utf8(text) else {
            out.error(&format!("`{shown}` is not valid UTF-8"));
            failed = true;
            continue;
        };
        let formatted = match format(&text) {
            Ok(f) => f,
            Err(FormatError::Syntax {
                line,
                column,
                message,
            }) => {
                out.error(&format!("{shown}:{line}:{column}: invalid HCL: {message}"));
                failed = true;
                continue;
            }
        };
        if formatted == text {
            continue;
        }
        unformatted = true;
        out.stdout(&format!("{shown}\n"));
        if args.diff {
            let diff = similar::TextDiff::from_lines(&text, &formatted);
            let unified = diff.unified_diff().header(&shown, &shown).to_string();
            out.stdout(&unified);
        }
        if !args.check {
            fs::write(&file, formatted).map_err(|e| format!("cannot write `{shown}`: {e}"))?;
        }
    }
    Ok(if failed {
        exit::ERROR
    } else if args.check && unformatted {
        exit::FMT_CHANGES
    } else {
        exit::OK
    })
}

fn collect(dir: &Path, recursive: bool, files: &mut Vec<PathBuf>) -> Result<(), Error> {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            if recursive {
                collect(&path, recursive, files)?;
            }
        } else if path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(crate::config::is_configuration_name)
        {
            files.push(path);
        }
    }
    Ok(())
}
