//! Readers: bytes of one input format into an [`Article`](crate::model::Article).
//!
//! Readers are chosen by name from one table, [`READERS`] (the pandoc shape): adding a format is
//! adding a module and a line there. Each reader returns the article with the warnings it raised
//! inside it, or a [`ReadError`] when the input cannot be read at all.
//!
//! An input's reader is the one its bytes call for ([`reader_for`]): [`sniff`] says what they
//! are (a [`sniff::Kind`]), and each reader lists the kinds it takes. What no reader takes (JSON, other XML, PDF, images, archives, web archives, binary data) is refused with what it
//! looks like; a reader for one of them is a module and a line in the table, naming its kind.
//!
//! - [`text`]: the article text format (Markdown-ish files from scrapers), built on
//!   [`decode`] (bytes to clean text), [`markdown`] (CommonMark to blocks), [`dateline`] and
//!   [`language`] detection.
//! - [`html`]: HTML pages, their main text extracted and the metadata they publish read.
//! - [`sidecar`]: the `<name>.meta.json` metadata file beside an article.
//!
//! Every reader gives each article its URI by [`settle_uri`] (what names the article: the
//! source's identifier, the source URL, the input's path, its bytes); the loader settles it again
//! once supplied values are applied (`crate::load`).

pub mod dateline;
pub mod decode;
pub mod epub;
pub mod html;
pub mod language;
pub mod lines;
pub mod markdown;
pub mod newsml;
pub mod sidecar;
pub mod sniff;
pub mod text;
pub mod xhtml;
pub mod xml;

use crate::model::{Article, OriginalId, UriOrigin, Warning, WarningCode};
use sniff::Kind;

/// Default largest input accepted: 64 MiB.
pub const DEFAULT_MAX_INPUT_SIZE: u64 = 64 * 1024 * 1024;

/// Options every reader takes.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// The input's file name (no folders); it gives the default id. `None` for standard input.
    pub source_name: Option<String>,
    /// The input's path below the folder given (`desk-1/a.txt`, `/`-separated), or its file
    /// name when it was named alone: what its URI derives from when nothing else names the
    /// article. `None`: the file name (`source_name`) is used.
    pub source_path: Option<String>,
    /// Replace invalid UTF-8 by U+FFFD (with warnings) instead of failing.
    pub lossy: bool,
    /// Largest input accepted, in bytes.
    pub max_input_size: u64,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions { source_name: None, source_path: None, lossy: false, max_input_size: DEFAULT_MAX_INPUT_SIZE }
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
    /// Markup, data or a web archive no reader takes ([`sniff`]): what it is, and why not.
    #[error("{what}; {why}")]
    NotRead { what: String, why: &'static str },
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
    /// An HTML page whose main text is too little to be an article ([`html`]).
    #[error("an HTML page that is not an article: {why}")]
    NotAnArticle { why: String },
    #[error("{0}")]
    Unsupported(String),
    #[error("EPUB: {0}")]
    Container(String),
    #[error("sidecar metadata: {0}")]
    Sidecar(String),
}

