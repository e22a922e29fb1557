//! Rules over one prompt's values: enums, ranges, content length, context
//! variables and PII. Pure and free of I/O, because the emulator runs the very same
//! rules as its server-side validation.
//!
//! A rule names the offending [`Field`] (and, inside a string, the byte range), not a
//! source position: the configuration layer maps fields to HCL spans, the emulator to
//! JSON paths.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::model::{self, PromptSpec};
use crate::diagnostic::{Code, Severity};
use crate::org::OrgSettings;
use crate::pii::{self, PhoneRegions};
use crate::suggest::did_you_mean;

/// A prompt attribute, as a path that both HCL and JSON can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    Id,
    Name,
    Description,
    Status,
    InteractionTypes,
    InteractionType(usize),
    TriggerType,
    Conditions,
    ConditionField(usize),
    ConditionOperator(usize),
    ConditionValue(usize),
    DisplayType,
    DisplayContent,
    DisplayTimeout,
}

impl Field {
    /// [`Field::hcl_path`], without an allocation when it holds no index.
    pub fn path(self) -> std::borrow::Cow<'static, str> {
        use std::borrow::Cow;
        match self {
            Field::Id => Cow::Borrowed("id"),
            Field::Name => Cow::Borrowed("name"),
            Field::Description => Cow::Borrowed("description"),
            Field::Status => Cow::Borrowed("status"),
            Field::InteractionTypes => Cow::Borrowed("interaction_types"),
            Field::TriggerType => Cow::Borrowed("trigger.type"),
            Field::Conditions => Cow::Borrowed("trigger.condition"),
            Field::DisplayType => Cow::Borrowed("display.type"),
            Field::DisplayContent => Cow::Borrowed("display.content"),
            Field::DisplayTimeout => Cow::Borrowed("display.timeout_ms"),
            Field::InteractionType(i) => indexed(&INTERACTION_TYPE, i, self),
            Field::ConditionField(i) => indexed(&CONDITION_FIELD, i, self),
            Field::ConditionOperator(i) => indexed(&CONDITION_OPERATOR, i, self),
            Field::ConditionValue(i) => indexed(&CONDITION_VALUE, i, self),
        }
    }

    /// The field's path in HCL names, e.g. `trigger.condition[0].operator`.
    pub fn hcl_path(self) -> String {
        match self {
            Field::InteractionTypes => "interaction_types".into(),
            Field::InteractionType(i) => format!("interaction_types[{i}]"),
            Field::Conditions => "trigger.condition".into(),
            Field::ConditionField(i) => format!("trigger.condition[{i}].field"),
            Field::ConditionOperator(i) => format!("trigger.condition[{i}].operator"),
            Field::ConditionValue(i) => format!("trigger.condition[{i}].value"),
            Field::DisplayTimeout => "display.timeout_ms".into(),
            other => other.json_path(),
        }
    }

    /// The field's path in the API's JSON body, e.g. `trigger.conditions[0].operator`.
    pub fn json_path(self) -> String {
        match self {
            Field::Id => "id".into(),
            Field::Name => "name".into(),
            Field::Description => "description".into(),
            Field::Status => "status".into(),
            Field::InteractionTypes => "interactionTypes".into(),
            Field::InteractionType(i) => format!("interactionTypes[{i}]"),
            Field::TriggerType => "trigger.type".into(),
            Field::Conditions => "trigger.conditions".into(),
            Field::ConditionField(i) => format!("trigger.conditions[{i}].field"),
            Field::ConditionOperator(i) => format!("trigger.conditions[{i}].operator"),
            Field::ConditionValue(i) => format!("trigger.conditions[{i}].value"),
            Field::DisplayType => "display.type".into(),
            Field::DisplayContent => "display.content".into(),
            Field::DisplayTimeout => "display.timeoutMs".into(),
        }
    }
}

