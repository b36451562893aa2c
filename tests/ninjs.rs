//! ninjs: newsarc's verdict on IPTC's own ninjs test documents (3.0 and 3.1 suites) equals their
//! labels, and newsarc's findings name the code and the place.

use crate::util::*;
use newsarc::validate::Severity;
use newsarc::validate::article::check_file;
use newsarc::validate::ninjs;
use std::path::PathBuf;

/// newsarc's verdict on one file, as `newsarc validate FILE` gives it: valid when no finding is
/// an error; with the codes found.
fn verdict(path: &std::path::Path) -> (bool, Vec<&'static str>) {
    let bytes = std::fs::read(path).unwrap();
    let findings = check_file(&path.display().to_string(), file_name(path), &bytes);
    (!findings.iter().any(|f| f.severity == Severity::Error), findings.iter().map(|f| f.code).collect())
}

fn documents(dir: PathBuf) -> Vec<PathBuf> {
    let mut docs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    docs.sort();
    docs
}

#[test]
fn every_iptc_ninjs_test_document_gets_the_verdict_of_its_label() {
    let Some(root) = shared("oracles/ninjs/official-tests") else { return };
    let mut wrong = Vec::new();
    let mut total = 0;
    for version in ["3.0", "3.1"] {
        for (label, valid) in [("should_pass", true), ("should_fail", false)] {
            let docs = documents(root.join(version).join(label));
            assert!(!docs.is_empty(), "no documents in {version}/{label}");
            let (mut agree, mut agree_as_folder) = (0, 0);
            for doc in &docs {
                let (verdict, codes) = verdict(doc);
                if verdict == valid {
                    agree += 1;
                } else {
                    wrong.push(format!("{}: label {label}, newsarc says {codes:?}", doc.display()));
                }
                // IPTC's runner checks each folder against its version's schema, whatever a
                // document declares (four 3.0 documents say 2.2): so must the schema alone.
                let json: serde_json::Value = serde_json::from_slice(&std::fs::read(doc).unwrap()).unwrap();
                let problems = ninjs::check_as(&json, version);
                if problems.is_empty() == valid {
                    agree_as_folder += 1;
                } else {
                    wrong.push(format!("{}: label {label}, as ninjs {version}: {problems:?}", doc.display()));
                }
            }
            total += docs.len();
            eprintln!(
                "ninjs {version} {label}: {} documents, {agree} agree (declared version), {agree_as_folder} agree (as {version})",
                docs.len()
            );
        }
    }
    assert!(total >= 37, "IPTC's ninjs tests: {total}");
    assert!(wrong.is_empty(), "newsarc disagrees with IPTC's labels:\n{}", wrong.join("\n"));
}

#[test]
fn iptcs_should_fail_documents_fail_for_the_right_reason() {
    let Some(root) = shared("oracles/ninjs/official-tests") else { return };
    let cases = [
        ("3.1/should_fail/001_bad_digital_source.json", "NA-NINJS-002"),
        ("3.0/should_fail/001_bad_toplevel.json", "NA-NINJS-003"),
        ("3.0/should_fail/006_bad_urgency.json", "NA-NINJS-002"),
        ("3.0/should_fail/002_bad_association.json", "NA-NINJS-005"),
    ];
    for (name, code) in cases {
        let (valid, codes) = verdict(&root.join(name));
        assert!(!valid && codes.contains(&code), "{name}: {codes:?}");
    }
}

#[test]
fn a_finding_names_the_pointer_of_the_failing_value() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("story.ninjs.json");
    std::fs::write(&path, r#"{"uri": "urn:x:1", "urgency": 12, "places": [{"name": "p", "uri": "not a uri"}]}"#)
        .unwrap();
    let findings = check_file("story.ninjs.json", "story.ninjs.json", &std::fs::read(&path).unwrap());
    let messages: Vec<&str> = findings.iter().map(|f| f.message.as_str()).collect();
    assert!(messages.iter().any(|m| m.starts_with("`/urgency`")), "{messages:?}");
    assert!(messages.iter().any(|m| m.starts_with("`/places/0/uri`") && m.contains("`uri`")), "{messages:?}");
    assert!(findings.iter().all(|f| f.code == "NA-NINJS-002"), "{findings:?}");
    // And through the CLI, with exit status 1.
    let out = newsarc().arg("validate").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(String::from_utf8_lossy(&out.stdout).contains("NA-NINJS-002"));
}
