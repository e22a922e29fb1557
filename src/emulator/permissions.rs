//! Which permissions each operation needs, as the SDK's contract digest
//! (`contract-v270.json`) gives them, and the 403 a client without them gets.
//! Every Agent Copilot operation the emulator serves needs ALL of its list (the
//! digest gives none of them ANY mode). Routes that are not in the table need
//! none: `/api/v2/organizations/me` (any authenticated client), and the prompts of
//! API.md, for which no document names one.

use axum::http::{Method, StatusCode};

use super::clients::Grants;
use super::error::ApiError;

/// Whether an operation needs every listed permission or any one of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    All,
    Any,
}

/// One operation: its method, its route as the router spells it, and what it needs.
#[derive(Debug)]
pub(crate) struct Rule {
    pub method: &'static str,
    pub route: &'static str,
    pub mode: Mode,
    pub permissions: &'static [&'static str],
}

const LIBRARIES: &str = "/api/v2/responsemanagement/libraries";
const LIBRARY: &str = "/api/v2/responsemanagement/libraries/{libraryId}";
const RESPONSES: &str = "/api/v2/responsemanagement/responses";
const RESPONSE: &str = "/api/v2/responsemanagement/responses/{responseId}";
const QUERY: &str = "/api/v2/responsemanagement/responses/query";
const CHECKLISTS: &str = "/api/v2/assistants/agentchecklists";
const CHECKLIST: &str = "/api/v2/assistants/agentchecklists/{agentChecklistId}";
const ASSISTANTS: &str = "/api/v2/assistants";
const ASSISTANT: &str = "/api/v2/assistants/{assistantId}";
const ALL_QUEUES: &str = "/api/v2/assistants/queues";
const QUEUES: &str = "/api/v2/assistants/{assistantId}/queues";
const QUEUE: &str = "/api/v2/assistants/{assistantId}/queues/{queueId}";
const COPILOT: &str = "/api/v2/assistants/{assistantId}/copilot";

const fn rule(
    method: &'static str,
    route: &'static str,
    mode: Mode,
    permissions: &'static [&'static str],
) -> Rule {
    Rule {
        method,
        route,
        mode,
        permissions,
    }
}

/// From the digest's `operations`: method, path, `permissions.mode` and `.list`.
pub(crate) static RULES: &[Rule] = &[
    rule("GET", LIBRARIES, Mode::Any, &["responses:library:view"]),
    rule("POST", LIBRARIES, Mode::Any, &["responses:library:add"]),
    rule("GET", LIBRARY, Mode::Any, &["responses:library:view"]),
    rule("PUT", LIBRARY, Mode::All, &["responses:library:edit"]),
    rule("DELETE", LIBRARY, Mode::Any, &["responses:library:delete"]),
    rule("GET", RESPONSES, Mode::Any, &["responses:response:view"]),
    rule("POST", RESPONSES, Mode::Any, &["responses:response:add"]),
    rule("POST", QUERY, Mode::Any, &["responses:response:view"]),
    rule("GET", RESPONSE, Mode::Any, &["responses:response:view"]),
    rule("PUT", RESPONSE, Mode::Any, &["responses:response:edit"]),
    rule(
        "DELETE",
        RESPONSE,
        Mode::Any,
        &["responses:response:delete"],
    ),
    rule(
        "GET",
        CHECKLISTS,
        Mode::All,
        &["assistants:agentchecklist:view"],
    ),
    rule(
        "POST",
        CHECKLISTS,
        Mode::All,
        &["assistants:agentchecklist:add"],
    ),
    rule(
        "GET",
        CHECKLIST,
        Mode::All,
        &["assistants:agentchecklist:view"],
    ),
    rule(
        "PUT",
        CHECKLIST,
        Mode::All,
        &["assistants:agentchecklist:edit"],
    ),
    rule(
        "DELETE",
        CHECKLIST,
        Mode::All,
        &["assistants:agentchecklist:delete"],
    ),
    rule("GET", ASSISTANTS, Mode::All, &["assistants:assistant:view"]),
    rule("POST", ASSISTANTS, Mode::All, &["assistants:assistant:add"]),
    rule("GET", ASSISTANT, Mode::All, &["assistants:assistant:view"]),
    rule(
        "PATCH",
        ASSISTANT,
        Mode::All,
        &["assistants:assistant:edit"],
    ),
    rule(
        "DELETE",
        ASSISTANT,
        Mode::All,
        &["assistants:assistant:delete"],
    ),
    rule("GET", ALL_QUEUES, Mode::All, &["assistants:queue:view"]),
    rule("GET", QUEUES, Mode::All, &["assistants:queue:view"]),
    rule("PATCH", QUEUES, Mode::All, &["assistants:queue:edit"]),
    rule("DELETE", QUEUES, Mode::All, &["assistants:queue:delete"]),
    rule("GET", QUEUE, Mode::All, &["assistants:queue:view"]),
    rule("PUT", QUEUE, Mode::All, &["assistants:queue:edit"]),
    rule("DELETE", QUEUE, Mode::All, &["assistants:queue:delete"]),
    rule("GET", COPILOT, Mode::All, &["assistants:copilot:view"]),
    rule("PUT", COPILOT, Mode::All, &["assistants:copilot:edit"]),
];

