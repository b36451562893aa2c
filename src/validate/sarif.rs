//! Findings as a SARIF 2.1.0 log (`newsarc validate --format sarif`), for GitHub code scanning,
//! GitLab and any SARIF viewer.
//!
//! One [`Report`] gives one log with one run. The run's `tool.driver` is newsarc; its `rules` are
//! the codes that occur in the report, sorted, each described by its row of `docs/codes.md` (the
//! table is compiled in, so the help texts are the documentation's, never a second copy). Each
//! finding is one result with its code as `ruleId`, its severity as `level` and one location:
//!
//! - a file given alone, or a file of an OCFL root or object (`root/ab/obj/inventory.json`): that
//!   file;
//! - a file inside a folder bag (`bag!data/x.txt`): the file itself (`bag/data/x.txt`), as the
//!   `github` format does, since it is in the repository;
//! - a file inside a zip or tar bag (`bag.zip!data/x.txt`): the archive, the only file a code
//!   scanner can show, with the entry named at the start of the message.
//!
//! The path inside the package is also the result's logical location (`fullyQualifiedName`).
//! GitHub displays a result only with `region.startLine` (Microsoft's SARIF Multitool rule
//! GH1003), so a finding about a whole file is placed at line 1. Paths are URI references
//! (percent-encoded; absolute paths as `file://` URIs). The output holds nothing that changes
//! between runs (no time, no GUID): the same report gives the same bytes.

use super::report::Report;
use super::{Finding, Severity};
use serde::Serialize;
use std::collections::BTreeMap;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The log: `runs` holds one run.
#[derive(Debug, Serialize)]
pub struct Log {
    #[serde(rename = "$schema")]
    pub schema: &'static str,
    pub version: &'static str,
    pub runs: Vec<Run>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Run {
    pub tool: Tool,
    /// Columns count characters (newsarc's readers count them so).
    pub column_kind: &'static str,
    pub results: Vec<SarifResult>,
}

#[derive(Debug, Serialize)]
pub struct Tool {
    pub driver: Driver,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Driver {
    pub name: &'static str,
    pub version: &'static str,
    pub semantic_version: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub information_uri: Option<String>,
    pub rules: Vec<Rule>,
}

/// A code, described by its row of `docs/codes.md`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    pub id: String,
    pub short_description: Text,
    pub full_description: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help_uri: Option<String>,
    pub help: Help,
}

#[derive(Debug, Serialize)]
pub struct Text {
    pub text: String,
}

#[derive(Debug, Serialize)]
pub struct Help {
    pub text: String,
    pub markdown: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifResult {
    pub rule_id: &'static str,
    pub rule_index: usize,
    pub level: &'static str,
    pub message: Text,
    pub locations: Vec<Location>,
    /// A digest of the finding's code, file and place, so two findings in one archive (both at
    /// its line 1) stay two alerts.
    pub partial_fingerprints: BTreeMap<&'static str, String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    pub physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub logical_locations: Vec<LogicalLocation>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PhysicalLocation {
    pub artifact_location: ArtifactLocation,
    pub region: Region,
}

#[derive(Debug, Serialize)]
pub struct ArtifactLocation {
    pub uri: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Region {
    pub start_line: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_column: Option<u32>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogicalLocation {
    pub name: String,
    pub fully_qualified_name: String,
}

/// The project's repository (Cargo.toml's `repository`), if it names one: the base of
/// `informationUri` and of the codes' `helpUri`.
fn repository() -> Option<&'static str> {
    Some(env!("CARGO_PKG_REPOSITORY").trim_end_matches('/')).filter(|r| !r.is_empty())
}

impl Report {
    /// The report as a SARIF 2.1.0 log (pretty JSON, ending with a newline).
    pub fn sarif(&self) -> String {
        let mut json = serde_json::to_string_pretty(&self.sarif_log()).expect("the SARIF log serializes");
        json.push('\n');
        json
    }

    /// The report as a SARIF 2.1.0 log (see the module's overview).
    pub fn sarif_log(&self) -> Log {
        let docs = codes_table();
        let codes: Vec<&'static str> = {
            let mut codes: Vec<&'static str> = self.findings.iter().map(|f| f.code).collect();
            codes.sort_unstable();
            codes.dedup();
            codes
        };
        let rules = codes.iter().map(|code| rule(code, docs.get(code), repository())).collect();
        let results = self
            .findings
            .iter()
            .map(|f| {
                let index = codes.binary_search(&f.code).expect("every code has a rule");
                self.result(f, index)
            })
            .collect();
        Log {
            schema: SCHEMA,
            version: "2.1.0",
            runs: vec![Run {
                tool: Tool {
                    driver: Driver {
                        name: "newsarc",
                        version: crate::VERSION,
                        semantic_version: crate::VERSION,
                        information_uri: repository().map(str::to_string),
                        rules,
                    },
                },
                column_kind: "unicodeCodePoints",
                results,
            }],
        }
    }

