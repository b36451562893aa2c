//! HTML pages (issue 21): the facts each page fixture publishes land in the model, boilerplate
//! stays out of the body, a listing page is refused, the declared charset is honoured, reading
//! is deterministic and hostile markup does not panic; and the main text's quality on the two
//! benchmarks with ground truth (Zyte, WCXB), scored as their evaluate.py score it.

use crate::util::*;
use newsarc::model::text::{for_each_text, plain_text};
use newsarc::model::{Article, Block, Inline};
use newsarc::read::{ReadOptions, html};
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

fn body_text(article: &Article) -> String {
    let mut out = String::new();
    for_each_text(&article.body, &mut |t| {
        out.push_str(t);
        out.push('\n');
    });
    out
}

/// The body's text as a reader sees it: a line per block, images by their captions only (an
/// image's alt text is not shown, and the benchmarks' ground truth leaves it out).
fn shown_text(blocks: &[Block], out: &mut String) {
    fn inlines(content: &[Inline], out: &mut String) {
        for inline in content {
            match inline {
                Inline::Text { text } | Inline::Code { text } => out.push_str(text),
                Inline::Emphasis { content } | Inline::Strong { content } | Inline::Link { content, .. } => {
                    inlines(content, out)
                }
                Inline::LineBreak | Inline::SoftBreak => out.push('\n'),
                Inline::Image { .. } => {}
            }
        }
    }
    for block in blocks {
        match block {
            Block::Paragraph { content } | Block::Heading { content, .. } | Block::Image { caption: content, .. } => {
                inlines(content, out)
            }
            Block::Quote { blocks } => shown_text(blocks, out),
            Block::List { items, .. } => items.iter().for_each(|i| shown_text(&i.blocks, out)),
            Block::Code { text, .. } => out.push_str(text),
            Block::Table { header, rows, .. } => header.iter().chain(rows.iter().flatten()).for_each(|c| {
                inlines(c, out);
                out.push(' ');
            }),
            Block::Rule => {}
        }
        out.push('\n');
    }
}

fn paragraphs(article: &Article) -> usize {
    article.body.iter().filter(|b| matches!(b, Block::Paragraph { .. })).count()
}

#[test]
fn the_json_ld_page_gives_its_facts() {
    let a = article("html-jsonld-newsarticle.html");
    assert_eq!(a.headline.as_deref(), Some("Kestrel Falls votes to rebuild the old footbridge"));
    assert_eq!(a.byline.as_deref(), Some("Mara Quint and Tobias Hale & Ines Roe"));
    assert_eq!(a.date.map(|d| d.to_string()).as_deref(), Some("2024-03-04"));
    assert_eq!(a.version_created.map(|t| t.to_string()).as_deref(), Some("2024-03-05T09:15:00Z"));
    assert_eq!(a.publisher.as_deref(), Some("Kestrel Broadcasting Network"));
    assert_eq!(a.language, "en-GB");
    assert_eq!(a.source_url.as_deref(), Some("https://example.org/kbn/local/footbridge-rebuild"));
    // The canonical URL names the article, as a text article's source URL does.
    assert_eq!(a.uri, newsarc::model::uri_for_source_url("https://example.org/kbn/local/footbridge-rebuild"));
    assert_eq!(a.id, "html-jsonld-newsarticle");
    let dateline = a.dateline.as_ref().unwrap();
    assert_eq!((dateline.place.as_deref(), dateline.agency.as_deref()), (Some("KESTREL FALLS"), Some("KBN")));
    let kinds: Vec<&str> = a
        .body
        .iter()
        .map(|b| match b {
            Block::Paragraph { .. } => "p",
            Block::Heading { .. } => "h",
            Block::Table { .. } => "table",
            Block::List { .. } => "list",
            Block::Quote { .. } => "quote",
            Block::Image { .. } => "image",
            _ => "other",
        })
        .collect();
    assert_eq!(kinds, ["p", "p", "h", "p", "table", "p", "list", "quote", "image", "p"]);
    let Some(Block::Table { header, rows, .. }) = a.body.iter().find(|b| matches!(b, Block::Table { .. })) else {
        unreachable!()
    };
    assert_eq!(header.iter().map(|c| plain_text(c)).collect::<Vec<_>>(), ["Source", "Share"]);
    assert_eq!(rows.len(), 3);
    let Some(Block::Image { src, caption, .. }) = a.body.iter().find(|b| matches!(b, Block::Image { .. })) else {
        unreachable!()
    };
    assert_eq!(src, "https://example.org/kbn/img/footbridge.jpg");
    assert_eq!(plain_text(caption), "The footbridge has been closed since the flood. Photo: KBN");
    let text = body_text(&a);
    assert!(text.contains("Dana Wells"), "{text}");
    assert!(!text.contains("12 Market Square"), "the site footer: {text}");
}