/// The paths of the first elements of each list, spelt out: a configuration of
/// thousands of prompts then keeps no string per element.
const INTERACTION_TYPE: [&str; 4] = [
    "interaction_types[0]",
    "interaction_types[1]",
    "interaction_types[2]",
    "interaction_types[3]",
];
const CONDITION_FIELD: [&str; 4] = [
    "trigger.condition[0].field",
    "trigger.condition[1].field",
    "trigger.condition[2].field",
    "trigger.condition[3].field",
];
const CONDITION_OPERATOR: [&str; 4] = [
    "trigger.condition[0].operator",
    "trigger.condition[1].operator",
    "trigger.condition[2].operator",
    "trigger.condition[3].operator",
];
const CONDITION_VALUE: [&str; 4] = [
    "trigger.condition[0].value",
    "trigger.condition[1].value",
    "trigger.condition[2].value",
    "trigger.condition[3].value",
];

fn indexed(table: &[&'static str], i: usize, field: Field) -> std::borrow::Cow<'static, str> {
    table
        .get(i)
        .map_or_else(|| field.hcl_path().into(), |&p| p.into())
}

/// One problem with one prompt's values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub severity: Severity,
    pub code: Code,
    pub summary: String,
    pub detail: String,
    pub field: Field,
    /// Byte range inside the field's string value, when the problem is a part of it.
    pub span: Option<Range<usize>>,
}

impl Finding {
    pub(super) fn error(code: Code, field: Field, summary: String, detail: String) -> Finding {
        Finding {
            severity: Severity::Error,
            code,
            summary,
            detail,
            field,
            span: None,
        }
    }

    fn within(mut self, span: Range<usize>) -> Finding {
        self.span = Some(span);
        self
    }

    /// The same problem, as the core reports one: at the field's HCL path.
    pub fn at_path(self) -> crate::kind::Finding {
        crate::kind::Finding {
            severity: self.severity,
            code: self.code,
            summary: self.summary,
            detail: self.detail,
            path: self.field.hcl_path(),
            span: self.span,
        }
    }

    /// The `code` of this problem's entry in a Genesys 400 error body.
    pub fn api_code(&self) -> &'static str {
        match self.code {
            c if c.is_pii() => "prompt.content.pii",
            Code::ContextUnknown | Code::ContextEmpty => "prompt.content.context.variable",
            Code::ContentTooLong => "prompt.content.length",
            Code::SchemaEnum => "invalid.value",
            Code::TimeoutRange => "prompt.display.timeout.range",
            Code::InteractionTypesEmpty | Code::TriggerConditionsEmpty => "required.field.missing",
            Code::IdInvalid => "invalid.id",
            _ => "bad.request",
        }
    }
}

