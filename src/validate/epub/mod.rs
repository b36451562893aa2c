//! EPUB 3 publications checked as EPUBCheck checks them: the container (OCF), the package
//! document and the navigation document, and the references between the publication's files.
//! Used for every `article.epub` in a package and for an `.epub` given alone.
//!
//! newsarc is not EPUBCheck: it has no schema for content documents, CSS or media overlays.
//! What it checks, each with EPUBCheck's message id in `docs/codes.md`:
//!
//! - the container: `NA-EPUB-001` the `mimetype` entry · `NA-EPUB-005` not a zip archive newsarc
//!   can read · `NA-EPUB-006` no `container.xml`, or its rootfile is missing · `NA-EPUB-007`
//!   `container.xml`, `encryption.xml` or `signatures.xml` out of its content model ·
//!   `NA-EPUB-008` an entry name that is not UTF-8 · `NA-EPUB-009` the same name twice, also after
//!   case folding and Unicode normalisation · `NA-EPUB-010` a character file names may not hold ·
//!   `NA-EPUB-011` (warning) a space in a file name · `NA-EPUB-036` an obfuscated resource that is
//!   not a font;
//! - XML: `NA-EPUB-012` a publication resource that is not well-formed UTF-8 XML (or declares
//!   entities, which newsarc never expands) · `NA-EPUB-013` a document type declaration with an
//!   external identifier EPUB does not allow (never fetched) · `NA-EPUB-034` `lang` and `xml:lang`
//!   differ on one element;
//! - the package document: `NA-EPUB-002` required metadata missing or empty · `NA-EPUB-014`
//!   `version` other than `3.0` · `NA-EPUB-015` `unique-identifier` names no `dc:identifier` ·
//!   `NA-EPUB-016` `dcterms:modified` not `CCYY-MM-DDThh:mm:ssZ` · `NA-EPUB-017` an ill-formed
//!   language tag · `NA-EPUB-018` a manifest URL that is absolute-path, leaves the container, or
//!   holds a query, a fragment or a space · `NA-EPUB-019` manifest items: duplicate ids, two for
//!   one file, one for the package document, missing attributes · `NA-EPUB-020` a publication
//!   resource in `META-INF` · `NA-EPUB-021` an unknown item property · `NA-EPUB-028` spine and
//!   fallbacks · `NA-EPUB-035` a metadata link to a local file without `media-type`;
//! - references: `NA-EPUB-003` a manifest item not in the archive · `NA-EPUB-022` a remote
//!   resource used from content that must be in the container (not audio, video or a font) ·
//!   `NA-EPUB-024` a reference to a file not in the archive (a warning from a metadata link) ·
//!   `NA-EPUB-023` a resource used but not in the manifest · `NA-EPUB-025` a manifest property (`remote-resources`, `scripted`,
//!   `svg`, `mathml`, `switch`) the content needs but lacks · `NA-EPUB-026` one it declares but
//!   does not need · `NA-EPUB-027` (warning) `remote-resources` declared but nothing remote used ·
//!   `NA-EPUB-031` a hyperlink to a content document not in the spine · `NA-EPUB-033` a non-linear
//!   spine item nothing links to · `NA-EPUB-038` a fragment the target document does not define;
//! - navigation: `NA-EPUB-004` no navigation document · `NA-EPUB-029` more than one, or no `toc`
//!   nav · `NA-EPUB-030` a remote link in the `toc`, `page-list` or `landmarks` nav ·
//!   `NA-EPUB-032` a nav link to a file that is not a content document.
//!
//! `NA-EPUB-037` (a valid EPUB newsarc cannot read as an article) belongs to `validate::article`.
//!
//! One submodule for each part EPUBCheck checks, each an `impl` of the one [`Check`]:
//! `container` (OCF and XML), `package` (the package document), `references` (content
//! documents and what they use and link), `navigation` (the navigation document); the archive,
//! the publication's index and the helpers they share are here.
//!
//! Reading is safe: the archive stays in memory under the reader's [`Limits`]; XML goes through
//! `read::xml` (no DTD entity is ever expanded, nothing is fetched).

use super::{Finding, Severity};
use crate::read::epub::{Limits, percent_decode};
use crate::read::xml::{self, Element};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::{Cursor, Read};
use unicode_normalization::UnicodeNormalization;

