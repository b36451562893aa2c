//! XML in the encoding it declares: a NewsML-G2 item written in ISO-8859-1, Windows-1252 or
//! UTF-16 reads as the same article as its UTF-8 original; a declaration that lies (ISO-8859-1
//! declared, UTF-8 bytes) is read as UTF-8 with a warning, not as mojibake; an unknown encoding is
//! refused with its name; and the source keeps the bytes as they came.

use crate::util::*;
use newsarc::read::{ReadOptions, decode, newsml};

/// A NewsML-G2 item of the project's, with letters beyond ASCII that ISO-8859-1 holds.
fn item_utf8() -> String {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/newsml/other-producer-xhtml.xml"),
    )
    .unwrap();
    let text = text.replacen("Osk ferry returns after", "Ösk ferry returns after (café, señor, naïve)", 1);
    assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
    text
}

fn declared(text: &str, encoding: &str) -> String {
    text.replacen("encoding=\"UTF-8\"", &format!("encoding=\"{encoding}\""), 1)
}

/// ISO-8859-1 bytes of `text`, written here (each char below U+0100 is one byte).
fn latin1(text: &str) -> Vec<u8> {
    text.chars().map(|c| u8::try_from(u32::from(c)).unwrap_or_else(|_| panic!("{c} is not in ISO-8859-1"))).collect()
}

fn read(bytes: &[u8]) -> Result<newsarc::model::Article, newsarc::read::ReadError> {
    newsml::read(bytes, &ReadOptions::default())
}

#[test]
fn an_item_reads_the_same_in_every_encoding_it_declares() {
    let original = read(item_utf8().as_bytes()).unwrap();
    let headline = original.headline.clone().unwrap();
    assert!(headline.contains("Ösk ferry") && headline.contains("café, señor, naïve"), "{headline}");

    let iso = latin1(&declared(&item_utf8(), "ISO-8859-1"));
    assert!(std::str::from_utf8(&iso).is_err(), "the test bytes are not UTF-8");
    let cp1252 = latin1(&declared(&item_utf8(), "windows-1252"));
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(declared(&item_utf8(), "UTF-16").encode_utf16().flat_map(u16::to_le_bytes));
    for (what, bytes) in [("ISO-8859-1", iso), ("Windows-1252", cp1252), ("UTF-16LE", utf16)] {
        let article = read(&bytes).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(article.headline.as_deref(), Some(headline.as_str()), "{what}");
        assert_eq!(article.body, original.body, "{what}");
        assert!(article.warnings.iter().all(|w| w.code.as_str() != "NA-READ-018"), "{what}: {:?}", article.warnings);
    }
}

#[test]
fn windows_1252_characters_in_a_latin1_declaration_are_read_as_browsers_read_them() {
    // 0x93 and 0x94 are C1 controls in ISO-8859-1 proper, and curly quotes in Windows-1252, which
    // is what such files mean (the WHATWG label table says the same).
    let mut bytes = latin1(&declared(&item_utf8(), "ISO-8859-1"));
    let at = bytes.windows(4).position(|w| w == b"caf\xE9").unwrap();
    bytes.splice(at..at + 4, *b"\x93caf\xE9\x94");
    let article = read(&bytes).unwrap();
    assert!(article.headline.unwrap().contains("\u{201C}café\u{201D}"));
}

#[test]
fn a_declaration_that_lies_is_read_as_utf8_with_a_warning() {
    let bytes = declared(&item_utf8(), "ISO-8859-1").into_bytes();
    let article = read(&bytes).unwrap();
    assert!(article.headline.as_deref().unwrap().contains("café, señor"), "no mojibake: {:?}", article.headline);
    let warning = article.warnings.iter().find(|w| w.code.as_str() == "NA-READ-018").expect("NA-READ-018");
    assert!(warning.message.contains("ISO-8859-1") && warning.message.contains("UTF-8"), "{}", warning.message);
    // An agency file that does this (kept outside the project), decoded the same way.
    let Some(path) = shared("peers/nitf/mapping_test.xml") else { return };
    let bytes = std::fs::read(path).unwrap();
    let decoded = decode::decode_xml(&bytes, false, u64::MAX).unwrap();
    assert!(decoded.text.contains("41-årig"), "read as UTF-8");
    assert_eq!(decoded.warnings.iter().map(|w| w.code.as_str()).collect::<Vec<_>>(), ["NA-READ-018"]);
}

#[test]
fn an_unknown_or_impossible_encoding_is_refused_with_its_name() {
    let err = read(declared(&item_utf8(), "x-klingon").as_bytes()).unwrap_err().to_string();
    assert!(err.contains("x-klingon"), "{err}");
    // UTF-16 declared, but one byte per character and no byte order mark.
    let err = read(declared(&item_utf8(), "UTF-16").as_bytes()).unwrap_err().to_string();
    assert!(err.contains("UTF-16"), "{err}");
    // Bytes the declared encoding cannot hold (Shift_JIS: 0x82 must be followed by a trail byte).
    let mut bytes = declared(&item_utf8(), "Shift_JIS").replace(['Ö', 'é', 'ñ', 'ï'], "o").into_bytes();
    let at = bytes.windows(3).position(|w| w == b"caf").unwrap();
    bytes[at] = 0x82;
    bytes[at + 1] = 0x0A;
    let err = read(&bytes).unwrap_err().to_string();
    assert!(err.contains("Shift_JIS"), "{err}");
}

/// `convert` and `pack` of a Latin-1 item: the renditions are UTF-8 (and valid), the bag keeps
/// the source's bytes as they came.
#[test]
fn the_source_keeps_its_bytes_and_the_renditions_are_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("ferry.xml");
    let bytes = latin1(&declared(&item_utf8(), "ISO-8859-1"));
    std::fs::write(&input, &bytes).unwrap();
    let bag = dir.path().join("bag");
    let out = newsarc().arg("pack").arg(&input).arg("-o").arg(&bag).arg("-q").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let articles: Vec<_> = std::fs::read_dir(bag.join("data/articles")).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(articles.len(), 1);
    assert_eq!(std::fs::read(articles[0].join("source.txt")).unwrap(), bytes, "the source as it came");
    let newsml = std::fs::read_to_string(articles[0].join("article.xml")).expect("the rendition is UTF-8");
    assert!(newsml.contains("café, señor, naïve"));
    let out = newsarc().arg("validate").arg("--reproduce").arg(&bag).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    let Some(check) = oracle("check-newsml") else { return };
    let out = std::process::Command::new(check).arg(articles[0].join("article.xml")).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
}
