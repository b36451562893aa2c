//! BagIt checks (RFC 8493, and BagIt 0.93 to 0.97 as each version defines itself) on a package's
//! files, and, under the `newsarc` [`Profile`], newsarc's index against its payload.
//!
//! Bags are read as the reference tools read them (bagit-python, the Library of Congress's
//! conformance suite): every algorithm bagit-python writes is checked (md5, sha1, sha224, sha256,
//! sha384, sha512); tag files are decoded in the encoding `bagit.txt` declares; a manifest path
//! is matched to the file on disk in another Unicode normalisation form (with a warning), as
//! bagit-python does; `package-info.txt` holds the Payload-Oxum before BagIt 0.96.
//!
//! Every problem is a finding; nothing stops at the first. Payload checksums are checked by
//! [`verify`] while the articles are checked (or by [`verify_payload`] under the `bagit`
//! profile), so each file is read once and hashed once per algorithm. Codes:
//! `NA-BAG-001` no bagit.txt · `NA-BAG-002` bagit.txt not as RFC 8493 requires · `NA-BAG-003`
//! no payload folder `data/` · `NA-BAG-004` fetch.txt names files that are not there (the bag is
//! incomplete) · `NA-BAG-005` no payload manifest of an algorithm newsarc checks · `NA-BAG-006` a
//! manifest line that cannot be read · `NA-BAG-007` a manifest path outside the bag (absolute,
//! `..`, `~`, a drive or `\`) · `NA-BAG-008` a file in a manifest is missing · `NA-BAG-009` a
//! payload file in no manifest · `NA-BAG-010` a payload checksum differs · `NA-BAG-011`
//! Payload-Oxum missing or unreadable · `NA-BAG-012` Payload-Oxum differs from the payload ·
//! `NA-BAG-013` a tag file's checksum differs · `NA-BAG-014` a manifest of an algorithm newsarc
//! does not know (warning) · `NA-BAG-015` only weak algorithms (md5, sha1; warning) ·
//! `NA-BAG-016` a BagIt version newsarc does not know · `NA-BAG-017` a manifest path starting
//! `./` (warning) · `NA-BAG-018` a manifest names a file in another Unicode normalisation form
//! (warning) · `NA-BAG-019` a path listed twice in one manifest with the same checksum (a warning
//! before BagIt 1.0, an error since) · `NA-BAG-020` a path listed twice with different checksums
//! · `NA-BAG-021` a tag file listed in a payload manifest (warning) · `NA-BAG-022` a fetch.txt
//! line that cannot be read · `NA-BAG-023` a tag-file encoding newsarc cannot read ·
//! `NA-BAG-024` two manifest lines differ only in case and one file is there (a bag made on a
//! case-insensitive file system; warning) · `NA-BAG-025` an operating system's housekeeping file
//! (`.DS_Store`, `Thumbs.db`) in the payload (warning) · `NA-SAFE-010` a fetch.txt path outside
//! the payload (absolute, `..`, `~`, a drive or `\`) · `NA-IDX-001` data/index.json missing or
//! not valid against its schema · `NA-IDX-002` index and payload disagree.

use super::package::Files;
use super::{Finding, Severity};
use rayon::prelude::*;
use sha2::Digest;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Which rules a bag is checked by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// BagIt alone: structure and checksums, what bagit-python checks.
    Bagit,
    /// BagIt, and newsarc's index and articles.
    Newsarc,
}

impl Profile {
    pub fn name(self) -> &'static str {
        match self {
            Profile::Bagit => "bagit",
            Profile::Newsarc => "newsarc",
        }
    }

    /// `newsarc` for a bag that holds newsarc's index (`data/index.json`), else `bagit`.
    pub fn for_bag(files: &Files) -> Profile {
        if files.contains("data/index.json") { Profile::Newsarc } else { Profile::Bagit }
    }
}

/// The checksum algorithms bagit-python writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Algorithm {
    Md5,
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

