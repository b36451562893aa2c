//! What to pack: files named, folders walked, or a list of paths, in one stable order.
//!
//! Folders are walked recursively. Article files are those whose extension is one of the chosen
//! ones (`txt` by default, case-insensitive); sidecar files (`*.meta.json`) are used by the
//! articles they sit beside, never packed as articles; hidden files and folders (`.DS_Store`,
//! `.git`) are skipped and reported, like files of other kinds. Files named explicitly are always
//! articles. Folders that are BagIt bags (`bagit.txt` at their top: what newsarc writes, or
//! another tool) and the destination itself are never walked into; they are reported as skipped.
//! An input that is missing or cannot be read is reported as bad, and the rest is gathered. The
//! result is sorted by path, bytewise, so the same tree always gives the same order (`1000_a.txt`
//! before `999_a.txt`).

use std::path::{Path, PathBuf};

/// A file left out, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

/// An article file: where it is, and its name as a package records it (relative to the folder
/// named, starting with that folder's name; a file named alone is its file name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    pub path: PathBuf,
    pub name: String,
    /// Its path below the folder named, `/`-separated (`desk-1/a.txt` for `corpus/desk-1/a.txt`
    /// when `corpus` was named); a file named alone: its file name. What the article's URI
    /// derives from when nothing names it (see `crate::read::settle_uri`), so the same corpus
    /// walked from anywhere gives the same URIs.
    pub source_path: String,
}

/// The article files to pack, in order, and what was left out.
#[derive(Debug, Default)]
pub struct Inputs {
    pub files: Vec<InputFile>,
    pub skipped: Vec<Skipped>,
    /// Inputs that are missing or cannot be read (a file, a folder, or a part of a folder).
    pub bad: Vec<Skipped>,
}

/// Gathers article files from `paths` (files or folders). `extensions` are lower-case, no dot.
/// `destination`, when it lies among the inputs, is skipped.
pub fn gather(paths: &[PathBuf], extensions: &[String], destination: Option<&Path>) -> Inputs {
    let mut inputs = Inputs::default();
    let destination = destination.and_then(|d| crate::output::resolve(d).ok());
    for path in paths {
        let meta = match std::fs::metadata(path) {
            Ok(meta) => meta,
            Err(e) => {
                inputs.bad.push(Skipped { path: path.display().to_string(), reason: crate::output::io_reason(&e) });
                continue;
            }
        };
        if meta.is_dir() {
            walk(path, extensions, destination.as_deref(), &mut inputs);
        } else {
            let name =
                path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
            inputs.files.push(InputFile { path: path.clone(), source_path: name.clone(), name });
        }
    }
    inputs.files.sort_by(|a, b| a.path.as_os_str().as_encoded_bytes().cmp(b.path.as_os_str().as_encoded_bytes()));
    inputs.files.dedup_by(|a, b| a.path == b.path);
    inputs.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    inputs
}

