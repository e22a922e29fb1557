//! Email addresses, RFC 5322 in practice rather than in full: dot-atom local
//! part, dotted domain, alphabetic TLD.

use std::sync::LazyLock;

use regex::Regex;

use super::boundary::each_candidate;
use super::{PiiKind, PiiMatch};

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)+",
    )
    .expect("email regex")
});

/// `icon@2x.png` is an asset name, not an address.
const FILE_EXTENSIONS: &[&str] = &["png", "jpg", "jpeg", "gif", "svg", "webp"];

pub(super) fn find(text: &str, out: &mut Vec<PiiMatch>) {
    let found = each_candidate(&EMAIL, text, |m| valid(text, m).then(|| m.range()));
    out.extend(found.into_iter().map(|range| PiiMatch {
        kind: PiiKind::Email,
        range,
    }));
}

fn valid(text: &str, m: regex::Match<'_>) -> bool {
    let Some((local, domain)) = m.as_str().split_once('@') else {
        return false;
    };
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return false;
    }
    let tld = domain.rsplit('.').next().unwrap_or_default();
    if tld.len() < 2
        || !tld.bytes().all(|b| b.is_ascii_alphabetic())
        || FILE_EXTENSIONS.iter().any(|e| tld.eq_ignore_ascii_case(e))
    {
        return false;
    }
    // The regex takes the longest local part it can, so a local-part
    // character before the match means this is the tail of a rejected
    // candidate. `}` means a template placeholder (`{{first}}.smith@…`).
    let starts_clean = match text[..m.start()].chars().next_back() {
        None => true,
        Some(c) => !(c.is_alphanumeric() || "._%+-@}".contains(c)),
    };
    let mut after = text[m.end()..].chars();
    let ends_clean = match after.next() {
        None => true,
        Some(c) if c.is_alphanumeric() || "-_@".contains(c) => false,
        Some('.') => !after.next().is_some_and(char::is_alphanumeric),
        Some(_) => true,
    };
    starts_clean && ends_clean
}
