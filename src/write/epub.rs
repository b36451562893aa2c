//! EPUB 3.3: an article (or a collection of articles) as a publication that EPUBCheck passes
//! with no error and no warning, and DAISY Ace with no violation.
//!
//! Layout: `mimetype` first, stored, no extra field; `META-INF/container.xml`;
//! `EPUB/package.opf` (identifier = the article URN, title, language, `dcterms:modified`,
//! publisher, source, date when the year is known, EPUB Accessibility metadata); `EPUB/nav.xhtml`
//! (`role="doc-toc"`); one XHTML content document per article; `EPUB/style.css`.
//!
//! The content document: the headline as `h1` and the byline in a `header`, the body (its
//! shallowest heading at `h2`, the dateline marked), the source link and publisher in a `footer`.
//! EPUB may neither show remote images nor link to files it does not hold, so images are links
//! and links without a scheme are marked text (see `write::html`); the reader undoes both.
//! Zip entries are written by `format::zip`, so the bytes are the same for the same article.

use super::html::{self, escape, escape_text};
use super::{WriteContext, WriteError};
use crate::format::zip::{Entry, Method, ZipBuilder};
use crate::model::{Article, Direction, Timestamp};
use std::fmt::Write;
use std::sync::LazyLock;

use crate::format::epub::GENERATOR;
const SUMMARY: &str = "A news article converted to EPUB by newsarc: text only, with a heading \
    for each article, a table of contents, and the source and publisher at the end. Images of the \
    original are not embedded; they are links to where they were published.";
const STYLE: &str = "body { margin: 0 5%; line-height: 1.5; }\n\
    h1 { font-size: 1.6em; line-height: 1.25; }\n\
    .byline, .publisher { font-style: italic; }\n\
    .dateline { font-variant: small-caps; }\n\
    blockquote { margin: 1em 2em; }\n\
    figure { margin: 1em 0; }\n\
    pre { white-space: pre-wrap; }\n\
    table { border-collapse: collapse; }\n\
    th, td { border: 1px solid #999; padding: 0.2em 0.5em; }\n\
    footer { margin-top: 2em; border-top: 1px solid #999; font-size: 0.9em; }\n";

/// Writes one article as an EPUB publication.
pub fn write(article: &Article, _context: &WriteContext) -> Result<Vec<u8>, WriteError> {
    let book = Book {
        identifier: identifier(article),
        title: article.headline.clone().unwrap_or_else(|| article.id.clone()),
        language: article.language.clone(),
        direction: article.direction,
        modified: timestamp(article.version_created)?,
        chapters: vec![(CHAPTER.to_string(), article)],
    };
    book.write()
}

/// The content document of a one-article publication.
pub const CHAPTER: &str = "article.xhtml";

/// Writes many articles as one publication, one chapter each, in the order given; `title`
/// names it. Its identifier is derived from the articles' URNs, so the same articles in the same
/// order give the same book.
pub fn write_book(articles: &[Article], title: &str) -> Result<Vec<u8>, WriteError> {
    if articles.is_empty() {
        return Err(WriteError::Failed { writer: "epub", message: "a book needs at least one article".to_string() });
    }
    let first = &articles[0].language;
    let language = if articles.iter().all(|a| &a.language == first) { first.clone() } else { "mul".to_string() };
    let direction =
        if articles.iter().all(|a| a.direction == Direction::Rtl) { Direction::Rtl } else { Direction::Ltr };
    let joined: Vec<&str> = articles.iter().map(|a| a.uri.as_str()).collect();
    let modified = articles.iter().filter_map(|a| a.version_created).max();
    Book {
        identifier: crate::model::uri_for_sha256(&format!("book:{}", joined.join(" "))),
        title: title.to_string(),
        language,
        direction,
        modified: timestamp(modified)?,
        chapters: articles.iter().enumerate().map(|(i, a)| (format!("chapter-{:04}.xhtml", i + 1), a)).collect(),
    }
    .write()
}

/// The package's unique identifier: the article's URI, or, when that is empty (an EPUB read
/// with an empty `dc:identifier`), a URN derived from the source's SHA-256 or the article id, as
/// EPUB requires a non-empty identifier.
fn identifier(article: &Article) -> String {
    if !article.uri.trim().is_empty() {
        return article.uri.clone();
    }
    match &article.source {
        Some(source) => crate::model::uri_for_sha256(&source.sha256),
        None => crate::model::uri_for_sha256(&format!("id:{}", article.id)),
    }
}

