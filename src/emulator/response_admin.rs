//! The emulator's Response Management controls: seeding many libraries and
//! responses in one request, and freezing the search index behind the query
//! endpoint.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::body;
use super::error::ApiError;
use super::response_checks::{self, object};
use super::response_store::{CannedResponse, Library, timestamp};
use super::state::Shared;
use super::store::Org;

/// Who seeded objects were created by, when a seed does not say.
const SEED_AUTHOR: &str = "emulator";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Seed {
    #[serde(default)]
    libraries: Vec<Value>,
    #[serde(default)]
    responses: Vec<Value>,
}

/// `POST /__emulator/responsemanagement`: creates every library, then every
/// response, with server ids, under the API's rules, all or nothing. A seeded
/// object may also give its `version` (default 1) and `createdBy.id`; a response
/// may name its libraries by `libraryNames`, matched first against the libraries
/// of the same seed, then against the org's.
pub(crate) async fn seed(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    request_body: Body,
) -> Response {
    let seeded = async {
        let seed: Seed = body::json_up_to(&headers, request_body, body::MAX_SEED_BODY).await?;
        let date_created = timestamp(&shared.clock);
        shared.change(|org| plant(org, seed, &date_created)).await
    };
    match seeded.await {
        Ok(value) => body::respond(StatusCode::OK, &value),
        Err(e) => e.into_response(),
    }
}

fn plant(org: &mut Org, seed: Seed, date_created: &str) -> Result<Value, ApiError> {
    let mut libraries = Vec::with_capacity(seed.libraries.len());
    let mut new_ids = HashSet::with_capacity(seed.libraries.len() + seed.responses.len());
    for (i, library) in seed.libraries.into_iter().enumerate() {
        let at = |e: ApiError| located(e, "libraries", i);
        let body = object(library, "library").map_err(at)?;
        let (version, created_by) = stamp(&body).map_err(at)?;
        let fields = response_checks::library(body).map_err(at)?;
        let id = org.fresh_id(|id| new_ids.contains(id));
        new_ids.insert(id.clone());
        libraries.push(Library {
            id,
            version,
            date_created: date_created.to_owned(),
            created_by,
            fields,
        });
    }
    let by_name = names(org, &libraries);
    let mut responses = Vec::with_capacity(seed.responses.len());
    for (i, response) in seed.responses.into_iter().enumerate() {
        let at = |e: ApiError| located(e, "responses", i);
        let mut body = object(response, "response").map_err(at)?;
        name_libraries(&mut body, &by_name).map_err(at)?;
        let (version, created_by) = stamp(&body).map_err(at)?;
        let draft = response_checks::response(body, |id| {
            org.catalog.library(id).is_some() || libraries.iter().any(|l| l.id == id)
        })
        .map_err(at)?;
        let id = org.fresh_id(|id| new_ids.contains(id));
        new_ids.insert(id.clone());
        responses.push(CannedResponse {
            id,
            version,
            date_created: date_created.to_owned(),
            created_by,
            libraries: draft.libraries,
            fields: draft.fields,
        });
    }
    let libraries: Vec<_> = libraries
        .into_iter()
        .map(|l| org.catalog.insert_library(l))
        .collect();
    let responses: Vec<_> = responses
        .into_iter()
        .map(|r| org.catalog.insert_response(r))
        .collect();
    Ok(json!({
        "libraries": libraries.iter().map(|l| org.catalog.render_library(l)).collect::<Vec<_>>(),
        "responses": responses.iter().map(|r| org.catalog.render_response(r)).collect::<Vec<_>>(),
    }))
}

/// The ids a library name stands for: the seed's own libraries first, so that a
/// seed is not thrown by a library of the same name already in the org.
fn names(org: &Org, seeded: &[Library]) -> BTreeMap<String, Vec<String>> {
    let mut by_name: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for library in seeded {
        by_name
            .entry(library.name().to_owned())
            .or_default()
            .push(library.id.clone());
    }
    for library in org.catalog.libraries() {
        if !seeded.iter().any(|l| l.name() == library.name()) {
            by_name
                .entry(library.name().to_owned())
                .or_default()
                .push(library.id.clone());
        }
    }
    by_name
}

/// Turns `libraryNames` into entries of `libraries`.
fn name_libraries(
    body: &mut Map<String, Value>,
    by_name: &BTreeMap<String, Vec<String>>,
) -> Result<(), ApiError> {
    let Some(names) = body.remove("libraryNames") else {
        return Ok(());
    };
    let names: Vec<String> = serde_json::from_value(names).map_err(|_| {
        ApiError::bad_request("`libraryNames` must be a list of library names.")
            .param("field", "libraryNames")
    })?;
    let mut entries = match body.remove("libraries") {
        Some(Value::Array(entries)) => entries,
        _ => Vec::new(),
    };
    for name in names {
        match by_name.get(&name).map(Vec::as_slice) {
            Some([id]) => entries.push(json!({"id": id})),
            Some(_) => {
                return Err(ApiError::bad_request(format!(
                    "`libraryNames`: more than one library is called `{name}`; name it by id in `libraries`."
                ))
                .param("field", "libraryNames"));
            }
            None => {
                return Err(ApiError::bad_request(format!(
                    "`libraryNames`: no library is called `{name}`."
                ))
                .param("field", "libraryNames"));
            }
        }
    }
    body.insert("libraries".into(), Value::Array(entries));
    Ok(())
}

/// The `version` (default 1) and `createdBy.id` (default `emulator`) a seed gives.
fn stamp(body: &Map<String, Value>) -> Result<(u64, String), ApiError> {
    let version = match body.get("version") {
        None | Some(Value::Null) => 1,
        Some(v) => v.as_u64().filter(|v| *v >= 1).ok_or_else(|| {
            ApiError::bad_request(format!("`version` must be a whole number from 1, not {v}."))
                .param("field", "version")
        })?,
    };
    let created_by = body
        .get("createdBy")
        .and_then(|c| c.get("id"))
        .and_then(Value::as_str)
        .unwrap_or(SEED_AUTHOR)
        .to_owned();
    Ok((version, created_by))
}

/// Names the seed entry a problem is in.
pub(crate) fn located(mut error: ApiError, list: &str, i: usize) -> ApiError {
    error.message = format!("`{list}[{i}]`: {}", error.message);
    error.param("entry", format!("{list}[{i}]"))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct IndexSwitch {
    frozen: bool,
}

/// `POST /__emulator/index` `{"frozen": true}`: queries answer from the catalog as
/// it is now until `{"frozen": false}`; reads by id stay current.
pub(crate) async fn index(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    request_body: Body,
) -> Response {
    let switch: IndexSwitch = match body::json(&headers, request_body).await {
        Ok(switch) => switch,
        Err(e) => return e.into_response(),
    };
    shared.freeze_index(switch.frozen);
    body::respond(StatusCode::OK, &json!({"frozen": shared.index_frozen()}))
}
