//! newsarc: news article text files into standard renditions, with checksums.
//!
//! Data goes one way: bytes are decoded and read ([`read`]) into one [`model::Article`], which
//! writers ([`write`]) turn into renditions: IPTC NewsML-G2, EPUB 3, IPTC ninjs JSON and the
//! project's own metadata record (`metadata.json`); [`package`] packs many into BagIt bags, and
//! [`validate`] reads packages and renditions back into findings. [`load`] reads an article from
//! disk or standard input with its sidecar metadata and applies the caller's options; [`convert`]
//! runs the writers. [`format`] holds what formats define (namespaces, the deterministic zip) for
//! every layer above it; [`ocfl`] keeps articles in an OCFL storage root, one versioned object
//! each, so corrections become versions; [`output`] is the one policy for putting files on disk: never over an
//! input, never half-written, replaced only when asked.
//!
//! The library knows nothing of the command line; `src/main.rs` and `src/cli/` are a thin layer
//! over it.

pub mod convert;
pub mod format;
pub mod load;
pub mod model;
pub mod ocfl;
pub mod output;
pub mod package;
pub mod read;
pub mod schemas;
pub mod site;
pub mod validate;
pub mod write;

/// This version of newsarc, as written into renditions and records.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
