//! The output policy: where newsarc may write, so that no user's file is ever lost.
//!
//! One set of rules, used by `convert`, `convert --book` and `pack`:
//!
//! - An output that is an input, or resolves to one (through symbolic links, `..` or a hard link),
//!   is refused, even with `force`.
//! - An existing output is replaced only with `force`, and only if it is what newsarc writes
//!   there: a file, or a folder that is a BagIt bag (`bagit.txt` at its top). Never a folder
//!   holding anything else, never a folder that contains an input or lies inside an input folder.
//! - An output whose bytes would be identical is no replacement: it is left as it is and the run
//!   succeeds, so running the same command twice changes nothing.
//! - Everything is written beside its destination under a temporary name and renamed into place
//!   when complete. Temporary names carry the process id (`.newsarc-partial-<pid>-...`), and
//!   [`partial`] keeps a list of them so that an interrupted run removes them (see
//!   [`partial::remove_all`]) and a later run writing to the same folder removes those of a
//!   process that died ([`partial::sweep`]).
//!
//! [`Guard`] holds the inputs of a run; [`Guard::check`] applies the rules to one output path.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Why an output was refused: one line naming the output and, where there is one, the input.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error(
        "refusing to write {output}: it is the input {input} (an output never replaces an input, even with --force)"
    )]
    IsInput { output: String, input: String },
    #[error("refusing to replace {output}: the folder holds the input {input}")]
    ContainsInput { output: String, input: String },
    #[error("refusing to replace {output}: it lies inside the input folder {input}")]
    InsideInput { output: String, input: String },
    #[error(
        "refusing to replace {output}: it is a folder that is not a BagIt bag (no bagit.txt at its top); newsarc replaces only what it writes"
    )]
    NotOurs { output: String },
    #[error("refusing to replace {output}: it is a folder, and a file would be written there")]
    FolderForFile { output: String },
    #[error("refusing to replace {output}: it is a file, and a folder bag would be written there")]
    FileForFolder { output: String },
    #[error(
        "refusing to replace {output}: it is a folder that is not a site newsarc wrote (no {SITE_MARKER} at its top); newsarc replaces only what it writes"
    )]
    NotOurSite { output: String },
    #[error("refusing to write {output}: it is a file, and a site is a folder")]
    FileForSite { output: String },
    #[error("refusing to write {output}: it lies inside {input} (newsarc never writes into its input)")]
    IntoInput { output: String, input: String },
    #[error("{output} exists and differs from what would be written; pass --force to replace it")]
    Exists { output: String },
    #[error("cannot write {path}: {}", io_reason(.cause))]
    Io {
        path: String,
        #[source]
        cause: std::io::Error,
    },
}

impl OutputError {
    /// The error with its output named (an `Exists` made before the name was at hand).
    pub fn named(self, output: &str) -> OutputError {
        match self {
            OutputError::Exists { output: o } if o.is_empty() => OutputError::Exists { output: output.to_string() },
            other => other,
        }
    }
}

/// What is at an output path before writing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Existing {
    /// Nothing: the output is new.
    Nothing,
    /// Something newsarc may replace (with force) or find identical.
    Replaceable,
    /// Something inside an input folder: left as it is when identical, never replaced.
    InsideInput { output: String, input: String },
}

impl Existing {
    /// Whether something is there.
    pub fn exists(&self) -> bool {
        *self != Existing::Nothing
    }

    /// Whether what is there (and differs from what would be written) may be replaced.
    pub fn may_replace(&self, force: bool) -> Result<(), OutputError> {
        match self {
            Existing::Nothing => Ok(()),
            Existing::Replaceable if force => Ok(()),
            Existing::Replaceable => Err(OutputError::Exists { output: String::new() }),
            Existing::InsideInput { output, input } => {
                Err(OutputError::InsideInput { output: output.clone(), input: input.clone() })
            }
        }
    }
}

/// What kind of output is about to be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    File,
    /// A folder bag (known by its `bagit.txt`).
    Bag,
    /// A static site `newsarc site` writes (known by its [`SITE_MARKER`]): never written inside
    /// an input folder, not even when new.
    Site,
}