impl Algorithm {
    pub fn from_name(name: &str) -> Option<Algorithm> {
        Some(match name {
            "md5" => Algorithm::Md5,
            "sha1" => Algorithm::Sha1,
            "sha224" => Algorithm::Sha224,
            "sha256" => Algorithm::Sha256,
            "sha384" => Algorithm::Sha384,
            "sha512" => Algorithm::Sha512,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Md5 => "md5",
            Algorithm::Sha1 => "sha1",
            Algorithm::Sha224 => "sha224",
            Algorithm::Sha256 => "sha256",
            Algorithm::Sha384 => "sha384",
            Algorithm::Sha512 => "sha512",
        }
    }

    /// Broken for collisions: they still catch accidents, not tampering.
    pub fn weak(self) -> bool {
        matches!(self, Algorithm::Md5 | Algorithm::Sha1)
    }

    /// The bytes' checksum in lower-case hexadecimal.
    pub fn hex(self, bytes: &[u8]) -> String {
        match self {
            Algorithm::Md5 => hex::encode(md5::Md5::digest(bytes)),
            Algorithm::Sha1 => hex::encode(sha1::Sha1::digest(bytes)),
            Algorithm::Sha224 => hex::encode(sha2::Sha224::digest(bytes)),
            Algorithm::Sha256 => hex::encode(sha2::Sha256::digest(bytes)),
            Algorithm::Sha384 => hex::encode(sha2::Sha384::digest(bytes)),
            Algorithm::Sha512 => hex::encode(sha2::Sha512::digest(bytes)),
        }
    }
}

/// A checksum a manifest expects for a payload file.
pub struct ExpectedDigest {
    algorithm: Algorithm,
    hex: String,
    manifest: String,
    line: u32,
}

/// What the payload manifests expect, by path: checked by [`verify`] as each file is read.
#[derive(Default)]
pub struct Expected {
    digests: BTreeMap<String, Vec<ExpectedDigest>>,
}

/// A payload file's bytes against every manifest that lists it (`NA-BAG-010`), hashing them once
/// per algorithm.
pub fn verify(path: &str, bytes: &[u8], expected: &Expected, shown: &str, findings: &mut Vec<Finding>) {
    let mut computed: Vec<(Algorithm, String)> = Vec::new();
    for d in expected.digests.get(path).into_iter().flatten() {
        let actual = match computed.iter().find(|(a, _)| *a == d.algorithm) {
            Some((_, hex)) => hex.clone(),
            None => {
                let hex = d.algorithm.hex(bytes);
                computed.push((d.algorithm, hex.clone()));
                hex
            }
        };
        if !actual.eq_ignore_ascii_case(&d.hex) {
            findings.push(Finding {
                code: "NA-BAG-010",
                severity: Severity::Error,
                file: format!("{shown}!{path}"),
                line: None,
                column: None,
                message: format!(
                    "{} checksum differs from {} (line {}): the file changed",
                    d.algorithm.name(),
                    d.manifest,
                    d.line
                ),
            });
        }
    }
}

/// Reads every payload file a manifest lists, on all cores, and checks its checksums: what the
/// `bagit` profile does in place of the article checks (which verify as they read).
pub fn verify_payload(files: &Files, shown: &str, expected: &Expected, findings: &mut Vec<Finding>) {
    verify_payload_with_progress(files, shown, expected, findings, &|_| {});
}

/// [`verify_payload`], telling `progress` how many more files were read each time some were.
pub fn verify_payload_with_progress(
    files: &Files,
    shown: &str,
    expected: &Expected,
    findings: &mut Vec<Finding>,
    progress: &(dyn Fn(usize) + Sync),
) {
    let paths: Vec<&str> = expected.digests.keys().map(String::as_str).filter(|p| p.starts_with("data/")).collect();
    let found: Vec<Vec<Finding>> = paths
        .par_iter()
        .map_init(
            || files.reader(),
            |reader, path| {
                let mut found = Vec::new();
                match reader.read(path) {
                    Ok(bytes) => {
                        verify(path, &bytes, expected, shown, &mut found);
                        progress(1);
                    }
                    Err(e) => found.push(Finding::unreadable(shown, path, e)),
                }
                found
            },
        )
        .collect();
    findings.extend(found.into_iter().flatten());
}

/// BagIt versions and what differs between them here.
const KNOWN_VERSIONS: &[(u32, u32)] = &[(0, 93), (0, 94), (0, 95), (0, 96), (0, 97), (1, 0)];

/// Operating systems' housekeeping files, which a bag's payload should not carry.
const SYSTEM_FILES: &[&str] = &[".DS_Store", "Thumbs.db", "desktop.ini", ".directory"];

/// Findings of one bag, each naming the bag (`shown`) and the file in it.
struct Out<'a> {
    shown: &'a str,
    findings: &'a mut Vec<Finding>,
}

