//! BagIt 1.0 checks (RFC 8493) on a package's files, and newsarc's index against its payload.
//!
//! Every problem is a finding; nothing stops at the first. Payload checksums are checked by
//! [`verify`] while the articles are checked, so each file is read once. Codes:
//! `NA-BAG-001` no bagit.txt · `NA-BAG-002` bagit.txt not as RFC 8493 requires · `NA-BAG-003`
//! no payload (`data/`) · `NA-BAG-004` a fetch.txt (newsarc fetches nothing) · `NA-BAG-005` no
//! payload manifest · `NA-BAG-006` a manifest line that cannot be read · `NA-BAG-007` a manifest
//! path outside `data/` or the bag · `NA-BAG-008` a file in a manifest is missing · `NA-BAG-009` a
//! payload file in no manifest · `NA-BAG-010` a payload checksum differs · `NA-BAG-011`
//! Payload-Oxum missing or unreadable · `NA-BAG-012` Payload-Oxum differs from the payload ·
//! `NA-BAG-013` a tag file's checksum differs · `NA-BAG-014` a manifest of an algorithm newsarc
//! does not check (warning) · `NA-IDX-001` data/index.json missing or not valid against its
//! schema · `NA-IDX-002` index and payload disagree.

use super::package::Files;
use super::{Finding, Severity};
use sha2::{Digest, Sha256, Sha512};
use std::collections::{BTreeMap, BTreeSet};

/// A checksum a manifest expects for a payload file.
pub struct ExpectedDigest {
    algorithm: String,
    hash: fn(&[u8]) -> String,
    hex: String,
    manifest: String,
    line: u32,
}

/// What the payload manifests expect, by path: checked by [`verify`] as each file is read.
#[derive(Default)]
pub struct Expected {
    digests: BTreeMap<String, Vec<ExpectedDigest>>,
}

/// A payload file's bytes against every manifest that lists it (`NA-BAG-010`).
pub fn verify(path: &str, bytes: &[u8], expected: &Expected, shown: &str, findings: &mut Vec<Finding>) {
    for d in expected.digests.get(path).into_iter().flatten() {
        if !(d.hash)(bytes).eq_ignore_ascii_case(&d.hex) {
            findings.push(Finding {
                code: "NA-BAG-010",
                severity: Severity::Error,
                file: format!("{shown}!{path}"),
                line: None,
                column: None,
                message: format!(
                    "{} checksum differs from {} (line {}): the file changed",
                    d.algorithm, d.manifest, d.line
                ),
            });
        }
    }
}

