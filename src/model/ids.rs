//! Article ids (safe file names) and URNs.
//!
//! An article's URI names the article, not its bytes, so a corrected article keeps it. It comes
//! from the first of these that there is ([`UriOrigin`], in order): a URI supplied; the
//! identifier the source gives (a NewsML-G2 guid, an EPUB `dc:identifier`); a supplied id
//! ([`uri_for_id`]); the source URL ([`uri_for_source_url`]); the input's path below the folder
//! given ([`uri_for_path`]); the source's SHA-256 ([`uri_for_sha256`]). Each derived URI is a
//! `urn:uuid:` name-based (version 5) UUID in a namespace of newsarc's own, one per kind, so two
//! kinds never give the same URN for the same text. The namespaces are version 5 UUIDs of
//! `newsarc <kind>` in the OID namespace (`kind`: `article` for the SHA-256, `identifier`, `id`,
//! `source url`, `path`).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Longest id, in bytes.
const MAX_ID_LEN: usize = 120;

/// Whether `id` can name an article: `[A-Za-z0-9._-]`, 1 to 120 bytes, not starting with `.` or
/// `-` (hidden files, options), so it is a safe file name on every system.
pub fn is_safe_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && !id.starts_with(['.', '-'])
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// A safe id made from a file stem: letters lose their diacritics (`ñandú` -> `nandu`), other
/// unsafe characters become `_` (runs collapse to one), leading `.`, `-` and `_` go. `None` when
/// nothing is left.
pub fn safe_id_from_name(stem: &str) -> Option<String> {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;
    let mut id = String::with_capacity(stem.len());
    for c in stem.nfkd().filter(|c| !is_combining_mark(*c)) {
        let safe = c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_');
        if safe {
            id.push(c);
        } else if !id.ends_with('_') {
            id.push('_');
        }
    }
    let id = id.trim_start_matches(['.', '-', '_']);
    let mut end = id.len().min(MAX_ID_LEN);
    while !id.is_char_boundary(end) {
        end -= 1;
    }
    let id = &id[..end];
    (!id.is_empty()).then(|| id.to_string())
}

/// Where an article's URI came from, in the order of precedence: the first that there is gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UriOrigin {
    /// Supplied (a sidecar `uri`, or an option): used as it is.
    Supplied,
    /// A NewsML-G2 item's guid: itself when it is a URI, else [`uri_for_identifier`] of it.
    Guid,
    /// An EPUB's `dc:identifier` (or a newsarc chapter's URI): as a guid is.
    Identifier,
    /// A supplied id (a sidecar `id`, or `--id`): [`uri_for_id`].
    Id,
    /// The source URL (the text's footer, the document's link, or supplied): [`uri_for_source_url`].
    SourceUrl,
    /// The input's path below the folder given, or its file name: [`uri_for_path`]. Moving or
    /// renaming the file changes it.
    Path,
    /// The source's SHA-256 (standard input, nothing else naming it): [`uri_for_sha256`]. Any
    /// edit changes it.
    Digest,
}

impl UriOrigin {
    /// Whether the source itself, or the caller, gave the URI (it is not derived by newsarc from
    /// another name).
    pub fn is_given(self) -> bool {
        matches!(self, UriOrigin::Supplied | UriOrigin::Guid | UriOrigin::Identifier)
    }
}

/// A `urn:uuid:` of `name` in the namespace `newsarc <kind>`.
fn urn(kind: &str, name: &str) -> String {
    let namespace = Uuid::new_v5(&Uuid::NAMESPACE_OID, format!("newsarc {kind}").as_bytes());
    format!("urn:uuid:{}", Uuid::new_v5(&namespace, name.as_bytes()))
}

/// The URN of an article named by nothing but its bytes: a name-based (version 5) UUID of
/// `sha256:<hex>`, so the same bytes always get the same URN, whatever the file is called.
pub fn uri_for_sha256(sha256_hex: &str) -> String {
    urn("article", &format!("sha256:{sha256_hex}"))
}

/// The URN of an article given an id (a sidecar `id`, `--id`): a version 5 UUID of the id.
pub fn uri_for_id(id: &str) -> String {
    urn("id", id)
}

/// The URN of an article from its source URL, exactly as given: a version 5 UUID of the URL.
pub fn uri_for_source_url(url: &str) -> String {
    urn("source url", url)
}

