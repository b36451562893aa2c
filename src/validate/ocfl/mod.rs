//! OCFL 1.0 and 1.1 (Oxford Common File Layout): storage roots and objects, checked against the
//! specification alone.
//!
//! Three layers, each usable and tested alone, as in ocfl-py and rocfl:
//!
//! - [`inventory`]: one inventory document checked alone (read as untyped JSON, so every defect
//!   is a finding), giving an [`inventory::Inventory`] summary the other layers build on.
//! - [`object`]: an object's file tree against its inventories: declaration, sidecars, version
//!   directories and their inventories, content files and (unless [`Options::check_digests`] is
//!   off) every digest of every content file.
//! - [`root`]: a storage root: its declaration, `ocfl_layout.json`, `extensions/`, the storage
//!   hierarchy, and every object found in it, checked in parallel on rayon's global pool.
//! - [`digest`]: the digest algorithms of OCFL and its digest-algorithms extension, several
//!   computed in one read of a file.
//!
//! Findings carry the specification's own codes, prefixed: `OCFL-E040`, `OCFL-W004` (the
//! specification's validation-codes table explains each; [`CODES`] lists those newsarc reports).
//! Their `file` is the path given joined with the path inside it (`root/ab1/v1/inventory.json`).
//! Findings come sorted by file, then code, then message, whatever the number of threads.

pub mod digest;
pub mod inventory;
pub mod object;
pub mod root;

use super::{Finding, Severity};
use std::collections::BTreeMap;
use std::path::Path;

/// What a validation run does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Re-read every content file and compare its digests (manifest and fixity, of every
    /// inventory). Off, everything else is still checked, the inventory sidecars' digests too.
    pub check_digests: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options { check_digests: true }
    }
}

/// What a folder is, by its declaration file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// It holds `0=ocfl_1.0` or `0=ocfl_1.1`.
    Root,
    /// It holds `0=ocfl_object_1.0` or `0=ocfl_object_1.1`.
    Object,
}

/// Whether `path` is a storage root or an object, by the declaration it holds (`0=ocfl_1.x` or
/// `0=ocfl_object_1.x`, whatever its contents); `None` for anything else.
pub fn detect(path: &Path) -> Option<Kind> {
    let entries = std::fs::read_dir(path).ok()?;
    let mut kind = None;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if !entry.file_type().is_ok_and(|t| t.is_file()) {
            continue;
        }
        if root::DECLARATIONS.iter().any(|(d, _)| *d == name) {
            return Some(Kind::Root);
        }
        if object::DECLARATIONS.iter().any(|(d, _)| *d == name) {
            kind = Some(Kind::Object);
        }
    }
    kind
}

/// The findings of a storage root and of every object in it.
pub fn validate_root(path: &Path, options: &Options) -> Vec<Finding> {
    root::check(path, &shown(path), options).findings
}

/// The findings of one object.
pub fn validate_object(path: &Path, options: &Options) -> Vec<Finding> {
    object::check(path, &shown(path), options).findings
}

/// The head version's state of a valid-enough object: each logical path with the content path
/// (relative to the object root) of its bytes. `None` when the root inventory cannot be read as
/// one. The hook for checks on top of OCFL (a profile checking what the files hold).
pub fn head_state(path: &Path) -> Option<BTreeMap<String, String>> {
    object::check(path, &shown(path), &Options { check_digests: false }).head_state
}

/// A path as findings show it: as given, without a trailing `/`.
fn shown(path: &Path) -> String {
    let s = path.display().to_string();
    let trimmed = s.trim_end_matches('/');
    if trimmed.is_empty() { s } else { trimmed.to_string() }
}

/// `base/inner`, or `base` when `inner` is empty.
pub(crate) fn join(base: &str, inner: &str) -> String {
    if inner.is_empty() { base.to_string() } else { format!("{base}/{inner}") }
}