/// Runs every bag check but the payload checksums, which [`verify`] checks as files are read;
/// gives what the manifests expect. `shown` names the package in findings.
pub fn check(files: &Files, shown: &str, findings: &mut Vec<Finding>) -> Expected {
    let mut expected = Expected::default();
    let mut f = |code: &'static str, severity: Severity, file: &str, line: Option<u32>, message: String| {
        findings.push(Finding {
            code,
            severity,
            file: if file.is_empty() { shown.to_string() } else { format!("{shown}!{file}") },
            line,
            column: None,
            message,
        });
    };

    match files.read("bagit.txt").ok() {
        None => {
            f("NA-BAG-001", Severity::Error, "bagit.txt", None, "bagit.txt is missing: this is not a bag".to_string())
        }
        Some(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            let lines: Vec<&str> = text.lines().collect();
            let version_ok = lines.first().is_some_and(|l| {
                l.strip_prefix("BagIt-Version: ")
                    .is_some_and(|v| v.split('.').count() == 2 && v.split('.').all(|p| p.parse::<u32>().is_ok()))
            });
            let encoding_ok = lines.get(1) == Some(&"Tag-File-Character-Encoding: UTF-8");
            if !version_ok || !encoding_ok || lines.len() != 2 {
                f(
                    "NA-BAG-002",
                    Severity::Error,
                    "bagit.txt",
                    None,
                    "bagit.txt must be exactly `BagIt-Version: M.N` and `Tag-File-Character-Encoding: UTF-8`"
                        .to_string(),
                );
            }
        }
    }
    let payload: BTreeSet<&str> = files.names().filter(|p| p.starts_with("data/")).collect();
    if payload.is_empty() {
        f("NA-BAG-003", Severity::Error, "data/", None, "there is no payload folder `data/`".to_string());
    }
    if files.contains("fetch.txt") {
        f(
            "NA-BAG-004",
            Severity::Error,
            "fetch.txt",
            None,
            "fetch.txt asks for files to be fetched; newsarc fetches nothing, so the bag is incomplete".to_string(),
        );
    }

    // Payload manifests.
    let mut manifests = 0;
    let named = |prefix: &str| -> Vec<(String, Vec<u8>)> {
        let names: Vec<String> =
            files.names().filter(|p| p.starts_with(prefix) && p.ends_with(".txt")).map(str::to_string).collect();
        names.into_iter().filter_map(|n| files.read(&n).ok().map(|b| (n, b))).collect()
    };
    for (name, bytes) in &named("manifest-") {
        let algorithm = &name["manifest-".len()..name.len() - 4];
        let Some(hash) = hasher(algorithm) else {
            f(
                "NA-BAG-014",
                Severity::Warning,
                name,
                None,
                format!("`{algorithm}` manifests are not checked (sha256 and sha512 are)"),
            );
            continue;
        };
        manifests += 1;
        let listed = read_manifest(name, bytes, &mut f);
        for (path, (hex, line)) in &listed {
            let line = *line;
            if !path.starts_with("data/") || path.split('/').any(|c| c == ".." || c.is_empty()) {
                f(
                    "NA-BAG-007",
                    Severity::Error,
                    name,
                    Some(line),
                    format!("`{path}` is outside the payload folder `data/`"),
                );
                continue;
            }
            if !files.contains(path) {
                f("NA-BAG-008", Severity::Error, name, Some(line), format!("`{path}` is listed but missing"));
                continue;
            }
            let digest = ExpectedDigest {
                algorithm: algorithm.to_string(),
                hash,
                hex: hex.clone(),
                manifest: name.clone(),
                line,
            };
            expected.digests.entry(path.clone()).or_default().push(digest);
        }
        for path in &payload {
            if !listed.contains_key(*path) {
                f("NA-BAG-009", Severity::Error, path, None, format!("a payload file that {name} does not list"));
            }
        }
    }
    if manifests == 0 {
        f(
            "NA-BAG-005",
            Severity::Error,
            "",
            None,
            "no payload manifest (manifest-sha256.txt or manifest-sha512.txt)".to_string(),
        );
    }

    // Tag manifests.
    for (name, bytes) in &named("tagmanifest-") {
        let algorithm = &name["tagmanifest-".len()..name.len() - 4];
        let Some(hash) = hasher(algorithm) else { continue };
        for (path, (expected, line)) in read_manifest(name, bytes, &mut f) {
            match files.read(&path).ok() {
                None => f(
                    "NA-BAG-008",
                    Severity::Error,
                    name,
                    Some(line),
                    format!("tag file `{path}` is listed but missing"),
                ),
                Some(content) if !hash(&content).eq_ignore_ascii_case(&expected) => f(
                    "NA-BAG-013",
                    Severity::Error,
                    &path,
                    None,
                    format!("{algorithm} checksum differs from {name} (line {line}): the tag file was edited"),
                ),
                Some(_) => {}
            }
        }
    }

    // Payload-Oxum.
    let info = files.read("bag-info.txt").map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default();
    let oxum = info
        .lines()
        .enumerate()
        .find_map(|(i, l)| l.strip_prefix("Payload-Oxum:").map(|v| (v.trim().to_string(), i as u32 + 1)));
    match oxum {
        None => f(
            "NA-BAG-011",
            Severity::Warning,
            "bag-info.txt",
            None,
            "no Payload-Oxum: the payload's size and count cannot be checked quickly".to_string(),
        ),
        Some((value, line)) => {
            let octets: u64 = payload.iter().filter_map(|p| files.size(p)).sum();
            let parsed =
                value.split_once('.').and_then(|(o, c)| Some((o.parse::<u64>().ok()?, c.parse::<usize>().ok()?)));
            match parsed {
                None => f(
                    "NA-BAG-011",
                    Severity::Error,
                    "bag-info.txt",
                    Some(line),
                    format!("Payload-Oxum `{value}` is not OCTETS.COUNT"),
                ),
                Some((o, c)) if o != octets || c != payload.len() => f(
                    "NA-BAG-012",
                    Severity::Error,
                    "bag-info.txt",
                    Some(line),
                    format!(
                        "Payload-Oxum says {o} bytes in {c} files; the payload has {octets} bytes in {} files",
                        payload.len()
                    ),
                ),
                Some(_) => {}
            }
        }
    }

    check_index(files, &mut f);
    expected
}

