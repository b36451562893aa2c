//! Packing many articles into one BagIt bag.
//!
//! Articles are read and rendered on worker threads (rayon) a batch at a time and appended to the
//! bag in input order, so memory follows the batch, not the corpus, and the bag's bytes do not
//! depend on the number of threads. Per article, under `data/articles/<id>/`: `source.txt` (the
//! input's bytes, unchanged) and the renditions (`article.xml`, `article.epub`, `article.json`,
//! `metadata.json`); `data/index.json` lists them all (schema: `schemas/index.schema.json`).
//!
//! Ids are the articles' ids, made unique: a second article wanting a taken id gets the first
//! eight hex digits of its SHA-256 appended, so nothing is overwritten. The same bytes under two
//! names are packed once; the other name is recorded as a duplicate. Articles whose URI an
//! earlier article of the bag has (one source URL, one supplied id, one path below two folders
//! named) are packed and listed (`shared_uris`). A bad article is left out and reported. The bag is written beside the output under a partial name and moved into place only
//! when complete, under the output policy of [`crate::output`]: inputs are never replaced, an
//! existing output only with `force` and only if it is a bag or a file, an identical one is left
//! as it is. No bag is written when no article was packed (but for a shard: its group needs it).
//! A tar (plain or gzip) can also go to standard output, as it is written.
//!
//! Sharding: with `K/N`, only files whose name-derived id hashes to shard K are packed; every
//! shard's bag carries the same `Bag-Group-Identifier` (derived from the whole input list) and
//! `Bag-Count: K of N`, so N independent jobs (a Slurm array, Kubernetes indexed jobs) pack a
//! corpus between them.

use super::bag::{
    self, Algorithm, BagInfo, BagWriter, FolderSink, PayloadFile, Preparer, Sink, Stream, TarSink, ZipSink,
};
use super::inputs::{InputFile, Skipped};
use crate::convert::{Naming, Rendition, render};
use crate::format::zip::Method;
use crate::load::{Input, LoadOptions, load_all_with_bytes};
use crate::model::{Article, PartialDate, safe_id_from_name};
use crate::output::{Existing, Guard, Kind, OutputError, check_not_among, partial};
use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::{Seek, Write};
use std::path::{Path, PathBuf};

/// Files read and rendered at a time: bounds memory, keeps all cores busy.
const BATCH: usize = 64;

/// The container of the bag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Folder,
    Zip,
    Tar,
    #[serde(rename = "tar.gz")]
    TarGz,
}

impl Format {
    /// The name `--format` takes.
    pub fn name(self) -> &'static str {
        match self {
            Format::Folder => "folder",
            Format::Zip => "zip",
            Format::Tar => "tar",
            Format::TarGz => "tar.gz",
        }
    }

    /// The container a name's extension asks for: `Ok(None)` when it has no extension (a folder),
    /// `Err(ext)` for an extension newsarc does not write.
    pub fn of_name(path: &Path) -> Result<Option<Format>, String> {
        let name = path.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
        if name.ends_with(".tar.gz") || name.ends_with(".tgz") {
            return Ok(Some(Format::TarGz));
        }
        match name.rsplit_once('.') {
            Some(("", _)) => Ok(None),
            Some((_, "zip")) => Ok(Some(Format::Zip)),
            Some((_, "tar")) => Ok(Some(Format::Tar)),
            Some((_, ext)) => Err(ext.to_string()),
            None => Ok(None),
        }
    }

    /// The container for a destination: the one chosen, which must agree with the name's
    /// extension, else the one the extension names. Standard output takes a tar.
    pub fn for_destination(out: &Destination, chosen: Option<Format>) -> Result<Format, PackError> {
        let path = match out {
            Destination::Stdout => {
                return match chosen.unwrap_or(Format::Tar) {
                    f @ (Format::Tar | Format::TarGz) => Ok(f),
                    Format::Zip => Err(PackError::Invalid(
                        "a zip cannot be written to standard output (it needs a file it can seek in); use `--format tar` or `--format tar.gz` with `-o -`, or name a FILE.zip"
                            .to_string(),
                    )),
                    Format::Folder => Err(PackError::Invalid(
                        "a folder cannot be written to standard output; use `--format tar` with `-o -`".to_string(),
                    )),
                };
            }
            Destination::Path(path) => path,
        };
        let named = Format::of_name(path);
        let hint = "name the bag DIR, FILE.zip, FILE.tar or FILE.tar.gz";
        match (chosen, named) {
            (Some(Format::Folder), Ok(None) | Err(_)) => Ok(Format::Folder),
            (Some(chosen), Ok(Some(named))) if chosen == named => Ok(chosen),
            (None, Ok(named)) => Ok(named.unwrap_or(Format::Folder)),
            (None, Err(ext)) => Err(PackError::Invalid(format!(
                "{}: newsarc does not write `.{ext}` files; {hint} (or give --format folder for a folder with a dot in its name)",
                path.display()
            ))),
            (Some(chosen), Ok(Some(named))) => Err(PackError::Invalid(format!(
                "{}: --format {} does not agree with the name, which asks for {}; {hint}",
                path.display(),
                chosen.name(),
                named.name()
            ))),
            (Some(chosen), _) => Err(PackError::Invalid(format!(
                "{}: --format {} writes a file; name it with its extension (.{})",
                path.display(),
                chosen.name(),
                chosen.name()
            ))),
        }
    }
}

