//! What an input's bytes are, whatever its name: [`sniff`] looks at the structure at the start
//! of the bytes (after a byte order mark and white space) and says which [`Kind`] they are, with
//! a description for people ([`Sniffed`]).
//!
//! The reader registry (`super::READERS`) says which kinds each reader takes; an input of a kind
//! no reader takes is refused with what it looks like ([`Sniffed::refusal`]), never read as
//! article text. The order of the checks:
//!
//! 1. magic numbers ([`SIGNATURES`], and a few that need more than a prefix): EPUB, zip, gzip
//!    (a gzip whose content starts like a WARC file is a WARC file), PDF, images, WARC, UTF-16...;
//! 2. binary data: a NUL byte anywhere, or many control characters at the start;
//! 3. markup and data by their structure at the start: an HTML page (`<!doctype html`, `<html`,
//!    `<head`, `<body`, or an XML document whose root is `html`), a NewsML-G2 item or message,
//!    XML of another kind (an XML declaration or doctype; or a namespaced root, or a root such
//!    as `rss` that only XML documents have, in an input that ends with `>`), JSON (the whole
//!    input parses) and JSON Lines (the first line is a JSON object);
//! 4. anything else is [`Kind::Text`], the text reader's, which still refuses what is not UTF-8.
//!
//! Text articles may hold raw HTML (`<br>`, `<div>`), start with an HTML comment, or contain
//! `{`: none of that is a page or JSON, because only the document's first element and the
//! parse of the whole input decide.

use std::io::Read;

/// What the bytes of an input are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Text with no other structure at its start: the article text format.
    Text,
    /// An EPUB publication (a zip whose first entry is `mimetype`).
    Epub,
    /// An XML document whose root is a NewsML-G2 `newsItem` or `newsMessage`.
    NewsMl,
    /// An HTML (or XHTML) page.
    Html,
    /// One JSON document (an object, an array).
    Json,
    /// JSON Lines: one JSON object per line.
    JsonLines,
    /// XML of a kind no reader names (RSS, Atom, NITF, SVG, ...).
    Xml,
    /// A WARC (or ARC) web archive, plain or gzip-compressed.
    Warc,
    /// A PDF document.
    Pdf,
    /// An image (PNG, JPEG, GIF, WebP, TIFF).
    Image,
    /// A zip archive that is not an EPUB.
    Zip,
    /// Compressed data or another archive (gzip, bzip2, xz, zstd, 7z, RAR, tar).
    Compressed,
    /// UTF-16 text (with its byte order mark).
    Utf16,
    /// Other binary data: NUL bytes, control characters, executables, databases.
    Binary,
}

impl Kind {
    /// Every kind, in the order `newsarc formats` lists them.
    pub const ALL: &'static [Kind] = &[
        Kind::Text,
        Kind::Epub,
        Kind::NewsMl,
        Kind::Html,
        Kind::Json,
        Kind::JsonLines,
        Kind::Xml,
        Kind::Warc,
        Kind::Pdf,
        Kind::Image,
        Kind::Zip,
        Kind::Compressed,
        Kind::Utf16,
        Kind::Binary,
    ];

    /// The kind in the plural, for lists (`newsarc formats`).
    pub fn label(self) -> &'static str {
        match self {
            Kind::Text => "article text",
            Kind::Epub => "EPUB publications",
            Kind::NewsMl => "NewsML-G2 items and messages",
            Kind::Html => "HTML pages (with or without a doctype, XHTML too)",
            Kind::Json => "JSON documents (such as news-please records)",
            Kind::JsonLines => "JSON Lines (one JSON object a line)",
            Kind::Xml => "XML of other kinds (RSS, Atom, NITF, sitemaps, SVG, ...)",
            Kind::Warc => "WARC and ARC web archives, plain or gzip-compressed",
            Kind::Pdf => "PDF documents",
            Kind::Image => "images (PNG, JPEG, GIF, WebP, TIFF)",
            Kind::Zip => "zip archives that are not EPUBs",
            Kind::Compressed => "compressed data and archives (gzip, bzip2, xz, zstd, 7z, RAR, tar)",
            Kind::Utf16 => "UTF-16 text",
            Kind::Binary => "other binary data (NUL bytes, control characters, executables, databases)",
        }
    }

    /// Binary kinds are refused as "not text"; the others (markup, data, web archives) say what
    /// newsarc does not read.
    pub fn is_binary(self) -> bool {
        matches!(self, Kind::Pdf | Kind::Image | Kind::Zip | Kind::Compressed | Kind::Utf16 | Kind::Binary)
    }

    /// What newsarc does not do with an input of this kind, after its description.
    fn why_not_read(self) -> &'static str {
        match self {
            Kind::Json | Kind::JsonLines => "newsarc does not read JSON yet",
            Kind::Xml => "newsarc reads NewsML-G2 XML (newsItem, newsMessage), not this kind",
            Kind::Warc => "newsarc does not read WARC files yet",
            _ => "no reader of newsarc takes it",
        }
    }
}

