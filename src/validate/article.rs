//! Checks on each article of a newsarc package: every rendition read back into the model, the
//! rules each format has beyond what reading needs, and agreement between the renditions.
//!
//! Codes: `NA-REN-001` a rendition cannot be read back · `NA-EPUB-*` the EPUB rules of
//! `validate::epub` · `NA-EPUB-037` (warning) an EPUB given alone is valid but newsarc cannot read
//! it as an article · `NA-NINJS-001`..`NA-NINJS-005` ninjs against IPTC's schema for its version
//! (see [`super::ninjs`]) · `NA-META-001` the metadata record
//! is not valid against its schema · `NA-X-001`..`NA-X-004`, `NA-X-006` the renditions disagree on
//! the URI, headline, language, dateline or source URL · `NA-X-005` a checksum in the metadata
//! record differs from the file · `NA-REP-001` (with `--reproduce`) this newsarc would write a
//! rendition differently from the same source.

use super::bag::{self, Expected};
use super::package::Files;
use super::{Finding, Severity};
use crate::model::{Article, Overrides};
use crate::read::{ReadOptions, epub, newsml};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;

/// Whether a file of an article folder is one its checks read: the source or a rendition.
fn is_article_file(name: &str) -> bool {
    name == "source.txt" || crate::write::WRITERS.iter().any(|w| w.package_name == name)
}

/// Reads every payload file once, on all cores: checks it against the manifests (`bag::verify`)
/// and, for each article folder (`data/articles/<id>/`), checks the article. Findings come in
/// the order of the payload.
/// `xsd`: also validate each `article.xml` against this XML Schema (with the `xsd` feature; each
/// worker thread loads its own validator, as libxml2 wants).
pub fn check(
    files: &Files,
    shown: &str,
    reproduce: bool,
    xsd: Option<&std::path::Path>,
    expected: &Expected,
    findings: &mut Vec<Finding>,
) {
    check_with_progress(files, shown, reproduce, xsd, expected, findings, &|_| {});
}

/// [`check`], telling `progress` how many more files were read each time some were.
pub fn check_with_progress(
    files: &Files,
    shown: &str,
    reproduce: bool,
    xsd: Option<&std::path::Path>,
    expected: &Expected,
    findings: &mut Vec<Finding>,
    progress: &(dyn Fn(usize) + Sync),
) {
    // Groups of payload files: one per article folder, one per other file.
    let mut groups: Vec<(Option<&str>, Vec<&str>)> = Vec::new();
    for path in files.names().filter(|p| p.starts_with("data/")) {
        let id = path.strip_prefix("data/articles/").and_then(|rest| rest.split_once('/')).map(|(id, _)| id);
        match groups.last_mut() {
            Some((Some(last), paths)) if id == Some(*last) => paths.push(path),
            _ => groups.push((id, vec![path])),
        }
    }
    let metadata_schema = metadata_schema();
    let per_group: Vec<Vec<Finding>> = groups
        .par_iter()
        .map_init(
            || (files.reader(), schema_validator(xsd)),
            |(reader, _validator), (id, paths)| {
                let mut found = Vec::new();
                let mut own = std::collections::BTreeMap::new();
                for path in paths {
                    match reader.read(path) {
                        Ok(bytes) => {
                            bag::verify(path, &bytes, expected, shown, &mut found);
                            // Only the files an article has are kept for its checks; anything
                            // else in its folder was verified and is let go, so what is held per
                            // article is bounded whatever a hostile bag puts there.
                            if let Some(id) = id
                                && let Some(name) = path.strip_prefix(&format!("data/articles/{id}/"))
                                && is_article_file(name)
                            {
                                own.insert(name.to_string(), bytes);
                            }
                        }
                        Err(e) => found.push(Finding::unreadable(shown, path, e)),
                    }
                }
                progress(paths.len());
                if let Some(id) = id {
                    #[cfg(feature = "xsd")]
                    if let (Some(Some(v)), Some(xml)) = (_validator.as_mut(), own.get("article.xml")) {
                        found.extend(v.check(&format!("{shown}!data/articles/{id}/article.xml"), xml));
                    }
                    ArticleCheck { own: &own, shown, id, folder: None, loose: None, findings: &mut found, metadata_schema }
                        .run(reproduce);
                }
                found
            },
        )
        .collect();
    findings.extend(per_group.into_iter().flatten());
}

