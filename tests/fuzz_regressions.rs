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

/// The `package` target: a package reported valid has, in each payload file, the checksum its
/// manifest lists, read here with the zip crate directly. A file outside the payload that no
/// manifest lists is not read, so its damage (a bad CRC) leaves the bag valid, as in bagit-python.
#[test]
fn package_inputs_found_by_fuzzing_keep_their_checksums() {
    use sha2::Digest;
    use std::io::Read;
    for path in found("package") {
        let out = crate::util::newsarc().args(["validate", "-q"]).arg(&path).output().unwrap();
        if out.status.code() != Some(0) {
            continue;
        }
        let mut zip = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
        let mut files = std::collections::BTreeMap::new();
        for i in 0..zip.len() {
            let mut entry = zip.by_index(i).unwrap();
            let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
            let mut bytes = Vec::new();
            match entry.read_to_end(&mut bytes) {
                Ok(_) => {
                    files.entry(name).or_insert(bytes);
                }
                Err(e) => assert!(!name.contains("/data/") && !name.contains("/manifest-"), "{name}: {e}"),
            }
        }
        let (manifest, text) = files.iter().find(|(n, _)| n.ends_with("/manifest-sha256.txt")).unwrap();
        let top = manifest.trim_end_matches("manifest-sha256.txt");
        for line in String::from_utf8_lossy(text).lines() {
            let (hex, file) = line.split_once(' ').unwrap();
            let bytes = &files[&format!("{top}{}", file.trim_start())];
            assert_eq!(hex::encode(sha2::Sha256::digest(bytes)), hex, "{}: {file}", path.display());
        }
    }
}