/// A reader: its name, the file name endings and the kinds of bytes it takes, and its functions.
pub struct Reader {
    pub name: &'static str,
    pub extensions: &'static [&'static str],
    pub description: &'static str,
    /// The kinds of bytes ([`sniff::Kind`]) it reads, whatever the input's name.
    pub kinds: &'static [Kind],
    /// Kinds it is given too when the input's name ends in one of its [`Reader::extensions`]:
    /// bytes its format may hold that say less than they are (a zip named `.epub` whose first
    /// entry is not `mimetype`), or that the reader explains best (XML of another root named
    /// `.xml`, text named `.epub`).
    pub named_kinds: &'static [Kind],
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
        kinds: &[Kind::Text],
        named_kinds: &[],
        read: text::read,
        read_all: None,
    },
    Reader {
        name: "newsml",
        extensions: &["xml"],
        description: "IPTC NewsML-G2 text newsItem (XHTML, NITF or plain-text body), or the text items of a newsMessage",
        kinds: &[Kind::NewsMl],
        named_kinds: &[Kind::Xml, Kind::Text],
        read: newsml::read,
        read_all: Some(newsml::read_articles),
    },
    Reader {
        name: "epub",
        extensions: &["epub"],
        description: "EPUB publication (newsarc's own exactly; simple others as one article)",
        kinds: &[Kind::Epub],
        named_kinds: &[Kind::Zip, Kind::Text],
        read: epub::read,
        read_all: Some(epub::read_articles),
    },
    Reader {
        name: "html",
        extensions: &["html", "htm", "xhtml"],
        description: "HTML page (its main text, and the metadata it publishes: JSON-LD, OpenGraph, meta tags)",
        kinds: &[Kind::Html],
        named_kinds: &[],
        read: html::read,
        read_all: None,
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
/// with the original to keep. `None` when there is no identifier, or an empty one: the URI is
/// then derived from what else names the article ([`settle_uri`]).
pub fn uri_from_identifier(identifier: Option<&str>, role: &str) -> Option<(String, Option<OriginalId>)> {
    match identifier.filter(|i| !i.trim().is_empty())? {
        id if is_strict_uri(id) => Some((id.to_string(), None)),
        id => Some((
            crate::model::uri_for_identifier(id),
            Some(OriginalId { role: role.to_string(), value: id.to_string() }),
        )),
    }
}

/// What an article's URI is derived from when neither the caller nor the source gives one.
#[derive(Debug, Clone, Copy, Default)]
pub struct UriBasis<'a> {
    /// The article's id was supplied (a sidecar `id`, `--id`): the URI derives from it.
    pub id_supplied: bool,
    /// The input's path below the folder given, or its file name (see
    /// [`ReadOptions::source_path`]); `None` for standard input.
    pub path: Option<&'a str>,
    /// The article's place (1-based) in an input of several (a newsMessage, a collection EPUB),
    /// so that articles sharing the input's path or bytes get URIs of their own.
    pub part: Option<usize>,
}

/// Gives the article the URI of the first thing that names it, and says where it came from
/// (`uri_origin`), in this order:
///
/// 1. a URI supplied, or 2. the source's identifier (`uri_origin` [`UriOrigin::is_given`]):
///    kept as it is;
/// 3. a supplied id: [`crate::model::uri_for_id`] of the article's id;
/// 4. the source URL: [`crate::model::uri_for_source_url`];
/// 5. the input's path: [`crate::model::uri_for_path`] (with `#<part>` for an article of
///    several), with warning NA-READ-016;
/// 6. otherwise the source's SHA-256 (with `:<part>`), with warning NA-READ-017.
///
/// Settling again (after overrides) replaces what an earlier settling derived and said.
pub fn settle_uri(article: &mut Article, basis: &UriBasis) {
    article.warnings.retain(|w| !matches!(w.code, WarningCode::UriFromPath | WarningCode::UriFromDigest));
    if article.uri_origin.is_given() {
        return;
    }
    let keyed = |key: &str, separator: char| match basis.part {
        Some(n) => format!("{key}{separator}{n}"),
        None => key.to_string(),
    };
    let url = article.source_url.as_deref().filter(|u| !u.trim().is_empty());
    let path = basis.path.filter(|p| !p.is_empty());
    let (uri, origin, warning) = if basis.id_supplied {
        (crate::model::uri_for_id(&article.id), UriOrigin::Id, None)
    } else if let Some(url) = url {
        (crate::model::uri_for_source_url(url), UriOrigin::SourceUrl, None)
    } else if let Some(path) = path {
        let warning = Warning::new(
            WarningCode::UriFromPath,
            format!(
                "nothing names the article (no supplied URI or id, no identifier in the source, no source URL): its URI is derived from its path `{path}`, and changes if the file is moved or renamed; give it a sidecar `id` or `uri`, or a source URL, to keep it"
            ),
        );
        (crate::model::uri_for_path(&keyed(path, '#')), UriOrigin::Path, Some(warning))
    } else {
        let sha256 = article.source.as_ref().map_or("", |s| s.sha256.as_str());
        let warning = Warning::new(
            WarningCode::UriFromDigest,
            "nothing names the article (no supplied URI or id, no identifier in the source, no source URL, no file name): its URI is derived from its bytes, and changes with any edit; give --id or --source-url to keep it",
        );
        (crate::model::uri_for_sha256(&keyed(sha256, ':')), UriOrigin::Digest, Some(warning))
    };
    article.uri = uri;
    article.uri_origin = origin;
    article.warnings.extend(warning);
}

