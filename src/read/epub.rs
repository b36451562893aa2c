//! EPUB publications back into articles: newsarc's own exactly (so round trips hold), and simple
//! ones from other producers as well as they allow: hrefs may be percent-encoded and name files
//! composed or decomposed; spine items that are not XHTML content documents in the container
//! (SVG, images, remote files, which are never fetched) are skipped with a warning.
//!
//! The archive is read in memory with caps ([`Limits`]): entry count, sizes, compression ratio;
//! names must be safe (no absolute paths, no `..`), symlinks are refused. The package document
//! gives the metadata; the spine gives the content documents, read with `read::xhtml`. In
//! newsarc's own content documents the `header` holds headline and byline, the `footer` source
//! and publisher, and the markers of `write::html` (image links, relative links, heading levels)
//! are undone.

use super::xhtml::{self, Whitespace};
use super::xml::{self, Element};
use super::{ReadError, ReadOptions, dateline, language};
use crate::model::text::{plain_text, word_count};
use crate::model::{
    Article, Block, Direction, LanguageOrigin, PartialDate, SourceFile, Timestamp, UriOrigin, Warning, WarningCode,
    is_language_tag,
};
use sha2::{Digest, Sha256};
use std::io::{Cursor, Read};
use unicode_normalization::UnicodeNormalization;

/// Caps on what an archive may hold before it is refused: one EPUB by default, a whole package
/// with [`Limits::package`]. Each message that reports one names it and its value (the README's
/// "Limits" table lists them).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The entry-count limit.
    pub max_entries: usize,
    /// The per-entry size limit, in bytes (uncompressed).
    pub max_entry_size: u64,
    /// The total-size limit: all entries read, in bytes (uncompressed).
    pub max_total_size: u64,
    /// The compression-ratio limit: uncompressed size over compressed size, for entries over 1 MiB.
    pub max_ratio: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_entries: 10_000, max_entry_size: 64 << 20, max_total_size: 512 << 20, max_ratio: 100 }
    }
}

impl Limits {
    /// For a package of many articles (validation reads it entry by entry).
    pub fn package() -> Limits {
        Limits { max_entries: 1_000_000, max_entry_size: 256 << 20, max_total_size: 16 << 30, max_ratio: 100 }
    }

    /// Whether an entry of `size` bytes (`compressed` in the archive, when it compresses) may be
    /// read after `total` bytes already were; the message names the limit.
    pub fn check_entry(&self, size: u64, compressed: Option<u64>, total: u64) -> Result<(), LimitExceeded> {
        if size > self.max_entry_size {
            return Err(LimitExceeded::Size(format!(
                "{size} bytes, over the per-entry size limit of {} bytes",
                self.max_entry_size
            )));
        }
        if let Some(compressed) = compressed {
            let ratio = size / compressed.max(1);
            if size > 1 << 20 && ratio > self.max_ratio {
                return Err(LimitExceeded::Ratio(format!(
                    "expands {ratio}-fold, over the compression-ratio limit of {} (a zip bomb?)",
                    self.max_ratio
                )));
            }
        }
        if total.saturating_add(size) > self.max_total_size {
            return Err(LimitExceeded::Size(format!(
                "the archive holds over {} bytes, the total-size limit",
                self.max_total_size
            )));
        }
        Ok(())
    }
}

/// Which limit an entry passes, and by how much.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LimitExceeded {
    Size(String),
    Ratio(String),
}

impl std::fmt::Display for LimitExceeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LimitExceeded::Size(m) | LimitExceeded::Ratio(m) => f.write_str(m),
        }
    }
}

use crate::format::epub::{DC_NAMESPACE as DC_NS, OPF_NAMESPACE as OPF_NS};

/// Reads a one-article EPUB (or another producer's book, all chapters as one body).
pub fn read(bytes: &[u8], options: &ReadOptions) -> Result<Article, ReadError> {
    let mut articles = read_articles(bytes, options)?;
    match articles.len() {
        1 => Ok(articles.remove(0)),
        n => Err(ReadError::Unsupported(format!(
            "a newsarc collection book of {n} articles, and this reads one article per file; convert or pack the book, which read each article"
        ))),
    }
}