/// The file at the top of every site `newsarc site` writes: a folder without it is not newsarc's
/// to replace.
pub const SITE_MARKER: &str = ".newsarc-site";

/// How a write ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// The file was new.
    Created,
    /// An existing file was replaced (with force).
    Replaced,
    /// The file held these bytes already; nothing was written.
    Unchanged,
}

/// The inputs of one run, resolved, so outputs can be checked against them. Looked up by path
/// and by file identity, so checking an output costs the same for ten inputs or a million.
#[derive(Debug, Default, Clone)]
pub struct Guard {
    /// Input files and folders, resolved, with each one's path as given (for messages); the
    /// first given wins.
    inputs: HashMap<PathBuf, String>,
    /// The same, in the order given.
    given: Vec<(String, PathBuf)>,
    /// The input folders among them, resolved: what lies inside one is never replaced.
    folders: Vec<(String, PathBuf)>,
    /// Input files' identities (device, inode): catches hard links.
    #[cfg(unix)]
    ids: HashMap<(u64, u64), String>,
    /// Output folders already resolved in this run: the many files written into one folder
    /// resolve it once, not each (a resolution reads every link on the path).
    resolved_folders: std::sync::Arc<std::sync::Mutex<HashMap<PathBuf, PathBuf>>>,
}

impl Guard {
    pub fn new() -> Guard {
        Guard::default()
    }

    /// [`resolve`], with the folder resolved once per run: the same path unless the last
    /// component is a link (then resolved whole) or not a plain name.
    fn resolve(&self, out: &Path) -> std::io::Result<PathBuf> {
        // A plain last name (not `x/.` or `x/`, which name x itself) that is not a link.
        let name = match out.file_name() {
            Some(name)
                if out.as_os_str().as_encoded_bytes().ends_with(name.as_encoded_bytes())
                    && out.symlink_metadata().map(|m| !m.file_type().is_symlink()).unwrap_or(true) =>
            {
                name
            }
            _ => return resolve(out),
        };
        let folder = parent_of(out);
        let cached = self.resolved_folders.lock().ok().and_then(|known| known.get(folder).cloned());
        let resolved = match cached {
            Some(resolved) => resolved,
            None => {
                let resolved = resolve(folder)?;
                if let Ok(mut known) = self.resolved_folders.lock() {
                    known.insert(folder.to_path_buf(), resolved.clone());
                }
                resolved
            }
        };
        Ok(resolved.join(name))
    }

    /// Adds an input file or folder (one that does not exist is ignored: it cannot be lost).
    pub fn add(&mut self, path: &Path) {
        let Ok(resolved) = path.canonicalize() else { return };
        let shown = path.display().to_string();
        if let Ok(meta) = std::fs::metadata(&resolved) {
            #[cfg(unix)]
            if meta.is_file() {
                use std::os::unix::fs::MetadataExt;
                self.ids.entry((meta.dev(), meta.ino())).or_insert_with(|| shown.clone());
            }
            if meta.is_dir() && !self.inputs.contains_key(&resolved) {
                self.folders.push((shown.clone(), resolved.clone()));
            }
        }
        if !self.inputs.contains_key(&resolved) {
            self.given.push((shown.clone(), resolved.clone()));
            self.inputs.insert(resolved, shown);
        }
    }

