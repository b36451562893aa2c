//! CommonMark (with GFM tables) into model blocks, using pulldown-cmark's event stream.
//!
//! The conversion keeps an explicit stack of open containers, never recursion, so deeply nested
//! input cannot exhaust the stack; containers deeper than [`MAX_NESTING`] are flattened into
//! their parent. Raw HTML is kept as literal text. Top-level blocks come with their byte range in
//! the source, so the article reader can look at how a block was written (`---` versus `##`).

use super::decode::is_illegal_in_xml;
use crate::model::{Alignment, Block, Inline, ListItem, MAX_NESTING};
use pulldown_cmark::{CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};
use std::ops::Range;

/// A top-level block and where it was in the source text.
#[derive(Debug, Clone)]
pub struct TopBlock {
    pub block: Block,
    pub range: Range<usize>,
}

/// What the conversion met that the article reader may want to warn about.
#[derive(Debug, Default)]
pub struct Notes {
    /// Byte offsets of raw HTML kept as text.
    pub raw_html: Vec<usize>,
    /// Byte offsets of containers flattened for being nested too deep.
    pub flattened: Vec<usize>,
    /// Characters XML forbids that character references produced (`&#1;`), replaced by
    /// U+FFFD: the character and the byte offset of the text it came from.
    pub illegal_chars: Vec<(char, usize)>,
}

enum Frame {
    Root(Vec<TopBlock>),
    Quote(Vec<Block>),
    List {
        ordered: bool,
        start: Option<u64>,
        tight: bool,
        items: Vec<ListItem>,
    },
    Item(Vec<Block>),
    /// `implicit`: opened for inline content outside any paragraph (tight list items, flattened
    /// containers); closed by whatever closes its parent.
    Paragraph {
        content: Vec<Inline>,
        implicit: bool,
    },
    Heading {
        level: u8,
        content: Vec<Inline>,
    },
    Code {
        language: Option<String>,
        text: String,
    },
    Html(String),
    Table {
        alignments: Vec<Alignment>,
        header: Vec<Vec<Inline>>,
        rows: Vec<Vec<Vec<Inline>>>,
        row: Vec<Vec<Inline>>,
    },
    Cell(Vec<Inline>),
    Emphasis(Vec<Inline>),
    Strong(Vec<Inline>),
    Link {
        url: String,
        title: Option<String>,
        content: Vec<Inline>,
    },
    Image {
        src: String,
        title: Option<String>,
        alt: String,
    },
    /// A container not opened (too deep, or a kind the model has no place for); its content
    /// goes to the frame below.
    Skipped,
}

impl Frame {
    fn is_block_container(&self) -> bool {
        matches!(self, Frame::Root(_) | Frame::Quote(_) | Frame::Item(_))
    }

    fn is_inline_target(&self) -> bool {
        matches!(
            self,
            Frame::Paragraph { .. }
                | Frame::Heading { .. }
                | Frame::Cell(_)
                | Frame::Emphasis(_)
                | Frame::Strong(_)
                | Frame::Link { .. }
        )
    }

    /// Where a finished block goes.
    fn is_block_home(&self) -> bool {
        self.is_block_container() || matches!(self, Frame::List { .. })
    }
}

/// Positions of the open frames that lookups want (see [`Builder::open`]).
#[derive(Default)]
struct FrameIndex {
    not_skipped: Vec<usize>,
    inline_targets: Vec<usize>,
    block_homes: Vec<usize>,
    tables: Vec<usize>,
}

struct Builder {
    stack: Vec<Frame>,
    /// Indices into `stack`, innermost last, of the frames each kind of lookup wants, kept as
    /// frames are pushed and popped: every lookup is O(1) however many frames (flattened, hence
    /// skipped) a hostile input piles up.
    open: FrameIndex,
    block_depth: usize,
    inline_depth: usize,
    top_start: usize,
    notes: Notes,
}

