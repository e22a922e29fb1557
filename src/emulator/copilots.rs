//! `/api/v2/assistants/{assistantId}/copilot`: read and replace the whole object.
//! There is no PATCH and no DELETE: a copilot lives as long as its assistant.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::assistant_store::{Assistant, render_copilot};
use super::assistants::NOUN;
use super::body;
use super::copilot_checks;
use super::libraries::{answer, path_id};
use super::response_checks::object;
use super::response_store::not_found;
use super::state::Shared;

pub(crate) async fn get_one(
    State(shared): State<Arc<Shared>>,
    id: Result<Path<String>, PathRejection>,
) -> Response {
    let found = path_id(id).and_then(|id| {
        shared.read(|org| {
            org.assistants
                .get(&id)
                .map(|a| render_copilot(a))
                .ok_or_else(|| not_found(NOUN, &id))
        })
    });
    answer(StatusCode::OK, found)
}

/// Replaces the copilot with the body, checked by [`copilot_checks::copilot`];
/// rules sent without an id get one. The assistant itself is left as it is (its
/// `dateModified` too): the copilot is an object of its own, with no dates.
pub(crate) async fn put(
    State(shared): State<Arc<Shared>>,
    id: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    request_body: Body,
) -> Response {
    let replaced = async {
        let id = path_id(id)?;
        let body = object(body::json(&headers, request_body).await?, "copilot")?;
        shared
            .change(|org| {
                // An unknown id is a 404 whatever the body holds.
                let stored = org
                    .assistants
                    .get(&id)
                    .ok_or_else(|| not_found(NOUN, &id))?
                    .clone();
                let draft = copilot_checks::copilot(body, stored.copilot_language())?;
                let copilot = draft.into_fields(|| org.fresh_id(|_| false));
                let assistant = org.assistants.insert(Assistant {
                    copilot,
                    ..(*stored).clone()
                });
                Ok(render_copilot(&assistant))
            })
            .await
    };
    answer(StatusCode::OK, replaced.await)
}