    /// Applies the policy to `out` before anything is written: refuses what may never be
    /// written, and what exists but is not newsarc's to replace. What exists and may be replaced
    /// is not refused here: it may turn out identical (see [`Existing::may_replace`]).
    pub fn check(&self, out: &Path, kind: Kind) -> Result<Existing, OutputError> {
        let shown = out.display().to_string();
        let resolved = self.resolve(out).map_err(|cause| OutputError::Io { path: shown.clone(), cause })?;
        if let Some(input) = self.inputs.get(&resolved) {
            return Err(OutputError::IsInput { output: shown, input: input.clone() });
        }
        #[cfg(unix)]
        if let Ok(meta) = std::fs::metadata(&resolved) {
            use std::os::unix::fs::MetadataExt;
            if let Some(input) = self.ids.get(&(meta.dev(), meta.ino())) {
                return Err(OutputError::IsInput { output: shown, input: input.clone() });
            }
        }
        // A site is many files written from an input: none of them lands inside an input folder.
        if kind == Kind::Site
            && let Some((input, _)) = self.folders.iter().find(|(_, p)| resolved.starts_with(p))
        {
            return Err(OutputError::IntoInput { output: shown, input: input.clone() });
        }
        let meta = match std::fs::symlink_metadata(&resolved) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Existing::Nothing),
            Err(cause) => return Err(OutputError::Io { path: shown, cause }),
        };
        if meta.is_dir() {
            if kind == Kind::File {
                return Err(OutputError::FolderForFile { output: shown });
            }
            // Once per folder output (a bag, a site), so a walk over every input is no cost.
            if let Some((input, _)) = self.given.iter().find(|(_, p)| p.starts_with(&resolved)) {
                return Err(OutputError::ContainsInput { output: shown, input: input.clone() });
            }
            match kind {
                Kind::Bag if !resolved.join("bagit.txt").is_file() => {
                    return Err(OutputError::NotOurs { output: shown });
                }
                Kind::Site if !resolved.join(SITE_MARKER).is_file() => {
                    return Err(OutputError::NotOurSite { output: shown });
                }
                _ => {}
            }
        } else if kind == Kind::Bag {
            return Err(OutputError::FileForFolder { output: shown });
        } else if kind == Kind::Site {
            return Err(OutputError::FileForSite { output: shown });
        }
        // Whatever lies inside an input folder (a file, a bag written there before) may be found
        // identical, but is never replaced: it may be what the user keeps beside the inputs.
        if let Some((input, _)) = self.folders.iter().find(|(_, p)| resolved.starts_with(p)) {
            return Ok(Existing::InsideInput { output: shown, input: input.clone() });
        }
        Ok(Existing::Replaceable)
    }

    /// Writes `bytes` to `path` under the policy: refused if [`check`](Guard::check) refuses,
    /// left alone if it holds these bytes already, replaced only with `force`; written through a
    /// temporary file and a rename, never half.
    pub fn write_file(&self, path: &Path, bytes: &[u8], force: bool) -> Result<Written, OutputError> {
        let plan = self.plan(path, bytes, force)?;
        if plan != Written::Unchanged {
            write_atomically(path, bytes)
                .map_err(|cause| OutputError::Io { path: path.display().to_string(), cause })?;
        }
        Ok(plan)
    }

    /// The policy for one file about to be written: refused, or how the write will end
    /// (`Unchanged`: it holds these bytes already, nothing is to be written).
    fn plan(&self, path: &Path, bytes: &[u8], force: bool) -> Result<Written, OutputError> {
        let existing = self.check(path, Kind::File)?;
        if !existing.exists() {
            return Ok(Written::Created);
        }
        if same_bytes(path, bytes).unwrap_or(false) {
            return Ok(Written::Unchanged);
        }
        existing.may_replace(force).map_err(|e| e.named(&path.display().to_string()))?;
        Ok(Written::Replaced)
    }

    /// Writes many files under the policy, each as [`write_file`](Guard::write_file) writes one,
    /// with its own result, in order. They are made durable together: every file is written,
    /// then one flush of the file system (Linux `syncfs`; elsewhere each file is flushed), then
    /// each is renamed into place. A thousand small renditions cost one flush, not a thousand,
    /// and none is ever in place half-written. Runs on the caller's rayon pool.
    pub fn write_files(&self, files: &[(PathBuf, &[u8])], force: bool) -> Vec<Result<Written, OutputError>> {
        use rayon::prelude::*;
        enum Step {
            Done(Result<Written, OutputError>),
            Staged(partial::PartialFile, Written),
        }
        let staged: Vec<Step> = files
            .par_iter()
            .map(|(path, bytes)| {
                let written = match self.plan(path, bytes, force) {
                    Ok(Written::Unchanged) => return Step::Done(Ok(Written::Unchanged)),
                    Ok(written) => written,
                    Err(e) => return Step::Done(Err(e)),
                };
                match write_unsynced(path, bytes) {
                    Ok(tmp) => Step::Staged(tmp, written),
                    Err(cause) => Step::Done(Err(OutputError::Io { path: path.display().to_string(), cause })),
                }
            })
            .collect();
        // One flush for all staged files (syncfs flushes their whole file system; the folders
        // of one run's outputs are on one, but each distinct one is flushed).
        let mut flushed: Vec<(PathBuf, std::io::Result<()>)> = Vec::new();
        let mut results = Vec::with_capacity(files.len());
        for ((path, _), step) in files.iter().zip(staged) {
            let (tmp, written) = match step {
                Step::Done(result) => {
                    results.push(result);
                    continue;
                }
                Step::Staged(tmp, written) => (tmp, written),
            };
            let dir = parent_of(path).to_path_buf();
            if !flushed.iter().any(|(d, _)| *d == dir) {
                let result = flush_file_system(tmp.as_file());
                flushed.push((dir.clone(), result));
            }
            let flush = flushed.iter().find(|(d, _)| *d == dir).map(|(_, r)| r);
            let result = match flush {
                Some(Err(e)) => Err(std::io::Error::new(e.kind(), e.to_string())),
                _ if cfg!(target_os = "linux") => Ok(()),
                _ => tmp.as_file().sync_all(),
            };
            let result = result.and_then(|()| tmp.persist(path));
            results.push(
                result.map(|()| written).map_err(|cause| OutputError::Io { path: path.display().to_string(), cause }),
            );
        }
        results
    }
}

