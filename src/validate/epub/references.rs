//! The references between a publication's files: every manifest item in the archive, each content
//! document walked for the resources it uses and the links it makes, the manifest properties the
//! content needs, remote resources, hyperlinks into the spine and their fragments
//! (`NA-EPUB-003`, `-022` to `-027`, `-031`, `-033`, `-038`).

use super::*;

impl Check<'_> {

    /// Reads each XHTML, SVG, CSS and SMIL resource: references, properties, navigation.
    pub(super) fn contents(&mut self, archive: &mut Archive<'_, '_>, publication: &Publication, nav: Option<usize>) {
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
    pub(super) fn properties(&mut self, item: &Item, needs: &Needs) {
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
    pub(super) fn walk(&mut self, root: &Element, path: &str, references: &mut Vec<Reference>, needs: &mut Needs) {
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
}
