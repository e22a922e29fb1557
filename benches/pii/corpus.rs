//! A labelled corpus of agent-guidance texts, generated from the rules that make
//! a value valid (Luhn, IBAN mod-97 and country formats, libphonenumber's
//! metadata, the SSA's issuable ranges) and never from the detector's output:
//! every label is known by construction.

use std::ops::Range;

use assistform::pii::PiiKind;
use phonenumber::Mode;
use phonenumber::country::Id;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

/// The phone regions the corpus is scanned with: the countries its national
/// numbers come from.
pub const REGIONS: &[&str] = &["US", "GB", "DE", "FR", "ES", "AU", "IN"];

pub struct Sample {
    pub text: String,
    /// Where each piece of personal data is, and what it is.
    pub labels: Vec<(PiiKind, Range<usize>)>,
    /// Which case this is, for reporting misses: "card/nbsp", "neg/ups".
    pub case: String,
}

/// `n` samples, the same for the same `seed`.
pub fn generate(seed: u64, n: usize) -> Vec<Sample> {
    let mut g = Gen {
        rng: SmallRng::seed_from_u64(seed),
    };
    (0..n).map(|i| g.sample(i)).collect()
}

struct Gen {
    rng: SmallRng,
}

/// A text being built: literal pieces and labelled values.
struct Builder {
    text: String,
    labels: Vec<(PiiKind, Range<usize>)>,
}

impl Builder {
    fn new() -> Builder {
        Builder {
            text: String::new(),
            labels: Vec::new(),
        }
    }
    fn lit(&mut self, s: &str) -> &mut Builder {
        self.text.push_str(s);
        self
    }
    fn pii(&mut self, kind: PiiKind, value: &str) -> &mut Builder {
        let start = self.text.len();
        self.text.push_str(value);
        self.labels.push((kind, start..self.text.len()));
        self
    }
}

const LANGS: &[&str] = &["en", "es", "fr", "de", "pt"];

/// Separators people put between digit groups.
const SEPS: &[(&str, &str)] = &[
    ("space", " "),
    ("dash", "-"),
    ("nbsp", "\u{a0}"),
    ("thin", "\u{2009}"),
    ("nnbsp", "\u{202f}"),
    ("dot", "."),
    ("spaced-dash", " - "),
];

