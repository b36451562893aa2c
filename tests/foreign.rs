//! Other producers' inputs in, valid renditions out: identifiers that are not URIs, NewsML-G2
//! newsMessages, and every IPTC NewsML-G2 test item newsarc reads, written and judged by the
//! external validators.

use crate::util::*;
use newsarc::convert::{Naming, render};
use newsarc::load::{Input, load_all};
use newsarc::model::{Article, WarningCode};
use newsarc::read::{ReadOptions, newsml};
use std::path::{Path, PathBuf};

const ALL: [&str; 4] = ["newsml", "epub", "ninjs", "metadata"];

fn message_fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/newsml/news-message.xml")
}

fn rendition(article: &Article, writer: &str) -> Vec<u8> {
    render(article, &ALL, Naming::ById).unwrap().into_iter().find(|r| r.writer == writer).unwrap().bytes
}

fn json(article: &Article, writer: &str) -> serde_json::Value {
    serde_json::from_slice(&rendition(article, writer)).unwrap()
}

/// Runs an oracle once on all files; each must be reported valid.
fn assert_oracle_passes(check: PathBuf, paths: &[PathBuf], valid_line: &str) {
    let out = std::process::Command::new(check).args(paths).output().unwrap();
    let report = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let failing: Vec<&str> = report.lines().filter(|l| !l.ends_with(valid_line)).collect();
    assert!(out.status.success(), "{}", failing.join("\n"));
    assert_eq!(report.lines().filter(|l| l.ends_with(valid_line)).count(), paths.len(), "{report}");
}

#[test]
fn a_news_message_is_read_as_its_text_items() {
    let articles = load_all(&Input::Path(message_fixture()), &pinned_options()).unwrap();
    let summary: Vec<(&str, &str, Option<&str>)> =
        articles.iter().map(|a| (a.id.as_str(), a.uri.as_str(), a.headline.as_deref())).collect();
    assert_eq!(
        summary,
        [
            (
                "urn_newsml_wire.example.org_20250402_tide-gauge",
                "urn:newsml:wire.example.org:20250402:tide-gauge",
                Some("Tide gauge at Fenwick Point back online")
            ),
            // A guid that is not a URI: a version 5 UUID of it (checked with Python's uuid module).
            (
                "LMW_0117_2",
                "urn:uuid:dddac997-7a93-58c0-b8ab-7d04fa9b6ab9",
                Some("Ferry timetable changes from Monday")
            ),
        ]
    );
    assert_eq!(articles[0].byline.as_deref(), Some("By Arlo Pennick"));
    assert_eq!(articles[1].body.len(), 2, "two paragraphs of inlineData");
    assert_eq!(articles[1].version_created.unwrap().to_string(), "2025-04-02T07:20:00Z");
    // The picture is skipped, named, with the reason; reported once.
    let skipped: Vec<&str> = articles
        .iter()
        .flat_map(|a| &a.warnings)
        .filter(|w| w.code == WarningCode::MessageItemSkipped)
        .map(|w| w.message.as_str())
        .collect();
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert!(
        skipped[0].contains("item 3") && skipped[0].contains("gauge-photo") && skipped[0].contains("ninat:picture")
    );
    // One article per file is what `read` gives; the message holds two.
    let bytes = std::fs::read(message_fixture()).unwrap();
    let err = newsml::read(&bytes, &ReadOptions::default()).unwrap_err().to_string();
    assert!(err.contains("newsMessage of 2 text newsItems"), "{err}");
    // A reader without read_all gives the one article.
    let text = newsarc::read::reader("text").unwrap();
    assert_eq!(text.read_articles(b"# T\n\nBody.\n", &ReadOptions::default()).unwrap().len(), 1);
}

#[test]
fn a_news_message_without_text_items_is_refused_naming_each() {
    let xml = r#"<newsMessage xmlns="http://iptc.org/std/nar/2006-10-01/"><header/><itemSet>
        <packageItem guid="urn:x:p"/>
        <newsItem guid="urn:x:v"><itemMeta><itemClass qcode="ninat:video"/></itemMeta></newsItem>
        </itemSet></newsMessage>"#;
    let err = newsml::read_articles(xml.as_bytes(), &ReadOptions::default()).unwrap_err().to_string();
    assert!(
        err.contains("without a text newsItem") && err.contains("packageItem") && err.contains("ninat:video"),
        "{err}"
    );
}

