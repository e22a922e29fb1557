//! The routes, and the gateway every request passes: latency, authentication, the
//! rate limit, permissions, injected failures and the counters, in that order.

use std::sync::Arc;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{Method, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use super::error::ApiError;
use super::holds::{Stage, Verdict};
use super::prompts::Caller;
use super::serve::DropConnection;
use super::state::Shared;
use super::store::PROMPTS_PATH;
use super::{
    admin, assistant_admin, assistant_queues, assistants, auth, body, checklist_admin, checklists,
    copilots, libraries, organization, permissions, prompts, response_admin, responses,
};

const TOKEN_PATH: &str = "/oauth/token";
const API_PREFIX: &str = "/api/v2";

/// The rate-limit window that requests without a valid token share, so that they
/// too carry the headers and cannot flood the emulator unchecked. The NUL keeps it
/// apart from any real client id.
const ANONYMOUS: &str = "\0anonymous";

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route(TOKEN_PATH, post(auth::token))
        .route(PROMPTS_PATH, get(prompts::list))
        .route(organization::PATH, get(organization::me))
        .route(
            "/api/v2/agent-assist/prompts/{id}",
            get(prompts::get_one)
                .put(prompts::put)
                .delete(prompts::delete),
        )
        .route(
            "/api/v2/responsemanagement/libraries",
            get(libraries::list).post(libraries::create),
        )
        .route(
            "/api/v2/responsemanagement/libraries/{libraryId}",
            get(libraries::get_one)
                .put(libraries::put)
                .delete(libraries::delete),
        )
        .route(
            "/api/v2/responsemanagement/responses",
            get(responses::list).post(responses::create),
        )
        .route(
            "/api/v2/responsemanagement/responses/query",
            post(responses::query),
        )
        .route(
            "/api/v2/responsemanagement/responses/{responseId}",
            get(responses::get_one)
                .put(responses::put)
                .delete(responses::delete),
        )
        .route(
            "/api/v2/assistants/agentchecklists",
            get(checklists::list).post(checklists::create),
        )
        .route(
            "/api/v2/assistants/agentchecklists/{agentChecklistId}",
            get(checklists::get_one)
                .put(checklists::put)
                .delete(checklists::delete),
        )
        // `…/assistants/queues` and `…/assistants/agentchecklists` are matched
        // before `…/assistants/{assistantId}`: a static segment wins over a
        // parameter, so neither is ever read as an assistant id.
        .route(
            "/api/v2/assistants",
            get(assistants::list).post(assistants::create),
        )
        .route(
            "/api/v2/assistants/{assistantId}",
            get(assistants::get_one)
                .patch(assistants::patch)
                .delete(assistants::delete),
        )
        .route(
            assistant_queues::ALL_QUEUES_PATH,
            get(assistant_queues::list_all),
        )
        .route(
            "/api/v2/assistants/{assistantId}/queues",
            get(assistant_queues::list_of)
                .patch(assistant_queues::patch)
                .delete(assistant_queues::delete_some),
        )
        .route(
            "/api/v2/assistants/{assistantId}/queues/{queueId}",
            get(assistant_queues::get_one)
                .put(assistant_queues::put_one)
                .delete(assistant_queues::delete_one),
        )
        .route(
            "/api/v2/assistants/{assistantId}/copilot",
            get(copilots::get_one).put(copilots::put),
        )
        .route("/__emulator/stats", get(admin::stats))
        .route("/__emulator/reset", post(admin::reset))
        .route("/__emulator/clock", post(admin::clock))
        .route("/__emulator/prompts", post(admin::seed_prompts))
        .route("/__emulator/org", post(admin::org))
        .route("/__emulator/clients", post(admin::add_client))
        .route("/__emulator/responsemanagement", post(response_admin::seed))
        .route("/__emulator/index", post(response_admin::index))
        .route("/__emulator/checklists", post(checklist_admin::switch))
        .route("/__emulator/assistants", post(assistant_admin::seed))
        .route("/__emulator/queues", post(assistant_admin::queues))
        .route("/__emulator/faults", post(admin::faults))
        .route("/__emulator/holds", get(admin::holds).post(admin::arm_hold))
        .route("/__emulator/holds/{id}/wait", post(admin::wait_hold))
        .route("/__emulator/holds/{id}/release", post(admin::release_hold))
        .fallback(unknown_path)
        .method_not_allowed_fallback(wrong_method)
        .layer(middleware::from_fn_with_state(shared.clone(), gateway))
        .with_state(shared)
}