    fn result(&self, f: &Finding, rule_index: usize) -> SarifResult {
        let place = self.place(&f.file);
        let mut text = match &place.entry_in_message {
            Some(entry) => format!("{entry}: {}", f.message),
            None => f.message.clone(),
        };
        // A sentence (SARIF Multitool rule SARIF2001).
        if !text.ends_with('.') {
            text.push('.');
        }
        let logical_locations = place
            .inside
            .iter()
            .map(|inside| LogicalLocation {
                name: inside.rsplit('/').find(|s| !s.is_empty()).unwrap_or(inside).to_string(),
                fully_qualified_name: inside.clone(),
            })
            .collect();
        let fingerprint = {
            use sha2::{Digest, Sha256};
            let mut hash = Sha256::new();
            for part in [f.code, f.file.as_str(), &f.line.unwrap_or(0).to_string(), &f.column.unwrap_or(0).to_string()]
            {
                hash.update(part.as_bytes());
                hash.update([0]);
            }
            hex::encode(hash.finalize())
        };
        SarifResult {
            rule_id: f.code,
            rule_index,
            level: match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            },
            message: Text { text },
            locations: vec![Location {
                physical_location: PhysicalLocation {
                    artifact_location: ArtifactLocation { uri: uri_reference(&place.file) },
                    region: Region {
                        start_line: f.line.unwrap_or(1).max(1),
                        start_column: f.line.and(f.column).filter(|c| *c > 0),
                    },
                },
                logical_locations,
            }],
            partial_fingerprints: BTreeMap::from([("newsarcFinding/v1", fingerprint)]),
        }
    }

    /// Where a finding's `file` is for a code scanner: the file to show, the path inside the
    /// package it names (if any), and whether that path must be said in the message.
    fn place(&self, file: &str) -> Place {
        // `package!entry`, for a package checked (a file's own name may hold a `!`).
        let split = self
            .checked
            .iter()
            .filter_map(|c| Some((c.path.as_str(), file.strip_prefix(c.path.as_str())?.strip_prefix('!')?)))
            .max_by_key(|(package, _)| package.len());
        if let Some((package, entry)) = split {
            return if std::path::Path::new(package).is_dir() {
                Place {
                    file: format!("{}/{entry}", package.trim_end_matches('/')),
                    inside: Some(entry.to_string()),
                    entry_in_message: None,
                }
            } else {
                Place {
                    file: package.to_string(),
                    inside: Some(entry.to_string()),
                    entry_in_message: Some(entry.to_string()),
                }
            };
        }
        // A file of an OCFL root or object checked: the path below the one given.
        let inside = self
            .checked
            .iter()
            .filter(|c| c.profile == Some("ocfl") || c.profile == Some("newsarc"))
            .find_map(|c| file.strip_prefix(&format!("{}/", c.path.trim_end_matches('/'))))
            .filter(|rest| !rest.is_empty())
            .map(str::to_string);
        Place { file: file.to_string(), inside, entry_in_message: None }
    }
}

struct Place {
    file: String,
    inside: Option<String>,
    entry_in_message: Option<String>,
}

/// A path as a URI reference: percent-encoded; an absolute path as a `file://` URI; a relative
/// one whose first segment holds a colon behind `./`, so it is not read as a scheme.
pub fn uri_reference(path: &str) -> String {
    use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
    const PATH: &AsciiSet = &CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'#')
        .add(b'%')
        .add(b'<')
        .add(b'>')
        .add(b'?')
        .add(b'[')
        .add(b'\\')
        .add(b']')
        .add(b'^')
        .add(b'`')
        .add(b'{')
        .add(b'|')
        .add(b'}');
    let encoded = utf8_percent_encode(path, PATH).to_string();
    if encoded.starts_with('/') {
        format!("file://{encoded}")
    } else if encoded.split('/').next().is_some_and(|first| first.contains(':')) {
        format!("./{encoded}")
    } else if encoded.is_empty() {
        ".".to_string()
    } else {
        encoded
    }
}

/// A code's row of `docs/codes.md`: its meaning, the third column's heading and text, and the
/// heading of the section it is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeDoc {
    pub meaning: String,
    pub extra: Option<(String, String)>,
    pub section: String,
}

