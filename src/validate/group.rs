//! Groups of shard bags: the N bags that `pack --shard K/N` jobs wrote, checked as one whole.
//!
//! Each bag is read once into a [`Member`] (its `Bag-Group-Identifier`, its `Bag-Count: K of N`,
//! its other bag-info fields and newsarc's index), and [`check`] then asks whether the members
//! form one complete group: one identifier, each K of 1..N exactly once, no article id and no
//! input in two bags, and, when the caller knows the inputs ([`Expect`]), every input in exactly
//! one bag or refused in a pack report. Same bytes under two names in two bags are reported too
//! (a warning): sharding goes by name, so such duplicates meet only here, and `merge` packs them
//! once, as a single `pack` does. Each bag is also validated as usual by the caller.
//!
//! Codes: `NA-GRP-001` a bag without a readable Bag-Group-Identifier or Bag-Count ·
//! `NA-GRP-002` bags of more than one group · `NA-GRP-003` Bag-Count totals disagree, or K is
//! outside 1..N · `NA-GRP-004` a bag of the group is missing · `NA-GRP-005` a shard is there twice ·
//! `NA-GRP-006` an article id in two bags · `NA-GRP-007` the same source bytes in two bags
//! (warning) · `NA-GRP-008` the same input packed in two bags · `NA-GRP-009` an expected input in
//! no bag and refused in no report · `NA-GRP-010` an expected input accounted for more than once ·
//! `NA-GRP-011` a packed input that is not among the expected ones · `NA-GRP-012` the number of
//! inputs differs from the count expected · `NA-GRP-013` a bag without newsarc's index.

use super::package::Files;
use super::{Finding, Severity};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::{BTreeMap, HashMap};

/// One bag of a group, as read from its tag files and index.
#[derive(Debug)]
pub struct Member {
    /// The bag as named in findings.
    pub shown: String,
    pub group: Option<String>,
    /// `(K, N)` from `Bag-Count: K of N`.
    pub count: Option<(usize, usize)>,
    /// bag-info.txt, in order, every field.
    pub info: Vec<(String, String)>,
    /// The payload manifests' algorithms (`sha256`, `sha512`, ...).
    pub algorithms: Vec<String>,
    /// The index's articles, in the bag's order; `None` without a readable index.
    pub articles: Option<Vec<IndexArticle>>,
    /// The index's duplicates (inputs left out for having the bytes of an article packed).
    pub duplicates: Vec<IndexDuplicate>,
}

/// An article record of `data/index.json`, with its exact text.
#[derive(Debug)]
pub struct IndexArticle {
    pub id: String,
    pub source_name: String,
    pub sha256: String,
    pub files: Vec<String>,
    /// The record as the index holds it.
    pub raw: Box<RawValue>,
}

/// A duplicate record of `data/index.json`, with its exact text.
#[derive(Debug)]
pub struct IndexDuplicate {
    pub path: String,
    pub same_as: String,
    pub raw: Box<RawValue>,
}

#[derive(Deserialize)]
struct RawIndex {
    articles: Vec<Box<RawValue>>,
    duplicates: Vec<Box<RawValue>>,
}

#[derive(Deserialize)]
struct ArticleFields {
    id: String,
    source: SourceFields,
    files: Vec<String>,
}

#[derive(Deserialize)]
struct SourceFields {
    name: String,
    sha256: String,
}

#[derive(Deserialize)]
struct DuplicateFields {
    path: String,
    same_as: String,
}

/// bag-info.txt's fields in order; continuation lines (starting with white space) are joined.
pub fn parse_bag_info(text: &str) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = fields.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
            continue;
        }
        if let Some((label, value)) = line.split_once(':') {
            fields.push((label.trim().to_string(), value.trim().to_string()));
        }
    }
    fields
}

/// `K of N`.
fn parse_count(value: &str) -> Option<(usize, usize)> {
    let (k, n) = value.split_once(" of ")?;
    Some((k.trim().parse().ok()?, n.trim().parse().ok()?))
}

