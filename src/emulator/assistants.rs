//! `/api/v2/assistants` and `/api/v2/assistants/{assistantId}`: list by cursor,
//! create, read, patch, delete. No `version`, no PUT: a PATCH always lands.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{Extension, Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::assistant_checks;
use super::assistant_store::{ASSISTANTS_PATH, Assistant, default_copilot};
use super::body;
use super::cursor::{self, Cursor};
use super::error::ApiError;
use super::libraries::{answer, path_id};
use super::listing::{self, parameter};
use super::prompts::Caller;
use super::response_checks::object;
use super::response_store::{not_found, timestamp};
use super::state::Shared;

/// The SDK's own maximum: "Number of entities to return. Maximum of 200."
pub(crate) const MAX_PAGE_SIZE: usize = 200;

pub(crate) const NOUN: &str = "assistant";

/// Whether `expand` asks for `value`, the one expansion the operation has; any
/// other is refused, naming the parameter.
pub(crate) fn expands(parameters: &[(String, String)], value: &str) -> Result<bool, ApiError> {
    let mut asked = false;
    for (_, given) in parameters.iter().filter(|(key, _)| key == "expand") {
        for part in given.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            if part != value {
                return Err(ApiError::bad_request(format!(
                    "`expand` may only be `{value}` here, not `{part}`."
                ))
                .param("parameter", "expand"));
            }
            asked = true;
        }
    }
    Ok(asked)
}

pub(crate) async fn list(State(shared): State<Arc<Shared>>, RawQuery(query): RawQuery) -> Response {
    answer(StatusCode::OK, list_inner(&shared, query.as_deref()))
}

fn list_inner(shared: &Shared, query: Option<&str>) -> Result<Value, ApiError> {
    let parameters = listing::parameters(query);
    let with_copilot = expands(&parameters, "copilot")?;
    let cursor = page_size_or_limit(&parameters)?;
    let name = parameter(&parameters, "name")
        .filter(|n| !n.is_empty())
        .map(str::to_owned);
    let (entities, next, previous) = shared.read(|org| {
        let rows: Vec<(Vec<String>, &Arc<Assistant>)> = org
            .assistants
            .iter()
            .filter(|a| name.as_deref().is_none_or(|n| a.name() == n))
            .map(|a| (vec![a.id.clone()], a))
            .collect();
        let page = cursor::page(rows, &cursor, |a, b| a.cmp(b));
        let entities: Vec<Value> = page
            .items
            .iter()
            .map(|a| org.assistants.render(a, with_copilot))
            .collect();
        (entities, page.next, page.previous)
    });
    let mut links = Vec::new();
    if let Some(name) = name {
        links.push(("name", name));
    }
    if with_copilot {
        links.push(("expand", "copilot".to_owned()));
    }
    Ok(cursor::answer(
        entities,
        ASSISTANTS_PATH,
        &links,
        &cursor,
        next.as_ref(),
        previous.as_ref(),
    ))
}

/// The cursor, where the deprecated `limit` stands for a `pageSize` not given.
fn page_size_or_limit(parameters: &[(String, String)]) -> Result<Cursor, ApiError> {
    let by_id = |key: &[String]| key.len() == 1;
    let mut cursor = cursor::from_query(parameters, MAX_PAGE_SIZE, by_id)?;
    if parameter(parameters, "pageSize").is_none()
        && let Some(limit) = cursor::page_size(parameters, "limit", MAX_PAGE_SIZE)?
    {
        cursor.size = limit;
    }
    Ok(cursor)
}

/// 200 with the new assistant, whose copilot is the default one.
pub(crate) async fn create(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    request_body: Body,
) -> Response {
    let created = async {
        let body = object(body::json(&headers, request_body).await?, NOUN)?;
        let fields = assistant_checks::assistant(body)?;
        let at = timestamp(&shared.clock);
        shared
            .change(|org| {
                let id = org.fresh_id(|_| false);
                let assistant = org.assistants.insert(Assistant {
                    id,
                    date_created: at.clone(),
                    date_modified: at,
                    created_by: caller.0.to_string(),
                    modified_by: caller.0.to_string(),
                    fields,
                    copilot: default_copilot(),
                });
                Ok(org.assistants.render(&assistant, false))
            })
            .await
    };
    answer(StatusCode::OK, created.await)
}

pub(crate) async fn get_one(
    State(shared): State<Arc<Shared>>,
    id: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
) -> Response {
    let found = path_id(id).and_then(|id| {
        let with_copilot = expands(&listing::parameters(query.as_deref()), "copilot")?;
        shared.read(|org| {
            org.assistants
                .get(&id)
                .map(|a| org.assistants.render(a, with_copilot))
                .ok_or_else(|| not_found(NOUN, &id))
        })
    });
    answer(StatusCode::OK, found)
}

/// Sets the fields the body carries (see [`assistant_checks::patched`]).
pub(crate) async fn patch(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    id: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    request_body: Body,
) -> Response {
    let patched = async {
        let id = path_id(id)?;
        let body = object(body::json(&headers, request_body).await?, NOUN)?;
        let at = timestamp(&shared.clock);
        shared
            .change(|org| {
                // An unknown id is a 404 whatever the body holds.
                let stored = org
                    .assistants
                    .get(&id)
                    .ok_or_else(|| not_found(NOUN, &id))?;
                let fields = assistant_checks::patched(&stored.fields, body)?;
                let assistant = org.assistants.insert(Assistant {
                    date_modified: at,
                    modified_by: caller.0.to_string(),
                    fields,
                    ..(**stored).clone()
                });
                Ok(org.assistants.render(&assistant, false))
            })
            .await
    };
    answer(StatusCode::OK, patched.await)
}

/// 204; the assistant's copilot and queue bindings go with it.
pub(crate) async fn delete(
    State(shared): State<Arc<Shared>>,
    id: Result<Path<String>, PathRejection>,
) -> Response {
    let deleted = async {
        let id = path_id(id)?;
        shared
            .change(|org| {
                if org.assistants.remove(&id) {
                    Ok(())
                } else {
                    Err(not_found(NOUN, &id))
                }
            })
            .await
    };
    match deleted.await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => e.into_response(),
    }
}