/// Where a bag goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    Path(PathBuf),
    /// A tar written to standard output as it is made (`-o -`).
    Stdout,
}

impl Destination {
    /// `-` is standard output.
    pub fn from_arg(arg: &Path) -> Destination {
        if arg.as_os_str() == "-" { Destination::Stdout } else { Destination::Path(arg.to_path_buf()) }
    }
}

impl std::fmt::Display for Destination {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Destination::Path(p) => write!(f, "{}", p.display()),
            Destination::Stdout => f.write_str("standard output"),
        }
    }
}

/// How to pack.
#[derive(Debug, Clone)]
pub struct PackOptions {
    pub load: LoadOptions,
    /// Writer names, in table order.
    pub renditions: Vec<&'static str>,
    /// The container asked for; by default from the destination's name.
    pub format: Option<Format>,
    pub algorithms: Vec<Algorithm>,
    pub bagging_date: String,
    pub bag_info: Vec<(String, String)>,
    /// `(K, N)`: pack shard K (1-based) of N.
    pub shard: Option<(usize, usize)>,
    /// The group identifier for sharded bags; derived from the input list when absent.
    pub group_id: Option<String>,
    pub jobs: usize,
    /// Replace an existing output (a bag or a file; never an input, see [`crate::output`]).
    pub force: bool,
    /// The run's inputs as given (files and folders); every file packed and its sidecar are
    /// added to it, and no output may replace any of them.
    pub guard: Guard,
}

/// What a pack did: written to stderr as a summary and, on request, to a JSON report.
#[derive(Debug, Default, Serialize)]
pub struct PackReport {
    pub output: String,
    /// The container written.
    pub format: Option<Format>,
    /// What happened to the destination.
    pub bag: BagOutcome,
    pub articles: usize,
    pub bad: Vec<BadInput>,
    pub skipped: Vec<Skipped>,
    pub duplicates: Vec<Duplicate>,
    pub renamed: Vec<Renamed>,
    /// Articles whose URI another article of this bag has already (the same source URL, the
    /// same supplied id, the same path below two folders named): packed, and listed, since an
    /// archive keeping one object per URI would take them for versions of one article.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub shared_uris: Vec<SharedUri>,
    /// Files that belong to other shards.
    pub other_shards: usize,
    /// Reader warnings of the packed articles, each with its input.
    pub warnings: Vec<InputWarning>,
    /// Partial outputs of earlier runs found beside the destination.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub partials: Vec<PartialFound>,
}

