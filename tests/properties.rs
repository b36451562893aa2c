//! Properties over generated input: the reader never panics, never lets a character XML forbids
//! through, and reads the same bytes the same way.

use crate::util::is_illegal_in_xml;
use newsarc::convert::{Naming, render};
use newsarc::read::{ReadOptions, text::read};
use proptest::prelude::*;

/// Markdown-ish text built from the pieces that make parsers and article recognition work hard.
fn articleish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("# ".to_string()),
        Just("---\n".to_string()),
        Just("\n\n".to_string()),
        Just("\n".to_string()),
        Just("> ".to_string()),
        Just("* ".to_string()),
        Just("1. ".to_string()),
        Just("**".to_string()),
        Just("_".to_string()),
        Just("[x](".to_string()),
        Just(")".to_string()),
        Just("<https://example.org/a>".to_string()),
        Just("Baghdad, January 24 (RHC)-- ".to_string()),
        Just("By Jane Doe".to_string()),
        Just("&#1;&amp;&#xFFFE;".to_string()),
        Just("<div>".to_string()),
        Just("| a | b |\n|---|---|\n".to_string()),
        Just("```\n".to_string()),
        "[a-zA-Z ]{1,12}",
        "\\PC{1,6}",
    ];
    proptest::collection::vec(piece, 0..60).prop_map(|v| v.concat())
}

/// Well-formed XML: every start tag closed in order, every reference resolvable, checked by
/// quick-xml with end-name checks on.
fn well_formed(xml: &str) -> bool {
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let mut depth = 0i64;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Start(_)) => depth += 1,
            Ok(quick_xml::events::Event::End(_)) => depth -= 1,
            Ok(quick_xml::events::Event::GeneralRef(r)) => {
                let name: &str = &r;
                let known = matches!(name, "amp" | "lt" | "gt" | "quot" | "apos")
                    || r.resolve_char_ref().is_ok_and(|c| c.is_some());
                if !known {
                    return false;
                }
            }
            Ok(quick_xml::events::Event::Eof) => return depth == 0,
            Ok(_) => {}
            Err(_) => return false,
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn any_bytes_read_or_fail_cleanly(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let options = ReadOptions { lossy: true, ..ReadOptions::default() };
        if let Ok(article) = read(&bytes, &options) {
            let json = serde_json::to_string(&article).unwrap();
            let value: serde_json::Value = serde_json::from_str(&json).unwrap();
            prop_assert!(!value.to_string().chars().any(is_illegal_in_xml));
        }
    }

    #[test]
    fn articleish_text_renders_without_forbidden_characters(text in articleish()) {
        let options = ReadOptions::default();
        if let Ok(mut article) = read(text.as_bytes(), &options) {
            article.version_created = newsarc::model::Timestamp::from_unix_seconds(0);
            for r in render(&article, &["newsml", "epub", "ninjs", "metadata"], Naming::ById).unwrap() {
                if r.writer == "newsml" || r.writer == "epub" {
                    let text = match r.writer {
                        "epub" => newsarc::write::epub::content_document(&article),
                        _ => String::from_utf8(r.bytes).unwrap(),
                    };
                    prop_assert!(!text.chars().any(is_illegal_in_xml), "{}", r.file);
                    prop_assert!(well_formed(&text), "{text}");
                } else {
                    let value: serde_json::Value = serde_json::from_slice(&r.bytes).unwrap();
                    prop_assert!(!value.to_string().chars().any(is_illegal_in_xml), "{}", r.file);
                }
            }
            let mut again = read(text.as_bytes(), &options).unwrap();
            again.version_created = article.version_created;
            prop_assert_eq!(again, article);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    /// Whatever the text reader makes, NewsML-G2 carries it back exactly.
    #[test]
    fn newsml_round_trips_any_article(text in articleish()) {
        if let Ok(mut article) = read(text.as_bytes(), &ReadOptions::default()) {
            article.version_created = newsarc::model::Timestamp::from_unix_seconds(0);
            let xml = render(&article, &["newsml"], Naming::ById).unwrap().remove(0).bytes;
            let options = ReadOptions { source_name: Some(format!("{}.newsml.xml", article.id)), ..ReadOptions::default() };
            let back = newsarc::read::newsml::read(&xml, &options).unwrap();
            prop_assert_eq!(&back.body, &article.body, "{}", String::from_utf8_lossy(&xml));
            prop_assert_eq!(&back.headline, &article.headline);
            prop_assert_eq!(&back.dateline, &article.dateline);
            prop_assert_eq!(&back.source_url, &article.source_url);
            prop_assert_eq!(&back.publisher, &article.publisher);
            prop_assert_eq!(&back.byline, &article.byline);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Whatever the text reader makes, EPUB carries it back exactly.
    #[test]
    fn epub_round_trips_any_article(text in articleish()) {
        if let Ok(mut article) = read(text.as_bytes(), &ReadOptions::default()) {
            article.version_created = newsarc::model::Timestamp::from_unix_seconds(0);
            let book = render(&article, &["epub"], Naming::ById).unwrap().remove(0).bytes;
            let options = ReadOptions { source_name: Some(format!("{}.epub", article.id)), ..ReadOptions::default() };
            let back = newsarc::read::epub::read(&book, &options).unwrap();
            prop_assert_eq!(&back.body, &article.body);
            prop_assert_eq!(&back.headline, &article.headline);
            prop_assert_eq!(&back.dateline, &article.dateline);
            prop_assert_eq!(&back.source_url, &article.source_url);
            prop_assert_eq!(&back.publisher, &article.publisher);
            prop_assert_eq!(&back.byline, &article.byline);
            prop_assert_eq!(&back.uri, &article.uri);
        }
    }
}

proptest! {
    /// Markdown-ish text, raw HTML and brackets included, is text to the sniffing: it never
    /// takes an article for a page or JSON.
    #[test]
    fn articleish_text_is_sniffed_as_text(text in articleish()) {
        let sniffed = newsarc::read::sniff::sniff(text.as_bytes());
        prop_assert_eq!(sniffed.kind, newsarc::read::sniff::Kind::Text, "{}", sniffed.description);
    }

    /// Any bytes behind the starts the sniffing looks at are judged without a panic.
    #[test]
    fn any_bytes_behind_a_markup_or_json_start_are_sniffed_cleanly(
        start in prop_oneof![
            Just(&b""[..]), Just(&b"<?xml "[..]), Just(&b"<!DOCTYPE "[..]), Just(&b"<!doctype html"[..]),
            Just(&b"<!--"[..]), Just(&b"\xEF\xBB\xBF <"[..]), Just(&b"{"[..]), Just(&b"["[..]), Just(&b"WARC/"[..]),
        ],
        bytes in proptest::collection::vec(any::<u8>(), 0..400),
    ) {
        let input = [start, &bytes[..]].concat();
        let _ = newsarc::read::reader_for(Some("x.txt"), &input);
        let _ = newsarc::read::reader_for(None, &input);
    }
}