impl Gen {
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.rng.random_range(0..items.len())]
    }

    fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + self.rng.random_range(0..10u8)))
            .collect()
    }

    fn sample(&mut self, i: usize) -> Sample {
        let lang = *self.pick(LANGS);
        let mut b = Builder::new();
        // Two thirds positives of every kind, one third hard negatives.
        let case = match i % 9 {
            0 | 1 => self.card(&mut b, lang),
            2 => self.iban(&mut b, lang),
            3 => self.email(&mut b, lang),
            4 | 5 => self.phone(&mut b, lang),
            6 => self.ssn(&mut b, lang),
            _ => self.negative(&mut b, lang),
        };
        Sample {
            text: b.text,
            labels: b.labels,
            case,
        }
    }

    // ---------------------------------------------------------------- cards

    fn card(&mut self, b: &mut Builder, lang: &str) -> String {
        let (network, number) = self.card_number();
        let (style, printed) = self.card_printed(&number);
        let (before, after) = match lang {
            "es" => ("Si el cliente dicta la tarjeta ", ", no la repitas."),
            "fr" => ("Ne lisez jamais la carte « ", " » à voix haute."),
            "de" => ("Kartennummer: ", " — bitte nicht notieren."),
            "pt" => ("O cartão **", "** foi recusado; peça outro."),
            _ => ("Card on file (", ") was declined; offer a new link."),
        };
        b.lit(before).pii(PiiKind::Card, &printed).lit(after);
        format!("card/{network}/{style}")
    }

    /// A Luhn-valid number in a real IIN range, at a length its network issues.
    fn card_number(&mut self) -> (&'static str, String) {
        const NETWORKS: &[(&str, &[&str], &[usize])] = &[
            ("visa", &["4"], &[16, 13, 19]),
            (
                "mastercard",
                &["51", "53", "55", "2221", "2720", "2345"],
                &[16],
            ),
            ("amex", &["34", "37"], &[15]),
            ("discover", &["6011", "644", "65"], &[16, 19]),
            ("diners", &["300", "36", "38"], &[14]),
            ("jcb", &["3528", "3589"], &[16]),
            ("unionpay", &["62"], &[16, 19]),
            ("maestro", &["50", "6759", "63"], &[16, 13]),
            ("mir", &["2200", "2201", "2204"], &[16]),
            ("rupay", &["60", "508"], &[16]),
            ("troy", &["9792"], &[16]),
        ];
        let &(name, prefixes, lengths) = self.pick(NETWORKS);
        let prefix = *self.pick(prefixes);
        let len = *self.pick(lengths);
        let mut number = format!("{prefix}{}", self.digits(len - prefix.len() - 1));
        number.push(luhn_digit(&number));
        (name, number)
    }

    fn card_printed(&mut self, number: &str) -> (String, String) {
        let len = number.len();
        let grouping: Vec<usize> = match (len, self.rng.random_range(0..4)) {
            (_, 0) => vec![len],
            (15, _) => vec![4, 6, 5],
            (14, _) => vec![4, 6, 4],
            (16, 3) => vec![8, 8],
            _ => vec![4; len.div_ceil(4)],
        };
        let &(name, sep) = self.pick(SEPS);
        if grouping.len() == 1 {
            return ("compact".into(), number.to_string());
        }
        (name.to_string(), group(number, &grouping, sep))
    }

    // ---------------------------------------------------------------- IBANs

    fn iban(&mut self, b: &mut Builder, lang: &str) -> String {
        let (country, compact) = self.iban_compact();
        let (style, printed) = match self.rng.random_range(0..5) {
            0 => ("compact", compact.clone()),
            1 => ("print", group(&compact, &[4; 9], " ")),
            2 => ("lower", compact.to_lowercase()),
            3 => ("print-nbsp", group(&compact, &[4; 9], "\u{a0}")),
            _ => ("print-lower", group(&compact.to_lowercase(), &[4; 9], " ")),
        };
        let (before, after) = match lang {
            "es" => ("Transfiera el reembolso a la cuenta ", " y confirme."),
            "fr" => ("IBAN du client : ", "."),
            "de" => ("Erstattung auf IBAN „", "“ veranlassen."),
            "pt" => ("Conta para reembolso: ", "; verificar titular."),
            _ => ("Refund to `", "` once approved."),
        };
        b.lit(before).pii(PiiKind::Iban, &printed).lit(after);
        format!("iban/{country}/{style}")
    }

    /// An IBAN in the country's registered BBAN format with correct check digits.
    fn iban_compact(&mut self) -> (&'static str, String) {
        // (country, BBAN pattern: n digits, a upper-case letters, c either).
        const FORMATS: &[(&str, &str)] = &[
            ("DE", "18n"),
            ("GB", "4a14n"),
            ("FR", "10n11c2n"),
            ("ES", "20n"),
            ("IT", "1a10n12c"),
            ("NL", "4a10n"),
            ("BE", "12n"),
            ("PT", "21n"),
            ("AT", "16n"),
            ("CH", "5n12c"),
            ("PL", "24n"),
            ("SE", "20n"),
            ("IE", "4a14n"),
            ("NO", "11n"),
            ("DK", "14n"),
            ("BR", "23n1a1c"),
            ("TR", "5n1n16c"),
        ];
        let &(country, pattern) = self.pick(FORMATS);
        let mut bban = String::new();
        let mut count = 0usize;
        for c in pattern.chars() {
            if let Some(d) = c.to_digit(10) {
                count = count * 10 + d as usize;
                continue;
            }
            for _ in 0..count {
                let upper = char::from(b'A' + self.rng.random_range(0..26u8));
                let digit = char::from(b'0' + self.rng.random_range(0..10u8));
                bban.push(match c {
                    'a' => upper,
                    'c' if self.rng.random_bool(0.3) => upper,
                    _ => digit,
                });
            }
            count = 0;
        }
        let check = 98 - mod97(&format!("{bban}{country}00"));
        (country, format!("{country}{check:02}{bban}"))
    }

    // ---------------------------------------------------------------- emails

    fn email(&mut self, b: &mut Builder, lang: &str) -> String {
        const LOCALS: &[&str] = &[
            "john.doe",
            "maria.garcia+pedidos",
            "josé.núñez",
            "françois.dupont",
            "jürgen.müller",
            "joão.silva",
            "李雷",
            "o_brien",
            "support-team",
            "anna.k",
        ];
        const DOMAINS: &[(&str, &str)] = &[
            ("ascii", "example.com"),
            ("ascii", "correo.example.es"),
            ("ascii", "mail.example.co.uk"),
            ("idn", "münchen-beispiel.de"),
            ("idn", "bücher.example"),
            ("idn", "españa-ejemplo.es"),
            ("idn", "例子.广告"),
            ("idn", "exemplo.com.br"),
        ];
        let local = *self.pick(LOCALS);
        let &(kind, domain) = self.pick(DOMAINS);
        let address = format!("{local}@{domain}");
        let (before, after) = match lang {
            "es" => ("Escriba a ", " si el pedido no llega."),
            "fr" => ("Contact : <", ">"),
            "de" => ("E-Mail des Kunden: „", "“."),
            "pt" => ("Envie a confirmação para ", "."),
            _ => ("Reply to [", "](mailto:x) within a day."),
        };
        b.lit(before).pii(PiiKind::Email, &address).lit(after);
        let unicode = if local.is_ascii() { "ascii" } else { "unicode" };
        format!("email/{unicode}-local/{kind}")
    }

    // ---------------------------------------------------------------- phones

    fn phone(&mut self, b: &mut Builder, lang: &str) -> String {
        let region = *self.pick(REGIONS);
        let Some(number) = self.phone_number(region) else {
            return self.card(b, lang);
        };
        let international = number.format().mode(Mode::International).to_string();
        let national = number.format().mode(Mode::National).to_string();
        let e164 = number.format().mode(Mode::E164).to_string();
        let (style, printed, bare) = match self.rng.random_range(0..6) {
            0 => ("intl", international, false),
            1 => ("e164", e164, false),
            2 => {
                let &(name, sep) = self.pick(&SEPS[..6]);
                (name, reseparate(&national, sep), false)
            }
            3 => {
                let &(name, sep) = self.pick(&SEPS[..6]);
                (name, reseparate(&international, sep), false)
            }
            4 => ("national", national, false),
            _ => (
                "bare",
                national.chars().filter(char::is_ascii_digit).collect(),
                true,
            ),
        };
        let (before, after) = match (lang, bare) {
            ("es", _) => ("Devuelva la llamada al teléfono ", " antes de las 18:00."),
            ("fr", _) => ("Rappeler le client au téléphone ", " demain."),
            ("de", _) => ("Rückruf unter ", " vereinbart."),
            ("pt", _) => ("Ligar para o telefone ", " após as 9h."),
            _ => ("Customer asked for a call back, phone ", "."),
        };
        b.lit(before).pii(PiiKind::Phone, &printed).lit(after);
        format!("phone/{region}/{style}")
    }

    /// A number libphonenumber calls valid for `region`: the metadata's example
    /// fixed-line or mobile number with its last digits drawn at random.
    fn phone_number(&mut self, region: &str) -> Option<phonenumber::PhoneNumber> {
        let id: Id = region.parse().ok()?;
        let meta = phonenumber::metadata::DATABASE.by_id(region)?;
        let descriptors = meta.descriptors();
        let example = if self.rng.random_bool(0.5) {
            descriptors.fixed_line()
        } else {
            descriptors.mobile()
        }?
        .example()?
        .to_string();
        for _ in 0..20 {
            let keep = example.len().saturating_sub(4);
            let candidate = format!("{}{}", &example[..keep], self.digits(example.len() - keep));
            if let Ok(n) = phonenumber::parse(Some(id), &candidate)
                && phonenumber::is_valid(&n)
            {
                return Some(n);
            }
        }
        None
    }

    // ---------------------------------------------------------------- SSNs

    fn ssn(&mut self, b: &mut Builder, lang: &str) -> String {
        let area = loop {
            let a = self.rng.random_range(1..900u32);
            if a != 666 {
                break a;
            }
        };
        let group = self.rng.random_range(1..100u32);
        let serial = self.rng.random_range(1..10_000u32);
        let (style, printed) = match self.rng.random_range(0..4) {
            0 => ("dash", format!("{area:03}-{group:02}-{serial:04}")),
            1 => ("space", format!("{area:03} {group:02} {serial:04}")),
            _ => ("bare", format!("{area:03}{group:02}{serial:04}")),
        };
        let (before, after) = match lang {
            "es" => ("Número de seguro social del cliente: ", "."),
            "fr" => (
                "Numéro de sécurité sociale (US) : ",
                " — ne pas enregistrer.",
            ),
            "de" => ("US-Sozialversicherungsnummer (SSN) ", " nicht speichern."),
            "pt" => ("Número da seguridade social: ", "."),
            _ => ("Verify the caller's SSN ", " before any change."),
        };
        b.lit(before).pii(PiiKind::Ssn, &printed).lit(after);
        format!("ssn/{style}")
    }

    // ---------------------------------------------------------------- negatives

    fn negative(&mut self, b: &mut Builder, lang: &str) -> String {
        let (name, value) = match self.rng.random_range(0..22) {
            0 => ("masked-ssn", format!("***-**-{}", self.digits(4))),
            1 => ("masked-card", format!("**** {}", self.digits(4))),
            2 => ("masked-email", "j***@example.com".to_string()),
            3 => (
                "placeholder",
                "{{customerEmail}} / {{customerPhone}}".to_string(),
            ),
            4 => (
                "uuid",
                format!(
                    "{}-{}-4{}-a{}-{}",
                    self.hex(8),
                    self.hex(4),
                    self.hex(3),
                    self.hex(3),
                    self.hex(12)
                ),
            ),
            5 => ("isbn", self.isbn()),
            6 => (
                "ip",
                format!(
                    "{}.{}.{}.{}",
                    self.rng.random_range(1..255),
                    self.rng.random_range(0..255),
                    self.rng.random_range(0..255),
                    self.rng.random_range(1..255)
                ),
            ),
            7 => (
                "date",
                format!(
                    "{:02}.{:02}.20{:02}",
                    self.rng.random_range(1..29),
                    self.rng.random_range(1..13),
                    self.rng.random_range(10..30)
                ),
            ),
            8 => (
                "time",
                format!(
                    "{:02}:{:02}–{:02}:{:02}",
                    self.rng.random_range(0..12),
                    self.rng.random_range(0..60),
                    self.rng.random_range(12..24),
                    self.rng.random_range(0..60)
                ),
            ),
            9 => (
                "price",
                format!(
                    "€{}.{},{}",
                    self.rng.random_range(1..99),
                    self.digits(3),
                    self.digits(2)
                ),
            ),
            10 => (
                "ups",
                format!("1Z{}{}{}", self.alnum(6), self.digits(2), self.digits(8)),
            ),
            11 => ("fedex", format!("tracking {}", self.digits(12))),
            12 => (
                "version",
                format!(
                    "v{}.{}.{}",
                    self.rng.random_range(1..20),
                    self.digits(2),
                    self.digits(3)
                ),
            ),
            13 => ("bad-luhn-card", self.bad_luhn_card()),
            14 => ("bad-iban", self.bad_iban()),
            15 => ("bad-length-phone", self.bad_length_phone()),
            16 => ("order-9", format!("order {}", self.digits(9))),
            17 => ("ticket-10", format!("ticket #{}", self.nonzero_digits(10))),
            18 => ("claim", format!("claim number {}", self.nonzero_digits(9))),
            19 => (
                "date-iso",
                format!(
                    "20{}-{:02}-{:02}",
                    self.rng.random_range(10..30),
                    self.rng.random_range(1..13),
                    self.rng.random_range(1..29)
                ),
            ),
            20 => ("bare-10", self.nonzero_digits(10)),
            // Twelve digits of a card: too short for one, and, like a card,
            // not starting with 0 (which would make it a national phone).
            _ => (
                "short-card",
                format!(
                    "{} {} {}",
                    self.nonzero_digits(4),
                    self.digits(4),
                    self.digits(4)
                ),
            ),
        };
        let (before, after) = match lang {
            "es" => ("Referencia: ", ". Gracias."),
            "fr" => ("Référence : ", " (voir le dossier)."),
            "de" => ("Referenz: ", " — siehe Vorgang."),
            "pt" => ("Referência: ", "."),
            _ => ("Reference: ", " (see the case notes)."),
        };
        b.lit(before).lit(&value).lit(after);
        format!("neg/{name}")
    }

    fn hex(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from_digit(self.rng.random_range(0..16), 16).unwrap_or('0'))
            .collect()
    }

    fn alnum(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| {
                if self.rng.random_bool(0.5) {
                    char::from(b'A' + self.rng.random_range(0..26u8))
                } else {
                    char::from(b'0' + self.rng.random_range(0..10u8))
                }
            })
            .collect()
    }

    fn nonzero_digits(&mut self, n: usize) -> String {
        format!("{}{}", self.rng.random_range(1..10), self.digits(n - 1))
    }

    /// ISBN-13 with its check digit, printed with hyphens.
    fn isbn(&mut self) -> String {
        let body = format!("978{}", self.digits(9));
        let sum: u32 = body
            .bytes()
            .enumerate()
            .map(|(i, d)| u32::from(d - b'0') * if i % 2 == 0 { 1 } else { 3 })
            .sum();
        let check = (10 - sum % 10) % 10;
        format!(
            "{}-{}-{}-{}-{check}",
            &body[..3],
            &body[3..4],
            &body[4..7],
            &body[7..]
        )
    }

    fn bad_luhn_card(&mut self) -> String {
        let (_, number) = self.card_number();
        let last = number.as_bytes()[number.len() - 1] - b'0';
        let wrong = char::from(b'0' + (last + 1 + self.rng.random_range(0..8u8)) % 10);
        let number = format!("{}{wrong}", &number[..number.len() - 1]);
        group(&number, &[4; 5], " ")
    }

    fn bad_iban(&mut self) -> String {
        let (_, compact) = self.iban_compact();
        let check: u32 = compact[2..4].parse().unwrap_or(0);
        let wrong = (check + 1 + self.rng.random_range(0..90)) % 97 + 2;
        let wrong = if wrong == check {
            (wrong % 96) + 2
        } else {
            wrong
        };
        group(
            &format!("{}{wrong:02}{}", &compact[..2], &compact[4..]),
            &[4; 9],
            " ",
        )
    }

    /// A `+` number one digit too long or too short for its country, as
    /// libphonenumber judges it.
    fn bad_length_phone(&mut self) -> String {
        loop {
            let region = *self.pick(&REGIONS[1..]);
            let Some(number) = self.phone_number(region) else {
                continue;
            };
            let e164 = number.format().mode(Mode::E164).to_string();
            let wrong = if self.rng.random_bool(0.5) {
                format!("{e164}{}", self.digits(1))
            } else {
                e164[..e164.len() - 1].to_string()
            };
            let invalid =
                phonenumber::parse(None, &wrong).map_or(true, |n| !phonenumber::is_valid(&n));
            if invalid {
                return wrong;
            }
        }
    }
}