/// Makes everything written under `path` durable: on Linux one `syncfs` of its file system;
/// elsewhere each file under it is flushed.
pub fn sync_tree(path: &Path) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        let dir = std::fs::File::open(path)?;
        flush_file_system(&dir)
    }
    #[cfg(not(target_os = "linux"))]
    {
        for entry in walkdir::WalkDir::new(path).follow_links(false) {
            let entry = entry.map_err(std::io::Error::other)?;
            if entry.file_type().is_file() {
                std::fs::File::open(entry.path())?.sync_all()?;
            }
        }
        Ok(())
    }
}

/// Flushes what is written to the file system `file` is on (Linux: `syncfs`, one call for every
/// file written; elsewhere nothing here: each file is flushed by itself).
fn flush_file_system(file: &std::fs::File) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    return rustix::fs::syncfs(file).map_err(std::io::Error::from);
    #[cfg(not(target_os = "linux"))]
    {
        let _ = file;
        Ok(())
    }
}

/// `bytes` in a new partial file beside `path`, readable, not yet flushed or in place.
fn write_unsynced(path: &Path, bytes: &[u8]) -> std::io::Result<partial::PartialFile> {
    let tmp = partial::file_in(parent_of(path))?;
    let mut file = tmp.as_file();
    file.write_all(bytes)?;
    make_readable(file)?;
    Ok(tmp)
}

/// An I/O error as a user reads it: "no such file or folder", not "No such file or directory
/// (os error 2)".
pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        std::io::ErrorKind::StorageFull => "no space left on the device".to_string(),
        std::io::ErrorKind::ReadOnlyFilesystem => "the file system is read-only".to_string(),
        _ => {
            let text = e.to_string();
            match text.find(" (os error") {
                Some(i) => text[..i].to_string(),
                None => text,
            }
        }
    }
}

/// Refuses `out` when it is one of `inputs`, under another path or as a hard link: for a
/// caller with too many inputs to [`Guard::add`] each (pack walks folders of a million files),
/// this keeps nothing and costs one `stat` per input, and only when `out` exists at all.
pub fn check_not_among(out: &Path, inputs: impl IntoIterator<Item = PathBuf>) -> Result<(), OutputError> {
    let Ok(meta) = std::fs::metadata(out) else { return Ok(()) };
    if !meta.is_file() {
        return Ok(()); // a folder output is checked against the inputs given, by path
    }
    let refuse =
        |input: &Path| OutputError::IsInput { output: out.display().to_string(), input: input.display().to_string() };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let id = (meta.dev(), meta.ino());
        for input in inputs {
            if std::fs::metadata(&input).is_ok_and(|m| (m.dev(), m.ino()) == id) {
                return Err(refuse(&input));
            }
        }
    }
    #[cfg(not(unix))]
    {
        let resolved = resolve(out).ok();
        for input in inputs {
            if input.canonicalize().ok() == resolved {
                return Err(refuse(&input));
            }
        }
    }
    Ok(())
}