#[test]
fn the_opengraph_page_gives_its_facts() {
    let a = article("html-opengraph-only.html");
    assert_eq!(a.headline.as_deref(), Some("Velloria abre su primera biblioteca nocturna"));
    assert_eq!(a.byline.as_deref(), Some("Lucía Ferrán"));
    assert_eq!(a.date.map(|d| d.to_string()).as_deref(), Some("2023-11-20"));
    assert_eq!(a.version_created.map(|t| t.to_string()).as_deref(), Some("2023-11-20T20:05:00Z"));
    assert_eq!(a.publisher.as_deref(), Some("Noticias del Valle"));
    assert_eq!(a.language, "es-ES");
    assert_eq!(a.source_url.as_deref(), Some("https://example.com/valle/cultura/biblioteca-nocturna"));
    assert_eq!(paragraphs(&a), 4);
}

#[test]
fn the_latin1_page_is_decoded_by_its_meta_charset() {
    let a = article("html-latin1-meta-charset.html");
    assert_eq!(a.headline.as_deref(), Some("Eastmere : la fête du cidre déménage au port"));
    assert_eq!(a.byline.as_deref(), Some("Hélène Marchetti"));
    assert_eq!(a.date.map(|d| d.to_string()).as_deref(), Some("2022-09-14"));
    assert_eq!(a.language, "fr");
    assert_eq!(a.source_url, None);
    assert_eq!(paragraphs(&a), 3);
    let text = body_text(&a);
    assert!(text.contains("présidente du comité") && !text.contains('\u{FFFD}'), "{text}");
    assert!(a.warnings.iter().all(|w| w.code.as_str() != "NA-READ-002"), "{:?}", a.warnings);
    // The same page read as UTF-8 (its declaration removed) would not be this text.
    let bytes = std::fs::read(fixture("html-latin1-meta-charset.html")).unwrap();
    assert!(std::str::from_utf8(&bytes).is_err());
}

#[test]
fn boilerplate_stays_out_of_the_body() {
    let a = article("html-boilerplate.html");
    assert_eq!(a.headline.as_deref(), Some("Port Aldous harbour wall repairs finish early"));
    assert_eq!(a.byline.as_deref(), Some("Jane Doe"));
    assert_eq!(a.dateline.as_ref().and_then(|d| d.place.as_deref()), Some("PORT ALDOUS"));
    assert_eq!(a.date.map(|d| d.to_string()).as_deref(), Some("2024-08-02"));
    assert_eq!(a.publisher.as_deref(), Some("Harbor Daily Wire"));
    assert_eq!(a.language, "en");
    assert_eq!(paragraphs(&a), 4);
    let text = body_text(&a);
    for boilerplate in
        ["cookies", "Share on", "Related stories", "newsletter", "comments", "fishermen", "Copyright", "Contact us"]
    {
        assert!(!text.contains(boilerplate), "{boilerplate} in the body:\n{text}");
    }
    assert!(text.contains("forty metres of facing stone"), "{text}");
}

#[test]
fn a_listing_page_is_refused() {
    let err = try_load_path(&fixture("html-listing-page.html")).unwrap_err().to_string();
    assert!(err.ends_with("an HTML page that is not an article: 55 of the 91 words of its main text are links (a listing or an index?)"), "{err}");
    // And in a batch, the others go on (exit 1), the page named.
    let dir = tempfile::tempdir().unwrap();
    let out = newsarc()
        .arg("convert")
        .arg(fixture("html-listing-page.html"))
        .arg(fixture("html-opengraph-only.html"))
        .arg("-o")
        .arg(dir.path())
        .arg("-q")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("html-listing-page.html: an HTML page that is not an article"), "{err}");
    assert!(dir.path().join("html-opengraph-only.ninjs.json").exists());
    assert!(!dir.path().join("html-listing-page.ninjs.json").exists());
}

#[test]
fn pages_with_too_little_text_are_refused() {
    // The 10 words: `Page not found` (not the `<title>`, so not the headline) and the sentence.
    let page = b"<!doctype html><html><head><title>Not found</title></head><body><h1>Page not found</h1><p>Sorry, we could not find that page.</p></body></html>";
    let err = html::read(page, &ReadOptions::default()).unwrap_err().to_string();
    assert_eq!(
        err,
        "an HTML page that is not an article: its main text is 10 words, fewer than the 40 of an article (a listing, an index or an error page?)"
    );
}