impl Out<'_> {
    fn add(&mut self, code: &'static str, severity: Severity, file: &str, line: Option<u32>, message: String) {
        let file = if file.is_empty() { self.shown.to_string() } else { format!("{}!{file}", self.shown) };
        self.findings.push(Finding { code, severity, file, line, column: None, message });
    }
}

/// What bagit.txt says.
struct Declaration {
    version: (u32, u32),
    encoding: &'static encoding_rs::Encoding,
}

/// Runs every bag check but the payload checksums, which [`verify`] checks as files are read;
/// gives what the manifests expect. `shown` names the package in findings. The `newsarc`
/// profile also checks the index.
pub fn check(files: &Files, shown: &str, profile: Profile, findings: &mut Vec<Finding>) -> Expected {
    let mut out = Out { shown, findings };
    let declared = declaration(files, &mut out);
    let payload: BTreeSet<&str> = files.names().filter(|p| p.starts_with("data/")).collect();
    if payload.is_empty() && !files.has_folder("data") {
        out.add("NA-BAG-003", Severity::Error, "data/", None, "there is no payload folder `data/`".to_string());
    }
    for path in &payload {
        let name = path.rsplit('/').next().unwrap_or(path);
        if SYSTEM_FILES.contains(&name) || name.starts_with("._") {
            out.add(
                "NA-BAG-025",
                Severity::Warning,
                path,
                None,
                "an operating system's housekeeping file in the payload; not part of the content".to_string(),
            );
        }
    }
    let fetched = check_fetch(files, &declared, &mut out);

    let mut expected = Expected::default();
    let manifests = top_level(files, "manifest-");
    let mut algorithms = Vec::new();
    for name in &manifests {
        let algorithm_name = &name["manifest-".len()..name.len() - 4];
        let Some(algorithm) = Algorithm::from_name(algorithm_name) else {
            out.add(
                "NA-BAG-014",
                Severity::Warning,
                name,
                None,
                format!("`{algorithm_name}` manifests are not checked (md5, sha1, sha224, sha256, sha384, sha512 are)"),
            );
            continue;
        };
        algorithms.push(algorithm);
        let lines = read_manifest(files, name, &declared, &mut out);
        check_payload_manifest(files, name, algorithm, &lines, &payload, &fetched, &mut expected, &mut out);
    }
    if algorithms.is_empty() {
        out.add(
            "NA-BAG-005",
            Severity::Error,
            "",
            None,
            "no payload manifest of an algorithm newsarc checks (manifest-sha512.txt, manifest-sha256.txt, ...)"
                .to_string(),
        );
    } else if algorithms.iter().all(|a| a.weak()) {
        let names: Vec<&str> = algorithms.iter().map(|a| a.name()).collect();
        out.add(
            "NA-BAG-015",
            Severity::Warning,
            "",
            None,
            format!(
                "only {} checksums, which catch accidents but not tampering; add a sha256 or sha512 manifest",
                names.join(" and ")
            ),
        );
    }

    for name in &top_level(files, "tagmanifest-") {
        let algorithm_name = &name["tagmanifest-".len()..name.len() - 4];
        let Some(algorithm) = Algorithm::from_name(algorithm_name) else {
            out.add(
                "NA-BAG-014",
                Severity::Warning,
                name,
                None,
                format!("`{algorithm_name}` manifests are not checked"),
            );
            continue;
        };
        for entry in read_manifest(files, name, &declared, &mut out) {
            if unsafe_path(&entry.path) {
                out.add(
                    "NA-BAG-007",
                    Severity::Error,
                    name,
                    Some(entry.line),
                    format!("`{}` is outside the bag (absolute, `..`, `~`, a drive or `\\`)", entry.path),
                );
                continue;
            }
            check_tag_file(files, name, algorithm, &entry, &mut out);
        }
    }

    check_oxum(files, &declared, &payload, !fetched.missing.is_empty(), &mut out);
    if profile == Profile::Newsarc {
        check_index(files, &mut out);
    }
    expected
}