/// Reads every article of an EPUB: one per chapter of a newsarc book, one for any other book.
pub fn read_articles(bytes: &[u8], options: &ReadOptions) -> Result<Vec<Article>, ReadError> {
    if bytes.len() as u64 > options.max_input_size {
        return Err(ReadError::TooLarge { size: bytes.len() as u64, limit: options.max_input_size });
    }
    let mut book = Archive::open(bytes, Limits::default())?;
    let container = book.xml("META-INF/container.xml")?;
    let rootfile = container
        .root
        .child("rootfiles")
        .and_then(|r| r.child("rootfile"))
        .and_then(|r| r.attribute("full-path"))
        .ok_or_else(|| ReadError::Container("META-INF/container.xml names no rootfile".to_string()))?
        .to_string();
    let opf = book.xml(&rootfile)?.root;
    if opf.name != "package" || opf.namespace.as_deref() != Some(OPF_NS) {
        return Err(ReadError::Container(format!("{rootfile} is not an EPUB package document")));
    }
    let base = rootfile.rsplit_once('/').map_or(String::new(), |(dir, _)| format!("{dir}/"));
    let meta = Metadata::read(&opf);

    let manifest = opf.child("manifest");
    let spine: Vec<String> = opf
        .child("spine")
        .map(|s| s.elements().filter_map(|i| i.attribute("idref")).map(|i| i.trim().to_string()).collect())
        .unwrap_or_default();
    // Manifest items by id (the first of an id wins), so a long spine costs one look-up an item.
    let mut items = std::collections::HashMap::new();
    for item in manifest.into_iter().flat_map(|m| m.elements()) {
        if let Some(id) = item.attribute("id") {
            items.entry(id.trim()).or_insert(item);
        }
    }
    let mut documents = Vec::new();
    let mut skipped = Vec::new();
    // Each document is read and parsed once, however often the spine names it.
    let mut read_already = std::collections::HashSet::new();
    for idref in &spine {
        let Some(&item) = items.get(idref.as_str()) else { continue };
        let is_nav = item.attribute("properties").is_some_and(|p| p.split_whitespace().any(|p| p == "nav"));
        let href = item.attribute("href").unwrap_or_default();
        let media_type = item.attribute("media-type").unwrap_or_default();
        if is_nav {
            continue;
        }
        // Other content (SVG, images, remote files: never fetched) is skipped, and said so.
        if media_type != "application/xhtml+xml" || crate::write::html::is_absolute_url(href) {
            skipped.push(Warning::new(
                WarningCode::SpineItemSkipped,
                format!("the spine item `{href}` ({media_type}) is not an XHTML content document in the publication; skipped"),
            ));
            continue;
        }
        let path = join(&base, href);
        if !read_already.insert(path.clone()) {
            skipped.push(Warning::new(
                WarningCode::SpineItemSkipped,
                format!("the spine names `{href}` more than once; it is read once"),
            ));
            continue;
        }
        documents.push((href.to_string(), book.xml(&path)?.root));
    }
    if documents.is_empty() {
        return Err(ReadError::Container("the spine holds no XHTML content document".to_string()));
    }

    let sha256 = hex::encode(Sha256::digest(bytes));
    let source = SourceFile {
        name: options.source_name.clone(),
        size: bytes.len() as u64,
        sha256: sha256.clone(),
        bom: false,
        line_endings: crate::model::LineEndings::None,
        sidecar: None,
    };
    let base_id = super::default_id(options.source_name.as_deref(), &sha256);
    if meta.ours {
        let many = documents.len() > 1;
        let mut articles = documents
            .iter()
            .enumerate()
            .map(|(i, (_, doc))| {
                let id = if many { format!("{base_id}-{:04}", i + 1) } else { base_id.clone() };
                ours(doc, &meta, many, id, source.clone())
            })
            .map(|a| {
                a.map(|mut a| {
                    a.warnings.extend(skipped.iter().cloned());
                    a
                })
            })
            .collect::<Result<Vec<Article>, ReadError>>()?;
        super::settle_uris(&mut articles, false, super::uri_path(options));
        return Ok(articles);
    }
    // Another producer's book: its chapters in order as one article.
    let mut body = Vec::new();
    let (mut lang, mut dir) = (None, None);
    let mut flattened = Vec::new();
    for (_, doc) in &documents {
        lang = lang.or_else(|| html_lang(doc));
        dir = dir.or_else(|| html_dir(doc));
        if let Some(b) = doc.child("body") {
            body.extend(xhtml::blocks(b, Whitespace::Html, &mut flattened));
        }
    }
    // Said once, however many chapters were flattened.
    skipped.extend(flattened.into_iter().take(1));
    let parts = Parts {
        headline: meta.title.clone(),
        byline: meta.creator.clone(),
        source_url: meta.source.clone(),
        publisher: meta.publisher.clone(),
        dateline: None,
    };
    let mut article = article(body, parts, &meta, lang, dir, base_id, source);
    article.warnings.extend(skipped);
    let mut articles = vec![article];
    super::settle_uris(&mut articles, false, super::uri_path(options));
    Ok(articles)
}

