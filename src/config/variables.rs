//! Input variables: their declared types, and the values given for them from the
//! environment, vars files and the command line.

use hcl::Value;
use hcl::eval::{Context, Evaluate};

/// A variable's type constraint, the subset of Terraform's that prompts need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum VarType {
    Any,
    String,
    Number,
    Bool,
    List(Box<VarType>),
    Map(Box<VarType>),
}

impl VarType {
    /// Parses a `type = …` expression such as `string` or `list(string)`.
    pub fn parse(expr: &hcl_edit::expr::Expression) -> Option<VarType> {
        use hcl_edit::expr::Expression as E;
        match expr {
            E::Variable(v) => match v.as_str() {
                "any" => Some(VarType::Any),
                "string" => Some(VarType::String),
                "number" => Some(VarType::Number),
                "bool" => Some(VarType::Bool),
                "list" => Some(VarType::List(Box::new(VarType::Any))),
                "map" => Some(VarType::Map(Box::new(VarType::Any))),
                _ => None,
            },
            E::FuncCall(call) if call.args.len() == 1 && call.name.namespace.is_empty() => {
                let inner = Box::new(VarType::parse(call.args.iter().next()?)?);
                match call.name.name.as_str() {
                    "list" | "set" => Some(VarType::List(inner)),
                    "map" => Some(VarType::Map(inner)),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// `value` converted to this type as Terraform converts: numbers and bools to
    /// strings and back, element by element for collections.
    pub fn convert(&self, value: Value) -> Result<Value, String> {
        match (self, value) {
            (VarType::Any, v) => Ok(v),
            (VarType::String, Value::String(s)) => Ok(Value::String(s)),
            (VarType::String, Value::Number(n)) => Ok(Value::String(n.to_string())),
            (VarType::String, Value::Bool(b)) => Ok(Value::String(b.to_string())),
            (VarType::Number, Value::Number(n)) => Ok(Value::Number(n)),
            (VarType::Number, Value::String(s)) => parse_number(&s)
                .map(Value::Number)
                .ok_or_else(|| format!("`{s}` is not a number")),
            (VarType::Bool, Value::Bool(b)) => Ok(Value::Bool(b)),
            (VarType::Bool, Value::String(s)) if s == "true" || s == "false" => {
                Ok(Value::Bool(s == "true"))
            }
            (VarType::List(inner), Value::Array(items)) => items
                .into_iter()
                .map(|v| inner.convert(v))
                .collect::<Result<_, _>>()
                .map(Value::Array),
            (VarType::Map(inner), Value::Object(items)) => items
                .into_iter()
                .map(|(k, v)| Ok((k, inner.convert(v)?)))
                .collect::<Result<_, String>>()
                .map(Value::Object),
            (ty, v) => Err(format!("expected {}, got {}", ty.describe(), describe(&v))),
        }
    }

    /// A value given as text, on the command line or in the environment: a string for
    /// a string (or untyped) variable, otherwise an HCL expression, as Terraform reads it.
    pub fn parse_text(&self, raw: &str) -> Result<Value, String> {
        match self {
            VarType::Any | VarType::String => Ok(Value::String(raw.to_owned())),
            VarType::Number | VarType::Bool => self.convert(Value::String(raw.to_owned())),
            VarType::List(_) | VarType::Map(_) => {
                let expr: hcl::Expression = raw
                    .parse()
                    .map_err(|e: hcl::Error| format!("not a valid HCL value: {e}"))?;
                let value = expr
                    .evaluate(&Context::new())
                    .map_err(|e| format!("not a constant value: {e}"))?;
                self.convert(value)
            }
        }
    }

    fn describe(&self) -> String {
        match self {
            VarType::Any => "any value".into(),
            VarType::String => "a string".into(),
            VarType::Number => "a number".into(),
            VarType::Bool => "a bool".into(),
            VarType::List(inner) => format!("a list of {}", inner.describe_plural()),
            VarType::Map(inner) => format!("a map of {}", inner.describe_plural()),
        }
    }

    fn describe_plural(&self) -> String {
        match self {
            VarType::Any => "values".into(),
            VarType::String => "strings".into(),
            VarType::Number => "numbers".into(),
            VarType::Bool => "bools".into(),
            other => other.describe(),
        }
    }
}

/// What kind of value `v` is, for messages.
pub(super) fn describe(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a bool",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Splits a `--var name=value` argument.
pub(super) fn split_assignment(arg: &str) -> Option<(&str, &str)> {
    let (name, value) = arg.split_once('=')?;
    let name = name.trim();
    (!name.is_empty()).then_some((name, value))
}

fn parse_number(s: &str) -> Option<hcl::Number> {
    let s = s.trim();
    match s.parse::<i64>() {
        Ok(i) => Some(i.into()),
        Err(_) => s.parse::<f64>().ok().and_then(hcl::Number::from_f64),
    }
}
