//! HCL configuration → [`Config`]: read every `*.hcl` file of a directory, resolve
//! variables and locals, and decode the blocks into typed values that remember where
//! in the source each one came from.

mod backend_block;
pub(crate) mod decode;
pub(crate) mod eval;
mod files;
mod size;

pub use crate::input_file::display_name;
pub use crate::region::GenesysSettings;
pub use backend_block::declared_backend;
pub use files::{MAX_CONFIG_FILE_BYTES, MAX_VARS_FILE_BYTES, is_configuration_name};
mod variables;

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use crate::diagnostic::{Diagnostic, SourceFile, SourceRange};
use crate::kind::{Address, Kind, Native};
use crate::org::OrgSettings;
use crate::pii::PhoneRegions;

/// A configuration directory, decoded. Produced even when some blocks had errors, so
/// that validation can report every problem in one run.
#[derive(Clone, Debug, Default)]
pub struct Config {
    pub sources: Vec<SourceFile>,
    /// Every resource block, of every kind, in the order they are written.
    pub resources: Vec<ResourceConfig>,
    pub genesys: GenesysSettings,
    pub validation: OrgSettings,
    /// The `validation` block's `phone_regions`; when absent, the org's country
    /// where the org is known, North America where it is not.
    pub phone_regions: Option<PhoneRegions>,
    pub hooks: Vec<Hook>,
    pub imports: Vec<Import>,
    pub moves: Vec<Moved>,
    /// The `backend` block: where the state lives. `None`: the local files.
    pub backend: Option<crate::backend::Declared>,
    /// Where each address is in `resources`: a plan over thousands of blocks looks
    /// each up by address.
    index: BTreeMap<Address, usize>,
}

/// An `import` block: adopt the existing object `id` as `to`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Import {
    pub to: Address,
    pub id: String,
    /// Where `id` is written.
    pub location: Located,
    /// Where `to` is written.
    pub target: Located,
}

/// A `moved` block: the object once addressed `from` is now `to`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Moved {
    pub from: Address,
    pub to: Address,
    pub location: Located,
}

/// The longest an `on_apply` hook may be given (`timeout_seconds`): an hour. Hooks
/// run while apply waits for them.
pub const MAX_HOOK_TIMEOUT_SECONDS: u64 = 3600;

/// An `on_apply` block: told of every change that lands.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Hook {
    pub name: String,
    pub target: HookTarget,
    pub timeout_seconds: u64,
    /// Environment variables a command hook is given beyond the allow-list
    /// (`PATH`, `HOME`, the locale, `ASSISTFORM_HOOK_*`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub env: Vec<String>,
}