use crate::format::XHTML_NAMESPACE as XHTML_NS;
use crate::format::epub::{CONTAINER_NAMESPACE as CONTAINER_NS, DC_NAMESPACE as DC_NS, OPF_NAMESPACE as OPF_NS};
mod container;
mod navigation;
mod package;
mod references;

const SVG_NS: &str = "http://www.w3.org/2000/svg";
const MATHML_NS: &str = "http://www.w3.org/1998/Math/MathML";
use crate::format::epub::OPS_NAMESPACE as OPS_NS;
const XHTML: &str = "application/xhtml+xml";
const SVG: &str = "image/svg+xml";
/// Manifest item properties EPUB 3.3 defines (prefixed ones are other vocabularies).
const ITEM_PROPERTIES: &[&str] = &["cover-image", "mathml", "nav", "remote-resources", "scripted", "svg", "switch"];
/// Prefixes EPUB reserves (none of their vocabularies defines manifest item properties).
const RESERVED_PREFIXES: &[&str] =
    &["a11y", "dcterms", "marc", "media", "onix", "rendition", "schema", "xsd", "msv", "prism"];
/// Font types EPUB lists as core media types (obfuscation applies to these only).
const FONT_TYPES: &[&str] = &[
    "font/ttf",
    "font/otf",
    "font/woff",
    "font/woff2",
    "application/font-sfnt",
    "application/font-woff",
    "application/vnd.ms-opentype",
];
/// The external identifiers EPUB allows, by media type: (media types, public id, system id).
const EXTERNAL_IDS: &[(&[&str], &str, &str)] = &[
    (&[SVG], "-//W3C//DTD SVG 1.1//EN", "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd"),
    (
        &["application/mathml+xml", "application/mathml-presentation+xml", "application/mathml-content+xml"],
        "-//W3C//DTD MathML 3.0//EN",
        "http://www.w3.org/Math/DTD/mathml3/mathml3.dtd",
    ),
    (&["application/x-dtbncx+xml"], "-//NISO//DTD ncx 2005-1//EN", "http://www.daisy.org/z3986/2005/ncx-2005-1.dtd"),
];

/// Checks one EPUB publication; findings name `file` (how the caller shows the EPUB) and, in
/// the message, the entry inside.
pub fn check(file: &str, bytes: &[u8]) -> Vec<Finding> {
    let mut c = Check { file, findings: Vec::new() };
    c.run(bytes);
    c.findings
}

/// Whether any finding is an error (the publication is invalid).
pub fn has_errors(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.severity == Severity::Error)
}

struct Check<'a> {
    file: &'a str,
    findings: Vec<Finding>,
}

/// An entry as the central directory gives it.
struct RawEntry {
    name: Vec<u8>,
}

/// A manifest item.
#[derive(Debug, Clone)]
struct Item {
    id: String,
    href: String,
    media_type: String,
    properties: Vec<String>,
    /// The container path (decoded, normalised), for local items.
    path: Option<String>,
    fallback: Option<String>,
}

impl Item {
    fn has(&self, property: &str) -> bool {
        self.properties.iter().any(|p| p == property)
    }
}

/// How a content document uses another file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Use {
    /// Shown or run in place (`img`, `audio`, CSS `url()`, ...): a publication resource.
    Embed,
    /// Followed (`a href`, SMIL `text`): must exist, and content documents must be in the spine.
    Hyperlink,
    /// Cited (`cite`): must exist.
    Cite,
}

/// A reference found in a document.
struct Reference {
    url: String,
    use_: Use,
    /// From a style sheet (`url()`, `@import`): fonts there may be of any font format.
    css: bool,
}

/// What a document's content needs from its manifest item.
#[derive(Default)]
struct Needs {
    remote: bool,
    scripted: bool,
    svg: bool,
    mathml: bool,
    switch: bool,
}

