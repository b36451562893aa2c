//! The dateline that opens wire copy: `PLACE, DATE (AGENCY) SEP`.

use super::PartialDate;
use serde::{Deserialize, Serialize};

/// A dateline as read from the start of the first paragraph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dateline {
    /// The dateline verbatim, without its trailing separator: `Baghdad, January 24 (RHC)`.
    pub text: String,
    /// `Baghdad`, `BEIRUT, Lebanon`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub place: Option<String>,
    /// Month and day as written; the dateline never carries the year.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub date: Option<PartialDate>,
    /// The text between the parentheses: `RHC`, `teleSUR-RHC`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub agency: Option<String>,
    /// The separator between dateline and text as written: `--`, `—`, `-`; absent when none.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub separator: Option<String>,
}
