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

use crate::model::{Article, OriginalId};

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

/// A reader: its name, the file name endings it claims, and its functions.
pub struct Reader {
    pub name: &'static str,
    pub extensions: &'static [&'static str],
    pub description: &'static str,
    /// Reads one article; an input that holds several is refused, saying so.
    pub read: fn(&[u8], &ReadOptions) -> Result<Article, ReadError>,
    /// Reads every article of an input that can hold several (a collection EPUB, a NewsML-G2
    /// `newsMessage`), each with an id unique within the input; `None` when the format holds one.
    pub read_all: Option<ReadAll>,
}

/// A reader of every article of one input.
pub type ReadAll = fn(&[u8], &ReadOptions) -> Result<Vec<Article>, ReadError>;

impl Reader {
    /// Every article of an input: [`Reader::read_all`] where the format has it, else the one.
    pub fn read_articles(&self, bytes: &[u8], options: &ReadOptions) -> Result<Vec<Article>, ReadError> {
        match self.read_all {
            Some(read_all) => read_all(bytes, options),
            None => (self.read)(bytes, options).map(|a| vec![a]),
        }
    }
}

/// Every input format, by name.
pub const READERS: &[Reader] = &[
    Reader {
        name: "text",
        extensions: &["txt", "md", "markdown"],
        description: "news article text (Markdown as scrapers leave it)",
        read: text::read,
        read_all: None,
    },
    Reader {
        name: "newsml",
        extensions: &["xml"],
        description: "IPTC NewsML-G2 text newsItem (XHTML, NITF or plain-text body), or the text items of a newsMessage",
        read: newsml::read,
        read_all: Some(newsml::read_articles),
    },
    Reader {
        name: "epub",
        extensions: &["epub"],
        description: "EPUB publication (newsarc's own exactly; simple others as one article)",
        read: epub::read,
        read_all: Some(epub::read_articles),
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

/// The URI of an article from the identifier its source gives (`role`: `guid`, `identifier`):
/// the identifier itself when it is a URI as IPTC's schemas mean it (RFC 3986: a scheme, ASCII,
/// no spaces), otherwise a `urn:uuid:` derived from it ([`crate::model::uri_for_identifier`]),
/// with the original to keep. No identifier, or an empty one: a `urn:uuid:` of `fallback` (the
/// source's SHA-256, as for text inputs).
pub fn uri_from_identifier(identifier: Option<&str>, role: &str, fallback: &str) -> (String, Option<OriginalId>) {
    match identifier.filter(|i| !i.trim().is_empty()) {
        None => (crate::model::uri_for_sha256(fallback), None),
        Some(id) if is_strict_uri(id) => (id.to_string(), None),
        Some(id) => {
            (crate::model::uri_for_identifier(id), Some(OriginalId { role: role.to_string(), value: id.to_string() }))
        }
    }
}

/// Whether `s` is a URI by the same check ninjs validation uses (`format: uri`).
pub fn is_strict_uri(s: &str) -> bool {
    static URI: std::sync::LazyLock<jsonschema::Validator> = std::sync::LazyLock::new(|| {
        jsonschema::options()
            .should_validate_formats(true)
            .build(&serde_json::json!({"type": "string", "format": "uri"}))
            .expect("a constant schema")
    });
    URI.is_valid(&serde_json::Value::String(s.to_string()))
}

/// The reader called `name`.
pub fn reader(name: &str) -> Option<&'static Reader> {
    READERS.iter().find(|r| r.name == name)
}

/// The reader for a file name by its ending (case-insensitive); the text reader otherwise.
pub fn reader_for_name(file_name: &str) -> &'static Reader {
    reader_for_extension(file_name).unwrap_or(&READERS[0])
}

/// The reader that claims a file name's ending, if one does.
pub fn reader_for_extension(file_name: &str) -> Option<&'static Reader> {
    let ext = file_name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase())?;
    READERS.iter().find(|r| r.extensions.contains(&ext.as_str()))
}

/// What the bytes themselves say they are, when nothing else does (standard input, a name with
/// no known ending): a zip whose first entry is an EPUB `mimetype`, an XML document whose root is
/// a NewsML-G2 item or message; otherwise the text reader.
pub fn reader_for_bytes(bytes: &[u8]) -> &'static Reader {
    let name = if sniff::is_epub(bytes) {
        "epub"
    } else if sniff::is_newsml(bytes) {
        "newsml"
    } else {
        "text"
    };
    reader(name).expect("a registered reader")
}

/// The reader for an input: by its name's ending when it has a known one, else by its bytes.
pub fn reader_for(file_name: Option<&str>, bytes: &[u8]) -> &'static Reader {
    file_name.and_then(reader_for_extension).unwrap_or_else(|| reader_for_bytes(bytes))
}

pub mod sniff {
    //! Recognising formats by their first bytes.

    /// A zip (local file header) whose first entry is `mimetype` holding `application/epub+zip`.
    pub fn is_epub(bytes: &[u8]) -> bool {
        bytes.starts_with(b"PK\x03\x04")
            && bytes.get(30..38) == Some(b"mimetype")
            && bytes.get(38..58).is_some_and(|b| b == b"application/epub+zip")
    }

    /// An XML document (after an optional BOM, declaration, comments and white space) whose
    /// root element is a NewsML-G2 `newsItem` or `newsMessage`, with or without a prefix.
    pub fn is_newsml(bytes: &[u8]) -> bool {
        let head = &bytes[..bytes.len().min(4096)];
        let text = String::from_utf8_lossy(head);
        let mut rest = text.trim_start_matches('\u{FEFF}').trim_start();
        if !rest.starts_with('<') {
            return false;
        }
        // Skip the declaration, processing instructions, comments and a doctype.
        loop {
            rest = rest.trim_start();
            let skip = if rest.starts_with("<?") {
                rest.find("?>").map(|i| i + 2)
            } else if rest.starts_with("<!--") {
                rest.find("-->").map(|i| i + 3)
            } else if rest.starts_with("<!") {
                rest.find('>').map(|i| i + 1)
            } else {
                break;
            };
            match skip {
                Some(i) => rest = &rest[i..],
                None => return false,
            }
        }
        let name: String =
            rest.trim_start_matches('<').chars().take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/').collect();
        let local = name.rsplit(':').next().unwrap_or("");
        matches!(local, "newsItem" | "newsMessage")
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn newsml_roots_are_recognised_with_or_without_a_prologue() {
            assert!(is_newsml(b"<newsItem xmlns='x'/>"));
            assert!(is_newsml(b"\xEF\xBB\xBF<?xml version='1.0'?>\n<!-- c --><nar:newsMessage xmlns:nar='x'>"));
            assert!(!is_newsml(b"<html><newsItem/></html>"));
            assert!(!is_newsml(b"# newsItem\n\ntext"));
        }
    }
}
