//! A bag or an OCFL storage root as a static website: a catalogue a person can browse offline and
//! search.
//!
//! [`build`] reads a newsarc bag (folder, zip, tar or tar.gz) through
//! [`crate::validate::package`], so an unsafe archive is read as safely as `validate` reads it,
//! or an OCFL storage root (a folder with `0=ocfl_1.1` or `0=ocfl_1.0` at its top) through
//! [`storage`], and writes a folder that any static host serves:
//!
//! - `index.html`: the collection (bag-info.txt; for a root, how many articles have corrections and
//!   how many versions there are), a search form and the browse lists (by date, by publisher, by
//!   language, by place, with counts);
//! - `browse/<facet>/<value>.html`: the articles of one date, publisher, language or place;
//! - `articles/<id>.html`: one page per article (headline, byline, dateline, date as known,
//!   publisher, source link, the body through [`crate::write::html`], and its provenance: the
//!   source file and each rendition with a download link and its SHA-256, the reader's warnings),
//!   and `articles/<id>/` with the input's files of that article; from a root, the page shows the
//!   latest version and lists every version, newest first, with when it was made, its message and
//!   what it changed in the text ([`diff`]: words removed and added), or that it only rendered the
//!   same source again;
//! - `pagefind/`: the full-text search index ([`search`]), chunked so a search downloads little;
//! - `site.css`, `site.js` and the marker file [`MARKER`].
//!
//! Each article is read back from its files ([`read_article`], over [`ArticleFiles`]: a bag's
//! article folder, or an object's version): the model from its NewsML-G2 rendition
//! ([`crate::read::newsml`]), provenance from its metadata record, each file checked against the
//! input's own manifest (the bag's, or the object's inventory). A root's objects are read where
//! they are; no bag is made of them. The pages are made by [`pages`]. The output is
//! deterministic: the same input gives the same bytes.
//!
//! The folder is written under a partial name beside the destination and renamed into place when
//! complete ([`crate::output::partial`]). An existing folder is replaced only if it is a site
//! newsarc wrote (it holds [`MARKER`]) and only with `force`, or left alone when identical. The
//! input is only read: the site may not be the input, hold it, or lie inside it.

mod diff;
mod pages;
mod search;
mod storage;

use crate::model::{Article, Dateline, Direction, PartialDate};
use crate::output::{Existing, Guard, Kind, OutputError, partial};
use crate::validate::package::{self, Files, Limits};
use rayon::prelude::*;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// The file at the top of every site newsarc writes: what makes a folder replaceable.
pub const MARKER: &str = crate::output::SITE_MARKER;

/// What the marker file holds.
const MARKER_TEXT: &str = "A static site written by `newsarc site`; `newsarc site --force` may replace this folder.\n";

/// How a site is built.
#[derive(Debug, Clone, Default)]
pub struct SiteOptions {
    /// Replace an existing site newsarc wrote, when it differs.
    pub force: bool,
    /// Worker threads for reading and rendering articles (0: all cores).
    pub jobs: usize,
}

/// How writing the site ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SiteOutcome {
    Created,
    Replaced,
    /// The destination held this very site; nothing was written.
    Unchanged,
}

