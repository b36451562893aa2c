//! Merging the N shard bags of one `pack --shard K/N` run into one bag.
//!
//! The shards are read safely (never extracted, see [`crate::validate::package`]), checked as
//! BagIt bags and as one complete group ([`crate::validate::group`]); a group that is not complete
//! (a shard missing or twice, two groups, an id in two shards, a damaged bag) is refused and
//! nothing is written. Then every article is copied, file by file, into a new bag through pack's
//! [`BagWriter`] and sinks, each file's checksums verified against its shard's manifests as it is
//! copied (a file that differs stops the merge; nothing partial is left), under the same output
//! policy as `pack` ([`crate::output`]).
//!
//! The result is the bag a single `pack` of the same inputs writes, byte for byte, when the
//! shards were packed with the same options and clock (`SOURCE_DATE_EPOCH`): articles in the order
//! of their inputs' names (pack's input order for one folder), index records copied as written,
//! no group fields. Same bytes under two names in two shards (sharding goes by name) are packed
//! once, the later name listed as a duplicate, as one pack does. Where the result cannot be the
//! same: the inputs came from several folders (pack orders by path, merge by recorded name); an
//! id renamed for a clash inside a shard may differ from the name one pack would give it; and
//! without `SOURCE_DATE_EPOCH` the Bagging-Date is the day of the merge.

use super::bag::{Algorithm, BagInfo, BagWriter, PayloadFile};
use super::pack::{BagOutcome, Destination, Format, PackError, Staging, bag_name, open_sink};
use crate::format::zip::Method;
use crate::output::{Existing, Guard, Kind, OutputError};
use crate::validate::bag::{self as bagcheck, Expected, Profile};
use crate::validate::group::{self, Expect, IndexArticle, Member};
use crate::validate::package::{self, Files, Limits};
use crate::validate::{Finding, Severity};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use std::io::{Seek, Write};
use std::path::PathBuf;

/// How to merge.
#[derive(Debug, Clone)]
pub struct MergeOptions {
    /// The container asked for; by default from the destination's name.
    pub format: Option<Format>,
    /// `YYYY-MM-DD`.
    pub bagging_date: String,
    /// Replace an existing output (a bag or a file; never an input).
    pub force: bool,
    /// The shard bags (and anything else the run must not write over).
    pub guard: Guard,
}

/// What a merge did.
#[derive(Debug, Default, Serialize)]
pub struct MergeReport {
    pub output: String,
    pub format: Option<Format>,
    pub bag: BagOutcome,
    /// The group's identifier.
    pub group: String,
    pub bags: usize,
    pub articles: usize,
    /// Inputs whose bytes an article of an earlier shard holds: listed, not packed again.
    pub duplicates: usize,
    /// Warnings of the group check (same bytes in two shards).
    pub warnings: Vec<Finding>,
}

/// Why a merge could not run or was refused.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// What writing a bag can fail with, as for `pack`: the output policy, the writing itself, an
    /// argument that cannot be used.
    #[error(transparent)]
    Write(#[from] PackError),
    /// The bags are not one complete, intact group: the findings say why.
    #[error("refusing to merge: {} ({} problems; the first: {})", .summary, .findings.len(), .findings.first().map(|f| f.to_string()).unwrap_or_default())]
    Refused { summary: String, findings: Vec<Finding> },
}

impl From<OutputError> for MergeError {
    fn from(e: OutputError) -> MergeError {
        MergeError::Write(PackError::Output(e))
    }
}

impl MergeError {
    fn invalid(message: String) -> MergeError {
        MergeError::Write(PackError::Invalid(message))
    }
}

/// One shard, read: its files and what its manifests expect.
struct Shard {
    files: Files,
    expected: Expected,
}

