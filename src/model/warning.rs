//! Warnings a reader raises about an input it could still read.
//!
//! Codes are stable: a code never changes meaning. They are listed in `docs/codes.md`.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Stable warning codes of the readers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum WarningCode {
    /// A character XML 1.0 forbids was replaced by U+FFFD.
    #[serde(rename = "NA-READ-001")]
    IllegalXmlCharacter,
    /// Invalid UTF-8 was replaced by U+FFFD (lossy decoding was requested).
    #[serde(rename = "NA-READ-002")]
    InvalidUtf8Replaced,
    /// Raw HTML in the text was kept as literal text.
    #[serde(rename = "NA-READ-003")]
    RawHtmlAsText,
    /// No headline was found.
    #[serde(rename = "NA-READ-004")]
    NoHeadline,
    /// The article has no body text.
    #[serde(rename = "NA-READ-005")]
    NoBody,
    /// Quotes, lists or emphasis nested deeper than the model holds were flattened.
    #[serde(rename = "NA-READ-006")]
    NestingFlattened,
    /// The language could not be detected reliably; it is `und` unless supplied.
    #[serde(rename = "NA-READ-007")]
    LanguageUncertain,
    /// The file mixes line-ending styles (LF, CRLF, CR).
    #[serde(rename = "NA-READ-008")]
    MixedLineEndings,
    /// The headline was read from a level-2 setext heading (a line of text above `---`).
    #[serde(rename = "NA-READ-009")]
    SetextHeadline,
    /// The closing `---` sat directly under the body's last line (a setext heading in
    /// CommonMark); that line was read as a paragraph.
    #[serde(rename = "NA-READ-010")]
    ClosingBreakUnderText,
    /// A NewsML-G2 item's content is elsewhere (`remoteContent`); only its metadata was read.
    #[serde(rename = "NA-READ-011")]
    RemoteContent,
    /// An EPUB spine item that is not an XHTML content document (SVG, an image, a remote file)
    /// was skipped; its text, if any, is not in the article.
    #[serde(rename = "NA-READ-012")]
    SpineItemSkipped,
    /// An item of a NewsML-G2 newsMessage that is not a text article was skipped.
    #[serde(rename = "NA-READ-013")]
    MessageItemSkipped,
    /// The source has no identifier (a NewsML-G2 item without a guid, an EPUB without a
    /// `dc:identifier`); the URI was derived from what else names the article (a supplied id, the
    /// source URL, the file's path: see `uri_origin`).
    #[serde(rename = "NA-READ-014")]
    NoIdentifier,
    /// The version timestamp is the input file's modification time: no option, sidecar or
    /// SOURCE_DATE_EPOCH gave one, and a copy of the file changes it.
    #[serde(rename = "NA-READ-015")]
    VersionFromFileTime,
    /// Nothing names the article (no supplied URI or id, no identifier in the source, no source
    /// URL): its URI was derived from the input's path, and moving or renaming the file changes it.
    #[serde(rename = "NA-READ-016")]
    UriFromPath,
    /// Nothing names the article and it came from standard input: its URI was derived from its
    /// bytes' SHA-256, and any edit changes it.
    #[serde(rename = "NA-READ-017")]
    UriFromDigest,
    /// An XML document declares a single-byte encoding (ISO-8859-1, Windows-1252, ...) but its
    /// bytes are UTF-8: it was read as UTF-8, not as the mojibake the declaration would give.
    #[serde(rename = "NA-READ-018")]
    DeclaredEncodingWrong,
}

impl WarningCode {
    /// Whether `newsarc validate` counts this as an error: the input breaks a rule of its own
    /// format (NewsML-G2 requires a guid), though newsarc could still read it.
    pub fn is_error_when_validating(self) -> bool {
        matches!(self, WarningCode::NoIdentifier)
    }

    /// The stable code, such as `NA-READ-001`.
    pub fn as_str(self) -> &'static str {
        match self {
            WarningCode::IllegalXmlCharacter => "NA-READ-001",
            WarningCode::InvalidUtf8Replaced => "NA-READ-002",
            WarningCode::RawHtmlAsText => "NA-READ-003",
            WarningCode::NoHeadline => "NA-READ-004",
            WarningCode::NoBody => "NA-READ-005",
            WarningCode::NestingFlattened => "NA-READ-006",
            WarningCode::LanguageUncertain => "NA-READ-007",
            WarningCode::MixedLineEndings => "NA-READ-008",
            WarningCode::SetextHeadline => "NA-READ-009",
            WarningCode::ClosingBreakUnderText => "NA-READ-010",
            WarningCode::RemoteContent => "NA-READ-011",
            WarningCode::SpineItemSkipped => "NA-READ-012",
            WarningCode::MessageItemSkipped => "NA-READ-013",
            WarningCode::NoIdentifier => "NA-READ-014",
            WarningCode::VersionFromFileTime => "NA-READ-015",
            WarningCode::UriFromPath => "NA-READ-016",
            WarningCode::UriFromDigest => "NA-READ-017",
            WarningCode::DeclaredEncodingWrong => "NA-READ-018",
        }
    }
}

impl fmt::Display for WarningCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A warning with the place it concerns (1-based line and column, in characters), when known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    pub code: WarningCode,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub column: Option<u32>,
}

impl Warning {
    pub fn new(code: WarningCode, message: impl Into<String>) -> Warning {
        Warning { code, message: message.into(), line: None, column: None }
    }

    pub fn at(mut self, line: u32, column: u32) -> Warning {
        self.line = Some(line);
        self.column = Some(column);
        self
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "{}:{}: {} {}", l, c, self.code, self.message),
            (Some(l), None) => write!(f, "{}: {} {}", l, self.code, self.message),
            _ => write!(f, "{} {}", self.code, self.message),
        }
    }
}
