//! XHTML (and NITF) body elements into model blocks: the way back from `write::html`.
//!
//! Two ways to treat white space. [`Whitespace::Exact`] inverts newsarc's own writer exactly: a
//! line break inside a paragraph is a soft break, and the line break after `<br/>` belongs to it.
//! [`Whitespace::Html`] reads other producers' markup as a browser would: runs of white space are
//! one space, trimmed at the edges of blocks.
//!
//! Unknown elements are read through: their text is kept, their markup dropped. Quotes, lists,
//! emphasis and links nested deeper than the model holds are flattened, with a warning
//! (`NA-READ-006`, naming the limit).

use super::xml::{Element, Node};
use crate::model::{Alignment, Block, Inline, ListItem, MAX_NESTING, Warning, WarningCode};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Whitespace {
    Exact,
    Html,
}

/// The blocks of a body element (`body`, NITF `body.content`, or any container); a warning in
/// `warnings` when nesting was flattened.
pub fn blocks(container: &Element, ws: Whitespace, warnings: &mut Vec<Warning>) -> Vec<Block> {
    let mut reader = Reader { ws, block_depth: 0, inline_depth: 0, flattened: false };
    let blocks = reader.blocks(&container.children);
    if reader.flattened {
        warnings.push(Warning::new(
            WarningCode::NestingFlattened,
            format!("quotes, lists, emphasis or links nested deeper than {MAX_NESTING} levels were flattened"),
        ));
    }
    blocks
}

struct Reader {
    ws: Whitespace,
    block_depth: usize,
    inline_depth: usize,
    /// Whether a container was flattened for being nested too deep.
    flattened: bool,
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "hl1"
            | "hl2"
            | "blockquote"
            | "ul"
            | "ol"
            | "figure"
            | "hr"
            | "pre"
            | "table"
            | "div"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "main"
            | "aside"
            | "nav"
            | "block"
            | "body.content"
            | "body"
            | "dl"
            | "address"
            | "li"
            | "media"
    )
}

impl Reader {
    fn blocks(&mut self, nodes: &[Node]) -> Vec<Block> {
        let mut out = Vec::new();
        let mut run: Vec<&Node> = Vec::new();
        for node in nodes {
            match node {
                Node::Element(e) if is_block(&e.name) => {
                    self.flush(&mut run, &mut out);
                    self.block(e, &mut out);
                }
                _ => run.push(node),
            }
        }
        self.flush(&mut run, &mut out);
        out
    }

    /// Inline content between blocks (a tight list item's text, text loose in a container)
    /// becomes a paragraph; the line break that separates it from a block goes.
    fn flush(&mut self, run: &mut Vec<&Node>, out: &mut Vec<Block>) {
        let nodes: Vec<Node> = run.drain(..).cloned().collect();
        let mut content = self.inlines(&nodes);
        trim_breaks(&mut content);
        if !content.is_empty() {
            out.push(Block::Paragraph { content });
        }
    }

