//! Expressions → values, in a scope of `var.*` and `local.*`.
//!
//! References are checked before evaluation, on hcl-edit's tree, because only that
//! tree knows where they are written: hcl's evaluator reports no positions.

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use hcl::Value;
use hcl::eval::{Context, Evaluate};
use hcl_edit::Span;
use hcl_edit::expr::{Expression, Traversal, TraversalOperator};
use hcl_edit::visit::{self, Visit};

use super::Located;
use super::size::{self, Lookup, Size};
use crate::diagnostic::{Code, Diagnostic, SourceFile};
use crate::kind::{Address, reference};
use crate::suggest::did_you_mean;

/// A `root.name` reference written in an expression.
#[derive(Clone, Debug)]
pub(super) struct Reference {
    pub root: String,
    pub name: String,
    pub bytes: Range<usize>,
    /// The attribute after `root.name`, when there is one (`id` of
    /// `response_library.billing.id`), and where the whole traversal ends.
    pub attribute: Option<(String, usize)>,
}

/// Another object's id, referred to from a block: `response_library.billing.id`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectReference {
    pub target: Address,
    pub location: Located,
}

/// Every `root.name` traversal in `expr`, outermost first.
pub(super) fn references(expr: &Expression) -> Vec<Reference> {
    struct Collector(Vec<Reference>);
    impl Visit for Collector {
        fn visit_traversal(&mut self, node: &Traversal) {
            if let (Expression::Variable(root), Some(first)) = (&node.expr, node.operators.first())
                && let TraversalOperator::GetAttr(name) = first.value()
            {
                let start = root.span().or(node.span()).map_or(0, |s| s.start);
                let end = first.span().or(node.span()).map_or(start, |s| s.end);
                let attribute = node.operators.get(1).and_then(|op| match op.value() {
                    TraversalOperator::GetAttr(attr) => {
                        Some((attr.as_str().to_owned(), op.span().map_or(end, |s| s.end)))
                    }
                    _ => None,
                });
                self.0.push(Reference {
                    root: root.as_str().to_owned(),
                    name: name.as_str().to_owned(),
                    bytes: start..end,
                    attribute,
                });
            }
            visit::visit_traversal(self, node);
        }
    }
    let mut collector = Collector(Vec::new());
    collector.visit_expr(expr);
    collector.0
}

/// The values `var.*` and `local.*` stand for, and which of them are sensitive.
#[derive(Default)]
pub struct Scope {
    vars: BTreeMap<String, Value>,
    locals: BTreeMap<String, Value>,
    /// Declared names whose value is unknown (missing or in error): references to
    /// them are not reported again.
    poisoned: BTreeSet<(String, String)>,
    sensitive: BTreeSet<(String, String)>,
    declared_locals: BTreeSet<String>,
    /// What all values evaluated so far hold together, against [`size::LIMIT`].
    evaluated: Cell<Size>,
    /// Set once a value was refused as too large: what follows is not evaluated
    /// (and each refusal not reported again).
    exhausted: Cell<bool>,
    /// The block types of the kinds: a traversal rooted at one refers to an object.
    kinds: Vec<&'static str>,
    /// Whether an expression may refer to an object: only a resource's own
    /// attributes may, since only a resource can depend on one.
    in_resource: Cell<bool>,
    /// The objects referred to since [`Scope::take_references`] was last called.
    referred: std::cell::RefCell<Vec<ObjectReference>>,
}

/// An evaluated expression.
pub(super) struct Evaluated {
    pub value: Value,
    pub sensitive: bool,
}

impl Scope {
    /// Makes `<kind>.<label>.id` a reference to an object, for each of `kinds`.
    pub fn set_kinds(&mut self, kinds: impl IntoIterator<Item = &'static str>) {
        self.kinds = kinds.into_iter().collect();
    }

    /// Lets expressions refer to objects while a resource block is decoded.
    pub fn in_resource(&self, inside: bool) {
        self.in_resource.set(inside);
    }

    /// The objects the expressions evaluated since the last call referred to: what
    /// the block being decoded depends on.
    pub fn take_references(&self) -> Vec<ObjectReference> {
        std::mem::take(&mut *self.referred.borrow_mut())
    }

    pub fn set_var(&mut self, name: &str, value: Option<Value>, sensitive: bool) {
        self.set("var", name, value, sensitive);
    }

    pub fn declare_locals(&mut self, names: impl IntoIterator<Item = String>) {
        self.declared_locals.extend(names);
    }

    pub fn set_local(&mut self, name: &str, value: Option<Value>, sensitive: bool) {
        self.set("local", name, value, sensitive);
    }

