//! `cargo bench --bench pii`: precision and recall of the PII detectors, per
//! kind, on a generated and labelled corpus of multilingual agent guidance
//! (issue target: precision ≥ 0.98 and recall ≥ 0.97 overall).

use std::collections::BTreeMap;
use std::time::Instant;

use assistform::diagnostic::Code;
use assistform::pii::{PhoneRegions, PiiKind, scan_for};

#[path = "pii/corpus.rs"]
mod corpus;

const SEED: u64 = 0x5eed_0d17;
const SAMPLES: usize = 1_000;

#[derive(Default)]
struct Tally {
    true_positives: usize,
    false_positives: usize,
    false_negatives: usize,
}

impl Tally {
    fn precision(&self) -> f64 {
        ratio(
            self.true_positives,
            self.true_positives + self.false_positives,
        )
    }
    fn recall(&self) -> f64 {
        ratio(
            self.true_positives,
            self.true_positives + self.false_negatives,
        )
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

fn main() {
    let samples = corpus::generate(SEED, SAMPLES);
    let regions = PhoneRegions::parse(corpus::REGIONS).expect("known regions");
    let mut per_kind: BTreeMap<PiiKind, Tally> = BTreeMap::new();
    let mut misses: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let start = Instant::now();
    for sample in &samples {
        let found: Vec<(PiiKind, std::ops::Range<usize>)> = scan_for(&sample.text, &[], &regions)
            .into_iter()
            .map(|m| (m.kind, m.range))
            .collect();
        for label in &sample.labels {
            let tally = per_kind.entry(label.0).or_default();
            if found.contains(label) {
                tally.true_positives += 1;
            } else {
                tally.false_negatives += 1;
                misses
                    .entry(format!("missed {}", sample.case))
                    .or_default()
                    .push(sample.text.clone());
            }
        }
        for f in found.iter().filter(|f| !sample.labels.contains(f)) {
            per_kind.entry(f.0).or_default().false_positives += 1;
            misses
                .entry(format!("false {} in {}", Code::from(f.0), sample.case))
                .or_default()
                .push(sample.text.clone());
        }
    }
    let elapsed = start.elapsed();
    let positives: usize = samples.iter().filter(|s| !s.labels.is_empty()).count();
    println!(
        "pii: {} texts ({positives} with personal data, {} hard negatives), phone regions {regions}",
        samples.len(),
        samples.len() - positives
    );
    println!(
        "  {:<10} {:>6} {:>6} {:>6} {:>9} {:>7}",
        "kind", "tp", "fp", "fn", "precision", "recall"
    );
    let mut total = Tally::default();
    for (kind, t) in &per_kind {
        println!(
            "  {:<10} {:>6} {:>6} {:>6} {:>9.3} {:>7.3}",
            Code::from(*kind),
            t.true_positives,
            t.false_positives,
            t.false_negatives,
            t.precision(),
            t.recall()
        );
        total.true_positives += t.true_positives;
        total.false_positives += t.false_positives;
        total.false_negatives += t.false_negatives;
    }
    println!(
        "  {:<10} {:>6} {:>6} {:>6} {:>9.3} {:>7.3}",
        "overall",
        total.true_positives,
        total.false_positives,
        total.false_negatives,
        total.precision(),
        total.recall()
    );
    println!(
        "  scan time: {:.1} ms for the corpus",
        elapsed.as_secs_f64() * 1000.0
    );
    println!("  target: precision >= 0.98, recall >= 0.97 overall");
    for (case, texts) in &misses {
        println!("  {case} ({}x), e.g. {:?}", texts.len(), texts[0]);
    }
}