    fn block(&mut self, e: &Element, out: &mut Vec<Block>) {
        if matches!(e.name.as_str(), "blockquote" | "ul" | "ol") && self.block_depth >= MAX_NESTING {
            self.flattened = true;
        }
        match e.name.as_str() {
            "p" => {
                let mut content = self.inlines(&e.children);
                if self.ws == Whitespace::Html {
                    trim_breaks(&mut content);
                }
                if !content.is_empty() {
                    out.push(Block::Paragraph { content });
                }
            }
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "hl1" | "hl2" => {
                // newsarc's EPUB keeps a moved heading's own level in data-level.
                let stated = e.attribute("data-level").and_then(|l| l.parse().ok()).filter(|l| (1..=6).contains(l));
                let level = stated.unwrap_or_else(|| match e.name.as_str() {
                    "hl1" => 1,
                    "hl2" => 2,
                    name => name[1..].parse().unwrap_or(2),
                });
                let mut content = self.inlines(&e.children);
                trim_breaks(&mut content);
                out.push(Block::Heading { level, content });
            }
            "hr" => out.push(Block::Rule),
            "blockquote" if self.block_depth < MAX_NESTING => {
                self.block_depth += 1;
                let blocks = self.blocks(&e.children);
                self.block_depth -= 1;
                out.push(Block::Quote { blocks });
            }
            "ul" | "ol" if self.block_depth < MAX_NESTING => {
                self.block_depth += 1;
                let items: Vec<ListItem> = e
                    .elements()
                    .filter(|li| li.name == "li")
                    .map(|li| ListItem { blocks: self.blocks(&li.children) })
                    .collect();
                self.block_depth -= 1;
                // newsarc writes <p> in items of loose lists only.
                let tight = !e.elements().any(|li| li.elements().any(|c| c.name == "p"));
                let ordered = e.name == "ol";
                let start = ordered.then(|| e.attribute("start").and_then(|s| s.trim().parse().ok()).unwrap_or(1));
                out.push(Block::List { ordered, start, tight, items });
            }
            "figure" => match e.elements().find_map(image_of) {
                Some((src, alt, title)) => {
                    let caption = e.child("figcaption").map(|c| self.inlines(&c.children)).unwrap_or_default();
                    out.push(Block::Image { src, alt, title, caption });
                }
                None => out.extend(self.blocks(&e.children)),
            },
            "pre" => {
                let language = e.child("code").and_then(|c| c.attribute("class")).and_then(|class| {
                    class.split_whitespace().find_map(|c| c.strip_prefix("language-")).map(str::to_string)
                });
                out.push(Block::Code { language, text: e.text() });
            }
            "table" => out.push(self.table(e)),
            "media" => {} // NITF media objects: references, not text
            // Containers, lists and quotes too deep: read through.
            _ => out.extend(self.blocks(&e.children)),
        }
    }

    fn table(&mut self, table: &Element) -> Block {
        let mut rows: Vec<&Element> = Vec::new();
        let mut head: Option<&Element> = None;
        for part in table.elements() {
            match part.name.as_str() {
                "thead" => head = part.elements().find(|r| r.name == "tr").or(head),
                "tbody" | "tfoot" => rows.extend(part.elements().filter(|r| r.name == "tr")),
                "tr" => rows.push(part),
                _ => {}
            }
        }
        // Without a thead, a first row of header cells is the header.
        if head.is_none() && rows.first().is_some_and(|r| r.elements().all(|c| c.name == "th")) {
            head = Some(rows.remove(0));
        }
        let cells = |row: &Element, me: &mut Reader| -> Vec<Vec<Inline>> {
            row.elements().filter(|c| c.name == "th" || c.name == "td").map(|c| me.inlines(&c.children)).collect()
        };
        let alignments = head
            .map(|h| h.elements().filter(|c| c.name == "th" || c.name == "td").map(alignment).collect())
            .unwrap_or_default();
        let header = head.map(|h| cells(h, self)).unwrap_or_default();
        let rows = rows.iter().map(|r| cells(r, self)).collect();
        Block::Table { alignments, header, rows }
    }

    fn inlines(&mut self, nodes: &[Node]) -> Vec<Inline> {
        let mut out = Vec::new();
        self.push_inlines(nodes, &mut out);
        if self.ws == Whitespace::Html {
            collapse_spaces(&mut out);
        }
        out
    }

    fn push_inlines(&mut self, nodes: &[Node], out: &mut Vec<Inline>) {
        for node in nodes {
            match node {
                Node::Text(text) => self.push_text(text, out),
                Node::Element(e) => self.push_element(e, out),
            }
        }
    }