/// Whether the environment variable `name` holds, or may hold, a credential: the
/// OAuth client, a plan or audit key, a database password or connection string, or
/// anything named like a secret. Such a variable is never handed to a hook.
pub fn is_credential(name: &str) -> bool {
    const EXACT: &[&str] = &[
        "GENESYSCLOUD_OAUTHCLIENT_SECRET",
        "GENESYS_CLIENT_SECRET",
        "GENESYSCLOUD_OAUTHCLIENT_ID",
        "GENESYS_CLIENT_ID",
        "ASSISTFORM_PLAN_KEY",
        "ASSISTFORM_AUDIT_KEY",
        "PG_CONN_STR",
        "PGPASSWORD",
        "PGPASSFILE",
        "DATABASE_URL",
    ];
    let upper = name.to_ascii_uppercase();
    EXACT.contains(&upper.as_str())
        || [
            "SECRET",
            "PASSWORD",
            "PASSWD",
            "TOKEN",
            "CREDENTIAL",
            "PRIVATE",
        ]
        .iter()
        .any(|word| upper.contains(word))
        || upper.ends_with("_KEY")
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HookTarget {
    /// A program and its arguments; the event JSON on its standard input.
    Command(Vec<String>),
    /// A URL the event JSON is POSTed to.
    Webhook(String),
}

impl Config {
    pub fn resource(&self, address: &Address) -> Option<&ResourceConfig> {
        self.index.get(address).map(|&i| &self.resources[i])
    }

    pub fn range(&self, located: &Located) -> SourceRange {
        located.range(&self.sources)
    }
}

/// How one kind's blocks are decoded: its kind, and the function that reads one
/// block of it, each attribute remembering where it is written (`None` when it
/// cannot be, and that was reported). The meta-arguments `depends_on` and
/// `lifecycle` are the decoder's to read ([`decode::Decoder::meta`]).
#[derive(Clone, Copy)]
pub struct KindDecoder {
    pub kind: &'static dyn Kind,
    pub decode: fn(
        &mut decode::Decoder,
        usize,
        &hcl_edit::structure::Block,
        &eval::Scope,
    ) -> Option<ResourceConfig>,
}

/// One resource block: its kind's object, and where each attribute was written.
#[derive(Clone, Debug)]
pub struct ResourceConfig {
    pub kind: &'static dyn Kind,
    pub address: Address,
    /// The id the configuration sets (the kind's id attribute); `None` for a kind
    /// whose server assigns ids.
    pub id: Option<String>,
    /// The object as the kind decoded it.
    pub native: Arc<dyn Native>,
    /// `native` as values ([`crate::kind::values`]), made when first asked for.
    values: OnceLock<serde_json::Value>,
    pub depends_on: Vec<Dependency>,
    pub lifecycle: Lifecycle,
    /// Attribute paths whose value derives from a sensitive variable: shown as
    /// `(sensitive)`.
    pub sensitive: BTreeSet<String>,
    /// Attribute paths that failed to decode (and were already reported): rules
    /// skip them.
    pub incomplete: BTreeSet<String>,
    /// The block's label, where a problem with the object as a whole is shown.
    pub location: Located,
    /// Where each attribute path is written, in no particular order. Most paths
    /// are fixed names (`display.content`), kept without an allocation each; a
    /// dozen per block, so a list is both smaller and as quick as a map.
    pub fields: Vec<(std::borrow::Cow<'static, str>, Located)>,
}

impl ResourceConfig {
    /// A block of `kind` at `address` (its label written at `location`), holding
    /// `native` with id `id`; the rest is filled in by the kind's decoder.
    pub fn new(
        kind: &'static dyn Kind,
        address: Address,
        id: Option<String>,
        native: Arc<dyn Native>,
        location: Located,
    ) -> ResourceConfig {
        ResourceConfig {
            kind,
            address,
            id,
            native,
            values: OnceLock::new(),
            depends_on: Vec::new(),
            lifecycle: Lifecycle::default(),
            sensitive: BTreeSet::new(),
            incomplete: BTreeSet::new(),
            location,
            fields: Vec::new(),
        }
    }

    /// The object's values.
    pub fn values(&self) -> &serde_json::Value {
        self.values.get_or_init(|| self.native.values())
    }

    /// Where the attribute at `path` is written, or the block's label when it was
    /// left out.
    pub fn field_location(&self, path: &str) -> &Located {
        self.fields
            .iter()
            .find(|(p, _)| p == path)
            .map_or(&self.location, |(_, at)| at)
    }

    /// The id the configuration sets, for a kind whose configuration sets ids.
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dependency {
    pub address: Address,
    pub location: Located,
    /// Written as a reference to the object's id (`response_library.billing.id`),
    /// not in `depends_on`.
    pub reference: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lifecycle {
    pub prevent_destroy: bool,
    /// Attribute paths in HCL names: `description`, `display.content`, …
    pub ignore_changes: Vec<String>,
}

/// A byte range in one of [`Config::sources`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    pub file: usize,
    pub bytes: Range<usize>,
}

impl Located {
    pub fn range(&self, sources: &[SourceFile]) -> SourceRange {
        sources[self.file].range(self.bytes.clone())
    }
}

/// Variable values from outside the configuration, lowest precedence first within
/// each kind: environment < `*.auto.vars.hcl` < `--var-file` < `--var`.
#[derive(Clone, Debug, Default)]
pub struct VarInputs {
    /// `ASSISTFORM_VAR_<name>` variables, as `(name, value)`.
    pub env: Vec<(String, String)>,
    pub var_files: Vec<PathBuf>,
    /// `--var name=value` arguments, verbatim.
    pub vars: Vec<String>,
}

impl VarInputs {
    /// The `ASSISTFORM_VAR_*` entries of an environment.
    pub fn env_from(vars: impl IntoIterator<Item = (String, String)>) -> Vec<(String, String)> {
        vars.into_iter()
            .filter_map(|(k, v)| Some((k.strip_prefix("ASSISTFORM_VAR_")?.to_owned(), v)))
            .collect()
    }
}

/// A configuration and what was found wrong with it while decoding.
#[derive(Debug)]
pub struct Loaded {
    pub config: Config,
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    #[error("`{}` is not a directory", path.display())]
    NotADirectory { path: PathBuf },
    #[error("no configuration files (`*.hcl`) in `{}`", path.display())]
    NoConfiguration { path: PathBuf },
    #[error("cannot read `{}`: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    File(#[from] crate::input_file::InputFileError),
}

/// Reads and decodes the configuration in `dir`; a block of one of `kinds` is a
/// resource of that kind.
///
/// # Errors
///
/// [`LoadError`] when the directory or a file cannot be read at all; every problem
/// with the files' contents is a diagnostic in [`Loaded::diagnostics`] instead.
pub fn load(dir: &Path, inputs: &VarInputs, kinds: &[KindDecoder]) -> Result<Loaded, LoadError> {
    let found = files::discover(dir)?;
    let mut sources = Vec::new();
    let mut diagnostics = Vec::new();
    let mut parsed = Vec::new();
    for path in &found.config {
        let read = files::read(
            path,
            files::MAX_CONFIG_FILE_BYTES,
            &mut sources,
            &mut diagnostics,
        )?;
        if let Some(p) = read {
            parsed.push(p);
        }
    }
    let mut value_files = Vec::new();
    for path in found.auto_vars.iter().chain(&inputs.var_files) {
        let read = files::read(
            path,
            files::MAX_VARS_FILE_BYTES,
            &mut sources,
            &mut diagnostics,
        )?;
        if let Some(p) = read {
            value_files.push(p);
        }
    }
    let mut decoder = decode::Decoder::new(&sources, &mut diagnostics, kinds);
    let scope = decoder.scope(&parsed, &value_files, inputs);
    let decoded = decoder.decode(&parsed, &scope);
    Ok(Loaded {
        config: Config {
            sources,
            index: decoded
                .resources
                .iter()
                .enumerate()
                .map(|(i, r)| (r.address.clone(), i))
                .collect(),
            resources: decoded.resources,
            genesys: decoded.genesys,
            validation: decoded.validation,
            phone_regions: decoded.phone_regions,
            hooks: decoded.hooks,
            imports: decoded.imports,
            moves: decoded.moves,
            backend: decoded.backend,
        },
        diagnostics,
    })
}
