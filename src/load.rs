//! Loading an article: bytes from a file or standard input, the reader for its format, its
//! sidecar metadata, the caller's overrides, and the timestamp formats require.
//!
//! The reader is the one the bytes call for, whatever the name ([`crate::read::reader_for`]):
//! an input no reader takes (an HTML page, JSON, a PDF, an image...) is refused with what it
//! looks like, for files and standard input alike; `--from` (`LoadOptions::format`) names the
//! reader instead.
//!
//! Precedence: options over the sidecar over what the reader found. The URI is settled once all
//! of them are applied ([`crate::read::settle_uri`]): a supplied URI, the source's identifier, a
//! supplied id, the source URL, the input's path ([`ReadOptions::source_path`], by default its
//! file name), its bytes. The version timestamp comes from, in order: an option or the sidecar,
//! `SOURCE_DATE_EPOCH` (passed in by the caller), the file's modification time.

use crate::model::{Article, LanguageOrigin, Overrides, SidecarFile, Timestamp, TimestampOrigin, Warning, WarningCode};
use crate::read::{self, ReadError, ReadOptions, Reader};
use sha2::{Digest, Sha256};
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Where an article comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Path(PathBuf),
    Stdin,
}

impl Input {
    /// `-` is standard input.
    pub fn from_arg(arg: &Path) -> Input {
        if arg.as_os_str() == "-" { Input::Stdin } else { Input::Path(arg.to_path_buf()) }
    }
}

impl fmt::Display for Input {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Input::Path(p) => write!(f, "{}", p.display()),
            Input::Stdin => f.write_str("<stdin>"),
        }
    }
}

/// How to load articles.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    pub read: ReadOptions,
    /// Reader by name; by default chosen from the file name.
    pub format: Option<&'static str>,
    /// Values given as options; they win over the sidecar and the reader.
    pub overrides: Overrides,
    /// Do not look for `<stem>.meta.json` beside the input.
    pub no_sidecar: bool,
    /// `SOURCE_DATE_EPOCH`, if the caller has one.
    pub source_date_epoch: Option<Timestamp>,
}

/// Why an article could not be loaded; names the input.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{input}: {source}")]
    Read { input: String, source: ReadError },
    #[error("{input}: {}", crate::output::io_reason(.source))]
    Io { input: String, source: std::io::Error },
    #[error("{input}: unknown input format `{format}`")]
    UnknownFormat { input: String, format: String },
}

/// Loads one article.
pub fn load(input: &Input, options: &LoadOptions) -> Result<Article, LoadError> {
    load_with_bytes(input, options).map(|(article, _)| article)
}

/// Loads one article and gives back the input's bytes too (packages keep them as they were). An
/// input of several articles (a collection EPUB, a newsMessage) is refused: see [`load_all`].
pub fn load_with_bytes(input: &Input, options: &LoadOptions) -> Result<(Article, Vec<u8>), LoadError> {
    let (mut articles, bytes) = load_all_with_bytes(input, options)?;
    match articles.len() {
        1 => Ok((articles.remove(0), bytes)),
        n => Err(LoadError::Read {
            input: input.to_string(),
            source: ReadError::Unsupported(format!(
                "holds {n} articles, and this reads one; convert or pack it, which read each article"
            )),
        }),
    }
}

/// `story.txt` -> `story.meta.json` in the same folder.
pub fn sidecar_path(path: &Path) -> Option<PathBuf> {
    let stem = path.file_stem()?;
    let mut name = stem.to_os_string();
    name.push(".meta.json");
    Some(path.with_file_name(name))
}

/// Reads at most `limit + 1` bytes, so an oversized input is refused without being held whole.
fn read_capped(reader: impl Read, limit: u64) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Loads every article of one input: one for most formats, each article of a collection EPUB or
/// each text item of a NewsML-G2 `newsMessage` (ids unique within the input). The sidecar and the
/// options apply to each; with several articles, a supplied id becomes the prefix of each
/// article's own (`<id>-<item id>`), and a supplied URI is refused (each keeps its own).
pub fn load_all(input: &Input, options: &LoadOptions) -> Result<Vec<Article>, LoadError> {
    load_all_with_bytes(input, options).map(|(articles, _)| articles)
}

