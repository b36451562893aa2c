//! The reference projects' own test suites run through newsarc's validator: the Library of
//! Congress BagIt conformance suite (`../shared/peers/bagit-conformance-suite`). Every bag gets
//! the verdict the suite gives it, for its own fault, except the deliberate differences listed in
//! docs/validation-differences.md (`## BagIt`), which this test reads.

use crate::util::*;
use newsarc::validate::bag::{self, Profile};
use newsarc::validate::package::{self, Limits};
use newsarc::validate::{Finding, Severity};
use std::collections::BTreeMap;
use std::path::Path;

/// The fault (or, for warning bags, the warning) planted in each bag the suite calls invalid or
/// a warning, as newsarc's code for it; written by reading each bag.
const FAULTS: &[(&str, &str)] = &[
    // bagit.txt has one line: no Tag-File-Character-Encoding.
    ("v0.97/invalid/baginfo-missing-encoding", "NA-BAG-002"),
    // bagit.txt starts with EF BB BF.
    ("v0.97/invalid/bom-in-bagit.txt", "NA-BAG-002"),
    // data/text-file.txt holds other bytes than manifest-md5.txt says.
    ("v0.97/invalid/corrupt-data-file", "NA-BAG-010"),
    // tagmanifest-md5.txt's checksums begin with deadbeef.
    ("v0.97/invalid/corrupt-tag-file", "NA-BAG-013"),
    // data/bar is in no manifest.
    ("v0.97/invalid/extra-file-in-bag", "NA-BAG-009"),
    // BagIt-Version: .97
    ("v0.97/invalid/invalid-version-number", "NA-BAG-002"),
    // tagmanifest-md5.txt lists bag-info.txt, which is not there.
    ("v0.97/invalid/missing-baginfo", "NA-BAG-008"),
    ("v0.97/invalid/missing-bagit.txt", "NA-BAG-001"),
    // manifest-md5.txt lists ../../../README.md.
    ("v0.97/invalid/out-of-scope-file-paths-using-dot-notation", "NA-BAG-007"),
    // fetch.txt names ../../../README.md.
    ("v0.97/invalid/out-of-scope-file-paths-using-dot-notation-for-fetch", "NA-SAFE-010"),
    // data/README twice in manifest-sha256.txt, with two checksums.
    ("v0.97/invalid/same-filename-listed-twice-with-different-hashes", "NA-BAG-020"),
    // Manifests list /tmp/foo, ~/foo, ~root/foo; fetch.txt /tmp/test.txt, ~/test.txt, ~root/foo.
    ("v0.97/linux-only/out-of-scope-file-paths-using-absolute-path", "NA-BAG-007"),
    ("v0.97/linux-only/out-of-scope-file-paths-using-absolute-path-for-fetch", "NA-SAFE-010"),
    ("v0.97/linux-only/out-of-scope-file-paths-using-shortcut", "NA-BAG-007"),
    ("v0.97/linux-only/out-of-scope-file-paths-using-shortcut-for-fetch", "NA-SAFE-010"),
    ("v0.97/linux-only/out-of-scope-file-paths-using-shortcut-username", "NA-BAG-007"),
    ("v0.97/linux-only/out-of-scope-file-paths-using-shortcut-username-for-fetch", "NA-SAFE-010"),
    // Manifests list C:\..., %HomeDrive%\..., \\?\UNC\...; so do the fetch.txt files.
    ("v0.97/windows-only/out-of-scope-file-paths-using-absolute-path", "NA-BAG-007"),
    ("v0.97/windows-only/out-of-scope-file-paths-using-absolute-path-for-fetch", "NA-SAFE-010"),
    ("v0.97/windows-only/out-of-scope-file-paths-using-shortcut", "NA-BAG-007"),
    ("v0.97/windows-only/out-of-scope-file-paths-using-shortcut-for-fetch", "NA-SAFE-010"),
    ("v0.97/windows-only/out-of-scope-file-paths-using-unc", "NA-BAG-007"),
    ("v0.97/windows-only/out-of-scope-file-paths-using-unc-for-fetch", "NA-SAFE-010"),
    // manifest-md5.txt: `CHECKSUM *data/hello.txt`, and md5 only.
    ("v0.97/warning/made-with-md5sum-tools", "NA-BAG-015"),
    // manifest-sha512.txt: ./data/hello.txt
    ("v0.97/warning/relative-path", "NA-BAG-017"),
    // data/README twice in manifest-sha256.txt with one checksum: a warning before BagIt 1.0...
    ("v0.97/warning/same-filename-listed-twice-with-the-same-hash", "NA-BAG-019"),
    ("v0.97/warning/duplicate-file-with-different-case", "NA-BAG-024"),
    ("v0.97/warning/same-filename-listed-twice-with-different-normalization", "NA-BAG-019"),
    // `BagIt-Version : 1.0`
    ("v1.0/invalid/bagit-with-invalid-whitespace", "NA-BAG-002"),
    // data/missingFromManifest.txt is in no manifest.
    ("v1.0/invalid/notAllManifestsListAllFiles", "NA-BAG-009"),
    ("v1.0/invalid/same-filename-listed-twice-with-different-hashes", "NA-BAG-020"),
    // ...and an error since.
    ("v1.0/invalid/same-filename-listed-twice-with-the-same-hash", "NA-BAG-019"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Valid,
    Warning,
    Invalid,
}

impl Verdict {
    fn parse(word: &str) -> Verdict {
        match word {
            "valid" => Verdict::Valid,
            "warning" => Verdict::Warning,
            "invalid" => Verdict::Invalid,
            _ => panic!("docs/validation-differences.md: `{word}` is not valid, warning or invalid"),
        }
    }

    /// Valid and warning bags are both bags that pass.
    fn passes(self) -> bool {
        self != Verdict::Invalid
    }

    fn word(self) -> &'static str {
        match self {
            Verdict::Valid => "valid",
            Verdict::Warning => "warning",
            Verdict::Invalid => "invalid",
        }
    }
}

