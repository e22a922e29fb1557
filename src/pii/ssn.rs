//! US social security numbers: `AAA-GG-SSSS` (or spaces, dots) in the ranges
//! the SSA actually issues, and nine bare digits when words beside them say they
//! are one.

use std::ops::Range;

use super::context::{SSN_WORDS, named};
use super::runs::{Run, Sep};
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
            let standalone = if sep == Sep::Space {
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
            && named(bytes, digits.clone(), SSN_WORDS)
        {
            out.push(PiiMatch {
                kind: PiiKind::Ssn,
                range: digits.clone(),
            });
        }
    }
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