#[test]
fn reading_a_page_twice_gives_the_same_article_and_renditions() {
    for name in ["html-jsonld-newsarticle.html", "html-boilerplate.html", "html-latin1-meta-charset.html"] {
        let (a, b) = (article(name), article(name));
        assert_eq!(a, b, "{name}");
        let render = |a: &Article| {
            newsarc::convert::render(a, &["newsml", "epub", "ninjs", "metadata"], newsarc::convert::Naming::ById)
                .unwrap()
                .into_iter()
                .map(|r| r.bytes)
                .collect::<Vec<_>>()
        };
        assert_eq!(render(&a), render(&b), "{name}");
    }
}

/// Parsing and extraction cost more than linear time in the nesting depth: 20,000 nested `div`s
/// took 96 s in a debug build. Such a page is refused before it is parsed; a page nested 990
/// deep is still read.
#[test]
fn a_page_nested_too_deep_is_refused_before_parsing() {
    let words = "word ".repeat(60);
    let nested =
        |n: usize| format!("<html><body>{}<p>{words}</p>{}</body></html>", "<div>".repeat(n), "</div>".repeat(n));
    let start = std::time::Instant::now();
    // 20,002: `html`, `body` and the `div`s.
    let err = html::read(nested(20_000).as_bytes(), &ReadOptions::default()).unwrap_err().to_string();
    assert_eq!(
        err,
        "an HTML page that is not an article: its elements nest 20002 deep, deeper than the 1000 newsarc reads"
    );
    let lists = format!("<body>{}{words}</body>", "<ul><li>".repeat(5_000));
    assert!(html::read(lists.as_bytes(), &ReadOptions::default()).is_err());
    assert!(start.elapsed() < std::time::Duration::from_secs(2), "{:?}", start.elapsed());
    let article = html::read(nested(990).as_bytes(), &ReadOptions::default()).unwrap();
    assert_eq!(article.word_count, 60);
}

#[test]
fn hostile_markup_is_read_or_refused_without_a_panic() {
    let words = "word ".repeat(60);
    let cases: Vec<Vec<u8>> = vec![
        b"<html><body><p>unclosed <b><i><a href=".to_vec(),
        b"<!doctype html><script type=application/ld+json>{\"@type\":\"NewsArticle\",\"author\":[[[[{}]]]],\"datePublished\":\"9999-99-99T99\"}</script><p>x</p>".to_vec(),
        b"<meta charset=\"\xff\xfe\"><html><p>\x80\x81\xfe</p>".to_vec(),
        b"<html lang=\"\x00\"><body>\x00\x01\x02</body>".to_vec(),
        format!("<table>{}</table>", "<tr><td>".repeat(3_000)).into_bytes(),
        format!("<html><head><title>{}</title></head><body><h1>T</h1><p>{words}</p></body></html>", "|".repeat(5000)).into_bytes(),
    ];
    for (i, bytes) in cases.iter().enumerate() {
        let result = std::panic::catch_unwind(|| html::read(bytes, &ReadOptions::default()));
        assert!(result.is_ok(), "case {i} panicked");
    }
}

// ---------------------------------------------------------------------------------------------
// Quality on the benchmarks
// ---------------------------------------------------------------------------------------------

/// Tokens as both evaluate.py find them: `re.findall(r'\w+', ...)`.
fn tokens(text: &str) -> Vec<&str> {
    static WORD: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| regex::Regex::new(r"\w+").unwrap());
    WORD.find_iter(text).map(|m| m.as_str()).collect()
}

/// Zyte's `string_shingle_matching` (4-word shingles), normalised to sum 1: (tp, fp, fn).
fn zyte_counts(truth: &str, pred: &str) -> (f64, f64, f64) {
    fn shingles(text: &str) -> HashMap<Vec<&str>, usize> {
        let t = tokens(text);
        let mut out = HashMap::new();
        for i in 0..t.len().saturating_sub(3).max(1) {
            let s: Vec<&str> = t[i..(i + 4).min(t.len())].to_vec();
            if !s.is_empty() {
                *out.entry(s).or_insert(0) += 1;
            }
        }
        out
    }
    let (t, p) = (shingles(truth), shingles(pred));
    let (mut tp, mut fp, mut fn_) = (0.0, 0.0, 0.0);
    for key in t.keys().chain(p.keys().filter(|k| !t.contains_key(*k))) {
        let (tc, pc) = (*t.get(key).unwrap_or(&0) as f64, *p.get(key).unwrap_or(&0) as f64);
        tp += tc.min(pc);
        fp += (pc - tc).max(0.0);
        fn_ += (tc - pc).max(0.0);
    }
    let s = tp + fp + fn_;
    if s > 0.0 { (tp / s, fp / s, fn_ / s) } else { (0.0, 0.0, 0.0) }
}