/// `path` with links and `..` resolved; for a path that does not exist yet, its deepest existing
/// folder resolved and the rest appended.
pub fn resolve(path: &Path) -> std::io::Result<PathBuf> {
    if let Ok(resolved) = path.canonicalize() {
        return Ok(resolved);
    }
    let absolute = std::path::absolute(path)?;
    let mut rest = Vec::new();
    let mut base = absolute.as_path();
    loop {
        match base.canonicalize() {
            Ok(resolved) => {
                let mut out = resolved;
                for part in rest.iter().rev() {
                    out.push(part);
                }
                return Ok(out);
            }
            Err(_) => match (base.parent(), base.file_name()) {
                (Some(parent), Some(name)) => {
                    rest.push(name.to_os_string());
                    base = parent;
                }
                _ => return Ok(absolute),
            },
        }
    }
}

/// Whether the file at `path` holds exactly `bytes`.
fn same_bytes(path: &Path, bytes: &[u8]) -> std::io::Result<bool> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() || meta.len() != bytes.len() as u64 {
        return Ok(false);
    }
    let mut existing = Vec::with_capacity(bytes.len());
    std::fs::File::open(path)?.read_to_end(&mut existing)?;
    Ok(existing == bytes)
}

/// Whether two files hold the same bytes (compared in blocks, never held whole).
pub fn same_file_bytes(a: &Path, b: &Path) -> std::io::Result<bool> {
    let (ma, mb) = (std::fs::metadata(a)?, std::fs::metadata(b)?);
    if !ma.is_file() || !mb.is_file() || ma.len() != mb.len() {
        return Ok(false);
    }
    let (mut fa, mut fb) = (std::io::BufReader::new(std::fs::File::open(a)?), std::fs::File::open(b)?);
    let (mut ba, mut bb) = (vec![0u8; 64 * 1024], vec![0u8; 64 * 1024]);
    loop {
        let n = fa.read(&mut ba)?;
        if n == 0 {
            return Ok(true);
        }
        fb.read_exact(&mut bb[..n])?;
        if ba[..n] != bb[..n] {
            return Ok(false);
        }
    }
}

