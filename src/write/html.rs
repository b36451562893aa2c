//! The article body as an XHTML fragment: well-formed XML and valid HTML at once, so the same
//! markup serves ninjs bodies, NewsML-G2 `inlineXML` and EPUB content documents.
//!
//! All text is escaped; raw HTML from the input is text in the model and stays text here. Links
//! and images with a script-capable scheme (`javascript:`, `vbscript:`, `data:`) lose their
//! link and keep their text.
//!
//! [`Options`] adapt the markup to a container that needs it, in ways `read::xhtml` undoes:
//! EPUB may not show remote images or link to files it does not hold, so images become marked
//! links (`a.newsarc-image`, alt text in `data-alt`), or marked spans when their source has no
//! scheme (`span.newsarc-image`, source in `data-src`), and links without a scheme become marked
//! spans (`span.newsarc-link`, target in `data-href`); headings can be moved so the shallowest
//! sits under a title (each keeps its own level in `data-level`); the dateline can be marked with a
//! span.

use crate::model::{Alignment, Block, Inline};
use std::fmt::Write;

/// How the dateline is marked in a body: the start tag of its span.
pub const DATELINE_MARK: &str = "<span class=\"dateline\">";

/// How the body is written; the default is plain XHTML.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options<'a> {
    /// The level at which to write the body's shallowest heading, keeping the others' distance
    /// to it (an article title above the body takes level 1, so subheadings start at 2); each
    /// heading then keeps its own level in `data-level`.
    pub heading_base: Option<u8>,
    /// Images as marked links, for containers that may not show remote images.
    pub images_as_links: bool,
    /// Links without a URL scheme as marked spans, for containers that check link targets.
    pub only_absolute_links: bool,
    /// Text at the very start of the first paragraph (after any headings that open the body)
    /// to wrap in `<span class="dateline">` ([`DATELINE_MARK`]).
    pub dateline: Option<&'a str>,
}

/// The body blocks as XHTML elements, one block per line.
pub fn body(blocks: &[Block]) -> String {
    body_with(blocks, &Options::default())
}

/// The body blocks as XHTML elements, written with `options`.
pub fn body_with(blocks: &[Block], options: &Options<'_>) -> String {
    let shallowest = shallowest_heading(blocks).unwrap_or(1);
    let shift = options.heading_base.map(|base| i16::from(base) - i16::from(shallowest));
    let mut w = Writer { out: String::new(), options, dateline: options.dateline, shift };
    for block in blocks {
        w.block(block);
    }
    w.out
}

/// Escapes text for a double-quoted XML attribute value: `&`, `<`, `>` and `"`.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_escaped(&mut out, text, true);
    out
}

/// Escapes text for XML element content: `&`, `<` and `>` (so `]]>` cannot occur); quotes stay.
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_escaped(&mut out, text, false);
    out
}

fn push_escaped(out: &mut String, text: &str, attribute: bool) {
    // Runs of bytes that need no escape are copied whole; every byte escaped is ASCII, so the
    // slices between them are whole characters.
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        let escaped = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' if attribute => "&quot;",
            // XML parsers turn raw line breaks and tabs in attributes into spaces.
            b'\n' if attribute => "&#10;",
            b'\t' if attribute => "&#9;",
            _ => continue,
        };
        out.push_str(&text[start..i]);
        out.push_str(escaped);
        start = i + 1;
    }
    out.push_str(&text[start..]);
}

/// Whether a link target may be a link: not a scheme that runs code.
pub fn is_safe_url(url: &str) -> bool {
    let scheme = url.split_once(':').map(|(s, _)| s.trim().to_ascii_lowercase());
    !matches!(scheme.as_deref(), Some("javascript" | "vbscript" | "data"))
}

/// Whether a URL names its scheme (`https:`, `mailto:`), so it points outside any container.
pub fn is_absolute_url(url: &str) -> bool {
    url.split_once(':').is_some_and(|(scheme, _)| {
        scheme.len() > 1
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
    })
}

struct Writer<'o> {
    out: String,
    options: &'o Options<'o>,
    /// The dateline still to mark; taken by the first paragraph.
    dateline: Option<&'o str>,
    /// Levels added to headings, when they are moved.
    shift: Option<i16>,
}

fn shallowest_heading(blocks: &[Block]) -> Option<u8> {
    blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading { level, .. } => Some(*level),
            Block::Quote { blocks } => shallowest_heading(blocks),
            Block::List { items, .. } => items.iter().filter_map(|i| shallowest_heading(&i.blocks)).min(),
            _ => None,
        })
        .min()
}