/// Parses `text` (LF line endings) into top-level blocks.
pub fn parse(text: &str) -> (Vec<TopBlock>, Notes) {
    let mut b = Builder {
        stack: vec![Frame::Root(Vec::new())],
        open: FrameIndex { not_skipped: vec![0], block_homes: vec![0], ..FrameIndex::default() },
        block_depth: 0,
        inline_depth: 0,
        top_start: 0,
        notes: Notes::default(),
    };
    for (event, range) in Parser::new_ext(text, Options::ENABLE_TABLES).into_offset_iter() {
        let event = scrub_event(event, range.start, &mut b.notes.illegal_chars);
        b.event(event, range);
    }
    b.close_implicit(text.len());
    match b.stack.pop() {
        Some(Frame::Root(blocks)) if b.stack.is_empty() => (blocks, b.notes),
        _ => unreachable!("every container opened by the parser is closed by it"),
    }
}

impl Builder {
    fn push_frame(&mut self, frame: Frame) {
        let i = self.stack.len();
        let open = &mut self.open;
        for (wanted, list) in [
            (!matches!(frame, Frame::Skipped), &mut open.not_skipped),
            (frame.is_inline_target(), &mut open.inline_targets),
            (frame.is_block_home(), &mut open.block_homes),
            (matches!(frame, Frame::Table { .. }), &mut open.tables),
        ] {
            if wanted {
                list.push(i);
            }
        }
        self.stack.push(frame);
    }

    fn pop_frame(&mut self) -> Option<Frame> {
        let frame = self.stack.pop()?;
        let i = self.stack.len();
        let open = &mut self.open;
        for list in [&mut open.not_skipped, &mut open.inline_targets, &mut open.block_homes, &mut open.tables] {
            if list.last() == Some(&i) {
                list.pop();
            }
        }
        Some(frame)
    }

    fn event(&mut self, event: Event<'_>, range: Range<usize>) {
        if self.stack.len() == 1 {
            self.top_start = range.start;
        }
        match event {
            Event::Start(tag) => self.start(tag, range),
            Event::End(tag) => self.end(tag, range),
            Event::Text(t) => self.text(&t),
            Event::Code(t) => self.push_inline(Inline::Code { text: t.into_string() }),
            Event::Html(t) => {
                if let Some(Frame::Html(s)) = self.stack.last_mut() {
                    s.push_str(&t);
                } else {
                    self.notes.raw_html.push(range.start);
                    self.text(&t);
                }
            }
            Event::InlineHtml(t) => {
                self.notes.raw_html.push(range.start);
                // Kept as text; one that spans lines (`<!x` then `>` lines later) has its line
                // breaks as breaks, as every other text run does (found by fuzzing: a raw line
                // break in a text run read back from NewsML-G2 and EPUB as a break).
                for inline in lines_as_inlines(&t) {
                    match inline {
                        Inline::Text { text } => self.text(&text),
                        other => self.push_inline(other),
                    }
                }
            }
            Event::SoftBreak => self.push_inline(Inline::SoftBreak),
            Event::HardBreak => self.push_inline(Inline::LineBreak),
            Event::Rule => {
                self.close_implicit(range.start);
                self.push_block(Block::Rule, range.end);
            }
            // Not enabled in the parser options; kept as text should that ever change.
            Event::InlineMath(t) | Event::DisplayMath(t) | Event::FootnoteReference(t) => self.text(&t),
            Event::TaskListMarker(done) => self.text(if done { "[x] " } else { "[ ] " }),
        }
    }

