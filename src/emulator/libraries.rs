//! `/api/v2/responsemanagement/libraries`: list, create, read, replace, delete.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{Extension, Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::body;
use super::error::ApiError;
use super::listing;
use super::prompts::Caller;
use super::response_checks::{self, object};
use super::response_store::{LIBRARIES_PATH, Library, not_found, timestamp};
use super::state::Shared;

/// The SDK states no maximum for this listing; Genesys caps most page-number
/// listings at 100, so the emulator does too (an assumption, see docs/emulator.md).
const MAX_PAGE_SIZE: usize = 100;

const NOUN: &str = "library";

pub(crate) async fn list(State(shared): State<Arc<Shared>>, RawQuery(query): RawQuery) -> Response {
    answer(StatusCode::OK, list_inner(&shared, query.as_deref()))
}

fn list_inner(shared: &Shared, query: Option<&str>) -> Result<Value, ApiError> {
    let parameters = listing::parameters(query);
    let paging = listing::from_query(&parameters, MAX_PAGE_SIZE)?;
    let prefix = listing::parameter(&parameters, "libraryPrefix").map(str::to_owned);
    let wanted = prefix.as_deref().map(str::to_lowercase);
    let (total, entities) = shared.read(|org| {
        let matching: Vec<&Arc<Library>> = org
            .catalog
            .libraries()
            .filter(|l| {
                wanted
                    .as_deref()
                    .is_none_or(|p| l.name().to_lowercase().starts_with(p))
            })
            .collect();
        let entities = matching
            .iter()
            .skip(paging.skip())
            .take(paging.size)
            .map(|l| org.catalog.render_library(l))
            .collect();
        (matching.len(), entities)
    });
    let filters: Vec<(&str, &str)> = prefix
        .iter()
        .map(|p| ("libraryPrefix", p.as_str()))
        .collect();
    let uri = |n: usize| listing::uri(LIBRARIES_PATH, &filters, paging.size, n);
    Ok(listing::page(entities, total, paging, Some(&uri)))
}

pub(crate) async fn create(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    request_body: Body,
) -> Response {
    let created = async {
        let fields =
            response_checks::library(object(body::json(&headers, request_body).await?, NOUN)?)?;
        let date_created = timestamp(&shared.clock);
        shared
            .change(|org| {
                let id = org.fresh_id(|_| false);
                let library = org.catalog.insert_library(Library {
                    id,
                    version: 1,
                    date_created,
                    created_by: caller.0.to_string(),
                    fields,
                });
                Ok(org.catalog.render_library(&library))
            })
            .await
    };
    answer(StatusCode::OK, created.await)
}

pub(crate) async fn get_one(
    State(shared): State<Arc<Shared>>,
    id: Result<Path<String>, PathRejection>,
) -> Response {
    let found = path_id(id).and_then(|id| {
        shared.read(|org| {
            org.catalog
                .library(&id)
                .map(|l| org.catalog.render_library(l))
                .ok_or_else(|| not_found(NOUN, &id))
        })
    });
    answer(StatusCode::OK, found)
}

pub(crate) async fn put(
    State(shared): State<Arc<Shared>>,
    id: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    request_body: Body,
) -> Response {
    let replaced = async {
        let id = path_id(id)?;
        let body = object(body::json(&headers, request_body).await?, NOUN)?;
        shared
            .change(|org| {
                // An unknown id is a 404 whatever the body holds.
                if org.catalog.library(&id).is_none() {
                    return Err(not_found(NOUN, &id));
                }
                let given = response_checks::version(&body)?;
                let fields = response_checks::library(body)?;
                let library = org
                    .catalog
                    .update_library(&id, given, fields)
                    .map_err(|r| r.into_error(NOUN, &id))?;
                Ok(org.catalog.render_library(&library))
            })
            .await
    };
    answer(StatusCode::OK, replaced.await)
}

pub(crate) async fn delete(
    State(shared): State<Arc<Shared>>,
    id: Result<Path<String>, PathRejection>,
) -> Response {
    let deleted = async {
        let id = path_id(id)?;
        shared
            .change(|org| {
                org.catalog
                    .delete_library(&id)
                    .map_err(|r| r.into_error(NOUN, &id))
            })
            .await
    };
    match deleted.await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => e.into_response(),
    }
}

/// The id in the path.
pub(crate) fn path_id(id: Result<Path<String>, PathRejection>) -> Result<String, ApiError> {
    let Path(id) =
        id.map_err(|e| ApiError::bad_request(format!("The id in the path is not valid: {e}.")))?;
    Ok(id)
}

pub(crate) fn answer(status: StatusCode, result: Result<Value, ApiError>) -> Response {
    match result {
        Ok(value) => body::respond(status, &value),
        Err(e) => e.into_response(),
    }
}