/// The metadata record's schema, compiled once (compiling it costs more than checking a record).
fn metadata_schema() -> &'static jsonschema::Validator {
    static SCHEMA: std::sync::LazyLock<jsonschema::Validator> = std::sync::LazyLock::new(|| {
        let schema: serde_json::Value = serde_json::from_str(crate::schemas::METADATA).expect("embedded schema");
        jsonschema::validator_for(&schema).expect("embedded schema compiles")
    });
    &SCHEMA
}

/// The checks of one article whose files are held elsewhere than in a bag (an OCFL object's head
/// version, by logical path): `own` maps each file name to its bytes; findings name them
/// `shown!folder/name`.
pub fn check_article_files(
    own: &std::collections::BTreeMap<String, Vec<u8>>,
    shown: &str,
    folder: &str,
    reproduce: bool,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let own: std::collections::BTreeMap<String, Vec<u8>> =
        own.iter().filter(|(name, _)| is_article_file(name)).map(|(n, b)| (n.clone(), b.clone())).collect();
    ArticleCheck {
        own: &own,
        shown,
        id: folder,
        folder: Some(folder),
        loose: None,
        findings: &mut findings,
        metadata_schema: metadata_schema(),
    }
    .run(reproduce);
    findings
}

/// The renditions of one article lying loose in a folder, as `convert -o FOLDER` writes them
/// (`story.newsml.xml`, `story.epub`, `story.ninjs.json`, `story.metadata.json`).
#[derive(Debug, Clone, Default)]
pub struct Loose {
    /// How findings name the article itself: its folder and stem (`out/story`).
    pub article: String,
    /// Each file by its name in a package's article folder (`article.epub`) to its path as
    /// findings show it (`out/story.epub`).
    pub shown: std::collections::BTreeMap<String, String>,
    /// Each file's own name (`story.epub`) to its name in a package (`article.epub`): the
    /// metadata record lists them by their own names.
    pub by_file_name: std::collections::BTreeMap<String, String>,
}

/// Checks the renditions of one article that lie loose in a folder, as in a bag: each one, and
/// all of them against each other and against the metadata record's checksums. `own` maps each
/// file's name in a package (`article.epub`) to its bytes; findings name the files as `loose`
/// shows them.
pub fn check_loose_files(own: &std::collections::BTreeMap<String, Vec<u8>>, loose: &Loose) -> Vec<Finding> {
    let mut findings = Vec::new();
    ArticleCheck {
        own,
        shown: &loose.article,
        id: &loose.article,
        folder: None,
        loose: Some(loose),
        findings: &mut findings,
        metadata_schema: metadata_schema(),
    }
    .run(false);
    findings
}

/// Checks one rendition given alone, by its file name: an EPUB (container and package rules,
/// read back) or a JSON file (a metadata record against its schema, or ninjs).
pub fn check_file(shown: &str, name: &str, bytes: &[u8]) -> Vec<Finding> {
    let metadata_schema = metadata_schema();
    let own = std::collections::BTreeMap::new();
    let mut findings = Vec::new();
    let mut c =
        ArticleCheck { own: &own, shown, id: "", folder: None, loose: None, findings: &mut findings, metadata_schema };
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".epub") {
        c.epub(bytes, name);
    } else if lower.ends_with(".json") {
        let is_record =
            serde_json::from_slice::<serde_json::Value>(bytes).is_ok_and(|v| v["record"] == "newsarc-metadata");
        if is_record {
            c.record(bytes);
        } else {
            c.ninjs(bytes);
        }
    }
    findings
}

#[cfg(feature = "xsd")]
type SchemaValidator = Option<Option<super::xsd::XsdValidator>>;
#[cfg(not(feature = "xsd"))]
type SchemaValidator = Option<()>;

/// A validator for this thread, if a schema was given (loaded once per thread).
#[cfg(feature = "xsd")]
fn schema_validator(xsd: Option<&std::path::Path>) -> SchemaValidator {
    xsd.map(|p| super::xsd::XsdValidator::load(p).ok())
}

#[cfg(not(feature = "xsd"))]
fn schema_validator(_xsd: Option<&std::path::Path>) -> SchemaValidator {
    None
}

struct ArticleCheck<'a> {
    /// This article's files, by name, as read.
    own: &'a std::collections::BTreeMap<String, Vec<u8>>,
    shown: &'a str,
    id: &'a str,
    /// Where the files are named from in findings, when not a bag's `data/articles/<id>`.
    folder: Option<&'a str>,
    /// For an article's files loose in a folder (what `convert -o` writes): each file's name
    /// here (`article.epub`) to its path as shown, and the article's own shown path for
    /// findings of no one file.
    loose: Option<&'a Loose>,
    findings: &'a mut Vec<Finding>,
    metadata_schema: &'a jsonschema::Validator,
}