/// [`load_all`], giving back the input's bytes too.
pub fn load_all_with_bytes(input: &Input, options: &LoadOptions) -> Result<(Vec<Article>, Vec<u8>), LoadError> {
    let name = input.to_string();
    let io = |source| LoadError::Io { input: name.clone(), source };
    let (bytes, file_name, mtime) = match input {
        Input::Stdin => (read_capped(std::io::stdin().lock(), options.read.max_input_size).map_err(io)?, None, None),
        Input::Path(path) => {
            let file = std::fs::File::open(path).map_err(io)?;
            let mtime = file.metadata().and_then(|m| m.modified()).ok();
            let bytes = read_capped(file, options.read.max_input_size).map_err(io)?;
            (bytes, path.file_name().map(|n| n.to_string_lossy().into_owned()), mtime)
        }
    };
    // By what the bytes are, whatever the name: what no reader takes is refused, saying what
    // it is. A reader named with `--from` is given the bytes as they are.
    let reader: &Reader = match options.format {
        Some(format) => read::reader(format)
            .ok_or_else(|| LoadError::UnknownFormat { input: name.clone(), format: format.to_string() })?,
        None if bytes.len() as u64 > options.read.max_input_size => {
            let (size, limit) = (bytes.len() as u64, options.read.max_input_size);
            return Err(LoadError::Read { input: name, source: ReadError::TooLarge { size, limit } });
        }
        None => read::reader_for(file_name.as_deref(), &bytes)
            .map_err(|source| LoadError::Read { input: name.clone(), source })?,
    };
    // A file's URI falls back on its path below the folder given, else on its file name.
    let source_path = options.read.source_path.clone().or_else(|| file_name.clone());
    let read_options = ReadOptions { source_name: file_name, source_path, ..options.read.clone() };
    let mut articles = reader
        .read_articles(&bytes, &read_options)
        .map_err(|source| LoadError::Read { input: name.clone(), source })?;
    let count = articles.len();
    let many = count > 1;

    let mut sidecar = None;
    if let (Input::Path(path), false) = (input, options.no_sidecar)
        && let Some(sidecar_path) = sidecar_path(path).filter(|p| p.is_file())
    {
        let sidecar_name = sidecar_path.display().to_string();
        let bytes =
            std::fs::read(&sidecar_path).map_err(|source| LoadError::Io { input: sidecar_name.clone(), source })?;
        let overrides =
            read::sidecar::parse(&bytes).map_err(|source| LoadError::Read { input: sidecar_name, source })?;
        let file = SidecarFile {
            name: sidecar_path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            size: bytes.len() as u64,
            sha256: hex::encode(Sha256::digest(&bytes)),
        };
        sidecar = Some((overrides, file));
    }
    let timestamp = options.source_date_epoch.map(|t| (t, TimestampOrigin::SourceDateEpoch)).or_else(|| {
        let seconds = mtime?.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs();
        Some((Timestamp::from_unix_seconds(i64::try_from(seconds).ok()?)?, TimestampOrigin::FileTime))
    });
    let id_supplied = options.overrides.id.is_some() || sidecar.as_ref().is_some_and(|(o, _)| o.id.is_some());
    for (i, article) in articles.iter_mut().enumerate() {
        let own_id = article.id.clone();
        for (overrides, origin) in sidecar
            .iter()
            .map(|(o, _)| (o, LanguageOrigin::Sidecar))
            .chain([(&options.overrides, LanguageOrigin::Option)])
        {
            if many && overrides.uri.is_some() {
                return Err(LoadError::Read {
                    input: name.clone(),
                    source: ReadError::Unsupported(format!(
                        "a URI was supplied, but the input holds {count} articles, each with its own"
                    )),
                });
            }
            let prefixed = overrides.id.as_ref().filter(|_| many).map(|id| format!("{id}-{own_id}"));
            article.apply(overrides, origin);
            if let Some(id) = prefixed {
                article.id = id;
            }
        }
        if let (Some(source), Some((_, file))) = (article.source.as_mut(), sidecar.as_ref()) {
            source.sidecar = Some(file.clone());
        }
        let basis =
            read::UriBasis { id_supplied, path: read_options.source_path.as_deref(), part: many.then_some(i + 1) };
        read::settle_uri(article, &basis);
        if article.version_created.is_none()
            && let Some((t, origin)) = timestamp
        {
            article.version_created = Some(t);
            article.version_created_origin = Some(origin);
            if origin == TimestampOrigin::FileTime {
                article.warnings.push(Warning::new(
                    WarningCode::VersionFromFileTime,
                    format!(
                        "the version timestamp {t} is the file's modification time, which a copy changes; give --created, a sidecar `created`, or SOURCE_DATE_EPOCH"
                    ),
                ));
            }
        }
    }
    Ok((articles, bytes))
}
