//! Digit runs: the shared tokenisation behind the card and SSN detectors.
//!
//! A run is a maximal sequence of ASCII digit groups joined by a single space
//! or dash (`4242 4242-4242 4242`, `123-45-6789`, `2024-01-15 4111…`). Working
//! on maximal runs rather than regex matches is what makes "not part of a
//! longer digit run" cheap to enforce: a detector sees the whole run and can
//! only report a sub-span of it when the sub-span is cut off by spaces.

use std::ops::Range;

use super::boundary::{clean_end, clean_start};

pub(super) struct Run {
    /// Byte ranges of the digit groups, in order.
    pub groups: Vec<Range<usize>>,
    /// `seps[i]` is the byte (`b' '` or `b'-'`) between `groups[i]` and `groups[i + 1]`.
    pub seps: Vec<u8>,
    clean_start: bool,
    clean_end: bool,
}

impl Run {
    /// Whether `groups[i..j]` stands on its own: at the run's edges the run
    /// must be a clean token; inside the run it must be cut off by spaces.
    /// A dash is never a cut (`123-45-6789-0` has no SSN in it), a space is
    /// (`12 4111111111111111` holds a card after the quantity).
    pub fn span_is_token(&self, i: usize, j: usize) -> bool {
        let left = if i == 0 {
            self.clean_start
        } else {
            self.seps[i - 1] == b' '
        };
        let right = if j == self.groups.len() {
            self.clean_end
        } else {
            self.seps[j - 1] == b' '
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
        while i < b.len() {
            if b[i].is_ascii_digit() {
                digits += 1;
            } else if !joins_groups(b, i) {
                break;
            }
            i += 1;
        }
        if digits >= min_digits {
            runs.push(build_run(text, start..i));
        }
    }
    runs
}

/// A single space or dash between two digits.
fn joins_groups(b: &[u8], i: usize) -> bool {
    matches!(b[i], b' ' | b'-')
        && i > 0
        && b[i - 1].is_ascii_digit()
        && b.get(i + 1).is_some_and(u8::is_ascii_digit)
}

fn build_run(text: &str, span: Range<usize>) -> Run {
    let b = text.as_bytes();
    let mut groups = Vec::new();
    let mut seps = Vec::new();
    let mut group_start = span.start;
    for i in span.clone() {
        if !b[i].is_ascii_digit() {
            groups.push(group_start..i);
            seps.push(b[i]);
            group_start = i + 1;
        }
    }
    groups.push(group_start..span.end);
    Run {
        groups,
        seps,
        clean_start: clean_start(text, span.start),
        clean_end: clean_end(text, span.end),
    }
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
