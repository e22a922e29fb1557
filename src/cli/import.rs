//! `assistform import`: adopt prompts made outside assistform — one into the state
//! under an address the configuration has, or all of them as generated configuration.
//! Neither writes to Genesys.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use regex::Regex;

use super::connect::{ConnectArgs, connect};
use super::plan::load_valid;
use super::state_cmd::Edit;
use super::vars::VarArgs;
use super::{Error, Output, exit};
use crate::config::GenesysSettings;
use crate::diagnostic::Severity;
use crate::import;
use crate::kind::{Kind, Live};
use crate::kinds::{genesys, noun, parse_address};
use crate::org::OrgSettings;
use crate::state::{self, Resource, State, StateLock, journal};
use crate::suggest::did_you_mean;

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
}

pub fn run(args: Args, out: &mut Output) -> Result<i32, Error> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    match (&args.address, &args.id, &args.out) {
        (Some(address), Some(id), _) => runtime.block_on(one(&args, address, id, out)),
        (_, _, Some(file)) if args.all => runtime.block_on(all(&args, file, out)),
        _ => unreachable!("clap requires ADDR and ID, or --all and --out"),
    }
}

/// `import ADDR ID`: one GET, then the object is recorded in the state.
async fn one(args: &Args, given: &str, id: &str, out: &mut Output) -> Result<i32, Error> {
    let address = parse_address(given)?;
    let kind = crate::kinds::find(address.kind()).ok_or("an unknown kind")?;
    let name = kind.name();
    let dir = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let Some(config) = load_valid(&dir, &args.vars, out)? else {
        return Ok(exit::ERROR);
    };
    let Some(block) = config.resource(&address) else {
        let addresses: Vec<String> = config
            .resources
            .iter()
            .map(|r| r.address.to_string())
            .collect();
        let hint = did_you_mean(given, addresses.iter().map(String::as_str))
            .map(|s| format!(" Did you mean `{s}`?"))
            .unwrap_or_default();
        return Err(format!(
            "`{address}` is not in the configuration in `{}`: add a `{name} \"{}\" {{ … }}` block first, then import into it.{hint}",
            dir.display(),
            address.label()
        )
        .into());
    };
    if block.id() != id {
        // Else the next plan would replace the imported object: delete it, create another.
        return Err(format!(
            "`{address}` has the id `{}` in the configuration, not `{id}`; set `{} = \"{id}\"` in its block, so that plan does not replace the imported {name}",
            block.id(),
            kind.id_attribute()
        )
        .into());
    }
    let lock = StateLock::acquire(&args.state_dir, "import", args.lock_timeout)?;
    let mut edit = Edit::begin_unsettled(&args.state_dir)?;
    let identity = state::managed::config_identity(&dir, &args.state_dir)?;
    state::managed::check(&edit.state, &args.state_dir, &identity, false)?;
    edit.state.config = Some(identity);
    let remote = connect(
        &args.connect,
        &config.genesys,
        &config.validation,
        &args.state_dir,
    )
    .await?;
    let client = &remote.client;
    if !edit.in_flight.is_empty() {
        let live = genesys::read_all(client, &|_, _| {}).await?;
        edit.settle(&live, client.connection().client_id());
    }
    if let Some(there) = edit.state.resources.get(&address) {
        return Err(format!(
            "`{address}` is already in the state, managing {name} id `{}`; to import another {name} there, `assistform state rm {address}` first",
            there.id
        )
        .into());
    }
    if let Some(other) = edit.state.address_of(name, id) {
        return Err(format!("{name} id `{id}` is already managed as `{other}`").into());
    }
    let Some(live) = kind.get(client, id).await? else {
        return Err(format!(
            "there is no {name} with id `{id}` in the org ({})",
            client.connection().describe()
        )
        .into());
    };
    edit.state.resources.insert(
        address.clone(),
        Resource {
            id: id.to_owned(),
            version: live.version,
            attributes: live.values,
            prevent_destroy: block.lifecycle.prevent_destroy,
            depends_on: block.depends_on.iter().map(|d| d.address.clone()).collect(),
            sensitive: block.sensitive.iter().cloned().collect(),
        },
    );
    let client_id = client.connection().client_id().to_owned();
    edit.commit(
        &args.state_dir,
        "import",
        vec![address.to_string()],
        Some(&client_id),
    )?;
    drop(lock);
    out.stdout(&format!(
        "Imported {name} `{id}` (version {}) as {address}. Nothing was changed in Genesys.\nRun `assistform plan` to see any difference between the configuration and the imported {name}.\n",
        live.version
    ));
    Ok(exit::OK)
}

