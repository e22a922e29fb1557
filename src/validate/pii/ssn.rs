//! US social security numbers: `AAA-GG-SSSS` (or single spaces) in the ranges
//! the SSA actually issues.

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
    }
}

/// Area 000, 666 and 900-999, group 00 and serial 0000 are never issued.
fn issuable(area: u32, group: u32, serial: u32) -> bool {
    area != 0 && area != 666 && area < 900 && group != 0 && serial != 0
}