    fn set(&mut self, root: &str, name: &str, value: Option<Value>, sensitive: bool) {
        let key = (root.to_owned(), name.to_owned());
        if sensitive {
            self.sensitive.insert(key.clone());
        }
        let map = if root == "var" {
            &mut self.vars
        } else {
            &mut self.locals
        };
        match value {
            Some(v) => {
                map.insert(name.to_owned(), v);
            }
            None => {
                self.poisoned.insert(key);
            }
        }
    }

    /// Evaluates `expr`, written in `file`. Problems become diagnostics and `None`.
    pub(in crate::config) fn evaluate(
        &self,
        expr: &Expression,
        file: usize,
        sources: &[SourceFile],
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<Evaluated> {
        let mut ok = true;
        let mut sensitive = false;
        let references = references(expr);
        for r in &references {
            if self.in_resource.get() && self.kinds.contains(&r.root.as_str()) {
                ok &= self.refer(r, file, sources, diagnostics);
                continue;
            }
            let key = (r.root.clone(), r.name.clone());
            sensitive |= self.sensitive.contains(&key);
            let known = match r.root.as_str() {
                "var" => self.vars.contains_key(&r.name),
                "local" => self.locals.contains_key(&r.name),
                _ => continue,
            };
            if known {
                continue;
            }
            ok = false;
            if self.poisoned.contains(&key) {
                continue;
            }
            diagnostics.push(self.undefined(r, file, sources));
        }
        if !ok {
            return None;
        }
        let at = || {
            Some(
                Located {
                    file,
                    bytes: expr.span().unwrap_or(0..0),
                }
                .range(sources),
            )
        };
        if self.exhausted.get() {
            return None;
        }
        if let Some(over) = size::bound(expr, self).over(&size::LIMIT) {
            self.exhausted.set(true);
            diagnostics.push(
                Diagnostic::error(Code::ExpressionTooLarge, "value too large")
                    .detail(format!(
                        "This expression's value could {over}; {}.",
                        limits()
                    ))
                    .range(at()),
            );
            return None;
        }
        match hcl::Expression::from(expr.clone()).evaluate(&self.context(&references)) {
            Ok(value)
                if references
                    .iter()
                    .any(|r| self.kinds.contains(&r.root.as_str()))
                    && embeds_reference(&value) =>
            {
                diagnostics.push(
                    Diagnostic::error(Code::ReferenceInvalid, "a reference inside a larger value")
                        .detail(format!(
                            "An object's id is known only when apply creates it, so a reference must be a whole value, such as a list element: `[{}]`, not part of a string or an argument to a function.",
                            references
                                .iter()
                                .find(|r| self.kinds.contains(&r.root.as_str()))
                                .map_or_else(|| "<kind>.<label>.id".to_owned(), |r| format!("{}.{}.id", r.root, r.name))
                        ))
                        .range(at()),
                );
                None
            }
            Ok(value) => {
                let total = self.evaluated.get().plus(Size::of(&value));
                self.evaluated.set(total);
                if let Some(over) = total.over(&size::LIMIT) {
                    self.exhausted.set(true);
                    diagnostics.push(
                        Diagnostic::error(Code::ExpressionTooLarge, "configuration too large")
                            .detail(format!(
                                "With this expression, the configuration's values together {over}; {}.",
                                limits()
                            ))
                            .range(at()),
                    );
                    return None;
                }
                Some(Evaluated { value, sensitive })
            }
            Err(error) => {
                diagnostics.push(
                    Diagnostic::error(Code::ExpressionInvalid, "invalid expression")
                        .detail(error.to_string())
                        .range(at()),
                );
                None
            }
        }
    }

    /// Records `r`, rooted at a kind, as a reference to an object's id; reports it
    /// and returns `false` when it names no id.
    fn refer(
        &self,
        r: &Reference,
        file: usize,
        sources: &[SourceFile],
        diagnostics: &mut Vec<Diagnostic>,
    ) -> bool {
        let end = r.attribute.as_ref().map_or(r.bytes.end, |(_, end)| *end);
        let location = Located {
            file,
            bytes: r.bytes.start..end,
        };
        let written = format!("{}.{}", r.root, r.name);
        let problem = match (&r.attribute, written.parse::<Address>()) {
            (_, Err(_)) => Some(format!(
                "`{written}` is not an address: a label is a letter or `_`, then letters, digits, `_` and `-`."
            )),
            (None, Ok(_)) => Some(format!(
                "Refer to the object's id: `{written}.{}`.",
                reference::ATTRIBUTE
            )),
            (Some((attr, _)), Ok(_)) if attr != reference::ATTRIBUTE => Some(format!(
                "`{}` objects have no attribute `{attr}` to refer to; only their `{}` can be: `{written}.{}`.",
                r.root,
                reference::ATTRIBUTE,
                reference::ATTRIBUTE
            )),
            (Some(_), Ok(target)) => {
                self.referred.borrow_mut().push(ObjectReference {
                    target,
                    location: location.clone(),
                });
                None
            }
        };
        let Some(detail) = problem else { return true };
        diagnostics.push(
            Diagnostic::error(
                Code::ReferenceInvalid,
                format!(
                    "invalid reference `{written}{}`",
                    r.attribute
                        .as_ref()
                        .map(|(a, _)| format!(".{a}"))
                        .unwrap_or_default()
                ),
            )
            .detail(detail)
            .range(Some(location.range(sources))),
        );
        false
    }

    /// A context of the values `references` name, and no others: all of them for
    /// each expression would cost the square of their number.
    fn context(&self, references: &[Reference]) -> Context<'static> {
        let (mut vars, mut locals) = (hcl::Map::new(), hcl::Map::new());
        let mut objects: BTreeMap<&str, hcl::Map<String, Value>> = BTreeMap::new();
        for r in references {
            if self.in_resource.get() && self.kinds.contains(&r.root.as_str()) {
                if let Ok(target) = format!("{}.{}", r.root, r.name).parse::<Address>() {
                    let mut id = hcl::Map::new();
                    id.insert(
                        reference::ATTRIBUTE.to_owned(),
                        Value::String(reference::to(&target)),
                    );
                    objects
                        .entry(r.root.as_str())
                        .or_default()
                        .insert(r.name.clone(), Value::Object(id));
                }
                continue;
            }
            let (map, values) = match r.root.as_str() {
                "var" => (&mut vars, &self.vars),
                "local" => (&mut locals, &self.locals),
                _ => continue,
            };
            if let (false, Some(value)) = (map.contains_key(&r.name), values.get(&r.name)) {
                map.insert(r.name.clone(), value.clone());
            }
        }
        let mut context = Context::new();
        context.declare_var("var", Value::Object(vars));
        context.declare_var("local", Value::Object(locals));
        for (kind, labels) in objects {
            context.declare_var(kind, Value::Object(labels));
        }
        context
    }

