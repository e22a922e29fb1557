//! The org — its prompts, the version rules that guard them, its Response
//! Management catalog, its agent checklists and its assistants — and its file.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize, Serializer};

use super::assistant_store::{Assistant, Assistants};
use super::body::Prompts;
use super::checklist_store::{Checklist, Checklists};
use super::error::EmulatorError;
use super::queue_store::{Binding, Queues};
use super::response_store::{CannedResponse, Catalog, Ids, Library};
use crate::kinds::prompt::model::{ModifiedBy, PromptSpec, RemotePrompt};

pub(crate) const FORMAT_VERSION: u64 = 1;

pub(crate) const PROMPTS_PATH: &str = "/api/v2/agent-assist/prompts";

/// Every prompt, sorted by id (the list order), and the Response Management
/// catalog. Values are shared so that a reader can serialise outside the lock.
#[derive(Debug, Default)]
pub(crate) struct Org {
    prompts: BTreeMap<String, Arc<RemotePrompt>>,
    pub catalog: Catalog,
    pub checklists: Checklists,
    /// The assistants with their copilots, and which queue each serves.
    pub assistants: Assistants,
    /// Not saved: a restart draws new ids, skipping those the org holds. Draw
    /// through [`Org::fresh_id`], which knows every object that has one.
    pub ids: Ids,
    /// Up by one per change, so that the file is never overwritten by an older org.
    pub generation: u64,
}

/// Why a PUT or DELETE changed nothing.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    NotFound,
    VersionMismatch {
        stored: u64,
        given: Option<u64>,
    },
    /// The stored version is the largest there is: a next one would wrap to 0.
    VersionExhausted {
        stored: u64,
    },
}

impl Org {
    pub fn get(&self, id: &str) -> Option<Arc<RemotePrompt>> {
        self.prompts.get(id).cloned()
    }

    pub fn len(&self) -> usize {
        self.prompts.len()
    }

    pub fn page(&self, skip: usize, take: usize) -> Vec<Arc<RemotePrompt>> {
        self.prompts
            .values()
            .skip(skip)
            .take(take)
            .cloned()
            .collect()
    }

    /// Creates or replaces a prompt under API.md's version rules; the returned flag
    /// says whether it was created.
    pub fn put(
        &mut self,
        spec: PromptSpec,
        precondition: Option<u64>,
        client_id: &str,
    ) -> Result<(Arc<RemotePrompt>, bool), Refusal> {
        let version = match (self.prompts.get(&spec.id), precondition) {
            (None, None | Some(0)) => 1,
            (None, Some(_)) => return Err(Refusal::NotFound),
            (Some(stored), Some(given)) if given == stored.version => stored
                .version
                .checked_add(1)
                .ok_or(Refusal::VersionExhausted {
                    stored: stored.version,
                })?,
            (Some(stored), given) => {
                return Err(Refusal::VersionMismatch {
                    stored: stored.version,
                    given,
                });
            }
        };
        let prompt = Arc::new(stamp(spec, version, client_id.into()));
        self.prompts.insert(prompt.spec.id.clone(), prompt.clone());
        Ok((prompt, version == 1))
    }

    pub fn delete(&mut self, id: &str, precondition: Option<u64>) -> Result<(), Refusal> {
        let stored = self.prompts.get(id).ok_or(Refusal::NotFound)?;
        if let Some(given) = precondition
            && given != stored.version
        {
            return Err(Refusal::VersionMismatch {
                stored: stored.version,
                given: Some(given),
            });
        }
        self.prompts.remove(id);
        Ok(())
    }

    /// Stores a prompt as given, bypassing the version rules: a seed, or an edit
    /// made in the console.
    pub fn seed(
        &mut self,
        spec: PromptSpec,
        version: u64,
        modified_by: String,
    ) -> Arc<RemotePrompt> {
        let prompt = Arc::new(stamp(spec, version, modified_by));
        self.prompts.insert(prompt.spec.id.clone(), prompt.clone());
        prompt
    }

