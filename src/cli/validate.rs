//! `assistform validate`: every problem in a configuration, offline.

use std::path::PathBuf;

use serde_json::json;

use super::vars::VarArgs;
use super::{Error, Output, exit};
use crate::config::{Config, Loaded};
use crate::diagnostic::{self, Diagnostic, RenderOptions};
use crate::paint::plural;

/// Check a configuration offline: schema, values, context variables and PII.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  assistform validate examples/quickstart\n  assistform validate --json . | jq .error_count"
)]
pub struct Args {
    /// The configuration directory.
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// Print the result as JSON on standard output.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    vars: VarArgs,
}

pub fn run(args: Args, out: &Output) -> Result<i32, Error> {
    let Loaded {
        config,
        diagnostics,
    } = crate::ops::validate(&args.dir, &args.vars.inputs());
    let allow = &config.validation.pii_allow;
    let (errors, warnings) = diagnostic::counts(&diagnostics);
    if args.json {
        let diagnostics: Vec<Diagnostic> = diagnostics.iter().map(|d| d.masked(allow)).collect();
        let body = json!({
            "valid": errors == 0,
            "error_count": errors,
            "warning_count": warnings,
            "diagnostics": diagnostics,
        });
        out.stdout(&format!("{body}\n"));
    } else {
        render_all(&diagnostics, &config, out);
        if errors == 0 {
            out.stdout(&format!(
                "{} The configuration is valid ({}{}).\n",
                out.paint("1;32", "Success!"),
                plural(
                    config.resources.len(),
                    crate::kinds::noun(config.resources.iter().map(|r| r.kind.name()))
                ),
                some(warnings, "warning", ", ")
            ));
        } else {
            out.error(&format!(
                "the configuration is invalid: {}{}",
                plural(errors, "error"),
                some(warnings, "warning", " and ")
            ));
        }
    }
    Ok(if errors == 0 { exit::OK } else { exit::ERROR })
}

/// Prints every diagnostic to standard error, each followed by a blank line.
pub fn render_all(diagnostics: &[Diagnostic], config: &Config, out: &Output) {
    let options = RenderOptions {
        color: out.color,
        pii_allow: &config.validation.pii_allow,
        phone_regions: config.phone_regions.clone().unwrap_or_default(),
    };
    for d in diagnostics {
        let text = diagnostic::render(d, &config.sources, &options);
        out.stderr(&format!("{text}\n"));
    }
}

/// `sep` and `n` `noun`s, or nothing when there are none.
fn some(n: usize, noun: &str, sep: &str) -> String {
    if n == 0 {
        String::new()
    } else {
        format!("{sep}{}", plural(n, noun))
    }
}