    fn start(&mut self, tag: Tag<'_>, range: Range<usize>) {
        let frame = match tag {
            Tag::Paragraph => {
                self.close_implicit(range.start);
                // The parser gives paragraphs inside items of loose lists only.
                if matches!(self.stack.last(), Some(Frame::Item(_)))
                    && let Some(Frame::List { tight, .. }) = self.stack.iter_mut().rev().nth(1)
                {
                    *tight = false;
                }
                Frame::Paragraph { content: Vec::new(), implicit: false }
            }
            Tag::Heading { level, .. } => {
                self.close_implicit(range.start);
                Frame::Heading { level: level as u8, content: Vec::new() }
            }
            Tag::BlockQuote(_) | Tag::List(_) | Tag::Item if self.block_depth >= MAX_NESTING => {
                self.close_implicit(range.start);
                self.notes.flattened.push(range.start);
                Frame::Skipped
            }
            Tag::BlockQuote(_) => {
                self.close_implicit(range.start);
                self.block_depth += 1;
                Frame::Quote(Vec::new())
            }
            Tag::List(start) => {
                self.close_implicit(range.start);
                self.block_depth += 1;
                Frame::List { ordered: start.is_some(), start, tight: true, items: Vec::new() }
            }
            Tag::Item => {
                self.block_depth += 1;
                Frame::Item(Vec::new())
            }
            Tag::CodeBlock(kind) => {
                self.close_implicit(range.start);
                let language = match kind {
                    CodeBlockKind::Fenced(info) => info.split_whitespace().next().map(str::to_string),
                    CodeBlockKind::Indented => None,
                };
                Frame::Code { language, text: String::new() }
            }
            Tag::HtmlBlock => {
                self.close_implicit(range.start);
                self.notes.raw_html.push(range.start);
                Frame::Html(String::new())
            }
            Tag::Table(aligns) => {
                self.close_implicit(range.start);
                let alignments = aligns.iter().map(|a| match a {
                    pulldown_cmark::Alignment::None => Alignment::None,
                    pulldown_cmark::Alignment::Left => Alignment::Left,
                    pulldown_cmark::Alignment::Center => Alignment::Center,
                    pulldown_cmark::Alignment::Right => Alignment::Right,
                });
                Frame::Table { alignments: alignments.collect(), header: Vec::new(), rows: Vec::new(), row: Vec::new() }
            }
            Tag::TableHead | Tag::TableRow => Frame::Skipped,
            Tag::TableCell => Frame::Cell(Vec::new()),
            Tag::Emphasis | Tag::Strong | Tag::Link { .. } if self.inline_depth >= MAX_NESTING => {
                self.notes.flattened.push(range.start);
                Frame::Skipped
            }
            Tag::Emphasis => {
                self.inline_depth += 1;
                Frame::Emphasis(Vec::new())
            }
            Tag::Strong => {
                self.inline_depth += 1;
                Frame::Strong(Vec::new())
            }
            Tag::Link { dest_url, title, .. } => {
                self.inline_depth += 1;
                Frame::Link { url: normalize_destination(&dest_url), title: non_empty(&title), content: Vec::new() }
            }
            Tag::Image { dest_url, title, .. } => {
                Frame::Image { src: normalize_destination(&dest_url), title: non_empty(&title), alt: String::new() }
            }
            // Not enabled in the parser options.
            _ => Frame::Skipped,
        };
        self.push_frame(frame);
    }

    fn end(&mut self, tag: TagEnd, range: Range<usize>) {
        // A tight list item's text sits in an implicit paragraph; it ends with the item.
        if !matches!(tag, TagEnd::Emphasis | TagEnd::Strong | TagEnd::Link | TagEnd::Image | TagEnd::TableCell) {
            self.close_implicit(range.end);
        }
        let frame = self.pop_frame().expect("an End event follows its Start");
        match frame {
            Frame::Root(_) => unreachable!("the root is never closed by an event"),
            Frame::Skipped => {
                if matches!(tag, TagEnd::TableHead) {
                    if let Some(Frame::Table { header, row, .. }) = self.stack.last_mut() {
                        *header = std::mem::take(row);
                    }
                } else if matches!(tag, TagEnd::TableRow)
                    && let Some(Frame::Table { rows, row, .. }) = self.stack.last_mut()
                {
                    rows.push(std::mem::take(row));
                }
            }
            Frame::Quote(blocks) => {
                self.block_depth -= 1;
                self.push_block(Block::Quote { blocks }, range.end);
            }
            Frame::List { ordered, start, tight, items } => {
                self.block_depth -= 1;
                self.push_block(Block::List { ordered, start, tight, items }, range.end);
            }
            Frame::Item(blocks) => {
                self.block_depth -= 1;
                match self.stack.last_mut() {
                    Some(Frame::List { items, .. }) => items.push(ListItem { blocks }),
                    _ => self.push_blocks(blocks, range.end), // its list was flattened
                }
            }
            Frame::Paragraph { content, .. } => {
                if !content.is_empty() {
                    self.push_block(paragraph_or_image(content), range.end);
                }
            }
            Frame::Heading { level, content } => self.push_block(Block::Heading { level, content }, range.end),
            Frame::Code { language, text } => self.push_block(Block::Code { language, text }, range.end),
            Frame::Html(html) => {
                let content = lines_as_inlines(html.trim_end_matches('\n'));
                if !content.is_empty() {
                    self.push_block(Block::Paragraph { content }, range.end);
                }
            }
            Frame::Table { alignments, header, rows, .. } => {
                self.push_block(Block::Table { alignments, header, rows }, range.end)
            }
            Frame::Cell(content) => {
                // Cells sit in a (skipped) head or row frame above their table.
                if let Some(&i) = self.open.tables.last()
                    && let Frame::Table { row, .. } = &mut self.stack[i]
                {
                    row.push(content);
                }
            }
            Frame::Emphasis(content) => {
                self.inline_depth -= 1;
                self.push_inline(Inline::Emphasis { content });
            }
            Frame::Strong(content) => {
                self.inline_depth -= 1;
                self.push_inline(Inline::Strong { content });
            }
            Frame::Link { url, title, content } => {
                self.inline_depth -= 1;
                self.push_inline(Inline::Link { url, title, content });
            }
            Frame::Image { src, title, alt } => self.push_inline(Inline::Image { src, alt, title }),
        }
    }