    fn push_text(&self, text: &str, out: &mut Vec<Inline>) {
        let text = match (self.ws, out.last()) {
            // newsarc writes `<br/>` followed by a line break.
            (Whitespace::Exact, Some(Inline::LineBreak)) => text.strip_prefix('\n').unwrap_or(text),
            _ => text,
        };
        if self.ws == Whitespace::Html {
            push_joined(out, text);
            return;
        }
        for (i, line) in text.split('\n').enumerate() {
            if i > 0 {
                out.push(Inline::SoftBreak);
            }
            if !line.is_empty() {
                push_joined(out, line);
            }
        }
    }

    fn push_element(&mut self, e: &Element, out: &mut Vec<Inline>) {
        let nests = matches!(e.name.as_str(), "em" | "i" | "strong" | "b" | "a");
        if nests && self.inline_depth >= MAX_NESTING {
            self.flattened = true;
            return self.push_inlines(&e.children, out);
        }
        self.inline_depth += usize::from(nests);
        match e.name.as_str() {
            "em" | "i" => out.push(Inline::Emphasis { content: self.inner(e) }),
            "strong" | "b" => out.push(Inline::Strong { content: self.inner(e) }),
            "a" | "img" | "span" if image_of(e).is_some() => {
                if let Some((src, alt, title)) = image_of(e) {
                    out.push(Inline::Image { src, alt, title });
                }
            }
            // newsarc's EPUB writes links without a scheme as marked spans.
            "span" if e.attribute("class") == Some("newsarc-link") => out.push(Inline::Link {
                url: e.attribute("data-href").unwrap_or_default().to_string(),
                title: e.attribute("title").map(str::to_string),
                content: self.inner(e),
            }),
            "a" => match e.attribute("href") {
                Some(href) => out.push(Inline::Link {
                    url: href.to_string(),
                    title: e.attribute("title").map(str::to_string),
                    content: self.inner(e),
                }),
                None => self.push_inlines(&e.children, out),
            },
            "code" => out.push(Inline::Code { text: e.text() }),
            "br" => out.push(Inline::LineBreak),
            "script" | "style" | "head" => {}
            _ => self.push_inlines(&e.children, out),
        }
        self.inline_depth -= usize::from(nests);
    }

    fn inner(&mut self, e: &Element) -> Vec<Inline> {
        let mut content = Vec::new();
        self.push_inlines(&e.children, &mut content);
        content
    }
}

/// An image: an `img`, or newsarc's EPUB image link (`a.newsarc-image`, alt in `data-alt`), or
/// its marked text for an image the EPUB does not hold (`span.newsarc-image`, source in
/// `data-src`).
fn image_of(e: &Element) -> Option<(String, String, Option<String>)> {
    let title = e.attribute("title").map(str::to_string);
    match e.name.as_str() {
        "img" => Some((
            e.attribute("src").unwrap_or_default().to_string(),
            e.attribute("alt").unwrap_or_default().to_string(),
            title,
        )),
        "a" if e.attribute("class") == Some("newsarc-image") => Some((
            e.attribute("href").unwrap_or_default().to_string(),
            e.attribute("data-alt").unwrap_or_default().to_string(),
            title,
        )),
        "span" if e.attribute("class") == Some("newsarc-image") => Some((
            e.attribute("data-src").unwrap_or_default().to_string(),
            e.attribute("data-alt").unwrap_or_default().to_string(),
            title,
        )),
        _ => None,
    }
}

fn alignment(cell: &Element) -> Alignment {
    let style = cell.attribute("style").unwrap_or_default().to_ascii_lowercase();
    let align = cell.attribute("align").unwrap_or_default().to_ascii_lowercase();
    if style.contains("text-align: left") || align == "left" {
        Alignment::Left
    } else if style.contains("text-align: center") || align == "center" {
        Alignment::Center
    } else if style.contains("text-align: right") || align == "right" {
        Alignment::Right
    } else {
        Alignment::None
    }
}

fn push_joined(out: &mut Vec<Inline>, text: &str) {
    if let Some(Inline::Text { text: last }) = out.last_mut() {
        last.push_str(text);
    } else {
        out.push(Inline::text(text));
    }
}

