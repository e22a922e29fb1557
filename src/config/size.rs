//! How large a value is, and how large an expression's value can become at most.
//!
//! Locals compose: `a2 = [local.a1, local.a1]` doubles what `a1` holds, and forty
//! such lines would ask for more memory than any machine has. So before an
//! expression is evaluated its result is bounded from the sizes of the values it
//! refers to, and an expression whose bound is over [`LIMIT`] is refused unevaluated.
//! The bound follows static traversals into the values they name
//! (`local.messages.greeting` counts the greeting, not every message), so that real
//! configurations stay far from it.

use hcl::Value;
use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::template::{Directive, Element, Template};

/// What one value holds: its elements (every list, object, string, number, bool and
/// null counts one), the bytes of its strings and object keys, and how deeply it nests.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Size {
    pub nodes: u64,
    pub bytes: u64,
    pub depth: u64,
}

/// The most one evaluated value may hold, and all values of one configuration
/// together: a million elements, 64 MiB of text, 256 levels of nesting. Ten
/// thousand prompts with 2,000 characters of content each evaluate about an eighth
/// of those elements and a third of that text.
pub(super) const LIMIT: Size = Size {
    nodes: 1_000_000,
    bytes: 64 * 1024 * 1024,
    depth: 256,
};

/// The text a number or bool can turn into inside a template, at most.
const SCALAR_TEXT: u64 = 32;

impl Size {
    const SCALAR: Size = Size {
        nodes: 1,
        bytes: 0,
        depth: 1,
    };

    /// A string of `bytes` bytes.
    fn text(bytes: u64) -> Size {
        Size {
            bytes,
            ..Size::SCALAR
        }
    }

    /// An object key of `bytes` bytes: text, but no element of its own.
    fn key(bytes: u64) -> Size {
        Size {
            bytes,
            ..Size::default()
        }
    }

    /// The size of `value`.
    pub fn of(value: &Value) -> Size {
        Shape::of(value).size
    }

    pub fn plus(self, other: Size) -> Size {
        Size {
            nodes: self.nodes.saturating_add(other.nodes),
            bytes: self.bytes.saturating_add(other.bytes),
            depth: self.depth.max(other.depth),
        }
    }

    fn times(self, n: u64) -> Size {
        Size {
            nodes: self.nodes.saturating_mul(n),
            bytes: self.bytes.saturating_mul(n),
            depth: self.depth,
        }
    }

    /// The larger of each measure.
    fn max(self, other: Size) -> Size {
        Size {
            nodes: self.nodes.max(other.nodes),
            bytes: self.bytes.max(other.bytes),
            depth: self.depth.max(other.depth),
        }
    }

    /// This size inside one more list or object.
    fn wrapped(self) -> Size {
        Size {
            nodes: self.nodes.saturating_add(1),
            bytes: self.bytes,
            depth: self.depth.saturating_add(1),
        }
    }

    /// The measure in which this size is over `limit`, as words for a message.
    pub fn over(&self, limit: &Size) -> Option<String> {
        if self.depth > limit.depth {
            Some(format!("nest more than {} levels deep", limit.depth))
        } else if self.nodes > limit.nodes {
            Some(format!("hold more than {} elements", limit.nodes))
        } else if self.bytes > limit.bytes {
            Some(format!(
                "hold more than {} MiB of text",
                limit.bytes / (1024 * 1024)
            ))
        } else {
            None
        }
    }
}

/// An upper bound on a value: its size, how many elements it has if it is a
/// collection, and the size of its largest element.
#[derive(Clone, Copy, Debug)]
struct Shape {
    size: Size,
    count: u64,
    element: Size,
}

impl Shape {
    fn scalar(size: Size) -> Shape {
        Shape {
            size,
            count: 0,
            element: size,
        }
    }

    /// A value whose structure is unknown: every node may be an element, each as
    /// large as the whole.
    fn opaque(size: Size) -> Shape {
        Shape {
            size,
            count: size.nodes,
            element: size,
        }
    }

    fn of(value: &Value) -> Shape {
        match value {
            Value::String(s) => Shape::scalar(Size::text(len(s.len()))),
            Value::Array(items) => Shape::collection(items.iter().map(|v| (0, v))),
            Value::Object(items) => Shape::collection(items.iter().map(|(k, v)| (k.len(), v))),
            _ => Shape::scalar(Size::SCALAR),
        }
    }