/// The child of `parent` with class `class`.
fn by_class<'e>(parent: Option<&'e Element>, class: &str) -> Option<&'e Element> {
    parent.and_then(|p| p.elements().find(|e| e.attribute("class") == Some(class)))
}

/// One of newsarc's own content documents.
fn ours(doc: &Element, meta: &Metadata, in_book: bool, id: String, source: SourceFile) -> Result<Article, ReadError> {
    let container = doc.child("body").and_then(|b| b.child("article"));
    let container =
        container.ok_or_else(|| ReadError::Container("a newsarc content document without its article".to_string()))?;
    let header = container.child("header");
    let footer = container.child("footer");
    let headline = header.and_then(|h| h.child("h1")).map(|h| h.text());
    let byline = by_class(header, "byline").map(|p| p.text());
    let source_url = by_class(footer, "source").map(|p| match p.child("a") {
        Some(a) => a.attribute("href").unwrap_or_default().to_string(),
        None => p.text(),
    });
    let publisher = by_class(footer, "publisher").map(|p| p.text());
    // The dateline as newsarc marks it: apart in the header, or in a span opening the first
    // paragraph (which a heading may precede).
    let marked = by_class(header, "dateline").or_else(|| {
        let first = container.elements().find(|e| e.name == "p")?;
        first.elements().next().filter(|s| s.name == "span" && s.attribute("class") == Some("dateline"))
    });
    let dateline = marked.map(|e| e.text()).filter(|t| !t.trim().is_empty()).map(|text| {
        dateline::parse_alone(&text).unwrap_or(crate::model::Dateline {
            text,
            place: None,
            date: None,
            agency: None,
            separator: None,
        })
    });
    let body_element = Element {
        namespace: container.namespace.clone(),
        name: "div".to_string(),
        attributes: Vec::new(),
        children: container
            .children
            .iter()
            .filter(|n| !matches!(n, xml::Node::Element(e) if e.name == "header" || e.name == "footer"))
            .cloned()
            .collect(),
    };
    let mut flattened = Vec::new();
    let body = xhtml::blocks(&body_element, Whitespace::Exact, &mut flattened);
    let parts = Parts { headline, byline, source_url, publisher, dateline };
    let uri = container.attribute("data-uri").map(str::to_string).or_else(|| meta.identifier.clone());
    let meta = &Metadata { identifier: uri, date: if in_book { None } else { meta.date }, ..meta.clone() };
    let mut article = article(body, parts, meta, html_lang(doc), html_dir(doc), id, source);
    article.warnings.extend(flattened);
    Ok(article)
}

struct Parts {
    headline: Option<String>,
    byline: Option<String>,
    source_url: Option<String>,
    publisher: Option<String>,
    /// The dateline newsarc's own book marks; else it is looked for in the first paragraph.
    dateline: Option<crate::model::Dateline>,
}

