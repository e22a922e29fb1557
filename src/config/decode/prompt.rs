//! `prompt` blocks → [`PromptConfig`], each field remembering where it is written.

use std::collections::{BTreeMap, BTreeSet};

use hcl_edit::Span;
use hcl_edit::expr::{Expression, TraversalOperator};
use hcl_edit::structure::Block;

use super::{Decoder, Fields, Schema, element_span, is_identifier};
use crate::config::eval::Scope;
use crate::config::{Dependency, Lifecycle, Located, PromptConfig};
use crate::diagnostic::Diagnostic;
use crate::model::{self, Condition, Display, PromptSpec, Trigger};
use crate::suggest::did_you_mean;
use crate::validate::Field;

const PROMPT: Schema = Schema {
    what: "a `prompt` block",
    attrs: &[
        "id",
        "name",
        "description",
        "status",
        "interaction_types",
        "depends_on",
    ],
    blocks: &["trigger", "display", "lifecycle"],
};
const TRIGGER: Schema = Schema {
    what: "a `trigger` block",
    attrs: &["type"],
    blocks: &["condition"],
};
const CONDITION: Schema = Schema {
    what: "a `condition` block",
    attrs: &["field", "operator", "value"],
    blocks: &[],
};
const DISPLAY: Schema = Schema {
    what: "a `display` block",
    attrs: &["type", "content", "timeout_ms"],
    blocks: &[],
};
const LIFECYCLE: Schema = Schema {
    what: "a `lifecycle` block",
    attrs: &["prevent_destroy", "ignore_changes"],
    blocks: &[],
};

/// The attribute paths `lifecycle { ignore_changes = […] }` accepts.
pub const IGNORABLE: &[&str] = &[
    "name",
    "description",
    "status",
    "interaction_types",
    "trigger",
    "trigger.type",
    "trigger.condition",
    "display",
    "display.type",
    "display.content",
    "display.timeout_ms",
];