type Report<'a> = dyn FnMut(&'static str, Severity, &str, Option<u32>, String) + 'a;

/// `data/index.json` against its schema and against the articles in the payload.
fn check_index(files: &Files, f: &mut Report<'_>) {
    let articles: BTreeSet<&str> =
        files.names().filter_map(|p| p.strip_prefix("data/articles/")?.split_once('/').map(|(id, _)| id)).collect();
    let Ok(bytes) = files.read("data/index.json") else {
        if !articles.is_empty() {
            f("NA-IDX-001", Severity::Error, "data/index.json", None, "articles without data/index.json".to_string());
        }
        return;
    };
    let index: serde_json::Value = match serde_json::from_slice(&bytes) {
        Ok(v) => v,
        Err(e) => {
            return f(
                "NA-IDX-001",
                Severity::Error,
                "data/index.json",
                Some(e.line() as u32),
                format!("not JSON: {e}"),
            );
        }
    };
    let schema: serde_json::Value = serde_json::from_str(crate::schemas::INDEX).expect("the embedded schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("the embedded schema compiles");
    for error in validator.iter_errors(&index) {
        f("NA-IDX-001", Severity::Error, "data/index.json", None, format!("{}: {error}", error.instance_path()));
    }
    let listed: BTreeMap<&str, &serde_json::Value> = index["articles"]
        .as_array()
        .map(|a| a.iter().filter_map(|r| Some((r["id"].as_str()?, r))).collect())
        .unwrap_or_default();
    for id in &articles {
        if !listed.contains_key(id) {
            f(
                "NA-IDX-002",
                Severity::Error,
                "data/index.json",
                None,
                format!("article folder `{id}` is not in the index"),
            );
        }
    }
    for (id, record) in &listed {
        if !articles.contains(id) {
            f(
                "NA-IDX-002",
                Severity::Error,
                "data/index.json",
                None,
                format!("the index lists `{id}`, which has no folder"),
            );
            continue;
        }
        for file in record["files"].as_array().into_iter().flatten().filter_map(|v| v.as_str()) {
            if !files.contains(&format!("data/articles/{id}/{file}")) {
                f(
                    "NA-IDX-002",
                    Severity::Error,
                    "data/index.json",
                    None,
                    format!("`{id}/{file}` is in the index but not in the payload"),
                );
            }
        }
    }
}

fn hasher(algorithm: &str) -> Option<fn(&[u8]) -> String> {
    match algorithm {
        "sha256" => Some(|b| hex::encode(Sha256::digest(b))),
        "sha512" => Some(|b| hex::encode(Sha512::digest(b))),
        _ => None,
    }
}

/// A manifest's lines: path (decoded per RFC 8493 §2.1.3) to (checksum, line number).
fn read_manifest(name: &str, bytes: &[u8], f: &mut Report<'_>) -> BTreeMap<String, (String, u32)> {
    let mut listed = BTreeMap::new();
    for (i, line) in String::from_utf8_lossy(bytes).lines().enumerate() {
        let line_no = i as u32 + 1;
        if line.trim().is_empty() {
            continue;
        }
        match line.split_once([' ', '\t']) {
            Some((checksum, path)) if !checksum.is_empty() && checksum.bytes().all(|b| b.is_ascii_hexdigit()) => {
                let path = path
                    .trim_start_matches([' ', '\t', '*'])
                    .replace("%0A", "\n")
                    .replace("%0D", "\r")
                    .replace("%25", "%");
                listed.insert(path, (checksum.to_string(), line_no));
            }
            _ => f("NA-BAG-006", Severity::Error, name, Some(line_no), "not `CHECKSUM  PATH`".to_string()),
        }
    }
    listed
}
