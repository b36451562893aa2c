//! Reading a package for validation, safely and without extracting it: entries are indexed
//! first (names, sizes, where they are), then read on demand into memory, one at a time, so
//! memory follows the files being checked, not the package. Folders are read by path, zips by
//! entry name, tars at the offset of each entry's data. A `.tar.gz` (`.tgz`) is inflated once
//! into a temporary file, within the same caps (the total inflated bytes among them), and read
//! as a tar.
//!
//! Unsafe entries become findings and are not used: absolute names and `..` (`NA-SAFE-001`),
//! symbolic and hard links (`NA-SAFE-002`), a name twice (`NA-SAFE-003`), two names that differ
//! only in case or Unicode normalisation (`NA-SAFE-004`, they collide on many file systems),
//! entries over the size cap (`NA-SAFE-005`) or the compression-ratio cap (`NA-SAFE-006`, a zip
//! bomb), more entries than the cap (`NA-SAFE-007`, reading stops). An archive must hold exactly
//! one top-level folder (`NA-SAFE-008`). A zip's structure is checked first
//! ([`crate::format::zip_layout`], `NA-ZIP-*`): local headers that disagree with the central
//! directory, and bytes that belong to no entry.

use super::{Finding, Severity, ValidateError};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

pub use crate::read::epub::{LimitExceeded, Limits};

/// Where an entry's bytes are.
#[derive(Debug, Clone)]
enum Location {
    Disk(PathBuf),
    /// The entry's directory record in the zip (its data start found in its local header).
    Zip(Box<crate::format::zip_layout::CentralEntry>),
    /// The offset of the entry's data in the tar.
    Tar(u64),
}

#[derive(Debug, Clone)]
struct Entry {
    size: u64,
    at: Location,
}

enum Source {
    Folder,
    /// Read by position: threads share the one handle.
    Zip(std::fs::File),
    Tar(PathBuf),
}

/// The files of a bag, by path relative to the bag's top folder (`data/index.json`), read on
/// demand.
pub struct Files {
    entries: BTreeMap<String, Entry>,
    source: Source,
    /// The package's path (archives are opened again by each thread's reader).
    path: Option<PathBuf>,
    limits: Limits,
    /// The bag's folder name (for archives, the single top-level folder).
    pub name: String,
    /// Folders, by path as entries are named (an empty `data/` is a payload folder still).
    folders: std::collections::BTreeSet<String>,
    /// The inflated tar of a `.tar.gz`, removed when the files are dropped.
    _inflated: Option<tempfile::TempPath>,
}

impl Files {
    /// Every usable entry's path, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.entries.contains_key(name)
    }

    /// Whether the bag holds this folder (`data`), empty or not.
    pub fn has_folder(&self, name: &str) -> bool {
        self.folders.contains(name) || self.entries.keys().any(|p| p.starts_with(&format!("{name}/")))
    }

    pub fn size(&self, name: &str) -> Option<u64> {
        self.entries.get(name).map(|e| e.size)
    }

    /// An entry's bytes; `Err` says why there are none.
    pub fn read(&self, name: &str) -> Result<Vec<u8>, String> {
        self.read_with(name)
    }

    /// A reader for one thread.
    pub fn reader(&self) -> Reader<'_> {
        Reader { files: self }
    }

    fn read_with(&self, name: &str) -> Result<Vec<u8>, String> {
        let entry = self.entries.get(name).ok_or_else(|| "no such entry".to_string())?;
        let cap = self.limits.max_entry_size;
        let mut bytes = Vec::with_capacity(entry.size.min(1 << 20) as usize);
        let read = match (&entry.at, &self.source) {
            (Location::Disk(path), _) => std::fs::File::open(path)
                .and_then(|f| f.take(cap + 1).read_to_end(&mut bytes))
                .map_err(|e| e.to_string()),
            (Location::Zip(record), Source::Zip(file)) => {
                crate::format::zip_layout::read_entry(file, record, cap).map(|read| {
                    bytes = read;
                    bytes.len()
                })
            }
            (Location::Tar(offset), Source::Tar(path)) => std::fs::File::open(path)
                .and_then(|mut f| {
                    f.seek(SeekFrom::Start(*offset))?;
                    f.take(entry.size.min(cap + 1)).read_to_end(&mut bytes)
                })
                .map_err(|e| e.to_string()),
            _ => Err("inconsistent package index".to_string()),
        };
        read?;
        if bytes.len() as u64 > cap {
            return Err(format!("over the per-entry size limit of {cap} bytes"));
        }
        Ok(bytes)
    }
}

