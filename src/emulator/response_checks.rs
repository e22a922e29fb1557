//! What Response Management accepts in a body: required fields, enum values, known
//! libraries and declared placeholders. Every problem is collected and answered at
//! once in one 400, each naming its field; the fields the emulator does not check
//! (`footer`, `assets`, `messagingTemplate`, …) are kept as the client sent them.

use axum::http::StatusCode;
use serde_json::{Map, Value};

use super::error::ApiError;
use crate::kinds::canned_response::placeholders;

/// The fields the server owns: a body may carry them back, and they are ignored.
/// `version` is read as the precondition of a PUT, never stored as given.
const READ_ONLY: &[&str] = &["id", "createdBy", "dateCreated", "selfUri", "version"];

const INTERACTION_TYPES: &[&str] = &["chat", "email", "twitter"];
const RESPONSE_TYPES: &[&str] = &[
    "MessagingTemplate",
    "CampaignSmsTemplate",
    "CampaignEmailTemplate",
    "Footer",
    "Form",
    "AppleInvitation",
];
const CONTENT_TYPES: &[&str] = &["text/plain", "text/html"];
const TEXT_TYPES: &[&str] = &["body", "subject"];

/// A response's writable fields, and the ids of its libraries (stored apart, since
/// a read answers each with the library's current name).
#[derive(Debug)]
pub(crate) struct ResponseDraft {
    pub fields: Map<String, Value>,
    pub libraries: Vec<String>,
}

/// The body as a JSON object.
pub(crate) fn object(body: Value, noun: &str) -> Result<Map<String, Value>, ApiError> {
    match body {
        Value::Object(map) => Ok(map),
        _ => Err(ApiError::bad_request(format!(
            "The request body must be a {noun} object."
        ))),
    }
}

/// The `version` a PUT must carry: the one it read.
pub(crate) fn version(body: &Map<String, Value>) -> Result<u64, ApiError> {
    match body.get("version") {
        None | Some(Value::Null) => Err(ApiError::bad_request(
            "`version` is required: send the version you read, so that a newer edit is not overwritten.",
        )
        .param("field", "version")),
        Some(v) => v.as_u64().ok_or_else(|| {
            ApiError::bad_request(format!("`version` must be a whole number, not {v}."))
                .param("field", "version")
        }),
    }
}

/// A library's writable fields, once valid.
pub(crate) fn library(body: Map<String, Value>) -> Result<Map<String, Value>, ApiError> {
    let mut problems = Problems::default();
    problems.required_text(&body, "name", "name");
    problems.one_of(&body, "responseType", "responseType", RESPONSE_TYPES);
    problems.into_result("library")?;
    Ok(writable(body))
}

/// A response's writable fields and library ids, once valid. `library_exists`
/// says whether a library id names a library.
pub(crate) fn response(
    body: Map<String, Value>,
    library_exists: impl Fn(&str) -> bool,
) -> Result<ResponseDraft, ApiError> {
    let mut problems = Problems::default();
    problems.required_text(&body, "name", "name");
    problems.one_of(
        &body,
        "interactionType",
        "interactionType",
        INTERACTION_TYPES,
    );
    problems.one_of(&body, "responseType", "responseType", RESPONSE_TYPES);
    let libraries = problems.libraries(&body, library_exists);
    let declared = problems.substitutions(&body);
    problems.texts(&body, &declared);
    problems.into_result("response")?;
    let mut fields = writable(body);
    fields.remove("libraries");
    Ok(ResponseDraft { fields, libraries })
}

/// The body without the server's fields.
fn writable(mut body: Map<String, Value>) -> Map<String, Value> {
    for field in READ_ONLY {
        body.remove(*field);
    }
    body
}