fn timestamp(t: Option<Timestamp>) -> Result<Timestamp, WriteError> {
    t.ok_or_else(|| WriteError::Failed {
        writer: "epub",
        message: "EPUB requires a modification time (dcterms:modified): give --created, a sidecar `created`, \
                  or set SOURCE_DATE_EPOCH"
            .to_string(),
    })
}

struct Book<'a> {
    identifier: String,
    title: String,
    language: String,
    direction: Direction,
    modified: Timestamp,
    chapters: Vec<(String, &'a Article)>,
}

fn dir(direction: Direction) -> &'static str {
    match direction {
        Direction::Rtl => "rtl",
        Direction::Ltr => "ltr",
    }
}

impl Book<'_> {
    fn write(&self) -> Result<Vec<u8>, WriteError> {
        let fail = |e: std::io::Error| WriteError::Failed { writer: "epub", message: e.to_string() };
        let mut zip = ZipBuilder::default();
        // The entries every book holds the same are compressed once per process.
        static FIXED: LazyLock<[Entry; 3]> = LazyLock::new(|| {
            [
                Entry::new("mimetype", Method::Stored, b"application/epub+zip"),
                Entry::new("META-INF/container.xml", Method::Deflated, CONTAINER.as_bytes()),
                Entry::new("EPUB/style.css", Method::Deflated, STYLE.as_bytes()),
            ]
        });
        let [mimetype, container, style] = &*FIXED;
        zip.append(mimetype).map_err(fail)?;
        zip.append(container).map_err(fail)?;
        zip.add("EPUB/package.opf", Method::Deflated, self.package().as_bytes()).map_err(fail)?;
        zip.add("EPUB/nav.xhtml", Method::Deflated, self.nav().as_bytes()).map_err(fail)?;
        for (file, article) in &self.chapters {
            zip.add(&format!("EPUB/{file}"), Method::Deflated, content_document(article).as_bytes()).map_err(fail)?;
        }
        zip.append(style).map_err(fail)?;
        zip.finish().map_err(fail)
    }

    fn package(&self) -> String {
        let lang = escape(&self.language);
        let mut x = String::new();
        x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = writeln!(
            x,
            "<package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\" unique-identifier=\"uid\" xml:lang=\"{lang}\" dir=\"{}\">",
            dir(self.direction)
        );
        x.push_str("  <metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n");
        let _ = writeln!(x, "    <dc:identifier id=\"uid\">{}</dc:identifier>", escape_text(&self.identifier));
        let _ = writeln!(x, "    <dc:title>{}</dc:title>", escape_text(&self.title));
        let _ = writeln!(x, "    <dc:language>{}</dc:language>", escape_text(&self.language));
        if let [(_, article)] = self.chapters[..] {
            if let Some(date) = article.date.filter(|d| d.year().is_some()) {
                let _ = writeln!(x, "    <dc:date>{date}</dc:date>");
            }
            for (element, value) in
                [("creator", &article.byline), ("publisher", &article.publisher), ("source", &article.source_url)]
            {
                if let Some(value) = value {
                    let _ = writeln!(x, "    <dc:{element}>{}</dc:{element}>", escape_text(value));
                }
            }
        }
        let _ = writeln!(x, "    <meta property=\"dcterms:modified\">{}</meta>", self.modified);
        let _ = writeln!(x, "    <meta name=\"generator\" content=\"{GENERATOR} {}\"/>", escape(crate::VERSION));
        for (property, value) in [
            ("schema:accessMode", "textual"),
            ("schema:accessModeSufficient", "textual"),
            ("schema:accessibilityFeature", "structuralNavigation"),
            ("schema:accessibilityFeature", "tableOfContents"),
            ("schema:accessibilityHazard", "none"),
            ("schema:accessibilitySummary", SUMMARY),
        ] {
            let _ = writeln!(x, "    <meta property=\"{property}\">{value}</meta>");
        }
        x.push_str("  </metadata>\n  <manifest>\n");
        x.push_str(
            "    <item id=\"nav\" href=\"nav.xhtml\" media-type=\"application/xhtml+xml\" properties=\"nav\"/>\n",
        );
        for (i, (file, _)) in self.chapters.iter().enumerate() {
            let _ = writeln!(x, "    <item id=\"c{}\" href=\"{file}\" media-type=\"application/xhtml+xml\"/>", i + 1);
        }
        x.push_str("    <item id=\"style\" href=\"style.css\" media-type=\"text/css\"/>\n  </manifest>\n");
        let progression = match self.direction {
            Direction::Rtl => " page-progression-direction=\"rtl\"",
            Direction::Ltr => "",
        };
        let _ = writeln!(x, "  <spine{progression}>");
        for i in 0..self.chapters.len() {
            let _ = writeln!(x, "    <itemref idref=\"c{}\"/>", i + 1);
        }
        x.push_str("  </spine>\n</package>\n");
        x
    }

    fn nav(&self) -> String {
        let lang = escape(&self.language);
        let mut x = String::new();
        x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n");
        let _ = writeln!(
            x,
            "<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" lang=\"{lang}\" xml:lang=\"{lang}\" dir=\"{}\">",
            dir(self.direction)
        );
        let _ = writeln!(x, "<head><title>{}</title></head>", escape_text(&self.title));
        x.push_str("<body>\n<nav epub:type=\"toc\" role=\"doc-toc\" id=\"toc\">\n");
        x.push_str("<h1 lang=\"en\" xml:lang=\"en\">Contents</h1>\n<ol>\n");
        for (file, article) in &self.chapters {
            let label = article.headline.as_deref().unwrap_or(&article.id);
            let _ = writeln!(
                x,
                "<li><a href=\"{file}\" lang=\"{lang}\" xml:lang=\"{lang}\">{}</a></li>",
                escape_text(label),
                lang = escape(&article.language)
            );
        }
        x.push_str("</ol>\n</nav>\n</body>\n</html>\n");
        x
    }
}