/// Merges the shard bags `bags` into one bag at `out`.
pub fn merge(bags: &[PathBuf], out: &Destination, options: &MergeOptions) -> Result<MergeReport, MergeError> {
    let format = Format::for_destination(out, options.format).map_err(|e| MergeError::invalid(e.to_string()))?;
    let kind = if format == Format::Folder { Kind::Bag } else { Kind::File };
    let mut guard = options.guard.clone();
    for bag in bags {
        guard.add(bag);
    }
    let existing = match out {
        Destination::Path(path) => guard.check(path, kind)?,
        Destination::Stdout => Existing::Nothing,
    };

    // Read and check every shard; refuse an incomplete or damaged group.
    let mut findings = Vec::new();
    let mut shards = Vec::new();
    let mut members = Vec::new();
    for path in bags {
        let shown = path.display().to_string();
        let files = package::read(path, Limits::package(), &mut findings)
            .map_err(|e| MergeError::invalid(format!("cannot read {shown}: {e}")))?;
        let expected = bagcheck::check(&files, &shown, Profile::Bagit, &mut findings);
        let member = group::member(&files, &shown, &mut findings);
        unknown_files(&files, &member, &shown, &mut findings);
        if let Ok(bytes) = files.read("data/index.json") {
            // The index is copied record by record, so its own checksum is checked here.
            bagcheck::verify("data/index.json", &bytes, &expected, &shown, &mut findings);
        }
        shards.push(Shard { files, expected });
        members.push(member);
    }
    group::check(&members, &Expect::default(), "the group", &mut findings);
    let (errors, warnings): (Vec<Finding>, Vec<Finding>) =
        findings.into_iter().partition(|f| f.severity == Severity::Error);
    if !errors.is_empty() {
        let summary = if errors.iter().any(|f| f.code.starts_with("NA-GRP-")) {
            "the bags are not one complete group".to_string()
        } else {
            "a bag is damaged".to_string()
        };
        return Err(MergeError::Refused { summary, findings: errors });
    }
    let first = members
        .iter()
        .min_by_key(|m| m.count.map(|(k, _)| k))
        .ok_or_else(|| MergeError::invalid("no bag to merge".to_string()))?;
    let mut report = MergeReport {
        output: out.to_string(),
        format: Some(format),
        group: first.group.clone().unwrap_or_default(),
        bags: shards.len(),
        warnings,
        ..MergeReport::default()
    };

    // The articles in the order of their inputs' names; same bytes packed once.
    let mut order: Vec<(usize, usize)> = Vec::new();
    for (s, member) in members.iter().enumerate() {
        for a in 0..member.articles.as_ref().map_or(0, Vec::len) {
            order.push((s, a));
        }
    }
    let article = |&(s, a): &(usize, usize)| -> &IndexArticle {
        &members[s].articles.as_ref().expect("checked: every shard has its index")[a]
    };
    order.sort_by(|x, y| article(x).source_name.as_bytes().cmp(article(y).source_name.as_bytes()));
    let mut kept_by_digest: HashMap<&str, &str> = HashMap::new();
    // Duplicates: (path, raw record, or the id of the article kept).
    let mut duplicates: Vec<(String, String)> = Vec::new();
    // An article left out for a copy in an earlier shard: its id, and the id kept.
    let mut dropped: HashMap<(usize, &str), &str> = HashMap::new();
    let mut kept: Vec<(usize, usize)> = Vec::new();
    for key in &order {
        let a = article(key);
        match kept_by_digest.get(a.sha256.as_str()) {
            Some(&same_as) => {
                dropped.insert((key.0, a.id.as_str()), same_as);
                duplicates.push((a.source_name.clone(), dup_json(&a.source_name, same_as)));
            }
            None => {
                kept_by_digest.insert(&a.sha256, &a.id);
                kept.push(*key);
            }
        }
    }
    for (s, member) in members.iter().enumerate() {
        for d in &member.duplicates {
            let raw = match dropped.get(&(s, d.same_as.as_str())) {
                Some(same_as) => dup_json(&d.path, same_as),
                None => d.raw.get().to_string(),
            };
            duplicates.push((d.path.clone(), raw));
        }
    }
    duplicates.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    report.duplicates = duplicates.len() - members.iter().map(|m| m.duplicates.len()).sum::<usize>();

    if kept.is_empty() {
        // As pack: no bag of no article.
        return Ok(report);
    }

    // The new bag, written beside the output and moved into place when complete.
    let name = match out {
        Destination::Path(path) => bag_name(path, format),
        Destination::Stdout => "bag".to_string(),
    };
    let reserved = ["Payload-Oxum", "Bagging-Date", "Bag-Software-Agent", "Bag-Group-Identifier", "Bag-Count"];
    let fields: Vec<(String, String)> =
        first.info.iter().filter(|(l, _)| !reserved.iter().any(|r| r.eq_ignore_ascii_case(l))).cloned().collect();
    let mut algorithms: Vec<Algorithm> = vec![Algorithm::Sha256];
    if members.iter().all(|m| m.algorithms.iter().any(|a| a == "sha512")) {
        algorithms.push(Algorithm::Sha512);
    }
    let info =
        BagInfo { name: name.clone(), algorithms, bagging_date: options.bagging_date.clone(), fields, group: None };
    let io = |path: &str| {
        let path = path.to_string();
        move |cause| MergeError::Write(PackError::Io { path, cause })
    };
    let (sink, staging, _) = open_sink(out, format).map_err(io(&report.output))?;
    let mut bag = BagWriter::new(sink, info).map_err(io(&report.output))?;
    let mut index = std::io::BufWriter::new(tempfile::tempfile().map_err(io(&report.output))?);
    writeln!(
        index,
        "{{\"index\":\"newsarc-package-index\",\"index_version\":1,\"generator\":{},\"bag\":{},\"articles\":[",
        serde_json::to_string(&format!("newsarc {}", crate::VERSION)).expect("a string serializes"),
        serde_json::to_string(&name).expect("a string serializes")
    )
    .map_err(io(&report.output))?;

    let mut readers: Vec<_> = shards.iter().map(|s| s.files.reader()).collect();
    for (n, key) in kept.iter().enumerate() {
        let (s, shard, shown) = (key.0, &shards[key.0], &members[key.0].shown);
        let a = article(key);
        // An article's files are prepared together, as `pack` prepares them, so that the same
        // files give the same bytes.
        let mut files = Vec::with_capacity(a.files.len());
        for file in &a.files {
            let in_bag = format!("data/articles/{}/{file}", a.id);
            let bytes = readers[s].read(&in_bag).map_err(|e| refused_damaged(shown, &in_bag, &e))?;
            let mut differs = Vec::new();
            bagcheck::verify(&in_bag, &bytes, &shard.expected, shown, &mut differs);
            if !differs.is_empty() {
                return Err(MergeError::Refused { summary: "a bag is damaged".to_string(), findings: differs });
            }
            let method = if file.ends_with(".epub") { Method::Stored } else { Method::Deflated };
            files.push(PayloadFile { path: format!("articles/{}/{file}", a.id), bytes, method, sha256: None });
        }
        let prepared = bag.preparer().prepare(files).map_err(io(&report.output))?;
        bag.add_prepared(prepared).map_err(io(&report.output))?;
        if n > 0 {
            index.write_all(b",\n").map_err(io(&report.output))?;
        }
        index.write_all(a.raw.get().as_bytes()).map_err(io(&report.output))?;
        report.articles += 1;
    }
    index.write_all(b"\n],\"duplicates\":[").map_err(io(&report.output))?;
    for (i, (_, raw)) in duplicates.iter().enumerate() {
        if i > 0 {
            index.write_all(b",").map_err(io(&report.output))?;
        }
        index.write_all(raw.as_bytes()).map_err(io(&report.output))?;
    }
    index.write_all(b"]}\n").map_err(io(&report.output))?;
    let mut index = index.into_inner().map_err(|e| e.into_error()).map_err(io(&report.output))?;
    let len = index.stream_position().map_err(io(&report.output))?;
    index.seek(std::io::SeekFrom::Start(0)).map_err(io(&report.output))?;
    bag.add_payload_reader("index.json", len, &mut index, Method::Deflated).map_err(io(&report.output))?;
    bag.finish().map_err(io(&report.output))?;

    report.bag = match (staging, out) {
        (Staging::Stdout, _) => BagOutcome::Streamed,
        (staging, Destination::Path(path)) => {
            let existing_now = guard.check(path, kind)?;
            staging.commit(&name, path, existing_now, options.force, existing)?
        }
        (_, Destination::Stdout) => unreachable!("standard output is staged as such"),
    };
    Ok(report)
}