async fn gateway(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    // The route's template (`…/libraries/{libraryId}`): what permissions and the
    // counters by endpoint are keyed on. `None` for a path no route serves.
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned());
    let path = request.uri().path();
    if path == API_PREFIX || path.starts_with("/api/v2/") {
        return api(&shared, request, next, route.as_deref()).await;
    }
    let counted = path == TOKEN_PATH;
    let method = request.method().clone();
    let response = explained(next.run(request).await);
    if counted {
        shared
            .stats
            .count(&method, route.as_deref(), response.status());
    }
    response
}

async fn api(shared: &Shared, mut request: Request, next: Next, route: Option<&str>) -> Response {
    // Before anything is looked at, so that a client that gives up while waiting
    // has changed nothing, and has not even been counted.
    let latency = shared.faults.current().latency();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let faults = shared.faults.current();
    let method = request.method().clone();
    let now = shared.clock.now();
    let client = auth::bearer(request.headers()).and_then(|t| shared.tokens.client(t, now));
    let window = client.as_deref().unwrap_or(ANONYMOUS);
    let verdict = shared
        .limits
        .check(window, faults.rate_limit, faults.window(), now);
    let admitted = if verdict.allowed {
        client.ok_or_else(ApiError::bad_credentials)
    } else {
        Err(verdict.refusal())
    };
    let admitted = admitted.and_then(|client| {
        permissions::check(&method, route, &shared.clients.grants(&client))?;
        Ok(client)
    });
    let admitted = admitted.and_then(|client| match shared.faults.roll(faults.fail_rate) {
        Some(failure) => Err(failure),
        None => Ok(client),
    });
    let mut response = match admitted {
        Ok(client) => {
            request.extensions_mut().insert(Caller(client));
            processed(shared, request, next).await
        }
        Err(refusal) => {
            // Read what the client is still sending, so that it gets the answer.
            body::discard(request.into_body()).await;
            refusal.into_response()
        }
    };
    verdict.headers(response.headers_mut());
    shared.stats.count(&method, route, response.status());
    response
}

/// Runs an admitted request, parking it where a test armed a hold.
async fn processed(shared: &Shared, request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    if let Some(parked) = shared.holds.catch(&method, &path, Stage::Before) {
        match parked.verdict().await {
            Verdict::Answer => {}
            // Never processed: nothing of the request body is read either.
            verdict => return unanswered(verdict),
        }
    }
    let response = explained(next.run(request).await);
    match shared.holds.catch(&method, &path, Stage::After) {
        Some(parked) => match parked.verdict().await {
            Verdict::Answer => response,
            verdict => unanswered(verdict),
        },
        None => response,
    }
}

/// What a held request gets instead of its own answer.
fn unanswered(verdict: Verdict) -> Response {
    match verdict {
        Verdict::Fail { status } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
            ApiError::from_status(status).into_response()
        }
        Verdict::Drop | Verdict::Answer => {
            let mut response = StatusCode::INTERNAL_SERVER_ERROR.into_response();
            response.extensions_mut().insert(DropConnection);
            response
        }
    }
}

/// Gives an error body to a bare error response that axum made on its own.
fn explained(response: Response) -> Response {
    let status = response.status();
    if status.is_success() || response.headers().contains_key(header::CONTENT_TYPE) {
        return response;
    }
    let allow = response.headers().get(header::ALLOW).cloned();
    let mut explained = ApiError::from_status(status).into_response();
    if let Some(allow) = allow {
        explained.headers_mut().insert(header::ALLOW, allow);
    }
    explained
}

async fn unknown_path(method: Method, uri: Uri) -> ApiError {
    ApiError::not_found(format!(
        "There is no resource at `{} {}`.",
        method,
        uri.path()
    ))
    .param("path", uri.path())
}

async fn wrong_method(method: Method, uri: Uri) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method.not.allowed",
        format!("`{method}` is not allowed on `{}`.", uri.path()),
    )
    .param("method", method.as_str())
}
