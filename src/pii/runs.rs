//! Digit runs: the shared tokenisation behind the card and SSN detectors.
//!
//! A run is a maximal sequence of ASCII digit groups joined by one separator
//! (`4242 4242-4242 4242`, `123-45-6789`, `5323 - 2061`, `4242.4242`, a
//! no-break space). Working on maximal runs rather than regex matches is what
//! makes "not part of a longer digit run" cheap to enforce: a detector sees the
//! whole run and can only report a sub-span of it when the sub-span is cut off
//! by spaces.

use std::ops::Range;

use super::boundary::{clean_end, clean_start};

/// What joins two digit groups.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Sep {
    /// One space of any kind: ASCII, no-break, thin, figure, ideographic.
    Space,
    /// A hyphen or dash, bare (`123-45`) or between spaces (`5323 - 2061`).
    Dash,
    Dot,
}

pub(super) struct Run {
    /// Byte ranges of the digit groups, in order.
    pub groups: Vec<Range<usize>>,
    /// `seps[i]` joins `groups[i]` and `groups[i + 1]`.
    pub seps: Vec<Sep>,
    clean_start: bool,
    clean_end: bool,
}

impl Run {
    /// Whether `groups[i..j]` stands on its own: at the run's edges the run
    /// must be a clean token; inside the run it must be cut off by spaces.
    /// A dash or dot is never a cut (`123-45-6789-0` has no SSN in it), a
    /// space is (`12 4111111111111111` holds a card after the quantity).
    pub fn span_is_token(&self, i: usize, j: usize) -> bool {
        let left = if i == 0 {
            self.clean_start
        } else {
            self.seps[i - 1] == Sep::Space
        };
        let right = if j == self.groups.len() {
            self.clean_end
        } else {
            self.seps[j - 1] == Sep::Space
        };
        left && right
    }

    pub fn is_whole_clean_token(&self) -> bool {
        self.clean_start && self.clean_end
    }

    /// Byte range of `groups[i..j]`.
    pub fn span(&self, i: usize, j: usize) -> Range<usize> {
        self.groups[i].start..self.groups[j - 1].end
    }
}

/// Runs of at least `min_digits` digits; shorter ones cannot hold any of the
/// values looked for, and skipping them spares allocations for every number
/// in ordinary prose ("2024", "5-7 days").
pub(super) fn digit_runs(text: &str, min_digits: usize) -> Vec<Run> {
    let b = text.as_bytes();
    let mut runs = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        let mut digits = 0;
        let mut groups = Vec::new();
        let mut seps = Vec::new();
        let mut group_start = i;
        loop {
            while i < b.len() && b[i].is_ascii_digit() {
                digits += 1;
                i += 1;
            }
            match separator(text, i) {
                Some((sep, len)) => {
                    groups.push(group_start..i);
                    seps.push(sep);
                    i += len;
                    group_start = i;
                }
                None => break,
            }
        }
        groups.push(group_start..i);
        if digits >= min_digits {
            runs.push(Run {
                groups,
                seps,
                // `+4915123459427` is a phone, whatever else its digits parse as.
                clean_start: clean_start(text, start) && !text[..start].ends_with('+'),
                clean_end: clean_end(text, i),
            });
        }
    }
    runs
}

/// The separator starting at byte `i` (just after a digit) and its length in
/// bytes, when a digit follows it.
pub(super) fn separator(text: &str, i: usize) -> Option<(Sep, usize)> {
    let rest = text.get(i..)?;
    let mut chars = rest.char_indices();
    let (_, c) = chars.next()?;
    let (sep, len) = if is_space(c) {
        // `5323 - 2061`: a dash set between two spaces.
        let after = &rest[c.len_utf8()..];
        let mut more = after.chars();
        match (more.next(), more.next()) {
            (Some(d), Some(s)) if is_dash(d) && is_space(s) => {
                (Sep::Dash, c.len_utf8() + d.len_utf8() + s.len_utf8())
            }
            _ => (Sep::Space, c.len_utf8()),
        }
    } else if is_dash(c) {
        (Sep::Dash, c.len_utf8())
    } else if c == '.' {
        (Sep::Dot, 1)
    } else {
        return None;
    };
    rest.as_bytes()
        .get(len)
        .is_some_and(u8::is_ascii_digit)
        .then_some((sep, len))
}

/// A space within a line: the ASCII space and the Unicode space separators
/// (no-break, figure, thin, narrow no-break, ideographic…), not tabs or breaks.
pub(super) fn is_space(c: char) -> bool {
    c == ' '
        || c == '\u{a0}'
        || ('\u{2000}'..='\u{200a}').contains(&c)
        || matches!(c, '\u{202f}' | '\u{205f}' | '\u{3000}')
}

/// Hyphen-minus, hyphen, non-breaking hyphen, figure dash, en dash.
pub(super) fn is_dash(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}')
}

/// Collects the digits of `groups` as values 0-9 into `buf`, returning the
/// filled prefix, or `None` if they do not fit.
pub(super) fn digits_of<'a>(
    bytes: &[u8],
    groups: &[Range<usize>],
    buf: &'a mut [u8],
) -> Option<&'a [u8]> {
    let mut n = 0;
    for g in groups {
        for &d in &bytes[g.clone()] {
            *buf.get_mut(n)? = d - b'0';
            n += 1;
        }
    }
    Some(&buf[..n])
}