/// Reads a bag's group fields and index: `NA-GRP-001` without a group identifier or a readable
/// count, `NA-GRP-013` without a readable index (the bag checks say more about both).
pub fn member(files: &Files, shown: &str, findings: &mut Vec<Finding>) -> Member {
    let mut add = |code, message: String| {
        findings.push(Finding {
            code,
            severity: Severity::Error,
            file: shown.to_string(),
            line: None,
            column: None,
            message,
        })
    };
    let info = files.read("bag-info.txt").map(|b| parse_bag_info(&String::from_utf8_lossy(&b))).unwrap_or_default();
    let field = |name: &str| info.iter().find(|(l, _)| l.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone());
    let group = field("Bag-Group-Identifier").filter(|g| !g.is_empty());
    let count_text = field("Bag-Count");
    let count = count_text.as_deref().and_then(parse_count);
    match (&group, &count_text, count) {
        (None, _, _) => add("NA-GRP-001", "bag-info.txt has no Bag-Group-Identifier: not a bag of a group".to_string()),
        (_, None, _) => {
            add("NA-GRP-001", "bag-info.txt has no Bag-Count: its place in the group is unknown".to_string())
        }
        (_, Some(text), None) => add("NA-GRP-001", format!("Bag-Count `{text}` is not `K of N`")),
        _ => {}
    }
    let algorithms = files
        .names()
        .filter(|n| !n.contains('/'))
        .filter_map(|n| n.strip_prefix("manifest-")?.strip_suffix(".txt"))
        .map(str::to_string)
        .collect();
    let mut member =
        Member { shown: shown.to_string(), group, count, info, algorithms, articles: None, duplicates: Vec::new() };
    match files.read("data/index.json").map_err(|e| e.to_string()).and_then(|b| read_index(&b)) {
        Ok((articles, duplicates)) => {
            member.articles = Some(articles);
            member.duplicates = duplicates;
        }
        Err(e) => add("NA-GRP-013", format!("newsarc's index (data/index.json) cannot be used: {e}")),
    }
    member
}

/// The articles and duplicates of an index, each with its exact text.
pub fn read_index(bytes: &[u8]) -> Result<(Vec<IndexArticle>, Vec<IndexDuplicate>), String> {
    let index: RawIndex = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    let mut articles = Vec::with_capacity(index.articles.len());
    for raw in index.articles {
        let a: ArticleFields = serde_json::from_str(raw.get()).map_err(|e| e.to_string())?;
        articles.push(IndexArticle {
            id: a.id,
            source_name: a.source.name,
            sha256: a.source.sha256,
            files: a.files,
            raw,
        });
    }
    let mut duplicates = Vec::with_capacity(index.duplicates.len());
    for raw in index.duplicates {
        let d: DuplicateFields = serde_json::from_str(raw.get()).map_err(|e| e.to_string())?;
        duplicates.push(IndexDuplicate { path: d.path, same_as: d.same_as, raw });
    }
    Ok((articles, duplicates))
}

/// What the caller knows of the inputs.
#[derive(Debug, Default)]
pub struct Expect {
    /// The inputs, as paths (one line each of `--expect`); `None` when not given.
    pub inputs: Option<Vec<String>>,
    /// Where the list came from, for findings.
    pub inputs_file: String,
    /// How many inputs there were (`--expect-count`).
    pub count: Option<usize>,
    /// Inputs refused by pack (its reports' `bad` and `skipped`), as `(path, reason, report)`.
    pub refused: Vec<(String, String, String)>,
}

/// Inputs named in a pack report (`pack --report`), as `(path, reason)`: bad and skipped ones.
pub fn refused_in_report(bytes: &[u8]) -> Result<Vec<(String, String)>, String> {
    #[derive(Deserialize)]
    struct Report {
        bad: Vec<Bad>,
        #[serde(default)]
        skipped: Vec<Skip>,
    }
    #[derive(Deserialize)]
    struct Bad {
        path: String,
        error: String,
    }
    #[derive(Deserialize)]
    struct Skip {
        path: String,
        reason: String,
    }
    let report: Report = serde_json::from_slice(bytes).map_err(|e| format!("not a pack report: {e}"))?;
    let mut out: Vec<(String, String)> = report.bad.into_iter().map(|b| (b.path, b.error)).collect();
    out.extend(report.skipped.into_iter().map(|s| (s.path, s.reason)));
    Ok(out)
}

