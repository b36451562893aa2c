//! Article ids (safe file names) and URNs.

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

/// The article's URN: a name-based (version 5) UUID of its source bytes' SHA-256, so the same
/// bytes always get the same URN, whatever the file is called.
pub fn uri_for_sha256(sha256_hex: &str) -> String {
    let namespace = Uuid::new_v5(&Uuid::NAMESPACE_OID, b"newsarc article");
    let id = Uuid::new_v5(&namespace, format!("sha256:{sha256_hex}").as_bytes());
    format!("urn:uuid:{id}")
}

/// The URI of an article whose source gave an identifier that is not a URI (a NewsML-G2 guid
/// `simplest-test`, an EPUB identifier `NOID`): a name-based (version 5) UUID of that identifier,
/// in a namespace of newsarc's own, so the same identifier always gets the same URN.
pub fn uri_for_identifier(identifier: &str) -> String {
    let namespace = Uuid::new_v5(&Uuid::NAMESPACE_OID, b"newsarc identifier");
    format!("urn:uuid:{}", Uuid::new_v5(&namespace, identifier.as_bytes()))
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
    fn uri_depends_only_on_the_digest() {
        let a = uri_for_sha256("ab");
        assert_eq!(a, uri_for_sha256("ab"));
        assert_ne!(a, uri_for_sha256("ac"));
        assert!(a.starts_with("urn:uuid:") && a.len() == 45, "{a}");
        assert_eq!(&a[23..24], "5", "version 5 UUID: {a}");
    }
}
