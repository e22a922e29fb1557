//! `/__emulator/`: the emulator's own controls for tests and benchmarks. No token,
//! no rate limit, no faults.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::body;
use super::clients::ClientGrant;
use super::error::ApiError;
use super::faults::FaultsPatch;
use super::holds::{Arm, Until, Verdict};
use super::prompts::invalid_id;
use super::state::Shared;
use super::wire::PromptBody;
use crate::kinds::prompt::model;
use crate::org::OrgSettings;

/// Who a seeded prompt was last modified by, when the seed does not say.
const SEED_AUTHOR: &str = "emulator";

pub(crate) async fn stats(State(shared): State<Arc<Shared>>) -> Response {
    body::respond(StatusCode::OK, &shared.stats.snapshot())
}

pub(crate) async fn reset(State(shared): State<Arc<Shared>>) -> Response {
    match shared.reset().await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Advance {
    advance_ms: u64,
}

/// Moves the emulator's clock on: tokens expire and rate windows close as if that
/// time had passed.
pub(crate) async fn clock(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    request_body: Body,
) -> Response {
    let advance: Advance = match body::json(&headers, request_body).await {
        Ok(advance) => advance,
        Err(e) => return e.into_response(),
    };
    let total = shared
        .clock
        .advance(Duration::from_millis(advance.advance_ms));
    let total_ms = u64::try_from(total.as_millis()).unwrap_or(u64::MAX);
    body::respond(
        StatusCode::OK,
        &serde_json::json!({"advanced_ms": total_ms}),
    )
}

/// Stores prompts as given: no validation, the `version` given (1 when absent).
pub(crate) async fn seed_prompts(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    request_body: Body,
) -> Response {
    let result = async {
        let prompts: Vec<PromptBody> =
            body::json_up_to(&headers, request_body, body::MAX_SEED_BODY).await?;
        let mut seeds = Vec::with_capacity(prompts.len());
        for (i, prompt) in prompts.into_iter().enumerate() {
            // Without an id a prompt could never be addressed again.
            let Some(id) = prompt.id().map(str::to_owned) else {
                return Err(ApiError::bad_request(format!("Prompt [{i}] has no `id`."))
                    .param("field", format!("[{i}].id")));
            };
            if !model::is_valid_id(&id) {
                return Err(invalid_id(&id));
            }
            let version = prompt.version.unwrap_or(1);
            let author = prompt
                .modified_by
                .as_ref()
                .map_or_else(|| SEED_AUTHOR.to_owned(), |m| m.id.clone());
            seeds.push((prompt.into_spec(id), version, author));
        }
        shared
            .change(|org| {
                Ok(seeds
                    .into_iter()
                    .map(|(spec, version, author)| org.seed(spec, version, author))
                    .collect::<Vec<_>>())
            })
            .await
    };
    match result.await {
        Ok(stored) => body::respond(StatusCode::OK, &body::Prompts(&stored)),
        Err(e) => e.into_response(),
    }
}

/// `POST /__emulator/clients`: adds an OAuth client with the permissions given, or
/// gives one added before new ones. The answer never holds the secret.
pub(crate) async fn add_client(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    request_body: Body,
) -> Response {
    let added = async {
        let grant: ClientGrant = body::json(&headers, request_body).await?;
        shared.clients.add(grant)
    };
    match added.await {
        Ok(client) => body::respond(StatusCode::OK, &client),
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OrgPatch {
    context_variables: Option<Vec<String>>,
    pii_allow: Option<Vec<String>>,
    org_id: Option<String>,
    org_name: Option<String>,
    default_country_code: Option<String>,
}

pub(crate) async fn org(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    request_body: Body,
) -> Response {
    let patch: OrgPatch = match body::json(&headers, request_body).await {
        Ok(patch) => patch,
        Err(e) => return e.into_response(),
    };
    let current = shared.settings();
    let settings = OrgSettings {
        context_variables: patch
            .context_variables
            .unwrap_or_else(|| current.context_variables.clone()),
        pii_allow: patch.pii_allow.unwrap_or_else(|| current.pii_allow.clone()),
    };
    shared.set_settings(settings.clone());
    let identity = {
        let mut identity = shared.identity.write().unwrap_or_else(|e| e.into_inner());
        if let Some(id) = patch.org_id {
            identity.id = id;
        }
        if let Some(name) = patch.org_name {
            identity.name = name;
        }
        if let Some(country) = patch.default_country_code {
            identity.country = country;
        }
        identity.clone()
    };
    body::respond(
        StatusCode::OK,
        &serde_json::json!({
            "context_variables": settings.context_variables,
            "pii_allow": settings.pii_allow,
            "org_id": identity.id,
            "org_name": identity.name,
            "default_country_code": identity.country,
        }),
    )
}

pub(crate) async fn faults(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    request_body: Body,
) -> Response {
    let patch: FaultsPatch = match body::json(&headers, request_body).await {
        Ok(patch) => patch,
        Err(e) => return e.into_response(),
    };
    match shared.faults.patch(patch) {
        Ok(faults) => body::respond(StatusCode::OK, &faults),
        Err((field, reason)) => ApiError::bad_request(format!("`{field}` {reason}."))
            .param("field", field)
            .into_response(),
    }
}

pub(crate) async fn holds(State(shared): State<Arc<Shared>>) -> Response {
    body::respond(StatusCode::OK, &shared.holds.list())
}

pub(crate) async fn arm_hold(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    request_body: Body,
) -> Response {
    let armed = async {
        let arm: Arm = body::json(&headers, request_body).await?;
        shared.holds.arm(arm)
    };
    match armed.await {
        Ok(hold) => body::respond(StatusCode::CREATED, &hold),
        Err(e) => e.into_response(),
    }
}

/// Answers when the hold has caught its request, or with `?until=abandoned` when
/// that request's client has given up on it; `?timeout_ms=N` bounds the wait.
pub(crate) async fn wait_hold(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<u64>,
    RawQuery(query): RawQuery,
) -> Response {
    let query = query.unwrap_or_default();
    let param = |name: &str| {
        url::form_urlencoded::parse(query.as_bytes())
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
    };
    let timeout = param("timeout_ms").and_then(|value| value.parse::<u64>().ok());
    let until = match param("until").as_deref() {
        None | Some("caught") => Until::Caught,
        Some("abandoned") => Until::Abandoned,
        Some(_) => {
            return ApiError::bad_request("`until` is `caught` or `abandoned`.")
                .param("field", "until")
                .into_response();
        }
    };
    match shared.holds.wait(id, until, timeout).await {
        Ok(hold) => body::respond(StatusCode::OK, &hold),
        Err(e) => e.into_response(),
    }
}

/// Lets the held request go: `{"then": "answer"}` (the default, also for an empty
/// body), `{"then": "drop"}` or `{"then": "fail", "status": 503}`.
pub(crate) async fn release_hold(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<u64>,
    headers: HeaderMap,
    request_body: Body,
) -> Response {
    let released = async {
        let verdict: Verdict = body::json_or_default(&headers, request_body).await?;
        if let Verdict::Fail { status } = verdict
            && !(400..=599).contains(&status)
        {
            return Err(
                ApiError::bad_request("`status` must be an error status, 400 to 599.")
                    .param("field", "status"),
            );
        }
        shared.holds.release(id, verdict)
    };
    match released.await {
        Ok(hold) => body::respond(StatusCode::OK, &hold),
        Err(e) => e.into_response(),
    }
}
