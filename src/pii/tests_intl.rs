//! The international cases: other separators, national phone formats, Unicode
//! addresses, words in five languages, and the hard negatives around them.

use super::*;
use PiiKind::{Card, Email, Iban, Phone, Ssn};

fn regions(codes: &[&str]) -> PhoneRegions {
    PhoneRegions::parse(codes).expect("known regions")
}

/// (kind, matched text) pairs that `scan_for` reports in `text`.
fn found<'a>(text: &'a str, regions: &PhoneRegions) -> Vec<(PiiKind, &'a str)> {
    scan_for(text, &[], regions)
        .into_iter()
        .map(|m| (m.kind, &text[m.range]))
        .collect()
}

/// Every row is checked and all failures reported together.
fn check(rows: &[(&str, &[&str], Option<PiiKind>, &str)]) {
    let failures: Vec<String> = rows
        .iter()
        .filter_map(|&(text, codes, kind, value)| {
            let got = found(text, &regions(codes));
            let want: Vec<(PiiKind, &str)> = kind.map(|k| (k, value)).into_iter().collect();
            (got != want)
                .then(|| format!("  {text:?} ({codes:?})\n    want {want:?}\n    got  {got:?}"))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} rows failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

const NA: &[&str] = &[];
const EU: &[&str] = &["GB", "DE", "FR", "ES", "AU", "IN"];

#[test]
fn cards_with_other_separators_groupings_and_networks() {
    check(&[
        (
            "Card 4242\u{a0}4242\u{a0}4242\u{a0}4242 on file",
            NA,
            Some(Card),
            "4242\u{a0}4242\u{a0}4242\u{a0}4242",
        ),
        (
            "Card 4242\u{202f}4242\u{202f}4242\u{202f}4242.",
            NA,
            Some(Card),
            "4242\u{202f}4242\u{202f}4242\u{202f}4242",
        ),
        (
            "Card 4242.4242.4242.4242.",
            NA,
            Some(Card),
            "4242.4242.4242.4242",
        ),
        (
            "Karte 5555 - 5555 - 5555 - 4444 gesperrt",
            NA,
            Some(Card),
            "5555 - 5555 - 5555 - 4444",
        ),
        (
            "Card 42424242 42424242",
            NA,
            Some(Card),
            "42424242 42424242",
        ),
        (
            "Tarjeta «4111–1111–1111–1111»",
            NA,
            Some(Card),
            "4111–1111–1111–1111",
        ),
        // Mir (2200-2204), Troy, Verve
        (
            "Карта 2200 0000 0000 0004",
            NA,
            Some(Card),
            "2200 0000 0000 0004",
        ),
        (
            "Kart 9792 0000 0000 0003",
            NA,
            Some(Card),
            "9792 0000 0000 0003",
        ),
        (
            "Card **4111111111111111**",
            NA,
            Some(Card),
            "4111111111111111",
        ),
        ("\"4111111111111111\"", NA, Some(Card), "4111111111111111"),
        // Wrong Luhn digit in the new formats stays clean.
        ("Card 4242\u{a0}4242\u{a0}4242\u{a0}4241", NA, None, ""),
        ("Card 2200 0000 0000 0005", NA, None, ""),
    ]);
}

#[test]
fn ibans_in_any_case_and_with_unicode_spaces() {
    check(&[
        (
            "IBAN de89370400440532013000.",
            NA,
            Some(Iban),
            "de89370400440532013000",
        ),
        (
            "iban: gb29 nwbk 6016 1331 9268 19",
            NA,
            Some(Iban),
            "gb29 nwbk 6016 1331 9268 19",
        ),
        (
            "IBAN FR14\u{a0}2004\u{a0}1010\u{a0}0505\u{a0}0001\u{a0}3M02\u{a0}606 ok",
            NA,
            Some(Iban),
            "FR14\u{a0}2004\u{a0}1010\u{a0}0505\u{a0}0001\u{a0}3M02\u{a0}606",
        ),
        (
            "Conta `PT50000201231234567890154`",
            NA,
            Some(Iban),
            "PT50000201231234567890154",
        ),
        // Right checksum, wrong BBAN format for GB (letters where digits go).
        ("IBAN GB82 WEST 1234 5698 7654 3X", NA, None, ""),
        ("IBAN de88370400440532013000", NA, None, ""),
    ]);
}

#[test]
fn national_phone_formats_of_the_configured_regions() {
    check(&[
        (
            "Call 020 7946 0958 today",
            &["GB"],
            Some(Phone),
            "020 7946 0958",
        ),
        ("Rückruf: 030 901820", &["DE"], Some(Phone), "030 901820"),
        (
            "Tél. 01 42 68 53 00",
            &["FR"],
            Some(Phone),
            "01 42 68 53 00",
        ),
        (
            "Teléfono 612 34 56 78",
            &["ES"],
            Some(Phone),
            "612 34 56 78",
        ),
        (
            "Call (02) 9876 5432",
            &["AU"],
            Some(Phone),
            "(02) 9876 5432",
        ),
        (
            "Mobile 0412\u{a0}345\u{a0}678",
            &["AU"],
            Some(Phone),
            "0412\u{a0}345\u{a0}678",
        ),
        ("Phone 098765 43210", &["IN"], Some(Phone), "098765 43210"),
        ("Tel 01.42.68.53.00", &["FR"], Some(Phone), "01.42.68.53.00"),
        ("Call 020-7946-0958", EU, Some(Phone), "020-7946-0958"),
        // Not a region the org works in: a UK national number is a digit run.
        ("Quote 020 7946 0958", NA, None, ""),
        // NANP stays the default.
        ("Call (415) 555-0132", NA, Some(Phone), "(415) 555-0132"),
    ]);
}

#[test]
fn international_numbers_are_checked_against_their_country() {
    check(&[
        ("Call +44 20 7946 0958", NA, Some(Phone), "+44 20 7946 0958"),
        (
            "Call +49\u{a0}30\u{a0}901820",
            NA,
            Some(Phone),
            "+49\u{a0}30\u{a0}901820",
        ),
        ("Call +91 98765 43210", NA, Some(Phone), "+91 98765 43210"),
        ("Call +61 412 345 678", NA, Some(Phone), "+61 412 345 678"),
        ("Call +34 612 34 56 78", NA, Some(Phone), "+34 612 34 56 78"),
        // Wrong length for the country.
        ("Call +44 20 7946 095", NA, None, ""),
        ("Call +33 1 42 68 53 001", NA, None, ""),
        ("Call +1 415 555 01", NA, None, ""),
    ]);
}

#[test]
fn bare_national_numbers_need_words_that_say_so() {
    check(&[
        ("phone 4155550132", NA, Some(Phone), "4155550132"),
        (
            "Rückruf unter 02079460958",
            &["GB"],
            Some(Phone),
            "02079460958",
        ),
        ("Teléfono: 612345678", &["ES"], Some(Phone), "612345678"),
        ("téléphone 0142685300", &["FR"], Some(Phone), "0142685300"),
        ("telefone 0412345678", &["AU"], Some(Phone), "0412345678"),
        ("Order 4155550132", NA, None, ""),
        ("Ticket 02079460958", &["GB"], None, ""),
        ("Call about order 4155550132", NA, None, ""),
        ("Tracking 612345678", &["ES"], None, ""),
    ]);
}

#[test]
fn unicode_email_addresses() {
    check(&[
        (
            "Mail josé.núñez@correo.es.",
            NA,
            Some(Email),
            "josé.núñez@correo.es",
        ),
        (
            "E-Mail: jürgen@münchen.de",
            NA,
            Some(Email),
            "jürgen@münchen.de",
        ),
        (
            "联系 用户@例子.广告 谢谢",
            NA,
            Some(Email),
            "用户@例子.广告",
        ),
        (
            "<françois@exemple.fr>",
            NA,
            Some(Email),
            "françois@exemple.fr",
        ),
        (
            "[mail](mailto:ana@exemplo.com.br)",
            NA,
            Some(Email),
            "ana@exemplo.com.br",
        ),
        (
            "xn: user@xn--mnchen-3ya.de",
            NA,
            Some(Email),
            "user@xn--mnchen-3ya.de",
        ),
        ("j***@münchen.de", NA, None, ""),
        ("{{customerEmail}}", NA, None, ""),
    ]);
}

#[test]
fn bare_ssns_named_in_five_languages() {
    check(&[
        (
            "Número de seguro social: 078051120",
            NA,
            Some(Ssn),
            "078051120",
        ),
        (
            "numéro de sécurité sociale 078051120",
            NA,
            Some(Ssn),
            "078051120",
        ),
        (
            "Sozialversicherungsnummer 078051120",
            NA,
            Some(Ssn),
            "078051120",
        ),
        (
            "Número da seguridade social 078051120",
            NA,
            Some(Ssn),
            "078051120",
        ),
        ("SSN 078.05.1120", NA, Some(Ssn), "078.05.1120"),
        ("Pedido 078051120", NA, None, ""),
        ("Commande 078051120", NA, None, ""),
        ("Bestellung 078051120", NA, None, ""),
    ]);
}

#[test]
fn hard_negatives_stay_clean_everywhere() {
    let texts = [
        "***-**-1234",
        "**** 4242",
        "j***@example.com",
        "{{customerEmail}} {{customerPhone}}",
        "550e8400-e29b-41d4-a716-446655440000",
        "ISBN 978-3-16-148410-0",
        "Server 192.168.10.12",
        "Fecha 15.01.2024",
        "Datum 2024-01-15",
        "Horario 09:30–17:45",
        "Preis €1.234,56",
        "UPS 1Z999AA10123456784",
        "FedEx tracking 449044304137821",
        "FedEx 7489 1234 5678",
        "Version v10.4.22",
        "Release 2.10.3.4",
        "IBAN DE88 3704 0044 0532 0130 00",
        "Card 4111 1111 1111 1112",
        "Call +44 20 7946 09",
        "Order 123456789",
        "Ticket #4155550132",
        "Claim 0207946095812",
        "IBAN PT90 8404 5284 7618 1345 1682 3",
        "IBAN NL35 HFZD 3137 5698 04",
        "Referenz: 4793 6507 3127",
    ];
    for text in texts {
        assert_eq!(found(text, &regions(EU)), vec![], "{text:?}");
        assert_eq!(found(text, &regions(NA)), vec![], "{text:?}");
    }
}

#[test]
fn masking_keeps_the_same_tail_for_new_formats() {
    let rows: &[(&str, &[&str], &str)] = &[
        (
            "Card 4242\u{a0}4242\u{a0}4242\u{a0}4242",
            NA,
            "Card **** **** **** 4242",
        ),
        (
            "Card 4242 - 4242 - 4242 - 4242",
            NA,
            "Card **** **** **** 4242",
        ),
        (
            "IBAN de89370400440532013000",
            NA,
            "IBAN DE****************3000",
        ),
        ("SSN 078051120", NA, "SSN ***-**-1120"),
        ("Tel 020 7946 0958", &["GB"], "Tel *** **** 0958"),
        (
            "Tel +49\u{a0}30\u{a0}901820",
            NA,
            "Tel +49\u{a0}**\u{a0}**1820",
        ),
        ("Tél. 01.42.68.53.00", &["FR"], "Tél. **.**.**.53.00"),
        ("Mail josé@correo.es", NA, "Mail j***@correo.es"),
    ];
    for &(text, codes, want) in rows {
        assert_eq!(mask_text_for(text, &[], &regions(codes)), want, "{text:?}");
    }
}

#[test]
fn regions_parse_and_default() {
    assert_eq!(
        PhoneRegions::parse::<&str>(&[]),
        Ok(PhoneRegions::north_america())
    );
    assert_eq!(regions(&["gb", "GB"]).to_string(), "GB");
    assert_eq!(
        PhoneRegions::parse(&["XX"]),
        Err(UnknownRegion { code: "XX".into() })
    );
    assert_eq!(PhoneRegions::for_country(Some("DE")).to_string(), "DE");
    assert_eq!(
        PhoneRegions::for_country(None),
        PhoneRegions::north_america()
    );
}
