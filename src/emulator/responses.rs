//! `/api/v2/responsemanagement/responses`: list by library, query the search
//! index, create, read, replace, delete.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{Extension, Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::body;
use super::error::ApiError;
use super::libraries::{answer, path_id};
use super::listing::{self, Paging};
use super::prompts::Caller;
use super::response_checks::{self, object};
use super::response_store::{CannedResponse, Catalog, RESPONSES_PATH, not_found, timestamp};
use super::state::Shared;

/// The SDK states no maximum for this listing: the same assumption as libraries.
const MAX_PAGE_SIZE: usize = 100;
/// The query's own maximum, from the SDK ("Maximum: 500").
const MAX_QUERY_PAGE_SIZE: usize = 500;

const NOUN: &str = "response";

pub(crate) async fn list(State(shared): State<Arc<Shared>>, RawQuery(query): RawQuery) -> Response {
    answer(StatusCode::OK, list_inner(&shared, query.as_deref()))
}

fn list_inner(shared: &Shared, query: Option<&str>) -> Result<Value, ApiError> {
    let parameters = listing::parameters(query);
    let Some(library_id) = listing::parameter(&parameters, "libraryId").filter(|v| !v.is_empty())
    else {
        return Err(ApiError::bad_request(
            "`libraryId` is required: responses are listed by library.",
        )
        .param("parameter", "libraryId"));
    };
    let paging = listing::from_query(&parameters, MAX_PAGE_SIZE)?;
    let (total, entities) = shared.read(|org| {
        page_of(&org.catalog, paging, |r| {
            r.libraries.iter().any(|l| l == library_id)
        })
    });
    let filters = [("libraryId", library_id)];
    let uri = |n: usize| listing::uri(RESPONSES_PATH, &filters, paging.size, n);
    Ok(listing::page(entities, total, paging, Some(&uri)))
}

/// The total of the responses that match, and the page of them, rendered.
fn page_of(
    catalog: &Catalog,
    paging: Paging,
    matches: impl Fn(&CannedResponse) -> bool,
) -> (usize, Vec<Value>) {
    let matching: Vec<&Arc<CannedResponse>> = catalog.responses().filter(|r| matches(r)).collect();
    let entities = matching
        .iter()
        .skip(paging.skip())
        .take(paging.size)
        .map(|r| catalog.render_response(r))
        .collect();
    (matching.len(), entities)
}

/// `POST …/responses/query`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Query {
    query_phrase: Option<String>,
    page_size: Option<i64>,
    page_number: Option<i64>,
    filters: Option<Vec<Filter>>,
}

#[derive(Debug, Deserialize)]
struct Filter {
    name: Option<String>,
    operator: Option<String>,
    values: Option<Vec<String>>,
}

/// A filter the emulator understands: the field equals one of `values`.
#[derive(Debug)]
enum Condition {
    Library(Vec<String>),
    Name(Vec<String>),
}

impl Condition {
    fn matches(&self, response: &CannedResponse) -> bool {
        match self {
            Condition::Library(ids) => response.libraries.iter().any(|l| ids.contains(l)),
            Condition::Name(names) => names.iter().any(|n| n == response.name()),
        }
    }
}

fn condition(i: usize, filter: Filter) -> Result<Condition, ApiError> {
    let field = |part: &str| format!("filters[{i}].{part}");
    let unsupported =
        |part: &str, what: String| ApiError::bad_request(what).param("field", field(part));
    let name = filter.name.unwrap_or_default();
    if name != "libraryId" && name != "name" {
        return Err(unsupported(
            "name",
            format!(
                "The filter `{}` on `{name}` is unsupported: the emulator filters on `libraryId` and `name`.",
                field("name")
            ),
        ));
    }
    let operator = filter.operator.unwrap_or_default();
    let values = filter.values.unwrap_or_default();
    match operator.as_str() {
        "IN" if !values.is_empty() => {}
        "EQUALS" if values.len() == 1 => {}
        "IN" | "EQUALS" => {
            return Err(unsupported(
                "values",
                format!(
                    "`{}` must hold {} for `{operator}`.",
                    field("values"),
                    if operator == "IN" {
                        "at least one value"
                    } else {
                        "exactly one value"
                    }
                ),
            ));
        }
        _ => {
            return Err(unsupported(
                "operator",
                format!(
                    "The operator `{operator}` of `{}` is unsupported: the emulator supports `IN` and `EQUALS`.",
                    field("operator")
                ),
            ));
        }
    }
    Ok(if name == "libraryId" {
        Condition::Library(values)
    } else {
        Condition::Name(values)
    })
}

/// A whole number from a query body: `pageSize` or `pageNumber`.
fn count(value: Option<i64>, default: usize, name: &str) -> Result<usize, ApiError> {
    let Some(value) = value else {
        return Ok(default);
    };
    usize::try_from(value).map_err(|_| {
        ApiError::bad_request(format!("`{name}` must not be negative, not {value}."))
            .param("field", name)
    })
}

pub(crate) async fn query(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    request_body: Body,
) -> Response {
    let results = async {
        let query: Query = body::json_or_default(&headers, request_body).await?;
        let paging = Paging::new(
            count(query.page_size, listing::DEFAULT_PAGE_SIZE, "pageSize")?,
            count(query.page_number, 1, "pageNumber")?,
            MAX_QUERY_PAGE_SIZE,
        )?;
        let conditions = query
            .filters
            .unwrap_or_default()
            .into_iter()
            .enumerate()
            .map(|(i, f)| condition(i, f))
            .collect::<Result<Vec<_>, _>>()?;
        let phrase = query
            .query_phrase
            .map(|p| p.to_lowercase())
            .filter(|p| !p.is_empty());
        let (total, entities) = shared.search(|catalog| {
            page_of(catalog, paging, |r| {
                conditions.iter().all(|c| c.matches(r))
                    && phrase.as_deref().is_none_or(|p| mentions(r, p))
            })
        });
        let results = listing::page(entities, total, paging, None);
        Ok(json!({ "results": results }))
    };
    answer(StatusCode::OK, results.await)
}

/// Whether the response's name or any of its texts holds `phrase` (lowercase).
fn mentions(response: &CannedResponse, phrase: &str) -> bool {
    response.name().to_lowercase().contains(phrase)
        || response
            .contents()
            .any(|c| c.to_lowercase().contains(phrase))
}

pub(crate) async fn create(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    request_body: Body,
) -> Response {
    let created = async {
        let body = object(body::json(&headers, request_body).await?, NOUN)?;
        let date_created = timestamp(&shared.clock);
        shared
            .change(|org| {
                let draft =
                    response_checks::response(body, |id| org.catalog.library(id).is_some())?;
                let id = org.fresh_id(|_| false);
                let response = org.catalog.insert_response(CannedResponse {
                    id,
                    version: 1,
                    date_created,
                    created_by: caller.0.to_string(),
                    libraries: draft.libraries,
                    fields: draft.fields,
                });
                Ok(org.catalog.render_response(&response))
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
                .response(&id)
                .map(|r| org.catalog.render_response(r))
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
                if org.catalog.response(&id).is_none() {
                    return Err(not_found(NOUN, &id));
                }
                let given = response_checks::version(&body)?;
                let draft = response_checks::response(body, |l| org.catalog.library(l).is_some())?;
                let response = org
                    .catalog
                    .update_response(&id, given, draft)
                    .map_err(|r| r.into_error(NOUN, &id))?;
                Ok(org.catalog.render_response(&response))
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
                    .delete_response(&id)
                    .map_err(|r| r.into_error(NOUN, &id))
            })
            .await
    };
    match deleted.await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => e.into_response(),
    }
}
