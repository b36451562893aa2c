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
//! names are packed once; the other name is recorded as a duplicate. A bad article is left out and
//! reported; the bag is written beside the output and moved into place only when complete.
//!
//! Sharding: with `K/N`, only files whose name-derived id hashes to shard K are packed; every
//! shard's bag carries the same `Bag-Group-Identifier` (derived from the whole input list) and
//! `Bag-Count: K of N`, so N independent jobs (a Slurm array, Kubernetes indexed jobs) pack a
//! corpus between them.

use super::bag::{Algorithm, BagInfo, BagWriter, FolderSink, Sink, TarSink, ZipSink};
use super::inputs::{InputFile, Skipped};
use super::zip::Method;
use crate::convert::{Naming, Rendition, render};
use crate::load::{Input, LoadOptions, load_all_with_bytes};
use crate::model::{Article, PartialDate, safe_id_from_name};
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
}

impl Format {
    /// By the output's extension: `.zip`, `.tar`, otherwise a folder.
    pub fn of_path(path: &Path) -> Format {
        match path.extension().map(|e| e.to_ascii_lowercase()) {
            Some(e) if e == "zip" => Format::Zip,
            Some(e) if e == "tar" => Format::Tar,
            _ => Format::Folder,
        }
    }
}

/// How to pack.
#[derive(Debug, Clone)]
pub struct PackOptions {
    pub load: LoadOptions,
    /// Writer names, in table order.
    pub renditions: Vec<&'static str>,
    pub format: Format,
    pub algorithms: Vec<Algorithm>,
    pub bagging_date: String,
    pub bag_info: Vec<(String, String)>,
    /// `(K, N)`: pack shard K (1-based) of N.
    pub shard: Option<(usize, usize)>,
    /// The group identifier for sharded bags; derived from the input list when absent.
    pub group_id: Option<String>,
    pub jobs: usize,
    /// Replace an existing output.
    pub force: bool,
}

/// What a pack did: written to stderr as a summary and, on request, to a JSON report.
#[derive(Debug, Default, Serialize)]
pub struct PackReport {
    pub output: String,
    pub articles: usize,
    pub bad: Vec<BadInput>,
    pub skipped: Vec<Skipped>,
    pub duplicates: Vec<Duplicate>,
    pub renamed: Vec<Renamed>,
    /// Files that belong to other shards.
    pub other_shards: usize,
    /// Reader warnings over all packed articles.
    pub warnings: usize,
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
pub struct Renamed {
    pub path: String,
    pub id: String,
    pub reason: String,
}

/// Why a pack could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum PackError {
    #[error("{0} exists; pass --force to replace it")]
    Exists(String),
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
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

/// One article read and rendered on a worker.
struct Prepared {
    file: InputFile,
    article: Article,
    bytes: Vec<u8>,
    renditions: Vec<Rendition>,
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
    out: &Path,
    options: &PackOptions,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<PackReport, PackError> {
    let io = |path: &Path| {
        let path = path.display().to_string();
        move |source| PackError::Io { path, source }
    };
    if out.exists() && !options.force {
        return Err(PackError::Exists(out.display().to_string()));
    }
    let name = bag_name(out, options.format);
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

    // Written beside the output, moved into place at the end.
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(io(parent))?;
    let (sink, staging): (Box<dyn Sink>, Staging) = match options.format {
        Format::Folder => {
            let dir = tempfile::Builder::new().prefix(".newsarc-partial-").tempdir_in(parent).map_err(io(parent))?;
            (Box::new(FolderSink::new(dir.path())), Staging::Folder(dir))
        }
        Format::Zip | Format::Tar => {
            let file = tempfile::Builder::new().prefix(".newsarc-partial-").tempfile_in(parent).map_err(io(parent))?;
            let handle = file.reopen().map_err(io(file.path()))?;
            let sink: Box<dyn Sink> = if options.format == Format::Zip {
                Box::new(ZipSink::new(handle))
            } else {
                Box::new(TarSink::new(handle))
            };
            (sink, Staging::File(file))
        }
    };
    let mut bag = BagWriter::new(sink, info).map_err(io(parent))?;
    let index_group = group.as_ref().map(|(identifier, k, n)| IndexGroup { identifier, shard: *k, shards: *n });
    let mut index = IndexFile::new(&name, index_group.as_ref()).map_err(io(parent))?;

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.jobs.max(1))
        .build()
        .map_err(|e| PackError::Invalid(format!("cannot start worker threads: {e}")))?;
    let mut report =
        PackReport { output: out.display().to_string(), skipped: skipped.to_vec(), ..PackReport::default() };
    // What must be remembered per article to keep ids unique and pack same bytes once; the
    // only state that grows with the corpus (about 150 bytes an article).
    let mut ids: HashMap<Box<str>, Box<str>> = HashMap::new();
    let mut by_digest: HashMap<([u8; 32], usize), Box<str>> = HashMap::new();
    let mut done = 0usize;

