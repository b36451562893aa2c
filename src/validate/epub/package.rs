//! The package document: its version, metadata (identifier, title, language, `dcterms:modified`),
//! language attributes, manifest and spine (`NA-EPUB-002`, `-014` to `-021`, `-028`, `-035`).

use super::*;

impl Check<'_> {

    pub(super) fn package(&mut self, archive: &mut Archive<'_, '_>, opf: &Element, publication: &mut Publication) {
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

    pub(super) fn metadata(&mut self, metadata: &Element, opf: &Element, name: &str) {
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
    pub(super) fn language_attributes(&mut self, opf: &Element, name: &str) {
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

    pub(super) fn manifest_href(&mut self, name: &str, href: &str) {
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
}