/// Every problem with `spec`, in field order.
/// PII counts national phone numbers of `regions`.
pub fn check_prompt(spec: &PromptSpec, org: &OrgSettings, regions: &PhoneRegions) -> Vec<Finding> {
    let mut out = Vec::new();
    if !model::is_valid_id(&spec.id) {
        out.push(Finding::error(
            Code::IdInvalid,
            Field::Id,
            format!("invalid prompt id `{}`", spec.id),
            "A prompt id is 1 to 64 characters of letters, digits, `_` and `-`.".into(),
        ));
    }
    if spec.name.trim().is_empty() {
        out.push(Finding::error(
            Code::SchemaRequired,
            Field::Name,
            "`name` must not be empty".into(),
            "Every prompt needs a name that agents and admins recognise.".into(),
        ));
    }
    check_enum(
        &mut out,
        Field::Status,
        "status",
        &spec.status,
        model::STATUSES,
    );
    if spec.interaction_types.is_empty() {
        out.push(Finding::error(
            Code::InteractionTypesEmpty,
            Field::InteractionTypes,
            "`interaction_types` must not be empty".into(),
            "A prompt must apply to at least one interaction type.".into(),
        ));
    }
    for (i, kind) in spec.interaction_types.iter().enumerate() {
        let field = Field::InteractionType(i);
        check_enum(
            &mut out,
            field,
            "interaction type",
            kind,
            model::INTERACTION_TYPES,
        );
    }
    let trigger = &spec.trigger;
    check_enum(
        &mut out,
        Field::TriggerType,
        "trigger type",
        &trigger.kind,
        model::INTERACTION_TYPES,
    );
    if model::INTERACTION_TYPES.contains(&trigger.kind.as_str())
        && !spec.interaction_types.is_empty()
        && !spec.interaction_types.contains(&trigger.kind)
    {
        out.push(Finding {
            severity: Severity::Warning,
            ..Finding::error(
                Code::TriggerTypeMismatch,
                Field::TriggerType,
                format!(
                    "trigger type `{}` is not among the prompt's interaction types",
                    trigger.kind
                ),
                format!(
                    "The prompt applies to {}, so this trigger never fires. Add `{}` to `interaction_types` or change the trigger type.",
                    spec.interaction_types.join(", "),
                    trigger.kind
                ),
            )
        });
    }
    if trigger.conditions.is_empty() {
        out.push(Finding::error(
            Code::TriggerConditionsEmpty,
            Field::Conditions,
            "the trigger has no `condition`".into(),
            "A trigger needs at least one `condition { field, operator, value }` block.".into(),
        ));
    }
    for (i, condition) in trigger.conditions.iter().enumerate() {
        if condition.field.trim().is_empty() {
            out.push(Finding::error(
                Code::SchemaRequired,
                Field::ConditionField(i),
                "condition `field` must not be empty".into(),
                "Name the conversation attribute the condition tests.".into(),
            ));
        }
        check_enum(
            &mut out,
            Field::ConditionOperator(i),
            "operator",
            &condition.operator,
            model::OPERATORS,
        );
    }
    let display = &spec.display;
    check_enum(
        &mut out,
        Field::DisplayType,
        "display type",
        &display.kind,
        model::DISPLAY_TYPES,
    );
    if !(model::MIN_TIMEOUT_MS..=model::MAX_TIMEOUT_MS).contains(&display.timeout_ms) {
        out.push(Finding::error(
            Code::TimeoutRange,
            Field::DisplayTimeout,
            format!("`timeout_ms` is {}, out of range", display.timeout_ms),
            format!(
                "`timeout_ms` must be between {} and {} milliseconds.",
                model::MIN_TIMEOUT_MS,
                model::MAX_TIMEOUT_MS
            ),
        ));
    }
    out.extend(check_content(&display.content, org, regions));
    out
}

/// The rules on `display.content`: length, context variables, PII.
pub fn check_content(content: &str, org: &OrgSettings, regions: &PhoneRegions) -> Vec<Finding> {
    let mut out = Vec::new();
    let chars = content.chars().count();
    if chars > model::MAX_CONTENT_CHARS {
        let cut = content
            .char_indices()
            .nth(model::MAX_CONTENT_CHARS)
            .map_or(content.len(), |(i, _)| i);
        out.push(
            Finding::error(
                Code::ContentTooLong,
                Field::DisplayContent,
                format!(
                    "content is {chars} characters long, over the limit of {}",
                    model::MAX_CONTENT_CHARS
                ),
                "Genesys Cloud rejects prompt content longer than 2000 characters; the excess is underlined.".into(),
            )
            .within(cut..content.len()),
        );
    }
    for (name, range) in context_variables(content) {
        if name.is_empty() {
            out.push(
                Finding::error(
                    Code::ContextEmpty,
                    Field::DisplayContent,
                    format!("empty placeholder `{}`", &content[range.clone()]),
                    "Write a context variable's name between the braces, such as `{{customerName}}`, or remove them.".into(),
                )
                .within(range),
            );
            continue;
        }
        let known = model::BUILTIN_CONTEXT_VARIABLES.contains(&name)
            || org.context_variables.iter().any(|v| v == name);
        if known {
            continue;
        }
        let candidates = model::BUILTIN_CONTEXT_VARIABLES
            .iter()
            .copied()
            .chain(org.context_variables.iter().map(String::as_str));
        let hint = match did_you_mean(name, candidates) {
            Some(s) => format!(" Did you mean `{s}`?"),
            None => String::new(),
        };
        out.push(
            Finding::error(
                Code::ContextUnknown,
                Field::DisplayContent,
                format!("unknown context variable `{name}`"),
                format!(
                    "Available context variables are {}, plus those the org adds (declare them in `validation {{ context_variables = [...] }}`).{hint}",
                    model::BUILTIN_CONTEXT_VARIABLES.join(", ")
                ),
            )
            .within(range),
        );
    }
    out.extend(pii_findings(
        content,
        Field::DisplayContent,
        "content",
        org,
        regions,
    ));
    out
}