    let mine: Vec<&InputFile> = match options.shard {
        Some((k, n)) => files.iter().filter(|f| shard_of(f, n) == k - 1).collect(),
        None => files.iter().collect(),
    };
    report.other_shards = files.len() - mine.len();
    done += report.other_shards;
    progress(done);

    for batch in mine.chunks(BATCH) {
        let prepared: Vec<Result<Vec<Prepared>, BadInput>> =
            pool.install(|| batch.par_iter().map(|file| prepare(file, options)).collect());
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
                    report.duplicates.push(Duplicate { path: item.file.name.clone(), same_as: first.to_string() });
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
                    // The id is in the renditions (the metadata record): render again.
                    item.renditions = render(&item.article, &options.renditions, Naming::Package)
                        .map_err(|e| PackError::Invalid(e.to_string()))?;
                    report.renamed.push(Renamed {
                        path: item.file.name.clone(),
                        id,
                        reason: format!("id `{wanted}` is taken by {}", ids[wanted.as_str()]),
                    });
                }
                ids.insert(item.article.id.as_str().into(), item.file.name.as_str().into());
                by_digest.insert((digest, position), item.article.id.as_str().into());
                index.add(&write_article(&mut bag, &item).map_err(io(out))?).map_err(io(out))?;
                report.articles += 1;
                report.warnings += item.article.warnings.len();
                progress(done);
            }
        }
    }

    let (mut index_file, len) = index.finish(&report.duplicates).map_err(io(out))?;
    bag.add_payload_reader("index.json", len, &mut index_file, Method::Deflated).map_err(io(out))?;
    bag.finish().map_err(io(out))?;
    staging.commit(&name, out, options.force).map_err(io(out))?;
    Ok(report)
}

fn prepare(file: &InputFile, options: &PackOptions) -> Result<Vec<Prepared>, BadInput> {
    let bad = |error: String| BadInput { path: file.name.clone(), error };
    // The error names the input; the report names it already (a sidecar's name stays).
    let prefix = format!("{}: ", file.path.display());
    let (articles, bytes) = load_all_with_bytes(&Input::Path(file.path.clone()), &options.load).map_err(|e| {
        let message = e.to_string();
        bad(message.strip_prefix(&prefix).unwrap_or(&message).to_string())
    })?;
    articles
        .into_iter()
        .map(|article| {
            let renditions = render(&article, &options.renditions, Naming::Package).map_err(|e| bad(e.to_string()))?;
            Ok(Prepared { file: file.clone(), article, bytes: bytes.clone(), renditions })
        })
        .collect()
}

fn write_article(bag: &mut BagWriter, item: &Prepared) -> std::io::Result<IndexRecord> {
    let folder = format!("articles/{}", item.article.id);
    bag.add_payload(&format!("{folder}/source.txt"), &item.bytes, Method::Deflated)?;
    let mut files = vec!["source.txt".to_string()];
    for r in &item.renditions {
        // An EPUB is compressed already.
        let method = if r.writer == "epub" { Method::Stored } else { Method::Deflated };
        bag.add_payload(&format!("{folder}/{}", r.file), &r.bytes, method)?;
        files.push(r.file.clone());
    }
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
fn bag_name(out: &Path, format: Format) -> String {
    let name = match format {
        Format::Folder => out.file_name(),
        Format::Zip | Format::Tar => out.file_stem(),
    };
    name.map(|n| n.to_string_lossy().into_owned())
        .and_then(|n| safe_id_from_name(&n))
        .unwrap_or_else(|| "bag".to_string())
}

/// Where the bag is written until it is complete.
enum Staging {
    Folder(tempfile::TempDir),
    File(tempfile::NamedTempFile),
}

impl Staging {
    fn commit(self, name: &str, out: &Path, force: bool) -> std::io::Result<()> {
        match self {
            Staging::File(file) => {
                if !force && out.exists() {
                    return Err(std::io::Error::new(std::io::ErrorKind::AlreadyExists, "appeared while packing"));
                }
                crate::convert::make_readable(file.as_file())?;
                file.persist(out).map(|_| ()).map_err(|e| e.error)
            }
            Staging::Folder(dir) => {
                let built: PathBuf = dir.path().join(name);
                if out.exists() {
                    // Replaced only now that the new bag is complete.
                    let old = tempfile::Builder::new().prefix(".newsarc-old-").tempdir_in(dir.path())?;
                    std::fs::rename(out, old.path().join("bag"))?;
                }
                std::fs::rename(&built, out)
            }
        }
    }
}