/// What became of the destination.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BagOutcome {
    /// No bag: no article was packed.
    #[default]
    NotWritten,
    Created,
    Replaced,
    /// The destination held this very bag already; it was left as it was.
    Unchanged,
    /// Written to standard output.
    Streamed,
}

/// A partial output of another run found beside the destination.
#[derive(Debug, Clone, Serialize)]
pub struct PartialFound {
    pub path: String,
    pub pid: u32,
    /// Removed (its process is gone); otherwise a running newsarc is writing it.
    pub removed: bool,
}

/// A reader warning about one input.
#[derive(Debug, Clone, Serialize)]
pub struct InputWarning {
    pub path: String,
    #[serde(flatten)]
    pub warning: crate::model::Warning,
}

#[derive(Debug, Clone, Serialize)]
pub struct BadInput {
    pub path: String,
    pub error: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Duplicate {
    pub path: String,
    /// The id of the article with the same bytes.
    pub same_as: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SharedUri {
    pub path: String,
    pub id: String,
    pub uri: String,
    /// Where the URI came from.
    pub uri_origin: crate::model::UriOrigin,
    /// The id of the article packed first with this URI.
    pub same_as: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Renamed {
    pub path: String,
    pub id: String,
    pub reason: String,
}

/// Why a pack could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum PackError {
    #[error(transparent)]
    Output(#[from] OutputError),
    #[error("cannot write {path}: {}", crate::output::io_reason(.cause))]
    Io {
        path: String,
        #[source]
        cause: std::io::Error,
    },
    #[error("{0}")]
    Invalid(String),
}

/// The record of one article in `data/index.json`.
#[derive(Debug, Serialize)]
struct IndexRecord {
    id: String,
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    headline: Option<String>,
    language: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<PartialDate>,
    source: IndexSource,
    files: Vec<String>,
    warnings: Vec<String>,
}

#[derive(Debug, Serialize)]
struct IndexSource {
    name: String,
    size: u64,
    sha256: String,
}

/// `data/index.json`, written as articles are packed: one record per line inside the
/// `articles` array, kept in an unnamed temporary file, not in memory.
struct IndexFile {
    file: std::io::BufWriter<std::fs::File>,
    records: usize,
}

impl IndexFile {
    fn new(bag: &str, group: Option<&IndexGroup<'_>>) -> std::io::Result<IndexFile> {
        let mut file = std::io::BufWriter::new(tempfile::tempfile()?);
        write!(
            file,
            "{{\"index\":\"newsarc-package-index\",\"index_version\":1,\"generator\":{},\"bag\":{},",
            json(&format!("newsarc {}", crate::VERSION)),
            json(&bag)
        )?;
        if let Some(group) = group {
            write!(file, "\"group\":{},", json(group))?;
        }
        file.write_all(b"\"articles\":[\n")?;
        Ok(IndexFile { file, records: 0 })
    }

    fn add(&mut self, record: &IndexRecord) -> std::io::Result<()> {
        if self.records > 0 {
            self.file.write_all(b",\n")?;
        }
        serde_json::to_writer(&mut self.file, record)?;
        self.records += 1;
        Ok(())
    }

    /// Closes the document; gives the file, rewound, and its length.
    fn finish(mut self, duplicates: &[Duplicate]) -> std::io::Result<(std::fs::File, u64)> {
        self.file.write_all(b"\n],\"duplicates\":")?;
        serde_json::to_writer(&mut self.file, duplicates)?;
        self.file.write_all(b"}\n")?;
        let mut file = self.file.into_inner().map_err(|e| e.into_error())?;
        let len = file.stream_position()?;
        file.seek(std::io::SeekFrom::Start(0))?;
        Ok((file, len))
    }
}

/// A small value as JSON text.
fn json<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).expect("plain values serialize")
}

#[derive(Debug, Serialize)]
struct IndexGroup<'a> {
    identifier: &'a str,
    shard: usize,
    shards: usize,
}

/// One article read, rendered, hashed and (for a zip) compressed on a worker.
struct Prepared {
    file: InputFile,
    article: Article,
    /// The input's bytes: needed again only if the article must take another id.
    bytes: Vec<u8>,
    payload: bag::Prepared,
}