    fn collection<'v>(items: impl Iterator<Item = (usize, &'v Value)>) -> Shape {
        let mut shape = Shape::scalar(Size::default());
        for (key_bytes, value) in items {
            let element = Shape::of(value).size;
            shape.size = shape.size.plus(element).plus(Size::key(len(key_bytes)));
            shape.count = shape.count.saturating_add(1);
            shape.element = shape.element.max(element);
        }
        shape.size = shape.size.wrapped();
        shape
    }
}

/// Finds the value of `var.<name>` or `local.<name>`.
pub(super) trait Lookup {
    fn lookup(&self, root: &str, name: &str) -> Option<&Value>;
}

/// An upper bound on the size of `expr`'s value, given the values it refers to.
pub(super) fn bound(expr: &Expression, values: &dyn Lookup) -> Size {
    Bounds {
        values,
        bound_vars: Vec::new(),
    }
    .expr(expr)
    .size
}

struct Bounds<'a> {
    values: &'a dyn Lookup,
    /// The iteration variables of the `for` expressions around the current one.
    bound_vars: Vec<(String, Shape)>,
}

impl Bounds<'_> {
    fn expr(&mut self, expr: &Expression) -> Shape {
        match expr {
            Expression::Null(_) | Expression::Bool(_) | Expression::Number(_) => {
                Shape::scalar(Size::SCALAR)
            }
            Expression::String(s) => Shape::scalar(Size::text(len(s.len()))),
            Expression::Array(items) => {
                let mut shape = Shape::scalar(Size::default());
                for item in items.iter() {
                    let item = self.expr(item).size;
                    shape.size = shape.size.plus(item);
                    shape.count = shape.count.saturating_add(1);
                    shape.element = shape.element.max(item);
                }
                shape.size = shape.size.wrapped();
                shape
            }
            Expression::Object(items) => {
                let mut shape = Shape::scalar(Size::default());
                for (key, value) in items.iter() {
                    let key = match key {
                        ObjectKey::Ident(ident) => Size::key(len(ident.as_str().len())),
                        ObjectKey::Expression(e) => self.expr(e).size,
                    };
                    let value = self.expr(value.expr()).size;
                    shape.size = shape.size.plus(key).plus(value);
                    shape.count = shape.count.saturating_add(1);
                    shape.element = shape.element.max(value);
                }
                shape.size = shape.size.wrapped();
                shape
            }
            Expression::StringTemplate(t) => Shape::scalar(Size::text(self.template(t))),
            Expression::HeredocTemplate(h) => Shape::scalar(Size::text(self.template(&h.template))),
            Expression::Parenthesis(p) => self.expr(p.inner()),
            Expression::Variable(v) => self
                .bound_vars
                .iter()
                .rev()
                .find(|(name, _)| name == v.as_str())
                .map_or(Shape::scalar(Size::SCALAR), |(_, shape)| *shape),
            Expression::Traversal(t) => self.traversal(&t.expr, &t.operators),
            Expression::FuncCall(call) => {
                let args = call
                    .args
                    .iter()
                    .fold(Size::SCALAR, |sum, arg| sum.plus(self.expr(arg).size));
                Shape::opaque(args)
            }
            Expression::Conditional(c) => {
                let cond = self.expr(&c.cond_expr).size;
                let (t, f) = (self.expr(&c.true_expr), self.expr(&c.false_expr));
                Shape {
                    size: cond.plus(t.size.max(f.size)),
                    count: t.count.max(f.count),
                    element: t.element.max(f.element),
                }
            }
            Expression::UnaryOp(op) => Shape::opaque(self.expr(&op.expr).size),
            Expression::BinaryOp(op) => {
                let lhs = self.expr(&op.lhs_expr).size;
                Shape::opaque(lhs.plus(self.expr(&op.rhs_expr).size))
            }
            Expression::ForExpr(f) => {
                let collection = self.expr(&f.intro.collection_expr);
                // A key is a position, or one of the collection's keys.
                let key_var = Shape::scalar(Size::text(collection.size.bytes));
                let vars = self.bind(
                    f.intro.key_var.as_ref().map(|k| k.as_str()),
                    key_var,
                    f.intro.value_var.as_str(),
                    Shape::opaque(collection.element),
                );
                let key = f.key_expr.as_ref().map(|k| self.expr(k).size);
                let value = self.expr(&f.value_expr).size;
                let cond = f.cond.as_ref().map(|c| self.expr(&c.expr).size);
                self.bound_vars.truncate(vars);
                let each = [key, cond].into_iter().flatten().fold(value, Size::plus);
                // With `...`, values of one key are grouped into a list.
                let element = if f.grouping { value.wrapped() } else { value };
                Shape {
                    size: collection
                        .size
                        .plus(each.times(collection.count).wrapped())
                        .plus(Size {
                            depth: element.depth.saturating_add(1),
                            ..Size::default()
                        }),
                    count: collection.count,
                    element,
                }
            }
        }
    }

    /// Declares a `for`'s iteration variables; returns what to truncate back to.
    fn bind(&mut self, key: Option<&str>, key_shape: Shape, value: &str, shape: Shape) -> usize {
        let before = self.bound_vars.len();
        if let Some(key) = key {
            self.bound_vars.push((key.to_owned(), key_shape));
        }
        self.bound_vars.push((value.to_owned(), shape));
        before
    }

    /// The bytes a template can produce.
    fn template(&mut self, template: &Template) -> u64 {
        let mut bytes = 0u64;
        for element in template.iter() {
            let add = match element {
                Element::Literal(s) => len(s.len()),
                Element::Interpolation(i) => text_of(self.expr(&i.expr).size),
                Element::Directive(d) => match d.as_ref() {
                    Directive::If(d) => {
                        let cond = text_of(self.expr(&d.if_expr.cond_expr).size);
                        let then = self.template(&d.if_expr.template);
                        let otherwise = d
                            .else_expr
                            .as_ref()
                            .map_or(0, |e| self.template(&e.template));
                        cond.saturating_add(then.max(otherwise))
                    }
                    Directive::For(d) => {
                        let f = &d.for_expr;
                        let collection = self.expr(&f.collection_expr);
                        let key_var = Shape::scalar(Size::text(collection.size.bytes));
                        let vars = self.bind(
                            f.key_var.as_ref().map(|k| k.as_str()),
                            key_var,
                            f.value_var.as_str(),
                            Shape::opaque(collection.element),
                        );
                        let each = self.template(&f.template);
                        self.bound_vars.truncate(vars);
                        text_of(collection.size)
                            .saturating_add(each.saturating_mul(collection.count))
                    }
                },
            };
            bytes = bytes.saturating_add(add);
        }
        bytes
    }

    /// `root` followed by `operators`: into the named part of a known value as far as
    /// the operators are written out, the whole of what is left beyond that.
    fn traversal(
        &mut self,
        root: &Expression,
        operators: &[hcl_edit::Decorated<TraversalOperator>],
    ) -> Shape {
        let mut operators = operators.iter().map(|o| o.value()).peekable();
        let known = match (root, operators.peek()) {
            (Expression::Variable(r), Some(TraversalOperator::GetAttr(name)))
                if matches!(r.as_str(), "var" | "local") =>
            {
                let value = self.values.lookup(r.as_str(), name.as_str());
                operators.next();
                value
            }
            _ => None,
        };
        let mut extra = Size::default();
        let Some(mut value) = known else {
            let mut shape = self.expr(root);
            for op in operators {
                if let TraversalOperator::Index(index) = op {
                    extra = extra.plus(self.expr(index).size);
                }
                if matches!(
                    op,
                    TraversalOperator::GetAttr(_)
                        | TraversalOperator::Index(_)
                        | TraversalOperator::LegacyIndex(_)
                ) {
                    shape = Shape::opaque(shape.element);
                }
            }
            return Shape::opaque(shape.size.plus(extra));
        };
        for op in operators.by_ref() {
            let next = match op {
                TraversalOperator::GetAttr(name) => match value {
                    Value::Object(items) => items.get(name.as_str()),
                    _ => None,
                },
                TraversalOperator::LegacyIndex(i) => index(value, &Value::from(*i.value())),
                TraversalOperator::Index(Expression::Number(n)) => {
                    index(value, &Value::Number(*n.value()))
                }
                TraversalOperator::Index(Expression::String(s)) => {
                    index(value, &Value::String(s.value().clone()))
                }
                TraversalOperator::Index(e) => {
                    extra = extra.plus(self.expr(e).size);
                    None
                }
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => None,
            };
            match next {
                Some(v) => value = v,
                // An element chosen at run time, a splat, or a name that is not
                // there (an evaluation error): no more than what is left.
                None => break,
            }
        }
        let shape = Shape::of(value);
        Shape {
            size: shape.size.plus(extra),
            ..shape
        }
    }
}