/// What `method` on `route` needs, if anything.
pub(crate) fn rule_for(method: &Method, route: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .find(|r| r.route == route && r.method == method.as_str())
}

/// Refuses a client whose grants do not satisfy the operation's rule.
pub(crate) fn check(method: &Method, route: Option<&str>, grants: &Grants) -> Result<(), ApiError> {
    let Some(rule) = route.and_then(|route| rule_for(method, route)) else {
        return Ok(());
    };
    match rule.mode {
        Mode::All => {
            let missing: Vec<&str> = rule
                .permissions
                .iter()
                .copied()
                .filter(|p| !grants.holds(p))
                .collect();
            if missing.is_empty() {
                return Ok(());
            }
            let names = missing.join(", ");
            Err(forbidden(
                "missing.permissions",
                format!(
                    "Unable to perform the requested action. You are missing the following permission(s): {names}"
                ),
                names,
            ))
        }
        Mode::Any => {
            if rule.permissions.iter().any(|p| grants.holds(p)) {
                return Ok(());
            }
            let names = rule.permissions.join(", ");
            Err(forbidden(
                "missing.any.permissions",
                format!(
                    "Unable to perform the requested action. You must have at least one of the following permissions assigned: {names}"
                ),
                names,
            ))
        }
    }
}

fn forbidden(code: &'static str, message: String, names: String) -> ApiError {
    ApiError::new(StatusCode::FORBIDDEN, code, message).param("permissions", names)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn only(permissions: &[&str]) -> Grants {
        Grants::Only(permissions.iter().map(|p| (*p).to_owned()).collect())
    }

    #[test]
    fn every_rule_names_a_distinct_operation() {
        for (i, a) in RULES.iter().enumerate() {
            assert!(
                RULES[i + 1..]
                    .iter()
                    .all(|b| (a.method, a.route) != (b.method, b.route)),
                "{a:?}"
            );
        }
    }

    #[test]
    fn all_mode_lists_what_is_missing_and_any_mode_lists_the_choices() {
        let put = check(&Method::PUT, Some(LIBRARY), &only(&[])).unwrap_err();
        assert_eq!(put.status, StatusCode::FORBIDDEN);
        assert_eq!(put.code, "missing.permissions");
        assert!(put.message.ends_with(": responses:library:edit"));
        let get = check(&Method::GET, Some(LIBRARY), &only(&["other:thing:view"])).unwrap_err();
        assert_eq!(get.code, "missing.any.permissions");
        assert!(get.message.ends_with(": responses:library:view"));
        assert!(check(&Method::GET, Some(LIBRARY), &only(&["responses:*:view"])).is_ok());
        assert!(check(&Method::GET, Some("/api/v2/organizations/me"), &only(&[])).is_ok());
        assert!(check(&Method::GET, None, &only(&[])).is_ok());
    }
}