/// What [`sniff`] found: the kind, a description for people (`an HTML page`, `JSON Lines (40
/// records)`, `a PNG image`), and the byte offset of what gave it away (the first NUL byte, say).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sniffed {
    pub kind: Kind,
    pub description: String,
    pub offset: u64,
}

impl Sniffed {
    fn new(kind: Kind, description: impl Into<String>) -> Sniffed {
        Sniffed { kind, description: description.into(), offset: 0 }
    }

    /// The description, with the offset where one gives the place (`binary data (a NUL byte
    /// at byte offset 59)`).
    pub fn summary(&self) -> String {
        if self.description == "a NUL byte" {
            format!("binary data ({} at byte offset {})", self.description, self.offset)
        } else {
            self.description.clone()
        }
    }

    /// Why an input of this kind is not read, when no reader takes it: binary kinds as the text
    /// reader has always said it (`not text: a PNG image at byte offset 0`), the others with
    /// what they are and what newsarc does not do (`an HTML page; newsarc does not read HTML
    /// pages yet`).
    pub fn refusal(&self) -> super::ReadError {
        if self.kind.is_binary() {
            super::ReadError::Binary { what: self.description.clone(), offset: self.offset }
        } else {
            super::ReadError::NotRead { what: self.description.clone(), why: self.kind.why_not_read() }
        }
    }
}

/// How many bytes at the start are looked at for markup and control characters.
const HEAD: usize = 8192;

/// Magic numbers at the very start, with the kind and description of each. The text reader
/// refuses the same ones ([`binary`]).
pub const SIGNATURES: &[(&[u8], Kind, &str)] = &[
    (b"\x89PNG\r\n\x1a\n", Kind::Image, "a PNG image"),
    (b"\x1f\x8b", Kind::Compressed, "gzip-compressed data"),
    (b"PK\x03\x04", Kind::Zip, "a zip archive"),
    (b"PK\x05\x06", Kind::Zip, "a zip archive"),
    (b"PK\x07\x08", Kind::Zip, "a zip archive"),
    (b"%PDF-", Kind::Pdf, "a PDF document"),
    (b"\xFF\xD8\xFF", Kind::Image, "a JPEG image"),
    (b"GIF87a", Kind::Image, "a GIF image"),
    (b"GIF89a", Kind::Image, "a GIF image"),
    (b"II*\0", Kind::Image, "a TIFF image"),
    (b"MM\0*", Kind::Image, "a TIFF image"),
    (b"\xFD7zXZ\0", Kind::Compressed, "xz-compressed data"),
    (b"\x28\xB5\x2F\xFD", Kind::Compressed, "zstd-compressed data"),
    (b"7z\xBC\xAF\x27\x1C", Kind::Compressed, "a 7z archive"),
    (b"Rar!\x1A\x07", Kind::Compressed, "a RAR archive"),
    (b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", Kind::Binary, "an OLE2 compound file (an old Microsoft Office document?)"),
    (b"\x7FELF", Kind::Binary, "an ELF executable"),
    (b"SQLite format 3\0", Kind::Binary, "an SQLite database"),
    (b"\xFF\xFE", Kind::Utf16, "UTF-16 (little-endian) text; convert it to UTF-8"),
    (b"\xFE\xFF", Kind::Utf16, "UTF-16 (big-endian) text; convert it to UTF-8"),
];

/// Binary data by its magic number or a NUL byte: what the text reader refuses before decoding.
pub fn binary(bytes: &[u8]) -> Option<Sniffed> {
    magic(bytes).filter(|s| s.kind.is_binary()).or_else(|| nul(bytes))
}

/// A signature of [`SIGNATURES`], or one that needs more than a prefix.
fn magic(bytes: &[u8]) -> Option<Sniffed> {
    if let Some((_, kind, what)) = SIGNATURES.iter().find(|(sig, _, _)| bytes.starts_with(sig)) {
        return Some(Sniffed::new(*kind, *what));
    }
    if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        return Some(Sniffed::new(Kind::Image, "a WebP image"));
    }
    if bytes.starts_with(b"BZh")
        && bytes.get(3).is_some_and(|d| (b'1'..=b'9').contains(d))
        && bytes.get(4..10) == Some(b"1AY&SY")
    {
        return Some(Sniffed::new(Kind::Compressed, "bzip2-compressed data"));
    }
    if bytes.get(257..262) == Some(b"ustar") {
        return Some(Sniffed::new(Kind::Compressed, "a tar archive"));
    }
    None
}