#[test]
fn an_identifier_that_is_not_a_uri_is_kept_beside_the_derived_one() {
    let articles = load_all(&Input::Path(message_fixture()), &pinned_options()).unwrap();
    let a = &articles[1];
    let ninjs = json(a, "ninjs");
    assert_eq!(ninjs["uri"], "urn:uuid:dddac997-7a93-58c0-b8ab-7d04fa9b6ab9");
    assert_eq!(ninjs["altIds"][0], serde_json::json!({"role": "guid", "value": "LMW 0117/2"}));
    let record = json(a, "metadata");
    assert_eq!(record["original_id"], serde_json::json!({"role": "guid", "value": "LMW 0117/2"}));
    let xml = String::from_utf8(rendition(a, "newsml")).unwrap();
    assert!(xml.contains("guid=\"urn:uuid:dddac997-7a93-58c0-b8ab-7d04fa9b6ab9\""), "{xml}");
    assert!(xml.contains("<altId typeuri=\"urn:newsarc:altid:guid\">LMW 0117/2</altId>"), "{xml}");
    // newsarc's NewsML-G2 reads back with the original, and writes the same bytes again.
    let options = ReadOptions { source_name: Some(format!("{}.newsml.xml", a.id)), ..ReadOptions::default() };
    let back = newsml::read(xml.as_bytes(), &options).unwrap();
    assert_eq!(back.original_id, a.original_id);
    assert_eq!(back.uri, a.uri);
    assert_eq!(String::from_utf8(rendition(&back, "newsml")).unwrap(), xml);
    // A guid that is a URI is used as it is, and nothing is added.
    assert!(articles[0].original_id.is_none());
    assert!(json(&articles[0], "ninjs")["altIds"].is_null());
}

#[test]
fn an_epub_identifier_that_is_not_a_uri_becomes_one() {
    // An EPUB as another producer might make it, with dc:identifier `NOID`.
    let article = article("sample-shape.txt");
    let book = rendition(&article, "epub");
    let read =
        newsarc::read::epub::read(&retitle_identifier(&book, &article.uri, "NOID"), &ReadOptions::default()).unwrap();
    // A version 5 UUID of `NOID` in newsarc's namespace (checked with Python's uuid module).
    assert_eq!(read.uri, "urn:uuid:b2b8012e-6d3e-5e39-b9d8-646588ea012b");
    assert_eq!(read.original_id.as_ref().map(|o| (o.role.as_str(), o.value.as_str())), Some(("identifier", "NOID")));
    assert_eq!(json(&read, "ninjs")["altIds"][0], serde_json::json!({"role": "identifier", "value": "NOID"}));
    // An empty one: derived from what else names the article, its source URL, and said.
    let empty = retitle_identifier(&book, &article.uri, "");
    let read = newsarc::read::epub::read(&empty, &ReadOptions::default()).unwrap();
    let url = article.source_url.as_deref().unwrap();
    let namespace = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, b"newsarc source url");
    assert_eq!(read.uri, format!("urn:uuid:{}", uuid::Uuid::new_v5(&namespace, url.as_bytes())));
    assert_eq!(read.uri_origin, newsarc::model::UriOrigin::SourceUrl);
    assert!(read.original_id.is_none());
    assert!(read.warnings.iter().any(|w| w.code == WarningCode::NoIdentifier));
    // Without one either, and without a name: from the bytes, and said.
    let mut bare = article.clone();
    bare.source_url = None;
    let no_url = retitle_identifier(&rendition(&bare, "epub"), &article.uri, "");
    let read = newsarc::read::epub::read(&no_url, &ReadOptions::default()).unwrap();
    let namespace = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, b"newsarc article");
    let sha = sha256_hex(&no_url);
    assert_eq!(read.uri, format!("urn:uuid:{}", uuid::Uuid::new_v5(&namespace, format!("sha256:{sha}").as_bytes())));
    assert_eq!(read.uri_origin, newsarc::model::UriOrigin::Digest);
    assert!(read.warnings.iter().any(|w| w.code == WarningCode::UriFromDigest));
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// newsarc's EPUB made another producer's (no generator), with its package document's identifier
/// text replaced (the zip rewritten, same entries, all stored).
fn retitle_identifier(epub: &[u8], from: &str, to: &str) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(epub)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        if name.ends_with(".opf") {
            // Another producer's: no newsarc generator, and the identifier replaced.
            let opf = String::from_utf8(bytes).unwrap().replace("name=\"generator\"", "name=\"producer\"");
            bytes = opf.replace(&format!(">{from}<"), &format!(">{to}<")).into_bytes();
        }
        let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        out.start_file(name, stored).unwrap();
        out.write_all(&bytes).unwrap();
    }
    out.finish().unwrap().into_inner()
}

