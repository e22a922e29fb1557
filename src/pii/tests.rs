//! Table-driven tests. Each table row is checked on its own and all failures
//! are reported together, so one run shows every row that regressed.

use super::*;
use PiiKind::{Card, Email, Iban, Phone, Ssn};

/// What `scan` reports for `text`, as (kind, matched text) pairs.
fn found(text: &str) -> Vec<(PiiKind, &str)> {
    scan(text, &[])
        .into_iter()
        .map(|m| (m.kind, &text[m.range]))
        .collect()
}

fn assert_rows(rows: &[(String, Vec<(PiiKind, String)>)]) {
    let failures: Vec<String> = rows
        .iter()
        .filter_map(|(text, want)| {
            let got: Vec<(PiiKind, String)> = found(text)
                .into_iter()
                .map(|(k, s)| (k, s.to_string()))
                .collect();
            (&got != want).then(|| format!("  {text:?}\n    want {want:?}\n    got  {got:?}"))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} rows failed:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
}

/// Wraps `value` in a sentence so boundaries are exercised, expecting exactly
/// one match of `kind` covering `value`.
fn in_sentence(kind: PiiKind, value: &str) -> (String, Vec<(PiiKind, String)>) {
    (
        format!("Please note {value}, thanks."),
        vec![(kind, value.to_string())],
    )
}

fn group(digits: &str, sizes: &[usize], sep: &str) -> String {
    let mut parts = Vec::new();
    let mut rest = digits;
    for &n in sizes {
        if rest.is_empty() {
            break;
        }
        let (head, tail) = rest.split_at(n.min(rest.len()));
        parts.push(head);
        rest = tail;
    }
    if !rest.is_empty() {
        parts.push(rest);
    }
    parts.join(sep)
}

// ---------------------------------------------------------------- positives

/// (number, printed grouping). Real network test numbers where they exist,
/// generated Luhn-valid numbers for the remaining IIN ranges.
const CARDS: &[(&str, &[usize])] = &[
    // Visa 16, 13, 19
    ("4111111111111111", &[4, 4, 4, 4]),
    ("4242424242424242", &[4, 4, 4, 4]),
    ("4000056655665556", &[4, 4, 4, 4]),
    ("4222222222222", &[4, 4, 4, 1]),
    ("4111000000000000001", &[4, 4, 4, 4, 3]),
    // Mastercard 51-55 and 2221-2720
    ("5555555555554444", &[4, 4, 4, 4]),
    ("5105105105105100", &[4, 4, 4, 4]),
    ("2223003122003222", &[4, 4, 4, 4]),
    ("2221000000000009", &[4, 4, 4, 4]),
    ("2720000000000005", &[4, 4, 4, 4]),
    // American Express
    ("378282246310005", &[4, 6, 5]),
    ("371449635398431", &[4, 6, 5]),
    ("341200000000004", &[4, 6, 5]),
    // Discover 6011, 644-649, 65
    ("6011111111111117", &[4, 4, 4, 4]),
    ("6011000990139424", &[4, 4, 4, 4]),
    ("6011000000000000001", &[4, 4, 4, 4, 3]),
    ("6445000000000000", &[4, 4, 4, 4]),
    ("6500000000000002", &[4, 4, 4, 4]),
    // Diners 300-305, 36, 38-39
    ("3056930009020004", &[4, 4, 4, 4]),
    ("30000000000004", &[4, 6, 4]),
    ("36227206271667", &[4, 6, 4]),
    ("38520000000003", &[4, 6, 4]),
    ("3912000000000001", &[4, 4, 4, 4]),
    // JCB 3528-3589
    ("3566002020360505", &[4, 4, 4, 4]),
    ("3528000000000007", &[4, 4, 4, 4]),
    ("3589000000000000009", &[4, 4, 4, 4, 3]),
    // UnionPay
    ("6200000000000005", &[4, 4, 4, 4]),
    ("6212000000000000005", &[4, 4, 4, 4, 3]),
    // Maestro 50, 56-58, 63, 67
    ("6759649826438453", &[4, 4, 4, 4]),
    ("5018000000000009", &[4, 4, 4, 4]),
    ("5612000000000009", &[4, 4, 4, 4]),
    ("5800000000008", &[4, 4, 4, 1]),
    ("6304000000000000000", &[4, 4, 4, 4, 3]),
];

#[test]
fn cards_in_every_spacing_style() {
    let mut rows = Vec::new();
    for &(number, grouping) in CARDS {
        rows.push(in_sentence(Card, number));
        rows.push(in_sentence(Card, &group(number, grouping, " ")));
        rows.push(in_sentence(Card, &group(number, grouping, "-")));
        rows.push(in_sentence(Card, &group(number, &[4, 4, 4, 4], " ")));
        rows.push(in_sentence(Card, &group(number, &[4, 4, 4, 4], "-")));
    }
    assert_rows(&rows);
}

const SSNS: &[&str] = &[
    "123-45-6789",
    "001-01-0001",
    "665-12-3456",
    "667-12-3456",
    "899-99-9999",
    "078-05-1120",
    "123 45 6789",
];

/// IBANs of several countries; each is also tested in print format.
const IBANS: &[&str] = &[
    "DE89370400440532013000",
    "GB29NWBK60161331926819",
    "FR1420041010050500013M02606",
    "NL91ABNA0417164300",
    "BE68539007547034",
    "CH9300762011623852957",
    "ES9121000418450200051332",
    "IT60X0542811101000000123456",
    "NO9386011117947",
    "AT611904300234573201",
    "PL61109010140000071219812874",
    "SA0380000000608010167519",
    "AE070331234567890123456",
    "BR1800360305000010009795493C1",
    "TR330006100519786457841326",
    "IE29AIBK93115212345678",
    "SE4550000000058398257466",
    "PT50000201231234567890154",
    "DK5000400440116243",
    "FI2112345600000785",
    "LU280019400644750000",
    "MT84MALT011000012345MTLCAST001S",
];

const EMAILS: &[&str] = &[
    "john.doe@example.com",
    "j@example.co.uk",
    "first.last+tag@sub.domain.example.org",
    "user_name%ops@mail-server.example.io",
    "Support-Team@Example.COM",
    "4155550132@txt.example.com",
];

const PHONES: &[&str] = &[
    "+44 20 7946 0958",
    "+49 30 901820",
    "+44 (0)20 7946 0958",
    "+33 1 42 68 53 00",
    "+14155550132",
    "+1 415 555 0132",
    "+1-415-555-0132",
    "+1 (212) 555-0100",
    "(415) 555-0132",
    "(415)555-0132",
    "415-555-0132",
    "415.555.0132",
    "415 555 0132",
    "1-800-555-0199",
    "1 (800) 555-0199",
];

#[test]
fn ssns_ibans_emails_phones_are_found() {
    let mut rows: Vec<_> = SSNS.iter().map(|v| in_sentence(Ssn, v)).collect();
    for iban in IBANS {
        rows.push(in_sentence(Iban, iban));
        rows.push(in_sentence(Iban, &group(iban, &[4; 8], " ")));
    }
    // Lowercase BBAN letters are accepted; the country code must be upper.
    rows.push(in_sentence(Iban, "GB29 nwbk 6016 1331 9268 19"));
    rows.extend(EMAILS.iter().map(|v| in_sentence(Email, v)));
    rows.extend(PHONES.iter().map(|v| in_sentence(Phone, v)));
    assert_rows(&rows);
}

#[test]
fn values_at_text_edges_and_in_punctuation() {
    let rows = vec![
        (
            "4242424242424242".into(),
            vec![(Card, "4242424242424242".into())],
        ),
        (
            "(4242 4242 4242 4242)".into(),
            vec![(Card, "4242 4242 4242 4242".into())],
        ),
        (
            "card:4242424242424242".into(),
            vec![(Card, "4242424242424242".into())],
        ),
        ("SSN=123-45-6789;".into(), vec![(Ssn, "123-45-6789".into())]),
        (
            "<john@example.com>".into(),
            vec![(Email, "john@example.com".into())],
        ),
        (
            "IBAN:DE89370400440532013000".into(),
            vec![(Iban, "DE89370400440532013000".into())],
        ),
        (
            "Call +44 20 7946 0958 24/7.".into(),
            vec![(Phone, "+44 20 7946 0958".into())],
        ),
        (
            "(415) 555-0132 ext. 4521".into(),
            vec![(Phone, "(415) 555-0132".into())],
        ),
        // A card followed by its CVV, or preceded by a quantity.
        (
            "4111 1111 1111 1111 123".into(),
            vec![(Card, "4111 1111 1111 1111".into())],
        ),
        (
            "qty 12 4111111111111111".into(),
            vec![(Card, "4111111111111111".into())],
        ),
        // An IBAN followed by a 4-letter word the greedy regex runs into.
        (
            "BE68 5390 0754 7034 from".into(),
            vec![(Iban, "BE68 5390 0754 7034".into())],
        ),
        // Several values in one text come back in order.
        (
            "a@example.com, 123-45-6789, 4242424242424242, +49 30 901820".into(),
            vec![
                (Email, "a@example.com".into()),
                (Ssn, "123-45-6789".into()),
                (Card, "4242424242424242".into()),
                (Phone, "+49 30 901820".into()),
            ],
        ),
        (
            "4111111111111111 5555555555554444".into(),
            vec![
                (Card, "4111111111111111".into()),
                (Card, "5555555555554444".into()),
            ],
        ),
    ];
    assert_rows(&rows);
}

#[test]
fn overlaps_keep_the_more_specific_kind() {
    let rows = vec![
        // Both parse as phones (after the +1) but are a card and an SSN.
        (
            "+1 4111 1111 1111 1111".into(),
            vec![(Card, "4111 1111 1111 1111".into())],
        ),
        ("+1 123-45-6789".into(), vec![(Ssn, "123-45-6789".into())]),
        // The email contains a phone-like run.
        (
            "4155550132@txt.example.com".into(),
            vec![(Email, "4155550132@txt.example.com".into())],
        ),
        // Same number matched by the NANP and the international pattern.
        (
            "+1 (212) 555-0100".into(),
            vec![(Phone, "+1 (212) 555-0100".into())],
        ),
    ];
    assert_rows(&rows);
}

// ---------------------------------------------------------------- negatives

const NOT_PII: &[&str] = &[
    // Luhn failures and numbers with no network / wrong length for it
    "4111111111111112",
    "4111 1111 1111 1112",
    "7000000000000005",
    "1234000000000006",
    "3412000000000006",
    "555500000000008",
    "41110000000008",
    "9000000000000001",
    "6400000000000003",
    // SSNs outside the issued ranges
    "000-12-3456",
    "666-12-3456",
    "900-12-3456",
    "999-12-3456",
    "123-00-4567",
    "123-45-0000",
    // SSNs glued to more digits, and bare 9 digits
    "123-45-6789-0",
    "0-123-45-6789",
    "123456789",
    "123-45 6789",
    // IBANs: bad check digits, wrong length, unknown country, mixed spacing
    "DE88 3704 0044 0532 0130 00",
    "DE88370400440532013000",
    "DE89 3704 0044 0532 0130 0",
    "DE8937040044053201300",
    "NL91ABNA0417164300X",
    "XX89370400440532013000",
    "DE89 370400440532013000",
    // Masked values
    "***-**-6789",
    "**** **** **** 4242",
    "XXXX-XXXX-XXXX-1111",
    "**** 4242",
    "************4242",
    "j***@example.com",
    "DE****************3000",
    "+1 ***-***-4567",
    // Ids, dates, versions, amounts
    "ORD-2024-118273",
    "#100234987",
    "2024-01-15",
    "15/01/2024",
    "2024-01-15 10:30",
    "1.2.3",
    "v10.4.22",
    "$1,234.56",
    "1 234 567,89",
    "978-3-16-148410-0",
    "550e8400-e29b-41d4-a716-446655440000",
    "1Z999AA10123456784",
    "12345678901234567890",
    "4155550132",
    "ref-4111111111111111",
    "4111111111111111.5",
    "4111111111111111-A",
    // Phones that are not: extensions, times, ranges, bad NANP codes
    "ext. 4521",
    "x4521",
    "10:30",
    "1000-2000",
    "555-0132",
    "123-555-0132",
    "415-155-0132",
    "2-415-555-0132",
    "415-555-0132-7",
    "+1 234 5678",
    "+12 345",
    "+44 20 7946 0958 1234 5678",
    // Emails that are not
    "user@localhost",
    "@handle",
    "{{customerName}}@example.com",
    "{{first}}.smith@example.com",
    ".john@example.com",
    "john.@example.com",
    "jo..hn@example.com",
    "pkg@1.2.3",
    "icon@2x.png",
    "john@example.c",
    // Template variables
    "{{accountId}}",
    "Your account {{accountId}} ends in {{last4}}.",
];

#[test]
fn ordinary_text_is_not_pii() {
    let rows: Vec<_> = NOT_PII
        .iter()
        .map(|v| (format!("Please note {v}, thanks."), Vec::new()))
        .chain(NOT_PII.iter().map(|v| (v.to_string(), Vec::new())))
        .collect();
    assert_rows(&rows);
}

/// Nine bare digits are as often an order or account number as an SSN: they are one
/// only when words beside them, on the same line, say so.
#[test]
fn a_bare_nine_digit_ssn_needs_words_that_say_so() {
    let ssn = |text: &str| (text.to_string(), vec![(Ssn, "078051120".to_string())]);
    let none = |text: &str| (text.to_string(), Vec::new());
    let rows = vec![
        ssn("SSN 078051120"),
        ssn("ssn: 078051120."),
        ssn("Customer SSNs such as 078051120"),
        ssn("Social Security number 078051120"),
        ssn("social security no. 078051120, thanks"),
        ssn("soc sec 078051120"),
        ssn("SS# 078051120"),
        ssn("078051120 (SSN)"),
        ssn("078051120 is the social security number"),
        none("Order 078051120"),
        none("Order 078051120 shipped; the SSN field stays empty"),
        none("SSN: none. Order 078051120"),
        none("078051120 shipped to the SSN office"),
        ssn("Soc. Sec. No. 078051120"),
        (
            "SSN 123-45-6789, order 078051120".into(),
            vec![(Ssn, "123-45-6789".into())],
        ),
        none("classname 078051120"),
        none("SSN\n078051120"),
        none("SSN 666051120"),
        none("SSN 078001120"),
        none("SSN 0780511201"),
        none("SSN ORD-078051120"),
    ];
    assert_rows(&rows);
}

// ---------------------------------------------------------------- ranges

#[test]
fn byte_ranges_are_exact_after_non_ascii_text() {
    let text = "Grüße — card 4242 4242 4242 4242. Merci, João: joão@example.com ou jo@exemplo.pt";
    let matches = scan(text, &[]);
    let card_start = text.find("4242").unwrap();
    assert_eq!(
        matches[0],
        PiiMatch {
            kind: Card,
            range: card_start..card_start + "4242 4242 4242 4242".len()
        }
    );
    assert_eq!(&text[matches[0].range.clone()], "4242 4242 4242 4242");
    // A non-ASCII local part is matched whole, not cut in half.
    assert_eq!(matches.len(), 3, "{matches:?}");
    assert_eq!(&text[matches[1].range.clone()], "joão@example.com");
    assert_eq!(&text[matches[2].range.clone()], "jo@exemplo.pt");
}

// ---------------------------------------------------------------- allow list

#[test]
fn allow_list_drops_exact_and_enclosed_matches() {
    let text =
        "Write to support@acme.example.com or call 1-800-555-0199; card 4242 4242 4242 4242.";
    let allow = |entries: &[&str]| entries.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let kinds = |allow: &[String]| {
        scan(text, allow)
            .into_iter()
            .map(|m| m.kind)
            .collect::<Vec<_>>()
    };

    assert_eq!(kinds(&[]), vec![Email, Phone, Card]);
    assert_eq!(
        kinds(&allow(&["support@acme.example.com"])),
        vec![Phone, Card]
    );
    // The entry encloses the match: the phone lies inside "call 1-800-…".
    assert_eq!(kinds(&allow(&["call 1-800-555-0199"])), vec![Email, Card]);
    // Partial overlap or a different spelling is not an exemption.
    assert_eq!(kinds(&allow(&["4242 4242"])), vec![Email, Phone, Card]);
    assert_eq!(
        kinds(&allow(&["4242424242424242"])),
        vec![Email, Phone, Card]
    );
    // An allowed card does not resurface as the phone its digits also parse as.
    assert!(scan("+1 4111 1111 1111 1111", &allow(&["4111 1111 1111 1111"])).is_empty());
    // Empty entries are ignored rather than allowing everything.
    assert_eq!(kinds(&allow(&[""])), vec![Email, Phone, Card]);
    assert_eq!(
        mask_text(text, &allow(&["support@acme.example.com"])),
        "Write to support@acme.example.com or call 1-***-***-0199; card **** **** **** 4242."
    );
}

/// Sorted, non-overlapping, non-empty ranges on char boundaries, for
/// pseudo-random text dense in digits, separators and multi-byte chars.
#[test]
fn scan_invariants_hold_on_noisy_text() {
    const ALPHABET: &[&str] = &[
        "0",
        "1",
        "2",
        "3",
        "4",
        "5",
        "6",
        "7",
        "8",
        "9",
        " ",
        " ",
        "-",
        ".",
        "(",
        ")",
        "+",
        "@",
        "/",
        ":",
        ",",
        "A",
        "E",
        "D",
        "x",
        "com",
        "{{",
        "}}",
        "ü",
        "—",
        "4242",
        "555-0132",
        "4111 1111 1111 1111",
        "123-45-6789",
        "DE89370400440532013000",
        "a@b.co",
    ];
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    for _ in 0..3000 {
        let pieces = next(40);
        let text: String = (0..pieces)
            .map(|_| ALPHABET[next(ALPHABET.len())])
            .collect();
        let matches = scan(&text, &[]);
        for pair in matches.windows(2) {
            assert!(
                pair[0].range.end <= pair[1].range.start,
                "{text:?}: {matches:?}"
            );
        }
        for m in &matches {
            assert!(
                !m.range.is_empty() && text.get(m.range.clone()).is_some(),
                "{text:?}: {m:?}"
            );
        }
        // Masking any scanned value must not panic.
        mask_text(&text, &[]);
    }
}

// ---------------------------------------------------------------- masking

#[test]
fn mask_formats() {
    let rows: &[(PiiKind, &str, &str)] = &[
        (Ssn, "123-45-6789", "***-**-6789"),
        (Ssn, "123 45 6789", "***-**-6789"),
        (Card, "4242 4242 4242 4242", "**** **** **** 4242"),
        (Card, "4242-4242-4242-4242", "**** **** **** 4242"),
        (Card, "378282246310005", "**** **** **** 0005"),
        (Card, "3782 822463 10005", "**** **** **** 0005"),
        (Email, "john.doe@example.com", "j***@example.com"),
        (Email, "a@b.io", "a***@b.io"),
        (
            Iban,
            "DE89 3704 0044 0532 0130 00",
            "DE****************3000",
        ),
        (Iban, "DE89370400440532013000", "DE****************3000"),
        (Iban, "NO9386011117947", "NO*********7947"),
        (Phone, "+1 415-555-4567", "+1 ***-***-4567"),
        (Phone, "+1 (212) 555-0100", "+1 (***) ***-0100"),
        (Phone, "(415) 555-0132", "(***) ***-0132"),
        (Phone, "415.555.0132", "***.***.0132"),
        (Phone, "1-800-555-0199", "1-***-***-0199"),
        (Phone, "+44 20 7946 0958", "+44 ** **** 0958"),
        (Phone, "+14155550132", "+*******0132"),
        // Odd input never panics and never leaks more than the tail.
        (Card, "", "**** **** **** "),
        (Email, "no-at-sign", "***"),
        (Iban, "DE89", "****"),
        (Phone, "12", "*2"),
    ];
    let failures: Vec<String> = rows
        .iter()
        .filter(|(kind, raw, want)| mask(*kind, raw) != *want)
        .map(|(kind, raw, want)| {
            format!(
                "  {kind:?} {raw:?}: want {want:?}, got {:?}",
                mask(*kind, raw)
            )
        })
        .collect();
    assert!(
        failures.is_empty(),
        "mask failures:\n{}",
        failures.join("\n")
    );
}

#[test]
fn masked_uses_the_match_range() {
    let text = "SSN 123-45-6789";
    let m = &scan(text, &[])[0];
    assert_eq!(m.masked(text), "***-**-6789");
    assert_eq!(m.masked(""), mask(Ssn, ""));
}

#[test]
fn mask_text_replaces_every_occurrence() {
    let text = "Grüße — card 4242 4242 4242 4242, SSN 123-45-6789, mail john@example.com, \
                IBAN DE89 3704 0044 0532 0130 00, tel +44 20 7946 0958. Order ORD-2024-118273.";
    assert_eq!(
        mask_text(text, &[]),
        "Grüße — card **** **** **** 4242, SSN ***-**-6789, mail j***@example.com, \
         IBAN DE****************3000, tel +44 ** **** 0958. Order ORD-2024-118273."
    );
    assert_eq!(mask_text("nothing here", &[]), "nothing here");
    // Masked output is itself clean.
    assert!(scan(&mask_text(text, &[]), &[]).is_empty());
}

#[test]
fn codes_and_descriptions() {
    let rows = [
        (Ssn, "pii.ssn", "US social security number"),
        (Card, "pii.card", "payment card number"),
        (Email, "pii.email", "email address"),
        (Iban, "pii.iban", "IBAN"),
        (Phone, "pii.phone", "phone number"),
    ];
    for (kind, code, noun) in rows {
        assert_eq!(
            (
                crate::diagnostic::Code::from(kind).as_str(),
                kind.describe()
            ),
            (code, noun)
        );
    }
}