    fn text(&mut self, t: &str) {
        // The parser can emit empty text events (after a heading's closing `#`s); the model has no
        // empty runs.
        if t.is_empty() {
            return;
        }
        match self.stack.last_mut() {
            Some(Frame::Code { text, .. } | Frame::Html(text)) => text.push_str(t),
            Some(Frame::Image { alt, .. }) => alt.push_str(t),
            _ => self.push_inline(Inline::text(t)),
        }
    }

    fn push_inline(&mut self, inline: Inline) {
        if let Some(Frame::Image { alt, .. }) = self.stack.last_mut() {
            // Markup inside an image's alt text: keep its text only.
            alt.push_str(&crate::model::text::plain_text(std::slice::from_ref(&inline)));
            return;
        }
        // Inline content directly in a block container (tight list items, flattened containers)
        // gets a paragraph of its own.
        let open = self.open.not_skipped.last().map(|&i| &self.stack[i]);
        if open.is_some_and(Frame::is_block_home) {
            self.push_frame(Frame::Paragraph { content: Vec::new(), implicit: true });
        }
        let Some(target) = self.inline_target() else { return };
        // Join adjacent text runs (the parser splits text at entities and escapes).
        if let (Inline::Text { text: new }, Some(Inline::Text { text })) = (&inline, target.last_mut()) {
            text.push_str(new);
            return;
        }
        target.push(inline);
    }

    /// The innermost open inline list.
    fn inline_target(&mut self) -> Option<&mut Vec<Inline>> {
        let &i = self.open.inline_targets.last()?;
        match &mut self.stack[i] {
            Frame::Paragraph { content, .. }
            | Frame::Heading { content, .. }
            | Frame::Cell(content)
            | Frame::Emphasis(content)
            | Frame::Strong(content)
            | Frame::Link { content, .. } => Some(content),
            _ => unreachable!("only inline targets are listed"),
        }
    }

    /// Closes an implicit paragraph, if one is open; `end` is where the source has moved on to.
    fn close_implicit(&mut self, end: usize) {
        if let Some(Frame::Paragraph { implicit: true, .. }) = self.stack.last()
            && let Some(Frame::Paragraph { content, .. }) = self.pop_frame()
            && !content.is_empty()
        {
            self.push_block(paragraph_or_image(content), end);
        }
    }

    fn push_blocks(&mut self, blocks: Vec<Block>, end: usize) {
        for block in blocks {
            self.push_block(block, end);
        }
    }

    fn push_block(&mut self, block: Block, end: usize) {
        let mut loosen_list_below = None;
        let i = *self.open.block_homes.last().expect("the root is always open");
        match &mut self.stack[i] {
            Frame::Root(blocks) => {
                blocks.push(TopBlock { block, range: self.top_start..end.max(self.top_start) });
                return;
            }
            Frame::Item(blocks) => {
                // Two paragraphs in a row in one item (only flattening makes that) cannot be
                // a tight list: CommonMark needs a blank line between them.
                if matches!((&block, blocks.last()), (Block::Paragraph { .. }, Some(Block::Paragraph { .. }))) {
                    loosen_list_below = Some(i);
                }
                blocks.push(block);
            }
            Frame::Quote(blocks) => {
                blocks.push(block);
                return;
            }
            Frame::List { items, .. } => {
                // Content of a flattened item inside a list that is still open.
                items.push(ListItem { blocks: vec![block] });
                return;
            }
            _ => unreachable!("only block homes are listed"),
        }
        if let Some(Frame::List { tight, .. }) =
            loosen_list_below.and_then(|i| i.checked_sub(1)).map(|i| &mut self.stack[i])
        {
            *tight = false;
        }
    }
}

