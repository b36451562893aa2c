//! Writers: an [`Article`] into the bytes of one rendition.
//!
//! Writers are chosen by name from one table, [`WRITERS`]: adding a rendition is adding a module
//! and a line there. A writer never parses and never does I/O; it returns bytes, the same bytes
//! for the same article and context.
//!
//! - [`newsml`]: IPTC NewsML-G2 2.35 newsItem.
//! - [`epub`]: EPUB 3.3 publication (and collection books of many articles).
//! - [`ninjs`]: IPTC ninjs 3.1 JSON.
//! - [`metadata`]: the project's metadata record, which also lists the checksums of the other
//!   renditions, so it is written last (it is last in the table).
//! - [`html`]: the body as an XHTML fragment, shared by the writers that embed HTML.

pub mod epub;
pub mod html;
pub mod metadata;
pub mod newsml;
pub mod ninjs;

use crate::model::Article;
use serde::Serialize;

/// What a writer knows beyond the article: the renditions written before it.
#[derive(Debug, Clone, Default)]
pub struct WriteContext {
    pub renditions: Vec<RenditionInfo>,
}

/// A rendition already written: its writer, file name, media type, size and SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct RenditionInfo {
    pub name: String,
    pub file: String,
    pub media_type: String,
    pub size: u64,
    pub sha256: String,
}

/// Why a rendition could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{writer}: {message}")]
    Failed { writer: &'static str, message: String },
}

/// A writer: its name (as `--to` takes it), what it writes, the file names it uses, its function.
pub struct Writer {
    pub name: &'static str,
    pub description: &'static str,
    pub media_type: &'static str,
    /// Appended to the article id when converting into a folder: `<id>.ninjs.json`.
    pub suffix: &'static str,
    /// The file's name inside a package's article folder.
    pub package_name: &'static str,
    pub write: fn(&Article, &WriteContext) -> Result<Vec<u8>, WriteError>,
}

/// Every rendition, in the order they are written.
pub const WRITERS: &[Writer] = &[
    Writer {
        name: "newsml",
        description: "IPTC NewsML-G2 2.35 text newsItem (XHTML body)",
        media_type: "application/vnd.iptc.g2.newsitem+xml",
        suffix: ".newsml.xml",
        package_name: "article.xml",
        write: newsml::write,
    },
    Writer {
        name: "epub",
        description: "EPUB 3.3 publication (EPUBCheck- and Ace-clean)",
        media_type: "application/epub+zip",
        suffix: ".epub",
        package_name: "article.epub",
        write: epub::write,
    },
    Writer {
        name: "ninjs",
        description: "IPTC ninjs 3.1 (news in JSON)",
        media_type: "application/json",
        suffix: ".ninjs.json",
        package_name: "article.json",
        write: ninjs::write,
    },
    Writer {
        name: "metadata",
        description: "newsarc metadata record: all the reader learned, with checksums",
        media_type: "application/json",
        suffix: ".metadata.json",
        package_name: "metadata.json",
        write: metadata::write,
    },
];

/// The writer called `name`.
pub fn writer(name: &str) -> Option<&'static Writer> {
    WRITERS.iter().find(|w| w.name == name)
}

/// JSON with two-space indentation, raw UTF-8 (no `\u` escapes) and a final newline.
pub(crate) fn to_json_bytes<T: Serialize>(value: &T) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(value).expect("the model serializes to JSON");
    out.push(b'\n');
    out
}