/// bagit.txt: version and tag-file encoding (`NA-BAG-001`, `-002`, `-016`, `-023`). A bag
/// without a readable bagit.txt is read as BagIt 1.0 in UTF-8, to report what else is wrong.
fn declaration(files: &Files, out: &mut Out<'_>) -> Declaration {
    let mut declared = Declaration { version: (1, 0), encoding: encoding_rs::UTF_8 };
    let Ok(bytes) = files.read("bagit.txt") else {
        out.add(
            "NA-BAG-001",
            Severity::Error,
            "bagit.txt",
            None,
            "bagit.txt is missing: this is not a bag".to_string(),
        );
        return declared;
    };
    let mut problems: Vec<String> = Vec::new();
    let mut bad = |why: String| problems.push(why);
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bad("it starts with a byte-order mark".to_string());
    }
    let text = String::from_utf8_lossy(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes)).into_owned();
    let lines = split_lines(&text);
    let lines: Vec<&str> = lines.iter().map(|l| l.trim_end()).filter(|l| !l.is_empty()).collect();
    let version = lines.first().and_then(|l| l.strip_prefix("BagIt-Version: "));
    let encoding = lines.get(1).and_then(|l| l.strip_prefix("Tag-File-Character-Encoding: "));
    match version {
        None => bad(format!("line 1 is `{}`", lines.first().unwrap_or(&""))),
        Some(v) => {
            let parsed = v.split_once('.').and_then(|(major, minor)| {
                let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
                (digits(major) && digits(minor)).then(|| Some((major.parse().ok()?, minor.parse().ok()?))).flatten()
            });
            match parsed {
                None => bad(format!("`{v}` is not a version number M.N")),
                Some(version) if !KNOWN_VERSIONS.contains(&version) => out.add(
                    "NA-BAG-016",
                    Severity::Error,
                    "bagit.txt",
                    Some(1),
                    format!("BagIt-Version {v} is not a version newsarc knows (0.93 to 0.97, 1.0)"),
                ),
                Some(version) => declared.version = version,
            }
        }
    }
    match encoding {
        None => bad(format!("line 2 is `{}`", lines.get(1).unwrap_or(&""))),
        // WHATWG labels: ISO-8859-1 reads as windows-1252, its superset.
        Some(label) => match encoding_rs::Encoding::for_label(label.trim().as_bytes()) {
            Some(encoding) => declared.encoding = encoding,
            None => out.add(
                "NA-BAG-023",
                Severity::Error,
                "bagit.txt",
                Some(2),
                format!("tag files in `{label}` cannot be read; they are read as UTF-8"),
            ),
        },
    }
    if lines.len() > 2 {
        bad(format!("it has {} lines", lines.len()));
    }
    if !problems.is_empty() {
        let message = format!(
            "{}; bagit.txt must be exactly the lines `BagIt-Version: M.N` and `Tag-File-Character-Encoding: ENCODING`",
            problems.join("; ")
        );
        out.add("NA-BAG-002", Severity::Error, "bagit.txt", None, message);
    }
    declared
}

/// Lines split at LF, CRLF or CR.
fn split_lines(text: &str) -> Vec<&str> {
    let mut lines: Vec<&str> = text.split('\n').flat_map(|l| l.strip_suffix('\r').unwrap_or(l).split('\r')).collect();
    if lines.last() == Some(&"") {
        lines.pop();
    }
    lines
}

/// A tag file's text in the declared encoding (a byte-order mark decides, when there is one).
fn decode(bytes: &[u8], declared: &Declaration) -> String {
    declared.encoding.decode(bytes).0.into_owned()
}

/// Top-level files named `PREFIX*.txt`, sorted.
fn top_level(files: &Files, prefix: &str) -> Vec<String> {
    files
        .names()
        .filter(|p| p.starts_with(prefix) && p.ends_with(".txt") && !p.contains('/'))
        .map(str::to_string)
        .collect()
}

