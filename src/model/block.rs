//! Body structure: blocks (paragraphs, headings, quotes, lists, ...) made of inline runs.

use serde::{Deserialize, Serialize};

/// Deepest nesting of block containers (quotes, lists) and of inline containers (emphasis,
/// links) that the model holds. Readers flatten anything deeper and record a warning: deep trees
/// would make every recursive writer, serializer and even `Drop` risk the stack.
pub const MAX_NESTING: usize = 48;

/// A block of the article body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    Paragraph {
        content: Vec<Inline>,
    },
    /// A subheading inside the body (`##`); level 1 to 6.
    Heading {
        level: u8,
        content: Vec<Inline>,
    },
    Quote {
        blocks: Vec<Block>,
    },
    List {
        ordered: bool,
        /// First number of an ordered list.
        #[serde(skip_serializing_if = "Option::is_none", default)]
        start: Option<u64>,
        /// No blank lines between items: items are runs of text, not paragraphs.
        tight: bool,
        items: Vec<ListItem>,
    },
    /// An image standing alone, with the text that follows it in the same paragraph as caption.
    Image {
        src: String,
        alt: String,
        #[serde(skip_serializing_if = "Option::is_none", default)]
        title: Option<String>,
        #[serde(skip_serializing_if = "Vec::is_empty", default)]
        caption: Vec<Inline>,
    },
    /// A thematic break inside the body.
    Rule,
    Code {
        #[serde(skip_serializing_if = "Option::is_none", default)]
        language: Option<String>,
        text: String,
    },
    Table {
        alignments: Vec<Alignment>,
        header: Vec<Vec<Inline>>,
        rows: Vec<Vec<Vec<Inline>>>,
    },
}

/// One item of a list: its blocks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListItem {
    pub blocks: Vec<Block>,
}

/// Column alignment of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Alignment {
    None,
    Left,
    Center,
    Right,
}

/// A run of inline content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Inline {
    Text {
        text: String,
    },
    Emphasis {
        content: Vec<Inline>,
    },
    Strong {
        content: Vec<Inline>,
    },
    Link {
        url: String,
        #[serde(skip_serializing_if = "Option::is_none", default)]
        title: Option<String>,
        content: Vec<Inline>,
    },
    Code {
        text: String,
    },
    Image {
        src: String,
        alt: String,
        #[serde(skip_serializing_if = "Option::is_none", default)]
        title: Option<String>,
    },
    /// A hard line break.
    LineBreak,
    /// A line ending inside a paragraph: a space when reflowed.
    SoftBreak,
}

impl Inline {
    pub fn text(text: impl Into<String>) -> Inline {
        Inline::Text { text: text.into() }
    }
}