/// The elements of the list `key`, when present: a value that is not a list is a
/// problem, and `null` is absent.
fn list<'a>(problems: &mut Problems, body: &'a Map<String, Value>, key: &str) -> &'a [Value] {
    match body.get(key) {
        None | Some(Value::Null) => &[],
        Some(Value::Array(items)) => items,
        Some(_) => {
            problems.push(key, "invalid.value", "must be a list");
            &[]
        }
    }
}

/// Problems found in a body, each naming its field; answered at once in one 400.
#[derive(Default)]
pub(crate) struct Problems(Vec<ApiError>);

impl Problems {
    pub(crate) fn push(&mut self, field: &str, code: &'static str, reason: &str) {
        self.0.push(
            ApiError::new(
                StatusCode::BAD_REQUEST,
                code,
                format!("`{field}` {reason}."),
            )
            .param("field", field),
        );
    }

    /// A field that must be a non-empty string.
    pub(crate) fn required_text(&mut self, body: &Map<String, Value>, key: &str, field: &str) {
        match body.get(key) {
            None | Some(Value::Null) => self.push(field, "required.field.missing", "is required"),
            Some(Value::String(s)) if s.trim().is_empty() => {
                self.push(field, "required.field.missing", "must not be empty");
            }
            Some(Value::String(_)) => {}
            Some(_) => self.push(field, "invalid.value", "must be a string"),
        }
    }

