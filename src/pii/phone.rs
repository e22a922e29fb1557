//! Phone numbers. Candidates are digit groups with the separators people type;
//! whether one is a real number is libphonenumber's call (the `phonenumber`
//! crate's metadata): a `+` number must be valid for its country code, a
//! national one for one of the org's [`PhoneRegions`], starting with that
//! country's trunk prefix where it has one. A national number written as one
//! bare digit run is as likely an order id, and counts only when words beside
//! it say it is a phone.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::boundary::{clean_end, clean_start, each_candidate};
use super::context::{PHONE_WORDS, named};
use super::regions::PhoneRegions;
use super::runs::{is_dash, is_space};
use super::{PiiKind, PiiMatch};

/// A `+` or not, then digits and parenthesised groups (`(0)`, `(415)`) joined by
/// nothing or one separator: a space of any kind, a dash (spaced or not), a dot.
static CANDIDATE: LazyLock<Regex> = LazyLock::new(|| {
    let space = r"[ \x{a0}\x{2000}-\x{200a}\x{202f}\x{205f}\x{3000}]";
    let dash = r"[\-\x{2010}-\x{2013}]";
    let unit = r"(?:[0-9]|\([0-9]{1,5}\))";
    Regex::new(&format!(
        r"\+?{unit}(?:(?:{space}?{dash}{space}?|{space}|\.)?{unit})*"
    ))
    .expect("phone regex")
});

/// E.164 allows at most 15 digits; the shortest numbers anywhere have 7 with
/// their trunk prefix or country code.
const MIN_DIGITS: usize = 7;
const MAX_DIGITS: usize = 15;

pub(super) fn find(text: &str, regions: &PhoneRegions, out: &mut Vec<PiiMatch>) {
    let found = each_candidate(&CANDIDATE, text, |m| candidate(text, m, regions));
    out.extend(found.into_iter().map(|range| PiiMatch {
        kind: PiiKind::Phone,
        range,
    }));
}

/// The regex is greedy, so `+44 20 7946 0958 24/7` matches one group too many;
/// retry without the last separated group when the match is glued to what
/// follows. Only then, and only one: dropping more, or dropping a group that
/// stands on its own, would find a "phone" at the start of any long spaced number.
fn candidate(text: &str, m: regex::Match<'_>, regions: &PhoneRegions) -> Option<Range<usize>> {
    if !clean_start(text, m.start()) || continues_a_number(text, m.start()) {
        return None;
    }
    let s = m.as_str();
    let last_sep = s
        .char_indices()
        .rev()
        .skip_while(|(_, c)| c.is_ascii_digit() || *c == ')')
        .find(|(_, c)| !c.is_ascii_digit())
        .map(|(i, _)| {
            // Back over a spaced dash so the shorter candidate ends on a digit.
            let head = &s[..i];
            m.start()
                + head
                    .trim_end_matches(|c: char| is_space(c) || is_dash(c))
                    .len()
        });
    std::iter::once(m.end())
        .chain(last_sep.filter(|&end| end > m.start() && !clean_end(text, m.end())))
        .find(|&end| clean_end(text, end) && is_phone(text, m.start()..end, regions))
        .map(|end| m.start()..end)
}

/// Whether the candidate is the tail of a longer spaced number (`3704 0044
/// 0532 0130 00`, an IBAN with a bad check): a separator with a digit before it.
fn continues_a_number(text: &str, start: usize) -> bool {
    let mut before = text[..start].chars().rev();
    let Some(sep) = before.next() else {
        return false;
    };
    if !(is_space(sep) || is_dash(sep) || sep == '.') {
        return false;
    }
    // A spaced dash (`5323 - 0532…`) sets apart as much as a single separator.
    let mut next = before.next();
    if is_dash(sep) || next.is_some_and(is_dash) {
        next = before.find(|&c| !is_space(c) && !is_dash(c));
    }
    next.is_some_and(|c| c.is_ascii_digit())
}

fn is_phone(text: &str, range: Range<usize>, regions: &PhoneRegions) -> bool {
    let s = &text[range.clone()];
    let Some(shape) = Shape::of(s) else {
        return false;
    };
    if !(MIN_DIGITS..=MAX_DIGITS).contains(&shape.digits.len()) {
        return false;
    }
    if let Some(rest) = s.strip_prefix('+') {
        // `+44 (0)20 …`: the trunk prefix in brackets is not dialled from abroad.
        let dialled: String = rest
            .replace("(0)", "")
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        return valid(None, &format!("+{dialled}"));
    }
    if shape.looks_like_date_or_address() {
        return false;
    }
    let national = regions.ids().iter().any(|&id| {
        let trunk = phonenumber::metadata::DATABASE
            .by_id(id.as_ref())
            .and_then(|meta| meta.national_prefix())
            .unwrap_or_default();
        // Where a country dials a trunk prefix, its national format starts
        // with it (`020 7946 0958`); NANP's `1` is optional.
        let starts_right = trunk.is_empty() || trunk == "1" || shape.digits.starts_with(trunk);
        starts_right && valid(Some(id), &shape.digits)
    });
    national && (!shape.bare || named(text.as_bytes(), range, PHONE_WORDS))
}

fn valid(region: Option<phonenumber::country::Id>, number: &str) -> bool {
    phonenumber::parse(region, number).is_ok_and(|n| phonenumber::is_valid(&n))
}

/// The digits of a candidate and how they are grouped.
struct Shape {
    digits: String,
    /// Digit counts of the groups between separators and brackets.
    groups: Vec<usize>,
    /// Every separator is a dot.
    dots_only: bool,
    /// One run of digits: no separator, bracket or `+`.
    bare: bool,
}

impl Shape {
    fn of(s: &str) -> Option<Shape> {
        let mut digits = String::with_capacity(s.len());
        let mut groups = vec![0usize];
        let (mut seps, mut dots) = (0, 0);
        let mut brackets = false;
        for c in s.chars() {
            if c.is_ascii_digit() {
                digits.push(c);
                *groups.last_mut()? += 1;
                continue;
            }
            if groups.last() != Some(&0) {
                groups.push(0);
            }
            match c {
                '(' | ')' => brackets = true,
                '.' => {
                    seps += 1;
                    dots += 1;
                }
                '+' => {}
                _ => seps += 1,
            }
        }
        groups.retain(|&g| g > 0);
        Some(Shape {
            bare: groups.len() == 1 && !brackets && !s.starts_with('+'),
            dots_only: seps > 0 && seps == dots,
            digits,
            groups,
        })
    }

    /// `15.01.2024`, `2024.01.15` and `192.168.10.12` are written with dots;
    /// a national number written with dots has no single-digit group.
    fn looks_like_date_or_address(&self) -> bool {
        if !self.dots_only {
            // A lone digit inside (`978-3-16-148410-0`) is no phone's; a
            // leading one is NANP's trunk (`1-800-555-0199`).
            return self.groups.iter().skip(1).any(|&g| g == 1);
        }
        matches!(self.groups.as_slice(), [2, 2, 4] | [4, 2, 2] | [2, 2, 2])
            || (self.groups.len() == 4 && self.groups.iter().all(|&g| g <= 3))
            || self.groups.iter().skip(1).any(|&g| g == 1)
    }
}