/// [`settle_uri`] for every article of one input; each of several gets its place as its part.
pub fn settle_uris(articles: &mut [Article], id_supplied: bool, path: Option<&str>) {
    let many = articles.len() > 1;
    for (i, article) in articles.iter_mut().enumerate() {
        settle_uri(article, &UriBasis { id_supplied, path, part: many.then_some(i + 1) });
    }
}

/// The path a reader's articles derive their URI from: the path given, else the file name.
pub(crate) fn uri_path(options: &ReadOptions) -> Option<&str> {
    options.source_path.as_deref().or(options.source_name.as_deref())
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

/// The reader that claims a file name's ending, if one does (case-insensitive).
pub fn reader_for_extension(file_name: &str) -> Option<&'static Reader> {
    let ext = file_name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase())?;
    READERS.iter().find(|r| r.extensions.contains(&ext.as_str()))
}

/// The reader that takes bytes of this kind, whatever the input's name.
pub fn reader_for_kind(kind: Kind) -> Option<&'static Reader> {
    READERS.iter().find(|r| r.kinds.contains(&kind))
}

/// The reader for an input, by what its bytes are ([`sniff::sniff`]): the reader its name's
/// ending names when it takes bytes of that kind (see [`Reader::named_kinds`]), else the reader
/// that takes that kind whatever the name (a NewsML-G2 item named `.txt` is read as NewsML-G2).
/// Bytes no reader takes (an HTML page, JSON, a PDF, an image, other binary data) are refused,
/// saying what they are ([`sniff::Sniffed::refusal`]): never read as article text.
pub fn reader_for(file_name: Option<&str>, bytes: &[u8]) -> Result<&'static Reader, ReadError> {
    let sniffed = sniff::sniff(bytes);
    let named = file_name
        .and_then(reader_for_extension)
        .filter(|r| r.kinds.contains(&sniffed.kind) || r.named_kinds.contains(&sniffed.kind));
    named.or_else(|| reader_for_kind(sniffed.kind)).ok_or_else(|| sniffed.refusal())
}

