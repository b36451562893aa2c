//! IPTC ninjs 3.1: the article as news in JSON.
//!
//! Field choices, where ninjs has no exact place: the dateline's place is `located`; the
//! dateline's agency and the publisher are `infoSources` (roles `agency`, `publisher`); the source
//! URL is an `altIds` entry with role `url`, and a source's identifier that was not a URI (the
//! `uri` is then derived from it) one with its role (`guid`, `identifier`) (ninjs 3.1 has no link field, and `altIds` holds any
//! IRI, where `format: uri` fields refuse non-ASCII). `contentCreated` is a date-time, so a
//! publication date without a time is not written here (the metadata record keeps it). Keys come in
//! a fixed order; text is raw UTF-8.

use super::{WriteContext, WriteError, html, to_json_bytes};
use crate::model::Article;
use crate::model::text::char_count;
use serde::Serialize;

pub const SCHEMA_URI: &str = "http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json#";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Ninjs<'a> {
    standard: Standard,
    uri: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    representation_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    version_created: Option<String>,
    language: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    headlines: Vec<Text<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    by: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    located: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    info_sources: Vec<InfoSource<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    alt_ids: Vec<AltId<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    bodies: Vec<Body>,
}

#[derive(Serialize)]
struct Standard {
    name: &'static str,
    version: &'static str,
    schema: &'static str,
}

#[derive(Serialize)]
struct Text<'a> {
    role: &'static str,
    value: &'a str,
}

#[derive(Serialize)]
struct InfoSource<'a> {
    name: &'a str,
    role: &'static str,
}

#[derive(Serialize)]
struct AltId<'a> {
    role: &'a str,
    value: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Body {
    role: &'static str,
    content_type: &'static str,
    char_count: usize,
    word_count: usize,
    value: String,
}

/// Writes the article as a ninjs 3.1 document.
pub fn write(article: &Article, _context: &WriteContext) -> Result<Vec<u8>, WriteError> {
    let dateline = article.dateline.as_ref();
    let mut info_sources = Vec::new();
    if let Some(agency) = dateline.and_then(|d| d.agency.as_deref()) {
        info_sources.push(InfoSource { name: agency, role: "agency" });
    }
    if let Some(publisher) = article.publisher.as_deref() {
        info_sources.push(InfoSource { name: publisher, role: "publisher" });
    }
    let doc = Ninjs {
        standard: Standard { name: "ninjs", version: "3.1", schema: SCHEMA_URI },
        uri: &article.uri,
        kind: "text",
        representation_type: "full",
        version_created: article.version_created.map(|t| t.to_string()),
        language: &article.language,
        headlines: article.headline.as_deref().map(|value| Text { role: "main", value }).into_iter().collect(),
        by: article.byline.as_deref(),
        located: dateline.and_then(|d| d.place.as_deref()),
        info_sources,
        alt_ids: article
            .original_id
            .iter()
            .map(|o| AltId { role: &o.role, value: &o.value })
            .chain(article.source_url.as_deref().map(|value| AltId { role: "url", value }))
            .collect(),
        bodies: if article.body.is_empty() {
            Vec::new()
        } else {
            vec![Body {
                role: "main",
                content_type: "text/html",
                char_count: char_count(&article.body),
                word_count: article.word_count,
                value: html::body(&article.body),
            }]
        },
    };
    Ok(to_json_bytes(&doc))
}
