//! The article text format (see FORMAT.md in the project's design notes): Markdown as scrapers
//! leave it, with a headline at the top, a source URL and publisher at the bottom, and the body
//! between, usually fenced by thematic breaks.
//!
//! The body is parsed as CommonMark first (`markdown`); the article parts are recognised on the
//! blocks, never on blank-line counts. Every part may be missing.

use super::lines::{LineIndex, normalize_space};
use super::markdown::{self, TopBlock};
use super::{ReadError, ReadOptions, dateline, decode, language};
use crate::model::text::{plain_text, word_count};
use crate::model::{Article, Block, Inline, SourceFile, UriOrigin, Warning, WarningCode};
use sha2::{Digest, Sha256};

/// Most footer blocks (URL, publisher, a stray line) after the closing break.
const MAX_FOOTER_BLOCKS: usize = 3;
/// Longest footer line and byline, in words.
const MAX_SHORT_WORDS: usize = 12;

/// Reads an article text file's bytes into an [`Article`].
pub fn read(bytes: &[u8], options: &ReadOptions) -> Result<Article, ReadError> {
    let decoded = decode::decode(bytes, options.lossy, options.max_input_size)?;
    let sha256 = hex::encode(Sha256::digest(bytes));
    let (top, notes) = markdown::parse(&decoded.text);
    let lines = LineIndex::new(&decoded.text);
    let mut warnings = decoded.warnings;

    if let Some(&first) = notes.raw_html.first() {
        let (line, column) = lines.at(&decoded.text, first);
        let message = match notes.raw_html.len() {
            1 => "raw HTML kept as literal text".to_string(),
            n => format!("raw HTML kept as literal text ({n} tags or blocks in all; the first is here)"),
        };
        warnings.push(Warning::new(WarningCode::RawHtmlAsText, message).at(line, column));
    }
    for &(c, offset) in notes.illegal_chars.iter().take(20) {
        let (line, column) = lines.at(&decoded.text, offset);
        warnings.push(
            Warning::new(
                WarningCode::IllegalXmlCharacter,
                format!("a character reference gives U+{:04X}, which XML does not allow; replaced by U+FFFD", c as u32),
            )
            .at(line, column),
        );
    }
    if let Some(&first) = notes.flattened.first() {
        let (line, column) = lines.at(&decoded.text, first);
        warnings.push(
            Warning::new(
                WarningCode::NestingFlattened,
                format!(
                    "quotes, lists or emphasis nested deeper than {} levels were flattened",
                    crate::model::MAX_NESTING
                ),
            )
            .at(line, column),
        );
    }

    let parts = recognise(top, &decoded.text, &lines, &mut warnings);
    let mut body = parts.body;
    let byline = take_byline(&mut body);
    let dateline = first_paragraph_text(&body).and_then(|t| dateline::parse(&t));

    if parts.headline.is_none() {
        warnings.push(Warning::new(WarningCode::NoHeadline, "no headline found (expected `# Headline` at the top)"));
    }
    if body.is_empty() {
        warnings.push(Warning::new(WarningCode::NoBody, "the article has no body text"));
    }

    let (language, language_origin, direction, language_warning) =
        language::detect_article(parts.headline.as_deref(), &body);
    warnings.extend(language_warning);

    let id = super::default_id(options.source_name.as_deref(), &sha256);
    let mut article = Article {
        id,
        // Settled below, from the source URL, the path or the bytes.
        uri: String::new(),
        uri_origin: UriOrigin::Digest,
        original_id: None,
        headline: parts.headline,
        byline,
        date: dateline.as_ref().and_then(|d| d.date),
        dateline,
        version_created: None,
        version_created_origin: None,
        language,
        language_origin,
        direction,
        word_count: word_count(&body),
        body,
        source_url: parts.source_url,
        publisher: parts.publisher,
        source: Some(SourceFile {
            name: options.source_name.clone(),
            size: bytes.len() as u64,
            sha256,
            bom: decoded.bom,
            line_endings: decoded.line_endings,
            sidecar: None,
        }),
        warnings,
    };
    super::settle_uri(&mut article, &super::UriBasis { path: super::uri_path(options), ..Default::default() });
    Ok(article)
}

struct Parts {
    headline: Option<String>,
    body: Vec<Block>,
    source_url: Option<String>,
    publisher: Option<String>,
}

