//! NewsML-G2: round trips through newsarc's own items, other producers' items, IPTC's own test
//! documents, and hostile XML.

use crate::util::*;
use newsarc::convert::{Naming, render};
use newsarc::model::{Article, Block, Direction, Inline, LanguageOrigin, WarningCode};
use newsarc::read::{ReadOptions, newsml};
use std::path::{Path, PathBuf};

fn newsml_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/newsml")
}

fn rendition(article: &Article, writer: &str) -> Vec<u8> {
    let all = render(article, &["newsml", "epub", "ninjs", "metadata"], Naming::ById).unwrap();
    all.into_iter().find(|r| r.writer == writer).unwrap().bytes
}

/// Reads NewsML bytes as if from `<id>.newsml.xml`.
fn read_back(article: &Article, bytes: &[u8]) -> Article {
    let options = ReadOptions { source_name: Some(format!("{}.newsml.xml", article.id)), ..ReadOptions::default() };
    newsml::read(bytes, &options).unwrap_or_else(|e| panic!("{}: {e}", article.id))
}

/// The metadata record without what describes the input file rather than the article (where the
/// URI, language and timestamp came from: read back, each comes from the document).
fn record_of_article(article: &Article) -> serde_json::Value {
    let mut record: serde_json::Value = serde_json::from_slice(&rendition(article, "metadata")).unwrap();
    for key in ["source", "warnings", "uri_origin", "language_origin", "version_created_origin", "renditions"] {
        record.as_object_mut().unwrap().remove(key);
    }
    record
}

#[test]
fn text_to_newsml_to_model_gives_the_same_ninjs_and_record() {
    for path in good_fixtures() {
        let from_text = try_load_path(&path).unwrap();
        let from_newsml = read_back(&from_text, &rendition(&from_text, "newsml"));
        let name = file_name(&path);
        assert_eq!(from_newsml.body, from_text.body, "{name}: body");
        assert_eq!(
            String::from_utf8(rendition(&from_newsml, "ninjs")).unwrap(),
            String::from_utf8(rendition(&from_text, "ninjs")).unwrap(),
            "{name}: ninjs"
        );
        assert_eq!(record_of_article(&from_newsml), record_of_article(&from_text), "{name}: metadata record");
    }
}

#[test]
fn newsml_to_model_to_newsml_is_byte_identical() {
    for path in good_fixtures() {
        let article = try_load_path(&path).unwrap();
        let first = rendition(&article, "newsml");
        let second = rendition(&read_back(&article, &first), "newsml");
        assert!(first == second, "{}: NewsML-G2 differs after a round trip", file_name(&path));
    }
}

#[test]
fn a_year_gives_a_truncated_content_created() {
    let mut article = article("sample-shape.txt");
    article.date = Some("2020".parse().unwrap());
    let xml = String::from_utf8(rendition(&article, "newsml")).unwrap();
    assert!(xml.contains("<contentCreated>2020</contentCreated>"), "{xml}");
    assert_eq!(read_back(&article, xml.as_bytes()).date, article.date);
    // Month and day alone cannot be written, and no year is invented.
    let xml = String::from_utf8(rendition(&self::article("sample-shape.txt"), "newsml")).unwrap();
    assert!(!xml.contains("contentCreated"));
}

#[test]
fn an_article_without_a_timestamp_cannot_be_written_and_says_why() {
    let article = newsarc::read::text::read(b"# T\n\nText.\n", &ReadOptions::default()).unwrap();
    let err = render(&article, &["newsml"], Naming::ById).unwrap_err().to_string();
    assert!(err.contains("versionCreated") && err.contains("SOURCE_DATE_EPOCH"), "{err}");
}

#[test]
fn another_producers_xhtml_item() {
    let a = try_load_path(&newsml_dir().join("other-producer-xhtml.xml")).unwrap();
    assert_eq!(a.uri, "urn:newsml:example.org:20250311:osk-ferry");
    assert_eq!(a.headline.as_deref(), Some("Osk ferry returns after winter refit"));
    assert_eq!(a.byline.as_deref(), Some("By Ines Marlow"));
    assert_eq!((a.language.as_str(), a.language_origin), ("en-GB", LanguageOrigin::Document));
    assert_eq!(a.version_created.unwrap().to_string(), "2025-03-11T09:15:00Z");
    assert_eq!(a.date.unwrap().to_string(), "2025-03-11");
    assert_eq!(a.publisher.as_deref(), Some("Harbor Daily Wire"));
    assert_eq!(a.source_url.as_deref(), Some("https://example.org/news/osk-ferry"));
    let d = a.dateline.as_ref().unwrap();
    assert_eq!((d.text.as_str(), d.place.as_deref()), ("CARROW BAY, March 11", Some("Carrow Bay")));
    assert_eq!(
        a.body[1],
        Block::Paragraph {
            content: vec![
                Inline::text("CARROW BAY, March 11 - The Osk ferry is back in service after a "),
                Inline::Emphasis { content: vec![Inline::text("three-month")] },
                Inline::text(" refit, the operator said."),
            ]
        },
        "white space as a browser reads it"
    );
    assert!(matches!(&a.body[2], Block::List { tight: true, items, .. } if items.len() == 2));
    assert!(matches!(&a.body[3], Block::Paragraph { .. }), "a div is read through");
    // And it converts onwards.
    newsarc::convert::render(&a, &["newsml", "epub", "ninjs", "metadata"], Naming::ById).unwrap();
}

