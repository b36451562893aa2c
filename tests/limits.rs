//! Every limit says so when hit: the message names the limit and its value, and where a flag sets
//! it, the flag changes it (the README's "Limits" table lists them all).

use crate::util::newsarc;
use newsarc::format::zip::{Method, ZipBuilder};
use newsarc::read::epub::{LimitExceeded, Limits};
use newsarc::read::{ReadOptions, epub, newsml, text, xml};

fn read_error(result: Result<newsarc::model::Article, newsarc::read::ReadError>) -> String {
    result.map(|_| ()).unwrap_err().to_string()
}

#[test]
fn input_size_limit_is_named_with_its_value_and_flag() {
    let options = ReadOptions { max_input_size: 100, ..ReadOptions::default() };
    let err = read_error(text::read(&[b'a'; 200], &options));
    assert!(err.contains("over the input size limit of 100 bytes") && err.contains("--max-input-size"), "{err}");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.txt");
    std::fs::write(&path, format!("# T\n\n{}\n", "word ".repeat(40))).unwrap();
    let out = newsarc().args(["inspect", "--max-input-size", "100"]).arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("input size limit of 100 bytes"));
}

#[test]
fn nesting_limit_is_named_with_its_value() {
    let deep = format!("# T\n\n{}x\n", "> ".repeat(newsarc::model::MAX_NESTING + 5));
    let article = text::read(deep.as_bytes(), &ReadOptions::default()).unwrap();
    let warning = article.warnings.iter().find(|w| w.code.as_str() == "NA-READ-006").expect("a nesting warning");
    assert!(warning.message.contains("nested deeper than 48 levels"), "{}", warning.message);
    // The same limit in an XHTML body, read back from NewsML-G2.
    let deep = format!(
        r#"<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:x" version="1" standard="NewsML-G2" standardversion="2.35"><itemMeta><itemClass qcode="ninat:text"/></itemMeta><contentSet><inlineXML contenttype="application/xhtml+xml"><html xmlns="http://www.w3.org/1999/xhtml"><head><title>t</title></head><body><p>{}x{}</p></body></html></inlineXML></contentSet></newsItem>"#,
        "<em>".repeat(newsarc::model::MAX_NESTING + 5),
        "</em>".repeat(newsarc::model::MAX_NESTING + 5)
    );
    let article = newsml::read(deep.as_bytes(), &ReadOptions::default()).unwrap();
    let warning = article.warnings.iter().find(|w| w.code.as_str() == "NA-READ-006").expect("a nesting warning");
    assert!(warning.message.contains("nested deeper than 48 levels"), "{}", warning.message);
}

#[test]
fn xml_depth_and_attribute_limits_are_named_with_their_values() {
    let deep = format!("{}{}", "<a>".repeat(xml::MAX_DEPTH + 1), "</a>".repeat(xml::MAX_DEPTH + 1));
    let err = read_error(newsml::read(deep.as_bytes(), &ReadOptions::default()));
    assert!(err.contains("nested deeper than 256 levels, the depth limit"), "{err}");
    let attributes: String = (0..=xml::MAX_ATTRIBUTES).map(|i| format!(" a{i}=''")).collect();
    let err = read_error(newsml::read(format!("<newsItem{attributes}/>").as_bytes(), &ReadOptions::default()));
    assert!(err.contains("more than 256 attributes, the attribute limit"), "{err}");
}

#[test]
fn epub_entry_count_limit_is_named_with_its_value() {
    let mut zip = ZipBuilder::default();
    zip.add("mimetype", Method::Stored, b"application/epub+zip").unwrap();
    for i in 0..Limits::default().max_entries {
        zip.add(&format!("e{i}"), Method::Stored, b"").unwrap();
    }
    let bytes = zip.finish().unwrap();
    let err = read_error(epub::read(&bytes, &ReadOptions::default()));
    assert!(err.contains("10001 entries, over the entry-count limit of 10000"), "{err}");
    let findings = newsarc::validate::epub::check("x.epub", &bytes);
    assert!(findings.iter().any(|f| f.message.contains("over the entry-count limit of 10000")), "{findings:?}");
}

#[test]
fn archive_size_and_ratio_limits_are_named_with_their_values() {
    let limits = Limits { max_entries: 10, max_entry_size: 2 << 20, max_total_size: 3 << 20, max_ratio: 100 };
    let message = |e: LimitExceeded| e.to_string();
    let size = message(limits.check_entry((2 << 20) + 1, None, 0).unwrap_err());
    assert!(size.contains("over the per-entry size limit of 2097152 bytes"), "{size}");
    let ratio = message(limits.check_entry(2 << 20, Some(1_000), 0).unwrap_err());
    assert!(ratio.contains("over the compression-ratio limit of 100"), "{ratio}");
    let total = message(limits.check_entry(2 << 20, None, 2 << 20).unwrap_err());
    assert!(total.contains("3145728 bytes, the total-size limit"), "{total}");
    assert!(limits.check_entry(2 << 20, Some(1 << 20), 1 << 20).is_ok());
}

/// `newsarc validate ARGS BAG` on a small zip bag: its report.
fn validate_with(args: &[&str], entries: &[(&str, Vec<u8>)]) -> String {
    let mut zip = ZipBuilder::default();
    for (name, bytes) in entries {
        zip.add(name, Method::Deflated, bytes).unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bag.zip");
    std::fs::write(&path, zip.finish().unwrap()).unwrap();
    let out = newsarc().arg("validate").args(args).arg(&path).output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn package_limits_are_named_with_their_values_and_set_by_flags() {
    let files = || vec![("b/bagit.txt", b"BagIt-Version: 1.0\n".to_vec()), ("b/data/a.txt", vec![b'a'; 300])];
    let report = validate_with(&[], &files());
    assert!(!report.contains("NA-SAFE-00"), "{report}");
    let report = validate_with(&["--max-entries", "1"], &files());
    assert!(
        report.contains("NA-SAFE-007") && report.contains("more than 1 entries, the entry-count limit"),
        "{report}"
    );
    let report = validate_with(&["--max-entry-size", "100"], &files());
    assert!(
        report.contains("NA-SAFE-005") && report.contains("over the per-entry size limit of 100 bytes"),
        "{report}"
    );
    let report = validate_with(&["--max-total-size", "200"], &files());
    assert!(report.contains("NA-SAFE-005") && report.contains("200 bytes, the total-size limit"), "{report}");
    let zeros = vec![("b/bagit.txt", b"BagIt-Version: 1.0\n".to_vec()), ("b/data/z.bin", vec![0u8; 3 << 20])];
    // 3 MiB of zeros deflate about a thousandfold.
    let report = validate_with(&[], &zeros);
    assert!(report.contains("NA-SAFE-006") && report.contains("over the compression-ratio limit of 100 "), "{report}");
    let report = validate_with(&["--max-ratio", "5000"], &zeros);
    assert!(!report.contains("NA-SAFE-006"), "{report}");
}
