//! The queues an assistant serves: `/api/v2/assistants/{assistantId}/queues` (list
//! by cursor, bind with PATCH, unbind with DELETE `?queueIds=`), one binding at
//! `…/queues/{queueId}` (GET, PUT, DELETE), and every binding at
//! `/api/v2/assistants/queues`. A queue has one assistant at most: binding it
//! takes it from another. Only queues the org knows can be bound.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::assistant_checks::{self, QueueDraft};
use super::assistant_store::assistant_uri;
use super::assistants::{MAX_PAGE_SIZE, NOUN, expands};
use super::body;
use super::cursor::{self, Cursor};
use super::error::ApiError;
use super::libraries::{answer, path_id};
use super::listing;
use super::queue_store::Binding;
use super::response_store::{not_found, timestamp};
use super::state::Shared;
use super::store::Org;

pub(crate) const ALL_QUEUES_PATH: &str = "/api/v2/assistants/queues";

/// Which bindings a listing shows.
enum Which<'a> {
    /// Those of one assistant.
    Of(&'a str),
    /// Those of these queues, or every one when empty.
    Queues(&'a [String]),
}

/// A cursor page of bindings, by queue id; only the page's are rendered.
fn page(org: &Org, which: &Which, cursor: &Cursor, expand: bool) -> cursor::Page<Value> {
    let rows: Vec<(Vec<String>, &Arc<Binding>)> = org
        .assistants
        .queues
        .bindings()
        .filter(|b| match which {
            Which::Of(assistant) => b.assistant_id == *assistant,
            Which::Queues(ids) => ids.is_empty() || ids.contains(&b.queue_id),
        })
        .map(|b| (vec![b.queue_id.clone()], b))
        .collect();
    let page = cursor::page(rows, cursor, |a, b| a.cmp(b));
    cursor::Page {
        items: page
            .items
            .iter()
            .map(|b| org.assistants.render_binding(b, expand))
            .collect(),
        next: page.next,
        previous: page.previous,
    }
}

fn by_queue_id(key: &[String]) -> bool {
    key.len() == 1
}

/// `queueIds`: comma-separated, repeated or not.
fn queue_ids(parameters: &[(String, String)]) -> Vec<String> {
    parameters
        .iter()
        .filter(|(key, _)| key == "queueIds")
        .flat_map(|(_, value)| value.split(','))
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `GET /api/v2/assistants/{assistantId}/queues`.
pub(crate) async fn list_of(
    State(shared): State<Arc<Shared>>,
    id: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
) -> Response {
    let listed = path_id(id).and_then(|id| {
        let parameters = listing::parameters(query.as_deref());
        let expand = expands(&parameters, "assistant")?;
        let cursor = cursor::from_query(&parameters, MAX_PAGE_SIZE, by_queue_id)?;
        let page = shared.read(|org| {
            org.assistants
                .get(&id)
                .map(|_| page(org, &Which::Of(&id), &cursor, expand))
                .ok_or_else(|| not_found(NOUN, &id))
        })?;
        let links = expand_link(expand);
        Ok(cursor::answer(
            page.items,
            &format!("{}/queues", assistant_uri(&id)),
            &links,
            &cursor,
            page.next.as_ref(),
            page.previous.as_ref(),
        ))
    });
    answer(StatusCode::OK, listed)
}

/// `GET /api/v2/assistants/queues?queueIds=…&expand=assistant`.
pub(crate) async fn list_all(
    State(shared): State<Arc<Shared>>,
    RawQuery(query): RawQuery,
) -> Response {
    let listed = (|| {
        let parameters = listing::parameters(query.as_deref());
        let expand = expands(&parameters, "assistant")?;
        let cursor = cursor::from_query(&parameters, MAX_PAGE_SIZE, by_queue_id)?;
        let ids = queue_ids(&parameters);
        let page = shared.read(|org| page(org, &Which::Queues(&ids), &cursor, expand));
        let mut links = Vec::new();
        if !ids.is_empty() {
            links.push(("queueIds", ids.join(",")));
        }
        links.extend(expand_link(expand));
        Ok(cursor::answer(
            page.items,
            ALL_QUEUES_PATH,
            &links,
            &cursor,
            page.next.as_ref(),
            page.previous.as_ref(),
        ))
    })();
    answer(StatusCode::OK, listed)
}

fn expand_link(expand: bool) -> Vec<(&'static str, String)> {
    if expand {
        vec![("expand", "assistant".to_owned())]
    } else {
        Vec::new()
    }
}

/// `PATCH /api/v2/assistants/{assistantId}/queues`: binds each queue of the body
/// (taking it from any other assistant), leaves the assistant's other queues as
/// they are, and answers the bindings it made, in the body's order.
pub(crate) async fn patch(
    State(shared): State<Arc<Shared>>,
    id: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    request_body: Body,
) -> Response {
    let bound = async {
        let id = path_id(id)?;
        let body: Value = body::json(&headers, request_body).await?;
        let at = timestamp(&shared.clock);
        shared
            .change(|org| {
                if org.assistants.get(&id).is_none() {
                    return Err(not_found(NOUN, &id));
                }
                let queues = &org.assistants.queues;
                let drafts = assistant_checks::queues(&body, |q| queues.is_known(q))?;
                let entities: Vec<Value> = bind(org, &id, drafts, &at)
                    .iter()
                    .map(|b| org.assistants.render_binding(b, false))
                    .collect();
                Ok(json!({
                    "entities": entities,
                    "selfUri": format!("{}/queues", assistant_uri(&id)),
                }))
            })
            .await
    };
    answer(StatusCode::OK, bound.await)
}

fn bind(org: &mut Org, assistant_id: &str, drafts: Vec<QueueDraft>, at: &str) -> Vec<Arc<Binding>> {
    drafts
        .into_iter()
        .map(|d| {
            org.assistants
                .queues
                .bind(&d.id, assistant_id, d.media_types, at)
        })
        .collect()
}

/// `DELETE /api/v2/assistants/{assistantId}/queues?queueIds=a,b`: 204. Queues the
/// assistant does not serve are passed over; without `queueIds`, every queue it
/// serves is unbound.
pub(crate) async fn delete_some(
    State(shared): State<Arc<Shared>>,
    id: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
) -> Response {
    let deleted = async {
        let id = path_id(id)?;
        let ids = queue_ids(&listing::parameters(query.as_deref()));
        shared
            .change(|org| {
                if org.assistants.get(&id).is_none() {
                    return Err(not_found(NOUN, &id));
                }
                if ids.is_empty() {
                    org.assistants.queues.unbind_all(&id);
                }
                for queue in &ids {
                    org.assistants.queues.unbind(queue, &id);
                }
                Ok(())
            })
            .await
    };
    no_content(deleted.await)
}

fn no_content(result: Result<(), ApiError>) -> Response {
    match result {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => e.into_response(),
    }
}

/// The assistant and queue ids in the path.
fn path_ids(
    ids: Result<Path<(String, String)>, PathRejection>,
) -> Result<(String, String), ApiError> {
    let Path(ids) =
        ids.map_err(|e| ApiError::bad_request(format!("The ids in the path are not valid: {e}.")))?;
    Ok(ids)
}

/// A 404 for a queue the assistant does not serve (or an unknown assistant).
fn not_served(org: &Org, assistant: &str, queue: &str) -> ApiError {
    if org.assistants.get(assistant).is_none() {
        return not_found(NOUN, assistant);
    }
    ApiError::not_found(format!(
        "The assistant `{assistant}` does not serve the queue `{queue}`."
    ))
    .param("id", assistant)
    .param("queueId", queue)
}

/// `GET /api/v2/assistants/{assistantId}/queues/{queueId}`.
pub(crate) async fn get_one(
    State(shared): State<Arc<Shared>>,
    ids: Result<Path<(String, String)>, PathRejection>,
    RawQuery(query): RawQuery,
) -> Response {
    let found = path_ids(ids).and_then(|(assistant, queue)| {
        let expand = expands(&listing::parameters(query.as_deref()), "assistant")?;
        shared.read(|org| match org.assistants.queues.binding(&queue) {
            Some(b) if b.assistant_id == assistant => Ok(org.assistants.render_binding(b, expand)),
            _ => Err(not_served(org, &assistant, &queue)),
        })
    });
    answer(StatusCode::OK, found)
}

/// `PUT /api/v2/assistants/{assistantId}/queues/{queueId}`: binds the queue, as
/// one entry of a PATCH would.
pub(crate) async fn put_one(
    State(shared): State<Arc<Shared>>,
    ids: Result<Path<(String, String)>, PathRejection>,
    headers: HeaderMap,
    request_body: Body,
) -> Response {
    let bound = async {
        let (assistant, queue) = path_ids(ids)?;
        let body: Value = body::json(&headers, request_body).await?;
        let at = timestamp(&shared.clock);
        shared
            .change(|org| {
                if org.assistants.get(&assistant).is_none() {
                    return Err(not_found(NOUN, &assistant));
                }
                let queues = &org.assistants.queues;
                let draft = assistant_checks::one_queue(&body, &queue, |q| queues.is_known(q))?;
                let bound = bind(org, &assistant, vec![draft], &at);
                Ok(bound
                    .first()
                    .map(|b| org.assistants.render_binding(b, false))
                    .unwrap_or_default())
            })
            .await
    };
    answer(StatusCode::OK, bound.await)
}

/// `DELETE /api/v2/assistants/{assistantId}/queues/{queueId}`: 204, or 404 when
/// the assistant does not serve it.
pub(crate) async fn delete_one(
    State(shared): State<Arc<Shared>>,
    ids: Result<Path<(String, String)>, PathRejection>,
) -> Response {
    let deleted = async {
        let (assistant, queue) = path_ids(ids)?;
        shared
            .change(|org| {
                if org.assistants.queues.unbind(&queue, &assistant) {
                    Ok(())
                } else {
                    Err(not_served(org, &assistant, &queue))
                }
            })
            .await
    };
    no_content(deleted.await)
}
