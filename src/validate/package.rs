//! Reading a package for validation, safely: every file of a folder, zip or tar into memory,
//! never extracted to disk.
//!
//! Unsafe entries become findings and are not used: absolute names and `..` (`NA-SAFE-001`),
//! symbolic and hard links (`NA-SAFE-002`), a name twice (`NA-SAFE-003`), two names that differ
//! only in case or Unicode normalisation (`NA-SAFE-004`, they collide on many file systems),
//! entries over the size cap (`NA-SAFE-005`) or the compression-ratio cap (`NA-SAFE-006`, a zip
//! bomb), more entries than the cap (`NA-SAFE-007`, reading stops). An archive must hold exactly
//! one top-level folder (`NA-SAFE-008`).

use super::{Finding, Severity, ValidateError};
use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::Path;
use unicode_normalization::UnicodeNormalization;

/// Caps on what a package may hold.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_entries: usize,
    pub max_entry_size: u64,
    pub max_total_size: u64,
    /// Uncompressed over compressed size, for entries over 1 MiB.
    pub max_ratio: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_entries: 1_000_000, max_entry_size: 256 << 20, max_total_size: 16 << 30, max_ratio: 100 }
    }
}

/// The files of a bag, by path relative to the bag's top folder (`data/index.json`).
#[derive(Debug, Default)]
pub struct Files {
    pub files: BTreeMap<String, Vec<u8>>,
    /// The bag's folder name (for archives, the single top-level folder).
    pub name: String,
}

struct Collector<'a> {
    shown: String,
    limits: Limits,
    raw: Vec<(String, Vec<u8>)>,
    total: u64,
    findings: &'a mut Vec<Finding>,
}

impl Collector<'_> {
    fn finding(&mut self, code: &'static str, entry: &str, message: String) {
        self.findings.push(Finding {
            code,
            severity: Severity::Error,
            file: format!("{}!{entry}", self.shown),
            line: None,
            column: None,
            message,
        });
    }

    /// Whether a name is safe to use; records a finding when not.
    fn safe_name(&mut self, name: &str) -> bool {
        let unsafe_name = name.starts_with('/')
            || name.starts_with('\\')
            || name.as_bytes().get(1) == Some(&b':')
            || name.split(['/', '\\']).any(|c| c == "..");
        if unsafe_name {
            self.finding(
                "NA-SAFE-001",
                name,
                "absolute path or `..` in an entry name; the entry is not used".to_string(),
            );
        }
        !unsafe_name
    }

    /// Size and ratio caps; `compressed` when the container compresses.
    fn within_caps(&mut self, name: &str, size: u64, compressed: Option<u64>) -> bool {
        if size > self.limits.max_entry_size {
            let cap = self.limits.max_entry_size;
            self.finding(
                "NA-SAFE-005",
                name,
                format!("{size} bytes, over the per-entry limit of {cap} bytes; not read"),
            );
            return false;
        }
        if let Some(compressed) = compressed {
            let ratio = size / compressed.max(1);
            if size > 1 << 20 && ratio > self.limits.max_ratio {
                let cap = self.limits.max_ratio;
                self.finding(
                    "NA-SAFE-006",
                    name,
                    format!("expands {ratio}-fold, over the limit of {cap} (a zip bomb?); not read"),
                );
                return false;
            }
        }
        if self.total + size > self.limits.max_total_size {
            let cap = self.limits.max_total_size;
            self.finding("NA-SAFE-005", name, format!("the package holds over {cap} bytes; not read"));
            return false;
        }
        true
    }

    fn read_capped(&mut self, name: &str, reader: &mut dyn Read) -> Option<Vec<u8>> {
        let mut bytes = Vec::new();
        if let Err(e) = reader.take(self.limits.max_entry_size + 1).read_to_end(&mut bytes) {
            self.finding("NA-SAFE-009", name, format!("cannot be read: {e}"));
            return None;
        }
        if bytes.len() as u64 > self.limits.max_entry_size {
            let cap = self.limits.max_entry_size;
            self.finding(
                "NA-SAFE-005",
                name,
                format!("over the per-entry limit of {cap} bytes (its stated size was wrong); not read"),
            );
            return None;
        }
        self.total += bytes.len() as u64;
        Some(bytes)
    }

    fn too_many(&mut self, count: usize) -> bool {
        if count > self.limits.max_entries {
            let cap = self.limits.max_entries;
            self.finding("NA-SAFE-007", "", format!("more than {cap} entries; reading stopped"));
            return true;
        }
        false
    }

    /// Duplicate and colliding names; strips the single top-level folder of archives.
    fn finish(mut self, archive: bool, name: String) -> Files {
        let mut files = BTreeMap::new();
        let mut folded: HashMap<String, String> = HashMap::new();
        let mut tops: Vec<String> = Vec::new();
        for (path, bytes) in std::mem::take(&mut self.raw) {
            if files.contains_key(&path) {
                self.finding("NA-SAFE-003", &path, "the same name twice; only the first is used".to_string());
                continue;
            }
            let key: String = path.nfc().collect::<String>().to_lowercase();
            if let Some(other) = folded.get(&key) {
                let other = other.clone();
                self.finding(
                    "NA-SAFE-004",
                    &path,
                    format!("differs from `{other}` only in case or Unicode normalisation"),
                );
            }
            folded.insert(key, path.clone());
            let top = path.split('/').next().unwrap_or_default().to_string();
            if !tops.contains(&top) {
                tops.push(top);
            }
            files.insert(path, bytes);
        }
        if !archive {
            return Files { files, name };
        }
        if tops.len() != 1 {
            let message = format!("an archive must hold exactly one top-level folder; it holds {}", tops.len());
            self.finding("NA-SAFE-008", "", message);
        }
        let top = tops.first().cloned().unwrap_or_default();
        let prefix = format!("{top}/");
        let files =
            files.into_iter().filter_map(|(p, b)| p.strip_prefix(&prefix).map(|p| (p.to_string(), b))).collect();
        Files { files, name: top }
    }
}

