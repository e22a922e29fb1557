//! `GET /api/v2/organizations/me`: which org this is. Any authenticated client may
//! ask; its `id` is what tells two orgs of one region apart.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use super::body;
use super::state::Shared;

pub(crate) const PATH: &str = "/api/v2/organizations/me";

pub(crate) async fn me(State(shared): State<Arc<Shared>>) -> Response {
    let org = shared.identity();
    body::respond(
        StatusCode::OK,
        &json!({
            "id": org.id,
            "name": org.name,
            "domain": "emulator",
            "thirdPartyOrgName": org.name,
            "defaultLanguage": "en-us",
            "defaultCountryCode": org.country,
            "state": "active",
            "version": 1,
            "selfUri": format!("/api/v2/organizations/{}", org.id),
        }),
    )
}