/// Whether a path in a manifest or fetch.txt points outside the bag, or could on some system:
/// absolute, `..`, a home folder (`~`), a drive (`C:`), Windows separators or an empty part.
fn unsafe_path(path: &str) -> bool {
    path.starts_with('/')
        || path.starts_with('~')
        || path.contains('\\')
        || path.as_bytes().get(1) == Some(&b':')
        || path.split('/').any(|c| c == ".." || c.is_empty())
}

/// RFC 8493 §2.1.3: `%0A`, `%0D` and `%25` in a path stand for LF, CR and `%`; nothing else is
/// encoded.
fn decode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut rest = path;
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        let code = rest.get(at + 1..at + 3).map(str::to_ascii_uppercase);
        let (decoded, skip) = match code.as_deref() {
            Some("0A") => ('\n', 3),
            Some("0D") => ('\r', 3),
            Some("25") => ('%', 3),
            _ => ('%', 1),
        };
        out.push(decoded);
        rest = &rest[at + skip..];
    }
    out.push_str(rest);
    out
}

/// One line of a manifest.
struct ManifestLine {
    hex: String,
    path: String,
    line: u32,
}

/// A manifest's lines in order, paths decoded; unreadable lines (`NA-BAG-006`), a leading `./`
/// (`NA-BAG-017`, removed), and paths listed twice (`NA-BAG-019`, `-020`, the second dropped) are
/// reported. Two paths are the same when their Unicode NFC forms are.
fn read_manifest(files: &Files, name: &str, declared: &Declaration, out: &mut Out<'_>) -> Vec<ManifestLine> {
    let bytes = match files.read(name) {
        Ok(bytes) => bytes,
        Err(e) => {
            out.add("NA-SAFE-009", Severity::Error, name, None, format!("cannot be read: {e}"));
            return Vec::new();
        }
    };
    let text = decode(&bytes, declared);
    let mut lines = Vec::new();
    let mut seen: HashMap<String, (String, String, u32)> = HashMap::new();
    for (i, raw) in split_lines(&text).into_iter().enumerate() {
        let line = i as u32 + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let Some((hex, path)) = trimmed.split_once([' ', '\t']) else {
            out.add("NA-BAG-006", Severity::Error, name, Some(line), "not `CHECKSUM  PATH`".to_string());
            continue;
        };
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            out.add("NA-BAG-006", Severity::Error, name, Some(line), format!("`{hex}` is not a hexadecimal checksum"));
            continue;
        }
        // `*` marks binary mode in md5sum's output.
        let mut path = decode_path(path.trim_start_matches([' ', '\t']).trim_start_matches('*'));
        if path.starts_with("./") {
            out.add(
                "NA-BAG-017",
                Severity::Warning,
                name,
                Some(line),
                format!("`{path}` starts with `./`; read as relative to the bag"),
            );
            while let Some(rest) = path.strip_prefix("./") {
                path = rest.to_string();
            }
        }
        let key: String = super::nfc(&path).into_owned();
        if let Some((other_hex, other_path, other_line)) = seen.get(&key) {
            let form =
                if *other_path == path { String::new() } else { " (in another Unicode normalisation form)".into() };
            if other_hex.eq_ignore_ascii_case(hex) {
                let severity = if declared.version < (1, 0) { Severity::Warning } else { Severity::Error };
                out.add(
                    "NA-BAG-019",
                    severity,
                    name,
                    Some(line),
                    format!("`{path}` is listed again{form}, with the same checksum as on line {other_line}"),
                );
            } else {
                out.add(
                    "NA-BAG-020",
                    Severity::Error,
                    name,
                    Some(line),
                    format!("`{path}` is listed again{form}, with a checksum other than on line {other_line}"),
                );
            }
            continue;
        }
        seen.insert(key, (hex.to_string(), path.clone(), line));
        lines.push(ManifestLine { hex: hex.to_string(), path, line });
    }
    lines
}

/// What fetch.txt asks for: files to fetch that are not in the bag.
#[derive(Default)]
struct Fetched {
    missing: BTreeSet<String>,
}