/// What a build did.
#[derive(Debug, Clone)]
pub struct SiteReport {
    pub outcome: SiteOutcome,
    /// Article pages written.
    pub articles: usize,
    /// Files written, in all.
    pub files: usize,
    /// Bytes written, in all.
    pub bytes: u64,
    /// Problems met that did not stop the build, one line each (file: what).
    pub warnings: Vec<String>,
    /// Articles that could not be given a page, or were given one without their body (of the
    /// bag's index; of the root's objects, those damaged).
    pub skipped: usize,
    /// Where the time went: reading the input and copying its files, writing the pages, building
    /// the search index, putting the site in place.
    pub timings: Vec<(&'static str, std::time::Duration)>,
}

/// Why no site was written.
#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    #[error(transparent)]
    Output(#[from] OutputError),
    #[error("{0}")]
    Package(#[from] crate::validate::ValidateError),
    #[error("{path}: not a newsarc package (nor an OCFL storage root): {reason}")]
    NotNewsarc { path: String, reason: String },
    #[error(transparent)]
    Ocfl(#[from] crate::ocfl::OcflError),
    #[error("cannot write {path}: {}", crate::output::io_reason(.cause))]
    Io {
        path: String,
        #[source]
        cause: std::io::Error,
    },
    #[error("cannot build the search index: {0}")]
    Search(String),
}

/// An article's files offered for download: name and bytes.
pub(crate) type Offered = Vec<(String, Vec<u8>)>;

/// One article as the site shows it.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub id: String,
    pub uri: Option<String>,
    pub headline: String,
    pub byline: Option<String>,
    pub dateline: Option<Dateline>,
    pub date: Option<PartialDate>,
    pub language: String,
    pub direction: Direction,
    pub publisher: Option<String>,
    pub source_url: Option<String>,
    /// The body as XHTML, from the NewsML-G2 rendition; `None` when it could not be read.
    pub body: Option<String>,
    /// The body as plain text, for the search index.
    pub text: String,
    pub source: Option<Download>,
    pub renditions: Vec<Download>,
    pub warnings: Vec<RecordWarning>,
    /// What the site could not do for this article (shown on its page).
    pub problems: Vec<String>,
    /// From a storage root: the article's versions, oldest first (the page shows the last); empty
    /// for an article of a bag.
    pub versions: Vec<storage::VersionShown>,
}

/// A file of the article offered for download.
#[derive(Debug, Clone)]
pub(crate) struct Download {
    /// The file name in the bag's article folder (and in the site's).
    pub file: String,
    /// For the source: its original name.
    pub original: Option<String>,
    pub media_type: Option<String>,
    pub size: u64,
    /// SHA-256 as the metadata record states it.
    pub sha256: String,
    /// Whether the file's bytes have that SHA-256; `None` when the file is not in the bag.
    pub verified: Option<bool>,
}

/// The metadata record (metadata.json), read leniently: only what the site shows.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Record {
    uri: Option<String>,
    headline: Option<String>,
    byline: Option<String>,
    dateline: Option<Dateline>,
    date: Option<String>,
    language: Option<String>,
    publisher: Option<String>,
    source_url: Option<String>,
    source: Option<RecordFile>,
    renditions: Vec<RecordFile>,
    warnings: Vec<RecordWarning>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RecordFile {
    name: Option<String>,
    file: Option<String>,
    media_type: Option<String>,
    size: u64,
    sha256: String,
}

/// A warning the reader raised when the article was packed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RecordWarning {
    pub code: String,
    pub message: String,
    pub line: Option<u32>,
    pub column: Option<u32>,
}

/// The package index (data/index.json), as far as the site needs it.
#[derive(Debug, Deserialize)]
struct Index {
    articles: Vec<IndexArticle>,
}

#[derive(Debug, Deserialize)]
struct IndexArticle {
    id: String,
    #[serde(default)]
    files: Vec<String>,
}

/// The collection: the bag's name and its bag-info.txt fields in order, or a storage root's
/// folder name.
#[derive(Debug, Clone, Default)]
pub(crate) struct Collection {
    pub name: String,
    pub info: Vec<(String, String)>,
    pub kind: InputKind,
}

/// What a site was made of.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum InputKind {
    #[default]
    Bag,
    /// An OCFL storage root: each article as its latest version holds it.
    StorageRoot,
}

impl Collection {
    /// What the input is called in a page's text: `the bag`, `the storage root`.
    pub fn noun(&self) -> &'static str {
        match self.kind {
            InputKind::Bag => "the bag",
            InputKind::StorageRoot => "the storage root",
        }
    }

    pub fn field(&self, key: &str) -> Option<&str> {
        self.info.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v.as_str())
    }
}

