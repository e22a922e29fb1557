//! The audit record: `<state-dir>/audit.jsonl`, append-only and hash-chained.
//!
//! One JSON object per line. Each line's `prev` is the SHA-256 of the previous line's
//! bytes, so editing or deleting a line breaks the chain at the line after it. A line
//! is written whole (one write, then fsync); a crash can still leave the last line
//! torn, and the next [`AuditLog::open`] seals it with a [`Event::Sealed`] record so
//! that [`verify`] reports a crash rather than tampering.
//!
//! With `ASSISTFORM_AUDIT_KEY` set ([`AuditKey`]), `prev` is an HMAC of the previous
//! line instead (the record is then marked `keyed`): nobody without the key can
//! re-chain an edited line. Every state write records the record's head — its last
//! seq and that line's hash ([`crate::state::AuditAnchor`]) — so that removing lines
//! from the end, or truncating the file, is caught too.
//!
//! Nothing secret and no raw PII goes in: changes are recorded by the digests of
//! their payloads ([`sha256_hex`]), and free text is masked on the way in.

mod log;
mod recovery;
mod redact;
mod run;
mod verify;

#[cfg(test)]
mod tests;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::hmac_key::HmacKey;

pub use log::{AuditLog, AuditStore};
pub use recovery::owed;
pub use run::ShortRun;
pub use verify::{Broken, Verification, read, read_lines, verify, verify_lines};

pub const AUDIT_FILE: &str = "audit.jsonl";

/// The `prev` of the first line: there is no previous line to hash.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One line of the audit record.
///
/// The line's own hash is not stored: the next line's `prev` is the chain.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// 1 for the first line, up by one per line.
    pub seq: u64,
    /// RFC 3339, UTC, milliseconds.
    pub time: String,
    pub run_id: String,
    /// The hex SHA-256 of the previous line's bytes (without its newline), or its
    /// HMAC when `keyed`; [`GENESIS`] for the first line.
    pub prev: String,
    /// `prev` is an HMAC with the audit key.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub keyed: bool,
    #[serde(flatten)]
    pub event: Event,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    RunStarted {
        command: String,
        actor: Actor,
        plan_digest: Option<String>,
    },
    RunFinished {
        command: String,
        /// `success`, `failed`, `rolled_back`, …
        outcome: String,
        totals: Totals,
    },
    /// One change attempted (or undone) on one object. `prompt_id` is its id,
    /// under the name the first records used, which every record keeps.
    Change {
        address: String,
        prompt_id: String,
        action: String,
        /// Digests of the payloads, never the payloads: content may hold PII.
        before_sha256: Option<String>,
        after_sha256: Option<String>,
        http_status: Option<u16>,
        attempts: u32,
        latency_ms: u64,
        outcome: String,
        /// Genesys' `contextId` for the request, to find it in their logs.
        context_id: Option<String>,
        /// Masked on the way in.
        detail: Option<String>,
        /// The run it belonged to, when a later run recorded it on recovery: that
        /// run was cut off before it could.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        recovered_from: Option<String>,
    },
    /// A command that edits the state by hand (`state rm`, `state mv`, …).
    StateEdit {
        command: String,
        addresses: Vec<String>,
    },
    /// Written by [`AuditLog::open`] when the last line was torn by a crash.
    Sealed { torn_bytes: u64, note: String },
    /// A sync hook that ran after a change.
    Hook {
        address: String,
        hook: String,
        outcome: String,
        /// Masked on the way in.
        detail: Option<String>,
    },
}

impl Event {
    /// The event's name as stored in the `event` field.
    pub fn name(&self) -> &'static str {
        match self {
            Event::RunStarted { .. } => "run_started",
            Event::RunFinished { .. } => "run_finished",
            Event::Change { .. } => "change",
            Event::StateEdit { .. } => "state_edit",
            Event::Sealed { .. } => "sealed",
            Event::Hook { .. } => "hook",
        }
    }

    /// Whether the event is about the object at `address`.
    pub fn concerns(&self, address: &str) -> bool {
        match self {
            Event::Change { address: a, .. } | Event::Hook { address: a, .. } => a == address,
            Event::StateEdit { addresses, .. } => addresses.iter().any(|a| a == address),
            _ => false,
        }
    }
}