/// A row of the `## BagIt` table in docs/validation-differences.md.
struct Difference {
    suite: Verdict,
    bagit_python: Verdict,
    newsarc: Verdict,
    code: String,
}

fn differences() -> BTreeMap<String, Difference> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/validation-differences.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let section = text.split("\n## ").find(|s| s.starts_with("BagIt\n")).expect("a `## BagIt` section");
    let mut rows = BTreeMap::new();
    for line in section.lines().filter(|l| l.starts_with("| v")) {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        assert!(cells.len() >= 5, "docs/validation-differences.md: a short row: {line}");
        let row = Difference {
            suite: Verdict::parse(cells[1]),
            bagit_python: Verdict::parse(cells[2]),
            newsarc: Verdict::parse(cells[3]),
            code: cells[4].to_string(),
        };
        rows.insert(cells[0].to_string(), row);
    }
    assert!(!rows.is_empty(), "no rows in the `## BagIt` table");
    rows
}

/// newsarc's findings for a bag, by the rules `newsarc validate` applies to it.
fn validate(bag: &Path) -> Vec<Finding> {
    let mut findings = Vec::new();
    let shown = bag.display().to_string();
    let files = package::read(bag, Limits::package(), &mut findings).unwrap();
    let profile = Profile::for_bag(&files);
    assert_eq!(profile, Profile::Bagit, "{shown}: a foreign bag gets the bagit profile");
    let expected = bag::check(&files, &shown, profile, &mut findings);
    bag::verify_payload(&files, &shown, &expected, &mut findings);
    findings
}

fn verdict(findings: &[Finding]) -> Verdict {
    if findings.iter().any(|f| f.severity == Severity::Error) {
        Verdict::Invalid
    } else if findings.is_empty() {
        Verdict::Valid
    } else {
        Verdict::Warning
    }
}

/// bagit-python's verdict on each bag (`check-bag` prints `BAG: valid` or `BAG: INVALID`).
fn bagit_python(bags: &[(String, std::path::PathBuf, Verdict)]) -> Option<BTreeMap<String, Verdict>> {
    let check = oracle("check-bag")?;
    let out = std::process::Command::new(check).args(bags.iter().map(|(_, p, _)| p)).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut verdicts = BTreeMap::new();
    for (name, path, _) in bags {
        let shown = path.display().to_string();
        let line = stdout.lines().find(|l| l.starts_with(&format!("{shown}: "))).expect("check-bag names every bag");
        let valid = line.ends_with(": valid");
        verdicts.insert(name.clone(), if valid { Verdict::Valid } else { Verdict::Invalid });
    }
    Some(verdicts)
}

