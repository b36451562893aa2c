//! The container (OCF) of an EPUB: the `mimetype` entry, the entry names, `META-INF/container.xml`
//! and its rootfile, `encryption.xml` and `signatures.xml`, and each XML resource read safely
//! (`NA-EPUB-001`, `-005` to `-013`, `-034`, `-036`).

use super::*;

impl Check<'_> {

    /// The first entry: `mimetype`, stored, no extra field, exactly `application/epub+zip`.
    pub(super) fn mimetype(&mut self, bytes: &[u8]) {
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
    pub(super) fn names(&mut self, raw: &[RawEntry]) {
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

    pub(super) fn container(&mut self, archive: &mut Archive<'_, '_>, mut publication: Publication) {
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
    pub(super) fn encryption(&mut self, archive: &mut Archive<'_, '_>) -> BTreeMap<String, String> {
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

    pub(super) fn signatures(&mut self, archive: &mut Archive<'_, '_>) {
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
    pub(super) fn xml(&mut self, archive: &mut Archive<'_, '_>, path: &str, media_type: &str) -> Option<xml::Document> {
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
}
