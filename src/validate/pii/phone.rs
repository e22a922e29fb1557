//! Phone numbers: international `+CC …` (E.164, 8-15 digits) and North
//! American numbers written with separators.

use std::sync::LazyLock;

use regex::Regex;

use super::boundary::{clean_end, clean_start, each_candidate};
use super::{PiiKind, PiiMatch};

/// NANP: optional `+1`/`1-` trunk, area code and exchange starting 2-9.
/// Separators are required: a bare 10-digit run is as likely an order id.
static NANP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:\+1[ .\-]?|1[ .\-])?(?:\([2-9][0-9]{2}\)[ .\-]?|[2-9][0-9]{2}[ .\-])[2-9][0-9]{2}[ .\-][0-9]{4}",
    )
    .expect("NANP phone regex")
});

/// International: `+`, then digits with optional single separators and
/// parenthesised groups such as a trunk `(0)`.
static INTL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\+[1-9](?:[ .\-]?[0-9]|[ .\-]?\([0-9]{1,4}\))*")
        .expect("international phone regex")
});

pub(super) fn find(text: &str, out: &mut Vec<PiiMatch>) {
    let nanp = each_candidate(&NANP, text, |m| {
        (clean_start(text, m.start()) && clean_end(text, m.end())).then(|| m.range())
    });
    let intl = if text.contains('+') {
        each_candidate(&INTL, text, |m| international(text, m))
    } else {
        Vec::new()
    };
    out.extend(nanp.into_iter().chain(intl).map(|range| PiiMatch {
        kind: PiiKind::Phone,
        range,
    }));
}

/// The regex is greedy, so `+44 20 7946 0958 24/7` matches one group too
/// many; retry without the last space-separated group. Only one: dropping
/// more would find a "phone" at the start of any long spaced number.
fn international(text: &str, m: regex::Match<'_>) -> Option<std::ops::Range<usize>> {
    if !clean_start(text, m.start()) {
        return None;
    }
    let last_space = m.as_str().rfind(' ').map(|i| m.start() + i);
    std::iter::once(m.end())
        .chain(last_space)
        .find(|&end| clean_end(text, end) && plausible_e164(&text[m.start()..end]))
        .map(|end| m.start()..end)
}

fn plausible_e164(number: &str) -> bool {
    let digits: Vec<u8> = number
        .bytes()
        .filter(u8::is_ascii_digit)
        .map(|d| d - b'0')
        .collect();
    if !(8..=15).contains(&digits.len()) {
        return false;
    }
    // Country code 1 is the NANP: hold it to the same rules as NANP numbers.
    if digits[0] == 1 {
        return digits.len() == 11 && digits[1] >= 2 && digits[4] >= 2;
    }
    true
}
