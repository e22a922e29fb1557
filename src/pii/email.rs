//! Email addresses, RFC 5322 in practice rather than in full: dot-atom local
//! part, dotted domain, alphabetic TLD. Both parts may be Unicode (RFC 6531):
//! `josé.núñez@correo.es`, `用户@例子.广告`; the domain must be one IDNA accepts.

use std::sync::LazyLock;

use regex::Regex;

use super::boundary::each_candidate;
use super::{PiiKind, PiiMatch};

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    let word = r"[\p{L}\p{M}\p{N}]";
    Regex::new(&format!(
        r"[\p{{L}}\p{{M}}\p{{N}}._%+\-]+@{word}(?:[\p{{L}}\p{{M}}\p{{N}}\-]*{word})?(?:\.{word}(?:[\p{{L}}\p{{M}}\p{{N}}\-]*{word})?)+"
    ))
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
    let tld_ok = tld.starts_with("xn--")
        || (tld.chars().count() >= 2 && tld.chars().all(char::is_alphabetic));
    if !tld_ok || FILE_EXTENSIONS.iter().any(|e| tld.eq_ignore_ascii_case(e)) {
        return false;
    }
    // IDNA (UTS 46) decides whether a Unicode domain is a domain at all.
    if !domain.is_ascii() && !matches!(url::Host::parse(domain), Ok(url::Host::Domain(_))) {
        return false;
    }
    // The regex takes the longest local part it can, so a local-part
    // character before the match means this is the tail of a rejected
    // candidate. `}` means a template placeholder (`{{first}}.smith@…`).
    let starts_clean = match text[..m.start()].chars().next_back() {
        None => true,
        Some(c) => !(c.is_alphanumeric() || "._%+-@}*".contains(c)),
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
