//! `/api/v2/agent-assist/prompts`: list, read, create-or-replace, delete.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{Extension, Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::body;
use super::error::ApiError;
use super::state::Shared;
use super::store::{PROMPTS_PATH, Refusal};
use super::wire::PromptBody;
use crate::diagnostic::Severity;
use crate::kinds::prompt::checks::check_prompt;
use crate::kinds::prompt::model::{self, RemotePrompt};
use crate::pii::PhoneRegions;

const DEFAULT_PAGE_SIZE: usize = 25;
const MAX_PAGE_SIZE: usize = 500;

/// The OAuth client a request's token belongs to; put there by the gateway.
#[derive(Clone, Debug)]
pub(crate) struct Caller(pub Arc<str>);

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Page<'a> {
    entities: body::Prompts<'a>,
    page_size: usize,
    page_number: usize,
    total: usize,
    page_count: usize,
    self_uri: String,
    first_uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_uri: Option<String>,
    last_uri: String,
}

pub(crate) async fn list(State(shared): State<Arc<Shared>>, RawQuery(query): RawQuery) -> Response {
    let (page_size, page_number) = match paging(query.as_deref()) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let skip = (page_number - 1).saturating_mul(page_size);
    let (total, entities) = shared.read(|org| (org.len(), org.page(skip, page_size)));
    let page_count = total.div_ceil(page_size);
    let uri = |n: usize| format!("{PROMPTS_PATH}?pageSize={page_size}&pageNumber={n}");
    let page = Page {
        entities: body::Prompts(&entities),
        page_size,
        page_number,
        total,
        page_count,
        self_uri: uri(page_number),
        first_uri: uri(1),
        next_uri: (page_number < page_count).then(|| uri(page_number + 1)),
        last_uri: uri(page_count.max(1)),
    };
    body::respond(StatusCode::OK, &page)
}

/// `pageSize` and `pageNumber` from the query; other parameters are ignored.
fn paging(query: Option<&str>) -> Result<(usize, usize), ApiError> {
    let mut size = DEFAULT_PAGE_SIZE;
    let mut number = 1;
    for (key, value) in url::form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        let parsed = || {
            value.parse::<usize>().map_err(|_| {
                ApiError::bad_request(format!("`{key}` must be a whole number, not `{value}`."))
                    .param("parameter", key.as_ref())
            })
        };
        match key.as_ref() {
            "pageSize" => size = parsed()?,
            "pageNumber" => number = parsed()?,
            _ => {}
        }
    }
    if !(1..=MAX_PAGE_SIZE).contains(&size) {
        return Err(ApiError::bad_request(format!(
            "`pageSize` must be between 1 and {MAX_PAGE_SIZE}, not {size}."
        ))
        .param("parameter", "pageSize"));
    }
    if number < 1 {
        return Err(
            ApiError::bad_request("`pageNumber` starts at 1.").param("parameter", "pageNumber")
        );
    }
    Ok((size, number))
}

pub(crate) async fn get_one(
    State(shared): State<Arc<Shared>>,
    id: Result<Path<String>, PathRejection>,
) -> Response {
    let id = match path_id(id) {
        Ok(id) => id,
        Err(e) => return e.into_response(),
    };
    match shared.read(|org| org.get(&id)) {
        Some(prompt) => body::respond(StatusCode::OK, &*prompt),
        None => not_found(&id).into_response(),
    }
}

