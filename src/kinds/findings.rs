//! The findings the Genesys kinds' rules share the wording of.

use crate::diagnostic::{Code, Severity};
use crate::kind::Finding;

pub(crate) fn error(code: Code, path: &str, summary: String, detail: String) -> Finding {
    Finding {
        severity: Severity::Error,
        code,
        summary,
        detail,
        path: path.to_owned(),
        span: None,
    }
}

pub(crate) fn warning(code: Code, path: &str, summary: String, detail: String) -> Finding {
    Finding {
        severity: Severity::Warning,
        ..error(code, path, summary, detail)
    }
}

pub(crate) fn required(path: &str, detail: &str) -> Finding {
    let name = path.rsplit('.').next().unwrap_or(path);
    error(
        Code::SchemaRequired,
        path,
        format!("missing required attribute `{name}`"),
        detail.to_owned(),
    )
}

/// `value` at `path` is none of `allowed`.
pub(crate) fn not_one_of(path: &str, value: &str, allowed: &[&str]) -> Finding {
    let name = path.rsplit('.').next().unwrap_or(path);
    let listed: Vec<String> = allowed.iter().map(|a| format!("\"{a}\"")).collect();
    let hint = crate::suggest::did_you_mean(value, allowed.iter().copied())
        .map(|s| format!("Did you mean \"{s}\"? "))
        .unwrap_or_default();
    error(
        Code::SchemaEnum,
        path,
        format!("`{name}` is \"{value}\", which Genesys does not accept"),
        format!("{hint}It is one of {}.", listed.join(", ")),
    )
}
