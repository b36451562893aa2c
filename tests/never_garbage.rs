//! Never garbage (issue 21): an input is read by the reader its bytes call for, whatever its
//! name: an HTML page by the HTML reader, which refuses a page with too little text. JSON, JSON
//! Lines, XML of an unknown kind, WARC, PDF, images, archives and other binary data are refused
//! with one line naming the file and what it looks like, in `convert`, `pack`, `inspect`,
//! `validate` and from standard input; batch work goes on past them (exit 1).
//! Text articles that merely hold raw HTML or braces are still read.

use crate::util::*;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// An input that is not an article: its file name, its bytes, and the refusal it must get.
struct Case {
    name: &'static str,
    bytes: Vec<u8>,
    refusal: &'static str,
}

/// A page whose main text is four words: read as a page, and refused as no article.
const HTML: &str = "an HTML page that is not an article: its main text is 4 words, fewer than the 40 of an article (a listing, an index or an error page?)";
/// How `validate` names the reader that refuses a page.
const HTML_READER: &str = "HTML page (its main text, and the metadata it publishes: JSON-LD, OpenGraph, meta tags)";
const HTML_ONE_WORD: &str = "an HTML page that is not an article: its main text is 1 word, fewer than the 40 of an article (a listing, an index or an error page?)";

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap()
}

fn zip_of(name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    z.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
    z.write_all(bytes).unwrap();
    z.finish().unwrap().into_inner()
}

