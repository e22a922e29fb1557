//! Response Management's libraries and responses as the org stores them, the
//! version rules that guard them, how their ids are made, and how each reads back.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::http::StatusCode;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::error::ApiError;
use super::response_checks::ResponseDraft;
use crate::clock::Clock;

pub(crate) const LIBRARIES_PATH: &str = "/api/v2/responsemanagement/libraries";
pub(crate) const RESPONSES_PATH: &str = "/api/v2/responsemanagement/responses";

/// A library: its writable fields as the client sent them, and the server's own.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct Library {
    pub id: String,
    pub version: u64,
    pub date_created: String,
    /// The OAuth client that created it.
    pub created_by: String,
    pub fields: Map<String, Value>,
}

/// A canned response; `libraries` holds ids only, so that a read names each
/// library as it is called now.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct CannedResponse {
    pub id: String,
    pub version: u64,
    pub date_created: String,
    pub created_by: String,
    pub libraries: Vec<String>,
    pub fields: Map<String, Value>,
}

impl Library {
    pub fn name(&self) -> &str {
        self.fields
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
    }
}

impl CannedResponse {
    pub fn name(&self) -> &str {
        self.fields
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    /// Its texts' contents.
    pub fn contents(&self) -> impl Iterator<Item = &str> {
        self.fields
            .get("texts")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|t| t.get("content").and_then(Value::as_str))
    }
}

/// Every library and response, sorted by id (the list order). Cloning shares the
/// objects: a frozen search index is such a clone.
#[derive(Clone, Debug, Default)]
pub(crate) struct Catalog {
    libraries: BTreeMap<String, Arc<Library>>,
    responses: BTreeMap<String, Arc<CannedResponse>>,
}

/// Why a write changed nothing.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    NotFound,
    VersionMismatch {
        stored: u64,
        given: u64,
    },
    /// The next version would not fit.
    VersionExhausted {
        stored: u64,
    },
    /// A library that responses still name.
    NotEmpty {
        responses: usize,
    },
}

impl Catalog {
    pub fn from_parts(libraries: Vec<Library>, responses: Vec<CannedResponse>) -> Catalog {
        Catalog {
            libraries: libraries
                .into_iter()
                .map(|l| (l.id.clone(), Arc::new(l)))
                .collect(),
            responses: responses
                .into_iter()
                .map(|r| (r.id.clone(), Arc::new(r)))
                .collect(),
        }
    }

    pub fn library(&self, id: &str) -> Option<&Arc<Library>> {
        self.libraries.get(id)
    }

    pub fn response(&self, id: &str) -> Option<&Arc<CannedResponse>> {
        self.responses.get(id)
    }

    pub fn libraries(&self) -> impl Iterator<Item = &Arc<Library>> {
        self.libraries.values()
    }

    pub fn responses(&self) -> impl Iterator<Item = &Arc<CannedResponse>> {
        self.responses.values()
    }

    fn taken(&self, id: &str) -> bool {
        self.libraries.contains_key(id) || self.responses.contains_key(id)
    }

    pub fn insert_library(&mut self, library: Library) -> Arc<Library> {
        let library = Arc::new(library);
        self.libraries.insert(library.id.clone(), library.clone());
        library
    }

    pub fn insert_response(&mut self, response: CannedResponse) -> Arc<CannedResponse> {
        let response = Arc::new(response);
        self.responses.insert(response.id.clone(), response.clone());
        response
    }

    pub fn update_library(
        &mut self,
        id: &str,
        given: u64,
        fields: Map<String, Value>,
    ) -> Result<Arc<Library>, Refusal> {
        let stored = self.libraries.get(id).ok_or(Refusal::NotFound)?;
        let version = next_version(stored.version, given)?;
        let library = Library {
            version,
            fields,
            ..(**stored).clone()
        };
        Ok(self.insert_library(library))
    }

    pub fn update_response(
        &mut self,
        id: &str,
        given: u64,
        draft: ResponseDraft,
    ) -> Result<Arc<CannedResponse>, Refusal> {
        let stored = self.responses.get(id).ok_or(Refusal::NotFound)?;
        let version = next_version(stored.version, given)?;
        let response = CannedResponse {
            version,
            libraries: draft.libraries,
            fields: draft.fields,
            ..(**stored).clone()
        };
        Ok(self.insert_response(response))
    }

    /// Deletes a library no response names any more.
    pub fn delete_library(&mut self, id: &str) -> Result<(), Refusal> {
        if !self.libraries.contains_key(id) {
            return Err(Refusal::NotFound);
        }
        let responses = self
            .responses
            .values()
            .filter(|r| r.libraries.iter().any(|l| l == id))
            .count();
        if responses > 0 {
            return Err(Refusal::NotEmpty { responses });
        }
        self.libraries.remove(id);
        Ok(())
    }

    pub fn delete_response(&mut self, id: &str) -> Result<(), Refusal> {
        self.responses.remove(id).map(drop).ok_or(Refusal::NotFound)
    }

    pub fn clear(&mut self) {
        self.libraries.clear();
        self.responses.clear();
    }

    /// A library as the API answers it.
    pub fn render_library(&self, library: &Library) -> Value {
        let mut out = library.fields.clone();
        out.insert("id".into(), library.id.clone().into());
        out.insert("version".into(), library.version.into());
        out.insert("dateCreated".into(), library.date_created.clone().into());
        out.insert("createdBy".into(), json!({"id": library.created_by}));
        out.insert(
            "selfUri".into(),
            format!("{LIBRARIES_PATH}/{}", library.id).into(),
        );
        Value::Object(out)
    }