/// Splits the top-level blocks into headline, body and footer.
fn recognise(top: Vec<TopBlock>, text: &str, lines: &LineIndex, warnings: &mut Vec<Warning>) -> Parts {
    let mut blocks: Vec<TopBlock> = top;
    let mut headline = None;
    if let Some(first) = blocks.first()
        && let Block::Heading { level, content } = &first.block
    {
        let source = &text[first.range.clone()];
        let setext = !source.trim_start().starts_with('#');
        if *level == 1 || (*level == 2 && setext) {
            headline = Some(normalize_space(&plain_text(content))).filter(|h| !h.is_empty());
            if *level == 2 {
                let (line, column) = lines.at(text, first.range.start);
                warnings.push(
                        Warning::new(
                            WarningCode::SetextHeadline,
                            "headline read from a line of text above `---` (a level-2 setext heading); write `# Headline` to be explicit",
                        )
                        .at(line, column),
                    );
            }
            blocks.remove(0);
        }
    }
    if matches!(blocks.first().map(|b| &b.block), Some(Block::Rule)) {
        blocks.remove(0);
    }
    // Where each remaining block starts, if it is a level-2 setext heading (text above `---`).
    let setext_h2: Vec<Option<usize>> = blocks
        .iter()
        .map(|b| {
            let setext = matches!(b.block, Block::Heading { level: 2, .. }) && !text[b.range.clone()].starts_with('#');
            setext.then_some(b.range.start)
        })
        .collect();
    let mut blocks: Vec<Block> = blocks.into_iter().map(|b| b.block).collect();

    let (mut source_url, mut publisher) = (None, None);
    let last_rule = blocks.iter().rposition(|b| matches!(b, Block::Rule));
    let footer_after_rule = last_rule.filter(|&r| {
        let after = &blocks[r + 1..];
        after.len() <= MAX_FOOTER_BLOCKS && after.iter().all(|b| footer_url(b).is_some() || short_line(b).is_some())
    });
    if let Some(r) = footer_after_rule {
        for block in blocks.split_off(r + 1) {
            if let Some(url) = footer_url(&block) {
                source_url.get_or_insert(url);
            } else if let Some(name) = bold_only(&block).or_else(|| short_line(&block)) {
                publisher.get_or_insert(name);
            }
        }
        blocks.pop(); // the closing break
    } else {
        // No closing break: only unmistakable footer lines are taken from the end.
        for _ in 0..2 {
            match blocks.last() {
                Some(b) if source_url.is_none() && footer_url(b).is_some() => {
                    source_url = blocks.pop().as_ref().and_then(footer_url)
                }
                Some(b) if publisher.is_none() && bold_only(b).is_some() => {
                    publisher = blocks.pop().as_ref().and_then(bold_only)
                }
                _ => break,
            }
        }
        if matches!(blocks.last(), Some(Block::Rule)) && (source_url.is_some() || publisher.is_some()) {
            blocks.pop();
        } else if let Some(start) = blocks.len().checked_sub(1).and_then(|last| setext_h2[last]) {
            // `Last sentence.` directly above the closing `---`: CommonMark makes it a heading and
            // the break disappears. An article does not end on a subheading: it is the body's end.
            if let Some(Block::Heading { content, .. }) = blocks.pop() {
                blocks.push(Block::Paragraph { content });
                let (line, column) = lines.at(text, start);
                warnings.push(
                    Warning::new(
                        WarningCode::ClosingBreakUnderText,
                        "the body's last line sits directly above `---` (no blank line), which CommonMark reads as a heading; read as a paragraph, and the `---` as the end of the body",
                    )
                    .at(line, column),
                );
            }
        }
    }
    Parts { headline, body: blocks, source_url, publisher }
}

/// A paragraph that is only a URL: `<url>`, `[url](url)` or bare `https://...`.
fn footer_url(block: &Block) -> Option<String> {
    let Block::Paragraph { content } = block else { return None };
    let content: Vec<&Inline> = content.iter().filter(|i| !is_blank(i)).collect();
    match content[..] {
        [Inline::Link { url, content, .. }] if plain_text(content).trim() == url.as_str() && looks_like_url(url) => {
            Some(url.clone())
        }
        [Inline::Text { text }] if looks_like_url(text.trim()) => Some(text.trim().to_string()),
        _ => None,
    }
}

fn looks_like_url(s: &str) -> bool {
    (s.starts_with("https://") || s.starts_with("http://")) && s.len() > 8 && !s.contains(char::is_whitespace)
}

/// A paragraph that is only bold text: `**Publisher**`.
fn bold_only(block: &Block) -> Option<String> {
    let Block::Paragraph { content } = block else { return None };
    let content: Vec<&Inline> = content.iter().filter(|i| !is_blank(i)).collect();
    match content[..] {
        [Inline::Strong { content }] => short_text(&plain_text(content)),
        _ => None,
    }
}

/// A one-line paragraph of a few words, as a publisher's name is.
fn short_line(block: &Block) -> Option<String> {
    let Block::Paragraph { content } = block else { return None };
    if content.iter().any(|i| matches!(i, Inline::SoftBreak | Inline::LineBreak)) {
        return None;
    }
    short_text(&plain_text(content))
}

fn short_text(text: &str) -> Option<String> {
    let text = normalize_space(text);
    (!text.is_empty() && text.split_whitespace().count() <= MAX_SHORT_WORDS).then_some(text)
}

fn is_blank(inline: &Inline) -> bool {
    match inline {
        Inline::Text { text } => text.trim().is_empty(),
        Inline::SoftBreak | Inline::LineBreak => true,
        _ => false,
    }
}

/// Takes a byline paragraph (`By Jane Doe`, `**By JANE DOE, Wire**`) from the first two body
/// paragraphs: before or after the dateline paragraph.
pub(crate) fn take_byline(body: &mut Vec<Block>) -> Option<String> {
    let index = body.iter().take(2).position(|b| byline_of(b).is_some())?;
    let byline = byline_of(&body[index]);
    body.remove(index);
    byline
}

fn byline_of(block: &Block) -> Option<String> {
    let text = short_line(block)?;
    let rest = text.strip_prefix("By ").or_else(|| text.strip_prefix("BY ")).or_else(|| text.strip_prefix("by "))?;
    let rest = rest.trim();
    (!rest.is_empty()).then(|| rest.to_string())
}

fn first_paragraph_text(body: &[Block]) -> Option<String> {
    match body.first()? {
        Block::Paragraph { content } => Some(plain_text(content)),
        _ => None,
    }
}