/// Every kind of input the issue names, each under a name that tells or hides what it is.
fn cases() -> Vec<Case> {
    let page = "<html lang=\"en\"><head><title>Ferry back</title></head><body><h1>Ferry back</h1><p>The ferry sails again.</p></body></html>";
    let record = r#"{"title": "Ferry back", "maintext": "The ferry sails again.", "url": "https://example.org/ferry"}"#;
    let lines: String =
        (1..=40).map(|i| format!("{{\"title\": \"Story {i}\", \"maintext\": \"Text {i}.\"}}\n")).collect();
    let mut nul = b"# Headline\x00\x00\x00".to_vec();
    nul.extend((0..64u8).flat_map(|i| [i, 0, 0xFF]));
    let case = |name, bytes: Vec<u8>, refusal| Case { name, bytes, refusal };
    vec![
        case("page.html", format!("<!DOCTYPE html>\n{page}").into_bytes(), HTML),
        case("no-doctype.html", page.as_bytes().to_vec(), HTML),
        case("bom-page.txt", [b"\xEF\xBB\xBF<!doctype html>".as_slice(), page.as_bytes()].concat(), HTML),
        case(
            "commented-page.txt",
            format!("\n  \r\n<!-- saved by a crawler -->\n<!-- 2024 -->\n{}", page.to_uppercase()).into_bytes(),
            HTML,
        ),
        case(
            "xhtml-page.xml",
            b"<?xml version=\"1.0\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\"><body><p>x</p></body></html>".to_vec(),
            HTML_ONE_WORD,
        ),
        case(
            "article.json",
            record.as_bytes().to_vec(),
            "a JSON document (a news-please article record); newsarc does not read JSON yet",
        ),
        case("articles.jsonl", lines.into_bytes(), "JSON Lines (40 records); newsarc does not read JSON yet"),
        case(
            "feed.txt",
            b"<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>Wire</title></channel></rss>\n".to_vec(),
            "an XML document (root element `rss`: an RSS feed); newsarc reads NewsML-G2 XML (newsItem, newsMessage), not this kind",
        ),
        case("scan.pdf", b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n".to_vec(), "not text: a PDF document at byte offset 0"),
        case("photo.png", std::fs::read(fixture("binary-png.txt")).unwrap(), "not text: a PNG image at byte offset 0"),
        case("photo.jpg", b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01".to_vec(), "not text: a JPEG image at byte offset 0"),
        case("anim.gif", b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xFF\xFF\xFF\x00\x00\x00!".to_vec(), "not text: a GIF image at byte offset 0"),
        case("story.txt.gz", gzip(b"# Ferry back\n\nThe ferry sails again.\n"), "not text: gzip-compressed data at byte offset 0"),
        case("bundle.zip", zip_of("story.txt", b"# Ferry back\n"), "not text: a zip archive at byte offset 0"),
        case(
            "crawl.warc",
            b"WARC/1.0\r\nWARC-Type: warcinfo\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000000>\r\nContent-Length: 0\r\n\r\n\r\n\r\n".to_vec(),
            "a WARC file (web archive records); newsarc does not read WARC files yet",
        ),
        case(
            "crawl.warc.gz",
            gzip(b"WARC/1.1\r\nWARC-Type: response\r\nContent-Length: 0\r\n\r\n\r\n\r\n"),
            "a gzip-compressed WARC file (web archive records); newsarc does not read WARC files yet",
        ),
        case("blob.bin", nul, "not text: a NUL byte at byte offset 10"),
    ]
}

/// The cases written into `dir`, with their paths.
fn write_cases(dir: &Path) -> Vec<(PathBuf, Case)> {
    std::fs::create_dir_all(dir).unwrap();
    cases()
        .into_iter()
        .map(|c| {
            let path = dir.join(c.name);
            std::fs::write(&path, &c.bytes).unwrap();
            (path, c)
        })
        .collect()
}

fn output(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn with_stdin(cmd: &mut Command, bytes: &[u8]) -> (i32, String, String) {
    let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    // A refused input may be refused before all of it is read: a closed pipe is no failure here.
    let _ = child.stdin.take().unwrap().write_all(bytes);
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const GOOD: &str = "# Ferry back on the Osk\n\nThe ferry sails again, with <br> and {braces} in its text.\n";

#[test]
fn convert_refuses_each_with_one_line_and_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let cases = write_cases(&dir.path().join("in"));
    let good = dir.path().join("in/good.txt");
    std::fs::write(&good, GOOD).unwrap();
    let out = dir.path().join("out");
    let (code, _, err) = output(
        newsarc().arg("convert").args(cases.iter().map(|(p, _)| p)).arg(&good).args(["--to", "ninjs", "-o"]).arg(&out),
    );
    assert_eq!(code, 1, "{err}");
    for (path, case) in &cases {
        let line = format!("newsarc: error: {}: {}", path.display(), case.refusal);
        assert_eq!(err.lines().filter(|l| *l == line).count(), 1, "one line `{line}` in:\n{err}");
    }
    assert!(err.contains(&format!("{} of {} inputs could not be converted", cases.len(), cases.len() + 1)), "{err}");
    let written: Vec<_> = std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(written, ["good.ninjs.json"], "nothing written for what is not an article");
}

#[test]
fn standard_input_is_refused_the_same_way() {
    for case in cases() {
        let (code, out, err) = with_stdin(newsarc().args(["convert", "-", "--to", "ninjs", "-o", "-"]), &case.bytes);
        assert_eq!((code, out.as_str()), (1, ""), "{}: {err}", case.name);
        assert!(err.contains(&format!("newsarc: error: <stdin>: {}\n", case.refusal)), "{}: {err}", case.name);
    }
}

#[test]
fn inspect_says_what_it_is() {
    let dir = tempfile::tempdir().unwrap();
    for (path, case) in write_cases(dir.path()) {
        let (code, out, err) = output(newsarc().arg("inspect").arg(&path));
        assert_eq!((code, out.as_str()), (1, ""), "{}: {err}", case.name);
        assert_eq!(err, format!("newsarc: error: {}: {}\n", path.display(), case.refusal));
    }
}

#[test]
fn pack_packs_the_articles_reports_the_rest_and_the_bag_is_valid() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    let cases = write_cases(&corpus);
    std::fs::write(corpus.join("good.txt"), GOOD).unwrap();
    std::fs::write(corpus.join("second.md"), "# Bridge reopens\n\nThe bridge reopens on Monday.\n").unwrap();
    let bag = dir.path().join("bag");
    let report = dir.path().join("report.json");
    let exts = "txt,md,html,xml,json,jsonl,pdf,png,jpg,gif,gz,zip,warc,bin";
    let (code, _, err) = output(
        newsarc().arg("pack").arg(&corpus).arg("-o").arg(&bag).args(["--ext", exts, "-q", "--report"]).arg(&report),
    );
    assert_eq!(code, 1, "{err}");
    for (path, case) in &cases {
        assert!(err.contains(&format!("{}: {}", path.display(), case.refusal)), "{}: {err}", case.name);
    }
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    let mut bad: Vec<(String, String)> = report["bad"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b["path"].as_str().unwrap().to_string(), b["error"].as_str().unwrap().to_string()))
        .collect();
    bad.sort();
    let mut expected: Vec<(String, String)> =
        cases.iter().map(|(p, c)| (p.display().to_string(), c.refusal.to_string())).collect();
    expected.sort();
    assert_eq!(bad, expected);
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(bag.join("data/index.json")).unwrap()).unwrap();
    let mut ids: Vec<&str> = index["articles"].as_array().unwrap().iter().map(|a| a["id"].as_str().unwrap()).collect();
    ids.sort();
    assert_eq!(ids, ["good", "second"]);
    let (code, out, err) = output(newsarc().arg("validate").arg(&bag));
    assert_eq!(code, 0, "{out}{err}");
    if let Some(check) = oracle("check-bag") {
        let (code, out, err) = output(Command::new(check).arg(&bag));
        assert_eq!(code, 0, "{out}{err}");
    }
}

#[test]
fn validate_says_what_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let cases = write_cases(dir.path());
    let (code, out, _) =
        output(newsarc().arg("validate").args(cases.iter().map(|(p, _)| p)).args(["--format", "json"]));
    assert_eq!(code, 1, "{out}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let findings = report["findings"].as_array().unwrap();
    for (path, case) in &cases {
        let found: Vec<(&str, &str)> = findings
            .iter()
            .filter(|f| f["file"] == path.display().to_string())
            .map(|f| (f["code"].as_str().unwrap(), f["message"].as_str().unwrap()))
            .collect();
        // A name newsarc reads (.txt, .xml) is read by its bytes and refused as convert refuses it;
        // another name is not checked, and the finding says what the bytes are.
        // A `.json` is checked as a rendition (ninjs), a `.zip` as a bag: neither is read as text.
        // An `.html` is read as the page it is, and refused as no article.
        let checked_as = [(".json", "NA-NINJS-001"), (".zip", "NA-BAG-005"), (".html", "NA-REN-001")];
        if let Some((_, code)) = checked_as.iter().find(|(ending, _)| case.name.ends_with(ending)) {
            assert_eq!(found.first().map(|f| f.0), Some(*code), "{}: {found:?}", case.name);
            continue;
        }
        let expected = if case.refusal.starts_with("an HTML page") {
            // By its bytes a page, whatever its name: the HTML reader reads it, and refuses it.
            ("NA-REN-001", format!("cannot be read as {HTML_READER}: {}", case.refusal))
        } else if case.name.ends_with(".txt") || case.name.ends_with(".xml") {
            ("NA-IN-004", case.refusal.to_string())
        } else {
            let what = case.refusal.split_once(';').map_or(case.refusal, |(what, _)| what);
            let what = what.strip_prefix("not text: ").unwrap_or(what);
            let what = match what.split_once(" at byte offset ") {
                Some(("a NUL byte", _)) => format!("binary data ({what})"),
                Some((what, _)) => what.to_string(),
                None => what.to_string(),
            };
            (
                "NA-IN-002",
                format!(
                    "not a file newsarc validates (by its name: .txt, .md, .xml, .epub, .json, or a bag); by its bytes, {what}; not checked"
                ),
            )
        };
        assert_eq!(found, [(expected.0, expected.1.as_str())], "{}", case.name);
    }
    // From standard input, the bytes alone decide.
    for case in self::cases() {
        let (code, out, _) = with_stdin(newsarc().args(["validate", "-", "--format", "json"]), &case.bytes);
        assert_eq!(code, 1, "{}: {out}", case.name);
        let report: serde_json::Value = serde_json::from_str(&out).unwrap();
        let found: Vec<(&str, &str)> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| (f["code"].as_str().unwrap(), f["message"].as_str().unwrap()))
            .collect();
        if case.name.ends_with(".json") {
            assert_eq!(found.first().map(|f| f.0), Some("NA-NINJS-001"), "{}: {found:?}", case.name);
        } else if case.refusal.starts_with("an HTML page") {
            let message = format!("cannot be read as {HTML_READER}: {}", case.refusal);
            assert_eq!(found, [("NA-REN-001", message.as_str())], "{}", case.name);
        } else {
            assert_eq!(found, [("NA-IN-004", case.refusal)], "{}", case.name);
        }
    }
}

