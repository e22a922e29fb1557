//! `state list | show | rm | mv`: read and edit the state by hand. Never a request
//! to Genesys: `rm` forgets a prompt, it does not delete it.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

use super::OpsError;
use super::address::prompt_label;
use super::edit::Edit;
use crate::import::hcl::{Extras, prompt_block};
use crate::state::{RenameError, State, StateLock};
use crate::suggest::did_you_mean;
use crate::validate::pii::mask_text;

#[derive(Clone, Debug, Default)]
pub struct StateListOptions {
    pub state_dir: PathBuf,
    /// Only the address that manages this prompt id.
    pub id: Option<String>,
}

/// The addresses in the state, sorted, with an unfinished apply's journal folded in.
///
/// # Errors
///
/// [`OpsError::NoAddressFor`] when `id` is given and no address manages it.
pub fn state_list(options: &StateListOptions) -> Result<Vec<String>, OpsError> {
    let state = Edit::read(&options.state_dir)?.state;
    match &options.id {
        Some(id) => match state.address_of(id) {
            Some(address) => Ok(vec![address.to_owned()]),
            None => Err(OpsError::NoAddressFor { id: id.clone() }),
        },
        None => Ok(state.resources.into_keys().collect()),
    }
}

#[derive(Clone, Debug, Default)]
pub struct StateShowOptions {
    pub state_dir: PathBuf,
    pub address: String,
}

/// One state entry, as `state show` gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shown {
    pub id: String,
    pub version: u64,
    /// The attributes last applied, as a formatted `prompt` block: PII masked,
    /// values from sensitive variables hidden.
    pub block: String,
}

/// The entry at `options.address`.
///
/// # Errors
///
/// When the address is not a prompt address, or not in the state.
pub fn state_show(options: &StateShowOptions) -> Result<Shown, OpsError> {
    let address = &options.address;
    let label = prompt_label(address)?;
    let state = Edit::read(&options.state_dir)?.state;
    let resource = state
        .resources
        .get(address)
        .ok_or_else(|| missing(address, &state))?;
    let mut spec = resource
        .spec()
        .map_err(|source| OpsError::UnreadableEntry {
            address: address.clone(),
            source,
        })?;
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
    Ok(Shown {
        id: resource.id.clone(),
        version: resource.version,
        block: crate::fmt::format(&block).unwrap_or(block),
    })
}

#[derive(Clone, Debug, Default)]
pub struct StateRmOptions {
    pub state_dir: PathBuf,
    /// The addresses to forget.
    pub addresses: Vec<String>,
    /// How long to wait for another run's lock.
    pub lock_timeout: Duration,
    /// The process environment: who runs it, and the audit key.
    pub env: Vec<(String, String)>,
}

/// An entry `state rm` forgot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Removed {
    pub address: String,
    pub id: String,
}

/// Forgets `options.addresses` (each once, sorted), audited; the prompts stay in
/// Genesys.
///
/// # Errors
///
/// When an address is not a prompt address or not in the state (nothing is
/// forgotten then), or an apply left a write in flight.
pub fn state_rm(options: &StateRmOptions) -> Result<Vec<Removed>, OpsError> {
    for address in &options.addresses {
        prompt_label(address)?;
    }
    let dir = &options.state_dir;
    let lock = StateLock::acquire(dir, "state rm", options.lock_timeout)?;
    let mut edit = Edit::settled(dir)?;
    if let Some(address) = options
        .addresses
        .iter()
        .find(|a| !edit.state.resources.contains_key(*a))
    {
        return Err(missing(address, &edit.state));
    }
    let addresses: Vec<String> = options
        .addresses
        .iter()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .cloned()
        .collect();
    let removed = addresses
        .iter()
        .filter_map(|address| {
            let resource = edit.state.resources.remove(address)?;
            Some(Removed {
                address: address.clone(),
                id: resource.id,
            })
        })
        .collect();
    edit.commit(dir, "state rm", addresses, None, &options.env)?;
    drop(lock);
    Ok(removed)
}

#[derive(Clone, Debug, Default)]
pub struct StateMvOptions {
    pub state_dir: PathBuf,
    /// The address the prompt is recorded under now.
    pub source: String,
    /// The address to record it under instead; must not be in the state.
    pub destination: String,
    /// How long to wait for another run's lock.
    pub lock_timeout: Duration,
    /// The process environment: who runs it, and the audit key.
    pub env: Vec<(String, String)>,
}

/// What `state mv` moved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Moved {
    /// The prompt's id.
    pub id: String,
    /// The destination's label, which the block should now have.
    pub label: String,
}

/// Records the entry at `options.source` under `options.destination`, and every
/// dependency on it (see [`State::rename`]), audited.
///
/// # Errors
///
/// When either is not a prompt address, the destination is taken, the source is
/// not in the state, or an apply left a write in flight.
pub fn state_mv(options: &StateMvOptions) -> Result<Moved, OpsError> {
    let (source, destination) = (&options.source, &options.destination);
    prompt_label(source)?;
    let label = prompt_label(destination)?.to_owned();
    let dir = &options.state_dir;
    let lock = StateLock::acquire(dir, "state mv", options.lock_timeout)?;
    let mut edit = Edit::settled(dir)?;
    let id = match edit.state.rename(source, destination) {
        Ok(resource) => resource.id.clone(),
        Err(RenameError::Occupied { id, .. }) => {
            return Err(OpsError::Occupied {
                address: destination.clone(),
                id,
            });
        }
        Err(_) => return Err(missing(source, &edit.state)),
    };
    edit.commit(
        dir,
        "state mv",
        vec![source.clone(), destination.clone()],
        None,
        &options.env,
    )?;
    drop(lock);
    Ok(Moved { id, label })
}

/// The error for an address the state does not hold, with the nearest it does.
fn missing(address: &str, state: &State) -> OpsError {
    OpsError::NotInState {
        address: address.to_owned(),
        suggestion: did_you_mean(address, state.resources.keys().map(String::as_str))
            .map(str::to_owned),
    }
}
