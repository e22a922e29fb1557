//! Reading the audit record back: [`verify`] walks the chain, [`read`] lists it.

use crate::paint::plural;
use std::fs;
use std::path::Path;

use super::{AUDIT_FILE, AuditError, AuditKey, Event, GENESIS, Record, link};
use crate::state::AuditAnchor;

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
    /// The seq the state anchored, when it anchors one and the record reaches it.
    pub anchored: Option<u64>,
    /// Whether the chain was checked with the audit key (its last record is keyed).
    pub keyed: bool,
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
/// before it (that line altered). Then checks the record reaches `anchor`, the head
/// the state recorded at its last write: lines removed from the end, or a truncated
/// file, fall short of it; an altered anchored line no longer hashes to it.
///
/// With `key`, the HMAC links are checked too, and the record must end keyed: an
/// edited line cannot be re-chained without the key. Without a key, a keyed record
/// cannot be checked and is reported so.
///
/// What cannot be told: lines written after the state's last write (a run that
/// stopped before writing the state), and — without a key — a record re-chained
/// and re-anchored by someone who rewrote the state file to match.
///
/// # Errors
///
/// [`AuditError::Missing`] when there is no record; [`AuditError::Io`] when it
/// cannot be read.
pub fn verify(
    state_dir: &Path,
    key: Option<&AuditKey>,
    anchor: Option<&AuditAnchor>,
) -> Result<Verification, AuditError> {
    let bytes = load(state_dir)?;
    Ok(verify_lines(&split(&bytes), key, anchor))
}

/// [`verify`] of a record's `lines`, without their newlines.
pub fn verify_lines(
    lines: &[&[u8]],
    key: Option<&AuditKey>,
    anchor: Option<&AuditAnchor>,
) -> Verification {
    let mut found = Verification {
        lines: lines.len() as u64,
        ..Verification::default()
    };
    let mut expected_seq: u64 = 1;
    // The line `prev` hashes, its number, and the torn line just skipped, if any.
    let mut prev_line: Option<(&[u8], u64)> = None;
    let mut torn = None;
    let mut keyed_at: Option<u64> = None;
    let mut last_keyed = false;
    let mut anchored_line: Option<(&[u8], u64)> = None;
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
            Err(_) if torn.is_none() && sealed_next(lines, i) => {
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
        if record.keyed && key.is_none() {
            found.broken = broken(format!(
                "this record and those after it are HMAC-chained: set {} to verify them",
                AuditKey::VARIABLE
            ));
            break;
        }
        if let (Some(at), false, Some(_)) = (keyed_at, record.keyed, key) {
            found.broken = broken(format!(
                "this record is not keyed although line {at} before it is: the record was rewritten without the key"
            ));
            break;
        }
        let expected_prev = match prev_line {
            Some((line, _)) => link(line, key.filter(|_| record.keyed)),
            None => GENESIS.to_owned(),
        };
        if record.prev != expected_prev {
            found.broken = broken(match prev_line {
                Some((_, p)) => format!(
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
        if record.keyed && keyed_at.is_none() {
            keyed_at = Some(number);
        }
        last_keyed = record.keyed;
        if anchor.is_some_and(|a| a.seq == record.seq) {
            anchored_line = Some((line, number));
        }
        found.records += 1;
        expected_seq += 1;
        prev_line = Some((line, number));
    }
    if found.broken.is_some() {
        return found;
    }
    if let Some(line) = prev_line
        .map(|(_, n)| n)
        .filter(|_| key.is_some() && !last_keyed)
    {
        found.broken = Some(Broken {
            line,
            reason: format!(
                "{} is set, but the last record is not keyed: no run has written the record with the key yet, or it was rewritten without it",
                AuditKey::VARIABLE
            ),
        });
        return found;
    }
    found.keyed = key.is_some() && last_keyed;
    if let Some(anchor) = anchor.filter(|a| a.seq > 0) {
        found.broken = check_anchor(anchor, anchored_line, &found, key);
        if found.broken.is_none() {
            found.anchored = Some(anchor.seq);
        }
    }
    found
}

/// Whether the record reaches the state's anchor, and the anchored line is the one
/// the state saw.
fn check_anchor(
    anchor: &AuditAnchor,
    line: Option<(&[u8], u64)>,
    found: &Verification,
    key: Option<&AuditKey>,
) -> Option<Broken> {
    let Some((line, number)) = line else {
        let last = found.records;
        let missing = anchor.seq.saturating_sub(last);
        let removed = plural(missing, "record");
        return Some(Broken {
            line: found.lines.saturating_add(1),
            reason: format!(
                "the record ends at seq {last}, but the state's last write anchored seq {}: {removed} removed from its end, or the file was truncated",
                anchor.seq
            ),
        });
    };
    if anchor.keyed && key.is_none() {
        return Some(Broken {
            line: number,
            reason: format!(
                "the state anchors this line with an HMAC: set {} to verify it",
                AuditKey::VARIABLE
            ),
        });
    }
    (link(line, key.filter(|_| anchor.keyed)) != anchor.hash).then(|| Broken {
        line: number,
        reason: format!(
            "this is not the line of seq {} that the state's last write anchored: it was altered or replaced",
            anchor.seq
        ),
    })
}

fn seq_reason(expected: u64, found: u64) -> String {
    if found > expected {
        let missing = found - expected;
        format!(
            "seq jumps from {} to {found}: {} missing before this one",
            expected - 1,
            plural(missing, "line")
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
    read_lines(&split(&bytes), &state_dir.join(AUDIT_FILE))
}

/// [`read`] of a record's `lines`, without their newlines; `path` names the record in
/// errors.
///
/// # Errors
///
/// [`AuditError::Corrupt`] for a line that is neither a record nor a torn one.
pub fn read_lines(lines: &[&[u8]], path: &Path) -> Result<Vec<Record>, AuditError> {
    let mut records = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        match parse(line) {
            Ok(record) => records.push(record),
            Err(_) if i + 1 == lines.len() || sealed_next(lines, i) => {}
            Err(e) => {
                return Err(AuditError::Corrupt {
                    path: path.to_path_buf(),
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
