//! PII detectors for Agent Assist prompt text.
//!
//! Every detector is tuned for precision first: a prompt linter that cries
//! wolf on order ids and dates gets switched off, so each candidate must pass
//! a structural check (ranges, network prefixes, country lengths) and, where
//! the format has one, a checksum (Luhn, mod-97) before it is reported.
//!
//! The module is pure: no I/O, no global state besides lazily compiled regexes.

use std::ops::Range;

mod boundary;
mod card;
mod context;
mod email;
mod iban;
mod masking;
mod phone;
mod regions;
mod runs;
mod ssn;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_intl;

pub use masking::mask;
pub use regions::{PhoneRegions, UnknownRegion};

/// The kinds of PII the scanner recognises.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PiiKind {
    Ssn,
    Card,
    Email,
    Iban,
    Phone,
}

impl PiiKind {
    /// Human noun: "US social security number", "payment card number",
    /// "email address", "IBAN", "phone number"
    pub fn describe(self) -> &'static str {
        match self {
            PiiKind::Ssn => "US social security number",
            PiiKind::Card => "payment card number",
            PiiKind::Email => "email address",
            PiiKind::Iban => "IBAN",
            PiiKind::Phone => "phone number",
        }
    }

    /// [`PiiKind::describe`] with its article: "an IBAN", "a phone number".
    pub fn described(self) -> String {
        let noun = self.describe();
        let an = noun.starts_with(['a', 'e', 'i', 'o', 'I', 'A', 'E', 'O']);
        format!("{} {noun}", if an { "an" } else { "a" })
    }

    /// Overlap precedence, lowest wins. Phone is last because its shapes are
    /// the loosest: a card or SSN that also parses as a phone is a card or SSN.
    /// Email is first because anything inside an address is part of it.
    fn precedence(self) -> u8 {
        match self {
            PiiKind::Email => 0,
            PiiKind::Iban => 1,
            PiiKind::Card => 2,
            PiiKind::Ssn => 3,
            PiiKind::Phone => 4,
        }
    }
}

/// One PII occurrence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PiiMatch {
    pub kind: PiiKind,
    /// Byte range into the scanned text.
    pub range: Range<usize>,
}

impl PiiMatch {
    /// `mask(kind, &text[range])`. Returns the mask of an empty value rather
    /// than panicking if `text` is not the text this match came from.
    pub fn masked(&self, text: &str) -> String {
        mask(self.kind, text.get(self.range.clone()).unwrap_or_default())
    }
}

/// Every PII occurrence in `text`, with North America's national phone formats;
/// see [`scan_for`].
pub fn scan(text: &str, allow: &[String]) -> Vec<PiiMatch> {
    scan_for(text, allow, &PhoneRegions::north_america())
}

/// Every PII occurrence in `text`, sorted by start, non-overlapping (when two
/// detectors overlap the more specific / longer one is kept). National phone
/// formats count for `regions`; `+` numbers for every country. Exact strings in
/// `allow` are not PII: a match whose text equals an allow-list entry, or lies
/// entirely inside an occurrence of one in `text`, is dropped.
pub fn scan_for(text: &str, allow: &[String], regions: &PhoneRegions) -> Vec<PiiMatch> {
    let bytes = text.as_bytes();
    let digits = bytes.iter().filter(|b| b.is_ascii_digit()).count();
    let has_at = bytes.contains(&b'@');
    // Most prompts contain neither; skip every regex pass for them.
    if digits < 2 && !has_at {
        return Vec::new();
    }

    let mut found = Vec::new();
    if has_at {
        email::find(text, &mut found);
    }
    let lookalikes = if digits >= 2 {
        iban::find(text, &mut found)
    } else {
        Vec::new()
    };
    // The shortest numeric PII (a national phone number) has 7 digits.
    if digits >= 7 {
        // An SSN is the shortest value built from digit runs.
        let runs = runs::digit_runs(text, 9);
        card::find(&runs, bytes, &mut found);
        ssn::find(&runs, bytes, &mut found);
        phone::find(text, regions, &mut found);
    }

    if !lookalikes.is_empty() {
        found.retain(|m| {
            matches!(m.kind, PiiKind::Email | PiiKind::Iban)
                || !lookalikes
                    .iter()
                    .any(|l| l.start <= m.range.start && m.range.end <= l.end)
        });
    }
    let mut kept = resolve_overlaps(found);
    // After overlap resolution, so an allowed value also silences the weaker
    // readings of its digits (an allowed card is not reborn as a phone).
    if !kept.is_empty() && allow.iter().any(|a| !a.is_empty()) {
        let spans = allowed_spans(text, allow);
        kept.retain(|m| {
            !spans
                .iter()
                .any(|s| s.start <= m.range.start && m.range.end <= s.end)
        });
    }
    kept
}

/// `text` with every PII occurrence replaced by its masked form (same allow
/// list semantics as [`scan`]).
pub fn mask_text(text: &str, allow: &[String]) -> String {
    mask_text_for(text, allow, &PhoneRegions::north_america())
}

/// [`mask_text`] with the national phone formats of `regions`.
pub fn mask_text_for(text: &str, allow: &[String], regions: &PhoneRegions) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for m in scan_for(text, allow, regions) {
        out.push_str(&text[last..m.range.start]);
        out.push_str(&m.masked(text));
        last = m.range.end;
    }
    out.push_str(&text[last..]);
    out
}

/// Byte ranges of every occurrence (overlapping ones included) of every
/// non-empty allow-list entry. A match equal to an entry is inside one of these.
fn allowed_spans(text: &str, allow: &[String]) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    for entry in allow.iter().filter(|a| !a.is_empty()) {
        let mut from = 0;
        while let Some(pos) = text[from..].find(entry.as_str()) {
            let start = from + pos;
            spans.push(start..start + entry.len());
            // Step one char, not one entry, so overlapping occurrences count.
            from = start + text[start..].chars().next().map_or(1, char::len_utf8);
        }
    }
    spans
}

/// Keeps, among overlapping candidates, the one of highest precedence (then
/// the longest, then the earliest), and returns the survivors sorted by start.
fn resolve_overlaps(mut found: Vec<PiiMatch>) -> Vec<PiiMatch> {
    found.sort_by_key(|m| {
        (
            m.kind.precedence(),
            std::cmp::Reverse(m.range.len()),
            m.range.start,
        )
    });
    let mut kept: Vec<PiiMatch> = Vec::with_capacity(found.len());
    for m in found {
        let overlaps = kept
            .iter()
            .any(|k| m.range.start < k.range.end && k.range.start < m.range.end);
        if !overlaps {
            kept.push(m);
        }
    }
    kept.sort_by_key(|m| m.range.start);
    kept
}