/// Checks that `members` form one complete group (see the module's overview). `group_shown`
/// names the group in findings that concern no single bag.
pub fn check(members: &[Member], expect: &Expect, group_shown: &str, findings: &mut Vec<Finding>) {
    let mut add = |code, severity, file: &str, message: String| {
        findings.push(Finding { code, severity, file: file.to_string(), line: None, column: None, message })
    };
    let error = Severity::Error;

    // One identifier.
    let mut groups: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for m in members {
        if let Some(g) = &m.group {
            groups.entry(g.as_str()).or_default().push(&m.shown);
        }
    }
    if groups.len() > 1 {
        let list: Vec<String> = groups.iter().map(|(g, bags)| format!("`{g}` ({})", bags.join(", "))).collect();
        add(
            "NA-GRP-002",
            error,
            group_shown,
            format!("the bags belong to {} groups: {}", groups.len(), list.join("; ")),
        );
    }

    // Bag-Count: one N, each K once.
    let mut totals: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
    let mut places: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
    for m in members {
        let Some((k, n)) = m.count else { continue };
        totals.entry(n).or_default().push(&m.shown);
        if k == 0 || k > n {
            add("NA-GRP-003", error, &m.shown, format!("Bag-Count `{k} of {n}`: K must be 1 to {n}"));
        } else {
            places.entry(k).or_default().push(&m.shown);
        }
    }
    if totals.len() > 1 {
        let list: Vec<String> = totals.iter().map(|(n, bags)| format!("of {n} ({})", bags.join(", "))).collect();
        add("NA-GRP-003", error, group_shown, format!("the bags disagree on the group's size: {}", list.join("; ")));
    }
    if let Some(&n) = totals.keys().max() {
        // N comes from the bags: count what is missing without walking 1..=N, and name at
        // most a few (a hostile `Bag-Count: 1 of 18446744073709551615` costs nothing).
        let present = places.keys().filter(|k| **k >= 1 && **k <= n).count() as u64;
        let absent = (n as u64).saturating_sub(present);
        if absent > 0 {
            const NAMED: usize = 20;
            let missing: Vec<String> =
                (1..=n).filter(|k| !places.contains_key(k)).take(NAMED).map(|k| k.to_string()).collect();
            let more =
                if absent > NAMED as u64 { format!(" and {} more", absent - NAMED as u64) } else { String::new() };
            add(
                "NA-GRP-004",
                error,
                group_shown,
                format!(
                    "the group has {n} bags; missing: {}{more} of {n} ({} given)",
                    missing.join(", "),
                    members.len()
                ),
            );
        }
    }
    for (k, bags) in &places {
        if bags.len() > 1 {
            add(
                "NA-GRP-005",
                error,
                bags[1],
                format!("bag {k} of the group is given {} times: {}", bags.len(), bags.join(", ")),
            );
        }
    }

    // Across bags: ids, inputs, bytes.
    let mut ids: HashMap<&str, &str> = HashMap::new();
    let mut names: HashMap<&str, &str> = HashMap::new();
    let mut digests: HashMap<&str, (&str, &str)> = HashMap::new();
    for m in members {
        for a in m.articles.iter().flatten() {
            if let Some(other) = ids.insert(&a.id, &m.shown).filter(|o| *o != m.shown) {
                add(
                    "NA-GRP-006",
                    error,
                    &m.shown,
                    format!("article id `{}` is in {other} too: the bags cannot be merged", a.id),
                );
            }
            if let Some(other) = names.insert(&a.source_name, &m.shown).filter(|o| *o != m.shown) {
                add("NA-GRP-008", error, &m.shown, format!("the input `{}` is packed in {other} too", a.source_name));
            }
            match digests.get(a.sha256.as_str()) {
                Some((bag, id)) if *bag != m.shown => add(
                    "NA-GRP-007",
                    Severity::Warning,
                    &m.shown,
                    format!(
                        "article `{}` has the same source bytes as `{id}` in {bag}; merge packs them once, as one pack would",
                        a.id
                    ),
                ),
                Some(_) => {}
                None => {
                    digests.insert(&a.sha256, (&m.shown, &a.id));
                }
            }
        }
    }

    // Every input exactly once.
    let accounted = Accounted::new(members, &expect.refused);
    if let Some(n) = expect.count
        && accounted.total() != n
    {
        add(
            "NA-GRP-012",
            error,
            group_shown,
            format!(
                "{n} inputs expected; the group accounts for {} ({} packed, {} packed once as duplicates, {} refused)",
                accounted.total(),
                accounted.packed,
                accounted.duplicates,
                accounted.refused
            ),
        );
    }
    if let Some(inputs) = &expect.inputs {
        let mut used = vec![false; accounted.items.len()];
        for input in inputs {
            let found = accounted.find(input);
            match found.len() {
                0 => add(
                    "NA-GRP-009",
                    error,
                    &expect.inputs_file,
                    format!("the input `{input}` is in no bag of the group and refused in no pack report"),
                ),
                1 => {}
                _ => {
                    let places: Vec<String> = found.iter().map(|&i| accounted.items[i].place.clone()).collect();
                    add(
                        "NA-GRP-010",
                        error,
                        &expect.inputs_file,
                        format!("the input `{input}` is accounted for {} times: {}", found.len(), places.join("; ")),
                    );
                }
            }
            for i in found {
                used[i] = true;
            }
        }
        for (item, used) in accounted.items.iter().zip(used) {
            if !used && item.packed {
                add(
                    "NA-GRP-011",
                    error,
                    &item.bag,
                    format!("the input `{}` ({}) is not among the expected inputs", item.name, item.place),
                );
            }
        }
    }
}