fn luhn_digit(body: &str) -> char {
    let sum: u32 = body
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, d)| {
            let d = u32::from(d - b'0');
            if i % 2 == 0 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    char::from(b'0' + ((10 - sum % 10) % 10) as u8)
}

fn mod97(s: &str) -> u32 {
    s.chars().fold(0, |r, c| match c.to_digit(36) {
        Some(v) if v >= 10 => (r * 100 + v) % 97,
        Some(v) => (r * 10 + v) % 97,
        None => r,
    })
}

fn group(s: &str, sizes: &[usize], sep: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut parts = Vec::new();
    let mut at = 0;
    for &n in sizes {
        if at >= chars.len() {
            break;
        }
        let end = (at + n).min(chars.len());
        parts.push(chars[at..end].iter().collect::<String>());
        at = end;
    }
    if at < chars.len() {
        parts.push(chars[at..].iter().collect());
    }
    parts.join(sep)
}

/// `number` with every run of non-digit separators (but brackets and `+`)
/// replaced by `sep`.
fn reseparate(number: &str, sep: &str) -> String {
    let mut out = String::new();
    let mut pending = false;
    for c in number.chars() {
        if c.is_ascii_digit() || matches!(c, '(' | ')' | '+') {
            if pending && !out.is_empty() && !out.ends_with(['(', '+']) && c != ')' {
                out.push_str(sep);
            }
            pending = false;
            out.push(c);
        } else {
            pending = true;
        }
    }
    out
}
