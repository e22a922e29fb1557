//! Words near a value that say what it is. Nine bare digits, or a bare national
//! phone number, are as often an order, ticket or claim number; only the words
//! beside them tell the two apart.

use std::ops::Range;

/// Words that call a number a US social security number, in the languages agents
/// write in. Lowercase: the text is lowercased (ASCII letters only) before matching,
/// so `SSN` and `Seguro Social` match, while a capital accented letter does not.
pub(super) const SSN_WORDS: &[&str] = &[
    "ssn",
    "social security",
    "soc sec",
    "soc. sec",
    "ss#",
    "ss #",
    "seguro social",
    "número de seguro",
    "numero de seguro",
    "sécurité sociale",
    "securite sociale",
    "sozialversicherung",
    "sozialversicherungsnummer",
    "seguridade social",
    "segurança social",
    "seguranca social",
];

/// Words that call a number a phone number.
pub(super) const PHONE_WORDS: &[&str] = &[
    "phone",
    "telephone",
    "tel",
    "tel.",
    "mobile",
    "cell",
    "callback",
    "call back",
    "call",
    "dial",
    "fax",
    "sms",
    "whatsapp",
    "teléfono",
    "telefono",
    "móvil",
    "movil",
    "celular",
    "llamar",
    "llame",
    "téléphone",
    "tél",
    "tél.",
    "portable",
    "appeler",
    "rappeler",
    "telefon",
    "rückruf",
    "ruckruf",
    "rufnummer",
    "handy",
    "anrufen",
    "mobil",
    "telefone",
    "ligar",
    "contacto",
];

/// Words that name a number as something else: when one stands between the
/// naming word and the number ("call about order 4155550132"), the number is
/// that thing.
const OTHER_WORDS: &[&str] = &[
    "order",
    "ticket",
    "tracking",
    "claim",
    "case",
    "invoice",
    "ref",
    "reference",
    "account",
    "policy",
    "pedido",
    "número de pedido",
    "commande",
    "dossier",
    "bestellung",
    "auftrag",
    "rechnung",
    "sendung",
    "encomenda",
    "reclamação",
];

/// How far from the number a naming word may stand, in bytes: further before it
/// ("social security no. 078051120") than after ("078051120 (SSN)").
const BEFORE: usize = 32;
const AFTER: usize = 12;

/// Whether one of `words`, on the same line and in the same sentence as `value`,
/// near it and with no other number or naming word in between, names it.
pub(super) fn named(bytes: &[u8], value: Range<usize>, words: &[&str]) -> bool {
    // Only as much of the line as a word could stand in: a line may be megabytes long.
    let longest = words.iter().map(|n| n.len()).max().unwrap_or(0);
    let from = value.start.saturating_sub(BEFORE + longest);
    let to = value.end.saturating_add(AFTER + longest).min(bytes.len());
    let line_start = bytes[from..value.start]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(from, |i| from + i + 1);
    let line_end = bytes[value.end..to]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(to, |i| value.end + i);
    let line = bytes[line_start..line_end].to_ascii_lowercase();
    let apart = |gap: Range<usize>| {
        let g = &bytes[gap.clone()];
        g.iter().any(u8::is_ascii_digit)
            || ends_a_sentence(g)
            || mentions(
                &line,
                gap.start - line_start..gap.end - line_start,
                OTHER_WORDS,
            )
    };
    words.iter().any(|word| {
        let word = word.as_bytes();
        line.windows(word.len()).enumerate().any(|(i, w)| {
            let (start, end) = (line_start + i, line_start + i + word.len());
            w == word
                && word_starts(bytes, start)
                && word_ends(bytes, end)
                && if end <= value.start {
                    value.start - end <= BEFORE && !apart(end..value.start)
                } else {
                    start >= value.end && start - value.end <= AFTER && !apart(value.end..start)
                }
        })
    })
}

/// Whether a whole word of `words` lies in `line[within]`.
fn mentions(line: &[u8], within: Range<usize>, words: &[&str]) -> bool {
    let gap = &line[within.clone()];
    words.iter().any(|word| {
        let word = word.as_bytes();
        gap.windows(word.len()).enumerate().any(|(i, w)| {
            let at = within.start + i;
            w == word && word_starts(line, at) && word_ends(line, at + word.len())
        })
    })
}

/// A `;`, `!` or `?`, or a full stop before a capital that does not end an
/// abbreviation ("Soc. Sec. No."): "SSN: none. Order 078051120" speaks of two things.
fn ends_a_sentence(gap: &[u8]) -> bool {
    gap.iter().enumerate().any(|(i, &b)| match b {
        b';' | b'!' | b'?' => true,
        b'.' => {
            let word = gap[..i]
                .iter()
                .rev()
                .take_while(|c| c.is_ascii_alphabetic())
                .count();
            let next = gap[i + 1..].iter().find(|c| !c.is_ascii_whitespace());
            word > 3 && next.is_some_and(u8::is_ascii_uppercase)
        }
        _ => false,
    })
}

/// Not inside a longer word. Bytes of a multi-byte letter count as letters, so
/// `téléphone` is not taken for `phone`.
fn word_starts(bytes: &[u8], at: usize) -> bool {
    at == 0 || !is_word_byte(bytes[at - 1])
}

/// `SSN` and `SSNs`, `phone` and `phones`, but not `SSNAME` or `telco`.
fn word_ends(bytes: &[u8], at: usize) -> bool {
    let rest = &bytes[at..];
    let rest = match rest.first() {
        Some(b's' | b'S') => &rest[1..],
        _ => rest,
    };
    !rest.first().copied().is_some_and(is_word_byte)
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80
}