/// A finding of `code` (one of [`CODES`]): an error for `OCFL-E...`, a warning for `OCFL-W...`.
pub(crate) fn finding(code: &'static str, file: String, message: String) -> Finding {
    debug_assert!(CODES.iter().any(|(c, _)| *c == code), "{code} is not in CODES");
    let severity = if code.starts_with("OCFL-W") { Severity::Warning } else { Severity::Error };
    Finding { code, severity, file, line: None, column: None, message }
}

/// Sorts findings into the stable order: file, code, message.
pub(crate) fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| (&a.file, a.code, &a.message).cmp(&(&b.file, b.code, &b.message)));
}

/// Extensions registered with the OCFL community (`OCFL/extensions`); an extension directory
/// named otherwise gets W013 (in an object) or W016 (in a storage root).
pub const REGISTERED_EXTENSIONS: &[&str] = &[
    "0001-digest-algorithms",
    "0002-flat-direct-storage-layout",
    "0003-hash-and-id-n-tuple-storage-layout",
    "0004-hashed-n-tuple-storage-layout",
    "0005-mutable-head",
    "0006-flat-omit-prefix-storage-layout",
    "0007-n-tuple-omit-prefix-storage-layout",
    "0008-schema-registry",
    "0009-digest-algorithms",
    "0011-direct-clean-path-layout",
    "0012-hash-and-no-prefix-id-n-tuple-storage-layout",
];

