//! Token-boundary checks shared by the detectors.
//!
//! The `regex` crate has no look-around, so instead of `(?<![\w-])` the
//! detectors match liberally and then ask whether the match stands on its own.
//! A value is "glued" to its neighbour if it touches a letter or digit, or
//! touches a joiner that continues into one: `ORD-2024`, `v10.4`, `a716-4466`,
//! `1,234`, `15/01`, `10:30`, `6789-0`. Plain punctuation ("card: 4242…",
//! "…4242.") is a boundary.

/// True when a value starting at byte `start` is not the tail of a longer token.
pub(super) fn clean_start(text: &str, start: usize) -> bool {
    let mut before = text[..start].chars().rev();
    match before.next() {
        None => true,
        Some(c) if c.is_alphanumeric() => false,
        // Identifier joiners: `ORD-2024…`, `v10.4…`, `ref_4111…`.
        Some('-' | '_' | '.') => !before.next().is_some_and(char::is_alphanumeric),
        // Number joiners: `1,234`, `15/01`, `10:30`. After a word they are
        // ordinary punctuation ("card:4111…").
        Some(',' | '/' | ':') => !before.next().is_some_and(|c| c.is_ascii_digit()),
        Some(_) => true,
    }
}

/// True when a value ending at byte `end` is not the head of a longer token.
pub(super) fn clean_end(text: &str, end: usize) -> bool {
    let mut after = text[end..].chars();
    match after.next() {
        None => true,
        Some(c) if c.is_alphanumeric() => false,
        // The local part of an email address belongs to the email detector.
        Some('@') => false,
        Some('-' | '_') => !after.next().is_some_and(char::is_alphanumeric),
        // A full stop ends a sentence; followed by a digit it is a decimal.
        Some('.' | ',' | '/' | ':') => !after.next().is_some_and(|c| c.is_ascii_digit()),
        Some(_) => true,
    }
}

/// Runs `validate` on every match of `re`, including matches that start inside
/// a rejected one, so a rejected candidate cannot hide a valid neighbour.
/// `validate` returns the (possibly trimmed) range to report.
pub(super) fn each_candidate(
    re: &regex::Regex,
    text: &str,
    mut validate: impl FnMut(regex::Match<'_>) -> Option<std::ops::Range<usize>>,
) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos <= text.len() {
        let Some(m) = re.find_at(text, pos) else {
            break;
        };
        let step = m.start() + text[m.start()..].chars().next().map_or(1, char::len_utf8);
        match validate(m) {
            Some(range) => {
                pos = range.end.max(step);
                out.push(range);
            }
            None => pos = step,
        }
    }
    out
}