/// Builds the site of `input`, a newsarc bag or an OCFL storage root, into the folder `out`.
pub fn build(input: &Path, out: &Path, options: &SiteOptions) -> Result<SiteReport, SiteError> {
    let shown = out.display().to_string();
    let io = |path: &Path| {
        let path = path.display().to_string();
        move |cause| SiteError::Io { path, cause }
    };
    let mut guard = Guard::new();
    guard.add(input);
    let existing = match guard.check(out, Kind::Site)? {
        Existing::Nothing => false,
        // Inside an input folder a site is refused by the check; what remains is a site of ours.
        Existing::Replaceable | Existing::InsideInput { .. } => true,
    };
    // The input is opened (and refused, if it must be) before anything is written.
    let opened = if storage::is_root(input) {
        Opened::Root(storage::StorageRoot::open(input)?)
    } else {
        Opened::Bag(BagInput::open(input)?)
    };

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.jobs)
        .build()
        .map_err(|e| SiteError::Io { path: shown.clone(), cause: std::io::Error::other(e) })?;

    // Built in a partial folder beside the destination, moved into place at the end.
    let parent = crate::output::parent_of(out);
    std::fs::create_dir_all(parent).map_err(io(out))?;
    partial::sweep(parent);
    let staging = partial::dir_in(parent).map_err(io(out))?;
    let built = staging.path().join("site");
    let written = Written::default();
    let put = |relative: &str, bytes: &[u8]| -> Result<(), SiteError> {
        let path = built.join(relative);
        // Created while no interrupt can remove the partial folder, and never again after one did.
        let mut file = partial::while_live(|| {
            if !staging.path().is_dir() {
                return Err(std::io::Error::new(std::io::ErrorKind::NotFound, "the partial site was removed"));
            }
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            std::fs::File::create(&path)
        })
        .map_err(io(&path))?;
        std::io::Write::write_all(&mut file, bytes).map_err(io(&path))?;
        written.files.fetch_add(1, Ordering::Relaxed);
        written.bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        Ok(())
    };

    let mut timings = Vec::new();
    let mut clock = std::time::Instant::now();
    let mut lap = |what: &'static str| {
        timings.push((what, clock.elapsed()));
        clock = std::time::Instant::now();
    };
    let Read { collection, entries, warnings, skipped } = match &opened {
        Opened::Bag(bag) => bag.read(&pool, &put)?,
        Opened::Root(root) => root.read(&pool, &put)?,
    };
    lap("read the articles and copy their files");
    let site = pages::Site::new(&collection, &entries);
    put(MARKER, MARKER_TEXT.as_bytes())?;
    put("site.css", pages::CSS.as_bytes())?;
    put("site.js", pages::JS.as_bytes())?;
    put("index.html", site.home().as_bytes())?;
    for (relative, html) in site.browse_pages() {
        put(&relative, html.as_bytes())?;
    }
    pool.install(|| {
        entries
            .par_iter()
            .try_for_each(|entry| put(&format!("articles/{}.html", entry.id), site.article(entry).as_bytes()))
    })?;
    lap("write the pages");
    for file in search::index(&entries)? {
        put(&format!("pagefind/{}", file.path), &file.bytes)?;
    }
    lap("build the search index");

    let outcome = commit(staging, &built, out, &guard, existing, options.force)?;
    lap("put the site in place");
    Ok(SiteReport {
        outcome,
        articles: entries.len(),
        files: written.files.into_inner(),
        bytes: written.bytes.into_inner(),
        warnings,
        skipped: skipped + entries.iter().filter(|e| e.body.is_none()).count(),
        timings,
    })
}

/// The input, opened.
enum Opened {
    Bag(BagInput),
    Root(storage::StorageRoot),
}

/// Writes one file of the site: its path in the site and its bytes.
pub(crate) type Put<'a> = dyn Fn(&str, &[u8]) -> Result<(), SiteError> + Sync + 'a;

/// What was read of the input: the collection, its articles (their files already written into the
/// site), the problems met, and how many articles could not be given a page at all.
pub(crate) struct Read {
    pub collection: Collection,
    pub entries: Vec<Entry>,
    pub warnings: Vec<String>,
    pub skipped: usize,
}