/// The shard (0-based) a file belongs to: by its name-derived id, so no file need be read.
pub fn shard_of(file: &InputFile, shards: usize) -> usize {
    let stem = file.path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let key = safe_id_from_name(&stem).unwrap_or_else(|| file.name.clone());
    let digest = Sha256::digest(key.as_bytes());
    let n = u64::from_be_bytes(digest[..8].try_into().expect("8 bytes"));
    (n % shards as u64) as usize
}

/// Packs `files` (in the order given) into a bag at `out`; `progress` is told how many files
/// are done so far.
pub fn pack(
    files: &[InputFile],
    skipped: &[Skipped],
    out: &Destination,
    options: &PackOptions,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<PackReport, PackError> {
    let io = |path: &Path| {
        let path = path.display().to_string();
        move |cause| PackError::Io { path, cause }
    };
    let format = Format::for_destination(out, options.format)?;
    let kind = if format == Format::Folder { Kind::Bag } else { Kind::File };
    let guard = &options.guard;
    // The files walked and their sidecars: not added to the guard one by one (a million paths
    // resolved and kept), but compared with the destination when it exists.
    let walked =
        || files.iter().flat_map(|f| std::iter::once(f.path.clone()).chain(crate::load::sidecar_path(&f.path)));
    let mut report = PackReport {
        output: out.to_string(),
        format: Some(format),
        skipped: skipped.to_vec(),
        ..PackReport::default()
    };
    let existing = match out {
        Destination::Path(path) => {
            let existing = guard.check(path, kind)?;
            check_not_among(path, walked())?;
            existing
        }
        Destination::Stdout => Existing::Nothing,
    };

    let name = match out {
        Destination::Path(path) => bag_name(path, format),
        Destination::Stdout => "bag".to_string(),
    };
    let group = match options.shard {
        Some((k, n)) => {
            let identifier = options.group_id.clone().unwrap_or_else(|| {
                let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
                crate::model::uri_for_sha256(&hex::encode(Sha256::digest(format!("group:{}", names.join("\n")))))
            });
            Some((identifier, k, n))
        }
        None => options.group_id.clone().map(|g| (g, 1, 1)),
    };
    let info = BagInfo {
        name: name.clone(),
        algorithms: options.algorithms.clone(),
        bagging_date: options.bagging_date.clone(),
        fields: options.bag_info.clone(),
        group: group.clone(),
    };

    // Written beside the output under a partial name, moved into place at the end.
    let (sink, staging, partials) = open_sink(out, format).map_err(io(Path::new(&report.output)))?;
    report.partials = partials
        .into_iter()
        .map(|f| PartialFound { path: f.path.display().to_string(), pid: f.pid, removed: f.removed })
        .collect();
    let mut bag = BagWriter::new(sink, info).map_err(io(Path::new(&report.output)))?;
    let index_group = group.as_ref().map(|(identifier, k, n)| IndexGroup { identifier, shard: *k, shards: *n });
    let mut index = IndexFile::new(&name, index_group.as_ref()).map_err(io(Path::new(&report.output)))?;
    let out_path = PathBuf::from(&report.output);
    let io_out = || io(&out_path);

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.jobs.max(1))
        .build()
        .map_err(|e| PackError::Invalid(format!("cannot start worker threads: {e}")))?;
    // What must be remembered per article to keep ids unique, pack same bytes once and find
    // URIs shared; the only state that grows with the corpus (about 250 bytes an article).
    let mut ids: HashMap<Box<str>, Box<str>> = HashMap::new();
    let mut by_digest: HashMap<([u8; 32], usize), Box<str>> = HashMap::new();
    let mut uris: HashMap<Box<str>, Box<str>> = HashMap::new();
    let mut done = 0usize;

    let mine: Vec<&InputFile> = match options.shard {
        Some((k, n)) => files.iter().filter(|f| shard_of(f, n) == k - 1).collect(),
        None => files.iter().collect(),
    };
    report.other_shards = files.len() - mine.len();
    done += report.other_shards;
    progress(done);

    let preparer = bag.preparer();
    // Batches are read, rendered, hashed and compressed on the workers while the one before is
    // appended to the bag here, in input order: the bag's bytes do not depend on the threads.
    std::thread::scope(|scope| -> Result<(), PackError> {
        let (sender, batches) = std::sync::mpsc::sync_channel::<Vec<Result<Vec<Prepared>, BadInput>>>(1);
        let (preparer, pool, mine) = (&preparer, &pool, &mine);
        scope.spawn(move || {
            for batch in mine.chunks(BATCH) {
                let prepared = pool.install(|| batch.par_iter().map(|file| prepare(file, options, preparer)).collect());
                if sender.send(prepared).is_err() {
                    return; // the writer stopped (an error): no more batches are wanted
                }
            }
        });
        for prepared in batches {
            for item in prepared {
                done += 1;
                let items = match item {
                    Ok(items) => items,
                    Err(bad) => {
                        report.bad.push(bad);
                        progress(done);
                        continue;
                    }
                };
                // An input may hold several articles (a newsMessage, a collection EPUB): each is packed,
                // with the input's bytes as its source; same bytes are the same article by position.
                for (position, mut item) in items.into_iter().enumerate() {
                    // The reader hashed the source already; its digest is the key (hashed here only if
                    // a reader ever leaves it out).
                    let sha256 = match item.article.source.as_ref() {
                        Some(s) => s.sha256.clone(),
                        None => hex::encode(Sha256::digest(&item.bytes)),
                    };
                    let digest: [u8; 32] = hex::decode(&sha256)
                        .ok()
                        .and_then(|d| d.try_into().ok())
                        .unwrap_or_else(|| Sha256::digest(&item.bytes).into());
                    if let Some(first) = by_digest.get(&(digest, position)) {
                        report
                            .duplicates
                            .push(Duplicate { path: item.file.path.display().to_string(), same_as: first.to_string() });
                        progress(done);
                        continue;
                    }
                    if ids.contains_key(item.article.id.as_str()) {
                        let wanted = item.article.id.clone();
                        let mut id = format!("{wanted}-{}", &sha256[..8]);
                        let mut digits = 8;
                        while ids.contains_key(id.as_str()) && digits < sha256.len() {
                            digits += 4;
                            id = format!("{wanted}-{}", &sha256[..digits]);
                        }
                        item.article.id = id.clone();
                        // The id is in the renditions (the metadata record) and the paths: again.
                        item.payload = payload(&item.article, &item.bytes, options, preparer)
                            .map_err(|e| PackError::Invalid(e.to_string()))?;
                        report.renamed.push(Renamed {
                            path: item.file.path.display().to_string(),
                            id,
                            reason: format!("id `{wanted}` is taken by {}", ids[wanted.as_str()]),
                        });
                    }
                    ids.insert(item.article.id.as_str().into(), item.file.path.display().to_string().into());
                    by_digest.insert((digest, position), item.article.id.as_str().into());
                    match uris.get(item.article.uri.as_str()) {
                        Some(first) => report.shared_uris.push(SharedUri {
                            path: item.file.path.display().to_string(),
                            id: item.article.id.clone(),
                            uri: item.article.uri.clone(),
                            uri_origin: item.article.uri_origin,
                            same_as: first.to_string(),
                        }),
                        None => {
                            uris.insert(item.article.uri.as_str().into(), item.article.id.as_str().into());
                        }
                    }
                    let path = item.file.path.display().to_string();
                    report.warnings.extend(
                        item.article.warnings.iter().map(|w| InputWarning { path: path.clone(), warning: w.clone() }),
                    );
                    index.add(&write_article(&mut bag, item).map_err(io_out())?).map_err(io_out())?;
                    report.articles += 1;
                    progress(done);
                }
            }
        }
        Ok(())
    })?;

    if report.articles == 0 && options.shard.is_none() {
        // Nothing to keep: the partial output is removed as `staging` is dropped.
        return Ok(report);
    }
    let (mut index_file, len) = index.finish(&report.duplicates).map_err(io_out())?;
    bag.add_payload_reader("index.json", len, &mut index_file, Method::Deflated).map_err(io_out())?;
    bag.finish().map_err(io_out())?;
    report.bag = match (staging, out) {
        (Staging::Stdout, _) => BagOutcome::Streamed,
        (staging, Destination::Path(path)) => {
            // Checked again: the destination may have changed while packing.
            let existing_now = guard.check(path, kind)?;
            check_not_among(path, walked())?;
            staging.commit(&name, path, existing_now, options.force, existing)?
        }
        (_, Destination::Stdout) => unreachable!("standard output is staged as such"),
    };
    Ok(report)
}