#[test]
fn bagit_conformance_suite_agrees() {
    let Some(suite) = shared("peers/bagit-conformance-suite") else { return };
    let differences = differences();
    let faults: BTreeMap<&str, &str> = FAULTS.iter().copied().collect();
    let mut bags = Vec::new();
    for version in std::fs::read_dir(&suite).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()) {
        let version_name = version.file_name().unwrap().to_string_lossy().into_owned();
        if !version_name.starts_with('v') {
            continue;
        }
        for category in std::fs::read_dir(&version).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()) {
            let category_name = category.file_name().unwrap().to_string_lossy().into_owned();
            let expected = match category_name.as_str() {
                "valid" => Verdict::Valid,
                "warning" => Verdict::Warning,
                // The suite's README: invalid bags, and invalid on Linux or Windows (a portable
                // validator calls both unsafe everywhere).
                "invalid" | "linux-only" | "windows-only" => Verdict::Invalid,
                other => panic!("an unknown category of bags: {other}"),
            };
            for bag in std::fs::read_dir(&category).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()) {
                let name = format!("{version_name}/{category_name}/{}", bag.file_name().unwrap().to_string_lossy());
                bags.push((name, bag, expected));
            }
        }
    }
    bags.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(bags.len() >= 60, "the suite holds {} bags; is it complete?", bags.len());
    let reference = bagit_python(&bags);

    let mut problems = Vec::new();
    let (mut agree, mut python_agree) = (0, 0);
    println!("{:<80} {:<8} {:<13} {:<8} codes", "bag", "suite", "bagit-python", "newsarc");
    for (name, path, suite) in &bags {
        let findings = validate(path);
        let got = verdict(&findings);
        let mut codes: Vec<String> = findings
            .iter()
            .map(|f| format!("{}{}", f.code, if f.severity == Severity::Error { "" } else { "(w)" }))
            .collect();
        codes.sort();
        codes.dedup();
        let python = reference.as_ref().map(|r| r[name]);
        println!(
            "{name:<80} {:<8} {:<13} {:<8} {}",
            suite.word(),
            python.map_or("-", Verdict::word),
            got.word(),
            codes.join(" ")
        );
        if got.passes() == suite.passes() {
            agree += 1;
        }
        if python.is_some_and(|p| p.passes() == got.passes()) {
            python_agree += 1;
        }
        let difference = differences.get(name);
        // What newsarc must say: the suite's verdict, or the documented difference.
        let (want, code) = match difference {
            Some(d) => {
                if d.suite != *suite {
                    problems.push(format!("{name}: the doc says the suite calls it {}", d.suite.word()));
                }
                (d.newsarc, Some(d.code.as_str()))
            }
            None => (*suite, faults.get(name.as_str()).copied()),
        };
        if want.passes() != got.passes() {
            problems.push(format!("{name}: {} expected, newsarc says {}: {codes:?}", want.word(), got.word()));
        }
        if want != Verdict::Valid {
            let Some(code) = code else {
                problems.push(format!("{name}: no expected code in FAULTS"));
                continue;
            };
            let severity = if want == Verdict::Invalid { Severity::Error } else { Severity::Warning };
            if !findings.iter().any(|f| f.code == code && f.severity == severity) {
                problems.push(format!("{name}: its own fault {code} ({severity:?}) not reported: {codes:?}"));
            }
        }
        match (python, difference) {
            (Some(python), None) if python.passes() != got.passes() => problems.push(format!(
                "{name}: bagit-python says {}, newsarc {}, and docs/validation-differences.md does not say why",
                python.word(),
                got.word()
            )),
            (Some(python), Some(d)) if python.passes() != d.bagit_python.passes() => {
                problems.push(format!("{name}: the doc says bagit-python calls it {}", d.bagit_python.word()))
            }
            _ => {}
        }
    }
    for name in differences.keys() {
        if !bags.iter().any(|(n, _, _)| n == name) {
            problems.push(format!("docs/validation-differences.md lists `{name}`, which the suite does not hold"));
        }
    }
    let total = bags.len();
    println!(
        "BagIt conformance suite: {total} bags; newsarc agrees with the suite on {agree}, differs on {}",
        total - agree
    );
    if reference.is_some() {
        println!("bagit-python: newsarc agrees on {python_agree}, differs on {}", total - python_agree);
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // Every difference from the suite is one documented above, and nothing else.
    let documented = differences.values().filter(|d| d.newsarc.passes() != d.suite.passes()).count();
    assert_eq!(total - agree, documented, "undocumented differences from the suite");
}