/// Every input the group accounts for: packed, packed once as a duplicate, refused.
struct Accounted {
    items: Vec<Item>,
    /// Items by a hash of each tail of their path's components (`b.txt`, `a/b.txt`, ...), and by
    /// a hash of the whole: a look-up finds the matches without scanning items of the same file
    /// name (a corpus of many `index.txt` in many folders must not make the check quadratic).
    by_tail: HashMap<u64, Vec<usize>>,
    by_whole: HashMap<u64, Vec<usize>>,
    hasher: std::hash::RandomState,
    packed: usize,
    duplicates: usize,
    refused: usize,
}

struct Item {
    /// The input's name or path as recorded.
    name: String,
    /// Where it is, said for people.
    place: String,
    bag: String,
    /// In a bag (as an article or a duplicate), not refused.
    packed: bool,
}

impl Accounted {
    fn new(members: &[Member], refused: &[(String, String, String)]) -> Accounted {
        let mut a = Accounted {
            items: Vec::new(),
            by_tail: HashMap::new(),
            by_whole: HashMap::new(),
            hasher: std::hash::RandomState::new(),
            packed: 0,
            duplicates: 0,
            refused: 0,
        };
        for m in members {
            for article in m.articles.iter().flatten() {
                a.push(Item {
                    name: article.source_name.clone(),
                    place: format!("article `{}` in {}", article.id, m.shown),
                    bag: m.shown.clone(),
                    packed: true,
                });
                a.packed += 1;
            }
            for d in &m.duplicates {
                a.push(Item {
                    name: d.path.clone(),
                    place: format!("a duplicate of `{}` in {}", d.same_as, m.shown),
                    bag: m.shown.clone(),
                    packed: true,
                });
                a.duplicates += 1;
            }
        }
        // A missing input is in the report of every shard: counted once.
        let mut seen = std::collections::HashSet::new();
        for (path, reason, report) in refused {
            if seen.insert(path.as_str()) {
                a.push(Item {
                    name: path.clone(),
                    place: format!("refused in {report} ({reason})"),
                    bag: report.clone(),
                    packed: false,
                });
                a.refused += 1;
            }
        }
        a
    }

    fn push(&mut self, item: Item) {
        let n = self.items.len();
        let tails = self.tails(&components(&item.name));
        for tail in &tails {
            self.by_tail.entry(*tail).or_default().push(n);
        }
        if let Some(whole) = tails.last() {
            self.by_whole.entry(*whole).or_default().push(n);
        }
        self.items.push(item);
    }

    /// Hashes of a path's tails, shortest first: the last component, the last two, ... all.
    fn tails(&self, parts: &[&str]) -> Vec<u64> {
        let mut hash = 0u64;
        parts
            .iter()
            .rev()
            .map(|c| {
                hash = std::hash::BuildHasher::hash_one(&self.hasher, (hash, c));
                hash
            })
            .collect()
    }

    fn total(&self) -> usize {
        self.items.len()
    }

