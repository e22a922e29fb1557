//! The emulator's assistant controls: the queues the org knows
//! (`POST /__emulator/queues`, `--queues`) and a bulk seed of assistants with their
//! copilots and queues (`POST /__emulator/assistants`), for tests and benchmarks.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::assistant_checks::{self, QueueDraft};
use super::assistant_store::{Assistant, default_copilot};
use super::body;
use super::copilot_checks::{self, CopilotDraft};
use super::error::ApiError;
use super::options::EmulatorOptions;
use super::queue_store::{DEFAULT_QUEUES, queue_id_problem};
use super::response_admin::located;
use super::response_checks::object;
use super::response_store::timestamp;
use super::state::Shared;
use super::store::Org;

/// Who seeded assistants were created by.
const SEED_AUTHOR: &str = "emulator";

/// The queues an org knows at its start and after a reset: the defaults and
/// `--queues`.
pub(crate) fn start_queues(options: &EmulatorOptions) -> Vec<String> {
    DEFAULT_QUEUES
        .iter()
        .map(|q| (*q).to_owned())
        .chain(options.queues.iter().cloned())
        .collect()
}

/// Why `--queues` cannot be taken.
pub(crate) fn queues_problem(options: &EmulatorOptions) -> Option<String> {
    options.queues.iter().find_map(|q| queue_id_problem(q))
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Known {
    #[serde(default)]
    ids: Vec<String>,
}

/// `POST /__emulator/queues` `{"ids": [...]}`: adds queues to those the org knows
/// and answers them all, `{"ids": [...]}` sorted; an empty body only reads them.
pub(crate) async fn queues(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    request_body: Body,
) -> Response {
    let known = async {
        let known: Known = body::json_or_default(&headers, request_body).await?;
        if let Some((i, reason)) = known
            .ids
            .iter()
            .enumerate()
            .find_map(|(i, q)| queue_id_problem(q).map(|r| (i, r)))
        {
            return Err(ApiError::bad_request(format!("`ids[{i}]`: {reason}."))
                .param("field", format!("ids[{i}]")));
        }
        shared
            .change(|org| {
                org.assistants.queues.know(known.ids);
                Ok(org.assistants.queues.known().cloned().collect::<Vec<_>>())
            })
            .await
    };
    match known.await {
        Ok(ids) => body::respond(StatusCode::OK, &json!({"ids": ids})),
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Seed {
    assistants: Vec<Value>,
}

/// One seeded assistant, checked.
struct Planted {
    fields: Map<String, Value>,
    copilot: Option<CopilotDraft>,
    queues: Vec<QueueDraft>,
}

/// `POST /__emulator/assistants`: creates every assistant as `POST` would, its
/// `copilot` as a `PUT …/copilot` would have replaced it, and binds its `queues`
/// (which the org then knows), all or nothing. Answers `{"ids": [...]}`, the new
/// ids in the order given. Not rate limited, not counted.
pub(crate) async fn seed(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    request_body: Body,
) -> Response {
    let seeded = async {
        let seed: Seed = body::json_up_to(&headers, request_body, body::MAX_SEED_BODY).await?;
        let planted = seed
            .assistants
            .into_iter()
            .enumerate()
            .map(|(i, entry)| check(entry).map_err(|e| located(e, "assistants", i)))
            .collect::<Result<Vec<_>, _>>()?;
        let at = timestamp(&shared.clock);
        shared.change(|org| Ok(plant(org, planted, &at))).await
    };
    match seeded.await {
        Ok(ids) => body::respond(StatusCode::OK, &json!({"ids": ids})),
        Err(e) => e.into_response(),
    }
}

fn check(entry: Value) -> Result<Planted, ApiError> {
    let mut body = object(entry, "assistant")?;
    let copilot = body.remove("copilot");
    let queues = body.remove("queues");
    let fields = assistant_checks::assistant(body)?;
    let copilot = match copilot {
        None | Some(Value::Null) => None,
        Some(copilot) => Some(copilot_checks::copilot(object(copilot, "copilot")?, None)?),
    };
    let queues = match queues {
        None | Some(Value::Null) => Vec::new(),
        // Any well-formed queue id: the seed makes it known.
        Some(queues) => assistant_checks::queues(&queues, |_| true)?,
    };
    if let Some(reason) = queues.iter().find_map(|q| queue_id_problem(&q.id)) {
        return Err(ApiError::bad_request(format!("`queues`: {reason}.")).param("field", "queues"));
    }
    Ok(Planted {
        fields,
        copilot,
        queues,
    })
}

fn plant(org: &mut Org, planted: Vec<Planted>, at: &str) -> Vec<String> {
    let mut ids = Vec::with_capacity(planted.len());
    for entry in planted {
        let id = org.fresh_id(|_| false);
        let copilot = match entry.copilot {
            Some(draft) => draft.into_fields(|| org.fresh_id(|_| false)),
            None => default_copilot(),
        };
        org.assistants.insert(Assistant {
            id: id.clone(),
            date_created: at.to_owned(),
            date_modified: at.to_owned(),
            created_by: SEED_AUTHOR.to_owned(),
            modified_by: SEED_AUTHOR.to_owned(),
            fields: entry.fields,
            copilot,
        });
        for queue in entry.queues {
            // A later entry takes a queue from an earlier one, as a PATCH would.
            org.assistants
                .queues
                .bind(&queue.id, &id, queue.media_types, at);
        }
        ids.push(id);
    }
    ids
}