impl Check<'_> {
    fn find(&mut self, code: &'static str, severity: Severity, message: String) {
        self.findings.push(Finding { code, severity, file: self.file.to_string(), line: None, column: None, message });
    }

    fn error(&mut self, code: &'static str, message: String) {
        self.find(code, Severity::Error, message);
    }

    fn run(&mut self, bytes: &[u8]) {
        let layout = match crate::format::zip_layout::check(bytes) {
            Ok(layout) => layout,
            Err(e) => return self.error("NA-EPUB-005", format!("not a readable zip archive: {e}")),
        };
        if layout.entries.is_empty() && !layout.problems.is_empty() {
            let problem = &layout.problems[0];
            return self.error("NA-EPUB-005", format!("not a readable zip archive: {}", problem.message));
        }
        for problem in &layout.problems {
            let message = match &problem.entry {
                Some(entry) => format!("`{entry}`: {}", problem.message),
                None => problem.message.clone(),
            };
            self.error(problem.code, message);
        }
        let raw: Vec<RawEntry> = layout.entries.into_iter().map(|e| RawEntry { name: e.name }).collect();
        self.mimetype(bytes);
        self.names(&raw);
        let mut zip = match ::zip::ZipArchive::new(Cursor::new(bytes)) {
            Ok(z) => z,
            Err(e) => return self.error("NA-EPUB-005", format!("not a readable zip archive: {e}")),
        };
        if zip.len() > Limits::default().max_entries {
            return self.error(
                "NA-EPUB-005",
                format!("{} entries, over the entry-count limit of {}", zip.len(), Limits::default().max_entries),
            );
        }
        // Entries by normalised name: file names may be composed or decomposed in references.
        let names: BTreeMap<String, String> = zip
            .file_names()
            .flatten()
            .filter(|n| !n.ends_with('/'))
            .map(|n| (n.nfc().collect(), n.to_string()))
            .collect();
        let mut archive = Archive { zip: &mut zip, names, total: 0 };
        let pub_ = Publication::default();
        self.container(&mut archive, pub_);
    }
}

#[derive(Default)]
struct Publication {
    rootfile: String,
    items: Vec<Item>,
    /// Spine entries: index into `items`, and whether linear.
    spine: Vec<(usize, bool)>,
    encrypted: BTreeSet<String>,
    /// Items by id, by container path and by href (the first item of each), and the items in the
    /// spine: built once, so a long manifest or spine costs one look-up an item, not a scan.
    by_id: HashMap<String, usize>,
    by_path: HashMap<String, usize>,
    by_href: HashMap<String, usize>,
    in_spine: HashSet<usize>,
}

impl Publication {
    /// Indexes the manifest's items (the first of an id, path or href wins, as a scan would find).
    fn index(&mut self) {
        for (n, item) in self.items.iter().enumerate() {
            self.by_id.entry(item.id.clone()).or_insert(n);
            self.by_href.entry(item.href.clone()).or_insert(n);
            if let Some(path) = &item.path {
                self.by_path.entry(path.clone()).or_insert(n);
            }
        }
    }

    /// The first item at a container path.
    fn item_at(&self, path: &str) -> Option<&Item> {
        self.by_path.get(path).map(|&n| &self.items[n])
    }

    /// Whether the item is a content document, or a foreign resource whose fallback chain
    /// reaches one (EPUB 3.3 §3.5.2: a reading system that cannot render it renders the fallback,
    /// so a spine or nav may point at it). A chain that loops reaches nothing.
    fn falls_back_to_content_document(&self, item: &Item) -> bool {
        let mut seen = BTreeSet::new();
        let mut current = Some(item);
        while let Some(item) = current {
            if is_content_document(&item.media_type) {
                return true;
            }
            if !seen.insert(item.id.as_str()) {
                return false;
            }
            current = item.fallback.as_deref().and_then(|f| self.by_id.get(f)).map(|&n| &self.items[n]);
        }
        false
    }

    /// The first item whose href is `url` or `other`.
    fn item_with_href(&self, url: &str, other: &str) -> Option<&Item> {
        let n = match (self.by_href.get(url), self.by_href.get(other)) {
            (Some(&a), Some(&b)) => a.min(b),
            (Some(&n), None) | (None, Some(&n)) => n,
            (None, None) => return None,
        };
        Some(&self.items[n])
    }
}

/// The archive's entries, read on demand under the reader's limits.
struct Archive<'z, 'b> {
    zip: &'z mut ::zip::ZipArchive<Cursor<&'b [u8]>>,
    /// Normalised (NFC) name to the name in the archive.
    names: BTreeMap<String, String>,
    total: u64,
}

impl Archive<'_, '_> {
    fn exists(&self, path: &str) -> bool {
        self.names.contains_key(&path.nfc().collect::<String>())
    }

