//! How cost grows with hostile input: each reader and the validator is given an adversarial input
//! and the same input grown tenfold; the time may grow about tenfold, never a hundredfold (what
//! a quadratic loop gives). The best of three runs is compared, and the bound is generous (30x),
//! so a busy machine does not make it flake while a quadratic loop still fails it.

use newsarc::format::zip::{Method, ZipBuilder};
use newsarc::read::{ReadOptions, epub, newsml, text};
use newsarc::validate::package::{self, Limits};
use std::time::{Duration, Instant};

fn best_of_three(run: &dyn Fn()) -> Duration {
    (0..3)
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed()
        })
        .min()
        .unwrap()
}

/// `make(n)` builds an input of size n; `run` reads it. n and 10n must take at most ~30x.
fn grows_linearly<T>(what: &str, n: usize, make: impl Fn(usize) -> T, run: impl Fn(&T)) {
    let (small, large) = (make(n), make(n * 10));
    let a = best_of_three(&|| run(&small));
    let b = best_of_three(&|| run(&large));
    let ratio = b.as_secs_f64() / a.as_secs_f64().max(1e-4);
    assert!(ratio < 30.0, "{what}: 10x the input took {ratio:.0}x the time ({a:?}, then {b:?}): not linear");
}

fn read_text(bytes: &[u8]) {
    let _ = text::read(bytes, &ReadOptions::default());
}

#[test]
fn markdown_nested_emphasis_past_the_cap() {
    grows_linearly(
        "nested emphasis openers",
        2_000,
        |n| format!("# T\n\n{}x\n", "*a ".repeat(n)),
        |t| read_text(t.as_bytes()),
    );
}

#[test]
fn markdown_nested_quotes_and_lists_past_the_cap() {
    grows_linearly("nested quotes", 2_000, |n| format!("# T\n\n{}x\n", "> ".repeat(n)), |t| read_text(t.as_bytes()));
    grows_linearly(
        "nested lists",
        1_000,
        |n| (0..n).map(|i| format!("{}- x\n", "  ".repeat(i))).collect::<String>(),
        |t| read_text(t.as_bytes()),
    );
}

#[test]
fn markdown_image_caption_of_many_breaks() {
    grows_linearly(
        "an image and hard breaks",
        3_000,
        |n| format!("# T\n\n![i](x.png){}end\n", "\\\n".repeat(n)),
        |t| read_text(t.as_bytes()),
    );
}

#[test]
fn markdown_many_paragraphs_and_links() {
    grows_linearly("paragraphs", 2_000, |n| "para\n\n".repeat(n), |t| read_text(t.as_bytes()));
    grows_linearly("links", 2_000, |n| "[a](http://x) ".repeat(n), |t| read_text(t.as_bytes()));
}

/// A NewsML-G2 item newsarc wrote (so read in exact-whitespace mode) with `inject` at the start
/// of its body.
fn own_newsml_with(inject: &str) -> Vec<u8> {
    let article = crate::util::article("sample-shape.txt");
    let xml = newsarc::convert::render(&article, &["newsml"], newsarc::convert::Naming::ById).unwrap().remove(0).bytes;
    let xml = String::from_utf8(xml).unwrap();
    let at = xml.find("<body>").unwrap() + "<body>".len();
    format!("{}{inject}{}", &xml[..at], &xml[at..]).into_bytes()
}

#[test]
fn xhtml_heading_of_many_line_breaks() {
    grows_linearly(
        "a heading of newlines",
        3_000,
        |n| own_newsml_with(&format!("<h2>{}x</h2>", "\n".repeat(n))),
        |x| {
            newsml::read(x, &ReadOptions::default()).unwrap();
        },
    );
}

