//! `import`: adopt prompts made outside assistform — one into the state under an
//! address the configuration has, or all of them as generated configuration.
//! Neither writes to Genesys.

use std::path::PathBuf;
use std::time::Duration;

use regex::Regex;

use super::address;
use super::config::load_checked;
use super::connect::{Connect, connect};
use super::edit::{Edit, claim};
use super::genesys;
use super::private_file::write_private;
use super::{Observer, OpsError, runtime};
use crate::backend::BackendArgs;
use crate::config::{GenesysSettings, VarInputs};
use crate::import;
use crate::kind::{Address, Kind, Live, LiveSet};
use crate::org::OrgSettings;
use crate::state::Resource;
use crate::suggest::did_you_mean;

#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// The address to record the prompt under: a block the configuration has.
    pub address: String,
    /// The prompt's id in Genesys.
    pub id: String,
    /// The configuration directory.
    pub dir: PathBuf,
    pub vars: VarInputs,
    pub state_dir: PathBuf,
    pub backend: BackendArgs,
    /// How long to wait for another run's lock.
    pub lock_timeout: Duration,
    pub connect: Connect,
    /// The process environment: credentials, and who runs it.
    pub env: Vec<(String, String)>,
}

/// The object `import` recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Imported {
    pub address: Address,
    pub version: u64,
}

/// One GET, then the object `options.id` is recorded in the state under
/// `options.address`, audited.
///
/// # Errors
///
/// When the address is not a block of the configuration with that id, the state
/// already manages either, or the org has no such object; nothing is written then.
pub fn import(options: &ImportOptions, observer: &dyn Observer) -> Result<Imported, OpsError> {
    let (id, dir) = (&options.id, &options.dir);
    let address = address::parse(&options.address)?;
    let config = load_checked(dir, &options.vars, observer)?;
    let Some(block) = config.resource(&address) else {
        let addresses: Vec<&str> = config
            .resources
            .iter()
            .map(|r| r.address.as_str())
            .collect();
        return Err(OpsError::NotConfigured {
            address: address.clone(),
            dir: dir.clone(),
            suggestion: did_you_mean(address.as_str(), addresses).map(str::to_owned),
        });
    };
    let kind = block.kind;
    if let (Some(configured), Some(id_attribute)) = (block.id(), kind.id_attribute())
        && configured != *id
    {
        // Else the next plan would replace the imported object: delete it, create another.
        return Err(OpsError::OtherId {
            address: address.clone(),
            id_attribute,
            configured: configured.to_owned(),
            given: id.clone(),
        });
    }
    let backend = super::open_backend(
        &options.state_dir,
        &options.backend,
        config.backend.as_ref(),
        &options.env,
    )?;
    let lock = backend.lock("import", options.lock_timeout)?;
    let mut edit = Edit::read(&backend)?;
    edit.state.config = Some(claim(&edit.state, dir, &backend, false)?);
    let imported = runtime().map_err(OpsError::Runtime)?.block_on(async {
        let remote = connect(
            &options.connect,
            &config.genesys,
            &config.validation,
            &options.state_dir,
            &options.env,
        )
        .await?;
        let client = &remote.client;
        if !edit.in_flight.is_empty() {
            let mut kinds = genesys::kinds_in_use(None, None, &edit.state);
            kinds.extend(
                edit.in_flight
                    .iter()
                    .filter_map(|f| crate::kinds::find(f.address.kind()))
                    .map(|k| k.name()),
            );
            let live = genesys::read_all(client, &kinds, &edit.state, &|_, _| {}).await?;
            edit.settle_except(&live, client.connection().client_id(), Some(&address))?;
        }
        if let Some(there) = edit.state.resources.get(&address) {
            return Err(OpsError::AlreadyImported {
                address: address.clone(),
                id: there.id.clone(),
            });
        }
        if let Some(other) = edit.state.address_of(kind.name(), id) {
            return Err(OpsError::AlreadyManaged {
                id: id.clone(),
                address: other.clone(),
            });
        }
        let Some(live) = kind.get(client, id).await? else {
            return Err(OpsError::NoSuchObject {
                kind: kind.name(),
                id: id.clone(),
                place: client.connection().describe(),
            });
        };
        Ok((live, client.connection().client_id().to_owned()))
    });
    let (live, client_id) = imported?;
    edit.state.resources.insert(
        address.clone(),
        Resource {
            id: id.clone(),
            version: live.version,
            attributes: live.values,
            prevent_destroy: block.lifecycle.prevent_destroy,
            depends_on: block.depends_on.iter().map(|d| d.address.clone()).collect(),
            sensitive: block.sensitive.iter().cloned().collect(),
        },
    );
    edit.commit(
        &backend,
        "import",
        vec![address.to_string()],
        Some(&client_id),
        &options.env,
    )?;
    drop(lock);
    Ok(Imported {
        address,
        version: live.version,
    })
}

#[derive(Clone, Debug, Default)]
pub struct ImportAllOptions {
    /// The configuration file to write, mode 0600.
    pub out: PathBuf,
    /// Only prompts whose id matches.
    pub filter: Option<Regex>,
    /// Overwrite `out` when it exists.
    pub force: bool,
    pub state_dir: PathBuf,
    pub backend: BackendArgs,
    pub connect: Connect,
    /// The process environment: credentials.
    pub env: Vec<(String, String)>,
}