impl<'a> ArticleCheck<'a> {
    /// How findings name one of the article's files (or the article, for `name` "").
    fn file_of(&self, name: &str) -> String {
        if self.id.is_empty() {
            return self.shown.to_string();
        }
        if let Some(loose) = self.loose {
            let name = loose.by_file_name.get(name).map_or(name, String::as_str);
            return loose.shown.get(name).cloned().unwrap_or_else(|| loose.article.clone());
        }
        format!("{}!{}", self.shown, self.path(name))
    }

    fn path(&self, name: &str) -> String {
        match self.folder {
            Some(folder) => format!("{folder}/{name}"),
            None => format!("data/articles/{}/{name}", self.id),
        }
    }

    /// A file of this article.
    fn get(&self, name: &str) -> Option<&'a [u8]> {
        let own: &'a std::collections::BTreeMap<String, Vec<u8>> = self.own;
        // A loose article's record names its files as they are named beside it.
        let name = self.loose.and_then(|l| l.by_file_name.get(name)).map_or(name, String::as_str);
        own.get(name).map(Vec::as_slice)
    }

    fn find(&mut self, code: &'static str, name: &str, message: String) {
        // A single file given alone has no article folder around it.
        let file = self.file_of(name);
        self.findings.push(Finding { code, severity: Severity::Error, file, line: None, column: None, message });
    }

    fn run(&mut self, reproduce: bool) {
        let newsml = self.get("article.xml").map(|b| self.read(b, "article.xml", newsml::read));
        let epub = self.get("article.epub").map(|b| self.epub(b, "article.epub").flatten());
        let ninjs = self.get("article.json").and_then(|b| self.ninjs(b));
        let record = self.get("metadata.json").and_then(|b| self.record(b));
        // The reader's warnings about the source, as the record lists them: the same findings
        // as for the article checked alone, so `--strict` means the same in a bag and out of it.
        if let Some(warnings) = record.as_ref().and_then(|r| r["warnings"].as_array()).filter(|_| !self.id.is_empty()) {
            let file = self.file_of("source.txt");
            for w in warnings.iter().filter_map(|w| serde_json::from_value::<crate::model::Warning>(w.clone()).ok()) {
                self.findings.push(Finding {
                    code: w.code.as_str(),
                    severity: if w.code.is_error_when_validating() { Severity::Error } else { Severity::Warning },
                    file: file.clone(),
                    line: w.line,
                    column: w.column,
                    message: w.message,
                });
            }
        }

        // Agreement between what each rendition says.
        let mut uri: Vec<(&str, Option<String>)> = Vec::new();
        let mut headline: Vec<(&str, Option<String>)> = Vec::new();
        let mut language: Vec<(&str, Option<String>)> = Vec::new();
        let mut dateline: Vec<(&str, Option<String>)> = Vec::new();
        let mut source_url: Vec<(&str, Option<String>)> = Vec::new();
        for (name, article) in [("article.xml", newsml.flatten()), ("article.epub", epub.flatten())] {
            if let Some(a) = article {
                uri.push((name, Some(a.uri.clone())));
                headline.push((name, a.headline.clone()));
                language.push((name, Some(a.language.clone())));
                dateline.push((name, a.dateline.as_ref().map(|d| d.text.clone())));
                source_url.push((name, a.source_url.clone()));
            }
        }
        if let Some(n) = &ninjs {
            uri.push(("article.json", n["uri"].as_str().map(str::to_string)));
            headline.push(("article.json", n["headlines"][0]["value"].as_str().map(str::to_string)));
            language.push(("article.json", n["language"].as_str().map(str::to_string)));
            let url = n["altIds"]
                .as_array()
                .and_then(|a| a.iter().find(|i| i["role"] == "url"))
                .and_then(|i| i["value"].as_str());
            source_url.push(("article.json", url.map(str::to_string)));
        }
        if let Some(r) = &record {
            uri.push(("metadata.json", r["uri"].as_str().map(str::to_string)));
            headline.push(("metadata.json", r["headline"].as_str().map(str::to_string)));
            language.push(("metadata.json", r["language"].as_str().map(str::to_string)));
            dateline.push(("metadata.json", r["dateline"]["text"].as_str().map(str::to_string)));
            source_url.push(("metadata.json", r["source_url"].as_str().map(str::to_string)));
        }
        for (code, what, values) in [
            ("NA-X-001", "URI", &uri),
            ("NA-X-002", "headline", &headline),
            ("NA-X-003", "language", &language),
            ("NA-X-004", "dateline", &dateline),
            ("NA-X-006", "source URL", &source_url),
        ] {
            let distinct: BTreeSet<&Option<String>> = values.iter().map(|(_, v)| v).collect();
            if distinct.len() > 1 {
                let said: Vec<String> = values
                    .iter()
                    .map(|(n, v)| format!("{n}: {}", v.as_deref().map_or("(none)".to_string(), |v| format!("`{v}`"))))
                    .collect();
                self.find(code, "", format!("the renditions disagree on the {what}: {}", said.join("; ")));
            }
        }
        if let Some(r) = &record {
            self.checksums(r);
            if reproduce {
                self.reproduce(r);
            }
        }
    }

    fn read(
        &mut self,
        bytes: &[u8],
        name: &str,
        reader: fn(&[u8], &ReadOptions) -> Result<Article, crate::read::ReadError>,
    ) -> Option<Article> {
        let options = ReadOptions { source_name: Some(name.to_string()), ..ReadOptions::default() };
        match reader(bytes, &options) {
            Ok(article) => {
                for w in article.warnings.iter().filter(|w| w.code.is_error_when_validating()) {
                    self.find(w.code.as_str(), name, w.message.clone());
                }
                Some(article)
            }
            Err(e) => {
                self.find("NA-REN-001", name, format!("cannot be read back: {e}"));
                None
            }
        }
    }

    /// The EPUB rules (`validate::epub`), then the publication read back as an article. Alone,
    /// a valid publication newsarc cannot read as an article is a warning; in a package, where
    /// newsarc wrote it, it is an error.
    fn epub(&mut self, bytes: &[u8], name: &str) -> Option<Option<Article>> {
        let file = self.file_of(name);
        let found = super::epub::check(&file, bytes);
        let invalid = super::epub::has_errors(&found);
        self.findings.extend(found);
        if !self.id.is_empty() {
            return Some(self.read(bytes, name, epub::read));
        }
        if invalid {
            return None;
        }
        let options = ReadOptions { source_name: Some(name.to_string()), ..ReadOptions::default() };
        // Alone, a collection book is as good as one article.
        match epub::read_articles(bytes, &options) {
            Ok(articles) => Some(articles.into_iter().next()),
            Err(e) => {
                self.findings.push(Finding {
                    code: "NA-EPUB-037",
                    severity: Severity::Warning,
                    file,
                    line: None,
                    column: None,
                    message: format!("a valid EPUB that newsarc cannot read as an article: {e}"),
                });
                Some(None)
            }
        }
    }

    /// A ninjs document against IPTC's schema for the version it declares (`super::ninjs`).
    fn ninjs(&mut self, bytes: &[u8]) -> Option<serde_json::Value> {
        let doc: serde_json::Value = match serde_json::from_slice(bytes) {
            Ok(doc) => doc,
            Err(e) => {
                self.find("NA-NINJS-001", "article.json", format!("not JSON: {e}"));
                return None;
            }
        };
        for problem in super::ninjs::check(&doc) {
            self.find(problem.code, "article.json", problem.message);
        }
        doc.is_object().then_some(doc)
    }

    fn record(&mut self, bytes: &[u8]) -> Option<serde_json::Value> {
        let record: serde_json::Value = match serde_json::from_slice(bytes) {
            Ok(r) => r,
            Err(e) => {
                self.find("NA-META-001", "metadata.json", format!("not JSON: {e}"));
                return None;
            }
        };
        let errors: Vec<String> =
            self.metadata_schema.iter_errors(&record).map(|e| format!("{}: {e}", e.instance_path())).collect();
        for error in errors {
            self.find("NA-META-001", "metadata.json", error);
        }
        Some(record)
    }

    /// The record's checksums of the source and of each rendition against the files.
    fn checksums(&mut self, record: &serde_json::Value) {
        let mut expected: Vec<(String, String)> = Vec::new();
        // Loose renditions lie apart from their source (the input `convert` read).
        if let Some(sha) = record["source"]["sha256"].as_str().filter(|_| self.loose.is_none()) {
            expected.push(("source.txt".to_string(), sha.to_string()));
        }
        for r in record["renditions"].as_array().into_iter().flatten() {
            if let (Some(file), Some(sha)) = (r["file"].as_str(), r["sha256"].as_str()) {
                expected.push((file.to_string(), sha.to_string()));
            }
        }
        for (file, sha) in expected {
            match self.get(&file) {
                Some(bytes) if hex::encode(Sha256::digest(bytes)) != sha => {
                    self.find("NA-X-005", &file, "its SHA-256 differs from the one in metadata.json".to_string())
                }
                None => self.find("NA-X-005", &file, "named in metadata.json but missing".to_string()),
                Some(_) => {}
            }
        }
    }

    /// Renders the article again from `source.txt` with what the record says was supplied, and
    /// compares each rendition.
    fn reproduce(&mut self, record: &serde_json::Value) {
        let Some(source) = self.get("source.txt") else { return };
        let name = record["source"]["name"].as_str().unwrap_or("source.txt").to_string();
        let options = ReadOptions { source_name: Some(name), ..ReadOptions::default() };
        // Chosen as the first run chose it: by the bytes, whatever the name.
        let reader = match crate::read::reader_for(options.source_name.as_deref(), source) {
            Ok(reader) => reader,
            Err(e) => return self.find("NA-REP-001", "source.txt", format!("cannot be read again: {e}")),
        };
        // A source may hold several articles (a newsMessage): this one is the one with its URI,
        // else (a URI derived from the path the first run had, which the bag does not keep) the
        // one with its id.
        let mut article = match reader.read_articles(source, &options) {
            Ok(mut all) => match all
                .iter()
                .position(|a| Some(a.uri.as_str()) == record["uri"].as_str())
                .or_else(|| all.iter().position(|a| Some(a.id.as_str()) == record["id"].as_str()))
            {
                Some(i) => all.swap_remove(i),
                None if all.len() == 1 => all.remove(0),
                None => {
                    return self.find(
                        "NA-REP-001",
                        "source.txt",
                        format!("holds {} articles, none with the record's URI", all.len()),
                    );
                }
            },
            Err(e) => return self.find("NA-REP-001", "source.txt", format!("cannot be read again: {e}")),
        };
        let text = |key: &str| record[key].as_str().map(str::to_string);
        let origin = record["language_origin"].as_str().unwrap_or("detected");
        let overrides = Overrides {
            id: text("id"),
            uri: text("uri"),
            date: text("date").and_then(|d| d.parse().ok()),
            created: text("version_created").and_then(|t| t.parse().ok()),
            language: if matches!(origin, "sidecar" | "option") { text("language") } else { None },
            headline: text("headline"),
            byline: text("byline"),
            publisher: text("publisher"),
            source_url: text("source_url"),
            ..Overrides::default()
        };
        article.apply(&overrides, crate::model::LanguageOrigin::Option);
        if let Ok(origin) = serde_json::from_value(record["language_origin"].clone()) {
            article.language_origin = origin;
        }
        // The URI is the record's (taken as supplied above); where it came from, and what the
        // first run said of it, are the record's too: the path it was derived from is not in
        // the bag. Then the timestamp's origin, and the warning a file time brought.
        use crate::model::WarningCode;
        if let Ok(origin) = serde_json::from_value(record["uri_origin"].clone()) {
            article.uri_origin = origin;
        }
        let recorded: Vec<crate::model::Warning> = record["warnings"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|w| serde_json::from_value::<crate::model::Warning>(w.clone()).ok())
            .collect();
        let uri_warning =
            |w: &crate::model::Warning| matches!(w.code, WarningCode::UriFromPath | WarningCode::UriFromDigest);
        article.warnings.retain(|w| !uri_warning(w));
        article.warnings.extend(recorded.iter().filter(|w| uri_warning(w)).cloned());
        article.version_created_origin = serde_json::from_value(record["version_created_origin"].clone()).ok();
        article.warnings.extend(recorded.into_iter().filter(|w| w.code == WarningCode::VersionFromFileTime));
        if let (Some(source), Some(sidecar)) = (article.source.as_mut(), record["source"].get("sidecar")) {
            source.sidecar = serde_json::from_value(sidecar.clone()).ok();
        }
        let names: Vec<&str> = record["renditions"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r["name"].as_str())
            .chain(["metadata"])
            .collect();
        let writers: Vec<&'static str> =
            crate::write::WRITERS.iter().map(|w| w.name).filter(|n| names.contains(n)).collect();
        match crate::convert::render(&article, &writers, crate::convert::Naming::Package) {
            Ok(renditions) => {
                for r in renditions {
                    if self.get(&r.file).is_some_and(|b| b != r.bytes.as_slice()) {
                        self.find(
                            "NA-REP-001",
                            &r.file,
                            format!(
                                "newsarc {} would write this rendition differently from source.txt",
                                crate::VERSION
                            ),
                        );
                    }
                }
            }
            Err(e) => self.find("NA-REP-001", "source.txt", format!("cannot be rendered again: {e}")),
        }
    }
}
