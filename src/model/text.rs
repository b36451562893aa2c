//! Plain-text views of the body: the text of inline runs, word and character counts.

use super::{Block, Inline};
use unicode_segmentation::UnicodeSegmentation;

/// The text of inline runs without markup; breaks become spaces, images their alt text.
pub fn plain_text(inlines: &[Inline]) -> String {
    let mut out = String::new();
    push_inlines(&mut out, inlines);
    out
}

fn push_inlines(out: &mut String, inlines: &[Inline]) {
    for inline in inlines {
        match inline {
            Inline::Text { text } | Inline::Code { text } => out.push_str(text),
            Inline::Emphasis { content } | Inline::Strong { content } | Inline::Link { content, .. } => {
                push_inlines(out, content)
            }
            Inline::Image { alt, .. } => out.push_str(alt),
            Inline::LineBreak | Inline::SoftBreak => out.push(' '),
        }
    }
}

/// Calls `f` with the plain text of every inline run of the blocks, in document order.
pub fn for_each_text(blocks: &[Block], f: &mut impl FnMut(&str)) {
    for block in blocks {
        match block {
            Block::Paragraph { content } | Block::Heading { content, .. } => f(&plain_text(content)),
            Block::Quote { blocks } => for_each_text(blocks, f),
            Block::List { items, .. } => items.iter().for_each(|i| for_each_text(&i.blocks, f)),
            Block::Image { alt, caption, .. } => {
                f(alt);
                f(&plain_text(caption));
            }
            Block::Rule => {}
            Block::Code { text, .. } => f(text),
            Block::Table { header, rows, .. } => {
                header.iter().chain(rows.iter().flatten()).for_each(|cell| f(&plain_text(cell)))
            }
        }
    }
}

/// Words by Unicode word boundaries (UAX #29): each ideograph of Chinese or Japanese text counts
/// as a word, so text without spaces is not one long word.
pub fn word_count(blocks: &[Block]) -> usize {
    let mut n = 0;
    for_each_text(blocks, &mut |t| n += t.unicode_words().count());
    n
}

/// Characters (Unicode scalar values) of the body's text.
pub fn char_count(blocks: &[Block]) -> usize {
    let mut n = 0;
    for_each_text(blocks, &mut |t| n += t.chars().count());
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn para(text: &str) -> Block {
        Block::Paragraph { content: vec![Inline::text(text)] }
    }

    #[test]
    fn words_are_counted_without_relying_on_spaces() {
        assert_eq!(word_count(&[para("Iraqis have rallied in Baghdad.")]), 5);
        assert_eq!(word_count(&[para("市议会今天投票")]), 7);
        assert_eq!(word_count(&[para("— -- ...")]), 0);
    }

    #[test]
    fn plain_text_drops_markup() {
        let inlines = vec![
            Inline::Emphasis { content: vec![Inline::text("Millions")] },
            Inline::SoftBreak,
            Inline::Link {
                url: "u".into(),
                title: None,
                content: vec![Inline::Strong { content: vec![Inline::text("march")] }],
            },
        ];
        assert_eq!(plain_text(&inlines), "Millions march");
    }
}