fn index<'v>(value: &'v Value, key: &Value) -> Option<&'v Value> {
    match (value, key) {
        (Value::Array(items), Value::Number(n)) => items.get(usize::try_from(n.as_u64()?).ok()?),
        (Value::Object(items), Value::String(k)) => items.get(k.as_str()),
        _ => None,
    }
}

fn len(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// The text a value of `size` can turn into inside a template.
fn text_of(size: Size) -> u64 {
    size.bytes
        .saturating_add(size.nodes.saturating_mul(SCALAR_TEXT))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use hcl::eval::Evaluate;

    use super::*;

    struct Values(BTreeMap<String, Value>);

    impl Lookup for Values {
        fn lookup(&self, root: &str, name: &str) -> Option<&Value> {
            self.0.get(&format!("{root}.{name}"))
        }
    }

    fn expr(text: &str) -> Expression {
        text.parse().expect("an expression")
    }

    fn values() -> Values {
        let list: Vec<Value> = (0..1000)
            .map(|i| Value::from(format!("item {i}")))
            .collect();
        let mut messages = hcl::Map::new();
        messages.insert("greeting".to_owned(), Value::from("Hello"));
        messages.insert("all".to_owned(), Value::Array(list.clone()));
        Values(BTreeMap::from([
            ("local.list".to_owned(), Value::Array(list)),
            ("local.messages".to_owned(), Value::Object(messages)),
        ]))
    }

    #[test]
    fn a_value_counts_its_elements_text_and_depth() {
        let value = hcl::Expression::from(expr("{ a = [\"xy\", 1], b = null }"))
            .evaluate(&hcl::eval::Context::new())
            .expect("a constant");
        assert_eq!(
            Size::of(&value),
            Size {
                nodes: 5,
                bytes: 4,
                depth: 3
            }
        );
    }

    #[test]
    fn a_static_traversal_counts_only_what_it_names() {
        let values = values();
        assert_eq!(
            bound(&expr("local.messages.greeting"), &values),
            Size::of(&Value::from("Hello"))
        );
        assert_eq!(
            bound(&expr("local.messages[\"all\"][3]"), &values),
            Size::of(&Value::from("item 3"))
        );
    }

    #[test]
    fn the_bound_is_never_below_the_value() {
        let values = values();
        let mut locals = hcl::Map::new();
        for (name, value) in &values.0 {
            locals.insert(name["local.".len()..].to_owned(), value.clone());
        }
        let mut context = hcl::eval::Context::new();
        context.declare_var("local", Value::Object(locals));
        for text in [
            "[local.list, local.list]",
            "[for s in local.list : \"${s}!\"]",
            "{ for i, s in local.list : s => [i, s] }",
            "\"%{ for s in local.list }${s}, %{ endfor }\"",
            "local.messages.all[*]",
        ] {
            let e = expr(text);
            let value = hcl::Expression::from(e.clone())
                .evaluate(&context)
                .expect(text);
            let (actual, bound) = (Size::of(&value), bound(&e, &values));
            assert!(
                actual.nodes <= bound.nodes
                    && actual.bytes <= bound.bytes
                    && actual.depth <= bound.depth,
                "{text}: {actual:?} > {bound:?}"
            );
        }
    }

    #[test]
    fn a_for_over_a_for_multiplies() {
        let values = values();
        let square = bound(
            &expr("[for a in local.list : [for b in local.list : b]]"),
            &values,
        );
        assert!(square.nodes >= 1_000_000, "{square:?}");
        assert!(square.over(&LIMIT).is_some());
    }
}
