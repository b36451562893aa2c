//! Readers: bytes of one input format into an [`Article`](crate::model::Article).
//!
//! Readers are chosen by name from one table, [`READERS`] (the pandoc shape): adding a format is
//! adding a module and a line there. Each reader returns the article with the warnings it raised
//! inside it, or a [`ReadError`] when the input cannot be read at all.
//!
//! - [`text`]: the article text format (Markdown-ish files from scrapers), built on
//!   [`decode`] (bytes to clean text), [`markdown`] (CommonMark to blocks), [`dateline`] and
//!   [`language`] detection.
//! - [`sidecar`]: the `<name>.meta.json` metadata file beside an article.

pub mod dateline;
pub mod decode;
pub mod epub;
pub mod language;
pub mod lines;
pub mod markdown;
pub mod newsml;
pub mod sidecar;
pub mod text;
pub mod xhtml;
pub mod xml;

use crate::model::Article;

/// Default largest input accepted: 64 MiB.
pub const DEFAULT_MAX_INPUT_SIZE: u64 = 64 * 1024 * 1024;

/// Options every reader takes.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// The input's file name (no folders); it gives the default id. `None` for standard input.
    pub source_name: Option<String>,
    /// Replace invalid UTF-8 by U+FFFD (with warnings) instead of failing.
    pub lossy: bool,
    /// Largest input accepted, in bytes.
    pub max_input_size: u64,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions { source_name: None, lossy: false, max_input_size: DEFAULT_MAX_INPUT_SIZE }
    }
}

/// Why an input could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("the file is empty (0 bytes)")]
    Empty,
    #[error("the file holds only white space")]
    Blank,
    #[error("the file holds only a UTF-8 byte order mark")]
    OnlyBom,
    #[error("the file is {size} bytes, over the input size limit of {limit} bytes (raise it with --max-input-size)")]
    TooLarge { size: u64, limit: u64 },
    #[error("not text: {what} at byte offset {offset}")]
    Binary { what: String, offset: u64 },
    #[error(
        "invalid UTF-8 at byte offset {offset} (line {line}, column {column}: {bytes}); \
         the file may be Latin-1 or Windows-1252: convert it to UTF-8, or pass --lossy to replace invalid bytes with U+FFFD"
    )]
    InvalidUtf8 { offset: u64, line: u32, column: u32, bytes: String },
    #[error(
        "incomplete UTF-8 sequence at the end of the file, byte offset {offset} (line {line}, column {column}: {bytes}); \
         the file was cut off: pass --lossy to replace the incomplete character with U+FFFD"
    )]
    TruncatedUtf8 { offset: u64, line: u32, column: u32, bytes: String },
    #[error("XML error at line {line}, column {column}: {message}")]
    Xml { line: u32, column: u32, message: String },
    #[error("{0}")]
    Unsupported(String),
    #[error("EPUB: {0}")]
    Container(String),
    #[error("sidecar metadata: {0}")]
    Sidecar(String),
}

/// A reader: its name, the file name endings it claims, and its function.
pub struct Reader {
    pub name: &'static str,
    pub extensions: &'static [&'static str],
    pub description: &'static str,
    pub read: fn(&[u8], &ReadOptions) -> Result<Article, ReadError>,
}

/// Every input format, by name.
pub const READERS: &[Reader] = &[
    Reader {
        name: "text",
        extensions: &["txt", "md", "markdown"],
        description: "news article text (Markdown as scrapers leave it)",
        read: text::read,
    },
    Reader {
        name: "newsml",
        extensions: &["xml"],
        description: "IPTC NewsML-G2 text newsItem (XHTML, NITF or plain-text body)",
        read: newsml::read,
    },
    Reader {
        name: "epub",
        extensions: &["epub"],
        description: "EPUB publication (newsarc's own exactly; simple others as one article)",
        read: epub::read,
    },
];

/// The id an article gets from its file name: the name without its extension, and without a
/// rendition suffix (`story.newsml.xml` is `story`), made safe; `sha256-<16 hex>` when no name
/// gives one (standard input, or a name with no usable character).
pub fn default_id(source_name: Option<&str>, sha256: &str) -> String {
    source_name
        .map(|n| n.rsplit_once('.').map_or(n, |(stem, _)| stem))
        .map(|stem| {
            ["newsml", "ninjs", "metadata"].iter().find_map(|s| stem.strip_suffix(&format!(".{s}"))).unwrap_or(stem)
        })
        .and_then(crate::model::safe_id_from_name)
        .unwrap_or_else(|| format!("sha256-{}", &sha256[..16]))
}

/// The reader called `name`.
pub fn reader(name: &str) -> Option<&'static Reader> {
    READERS.iter().find(|r| r.name == name)
}

/// The reader for a file name by its ending (case-insensitive); the text reader otherwise.
pub fn reader_for_name(file_name: &str) -> &'static Reader {
    let ext = file_name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    READERS.iter().find(|r| r.extensions.contains(&ext.as_str())).unwrap_or(&READERS[0])
}