/// Every code newsarc reports for OCFL, with what it means here. The specification's
/// validation-codes table (<https://ocfl.io/1.1/spec/validation-codes.html>) is the reference.
pub const CODES: &[(&str, &str)] = &[
    ("OCFL-E001", "the object root holds a file or directory the specification does not allow"),
    ("OCFL-E003", "no object declaration (0=ocfl_object_1.x), or more than one; or no object at the path"),
    ("OCFL-E006", "an object declaration names an OCFL version other than 1.0 or 1.1"),
    ("OCFL-E007", "the object declaration's text is not its name after `0=`, followed by a newline"),
    ("OCFL-E008", "the inventory has no versions"),
    ("OCFL-E009", "the versions do not start at version 1 (v1, or a zero-padded v01...)"),
    ("OCFL-E010", "the version numbers are not continuous"),
    ("OCFL-E011", "zero-padded version names with more versions than the padding can hold"),
    ("OCFL-E012", "version names mix naming conventions (padded and not, or two paddings)"),
    ("OCFL-E015", "a version directory holds a file other than its inventory and sidecar"),
    ("OCFL-E017", "contentDirectory is not a string, is empty or contains `/`"),
    ("OCFL-E018", "contentDirectory is `.` or `..`"),
    ("OCFL-E019", "contentDirectory is set in a later version but not in the first"),
    ("OCFL-E020", "contentDirectory changes between versions"),
    ("OCFL-E023", "a content file is not in the manifest, or a manifest entry of an earlier inventory is missing"),
    ("OCFL-E024", "an empty directory inside a version's content directory"),
    ("OCFL-E025", "digestAlgorithm is not sha512 or sha256, or a manifest digest does not have its form"),
    ("OCFL-E033", "the inventory is not JSON (or not a JSON object), or cannot be read"),
    ("OCFL-E036", "the inventory lacks id, type, digestAlgorithm or head"),
    ("OCFL-E037", "id is not a non-empty string, or differs between the object's inventories"),
    ("OCFL-E038", "type is not the inventory URI of the OCFL version the object declares"),
    ("OCFL-E040", "head is not the highest version (or not the version whose directory holds it)"),
    ("OCFL-E041", "the inventory lacks manifest or versions"),
    ("OCFL-E042", "a content path is not under a version directory's content directory"),
    ("OCFL-E044", "versions is not a JSON object"),
    ("OCFL-E046", "a version of the inventory has no directory, or a directory looks like a version that is not one"),
    ("OCFL-E047", "a version block is not a JSON object"),
    ("OCFL-E048", "a version block lacks created or state"),
    ("OCFL-E049", "created is not an RFC 3339 date-time with seconds and a time zone"),
    ("OCFL-E050", "a state block is malformed, or names a digest the manifest does not hold"),
    ("OCFL-E052", "a logical path has an element `.`, `..` or empty"),
    ("OCFL-E053", "a logical path begins or ends with `/`"),
    ("OCFL-E054", "user is not an object with a string name (and a string address, if any)"),
    ("OCFL-E056", "fixity names an algorithm OCFL and its extensions do not define (or, in 1.0, is not an object)"),
    ("OCFL-E057", "a fixity algorithm block is not a map of well-formed digests to content paths of the manifest"),
    ("OCFL-E058", "an inventory has no sidecar digest file (inventory.json.<digestAlgorithm>)"),
    ("OCFL-E060", "the sidecar's digest is not the inventory's digest"),
    ("OCFL-E061", "the sidecar is not `DIGEST inventory.json` (one line)"),
    ("OCFL-E063", "the object root has no inventory.json"),
    ("OCFL-E064", "the root inventory differs from the head version's inventory"),
    ("OCFL-E066", "a version inventory's version blocks do not describe the same state as the root inventory's"),
    ("OCFL-E067", "the object's extensions directory holds something other than extension directories"),
    ("OCFL-E069", "the storage root has no declaration (0=ocfl_1.x)"),
    ("OCFL-E070", "ocfl_layout.json is not a JSON object with string keys extension and description"),
    ("OCFL-E072", "a directory of the storage hierarchy holds files but is not an object"),
    ("OCFL-E073", "an empty directory under the storage root"),
    ("OCFL-E076", "the storage root has more than one declaration"),
    ("OCFL-E079", "a storage root declaration names an OCFL version other than 1.0 or 1.1"),
    ("OCFL-E080", "the storage root declaration's text is not its name after `0=`, followed by a newline"),
    ("OCFL-E081", "an object declares a later OCFL version than its storage root"),
    ("OCFL-E083", "two objects of a storage root have the same id"),
    ("OCFL-E084", "an intermediate directory of the storage hierarchy holds files"),
    ("OCFL-E090", "a symbolic link (or another entry that is neither file nor directory) in a storage root or object"),
    ("OCFL-E092", "a manifest entry is not a list of paths to files present, or a file's digest differs from it"),
    ("OCFL-E093", "a fixity digest differs from the file's, or names a file that is not present"),
    ("OCFL-E094", "message is not a string"),
    ("OCFL-E095", "a logical path is used twice in a version, or as a file and as a directory"),
    ("OCFL-E096", "the manifest holds a digest twice (differing only in case)"),
    ("OCFL-E097", "a fixity block holds a digest twice (differing only in case)"),
    ("OCFL-E099", "a content path has an element `.`, `..` or empty"),
    ("OCFL-E100", "a content path begins or ends with `/`"),
    ("OCFL-E101", "a content path is listed twice, or used as a file and as a directory"),
    ("OCFL-E102", "the inventory holds a key the specification does not define"),
    ("OCFL-E103", "a version's inventory conforms to an earlier OCFL version than the version before it"),
    ("OCFL-E104", "a version name is not `v` followed by a number"),
    ("OCFL-E106", "manifest is not a JSON object"),
    ("OCFL-E107", "a manifest digest is used by no version's state"),
    ("OCFL-E111", "fixity is not a JSON object"),
    ("OCFL-E112", "the storage root's extensions directory holds something other than extension directories"),
    ("OCFL-W001", "version names are zero-padded"),
    ("OCFL-W002", "a version directory holds a directory other than its content directory"),
    ("OCFL-W003", "a version's content directory is empty"),
    ("OCFL-W004", "digestAlgorithm is sha256, not sha512"),
    ("OCFL-W005", "id is not a URI"),
    ("OCFL-W007", "a version block has no message or no user"),
    ("OCFL-W008", "a version's user has no address"),
    ("OCFL-W009", "a version's user address is not a URI"),
    ("OCFL-W010", "a version directory has no inventory"),
    ("OCFL-W011", "a version inventory's created, message or user differ from the root inventory's"),
    ("OCFL-W013", "an object extension directory is not a registered extension"),
    ("OCFL-W016", "a storage root extension directory is not a registered extension"),
];

