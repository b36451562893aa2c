//! OCFL storage: a living archive. An OCFL 1.1 storage root (Oxford Common File Layout) holds one
//! object per article, its id the article's URI; each object is a versioned, content-addressed
//! folder whose `inventory.json` lists every version's files by SHA-512. A correction is a new
//! version of the same object that stores only the bytes the object does not hold yet; the
//! history of what was published stays.
//!
//! A sibling of [`crate::package`]: a version's files are an article's folder in a bag (its
//! source as `source.txt`, its renditions and metadata record under the same names), so a
//! version exports to a bag without renaming.
//!
//! - [`inventory`]: the inventory as a serde model (ordered, so its bytes are deterministic).
//! - [`layout`]: where an object lives below the root; extension 0003 (hash and id n-tuple).
//! - [`root`]: a storage root created, opened, and its objects read.
//! - [`add`]: articles added as objects and versions, staged and put in place so that the root
//!   is valid at every moment, with a lock per object for runs that add at once.
//! - [`history`]: an object's versions, the files of one, what changed between two.
//! - [`export`]: versions of objects as one BagIt bag.
//!
//! Validation of roots and objects (the specification's codes) is in [`crate::validate::ocfl`].

pub mod add;
pub mod export;
pub mod history;
pub mod inventory;
pub mod layout;
pub mod root;

use sha2::Digest;
use std::path::Path;

/// Why an OCFL operation could not run, or was refused.
#[derive(Debug, thiserror::Error)]
pub enum OcflError {
    #[error("cannot write or read {path}: {}", crate::output::io_reason(.cause))]
    Io {
        path: String,
        #[source]
        cause: std::io::Error,
    },
    #[error("{path} is not an OCFL storage root: {why}")]
    NotARoot { path: String, why: String },
    #[error("refusing to write into {path}: {why}")]
    Unsupported { path: String, why: String },
    #[error("the object {object} is damaged: {why}; nothing was written (validating it names every problem)")]
    Damaged { object: String, why: String },
    #[error("no object {id} in the storage root {root}")]
    NoObject { id: String, root: String },
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Output(#[from] crate::output::OutputError),
}

impl OcflError {
    pub(crate) fn io(path: &Path, cause: std::io::Error) -> OcflError {
        OcflError::Io { path: path.display().to_string(), cause }
    }
}

/// The hex digest of `bytes` by an algorithm OCFL allows for content, if it is one.
pub fn digest(algorithm: &str, bytes: &[u8]) -> Option<String> {
    Some(match algorithm {
        "sha512" => hex::encode(sha2::Sha512::digest(bytes)),
        "sha256" => hex::encode(sha2::Sha256::digest(bytes)),
        _ => return None,
    })
}

/// An existing object, read and checked before a version is added to it: by the specification's
/// rules ([`crate::validate::ocfl`], every inventory and sidecar; content digests are not read
/// again), and its root inventory read. A damaged object is refused with the first error found,
/// and never written into.
pub(crate) fn check_before_writing(path: &Path, id: &str) -> Result<root::Object, OcflError> {
    check_object(path, Some(id))
}

/// An object read after it is checked by the specification's rules (every inventory and
/// sidecar; content digests are not read again): what newsarc reads from an object to write
/// elsewhere (an export) has passed them, so its logical paths are safe names.
pub(crate) fn check_object(path: &Path, id: Option<&str>) -> Result<root::Object, OcflError> {
    use crate::validate::{Severity, ocfl};
    let shown = path.display().to_string();
    let report = ocfl::object::check(path, &shown, &ocfl::Options { check_digests: false });
    let errors: Vec<_> = report.findings.iter().filter(|f| f.severity == Severity::Error).collect();
    if let Some(first) = errors.first() {
        return Err(OcflError::Damaged {
            object: shown,
            why: format!(
                "{} {}{}",
                first.code,
                first.message,
                if errors.len() > 1 { format!(" (and {} more errors)", errors.len() - 1) } else { String::new() }
            ),
        });
    }
    root::read_object(path, id)
}

/// The article folder (in an export) or page (on a site) of an object whose metadata record
/// gives no id: from a digest of the object's id, so it stays the same across versions.
pub fn folder_for_id(id: &str) -> String {
    format!("object-{}", &hex::encode(sha2::Sha256::digest(id.as_bytes()))[..12])
}

/// Refuses an output inside a storage root: a file or folder there is not part of any object,
/// and the root would no longer be valid.
pub fn refuse_inside_root(out: &Path) -> Result<(), OcflError> {
    let parent = crate::output::parent_of(out);
    let Ok(resolved) = crate::output::resolve(parent) else { return Ok(()) };
    for dir in resolved.ancestors() {
        if root::is_storage_root(dir) {
            return Err(OcflError::Invalid(format!(
                "refusing to write {}: it lies inside the OCFL storage root {} (a file there is part of no object, and the root would not be valid)",
                out.display(),
                dir.display()
            )));
        }
    }
    Ok(())
}