/// An EPUB whose manifest lists `items` items (all one small document) and whose spine names each.
fn epub_with_spine(items: usize, document: &str) -> Vec<u8> {
    let mut zip = ZipBuilder::default();
    zip.add("mimetype", Method::Stored, b"application/epub+zip").unwrap();
    zip.add(
        "META-INF/container.xml",
        Method::Deflated,
        br#"<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="p.opf" media-type="application/oebps-package+xml"/></rootfiles></container>"#,
    )
    .unwrap();
    let mut opf = String::from(
        r#"<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="u"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier id="u">urn:x</dc:identifier><dc:title>T</dc:title><dc:language>en</dc:language></metadata><manifest>"#,
    );
    for i in 0..items {
        opf.push_str(&format!(r#"<item id="c{i}" href="c.xhtml" media-type="application/xhtml+xml"/>"#));
    }
    opf.push_str("</manifest><spine>");
    for i in 0..items {
        opf.push_str(&format!(r#"<itemref idref="c{i}"/>"#));
    }
    opf.push_str("</spine></package>");
    zip.add("p.opf", Method::Deflated, opf.as_bytes()).unwrap();
    zip.add("c.xhtml", Method::Deflated, document.as_bytes()).unwrap();
    zip.finish().unwrap()
}

const SMALL_XHTML: &str = r#"<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title>c</title></head><body><p>text</p></body></html>"#;

#[test]
fn epub_spine_of_many_items() {
    grows_linearly(
        "spine items",
        1_000,
        |n| epub_with_spine(n, SMALL_XHTML),
        |b| {
            epub::read_articles(b, &ReadOptions::default()).unwrap();
        },
    );
}

#[test]
fn epub_one_document_named_many_times_is_parsed_once() {
    let big = format!(
        r#"<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title>c</title></head><body>{}</body></html>"#,
        "<p>words words words words words words words</p>".repeat(4_000)
    );
    grows_linearly(
        "references to one document",
        10,
        |n| epub_with_spine(n, &big),
        |b| {
            let articles = epub::read_articles(b, &ReadOptions::default()).unwrap();
            assert_eq!(articles.len(), 1);
        },
    );
    let articles = epub::read_articles(&epub_with_spine(50, &big), &ReadOptions::default()).unwrap();
    let paragraphs = articles[0].body.len();
    assert_eq!(paragraphs, 4_000, "the document's text once, not once a reference");
}

#[test]
fn epub_validation_of_a_long_spine() {
    grows_linearly(
        "spine items, validated",
        1_000,
        |n| epub_with_spine(n, SMALL_XHTML),
        |b| {
            let _ = newsarc::validate::article::check_file("x.epub", "x.epub", b);
        },
    );
}

/// A zip of `entries` (name, bytes) written to a temporary file, read as a package.
fn package_of(entries: &[(String, Vec<u8>)]) -> tempfile::NamedTempFile {
    let mut zip = ZipBuilder::default();
    for (name, bytes) in entries {
        zip.add(name, Method::Deflated, bytes).unwrap();
    }
    let file = tempfile::Builder::new().suffix(".zip").tempfile().unwrap();
    std::fs::write(file.path(), zip.finish().unwrap()).unwrap();
    file
}

fn validate_package(file: &tempfile::NamedTempFile) {
    let mut findings = Vec::new();
    if let Ok(files) = package::read(file.path(), Limits::package(), &mut findings) {
        let expected =
            newsarc::validate::bag::check(&files, "x", newsarc::validate::bag::Profile::Newsarc, &mut findings);
        newsarc::validate::article::check(&files, "x", false, None, &expected, &mut findings);
    }
}

#[test]
fn package_of_many_top_level_folders() {
    grows_linearly(
        "top-level folders",
        3_000,
        |n| package_of(&(0..n).map(|i| (format!("t{i}/a.txt"), Vec::new())).collect::<Vec<_>>()),
        validate_package,
    );
}

#[test]
fn package_article_folder_of_many_files() {
    grows_linearly(
        "files in one article folder",
        300,
        |n| {
            package_of(
                &(0..n)
                    .map(|i| (format!("bag/data/articles/a/extra-{i}.bin"), vec![0u8; 64 * 1024]))
                    .collect::<Vec<_>>(),
            )
        },
        validate_package,
    );
}

#[test]
fn package_of_many_manifests() {
    grows_linearly(
        "manifests",
        300,
        |n| {
            let mut entries: Vec<(String, Vec<u8>)> =
                vec![("bag/bagit.txt".into(), b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n".to_vec())];
            entries.extend((0..n).map(|i| (format!("bag/manifest-x{i}.txt"), vec![b'0'; 64 * 1024])));
            entries.push(("bag/manifest-sha256.txt".into(), vec![b'0'; 64 * 1024]));
            package_of(&entries)
        },
        validate_package,
    );
}
