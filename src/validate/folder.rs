//! A folder that is neither a bag nor an OCFL storage root or object: a folder of files, such as
//! `newsarc convert story.txt -o out/` writes. It is validated as its files are: the renditions
//! of one article (`story.newsml.xml`, `story.epub`, `story.ninjs.json`, `story.metadata.json`,
//! named by each writer's suffix) are checked together as an article folder in a bag is (each
//! one, their agreement, the record's checksums), and every other file by what it is; the
//! caller checks those, this module only lists them.
//!
//! A folder that holds any part of a bag (`data/`, `bag-info.txt`, a manifest or tag manifest)
//! but no `bagit.txt` is a damaged bag, not a folder of files, and is validated as one.

use super::Finding;
use super::article::{Loose, check_loose_files};
use crate::write::WRITERS;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What a folder is, by what lies at its top.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FolderKind {
    /// A bag, or what is left of one: validated as a bag.
    Bag,
    /// An OCFL storage root or object (a `0=ocfl_...` declaration).
    Ocfl,
    /// Neither: a folder of files.
    Files,
}

/// What the folder at `path` is; `Bag` when its top cannot be listed (the bag checks then say
/// why).
pub fn kind(path: &Path) -> FolderKind {
    let Ok(entries) = std::fs::read_dir(path) else { return FolderKind::Bag };
    let names: Vec<String> = entries.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    if names.iter().any(|n| n.starts_with("0=ocfl_")) {
        return FolderKind::Ocfl;
    }
    let bag_part = |n: &str| {
        matches!(n, "bagit.txt" | "data" | "bag-info.txt" | "package-info.txt" | "fetch.txt")
            || ((n.starts_with("manifest-") || n.starts_with("tagmanifest-")) && n.ends_with(".txt"))
    };
    if names.iter().any(|n| bag_part(n)) { FolderKind::Bag } else { FolderKind::Files }
}

/// The files of a folder of files: the articles whose renditions lie in it, and the rest.
#[derive(Debug, Default)]
pub struct Listing {
    /// One entry per article (folder and stem), its renditions by name in a package.
    pub articles: Vec<(Loose, BTreeMap<String, PathBuf>)>,
    /// Every other file, in path order.
    pub others: Vec<PathBuf>,
    /// Symbolic links, never followed.
    pub links: Vec<PathBuf>,
}

/// Lists the folder at `path`, shown as `shown`: every file below it, in path order, hidden ones
/// (`.name`) and symbolic links apart.
pub fn list(path: &Path, shown: &str) -> std::io::Result<Listing> {
    let mut listing = Listing::default();
    let mut articles: BTreeMap<(String, String), (Loose, BTreeMap<String, PathBuf>)> = BTreeMap::new();
    let walk = walkdir::WalkDir::new(path).follow_links(false).sort_by_file_name().into_iter();
    for entry in walk.filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.')) {
        let entry = entry.map_err(|e| e.into_io_error().unwrap_or_else(|| std::io::Error::other("walk failed")))?;
        if entry.path_is_symlink() {
            listing.links.push(entry.path().to_path_buf());
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        // The longest suffix first: `.ninjs.json` before a shorter one that also matches.
        let writer = WRITERS
            .iter()
            .filter(|w| name.len() > w.suffix.len() && name.ends_with(w.suffix))
            .max_by_key(|w| w.suffix.len());
        let Some(writer) = writer else {
            listing.others.push(entry.path().to_path_buf());
            continue;
        };
        let stem = &name[..name.len() - writer.suffix.len()];
        let relative = entry.path().strip_prefix(path).unwrap_or(entry.path());
        let folder = relative.parent().map(|p| p.to_string_lossy().replace('\\', "/")).unwrap_or_default();
        let joined = |tail: &str| {
            if folder.is_empty() { format!("{shown}/{tail}") } else { format!("{shown}/{folder}/{tail}") }
        };
        let (loose, files) = articles.entry((folder.clone(), stem.to_string())).or_insert_with(|| {
            (Loose { article: joined(stem), ..Loose::default() }, BTreeMap::new())
        });
        loose.shown.insert(writer.package_name.to_string(), joined(&name));
        loose.by_file_name.insert(name.clone(), writer.package_name.to_string());
        files.insert(writer.package_name.to_string(), entry.path().to_path_buf());
    }
    listing.articles = articles.into_values().collect();
    Ok(listing)
}

/// Checks one article of a listing: its files read, then checked together.
pub fn check_article(loose: &Loose, files: &BTreeMap<String, PathBuf>) -> Vec<Finding> {
    let mut own = BTreeMap::new();
    let mut findings = Vec::new();
    for (name, path) in files {
        match std::fs::read(path) {
            Ok(bytes) => {
                own.insert(name.clone(), bytes);
            }
            Err(e) => findings.push(Finding::unreadable_at(loose.shown[name].clone(), crate::output::io_reason(&e))),
        }
    }
    findings.extend(check_loose_files(&own, loose));
    findings
}