/// The first NUL byte, if any: no text holds one.
fn nul(bytes: &[u8]) -> Option<Sniffed> {
    let offset = bytes.iter().position(|&b| b == 0)?;
    Some(Sniffed { kind: Kind::Binary, description: "a NUL byte".to_string(), offset: offset as u64 })
}

/// A WARC record's start (`WARC/1.0`, `WARC/1.1`, `WARC/0.18`) or an ARC file's (`filedesc://`).
fn web_archive(bytes: &[u8]) -> Option<&'static str> {
    // The whole first line is the version: `WARC/` digits `.` digits, then CRLF (or LF).
    let warc = bytes.strip_prefix(b"WARC/").is_some_and(|rest| {
        let Some(end) = rest.iter().take(16).position(|&b| b == b'\n') else { return false };
        let line = rest[..end].strip_suffix(b"\r").unwrap_or(&rest[..end]);
        let parts: Vec<&[u8]> = line.split(|&b| b == b'.').collect();
        parts.len() == 2 && parts.iter().all(|p| !p.is_empty() && p.iter().all(u8::is_ascii_digit))
    });
    if warc {
        Some("a WARC file (web archive records)")
    } else if bytes.starts_with(b"filedesc://") {
        Some("an ARC file (web archive records)")
    } else {
        None
    }
}

/// Control characters no text has (C0 but tab, LF, FF, CR and escape; DEL) in the first
/// [`HEAD`] bytes: more than one in ten, and at least 8, is binary data. Text in a legacy
/// encoding (Latin-1, GBK, KOI8-R) has none, so it still reaches the text reader, which names
/// its first invalid byte and offers `--lossy`.
fn control_heavy(bytes: &[u8]) -> Option<Sniffed> {
    let head = &bytes[..bytes.len().min(HEAD)];
    let control = |b: &u8| matches!(b, 0x01..=0x08 | 0x0B | 0x0E..=0x1A | 0x1C..=0x1F | 0x7F);
    let count = head.iter().filter(|b| control(b)).count();
    (count >= 8 && count * 10 > head.len()).then(|| Sniffed {
        kind: Kind::Binary,
        description: format!("binary data ({count} control characters in the first {} bytes)", head.len()),
        offset: head.iter().position(control).unwrap_or(0) as u64,
    })
}