/// Zyte's `metrics_from_tp_fp_fns`: mean precision and recall, then F1 of the means.
fn zyte_f1(counts: &[(f64, f64, f64)]) -> (f64, f64, f64) {
    let score = |a: f64, b: f64, other: f64| {
        if b == 0.0 && other == 0.0 {
            1.0
        } else if a == 0.0 && b == 0.0 {
            0.0
        } else {
            a / (a + b)
        }
    };
    let ps: Vec<f64> = counts.iter().filter(|c| c.0 + c.1 > 0.0).map(|&(tp, fp, fn_)| score(tp, fp, fn_)).collect();
    let rs: Vec<f64> = counts.iter().filter(|c| c.0 + c.2 > 0.0).map(|&(tp, fp, fn_)| score(tp, fn_, fp)).collect();
    let p = ps.iter().sum::<f64>() / ps.len() as f64;
    let r = rs.iter().sum::<f64>() / rs.len() as f64;
    (2.0 * p * r / (p + r), p, r)
}

/// WCXB's `word_f1` (bag of lower-cased words): (precision, recall, f1).
fn wcxb_f1(pred: &str, truth: &str) -> (f64, f64, f64) {
    let (p, t) = (pred.to_lowercase(), truth.to_lowercase());
    let (p, t) = (tokens(&p), tokens(&t));
    if t.is_empty() {
        return if p.is_empty() { (1.0, 1.0, 1.0) } else { (0.0, 0.0, 0.0) };
    }
    if p.is_empty() {
        return (0.0, 0.0, 0.0);
    }
    let mut counts: HashMap<&str, (usize, usize)> = HashMap::new();
    p.iter().for_each(|w| counts.entry(w).or_default().0 += 1);
    t.iter().for_each(|w| counts.entry(w).or_default().1 += 1);
    let overlap: usize = counts.values().map(|&(a, b)| a.min(b)).sum();
    let (precision, recall) = (overlap as f64 / p.len() as f64, overlap as f64 / t.len() as f64);
    let f1 = if precision + recall > 0.0 { 2.0 * precision * recall / (precision + recall) } else { 0.0 };
    (precision, recall, f1)
}

fn gunzip(path: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap()).read_to_end(&mut out).unwrap();
    out
}

/// The reader's body text of a page, empty when it refuses the page.
fn extracted(bytes: &[u8]) -> String {
    let mut text = String::new();
    if let Ok(article) = html::read(bytes, &ReadOptions::default()) {
        shown_text(&article.body, &mut text);
    }
    text
}

/// Pages of a benchmark by sorted id, in the two halves of the measurement: even indices (A,
/// tuned on) and odd (B, the judge half).
fn halves(ids: Vec<String>) -> [Vec<String>; 2] {
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for (i, id) in ids.into_iter().enumerate() {
        if i % 2 == 0 { a.push(id) } else { b.push(id) }
    }
    [a, b]
}

