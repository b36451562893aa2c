//! Metadata that the text cannot carry, supplied from outside it.

use super::{PartialDate, Timestamp};
use serde::{Deserialize, Serialize};

/// Values supplied by a sidecar file or by options; each one, when present, replaces what the
/// reader found or guessed. Field names are those of the sidecar schema
/// (`schemas/sidecar.schema.json`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overrides {
    /// Only for the sidecar file's own `$schema` reference; ignored.
    #[serde(rename = "$schema", default, skip_serializing)]
    pub schema: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// The publication date, whole or in part (`2020` completes a dateline's `January 24`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<PartialDate>,
    /// When this version was made; formats that require a timestamp use it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<Timestamp>,
    /// BCP 47 language tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headline: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub byline: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_url: Option<String>,
}

impl Overrides {
    /// Checks what serde cannot: safe ids, language tags, URIs, text that XML can hold.
    pub fn check(&self) -> Result<(), String> {
        if let Some(id) = &self.id
            && !super::is_safe_id(id)
        {
            return Err(format!(
                "id `{id}` is not a safe name ([A-Za-z0-9._-], 1 to 120 characters, not starting with `.` or `-`)"
            ));
        }
        if let Some(lang) = &self.language
            && !is_language_tag(lang)
        {
            return Err(format!("language `{lang}` is not a BCP 47 tag such as `en`, `es-419` or `zh-Hant`"));
        }
        for (name, value) in [("uri", &self.uri), ("source_url", &self.source_url)] {
            if let Some(v) = value
                && !is_uri(v)
            {
                return Err(format!("{name} `{v}` is not an absolute URI (scheme:rest, no spaces)"));
            }
        }
        for (name, value) in [("headline", &self.headline), ("byline", &self.byline), ("publisher", &self.publisher)] {
            if let Some(v) = value
                && (v.trim().is_empty()
                    || v.chars().any(|c| (c.is_control() && c != '\t') || c == '\u{FFFE}' || c == '\u{FFFF}'))
            {
                return Err(format!("{name} must be non-empty text without control characters"));
            }
        }
        Ok(())
    }
}

/// A well-formed BCP 47 tag (RFC 5646's grammar, through `oxilangtag`) in its common shape: a
/// 2-3 letter language first (`en`, `es-419`, `zh-Hant-TW`, `und`), not a private-use or
/// grandfathered tag.
pub fn is_language_tag(tag: &str) -> bool {
    oxilangtag::LanguageTag::parse(tag).is_ok_and(|t| {
        let primary = t.primary_language();
        (2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_alphabetic())
    })
}

/// An absolute URI: a scheme, a colon, and no white space or control characters.
pub fn is_uri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else { return false };
    !rest.is_empty()
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

#[cfg(test)]
mod tests {
    use super::is_language_tag;

    #[test]
    fn language_tags_in_their_common_shape() {
        for good in ["en", "en-GB", "es-419", "zh-Hant-TW", "und", "de-CH-1996", "sr-Latn-RS", "en-US-x-news"] {
            assert!(is_language_tag(good), "{good}");
        }
        // The grammar refuses `en-a` (a singleton with no extension) and `en-US-Latn` (a script
        // after a region), which the earlier hand-written check let through.
        for bad in ["", "e", "english", "x-news", "i-klingon", "en_US", "en-", "en-a", "en-abcdefghi", "en-US-Latn"] {
            assert!(!is_language_tag(bad), "{bad}");
        }
    }
}
