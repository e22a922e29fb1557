//! `/api/v2/assistants/agentchecklists`: list by cursor, create, read, replace,
//! delete. No `version` anywhere: a PUT always lands.

use std::cmp::Ordering;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{Extension, Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::body;
use super::checklist_checks;
use super::checklist_store::{CHECKLISTS_PATH, Checklist, Stamp, render};
use super::cursor::{self, Cursor};
use super::error::ApiError;
use super::libraries::{answer, path_id};
use super::listing::{self, parameter};
use super::prompts::Caller;
use super::response_checks::object;
use super::response_store::{not_found, timestamp};
use super::state::Shared;

/// The SDK's own maximum: "The max that will be returned is 100."
const MAX_PAGE_SIZE: usize = 100;

const NOUN: &str = "agent checklist";

/// The order of a listing: `sortBy` (by id when absent; the id breaks ties) and
/// `sortOrder`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SortBy {
    Id,
    Name,
    Language,
    DateModified,
}

#[derive(Clone, Copy, Debug)]
struct Sort {
    by: SortBy,
    descending: bool,
}

impl Sort {
    fn from_query(parameters: &[(String, String)]) -> Result<Sort, ApiError> {
        let by = match parameter(parameters, "sortBy").filter(|v| !v.is_empty()) {
            None => SortBy::Id,
            Some("name") => SortBy::Name,
            Some("language") => SortBy::Language,
            Some("dateModified") => SortBy::DateModified,
            Some(other) => {
                return Err(unsupported(
                    "sortBy",
                    other,
                    "`dateModified`, `language` or `name`",
                ));
            }
        };
        let descending = match parameter(parameters, "sortOrder").filter(|v| !v.is_empty()) {
            None => false,
            Some(v) if v.eq_ignore_ascii_case("asc") => false,
            Some(v) if v.eq_ignore_ascii_case("desc") => true,
            Some(other) => return Err(unsupported("sortOrder", other, "`asc` or `desc`")),
        };
        Ok(Sort { by, descending })
    }

    /// The sort key: the id alone, or the field's name, its value and the id (the
    /// name, the same in every key, lets a cursor of another order be refused).
    fn key(self, checklist: &Checklist) -> Vec<String> {
        let (name, value) = match self.by {
            SortBy::Id => return vec![checklist.id.clone()],
            SortBy::Name => ("name", checklist.name.to_lowercase()),
            SortBy::Language => ("language", checklist.language.clone()),
            SortBy::DateModified => ("dateModified", checklist.date_modified.clone()),
        };
        vec![name.to_owned(), value, checklist.id.clone()]
    }

    /// Whether a cursor's key was made for this order.
    fn fits(self, key: &[String]) -> bool {
        match self.by {
            SortBy::Id => key.len() == 1,
            SortBy::Name => key.len() == 3 && key[0] == "name",
            SortBy::Language => key.len() == 3 && key[0] == "language",
            SortBy::DateModified => key.len() == 3 && key[0] == "dateModified",
        }
    }

    fn order(self, a: &[String], b: &[String]) -> Ordering {
        if self.descending { b.cmp(a) } else { a.cmp(b) }
    }
}

fn unsupported(name: &str, value: &str, allowed: &str) -> ApiError {
    ApiError::bad_request(format!("`{name}` must be {allowed}, not `{value}`."))
        .param("parameter", name)
}

/// Which checklists a listing keeps.
struct Filter {
    name_prefix: Option<String>,
    /// `name_prefix` in lowercase, as names are compared.
    lowercase_prefix: Option<String>,
    language: Option<String>,
    /// `agentChecklistIds`, repeated or comma-separated.
    ids: Vec<String>,
}