    /// An optional field that, when present, is one of `allowed`.
    pub(crate) fn one_of(
        &mut self,
        body: &Map<String, Value>,
        key: &str,
        field: &str,
        allowed: &[&str],
    ) {
        match body.get(key) {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) if allowed.contains(&s.as_str()) => {}
            Some(other) => {
                let shown = other
                    .as_str()
                    .map_or_else(|| other.to_string(), str::to_owned);
                self.push(
                    field,
                    "invalid.value",
                    &format!("must be one of {}, not `{shown}`", allowed.join(", ")),
                );
            }
        }
    }

    /// The library ids of `libraries`: at least one, each `{id}` of a library that
    /// exists, each once.
    fn libraries(
        &mut self,
        body: &Map<String, Value>,
        exists: impl Fn(&str) -> bool,
    ) -> Vec<String> {
        let given = list(self, body, "libraries");
        let malformed = body
            .get("libraries")
            .is_some_and(|v| !v.is_array() && !v.is_null());
        if given.is_empty() && !malformed {
            self.push(
                "libraries",
                "required.field.missing",
                "must name at least one library",
            );
        }
        let mut ids: Vec<String> = Vec::new();
        for (i, library) in given.iter().enumerate() {
            let field = format!("libraries[{i}].id");
            match library.get("id") {
                Some(Value::String(id)) if !id.is_empty() => {
                    if !exists(id) {
                        self.push(
                            &field,
                            "library.not.found",
                            &format!("names the library `{id}`, which does not exist"),
                        );
                    } else if !ids.contains(id) {
                        ids.push(id.clone());
                    }
                }
                None | Some(Value::Null) => {
                    self.push(&field, "required.field.missing", "is required")
                }
                Some(_) => self.push(&field, "invalid.value", "must be a non-empty string"),
            }
        }
        ids
    }

    /// The ids the substitutions declare; each must have one.
    fn substitutions(&mut self, body: &Map<String, Value>) -> Vec<String> {
        let mut declared = Vec::new();
        for (i, substitution) in list(self, body, "substitutions").iter().enumerate() {
            let field = format!("substitutions[{i}].id");
            match substitution.get("id") {
                Some(Value::String(id)) if !id.trim().is_empty() => declared.push(id.clone()),
                None | Some(Value::Null) => {
                    self.push(&field, "required.field.missing", "is required")
                }
                Some(_) => self.push(&field, "invalid.value", "must be a non-empty string"),
            }
        }
        declared
    }

    /// Each text: its `content`, its enums, and no placeholder that is neither
    /// declared nor built in.
    fn texts(&mut self, body: &Map<String, Value>, declared: &[String]) {
        let declared: Vec<&str> = declared.iter().map(String::as_str).collect();
        for (i, text) in list(self, body, "texts").iter().enumerate() {
            let Some(text) = text.as_object() else {
                self.push(&format!("texts[{i}]"), "invalid.value", "must be an object");
                continue;
            };
            self.one_of(
                text,
                "contentType",
                &format!("texts[{i}].contentType"),
                CONTENT_TYPES,
            );
            self.one_of(text, "type", &format!("texts[{i}].type"), TEXT_TYPES);
            let field = format!("texts[{i}].content");
            match text.get("content") {
                Some(Value::String(content)) => {
                    for placeholder in placeholders::undeclared(content, &declared) {
                        self.push(
                            &field,
                            "response.substitution.undeclared",
                            &format!(
                                "uses the placeholder `{{{{{}}}}}`, which is neither a declared substitution nor built in ({})",
                                placeholder.id,
                                placeholders::BUILT_INS.join(", ")
                            ),
                        );
                    }
                }
                None | Some(Value::Null) => {
                    self.push(&field, "required.field.missing", "is required")
                }
                Some(_) => self.push(&field, "invalid.value", "must be a string"),
            }
        }
    }

    /// One 400 naming every problem, its message naming every field.
    pub(crate) fn into_result(self, noun: &str) -> Result<(), ApiError> {
        if self.0.is_empty() {
            return Ok(());
        }
        let reasons: Vec<&str> = self
            .0
            .iter()
            .map(|e| e.message.trim_end_matches('.'))
            .collect();
        let mut error =
            ApiError::bad_request(format!("The {noun} is invalid: {}.", reasons.join("; ")));
        if let Some(field) = self.0[0].params.get("field") {
            error = error.param("field", field.clone());
        }
        error.errors = self.0;
        Err(error)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn fields(value: Value) -> Map<String, Value> {
        object(value, "test").unwrap()
    }

    #[test]
    fn every_problem_is_named_in_one_answer() {
        let body = fields(json!({
            "libraries": [{"id": "gone"}],
            "interactionType": "fax",
            "texts": [{"content": "Hi {{order}}", "contentType": "text/rtf"}, {}],
            "substitutions": [{"description": "no id"}],
        }));
        let error = response(body, |_| false).unwrap_err();
        let fields: Vec<&str> = error
            .errors
            .iter()
            .map(|e| e.params["field"].as_str().unwrap())
            .collect();
        assert_eq!(
            fields,
            [
                "name",
                "interactionType",
                "libraries[0].id",
                "substitutions[0].id",
                "texts[0].contentType",
                "texts[0].content",
                "texts[1].content",
            ]
        );
        assert!(error.message.contains("`{{order}}`"), "{}", error.message);
    }

    #[test]
    fn read_only_fields_are_dropped_and_unknown_ones_kept() {
        let body = fields(json!({
            "id": "mine", "version": 4, "selfUri": "/x", "dateCreated": "then",
            "createdBy": {"id": "me"}, "name": "Hold", "footer": {"type": "Signature"},
            "libraries": [{"id": "l", "name": "stale"}, {"id": "l"}],
            "texts": [{"content": "{{AGENT_NAME}} {{ order }}"}],
            "substitutions": [{"id": "order"}],
        }));
        let draft = response(body, |id| id == "l").unwrap();
        assert_eq!(draft.libraries, ["l"]);
        let keys: Vec<&str> = draft.fields.keys().map(String::as_str).collect();
        assert_eq!(keys, ["footer", "name", "substitutions", "texts"]);
    }

    #[test]
    fn a_put_needs_a_whole_version() {
        assert_eq!(version(&fields(json!({"version": 3}))).unwrap(), 3);
        for bad in [
            json!({}),
            json!({"version": null}),
            json!({"version": "3"}),
            json!({"version": -1}),
        ] {
            let error = version(&fields(bad)).unwrap_err();
            assert_eq!(error.params["field"], "version");
        }
    }
}