fn article(
    body: Vec<Block>,
    parts: Parts,
    meta: &Metadata,
    lang: Option<String>,
    dir: Option<Direction>,
    id: String,
    source: SourceFile,
) -> Article {
    let mut warnings = Vec::new();
    let dateline = match parts.dateline.clone() {
        // Marked by newsarc: the first paragraph's own reading (which knows the separator) when
        // it finds the same dateline there, after any headings that open the body.
        Some(marked) => body
            .iter()
            .find(|b| !matches!(b, Block::Heading { .. }))
            .and_then(|b| match b {
                Block::Paragraph { content } => dateline::parse(&plain_text(content)),
                _ => None,
            })
            .filter(|d| d.text == marked.text)
            .or(Some(marked)),
        None => match body.first() {
            Some(Block::Paragraph { content }) => dateline::parse(&plain_text(content)),
            _ => None,
        },
    };
    let stated = lang.or_else(|| meta.language.clone()).filter(|t| is_language_tag(t));
    let (language, language_origin, direction) = match stated {
        Some(tag) => {
            let direction = dir.unwrap_or_else(|| Direction::of_language(&tag));
            (tag, LanguageOrigin::Document, direction)
        }
        None => {
            let (tag, origin, direction, warning) = language::detect_article(parts.headline.as_deref(), &body);
            warnings.extend(warning);
            (tag, origin, dir.unwrap_or(direction))
        }
    };
    if parts.headline.is_none() {
        warnings.push(Warning::new(WarningCode::NoHeadline, "the publication has no headline"));
    }
    if body.is_empty() {
        warnings.push(Warning::new(WarningCode::NoBody, "the publication has no body text"));
    }
    // A dc:identifier that is not a URI (`NOID`, an ISBN) gives a derived URI and is kept; with
    // none, the caller settles the URI from what else names the article.
    let (uri, uri_origin, original_id) = match super::uri_from_identifier(meta.identifier.as_deref(), "identifier") {
        Some((uri, original_id)) => (uri, UriOrigin::Identifier, original_id),
        None => {
            warnings.push(Warning::new(
                WarningCode::NoIdentifier,
                "the publication has no dc:identifier (EPUB requires one); its URI is derived from what else names it (a supplied id, its source URL, its path, its bytes), as uri_origin says",
            ));
            (String::new(), UriOrigin::Digest, None)
        }
    };
    Article {
        id,
        uri,
        uri_origin,
        original_id,
        headline: parts.headline,
        byline: parts.byline,
        date: meta.date.or(dateline.as_ref().and_then(|d| d.date)),
        dateline,
        version_created: meta.modified,
        version_created_origin: meta.modified.map(|_| crate::model::TimestampOrigin::Document),
        language,
        language_origin,
        direction,
        word_count: word_count(&body),
        body,
        source_url: parts.source_url,
        publisher: parts.publisher,
        source: Some(source),
        warnings,
    }
}

fn html_lang(doc: &Element) -> Option<String> {
    doc.attribute("xml:lang").or_else(|| doc.attribute("lang")).map(str::to_string)
}

fn html_dir(doc: &Element) -> Option<Direction> {
    match doc.attribute("dir") {
        Some("rtl") => Some(Direction::Rtl),
        Some("ltr") => Some(Direction::Ltr),
        _ => None,
    }
}

/// What the package document says.
#[derive(Debug, Clone)]
struct Metadata {
    identifier: Option<String>,
    title: Option<String>,
    language: Option<String>,
    creator: Option<String>,
    publisher: Option<String>,
    source: Option<String>,
    date: Option<PartialDate>,
    modified: Option<Timestamp>,
    ours: bool,
}

impl Metadata {
    fn read(opf: &Element) -> Metadata {
        let metadata = opf.child("metadata");
        let dc = |name: &str| -> Option<String> {
            metadata
                .and_then(|m| m.elements().find(|e| e.name == name && e.namespace.as_deref() == Some(DC_NS)))
                .map(|e| e.text().trim().to_string())
                .filter(|t| !t.is_empty())
        };
        let unique = opf.attribute("unique-identifier");
        let identifier = metadata
            .and_then(|m| {
                m.elements().find(|e| e.name == "identifier" && unique.is_some() && e.attribute("id") == unique)
            })
            .map(|e| e.text().trim().to_string())
            .or_else(|| dc("identifier"));
        let meta = |property: &str| -> Option<String> {
            metadata
                .and_then(|m| m.elements().find(|e| e.name == "meta" && e.attribute("property") == Some(property)))
                .map(|e| e.text().trim().to_string())
        };
        let ours = metadata.is_some_and(|m| {
            m.elements().any(|e| {
                e.name == "meta"
                    && e.attribute("name") == Some("generator")
                    && e.attribute("content")
                        .is_some_and(|c| c.split_whitespace().next() == Some(crate::format::epub::GENERATOR))
            })
        });
        Metadata {
            identifier,
            title: dc("title"),
            language: dc("language"),
            creator: dc("creator"),
            publisher: dc("publisher"),
            source: dc("source"),
            date: dc("date").and_then(|d| d.split('T').next().and_then(|d| d.parse().ok())),
            modified: meta("dcterms:modified").and_then(|t| t.parse().ok()),
            ours,
        }
    }
}

/// An archive read in memory under [`Limits`].
struct Archive<'b> {
    zip: ::zip::ZipArchive<Cursor<&'b [u8]>>,
    limits: Limits,
    total: u64,
}