/// A duplicate record as pack writes it.
fn dup_json(path: &str, same_as: &str) -> String {
    #[derive(Serialize)]
    struct Duplicate<'a> {
        path: &'a str,
        same_as: &'a str,
    }
    serde_json::to_string(&Duplicate { path, same_as }).expect("strings serialize")
}

fn refused_damaged(shown: &str, in_bag: &str, why: &str) -> MergeError {
    MergeError::Refused {
        summary: "a bag is damaged".to_string(),
        findings: vec![Finding {
            code: "NA-SAFE-009",
            severity: Severity::Error,
            file: format!("{shown}!{in_bag}"),
            line: None,
            column: None,
            message: format!("cannot be read: {why}"),
        }],
    }
}

/// Payload files the index does not account for would be lost in a merge: each is an error
/// (`NA-IDX-002`, the index and the payload disagree).
fn unknown_files(files: &Files, member: &Member, shown: &str, findings: &mut Vec<Finding>) {
    let Some(articles) = &member.articles else { return };
    let known: BTreeSet<String> = articles
        .iter()
        .flat_map(|a| a.files.iter().map(move |f| format!("data/articles/{}/{f}", a.id)))
        .chain(std::iter::once("data/index.json".to_string()))
        .collect();
    for path in files.names().filter(|p| p.starts_with("data/") && !known.contains(*p)) {
        findings.push(Finding {
            code: "NA-IDX-002",
            severity: Severity::Error,
            file: format!("{shown}!{path}"),
            line: None,
            column: None,
            message: "a payload file the index does not list; a merge would lose it".to_string(),
        });
    }
}