const CONTAINER: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
<container version=\"1.0\" xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\">\n\
  <rootfiles>\n\
    <rootfile full-path=\"EPUB/package.opf\" media-type=\"application/oebps-package+xml\"/>\n\
  </rootfiles>\n\
</container>\n";

/// One article's XHTML content document.
pub fn content_document(article: &Article) -> String {
    let lang = escape(&article.language);
    let title = article.headline.as_deref().unwrap_or(&article.id);
    let mut x = String::new();
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n");
    let _ = writeln!(
        x,
        "<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" lang=\"{lang}\" xml:lang=\"{lang}\" dir=\"{}\">",
        dir(article.direction)
    );
    let _ = writeln!(
        x,
        "<head>\n<meta charset=\"UTF-8\"/>\n<title>{}</title>\n<link rel=\"stylesheet\" type=\"text/css\" href=\"style.css\"/>\n</head>",
        escape_text(title)
    );
    // The article's own URN: in a book, the package identifier is the book's.
    let _ = writeln!(x, "<body>\n<article data-uri=\"{}\">", escape(&article.uri));
    let options = html::Options {
        heading_base: Some(2),
        images_as_links: true,
        only_absolute_links: true,
        dateline: article.dateline.as_ref().map(|d| d.text.as_str()),
    };
    let body = html::body_with(&article.body, &options);
    // A dateline the body does not open with (a NewsML-G2 `dateline` element over a body that
    // says it otherwise, or not at all) is said in the header, so the book keeps it.
    let dateline_apart = article.dateline.as_ref().filter(|_| !body.contains(html::DATELINE_MARK));
    if article.headline.is_some() || article.byline.is_some() || dateline_apart.is_some() {
        x.push_str("<header>\n");
        if let Some(headline) = &article.headline {
            let _ = writeln!(x, "<h1>{}</h1>", escape_text(headline));
        }
        if let Some(byline) = &article.byline {
            let _ = writeln!(x, "<p class=\"byline\">{}</p>", escape_text(byline));
        }
        if let Some(dateline) = dateline_apart {
            let _ = writeln!(x, "<p class=\"dateline\">{}</p>", escape_text(&dateline.text));
        }
        x.push_str("</header>\n");
    }
    x.push_str(&body);
    if article.source_url.is_some() || article.publisher.is_some() {
        x.push_str("<footer>\n");
        if let Some(url) = &article.source_url {
            if html::is_absolute_url(url) && html::is_safe_url(url) {
                let _ = writeln!(x, "<p class=\"source\"><a href=\"{}\">{}</a></p>", escape(url), escape_text(url));
            } else {
                let _ = writeln!(x, "<p class=\"source\">{}</p>", escape_text(url));
            }
        }
        if let Some(publisher) = &article.publisher {
            let _ = writeln!(x, "<p class=\"publisher\">{}</p>", escape_text(publisher));
        }
        x.push_str("</footer>\n");
    }
    x.push_str("</article>\n</body>\n</html>\n");
    x
}