/// What `import_all` adopted and passed over.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportedAll {
    /// The kinds the OAuth client may not read, each with the error that said so.
    pub unreadable: Vec<String>,
    /// What the objects are called: `prompt`, or `resource` for several kinds.
    pub noun: &'static str,
    /// Prompts written to the file; none written when 0.
    pub written: usize,
    /// Of those, the ones with validation problems (their comments say which).
    pub failing: usize,
    /// Prompts skipped because the state manages them.
    pub managed: usize,
    /// Prompts skipped because `filter` does not match their id.
    pub filtered: usize,
}

/// One list of the org, and a configuration file (`prompt` and `import` blocks) for
/// every prompt no state entry manages; the file holds the org's content verbatim.
/// Needs no configuration; writes nothing but the file.
///
/// # Errors
///
/// [`OpsError::Exists`] when the file exists and `force` is not set, and what
/// failed reading the state or the org, or writing the file.
pub fn import_all(options: &ImportAllOptions) -> Result<ImportedAll, OpsError> {
    let file = &options.out;
    if file.exists() && !options.force {
        return Err(OpsError::Exists { path: file.clone() });
    }
    // An apply that died may have created prompts its journal records: they are ours.
    let backend = super::open_backend(&options.state_dir, &options.backend, None, &options.env)?;
    let mut edit = Edit::read(&backend)?;
    let live = runtime().map_err(OpsError::Runtime)?.block_on(async {
        let remote = connect(
            &options.connect,
            &GenesysSettings::default(),
            &OrgSettings::default(),
            &options.state_dir,
            &options.env,
        )
        .await?;
        // Every kind this build manages, each read by itself: a kind the OAuth
        // client may not read is passed over, and said so, rather than failing
        // the import of the others.
        let mut live = LiveSet::default();
        let mut unreadable = Vec::new();
        for kind in crate::kinds::all() {
            if live.has(kind.name()) {
                continue; // it came along with another kind's listing
            }
            match kind.list_along(&remote.client, &live, &|_, _| {}).await {
                Ok((listed, along)) => {
                    live.extend(kind.name(), listed);
                    for guest in
                        crate::kinds::all().filter(|g| g.listed_with() == Some(kind.name()))
                    {
                        live.extend(guest.name(), []);
                    }
                    for (guest, object) in along {
                        live.extend(guest, [object]);
                    }
                }
                Err(e) if e.status() == Some(403) => {
                    unreadable.push(format!("{}: {e}", kind.plural_title()));
                }
                Err(e) => return Err(e.into()),
            }
        }
        edit.settle(&live, remote.client.connection().client_id())?;
        Ok::<_, OpsError>((live, unreadable))
    })?;
    let (mut live, unreadable) = live;
    let mut found = ImportedAll {
        unreadable,
        ..ImportedAll::default()
    };
    let mut adopt: Vec<(&'static dyn Kind, Vec<Live>)> = Vec::new();
    for kind in crate::kinds::all() {
        let objects: Vec<Live> = live
            .take(kind.name())
            .into_iter()
            .filter(|l| {
                let unmanaged = edit.state.address_of(kind.name(), &l.id).is_none();
                let matches = options.filter.as_ref().is_none_or(|f| f.is_match(&l.id));
                found.managed += usize::from(!unmanaged);
                found.filtered += usize::from(unmanaged && !matches);
                unmanaged && matches
            })
            .collect();
        if !objects.is_empty() {
            adopt.push((kind, objects));
        }
    }
    found.noun = crate::kinds::noun(adopt.iter().map(|(k, _)| k.name()));
    if adopt.is_empty() {
        return Ok(found);
    }
    // Every label first: a response refers to its library by the library's address.
    let mut labels: Vec<std::collections::BTreeMap<String, String>> = adopt
        .iter()
        .map(|(kind, objects)| import::block_labels(*kind, objects))
        .collect();
    // An object whose id is another's (a copilot's is its assistant's) takes
    // that object's label: `copilot.support` beside `assistant.support`.
    for i in 0..adopt.len() {
        let (kind, objects) = &adopt[i];
        let Some(owner) = kind
            .id_attribute()
            .and_then(|a| kind.schema().attributes.iter().find(|x| x.name == a))
            .and_then(|a| a.refers_to)
        else {
            continue;
        };
        for object in objects {
            let label = match edit.state.address_of(owner, &object.id) {
                Some(address) => Some(address.label().to_owned()),
                None => adopt
                    .iter()
                    .zip(&labels)
                    .find(|((k, _), _)| k.name() == owner)
                    .and_then(|(_, owned)| owned.get(&object.id).cloned()),
            };
            if let Some(label) = label {
                labels[i].insert(object.id.clone(), label);
            }
        }
    }
    let refer = |kind: &str, id: &str| -> Option<Address> {
        if let Some(address) = edit.state.address_of(kind, id) {
            return Some(address.clone());
        }
        adopt
            .iter()
            .zip(&labels)
            .find(|((k, _), _)| k.name() == kind)
            .and_then(|(_, labels)| labels.get(id))
            .map(|label| Address::new(kind, label))
    };
    let mut text = Vec::new();
    for ((kind, objects), labels) in adopt.iter().zip(&labels) {
        let generated = import::generate_with(*kind, objects, labels, &refer);
        found.written += objects.len();
        found.failing += generated.failing;
        text.push(generated.text);
    }
    write_private(file, text.join("\n").as_bytes(), options.force)?;
    Ok(found)
}