/// Reads the package at `path`: a folder, a `.zip` or a `.tar`.
pub fn read(path: &Path, limits: Limits, findings: &mut Vec<Finding>) -> Result<Files, ValidateError> {
    let shown = path.display().to_string();
    let io = |source| ValidateError::Io { path: shown.clone(), source };
    let mut c = Collector { shown: shown.clone(), limits, raw: Vec::new(), total: 0, findings };
    let meta = std::fs::symlink_metadata(path).map_err(io)?;
    if meta.is_dir() {
        let mut count = 0;
        for entry in walkdir::WalkDir::new(path).follow_links(false).sort_by_file_name() {
            let entry =
                entry.map_err(|e| io(e.into_io_error().unwrap_or_else(|| std::io::Error::other("walk failed"))))?;
            let relative = entry.path().strip_prefix(path).unwrap_or(entry.path()).to_string_lossy().replace('\\', "/");
            if entry.path_is_symlink() {
                c.finding("NA-SAFE-002", &relative, "a symbolic link; never followed".to_string());
                continue;
            }
            if !entry.file_type().is_file() {
                continue;
            }
            count += 1;
            if c.too_many(count) {
                break;
            }
            let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
            if !c.within_caps(&relative, size, None) {
                continue;
            }
            let mut file = std::fs::File::open(entry.path()).map_err(io)?;
            if let Some(bytes) = c.read_capped(&relative, &mut file) {
                c.raw.push((relative, bytes));
            }
        }
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        return Ok(c.finish(false, name));
    }
    let file = std::fs::File::open(path).map_err(io)?;
    match path.extension().map(|e| e.to_ascii_lowercase()) {
        Some(e) if e == "zip" => {
            let mut zip = ::zip::ZipArchive::new(std::io::BufReader::new(file)).map_err(|e| {
                ValidateError::Unreadable { path: shown.clone(), message: format!("not a zip archive: {e}") }
            })?;
            if c.too_many(zip.len()) {
                return Ok(c.finish(true, String::new()));
            }
            for i in 0..zip.len() {
                let mut entry = match zip.by_index(i) {
                    Ok(entry) => entry,
                    Err(e) => {
                        c.finding("NA-SAFE-009", &format!("#{i}"), format!("cannot be read: {e}"));
                        continue;
                    }
                };
                let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
                if !c.safe_name(&name) || entry.is_dir() {
                    continue;
                }
                if entry.is_symlink() {
                    c.finding("NA-SAFE-002", &name, "a symbolic link; never followed".to_string());
                    continue;
                }
                if !c.within_caps(&name, entry.size(), Some(entry.compressed_size())) {
                    continue;
                }
                if let Some(bytes) = c.read_capped(&name, &mut entry) {
                    c.raw.push((name, bytes));
                }
            }
            Ok(c.finish(true, String::new()))
        }
        Some(e) if e == "tar" => {
            let mut archive = tar::Archive::new(std::io::BufReader::new(file));
            let entries = archive.entries().map_err(|e| ValidateError::Unreadable {
                path: shown.clone(),
                message: format!("not a tar archive: {e}"),
            })?;
            let mut count = 0;
            for entry in entries {
                let mut entry = match entry {
                    Ok(entry) => entry,
                    Err(e) => {
                        c.finding("NA-SAFE-009", "", format!("the archive cannot be read further: {e}"));
                        break;
                    }
                };
                count += 1;
                if c.too_many(count) {
                    break;
                }
                let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
                let kind = entry.header().entry_type();
                if !c.safe_name(&name) || kind.is_dir() {
                    continue;
                }
                if kind.is_symlink() || kind.is_hard_link() {
                    c.finding("NA-SAFE-002", &name, "a link; never followed".to_string());
                    continue;
                }
                if !kind.is_file() {
                    continue;
                }
                if !c.within_caps(&name, entry.size(), None) {
                    continue;
                }
                if let Some(bytes) = c.read_capped(&name, &mut entry) {
                    c.raw.push((name, bytes));
                }
            }
            Ok(c.finish(true, String::new()))
        }
        _ => Err(ValidateError::Unreadable { path: shown, message: "not a folder, .zip or .tar".to_string() }),
    }
}
