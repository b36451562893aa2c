//! The article and the source file it was read from.

use super::{
    Block, Dateline, Direction, LanguageOrigin, Overrides, PartialDate, Timestamp, TimestampOrigin, UriOrigin, Warning,
};
use serde::{Deserialize, Serialize};

/// One news article: everything a reader learned, ready for any writer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Article {
    /// Safe, stable name (`[A-Za-z0-9._-]`), used for file names in packages.
    pub id: String,
    /// Stable URI shared by every rendition (NewsML-G2 guid, EPUB identifier, ninjs uri): it
    /// names the article, so a corrected version keeps it (see [`UriOrigin`] for where it comes
    /// from, and `crate::read::settle_uri`).
    pub uri: String,
    /// Where `uri` came from.
    pub uri_origin: UriOrigin,
    /// The identifier the source gave when it was not a URI (`uri` was derived from it), kept so
    /// nothing is lost: a NewsML-G2 guid (`guid`) or an EPUB `dc:identifier` (`identifier`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub original_id: Option<OriginalId>,
    /// Plain text, no markup.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub headline: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub byline: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub dateline: Option<Dateline>,
    /// Publication date as far as it is known: the dateline's month and day, completed by a
    /// supplied year; never guessed.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub date: Option<PartialDate>,
    /// When this version was made (formats that require a timestamp use it).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub version_created: Option<Timestamp>,
    /// Where `version_created` came from.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub version_created_origin: Option<TimestampOrigin>,
    /// BCP 47 tag; `und` when not known.
    pub language: String,
    pub language_origin: LanguageOrigin,
    pub direction: Direction,
    pub body: Vec<Block>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub source_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub publisher: Option<String>,
    /// Words in the body, by Unicode word boundaries (so text without spaces counts too).
    pub word_count: usize,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub source: Option<SourceFile>,
    pub warnings: Vec<Warning>,
}

/// An identifier as the source gave it, and what it was there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OriginalId {
    /// `guid` (a NewsML-G2 item's guid) or `identifier` (an EPUB's `dc:identifier`).
    pub role: String,
    pub value: String,
}

/// The file an article was read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceFile {
    /// File name without folders; absent for standard input.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub name: Option<String>,
    pub size: u64,
    /// SHA-256 of the bytes as read, lower-case hex.
    pub sha256: String,
    /// Whether the bytes began with a UTF-8 byte order mark.
    pub bom: bool,
    pub line_endings: LineEndings,
    /// The sidecar metadata file applied to this article, if any.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sidecar: Option<SidecarFile>,
}

/// A sidecar metadata file that was applied: its name, size and SHA-256, for provenance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SidecarFile {
    pub name: String,
    pub size: u64,
    pub sha256: String,
}

/// Line-ending style of a text file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineEndings {
    /// A single line.
    None,
    Lf,
    Crlf,
    Cr,
    Mixed,
}

impl Article {
    /// Applies supplied metadata; every value present wins over what the reader found.
    /// `origin` says where a language tag came from. A supplied URI is taken as it is; a URI
    /// derived from what was replaced here (an id, a source URL) is derived again by the loader,
    /// once every override is applied (`crate::read::settle_uri`).
    pub fn apply(&mut self, overrides: &Overrides, origin: LanguageOrigin) {
        let o = overrides.clone();
        if let Some(id) = o.id {
            self.id = id;
        }
        if let Some(uri) = o.uri {
            self.uri = uri;
            self.uri_origin = UriOrigin::Supplied;
        }
        if let Some(date) = o.date {
            // A year completes the dateline's month and day; a date that disagrees replaces it.
            let from_dateline = self.dateline.as_ref().and_then(|d| d.date);
            self.date = Some(from_dateline.and_then(|d| d.combine(&date)).unwrap_or(date));
        }
        if let Some(t) = o.created {
            self.version_created = Some(t);
            self.version_created_origin = Some(if origin == LanguageOrigin::Sidecar {
                TimestampOrigin::Sidecar
            } else {
                TimestampOrigin::Option
            });
        }
        if let Some(lang) = o.language {
            self.direction = Direction::of_language(&lang);
            self.language = lang;
            self.language_origin = origin;
            self.warnings.retain(|w| w.code != super::WarningCode::LanguageUncertain);
        }
        if o.headline.is_some() {
            self.headline = o.headline;
        }
        if o.byline.is_some() {
            self.byline = o.byline;
        }
        if o.publisher.is_some() {
            self.publisher = o.publisher;
        }
        if o.source_url.is_some() {
            self.source_url = o.source_url;
        }
    }
}