/// Replaces characters XML forbids in every string an event carries. The text was scrubbed
/// before parsing, but character references (`&#1;`, `&#xFFFE;`) are decoded by the parser.
fn scrub_event<'a>(event: Event<'a>, offset: usize, found: &mut Vec<(char, usize)>) -> Event<'a> {
    let mut scrub = |s: CowStr<'a>| -> CowStr<'a> {
        if !s.chars().any(is_illegal_in_xml) {
            return s;
        }
        found.extend(s.chars().filter(|c| is_illegal_in_xml(*c)).map(|c| (c, offset)));
        s.chars().map(|c| if is_illegal_in_xml(c) { '\u{FFFD}' } else { c }).collect::<String>().into()
    };
    match event {
        Event::Text(t) => Event::Text(scrub(t)),
        Event::Code(t) => Event::Code(scrub(t)),
        Event::Html(t) => Event::Html(scrub(t)),
        Event::InlineHtml(t) => Event::InlineHtml(scrub(t)),
        Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
            Event::Start(Tag::Link { link_type, dest_url: scrub(dest_url), title: scrub(title), id })
        }
        Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
            Event::Start(Tag::Image { link_type, dest_url: scrub(dest_url), title: scrub(title), id })
        }
        Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(scrub(info))))
        }
        other => other,
    }
}

/// A paragraph that opens with an image becomes an image block, the rest of it the caption.
fn paragraph_or_image(mut content: Vec<Inline>) -> Block {
    if let Some(Inline::Image { .. }) = content.first() {
        let rest_is_caption = content[1..].first().is_none_or(|i| matches!(i, Inline::SoftBreak | Inline::LineBreak));
        if rest_is_caption {
            let mut caption = content.split_off(1);
            // Drained at once: removing breaks one by one from the front is quadratic.
            let breaks = caption.iter().take_while(|i| matches!(i, Inline::SoftBreak | Inline::LineBreak)).count();
            caption.drain(..breaks);
            if let Some(Inline::Image { src, alt, title }) = content.pop() {
                return Block::Image { src, alt, title, caption };
            }
        }
    }
    Block::Paragraph { content }
}

fn lines_as_inlines(text: &str) -> Vec<Inline> {
    let mut out = Vec::new();
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push(Inline::SoftBreak);
        }
        if !line.is_empty() {
            out.push(Inline::text(line));
        }
    }
    out
}

