//! The navigation document: one, with a `toc` nav, whose `toc`, `page-list` and `landmarks` links
//! stay inside the publication and reach content documents (`NA-EPUB-004`, `-029`, `-030`,
//! `-032`).

use super::*;

impl Check<'_> {

    /// The navigation document: a `toc` nav; its, `page-list`'s and `landmarks`'s links.
    pub(super) fn nav(&mut self, root: &Element, path: &str, publication: &Publication) {
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