/// Who ran the command.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Actor {
    /// The OAuth client the run authenticated as.
    pub client_id: Option<String>,
    /// The CI actor (`github:octocat`) when in CI, else the OS user.
    pub user: String,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub changed: u64,
    pub failed: u64,
    pub skipped: u64,
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuditError {
    #[error("cannot {action} `{}`: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    /// A database backend could not do its part; `place` never holds a password.
    #[error("cannot {action} the audit record in {place}: {message}")]
    Database {
        action: &'static str,
        place: String,
        message: String,
    },
    #[error("there is no audit record at `{}`", path.display())]
    Missing { path: PathBuf },
    #[error("`{}` line {line} is not an audit record ({message}); run `assistform audit verify`", path.display())]
    Corrupt {
        path: PathBuf,
        line: u64,
        message: String,
    },
    #[error("`{}` is being written by another process", path.display())]
    Busy { path: PathBuf },
    /// A write failed part-way, so the file may end in a torn line this process must
    /// not write after; the next run seals it.
    #[error("an earlier write to `{}` failed; no more records are written by this run", path.display())]
    Poisoned { path: PathBuf },
    /// The last record's `seq` is the largest there is: the chain cannot go on
    /// without wrapping, which `audit verify` would rightly call broken.
    #[error("`{}` ends at seq {seq}, the largest there is; no record can follow it. Move it aside (keep it: it is the record) to start a new one", path.display())]
    SeqExhausted { path: PathBuf, seq: u64 },
}

/// The key of an HMAC-chained audit record. Its `Debug` never shows it.
#[derive(Clone, Debug)]
pub struct AuditKey(HmacKey);

impl AuditKey {
    /// The environment variable the key comes from.
    pub const VARIABLE: &'static str = "ASSISTFORM_AUDIT_KEY";

    /// The key in `env`, if it is set and not empty.
    pub fn from_env(env: &[(String, String)]) -> Option<AuditKey> {
        HmacKey::from_env(env, Self::VARIABLE).map(AuditKey)
    }
}

/// What the next line's `prev` holds for `line`: its HMAC with `key`, else its
/// SHA-256.
pub(crate) fn link(line: &[u8], key: Option<&AuditKey>) -> String {
    match key {
        Some(key) => key.0.tag(line),
        None => sha256_hex(line),
    }
}

/// The lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    Sha256::digest(bytes)
        .iter()
        .fold(String::with_capacity(64), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// CI systems' variables naming who started the build, with the prefix that says
/// which CI it was. Checked in order; the first present wins.
const CI_ACTORS: &[(&str, &str)] = &[
    ("GITHUB_ACTOR", "github"),
    ("GITLAB_USER_LOGIN", "gitlab"),
    ("BUILD_REQUESTEDFOR", "azure"),
    ("BITBUCKET_STEP_TRIGGERER_UUID", "bitbucket"),
    ("CIRCLE_USERNAME", "circleci"),
    ("BUILDKITE_BUILD_CREATOR", "buildkite"),
    ("BUILD_USER_ID", "jenkins"),
];

/// Who is running: the OAuth client id, and the CI actor when `env` (the process
/// environment) names one, else the OS user.
pub fn actor(client_id: Option<&str>, env: &[(String, String)]) -> Actor {
    let var = |name: &str| {
        env.iter()
            .find(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.trim())
    };
    let user = CI_ACTORS
        .iter()
        .find_map(|(name, ci)| var(name).map(|v| format!("{ci}:{v}")))
        .or_else(|| {
            ["USER", "USERNAME", "LOGNAME"]
                .iter()
                .find_map(|name| var(name).map(str::to_owned))
        })
        .unwrap_or_else(|| "unknown".to_owned());
    Actor {
        client_id: client_id.map(str::to_owned),
        user,
    }
}