fn walk(root: &Path, extensions: &[String], destination: Option<&Path>, inputs: &mut Inputs) {
    // The destination's path as the walk would meet it, if it lies inside this folder.
    let destination = destination.and_then(|d| Some(root.join(d.strip_prefix(root.canonicalize().ok()?).ok()?)));
    let mut walker = walkdir::WalkDir::new(root).follow_links(false).sort_by_file_name().into_iter();
    let root_name = root.canonicalize().ok().and_then(|r| r.file_name().map(|n| n.to_string_lossy().into_owned()));
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let path = e.path().map_or_else(|| root.display().to_string(), |p| p.display().to_string());
                let reason = match e.io_error() {
                    Some(io) => crate::output::io_reason(io),
                    None => "a loop of symbolic links".to_string(),
                };
                inputs.bad.push(Skipped { path, reason });
                continue;
            }
        };
        if entry.file_type().is_dir() && entry.path().join("bagit.txt").is_file() {
            let what = if entry.depth() == 0 { "a BagIt bag given as input" } else { "a BagIt bag" };
            inputs.skipped.push(Skipped {
                path: entry.path().display().to_string(),
                reason: format!("{what}: packages are not packed as articles"),
            });
            walker.skip_current_dir();
            continue;
        }
        if entry.depth() == 0 {
            continue;
        }
        if destination.as_deref() == Some(entry.path()) {
            inputs.skipped.push(Skipped {
                path: entry.path().display().to_string(),
                reason: "the destination of this run".to_string(),
            });
            if entry.file_type().is_dir() {
                walker.skip_current_dir();
            }
            continue;
        }
        let name = entry.file_name().to_string_lossy();
        let shown = entry.path().display().to_string();
        if name.starts_with('.') {
            let what = if entry.file_type().is_dir() { "hidden folder" } else { "hidden file" };
            inputs.skipped.push(Skipped { path: shown, reason: what.to_string() });
            if entry.file_type().is_dir() {
                walker.skip_current_dir();
            }
            continue;
        }
        if entry.file_type().is_dir() {
            continue;
        }
        if entry.file_type().is_symlink() {
            inputs.skipped.push(Skipped { path: shown, reason: "symbolic link (not followed)".to_string() });
            continue;
        }
        if name.to_ascii_lowercase().ends_with(".meta.json") {
            continue; // a sidecar: used by its article
        }
        let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
        if extensions.contains(&extension) {
            let below = entry.path().strip_prefix(root).unwrap_or(entry.path());
            let relative = below.to_string_lossy().into_owned();
            let source_path: Vec<String> =
                below.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
            let name = match &root_name {
                Some(root_name) => format!("{root_name}/{relative}"),
                None => relative,
            };
            inputs.files.push(InputFile { path: entry.into_path(), name, source_path: source_path.join("/") });
        } else {
            inputs.skipped.push(Skipped { path: shown, reason: format!("not an article file (.{extension})") });
        }
    }
}

/// Paths from a list: one per line, or separated by NUL bytes (`-0`, for names with newlines).
pub fn parse_list(bytes: &[u8], nul_separated: bool) -> Vec<PathBuf> {
    let separator = if nul_separated { b'\0' } else { b'\n' };
    bytes
        .split(|&b| b == separator)
        .map(|line| if nul_separated { line } else { line.strip_suffix(b"\r").unwrap_or(line) })
        .filter(|line| !line.is_empty())
        .map(|line| PathBuf::from(String::from_utf8_lossy(line).into_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_paths_are_below_the_folder_named() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path().join("corpus");
        std::fs::create_dir_all(corpus.join("desk-1/inner")).unwrap();
        for f in ["desk-1/a.txt", "desk-1/inner/b.txt", "c.txt"] {
            std::fs::write(corpus.join(f), "# A\n\nText.\n").unwrap();
        }
        let txt = ["txt".to_string()];
        let paths = |given: &[PathBuf]| -> Vec<(String, String)> {
            gather(given, &txt, None).files.into_iter().map(|f| (f.name, f.source_path)).collect()
        };
        assert_eq!(
            paths(std::slice::from_ref(&corpus)),
            [
                ("corpus/c.txt".to_string(), "c.txt".to_string()),
                ("corpus/desk-1/a.txt".to_string(), "desk-1/a.txt".to_string()),
                ("corpus/desk-1/inner/b.txt".to_string(), "desk-1/inner/b.txt".to_string()),
            ]
        );
        // The same folder named from below gives paths below it; a file named alone, its name.
        assert_eq!(paths(&[corpus.join("desk-1/inner")]), [("inner/b.txt".to_string(), "b.txt".to_string())]);
        assert_eq!(paths(&[corpus.join("desk-1/a.txt")]), [("a.txt".to_string(), "a.txt".to_string())]);
    }

    #[test]
    fn lists_split_on_lines_or_nul() {
        assert_eq!(parse_list(b"a.txt\r\nb c.txt\n\n", false), [PathBuf::from("a.txt"), PathBuf::from("b c.txt")]);
        assert_eq!(parse_list(b"a\nb.txt\0c.txt\0", true), [PathBuf::from("a\nb.txt"), PathBuf::from("c.txt")]);
    }
}