/// Drops breaks and white space at the start and end of a run.
fn trim_breaks(content: &mut Vec<Inline>) {
    while matches!(content.last(), Some(Inline::SoftBreak)) || is_blank_text(content.last()) {
        content.pop();
    }
    // Drained at once: removing from the front one by one is quadratic.
    let leading = content.iter().take_while(|i| matches!(i, Inline::SoftBreak) || is_blank_text(Some(i))).count();
    content.drain(..leading);
}

/// Text of XML white space only (space, tab, line breaks): a no-break space is text, kept.
fn is_blank_text(inline: Option<&Inline>) -> bool {
    matches!(inline, Some(Inline::Text { text }) if text.chars().all(|c| matches!(c, ' ' | '\t' | '\n' | '\r')))
}

/// HTML white space: every run of spaces, tabs and line breaks is one space; none at the ends.
fn collapse_spaces(content: &mut Vec<Inline>) {
    let mut last_was_space = true;
    collapse_in(content, &mut last_was_space);
    if let Some(Inline::Text { text }) = content.last_mut() {
        let trimmed = text.trim_end_matches(|c: char| c.is_ascii_whitespace()).len();
        text.truncate(trimmed);
    }
    content.retain(|i| !matches!(i, Inline::Text { text } if text.is_empty()));
}

fn collapse_in(content: &mut [Inline], last_was_space: &mut bool) {
    for inline in content {
        match inline {
            Inline::Text { text } => {
                let mut out = String::with_capacity(text.len());
                for c in text.chars() {
                    if c.is_ascii_whitespace() {
                        if !*last_was_space {
                            out.push(' ');
                        }
                        *last_was_space = true;
                    } else {
                        out.push(c);
                        *last_was_space = false;
                    }
                }
                *text = out;
            }
            Inline::Emphasis { content } | Inline::Strong { content } | Inline::Link { content, .. } => {
                collapse_in(content, last_was_space)
            }
            Inline::LineBreak => *last_was_space = true,
            _ => *last_was_space = false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::xml::parse;
    use crate::write::html;

    fn body_of(xhtml: &str, ws: Whitespace) -> Vec<Block> {
        let doc = parse(&format!("<body>{xhtml}</body>")).unwrap();
        blocks(&doc.root, ws, &mut Vec::new())
    }

    #[test]
    fn newsarcs_own_html_reads_back_exactly() {
        let text = "# T\n\n---\n\nA *b* **c** [d](https://e.org/f g \"t\") `h`  \nbreak\nsoft ![i](j.png)\n\n\
                    > quote\n>\n> two\n\n* tight\n* list\n\n1. loose\n\n2. list\n\n![fig](k.png \"x\")\ncaption\n\n\
                    ```rust\nlet x = 1 < 2;\n```\n\n| a | b |\n|:-:|--:|\n| 1 | 2 |\n\n---\n\n## Sub\n\nend\n";
        let article = crate::read::text::read(text.as_bytes(), &Default::default()).unwrap();
        let xhtml = html::body(&article.body);
        assert_eq!(body_of(&xhtml, Whitespace::Exact), article.body, "{xhtml}");
    }

    #[test]
    fn other_producers_markup_is_read_as_a_browser_would() {
        let b = body_of(
            "\n  <div class=\"x\">\n    <p>\n      SPRINGFIELD, March 15 -\n      The <b>council</b>   voted.\n    </p>\n  <span>loose text</span></div><script>x()</script>",
            Whitespace::Html,
        );
        assert_eq!(
            b,
            vec![
                Block::Paragraph {
                    content: vec![
                        Inline::text("SPRINGFIELD, March 15 - The "),
                        Inline::Strong { content: vec![Inline::text("council")] },
                        Inline::text(" voted."),
                    ]
                },
                Block::Paragraph { content: vec![Inline::text("loose text")] },
            ]
        );
    }
}