    /// The items that are this input: the same path, or one path the other's tail (a bag records
    /// `corpus/a/b.txt` for the input `/data/corpus/a/b.txt`).
    fn find(&self, input: &str) -> Vec<usize> {
        let wanted = components(input);
        let tails = self.tails(&wanted);
        let Some(whole) = tails.last() else { return Vec::new() };
        // Items that end with the input, and items that are a tail of it; the hashes only find
        // candidates, the components decide.
        let mut candidates: Vec<usize> = self.by_tail.get(whole).into_iter().flatten().copied().collect();
        candidates.extend(tails.iter().filter_map(|t| self.by_whole.get(t)).flatten().copied());
        candidates.sort_unstable();
        candidates.dedup();
        candidates.retain(|&i| {
            let have = components(&self.items[i].name);
            wanted.ends_with(&have) || have.ends_with(&wanted)
        });
        candidates
    }
}

/// A path's parts, without `.` and empty ones.
fn components(path: &str) -> Vec<&str> {
    path.split(['/', '\\']).filter(|c| !c.is_empty() && *c != ".").collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bag_info_fields_and_counts_are_read() {
        let info = parse_bag_info("Bagging-Date: 2024-01-02\nBag-Count: 2 of 3\nNote: a\n  b\n");
        assert_eq!(info[1], ("Bag-Count".to_string(), "2 of 3".to_string()));
        assert_eq!(info[2].1, "a b");
        assert_eq!(parse_count("2 of 3"), Some((2, 3)));
        assert_eq!(parse_count("2/3"), None);
    }

    fn member(shown: &str, group: &str, count: (usize, usize), articles: &[(&str, &str, &str)]) -> Member {
        Member {
            shown: shown.to_string(),
            group: Some(group.to_string()),
            count: Some(count),
            info: Vec::new(),
            algorithms: vec!["sha256".to_string()],
            articles: Some(
                articles
                    .iter()
                    .map(|(id, name, sha)| IndexArticle {
                        id: id.to_string(),
                        source_name: name.to_string(),
                        sha256: sha.to_string(),
                        files: vec!["source.txt".to_string()],
                        raw: RawValue::from_string("{}".to_string()).unwrap(),
                    })
                    .collect(),
            ),
            duplicates: Vec::new(),
        }
    }

    fn codes(members: &[Member], expect: &Expect) -> Vec<&'static str> {
        let mut findings = Vec::new();
        check(members, expect, "g", &mut findings);
        findings.iter().map(|f| f.code).collect()
    }

    #[test]
    fn a_complete_group_has_no_finding_and_each_defect_its_code() {
        let ok = [
            member("a", "g1", (1, 2), &[("x", "c/x.txt", "11")]),
            member("b", "g1", (2, 2), &[("y", "c/y.txt", "22")]),
        ];
        assert!(codes(&ok, &Expect::default()).is_empty());
        let expect = Expect {
            inputs: Some(vec!["/data/c/x.txt".into(), "/data/c/y.txt".into()]),
            count: Some(2),
            ..Expect::default()
        };
        assert!(codes(&ok, &expect).is_empty());

        let sizes = [member("a", "g1", (1, 2), &[]), member("b", "g1", (3, 3), &[])];
        let found = codes(&sizes, &Expect::default());
        assert!(found.contains(&"NA-GRP-003") && found.contains(&"NA-GRP-004"), "{found:?}");
        let out_of_range = [member("a", "g1", (1, 2), &[]), member("b", "g1", (5, 2), &[])];
        assert!(codes(&out_of_range, &Expect::default()).contains(&"NA-GRP-003"));

        let same_bytes = [
            member("a", "g1", (1, 2), &[("x", "c/x.txt", "11")]),
            member("b", "g1", (2, 2), &[("y", "c/y.txt", "11")]),
        ];
        assert_eq!(codes(&same_bytes, &Expect::default()), ["NA-GRP-007"]);

        let refused = Expect {
            inputs: Some(vec!["c/x.txt".into(), "c/y.txt".into(), "c/z.txt".into()]),
            count: Some(3),
            refused: vec![
                ("c/z.txt".into(), "empty".into(), "r.json".into()),
                ("c/x.txt".into(), "bad".into(), "r.json".into()),
            ],
            ..Expect::default()
        };
        // x is packed and refused: twice; the count holds four places for three inputs.
        assert_eq!(codes(&ok, &refused), ["NA-GRP-012", "NA-GRP-010"]);
    }

    #[test]
    fn paths_match_by_their_tail() {
        assert!(components("/data/corpus/a/b.txt").ends_with(&components("corpus/a/b.txt")));
        assert!(!components("/data/corpus/a/b.txt").ends_with(&components("other/b.txt")));
    }
}
