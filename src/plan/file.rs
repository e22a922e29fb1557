//! Saved plans (`plan --out FILE`): read back by `show` and `apply`.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::Plan;

const KIND: &str = "assistform-plan";
const FORMAT_VERSION: u32 = 1;

/// The largest plan file read. A plan holds each changed prompt's attributes before
/// and after (content is at most 2,000 characters), so thousands of changes fit
/// well within it.
pub const MAX_PLAN_FILE_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Serialize, Deserialize)]
struct Envelope {
    kind: String,
    format_version: u32,
    assistform_version: String,
    plan: Plan,
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PlanFileError {
    #[error("cannot {action} plan file `{}`: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("`{}` is not an assistform plan file: {message}", path.display())]
    Invalid { path: PathBuf, message: String },
    #[error("plan file `{}` has format version {found}, newer than this assistform reads ({FORMAT_VERSION})", path.display())]
    Newer { path: PathBuf, found: u32 },
    #[error(transparent)]
    File(#[from] crate::input_file::InputFileError),
}

/// Writes `plan` to `path`, readable only by its owner: it holds prompt content.
///
/// # Errors
///
/// [`PlanFileError::Io`] when the file cannot be written.
pub fn save(path: &Path, plan: &Plan) -> Result<(), PlanFileError> {
    let envelope = Envelope {
        kind: KIND.into(),
        format_version: FORMAT_VERSION,
        assistform_version: env!("CARGO_PKG_VERSION").into(),
        plan: plan.clone(),
    };
    let text = serde_json::to_vec_pretty(&envelope).expect("plans serialise");
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    crate::state::write_atomically(dir, path, &text).map_err(|e| PlanFileError::Io {
        action: "write",
        path: path.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    })
}

/// Reads a plan saved by [`save`].
///
/// # Errors
///
/// [`PlanFileError`] when the file is missing, not a plan, or from a newer assistform.
pub fn load(path: &Path) -> Result<Plan, PlanFileError> {
    let bytes = crate::input_file::read(path, MAX_PLAN_FILE_BYTES)?;
    let invalid = |message: String| PlanFileError::Invalid {
        path: path.to_path_buf(),
        message,
    };
    let value: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|e| invalid(e.to_string()))?;
    if value.get("kind").and_then(|k| k.as_str()) != Some(KIND) {
        return Err(invalid(
            "it was not written by `assistform plan --out`".into(),
        ));
    }
    let found = value
        .get("format_version")
        .and_then(serde_json::Value::as_u64)
        .unwrap_or(0);
    if found > u64::from(FORMAT_VERSION) {
        return Err(PlanFileError::Newer {
            path: path.to_path_buf(),
            found: u32::try_from(found).unwrap_or(u32::MAX),
        });
    }
    let envelope: Envelope = serde_json::from_value(value).map_err(|e| invalid(e.to_string()))?;
    Ok(envelope.plan)
}
