//! The text reader on any bytes: no panic; whatever it accepts is written in every rendition,
//! each rendition passes newsarc's own checks, and NewsML-G2 and EPUB read back to the same
//! article fields the round-trip properties compare (tests/properties.rs).

#![no_main]

use libfuzzer_sys::fuzz_target;
use newsarc::convert::{Naming, render};
use newsarc::model::Timestamp;
use newsarc::read::{ReadOptions, epub, newsml, text};
use newsarc::validate::{Severity, article};

fuzz_target!(|data: &[u8]| {
    let options = ReadOptions { source_name: Some("fuzz.txt".to_string()), ..ReadOptions::default() };
    let Ok(mut source) = text::read(data, &options) else { return };
    // NewsML-G2 and EPUB need a timestamp, which a file time gives outside the fuzzer.
    source.version_created = Timestamp::from_unix_seconds(0);
    let renditions = render(&source, &["newsml", "epub", "ninjs", "metadata"], Naming::ById)
        .unwrap_or_else(|e| panic!("an article the reader accepted cannot be written: {e}"));
    assert_eq!(renditions.len(), 4);
    for r in &renditions {
        let options = ReadOptions { source_name: Some(r.file.clone()), ..ReadOptions::default() };
        let back = match r.writer {
            "newsml" => {
                Some(newsml::read(&r.bytes, &options).unwrap_or_else(|e| panic!("{}: not read back: {e}", r.file)))
            }
            "epub" => Some(epub::read(&r.bytes, &options).unwrap_or_else(|e| panic!("{}: not read back: {e}", r.file))),
            _ => None,
        };
        if let Some(back) = back {
            assert_eq!(back.body, source.body, "{}: body", r.file);
            assert_eq!(back.headline, source.headline, "{}: headline", r.file);
            assert_eq!(back.dateline, source.dateline, "{}: dateline", r.file);
            assert_eq!(back.source_url, source.source_url, "{}: source URL", r.file);
            assert_eq!(back.publisher, source.publisher, "{}: publisher", r.file);
            assert_eq!(back.byline, source.byline, "{}: byline", r.file);
            if r.writer == "epub" {
                assert_eq!(back.uri, source.uri, "{}: URI", r.file);
            }
            // What `newsarc validate` makes errors of in a rendition read back.
            let errors: Vec<_> = back.warnings.iter().filter(|w| w.code.is_error_when_validating()).collect();
            assert!(errors.is_empty(), "{}: {errors:?}", r.file);
        }
        let errors: Vec<_> = article::check_file(&r.file, &r.file, &r.bytes)
            .into_iter()
            .filter(|f| f.severity == Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{}: newsarc's own checks fail on what it wrote: {errors:?}", r.file);
    }
});