    fn undefined(&self, r: &Reference, file: usize, sources: &[SourceFile]) -> Diagnostic {
        let (kind, code, declare, names): (_, _, _, Vec<&str>) = if r.root == "var" {
            // Declared variables whose value is missing or bad are still the names a
            // typo was meant to be.
            let unknown = self
                .poisoned
                .iter()
                .filter(|(root, _)| root == "var")
                .map(|(_, name)| name.as_str());
            (
                "variable",
                Code::VarUndefined,
                format!("Declare it with `variable \"{}\" {{}}`.", r.name),
                self.vars
                    .keys()
                    .map(String::as_str)
                    .chain(unknown)
                    .collect(),
            )
        } else {
            (
                "local value",
                Code::LocalUndefined,
                format!("Define it in a `locals {{ {} = … }}` block.", r.name),
                self.declared_locals.iter().map(String::as_str).collect(),
            )
        };
        let hint = did_you_mean(&r.name, names)
            .map(|s| format!(" Did you mean `{}.{s}`?", r.root))
            .unwrap_or_default();
        Diagnostic::error(
            code,
            format!("reference to undefined {kind} `{}.{}`", r.root, r.name),
        )
        .detail(format!("{declare}{hint}"))
        .range(Some(
            Located {
                file,
                bytes: r.bytes.clone(),
            }
            .range(sources),
        ))
    }
}

impl Lookup for Scope {
    fn lookup(&self, root: &str, name: &str) -> Option<&Value> {
        match root {
            "var" => self.vars.get(name),
            "local" => self.locals.get(name),
            _ => None,
        }
    }
}

/// Whether `value` holds a string that carries a reference without being one
/// (`"id: ${response_library.billing.id}"`): what could not be filled in later.
fn embeds_reference(value: &Value) -> bool {
    match value {
        Value::String(s) => reference::is_within(s) && reference::target(s).is_none(),
        Value::Array(items) => items.iter().any(embeds_reference),
        Value::Object(map) => map.values().any(embeds_reference),
        _ => false,
    }
}

/// The limits, for messages.
fn limits() -> String {
    format!(
        "a configuration may compute at most {} elements and {} MiB of text in all its values together, nested at most {} levels deep",
        size::LIMIT.nodes,
        size::LIMIT.bytes / (1024 * 1024),
        size::LIMIT.depth
    )
}