impl Filter {
    fn from_query(parameters: &[(String, String)]) -> Result<Filter, ApiError> {
        let given = |name: &str| {
            parameter(parameters, name)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let ids: Vec<String> = parameters
            .iter()
            .filter(|(key, _)| key == "agentChecklistIds")
            .flat_map(|(_, value)| value.split(','))
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .map(str::to_owned)
            .collect();
        let name_prefix = given("namePrefix");
        let filter = Filter {
            lowercase_prefix: name_prefix.as_deref().map(str::to_lowercase),
            name_prefix,
            language: given("language"),
            ids,
        };
        if !filter.ids.is_empty() && (filter.name_prefix.is_some() || filter.language.is_some()) {
            return Err(ApiError::bad_request(
                "`agentChecklistIds` cannot be combined with `namePrefix` or `language`.",
            )
            .param("parameter", "agentChecklistIds"));
        }
        Ok(filter)
    }

    fn matches(&self, checklist: &Checklist) -> bool {
        self.lowercase_prefix
            .as_deref()
            .is_none_or(|p| checklist.name.to_lowercase().starts_with(p))
            && self
                .language
                .as_deref()
                .is_none_or(|l| checklist.language == l)
            && (self.ids.is_empty() || self.ids.contains(&checklist.id))
    }

    /// The filters as the page links repeat them.
    fn in_links(&self, parameters: &[(String, String)]) -> Vec<(&'static str, String)> {
        let mut links = Vec::new();
        if let Some(prefix) = &self.name_prefix {
            links.push(("namePrefix", prefix.clone()));
        }
        if let Some(language) = &self.language {
            links.push(("language", language.clone()));
        }
        if !self.ids.is_empty() {
            links.push(("agentChecklistIds", self.ids.join(",")));
        }
        for name in ["sortBy", "sortOrder"] {
            if let Some(value) = parameter(parameters, name).filter(|v| !v.is_empty()) {
                links.push((name, value.to_owned()));
            }
        }
        links
    }
}

pub(crate) async fn list(State(shared): State<Arc<Shared>>, RawQuery(query): RawQuery) -> Response {
    answer(StatusCode::OK, list_inner(&shared, query.as_deref()))
}

fn list_inner(shared: &Shared, query: Option<&str>) -> Result<Value, ApiError> {
    let parameters = listing::parameters(query);
    let sort = Sort::from_query(&parameters)?;
    let filter = Filter::from_query(&parameters)?;
    let cursor: Cursor = cursor::from_query(&parameters, MAX_PAGE_SIZE, |key| sort.fits(key))?;
    let mut rows: Vec<(Vec<String>, Arc<Checklist>)> = shared.read(|org| {
        org.checklists
            .iter()
            .filter(|c| filter.matches(c))
            .map(|c| (sort.key(c), c.clone()))
            .collect()
    });
    rows.sort_by(|(a, _), (b, _)| sort.order(a, b));
    let page = cursor::page(rows, &cursor, |a, b| sort.order(a, b));
    let entities = page.items.iter().map(|c| render(c)).collect();
    Ok(cursor::answer(
        entities,
        CHECKLISTS_PATH,
        &filter.in_links(&parameters),
        &cursor,
        page.next.as_ref(),
        page.previous.as_ref(),
    ))
}

/// 200 with the new checklist, or 202 with `{}` when `POST /__emulator/checklists`
/// (or `--checklist-create-status 202`) says so: created either way.
pub(crate) async fn create(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    request_body: Body,
) -> Response {
    let status = shared.checklist_create.status();
    let created = async {
        let body = object(body::json(&headers, request_body).await?, NOUN)?;
        let draft = checklist_checks::checklist(&body)?;
        let stamp = Stamp {
            at: timestamp(&shared.clock),
            by: caller.0.to_string(),
        };
        shared
            .change(|org| {
                let item_ids = org.fresh_ids(draft.items.len());
                let id = org.fresh_id(|id| item_ids.iter().any(|i| i == id));
                let checklist = org.checklists.create(id, item_ids, draft, stamp);
                Ok(render(&checklist))
            })
            .await
    };
    match created.await {
        Ok(_) if status == StatusCode::ACCEPTED => body::respond(status, &json!({})),
        result => answer(status, result),
    }
}

pub(crate) async fn get_one(
    State(shared): State<Arc<Shared>>,
    id: Result<Path<String>, PathRejection>,
) -> Response {
    let found = path_id(id).and_then(|id| {
        shared.read(|org| {
            org.checklists
                .get(&id)
                .map(|c| render(c))
                .ok_or_else(|| not_found(NOUN, &id))
        })
    });
    answer(StatusCode::OK, found)
}

pub(crate) async fn put(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    id: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    request_body: Body,
) -> Response {
    let replaced = async {
        let id = path_id(id)?;
        let body = object(body::json(&headers, request_body).await?, NOUN)?;
        let stamp = Stamp {
            at: timestamp(&shared.clock),
            by: caller.0.to_string(),
        };
        shared
            .change(|org| {
                // An unknown id is a 404 whatever the body holds.
                if org.checklists.get(&id).is_none() {
                    return Err(not_found(NOUN, &id));
                }
                let draft = checklist_checks::checklist(&body)?;
                let item_ids = org.fresh_ids(draft.items.len());
                org.checklists
                    .replace(&id, item_ids, draft, stamp)
                    .map(|c| render(&c))
                    .ok_or_else(|| not_found(NOUN, &id))
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
                if org.checklists.remove(&id) {
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