/// What the bytes are.
pub fn sniff(bytes: &[u8]) -> Sniffed {
    if is_epub(bytes) {
        return Sniffed::new(Kind::Epub, "an EPUB publication");
    }
    if bytes.starts_with(b"\x1f\x8b") && gunzipped_head(bytes).as_deref().and_then(web_archive).is_some() {
        return Sniffed::new(Kind::Warc, "a gzip-compressed WARC file (web archive records)");
    }
    if let Some(what) = web_archive(bytes) {
        return Sniffed::new(Kind::Warc, what);
    }
    if let Some(found) = utf16_xml(bytes) {
        return found;
    }
    if let Some(found) = magic(bytes).or_else(|| nul(bytes)).or_else(|| control_heavy(bytes)) {
        return found;
    }
    structure(bytes)
}

/// An XML document in UTF-16 (with its byte order mark, as XML requires): what its decoded head
/// is, if that is XML of a kind a reader takes. Other UTF-16 stays [`Kind::Utf16`].
fn utf16_xml(bytes: &[u8]) -> Option<Sniffed> {
    let encoding = if bytes.starts_with(b"\xFF\xFE") {
        encoding_rs::UTF_16LE
    } else if bytes.starts_with(b"\xFE\xFF") {
        encoding_rs::UTF_16BE
    } else {
        return None;
    };
    let head = &bytes[2..bytes.len().min(2 * HEAD) & !1];
    let (text, _) = encoding.decode_without_bom_handling(head);
    let found = structure(text.as_bytes());
    (found.kind == Kind::NewsMl).then_some(found)
}

/// Markup or JSON by the first character after a byte order mark and white space; else text.
fn structure(bytes: &[u8]) -> Sniffed {
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = text.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(text.len());
    match text.get(start) {
        Some(b'<') => markup(&text[start..]),
        Some(b'{' | b'[') => json(text).unwrap_or_else(|| Sniffed::new(Kind::Text, "text")),
        _ => Sniffed::new(Kind::Text, "text"),
    }
}

/// The first bytes a gzip stream holds (enough to see a WARC record's start).
fn gunzipped_head(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut head = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes).take(16).read_to_end(&mut head).ok()?;
    Some(head)
}

/// XML and HTML by their prologue and first element.
fn markup(bytes: &[u8]) -> Sniffed {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(HEAD)]);
    let Some(prologue) = Prologue::parse(&head) else { return Sniffed::new(Kind::Text, "text") };
    let root = prologue.root.as_deref().unwrap_or("");
    let local = root.rsplit(':').next().unwrap_or("");
    let doctype = prologue.doctype.as_deref().map(str::to_ascii_lowercase);
    if doctype.as_deref() == Some("html") || ["html", "head", "body"].iter().any(|h| local.eq_ignore_ascii_case(h)) {
        return Sniffed::new(Kind::Html, "an HTML page");
    }
    if matches!(local, "newsItem" | "newsMessage") {
        return Sniffed::new(Kind::NewsMl, "a NewsML-G2 document");
    }
    let known = XML_ROOTS.iter().find(|(name, _)| *name == local);
    // Without a declaration or doctype, a namespaced or known root is XML only if the input also
    // ends as markup does: an article may open with an inline `<svg xmlns=...>` logo.
    let ends_as_markup = bytes.trim_ascii_end().ends_with(b">");
    let xml = prologue.declaration || doctype.is_some() || ((prologue.namespaced || known.is_some()) && ends_as_markup);
    if !xml {
        return Sniffed::new(Kind::Text, "text");
    }
    let description = match (root, known) {
        ("", _) => "an XML document".to_string(),
        (_, Some((_, what))) => format!("an XML document (root element `{root}`: {what})"),
        (_, None) => format!("an XML document (root element `{root}`)"),
    };
    Sniffed::new(Kind::Xml, description)
}

/// Root elements only XML documents have, and what each is.
const XML_ROOTS: &[(&str, &str)] = &[
    ("rss", "an RSS feed"),
    ("feed", "an Atom feed"),
    ("RDF", "an RDF document, such as an RSS 1.0 feed"),
    ("urlset", "a sitemap"),
    ("sitemapindex", "a sitemap index"),
    ("svg", "an SVG image"),
    ("nitf", "an NITF document"),
    ("NewsML", "a NewsML 1 document"),
    ("opml", "an OPML outline"),
    ("TEI", "a TEI document"),
];