#[test]
fn main_text_quality_on_the_benchmarks() {
    let (Some(zyte), Some(wcxb)) = (shared("peers/article-extraction-benchmark"), shared("peers/wcxb-dev")) else {
        return;
    };
    // Zyte: 4-word shingles against `articleBody`. Floors a little below what was measured on
    // the judge half (Zyte 0.954, WCXB 0.931 when this test was written; trafilatura 2.3.1 on the
    // same half: 0.952 and 0.935).
    let truth: serde_json::Value =
        serde_json::from_slice(&std::fs::read(zyte.join("ground-truth.json")).unwrap()).unwrap();
    let truth = truth.as_object().unwrap();
    let mut ids: Vec<String> = truth.keys().cloned().collect();
    ids.sort();
    let [_, judge] = halves(ids);
    let counts: Vec<_> = judge
        .iter()
        .map(|id| {
            let page = gunzip(&zyte.join(format!("html/{id}.html.gz")));
            zyte_counts(truth[id]["articleBody"].as_str().unwrap_or(""), &extracted(&page))
        })
        .collect();
    let (f1, p, r) = zyte_f1(&counts);
    eprintln!("zyte judge half: {} pages, F1 {f1:.3} P {p:.3} R {r:.3}", judge.len());
    assert_eq!(judge.len(), 90);

    assert!(f1 >= 0.948, "Zyte judge-half F1 {f1:.3} fell below 0.948");

    // WCXB: bag-of-words F1 per page against `main_content`, averaged.
    let mut ids: Vec<String> = std::fs::read_dir(wcxb.join("ground-truth"))
        .unwrap()
        .filter_map(|e| e.unwrap().path().file_stem().map(|s| s.to_string_lossy().into_owned()))
        .collect();
    ids.sort();
    let [_, judge] = halves(ids);
    let scores: Vec<(f64, f64, f64)> = judge
        .iter()
        .map(|id| {
            let record: serde_json::Value =
                serde_json::from_slice(&std::fs::read(wcxb.join(format!("ground-truth/{id}.json"))).unwrap()).unwrap();
            let truth = record["ground_truth"]["main_content"].as_str().unwrap_or("");
            wcxb_f1(&extracted(&gunzip(&wcxb.join(format!("html/{id}.html.gz")))), truth)
        })
        .collect();
    let n = scores.len() as f64;
    let mean = |f: fn(&(f64, f64, f64)) -> f64| scores.iter().map(f).sum::<f64>() / n;
    let (p, r, f1) = (mean(|s| s.0), mean(|s| s.1), mean(|s| s.2));
    eprintln!("wcxb judge half: {} pages, F1 {f1:.3} P {p:.3} R {r:.3}", scores.len());
    assert_eq!(scores.len(), 355);

    assert!(f1 >= 0.925, "WCXB judge-half F1 {f1:.3} fell below 0.925");
}

#[test]
fn the_scorers_score_as_the_benchmarks_do() {
    // By hand: truth has shingles [a b c d], [b c d e]; the prediction [a b c d], [b c d x].
    let (tp, fp, fn_) = zyte_counts("a b c d e", "a b c d x");
    assert_eq!((tp, fp, fn_), (1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0));
    assert_eq!(zyte_counts("a b", "a b"), (1.0, 0.0, 0.0));
    let (p, r, f1) = wcxb_f1("The cat sat, the END", "the cat sat on the mat");
    assert_eq!((p, r), (4.0 / 5.0, 4.0 / 6.0));
    assert!((f1 - 2.0 * 0.8 * (4.0 / 6.0) / (0.8 + 4.0 / 6.0)).abs() < 1e-12);
    assert_eq!(wcxb_f1("", ""), (1.0, 1.0, 1.0));
}

#[test]
fn a_folder_of_pages_is_packed_with_the_pages_as_sources_and_reproduces() {
    let dir = tempfile::tempdir().unwrap();
    let pages = dir.path().join("pages");
    std::fs::create_dir(&pages).unwrap();
    let names = ["html-jsonld-newsarticle.html", "html-opengraph-only.html", "html-latin1-meta-charset.html"];
    for name in names {
        std::fs::copy(fixture(name), pages.join(name)).unwrap();
    }
    // `.htm` too, by the default extensions.
    std::fs::copy(fixture("html-boilerplate.html"), pages.join("boilerplate.htm")).unwrap();
    let bag = dir.path().join("bag");
    let out = newsarc().arg("pack").arg(&pages).arg("-o").arg(&bag).arg("-q").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(bag.join("data/index.json")).unwrap()).unwrap();
    let mut ids: Vec<&str> = index["articles"].as_array().unwrap().iter().map(|a| a["id"].as_str().unwrap()).collect();
    ids.sort();
    assert_eq!(ids, ["boilerplate", "html-jsonld-newsarticle", "html-latin1-meta-charset", "html-opengraph-only"]);
    for name in names {
        let id = name.trim_end_matches(".html");
        let source = std::fs::read(bag.join(format!("data/articles/{id}/source.txt"))).unwrap();
        assert_eq!(source, std::fs::read(fixture(name)).unwrap(), "{name}: the page's bytes are the source");
        let record: serde_json::Value =
            serde_json::from_slice(&std::fs::read(bag.join(format!("data/articles/{id}/metadata.json"))).unwrap())
                .unwrap();
        assert_eq!(record["source"]["name"], name);
    }
    let out = newsarc().arg("validate").arg("--reproduce").arg(&bag).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