fn prepare(file: &InputFile, options: &PackOptions, preparer: &Preparer) -> Result<Vec<Prepared>, BadInput> {
    let bad = |error: String| BadInput { path: file.path.display().to_string(), error };
    // The error names the input; the report names it already (a sidecar's name stays).
    let prefix = format!("{}: ", file.path.display());
    // The URI of an article nothing names derives from its path below the folder named.
    let mut load = options.load.clone();
    load.read.source_path = Some(file.source_path.clone());
    let (articles, bytes) = load_all_with_bytes(&Input::Path(file.path.clone()), &load).map_err(|e| {
        let message = e.to_string();
        bad(message.strip_prefix(&prefix).unwrap_or(&message).to_string())
    })?;
    articles
        .into_iter()
        .map(|article| {
            let payload = payload(&article, &bytes, options, preparer).map_err(|e| bad(e.to_string()))?;
            Ok(Prepared { file: file.clone(), article, bytes: bytes.clone(), payload })
        })
        .collect()
}

/// An article's files in the bag, under `articles/<id>/`: its source, then its renditions,
/// rendered, hashed and made ready for the container.
fn payload(
    article: &Article,
    source: &[u8],
    options: &PackOptions,
    preparer: &Preparer,
) -> Result<bag::Prepared, String> {
    let renditions = render(article, &options.renditions, Naming::Package).map_err(|e| e.to_string())?;
    let folder = format!("articles/{}", article.id);
    let mut files = Vec::with_capacity(renditions.len() + 1);
    let sha256 = article.source.as_ref().map(|s| s.sha256.clone()).filter(|h| h.len() == 64);
    files.push(PayloadFile {
        path: format!("{folder}/source.txt"),
        bytes: source.to_vec(),
        method: Method::Deflated,
        sha256,
    });
    for Rendition { writer, file, bytes } in renditions {
        // An EPUB is compressed already.
        let method = if writer == "epub" { Method::Stored } else { Method::Deflated };
        files.push(PayloadFile { path: format!("{folder}/{file}"), bytes, method, sha256: None });
    }
    preparer.prepare(files).map_err(|e| format!("cannot prepare its files: {e}"))
}