impl Writer<'_> {
    fn text(&mut self, text: &str) {
        push_escaped(&mut self.out, text, false);
    }

    fn attr(&mut self, name: &str, value: &str) {
        let _ = write!(self.out, " {name}=\"");
        push_escaped(&mut self.out, value, true);
        self.out.push('"');
    }

    fn block(&mut self, block: &Block) {
        match block {
            Block::Paragraph { content } => {
                self.out.push_str("<p>");
                match self.dateline.take() {
                    Some(dateline) => self.inlines_with_dateline(content, dateline),
                    None => self.inlines(content),
                }
                self.out.push_str("</p>\n");
            }
            Block::Heading { level, content } => {
                // Headings that open the body (a title repeated in it) leave the dateline to the
                // first paragraph after them.
                let written = match self.shift {
                    Some(shift) => (i16::from(*level) + shift).clamp(1, 6) as u8,
                    None => *level,
                };
                let _ = write!(self.out, "<h{written}");
                if self.shift.is_some() {
                    self.attr("data-level", &level.to_string());
                }
                self.out.push('>');
                self.inlines(content);
                let _ = writeln!(self.out, "</h{written}>");
            }
            Block::Quote { blocks } => {
                self.dateline = None;
                self.out.push_str("<blockquote>\n");
                blocks.iter().for_each(|b| self.block(b));
                self.out.push_str("</blockquote>\n");
            }
            Block::List { ordered, start, tight, items } => {
                self.dateline = None;
                match (ordered, start) {
                    (true, Some(n)) if *n != 1 => {
                        let _ = writeln!(self.out, "<ol start=\"{n}\">");
                    }
                    (true, _) => self.out.push_str("<ol>\n"),
                    (false, _) => self.out.push_str("<ul>\n"),
                }
                for item in items {
                    self.out.push_str("<li>");
                    for (i, block) in item.blocks.iter().enumerate() {
                        match block {
                            // Items of tight lists are runs of text, as CommonMark renders them.
                            Block::Paragraph { content } if *tight => {
                                self.inlines(content);
                                if i + 1 < item.blocks.len() {
                                    self.out.push('\n');
                                }
                            }
                            block => {
                                if i == 0 {
                                    self.out.push('\n');
                                }
                                self.block(block);
                            }
                        }
                    }
                    self.out.push_str("</li>\n");
                }
                self.out.push_str(if *ordered { "</ol>\n" } else { "</ul>\n" });
            }
            Block::Image { src, alt, title, caption } => {
                self.dateline = None;
                self.out.push_str("<figure>");
                self.image(src, alt, title.as_deref());
                if !caption.is_empty() {
                    self.out.push_str("<figcaption>");
                    self.inlines(caption);
                    self.out.push_str("</figcaption>");
                }
                self.out.push_str("</figure>\n");
            }
            Block::Rule => self.out.push_str("<hr/>\n"),
            Block::Code { language, text } => {
                self.dateline = None;
                self.out.push_str("<pre><code");
                if let Some(lang) = language {
                    self.attr("class", &format!("language-{lang}"));
                }
                self.out.push('>');
                self.text(text);
                self.out.push_str("</code></pre>\n");
            }
            Block::Table { alignments, header, rows } => {
                self.dateline = None;
                self.out.push_str("<table>\n<thead>\n");
                self.row("th", alignments, header);
                self.out.push_str("</thead>\n<tbody>\n");
                rows.iter().for_each(|row| self.row("td", alignments, row));
                self.out.push_str("</tbody>\n</table>\n");
            }
        }
    }

    fn row(&mut self, cell: &str, alignments: &[Alignment], cells: &[Vec<Inline>]) {
        self.out.push_str("<tr>");
        for (i, content) in cells.iter().enumerate() {
            let align = match alignments.get(i) {
                Some(Alignment::Left) => " style=\"text-align: left\"",
                Some(Alignment::Center) => " style=\"text-align: center\"",
                Some(Alignment::Right) => " style=\"text-align: right\"",
                _ => "",
            };
            let _ = write!(self.out, "<{cell}{align}>");
            self.inlines(content);
            let _ = write!(self.out, "</{cell}>");
        }
        self.out.push_str("</tr>\n");
    }

    fn image(&mut self, src: &str, alt: &str, title: Option<&str>) {
        if !is_safe_url(src) {
            self.text(alt);
            return;
        }
        if self.options.images_as_links {
            // An image without a scheme names a file the container does not hold: marked text.
            let (element, attribute) = if self.options.only_absolute_links && !is_absolute_url(src) {
                ("span", "data-src")
            } else {
                ("a", "href")
            };
            let _ = write!(self.out, "<{element} class=\"newsarc-image\"");
            self.attr(attribute, src);
            self.attr("data-alt", alt);
            if let Some(title) = title {
                self.attr("title", title);
            }
            self.out.push('>');
            self.text(if alt.trim().is_empty() { "image" } else { alt });
            let _ = write!(self.out, "</{element}>");
            return;
        }
        self.out.push_str("<img");
        self.attr("src", src);
        self.attr("alt", alt);
        if let Some(title) = title {
            self.attr("title", title);
        }
        self.out.push_str("/>");
    }

    /// A paragraph whose text opens with the dateline: the dateline in a span, the rest as is.
    fn inlines_with_dateline(&mut self, content: &[Inline], dateline: &str) {
        match content.split_first() {
            Some((Inline::Text { text }, rest)) if text.starts_with(dateline) => {
                self.out.push_str(DATELINE_MARK);
                self.text(dateline);
                self.out.push_str("</span>");
                self.text(&text[dateline.len()..]);
                self.inlines(rest);
            }
            _ => self.inlines(content),
        }
    }

    fn inlines(&mut self, inlines: &[Inline]) {
        for inline in inlines {
            match inline {
                Inline::Text { text } => self.text(text),
                Inline::Emphasis { content } => {
                    self.out.push_str("<em>");
                    self.inlines(content);
                    self.out.push_str("</em>");
                }
                Inline::Strong { content } => {
                    self.out.push_str("<strong>");
                    self.inlines(content);
                    self.out.push_str("</strong>");
                }
                Inline::Link { url, content, .. } if !is_safe_url(url) => self.inlines(content),
                Inline::Link { url, title, content } if self.options.only_absolute_links && !is_absolute_url(url) => {
                    self.out.push_str("<span class=\"newsarc-link\"");
                    self.attr("data-href", url);
                    if let Some(title) = title {
                        self.attr("title", title);
                    }
                    self.out.push('>');
                    self.inlines(content);
                    self.out.push_str("</span>");
                }
                Inline::Link { url, title, content } => {
                    self.out.push_str("<a");
                    self.attr("href", url);
                    if let Some(title) = title {
                        self.attr("title", title);
                    }
                    self.out.push('>');
                    self.inlines(content);
                    self.out.push_str("</a>");
                }
                Inline::Code { text } => {
                    self.out.push_str("<code>");
                    self.text(text);
                    self.out.push_str("</code>");
                }
                Inline::Image { src, alt, title } => self.image(src, alt, title.as_deref()),
                Inline::LineBreak => self.out.push_str("<br/>\n"),
                Inline::SoftBreak => self.out.push('\n'),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_that_breaks_naive_xml_is_escaped() {
        let blocks = vec![Block::Paragraph { content: vec![Inline::text("a < b && c > d ]]> -- \"q\" 'a' <br>")] }];
        assert_eq!(body(&blocks), "<p>a &lt; b &amp;&amp; c &gt; d ]]&gt; -- \"q\" 'a' &lt;br&gt;</p>\n");
    }

    #[test]
    fn attributes_escape_quotes_and_line_breaks_between_any_characters() {
        assert_eq!(escape("é\n\t<»\"&x"), "é&#10;&#9;&lt;»&quot;&amp;x");
        assert_eq!(escape_text("é\n\"»>"), "é\n\"»&gt;");
        assert_eq!(escape(""), "");
    }

    #[test]
    fn tight_and_loose_lists() {
        let item =
            |t: &str| crate::model::ListItem { blocks: vec![Block::Paragraph { content: vec![Inline::text(t)] }] };
        let list = |tight| Block::List { ordered: false, start: None, tight, items: vec![item("a"), item("b")] };
        assert_eq!(body(&[list(true)]), "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n");
        assert_eq!(body(&[list(false)]), "<ul>\n<li>\n<p>a</p>\n</li>\n<li>\n<p>b</p>\n</li>\n</ul>\n");
    }

    #[test]
    fn script_links_keep_only_their_text() {
        let link = |url: &str| Block::Paragraph {
            content: vec![Inline::Link {
                url: url.into(),
                title: Some("t\"".into()),
                content: vec![Inline::text("x")],
            }],
        };
        assert_eq!(body(&[link("JavaScript:alert(1)")]), "<p>x</p>\n");
        assert_eq!(
            body(&[link("https://example.org/?a=1&b=2")]),
            "<p><a href=\"https://example.org/?a=1&amp;b=2\" title=\"t&quot;\">x</a></p>\n"
        );
    }
}
