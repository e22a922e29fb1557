//! Masked forms: enough left to recognise a value ("the card ending 4242"),
//! not enough to use it. Every function accepts any input without panicking,
//! since callers may mask values they did not get from `scan`.

use super::PiiKind;

/// Masked form of one matched value.
pub fn mask(kind: PiiKind, raw: &str) -> String {
    match kind {
        PiiKind::Ssn => format!("***-**-{}", last_digits(raw, 4)),
        PiiKind::Card => format!("**** **** **** {}", last_digits(raw, 4)),
        PiiKind::Email => mask_email(raw),
        PiiKind::Iban => mask_iban(raw),
        PiiKind::Phone => mask_phone(raw),
    }
}

fn last_digits(raw: &str, n: usize) -> String {
    let digits: Vec<char> = raw.chars().filter(char::is_ascii_digit).collect();
    digits[digits.len().saturating_sub(n)..].iter().collect()
}

/// `john.doe@example.com` -> `j***@example.com`
fn mask_email(raw: &str) -> String {
    match raw.rsplit_once('@') {
        Some((local, domain)) => {
            let first = local.chars().next().map(String::from).unwrap_or_default();
            format!("{first}***@{domain}")
        }
        None => "***".to_string(),
    }
}

/// Compact, length-preserving: `DE89 3704 0044 0532 0130 00` ->
/// `DE****************3000` (country code and last four kept).
fn mask_iban(raw: &str) -> String {
    let chars: Vec<char> = raw.chars().filter(char::is_ascii_alphanumeric).collect();
    if chars.len() <= 6 {
        return "*".repeat(chars.len());
    }
    let country: String = chars[..2].iter().collect::<String>().to_ascii_uppercase();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{country}{}{tail}", "*".repeat(chars.len() - 6))
}

/// Every digit but the country code and the last four becomes `*`; the
/// separators stay so the number keeps its shape: `+1 415-555-4567` ->
/// `+1 ***-***-4567`, `(415) 555-0132` -> `(***) ***-0132`.
fn mask_phone(raw: &str) -> String {
    let total = raw.chars().filter(char::is_ascii_digit).count();
    let tail = 4.min(total / 2);
    let head = country_code_digits(raw);
    let head = if head + tail < total { head } else { 0 };
    let mut seen = 0;
    raw.chars()
        .map(|c| {
            if !c.is_ascii_digit() {
                return c;
            }
            seen += 1;
            if seen <= head || seen > total - tail {
                c
            } else {
                '*'
            }
        })
        .collect()
}

/// Digits of a leading country code that is visibly set apart: `+44 …`,
/// `+1-…`, or the NANP trunk `1-800-…`. `+4930901820` has no visible code.
fn country_code_digits(raw: &str) -> usize {
    let (body, plus) = match raw.strip_prefix('+') {
        Some(body) => (body, true),
        None => (raw, false),
    };
    let n = body.bytes().take_while(u8::is_ascii_digit).count();
    let set_apart = body[n..].chars().next().is_some_and(|c| {
        super::runs::is_space(c) || super::runs::is_dash(c) || c == '.' || c == '('
    });
    match (plus, n) {
        (true, 1..=3) if set_apart => n,
        (false, 1) if set_apart && body.starts_with('1') => 1,
        _ => 0,
    }
}
