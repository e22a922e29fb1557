//! What every resource block may hold whatever its kind — `depends_on` and
//! `lifecycle` — and addresses written as traversals (`prompt.greeting`).

use hcl_edit::Span;
use hcl_edit::expr::{Expression, TraversalOperator};
use hcl_edit::structure::Block;

use super::{Decoder, Fields, Schema};
use crate::config::eval::Scope;
use crate::config::{Dependency, Lifecycle, Located};
use crate::diagnostic::{Code, Diagnostic};
use crate::kind::{Address, Kind};
use crate::suggest::did_you_mean;

const LIFECYCLE: Schema = Schema {
    what: "a `lifecycle` block",
    attrs: &["prevent_destroy", "ignore_changes"],
    blocks: &[],
};

impl Decoder<'_> {
    /// The address `expr` writes, `<kind>.<label>` of a kind being decoded;
    /// `None` for anything else.
    pub(in crate::config) fn address(&self, expr: &Expression) -> Option<Address> {
        let Expression::Traversal(t) = expr else {
            return None;
        };
        let (Expression::Variable(root), [op]) = (&t.expr, t.operators.as_slice()) else {
            return None;
        };
        let TraversalOperator::GetAttr(label) = op.value() else {
            return None;
        };
        let kind = self.kinds.iter().find(|k| k.kind.name() == root.as_str())?;
        Some(Address::new(kind.kind.name(), label.as_str()))
    }

    /// How an address is written, for messages: `prompt.<label>` when one kind is
    /// decoded, `<kind>.<label>` naming them when there are more.
    pub(in crate::config) fn address_form(&self) -> String {
        let names: Vec<&str> = self.kinds.iter().map(|k| k.kind.name()).collect();
        crate::kind::address_form(&names)
    }

    /// The `depends_on` list of the resource at `address`: addresses, unquoted.
    pub fn depends_on(
        &mut self,
        file: usize,
        expr: &Expression,
        address: &Address,
    ) -> Vec<Dependency> {
        let at = address.to_string();
        let Expression::Array(items) = expr else {
            self.report(
                Diagnostic::error(Code::SchemaType, "`depends_on` must be a list of addresses")
                    .detail(format!(
                        "Write it as `depends_on = [{}]`.",
                        self.address_form()
                    )),
                &Self::located(file, expr.span()),
                Some(&at),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items.iter() {
            let location = Self::located(file, item.span());
            match self.address(item) {
                Some(address) => out.push(Dependency {
                    address,
                    location,
                    reference: false,
                }),
                None => self.report(
                    Diagnostic::error(Code::SchemaType, "`depends_on` entries must be addresses")
                        .detail(format!(
                            "Write each entry as `{}`, without quotes.",
                            self.address_form()
                        )),
                    &location,
                    Some(&at),
                ),
            }
        }
        out
    }

    /// The `lifecycle` block of a resource of `kind`.
    pub fn lifecycle(
        &mut self,
        file: usize,
        block: &Block,
        scope: &Scope,
        kind: &dyn Kind,
        address: &Address,
    ) -> Lifecycle {
        let at = address.to_string();
        let address = Some(at.as_str());
        let fields = self.fields(file, &block.body, &LIFECYCLE, address);
        let prevent_destroy = fields
            .attrs
            .get("prevent_destroy")
            .and_then(|a| self.bool(scope, file, a, address))
            .unwrap_or(false);
        let ignorable = kind.ignorable();
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
                    Some(path) if ignorable.contains(&path.as_str()) => ignore_changes.push(path),
                    other => {
                        let hint = other
                            .as_deref()
                            .and_then(|p| did_you_mean(p, ignorable.iter().copied()))
                            .map(|s| format!("Did you mean `{s}`? "))
                            .unwrap_or_default();
                        self.report(
                            Diagnostic::error(
                                Code::SchemaEnum,
                                "`ignore_changes` names an unknown attribute",
                            )
                            .detail(format!("{hint}Valid names: {}.", ignorable.join(", "))),
                            &location,
                            address,
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

    /// The `depends_on` and `lifecycle` of a resource body whose fields were read.
    pub fn meta(
        &mut self,
        file: usize,
        fields: &Fields,
        scope: &Scope,
        kind: &dyn Kind,
        address: &Address,
    ) -> (Vec<Dependency>, Lifecycle) {
        let at = address.to_string();
        let what = format!("a {}", kind.name());
        let depends_on = fields
            .attrs
            .get("depends_on")
            .map(|a| self.depends_on(file, &a.value, address))
            .unwrap_or_default();
        let lifecycle = self
            .single(file, fields, "lifecycle", &what, Some(&at))
            .map(|b| self.lifecycle(file, b, scope, kind, address))
            .unwrap_or_default();
        (depends_on, lifecycle)
    }
}

impl Decoder<'_> {
    /// The address a `<kind> "<label>"` block declares, or a reported error.
    pub fn resource_label(
        &mut self,
        file: usize,
        block: &Block,
        kind: &dyn Kind,
    ) -> Option<(Address, Located)> {
        let name = kind.name();
        let (label, location) = self.label(file, block, &format!("{name} \"name\" {{ … }}"))?;
        if !crate::kind::is_label(&label) {
            self.report(
                Diagnostic::error(Code::SchemaLabel, format!("invalid {name} label `{label}`"))
                    .detail(format!("A label starts with a letter or `_` and holds letters, digits, `_` and `-`, so that `{name}.<label>` can refer to it.")),
                &location,
                None,
            );
            return None;
        }
        Some((Address::new(name, &label), location))
    }
}
