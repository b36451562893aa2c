//! EPUBCheck's own test publications (`../shared/peers/epubcheck/epub3`): newsarc's EPUB
//! validation must agree with EPUBCheck's verdicts on the container, package document,
//! navigation and external-identifier tests, and EPUBs written from the valid ones must pass
//! EPUBCheck.
//!
//! A test publication is a folder (zipped here in memory: `mimetype` first, stored, no extra
//! field) or an `.epub`; its name ends in `-valid`, `-error`, `-warning`, `-usage` or `-fatal`.
//! The deliberate disagreements are read from `docs/validation-differences.md` (`## EPUB`).

use crate::util::*;
use newsarc::format::zip::{Method, ZipBuilder};
use newsarc::validate::{Finding, Severity, article::check_file};
use std::path::{Path, PathBuf};

/// The suites whose verdicts are compared: EPUBCheck's folders for the container (OCF), the
/// package document, the navigation document and external identifiers.
const SCOPED: &[&str] = &["04-ocf", "05-package-document", "07-navigation-document", "B-external-identifiers"];
/// The other suites (content documents, resources, layout, media overlays): newsarc does not
/// check what they test, but must call none of their valid publications invalid.
const OTHERS: &[&str] = &[
    "00-minimal",
    "02-epub-publication-conformance",
    "03-resources",
    "06-content-document",
    "08-layout",
    "09-media-overlays",
    "D-vocabularies",
    "H-media-type-registrations",
];

/// A test publication: its suite, name, expected outcome (the name's suffix) and bytes.
struct Publication {
    suite: &'static str,
    name: String,
    expected: &'static str,
    bytes: Vec<u8>,
}

fn expected(name: &str) -> Option<&'static str> {
    let stem = name.strip_suffix(".epub").unwrap_or(name);
    ["valid", "error", "warning", "usage", "fatal"].into_iter().find(|k| stem.ends_with(&format!("-{k}")))
}

/// Every file under `dir`, relative, sorted.
fn files_under(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
                out.push((relative, path));
            }
        }
    }
    out.sort();
    out
}

/// An expanded publication zipped as EPUB requires: `mimetype` first and stored.
fn zip_folder(dir: &Path) -> Vec<u8> {
    let mut z = ZipBuilder::default();
    let files = files_under(dir);
    if let Some((_, path)) = files.iter().find(|(r, _)| r == "mimetype") {
        z.add("mimetype", Method::Stored, &std::fs::read(path).unwrap()).unwrap();
    }
    for (relative, path) in files.iter().filter(|(r, _)| r != "mimetype") {
        z.add(relative, Method::Deflated, &std::fs::read(path).unwrap()).unwrap();
    }
    z.finish().unwrap()
}

fn publications(root: &Path) -> Vec<Publication> {
    let mut out = Vec::new();
    for suite in SCOPED.iter().chain(OTHERS) {
        let dir = root.join(suite).join("files");
        let Ok(listing) = std::fs::read_dir(&dir) else { continue };
        let mut entries: Vec<PathBuf> = listing.map(|e| e.unwrap().path()).collect();
        entries.sort();
        for path in entries {
            let name = file_name(&path).to_string();
            let Some(expected) = expected(&name) else { continue };
            let bytes = if path.is_dir() {
                zip_folder(&path)
            } else if name.ends_with(".epub") {
                std::fs::read(&path).unwrap()
            } else {
                continue; // a single package or content document: not a publication
            };
            out.push(Publication { suite, name, expected, bytes });
        }
    }
    out
}

/// The deliberate disagreements: `- \`name\`: reason` lines under `## EPUB`.
fn differences() -> Vec<String> {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/validation-differences.md"))
        .expect("docs/validation-differences.md");
    let section = text.split("\n## ").find(|s| s.starts_with("EPUB\n")).expect("a `## EPUB` section");
    section
        .lines()
        .filter_map(|l| l.strip_prefix("- `"))
        .filter_map(|l| l.split_once('`'))
        .map(|(name, _)| name.to_string())
        .collect()
}

