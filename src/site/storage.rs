//! A site of an OCFL storage root ([`crate::ocfl`]): one page per object, showing its latest
//! version, and the article's versions: when each was made, its message, and what changed in the
//! text a reader sees.
//!
//! Objects are read where they are, no bag is written: each is found by walking the root
//! ([`crate::ocfl::root::find_objects`], whatever layout placed it), its inventory checked against
//! its sidecar, and its head version's files (an article's folder in a bag, by the same names)
//! read through [`crate::ocfl::history::read_file`], which checks each against the inventory's
//! digest; newsarc's SHA-256s, kept in the inventory's fixity block, are the manifest the files
//! are checked against as a bag's would be. A damaged object is left out with a warning.
//!
//! The text compared between versions is the one a reader sees: the headline, and the body's
//! paragraphs, of each version's NewsML-G2 rendition (`article.xml`, read by
//! [`crate::read::newsml`]), not the source's markup. A version whose source is the one before
//! (only the renditions changed) is "rendered again", with no comparison. Page names are the
//! metadata record's `id` (as `ocfl export` names its article folders), else one made from the
//! object id; a name taken twice gets a suffix, in the order of the object ids.

use super::{ArticleFiles, Collection, Entry, InputKind, Put, Read, SiteError, is_safe_name, read_article};
use crate::ocfl::OcflError;
use crate::ocfl::add::SOURCE_FILE;
use crate::ocfl::history::{self, Changes};
use crate::ocfl::inventory::VersionNum;
use crate::ocfl::root::{Object, find_objects, is_storage_root, read_object};
use rayon::prelude::*;

use std::collections::{HashMap, HashSet};
use std::path::Path;

/// Whether `path` is an OCFL storage root (rather than a bag).
pub fn is_root(path: &Path) -> bool {
    path.is_dir() && is_storage_root(path)
}

/// One version of an article, as its page lists it.
#[derive(Debug, Clone)]
pub(crate) struct VersionShown {
    pub version: String,
    /// When it was made (RFC 3339), as the inventory states.
    pub created: String,
    pub message: Option<String>,
    pub change: Change,
}

/// What a version changed from the one before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Change {
    /// The first version.
    First,
    /// The text changed: the headline (inline HTML) and the body's paragraphs that did (HTML),
    /// as [`super::diff`] marks them; `None` for the one that did not.
    Text { headline: Option<String>, body: Option<String> },
    /// The source changed, and the text a reader sees did not (its metadata, say).
    SameText,
    /// The source is the one before; only the renditions are new.
    RenderedAgain,
    /// The texts could not be compared (why).
    NotCompared(String),
}

/// A storage root, its objects read and checked.
pub(crate) struct StorageRoot {
    name: String,
    objects: Vec<Object>,
    warnings: Vec<String>,
}

impl StorageRoot {
    pub fn open(path: &Path) -> Result<StorageRoot, SiteError> {
        let mut objects = Vec::new();
        let mut warnings = Vec::new();
        for found in find_objects(path)? {
            match read_object(&found, None) {
                Ok(object) => objects.push(object),
                Err(e) => warnings.push(format!("{e}; the object is left out")),
            }
        }
        objects.sort_by(|a, b| a.inventory.id.cmp(&b.inventory.id));
        let name = std::fs::canonicalize(path)
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| path.display().to_string());
        Ok(StorageRoot { name, objects, warnings })
    }

    /// Each object read on all cores, its head version's files written into the site as read.
    pub fn read(&self, pool: &rayon::ThreadPool, put: &Put<'_>) -> Result<Read, SiteError> {
        let wanted: Vec<String> = pool.install(|| self.objects.par_iter().map(page_name).collect());
        let mut taken = HashSet::new();
        let names: Vec<String> = wanted
            .into_iter()
            .map(|wanted| {
                let mut name = wanted.clone();
                let mut extra = 0;
                while !taken.insert(name.clone()) {
                    extra += 1;
                    name = format!("{wanted}-{extra}");
                }
                name
            })
            .collect();
        let entries: Vec<Entry> = pool.install(|| {
            self.objects
                .par_iter()
                .zip(&names)
                .map(|(object, name)| {
                    let (entry, offered) = entry_of(object, name);
                    for (file, bytes) in &offered {
                        put(&format!("articles/{name}/{file}"), bytes)?;
                    }
                    Ok(entry)
                })
                .collect::<Result<_, SiteError>>()
        })?;
        let mut warnings = self.warnings.clone();
        for (entry, object) in entries.iter().zip(&self.objects) {
            for problem in &entry.problems {
                warnings.push(format!("{} {}: {problem}", object.inventory.id, object.inventory.head));
            }
        }
        let skipped = self.warnings.len();
        let collection = Collection { name: self.name.clone(), info: Vec::new(), kind: InputKind::StorageRoot };
        Ok(Read { collection, entries, warnings, skipped })
    }
}

