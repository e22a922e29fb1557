//! `prompt` blocks → [`ResourceConfig`], each attribute remembering where it is
//! written.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use hcl_edit::Span;
use hcl_edit::structure::Block;

use super::Prompt;
use super::checks::Field;
use super::model::{self, Condition, Display, PromptSpec, Trigger};
use crate::config::Located;
use crate::config::ResourceConfig;
use crate::config::decode::{Decoder, Fields, Schema, element_span};
use crate::config::eval::Scope;
use crate::diagnostic::{Code, Diagnostic};

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

/// One `prompt` block.
pub(super) fn decode(
    d: &mut Decoder,
    file: usize,
    block: &Block,
    scope: &Scope,
) -> Option<ResourceConfig> {
    let kind = &Prompt;
    let (address, location) = d.resource_label(file, block, kind)?;
    let label = address.label().to_owned();
    let at = address.to_string();
    let addr = Some(at.as_str());
    let fields = d.fields(file, &block.body, &PROMPT, addr);
    let mut p = PromptBuilder {
        file,
        scope,
        address: &at,
        label: location.clone(),
        location: location.clone(),
        sensitive: BTreeSet::new(),
        incomplete: BTreeSet::new(),
        fields: BTreeMap::new(),
    };
    let id = match fields.attrs.get("id") {
        Some(_) => p.string(d, &fields, "id", Field::Id, false),
        None => label.chars().take(model::MAX_ID_LEN).collect(),
    };
    let name = p.string(d, &fields, "name", Field::Name, true);
    let description = p.string(d, &fields, "description", Field::Description, false);
    let status = if fields.attrs.contains_key("status") {
        p.string(d, &fields, "status", Field::Status, false)
    } else {
        "active".to_owned()
    };
    let interaction_types = p.strings(
        d,
        &fields,
        "interaction_types",
        Field::InteractionTypes,
        Field::InteractionType,
    );
    let trigger = d.trigger(&mut p, &fields);
    let display = d.display(&mut p, &fields);
    let (depends_on, lifecycle) = d.meta(file, &fields, scope, kind, &address);
    let spec = PromptSpec {
        id,
        name,
        description,
        status,
        interaction_types,
        trigger,
        display,
    };
    let paths = |set: BTreeSet<Field>| set.into_iter().map(Field::hcl_path).collect();
    let id = spec.id.clone();
    let mut resource = ResourceConfig::new(kind, address, Some(id), Arc::new(spec), location);
    resource.depends_on = depends_on;
    resource.lifecycle = lifecycle;
    resource.sensitive = paths(p.sensitive);
    resource.incomplete = paths(p.incomplete);
    resource.fields = p.fields.into_iter().map(|(f, at)| (f.path(), at)).collect();
    Some(resource)
}

trait PromptBlocks {
    fn trigger(&mut self, p: &mut PromptBuilder, fields: &Fields) -> Trigger;
    fn display(&mut self, p: &mut PromptBuilder, fields: &Fields) -> Display;
    fn required_block<'b>(
        &mut self,
        p: &mut PromptBuilder,
        fields: &Fields<'b>,
        name: &str,
        covers: &[Field],
    ) -> Option<&'b Block>;
}

impl PromptBlocks for Decoder<'_> {
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
                    Code::SchemaRequired,
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
                Code::SchemaRequired,
                format!("missing required attribute `{key}`"),
            )
            .detail(format!("Add `{key} = …` here.")),
            &self.location,
            Some(self.address),
        );
    }
}