/// Whether two folders hold the same files with the same bytes (and nothing else).
pub fn same_tree(a: &Path, b: &Path) -> std::io::Result<bool> {
    let list = |root: &Path| -> std::io::Result<Vec<(PathBuf, bool)>> {
        let mut out = Vec::new();
        for entry in walkdir::WalkDir::new(root).follow_links(false).sort_by_file_name() {
            let entry = entry.map_err(std::io::Error::other)?;
            let relative = entry.path().strip_prefix(root).unwrap_or(entry.path()).to_path_buf();
            out.push((relative, entry.file_type().is_dir()));
        }
        Ok(out)
    };
    let (la, lb) = (list(a)?, list(b)?);
    if la != lb {
        return Ok(false);
    }
    for (relative, is_dir) in la {
        if !is_dir && !same_file_bytes(&a.join(&relative), &b.join(&relative))? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Gives a file the mode of an ordinary new file (0644): temporary files are made private (0600).
pub fn make_readable(file: &std::fs::File) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    #[cfg(not(unix))]
    let _ = file;
    Ok(())
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename. It does not
/// apply the policy: callers go through [`Guard::write_file`].
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = parent_of(path);
    let tmp = partial::file_in(dir)?;
    let result = (|| {
        let mut file = tmp.as_file();
        file.write_all(bytes)?;
        make_readable(file)?;
        file.sync_all()
    })();
    match result {
        Ok(()) => tmp.persist(path),
        Err(e) => Err(e),
    }
}

/// The folder a path is in (`.` for a bare name).
pub fn parent_of(path: &Path) -> &Path {
    path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

pub mod partial {
    //! Partial outputs: temporary files and folders beside a destination, named
    //! `.newsarc-partial-<pid>-<random>`, listed here while they exist so that an interrupt can
    //! remove them ([`remove_all`]), and recognised by a later run ([`sweep`]) when the process
    //! that wrote them is gone.

    use std::path::{Path, PathBuf};
    use std::sync::Mutex;

    /// Partial outputs of this process that exist now.
    static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

    /// The name prefix of this process's partial outputs: its id and its machine's name, so that
    /// another machine writing to a shared folder (a cluster's nodes, containers) is never taken
    /// for a process that is gone.
    pub fn prefix() -> String {
        format!(".newsarc-partial-{}@{}-", std::process::id(), host())
    }

    /// This machine's name as partial names carry it: letters, digits, `.` and `-` only.
    fn host() -> String {
        static HOST: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        HOST.get_or_init(|| {
            let name = std::fs::read_to_string("/proc/sys/kernel/hostname")
                .ok()
                .or_else(|| std::env::var("HOSTNAME").ok())
                .unwrap_or_default();
            let name: String =
                name.trim().chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-')).collect();
            if name.is_empty() { "localhost".to_string() } else { name }
        })
        .clone()
    }

    /// Runs `f` (creating files or folders inside a partial output) so that an interrupt comes
    /// before it or after it: after [`remove_all`], nothing is created again.
    pub fn while_live<T>(f: impl FnOnce() -> T) -> T {
        let _live = lock();
        f()
    }

    fn lock() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
        LIVE.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A temporary file beside a destination; removed when dropped unless persisted.
    pub struct PartialFile {
        file: Option<tempfile::NamedTempFile>,
    }

    /// A new partial file in `dir`, listed before anything can interrupt its creation.
    pub fn file_in(dir: &Path) -> std::io::Result<PartialFile> {
        let mut live = lock();
        let file = tempfile::Builder::new().prefix(&prefix()).tempfile_in(dir)?;
        live.push(file.path().to_path_buf());
        Ok(PartialFile { file: Some(file) })
    }

    impl PartialFile {
        pub fn path(&self) -> &Path {
            self.as_named().path()
        }

        pub fn as_file(&self) -> &std::fs::File {
            self.as_named().as_file()
        }

        fn as_named(&self) -> &tempfile::NamedTempFile {
            self.file.as_ref().expect("present until persisted or dropped")
        }

        /// Renames the file to `path` (replacing what is there). Atomic with respect to
        /// [`remove_all`]: after an interrupt no partial file is renamed into place.
        pub fn persist(mut self, path: &Path) -> std::io::Result<()> {
            let file = self.file.take().expect("present until persisted or dropped");
            let mut live = lock();
            let temp = file.path().to_path_buf();
            let result = file.persist(path).map(|_| ()).map_err(|e| e.error);
            // Compared as bytes, from the most recent: a batch may hold many partial files.
            if let Some(i) = live.iter().rposition(|p| p.as_os_str() == temp.as_os_str()) {
                live.swap_remove(i);
            }
            result
        }
    }

    impl Drop for PartialFile {
        fn drop(&mut self) {
            if let Some(file) = self.file.take() {
                let mut live = lock();
                let temp = file.path().to_path_buf();
                drop(file);
                // Compared as bytes, from the most recent: a batch may hold many partial files.
                if let Some(i) = live.iter().rposition(|p| p.as_os_str() == temp.as_os_str()) {
                    live.swap_remove(i);
                }
            }
        }
    }

    /// A temporary folder beside a destination; removed when dropped unless renamed.
    pub struct PartialDir {
        dir: Option<tempfile::TempDir>,
    }

    /// A new partial folder in `parent`, listed before anything can interrupt its creation.
    pub fn dir_in(parent: &Path) -> std::io::Result<PartialDir> {
        let mut live = lock();
        let dir = tempfile::Builder::new().prefix(&prefix()).tempdir_in(parent)?;
        live.push(dir.path().to_path_buf());
        Ok(PartialDir { dir: Some(dir) })
    }

    impl PartialDir {
        pub fn path(&self) -> &Path {
            self.dir.as_ref().expect("present until dropped").path()
        }

        /// Runs `step` (the renames that put what was built here into place), then removes what
        /// is left of this folder. Atomic with respect to [`remove_all`]: an interrupt comes
        /// before the step or after it, never in its middle. A step that fails and says the
        /// folder now holds something that must not be lost (`keep`) leaves it in place, named in
        /// the error.
        pub fn finish(mut self, step: impl FnOnce(&Path) -> Result<(), (std::io::Error, bool)>) -> std::io::Result<()> {
            let dir = self.dir.take().expect("present until dropped");
            let path = dir.path().to_path_buf();
            let mut live = lock();
            let result = match step(&path) {
                Ok(()) => dir.close(),
                Err((e, false)) => {
                    let _ = dir.close();
                    Err(e)
                }
                Err((e, true)) => {
                    // Renamed out of the partial names, so no later run sweeps it away.
                    let kept = dir.keep();
                    let name =
                        kept.file_name().map(|n| n.to_string_lossy().replace(".newsarc-partial-", ".newsarc-kept-"));
                    let kept = match name.map(|n| kept.with_file_name(n)) {
                        Some(to) if std::fs::rename(&kept, &to).is_ok() => to,
                        _ => kept,
                    };
                    Err(std::io::Error::new(e.kind(), format!("{e}; what was there is kept in {}", kept.display())))
                }
            };
            live.retain(|p| *p != path);
            result
        }
    }

    impl Drop for PartialDir {
        fn drop(&mut self) {
            if let Some(dir) = self.dir.take() {
                let mut live = lock();
                let path = dir.path().to_path_buf();
                drop(dir);
                live.retain(|p| *p != path);
            }
        }
    }

    /// Removes every partial output of this process and keeps any from being renamed into
    /// place afterwards (the list stays locked): for a signal handler, just before the process
    /// exits. Gives the paths removed.
    pub fn remove_all() -> Vec<PathBuf> {
        let live = lock();
        let paths: Vec<PathBuf> = live.clone();
        for path in &paths {
            let _ = if path.is_dir() { std::fs::remove_dir_all(path) } else { std::fs::remove_file(path) };
        }
        std::mem::forget(live);
        paths
    }

    /// A partial output found in a folder.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Found {
        pub path: PathBuf,
        pub pid: u32,
        /// Removed: its process is gone. Otherwise another newsarc is writing it now.
        pub removed: bool,
    }

    /// Looks in `dir` for partial outputs of other newsarc processes: those of this machine whose
    /// process is gone are removed; the others (running, or of another machine) are left to their
    /// writer. Gives what it found.
    pub fn sweep(dir: &Path) -> Vec<Found> {
        let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
        let own = std::process::id();
        let here = format!("{}-", host());
        let mut found = Vec::new();
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some((pid, rest)) = name
                .to_str()
                .and_then(|n| n.strip_prefix(".newsarc-partial-"))
                .and_then(|rest| rest.split_once('@'))
                .and_then(|(pid, rest)| Some((pid.parse::<u32>().ok()?, rest)))
            else {
                continue;
            };
            if pid == own {
                continue;
            }
            let path = entry.path();
            let removed = rest.starts_with(&here)
                && !alive(pid)
                && match entry.file_type() {
                    Ok(t) if t.is_dir() => std::fs::remove_dir_all(&path).is_ok(),
                    Ok(_) => std::fs::remove_file(&path).is_ok(),
                    Err(_) => false,
                };
            found.push(Found { path, pid, removed });
        }
        found.sort_by(|a, b| a.path.cmp(&b.path));
        found
    }

    /// Whether a process with this id exists.
    fn alive(pid: u32) -> bool {
        #[cfg(target_os = "linux")]
        {
            Path::new("/proc").join(pid.to_string()).exists()
        }
        #[cfg(not(target_os = "linux"))]
        {
            // Without a cheap, dependency-free check, assume it is alive: never remove another
            // process's work.
            let _ = pid;
            true
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_output_that_resolves_to_an_input_is_refused_even_with_force() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("story.txt");
        std::fs::write(&input, "x").unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let mut guard = Guard::new();
        guard.add(&input);
        let dotted = dir.path().join("sub/../story.txt");
        assert!(matches!(guard.check(&dotted, Kind::File), Err(OutputError::IsInput { .. })));
        #[cfg(unix)]
        {
            let link = dir.path().join("link.txt");
            std::os::unix::fs::symlink(&input, &link).unwrap();
            assert!(matches!(guard.check(&link, Kind::File), Err(OutputError::IsInput { .. })));
            let hard = dir.path().join("hard.txt");
            std::fs::hard_link(&input, &hard).unwrap();
            assert!(matches!(guard.check(&hard, Kind::File), Err(OutputError::IsInput { .. })));
            // Through a linked folder, resolved once and remembered for the next file in it.
            let folder = dir.path().join("folder-link");
            std::os::unix::fs::symlink(dir.path(), &folder).unwrap();
            assert!(matches!(guard.check(&folder.join("other.txt"), Kind::File), Ok(Existing::Nothing)));
            assert!(matches!(guard.check(&folder.join("story.txt"), Kind::File), Err(OutputError::IsInput { .. })));
            assert!(matches!(guard.check(&folder.join("./link.txt"), Kind::File), Err(OutputError::IsInput { .. })));
        }
        assert_eq!(std::fs::read(&input).unwrap(), b"x");
    }

    #[test]
    fn only_bags_are_replaced_and_never_one_holding_an_input() {
        let dir = tempfile::tempdir().unwrap();
        let notes = dir.path().join("notes");
        std::fs::create_dir(&notes).unwrap();
        let guard = Guard::new();
        assert!(matches!(guard.check(&notes, Kind::Bag), Err(OutputError::NotOurs { .. })));
        std::fs::write(notes.join("bagit.txt"), "BagIt-Version: 1.0\n").unwrap();
        assert_eq!(guard.check(&notes, Kind::Bag).unwrap(), Existing::Replaceable);
        std::fs::write(notes.join("a.txt"), "x").unwrap();
        let mut guard = Guard::new();
        guard.add(&notes.join("a.txt"));
        assert!(matches!(guard.check(&notes, Kind::Bag), Err(OutputError::ContainsInput { .. })));
        assert!(matches!(guard.check(&notes, Kind::File), Err(OutputError::FolderForFile { .. })));
    }

    #[test]
    fn identical_bytes_are_no_replacement_and_different_ones_need_force() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("a.json");
        let guard = Guard::new();
        assert_eq!(guard.write_file(&out, b"one", false).unwrap(), Written::Created);
        assert_eq!(guard.write_file(&out, b"one", false).unwrap(), Written::Unchanged);
        assert!(matches!(guard.write_file(&out, b"two", false), Err(OutputError::Exists { .. })));
        assert_eq!(std::fs::read(&out).unwrap(), b"one");
        assert_eq!(guard.write_file(&out, b"two", true).unwrap(), Written::Replaced);
        assert_eq!(std::fs::read(&out).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["a.json"], "no temporary file is left");
    }

    #[test]
    fn partials_of_a_dead_process_are_swept_and_a_live_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        // Process ids above the kernel's maximum (4194304) never exist.
        let host = partial::prefix().split_once('@').unwrap().1.to_string();
        let dead = dir.path().join(format!(".newsarc-partial-4999999@{host}abc"));
        std::fs::create_dir_all(dead.join("bag/data")).unwrap();
        let parent = std::os::unix::process::parent_id();
        let live = dir.path().join(format!(".newsarc-partial-{parent}@{host}def"));
        std::fs::write(&live, "x").unwrap();
        // Another machine's, on a shared folder: its process id means nothing here.
        let elsewhere = dir.path().join(".newsarc-partial-4999998@node-17-ghi");
        std::fs::write(&elsewhere, "x").unwrap();
        let found = partial::sweep(dir.path());
        assert_eq!(found.len(), 3);
        assert!(found.iter().any(|f| f.pid == 4999998 && !f.removed) && elsewhere.exists());
        assert!(found.iter().any(|f| f.pid == 4999999 && f.removed));
        assert!(found.iter().any(|f| f.pid == parent && !f.removed));
        assert!(!dead.exists() && live.exists());
    }
}
