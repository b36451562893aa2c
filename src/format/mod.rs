//! What the formats themselves define, shared by the readers, writers, packages and validators
//! that speak them, so that none of those reaches into another for it: namespaces and identifiers
//! ([`newsml`], [`epub`], and the XHTML namespace here), and the deterministic zip container
//! ([`zip`]) that EPUBs and zip bags are written in, with the structure check every reader of a
//! zip passes first ([`zip_layout`]). Nothing here reads or writes an article.

pub mod epub;
pub mod newsml;
pub mod zip;
pub mod zip_layout;

/// The XHTML namespace (NewsML-G2 bodies, EPUB content documents).
pub const XHTML_NAMESPACE: &str = "http://www.w3.org/1999/xhtml";