/// A bag, read as `validate` reads it, with its package index.
struct BagInput {
    files: Files,
    index: Index,
    warnings: Vec<String>,
}

impl BagInput {
    fn open(bag: &Path) -> Result<BagInput, SiteError> {
        let mut findings = Vec::new();
        let files = package::read(bag, Limits::package(), &mut findings)?;
        // Unsafe entries are skipped with a warning; a zip that readers read differently holds
        // no one set of articles to publish.
        if let Some(problem) = findings.iter().find(|f| f.code.starts_with("NA-ZIP-")) {
            return Err(SiteError::NotNewsarc {
                path: bag.display().to_string(),
                reason: format!("an archive that readers read differently: {problem}"),
            });
        }
        let warnings = findings.iter().map(|f| f.to_string()).collect();
        let index = read_index(bag, &files)?;
        Ok(BagInput { files, index, warnings })
    }

    /// Each article read back on all cores, its files copied as they are read (never all held).
    fn read(&self, pool: &rayon::ThreadPool, put: &Put<'_>) -> Result<Read, SiteError> {
        let files = &self.files;
        let mut warnings = self.warnings.clone();
        let collection = collection(files);
        let mut seen = std::collections::BTreeSet::new();
        let mut usable = Vec::new();
        for article in &self.index.articles {
            if !is_safe_name(&article.id) {
                warnings
                    .push(format!("data/index.json: article id {:?} is not a safe file name; left out", article.id));
            } else if !seen.insert(article.id.clone()) {
                warnings
                    .push(format!("data/index.json: article id {} is listed twice; the first is shown", article.id));
            } else {
                usable.push(article);
            }
        }
        let skipped = self.index.articles.len() - usable.len();
        let manifest = manifest(files);
        // In runs of articles, each with one reader: opening a zip's directory is not free.
        let runs: Vec<Vec<Entry>> = pool.install(|| {
            usable
                .par_chunks(256)
                .map(|run| {
                    let mut reader = files.reader();
                    run.iter()
                        .map(|article| {
                            let folder = format!("data/articles/{}", article.id);
                            let stated = |name: &str| manifest.get(&format!("{folder}/{name}")).cloned();
                            let mut source = ArticleFiles {
                                read: &mut |name: &str| reader.read(&format!("{folder}/{name}")),
                                stated: &stated,
                                manifest: "the bag's manifest",
                            };
                            let (entry, offered) = read_article(&article.id, &article.files, &mut source);
                            for (name, bytes) in &offered {
                                put(&format!("articles/{}/{name}", entry.id), bytes)?;
                            }
                            Ok(entry)
                        })
                        .collect::<Result<Vec<_>, SiteError>>()
                })
                .collect::<Result<_, SiteError>>()
        })?;
        let entries: Vec<Entry> = runs.into_iter().flatten().collect();
        for entry in &entries {
            for problem in &entry.problems {
                warnings.push(format!("data/articles/{}: {problem}", entry.id));
            }
        }
        Ok(Read { collection, entries, warnings, skipped })
    }
}

/// Where an article's files come from: its folder in a bag, or a version of an OCFL object.
pub(crate) struct ArticleFiles<'a> {
    /// The bytes of a file of the article, by its name in the article's folder.
    pub read: &'a mut dyn FnMut(&str) -> Result<Vec<u8>, String>,
    /// The SHA-256 the input's own manifest states for a file of the article, if it states one.
    pub stated: &'a dyn Fn(&str) -> Option<String>,
    /// What that manifest is called in a problem's text.
    pub manifest: &'static str,
}

#[derive(Default)]
struct Written {
    files: AtomicUsize,
    bytes: AtomicU64,
}