#[test]
fn text_articles_with_raw_html_comments_or_braces_still_read() {
    let dir = tempfile::tempdir().unwrap();
    // What comes before `# Headline` is a paragraph of text, so only the first two have one.
    let texts = [
        ("inline-html.txt", "# Ferry back\n\nThe ferry<br>sails <img src=\"x.jpg\"> again.\n", Some("Ferry back")),
        ("bracket-first.txt", "[Ferry back](https://example.org/ferry)\n=====\n\nText.\n", Some("Ferry back")),
        ("comment-first.txt", "<!-- scraped 2024 -->\n# Ferry back\n\nThe ferry sails again.\n", None),
        ("div-first.txt", "<div class=\"lead\">Lead</div>\n\n# Ferry back\n\nText.\n", None),
        ("braces.md", "{Photo: Lena Brook}\n\n# Ferry back\n\nText {with} braces.\n", None),
        ("json-ish.txt", "{\"not\": \"closed\"\n\n# Ferry back\n", None),
    ];
    for (name, text, headline) in texts {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let article = try_load_path(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(article.headline.as_deref(), headline, "{name}");
        assert!(!article.body.is_empty(), "{name}");
    }
}

#[test]
fn the_bytes_choose_the_reader_whatever_the_name() {
    let dir = tempfile::tempdir().unwrap();
    // A NewsML-G2 item named .txt is read as NewsML-G2, not as text holding XML.
    let item = dir.path().join("item.txt");
    std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/newsml/other-producer-xhtml.xml"), &item)
        .unwrap();
    let from_txt = try_load_path(&item).unwrap();
    let from_xml =
        try_load_path(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/newsml/other-producer-xhtml.xml")).unwrap();
    assert!(from_txt.headline.is_some());
    assert_eq!((&from_txt.headline, &from_txt.body), (&from_xml.headline, &from_xml.body));
    // `--from text` is the reader named, as it is: the page's source becomes text (and says so).
    let page = dir.path().join("page.html");
    std::fs::write(&page, "<!doctype html>\n<p>Kept as it was.</p>\n").unwrap();
    let (code, out, err) = output(newsarc().args(["inspect", "--from", "text"]).arg(&page));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("<!doctype html>") && out.contains("NA-READ-003"), "{out}");
}

#[test]
fn formats_lists_what_is_refused() {
    let (code, out, _) = output(newsarc().arg("formats"));
    assert_eq!(code, 0);
    let refused = out
        .split_once("Recognised by their bytes and refused, never read as article text:\n")
        .and_then(|(_, rest)| rest.split_once("Renditions (--to):"))
        .map(|(refused, _)| refused)
        .unwrap_or_else(|| panic!("{out}"));
    for kind in ["JSON documents", "JSON Lines", "XML of other kinds", "WARC", "PDF", "images", "zip"] {
        assert!(refused.lines().any(|l| l.trim_start().starts_with(kind)), "{kind} in:\n{refused}");
    }
    for read in ["article text", "EPUB publications", "NewsML-G2", "HTML pages"] {
        assert!(!refused.lines().any(|l| l.trim_start().starts_with(read)), "{read} is read, not refused:\n{refused}");
    }
}

#[test]
fn ocfl_add_keeps_the_articles_and_refuses_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    let cases = write_cases(&corpus);
    std::fs::write(corpus.join("good.txt"), GOOD).unwrap();
    let root = dir.path().join("root");
    let exts = "txt,xml,html,json,jsonl,pdf,png,jpg,gif,gz,zip,warc,bin";
    let (code, _, err) = output(newsarc().args(["ocfl", "add", "--ext", exts, "--root"]).arg(&root).arg(&corpus));
    assert_eq!(code, 1, "{err}");
    for (path, case) in &cases {
        assert!(
            err.contains(&format!("newsarc: error: {}: {}\n", path.display(), case.refusal)),
            "{}: {err}",
            case.name
        );
    }
    assert!(err.contains("1 new object"), "{err}");
    let (code, out, err) = output(newsarc().arg("validate").arg(&root));
    assert_eq!(code, 0, "{out}{err}");
}