/// Reads a small file (a declaration, an inventory, a sidecar, ocfl_layout.json), refusing a
/// symbolic link and anything over `cap` bytes.
pub(crate) fn read_capped(path: &Path, cap: u64) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let meta = std::fs::symlink_metadata(path).map_err(|e| crate::output::io_reason(&e))?;
    if meta.file_type().is_symlink() {
        return Err("it is a symbolic link, which OCFL forbids".to_string());
    }
    if !meta.is_file() {
        return Err("it is not a regular file".to_string());
    }
    if meta.len() > cap {
        return Err(format!("it is {} bytes, over newsarc's limit of {cap} bytes", meta.len()));
    }
    let file = std::fs::File::open(path).map_err(|e| crate::output::io_reason(&e))?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(cap + 1).read_to_end(&mut bytes).map_err(|e| crate::output::io_reason(&e))?;
    if bytes.len() as u64 > cap {
        return Err(format!("it is over newsarc's limit of {cap} bytes"));
    }
    Ok(bytes)
}

/// Reads a file its directory listing showed to be a regular file (so no further `stat`: a
/// storage root of many small objects is bound by system calls), at most `cap` bytes.
pub(crate) fn read_regular(path: &Path, cap: u64) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| crate::output::io_reason(&e))?;
    // A large cap (an inventory's): refuse an oversized file by its size, before reading it.
    if cap > 1024 * 1024
        && let Ok(meta) = file.metadata()
        && meta.len() > cap
    {
        return Err(format!("it is {} bytes, over newsarc's limit of {cap} bytes", meta.len()));
    }
    let mut bytes = Vec::new();
    file.take(cap + 1).read_to_end(&mut bytes).map_err(|e| crate::output::io_reason(&e))?;
    if bytes.len() as u64 > cap {
        return Err(format!("it is over newsarc's limit of {cap} bytes"));
    }
    Ok(bytes)
}

/// The largest inventory newsarc reads (64 MiB: an inventory of about 300,000 files).
pub const MAX_INVENTORY: u64 = 64 * 1024 * 1024;

/// The OCFL versions newsarc knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SpecVersion {
    V1_0,
    V1_1,
}

impl SpecVersion {
    pub fn from_number(number: &str) -> Option<SpecVersion> {
        match number {
            "1.0" => Some(SpecVersion::V1_0),
            "1.1" => Some(SpecVersion::V1_1),
            _ => None,
        }
    }

    pub fn number(self) -> &'static str {
        match self {
            SpecVersion::V1_0 => "1.0",
            SpecVersion::V1_1 => "1.1",
        }
    }

    /// The `type` an inventory of this version has.
    pub fn inventory_type(self) -> String {
        format!("https://ocfl.io/{}/spec/#inventory", self.number())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_sorted_and_well_formed() {
        let mut previous = "";
        for (code, meaning) in CODES {
            assert!(code.len() == 9 && (code.starts_with("OCFL-E") || code.starts_with("OCFL-W")), "{code}");
            assert!(code[6..].bytes().all(|b| b.is_ascii_digit()), "{code}");
            assert!(*code > previous, "{code} after {previous}");
            assert!(!meaning.is_empty());
            previous = code;
        }
    }

    #[test]
    fn every_code_the_sources_emit_is_in_the_table() {
        let re = regex::Regex::new(r#""(OCFL-[EW]\d{3})""#).unwrap();
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/validate/ocfl");
        let mut seen = 0;
        for name in ["inventory.rs", "object.rs", "root.rs"] {
            let text = std::fs::read_to_string(dir.join(name)).unwrap();
            for c in re.captures_iter(&text) {
                seen += 1;
                assert!(CODES.iter().any(|(code, _)| *code == &c[1]), "{name} emits {} not in CODES", &c[1]);
            }
        }
        assert!(seen > 50);
    }

    #[test]
    fn docs_codes_lists_every_code() {
        let docs = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/codes.md")).unwrap();
        for (code, _) in CODES {
            assert!(docs.contains(&format!("| {code} |")), "docs/codes.md does not list {code}");
        }
    }

    #[test]
    fn severity_follows_the_letter() {
        assert_eq!(finding("OCFL-W004", "x".into(), "m".into()).severity, Severity::Warning);
        assert_eq!(finding("OCFL-E040", "x".into(), "m".into()).severity, Severity::Error);
    }

    #[test]
    fn detect_by_declaration() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(detect(dir.path()), None);
        std::fs::write(dir.path().join("0=ocfl_object_1.1"), "ocfl_object_1.1\n").unwrap();
        assert_eq!(detect(dir.path()), Some(Kind::Object));
        std::fs::write(dir.path().join("0=ocfl_1.1"), "ocfl_1.1\n").unwrap();
        assert_eq!(detect(dir.path()), Some(Kind::Root));
        assert_eq!(detect(&dir.path().join("missing")), None);
    }
}