impl<'b> Archive<'b> {
    fn open(bytes: &'b [u8], limits: Limits) -> Result<Archive<'b>, ReadError> {
        // A zip whose local headers and central directory disagree holds different files for
        // different readers: which one the article is, no reader can say.
        let layout = crate::format::zip_layout::check(bytes)
            .map_err(|e| ReadError::Container(format!("not a readable zip archive: {e}")))?;
        if let Some(problem) = layout.problems.first() {
            if layout.entries.is_empty() {
                return Err(ReadError::Container(format!("not a zip archive: {}", problem.message)));
            }
            return Err(ReadError::Container(format!("an archive that readers read differently: {problem}")));
        }
        let zip = ::zip::ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| ReadError::Container(format!("not a zip archive: {e}")))?;
        if zip.len() > limits.max_entries {
            return Err(ReadError::Container(format!(
                "{} entries, over the entry-count limit of {}",
                zip.len(),
                limits.max_entries
            )));
        }
        Ok(Archive { zip, limits, total: 0 })
    }

    /// An entry's bytes, by name: exact, or else the same name in Unicode normalisation form C
    /// (a reference may compose `ü` where the file name decomposes it, or the other way).
    fn bytes(&mut self, name: &str) -> Result<Vec<u8>, ReadError> {
        let missing = || ReadError::Container(format!("no entry `{name}` in the archive"));
        let index = match self.zip.index_for_name(name) {
            Some(index) => index,
            None => {
                let wanted: String = name.nfc().collect();
                (0..self.zip.len())
                    .find(|&i| {
                        self.zip.name_for_index(i).and_then(Result::ok).is_some_and(|n| n.nfc().eq(wanted.chars()))
                    })
                    .ok_or_else(missing)?
            }
        };
        let mut entry = self.zip.by_index(index).map_err(|e| ReadError::Container(format!("{name}: {e}")))?;
        if entry.enclosed_name().is_none() {
            return Err(ReadError::Container(format!("unsafe entry name `{name}`")));
        }
        if entry.is_symlink() {
            return Err(ReadError::Container(format!("`{name}` is a symbolic link")));
        }
        let limits = self.limits;
        let size = entry.size();
        limits
            .check_entry(size, Some(entry.compressed_size()), self.total)
            .map_err(|e| ReadError::Container(format!("`{name}`: {e}")))?;
        // The declared size may lie: read one byte more than allowed, and no more.
        let mut out = Vec::with_capacity(size.min(1 << 20) as usize);
        (&mut entry)
            .take(limits.max_entry_size + 1)
            .read_to_end(&mut out)
            .map_err(|e| ReadError::Container(format!("{name}: {e}")))?;
        if out.len() as u64 > limits.max_entry_size {
            return Err(ReadError::Container(format!(
                "`{name}` is over the per-entry size limit of {} bytes",
                limits.max_entry_size
            )));
        }
        self.total += out.len() as u64;
        if self.total > limits.max_total_size {
            return Err(ReadError::Container(format!(
                "the archive holds over {} bytes, the total-size limit",
                limits.max_total_size
            )));
        }
        Ok(out)
    }

    fn xml(&mut self, name: &str) -> Result<xml::Document, ReadError> {
        let bytes = self.bytes(name)?;
        let text = std::str::from_utf8(&bytes)
            .map_err(|e| ReadError::Container(format!("{name}: not UTF-8 (byte offset {})", e.valid_up_to())))?;
        let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
        xml::parse(text).map_err(|e| {
            let (line, _) = super::lines::LineIndex::locate(text, e.offset);
            ReadError::Container(format!("{name}: XML error at line {line}: {}", e.message))
        })
    }
}

/// The container path of `href` (relative to the folder `base`, ending in `/` or empty): `%XX`
/// decoded, `.` and `..` segments resolved, query and fragment dropped.
fn join(base: &str, href: &str) -> String {
    let path = href.split(['#', '?']).next().unwrap_or_default();
    let mut parts: Vec<String> = base.split('/').filter(|p| !p.is_empty()).map(str::to_string).collect();
    for segment in percent_decode(path).split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s.to_string()),
        }
    }
    parts.join("/")
}

/// Decodes `%XX` in a manifest href (they name files in the archive).
pub fn percent_decode(href: &str) -> String {
    // `%XX` decoded, anything else (a lone `%`, `%zz`) kept as it is; bytes that are not UTF-8
    // after decoding become U+FFFD.
    percent_encoding::percent_decode_str(href).decode_utf8_lossy().into_owned()
}