/// Every code `docs/codes.md` documents (each row of a table whose first cell is a code).
pub fn codes_table() -> BTreeMap<&'static str, CodeDoc> {
    parse_codes(include_str!("../../docs/codes.md"))
}

fn parse_codes(markdown: &'static str) -> BTreeMap<&'static str, CodeDoc> {
    let mut table = BTreeMap::new();
    let (mut section, mut header) = (String::new(), Vec::new());
    for line in markdown.lines() {
        if let Some(heading) = line.strip_prefix('#') {
            section = heading.trim_start_matches('#').trim().to_string();
            continue;
        }
        let Some(row) = line.strip_prefix('|') else {
            header.clear();
            continue;
        };
        let cells: Vec<&'static str> = row.trim_end().trim_end_matches('|').split(" | ").map(str::trim).collect();
        if cells.first().is_some_and(|c| *c == "code") {
            header = cells.iter().map(|c| c.to_string()).collect();
            continue;
        }
        let [code, meaning, rest @ ..] = cells.as_slice() else { continue };
        if !is_code(code) {
            continue;
        }
        let extra = match (header.get(2), rest.first()) {
            (Some(name), Some(text)) if !text.is_empty() => Some((name.clone(), text.to_string())),
            _ => None,
        };
        table.entry(*code).or_insert(CodeDoc { meaning: meaning.to_string(), extra, section: section.clone() });
    }
    table
}

fn is_code(cell: &str) -> bool {
    let parts: Vec<&str> = cell.split('-').collect();
    match parts.as_slice() {
        ["NA", area, number] => {
            !area.is_empty()
                && area.bytes().all(|b| b.is_ascii_uppercase())
                && number.len() == 3
                && number.bytes().all(|b| b.is_ascii_digit())
        }
        ["OCFL", number] => {
            number.len() == 4
                && matches!(number.as_bytes()[0], b'E' | b'W')
                && number[1..].bytes().all(|b| b.is_ascii_digit())
        }
        _ => false,
    }
}

/// The rule of one code: described by its row, else said to be undocumented.
fn rule(code: &str, doc: Option<&CodeDoc>, repository: Option<&str>) -> Rule {
    let Some(doc) = doc else {
        let text = format!("newsarc finding {code} (not described in docs/codes.md of newsarc {}).", crate::VERSION);
        return Rule {
            id: code.to_string(),
            short_description: Text { text: text.clone() },
            full_description: Text { text: text.clone() },
            help_uri: repository.map(|r| format!("{r}/blob/v{}/docs/codes.md", crate::VERSION)),
            help: Help { markdown: text.clone(), text },
        };
    };
    let plain = plain_text(&doc.meaning);
    let short = first_sentence(&plain);
    let (mut text, mut markdown) = (plain.clone(), doc.meaning.clone());
    let mut spec_link = None;
    if let Some((name, extra)) = &doc.extra {
        let name = capitalised(name);
        text.push_str(&format!("\n\n{name}: {}", plain_text(extra)));
        markdown.push_str(&format!("\n\n**{name}**: {extra}"));
        // The OCFL specification's own page for the rule: `[E001](https://ocfl.io/...)`.
        spec_link = extra.split_once("](").and_then(|(_, rest)| rest.split_once(')')).map(|(url, _)| url.to_string());
    }
    let anchor = anchor(&doc.section);
    text.push_str(&format!("\n\nnewsarc {}, docs/codes.md: {}.", crate::VERSION, plain_text(&doc.section)));
    markdown.push_str(&format!("\n\nnewsarc {}, `docs/codes.md`: {}.", crate::VERSION, doc.section));
    Rule {
        id: code.to_string(),
        short_description: Text { text: short },
        full_description: Text { text: plain },
        help_uri: repository
            .map(|r| format!("{r}/blob/v{}/docs/codes.md#{anchor}", crate::VERSION))
            .or(spec_link.filter(|u| u.starts_with("https://"))),
        help: Help { text, markdown },
    }
}

/// Markdown as plain text: code spans and links as their text.
fn plain_text(markdown: &str) -> String {
    let mut out = String::new();
    let mut rest = markdown;
    while let Some(at) = rest.find(['`', '[']) {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        if let Some(span) = after.strip_prefix('`') {
            match span.split_once('`') {
                Some((inner, tail)) => {
                    out.push_str(inner);
                    rest = tail;
                }
                None => {
                    out.push_str(span);
                    rest = "";
                }
            }
        } else {
            match after[1..].split_once("](").and_then(|(label, tail)| Some((label, tail.split_once(')')?.1))) {
                Some((label, tail)) => {
                    out.push_str(label);
                    rest = tail;
                }
                None => {
                    out.push('[');
                    rest = &after[1..];
                }
            }
        }
    }
    out.push_str(rest);
    out.replace("**", "")
}

/// The first sentence (up to the first `. ` outside parentheses), ending with its period.
fn first_sentence(text: &str) -> String {
    let mut depth = 0i32;
    let bytes = text.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        match b {
            b'(' => depth += 1,
            b')' => depth -= 1,
            b'.' if depth <= 0 && bytes.get(i + 1) == Some(&b' ') => return text[..=i].to_string(),
            _ => {}
        }
    }
    let mut all = text.to_string();
    if !all.ends_with('.') {
        all.push('.');
    }
    all
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// A heading's anchor as GitHub and GitLab make it: lower case, punctuation dropped (but `-`
/// and `_`), spaces as hyphens.
pub fn anchor(heading: &str) -> String {
    heading
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_row_is_read_with_its_section() {
        let table = codes_table();
        let bag = &table["NA-BAG-001"];
        assert_eq!(bag.meaning, "`bagit.txt` is missing.");
        assert_eq!(bag.section, "Packages (`newsarc validate` on a folder, .zip, .tar or .tar.gz)");
        let read = &table["NA-READ-004"];
        assert_eq!(read.extra.as_ref().unwrap().0, "what to do");
        let ocfl = &table["OCFL-E001"];
        assert_eq!(
            ocfl.extra.as_ref().unwrap(),
            &("specification".to_string(), "[E001](https://ocfl.io/1.1/spec/#E001)".to_string())
        );
        assert!(!table.contains_key("code"));
    }

    #[test]
    fn rules_say_the_documentation_in_plain_text_and_link_where_they_can() {
        let table = codes_table();
        let r = rule("NA-BAG-001", table.get("NA-BAG-001"), Some("https://example.org/newsarc"));
        assert_eq!(r.short_description.text, "bagit.txt is missing.");
        assert_eq!(
            r.help_uri.as_deref(),
            Some(
                format!(
                    "https://example.org/newsarc/blob/v{}/docs/codes.md#packages-newsarc-validate-on-a-folder-zip-tar-or-targz",
                    crate::VERSION
                )
                .as_str()
            )
        );
        let o = rule("OCFL-E001", table.get("OCFL-E001"), None);
        assert_eq!(o.help_uri.as_deref(), Some("https://ocfl.io/1.1/spec/#E001"));
        assert!(o.help.text.contains("Specification: E001"), "{}", o.help.text);
        let n = rule("NA-BAG-001", table.get("NA-BAG-001"), None);
        assert_eq!(n.help_uri, None);
        let missing = rule(&format!("NA-ZZZ-{}", 999), None, None);
        assert!(missing.full_description.text.contains("not described"));
    }

    /// Every code in newsarc's source has its row, so every rule has its help text.
    #[test]
    fn every_code_newsarc_reports_is_documented() {
        let code = regex::Regex::new(r#""(NA-[A-Z]+-[0-9]{3}|OCFL-[EW][0-9]{3})""#).unwrap();
        let table = codes_table();
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut missing = std::collections::BTreeSet::new();
        for entry in walkdir::WalkDir::new(&src) {
            let entry = entry.unwrap();
            if entry.path().extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(entry.path()).unwrap();
                for found in code.captures_iter(&text) {
                    if !table.contains_key(&found[1]) {
                        missing.insert(format!("{} ({})", &found[1], entry.path().display()));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "not in docs/codes.md: {missing:#?}");
    }

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri_reference("corpus.zip"), "corpus.zip");
        assert_eq!(uri_reference("a b/100%#1.txt"), "a%20b/100%25%231.txt");
        assert_eq!(uri_reference("/tmp/x y.zip"), "file:///tmp/x%20y.zip");
        assert_eq!(uri_reference("c:d.zip"), "./c:d.zip");
        assert_eq!(uri_reference("d/é.txt"), "d/%C3%A9.txt");
    }

    #[test]
    fn first_sentences_ignore_periods_in_parentheses_and_names() {
        assert_eq!(
            first_sentence("A bag (see .zip. and more) is bad. Then more."),
            "A bag (see .zip. and more) is bad."
        );
        assert_eq!(first_sentence("manifest-sha256.txt is missing"), "manifest-sha256.txt is missing.");
    }
}