    /// An entry's bytes by normalised path; None when there is no such entry.
    fn read(&mut self, path: &str) -> Result<Option<Vec<u8>>, String> {
        let Some(name) = self.names.get(&path.nfc().collect::<String>()) else { return Ok(None) };
        let mut entry = self.zip.by_name(name).map_err(|e| e.to_string())?;
        let limits = Limits::default();
        limits.check_entry(entry.size(), Some(entry.compressed_size()), self.total).map_err(|e| e.to_string())?;
        let mut out = Vec::new();
        (&mut entry).take(limits.max_entry_size + 1).read_to_end(&mut out).map_err(|e| e.to_string())?;
        if out.len() as u64 > limits.max_entry_size {
            return Err(format!("over the per-entry size limit of {} bytes", limits.max_entry_size));
        }
        self.total += out.len() as u64;
        Ok(Some(out))
    }
}

/// Every `id` (and `xml:id`) defined in a document.
fn element_ids(root: &Element) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack = vec![root];
    while let Some(e) = stack.pop() {
        out.extend(e.attribute("id").or_else(|| e.attribute("xml:id")).map(|i| i.trim().to_string()));
        stack.extend(e.elements());
    }
    out
}

/// The `(public id, system id)` of a document type declaration with an external identifier.
fn external_identifier(text: &str) -> Option<(Option<String>, String)> {
    let start = text.find("<!DOCTYPE")?;
    // Only before the root element.
    let before = &text[..start];
    if before.match_indices('<').any(|(i, _)| !matches!(text.as_bytes().get(i + 1), Some(b'?' | b'!'))) {
        return None;
    }
    let rest = &text[start + "<!DOCTYPE".len()..];
    let rest = &rest[..rest.find(['[', '>']).unwrap_or(rest.len())];
    let mut words = rest.split_whitespace();
    let _name = words.next()?;
    let keyword = words.next()?;
    let quoted: Vec<String> = quoted_strings(rest);
    match keyword {
        "PUBLIC" => Some((quoted.first().cloned(), quoted.get(1).cloned().unwrap_or_default())),
        "SYSTEM" => Some((None, quoted.first().cloned().unwrap_or_default())),
        _ => None,
    }
}

fn quoted_strings(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(open) = rest.find(['"', '\'']) {
        let quote = rest[open..].chars().next().unwrap_or('"');
        let after = &rest[open + 1..];
        let Some(close) = after.find(quote) else { break };
        out.push(after[..close].to_string());
        rest = &after[close + 1..];
    }
    out
}

/// `url(...)` and `@import "..."` in a style sheet.
fn css_references(css: &str, out: &mut Vec<Reference>) {
    // `@namespace` names a namespace, not a resource.
    // Lower-cased once (ASCII only, so offsets are the same in both).
    let lower = css.to_ascii_lowercase();
    let mut kept = String::with_capacity(css.len());
    let mut at = 0;
    while let Some(i) = lower[at..].find("@namespace").map(|i| at + i) {
        kept.push_str(&css[at..i]);
        at = css[i..].find(';').map_or(css.len(), |end| i + end + 1);
    }
    kept.push_str(&css[at..]);
    let css = kept.as_str();
    let lower = css.to_ascii_lowercase();
    for (i, _) in lower.match_indices("url(") {
        let rest = &css[i + 4..];
        // No `)` after this `url(` means none after any later one: stop rather than scan again.
        let Some(close) = rest.find(')') else { break };
        let url = rest[..close].trim().trim_matches(['"', '\'']).trim();
        out.push(Reference { url: url.to_string(), use_: Use::Embed, css: true });
    }
    // The same for each quote: once one is unclosed, every later one is.
    let mut unclosed = (false, false);
    for (i, _) in lower.match_indices("@import") {
        let rest = css[i + 7..].trim_start();
        let Some(q) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else { continue };
        let gone = if q == '"' { &mut unclosed.0 } else { &mut unclosed.1 };
        if *gone {
            continue;
        }
        match rest[1..].find(q) {
            Some(close) => out.push(Reference { url: rest[1..1 + close].to_string(), use_: Use::Embed, css: true }),
            None => *gone = true,
        }
    }
}

/// Whether a URL is remote (`http:`, `https:`, `ftp:`): outside the container.
fn is_remote(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    ["http:", "https:", "ftp:"].iter().any(|s| lower.starts_with(s))
}

/// Whether a URL has a scheme other than the remote ones (`mailto:`, `data:`, `urn:`).
fn html_scheme(url: &str) -> bool {
    crate::write::html::is_absolute_url(url.trim()) && !is_remote(url)
}

/// Remote resources EPUB 3.3 allows: audio, video, fonts.
fn is_remote_allowed(media_type: &str) -> bool {
    media_type.starts_with("audio/") || media_type.starts_with("video/") || media_type.contains("font")
}