/// One entry of a directory, as the directory says (links are never followed).
#[derive(Debug)]
pub(crate) struct Entry {
    /// The name; lossily decoded when it is not UTF-8 (see `utf8`).
    pub name: String,
    pub utf8: bool,
    pub kind: EntryKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EntryKind {
    File,
    Dir,
    Symlink,
    Other,
}

/// The entries of a directory, sorted by name.
pub(crate) fn list(path: &Path) -> std::io::Result<Vec<Entry>> {
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(path)? {
        let entry = entry?;
        let os = entry.file_name();
        let (name, utf8) = match os.to_str() {
            Some(n) => (n.to_string(), true),
            None => (os.to_string_lossy().into_owned(), false),
        };
        let kind = match entry.file_type() {
            Ok(t) if t.is_symlink() => EntryKind::Symlink,
            Ok(t) if t.is_dir() => EntryKind::Dir,
            Ok(t) if t.is_file() => EntryKind::File,
            _ => EntryKind::Other,
        };
        entries.push(Entry { name, utf8, kind });
    }
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(entries)
}

/// `NA-SAFE-009`: a directory or file of the object or root that cannot be read.
pub(crate) fn unreadable(file: String, reason: impl std::fmt::Display) -> Finding {
    Finding::unreadable_at(file, reason)
}

/// newsarc's checks on top of the specification's, for an object newsarc wrote: when its head
/// version holds an article (`source.txt` and a newsarc `metadata.json`), its files are checked as
/// a bag's article is (every rendition read back, each format's rules, the renditions' agreement,
/// the record's checksums; `reproduce`: rendered again from the source). `None` for an object that
/// holds no newsarc article (the specification's checks are all there is for it). Findings name
/// the files `shown!head/<logical path>`.
pub fn check_article(
    object: &Path,
    shown: &str,
    head_state: &BTreeMap<String, String>,
    reproduce: bool,
) -> Option<Vec<Finding>> {
    let (source, record) = (head_state.get("source.txt")?, head_state.get("metadata.json")?);
    let _ = source;
    let record_bytes = std::fs::read(object.join(record)).ok()?;
    let is_newsarc = serde_json::from_slice::<serde_json::Value>(&record_bytes)
        .ok()
        .is_some_and(|r| r.get("record").and_then(|v| v.as_str()) == Some("newsarc-metadata"));
    if !is_newsarc {
        return None;
    }
    let mut own = BTreeMap::new();
    let mut findings = Vec::new();
    for (logical, content) in head_state {
        match std::fs::read(object.join(content)) {
            Ok(bytes) => {
                own.insert(logical.clone(), bytes);
            }
            Err(e) => findings.push(Finding::unreadable(shown, &format!("head/{logical}"), e)),
        }
    }
    findings.extend(super::article::check_article_files(&own, shown, "head", reproduce));
    Some(findings)
}