#[test]
fn another_producers_nitf_item() {
    let a = try_load_path(&newsml_dir().join("other-producer-nitf.xml")).unwrap();
    assert_eq!(a.language, "es");
    assert_eq!(a.body.len(), 3);
    assert!(matches!(&a.body[1], Block::Heading { level: 2, .. }));
    let d = a.dateline.as_ref().unwrap();
    assert_eq!((d.place.as_deref(), d.agency.as_deref()), (Some("Fenwick"), Some("FNS")));
    assert_eq!(d.date.unwrap().to_string(), "--04-02");
}

#[test]
fn right_to_left_survives() {
    let a = article("lang-arabic-rtl.txt");
    let back = read_back(&a, &rendition(&a, "newsml"));
    assert_eq!((back.language.as_str(), back.direction), ("ar", Direction::Rtl));
}

#[test]
fn hostile_and_unsupported_items_are_refused_clearly() {
    let cases = [
        ("entity-bomb.xml", "XML error at line 2"),
        ("external-entity.xml", "declares entities"),
        ("ill-formed.xml", "XML error at line 3"),
        ("package-item.xml", "a packageItem (a package of references to other items), not an article"),
        ("picture-item.xml", "a newsItem of class `ninat:picture`, not text"),
    ];
    for (name, expected) in cases {
        let err = try_load_path(&newsml_dir().join(name)).unwrap_err().to_string();
        assert!(err.contains(expected) && err.contains(name), "{name}: {err}");
    }
}

#[test]
fn every_iptc_should_pass_document_is_read_or_refused_with_a_reason() {
    let Some(root) = shared("oracles/newsml-g2/official-tests") else { return };
    let mut docs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .flat_map(|v| std::fs::read_dir(v.unwrap().path().join("should_pass")).into_iter().flatten())
        .map(|e| e.unwrap().path())
        .collect();
    docs.sort();
    assert!(docs.len() >= 150, "IPTC's tests: {}", docs.len());
    let (mut read, mut refused) = (0, 0);
    for doc in &docs {
        match try_load_path(doc) {
            Ok(article) => {
                read += 1;
                assert!(!article.uri.is_empty());
                render(&article, &["ninjs", "metadata"], Naming::ById).unwrap();
            }
            Err(err) => {
                refused += 1;
                let message = err.to_string();
                let reason = message.rsplit(": ").next().unwrap_or_default();
                assert!(reason.len() > 10, "{}: no clear reason: {message}", doc.display());
            }
        }
    }
    assert!(read >= 85, "read {read}, refused {refused}");
}

#[test]
fn remote_content_is_not_fetched() {
    let xml = r#"<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:x:r"><itemMeta><itemClass qcode="ninat:text"/></itemMeta><contentMeta><headline>H</headline></contentMeta><contentSet><remoteContent href="https://example.org/body.html"/></contentSet></newsItem>"#;
    let a = newsml::read(xml.as_bytes(), &ReadOptions::default()).unwrap();
    assert!(a.body.is_empty());
    let w = a.warnings.iter().find(|w| w.code == WarningCode::RemoteContent).unwrap();
    assert!(w.message.contains("https://example.org/body.html"));
}

#[test]
fn the_cli_converts_newsml_onwards() {
    let dir = tempfile::tempdir().unwrap();
    let status = newsarc()
        .arg("convert")
        .arg(fixture("sample-shape.txt"))
        .arg("-o")
        .arg(dir.path())
        .arg("-q")
        .output()
        .unwrap()
        .status;
    assert!(status.success());
    let out = dir.path().join("again");
    let status = newsarc()
        .arg("convert")
        .arg(dir.path().join("sample-shape.newsml.xml"))
        .args(["--to", "ninjs", "-o"])
        .arg(&out)
        .output()
        .unwrap()
        .status;
    assert!(status.success());
    assert_eq!(
        std::fs::read(out.join("sample-shape.ninjs.json")).unwrap(),
        std::fs::read(dir.path().join("sample-shape.ninjs.json")).unwrap(),
        "text -> NewsML-G2 -> ninjs is text -> ninjs"
    );
}
