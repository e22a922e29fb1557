//! Saved plans (`plan --out FILE`): read back by `show` and `apply`.
//!
//! A plan file carries a digest of the plan it holds, checked on every load, so a
//! plan edited by hand after review is refused rather than carried out. Without a
//! key the digest is a SHA-256, which catches edits but not someone who recomputes
//! it; with `ASSISTFORM_PLAN_KEY` it is an HMAC, which nobody without the key can
//! forge.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::Plan;
use crate::hmac_key::HmacKey;

const KIND: &str = "assistform-plan";
/// 2: the digest, and the org the plan was read from.
const FORMAT_VERSION: u32 = 3;
const SHA256: &str = "sha256:";
const HMAC_SHA256: &str = "hmac-sha256:";

/// The largest plan file read. A plan holds each changed prompt's attributes before
/// and after (content is at most 2,000 characters), so thousands of changes fit
/// well within it.
pub const MAX_PLAN_FILE_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Serialize, Deserialize)]
struct Envelope {
    kind: String,
    format_version: u32,
    assistform_version: String,
    /// `sha256:<hex>` or `hmac-sha256:<hex>` of the plan.
    digest: String,
    plan: Plan,
}

/// The key that signs and checks plan files. Its `Debug` never shows it.
#[derive(Clone, Debug)]
pub struct PlanKey(HmacKey);

impl PlanKey {
    /// The environment variable the key comes from.
    pub const VARIABLE: &'static str = "ASSISTFORM_PLAN_KEY";

    /// The key in `env`, if it is set and not empty.
    pub fn from_env(env: &[(String, String)]) -> Option<PlanKey> {
        HmacKey::from_env(env, Self::VARIABLE).map(PlanKey)
    }
}

/// The digest of `plan`, as its JSON value (whatever the file's spacing).
fn digest(plan: &serde_json::Value, key: Option<&PlanKey>) -> String {
    let bytes = serde_json::to_vec(plan).expect("a JSON value serialises");
    match key {
        Some(key) => format!("{HMAC_SHA256}{}", key.0.tag(&bytes)),
        None => format!("{SHA256}{:x}", Sha256::digest(&bytes)),
    }
}

/// Whether `recorded` is the digest of `plan` under `key`.
fn verify(
    path: &Path,
    plan: &serde_json::Value,
    recorded: &str,
    key: Option<&PlanKey>,
) -> Result<(), PlanFileError> {
    let signed = recorded.starts_with(HMAC_SHA256);
    match key {
        Some(_) if !signed => {
            return Err(PlanFileError::Unsigned {
                path: path.to_path_buf(),
            });
        }
        None if signed => {
            return Err(PlanFileError::NoKey {
                path: path.to_path_buf(),
            });
        }
        _ => {}
    }
    let matches = match (key, recorded.strip_prefix(HMAC_SHA256)) {
        (Some(key), Some(hex)) => key.0.verify(
            &serde_json::to_vec(plan).expect("a JSON value serialises"),
            hex,
        ),
        _ => digest(plan, None) == recorded,
    };
    if matches {
        Ok(())
    } else {
        Err(PlanFileError::Tampered {
            path: path.to_path_buf(),
        })
    }
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
    #[error("plan file `{}` was written by an older assistform (format version {found}), without a digest; run `assistform plan --out` again", path.display())]
    Older { path: PathBuf, found: u64 },
    #[error("plan file `{}` was changed after `assistform plan --out` wrote it: its digest does not match its content, so it is refused. Run `assistform plan --out` again and review that plan", path.display())]
    Tampered { path: PathBuf },
    #[error("plan file `{}` is not signed, but {} is set: only a plan signed with that key is accepted. Run `assistform plan --out` again with the key set", path.display(), PlanKey::VARIABLE)]
    Unsigned { path: PathBuf },
    #[error("plan file `{}` is signed: set {} to the key it was signed with", path.display(), PlanKey::VARIABLE)]
    NoKey { path: PathBuf },
    #[error(transparent)]
    File(#[from] crate::input_file::InputFileError),
}

/// Writes `plan` to `path`, readable only by its owner: it holds prompt content.
/// It carries the plan's digest: an HMAC with `key`, a SHA-256 without.
///
/// # Errors
///
/// [`PlanFileError::Io`] when the file cannot be written.
pub fn save(path: &Path, plan: &Plan, key: Option<&PlanKey>) -> Result<(), PlanFileError> {
    let value = serde_json::to_value(plan).expect("plans serialise");
    let envelope = Envelope {
        kind: KIND.into(),
        format_version: FORMAT_VERSION,
        assistform_version: env!("CARGO_PKG_VERSION").into(),
        digest: digest(&value, key),
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

/// Reads a plan saved by [`save`], checking its digest (an HMAC when `key` is given).
///
/// # Errors
///
/// [`PlanFileError`] when the file is missing, not a plan, from another version of
/// assistform, or edited since it was written (or not signed with `key`).
pub fn load(path: &Path, key: Option<&PlanKey>) -> Result<Plan, PlanFileError> {
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
    if found < u64::from(FORMAT_VERSION) {
        return Err(PlanFileError::Older {
            path: path.to_path_buf(),
            found,
        });
    }
    let recorded = value
        .get("digest")
        .and_then(|d| d.as_str())
        .ok_or_else(|| invalid("it has no digest".into()))?;
    let plan = value
        .get("plan")
        .ok_or_else(|| invalid("it holds no plan".into()))?;
    verify(path, plan, recorded, key)?;
    let envelope: Envelope = serde_json::from_value(value).map_err(|e| invalid(e.to_string()))?;
    Ok(envelope.plan)
}