/// What comes before an XML document's root, and the root's name.
#[derive(Debug, Default)]
struct Prologue {
    declaration: bool,
    doctype: Option<String>,
    root: Option<String>,
    /// The root's start tag declares a namespace (`xmlns=` or `xmlns:p=`).
    namespaced: bool,
}

impl Prologue {
    /// Skips the declaration, processing instructions, comments and a doctype (with its internal
    /// subset); `None` when one of them is not closed within the text given.
    fn parse(text: &str) -> Option<Prologue> {
        let mut prologue = Prologue::default();
        let mut rest = text.trim_start_matches('\u{FEFF}');
        loop {
            rest = rest.trim_start();
            let skip = if rest.starts_with("<?") {
                prologue.declaration |= rest.starts_with("<?xml") && rest[5..].starts_with(|c: char| c.is_whitespace());
                rest.find("?>").map(|i| i + 2)?
            } else if rest.starts_with("<!--") {
                rest.find("-->").map(|i| i + 3)?
            } else if rest.get(..9).is_some_and(|d| d.eq_ignore_ascii_case("<!doctype")) {
                let name: String = rest[9..]
                    .trim_start()
                    .chars()
                    .take_while(|c| !c.is_whitespace() && !matches!(c, '>' | '['))
                    .collect();
                prologue.doctype = Some(name);
                let end = rest.find('>')?;
                // An internal subset (`[ <!ENTITY ...> ]`) holds `>` of its own: the end is after `]`.
                match rest.find('[').filter(|&open| open < end) {
                    Some(open) => {
                        let close = open + rest[open..].find(']')?;
                        close + rest[close..].find('>')? + 1
                    }
                    None => end + 1,
                }
            } else {
                break;
            };
            rest = &rest[skip..];
        }
        let Some(tag) = rest.strip_prefix('<') else { return Some(prologue) };
        let name: String = tag.chars().take_while(|c| !c.is_whitespace() && !matches!(c, '>' | '/')).collect();
        if name.is_empty() || !name.starts_with(|c: char| c.is_alphabetic() || c == '_') {
            return Some(prologue);
        }
        let start_tag = &tag[..tag.find('>').unwrap_or(tag.len())];
        prologue.namespaced = start_tag.split_whitespace().skip(1).any(|a| a.starts_with("xmlns"));
        prologue.root = Some(name);
        Some(prologue)
    }
}

/// JSON: the whole input parses (one document), or its first line is a JSON object (JSON Lines).
/// Values are parsed and dropped (`IgnoredAny`): only the top level's keys or length are kept, so
/// a large input costs no more memory than its bytes.
fn json(text: &[u8]) -> Option<Sniffed> {
    use serde::de::IgnoredAny;
    type Object = std::collections::BTreeMap<String, IgnoredAny>;
    let what = if let Ok(object) = serde_json::from_slice::<Object>(text) {
        Some(if object.contains_key("maintext") {
            "a news-please article record".to_string()
        } else if object.contains_key("uri") && object.contains_key("headlines") {
            "a ninjs document, which newsarc writes".to_string()
        } else {
            "an object".to_string()
        })
    } else if let Ok(items) = serde_json::from_slice::<Vec<IgnoredAny>>(text) {
        Some(match items.len() {
            1 => "an array of 1 item".to_string(),
            n => format!("an array of {n} items"),
        })
    } else {
        None
    };
    if let Some(what) = what {
        return Some(Sniffed::new(Kind::Json, format!("a JSON document ({what})")));
    }
    let mut lines = text.split(|&b| b == b'\n').filter(|l| !l.trim_ascii().is_empty());
    serde_json::from_slice::<Object>(lines.next()?).ok()?;
    let records = 1 + lines.count();
    let noun = if records == 1 { "record" } else { "records" };
    Some(Sniffed::new(Kind::JsonLines, format!("JSON Lines ({records} {noun})")))
}

