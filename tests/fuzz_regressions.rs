//! Inputs the fuzz targets (fuzz/) found failing, kept in `fixtures/fuzz/<target>/` and replayed
//! with the same checks the target makes, one test per target.

use newsarc::convert::{Naming, render};
use newsarc::model::Timestamp;
use newsarc::read::{ReadOptions, epub, newsml, text};
use newsarc::validate::{Severity, article};
use std::path::PathBuf;

/// The inputs found for `target`, sorted.
fn found(target: &str) -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/fuzz").join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert!(!files.is_empty(), "{}", dir.display());
    files
}

/// The `text` target: an article the text reader accepts is written in every rendition, each
/// passes newsarc's own checks, and NewsML-G2 and EPUB read back to the same fields.
#[test]
fn text_inputs_found_by_fuzzing_round_trip() {
    for path in found("text") {
        let bytes = std::fs::read(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy();
        let options = ReadOptions { source_name: Some("fuzz.txt".to_string()), ..ReadOptions::default() };
        let Ok(mut source) = text::read(&bytes, &options) else { continue };
        source.version_created = Timestamp::from_unix_seconds(0);
        for r in render(&source, &["newsml", "epub", "ninjs", "metadata"], Naming::ById).unwrap() {
            let options = ReadOptions { source_name: Some(r.file.clone()), ..ReadOptions::default() };
            let back = match r.writer {
                "newsml" => Some(newsml::read(&r.bytes, &options).unwrap()),
                "epub" => Some(epub::read(&r.bytes, &options).unwrap()),
                _ => None,
            };
            if let Some(back) = back {
                assert_eq!(back.body, source.body, "{name}: {}", r.file);
                assert_eq!(back.headline, source.headline, "{name}: {}", r.file);
                assert_eq!(back.dateline, source.dateline, "{name}: {}", r.file);
                assert_eq!(back.source_url, source.source_url, "{name}: {}", r.file);
                assert_eq!(back.publisher, source.publisher, "{name}: {}", r.file);
                assert_eq!(back.byline, source.byline, "{name}: {}", r.file);
            }
            let errors: Vec<_> = article::check_file(&r.file, &r.file, &r.bytes)
                .into_iter()
                .filter(|f| f.severity == Severity::Error)
                .collect();
            assert!(errors.is_empty(), "{name}: {}: {errors:?}", r.file);
        }
    }
}
