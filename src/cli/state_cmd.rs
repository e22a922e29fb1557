//! `assistform state list | show | rm | mv`: read and edit the state by hand. Never
//! a request to Genesys: `rm` forgets a prompt, it does not delete it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Subcommand;

use super::{Error, Output, exit};
use crate::audit::{self, AuditLog, Event};
use crate::import::hcl::{Extras, prompt_block};
use crate::import::labels::is_label;
use crate::state::{self, State, StateLock, journal};
use crate::suggest::did_you_mean;
use crate::validate::pii::mask_text;

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
}

#[derive(Debug, clap::Args)]
struct Lock {
    /// How long to wait for another run's lock, e.g. `30s` (default: fail at once).
    #[arg(long, value_name = "DURATION", default_value = "0s", value_parser = super::duration::parse)]
    lock_timeout: Duration,
}

pub fn run(args: Args, out: &mut Output) -> Result<i32, Error> {
    match args.command {
        StateCommand::List { id, dir } => list(&dir.state_dir, id.as_deref(), out),
        StateCommand::Show { address, dir } => show(&dir.state_dir, &address, out),
        StateCommand::Rm {
            addresses,
            dir,
            lock,
        } => rm(&dir.state_dir, &addresses, lock.lock_timeout, out),
        StateCommand::Mv {
            source,
            destination,
            dir,
            lock,
        } => mv(
            &dir.state_dir,
            &source,
            &destination,
            lock.lock_timeout,
            out,
        ),
    }
}

fn list(dir: &Path, id: Option<&str>, out: &mut Output) -> Result<i32, Error> {
    let state = current(dir)?;
    match id {
        Some(id) => match state.address_of(id) {
            Some(address) => out.stdout(&format!("{address}\n")),
            None => return Err(format!("no address in the state manages prompt id `{id}`").into()),
        },
        None => {
            let addresses: String = state.resources.keys().map(|a| format!("{a}\n")).collect();
            out.stdout(&addresses);
        }
    }
    Ok(exit::OK)
}

fn show(dir: &Path, address: &str, out: &mut Output) -> Result<i32, Error> {
    let label = label_of(address)?;
    let state = current(dir)?;
    let resource = state
        .resources
        .get(address)
        .ok_or_else(|| missing(address, &state))?;
    let mut spec = resource
        .spec()
        .map_err(|e| format!("the state entry for `{address}` cannot be read: {e}"))?;
    // PII is masked as well: values typed into the configuration, or recorded from
    // the console by `apply --refresh-only`, come from no sensitive variable.
    for text in [
        &mut spec.name,
        &mut spec.description,
        &mut spec.display.content,
    ] {
        *text = mask_text(text, &[]);
    }
    for c in &mut spec.trigger.conditions {
        c.value = mask_text(&c.value, &[]);
    }
    let extras = Extras {
        depends_on: &resource.depends_on,
        prevent_destroy: resource.prevent_destroy,
        sensitive: &resource.sensitive,
    };
    let block = prompt_block(label, &spec, &extras);
    let block = crate::fmt::format(&block).unwrap_or(block);
    out.stdout(&format!(
        "# {address}: id `{}`, version {} (the attributes last applied)\n{block}",
        resource.id, resource.version
    ));
    Ok(exit::OK)
}

fn rm(dir: &Path, addresses: &[String], timeout: Duration, out: &mut Output) -> Result<i32, Error> {
    for address in addresses {
        label_of(address)?;
    }
    let lock = StateLock::acquire(dir, "state rm", timeout)?;
    let mut edit = Edit::begin(dir)?;
    if let Some(address) = addresses
        .iter()
        .find(|a| !edit.state.resources.contains_key(*a))
    {
        return Err(missing(address, &edit.state).into());
    }
    let addresses: Vec<String> = addresses
        .iter()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .cloned()
        .collect();
    let mut report = String::new();
    for address in &addresses {
        if let Some(resource) = edit.state.resources.remove(address) {
            report.push_str(&format!(
                "Removed {address} (prompt id `{}`) from the state.\n",
                resource.id
            ));
        }
    }
    edit.commit(dir, "state rm", addresses, None)?;
    drop(lock);
    report.push_str(
        "Nothing was deleted in Genesys: the prompts stay there, no longer managed by assistform.\nRemove their blocks from the configuration too, or `assistform plan` will refuse to create prompts that already exist.\n",
    );
    out.stdout(&report);
    Ok(exit::OK)
}

fn mv(
    dir: &Path,
    source: &str,
    destination: &str,
    timeout: Duration,
    out: &mut Output,
) -> Result<i32, Error> {
    label_of(source)?;
    let new_label = label_of(destination)?;
    let lock = StateLock::acquire(dir, "state mv", timeout)?;
    let mut edit = Edit::begin(dir)?;
    let id = match edit.state.rename(source, destination) {
        Ok(resource) => resource.id.clone(),
        Err(state::RenameError::Occupied { id, .. }) => {
            return Err(format!(
                "`{destination}` is already in the state (prompt id `{id}`); `assistform state rm {destination}` first, or choose another address"
            )
            .into());
        }
        Err(_) => return Err(missing(source, &edit.state).into()),
    };
    edit.commit(
        dir,
        "state mv",
        vec![source.to_owned(), destination.to_owned()],
        None,
    )?;
    drop(lock);
    out.stdout(&format!(
        "Moved {source} to {destination} (prompt id `{id}`); nothing was changed in Genesys.\nRename its block to `prompt \"{new_label}\"` (and references to it) if not done yet: `assistform plan` then shows no change for it.\n"
    ));
    Ok(exit::OK)
}