/// The kinds of bytes no reader takes: what is refused ([`reader_for`]).
pub fn unread_kinds() -> impl Iterator<Item = Kind> {
    Kind::ALL.iter().copied().filter(|&k| reader_for_kind(k).is_none())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A URN as the documentation derives it, computed here with the uuid crate alone.
    fn v5(kind: &str, name: &str) -> String {
        let namespace = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, format!("newsarc {kind}").as_bytes());
        format!("urn:uuid:{}", uuid::Uuid::new_v5(&namespace, name.as_bytes()))
    }

    const WITH_URL: &str = "# Ferry back\n\nThe ferry sails again.\n\n---\n\n<https://example.org/ferry>\n";
    const NO_URL: &str = "# Ferry back\n\nThe ferry sails again.\n";

    fn read_text(text: &str, path: Option<&str>) -> Article {
        let options = ReadOptions { source_path: path.map(str::to_string), ..ReadOptions::default() };
        text::read(text.as_bytes(), &options).unwrap()
    }

    fn uri_warnings(a: &Article) -> Vec<WarningCode> {
        a.warnings
            .iter()
            .map(|w| w.code)
            .filter(|c| matches!(c, WarningCode::UriFromPath | WarningCode::UriFromDigest))
            .collect()
    }

    #[test]
    fn a_source_url_names_the_article_wherever_it_is() {
        let a = read_text(WITH_URL, Some("desk-1/ferry.txt"));
        assert_eq!(
            (a.uri.as_str(), a.uri_origin),
            (v5("source url", "https://example.org/ferry").as_str(), UriOrigin::SourceUrl)
        );
        assert!(uri_warnings(&a).is_empty());
        assert_eq!(read_text(WITH_URL, Some("elsewhere/renamed.txt")).uri, a.uri);
    }

    #[test]
    fn with_nothing_else_the_path_names_it_and_that_is_said() {
        let a = read_text(NO_URL, Some("desk-1/ferry.txt"));
        assert_eq!((a.uri.as_str(), a.uri_origin), (v5("path", "desk-1/ferry.txt").as_str(), UriOrigin::Path));
        assert_eq!(uri_warnings(&a), [WarningCode::UriFromPath]);
        assert!(
            a.warnings
                .iter()
                .any(|w| w.message.contains("`desk-1/ferry.txt`") && w.message.contains("moved or renamed"))
        );
        // A file name alone (no source_path) is the path.
        let named =
            text::read(NO_URL.as_bytes(), &ReadOptions { source_name: Some("ferry.txt".into()), ..Default::default() })
                .unwrap();
        assert_eq!(named.uri, v5("path", "ferry.txt"));
        assert_ne!(read_text(NO_URL, Some("desk-2/ferry.txt")).uri, a.uri);
    }

    #[test]
    fn with_no_path_either_the_bytes_name_it_and_that_is_said() {
        let a = read_text(NO_URL, None);
        let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(NO_URL.as_bytes()));
        assert_eq!(
            (a.uri.as_str(), a.uri_origin),
            (v5("article", &format!("sha256:{sha}")).as_str(), UriOrigin::Digest)
        );
        assert_eq!(uri_warnings(&a), [WarningCode::UriFromDigest]);
    }

    #[test]
    fn a_supplied_id_beats_the_source_url_and_the_path() {
        let mut a = read_text(WITH_URL, Some("desk-1/ferry.txt"));
        a.id = "osk-ferry-0042".to_string();
        settle_uri(&mut a, &UriBasis { id_supplied: true, path: Some("desk-1/ferry.txt"), part: None });
        assert_eq!((a.uri.as_str(), a.uri_origin), (v5("id", "osk-ferry-0042").as_str(), UriOrigin::Id));
        let mut b = read_text(NO_URL, Some("desk-1/ferry.txt"));
        b.id = "osk-ferry-0042".to_string();
        settle_uri(&mut b, &UriBasis { id_supplied: true, path: Some("desk-1/ferry.txt"), part: None });
        assert_eq!(b.uri, a.uri);
        assert!(uri_warnings(&b).is_empty(), "settling again takes back what was said of the path");
    }

    #[test]
    fn a_given_uri_or_identifier_is_kept_over_everything_derived() {
        for origin in [UriOrigin::Supplied, UriOrigin::Guid, UriOrigin::Identifier] {
            let mut a = read_text(WITH_URL, Some("desk-1/ferry.txt"));
            (a.uri, a.uri_origin) = ("urn:newsml:example.org:ferry".to_string(), origin);
            settle_uri(&mut a, &UriBasis { id_supplied: true, path: Some("x.txt"), part: None });
            assert_eq!((a.uri.as_str(), a.uri_origin), ("urn:newsml:example.org:ferry", origin));
        }
    }

    #[test]
    fn articles_of_one_input_get_uris_of_their_own() {
        let mut all = vec![read_text(NO_URL, None), read_text(NO_URL, None)];
        settle_uris(&mut all, false, Some("feeds/wire.xml"));
        assert_eq!(all[0].uri, v5("path", "feeds/wire.xml#1"));
        assert_eq!(all[1].uri, v5("path", "feeds/wire.xml#2"));
        let mut one = vec![read_text(NO_URL, None)];
        settle_uris(&mut one, false, Some("feeds/wire.xml"));
        assert_eq!(one[0].uri, v5("path", "feeds/wire.xml"));
    }

    #[test]
    fn identifiers_that_are_uris_are_kept_and_others_derive_one() {
        assert_eq!(uri_from_identifier(Some("urn:newsml:a:b"), "guid"), Some(("urn:newsml:a:b".to_string(), None)));
        let (uri, original) = uri_from_identifier(Some("LMW 0117/2"), "guid").unwrap();
        assert_eq!(uri, v5("identifier", "LMW 0117/2"));
        assert_eq!(original.map(|o| (o.role, o.value)), Some(("guid".to_string(), "LMW 0117/2".to_string())));
        assert_eq!(uri_from_identifier(Some("  "), "guid"), None);
        assert_eq!(uri_from_identifier(None, "identifier"), None);
    }
}
