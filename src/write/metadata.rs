//! The metadata record (`metadata.json`): everything the reader learned about one article, the
//! source file's name, size and SHA-256, each rendition's SHA-256, and the warnings.
//!
//! It is a public contract with its own schema, `schemas/metadata.schema.json`; `record_version`
//! changes whenever a field changes meaning or goes away (a field added, such as `uri_origin`, is
//! optional in the schema and keeps it).

use super::{RenditionInfo, WriteContext, WriteError, to_json_bytes};
use crate::model::text::char_count;
use crate::model::{
    Article, Block, Dateline, Direction, LanguageOrigin, OriginalId, PartialDate, SourceFile, Timestamp,
    TimestampOrigin, UriOrigin, Warning,
};
use serde::Serialize;

/// Version of the record's shape, and of `schemas/metadata.schema.json`.
pub const RECORD_VERSION: u32 = 1;

#[derive(Serialize)]
struct Record<'a> {
    record: &'static str,
    record_version: u32,
    generator: String,
    id: &'a str,
    uri: &'a str,
    uri_origin: UriOrigin,
    #[serde(skip_serializing_if = "Option::is_none")]
    original_id: Option<&'a OriginalId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    headline: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    byline: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dateline: Option<&'a Dateline>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<PartialDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    version_created: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    version_created_origin: Option<TimestampOrigin>,
    language: &'a str,
    language_origin: LanguageOrigin,
    direction: Direction,
    #[serde(skip_serializing_if = "Option::is_none")]
    source_url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    publisher: Option<&'a str>,
    body: BodyStats,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a SourceFile>,
    renditions: &'a [RenditionInfo],
    warnings: &'a [Warning],
}

#[derive(Serialize)]
struct BodyStats {
    blocks: usize,
    paragraphs: usize,
    words: usize,
    characters: usize,
}

/// Writes the metadata record; `context.renditions` are the renditions written before it.
pub fn write(article: &Article, context: &WriteContext) -> Result<Vec<u8>, WriteError> {
    let record = Record {
        record: "newsarc-metadata",
        record_version: RECORD_VERSION,
        generator: format!("newsarc {}", crate::VERSION),
        id: &article.id,
        uri: &article.uri,
        uri_origin: article.uri_origin,
        original_id: article.original_id.as_ref(),
        headline: article.headline.as_deref(),
        byline: article.byline.as_deref(),
        dateline: article.dateline.as_ref(),
        date: article.date,
        version_created: article.version_created,
        version_created_origin: article.version_created_origin,
        language: &article.language,
        language_origin: article.language_origin,
        direction: article.direction,
        source_url: article.source_url.as_deref(),
        publisher: article.publisher.as_deref(),
        body: BodyStats {
            blocks: article.body.len(),
            paragraphs: article.body.iter().filter(|b| matches!(b, Block::Paragraph { .. })).count(),
            words: article.word_count,
            characters: char_count(&article.body),
        },
        source: article.source.as_ref(),
        renditions: &context.renditions,
        warnings: &article.warnings,
    };
    Ok(to_json_bytes(&record))
}
