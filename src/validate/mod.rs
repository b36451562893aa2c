//! Validation: checks whose results are data, not errors.
//!
//! A check produces [`Finding`]s, each with a stable code (documented in `docs/codes.md`), a
//! severity, the file, the place in it and a message saying what is wrong. Findings are collected,
//! never thrown: a run reports all of them. What stops a run (a schema that cannot be loaded, a
//! file that cannot be read) is an error of its own, [`ValidateError`].
//!
//! - [`package`]: a bag's files (folder, zip, tar, tar.gz) read safely into memory (never
//!   extracted), with caps.
//! - [`bag`]: BagIt checks (RFC 8493 and BagIt 0.93 to 0.97) and, under the `newsarc` profile, the
//!   package index.
//! - [`article`]: each article's renditions read back, format rules, agreement between them.
//! - [`epub`]: EPUB publications: container, package document, navigation, references.
//! - [`ninjs`]: ninjs documents against IPTC's official schemas (embedded).
//! - [`group`]: the bags of a sharded pack checked as one complete group.
//! - [`ocfl`]: OCFL 1.0 and 1.1 storage roots and objects (inventories, sidecars, versions, every
//!   content digest), with the specification's codes (`OCFL-E040`).
//! - [`report`]: findings as text, JSON, JUnit XML or GitHub workflow annotations.
//! - [`sarif`]: findings as a SARIF 2.1.0 log (GitHub code scanning, GitLab), rules from `docs/codes.md`.
//! - [`xsd`] (cargo feature `xsd`): XML documents against an XML Schema, through libxml2.

pub mod article;
pub mod bag;
pub mod epub;
pub mod folder;
pub mod group;
pub mod ninjs;
pub mod ocfl;
pub mod package;
pub mod report;
pub mod sarif;
#[cfg(feature = "xsd")]
pub mod xsd;

use serde::Serialize;
use std::fmt;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Warning,
    Error,
}

/// One problem found, with its stable code and place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub severity: Severity,
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, ": {severity} {}: {}", self.code, self.message)
    }
}

impl Finding {
    /// `NA-SAFE-009`: a file of a package that cannot be read (`shown!path`).
    pub fn unreadable(shown: &str, path: &str, reason: impl fmt::Display) -> Finding {
        Finding {
            code: "NA-SAFE-009",
            severity: Severity::Error,
            file: format!("{shown}!{path}"),
            line: None,
            column: None,
            message: format!("cannot be read: {reason}"),
        }
    }
}

impl Finding {
    /// `NA-SAFE-009`: a file or directory on disk that cannot be read (an OCFL object's, named by
    /// its path).
    pub fn unreadable_at(file: String, reason: impl fmt::Display) -> Finding {
        Finding {
            code: "NA-SAFE-009",
            severity: Severity::Error,
            file,
            line: None,
            column: None,
            message: format!("cannot be read: {reason}"),
        }
    }
}

/// Why a validation could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum ValidateError {
    #[error("cannot load the XML Schema {path}: {message}")]
    Schema { path: String, message: String },
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{path}: {message}")]
    Unreadable { path: String, message: String },
}

/// `text` in Unicode normalisation form C, borrowed when it is in that form already (as nearly
/// every path is: ASCII is), so comparing names across forms costs nothing for them.
pub(crate) fn nfc(text: &str) -> std::borrow::Cow<'_, str> {
    use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};
    if text.is_ascii() || is_nfc_quick(text.chars()) == IsNormalized::Yes {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(text.nfc().collect())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn nfc_borrows_what_is_normalised_and_composes_the_rest() {
        assert!(matches!(super::nfc("data/a.txt"), std::borrow::Cow::Borrowed(_)));
        assert!(matches!(super::nfc("data/\u{e9}t\u{e9}.txt"), std::borrow::Cow::Borrowed(_)));
        assert_eq!(super::nfc("data/e\u{301}te\u{301}.txt"), "data/\u{e9}t\u{e9}.txt");
    }
}
