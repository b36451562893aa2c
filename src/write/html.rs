//! The article body as an XHTML fragment: well-formed XML and valid HTML at once, so the same
//! markup serves ninjs bodies, NewsML-G2 `inlineXML` and EPUB content documents.
//!
//! All text is escaped; raw HTML from the input is text in the model and stays text here. Links
//! and images with a script-capable scheme (`javascript:`, `vbscript:`, `data:`) lose their
//! link and keep their text.

use crate::model::{Alignment, Block, Inline};
use std::fmt::Write;

/// The body blocks as XHTML elements, one block per line.
pub fn body(blocks: &[Block]) -> String {
    let mut out = String::new();
    for block in blocks {
        write_block(&mut out, block);
    }
    out
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
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            // XML parsers turn raw line breaks and tabs in attributes into spaces.
            '\n' if attribute => out.push_str("&#10;"),
            '\t' if attribute => out.push_str("&#9;"),
            c => out.push(c),
        }
    }
}

/// Whether a link target may be a link: not a scheme that runs code.
pub fn is_safe_url(url: &str) -> bool {
    let scheme = url.split_once(':').map(|(s, _)| s.trim().to_ascii_lowercase());
    !matches!(scheme.as_deref(), Some("javascript" | "vbscript" | "data"))
}

fn write_block(out: &mut String, block: &Block) {
    match block {
        Block::Paragraph { content } => {
            out.push_str("<p>");
            write_inlines(out, content);
            out.push_str("</p>\n");
        }
        Block::Heading { level, content } => {
            let level = (*level).clamp(1, 6);
            let _ = write!(out, "<h{level}>");
            write_inlines(out, content);
            let _ = writeln!(out, "</h{level}>");
        }
        Block::Quote { blocks } => {
            out.push_str("<blockquote>\n");
            blocks.iter().for_each(|b| write_block(out, b));
            out.push_str("</blockquote>\n");
        }
        Block::List { ordered, start, tight, items } => {
            match (ordered, start) {
                (true, Some(n)) if *n != 1 => {
                    let _ = writeln!(out, "<ol start=\"{n}\">");
                }
                (true, _) => out.push_str("<ol>\n"),
                (false, _) => out.push_str("<ul>\n"),
            }
            for item in items {
                out.push_str("<li>");
                for (i, block) in item.blocks.iter().enumerate() {
                    match block {
                        // Items of tight lists are runs of text, as CommonMark renders them.
                        Block::Paragraph { content } if *tight => {
                            write_inlines(out, content);
                            if i + 1 < item.blocks.len() {
                                out.push('\n');
                            }
                        }
                        block => {
                            if i == 0 {
                                out.push('\n');
                            }
                            write_block(out, block);
                        }
                    }
                }
                out.push_str("</li>\n");
            }
            out.push_str(if *ordered { "</ol>\n" } else { "</ul>\n" });
        }
        Block::Image { src, alt, title, caption } => {
            out.push_str("<figure>");
            write_image(out, src, alt, title.as_deref());
            if !caption.is_empty() {
                out.push_str("<figcaption>");
                write_inlines(out, caption);
                out.push_str("</figcaption>");
            }
            out.push_str("</figure>\n");
        }
        Block::Rule => out.push_str("<hr/>\n"),
        Block::Code { language, text } => {
            out.push_str("<pre><code");
            if let Some(lang) = language {
                out.push_str(" class=\"language-");
                push_escaped(out, lang, true);
                out.push('"');
            }
            out.push('>');
            push_escaped(out, text, false);
            out.push_str("</code></pre>\n");
        }
        Block::Table { alignments, header, rows } => {
            out.push_str("<table>\n<thead>\n");
            write_row(out, "th", alignments, header);
            out.push_str("</thead>\n<tbody>\n");
            rows.iter().for_each(|row| write_row(out, "td", alignments, row));
            out.push_str("</tbody>\n</table>\n");
        }
    }
}

fn write_row(out: &mut String, cell: &str, alignments: &[Alignment], cells: &[Vec<Inline>]) {
    out.push_str("<tr>");
    for (i, content) in cells.iter().enumerate() {
        let align = match alignments.get(i) {
            Some(Alignment::Left) => " style=\"text-align: left\"",
            Some(Alignment::Center) => " style=\"text-align: center\"",
            Some(Alignment::Right) => " style=\"text-align: right\"",
            _ => "",
        };
        let _ = write!(out, "<{cell}{align}>");
        write_inlines(out, content);
        let _ = write!(out, "</{cell}>");
    }
    out.push_str("</tr>\n");
}

fn write_image(out: &mut String, src: &str, alt: &str, title: Option<&str>) {
    if !is_safe_url(src) {
        push_escaped(out, alt, false);
        return;
    }
    out.push_str("<img src=\"");
    push_escaped(out, src, true);
    out.push_str("\" alt=\"");
    push_escaped(out, alt, true);
    out.push('"');
    if let Some(title) = title {
        out.push_str(" title=\"");
        push_escaped(out, title, true);
        out.push('"');
    }
    out.push_str("/>");
}

fn write_inlines(out: &mut String, inlines: &[Inline]) {
    for inline in inlines {
        match inline {
            Inline::Text { text } => push_escaped(out, text, false),
            Inline::Emphasis { content } => {
                out.push_str("<em>");
                write_inlines(out, content);
                out.push_str("</em>");
            }
            Inline::Strong { content } => {
                out.push_str("<strong>");
                write_inlines(out, content);
                out.push_str("</strong>");
            }
            Inline::Link { url, title, content } if is_safe_url(url) => {
                out.push_str("<a href=\"");
                push_escaped(out, url, true);
                out.push('"');
                if let Some(title) = title {
                    out.push_str(" title=\"");
                    push_escaped(out, title, true);
                    out.push('"');
                }
                out.push('>');
                write_inlines(out, content);
                out.push_str("</a>");
            }
            Inline::Link { content, .. } => write_inlines(out, content),
            Inline::Code { text } => {
                out.push_str("<code>");
                push_escaped(out, text, false);
                out.push_str("</code>");
            }
            Inline::Image { src, alt, title } => write_image(out, src, alt, title.as_deref()),
            Inline::LineBreak => out.push_str("<br/>\n"),
            Inline::SoftBreak => out.push('\n'),
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