/// `import --all`: one list of the org, and a configuration file for what no state
/// entry manages.
async fn all(args: &Args, file: &Path, out: &mut Output) -> Result<i32, Error> {
    let filter = args
        .filter
        .as_deref()
        .map(Regex::new)
        .transpose()
        .map_err(|e| format!("`--filter` is not a valid regular expression: {e}"))?;
    if file.exists() && !args.force {
        return Err(format!(
            "`{}` exists; choose another file, or pass `--force` to overwrite it",
            file.display()
        )
        .into());
    }
    let mut state = state::read(&args.state_dir)?.unwrap_or_else(|| State {
        lineage: String::new(),
        ..State::default()
    });
    // An apply that died may have created objects its journal records: they are ours.
    let in_flight = journal::fold(&mut state, &journal::read(&args.state_dir)?);
    let remote = connect(
        &args.connect,
        &GenesysSettings::default(),
        &OrgSettings::default(),
        &args.state_dir,
    )
    .await?;
    let live = genesys::read_all(&remote.client, &|_, _| {}).await?;
    journal::settle(
        &mut state,
        &in_flight,
        &live,
        remote.client.connection().client_id(),
    );

    let (mut managed, mut filtered) = (0, 0);
    let adopt: Vec<(&'static dyn Kind, Vec<Live>)> = crate::kinds::all()
        .iter()
        .map(|&kind| {
            let objects = live
                .iter()
                .filter(|(k, _)| *k == kind.name())
                .map(|(_, l)| l)
                .filter(|l| {
                    let keep_managed = state.address_of(kind.name(), &l.id).is_none();
                    let keep_filter = filter.as_ref().is_none_or(|f| f.is_match(&l.id));
                    managed += usize::from(!keep_managed);
                    filtered += usize::from(keep_managed && !keep_filter);
                    keep_managed && keep_filter
                })
                .cloned()
                .collect();
            (kind, objects)
        })
        .collect();
    let noun = noun(
        adopt
            .iter()
            .filter(|(_, o)| !o.is_empty())
            .map(|(k, _)| k.name()),
    );
    let skipped = skipped(managed, filtered, noun);
    let n: usize = adopt.iter().map(|(_, o)| o.len()).sum();
    if n == 0 {
        out.stdout(&format!(
            "No {noun}s to import{skipped}; `{}` was not written.\n",
            file.display()
        ));
        return Ok(exit::OK);
    }
    let text: String = adopt
        .iter()
        .filter(|(_, o)| !o.is_empty())
        .map(|(kind, objects)| import::generate(*kind, objects))
        .collect::<Vec<_>>()
        .join("\n");
    write_private(file, &text, args.force)?;
    let failing = adopt
        .iter()
        .flat_map(|(kind, objects)| objects.iter().map(move |o| (*kind, o)))
        .filter(|(kind, o)| {
            import::problems(*kind, o)
                .iter()
                .any(|f| f.severity == Severity::Error)
        })
        .count();
    let mut report = format!(
        "Wrote {} to {} (mode 0600: it holds the org's content verbatim){skipped}.\n",
        count(n, noun),
        file.display()
    );
    if failing > 0 {
        report.push_str(&format!(
            "Validation problems in {}: the comments above them say which; `assistform plan` reports them until they are fixed.\n",
            count(failing, noun)
        ));
    }
    report.push_str(&format!(
        "Nothing was changed in Genesys or in the state. Next:\n  review {}\n  assistform plan     # shows {n} to import\n  assistform apply    # records them in the state\n",
        file.display()
    ));
    out.stdout(&report);
    Ok(exit::OK)
}

fn skipped(managed: usize, filtered: usize, noun: &str) -> String {
    let mut parts = Vec::new();
    if managed > 0 {
        parts.push(format!("{} already managed", count(managed, noun)));
    }
    if filtered > 0 {
        parts.push(format!("{filtered} not matching `--filter`"));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("; skipped {}", parts.join(" and "))
    }
}

fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// Writes `text` to `path` with mode 0600: never over an existing file unless
/// `force`, and then through a temporary file, so no reader sees half of it.
fn write_private(path: &Path, text: &str, force: bool) -> Result<(), Error> {
    let shown = path.display();
    let open = |target: &Path, create_new: bool| {
        let mut options = OpenOptions::new();
        options.write(true);
        if create_new {
            options.create_new(true);
        } else {
            options.create(true).truncate(true);
        }
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        options.open(target)
    };
    let target = if force {
        path.with_extension(format!("tmp.{}", std::process::id()))
    } else {
        path.to_path_buf()
    };
    let mut file = open(&target, !force).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => {
            format!("`{shown}` exists; choose another file, or pass `--force` to overwrite it")
        }
        _ => format!("cannot create `{}`: {e}", target.display()),
    })?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| format!("cannot write `{}`: {e}", target.display()))?;
    if force {
        fs::rename(&target, path).map_err(|e| format!("cannot replace `{shown}`: {e}"))?;
    }
    Ok(())
}
