//! US social security numbers: `AAA-GG-SSSS` (or single spaces) in the ranges
//! the SSA actually issues, and nine bare digits when words beside them say they
//! are one.

use std::ops::Range;

use super::runs::Run;
use super::{PiiKind, PiiMatch};

pub(super) fn find(runs: &[Run], bytes: &[u8], out: &mut Vec<PiiMatch>) {
    for run in runs {
        let n = run.groups.len();
        for i in 0..n.saturating_sub(2) {
            let g = &run.groups[i..i + 3];
            if g[0].len() != 3 || g[1].len() != 2 || g[2].len() != 4 {
                continue;
            }
            let sep = run.seps[i];
            if run.seps[i + 1] != sep {
                continue;
            }
            // `123 45 6789` is only an SSN when nothing else is spaced onto
            // it; a dashed SSN is a token of its own and may sit in a run of
            // space-separated numbers.
            let standalone = if sep == b' ' {
                n == 3 && run.is_whole_clean_token()
            } else {
                run.span_is_token(i, i + 3)
            };
            let value = |k: usize| {
                bytes[g[k].clone()]
                    .iter()
                    .fold(0u32, |acc, &d| acc * 10 + u32::from(d - b'0'))
            };
            if standalone && issuable(value(0), value(1), value(2)) {
                out.push(PiiMatch {
                    kind: PiiKind::Ssn,
                    range: run.span(i, i + 3),
                });
            }
        }
        if let [digits] = run.groups.as_slice()
            && digits.len() == 9
            && run.is_whole_clean_token()
            && issuable_digits(&bytes[digits.clone()])
            && named_an_ssn(bytes, digits.clone())
        {
            out.push(PiiMatch {
                kind: PiiKind::Ssn,
                range: digits.clone(),
            });
        }
    }
}

/// Words that call a number an SSN.
const NAMES: &[&[u8]] = &[
    b"ssn",
    b"social security",
    b"soc sec",
    b"soc. sec",
    b"ss#",
    b"ss #",
];
/// How far from the number such a word may stand, in bytes: further before it
/// ("social security no. 078051120") than after ("078051120 (SSN)").
const BEFORE: usize = 32;
const AFTER: usize = 12;

/// Whether a word on the same line and in the same sentence, near `digits` and with
/// no other number in between, names them an SSN. Nine digits alone are as often an
/// order or account number, and a linter that flags those gets switched off.
fn named_an_ssn(bytes: &[u8], digits: Range<usize>) -> bool {
    // Only as much of the line as a word could stand in: a line may be megabytes long.
    let longest = NAMES.iter().map(|n| n.len()).max().unwrap_or(0);
    let from = digits.start.saturating_sub(BEFORE + longest);
    let to = (digits.end + AFTER + longest).min(bytes.len());
    let line_start = bytes[from..digits.start]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(from, |i| from + i + 1);
    let line_end = bytes[digits.end..to]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(to, |i| digits.end + i);
    let line = bytes[line_start..line_end].to_ascii_lowercase();
    let apart = |gap: &[u8]| gap.iter().any(u8::is_ascii_digit) || ends_a_sentence(gap);
    NAMES.iter().any(|name| {
        line.windows(name.len()).enumerate().any(|(i, w)| {
            let (start, end) = (line_start + i, line_start + i + name.len());
            let near = if end <= digits.start {
                digits.start - end <= BEFORE && !apart(&bytes[end..digits.start])
            } else {
                start >= digits.end
                    && start - digits.end <= AFTER
                    && !apart(&bytes[digits.end..start])
            };
            w == *name
                && near
                && word_starts(bytes, start)
                && (*name != b"ssn" || word_ends(bytes, end))
        })
    })
}

/// A `;`, `!` or `?`, or a full stop before a capital that does not end an
/// abbreviation ("Soc. Sec. No."): "SSN: none. Order 078051120" speaks of two things.
fn ends_a_sentence(gap: &[u8]) -> bool {
    gap.iter().enumerate().any(|(i, &b)| match b {
        b';' | b'!' | b'?' => true,
        b'.' => {
            let word = gap[..i]
                .iter()
                .rev()
                .take_while(|c| c.is_ascii_alphabetic())
                .count();
            let next = gap[i + 1..].iter().find(|c| !c.is_ascii_whitespace());
            word > 3 && next.is_some_and(u8::is_ascii_uppercase)
        }
        _ => false,
    })
}

fn word_starts(bytes: &[u8], at: usize) -> bool {
    at == 0 || !bytes[at - 1].is_ascii_alphanumeric()
}

/// `SSN` and `SSNs`, not `SSNAME`.
fn word_ends(bytes: &[u8], at: usize) -> bool {
    let rest = &bytes[at..];
    let rest = match rest.first() {
        Some(b's' | b'S') => &rest[1..],
        _ => rest,
    };
    !rest.first().is_some_and(u8::is_ascii_alphanumeric)
}

fn issuable_digits(digits: &[u8]) -> bool {
    let value = |r: Range<usize>| {
        digits[r]
            .iter()
            .fold(0u32, |acc, &d| acc * 10 + u32::from(d - b'0'))
    };
    issuable(value(0..3), value(3..5), value(5..9))
}

/// Area 000, 666 and 900-999, group 00 and serial 0000 are never issued.
fn issuable(area: u32, group: u32, serial: u32) -> bool {
    area != 0 && area != 666 && area < 900 && group != 0 && serial != 0
}
