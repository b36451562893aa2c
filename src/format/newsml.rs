//! IPTC NewsML-G2: what the reader and the writer of items share.

/// The NewsML-G2 namespace (`nar`).
pub const NAMESPACE: &str = "http://iptc.org/std/nar/2006-10-01/";

/// `altId@typeuri` of a source's identifier kept because it was not a URI, followed by its role
/// (`guid`, `identifier`): the guid is then a `urn:uuid:` derived from it.
pub const ALT_ID_TYPE: &str = "urn:newsarc:altid:";
