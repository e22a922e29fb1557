//! `state list | show | rm | mv`: read and edit the state by hand. Never a request
//! to Genesys: `rm` forgets an object, it does not delete it.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

use super::OpsError;
use super::address;
use super::edit::Edit;
use crate::backend::BackendArgs;
use crate::import::hcl::{self, Extras};
use crate::kind::{Address, values};
use crate::pii::mask_text;
use crate::state::{RenameError, State};
use crate::suggest::did_you_mean;

#[derive(Clone, Debug, Default)]
pub struct StateListOptions {
    pub state_dir: PathBuf,
    pub backend: BackendArgs,
    /// The process environment: the backend's credentials.
    pub env: Vec<(String, String)>,
    /// Only the addresses that manage this id.
    pub id: Option<String>,
}

/// The addresses in the state, sorted, with an unfinished apply's journal folded in.
///
/// # Errors
///
/// [`OpsError::NoAddressFor`] when `id` is given and no address manages it.
pub fn state_list(options: &StateListOptions) -> Result<Vec<String>, OpsError> {
    let backend = super::open_backend(&options.state_dir, &options.backend, None, &options.env)?;
    let state = Edit::read(&backend)?.state;
    let all = state.resources.into_iter();
    match &options.id {
        Some(id) => {
            let found: Vec<String> = all
                .filter(|(_, r)| r.id == *id)
                .map(|(a, _)| a.to_string())
                .collect();
            if found.is_empty() {
                return Err(OpsError::NoAddressFor { id: id.clone() });
            }
            Ok(found)
        }
        None => Ok(all.map(|(a, _)| a.to_string()).collect()),
    }
}

#[derive(Clone, Debug, Default)]
pub struct StateShowOptions {
    pub state_dir: PathBuf,
    pub backend: BackendArgs,
    /// The process environment: the backend's credentials.
    pub env: Vec<(String, String)>,
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
    let address = address::parse(&options.address)?;
    let backend = super::open_backend(&options.state_dir, &options.backend, None, &options.env)?;
    let state = Edit::read(&backend)?.state;
    let resource = state
        .resources
        .get(&address)
        .ok_or_else(|| missing(&address, &state))?;
    let kind = crate::kinds::find(address.kind()).ok_or_else(|| OpsError::NotAnAddress {
        address: address.to_string(),
    })?;
    // PII is masked as well: values typed into the configuration, or recorded from
    // the console by `apply --refresh-only`, come from no sensitive variable.
    let mut shown = resource.attributes.clone();
    values::map_strings(&mut shown, &|text| mask_text(text, &[]));
    let extras = Extras {
        refer: None,
        depends_on: &resource.depends_on,
        prevent_destroy: resource.prevent_destroy,
        sensitive: &resource.sensitive,
    };
    let block = hcl::block(kind, address.label(), &shown, &extras);
    Ok(Shown {
        id: resource.id.clone(),
        version: resource.version,
        block: crate::fmt::format(&block).unwrap_or(block),
    })
}

#[derive(Clone, Debug, Default)]
pub struct StateRmOptions {
    pub state_dir: PathBuf,
    pub backend: BackendArgs,
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
    pub address: Address,
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
    let addresses: BTreeSet<Address> = options
        .addresses
        .iter()
        .map(|a| address::parse(a))
        .collect::<Result<_, _>>()?;
    let backend = super::open_backend(&options.state_dir, &options.backend, None, &options.env)?;
    let lock = backend.lock("state rm", options.lock_timeout)?;
    let mut edit = Edit::settled(&backend)?;
    if let Some(address) = addresses
        .iter()
        .find(|a| !edit.state.resources.contains_key(*a))
    {
        return Err(missing(address, &edit.state));
    }
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
    let named = addresses.iter().map(ToString::to_string).collect();
    edit.commit(&backend, "state rm", named, None, &options.env)?;
    drop(lock);
    Ok(removed)
}

#[derive(Clone, Debug, Default)]
pub struct StateMvOptions {
    pub state_dir: PathBuf,
    pub backend: BackendArgs,
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
    /// The object's id.
    pub id: String,
    /// The destination, whose label the block should now have.
    pub to: Address,
}

/// Records the entry at `options.source` under `options.destination`, and every
/// dependency on it (see [`State::rename`]), audited.
///
/// # Errors
///
/// When either is not a prompt address, the destination is taken, the source is
/// not in the state, or an apply left a write in flight.
pub fn state_mv(options: &StateMvOptions) -> Result<Moved, OpsError> {
    let source = address::parse(&options.source)?;
    let destination = address::parse(&options.destination)?;
    let backend = super::open_backend(&options.state_dir, &options.backend, None, &options.env)?;
    let lock = backend.lock("state mv", options.lock_timeout)?;
    let mut edit = Edit::settled(&backend)?;
    let id = match edit.state.rename(&source, &destination) {
        Ok(resource) => resource.id.clone(),
        Err(RenameError::Occupied { id, .. }) => {
            return Err(OpsError::Occupied {
                address: destination,
                id,
            });
        }
        Err(RenameError::OtherKind { .. }) => {
            return Err(OpsError::NotAnAddress {
                address: destination.to_string(),
            });
        }
        Err(_) => return Err(missing(&source, &edit.state)),
    };
    edit.commit(
        &backend,
        "state mv",
        vec![source.to_string(), destination.to_string()],
        None,
        &options.env,
    )?;
    drop(lock);
    Ok(Moved {
        id,
        to: destination,
    })
}

/// The error for an address the state does not hold, with the nearest it does.
fn missing(address: &Address, state: &State) -> OpsError {
    OpsError::NotInState {
        address: address.to_string(),
        suggestion: did_you_mean(
            address.as_str(),
            state.resources.keys().map(Address::as_str),
        )
        .map(str::to_owned),
    }
}