/// Reads entries of a package for one thread.
pub struct Reader<'f> {
    files: &'f Files,
}

impl Reader<'_> {
    pub fn read(&mut self, name: &str) -> Result<Vec<u8>, String> {
        self.files.read_with(name)
    }
}

struct Collector<'a> {
    shown: String,
    limits: Limits,
    raw: Vec<(String, Entry)>,
    folders: Vec<String>,
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
        match self.limits.check_entry(size, compressed, self.total) {
            Ok(()) => true,
            Err(e) => {
                let code = match e {
                    LimitExceeded::Size(_) => "NA-SAFE-005",
                    LimitExceeded::Ratio(_) => "NA-SAFE-006",
                };
                self.finding(code, name, format!("{e}; not read"));
                false
            }
        }
    }

    fn keep(&mut self, name: String, size: u64, at: Location) {
        self.total += size;
        self.raw.push((name, Entry { size, at }));
    }

    fn too_many(&mut self, count: usize) -> bool {
        if count > self.limits.max_entries {
            let cap = self.limits.max_entries;
            self.finding("NA-SAFE-007", "", format!("more than {cap} entries, the entry-count limit; reading stopped"));
            return true;
        }
        false
    }

    /// Duplicate and colliding names; strips the single top-level folder of archives.
    fn finish(mut self, archive: bool, name: String, source: Source) -> Files {
        let limits = self.limits;
        let mut files = BTreeMap::new();
        let mut folded: HashMap<String, String> = HashMap::new();
        // A set: an archive of many top-level folders must not make this quadratic.
        let mut tops: BTreeSet<String> = BTreeSet::new();
        for (path, entry) in std::mem::take(&mut self.raw) {
            if files.contains_key(&path) {
                self.finding("NA-SAFE-003", &path, "the same name twice; only the first is used".to_string());
                continue;
            }
            let key: String = super::nfc(&path).to_lowercase();
            if let Some(other) = folded.get(&key) {
                let other = other.clone();
                self.finding(
                    "NA-SAFE-004",
                    &path,
                    format!("differs from `{other}` only in case or Unicode normalisation"),
                );
            }
            folded.insert(key, path.clone());
            if let Some(top) = path.split('/').next()
                && !tops.contains(top)
            {
                tops.insert(top.to_string());
            }
            files.insert(path, entry);
        }
        let folders: Vec<String> = std::mem::take(&mut self.folders);
        if !archive {
            let folders = folders.into_iter().collect();
            return Files { entries: files, source, path: None, limits, name, folders, _inflated: None };
        }
        if tops.len() != 1 {
            let message = format!("an archive must hold exactly one top-level folder; it holds {}", tops.len());
            self.finding("NA-SAFE-008", "", message);
        }
        let top = tops.first().cloned().unwrap_or_default();
        let prefix = format!("{top}/");
        let entries =
            files.into_iter().filter_map(|(p, e)| p.strip_prefix(&prefix).map(|p| (p.to_string(), e))).collect();
        let folders =
            folders.iter().filter_map(|f| f.trim_end_matches('/').strip_prefix(&prefix).map(str::to_string)).collect();
        let path = match &source {
            Source::Tar(p) => Some(p.clone()),
            _ => None,
        };
        Files { entries, source, path, limits, name: top, folders, _inflated: None }
    }
}

