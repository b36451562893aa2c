//! Throughput of reading and rendering, on a generated corpus: `cargo bench --bench convert`.
//!
//! Prints, for each case, articles per second and MB of input per second on one core. The
//! corpus is made by a fixed pseudo-random generator, so every run measures the same bytes.

use newsarc::convert::{Naming, render};
use newsarc::read::{ReadOptions, text::read};
use std::time::{Duration, Instant};

/// xorshift64: a fixed, dependency-free source of "random" choices.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

const WORDS: &[&str] = &[
    "the",
    "council",
    "voted",
    "on",
    "Tuesday",
    "to",
    "extend",
    "library",
    "hours",
    "after",
    "residents",
    "asked",
    "for",
    "more",
    "space",
    "harbour",
    "ferry",
    "service",
    "resumed",
    "storm",
    "repairs",
    "mayor",
    "said",
    "budget",
    "school",
    "river",
    "bridge",
    "market",
    "festival",
    "volunteers",
    "*quickly*",
    "**record**",
    "[report](https://example.org/r)",
];
const PLACES: &[&str] = &["Millbrook", "Carrow Bay", "Fenwick", "Port Aldous", "Eastmere"];
const MONTHS: &[&str] = &["January", "March", "Jun", "Sept.", "20 mar"];

/// One article of about `paragraphs` paragraphs in the input format.
fn article(rng: &mut Rng, paragraphs: usize) -> String {
    let mut s = format!("# *{} {} {}*\n\n---\n\n", rng.pick(WORDS), rng.pick(WORDS), rng.pick(WORDS));
    s.push_str(&format!("{}, {} {} (NWR)-- ", rng.pick(PLACES), rng.pick(MONTHS), 1 + rng.next() % 28));
    for p in 0..paragraphs {
        let words = 40 + rng.next() % 60;
        for _ in 0..words {
            s.push_str(rng.pick(WORDS));
            s.push(' ');
        }
        s.push_str(".\n\n");
        if p % 5 == 4 {
            s.push_str("* one item\n* another item\n\n> a quoted line\n\n");
        }
    }
    s.push_str("---\n\n<https://example.org/news/1>\n\n**Northwind Radio**");
    s
}

fn measure(name: &str, inputs: &[Vec<u8>]) {
    let options = ReadOptions::default();
    let bytes: usize = inputs.iter().map(Vec::len).sum();
    let mut best = Duration::MAX;
    for _ in 0..3 {
        let start = Instant::now();
        for input in inputs {
            let article = read(input, &options).expect("generated articles read");
            let out = render(&article, &["ninjs", "metadata"], Naming::ById).expect("renders");
            std::hint::black_box(out);
        }
        best = best.min(start.elapsed());
    }
    let secs = best.as_secs_f64();
    println!(
        "{name:<28} {:>7} articles {:>8.1} MB  {:>9.0} articles/s  {:>7.1} MB/s  (best of 3: {:.3} s)",
        inputs.len(),
        bytes as f64 / 1e6,
        inputs.len() as f64 / secs,
        bytes as f64 / 1e6 / secs,
        secs
    );
}

fn main() {
    let mut rng = Rng(0x5EED_2026);
    let typical: Vec<Vec<u8>> = (0..5_000).map(|_| article(&mut rng, 8).into_bytes()).collect();
    measure("typical articles (~4 KB)", &typical);
    let long: Vec<Vec<u8>> = (0..50).map(|_| article(&mut rng, 400).into_bytes()).collect();
    measure("long articles (~200 KB)", &long);
    let huge = vec![article(&mut rng, 100_000).into_bytes()];
    measure("one huge article", &huge);
    let million =
        vec![format!("# M\n\n{}", (0..1_000_000).map(|i| format!("p{i}\n\n")).collect::<String>()).into_bytes()];
    measure("a million paragraphs", &million);
    let deep = vec![format!("# D\n\n{} deep\n", ">".repeat(10_000)).into_bytes()];
    measure("quotes 10,000 deep", &deep);
}