/// fetch.txt: unreadable lines (`NA-BAG-022`), unsafe paths (`NA-SAFE-010`), and listed files
/// that are not there, which make the bag incomplete (`NA-BAG-004`, one finding naming them).
/// Listed files that are there are checked as any payload file.
fn check_fetch(files: &Files, declared: &Declaration, out: &mut Out<'_>) -> Fetched {
    let mut fetched = Fetched::default();
    let Ok(bytes) = files.read("fetch.txt") else { return fetched };
    let text = decode(&bytes, declared);
    for (i, raw) in split_lines(&text).into_iter().enumerate() {
        let line = i as u32 + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let mut parts = raw.trim().splitn(3, [' ', '\t']);
        let (Some(_url), Some(length), Some(path)) = (parts.next(), parts.next(), parts.next()) else {
            out.add("NA-BAG-022", Severity::Error, "fetch.txt", Some(line), "not `URL LENGTH PATH`".to_string());
            continue;
        };
        if length != "-" && length.parse::<u64>().is_err() {
            let message = format!("the length `{length}` is neither a number nor `-`");
            out.add("NA-BAG-022", Severity::Error, "fetch.txt", Some(line), message);
            continue;
        }
        let path = decode_path(path.trim());
        if unsafe_path(&path) || !path.starts_with("data/") {
            out.add(
                "NA-SAFE-010",
                Severity::Error,
                "fetch.txt",
                Some(line),
                format!("`{path}` is outside the payload folder `data/`; a fetch there would write outside the bag"),
            );
            continue;
        }
        if !files.contains(&path) {
            fetched.missing.insert(path);
        }
    }
    if !fetched.missing.is_empty() {
        let mut names: Vec<String> = fetched.missing.iter().take(5).map(|p| format!("`{p}`")).collect();
        if fetched.missing.len() > 5 {
            names.push(format!("and {} more", fetched.missing.len() - 5));
        }
        out.add(
            "NA-BAG-004",
            Severity::Error,
            "fetch.txt",
            None,
            format!(
                "the bag is incomplete: {} file(s) are still to be fetched, and newsarc fetches nothing: {}",
                fetched.missing.len(),
                names.join(", ")
            ),
        );
    }
    fetched
}

/// One payload manifest against the payload: paths outside (`NA-BAG-007`), tag files
/// (`NA-BAG-021`), files in another normalisation form (`NA-BAG-018`) or case (`NA-BAG-024`),
/// missing files (`NA-BAG-008`, unless fetch.txt says they are to be fetched), files it does not
/// list (`NA-BAG-009`). Fills `expected` for [`verify`].
#[allow(clippy::too_many_arguments)]
fn check_payload_manifest(
    files: &Files,
    name: &str,
    algorithm: Algorithm,
    lines: &[ManifestLine],
    payload: &BTreeSet<&str>,
    fetched: &Fetched,
    expected: &mut Expected,
    out: &mut Out<'_>,
) {
    // Built when a listed path is not on disk as written, which is rare.
    let mut by_nfc: Option<HashMap<String, &str>> = None;
    let mut by_lower: Option<HashMap<String, Vec<&str>>> = None;
    let listed_exactly: HashMap<&str, &str> = lines.iter().map(|l| (l.path.as_str(), l.hex.as_str())).collect();
    let mut listed: BTreeSet<&str> = BTreeSet::new();
    for entry in lines {
        let path = entry.path.as_str();
        if unsafe_path(path) {
            out.add(
                "NA-BAG-007",
                Severity::Error,
                name,
                Some(entry.line),
                format!("`{path}` is outside the bag (absolute, `..`, `~`, a drive or `\\`)"),
            );
            continue;
        }
        if !path.starts_with("data/") {
            out.add(
                "NA-BAG-021",
                Severity::Warning,
                name,
                Some(entry.line),
                format!("`{path}` is a tag file, outside the payload folder `data/`; it belongs in a tag manifest"),
            );
            check_tag_file(files, name, algorithm, entry, out);
            continue;
        }
        let on_disk = if payload.contains(path) {
            Some(path)
        } else if let Some(other) = by_nfc
            .get_or_insert_with(|| payload.iter().map(|p| (super::nfc(p).into_owned(), *p)).collect())
            .get(super::nfc(path).as_ref())
        {
            out.add(
                "NA-BAG-018",
                Severity::Warning,
                name,
                Some(entry.line),
                format!("`{path}` is `{other}` in another Unicode normalisation form; they were matched"),
            );
            Some(*other)
        } else {
            None
        };
        let Some(on_disk) = on_disk else {
            let by_lower = by_lower.get_or_insert_with(|| {
                let mut map: HashMap<String, Vec<&str>> = HashMap::new();
                for p in payload {
                    map.entry(p.to_lowercase()).or_default().push(p);
                }
                map
            });
            let twin = by_lower
                .get(&path.to_lowercase())
                .into_iter()
                .flatten()
                .find(|p| listed_exactly.get(**p).is_some_and(|h| h.eq_ignore_ascii_case(&entry.hex)));
            if let Some(twin) = twin {
                out.add(
                    "NA-BAG-024",
                    Severity::Warning,
                    name,
                    Some(entry.line),
                    format!(
                        "`{path}` and `{twin}` differ only in case and one file is there: the bag was made on a case-insensitive file system"
                    ),
                );
            } else if !fetched.missing.contains(path) {
                out.add(
                    "NA-BAG-008",
                    Severity::Error,
                    name,
                    Some(entry.line),
                    format!("`{path}` is listed but missing"),
                );
            }
            continue;
        };
        listed.insert(on_disk);
        let digest = ExpectedDigest { algorithm, hex: entry.hex.clone(), manifest: name.to_string(), line: entry.line };
        expected.digests.entry(on_disk.to_string()).or_default().push(digest);
    }
    for path in payload {
        if !listed.contains(path) {
            out.add("NA-BAG-009", Severity::Error, path, None, format!("a payload file that {name} does not list"));
        }
    }
}