/// newsarc's codes and the EPUBCheck message ids each stands for, from the EPUB table of
/// `docs/codes.md` (its third column).
fn epubcheck_ids() -> std::collections::BTreeMap<String, Vec<String>> {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/codes.md")).unwrap();
    text.lines()
        .filter(|l| l.starts_with("| NA-EPUB-"))
        .filter_map(|l| {
            let l = l.replace("\\|", ""); // an escaped `|` inside a cell
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let ids = cells.get(3)?.split(',').map(|i| i.trim().to_string()).filter(|i| !i.is_empty()).collect();
            Some((cells.get(1)?.to_string(), ids))
        })
        .collect()
}

/// The error and fatal message ids each `.feature` file expects, by publication name.
fn expected_ids(root: &Path) -> std::collections::BTreeMap<String, Vec<String>> {
    let mut out: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for suite in SCOPED {
        let dir = root.join(suite);
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "feature") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let mut current: Option<String> = None;
            let mut in_table = false;
            for line in text.lines().map(str::trim) {
                if line.starts_with("Scenario") {
                    current = None;
                }
                if let Some(rest) = line.strip_prefix("When checking ") {
                    current = rest.split('\'').nth(1).map(|n| n.trim_end_matches(".epub").to_string());
                    in_table = false;
                    continue;
                }
                let Some(name) = &current else { continue };
                let words: Vec<&str> = line.split_whitespace().collect();
                if line.contains("following errors are reported") {
                    in_table = true;
                    continue;
                }
                let id = if in_table && line.starts_with('|') {
                    line.split('|').nth(1).map(str::trim)
                } else {
                    in_table = false;
                    words.iter().position(|w| *w == "error").filter(|&i| i > 0).and_then(|i| words.get(i + 1)).copied()
                };
                if let Some(id) = id.filter(|i| i.len() == 7 && i.as_bytes()[3] == b'-') {
                    out.entry(name.clone()).or_default().push(id.to_string());
                }
            }
        }
    }
    out
}

fn verdict(p: &Publication) -> (bool, Vec<Finding>) {
    let file = format!("{}.epub", p.name.trim_end_matches(".epub"));
    let findings = check_file(&p.name, &file, &p.bytes);
    (findings.iter().any(|f| f.severity == Severity::Error), findings)
}

#[test]
fn newsarc_agrees_with_epubcheck_on_its_test_publications() {
    let Some(root) = shared("peers/epubcheck/epub3") else { return };
    let differences = differences();
    let publications = publications(&root);
    assert!(publications.len() > 100, "only {} test publications found", publications.len());
    let mut table: std::collections::BTreeMap<(&str, &str), (usize, usize)> = Default::default();
    let mut false_invalid = Vec::new();
    let mut missed = Vec::new();
    let mut excused = Vec::new();
    let (ids, expected_ids) = (epubcheck_ids(), expected_ids(&root));
    let (mut right_reason, mut wrong_reason) = (0, Vec::new());
    for p in &publications {
        let (invalid, findings) = verdict(p);
        // For an invalid publication of the scoped suites: is the reason one EPUBCheck gives?
        if invalid && SCOPED.contains(&p.suite) && matches!(p.expected, "error" | "fatal") {
            let said: Vec<&String> = findings
                .iter()
                .filter(|f| f.severity == Severity::Error)
                .flat_map(|f| ids.get(f.code).into_iter().flatten())
                .collect();
            let wanted = expected_ids.get(p.name.trim_end_matches(".epub")).cloned().unwrap_or_default();
            if said.iter().any(|id| wanted.contains(id)) {
                right_reason += 1;
            } else {
                let codes: Vec<&str> = findings.iter().map(|f| f.code).collect();
                wrong_reason.push(format!("{}/{}: EPUBCheck {wanted:?}, newsarc {codes:?}", p.suite, p.name));
            }
        }
        let should_be_invalid = matches!(p.expected, "error" | "fatal");
        let row = table.entry((p.suite, p.expected)).or_default();
        row.0 += 1;
        if invalid {
            row.1 += 1;
        }
        // Outside the scoped suites only a false INVALID counts.
        let counts = SCOPED.contains(&p.suite) || !should_be_invalid;
        if invalid != should_be_invalid && counts {
            let said: Vec<String> = findings.iter().map(|f| format!("{} {}", f.code, f.message)).collect();
            let line =
                format!("{}/{}: {}", p.suite, p.name, if invalid { said.join(" | ") } else { "no error".into() });
            if differences.contains(&p.name) {
                excused.push(line);
            } else if invalid {
                false_invalid.push(line);
            } else {
                missed.push(line);
            }
        }
    }
    println!("{:<24} {:<8} {:>5} {:>8}", "suite", "expected", "total", "invalid");
    for ((suite, kind), (total, invalid)) in &table {
        println!("{suite:<24} {kind:<8} {total:>5} {invalid:>8}");
    }
    println!("deliberate differences (docs/validation-differences.md):\n  {}", excused.join("\n  "));
    println!("missed errors:\n  {}", missed.join("\n  "));
    println!(
        "invalid for a reason EPUBCheck gives (codes.md's EPUBCheck column against the .feature files): {right_reason}; \
         for another reason: {}\n  {}",
        wrong_reason.len(),
        wrong_reason.join("\n  ")
    );
    assert!(wrong_reason.is_empty(), "invalid, but not for a reason EPUBCheck gives:\n{}", wrong_reason.join("\n"));
    assert!(false_invalid.is_empty(), "valid publications called invalid:\n{}", false_invalid.join("\n"));
    let scoped = |s: &str| SCOPED.contains(&s);
    let errors: usize = table.iter().filter(|((s, k), _)| *k == "error" && scoped(s)).map(|(_, (t, _))| t).sum();
    let caught: usize = table.iter().filter(|((s, k), _)| *k == "error" && scoped(s)).map(|(_, (_, i))| i).sum();
    assert!(caught * 100 >= errors * 80, "only {caught} of {errors} `-error` publications called invalid");
    let fatal_missed: Vec<&String> = missed.iter().filter(|m| m.contains("-fatal")).collect();
    assert!(fatal_missed.is_empty(), "`-fatal` publications not called invalid: {fatal_missed:?}");
    // Every listed difference must still be one: a stale entry would hide a regression.
    for name in &differences {
        assert!(
            excused.iter().any(|e| e.contains(&format!("/{name}: "))),
            "docs/validation-differences.md lists `{name}`, but newsarc now agrees with EPUBCheck on it"
        );
    }
}