/// A zip (local file header) whose first entry is `mimetype` holding `application/epub+zip`.
pub fn is_epub(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
        && bytes.get(30..38) == Some(b"mimetype")
        && bytes.get(38..58).is_some_and(|b| b == b"application/epub+zip")
}

/// An XML document (after an optional BOM, declaration, comments and white space) whose root
/// element is a NewsML-G2 `newsItem` or `newsMessage`, with or without a prefix.
pub fn is_newsml(bytes: &[u8]) -> bool {
    structure(bytes).kind == Kind::NewsMl
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(bytes: &[u8]) -> Kind {
        sniff(bytes).kind
    }

    #[test]
    fn newsml_roots_are_recognised_with_or_without_a_prologue() {
        assert!(is_newsml(b"<newsItem xmlns='x'/>"));
        assert!(is_newsml(b"\xEF\xBB\xBF<?xml version='1.0'?>\n<!-- c --><nar:newsMessage xmlns:nar='x'>"));
        assert!(is_newsml(b"<?xml version='1.0'?><!DOCTYPE newsItem [ <!ENTITY a 'b'> ]><newsItem/>"));
        assert!(!is_newsml(b"<html><newsItem/></html>"));
        assert!(!is_newsml(b"# newsItem\n\ntext"));
    }

    #[test]
    fn html_pages_are_known_by_their_first_element() {
        for page in [
            &b"<!DOCTYPE html><html lang=\"en\"><head>"[..],
            b"<!doctype HTML>\n<title>x</title>",
            b"\xEF\xBB\xBF  \r\n<html>\n<body>text</body></html>",
            b"<!-- saved by a crawler -->\n<!-- another -->\n<HTML LANG=en>",
            b"<head><meta charset=utf-8></head>",
            b"<body>\n<p>text</p>",
            b"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\">",
            b"<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" \"x.dtd\">\n<html>",
        ] {
            assert_eq!(sniff(page), Sniffed::new(Kind::Html, "an HTML page"), "{}", String::from_utf8_lossy(page));
        }
    }

    #[test]
    fn text_with_raw_html_or_braces_is_text() {
        for text in [
            &b"# Headline\n\nText with <br> and <img src=x> inside.\n"[..],
            b"<!-- a note -->\n# Headline\n\nText.\n",
            b"<div>A raw block</div>\n\nText.\n",
            b"<br>\nText\n",
            b"<htmlish>not a page</htmlish>",
            b"{Photo} A caption\n\nText.\n",
            b"[1] A footnote first\n\nText.\n",
            b"[Link](https://example.org) first\n",
            b"{\"unfinished\": \n\n# Headline\n",
            b"<!-- never closed\n# Headline\n",
            b"< not a tag\n",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"><circle r=\"1\"/></svg>\n\n# Headline\n\nText.\n",
        ] {
            assert_eq!(kind(text), Kind::Text, "{}", String::from_utf8_lossy(text));
        }
    }

    #[test]
    fn json_and_json_lines_say_what_they_hold() {
        assert_eq!(sniff(b" {\"title\": \"x\"}\n").description, "a JSON document (an object)");
        assert_eq!(
            sniff(b"\xEF\xBB\xBF{\"title\": \"x\", \"maintext\": \"y\"}").description,
            "a JSON document (a news-please article record)"
        );
        assert_eq!(sniff(b"[{}, {}, {}]").description, "a JSON document (an array of 3 items)");
        let lines = sniff(b"{\"a\": 1}\n{\"a\": 2}\n\n{\"a\": 3}\n");
        assert_eq!((lines.kind, lines.description.as_str()), (Kind::JsonLines, "JSON Lines (3 records)"));
        // A last record cut off is still JSON Lines.
        assert_eq!(sniff(b"{\"a\": 1}\n{\"a\": ").description, "JSON Lines (2 records)");
    }

    #[test]
    fn other_xml_is_named_by_its_root() {
        assert_eq!(
            sniff(b"<?xml version=\"1.0\"?>\n<rss version=\"2.0\">").description,
            "an XML document (root element `rss`: an RSS feed)"
        );
        assert_eq!(sniff(b"<feed xmlns=\"http://www.w3.org/2005/Atom\">").kind, Kind::Xml);
        assert_eq!(sniff(b"<doc xmlns:x=\"urn:x\"><x:a/></doc>").description, "an XML document (root element `doc`)");
        assert_eq!(sniff(b"<?xml version=\"1.0\"?>").description, "an XML document");
    }

    #[test]
    fn binaries_by_magic_number_nul_bytes_and_control_characters() {
        let cases: &[(&[u8], Kind, &str)] = &[
            (b"%PDF-1.7\n%\xE2\xE3", Kind::Pdf, "a PDF document"),
            (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", Kind::Image, "a PNG image"),
            (b"\xFF\xD8\xFF\xE0\0\x10JFIF", Kind::Image, "a JPEG image"),
            (b"GIF89a\x01\0\x01\0", Kind::Image, "a GIF image"),
            (b"RIFF\x24\0\0\0WEBPVP8 ", Kind::Image, "a WebP image"),
            (b"PK\x03\x04\x14\0\0\0\0\0", Kind::Zip, "a zip archive"),
            (b"BZh91AY&SY\x01", Kind::Compressed, "bzip2-compressed data"),
            (b"\xFF\xFEa\0b\0", Kind::Utf16, "UTF-16 (little-endian) text; convert it to UTF-8"),
        ];
        for (bytes, kind, what) in cases {
            assert_eq!(sniff(bytes), Sniffed::new(*kind, *what));
        }
        assert_eq!(
            sniff(b"# Title\n\nText\0more"),
            Sniffed { kind: Kind::Binary, description: "a NUL byte".to_string(), offset: 13 }
        );
        let noise: Vec<u8> = (0..200u8).map(|i| if i % 4 == 0 { 0x03 } else { b'a' + i % 26 }).collect();
        assert_eq!(
            sniff(&noise),
            Sniffed {
                kind: Kind::Binary,
                description: "binary data (50 control characters in the first 200 bytes)".to_string(),
                offset: 0
            }
        );
        // A few controls in text, and text in a legacy encoding, are still the text reader's.
        assert_eq!(kind(b"# T\n\nab\x01cd\x0B and more text than controls, by far.\n"), Kind::Text);
        assert_eq!(kind(b"# Caf\xE9\n\n\xC7a co\xFBte cher, na\xEFvement.\n"), Kind::Text);
    }

    #[test]
    fn web_archives_plain_or_gzip_compressed() {
        assert_eq!(sniff(b"WARC/1.0\r\nWARC-Type: warcinfo\r\n").kind, Kind::Warc);
        assert_eq!(sniff(b"WARC/1.1\r\nWARC-Type: response\r\n\0\0").kind, Kind::Warc, "NUL bytes in a payload");
        assert_eq!(sniff(b"filedesc://crawl.arc 0.0.0.0 20200101000000 text/plain 76\n").kind, Kind::Warc);
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut gz, b"WARC/1.0\r\nWARC-Type: response\r\n\r\n").unwrap();
        let gz = gz.finish().unwrap();
        assert_eq!(sniff(&gz).description, "a gzip-compressed WARC file (web archive records)");
        assert_eq!(sniff(b"\x1f\x8b\x08\0\0\0\0\0").description, "gzip-compressed data");
        assert_eq!(kind(b"WARC/ is how the format's records begin\n"), Kind::Text);
        assert_eq!(kind(b"WARC/1.0 is the version most crawls write.\n"), Kind::Text);
        assert_eq!(sniff(b"WARC/0.18\nWARC-Type: response\n").kind, Kind::Warc);
    }

    #[test]
    fn refusals_say_what_the_bytes_are() {
        assert_eq!(
            sniff(b"[1, 2]").refusal().to_string(),
            "a JSON document (an array of 2 items); newsarc does not read JSON yet"
        );
        assert_eq!(sniff(b"%PDF-1.4").refusal().to_string(), "not text: a PDF document at byte offset 0");
        assert_eq!(sniff(b"ab\0").refusal().to_string(), "not text: a NUL byte at byte offset 2");
    }
}
