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
/// Compressed as hard as deflate goes (level 9, as an attacker would), whatever level newsarc
/// itself writes with.
fn epub_with_spine(items: usize, document: &str) -> Vec<u8> {
    use std::io::Write;
    let options = |method| {
        zip::write::SimpleFileOptions::default()
            .compression_method(method)
            .compression_level((method == zip::CompressionMethod::Deflated).then_some(9))
    };
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let mut add = |name: &str, method, bytes: &[u8]| {
        zip.start_file(name, options(method)).unwrap();
        zip.write_all(bytes).unwrap();
    };
    add("mimetype", zip::CompressionMethod::Stored, b"application/epub+zip");
    add(
        "META-INF/container.xml",
        zip::CompressionMethod::Deflated,
        br#"<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="p.opf" media-type="application/oebps-package+xml"/></rootfiles></container>"#,
    );
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
    add("p.opf", zip::CompressionMethod::Deflated, opf.as_bytes());
    add("c.xhtml", zip::CompressionMethod::Deflated, document.as_bytes());
    zip.finish().unwrap().into_inner()
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

/// An EPUB for the validator: a package document of `items` and `spine` (manifest and spine
/// children), a navigation document whose `toc` nav holds `nav`, one content document `c.xhtml`
/// whose body holds `body`, and `entries` besides.
fn epub_for_validation(items: &str, spine: &str, nav: &str, body: &str, entries: &[(&str, String)]) -> Vec<u8> {
    let mut zip = ZipBuilder::default();
    zip.add("mimetype", Method::Stored, b"application/epub+zip").unwrap();
    zip.add(
        "META-INF/container.xml",
        Method::Deflated,
        br#"<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="p.opf" media-type="application/oebps-package+xml"/></rootfiles></container>"#,
    )
    .unwrap();
    let opf = format!(
        r#"<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="u"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier id="u">urn:x</dc:identifier><dc:title>T</dc:title><dc:language>en</dc:language><meta property="dcterms:modified">2020-01-01T00:00:00Z</meta></metadata><manifest><item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/><item id="c" href="c.xhtml" media-type="application/xhtml+xml"/>{items}</manifest><spine><itemref idref="c"/>{spine}</spine></package>"#
    );
    zip.add("p.opf", Method::Deflated, opf.as_bytes()).unwrap();
    let page = |body: &str| {
        format!(
            r#"<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"><head><title>c</title></head><body>{body}</body></html>"#
        )
    };
    let nav = page(&format!(r#"<nav epub:type="toc"><ol><li><a href="c.xhtml">c</a></li>{nav}</ol></nav>"#));
    zip.add("nav.xhtml", Method::Deflated, nav.as_bytes()).unwrap();
    zip.add("c.xhtml", Method::Deflated, page(body).as_bytes()).unwrap();
    for (name, text) in entries {
        zip.add(name, Method::Deflated, text.as_bytes()).unwrap();
    }
    zip.finish().unwrap()
}

fn validate_epub(bytes: &[u8]) {
    let _ = newsarc::validate::epub::check("x.epub", bytes);
}

fn repeat(n: usize, f: impl Fn(usize) -> String) -> String {
    (0..n).map(f).collect()
}

#[test]
fn epub_validation_of_many_fallbacks() {
    grows_linearly(
        "manifest fallbacks",
        2_000,
        |n| {
            let items = repeat(n, |i| {
                format!(r#"<item id="f{i}" href="f{i}.png" media-type="image/png" fallback="f{}"/>"#, i + 1)
            });
            epub_for_validation(&items, "", "", "<p>x</p>", &[])
        },
        |b| validate_epub(b),
    );
}

#[test]
fn epub_validation_of_many_remote_references() {
    grows_linearly(
        "remote references against the manifest",
        1_000,
        |n| {
            let items = repeat(n, |i| {
                format!(r#"<item id="r{i}" href="https://example.org/{i}.png" media-type="image/png"/>"#)
            });
            let body = repeat(n, |i| format!(r#"<img src="https://example.org/{i}.png" alt=""/>"#));
            epub_for_validation(&items, "", "", &body, &[])
        },
        |b| validate_epub(b),
    );
}

#[test]
fn epub_validation_of_many_links_into_a_long_spine() {
    grows_linearly(
        "hyperlinks to spine items",
        1_000,
        |n| {
            let items =
                repeat(n, |i| format!(r#"<item id="d{i}" href="d{i}.xhtml" media-type="application/xhtml+xml"/>"#));
            let spine = repeat(n, |i| format!(r#"<itemref idref="d{i}"/>"#));
            let body = repeat(n, |i| format!(r#"<a href="d{i}.xhtml">x</a>"#));
            epub_for_validation(&items, &spine, "", &body, &[])
        },
        |b| validate_epub(b),
    );
}

#[test]
fn epub_validation_of_a_long_navigation_document() {
    grows_linearly(
        "navigation links against the manifest",
        1_000,
        |n| {
            let items =
                repeat(n, |i| format!(r#"<item id="d{i}" href="d{i}.xhtml" media-type="application/xhtml+xml"/>"#));
            let nav = repeat(n, |i| format!(r#"<li><a href="d{i}.xhtml">d</a></li>"#));
            epub_for_validation(&items, "", &nav, "<p>x</p>", &[])
        },
        |b| validate_epub(b),
    );
}

#[test]
fn epub_validation_of_many_obfuscated_resources() {
    grows_linearly(
        "encrypted resources against the manifest",
        1_000,
        |n| {
            let items = repeat(n, |i| format!(r#"<item id="f{i}" href="f{i}.png" media-type="image/png"/>"#));
            let data = repeat(n, |i| {
                format!(
                    r#"<EncryptedData xmlns="http://www.w3.org/2001/04/xmlenc#"><EncryptionMethod Algorithm="http://www.idpf.org/2008/embedding"/><CipherData><CipherReference URI="f{i}.png"/></CipherData></EncryptedData>"#
                )
            });
            let encryption =
                format!(r#"<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container">{data}</encryption>"#);
            epub_for_validation(&items, "", "", "<p>x</p>", &[("META-INF/encryption.xml", encryption)])
        },
        |b| validate_epub(b),
    );
}

#[test]
fn epub_validation_of_a_style_sheet_of_many_namespaces_and_unclosed_references() {
    let with_css = |css: String| {
        let items = r#"<item id="s" href="s.css" media-type="text/css"/>"#;
        epub_for_validation(items, "", "", "<p>x</p>", &[("s.css", css)])
    };
    grows_linearly("@namespace rules", 5_000, |n| with_css("@namespace x \"u\";".repeat(n)), |b| validate_epub(b));
    grows_linearly("unclosed url(", 5_000, |n| with_css("a{b:url(".repeat(n)), |b| validate_epub(b));
    grows_linearly("unclosed @import", 5_000, |n| with_css("@import \"x".repeat(n)), |b| validate_epub(b));
}

#[test]
fn group_check_of_many_inputs_of_one_file_name() {
    use newsarc::validate::group::{self, Expect, IndexArticle, Member};
    let raw = || serde_json::value::RawValue::from_string("{}".to_string()).unwrap();
    grows_linearly(
        "inputs named alike in many folders",
        2_000,
        |n| {
            let articles = (0..n)
                .map(|i| IndexArticle {
                    id: format!("a{i}"),
                    source_name: format!("corpus/{i}/index.txt"),
                    sha256: format!("{i:064}"),
                    files: vec!["source.txt".to_string()],
                    raw: raw(),
                })
                .collect();
            let member = Member {
                shown: "b".to_string(),
                group: Some("g".to_string()),
                count: Some((1, 1)),
                info: Vec::new(),
                algorithms: vec!["sha256".to_string()],
                articles: Some(articles),
                duplicates: Vec::new(),
            };
            let inputs = (0..n).map(|i| format!("/data/corpus/{i}/index.txt")).collect();
            (vec![member], Expect { inputs: Some(inputs), count: Some(n), ..Expect::default() })
        },
        |(members, expect)| {
            let mut findings = Vec::new();
            group::check(members, expect, "g", &mut findings);
            assert!(findings.is_empty(), "{findings:?}");
        },
    );
}

// Absolute bounds at the sizes the hostile shapes were reported with: each must take under a
// second and under 200 MB. The binary is run as a child under /usr/bin/time, which gives its peak
// RSS (the bound asserted, < 200 MB) and its CPU time (user + system: the work done, not the
// wall time a busy machine stretches). Tests run the debug build, many times slower than the
// release build (its slowest shape, 2,400 MiB of zeros inflated and checked, takes some 9 s of
// CPU), so the time bound asserted is a generous 30 s of debug CPU, which a quadratic cost at
// these sizes would pass by far; the release binary takes under a second on each (measured, see
// README, "Limits").

/// CPU seconds and peak RSS in MB of `newsarc ARGS`, which must exit with `status`; `None` (a
/// visible skip) without /usr/bin/time.
fn cost(args: &[&std::ffi::OsStr], status: i32) -> Option<(f64, u64)> {
    let time = std::path::Path::new("/usr/bin/time");
    if !time.is_file() {
        crate::util::skip("/usr/bin/time", "install Debian's `time` package");
        return None;
    }
    let report = tempfile::NamedTempFile::new().unwrap();
    let out = std::process::Command::new(time)
        .arg("-o")
        .arg(report.path())
        .args(["-f", "%U %S %M"])
        .arg(env!("CARGO_BIN_EXE_newsarc"))
        .args(args)
        .env("SOURCE_DATE_EPOCH", "0")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(status), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(report.path()).unwrap();
    let fields: Vec<&str> = text.lines().last().unwrap().split_whitespace().collect();
    let cpu = fields[0].parse::<f64>().unwrap() + fields[1].parse::<f64>().unwrap();
    Some((cpu, fields[2].parse::<u64>().unwrap() / 1024))
}

/// `newsarc ARGS` takes under 30 s of CPU (debug build) and under 200 MB.
fn bounded(what: &str, args: &[&std::ffi::OsStr], status: i32) {
    if let Some((cpu, mb)) = cost(args, status) {
        assert!(mb < 200, "{what}: peak RSS {mb} MB, over 200 MB");
        assert!(cpu < 30.0, "{what}: {cpu:.2} s of CPU (debug build), over 30 s");
    }
}

/// Writes `bytes` as `name` in a new folder; the folder (kept alive) and the path.
fn file_of(name: &str, bytes: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    (dir, path)
}

/// `newsarc convert FILE -o DIR` (every rendition) within the bounds, exiting with `status`.
fn converts_within_bounds(what: &str, name: &str, bytes: &[u8], status: i32) {
    let (dir, path) = file_of(name, bytes);
    let out = dir.path().join("out");
    bounded(what, &["convert".as_ref(), "-q".as_ref(), path.as_os_str(), "-o".as_ref(), out.as_os_str()], status);
}

#[test]
fn bound_nested_emphasis_openers() {
    let text = format!("# T\n\n{}x\n", "*abcdef ".repeat(100_000));
    assert!(text.len() > 800_000);
    converts_within_bounds("100,000 emphasis openers", "a.txt", text.as_bytes(), 0);
}

#[test]
fn bound_image_and_hard_breaks() {
    let text = format!("# T\n\n![i](x.png){}end\n", "\\\n".repeat(150_000));
    converts_within_bounds("an image and 150,000 hard breaks", "a.txt", text.as_bytes(), 0);
}

#[test]
fn bound_own_newsml_heading_of_newlines() {
    let xml = own_newsml_with(&format!("<h1>{}x</h1>", "\n".repeat(150_000)));
    converts_within_bounds("an <h1> of 150,000 newlines", "a.newsml.xml", &xml, 0);
}

/// `newsarc convert` (exiting with `status`) and `newsarc validate` of an EPUB within the bounds.
fn epub_within_bounds(what: &str, bytes: &[u8], status: i32) {
    converts_within_bounds(what, "a.epub", bytes, status);
    let (_dir, path) = file_of("a.epub", bytes);
    // Invalid (no navigation document), and reported so: exit 1.
    bounded(&format!("{what}, validated"), &["validate".as_ref(), "-q".as_ref(), path.as_os_str()], 1);
}

#[test]
fn bound_epub_of_a_long_spine() {
    epub_within_bounds("100,000 manifest items and itemrefs", &epub_with_spine(100_000, SMALL_XHTML), 0);
}

#[test]
fn bound_epub_of_one_large_document_named_often() {
    let paragraph = "<p>words words words words words words words words words words words</p>";
    let big = format!(
        r#"<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title>c</title></head><body>{}</body></html>"#,
        paragraph.repeat((1 << 20) / paragraph.len())
    );
    let epub = epub_with_spine(100, &big);
    assert!(big.len() > 1_000_000 && epub.len() < 8_000, "{} bytes", epub.len());
    // Its document expands over a hundredfold: refused as a zip bomb, quickly.
    epub_within_bounds("1 MiB of XHTML listed 100 times", &epub, 1);
}

/// `newsarc validate` of a zip within the bounds (invalid: exit 1).
fn validates_within_bounds(what: &str, zip: &[u8]) {
    let (_dir, path) = file_of("bag.zip", zip);
    bounded(what, &["validate".as_ref(), "-q".as_ref(), path.as_os_str()], 1);
}

/// A zip of a bag's `bagit.txt` and newsarc's index (so the `newsarc` profile reads every
/// payload file), and of `names`, each 1 MiB of zeros, compressed once and copied.
fn zip_of_zeros(names: impl Iterator<Item = String>) -> Vec<u8> {
    let mut one = ZipBuilder::default();
    one.add("z", Method::Deflated, &vec![0u8; 1 << 20]).unwrap();
    let one = one.finish().unwrap();
    let mut source = zip::ZipArchive::new(std::io::Cursor::new(one)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    out.start_file("bag/bagit.txt", options).unwrap();
    std::io::Write::write_all(&mut out, b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n").unwrap();
    out.start_file("bag/data/index.json", options).unwrap();
    std::io::Write::write_all(&mut out, b"{}").unwrap();
    for name in names {
        out.raw_copy_file_rename(source.by_index_raw(0).unwrap(), name).unwrap();
    }
    out.finish().unwrap().into_inner()
}

#[test]
fn bound_zip_of_many_top_level_folders() {
    let mut zip = ZipBuilder::default();
    for i in 0..150_000 {
        zip.add(&format!("t{i}/a.txt"), Method::Stored, b"").unwrap();
    }
    validates_within_bounds("150,000 top-level folders", &zip.finish().unwrap());
}

#[test]
fn bound_zip_of_many_large_files_in_one_article() {
    let zip = zip_of_zeros((0..2_400).map(|i| format!("bag/data/articles/a/extra-{i}.bin")));
    validates_within_bounds("2,400 files of 1 MiB in one article folder", &zip);
}

#[test]
fn bound_zip_of_many_large_manifests() {
    let zip = zip_of_zeros((0..2_400).map(|i| format!("bag/manifest-{i}.txt")));
    validates_within_bounds("2,400 manifests of 1 MiB", &zip);
}
