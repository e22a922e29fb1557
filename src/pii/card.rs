//! Payment card numbers (PAN): card-like grouping, a known network prefix
//! whose length fits the network, and a valid Luhn check digit.

use std::ops::{Range, RangeInclusive};

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

/// Printed cards are contiguous or start with a group of at least four digits
/// followed by groups of at least three (4-4-4-4, Amex 4-6-5, Diners 4-6-4,
/// 8-8 as some forms print them); a short final group covers 13-digit Visa
/// (4-4-4-1) and 19-digit cards (4-4-4-4-3). This keeps ISBNs such as
/// `978-3-16-148410-0` out.
fn card_shaped(groups: &[Range<usize>]) -> bool {
    match groups {
        [_] => true,
        [first, middle @ .., _last] => first.len() >= 4 && middle.iter().all(|g| g.len() >= 3),
        [] => false,
    }
}

/// One issuer identification range: numbers whose first `digits` digits fall in
/// `prefixes`, issued in the `lengths` listed.
struct IinRange {
    network: &'static str,
    digits: usize,
    prefixes: RangeInclusive<u32>,
    lengths: RangeInclusive<usize>,
}

const fn iin(
    network: &'static str,
    digits: usize,
    prefixes: RangeInclusive<u32>,
    lengths: RangeInclusive<usize>,
) -> IinRange {
    IinRange {
        network,
        digits,
        prefixes,
        lengths,
    }
}

/// The IIN ranges and lengths of the card networks, from the networks' published
/// ranges (ISO/IEC 7812 registrations). Lengths below 13 (some Maestro) are left
/// out: twelve digits with a valid Luhn digit are too often something else.
/// UATP (prefix 1, 15 digits) and GPN's share of 60-63 are left out for the
/// same reason.
const IIN_RANGES: &[IinRange] = &[
    iin("Visa", 1, 4..=4, 13..=13),
    iin("Visa", 1, 4..=4, 16..=16),
    iin("Visa", 1, 4..=4, 19..=19),
    iin("Mastercard", 2, 51..=55, 16..=16),
    iin("Mastercard", 4, 2221..=2720, 16..=16),
    iin("American Express", 2, 34..=34, 15..=15),
    iin("American Express", 2, 37..=37, 15..=15),
    iin("Discover", 4, 6011..=6011, 16..=19),
    iin("Discover", 3, 644..=649, 16..=19),
    iin("Discover", 2, 65..=65, 16..=19),
    iin("Diners Club", 3, 300..=305, 14..=19),
    iin("Diners Club", 2, 36..=36, 14..=19),
    iin("Diners Club", 2, 38..=39, 14..=19),
    iin("JCB", 4, 3528..=3589, 16..=19),
    iin("UnionPay", 2, 62..=62, 16..=19),
    iin("UnionPay", 2, 81..=81, 16..=19),
    iin("Maestro", 2, 50..=50, 13..=19),
    iin("Maestro", 2, 56..=58, 13..=19),
    iin("Maestro", 2, 63..=63, 13..=19),
    iin("Maestro", 2, 67..=67, 13..=19),
    iin("Mir", 4, 2200..=2204, 16..=19),
    iin("Borica", 4, 2205..=2205, 16..=16),
    iin("RuPay", 2, 60..=60, 16..=16),
    iin("RuPay", 2, 82..=82, 16..=16),
    iin("RuPay", 3, 508..=508, 16..=16),
    iin("RuPay", 3, 353..=353, 16..=16),
    iin("RuPay", 3, 356..=356, 16..=16),
    iin("Troy", 4, 9792..=9792, 16..=16),
    iin("Verve", 6, 506_099..=506_198, 16..=19),
    iin("Verve", 6, 650_002..=650_027, 16..=19),
    iin("Verve", 6, 507_865..=507_964, 16..=19),
    iin("Humo", 4, 9860..=9860, 16..=16),
    iin("UzCard", 4, 8600..=8600, 16..=16),
    iin("LankaPay", 6, 357_111..=357_111, 16..=16),
];

/// The name of the network that issues numbers like `d`, if any.
fn network(d: &[u8]) -> Option<&'static str> {
    let prefix = |k: usize| {
        d.get(..k)
            .map(|p| p.iter().fold(0u32, |acc, &x| acc * 10 + u32::from(x)))
    };
    IIN_RANGES
        .iter()
        .find(|r| {
            r.lengths.contains(&d.len())
                && prefix(r.digits).is_some_and(|p| r.prefixes.contains(&p))
        })
        .map(|r| r.network)
}

fn network_accepts(d: &[u8]) -> bool {
    network(d).is_some()
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
