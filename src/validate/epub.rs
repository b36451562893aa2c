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

    /// The first entry: `mimetype`, stored, no extra field, exactly `application/epub+zip`.
    fn mimetype(&mut self, bytes: &[u8]) {
        let u16_at = |i: usize| bytes.get(i..i + 2).map_or(0, |b| u16::from_le_bytes([b[0], b[1]]));
        let u32_at = |i: usize| bytes.get(i..i + 4).map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
        let name_len = u16_at(26) as usize;
        let extra_len = u16_at(28) as usize;
        let problem = if bytes.get(..4) != Some(b"PK\x03\x04") || bytes.get(30..30 + name_len) != Some(b"mimetype") {
            Some("the first zip entry must be `mimetype`".to_string())
        } else if u16_at(8) != 0 {
            Some("the `mimetype` entry must be stored, not compressed".to_string())
        } else if extra_len != 0 {
            Some("the `mimetype` entry must have no extra field in its zip header".to_string())
        } else {
            let start = 30 + name_len;
            let size = u32_at(18) as usize;
            let content = bytes.get(start..start + size).unwrap_or_default();
            (content != b"application/epub+zip").then(|| {
                format!(
                    "the `mimetype` entry must hold exactly `application/epub+zip`, not `{}`",
                    String::from_utf8_lossy(content).escape_debug()
                )
            })
        };
        if let Some(problem) = problem {
            self.error("NA-EPUB-001", problem);
        }
    }

    /// Entry names: UTF-8, unique after case folding and normalisation, allowed characters.
    fn names(&mut self, raw: &[RawEntry]) {
        let mut seen: HashMap<unicase::UniCase<String>, String> = HashMap::new();
        let mut exact: BTreeSet<&[u8]> = BTreeSet::new();
        for entry in raw {
            let Ok(name) = std::str::from_utf8(&entry.name) else {
                self.error(
                    "NA-EPUB-008",
                    format!("the entry name `{}` is not UTF-8", String::from_utf8_lossy(&entry.name)),
                );
                continue;
            };
            if name.ends_with('/') {
                continue;
            }
            if !exact.insert(&entry.name) {
                self.error("NA-EPUB-009", format!("the zip archive holds `{name}` twice"));
                continue;
            }
            let folded = unicase::UniCase::unicode(name.nfc().collect::<String>());
            if let Some(other) = seen.get(&folded) {
                let message = format!("`{name}` and `{other}` are the same name after case folding and normalisation");
                self.error("NA-EPUB-009", message);
            } else {
                seen.insert(folded, name.to_string());
            }
            let file_name = name.rsplit('/').next().unwrap_or(name);
            if let Some(c) = name.chars().find(|c| is_forbidden_in_name(*c)) {
                self.error(
                    "NA-EPUB-010",
                    format!("the file name `{name}` holds U+{:04X}, which EPUB forbids", c as u32),
                );
            } else if file_name.ends_with('.') {
                self.error("NA-EPUB-010", format!("the file name `{name}` ends with `.`, which EPUB forbids"));
            }
            if name.contains(' ') {
                self.find("NA-EPUB-011", Severity::Warning, format!("the file name `{name}` holds a space"));
            }
        }
    }

    fn container(&mut self, archive: &mut Archive<'_, '_>, mut publication: Publication) {
        let Some(container) = self.xml(archive, "META-INF/container.xml", "application/xml") else {
            if !archive.exists("META-INF/container.xml") {
                self.error("NA-EPUB-006", "there is no `META-INF/container.xml`".to_string());
            }
            return;
        };
        let root = &container.root;
        let mut rootfile = None;
        if root.name != "container" || root.namespace.as_deref() != Some(CONTAINER_NS) {
            self.error("NA-EPUB-007", "`META-INF/container.xml`: the root must be an OCF `container`".to_string());
        }
        for child in root.elements() {
            match child.name.as_str() {
                "rootfiles" => {
                    for r in child.elements() {
                        if r.name != "rootfile" {
                            self.error(
                                "NA-EPUB-007",
                                format!("`META-INF/container.xml`: `{}` is not allowed in `rootfiles`", r.name),
                            );
                        } else if r.attribute("media-type") == Some("application/oebps-package+xml")
                            && rootfile.is_none()
                        {
                            rootfile = r.attribute("full-path").map(str::to_string);
                        }
                    }
                }
                "links" => {}
                other => self.error(
                    "NA-EPUB-007",
                    format!("`META-INF/container.xml`: the element `{other}` is not allowed in `container`"),
                ),
            }
        }
        let Some(rootfile) = rootfile else {
            return self.error(
                "NA-EPUB-006",
                "`META-INF/container.xml` names no package document (`rootfile` of type application/oebps-package+xml)"
                    .to_string(),
            );
        };
        let encrypted = self.encryption(archive);
        self.signatures(archive);
        if !archive.exists(&rootfile) {
            return self.error(
                "NA-EPUB-006",
                format!("the package document `{rootfile}` named in `META-INF/container.xml` is not in the archive"),
            );
        }
        let Some(opf) = self.xml(archive, &rootfile, "application/oebps-package+xml") else { return };
        publication.rootfile = rootfile.nfc().collect();
        publication.encrypted = encrypted.keys().cloned().collect();
        self.package(archive, &opf.root, &mut publication);
        // Obfuscated resources must be fonts.
        for (path, algorithm) in &encrypted {
            if algorithm == "http://www.idpf.org/2008/embedding"
                && let Some(item) = publication.item_at(path)
                && !FONT_TYPES.contains(&item.media_type.as_str())
            {
                let message = format!("`{path}` is obfuscated but is not a font ({})", item.media_type);
                self.error("NA-EPUB-036", message);
            }
        }
    }

    /// `META-INF/encryption.xml`: its content model; gives the encrypted paths and algorithms.
    fn encryption(&mut self, archive: &mut Archive<'_, '_>) -> BTreeMap<String, String> {
        let mut encrypted = BTreeMap::new();
        let name = "META-INF/encryption.xml";
        if !archive.exists(name) {
            return encrypted;
        }
        let Some(doc) = self.xml(archive, name, "application/xml") else { return encrypted };
        if doc.root.name != "encryption" || doc.root.namespace.as_deref() != Some(CONTAINER_NS) {
            self.error("NA-EPUB-007", format!("`{name}`: the root must be an OCF `encryption` element"));
            return encrypted;
        }
        let mut ids = BTreeSet::new();
        let mut stack = vec![&doc.root];
        while let Some(e) = stack.pop() {
            if let Some(id) = e.attribute("Id")
                && !ids.insert(id)
            {
                self.error("NA-EPUB-007", format!("`{name}`: duplicate Id `{id}`"));
            }
            if e.name == "Compression" {
                if !matches!(e.attribute("Method"), Some("0" | "8")) {
                    self.error("NA-EPUB-007", format!("`{name}`: a `Compression` Method must be 0 or 8"));
                }
                if !e
                    .attribute("OriginalLength")
                    .is_some_and(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit()))
                {
                    self.error("NA-EPUB-007", format!("`{name}`: a `Compression` OriginalLength must be a length"));
                }
            }
            if e.name == "EncryptedData" {
                let algorithm = e.child("EncryptionMethod").and_then(|m| m.attribute("Algorithm")).unwrap_or_default();
                if let Some(uri) =
                    e.child("CipherData").and_then(|d| d.child("CipherReference")).and_then(|r| r.attribute("URI"))
                {
                    encrypted.insert(percent_decode(uri).nfc().collect(), algorithm.to_string());
                }
            }
            stack.extend(e.elements());
        }
        encrypted
    }

    fn signatures(&mut self, archive: &mut Archive<'_, '_>) {
        let name = "META-INF/signatures.xml";
        if !archive.exists(name) {
            return;
        }
        if let Some(doc) = self.xml(archive, name, "application/xml")
            && (doc.root.name != "signatures" || doc.root.namespace.as_deref() != Some(CONTAINER_NS))
        {
            self.error("NA-EPUB-007", format!("`{name}`: the root must be an OCF `signatures` element"));
        }
    }

    /// Reads and parses an XML entry; a finding when it is not well-formed or has an external
    /// identifier EPUB does not allow for `media_type`. None when missing or not XML.
    fn xml(&mut self, archive: &mut Archive<'_, '_>, path: &str, media_type: &str) -> Option<xml::Document> {
        let bytes = match archive.read(path) {
            Ok(Some(b)) => b,
            Ok(None) => return None,
            Err(e) => {
                self.error("NA-EPUB-005", format!("`{path}`: {e}"));
                return None;
            }
        };
        let Ok(text) = std::str::from_utf8(&bytes) else {
            self.error("NA-EPUB-012", format!("`{path}` is not UTF-8"));
            return None;
        };
        let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
        if let Some((public, system)) = external_identifier(text) {
            let allowed = EXTERNAL_IDS.iter().any(|(types, p, s)| {
                types.contains(&media_type) && public.as_deref().is_none_or(|x| x == *p) && system == *s
            });
            if !allowed {
                let message = format!(
                    "`{path}`: its document type declaration has an external identifier (`{}`) that EPUB does not allow for {media_type}; newsarc never fetches it",
                    system
                );
                self.error("NA-EPUB-013", message);
            }
        }
        match xml::parse(text) {
            Ok(doc) => Some(doc),
            Err(e) => {
                let (line, column) = crate::read::lines::LineIndex::locate(text, e.offset);
                self.error(
                    "NA-EPUB-012",
                    format!("`{path}`: not well-formed XML at line {line}, column {column}: {}", e.message),
                );
                None
            }
        }
    }

    fn package(&mut self, archive: &mut Archive<'_, '_>, opf: &Element, publication: &mut Publication) {
        let name = publication.rootfile.clone();
        let base = dir_of(&name);
        if opf.name != "package" || opf.namespace.as_deref() != Some(OPF_NS) {
            return self.error("NA-EPUB-019", format!("`{name}` is not an EPUB package document"));
        }
        if opf.attribute("version") != Some("3.0") {
            let version = opf.attribute("version").map_or("none".to_string(), |v| format!("`{v}`"));
            self.error("NA-EPUB-014", format!("`{name}`: the package version is {version}; EPUB 3 requires `3.0`"));
        }
        let metadata = opf.child("metadata");
        let Some(metadata) = metadata else {
            self.error("NA-EPUB-002", format!("`{name}` has no `metadata` element"));
            return;
        };
        self.metadata(metadata, opf, &name);
        self.language_attributes(opf, &name);

        // The manifest.
        let mut ids = BTreeSet::new();
        let mut by_path: BTreeMap<String, String> = BTreeMap::new();
        for e in opf.child("manifest").into_iter().flat_map(|m| m.elements()).filter(|e| e.name == "item") {
            let id = e.attribute("id").unwrap_or_default().trim().to_string();
            let href = e.attribute("href").unwrap_or_default().to_string();
            let media_type = e.attribute("media-type").unwrap_or_default().to_string();
            if id.is_empty() || href.is_empty() || media_type.is_empty() {
                self.error("NA-EPUB-019", format!("`{name}`: a manifest item lacks its id, href or media-type"));
            }
            if !id.is_empty() && !ids.insert(id.clone()) {
                self.error("NA-EPUB-019", format!("`{name}`: the manifest id `{id}` is used twice"));
            }
            let properties: Vec<String> =
                e.attribute("properties").unwrap_or_default().split_whitespace().map(str::to_string).collect();
            let known = |p: &str| match p.split_once(':') {
                None => ITEM_PROPERTIES.contains(&p),
                // The reserved vocabularies define no manifest item properties.
                Some((prefix, _)) => !RESERVED_PREFIXES.contains(&prefix),
            };
            for p in properties.iter().filter(|p| !known(p)) {
                self.error("NA-EPUB-021", format!("`{name}`: the item `{id}` has the unknown property `{p}`"));
            }
            let path = if is_remote(&href) || href.is_empty() {
                None
            } else {
                self.manifest_href(&name, &href);
                resolve(&base, &href)
            };
            if let Some(path) = &path {
                if let Some(other) = by_path.insert(path.clone(), id.clone()) {
                    self.error(
                        "NA-EPUB-019",
                        format!("`{name}`: the items `{other}` and `{id}` are the same file `{path}`"),
                    );
                }
                if *path == publication.rootfile {
                    self.error("NA-EPUB-019", format!("`{name}`: the item `{id}` is the package document itself"));
                } else if path.starts_with("META-INF/") {
                    self.error(
                        "NA-EPUB-020",
                        format!("`{name}`: the item `{id}` is in META-INF, which holds no publication resources"),
                    );
                } else if !archive.exists(path) {
                    self.error("NA-EPUB-003", format!("the manifest lists `{href}`, which is not in the archive"));
                }
            }
            let fallback = e.attribute("fallback").map(str::to_string);
            publication.items.push(Item { id, href, media_type, properties, path, fallback });
        }
        publication.index();
        for item in &publication.items {
            if let Some(fallback) = &item.fallback {
                if *fallback == item.id {
                    self.error("NA-EPUB-028", format!("`{name}`: the item `{}` falls back to itself", item.id));
                } else if !publication.by_id.contains_key(fallback.as_str()) {
                    self.error(
                        "NA-EPUB-028",
                        format!("`{name}`: the item `{}` falls back to the unknown id `{fallback}`", item.id),
                    );
                }
            }
        }
        // The spine.
        for itemref in opf.child("spine").into_iter().flat_map(|s| s.elements()).filter(|e| e.name == "itemref") {
            let idref = itemref.attribute("idref").unwrap_or_default();
            match publication.by_id.get(idref).copied() {
                None => self
                    .error("NA-EPUB-028", format!("`{name}`: the spine names `{idref}`, which is not in the manifest")),
                Some(i) => {
                    let item = &publication.items[i];
                    if !is_content_document(&item.media_type) && item.fallback.is_none() {
                        let message = format!(
                            "`{name}`: the spine item `{idref}` is {}, not a content document, and has no fallback",
                            item.media_type
                        );
                        self.error("NA-EPUB-028", message);
                    }
                    publication.spine.push((i, itemref.attribute("linear") != Some("no")));
                    publication.in_spine.insert(i);
                }
            }
        }
        let navs: Vec<usize> =
            publication.items.iter().enumerate().filter(|(_, i)| i.has("nav")).map(|(n, _)| n).collect();
        match navs.len() {
            0 => self.error("NA-EPUB-004", "the manifest has no navigation document (properties=\"nav\")".to_string()),
            1 => {}
            n => self.error("NA-EPUB-029", format!("{n} manifest items declare the `nav` property; exactly one must")),
        }
        // Metadata links.
        for link in metadata.elements().filter(|e| e.name == "link") {
            let Some(href) = link.attribute("href") else { continue };
            if is_remote(href) || html_scheme(href) {
                continue;
            }
            if link.attribute("media-type").is_none() {
                self.error("NA-EPUB-035", format!("`{name}`: the metadata link to `{href}` lacks a media-type"));
            }
            if let Some(path) = resolve(&base, href)
                && !archive.exists(&path)
            {
                let message = format!("`{name}`: the metadata link to `{href}` names a file not in the archive");
                self.find("NA-EPUB-024", Severity::Warning, message);
            }
        }
        self.contents(archive, publication, navs.first().copied());
    }

    fn metadata(&mut self, metadata: &Element, opf: &Element, name: &str) {
        fn dc<'e>(metadata: &'e Element, local: &'e str) -> impl Iterator<Item = &'e Element> {
            metadata.elements().filter(move |e| e.name == local && e.namespace.as_deref() == Some(DC_NS))
        }
        let dc = |local: &'static str| dc(metadata, local);
        let mut missing: Vec<&str> =
            ["identifier", "title", "language"].into_iter().filter(|n| dc(n).next().is_none()).collect();
        let modified: Vec<String> = metadata
            .elements()
            .filter(|e| {
                e.name == "meta"
                    && e.attribute("property") == Some("dcterms:modified")
                    && e.attribute("refines").is_none()
            })
            .map(|e| e.text().trim().to_string())
            .collect();
        if modified.is_empty() {
            missing.push("dcterms:modified");
        }
        for e in ["identifier", "title", "language"].into_iter().flat_map(dc).filter(|e| e.text().trim().is_empty()) {
            let message = format!("`{name}`: `dc:{}` is empty", e.name);
            self.error("NA-EPUB-002", message);
        }
        if !missing.is_empty() {
            let message = format!("the package document lacks required metadata: {}", missing.join(", "));
            self.error("NA-EPUB-002", message);
        }
        for m in &modified {
            if !is_modified_syntax(m) {
                self.error("NA-EPUB-016", format!("`{name}`: `dcterms:modified` is `{m}`, not CCYY-MM-DDThh:mm:ssZ"));
            }
        }
        for e in dc("language") {
            let tag = e.text().trim().to_string();
            if !tag.is_empty() && !is_well_formed_language_tag(&tag) {
                self.error("NA-EPUB-017", format!("`{name}`: `dc:language` `{tag}` is not a well-formed language tag"));
            }
        }
        let unique = opf.attribute("unique-identifier").unwrap_or_default();
        if !dc("identifier")
            .any(|e| e.attribute("id").is_some_and(|id| id.trim() == unique.trim()) && !unique.is_empty())
        {
            let message =
                format!("`{name}`: the package's unique-identifier `{unique}` does not name a `dc:identifier`");
            self.error("NA-EPUB-015", message);
        }
    }

    /// `xml:lang` and `hreflang` anywhere in the package document must be well-formed (or empty).
    fn language_attributes(&mut self, opf: &Element, name: &str) {
        let mut stack = vec![opf];
        while let Some(e) = stack.pop() {
            for attribute in ["xml:lang", "hreflang"] {
                if let Some(tag) = e.attribute(attribute)
                    && !tag.is_empty()
                    && !is_well_formed_language_tag(tag)
                {
                    self.error(
                        "NA-EPUB-017",
                        format!("`{name}`: `{attribute}=\"{tag}\"` is not a well-formed language tag"),
                    );
                }
            }
            stack.extend(e.elements());
        }
    }

    fn manifest_href(&mut self, name: &str, href: &str) {
        let problem = if href.starts_with('/') {
            Some("is path-absolute")
        } else if resolve(&dir_of(name), href).is_none() {
            Some("leaves the container")
        } else if href.contains('?') {
            Some("holds a query")
        } else if href.contains('#') {
            Some("holds a fragment")
        } else if href.contains(' ') {
            Some("holds a space (not a valid URL; encode it as %20)")
        } else {
            None
        };
        if let Some(problem) = problem {
            self.error("NA-EPUB-018", format!("`{name}`: the manifest URL `{href}` {problem}"));
        }
    }

    /// Reads each XHTML, SVG, CSS and SMIL resource: references, properties, navigation.
    fn contents(&mut self, archive: &mut Archive<'_, '_>, publication: &Publication, nav: Option<usize>) {
        // First every document is read: its references, what it needs, the ids it defines.
        let mut documents: Vec<(usize, Vec<Reference>, Needs)> = Vec::new();
        let mut ids: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        // Each file is read once, however many manifest items name it.
        let mut read_already: HashSet<&str> = HashSet::new();
        for (index, item) in publication.items.iter().enumerate() {
            let Some(path) = &item.path else { continue };
            if publication.encrypted.contains(path) || !archive.exists(path) || !read_already.insert(path) {
                continue;
            }
            let kind = item.media_type.as_str();
            let mut references = Vec::new();
            let mut needs = Needs::default();
            if kind == "text/css" {
                let Ok(Some(bytes)) = archive.read(path) else { continue };
                css_references(&String::from_utf8_lossy(&bytes), &mut references);
            } else if kind.ends_with("+xml") || kind == "application/xml" {
                let Some(doc) = self.xml(archive, path, kind) else { continue };
                if !matches!(kind, XHTML | SVG | "application/smil+xml" | "application/x-dtbncx+xml") {
                    continue;
                }
                self.walk(&doc.root, path, &mut references, &mut needs);
                if Some(index) == nav {
                    self.nav(&doc.root, path, publication);
                }
                if matches!(kind, XHTML | SVG) {
                    ids.insert(path.clone(), element_ids(&doc.root));
                }
            } else {
                continue;
            }
            documents.push((index, references, needs));
        }
        // Then each reference is checked against the manifest, the archive and those ids.
        let by_path: HashMap<&str, usize> =
            publication.items.iter().enumerate().filter_map(|(n, i)| Some((i.path.as_deref()?, n))).collect();
        let mut hyperlinked: BTreeSet<String> = BTreeSet::new();
        for (index, references, mut needs) in documents {
            let item = &publication.items[index];
            let path = item.path.as_deref().unwrap_or_default();
            let base = dir_of(path);
            for r in &references {
                if is_remote(&r.url) {
                    let without_fragment = r.url.split('#').next().unwrap_or_default();
                    let declared = publication.item_with_href(&r.url, without_fragment);
                    if let Some(d) = declared
                        && !r.css
                        && !is_remote_allowed(&d.media_type)
                    {
                        let message = format!(
                            "`{path}` refers to the remote {} resource `{}`, which must be in the container",
                            d.media_type, r.url
                        );
                        self.error("NA-EPUB-022", message);
                    }
                    if r.use_ == Use::Embed {
                        needs.remote = true;
                        if declared.is_none() {
                            let message =
                                format!("`{path}` uses the remote resource `{}`, which is not in the manifest", r.url);
                            self.error("NA-EPUB-023", message);
                        }
                    }
                    continue;
                }
                if html_scheme(&r.url) || r.url.starts_with('#') || r.url.is_empty() {
                    continue;
                }
                let Some(target) = resolve(&base, &r.url) else {
                    self.error("NA-EPUB-018", format!("`{path}`: the URL `{}` leaves the container", r.url));
                    continue;
                };
                let fragment = r.url.split_once('#').map(|(_, f)| percent_decode(f));
                if target == publication.rootfile && fragment.as_deref().is_some_and(|f| f.starts_with("epubcfi(")) {
                    continue;
                }
                let manifest = by_path.get(target.as_str()).copied();
                match manifest {
                    None if !archive.exists(&target) => self
                        .error("NA-EPUB-024", format!("`{path}` refers to `{}`, which is not in the archive", r.url)),
                    None => self.error(
                        "NA-EPUB-023",
                        format!("`{path}` refers to `{}`, which is in the archive but not in the manifest", r.url),
                    ),
                    Some(t) => {
                        if r.use_ == Use::Hyperlink {
                            hyperlinked.insert(target.clone());
                            let in_spine = publication.in_spine.contains(&t);
                            if is_content_document(&publication.items[t].media_type) && !in_spine {
                                self.error(
                                    "NA-EPUB-031",
                                    format!("`{path}` links to `{}`, a content document not in the spine", r.url),
                                );
                            }
                        }
                        if let (Some(fragment), Some(defined)) = (&fragment, ids.get(&target))
                            && !fragment.is_empty()
                            && !fragment.starts_with("epubcfi(")
                            && !fragment.contains(['(', '='])
                            && r.use_ != Use::Embed
                            && !defined.contains(fragment.as_str())
                        {
                            let message =
                                format!("`{path}` refers to `{}`, but `{target}` defines no id `{fragment}`", r.url);
                            self.error("NA-EPUB-038", message);
                        }
                    }
                }
            }
            self.properties(item, &needs);
        }
        let scripted = publication.items.iter().any(|i| i.has("scripted"));
        for (i, linear) in &publication.spine {
            let item = &publication.items[*i];
            if !linear && !scripted && item.path.as_ref().is_some_and(|p| !hyperlinked.contains(p)) {
                self.error(
                    "NA-EPUB-033",
                    format!("the non-linear spine item `{}` is not reachable: no hyperlink leads to it", item.href),
                );
            }
        }
    }

    /// The manifest properties against what the content needs.
    fn properties(&mut self, item: &Item, needs: &Needs) {
        let xhtml = item.media_type == XHTML;
        let svg = item.media_type == SVG;
        let checks: [(&str, bool, bool); 5] = [
            ("remote-resources", needs.remote, true),
            ("scripted", needs.scripted, xhtml || svg),
            ("svg", needs.svg, xhtml),
            ("mathml", needs.mathml, xhtml),
            ("switch", needs.switch, xhtml),
        ];
        for (property, needed, applies) in checks {
            let declared = item.has(property);
            if needed && !declared {
                let message = format!("`{}` needs the manifest property `{property}`, which its item lacks", item.href);
                self.error("NA-EPUB-025", message);
            } else if declared && !needed && applies {
                let message =
                    format!("`{}` declares the manifest property `{property}` but does not need it", item.href);
                if property == "remote-resources" {
                    self.find("NA-EPUB-027", Severity::Warning, message);
                } else {
                    self.error("NA-EPUB-026", message);
                }
            }
        }
    }

    /// Collects references and needs from a document's tree; checks `lang` against `xml:lang`.
    fn walk(&mut self, root: &Element, path: &str, references: &mut Vec<Reference>, needs: &mut Needs) {
        let mut stack = vec![root];
        while let Some(e) = stack.pop() {
            stack.extend(e.elements());
            let ns = e.namespace.as_deref();
            if let (Some(a), Some(b)) = (e.attribute("lang"), e.attribute("xml:lang"))
                && !a.eq_ignore_ascii_case(b)
            {
                self.error(
                    "NA-EPUB-034",
                    format!("`{path}`: `lang=\"{a}\"` and `xml:lang=\"{b}\"` differ on `{}`", e.name),
                );
            }
            match ns {
                Some(SVG_NS) if root.namespace.as_deref() == Some(XHTML_NS) => needs.svg = true,
                Some(MATHML_NS) => needs.mathml = true,
                Some(OPS_NS) if e.name == "switch" => needs.switch = true,
                _ => {}
            }
            let mut add =
                |url: &str, use_: Use| references.push(Reference { url: url.trim().to_string(), use_, css: false });
            match (ns, e.name.as_str()) {
                (Some(XHTML_NS), "a" | "area") => {
                    if let Some(h) = e.attribute("href") {
                        add(h, Use::Hyperlink)
                    }
                }
                (Some(XHTML_NS), "link") => {
                    let rel = e.attribute("rel").unwrap_or_default();
                    if let Some(h) = e.attribute("href") {
                        add(
                            h,
                            if rel.split_whitespace().any(|r| r.eq_ignore_ascii_case("stylesheet")) {
                                Use::Embed
                            } else {
                                Use::Cite
                            },
                        );
                    }
                }
                (Some(XHTML_NS), "script") => {
                    let t = e.attribute("type").unwrap_or_default().trim().to_ascii_lowercase();
                    if t.is_empty() || t == "module" || t.contains("javascript") || t.contains("ecmascript") {
                        needs.scripted = true;
                    }
                    if let Some(s) = e.attribute("src") {
                        add(s, Use::Embed)
                    }
                }
                (Some(XHTML_NS), "form") => needs.scripted = true,
                (Some(XHTML_NS), "style") | (Some(SVG_NS), "style") => {
                    let mut found = Vec::new();
                    css_references(&e.text(), &mut found);
                    references.extend(found);
                }
                (Some(XHTML_NS), "object") => {
                    if let Some(d) = e.attribute("data") {
                        add(d, Use::Embed)
                    }
                }
                (Some(XHTML_NS), "video") => {
                    for a in ["src", "poster"] {
                        if let Some(s) = e.attribute(a) {
                            add(s, Use::Embed)
                        }
                    }
                }
                (Some(XHTML_NS), "blockquote" | "q" | "del" | "ins") => {
                    if let Some(c) = e.attribute("cite") {
                        add(c, Use::Cite)
                    }
                }
                (Some(XHTML_NS), "img" | "audio" | "source" | "track" | "iframe" | "embed" | "input") => {
                    if let Some(s) = e.attribute("src") {
                        add(s, Use::Embed)
                    }
                }
                (Some(SVG_NS), "a") => {
                    if let Some(h) = e.attribute("xlink:href").or_else(|| e.attribute("href")) {
                        add(h, Use::Hyperlink)
                    }
                }
                (Some(SVG_NS), "image" | "use" | "font-face-uri" | "script") => {
                    if let Some(h) = e.attribute("xlink:href").or_else(|| e.attribute("href")) {
                        add(h, Use::Embed)
                    }
                }
                (_, "audio") if ns != Some(XHTML_NS) => {
                    if let Some(s) = e.attribute("src") {
                        add(s, Use::Embed)
                    }
                }
                (_, "content") if ns != Some(XHTML_NS) && ns != Some(SVG_NS) => {
                    if let Some(s) = e.attribute("src") {
                        add(s, Use::Cite)
                    }
                }
                (_, "text") if ns != Some(XHTML_NS) && ns != Some(SVG_NS) => {
                    if let Some(s) = e.attribute("src") {
                        add(s, Use::Cite)
                    }
                }
                _ => {}
            }
            if let Some(style) = e.attribute("style") {
                css_references(style, references);
            }
        }
    }

    /// The navigation document: a `toc` nav; its, `page-list`'s and `landmarks`'s links.
    fn nav(&mut self, root: &Element, path: &str, publication: &Publication) {
        let mut navs = Vec::new();
        let mut stack = vec![root];
        while let Some(e) = stack.pop() {
            if e.name == "nav" && e.namespace.as_deref() == Some(XHTML_NS) {
                navs.push(e);
            }
            stack.extend(e.elements());
        }
        let types = |e: &Element| -> Vec<String> {
            e.attributes
                .iter()
                .filter(|(k, _)| k.ends_with(":type"))
                .flat_map(|(_, v)| v.split_whitespace().map(str::to_string).collect::<Vec<_>>())
                .collect()
        };
        if !navs.iter().any(|n| types(n).iter().any(|t| t == "toc")) {
            self.error("NA-EPUB-029", format!("`{path}`: the navigation document has no `toc` nav"));
        }
        let base = dir_of(path);
        for n in
            navs.iter().filter(|n| types(n).iter().any(|t| matches!(t.as_str(), "toc" | "page-list" | "landmarks")))
        {
            let mut stack = vec![*n];
            while let Some(e) = stack.pop() {
                stack.extend(e.elements());
                if e.name != "a" {
                    continue;
                }
                let Some(href) = e.attribute("href") else { continue };
                if is_remote(href) || html_scheme(href) {
                    self.error("NA-EPUB-030", format!("`{path}`: the nav links to `{href}`, outside the publication"));
                    continue;
                }
                let Some(target) = resolve(&base, href) else { continue };
                if let Some(item) = publication.item_at(&target)
                    && !publication.falls_back_to_content_document(item)
                {
                    let message = format!(
                        "`{path}`: the nav links to `{href}`, which is {}, not a content document",
                        item.media_type
                    );
                    self.error("NA-EPUB-032", message);
                }
            }
        }
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

/// A well-formed BCP 47 language tag (RFC 5646 syntax; registry membership is not checked).
pub fn is_well_formed_language_tag(tag: &str) -> bool {
    const IRREGULAR: &[&str] = &[
        "en-gb-oed",
        "i-ami",
        "i-bnn",
        "i-default",
        "i-enochian",
        "i-hak",
        "i-klingon",
        "i-lux",
        "i-mingo",
        "i-navajo",
        "i-pwn",
        "i-tao",
        "i-tay",
        "i-tsu",
        "sgn-be-fr",
        "sgn-be-nl",
        "sgn-ch-de",
    ];
    let lower = tag.to_ascii_lowercase();
    if IRREGULAR.contains(&lower.as_str()) {
        return true;
    }
    let parts: Vec<&str> = lower.split('-').collect();
    let alpha =
        |s: &str, min: usize, max: usize| (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphabetic());
    let alnum = |s: &str, min: usize, max: usize| {
        (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric())
    };
    let private = |rest: &[&str]| !rest.is_empty() && rest.iter().all(|p| alnum(p, 1, 8));
    if parts[0] == "x" {
        return private(&parts[1..]);
    }
    let mut i;
    if alpha(parts[0], 2, 3) {
        i = 1;
        let mut ext = 0;
        while i < parts.len() && ext < 3 && alpha(parts[i], 3, 3) {
            i += 1;
            ext += 1;
        }
    } else if alpha(parts[0], 4, 8) {
        i = 1;
    } else {
        return false;
    }
    if i < parts.len() && alpha(parts[i], 4, 4) {
        i += 1;
    }
    if i < parts.len()
        && (alpha(parts[i], 2, 2) || (parts[i].len() == 3 && parts[i].bytes().all(|b| b.is_ascii_digit())))
    {
        i += 1;
    }
    let mut variants = BTreeSet::new();
    while i < parts.len()
        && (alnum(parts[i], 5, 8)
            || (parts[i].len() == 4 && parts[i].as_bytes()[0].is_ascii_digit() && alnum(parts[i], 4, 4)))
    {
        if !variants.insert(parts[i]) {
            return false;
        }
        i += 1;
    }
    let mut singletons = BTreeSet::new();
    while i < parts.len() && parts[i].len() == 1 && parts[i] != "x" && alnum(parts[i], 1, 1) {
        if !singletons.insert(parts[i]) {
            return false;
        }
        i += 1;
        let start = i;
        while i < parts.len() && alnum(parts[i], 2, 8) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    if i < parts.len() && parts[i] == "x" {
        return private(&parts[i + 1..]);
    }
    i == parts.len()
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
