//! Reading the audit record back: [`verify`] walks the chain, [`read`] lists it.

use std::fs;
use std::path::Path;

use super::{AUDIT_FILE, AuditError, Event, GENESIS, Record, sha256_hex};

/// What [`verify`] found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Verification {
    /// Lines in the file, torn ones included.
    pub lines: u64,
    /// Whole records checked before the end or the first broken line.
    pub records: u64,
    /// Line numbers (1-based) of the [`Event::Sealed`] records: each marks a crash
    /// that tore the line above it, not tampering.
    pub crashes: Vec<u64>,
    /// The last line when a crash tore it and no run has sealed it yet (the next
    /// run will).
    pub torn_tail: Option<u64>,
    /// The first line where the chain breaks.
    pub broken: Option<Broken>,
}

impl Verification {
    pub fn is_intact(&self) -> bool {
        self.broken.is_none()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Broken {
    /// 1-based.
    pub line: u64,
    pub reason: String,
}

/// Walks the chain in `state_dir`'s audit record and reports the first broken line:
/// one that is not a record (and not a torn line a crash left), a seq out of
/// order (a line deleted or inserted), or a `prev` that is not the hash of the line
/// before it (that line altered).
///
/// An altered last line cannot be told: no line after it carries its hash.
///
/// # Errors
///
/// [`AuditError::Missing`] when there is no record; [`AuditError::Io`] when it
/// cannot be read.
pub fn verify(state_dir: &Path) -> Result<Verification, AuditError> {
    let bytes = load(state_dir)?;
    let lines = split(&bytes);
    let mut found = Verification {
        lines: lines.len() as u64,
        ..Verification::default()
    };
    let mut expected_seq = 1;
    let mut prev = GENESIS.to_owned();
    // The line `prev` hashes, and the torn line just skipped, if any.
    let mut prev_line = None;
    let mut torn = None;
    for (i, line) in lines.iter().enumerate() {
        let number = i as u64 + 1;
        let broken = |reason: String| {
            Some(Broken {
                line: number,
                reason,
            })
        };
        let record = match parse(line) {
            Ok(record) => record,
            Err(_) if i + 1 == lines.len() => {
                found.torn_tail = Some(number);
                break;
            }
            Err(_) if torn.is_none() && sealed_next(&lines, i) => {
                torn = Some(line.len() as u64);
                continue;
            }
            Err(e) => {
                found.broken = broken(format!("not an audit record ({e})"));
                break;
            }
        };
        if record.seq != expected_seq {
            found.broken = broken(seq_reason(expected_seq, record.seq));
            break;
        }
        if record.prev != prev {
            found.broken = broken(match prev_line {
                Some(p) => format!(
                    "`prev` is not the hash of line {p}: line {p} was altered (or this line's `prev` was)"
                ),
                None => "`prev` of the first record is not the genesis value".to_owned(),
            });
            break;
        }
        match (&record.event, torn.take()) {
            (Event::Sealed { torn_bytes, .. }, Some(len)) if *torn_bytes == len => {
                found.crashes.push(number);
            }
            (Event::Sealed { .. }, _) => {
                found.broken = broken("seals a torn line, but the line above is whole".to_owned());
                break;
            }
            _ => {}
        }
        found.records += 1;
        expected_seq += 1;
        prev = sha256_hex(line);
        prev_line = Some(number);
    }
    Ok(found)
}

fn seq_reason(expected: u64, found: u64) -> String {
    if found > expected {
        let missing = found - expected;
        let s = if missing == 1 { "" } else { "s" };
        format!(
            "seq jumps from {} to {found}: {missing} line{s} missing before this one",
            expected - 1
        )
    } else {
        format!(
            "seq {found} repeats or goes back (expected {expected}): a line was inserted or reordered"
        )
    }
}

/// Every whole record in `state_dir`'s audit record, in order, skipping torn lines;
/// the chain is not checked (that is [`verify`]'s job).
///
/// # Errors
///
/// [`AuditError::Missing`] when there is no record; [`AuditError::Corrupt`] for a
/// line that is neither a record nor a torn one; [`AuditError::Io`].
pub fn read(state_dir: &Path) -> Result<Vec<Record>, AuditError> {
    let bytes = load(state_dir)?;
    let lines = split(&bytes);
    let mut records = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        match parse(line) {
            Ok(record) => records.push(record),
            Err(_) if i + 1 == lines.len() || sealed_next(&lines, i) => {}
            Err(e) => {
                return Err(AuditError::Corrupt {
                    path: state_dir.join(AUDIT_FILE),
                    line: i as u64 + 1,
                    message: e.to_string(),
                });
            }
        }
    }
    Ok(records)
}

fn load(state_dir: &Path) -> Result<Vec<u8>, AuditError> {
    let path = state_dir.join(AUDIT_FILE);
    fs::read(&path).map_err(|source| {
        if source.kind() == std::io::ErrorKind::NotFound {
            AuditError::Missing { path }
        } else {
            AuditError::Io {
                action: "read",
                path,
                source,
            }
        }
    })
}

/// The file's lines, without their newlines; a last line may lack one.
fn split(bytes: &[u8]) -> Vec<&[u8]> {
    if bytes.is_empty() {
        return Vec::new();
    }
    let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    body.split(|&b| b == b'\n').collect()
}

fn parse(line: &[u8]) -> Result<Record, serde_json::Error> {
    serde_json::from_slice(line)
}

/// Whether line `i` is a torn one that the next line seals: the seal names its length.
fn sealed_next(lines: &[&[u8]], i: usize) -> bool {
    let Some(next) = lines.get(i + 1) else {
        return false;
    };
    matches!(
        parse(next),
        Ok(Record { event: Event::Sealed { torn_bytes, .. }, .. }) if torn_bytes == lines[i].len() as u64
    )
}
