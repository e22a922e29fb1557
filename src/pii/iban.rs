//! IBANs: country code, check digits and BBAN, compact or printed in groups
//! of four, in any letter case. Whether a candidate is one is the
//! `iban_validate` crate's call: the country's registered BBAN format (length,
//! letters and digits in their places) and the ISO 7064 mod-97 check.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::boundary::{clean_end, clean_start, each_candidate};
use super::runs::is_space;
use super::{PiiKind, PiiMatch};

/// Deliberately over-long (up to 34 alphanumerics, a space of any kind
/// anywhere): the country's format decides where the IBAN really ends.
static IBAN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"[A-Za-z]{2}[0-9]{2}(?:[ \x{a0}\x{2000}-\x{200a}\x{202f}\x{205f}\x{3000}]?[A-Za-z0-9]){11,30}",
    )
    .expect("IBAN regex")
});

const MIN_LEN: usize = 15;
const MAX_LEN: usize = 34;

/// The print format of an IBAN: country code, check digits, groups of four.
static PRINTED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"[A-Za-z]{2}[0-9]{2}(?:[ \x{a0}\x{2000}-\x{200a}\x{202f}\x{205f}\x{3000}][A-Za-z0-9]{4}){2,7}(?:[ \x{a0}\x{2000}-\x{200a}\x{202f}\x{205f}\x{3000}][A-Za-z0-9]{1,3})?",
    )
    .expect("printed IBAN regex")
});

/// Pushes the IBANs in `text` to `out`, and returns the ranges of what is
/// printed like an IBAN but is none (a wrong check digit): their digit groups
/// are no card or phone either.
pub(super) fn find(text: &str, out: &mut Vec<PiiMatch>) -> Vec<Range<usize>> {
    let found = each_candidate(&IBAN, text, |m| validate(text, m));
    let lookalikes = PRINTED
        .find_iter(text)
        .filter(|m| clean_start(text, m.start()))
        .map(|m| m.range())
        .filter(|r| !found.iter().any(|f| f.start < r.end && r.start < f.end))
        .collect();
    out.extend(found.into_iter().map(|range| PiiMatch {
        kind: PiiKind::Iban,
        range,
    }));
    lookalikes
}

fn validate(text: &str, m: regex::Match<'_>) -> Option<Range<usize>> {
    if !clean_start(text, m.start()) {
        return None;
    }
    // The compact, uppercased characters and, for each, the byte just past it
    // in the text.
    let mut compact = String::with_capacity(MAX_LEN);
    let mut ends = Vec::with_capacity(MAX_LEN);
    for (i, c) in m.as_str().char_indices() {
        if c.is_ascii_alphanumeric() {
            compact.push(c.to_ascii_uppercase());
            ends.push(m.start() + i + 1);
        }
    }
    // The regex may have run on into the next word ("… 7034 from"); the
    // longest prefix that is a valid IBAN is the IBAN, and the rest of the
    // word must then be cut off from it, which clean_end confirms.
    (MIN_LEN..=compact.len().min(MAX_LEN)).rev().find_map(|n| {
        let end = ends[n - 1];
        let range = m.start()..end;
        (is_iban(&compact[..n]) && printed_in_fours(&text[range.clone()]) && clean_end(text, end))
            .then_some(range)
    })
}

fn is_iban(compact: &str) -> bool {
    if compact.parse::<iban::Iban>().is_ok() {
        return true;
    }
    // The French overseas territories issue FR-format IBANs under their own
    // country codes, which the SWIFT registry (and so the crate) lists under FR.
    let territory = matches!(
        compact.get(..2),
        Some("BL" | "GF" | "GP" | "MF" | "MQ" | "NC" | "PF" | "PM" | "RE" | "TF" | "WF" | "YT")
    );
    territory
        && compact.len() == 27
        && compact.parse::<iban::BaseIban>().is_ok()
        && french_bban(&compact.as_bytes()[4..])
}

/// The FR BBAN: bank and branch codes (5 + 5 digits), an account number of 11
/// letters or digits, a 2-digit key.
fn french_bban(bban: &[u8]) -> bool {
    bban.len() == 23
        && bban[..10].iter().all(u8::is_ascii_digit)
        && bban[10..21].iter().all(u8::is_ascii_alphanumeric)
        && bban[21..].iter().all(u8::is_ascii_digit)
}

/// Compact, or in the standard print format: a space after every four characters.
fn printed_in_fours(printed: &str) -> bool {
    if !printed.chars().any(is_space) {
        return true;
    }
    printed
        .chars()
        .enumerate()
        .all(|(i, c)| is_space(c) == (i % 5 == 4))
}