/// Puts the built site in place: left out when the destination holds the same site, refused
/// when it holds a folder newsarc did not write as a site, or another site without `force`.
fn commit(
    staging: partial::PartialDir,
    built: &Path,
    out: &Path,
    guard: &Guard,
    existing: bool,
    force: bool,
) -> Result<SiteOutcome, SiteError> {
    let shown = out.display().to_string();
    let io = |cause| SiteError::Io { path: shown.clone(), cause };
    if existing {
        if crate::output::same_tree(built, out).map_err(io)? {
            return Ok(SiteOutcome::Unchanged);
        }
        // Checked again now the site is built: the folder may have changed meanwhile.
        guard.check(out, Kind::Site)?;
        if !force {
            return Err(OutputError::Exists { output: shown }.into());
        }
    }
    // The old site goes into the partial folder, removed with it once the new one is in place;
    // put back if the new one cannot take its place.
    staging
        .finish(|dir| {
            let old = dir.join(".replaced");
            if existing {
                std::fs::rename(out, &old).map_err(|e| (e, false))?;
            }
            std::fs::rename(built, out).map_err(|e| {
                let restored = !existing || std::fs::rename(&old, out).is_ok();
                (e, !restored)
            })
        })
        .map_err(io)?;
    Ok(if existing { SiteOutcome::Replaced } else { SiteOutcome::Created })
}

/// A name that may be used as one path component on any file system and URL.
fn is_safe_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 120
        && !name.starts_with('.')
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// bag-info.txt's fields, in order (continuation lines joined), and the bag's name.
fn collection(files: &Files) -> Collection {
    let mut info: Vec<(String, String)> = Vec::new();
    if let Ok(bytes) = files.read("bag-info.txt") {
        let text = String::from_utf8_lossy(&bytes);
        for line in text.lines() {
            if line.starts_with([' ', '\t']) {
                if let Some((_, value)) = info.last_mut() {
                    value.push(' ');
                    value.push_str(line.trim());
                }
            } else if let Some((key, value)) = line.split_once(':') {
                info.push((key.trim().to_string(), value.trim().to_string()));
            }
        }
    }
    Collection { name: files.name.clone(), info, kind: InputKind::Bag }
}

/// The payload's SHA-256 digests as manifest-sha256.txt states them, by path (`data/...`).
fn manifest(files: &Files) -> HashMap<String, String> {
    let Ok(bytes) = files.read("manifest-sha256.txt") else { return HashMap::new() };
    String::from_utf8_lossy(&bytes)
        .lines()
        .filter_map(|line| line.split_once(char::is_whitespace))
        .map(|(digest, path)| (path.trim().to_string(), digest.to_ascii_lowercase()))
        .collect()
}

fn read_index(bag: &Path, files: &Files) -> Result<Index, SiteError> {
    let not = |reason: String| SiteError::NotNewsarc { path: bag.display().to_string(), reason };
    let bytes = files
        .read("data/index.json")
        .map_err(|e| not(format!("data/index.json cannot be read ({e}); `newsarc pack` writes it")))?;
    serde_json::from_slice(&bytes).map_err(|e| not(format!("data/index.json: {e}")))
}