/// `newsarc convert foreign.epub --to epub` on every valid test publication (any suite) newsarc
/// reads as an article: each EPUB written must pass EPUBCheck (one JVM for all). Publications
/// the reader refuses are counted and listed with the reason.
#[test]
fn epubs_written_from_valid_test_publications_pass_epubcheck() {
    let Some(root) = shared("peers/epubcheck/epub3") else { return };
    let Some(check) = oracle("check-epub") else { return };
    let dir = tempfile::tempdir().unwrap();
    let (mut written, mut refused) = (Vec::new(), Vec::new());
    let valid = publications(&root).into_iter().filter(|p| matches!(p.expected, "valid" | "warning" | "usage"));
    for (i, p) in valid.enumerate() {
        // Names are made unique and plain: the suites repeat some names.
        let source = dir.path().join(format!("in-{i:03}.epub"));
        std::fs::write(&source, &p.bytes).unwrap();
        let article = match try_load_path(&source) {
            Ok(a) => a,
            Err(e) => {
                refused.push(format!("{}/{}: {e}", p.suite, p.name));
                continue;
            }
        };
        let epub = newsarc::convert::render(&article, &["epub"], newsarc::convert::Naming::ById).unwrap();
        let out = dir.path().join(format!("out-{i:03}.epub"));
        std::fs::write(&out, &epub[0].bytes).unwrap();
        written.push((out, format!("{}/{}", p.suite, p.name)));
    }
    println!("{} written, {} refused by the reader:\n  {}", written.len(), refused.len(), refused.join("\n  "));
    assert!(written.len() >= 80, "only {} of the valid publications read as articles", written.len());
    let paths: Vec<&PathBuf> = written.iter().map(|(p, _)| p).collect();
    let out = std::process::Command::new(check).args(&paths).output().unwrap();
    let mut report = String::from_utf8_lossy(&out.stdout).into_owned();
    for (path, name) in &written {
        report = report.replace(&path.display().to_string(), name);
    }
    assert!(out.status.success(), "{report}{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(report.lines().filter(|l| l.ends_with(": valid")).count(), written.len(), "{report}");
}
