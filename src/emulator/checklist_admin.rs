//! How `POST /api/v2/assistants/agentchecklists` answers, which GENESYS.md leaves
//! open: 200 with the new checklist, or 202 with an empty object `{}`. The
//! checklist is created either way. `--checklist-create-status` sets it at start,
//! `POST /__emulator/checklists` at run time; a reset goes back to the start flag.

use std::sync::Arc;
use std::sync::atomic::{AtomicU16, Ordering};

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::body;
use super::error::ApiError;
use super::state::Shared;

/// The statuses a checklist creation may answer with.
pub(crate) const CREATE_STATUSES: [u16; 2] = [200, 202];

/// Why `status` cannot be the creation's answer.
pub(crate) fn create_status_problem(status: u16) -> Option<String> {
    (!CREATE_STATUSES.contains(&status)).then(|| format!("must be 200 or 202, not {status}"))
}

/// The status creations answer with now.
#[derive(Debug)]
pub(crate) struct CreateStatus(AtomicU16);

impl CreateStatus {
    pub fn new(status: u16) -> CreateStatus {
        CreateStatus(AtomicU16::new(status))
    }

    pub fn status(&self) -> StatusCode {
        match self.0.load(Ordering::Relaxed) {
            202 => StatusCode::ACCEPTED,
            _ => StatusCode::OK,
        }
    }

    pub fn set(&self, status: u16) {
        self.0.store(status, Ordering::Relaxed);
    }
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Switch {
    create_status: Option<u16>,
}

/// `POST /__emulator/checklists` `{"create_status": 202}`: answers with the
/// setting now in force; an empty body only reads it.
pub(crate) async fn switch(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    request_body: Body,
) -> Response {
    let switched = async {
        let switch: Switch = body::json_or_default(&headers, request_body).await?;
        if let Some(status) = switch.create_status {
            if let Some(reason) = create_status_problem(status) {
                return Err(ApiError::bad_request(format!("`create_status` {reason}."))
                    .param("field", "create_status"));
            }
            shared.checklist_create.set(status);
        }
        Ok(shared.checklist_create.status().as_u16())
    };
    match switched.await {
        Ok(status) => body::respond(StatusCode::OK, &json!({"create_status": status})),
        Err(e) => e.into_response(),
    }
}