/// Reads one article back: its page's content and the files to offer (`files`, by name).
pub(crate) fn read_article(id: &str, files: &[String], input: &mut ArticleFiles<'_>) -> (Entry, Offered) {
    let mut problems = Vec::new();
    let record: Record = match (input.read)("metadata.json") {
        Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
            problems.push(format!("metadata.json: {e}"));
            Record::default()
        }),
        Err(e) => {
            problems.push(format!("metadata.json: {e}"));
            Record::default()
        }
    };
    let model: Option<Article> = match (input.read)("article.xml") {
        Ok(bytes) => match crate::read::newsml::read(&bytes, &crate::read::ReadOptions::default()) {
            Ok(article) => Some(article),
            Err(e) => {
                problems.push(format!("article.xml: {e}; the body is not shown"));
                None
            }
        },
        Err(e) => {
            problems.push(format!("article.xml: {e}; the body is not shown"));
            None
        }
    };

    // The files offered: the source and each rendition the index lists, checked against the record.
    let mut offered = Vec::new();
    let mut hashes = BTreeMap::new();
    for name in files {
        if !is_safe_name(name) {
            problems.push(format!("{name:?} is not a safe file name; not offered"));
            continue;
        }
        match (input.read)(name) {
            Ok(bytes) => {
                let digest = hex::encode(Sha256::digest(&bytes));
                if (input.stated)(name).is_some_and(|m| !m.eq_ignore_ascii_case(&digest)) {
                    problems.push(format!("{name}: its SHA-256 is not the one {} states", input.manifest));
                }
                hashes.insert(name.clone(), digest);
                offered.push((name.clone(), bytes));
            }
            Err(e) => problems.push(format!("{name}: {e}")),
        }
    }
    let download = |file: &str, record: &RecordFile| -> Download {
        let verified = hashes.get(file).map(|h| h.eq_ignore_ascii_case(&record.sha256));
        Download {
            file: file.to_string(),
            original: record.name.clone(),
            media_type: record.media_type.clone(),
            size: record.size,
            sha256: record.sha256.clone(),
            verified,
        }
    };
    let source = record.source.as_ref().map(|s| download("source.txt", s));
    let mut renditions: Vec<Download> =
        record.renditions.iter().filter_map(|r| r.file.as_deref().map(|file| download(file, r))).collect();
    // The record itself, with the digest the bag's manifest states for it.
    if let Some(digest) = hashes.get("metadata.json") {
        let stated = (input.stated)("metadata.json").unwrap_or_else(|| digest.clone());
        let size = offered.iter().find(|(n, _)| n == "metadata.json").map_or(0, |(_, b)| b.len() as u64);
        let record = RecordFile {
            name: Some("metadata".into()),
            file: None,
            media_type: Some("application/json".into()),
            size,
            sha256: stated,
        };
        renditions.push(download("metadata.json", &record));
    }
    for d in source.iter().chain(&renditions) {
        if d.verified == Some(false) {
            problems.push(format!("{}: its SHA-256 is not the one its metadata record states", d.file));
        }
    }

    let (body, text) = match &model {
        Some(a) => {
            let options = crate::write::html::Options {
                heading_base: Some(2),
                images_as_links: true,
                only_absolute_links: true,
                dateline: None,
            };
            let mut text = String::new();
            crate::model::text::for_each_text(&a.body, &mut |t| {
                text.push_str(t);
                text.push(' ');
            });
            (Some(crate::write::html::body_with(&a.body, &options)), text)
        }
        None => (None, String::new()),
    };
    let language = model.as_ref().map(|a| a.language.clone()).or(record.language).unwrap_or_else(|| "und".into());
    let entry = Entry {
        id: id.to_string(),
        uri: model.as_ref().map(|a| a.uri.clone()).or(record.uri),
        headline: model
            .as_ref()
            .and_then(|a| a.headline.clone())
            .or(record.headline)
            .unwrap_or_else(|| format!("Untitled ({id})")),
        byline: model.as_ref().and_then(|a| a.byline.clone()).or(record.byline),
        dateline: model.as_ref().and_then(|a| a.dateline.clone()).or(record.dateline),
        date: model.as_ref().and_then(|a| a.date).or_else(|| record.date.and_then(|d| d.parse().ok())),
        direction: Direction::of_language(&language),
        language,
        publisher: model.as_ref().and_then(|a| a.publisher.clone()).or(record.publisher),
        source_url: model.as_ref().and_then(|a| a.source_url.clone()).or(record.source_url),
        body,
        text,
        source,
        renditions,
        warnings: record.warnings,
        problems,
        versions: Vec::new(),
    };
    (entry, offered)
}

/// Where a built site's files are, relative to its top, sorted: for tests and reports.
pub fn list_files(root: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
        let entry = entry.map_err(std::io::Error::other)?;
        if entry.file_type().is_file() {
            out.push(entry.path().strip_prefix(root).unwrap_or(entry.path()).to_path_buf());
        }
    }
    Ok(out)
}
