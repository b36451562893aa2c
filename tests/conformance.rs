//! Conformance: the external validators on every fixture's renditions (IPTC's ninjs schema,
//! IPTC's NewsML-G2 XSD), and the project's own schemas on every metadata record and sidecar.

use crate::util::*;
use newsarc::convert::{Naming, render};

const ALL: [&str; 4] = ["newsml", "epub", "ninjs", "metadata"];

fn schema(text: &str) -> jsonschema::Validator {
    let schema: serde_json::Value = serde_json::from_str(text).unwrap();
    jsonschema::options().should_validate_formats(true).build(&schema).unwrap()
}

/// Renders every good fixture into a temporary folder; returns it and the files by writer.
fn render_all(writer: &str) -> (tempfile::TempDir, Vec<std::path::PathBuf>) {
    let dir = tempfile::tempdir().unwrap();
    let mut paths = Vec::new();
    for path in good_fixtures() {
        let article = try_load_path(&path).unwrap();
        for r in render(&article, &ALL, Naming::ById).unwrap() {
            if r.writer == writer {
                let out = dir.path().join(&r.file);
                std::fs::write(&out, &r.bytes).unwrap();
                paths.push(out);
            }
        }
    }
    (dir, paths)
}

#[test]
fn every_ninjs_passes_iptcs_schema() {
    let Some(check) = oracle("check-ninjs") else { return };
    let (_dir, paths) = render_all("ninjs");
    assert_eq!(paths.len(), good_fixtures().len());
    assert_oracle_passes(check, &paths, ": valid");
}

/// Runs an oracle on files; every one must pass, and each must be reported.
fn assert_oracle_passes(check: std::path::PathBuf, paths: &[std::path::PathBuf], valid_line: &str) {
    let out = std::process::Command::new(check).args(paths).output().unwrap();
    let report = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{report}");
    assert_eq!(report.lines().filter(|l| l.ends_with(valid_line)).count(), paths.len(), "{report}");
}

#[test]
fn every_newsml_passes_iptcs_xsd() {
    let Some(check) = oracle("check-newsml") else { return };
    let (_dir, paths) = render_all("newsml");
    assert_eq!(paths.len(), good_fixtures().len());
    assert_oracle_passes(check, &paths, " validates");
}

#[test]
fn every_metadata_record_passes_the_projects_schema() {
    let validator = schema(newsarc::schemas::METADATA);
    let (_dir, paths) = render_all("metadata");
    assert_eq!(paths.len(), good_fixtures().len());
    for path in paths {
        let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let errors: Vec<String> = validator.iter_errors(&doc).map(|e| format!("{}: {e}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
    }
}

#[test]
fn the_metadata_schema_refuses_what_it_should() {
    let validator = schema(newsarc::schemas::METADATA);
    let article = article("with-sidecar.txt");
    let good: serde_json::Value = serde_json::from_slice(
        &(newsarc::write::writer("metadata").unwrap().write)(&article, &Default::default()).unwrap(),
    )
    .unwrap();
    assert!(validator.is_valid(&good));
    for (pointer, bad) in [
        ("/date", serde_json::json!("2020-13-01")),
        ("/source/sha256", serde_json::json!("ABC")),
        ("/record_version", serde_json::json!(2)),
        ("/warnings", serde_json::json!([{"code": "W1", "message": "x"}])),
        ("/unknown", serde_json::json!(1)),
    ] {
        let mut doc = good.clone();
        match doc.pointer_mut(pointer) {
            Some(v) => *v = bad,
            None => {
                doc.as_object_mut().unwrap().insert(pointer[1..].to_string(), bad);
            }
        }
        assert!(!validator.is_valid(&doc), "{pointer} should be refused");
    }
}

#[test]
fn sidecar_files_against_the_sidecar_schema() {
    let validator = schema(newsarc::schemas::SIDECAR);
    for (name, valid) in
        [("with-sidecar.meta.json", true), ("sidecar-language.meta.json", true), ("sidecar-broken.meta.json", false)]
    {
        let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(fixture(name)).unwrap()).unwrap();
        assert_eq!(validator.is_valid(&doc), valid, "{name}");
        // The reader agrees with the schema.
        assert_eq!(newsarc::read::sidecar::parse(&std::fs::read(fixture(name)).unwrap()).is_ok(), valid, "{name}");
    }
}
