//! IBANs: country code, check digits and BBAN, compact or printed in groups
//! of four; the length must be the registered one for the country and the
//! ISO 7064 mod-97 check must hold.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::boundary::{clean_end, clean_start, each_candidate};
use super::{PiiKind, PiiMatch};

/// Deliberately over-long (up to 34 alphanumerics, spaces anywhere): the
/// country's length decides where the IBAN really ends, see `validate`.
static IBAN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[A-Z]{2}[0-9]{2}(?: ?[A-Za-z0-9]){11,30}").expect("IBAN regex"));

pub(super) fn find(text: &str, out: &mut Vec<PiiMatch>) {
    let found = each_candidate(&IBAN, text, |m| validate(text, m));
    out.extend(found.into_iter().map(|range| PiiMatch {
        kind: PiiKind::Iban,
        range,
    }));
}

fn validate(text: &str, m: regex::Match<'_>) -> Option<Range<usize>> {
    if !clean_start(text, m.start()) {
        return None;
    }
    let s = m.as_str().as_bytes();
    let want = registered_length([s[0], s[1]])?;

    // Cut the match after the country's number of characters. The regex
    // may have run on into the next word ("… 7034 from"); that word is
    // then simply not part of the IBAN, which clean_end confirms.
    let mut compact = [0u8; 34];
    let mut n = 0;
    let mut end = None;
    for (i, &c) in s.iter().enumerate() {
        if c == b' ' {
            continue;
        }
        compact[n] = c.to_ascii_uppercase();
        n += 1;
        if n == want {
            end = Some(i + 1);
            break;
        }
    }
    let end = end?;
    let printed = &s[..end];
    // Spaces, if any, must be the standard print format: one every 4 chars.
    if printed.contains(&b' ')
        && !printed
            .iter()
            .enumerate()
            .all(|(i, &c)| (c == b' ') == (i % 5 == 4))
    {
        return None;
    }
    let range = m.start()..m.start() + end;
    (clean_end(text, range.end) && mod97(&compact[..want]) == 1).then_some(range)
}

/// ISO 13616: move the first four characters to the end, read letters as
/// 10-35, and take the whole number mod 97 (digit by digit, to stay in u32).
fn mod97(iban: &[u8]) -> u32 {
    iban[4..].iter().chain(&iban[..4]).fold(0, |r, &c| {
        if c.is_ascii_digit() {
            (r * 10 + u32::from(c - b'0')) % 97
        } else {
            (r * 100 + u32::from(c - b'A') + 10) % 97
        }
    })
}

/// IBAN length per country, from the SWIFT IBAN registry (plus the French
/// overseas territories, which issue FR-format IBANs under their own codes).
fn registered_length(country: [u8; 2]) -> Option<usize> {
    let len = match &country {
        b"NO" => 15,
        b"BE" => 16,
        b"DK" | b"FI" | b"FK" | b"FO" | b"GL" | b"NL" | b"SD" => 18,
        b"MK" | b"SI" => 19,
        b"AT" | b"BA" | b"EE" | b"KZ" | b"LT" | b"LU" | b"MN" | b"XK" => 20,
        b"CH" | b"HR" | b"LI" | b"LV" => 21,
        b"BG" | b"BH" | b"CR" | b"DE" | b"GB" | b"GE" | b"IE" | b"ME" | b"RS" | b"VA" => 22,
        b"AE" | b"GI" | b"IL" | b"IQ" | b"OM" | b"SO" | b"TL" => 23,
        b"AD" | b"CZ" | b"ES" | b"MD" | b"PK" | b"RO" | b"SA" | b"SE" | b"SK" | b"TN" | b"VG" => 24,
        b"LY" | b"PT" | b"ST" => 25,
        b"IS" | b"TR" => 26,
        b"BI" | b"DJ" | b"FR" | b"GR" | b"IT" | b"MC" | b"MR" | b"SM" => 27,
        b"BL" | b"GF" | b"GP" | b"MF" | b"MQ" | b"NC" | b"PF" | b"PM" | b"RE" | b"TF" | b"WF"
        | b"YT" => 27,
        b"AL" | b"AZ" | b"BY" | b"CY" | b"DO" | b"GT" | b"HN" | b"HU" | b"LB" | b"NI" | b"PL"
        | b"SV" => 28,
        b"BR" | b"EG" | b"PS" | b"QA" | b"UA" => 29,
        b"JO" | b"KW" | b"MU" | b"YE" => 30,
        b"MT" | b"SC" => 31,
        b"LC" => 32,
        b"RU" => 33,
        _ => return None,
    };
    Some(len)
}