/// Rules for a prompt as a configuration writes it, beyond the server's
/// ([`check_prompt`], which the emulator runs as its validation): the API checks
/// only `display.content` for PII, but a name, description or condition is shown to
/// agents and admins too; and it takes a list that names a value twice as given,
/// where in a configuration that is a slip.
pub fn check_authored(
    spec: &PromptSpec,
    org: &OrgSettings,
    regions: &PhoneRegions,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, kind) in spec.interaction_types.iter().enumerate() {
        if spec.interaction_types[..i].contains(kind) {
            out.push(Finding::error(
                Code::SchemaDuplicate,
                Field::InteractionType(i),
                format!("interaction type `{kind}` is listed twice"),
                "Each interaction type may be listed once; remove this one.".into(),
            ));
        }
    }
    out.extend(pii_findings(
        &spec.name,
        Field::Name,
        "`name`",
        org,
        regions,
    ));
    out.extend(pii_findings(
        &spec.description,
        Field::Description,
        "`description`",
        org,
        regions,
    ));
    for (i, condition) in spec.trigger.conditions.iter().enumerate() {
        for (text, field) in [
            (&condition.field, Field::ConditionField(i)),
            (&condition.value, Field::ConditionValue(i)),
        ] {
            let what = format!("`{}`", field.hcl_path());
            out.extend(pii_findings(text, field, &what, org, regions));
        }
    }
    out
}

/// The PII in `text`, the value of `field`, called `what` in messages.
fn pii_findings(
    text: &str,
    field: Field,
    what: &str,
    org: &OrgSettings,
    regions: &PhoneRegions,
) -> Vec<Finding> {
    pii::scan_for(text, &org.pii_allow, regions)
        .into_iter()
        .map(|found| {
            let masked = found.masked(text);
            Finding::error(
                Code::from(found.kind),
                field,
                format!("{what} holds {} (`{masked}`)", found.kind.described()),
                "Prompts are shown to every agent: never put customer data in them. Use a context variable, or add the exact string to `validation { pii_allow = [...] }` if it is not personal data.".into(),
            )
            .within(found.range)
        })
        .collect()
}

/// The `{{name}}` references in `content`: the trimmed name and the byte range of the
/// whole reference.
pub fn context_variables(content: &str) -> impl Iterator<Item = (&str, Range<usize>)> {
    static REFERENCE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\{\{([^{}]*)\}\}").expect("valid regex"));
    REFERENCE.captures_iter(content).map(|c| {
        let whole = c.get(0).expect("group 0 always matches");
        let name = c.get(1).expect("group 1 always matches").as_str();
        (name.trim(), whole.range())
    })
}

fn check_enum(out: &mut Vec<Finding>, field: Field, what: &str, value: &str, allowed: &[&str]) {
    if allowed.contains(&value) {
        return;
    }
    let hint = match did_you_mean(value, allowed.iter().copied()) {
        Some(s) => format!(" Did you mean `{s}`?"),
        None => String::new(),
    };
    out.push(Finding::error(
        Code::SchemaEnum,
        field,
        format!("unknown {what} `{value}`"),
        format!("Valid values: {}.{hint}", quoted_list(allowed)),
    ));
}

fn quoted_list(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::Field;

    #[test]
    fn a_fields_path_is_its_hcl_path_for_any_index() {
        for i in 0..6 {
            for field in [
                Field::InteractionType(i),
                Field::ConditionField(i),
                Field::ConditionOperator(i),
                Field::ConditionValue(i),
            ] {
                assert_eq!(field.path(), field.hcl_path());
            }
        }
        for field in [Field::Id, Field::Conditions, Field::DisplayTimeout] {
            assert_eq!(field.path(), field.hcl_path());
        }
    }
}
