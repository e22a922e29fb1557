//! `assistform validate`: every problem in a configuration, offline.

use std::path::PathBuf;

use serde_json::json;

use super::vars::VarArgs;
use super::{Error, Output, exit};
use crate::config::{self, Config};
use crate::diagnostic::{self, Diagnostic, RenderOptions};
use crate::validate::check_config;

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

pub fn run(args: Args, out: &mut Output) -> Result<i32, Error> {
    let (config, diagnostics) = match config::load(&args.dir, &args.vars.inputs()) {
        Ok(loaded) => {
            let mut diagnostics = loaded.diagnostics;
            diagnostics.extend(check_config(&loaded.config));
            diagnostic::sort(&mut diagnostics, &loaded.config.sources);
            (loaded.config, diagnostics)
        }
        Err(err) => (
            Config::default(),
            vec![Diagnostic::error("config.read", err.to_string())],
        ),
    };
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
            let noun = resource_noun(&config);
            out.stdout(&format!(
                "{} The configuration is valid ({} {noun}{}).\n",
                out.paint("1;32", "Success!"),
                config.resources.len(),
                plural(warnings, "warning", ", ")
            ));
        } else {
            out.error(&format!(
                "the configuration is invalid: {}{}",
                count(errors, "error"),
                plural(warnings, "warning", " and ")
            ));
        }
    }
    Ok(if errors == 0 { exit::OK } else { exit::ERROR })
}

/// Prints every diagnostic to standard error, each followed by a blank line.
pub fn render_all(diagnostics: &[Diagnostic], config: &Config, out: &mut Output) {
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

fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

fn plural(n: usize, noun: &str, sep: &str) -> String {
    if n == 0 {
        String::new()
    } else {
        format!("{sep}{}", count(n, noun))
    }
}

/// What the configuration holds, counted: `prompt`/`prompts` when every block is of
/// one kind (or of the first kind, when there are none), `resource`/`resources`
/// when kinds are mixed.
fn resource_noun(config: &crate::config::Config) -> String {
    let name = crate::kinds::noun(config.resources.iter().map(|r| r.kind.name()));
    if config.resources.len() == 1 {
        name.to_owned()
    } else {
        format!("{name}s")
    }
}