    /// A server id that no library, response, checklist, checklist item or
    /// assistant has, nor `also_taken` (ids drawn for objects not stored yet).
    pub fn fresh_id(&mut self, also_taken: impl Fn(&str) -> bool) -> String {
        let Org {
            ids,
            catalog,
            checklists,
            assistants,
            ..
        } = self;
        ids.next(catalog, |id| {
            checklists.taken(id) || assistants.taken(id) || also_taken(id)
        })
    }

    /// `n` fresh ids, different from each other too.
    pub fn fresh_ids(&mut self, n: usize) -> Vec<String> {
        let mut fresh: Vec<String> = Vec::with_capacity(n);
        for _ in 0..n {
            let id = self.fresh_id(|id| fresh.iter().any(|f| f == id));
            fresh.push(id);
        }
        fresh
    }

    /// No objects, and only the queues the org starts with.
    pub fn clear(&mut self) {
        self.prompts.clear();
        self.catalog.clear();
        self.checklists.clear();
        self.assistants.clear();
    }

    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            prompts: self.prompts.values().cloned().collect(),
            libraries: self.catalog.libraries().cloned().collect(),
            responses: self.catalog.responses().cloned().collect(),
            checklists: self.checklists.iter().cloned().collect(),
            assistants: self.assistants.iter().cloned().collect(),
            queue_bindings: self.assistants.queues.bindings().cloned().collect(),
            queues: self.assistants.queues.learned(),
        }
    }
}

/// What the file holds, shared with the org so that it is written outside the lock.
#[derive(Debug)]
pub(crate) struct Snapshot {
    prompts: Vec<Arc<RemotePrompt>>,
    libraries: Vec<Arc<Library>>,
    responses: Vec<Arc<CannedResponse>>,
    checklists: Vec<Arc<Checklist>>,
    assistants: Vec<Arc<Assistant>>,
    queue_bindings: Vec<Arc<Binding>>,
    /// The known queues beyond those every start gives.
    queues: Vec<String>,
}

/// Adds the server-owned fields.
fn stamp(spec: PromptSpec, version: u64, modified_by: String) -> RemotePrompt {
    let self_uri = format!("{PROMPTS_PATH}/{}", spec.id);
    RemotePrompt {
        spec,
        version,
        date_modified: now_rfc3339(),
        modified_by: ModifiedBy { id: modified_by },
        self_uri,
    }
}

pub(crate) fn now_rfc3339() -> String {
    humantime::format_rfc3339_millis(std::time::SystemTime::now()).to_string()
}

/// Files written before Response Management, agent checklists or assistants were
/// served have no `libraries`, `responses`, `checklists`, `assistants`,
/// `queue_bindings` or `queues`; files without any are still written without them,
/// so that an older build reads them.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OrgFile {
    #[serde(default = "first_format")]
    format_version: u64,
    prompts: Vec<RemotePrompt>,
    #[serde(default)]
    libraries: Vec<Library>,
    #[serde(default)]
    responses: Vec<CannedResponse>,
    #[serde(default)]
    checklists: Vec<Checklist>,
    #[serde(default)]
    assistants: Vec<Assistant>,
    #[serde(default)]
    queue_bindings: Vec<Binding>,
    #[serde(default)]
    queues: Vec<String>,
}

fn first_format() -> u64 {
    FORMAT_VERSION
}

#[derive(Serialize)]
struct OrgFileOut<'a> {
    format_version: u64,
    prompts: Prompts<'a>,
    #[serde(skip_serializing_if = "Each::is_empty")]
    libraries: Each<'a, Library>,
    #[serde(skip_serializing_if = "Each::is_empty")]
    responses: Each<'a, CannedResponse>,
    #[serde(skip_serializing_if = "Each::is_empty")]
    checklists: Each<'a, Checklist>,
    #[serde(skip_serializing_if = "Each::is_empty")]
    assistants: Each<'a, Assistant>,
    #[serde(skip_serializing_if = "Each::is_empty")]
    queue_bindings: Each<'a, Binding>,
    #[serde(skip_serializing_if = "none")]
    queues: &'a [String],
}

fn none(ids: &&[String]) -> bool {
    ids.is_empty()
}

/// Shared objects, serialised as a JSON array without copying them.
struct Each<'a, T>(&'a [Arc<T>]);