fn write_article(bag: &mut BagWriter, item: Prepared) -> std::io::Result<IndexRecord> {
    let folder = format!("articles/{}/", item.article.id);
    let files: Vec<String> = item.payload.paths().map(|p| p.strip_prefix(&folder).unwrap_or(p).to_string()).collect();
    bag.add_prepared(item.payload)?;
    let a = &item.article;
    let source = a.source.as_ref();
    Ok(IndexRecord {
        id: a.id.clone(),
        uri: a.uri.clone(),
        headline: a.headline.clone(),
        language: a.language.clone(),
        date: a.date,
        source: IndexSource {
            name: item.file.name.clone(),
            size: source.map_or(0, |s| s.size),
            sha256: source.map(|s| s.sha256.clone()).unwrap_or_default(),
        },
        files,
        warnings: a.warnings.iter().map(|w| w.code.as_str().to_string()).collect(),
    })
}

/// The bag's top-level folder: the output's name without extension, made safe.
pub(crate) fn bag_name(out: &Path, format: Format) -> String {
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).map(|n| {
        let lower = n.to_ascii_lowercase();
        let ext = match format {
            Format::Folder => "",
            Format::Zip => ".zip",
            Format::Tar => ".tar",
            Format::TarGz if lower.ends_with(".tgz") => ".tgz",
            Format::TarGz => ".tar.gz",
        };
        n[..n.len() - if lower.ends_with(ext) { ext.len() } else { 0 }].to_string()
    });
    name.and_then(|n| safe_id_from_name(&n)).unwrap_or_else(|| "bag".to_string())
}