impl Decoder<'_> {
    pub(super) fn prompt(
        &mut self,
        file: usize,
        block: &Block,
        scope: &Scope,
    ) -> Option<PromptConfig> {
        let (label, location) = self.label(file, block, "prompt \"name\" { … }")?;
        if !is_identifier(&label) {
            self.report(
                Diagnostic::error("schema.label", format!("invalid prompt label `{label}`"))
                    .detail("A label starts with a letter or `_` and holds letters, digits, `_` and `-`, so that `prompt.<label>` can refer to it."),
                &location,
                None,
            );
            return None;
        }
        let address = format!("prompt.{label}");
        let addr = Some(address.as_str());
        let fields = self.fields(file, &block.body, &PROMPT, addr);
        let mut p = PromptBuilder {
            file,
            scope,
            address: &address,
            label: location.clone(),
            location: location.clone(),
            sensitive: BTreeSet::new(),
            incomplete: BTreeSet::new(),
            fields: BTreeMap::new(),
        };
        let id = match fields.attrs.get("id") {
            Some(_) => p.string(self, &fields, "id", Field::Id, false),
            None => label.chars().take(model::MAX_ID_LEN).collect(),
        };
        let name = p.string(self, &fields, "name", Field::Name, true);
        let description = p.string(self, &fields, "description", Field::Description, false);
        let status = if fields.attrs.contains_key("status") {
            p.string(self, &fields, "status", Field::Status, false)
        } else {
            "active".to_owned()
        };
        let interaction_types = p.strings(
            self,
            &fields,
            "interaction_types",
            Field::InteractionTypes,
            Field::InteractionType,
        );
        let trigger = self.trigger(&mut p, &fields);
        let display = self.display(&mut p, &fields);
        let depends_on = fields
            .attrs
            .get("depends_on")
            .map(|a| self.depends_on(file, &a.value, &address))
            .unwrap_or_default();
        let lifecycle = self
            .single(file, &fields, "lifecycle", "a prompt", addr)
            .map(|b| self.lifecycle(file, b, scope, &address))
            .unwrap_or_default();
        Some(PromptConfig {
            label,
            spec: PromptSpec {
                id,
                name,
                description,
                status,
                interaction_types,
                trigger,
                display,
            },
            depends_on,
            lifecycle,
            sensitive: p.sensitive,
            incomplete: p.incomplete,
            location,
            fields: p.fields,
        })
    }

    fn trigger(&mut self, p: &mut PromptBuilder, fields: &Fields) -> Trigger {
        let Some(block) = self.required_block(
            p,
            fields,
            "trigger",
            &[Field::TriggerType, Field::Conditions],
        ) else {
            return Trigger {
                kind: String::new(),
                conditions: Vec::new(),
            };
        };
        let inner = self.fields(p.file, &block.body, &TRIGGER, Some(p.address));
        p.fields
            .insert(Field::Conditions, Self::located(p.file, block.ident.span()));
        let kind = p
            .at_block(block)
            .string(self, &inner, "type", Field::TriggerType, true);
        let conditions = inner
            .blocks
            .get("condition")
            .into_iter()
            .flatten()
            .enumerate()
            .map(|(i, c)| {
                let f = self.fields(p.file, &c.body, &CONDITION, Some(p.address));
                let at = p.at_block(c);
                Condition {
                    field: at.string(self, &f, "field", Field::ConditionField(i), true),
                    operator: at.string(self, &f, "operator", Field::ConditionOperator(i), true),
                    value: at.string(self, &f, "value", Field::ConditionValue(i), true),
                }
            })
            .collect();
        Trigger { kind, conditions }
    }

    fn display(&mut self, p: &mut PromptBuilder, fields: &Fields) -> Display {
        let all = [
            Field::DisplayType,
            Field::DisplayContent,
            Field::DisplayTimeout,
        ];
        let Some(block) = self.required_block(p, fields, "display", &all) else {
            return Display {
                kind: String::new(),
                content: String::new(),
                timeout_ms: model::DEFAULT_TIMEOUT_MS,
            };
        };
        let inner = self.fields(p.file, &block.body, &DISPLAY, Some(p.address));
        let at = p.at_block(block);
        let kind = at.string(self, &inner, "type", Field::DisplayType, true);
        let content = at.string(self, &inner, "content", Field::DisplayContent, true);
        let timeout_ms = match inner.attrs.get("timeout_ms") {
            None => model::DEFAULT_TIMEOUT_MS,
            Some(attr) => {
                at.fields.insert(
                    Field::DisplayTimeout,
                    Self::located(at.file, attr.value.span()),
                );
                match self.whole_number(at.scope, at.file, attr, Some(at.address)) {
                    Some((n, sensitive)) => {
                        if sensitive {
                            at.sensitive.insert(Field::DisplayTimeout);
                        }
                        n
                    }
                    None => {
                        at.incomplete.insert(Field::DisplayTimeout);
                        model::DEFAULT_TIMEOUT_MS
                    }
                }
            }
        };
        Display {
            kind,
            content,
            timeout_ms,
        }
    }

    /// The one `name` block a prompt must have; reports none or several.
    fn required_block<'b>(
        &mut self,
        p: &mut PromptBuilder,
        fields: &Fields<'b>,
        name: &str,
        covers: &[Field],
    ) -> Option<&'b Block> {
        let block = self.single(p.file, fields, name, "a prompt", Some(p.address));
        if block.is_none() {
            self.report(
                Diagnostic::error(
                    "schema.required",
                    format!("prompt is missing its `{name}` block"),
                )
                .detail(format!("Every prompt needs one `{name} {{ … }}` block.")),
                &p.label,
                Some(p.address),
            );
            p.incomplete.extend(covers);
        }
        block
    }

    fn depends_on(&mut self, file: usize, expr: &Expression, address: &str) -> Vec<Dependency> {
        let Expression::Array(items) = expr else {
            self.report(
                Diagnostic::error(
                    "schema.type",
                    "`depends_on` must be a list of prompt addresses",
                )
                .detail("Write it as `depends_on = [prompt.greeting]`."),
                &Self::located(file, expr.span()),
                Some(address),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items.iter() {
            let label = match item {
                Expression::Traversal(t) => match (&t.expr, t.operators.as_slice()) {
                    (Expression::Variable(root), [op]) if root.as_str() == "prompt" => {
                        match op.value() {
                            TraversalOperator::GetAttr(label) => Some(label.as_str().to_owned()),
                            _ => None,
                        }
                    }
                    _ => None,
                },
                _ => None,
            };
            let location = Self::located(file, item.span());
            match label {
                Some(label) => out.push(Dependency { label, location }),
                None => self.report(
                    Diagnostic::error(
                        "schema.type",
                        "`depends_on` entries must be prompt addresses",
                    )
                    .detail("Write each entry as `prompt.<label>`, without quotes."),
                    &location,
                    Some(address),
                ),
            }
        }
        out
    }

    fn lifecycle(&mut self, file: usize, block: &Block, scope: &Scope, address: &str) -> Lifecycle {
        let fields = self.fields(file, &block.body, &LIFECYCLE, Some(address));
        let prevent_destroy = fields
            .attrs
            .get("prevent_destroy")
            .and_then(|a| self.bool(scope, file, a, Some(address)))
            .unwrap_or(false);
        let mut ignore_changes = Vec::new();
        if let Some(attr) = fields.attrs.get("ignore_changes") {
            let items: Vec<&Expression> = match &attr.value {
                Expression::Array(items) => items.iter().collect(),
                other => vec![other],
            };
            for item in items {
                let path = match item {
                    Expression::String(s) => Some(s.as_str().to_owned()),
                    Expression::Variable(_) | Expression::Traversal(_) => {
                        Some(item.to_string().trim().to_owned())
                    }
                    _ => None,
                };
                let location = Self::located(file, item.span());
                match path {
                    Some(path) if IGNORABLE.contains(&path.as_str()) => ignore_changes.push(path),
                    other => {
                        let hint = other
                            .as_deref()
                            .and_then(|p| did_you_mean(p, IGNORABLE.iter().copied()))
                            .map(|s| format!("Did you mean `{s}`? "))
                            .unwrap_or_default();
                        self.report(
                            Diagnostic::error(
                                "schema.enum",
                                "`ignore_changes` names an unknown attribute",
                            )
                            .detail(format!("{hint}Valid names: {}.", IGNORABLE.join(", "))),
                            &location,
                            Some(address),
                        );
                    }
                }
            }
        }
        Lifecycle {
            prevent_destroy,
            ignore_changes,
        }
    }
}

/// What is being built for one prompt: where each field came from, which are
/// sensitive, and which failed.
struct PromptBuilder<'s> {
    file: usize,
    scope: &'s Scope,
    address: &'s str,
    /// The prompt's label, where problems with the prompt as a whole are reported.
    label: Located,
    /// Where a missing attribute is reported: the label, or the nested block at hand.
    location: Located,
    sensitive: BTreeSet<Field>,
    incomplete: BTreeSet<Field>,
    fields: BTreeMap<Field, Located>,
}

