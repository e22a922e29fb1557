//! Expressions → values, in a scope of `var.*` and `local.*`.
//!
//! References are checked before evaluation, on hcl-edit's tree, because only that
//! tree knows where they are written: hcl's evaluator reports no positions.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use hcl::Value;
use hcl::eval::{Context, Evaluate};
use hcl_edit::Span;
use hcl_edit::expr::{Expression, Traversal, TraversalOperator};
use hcl_edit::visit::{self, Visit};

use super::Located;
use crate::diagnostic::{Diagnostic, SourceFile};
use crate::suggest::did_you_mean;

/// A `root.name` reference written in an expression.
#[derive(Clone, Debug)]
pub(super) struct Reference {
    pub root: String,
    pub name: String,
    pub bytes: Range<usize>,
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
                self.0.push(Reference {
                    root: root.as_str().to_owned(),
                    name: name.as_str().to_owned(),
                    bytes: start..end,
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
pub(super) struct Scope {
    vars: BTreeMap<String, Value>,
    locals: BTreeMap<String, Value>,
    /// Declared names whose value is unknown (missing or in error): references to
    /// them are not reported again.
    poisoned: BTreeSet<(String, String)>,
    sensitive: BTreeSet<(String, String)>,
    declared_locals: BTreeSet<String>,
    context: Context<'static>,
}

/// An evaluated expression.
pub(super) struct Evaluated {
    pub value: Value,
    pub sensitive: bool,
}

impl Scope {
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
        let mut context = Context::new();
        context.declare_var("var", to_object(&self.vars));
        context.declare_var("local", to_object(&self.locals));
        self.context = context;
    }

    /// Evaluates `expr`, written in `file`. Problems become diagnostics and `None`.
    pub fn evaluate(
        &self,
        expr: &Expression,
        file: usize,
        sources: &[SourceFile],
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<Evaluated> {
        let mut ok = true;
        let mut sensitive = false;
        for r in references(expr) {
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
            diagnostics.push(self.undefined(&r, file, sources));
        }
        if !ok {
            return None;
        }
        match hcl::Expression::from(expr.clone()).evaluate(&self.context) {
            Ok(value) => Some(Evaluated { value, sensitive }),
            Err(error) => {
                let bytes = expr.span().unwrap_or(0..0);
                let message = error.to_string();
                diagnostics.push(
                    Diagnostic::error("expression.invalid", "invalid expression")
                        .detail(message)
                        .range(Some(Located { file, bytes }.range(sources))),
                );
                None
            }
        }
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
                "var.undefined",
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
                "local.undefined",
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

fn to_object(map: &BTreeMap<String, Value>) -> Value {
    Value::Object(map.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
}