fn is_content_document(media_type: &str) -> bool {
    media_type == XHTML || media_type == SVG
}

/// The folder of a container path, with its trailing `/` (empty at the root).
fn dir_of(path: &str) -> String {
    path.rsplit_once('/').map_or(String::new(), |(d, _)| format!("{d}/"))
}

/// A relative URL resolved against `base` (a folder path) to a normalised container path,
/// without query or fragment; None when it leaves the container or is path-absolute.
fn resolve(base: &str, url: &str) -> Option<String> {
    let url = url.trim();
    if url.starts_with('/') {
        return None;
    }
    let url = url.split(['#', '?']).next().unwrap_or_default();
    let decoded = percent_decode(url);
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/").nfc().collect())
}

/// Characters EPUB 3.3 forbids in file names (OCF, "File names").
fn is_forbidden_in_name(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1F}' | '\u{7F}'..='\u{9F}' | '"' | '*' | ':' | '<' | '>' | '?' | '\\' | '|'
        | '\u{E000}'..='\u{F8FF}' | '\u{FDD0}'..='\u{FDEF}' | '\u{FFF0}'..='\u{FFFF}'
        | '\u{E0000}'..='\u{E001F}' | '\u{E0080}'..='\u{E0FFF}' | '\u{F0000}'..='\u{10FFFF}')
        || (c as u32 & 0xFFFE) == 0xFFFE
}

/// `CCYY-MM-DDThh:mm:ssZ`.
fn is_modified_syntax(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 20
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 => *c == b':',
            19 => *c == b'Z',
            _ => c.is_ascii_digit(),
        })
}

/// A well-formed and valid-in-form BCP 47 tag, as EPUBCheck wants in `xml:lang` and
/// `dc:language`: RFC 5646's grammar (through `oxilangtag`), and no variant or extension singleton
/// twice (§2.2.5, §2.2.6), which the grammar alone allows.
pub fn is_well_formed_language_tag(tag: &str) -> bool {
    let Ok(parsed) = oxilangtag::LanguageTag::parse(tag) else { return false };
    let mut variants = BTreeSet::new();
    let mut singletons = BTreeSet::new();
    parsed.variant_subtags().all(|v| variants.insert(v.to_ascii_lowercase()))
        && parsed.extension_subtags().all(|(singleton, _)| singletons.insert(singleton.to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_tags() {
        for good in
            ["en", "en-US", "zh-Hant-TW", "sgn-BE-FR", "x-private", "de-CH-1996", "ar-x-news", "fil", "i-klingon"]
        {
            assert!(is_well_formed_language_tag(good), "{good}");
        }
        for bad in ["", "en_US", "e", "en-", "123", "en-US-x", "de-1996-1996", " en", "en-a-b"] {
            assert!(!is_well_formed_language_tag(bad), "{bad}");
        }
    }

    #[test]
    fn urls_resolve_inside_the_container_only() {
        assert_eq!(resolve("EPUB/", "content%20001.xhtml#x").as_deref(), Some("EPUB/content 001.xhtml"));
        assert_eq!(resolve("EPUB/text/", "../img/a.png").as_deref(), Some("EPUB/img/a.png"));
        assert_eq!(resolve("EPUB/", "u%CC%88.xhtml").as_deref(), Some("EPUB/\u{FC}.xhtml"));
        assert_eq!(resolve("EPUB/", "../../x"), None);
        assert_eq!(resolve("EPUB/", "/x"), None);
    }

    #[test]
    fn external_identifiers_are_found_not_fetched() {
        let svg = "<?xml version=\"1.0\"?>\n<!-- c -->\n<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\"><svg/>";
        assert_eq!(
            external_identifier(svg),
            Some((
                Some("-//W3C//DTD SVG 1.1//EN".to_string()),
                "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd".to_string()
            ))
        );
        assert_eq!(external_identifier("<!DOCTYPE html>\n<html/>"), None);
        assert_eq!(
            external_identifier("<!DOCTYPE x SYSTEM 'file:///etc/passwd'><x/>"),
            Some((None, "file:///etc/passwd".to_string()))
        );
    }

    #[test]
    fn modified_syntax() {
        assert!(is_modified_syntax("2020-01-24T21:05:00Z"));
        for bad in ["2020-01-24", "2020-01-24T21:05:00", "2020-01-24T21:05:00+01:00", "2020-01-24 21:05:00Z"] {
            assert!(!is_modified_syntax(bad), "{bad}");
        }
    }
}