/// A tag file against a manifest line: missing (`NA-BAG-008`) or changed (`NA-BAG-013`).
fn check_tag_file(files: &Files, manifest: &str, algorithm: Algorithm, entry: &ManifestLine, out: &mut Out<'_>) {
    let path = &entry.path;
    match files.read(path) {
        Err(_) => out.add(
            "NA-BAG-008",
            Severity::Error,
            manifest,
            Some(entry.line),
            format!("tag file `{path}` is listed but missing"),
        ),
        Ok(bytes) if !algorithm.hex(&bytes).eq_ignore_ascii_case(&entry.hex) => out.add(
            "NA-BAG-013",
            Severity::Error,
            path,
            None,
            format!(
                "{} checksum differs from {manifest} (line {}): the tag file was edited",
                algorithm.name(),
                entry.line
            ),
        ),
        Ok(_) => {}
    }
}

/// Payload-Oxum, from bag-info.txt (package-info.txt before BagIt 0.96): missing or unreadable
/// (`NA-BAG-011`), or not the payload's size and count (`NA-BAG-012`; not checked while files
/// are still to be fetched, which the count cannot include).
fn check_oxum(files: &Files, declared: &Declaration, payload: &BTreeSet<&str>, incomplete: bool, out: &mut Out<'_>) {
    let info_name = if declared.version < (0, 96) { "package-info.txt" } else { "bag-info.txt" };
    let info = files.read(info_name).map(|b| decode(&b, declared)).unwrap_or_default();
    let oxum = split_lines(&info).into_iter().enumerate().find_map(|(i, l)| {
        let (label, value) = l.split_once(':')?;
        (label.trim() == "Payload-Oxum").then(|| (value.trim().to_string(), i as u32 + 1))
    });
    let Some((value, line)) = oxum else {
        let message = "no Payload-Oxum: the payload's size and count cannot be checked quickly".to_string();
        return out.add("NA-BAG-011", Severity::Warning, info_name, None, message);
    };
    let parsed = value.split_once('.').and_then(|(o, c)| Some((o.parse::<u64>().ok()?, c.parse::<usize>().ok()?)));
    let octets: u64 = payload.iter().filter_map(|p| files.size(p)).sum();
    match parsed {
        None => out.add(
            "NA-BAG-011",
            Severity::Error,
            info_name,
            Some(line),
            format!("Payload-Oxum `{value}` is not OCTETS.COUNT"),
        ),
        Some((o, c)) if !incomplete && (o != octets || c != payload.len()) => out.add(
            "NA-BAG-012",
            Severity::Error,
            info_name,
            Some(line),
            format!(
                "Payload-Oxum says {o} bytes in {c} files; the payload has {octets} bytes in {} files",
                payload.len()
            ),
        ),
        Some(_) => {}
    }
}