/// Reads the package at `path`: a folder, a `.zip`, a `.tar` or a `.tar.gz`.
pub fn read(path: &Path, limits: Limits, findings: &mut Vec<Finding>) -> Result<Files, ValidateError> {
    let shown = path.display().to_string();
    let io = |source| ValidateError::Io { path: shown.clone(), source };
    let mut c = Collector { shown: shown.clone(), limits, raw: Vec::new(), folders: Vec::new(), total: 0, findings };
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
            if entry.file_type().is_dir() {
                c.folders.push(relative);
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
            c.keep(relative, size, Location::Disk(entry.path().to_path_buf()));
        }
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        return Ok(c.finish(false, name, Source::Folder));
    }
    let file = std::fs::File::open(path).map_err(io)?;
    match path.extension().map(|e| e.to_ascii_lowercase()) {
        Some(e) if e == "zip" => {
            // Local headers against the central directory first, and every entry's data start
            // from its local header: what is read then is what every reader extracts.
            let layout = crate::format::zip_layout::check(&file).map_err(io)?;
            if layout.entries.is_empty()
                && let Some(problem) = layout.problems.first()
            {
                return Err(ValidateError::Unreadable {
                    path: shown.clone(),
                    message: format!("not a zip archive: {}", problem.message),
                });
            }
            for problem in layout.problems {
                c.finding(problem.code, problem.entry.as_deref().unwrap_or(""), problem.message);
            }
            if c.too_many(layout.entries.len()) {
                return Ok(c.finish(true, String::new(), Source::Folder));
            }
            for entry in layout.entries {
                // The central directory's record, and the data start its local header gave: no
                // more is read from the file here.
                let name = entry.shown();
                if !c.safe_name(&name) {
                    continue;
                }
                if entry.is_dir() {
                    c.folders.push(name.trim_end_matches('/').to_string());
                    continue;
                }
                if entry.is_symlink() {
                    c.finding("NA-SAFE-002", &name, "a symbolic link; never followed".to_string());
                    continue;
                }
                if !c.within_caps(&name, entry.size, Some(entry.compressed_size)) {
                    continue;
                }
                let size = entry.size;
                c.keep(name, size, Location::Zip(Box::new(entry)));
            }
            let mut files = c.finish(true, String::new(), Source::Zip(file));
            files.path = Some(path.to_path_buf());
            Ok(files)
        }
        Some(e) if e == "tar" => Ok(read_tar(c, file, path.to_path_buf(), &shown)?),
        _ if is_tar_gz(path) => {
            let compressed = file.metadata().map_err(io)?.len();
            let (inflated, complete) = inflate(file, compressed, &mut c).map_err(io)?;
            let tar = inflated.reopen().map_err(io)?;
            let tar_path = inflated.path().to_path_buf();
            let mut files = read_tar(c, tar, tar_path, &shown)?;
            if !complete {
                files.entries.clear();
            }
            files._inflated = Some(inflated.into_temp_path());
            Ok(files)
        }
        _ => Err(ValidateError::Unreadable { path: shown, message: "not a folder, .zip, .tar or .tar.gz".to_string() }),
    }
}

/// Whether the file is named as a gzip-compressed tar (`.tar.gz`, `.tgz`).
pub fn is_tar_gz(path: &Path) -> bool {
    let name = path.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    name.ends_with(".tar.gz") || name.ends_with(".tgz")
}

/// Inflates a `.tar.gz` into a temporary file, stopping at the total-size cap (`NA-SAFE-005`) or
/// the compression-ratio cap (`NA-SAFE-006`, a gzip bomb); `false` when it stopped.
fn inflate(
    file: std::fs::File,
    compressed: u64,
    c: &mut Collector<'_>,
) -> std::io::Result<(tempfile::NamedTempFile, bool)> {
    let mut out = tempfile::NamedTempFile::new()?;
    let mut gz = flate2::read::MultiGzDecoder::new(std::io::BufReader::new(file));
    let mut buffer = vec![0u8; 1 << 16];
    let mut total: u64 = 0;
    // Tar headers and padding come on top of the entries' bytes.
    let cap = c.limits.max_total_size.saturating_add(1 << 20);
    loop {
        let n = match gz.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) => {
                c.finding("NA-SAFE-009", "", format!("the gzip stream cannot be read further: {e}"));
                break;
            }
        };
        total += n as u64;
        if total > cap {
            c.finding(
                "NA-SAFE-005",
                "",
                format!("inflates to over {cap} bytes, the total-size limit (and 1 MiB for tar headers); not read"),
            );
            return Ok((out, false));
        }
        if total > 1 << 20 && total / compressed.max(1) > c.limits.max_ratio {
            let message = format!(
                "expands over {}-fold, the compression-ratio limit (a gzip bomb?); not read",
                c.limits.max_ratio
            );
            c.finding("NA-SAFE-006", "", message);
            return Ok((out, false));
        }
        std::io::Write::write_all(&mut out, &buffer[..n])?;
    }
    std::io::Write::flush(&mut out)?;
    Ok((out, true))
}

/// The entries of a tar, indexed by the offset of their data.
fn read_tar(mut c: Collector<'_>, file: std::fs::File, tar_path: PathBuf, shown: &str) -> Result<Files, ValidateError> {
    let mut archive = tar::Archive::new(std::io::BufReader::new(file));
    let entries = archive.entries().map_err(|e| ValidateError::Unreadable {
        path: shown.to_string(),
        message: format!("not a tar archive: {e}"),
    })?;
    let mut count = 0;
    for entry in entries {
        let entry = match entry {
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
        if !c.safe_name(&name) {
            continue;
        }
        if kind.is_dir() {
            c.folders.push(name.trim_end_matches('/').to_string());
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
        c.keep(name, entry.size(), Location::Tar(entry.raw_file_position()));
    }
    Ok(c.finish(true, String::new(), Source::Tar(tar_path)))
}