/// The URN of an article named by nothing but where its file is: a version 5 UUID of its path
/// below the folder given (`desk-1/a.txt`), `/`-separated, in Unicode NFC (so a name a file
/// system stores decomposed gives the same URN).
pub fn uri_for_path(path: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    urn("path", &path.nfc().collect::<String>())
}

/// The URI of an article whose source gave an identifier that is not a URI (a NewsML-G2 guid
/// `simplest-test`, an EPUB identifier `NOID`): a name-based (version 5) UUID of that identifier,
/// in a namespace of newsarc's own, so the same identifier always gets the same URN.
pub fn uri_for_identifier(identifier: &str) -> String {
    urn("identifier", identifier)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_from_names_are_safe() {
        assert_eq!(safe_id_from_name("000_0767f86d4e166371").as_deref(), Some("000_0767f86d4e166371"));
        assert_eq!(safe_id_from_name("with space").as_deref(), Some("with_space"));
        assert_eq!(safe_id_from_name("ñandú-éàü").as_deref(), Some("nandu-eau"));
        assert_eq!(safe_id_from_name("鹭川").as_deref(), None);
        assert_eq!(safe_id_from_name(".DS_Store").as_deref(), Some("DS_Store"));
        assert_eq!(safe_id_from_name("ñ").as_deref(), Some("n"));
        for name in ["a/b", "../x", "con:1", "ab\u{0}c", &"x".repeat(500)] {
            assert!(is_safe_id(&safe_id_from_name(name).unwrap()), "{name}");
        }
    }

    #[test]
    fn unsafe_ids_are_refused() {
        for id in ["", ".", "..", ".hidden", "-rf", "a/b", "a b", "é", &"x".repeat(121)] {
            assert!(!is_safe_id(id), "{id}");
        }
        assert!(is_safe_id("UPPER_0A1B.v2-final"));
    }

    #[test]
    fn uri_for_an_identifier_is_a_stable_v5_uuid() {
        let a = uri_for_identifier("simplest-test");
        assert_eq!(a, uri_for_identifier("simplest-test"));
        assert_ne!(a, uri_for_identifier("simplest-test2"));
        assert_ne!(a, uri_for_sha256("simplest-test"), "its own namespace");
        assert!(a.starts_with("urn:uuid:") && a.len() == 45 && &a[23..24] == "5", "{a}");
    }

    #[test]
    fn derived_uris_are_v5_uuids_in_the_documented_namespaces() {
        // Computed with Python's uuid module: uuid5(uuid5(NAMESPACE_OID, "newsarc <kind>"), name).
        assert_eq!(uri_for_id("anv-es-0042"), "urn:uuid:62c106e1-d4af-5f01-9470-788a9a4e7fc8");
        assert_eq!(
            uri_for_source_url("https://example.org/en/news/regional/4820-velloria-otter"),
            "urn:uuid:2a0135c5-a6f3-5a48-bb63-7bf9ffa4aa46"
        );
        assert_eq!(uri_for_path("desk-1/a.txt"), "urn:uuid:820a9394-5cc4-581a-80d9-a07a1edda52d");
        assert_eq!(uri_for_sha256("ab"), "urn:uuid:5cdef6a8-9bda-52a2-86b0-4e804858e778");
    }

    #[test]
    fn each_kind_has_its_own_namespace() {
        let name = "https://example.org/a";
        let all = [uri_for_id(name), uri_for_source_url(name), uri_for_path(name), uri_for_identifier(name)];
        let distinct: std::collections::BTreeSet<&String> = all.iter().collect();
        assert_eq!(distinct.len(), all.len(), "{all:?}");
    }

    #[test]
    fn a_path_is_compared_in_nfc() {
        // `ñandú` as macOS stores it (decomposed) and as typed (composed): one path, one URI.
        let composed = "desk/\u{F1}and\u{FA}.txt";
        let decomposed = "desk/n\u{303}andu\u{301}.txt";
        assert_eq!(uri_for_path(decomposed), uri_for_path(composed));
        assert_eq!(uri_for_path(composed), "urn:uuid:934edc9d-8908-54a9-a5f3-3975c6c86961");
        assert_ne!(uri_for_path("desk/a.txt"), uri_for_path("desk/b.txt"));
    }

    #[test]
    fn uri_depends_only_on_the_digest() {
        let a = uri_for_sha256("ab");
        assert_eq!(a, uri_for_sha256("ab"));
        assert_ne!(a, uri_for_sha256("ac"));
        assert!(a.starts_with("urn:uuid:") && a.len() == 45, "{a}");
        assert_eq!(&a[23..24], "5", "version 5 UUID: {a}");
    }
}