/// `data/index.json` against its schema and against the articles in the payload.
fn check_index(files: &Files, out: &mut Out<'_>) {
    let mut f = |code, file: &str, line, message| out.add(code, Severity::Error, file, line, message);
    let articles: BTreeSet<&str> =
        files.names().filter_map(|p| p.strip_prefix("data/articles/")?.split_once('/').map(|(id, _)| id)).collect();
    let Ok(bytes) = files.read("data/index.json") else {
        if !articles.is_empty() {
            f("NA-IDX-001", "data/index.json", None, "articles without data/index.json".to_string());
        }
        return;
    };
    let index: serde_json::Value = match serde_json::from_slice(&bytes) {
        Ok(v) => v,
        Err(e) => {
            return f("NA-IDX-001", "data/index.json", Some(e.line() as u32), format!("not JSON: {e}"));
        }
    };
    let schema: serde_json::Value = serde_json::from_str(crate::schemas::INDEX).expect("the embedded schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("the embedded schema compiles");
    for error in validator.iter_errors(&index) {
        f("NA-IDX-001", "data/index.json", None, format!("{}: {error}", error.instance_path()));
    }
    let listed: BTreeMap<&str, &serde_json::Value> = index["articles"]
        .as_array()
        .map(|a| a.iter().filter_map(|r| Some((r["id"].as_str()?, r))).collect())
        .unwrap_or_default();
    for id in &articles {
        if !listed.contains_key(id) {
            f("NA-IDX-002", "data/index.json", None, format!("article folder `{id}` is not in the index"));
        }
    }
    for (id, record) in &listed {
        if !articles.contains(id) {
            f("NA-IDX-002", "data/index.json", None, format!("the index lists `{id}`, which has no folder"));
            continue;
        }
        for file in record["files"].as_array().into_iter().flatten().filter_map(|v| v.as_str()) {
            if !files.contains(&format!("data/articles/{id}/{file}")) {
                f(
                    "NA-IDX-002",
                    "data/index.json",
                    None,
                    format!("`{id}/{file}` is in the index but not in the payload"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_decoded_as_rfc_8493_says_and_nothing_more() {
        assert_eq!(decode_path("data/a%0Ab%0dc%25d"), "data/a\nb\rc%d");
        assert_eq!(decode_path("data/%7Etest1.txt"), "data/%7Etest1.txt");
        assert_eq!(decode_path("data/%test2.txt"), "data/%test2.txt");
        assert_eq!(decode_path("data/%250A"), "data/%0A", "one pass: %25 then 0A stays text");
        assert_eq!(decode_path("data/100%"), "data/100%");
    }

    #[test]
    fn unsafe_paths_are_recognised() {
        for p in ["/tmp/foo", "~/foo", "~root/foo", "../../README.md", "data/../../x", "C:\\Windows", "\\\\?\\UNC\\x"] {
            assert!(unsafe_path(p), "{p}");
        }
        for p in ["data/a.txt", "data/~test3.txt", "data/%7Edir2/test4.txt", "bag-info.txt", "data/a..b"] {
            assert!(!unsafe_path(p), "{p}");
        }
    }

    #[test]
    fn lines_split_at_every_line_ending() {
        assert_eq!(split_lines("a\r\nb\rc\nd"), vec!["a", "b", "c", "d"]);
        assert_eq!(split_lines("a\n"), vec!["a"]);
    }

    #[test]
    fn known_checksums_of_empty_input() {
        // Published digests of the empty string.
        assert_eq!(Algorithm::Md5.hex(b""), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(Algorithm::Sha1.hex(b""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
        assert_eq!(Algorithm::Sha224.hex(b""), "d14a028c2a3a2bc9476102bb288234c415a2b01f828ea62ac5b3e42f");
        assert!(Algorithm::Sha384.hex(b"").starts_with("38b060a751ac96384cd9327eb1b1e36a"));
    }
}