impl<'s> PromptBuilder<'s> {
    /// The same builder, reporting missing attributes at `block`'s name.
    fn at_block(&mut self, block: &Block) -> &mut Self {
        self.location = Decoder::located(self.file, block.ident.span());
        self
    }

    fn string(
        &mut self,
        d: &mut Decoder,
        fields: &Fields,
        key: &str,
        field: Field,
        required: bool,
    ) -> String {
        let Some(attr) = fields.attrs.get(key) else {
            if required {
                self.missing(d, key, field);
            }
            return String::new();
        };
        self.fields
            .insert(field, Decoder::located(self.file, attr.value.span()));
        match d.string(self.scope, self.file, attr, Some(self.address)) {
            Some((value, sensitive)) => {
                if sensitive {
                    self.sensitive.insert(field);
                }
                value
            }
            None => {
                self.incomplete.insert(field);
                String::new()
            }
        }
    }

    fn strings(
        &mut self,
        d: &mut Decoder,
        fields: &Fields,
        key: &str,
        field: Field,
        element: fn(usize) -> Field,
    ) -> Vec<String> {
        let Some(attr) = fields.attrs.get(key) else {
            self.missing(d, key, field);
            return Vec::new();
        };
        self.fields
            .insert(field, Decoder::located(self.file, attr.value.span()));
        match d.strings(self.scope, self.file, attr, Some(self.address)) {
            Some((values, sensitive)) => {
                for i in 0..values.len() {
                    self.fields.insert(
                        element(i),
                        Decoder::located(self.file, element_span(&attr.value, i)),
                    );
                }
                if sensitive {
                    self.sensitive.insert(field);
                }
                values
            }
            None => {
                self.incomplete.insert(field);
                Vec::new()
            }
        }
    }

    fn missing(&mut self, d: &mut Decoder, key: &str, field: Field) {
        self.incomplete.insert(field);
        d.report(
            Diagnostic::error(
                "schema.required",
                format!("missing required attribute `{key}`"),
            )
            .detail(format!("Add `{key} = …` here.")),
            &self.location,
            Some(self.address),
        );
    }
}