    /// A response as the API answers it, each library with its current name.
    pub fn render_response(&self, response: &CannedResponse) -> Value {
        let mut out = response.fields.clone();
        let libraries: Vec<Value> = response
            .libraries
            .iter()
            .map(|id| {
                let self_uri = format!("{LIBRARIES_PATH}/{id}");
                match self.libraries.get(id) {
                    Some(l) => json!({"id": id, "name": l.name(), "selfUri": self_uri}),
                    None => json!({"id": id, "selfUri": self_uri}),
                }
            })
            .collect();
        out.insert("id".into(), response.id.clone().into());
        out.insert("version".into(), response.version.into());
        out.insert("libraries".into(), Value::Array(libraries));
        out.insert("dateCreated".into(), response.date_created.clone().into());
        out.insert("createdBy".into(), json!({"id": response.created_by}));
        out.insert(
            "selfUri".into(),
            format!("{RESPONSES_PATH}/{}", response.id).into(),
        );
        Value::Object(out)
    }
}

fn next_version(stored: u64, given: u64) -> Result<u64, Refusal> {
    if given != stored {
        return Err(Refusal::VersionMismatch { stored, given });
    }
    stored
        .checked_add(1)
        .ok_or(Refusal::VersionExhausted { stored })
}

impl Refusal {
    /// The answer for a refused write to the `noun` `id`.
    pub fn into_error(self, noun: &str, id: &str) -> ApiError {
        match self {
            Refusal::NotFound => not_found(noun, id),
            // Genesys' own words, which clients match on; the code is the prompts'.
            Refusal::VersionMismatch { stored, given } => ApiError::new(
                StatusCode::CONFLICT,
                "version.mismatch",
                "Unexpected version was provided",
            )
            .param("id", id)
            .param("currentVersion", stored)
            .param("givenVersion", given),
            Refusal::VersionExhausted { stored } => ApiError::bad_request(format!(
                "The {noun} `{id}` is at version {stored}, the largest there is: it cannot be changed again."
            ))
            .param("id", id)
            .param("currentVersion", stored),
            Refusal::NotEmpty { responses } => {
                let plural = if responses == 1 { "" } else { "s" };
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "library.not.empty",
                    format!(
                        "The library `{id}` still holds {responses} response{plural}: delete them, or take them out of it, first."
                    ),
                )
                .param("id", id)
                .param("responses", responses)
            }
        }
    }
}

pub(crate) fn not_found(noun: &str, id: &str) -> ApiError {
    ApiError::not_found(format!("The {noun} `{id}` was not found.")).param("id", id)
}

/// Makes server ids: random-looking UUIDs, repeatable with `--seed`, never one the
/// catalog already holds (a restart with the same seed makes the same ones again).
#[derive(Debug)]
pub(crate) struct Ids {
    rng: SmallRng,
}

impl Default for Ids {
    fn default() -> Ids {
        Ids {
            rng: SmallRng::from_os_rng(),
        }
    }
}

impl Ids {
    pub fn seeded(seed: Option<u64>) -> Ids {
        match seed {
            Some(seed) => Ids {
                rng: SmallRng::seed_from_u64(seed),
            },
            None => Ids::default(),
        }
    }

    /// A fresh id that neither `catalog` holds nor `also_taken` says is taken.
    pub fn next(&mut self, catalog: &Catalog, also_taken: impl Fn(&str) -> bool) -> String {
        loop {
            let id = uuid::Builder::from_random_bytes(self.rng.random())
                .into_uuid()
                .to_string();
            if !catalog.taken(&id) && !also_taken(&id) {
                return id;
            }
        }
    }
}

/// The emulator clock's wall time in ISO-8601.
pub(crate) fn timestamp(clock: &Clock) -> String {
    iso8601(clock.system_now())
}

/// Held at the last second of year 9999 for a clock advanced past it: no formatter
/// goes further.
fn iso8601(time: SystemTime) -> String {
    let latest = UNIX_EPOCH + Duration::from_secs(253_402_300_799);
    humantime::format_rfc3339_millis(time.min(latest)).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn library(id: &str, version: u64) -> Library {
        Library {
            id: id.into(),
            version,
            date_created: "2024-01-01T00:00:00.000Z".into(),
            created_by: "c".into(),
            fields: Map::new(),
        }
    }

    #[test]
    fn a_stale_or_exhausted_version_changes_nothing() {
        let mut catalog = Catalog::default();
        catalog.insert_library(library("a", 2));
        catalog.insert_library(library("z", u64::MAX));
        assert_eq!(
            catalog.update_library("a", 1, Map::new()).unwrap_err(),
            Refusal::VersionMismatch {
                stored: 2,
                given: 1
            }
        );
        assert_eq!(
            catalog.update_library("a", 2, Map::new()).unwrap().version,
            3
        );
        assert_eq!(
            catalog
                .update_library("z", u64::MAX, Map::new())
                .unwrap_err(),
            Refusal::VersionExhausted { stored: u64::MAX }
        );
        assert_eq!(
            catalog.update_library("b", 1, Map::new()).unwrap_err(),
            Refusal::NotFound
        );
    }

    #[test]
    fn seeded_ids_repeat_and_skip_the_taken_ones() {
        let catalog = Catalog::default();
        let first = Ids::seeded(Some(7)).next(&catalog, |_| false);
        assert_eq!(Ids::seeded(Some(7)).next(&catalog, |_| false), first);
        let again = Ids::seeded(Some(7)).next(&catalog, |id| id == first);
        assert_ne!(again, first);
        assert_eq!(uuid::Uuid::parse_str(&first).unwrap().get_version_num(), 4);
    }

    #[test]
    fn timestamps_past_year_9999_are_held_there() {
        let far = UNIX_EPOCH + Duration::from_secs(300_000_000_000);
        assert_eq!(iso8601(far), "9999-12-31T23:59:59.000Z");
    }
}
