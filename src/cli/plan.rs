//! `assistform plan`: what apply would change, for review.

use std::path::PathBuf;

use super::connect::{ConnectArgs, connect};
use super::validate::render_all;
use super::vars::VarArgs;
use super::{Error, Output, exit};
use crate::config::{self, Config};
use crate::diagnostic::{self, Diagnostic};
use crate::plan::{self, Inputs, Plan, render};
use crate::state::{self, State, journal};
use crate::validate::check_config;

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
}

pub fn run(args: Args, out: &mut Output) -> Result<i32, Error> {
    let format = if args.json { Format::Json } else { args.format };
    let Some(config) = load_valid(&args.dir, &args.vars, out)? else {
        return Ok(exit::ERROR);
    };
    let mut state = state::read(&args.state_dir)?.unwrap_or_else(|| State {
        lineage: String::new(),
        ..State::default()
    });
    let identity = state::managed::config_identity(&args.dir, &args.state_dir)?;
    state::managed::check(&state, &args.state_dir, &identity, args.config_moved)?;
    // An apply that died left its writes in the journal: count those that landed.
    let in_flight = journal::fold(&mut state, &journal::read(&args.state_dir)?);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let (live, client_id, org, place) = runtime.block_on(async {
        let remote = connect(
            &args.connect,
            &config.genesys,
            &config.validation,
            &args.state_dir,
        )
        .await?;
        let progress = super::progress::Refresh::new();
        let show = |done, total| progress.show(done, total);
        let (live, org) = tokio::join!(
            crate::kinds::genesys::read_all(&remote.client, &show),
            remote.client.organization()
        );
        progress.clear();
        let connection = remote.client.connection();
        Ok::<_, Error>((
            live?,
            connection.client_id().to_owned(),
            org?,
            connection.place().clone(),
        ))
    })?;
    journal::settle(&mut state, &in_flight, &live, &client_id);
    if let Some((with_org, diagnostics)) = org_phone_findings(&config, &org) {
        // Masked as the org's country reads them.
        render_all(&diagnostics, &with_org, out);
        out.error(&format!(
            "the configuration is invalid for the org `{}`: {}",
            org.name,
            count(&diagnostics)
        ));
        return Ok(exit::ERROR);
    }
    let mut plan = match plan::diff(&Inputs {
        config: &config,
        state: &state,
        live: &live,
        targets: &args.targets,
        refresh_only: args.refresh_only,
        destroy: args.destroy,
    }) {
        Ok(plan) => plan,
        Err(diagnostics) => {
            render_all(&diagnostics, &config, out);
            out.error(&format!("cannot make a plan: {}", count(&diagnostics)));
            return Ok(exit::ERROR);
        }
    };
    plan.org = Some(org);
    plan.emulator = args.connect.emulator();
    plan.genesys = place;
    plan.config = Some(identity);
    if let Some(path) = &args.out {
        let env: Vec<(String, String)> = std::env::vars().collect();
        plan::file::save(path, &plan, plan::file::PlanKey::from_env(&env).as_ref())?;
    }
    print(&plan, format, out);
    if let (Some(path), Format::Text) = (&args.out, format) {
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

/// The phone numbers that are PII in the org's own country, which `validate`
/// (offline, North America) could not know: `None` when the configuration names
/// its `phone_regions`, or the org's country adds nothing.
pub(super) fn org_phone_findings(
    config: &Config,
    org: &crate::org::Organization,
) -> Option<(Config, Vec<Diagnostic>)> {
    use crate::pii::PhoneRegions;
    let regions = PhoneRegions::for_country(org.default_country_code.as_deref());
    if config.phone_regions.is_some() || regions == PhoneRegions::north_america() {
        return None;
    }
    let with_org = Config {
        phone_regions: Some(regions),
        ..config.clone()
    };
    let found: Vec<Diagnostic> = check_config(&with_org)
        .into_iter()
        .filter(|d| d.is_error() && d.code == "pii.phone")
        .collect();
    (!found.is_empty()).then_some((with_org, found))
}

/// Prints `plan` in `format` on standard output.
pub fn print(plan: &Plan, format: Format, out: &mut Output) {
    match format {
        Format::Text => {
            let style = render::text::Style { color: out.color };
            out.stdout(&render::text::render(plan, style));
        }
        Format::Markdown => out.stdout(&render::markdown::render(plan)),
        Format::Json => out.stdout(&format!("{}\n", render::json::render(plan))),
    }
}

/// The configuration, or `None` after printing why it is not valid.
pub fn load_valid(
    dir: &std::path::Path,
    vars: &VarArgs,
    out: &mut Output,
) -> Result<Option<Config>, Error> {
    let loaded = config::load(dir, &vars.inputs())?;
    let mut diagnostics = loaded.diagnostics;
    diagnostics.extend(check_config(&loaded.config));
    diagnostic::sort(&mut diagnostics, &loaded.config.sources);
    render_all(&diagnostics, &loaded.config, out);
    if diagnostics.iter().any(Diagnostic::is_error) {
        out.error(&format!(
            "the configuration is invalid: {}",
            count(&diagnostics)
        ));
        return Ok(None);
    }
    Ok(Some(loaded.config))
}

fn count(diagnostics: &[Diagnostic]) -> String {
    let (errors, _) = diagnostic::counts(diagnostics);
    format!("{errors} error{}", if errors == 1 { "" } else { "s" })
}