#[test]
fn convert_and_pack_write_each_item_of_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let run = newsarc().arg("convert").arg(message_fixture()).arg("-o").arg(&out).output().unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert!(String::from_utf8_lossy(&run.stderr).contains("NA-READ-013"), "the skipped picture is reported");
    let mut files: Vec<String> =
        std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    files.sort();
    assert_eq!(files.len(), 8, "{files:?}");
    assert!(files.contains(&"LMW_0117_2.ninjs.json".to_string()), "{files:?}");

    // inspect shows both, as an array.
    let shown = newsarc().arg("inspect").arg(message_fixture()).output().unwrap();
    let shown: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(shown.as_array().map(Vec::len), Some(2), "{shown}");

    // A book: a chapter per item, beside a text article's.
    let book = dir.path().join("book.epub");
    let run = newsarc()
        .arg("convert")
        .arg(message_fixture())
        .arg(fixture("sample-shape.txt"))
        .arg("--book")
        .arg(&book)
        .arg("-q")
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let chapters = newsarc::read::epub::read_articles(&std::fs::read(&book).unwrap(), &ReadOptions::default()).unwrap();
    let headlines: Vec<&str> = chapters.iter().filter_map(|a| a.headline.as_deref()).collect();
    // Inputs in sorted order (fixtures/articles before fixtures/newsml), a message's items in theirs.
    assert_eq!(headlines.len(), 3, "{headlines:?}");
    assert_eq!(&headlines[1..], ["Tide gauge at Fenwick Point back online", "Ferry timetable changes from Monday"]);

    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    std::fs::copy(message_fixture(), corpus.join("feed.xml")).unwrap();
    std::fs::copy(fixture("sample-shape.txt"), corpus.join("sample-shape.txt")).unwrap();
    let bag = dir.path().join("bag");
    let run = newsarc().arg("pack").arg(&corpus).args(["--ext", "xml,txt", "-o"]).arg(&bag).output().unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let mut ids: Vec<String> = std::fs::read_dir(bag.join("data/articles"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    ids.sort();
    assert_eq!(ids, ["LMW_0117_2", "sample-shape", "urn_newsml_wire.example.org_20250402_tide-gauge"]);
    let check = newsarc().arg("validate").arg("--reproduce").arg(&bag).output().unwrap();
    assert_eq!(check.status.code(), Some(0), "{}", String::from_utf8_lossy(&check.stdout));
}

#[test]
fn renditions_of_every_iptc_text_item_pass_the_validators() {
    let Some(root) = shared("oracles/newsml-g2/official-tests") else { return };
    let dir = tempfile::tempdir().unwrap();
    let mut by_writer: std::collections::BTreeMap<&str, Vec<PathBuf>> = Default::default();
    let (mut items, mut refused) = (0, 0);
    let mut versions: Vec<PathBuf> = std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).collect();
    versions.sort();
    for version in versions {
        let Ok(entries) = std::fs::read_dir(version.join("should_pass")) else { continue };
        let mut docs: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
        docs.sort();
        let out = dir.path().join(version.file_name().unwrap());
        std::fs::create_dir_all(&out).unwrap();
        for doc in docs {
            let Ok(articles) = load_all(&Input::Path(doc.clone()), &pinned_options()) else {
                refused += 1;
                continue;
            };
            for article in articles {
                items += 1;
                let renditions =
                    render(&article, &ALL, Naming::ById).unwrap_or_else(|e| panic!("{}: {e}", doc.display()));
                for r in renditions {
                    let path = out.join(format!("{}-{}", file_name(&doc).trim_end_matches(".xml"), r.file));
                    std::fs::write(&path, &r.bytes).unwrap();
                    by_writer.entry(r.writer).or_default().push(path);
                }
            }
        }
    }
    eprintln!("IPTC NewsML-G2 should_pass: {items} text items written, {refused} documents refused (not text items)");
    assert!(items >= 85, "{items} items");
    if let Some(check) = oracle("check-ninjs") {
        assert_oracle_passes(check, &by_writer["ninjs"], ": valid");
    }
    if let Some(check) = oracle("check-newsml") {
        assert_oracle_passes(check, &by_writer["newsml"], " validates");
    }
    if let Some(check) = oracle("check-epub") {
        assert_oracle_passes(check, &by_writer["epub"], ": valid");
    }
    // And newsarc's own validator agrees.
    let validator_findings: Vec<String> = by_writer["ninjs"]
        .iter()
        .flat_map(|p| {
            newsarc::validate::article::check_file(&p.display().to_string(), file_name(p), &std::fs::read(p).unwrap())
        })
        .map(|f| f.to_string())
        .collect();
    assert!(validator_findings.is_empty(), "{validator_findings:#?}");
}
