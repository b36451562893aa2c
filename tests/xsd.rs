//! XSD validation inside newsarc (cargo feature `xsd`): the same verdicts as xmllint, the
//! external validator, on newsarc's own items and on IPTC's own test documents.

use crate::util::*;
use newsarc::convert::{Naming, render};
use newsarc::validate::xsd::XsdValidator;
use std::path::{Path, PathBuf};

fn iptc() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/oracles/newsml-g2")
}

fn validator() -> XsdValidator {
    XsdValidator::load(&iptc().join("NewsML-G2_2.35-spec-All-Power.xsd")).unwrap()
}

#[test]
fn every_fixtures_newsml_is_valid_in_process() {
    let mut v = validator();
    for path in good_fixtures() {
        let article = try_load_path(&path).unwrap();
        let xml = render(&article, &["newsml"], Naming::ById).unwrap().remove(0).bytes;
        let findings = v.check(file_name(&path), &xml);
        assert!(findings.is_empty(), "{}: {findings:#?}", file_name(&path));
    }
}

#[test]
fn invalid_items_get_findings_with_lines() {
    let article = article("sample-shape.txt");
    let xml = String::from_utf8(render(&article, &["newsml"], Naming::ById).unwrap().remove(0).bytes).unwrap();
    let broken = xml.replace("<itemClass qcode=\"ninat:text\"/>", "").replace("<headline>", "<headline foo=\"1\">");
    let findings = validator().check("broken.xml", broken.as_bytes());
    assert_eq!(findings.len(), 2, "{findings:#?}");
    assert!(findings.iter().all(|f| f.code == "NA-XSD-001" && f.line.is_some()));
    assert!(findings[1].message.contains("'foo'"), "{}", findings[1].message);
}

#[test]
fn hostile_documents_never_reach_libxml2() {
    let bomb = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/newsml/entity-bomb.xml")).unwrap();
    let findings = validator().check("bomb.xml", &bomb);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].code, "NA-XSD-002");
    assert!(findings[0].message.contains("declares entities"));
}

#[test]
fn a_schema_that_cannot_load_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.xsd");
    std::fs::write(&bad, "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\"><xs:element/></xs:schema>").unwrap();
    assert!(XsdValidator::load(&bad).is_err());
    assert!(XsdValidator::load(&dir.path().join("missing.xsd")).is_err());
}

/// On every one of IPTC's test documents, newsarc's verdict is xmllint's.
#[test]
fn same_verdicts_as_xmllint_on_iptcs_tests() {
    let Some(check) = oracle("check-newsml") else { return };
    let mut docs: Vec<PathBuf> = Vec::new();
    for version in std::fs::read_dir(iptc().join("official-tests")).unwrap() {
        for kind in ["should_pass", "should_fail"] {
            if let Ok(entries) = std::fs::read_dir(version.as_ref().unwrap().path().join(kind)) {
                docs.extend(entries.map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "xml")));
            }
        }
    }
    docs.sort();
    assert!(docs.len() > 150);
    let out = std::process::Command::new(check).args(&docs).output().unwrap();
    let report = String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
    let mut v = validator();
    let mut disagreements = Vec::new();
    for doc in &docs {
        let name = doc.display().to_string();
        let xmllint_valid = report.lines().any(|l| l == format!("{name} validates"));
        let ours_valid = v.check(&name, &std::fs::read(doc).unwrap()).is_empty();
        if xmllint_valid != ours_valid {
            disagreements.push(format!("{name}: xmllint {xmllint_valid}, newsarc {ours_valid}"));
        }
    }
    assert!(disagreements.is_empty(), "{disagreements:#?}");
}

#[test]
fn validate_checks_newsml_inside_packages_against_the_xsd() {
    let dir = tempfile::tempdir().unwrap();
    let bag = dir.path().join("b");
    newsarc().arg("pack").arg(fixture("sample-shape.txt")).arg("-o").arg(&bag).arg("-q").output().unwrap().status;
    let xsd = iptc().join("NewsML-G2_2.35-spec-All-Power.xsd");
    let ok = newsarc().arg("validate").arg("--xsd").arg(&xsd).arg(&bag).output().unwrap();
    assert_eq!(ok.status.code(), Some(0), "{}", String::from_utf8_lossy(&ok.stdout));
    let item = bag.join("data/articles/sample-shape/article.xml");
    std::fs::write(&item, std::fs::read_to_string(&item).unwrap().replace("<itemClass qcode=\"ninat:text\"/>", ""))
        .unwrap();
    let bad = newsarc().arg("validate").arg("--xsd").arg(&xsd).arg(&bag).output().unwrap();
    let out = String::from_utf8_lossy(&bad.stdout);
    assert!(out.contains("!data/articles/sample-shape/article.xml:6: error NA-XSD-001"), "{out}");
}
