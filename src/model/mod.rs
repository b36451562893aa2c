//! The document model: one news article as data.
//!
//! Every reader (`crate::read`) produces an [`Article`]; every writer (`crate::write`) consumes one.
//! The model knows no input or output format and does no I/O. Its parts:
//!
//! - [`Article`]: headline, byline, [`Dateline`], publication date ([`PartialDate`]), body as
//!   [`Block`]s of [`Inline`]s, source URL, publisher, language and direction, the
//!   [`SourceFile`] it came from, and the [`Warning`]s the reader raised.
//! - [`Overrides`]: what the text cannot say (the year, the language, ids), supplied by a sidecar
//!   file or by flags and applied with [`Article::apply`].
//! - [`text`]: plain-text views of inline runs, word and character counts.

mod article;
mod block;
mod date;
mod dateline;
mod ids;
mod language;
mod overrides;
pub mod text;
mod warning;

pub use article::{Article, LineEndings, OriginalId, SidecarFile, SourceFile};
pub use block::{Alignment, Block, Inline, ListItem, MAX_NESTING};
pub use date::{DateError, PartialDate, Timestamp, TimestampOrigin};
pub use dateline::Dateline;
pub use ids::{
    UriOrigin, is_safe_id, safe_id_from_name, uri_for_id, uri_for_identifier, uri_for_path, uri_for_sha256,
    uri_for_source_url,
};
pub use language::{Direction, LanguageOrigin};
pub use overrides::{Overrides, is_language_tag, is_uri};
pub use warning::{Warning, WarningCode};