impl<T> Each<'_, T> {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<T: Serialize> Serialize for Each<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|p| &**p))
    }
}

/// Loads the org from `path`; a missing file is an empty org (created on the first
/// change).
pub(crate) fn load(path: &Path) -> Result<Org, EmulatorError> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Org::default()),
        Err(source) => {
            return Err(EmulatorError::ReadData {
                path: path.into(),
                source,
            });
        }
    };
    let file: OrgFile = serde_json::from_slice(&bytes).map_err(|e| EmulatorError::ParseData {
        path: path.into(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    if file.format_version != FORMAT_VERSION {
        return Err(EmulatorError::DataFormat {
            path: path.into(),
            found: file.format_version,
            expected: FORMAT_VERSION,
        });
    }
    let prompts = file
        .prompts
        .into_iter()
        .map(|p| (p.spec.id.clone(), Arc::new(p)))
        .collect();
    Ok(Org {
        prompts,
        catalog: Catalog::from_parts(file.libraries, file.responses),
        checklists: Checklists::from_list(file.checklists),
        assistants: Assistants::from_parts(
            file.assistants,
            Queues::from_parts(file.queues, file.queue_bindings),
        ),
        ids: Ids::default(),
        generation: 0,
    })
}

/// Writes snapshots of the org to its file, newest wins: a snapshot older than the
/// one already written is skipped, since the newer one holds its change too.
#[derive(Debug)]
pub(crate) struct Persister {
    path: PathBuf,
    written: Mutex<u64>,
}

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

impl Persister {
    pub fn new(path: PathBuf) -> Persister {
        Persister {
            path,
            written: Mutex::new(0),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Blocking: call from a blocking thread.
    pub fn write(&self, generation: u64, snapshot: &Snapshot) -> std::io::Result<()> {
        let mut written = self.written.lock().unwrap_or_else(|e| e.into_inner());
        if *written >= generation {
            return Ok(());
        }
        let out = OrgFileOut {
            format_version: FORMAT_VERSION,
            prompts: Prompts(&snapshot.prompts),
            libraries: Each(&snapshot.libraries),
            responses: Each(&snapshot.responses),
            checklists: Each(&snapshot.checklists),
            assistants: Each(&snapshot.assistants),
            queue_bindings: Each(&snapshot.queue_bindings),
            queues: &snapshot.queues,
        };
        let bytes = serde_json::to_vec_pretty(&out).map_err(std::io::Error::other)?;
        write_atomic(&self.path, &bytes)?;
        *written = generation;
        Ok(())
    }
}

/// Temp file in the same directory, fsync, rename, fsync the directory: the file is
/// always either the old org or the new one, never half of either.
fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path.file_name().map_or_else(
        || "emulator-org.json".into(),
        |n| n.to_string_lossy().into_owned(),
    );
    let tmp = dir.join(format!(
        ".{name}.tmp-{}-{}",
        std::process::id(),
        TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let result = (|| {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            // The org may hold customer data seeded as given.
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&tmp, path)?;
        #[cfg(unix)]
        std::fs::File::open(dir)?.sync_all()?;
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(id: &str) -> PromptSpec {
        serde_json::from_value(serde_json::json!({
            "id": id, "name": "N", "description": "", "status": "active",
            "interactionTypes": ["chat"],
            "trigger": {"type": "chat", "conditions": [{"field": "f", "operator": "equals", "value": "v"}]},
            "display": {"type": "popup", "content": "Hi", "timeoutMs": 30000},
        }))
        .unwrap()
    }

    #[test]
    fn a_version_at_its_largest_is_refused_not_wrapped() {
        let mut org = Org::default();
        org.seed(spec("p"), u64::MAX, "console".into());
        assert_eq!(
            org.put(spec("p"), Some(u64::MAX), "client").unwrap_err(),
            Refusal::VersionExhausted { stored: u64::MAX }
        );
        assert_eq!(org.get("p").unwrap().version, u64::MAX);
        let (next, created) = org.put(spec("q"), None, "client").unwrap();
        assert_eq!((next.version, created), (1, true));
    }
}