/// The label of `address`, or why it is not a prompt address.
pub(super) fn label_of(address: &str) -> Result<&str, Error> {
    address
        .strip_prefix("prompt.")
        .filter(|l| is_label(l))
        .ok_or_else(|| {
            format!("`{address}` is not a prompt address: an address is `prompt.<label>`, the label a letter or `_` then letters, digits, `_` and `-`").into()
        })
}

/// The error for an address the state does not hold, with the nearest it does.
fn missing(address: &str, state: &State) -> String {
    let hint = did_you_mean(address, state.resources.keys().map(String::as_str))
        .map(|s| format!("; did you mean `{s}`?"))
        .unwrap_or_else(|| "; `assistform state list` shows what it holds".to_owned());
    format!("`{address}` is not in the state{hint}")
}

/// The state as the journal of an unfinished apply leaves it, without writing.
fn current(dir: &Path) -> Result<State, Error> {
    let mut state = state::read(dir)?.unwrap_or_default();
    journal::fold(&mut state, &journal::read(dir)?);
    Ok(state)
}

/// A state being edited under the lock: read, with an unfinished apply's journal
/// folded in (else a later fold would undo the edit), and written back.
pub(super) struct Edit {
    pub state: State,
    pub in_flight: Vec<journal::InFlight>,
    entries: Vec<journal::Entry>,
    /// The addresses the state held before the journal was folded in.
    existed: Vec<String>,
    /// The addresses of writes in flight that [`Edit::settle`] settled.
    settled: Vec<String>,
}

impl Edit {
    /// Reads the state; refuses when an apply left writes whose outcome only Genesys
    /// knows, unless the caller settles them (see [`Edit::settle`]).
    pub fn begin(dir: &Path) -> Result<Edit, Error> {
        let edit = Edit::begin_unsettled(dir)?;
        if let Some(first) = edit.in_flight.first() {
            return Err(format!(
                "an apply did not finish and its write to `{}` may or may not have landed; run `assistform apply --refresh-only` to settle it first",
                first.address
            )
            .into());
        }
        Ok(edit)
    }

    pub fn begin_unsettled(dir: &Path) -> Result<Edit, Error> {
        let mut state = state::read(dir)?.unwrap_or_else(|| State {
            lineage: String::new(),
            ..State::default()
        });
        let existed = state.resources.keys().cloned().collect();
        let entries = journal::read(dir)?;
        let in_flight = journal::fold(&mut state, &entries);
        Ok(Edit {
            state,
            in_flight,
            entries,
            existed,
            settled: Vec::new(),
        })
    }

    /// Settles the writes in flight by `live`, what Genesys holds (see
    /// [`journal::settle`]).
    pub fn settle(&mut self, live: &[crate::model::RemotePrompt], client_id: &str) {
        self.settled = journal::settle(&mut self.state, &self.in_flight, live, client_id);
    }

    /// Records the edit in the audit log — and any change of the folded journal
    /// that landed without a line of its own — then writes the state (atomically,
    /// the previous one kept as the backup, anchored to the record) and clears the
    /// journal folded into it.
    pub fn commit(
        mut self,
        dir: &Path,
        command: &str,
        addresses: Vec<String>,
        client_id: Option<&str>,
    ) -> Result<(), Error> {
        let env: Vec<(String, String)> = std::env::vars().collect();
        let settled: Vec<&journal::InFlight> = self
            .in_flight
            .iter()
            .filter(|f| self.settled.contains(&f.address))
            .collect();
        let owed = crate::apply::recovery::owed_lines(dir, &self.entries, &settled, &|a| {
            self.existed.iter().any(|e| e == a)
        })?;
        let log = AuditLog::open_keyed(
            dir,
            &uuid::Uuid::new_v4().to_string(),
            audit::AuditKey::from_env(&env),
        )?;
        log.append(Event::RunStarted {
            command: command.to_owned(),
            actor: audit::actor(client_id, &env),
            plan_digest: None,
        })?;
        for event in owed {
            log.append(event)?;
        }
        log.append(Event::StateEdit {
            command: command.to_owned(),
            addresses,
        })?;
        log.append(Event::RunFinished {
            command: command.to_owned(),
            outcome: "success".into(),
            totals: audit::Totals::default(),
        })?;
        self.state.audit = Some(log.head());
        state::write(dir, &mut self.state)?;
        if !self.entries.is_empty() {
            journal::clear(dir)?;
        }
        Ok(())
    }
}
