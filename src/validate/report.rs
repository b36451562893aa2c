//! Findings as reports: `text` for people, `json` (schema `schemas/report.schema.json`), `junit`
//! XML for CI dashboards, `github` workflow annotations; `sarif` is in [`super::sarif`].

use super::{Finding, Severity};
use crate::write::html::{escape, escape_text};
use serde::Serialize;

/// What was checked and what was found.
#[derive(Debug, Default, Serialize)]
pub struct Report {
    pub report: &'static str,
    pub report_version: u32,
    pub generator: String,
    /// Each path checked, and whether it holds no error.
    pub checked: Vec<Checked>,
    pub findings: Vec<Finding>,
}

#[derive(Debug, Serialize)]
pub struct Checked {
    pub path: String,
    pub valid: bool,
    /// For a bag, the rules it was checked by (`bagit`, `newsarc`; see `bag::Profile`); `ocfl`
    /// for an OCFL storage root or object.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<&'static str>,
}

impl Report {
    pub fn new() -> Report {
        Report {
            report: "newsarc-validation",
            report_version: 1,
            generator: format!("newsarc {}", crate::VERSION),
            ..Report::default()
        }
    }

    /// Whether anything failed: errors, or with `strict` warnings too.
    pub fn failed(&self, strict: bool) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error || strict)
    }

    pub fn text(&self) -> String {
        let mut out: String = self.findings.iter().map(|f| format!("{f}\n")).collect();
        for c in &self.checked {
            if let Some(profile) = c.profile {
                out.push_str(&format!("{}: profile: {profile}\n", c.path));
            }
            out.push_str(&format!("{}: {}\n", c.path, if c.valid { "valid" } else { "INVALID" }));
        }
        out
    }

    pub fn json(&self) -> String {
        let mut json = serde_json::to_string_pretty(self).expect("the report serializes");
        json.push('\n');
        json
    }

    /// One test suite; a test case per path checked, failing with its error findings.
    pub fn junit(&self) -> String {
        let failed = self.checked.iter().filter(|c| !c.valid).count();
        let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        x.push_str(&format!(
            "<testsuites name=\"newsarc validate\" tests=\"{}\" failures=\"{failed}\">\n<testsuite name=\"newsarc validate\" tests=\"{}\" failures=\"{failed}\" errors=\"0\">\n",
            self.checked.len(),
            self.checked.len()
        ));
        for c in &self.checked {
            x.push_str(&format!("<testcase classname=\"newsarc.validate\" name=\"{}\">\n", escape(&c.path)));
            let mine: Vec<&Finding> = self
                .findings
                .iter()
                // Inside a bag `bag!entry`; inside an OCFL root or object `root/path`.
                .filter(|f| {
                    f.file == c.path
                        || f.file.starts_with(&format!("{}!", c.path))
                        || c.profile == Some("ocfl") && f.file.starts_with(&format!("{}/", c.path))
                })
                .collect();
            if !c.valid {
                let body: String =
                    mine.iter().filter(|f| f.severity == Severity::Error).map(|f| format!("{f}\n")).collect();
                x.push_str(&format!(
                    "<failure message=\"{} errors\" type=\"invalid\">{}</failure>\n",
                    mine.iter().filter(|f| f.severity == Severity::Error).count(),
                    escape_text(&body)
                ));
            }
            let warnings: String =
                mine.iter().filter(|f| f.severity == Severity::Warning).map(|f| format!("{f}\n")).collect();
            if !warnings.is_empty() {
                x.push_str(&format!("<system-out>{}</system-out>\n", escape_text(&warnings)));
            }
            x.push_str("</testcase>\n");
        }
        x.push_str("</testsuite>\n</testsuites>\n");
        x
    }

    /// `::error file=...,line=...,title=CODE::message`, one line per finding.
    pub fn github(&self) -> String {
        self.findings
            .iter()
            .map(|f| {
                let level = if f.severity == Severity::Error { "error" } else { "warning" };
                // GitHub shows a file of the repository: inside a folder bag, the file itself;
                // inside a zip or tar, the archive, with the entry named in the message.
                let (file, message) = match f.file.split_once('!') {
                    Some((bag, entry)) if std::path::Path::new(bag).is_dir() => {
                        (format!("{}/{entry}", bag.trim_end_matches('/')), f.message.clone())
                    }
                    Some((archive, entry)) => (archive.to_string(), format!("{entry}: {}", f.message)),
                    None => (f.file.clone(), f.message.clone()),
                };
                let mut props = format!("file={}", annotation(&file, true));
                if let Some(line) = f.line {
                    props.push_str(&format!(",line={line}"));
                }
                if let Some(column) = f.column {
                    props.push_str(&format!(",col={column}"));
                }
                format!("::{level} {props},title={}::{}\n", f.code, annotation(&message, false))
            })
            .collect()
    }
}

/// GitHub's escaping for workflow commands: `%`, CR, LF always; `:` and `,` in properties.
fn annotation(text: &str, property: bool) -> String {
    let text = text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A");
    if property { text.replace(':', "%3A").replace(',', "%2C") } else { text }
}