/// The page name the object asks for: its metadata record's `id`, else one from its object id.
fn page_name(object: &Object) -> String {
    let head = object.inventory.head;
    history::read_file(object, head, "metadata.json")
        .ok()
        .flatten()
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .and_then(|record| record.get("id").and_then(|id| id.as_str()).map(str::to_string))
        .filter(|id| crate::model::is_safe_id(id) && is_safe_name(id) && id.len() <= 100)
        .unwrap_or_else(|| crate::ocfl::folder_for_id(&object.inventory.id))
}

/// The object's head version as an article, with its versions, and the files to offer.
fn entry_of(object: &Object, name: &str) -> (Entry, super::Offered) {
    let inventory = &object.inventory;
    let head = inventory.head;
    let state = inventory.head_version().map(|v| v.files()).unwrap_or_default();
    let mut files: Vec<String> = state.keys().map(|p| p.to_string()).collect();
    files.sort_by_key(|path| (path != SOURCE_FILE, path.clone()));
    // newsarc's SHA-256 of each content file, kept in the fixity block.
    let sha256: HashMap<&str, &str> = inventory
        .fixity
        .get("sha256")
        .map(|block| block.iter().flat_map(|(d, paths)| paths.iter().map(move |p| (p.as_str(), d.as_str()))).collect())
        .unwrap_or_default();
    let stated = |file: &str| {
        let content = state.get(file).and_then(|digest| inventory.content_path(digest))?;
        sha256.get(content).map(|d| d.to_string())
    };
    let mut read = |file: &str| match history::read_file(object, head, file) {
        Ok(Some(bytes)) => Ok(bytes),
        Ok(None) => Err(format!("not in {head}")),
        Err(e) => Err(e.to_string()),
    };
    let mut input = ArticleFiles { read: &mut read, stated: &stated, manifest: "the object's fixity block" };
    let (mut entry, offered) = read_article(name, &files, &mut input);
    if entry.uri.is_none() {
        entry.uri = Some(inventory.id.clone());
    }
    entry.versions = versions(object, &mut entry.problems);
    (entry, offered)
}

/// The object's versions, oldest first, each with what it changed in the text.
fn versions(object: &Object, problems: &mut Vec<String>) -> Vec<VersionShown> {
    let numbers: Vec<VersionNum> = object.inventory.versions.keys().copied().collect();
    // Texts by the digest of the rendition they come from: a version rendered again is read once.
    let mut texts: HashMap<String, Result<Text, String>> = HashMap::new();
    let mut text_of = |version: VersionNum| -> Result<Text, String> {
        let digest = object.inventory.versions[&version].files().get("article.xml").map(|d| d.to_string());
        let Some(digest) = digest else { return Err(format!("{version} holds no article.xml")) };
        texts.entry(digest).or_insert_with(|| reader_text(object, version)).clone()
    };
    let mut shown = Vec::new();
    for (i, entry) in history::log(object).into_iter().enumerate() {
        let change = if i == 0 {
            Change::First
        } else if !touches_source(&entry.changes) {
            Change::RenderedAgain
        } else {
            match (text_of(numbers[i - 1]), text_of(numbers[i])) {
                (Ok(old), Ok(new)) => {
                    let headline = super::diff::inline_diff_html(&old.headline, &new.headline);
                    let body = super::diff::word_diff_html(&old.body, &new.body);
                    if headline.is_none() && body.is_none() {
                        Change::SameText
                    } else {
                        Change::Text { headline, body }
                    }
                }
                (Err(why), _) | (_, Err(why)) => {
                    problems.push(format!("{} not compared with {}: {why}", numbers[i], numbers[i - 1]));
                    Change::NotCompared(why)
                }
            }
        };
        shown.push(VersionShown { version: entry.version, created: entry.created, message: entry.message, change });
    }
    shown
}

fn touches_source(changes: &Changes) -> bool {
    [&changes.added, &changes.removed, &changes.changed].iter().any(|paths| paths.iter().any(|p| p == SOURCE_FILE))
}

/// The text a reader sees of one version.
#[derive(Debug, Clone)]
struct Text {
    headline: String,
    /// The body's paragraphs, one a line.
    body: String,
}

/// The text a reader sees of one version: its headline and its body's paragraphs, spaces within
/// each made single.
fn reader_text(object: &Object, version: VersionNum) -> Result<Text, String> {
    let bytes = history::read_file(object, version, "article.xml")
        .map_err(|e: OcflError| e.to_string())?
        .ok_or_else(|| format!("{version} holds no article.xml"))?;
    let article = crate::read::newsml::read(&bytes, &crate::read::ReadOptions::default())
        .map_err(|e| format!("{version}/article.xml: {e}"))?;
    let single = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut lines = Vec::new();
    crate::model::text::for_each_text(&article.body, &mut |text| {
        let line = single(text);
        if !line.is_empty() {
            lines.push(line);
        }
    });
    Ok(Text { headline: article.headline.as_deref().map(single).unwrap_or_default(), body: lines.join("\n") })
}
