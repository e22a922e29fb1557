//! Payment card numbers (PAN): card-like grouping, a known network prefix
//! whose length fits the network, and a valid Luhn check digit.

use std::ops::Range;

use super::runs::{Run, digits_of};
use super::{PiiKind, PiiMatch};

const MIN_LEN: usize = 13;
const MAX_LEN: usize = 19;

pub(super) fn find(runs: &[Run], bytes: &[u8], out: &mut Vec<PiiMatch>) {
    for run in runs {
        let n = run.groups.len();
        // digits_before[k]: digits in groups[..k], to size spans in O(1).
        let digits_before: Vec<usize> = std::iter::once(0)
            .chain(run.groups.iter().scan(0, |acc, g| {
                *acc += g.len();
                Some(*acc)
            }))
            .collect();
        let mut i = 0;
        // Left to right, longest span first, so the whole run wins when it is
        // a card and a card followed by e.g. a CVV is still found.
        'start: while i < n {
            // Longest span starting at group i that still fits in MAX_LEN.
            let last = digits_before.partition_point(|&d| d <= digits_before[i] + MAX_LEN) - 1;
            for j in (i + 1..=last).rev() {
                if digits_before[j] - digits_before[i] < MIN_LEN {
                    break;
                }
                if run.span_is_token(i, j) && is_card(bytes, &run.groups[i..j]) {
                    out.push(PiiMatch {
                        kind: PiiKind::Card,
                        range: run.span(i, j),
                    });
                    i = j;
                    continue 'start;
                }
            }
            i += 1;
        }
    }
}

fn is_card(bytes: &[u8], groups: &[Range<usize>]) -> bool {
    let len: usize = groups.iter().map(|g| g.len()).sum();
    if !(MIN_LEN..=MAX_LEN).contains(&len) || !card_shaped(groups) {
        return false;
    }
    let mut buf = [0u8; MAX_LEN];
    match digits_of(bytes, groups, &mut buf) {
        Some(digits) => network_accepts(digits) && luhn_valid(digits),
        None => false,
    }
}

/// Printed cards are either contiguous or start with a 4-digit group followed
/// by groups of 3-6 (4-4-4-4, Amex 4-6-5, Diners 4-6-4, 4-4-4-4-3); a short
/// final group covers 13-digit Visa (4-4-4-1). This keeps ISBNs such as
/// `978-3-16-148410-0` and phone-like 3-3-4 groupings out.
fn card_shaped(groups: &[Range<usize>]) -> bool {
    match groups {
        [_] => true,
        [first, middle @ .., last] => {
            first.len() == 4
                && middle.iter().all(|g| (3..=6).contains(&g.len()))
                && (1..=6).contains(&last.len())
        }
        [] => false,
    }
}

/// IIN ranges of the major networks and the lengths each issues.
fn network_accepts(d: &[u8]) -> bool {
    let prefix = |k: usize| d[..k].iter().fold(0u32, |acc, &x| acc * 10 + u32::from(x));
    let len = d.len();
    let (p1, p2, p3, p4) = (prefix(1), prefix(2), prefix(3), prefix(4));
    if p1 == 4 {
        // Visa
        matches!(len, 13 | 16 | 19)
    } else if (51..=55).contains(&p2) || (2221..=2720).contains(&p4) {
        // Mastercard
        len == 16
    } else if p2 == 34 || p2 == 37 {
        // American Express
        len == 15
    } else if p4 == 6011 || (644..=649).contains(&p3) || p2 == 65 {
        // Discover
        (16..=19).contains(&len)
    } else if (300..=305).contains(&p3) || matches!(p2, 36 | 38 | 39) {
        // Diners Club
        (14..=19).contains(&len)
    } else if (3528..=3589).contains(&p4) {
        // JCB
        (16..=19).contains(&len)
    } else if p2 == 62 {
        // UnionPay
        (16..=19).contains(&len)
    } else {
        // Maestro (issues 12-19; 12 is below MIN_LEN and would flag too
        // many ordinary numbers)
        matches!(p2, 50 | 56 | 57 | 58 | 63 | 67)
    }
}

fn luhn_valid(d: &[u8]) -> bool {
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &x)| {
            let x = u32::from(x);
            if i % 2 == 1 {
                let doubled = x * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                x
            }
        })
        .sum();
    sum.is_multiple_of(10)
}