/// A link destination as CommonMark's reference renderer normalizes it: characters a URL cannot
/// hold (space, `"`, `<`, `>`, `\\`, `^`, backquote, `{`, `|`, `}`, controls) percent-encoded;
/// `%` and non-ASCII letters kept (an IRI). Writers then only escape it.
fn normalize_destination(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        if c.is_ascii_control() || matches!(c, ' ' | '"' | '<' | '>' | '\\' | '^' | '`' | '{' | '|' | '}') {
            out.push_str(&format!("%{:02X}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(text: &str) -> Vec<Block> {
        parse(text).0.into_iter().map(|t| t.block).collect()
    }

    #[test]
    fn character_references_cannot_smuggle_in_illegal_characters() {
        let (top, notes) = parse("a &#1; b &#xFFFE; [x](/u&#11;v \"t&#12;\")\n");
        let json = serde_json::to_string(&top[0].block).unwrap();
        assert!(!json.contains("\\u0001") && !json.contains("\\u000b") && !json.contains("\\u000c"), "{json}");
        assert!(!json.contains('\u{FFFE}'), "{json}");
        let chars: Vec<char> = notes.illegal_chars.iter().map(|(c, _)| *c).collect();
        assert_eq!(chars, vec!['\u{1}', '\u{FFFE}', '\u{B}', '\u{C}']);
    }

    #[test]
    fn inline_html_across_lines_keeps_its_line_break_as_a_break() {
        let b = blocks("The council met <!note \nabout the budget> today.\n");
        let Block::Paragraph { content } = &b[0] else { panic!("{b:?}") };
        assert_eq!(
            content,
            &vec![Inline::text("The council met <!note "), Inline::SoftBreak, Inline::text("about the budget> today.")]
        );
    }

    #[test]
    fn tight_list_items_get_paragraphs() {
        let b = blocks("* one\n* two *em*\n");
        let Block::List { ordered: false, tight: true, items, .. } = &b[0] else { panic!("{b:?}") };
        let loose = blocks("* one\n\n* two\n");
        assert!(matches!(&loose[0], Block::List { tight: false, .. }), "{loose:?}");
        assert_eq!(items.len(), 2);
        assert_eq!(
            items[1].blocks,
            vec![Block::Paragraph {
                content: vec![Inline::text("two "), Inline::Emphasis { content: vec![Inline::text("em")] }]
            }]
        );
    }

    #[test]
    fn destinations_are_normalized_as_commonmark_does() {
        let b = blocks("[a](<https://example.net/tresk festival?q=\"x\">) [b](https://example.org/año%20x)\n");
        let Block::Paragraph { content } = &b[0] else { panic!() };
        let urls: Vec<&str> = content
            .iter()
            .filter_map(|i| if let Inline::Link { url, .. } = i { Some(url.as_str()) } else { None })
            .collect();
        assert_eq!(urls, ["https://example.net/tresk%20festival?q=%22x%22", "https://example.org/año%20x"]);
    }

    #[test]
    fn image_with_caption_line() {
        let b = blocks("![A dam](https://example.org/d.jpg)\nThe dam at dawn.\n");
        assert_eq!(
            b,
            vec![Block::Image {
                src: "https://example.org/d.jpg".into(),
                alt: "A dam".into(),
                title: None,
                caption: vec![Inline::text("The dam at dawn.")]
            }]
        );
    }

    #[test]
    fn raw_html_is_text() {
        let (top, notes) = parse("<script>alert(1)</script>\n\nA<br>B &amp; C\n");
        assert_eq!(top[0].block, Block::Paragraph { content: vec![Inline::text("<script>alert(1)</script>")] });
        assert_eq!(top[1].block, Block::Paragraph { content: vec![Inline::text("A<br>B & C")] });
        assert_eq!(notes.raw_html.len(), 2);
    }

    #[test]
    fn deep_quotes_are_flattened_not_overflowed() {
        let text = format!("{} deep\n", ">".repeat(20_000));
        let (top, notes) = parse(&text);
        let mut depth = 0;
        let mut block = &top[0].block;
        while let Block::Quote { blocks } = block {
            depth += 1;
            block = &blocks[0];
        }
        assert_eq!(depth, MAX_NESTING);
        assert_eq!(block, &Block::Paragraph { content: vec![Inline::text("deep")] });
        assert!(!notes.flattened.is_empty());
    }

    #[test]
    fn deep_lists_keep_their_text() {
        let mut text = String::new();
        for i in 0..200 {
            text.push_str(&"  ".repeat(i));
            text.push_str(&format!("- item {i}\n"));
        }
        let b = blocks(&text);
        let mut words = 0;
        crate::model::text::for_each_text(&b, &mut |t| words += usize::from(t.starts_with("item")));
        assert_eq!(words, 200);
    }

    #[test]
    fn tables_keep_header_and_rows() {
        let b = blocks("| a | b |\n|:--|--:|\n| 1 | 2 |\n| 3 | 4 |\n");
        let Block::Table { alignments, header, rows } = &b[0] else { panic!("{b:?}") };
        assert_eq!(alignments, &vec![Alignment::Left, Alignment::Right]);
        assert_eq!(header.len(), 2);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1][1], vec![Inline::text("4")]);
    }

    #[test]
    fn top_level_ranges_point_at_the_source() {
        let text = "# Head\n\nSub\n---\n\ntext\n";
        let top = parse(text).0;
        assert_eq!(&text[top[0].range.clone()], "# Head\n");
        assert!(text[top[1].range.clone()].starts_with("Sub\n---"));
    }
}