pub(crate) async fn put(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    id: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    request_body: Body,
) -> Response {
    match put_inner(&shared, &caller, id, &headers, request_body).await {
        Ok((prompt, created)) => {
            let status = if created {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            body::respond(status, &*prompt)
        }
        Err(e) => e.into_response(),
    }
}

async fn put_inner(
    shared: &Shared,
    caller: &Caller,
    id: Result<Path<String>, PathRejection>,
    headers: &HeaderMap,
    request_body: Body,
) -> Result<(Arc<RemotePrompt>, bool), ApiError> {
    let id = path_id(id)?;
    let prompt: PromptBody = body::json(headers, request_body).await?;
    if let Some(body_id) = prompt.id()
        && body_id != id
    {
        return Err(ApiError::bad_request(format!(
            "The body's `id` `{body_id}` differs from the id `{id}` in the path."
        ))
        .param("field", "id"));
    }
    let precondition = prompt.version;
    let spec = prompt.into_spec(id.clone());
    // The emulated org's `defaultCountryCode` is `US`.
    invalid(&check_prompt(
        &spec,
        &shared.settings(),
        &PhoneRegions::north_america(),
    ))?;
    shared
        .change(|org| {
            org.put(spec, precondition, &caller.0)
                .map_err(|r| refused(r, &id))
        })
        .await
}

pub(crate) async fn delete(
    State(shared): State<Arc<Shared>>,
    id: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
) -> Response {
    let result = async {
        let id = path_id(id)?;
        let mut precondition = None;
        for (key, value) in url::form_urlencoded::parse(query.as_deref().unwrap_or("").as_bytes()) {
            if key == "version" {
                let version = value.parse::<u64>().map_err(|_| {
                    ApiError::bad_request(format!(
                        "`version` must be a whole number, not `{value}`."
                    ))
                    .param("parameter", "version")
                })?;
                precondition = Some(version);
            }
        }
        shared
            .change(|org| org.delete(&id, precondition).map_err(|r| refused(r, &id)))
            .await
    };
    match result.await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => e.into_response(),
    }
}

/// The prompt id from the path, if it is a legal one.
fn path_id(id: Result<Path<String>, PathRejection>) -> Result<String, ApiError> {
    let Path(id) = id.map_err(|e| {
        ApiError::bad_request(format!("The prompt id in the path is not valid: {e}."))
    })?;
    if !model::is_valid_id(&id) {
        return Err(invalid_id(&id));
    }
    Ok(id)
}

pub(crate) fn invalid_id(id: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "invalid.id",
        format!("`{id}` is not a valid prompt id: use 1 to 64 letters, digits, `_` and `-`."),
    )
    .param("id", id)
}

fn not_found(id: &str) -> ApiError {
    ApiError::not_found(format!("The prompt `{id}` was not found.")).param("id", id)
}

fn refused(refusal: Refusal, id: &str) -> ApiError {
    match refusal {
        Refusal::NotFound => not_found(id),
        Refusal::VersionMismatch { stored, given } => {
            let given_text =
                given.map_or_else(|| "no version".to_owned(), |v| format!("version {v}"));
            ApiError::new(
                StatusCode::CONFLICT,
                "version.mismatch",
                format!(
                    "The prompt `{id}` is at version {stored}, but the request gave {given_text}: it was changed since it was read."
                ),
            )
            .param("id", id)
            .param("currentVersion", stored)
        }
        Refusal::VersionExhausted { stored } => ApiError::bad_request(format!(
            "The prompt `{id}` is at version {stored}, the largest there is: it cannot be changed again (delete it and create it anew)."
        ))
        .param("id", id)
        .param("currentVersion", stored),
    }
}

/// A 400 with one entry per error the validator found; warnings pass.
fn invalid(findings: &[crate::kinds::prompt::checks::Finding]) -> Result<(), ApiError> {
    let errors: Vec<ApiError> = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| {
            let field = f.field.json_path();
            ApiError::new(
                StatusCode::BAD_REQUEST,
                f.api_code(),
                format!("`{field}`: {}", f.summary),
            )
            .param("field", field)
        })
        .collect();
    if errors.is_empty() {
        return Ok(());
    }
    let noun = if errors.len() == 1 {
        "problem"
    } else {
        "problems"
    };
    let mut err = ApiError::bad_request(format!("The prompt is invalid: {} {noun}.", errors.len()));
    err.errors = errors;
    Err(err)
}