/// The sink a bag is written to and where it is staged until complete: a partial folder or file
/// beside the destination (after sweeping away what killed runs left there, which it gives back),
/// or standard output.
pub(crate) fn open_sink(
    out: &Destination,
    format: Format,
) -> std::io::Result<(Box<dyn Sink>, Staging, Vec<partial::Found>)> {
    let path = match out {
        Destination::Stdout => {
            let stream = Stream::stdout(format == Format::TarGz);
            return Ok((Box::new(TarSink::new(stream)), Staging::Stdout, Vec::new()));
        }
        Destination::Path(path) => path,
    };
    let parent = crate::output::parent_of(path);
    std::fs::create_dir_all(parent)?;
    let found = partial::sweep(parent);
    Ok(match format {
        Format::Folder => {
            let dir = partial::dir_in(parent)?;
            (Box::new(FolderSink::new(dir.path())), Staging::Folder(dir), found)
        }
        Format::Zip | Format::Tar | Format::TarGz => {
            let file = partial::file_in(parent)?;
            let handle = file.as_file().try_clone()?;
            let sink: Box<dyn Sink> = match format {
                Format::Zip => Box::new(ZipSink::new(handle)?),
                _ => Box::new(TarSink::new(Stream::file(handle, format == Format::TarGz))),
            };
            (sink, Staging::File(file), found)
        }
    })
}

/// Where the bag is written until it is complete.
pub(crate) enum Staging {
    Folder(partial::PartialDir),
    File(partial::PartialFile),
    Stdout,
}

impl Staging {
    /// Puts the complete bag in place: left out when the destination holds the same bag, refused
    /// when it holds another one and `force` was not given.
    pub(crate) fn commit(
        self,
        name: &str,
        out: &Path,
        existing: Existing,
        force: bool,
        at_start: Existing,
    ) -> Result<BagOutcome, PackError> {
        let shown = out.display().to_string();
        let io = |cause| PackError::Io { path: shown.clone(), cause };
        let replacing = existing.exists();
        match self {
            Staging::File(file) => {
                if replacing {
                    if crate::output::same_file_bytes(file.path(), out).map_err(io)? {
                        return Ok(BagOutcome::Unchanged);
                    }
                    existing.may_replace(force).map_err(|e| e.named(&shown))?;
                }
                crate::output::make_readable(file.as_file()).map_err(io)?;
                file.persist(out).map_err(io)?;
            }
            Staging::Folder(dir) => {
                let built = dir.path().join(name);
                if replacing {
                    if crate::output::same_tree(&built, out).map_err(io)? {
                        return Ok(BagOutcome::Unchanged);
                    }
                    existing.may_replace(force).map_err(|e| e.named(&shown))?;
                }
                // The old bag goes into the partial folder, removed with it once the new one is
                // in place (the output policy checked that it is a bag holding no input); put
                // back if the new one cannot take its place. Both renames happen as one step for
                // an interrupt.
                dir.finish(|dir| {
                    let old = dir.join(".replaced");
                    if replacing {
                        std::fs::rename(out, &old).map_err(|e| (e, false))?;
                    }
                    std::fs::rename(&built, out).map_err(|e| {
                        let restored = !replacing || std::fs::rename(&old, out).is_ok();
                        (e, !restored)
                    })
                })
                .map_err(io)?;
            }
            Staging::Stdout => return Ok(BagOutcome::Streamed),
        }
        Ok(if replacing || at_start.exists() { BagOutcome::Replaced } else { BagOutcome::Created })
    }
}
