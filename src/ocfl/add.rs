//! Adding articles to a storage root: one object per article, its id the article's URI; a new
//! article is `v1`, a changed one a new version that stores only the bytes the object does not
//! hold yet, an unchanged one no version at all.
//!
//! Articles go in batches. Each batch is read and rendered on all cores (no lock held); then, in
//! the order of their objects' paths (so two runs adding at once never wait on each other in a
//! circle), each existing object is locked (an exclusive lock on its root `inventory.json`, checked
//! to be the one at that path once held) and read; the new versions are staged under
//! [`super::root::STAGING`] on all cores, the file system is flushed once, and each is put in place:
//!
//! - a new object is built whole in the staging area, and the top-most folder of its path that
//!   does not exist yet is renamed into the hierarchy (so no empty or half-made folder is ever in
//!   it); when another run made the object meanwhile, the article is added again as an update;
//! - an updated object is staged as a whole new copy of it (the files it holds already are hard
//!   links, so nothing is copied), with the new version and the new root inventory written last,
//!   and swapped with the object in one step (`renameat2` with `RENAME_EXCHANGE` on Linux); the old
//!   copy, now in the staging area, is removed. Before the swap the object's inventory digest is
//!   compared with the one the version was built on.
//!
//! So at every moment each object in the root is one whole, valid version of itself: a run killed
//! at any point (SIGKILL included) leaves at most a staging folder, which the next run removes.

use super::OcflError;
use super::inventory::{Inventory, PathMap, TYPE_1_0, TYPE_1_1, User, Version, VersionNum, sidecar};
use super::root::{Object, Root, STAGING, read_object};
use crate::convert::{Naming, render};
use crate::load::{Input, LoadOptions, load_all_with_bytes};
use crate::model::Article;
use crate::output::partial;
use crate::package::inputs::{InputFile, Skipped};
use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256, Sha512};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// The name of an article's source bytes in an object's state (and in a bag's article folder).
pub const SOURCE_FILE: &str = "source.txt";

/// Articles per batch: enough for both cores, few enough that locks are held briefly.
const BATCH: usize = 128;

/// How to add.
#[derive(Debug, Clone)]
pub struct AddOptions {
    pub load: LoadOptions,
    /// Writer names, in table order.
    pub renditions: Vec<&'static str>,
    /// Each new version's message; by default one saying what changed.
    pub message: Option<String>,
    pub user: User,
    /// Each new version's `created` (RFC 3339, seconds, UTC); by default the time of the run.
    pub created: Option<String>,
}

/// One input to add.
#[derive(Clone)]
pub enum AddInput {
    File(InputFile),
    Stdin,
    /// An article of a newsarc bag, added as the bag holds it (its source and renditions,
    /// byte for byte, each checked against the bag's manifests), not rendered again.
    BagArticle {
        bag: std::sync::Arc<BagSource>,
        article: usize,
    },
}

impl AddInput {
    fn shown(&self) -> String {
        match self {
            AddInput::File(f) => f.path.display().to_string(),
            AddInput::Stdin => "<stdin>".to_string(),
            AddInput::BagArticle { bag, article } => {
                format!("{}!data/articles/{}", bag.shown, bag.articles[*article].id)
            }
        }
    }
}

/// A newsarc bag given as input: read safely (never extracted) and checked as a bag first.
pub struct BagSource {
    pub shown: String,
    /// The bag's file or folder name, as messages name it.
    name: String,
    files: crate::validate::package::Files,
    expected: crate::validate::bag::Expected,
    articles: Vec<crate::validate::group::IndexArticle>,
}

impl BagSource {
    /// Opens a bag: refused whole when it is damaged (any BagIt error) or holds no newsarc index.
    pub fn open(path: &Path) -> Result<BagSource, String> {
        use crate::validate::{Severity, bag, group, package};
        let shown = path.display().to_string();
        let mut findings = Vec::new();
        let files = package::read(path, package::Limits::package(), &mut findings).map_err(|e| e.to_string())?;
        let expected = bag::check(&files, &shown, bag::Profile::Bagit, &mut findings);
        let member = group::member(&files, &shown, &mut findings);
        // A bag of no group is what one pack writes: the group's findings do not apply.
        if let Some(error) = findings.iter().find(|f| f.severity == Severity::Error && !f.code.starts_with("NA-GRP-")) {
            return Err(format!("the bag is damaged, so nothing of it was added: {error}"));
        }
        let articles = member.articles.ok_or_else(|| {
            "the bag holds no newsarc index (data/index.json): only newsarc's bags are added as articles".to_string()
        })?;
        let name = path.file_name().map_or_else(|| shown.clone(), |n| n.to_string_lossy().into_owned());
        Ok(BagSource { shown, name, files, expected, articles })
    }

    /// The inputs of each article of the bag, in its order.
    pub fn inputs(bag: std::sync::Arc<BagSource>) -> Vec<AddInput> {
        (0..bag.articles.len()).map(|article| AddInput::BagArticle { bag: bag.clone(), article }).collect()
    }
}

/// What an add did.
#[derive(Debug, Default, Serialize)]
pub struct AddReport {
    pub root: String,
    /// The storage root was created by this run.
    pub created_root: bool,
    /// New objects and new versions, in input order.
    pub versions: Vec<NewVersion>,
    /// Articles whose object holds them already as its head version.
    pub unchanged: usize,
    pub bad: Vec<crate::package::pack::BadInput>,
    pub skipped: Vec<Skipped>,
    pub warnings: Vec<crate::package::pack::InputWarning>,
    /// What killed runs had left in the staging area, removed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub removed_staging: Vec<String>,
}

/// A version written.
#[derive(Debug, Clone, Serialize)]
pub struct NewVersion {
    pub input: String,
    pub id: String,
    pub version: String,
    /// The object's folder, relative to the root.
    pub object: String,
    /// Files stored by this version (bytes the object did not hold).
    pub stored: usize,
    /// Files of the state whose bytes the object held already.
    pub reused: usize,
    pub message: String,
}

/// An article read and rendered: its object id (the article's URI) and its files by logical path.
struct Candidate {
    /// Its place in the batch, for reporting in input order.
    order: usize,
    input: String,
    /// The input as a version's message names it: its path below the folder given (with the
    /// folder's own name, as a bag's index records it), never where it lies on this machine.
    name: String,
    uri: String,
    warnings: Vec<crate::model::Warning>,
    files: Vec<StateFile>,
    /// The object's head holds this article as it would be rendered now (found without
    /// rendering it; `files` holds the source only).
    unchanged: bool,
}

#[derive(Clone)]
struct StateFile {
    logical: String,
    bytes: Vec<u8>,
    sha512: String,
    sha256: String,
}

/// What to do with one candidate once its object was looked at.
enum Plan {
    New,
    Update { object: Box<Object>, _lock: std::fs::File },
}

/// A version staged in the staging area, ready to be put in place.
struct Staged {
    candidate: Candidate,
    plan: Plan,
    dir: partial::PartialDir,
    /// The object's folder inside `dir`.
    built: PathBuf,
    /// For a new object: how many folders of its path the root held already (the rest are
    /// staged under `dir/tree`).
    skip: usize,
    version: NewVersion,
}

/// Adds `inputs` to the root at `root_path` (created when missing).
pub fn add(
    root_path: &Path,
    inputs: &[AddInput],
    skipped: &[Skipped],
    options: &AddOptions,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<AddReport, OcflError> {
    let existed = std::fs::symlink_metadata(root_path).is_ok();
    let root = Root::open_or_create(root_path)?;
    let mut report = AddReport {
        root: root_path.display().to_string(),
        created_root: !existed,
        skipped: skipped.to_vec(),
        ..AddReport::default()
    };
    let staging = root.path().join(STAGING);
    std::fs::create_dir_all(&staging).map_err(|e| OcflError::io(&staging, e))?;
    report.removed_staging =
        partial::sweep(&staging).into_iter().filter(|f| f.removed).map(|f| f.path.display().to_string()).collect();
    let created =
        options.created.clone().unwrap_or_else(|| jiff::Timestamp::now().strftime("%Y-%m-%dT%H:%M:%SZ").to_string());

    let mut claimed: HashMap<String, String> = HashMap::new();
    let mut done = 0;
    // Batches are read and rendered on the workers while the one before is staged and put in
    // place here, in input order.
    let result = std::thread::scope(|scope| -> Result<(), OcflError> {
        let (sender, batches) = std::sync::mpsc::sync_channel::<(usize, Vec<Prepared>)>(1);
        let root = &root;
        scope.spawn(move || {
            for batch in inputs.chunks(BATCH) {
                let read = batch.par_iter().enumerate().map(|(n, input)| prepare(root, n, input, options)).collect();
                if sender.send((batch.len(), read)).is_err() {
                    return; // the writer stopped (an error): no more batches are wanted
                }
            }
        });
        for (len, read) in batches {
            add_batch(root, read, options, &created, &mut claimed, &mut report)?;
            done += len;
            progress(done);
        }
        Ok(())
    });
    // The staging folder goes when no other run is using it.
    let _ = std::fs::remove_dir(&staging);
    result?;
    crate::output::sync_tree(root.path()).map_err(|e| OcflError::io(root.path(), e))?;
    Ok(report)
}

/// What reading one input gave: its articles, or why it is bad.
type Prepared = Result<Vec<Candidate>, crate::package::pack::BadInput>;

fn add_batch(
    root: &Root,
    read: Vec<Prepared>,
    options: &AddOptions,
    created: &str,
    claimed: &mut HashMap<String, String>,
    report: &mut AddReport,
) -> Result<(), OcflError> {
    let staging = root.path().join(STAGING);
    let mut candidates = Vec::new();
    for result in read {
        match result {
            Ok(list) => {
                for candidate in list {
                    report.warnings.extend(candidate.warnings.iter().map(|w| crate::package::pack::InputWarning {
                        path: candidate.input.clone(),
                        warning: w.clone(),
                    }));
                    // Two inputs of one run that claim one id: the later is refused, naming both.
                    match claimed.get(&candidate.uri) {
                        Some(first) => report.bad.push(crate::package::pack::BadInput {
                            path: candidate.input.clone(),
                            error: format!(
                                "its URI {} is the one of {first}, added earlier in this run; one object cannot take two articles at once (give one a sidecar `id` or `uri`)",
                                candidate.uri
                            ),
                        }),
                        None => {
                            claimed.insert(candidate.uri.clone(), candidate.input.clone());
                            candidates.push(candidate);
                        }
                    }
                }
            }
            Err(bad) => report.bad.push(bad),
        }
    }
    // Lock and read each existing object, in the order of their paths.
    let mut order: Vec<(String, Candidate)> =
        candidates.into_iter().map(|c| (root.layout().object_path(&c.uri), c)).collect();
    order.sort_by(|a, b| a.0.cmp(&b.0));
    let mut planned = Vec::new();
    for (_, candidate) in order {
        if candidate.unchanged {
            report.unchanged += 1;
            continue;
        }
        match plan(root, &candidate) {
            Ok(None) => report.unchanged += 1,
            Ok(Some(plan)) => planned.push((candidate, plan)),
            // An object newsarc cannot add to, or a damaged one: this input is refused, the rest
            // go on.
            Err(e @ (OcflError::Damaged { .. } | OcflError::Unsupported { .. })) => {
                report.bad.push(crate::package::pack::BadInput { path: candidate.input.clone(), error: e.to_string() })
            }
            Err(e) => return Err(e),
        }
    }
    // Stage on all cores, flush once, put each in place in input order of the batch.
    let results: Vec<(String, Result<Staged, OcflError>)> = planned
        .into_par_iter()
        .map(|(candidate, plan)| (candidate.input.clone(), stage(root, &staging, candidate, plan, options, created)))
        .collect();
    let mut staged = Vec::with_capacity(results.len());
    for (input, result) in results {
        match result {
            Ok(item) => staged.push(item),
            // An article that would make an invalid inventory: refused, the rest go on.
            Err(OcflError::Invalid(error)) => report.bad.push(crate::package::pack::BadInput { path: input, error }),
            Err(e) => return Err(e),
        }
    }
    if !staged.is_empty() {
        crate::output::sync_tree(&staging).map_err(|e| OcflError::io(&staging, e))?;
    }
    let mut retry = Vec::new();
    let mut versions = Vec::new();
    for item in staged {
        match install(root, item)? {
            Installed::Done(order, version) => versions.push((order, version)),
            Installed::Raced(candidate) => retry.push(candidate),
        }
    }
    // Objects another run made while this one staged them: added again, each alone.
    for candidate in retry {
        let planned = match plan(root, &candidate) {
            Ok(planned) => planned,
            Err(e @ (OcflError::Damaged { .. } | OcflError::Unsupported { .. })) => {
                report.bad.push(crate::package::pack::BadInput { path: candidate.input.clone(), error: e.to_string() });
                continue;
            }
            Err(e) => return Err(e),
        };
        if let Some(plan) = planned {
            let item = stage(root, &staging, candidate, plan, options, created)?;
            crate::output::sync_tree(&staging).map_err(|e| OcflError::io(&staging, e))?;
            match install(root, item)? {
                Installed::Done(order, version) => versions.push((order, version)),
                Installed::Raced(c) => {
                    return Err(OcflError::Invalid(format!(
                        "{}: the object {} changed again while it was being added; run the add again",
                        c.input, c.uri
                    )));
                }
            }
        } else {
            report.unchanged += 1;
        }
    }
    versions.sort_by_key(|(order, _)| *order);
    report.versions.extend(versions.into_iter().map(|(_, v)| v));
    Ok(())
}

/// Reads one input (one article, or each of a collection) and renders its files.
fn prepare(
    root: &Root,
    order: usize,
    input: &AddInput,
    options: &AddOptions,
) -> Result<Vec<Candidate>, crate::package::pack::BadInput> {
    let shown = input.shown();
    let bad = |error: String| crate::package::pack::BadInput { path: shown.clone(), error };
    let load_input = match input {
        AddInput::File(f) => Input::Path(f.path.clone()),
        AddInput::Stdin => Input::Stdin,
        AddInput::BagArticle { bag, article } => return from_bag(order, shown, bag, *article).map(|c| vec![c]),
    };
    let prefix = format!("{shown}: ");
    // The path below the folder given: what names an article that nothing else names.
    let mut load = options.load.clone();
    if let AddInput::File(f) = input {
        load.read.source_path = Some(f.source_path.clone());
    }
    let (articles, bytes) = load_all_with_bytes(&load_input, &load).map_err(|e| {
        let message = e.to_string();
        bad(message.strip_prefix(&prefix).unwrap_or(&message).to_string())
    })?;
    let source = state_file(SOURCE_FILE.to_string(), bytes);
    articles
        .into_iter()
        .map(|article| {
            let mut files = vec![source.clone()];
            let unchanged = head_holds(root, &article, &source.sha512, options);
            if !unchanged {
                let renditions =
                    render(&article, &options.renditions, Naming::Package).map_err(|e| bad(e.to_string()))?;
                files.extend(renditions.into_iter().map(|r| state_file(r.file, r.bytes)));
            }
            let name = match input {
                AddInput::File(f) => f.name.clone(),
                _ => "standard input".to_string(),
            };
            Ok(Candidate {
                order,
                input: shown.clone(),
                name,
                uri: article.uri,
                warnings: article.warnings,
                files,
                unchanged,
            })
        })
        .collect()
}

/// Whether the head of the article's object holds what rendering it again would give, found
/// without rendering it: the same source bytes, the same renditions, each the file the head's
/// metadata record describes (by the object's SHA-256 fixity), and that record itself the one
/// this newsarc writes for this article now. The record holds everything the reader learned
/// (and the generator's version): when it is the same, so is every rendition. Any doubt (an
/// input format forced, a record not written, a foreign object) answers no, and the article is
/// rendered and compared file by file.
fn head_holds(root: &Root, article: &Article, source_sha512: &str, options: &AddOptions) -> bool {
    if options.load.format.is_some() || options.renditions.last() != Some(&"metadata") {
        return false;
    }
    let Ok(Some(object)) = root.object(&article.uri) else { return false };
    let inventory = &object.inventory;
    let Some(head) = inventory.head_version() else { return false };
    let files = head.files();
    let writers: Vec<&crate::write::Writer> =
        crate::write::WRITERS.iter().filter(|w| options.renditions.contains(&w.name)).collect();
    let expected: std::collections::BTreeSet<&str> =
        writers.iter().map(|w| w.package_name).chain([SOURCE_FILE]).collect();
    if inventory.digest_algorithm != "sha512"
        || files.get(SOURCE_FILE) != Some(&source_sha512)
        || files.keys().copied().collect::<std::collections::BTreeSet<&str>>() != expected
    {
        return false;
    }
    let Ok(Some(record)) = super::history::read_file(&object, inventory.head, "metadata.json") else { return false };
    #[derive(serde::Deserialize)]
    struct Written {
        renditions: Vec<crate::write::RenditionInfo>,
    }
    let Ok(written) = serde_json::from_slice::<Written>(&record) else { return false };
    let fixity = inventory.fixity.get("sha256");
    let described = written.renditions.len() + 1 == writers.len()
        && written.renditions.iter().zip(&writers).all(|(r, w)| {
            r.name == w.name
                && r.file == w.package_name
                && files.get(r.file.as_str()).and_then(|d| inventory.content_path(d)).is_some_and(|content| {
                    fixity.and_then(|f| f.get(&r.sha256)).is_some_and(|paths| paths.iter().any(|p| p == content))
                })
        });
    if !described {
        return false;
    }
    let context = crate::write::WriteContext { renditions: written.renditions };
    crate::write::metadata::write(article, &context).is_ok_and(|bytes| bytes == record)
}

/// An article of a bag as the bag holds it, each file checked against the bag's manifests.
fn from_bag(
    order: usize,
    shown: String,
    bag: &BagSource,
    article: usize,
) -> Result<Candidate, crate::package::pack::BadInput> {
    let bad = |error: String| crate::package::pack::BadInput { path: shown.clone(), error };
    let a = &bag.articles[article];
    let raw: serde_json::Value =
        serde_json::from_str(a.raw.get()).map_err(|e| bad(format!("its index record: {e}")))?;
    let uri = raw
        .get("uri")
        .and_then(|u| u.as_str())
        .filter(|u| crate::model::is_uri(u))
        .ok_or_else(|| bad("its index record gives no URI".to_string()))?
        .to_string();
    let mut files = Vec::with_capacity(a.files.len());
    let mut seen = std::collections::BTreeSet::new();
    for name in &a.files {
        let plain = !name.is_empty()
            && name != "."
            && name != ".."
            && !name.contains(['/', '\\', '\0'])
            && seen.insert(name.as_str());
        if !plain {
            return Err(bad(format!(
                "its index lists the file name {name:?}, which is not one plain, unique file name"
            )));
        }
        let in_bag = format!("data/articles/{}/{name}", a.id);
        let bytes = bag.files.read(&in_bag).map_err(|e| bad(format!("{in_bag}: {e}")))?;
        let mut differs = Vec::new();
        crate::validate::bag::verify(&in_bag, &bytes, &bag.expected, &bag.shown, &mut differs);
        if let Some(f) = differs.first() {
            return Err(bad(format!("not added: {f}")));
        }
        files.push(state_file(name.clone(), bytes));
    }
    let name = format!("{}!data/articles/{}", bag.name, a.id);
    Ok(Candidate { order, input: shown, name, uri, warnings: Vec::new(), files, unchanged: false })
}

fn state_file(logical: String, bytes: Vec<u8>) -> StateFile {
    let sha512 = hex::encode(Sha512::digest(&bytes));
    let sha256 = hex::encode(Sha256::digest(&bytes));
    StateFile { logical, bytes, sha512, sha256 }
}

/// Looks at the candidate's object: `None` when its head holds these very files.
fn plan(root: &Root, candidate: &Candidate) -> Result<Option<Plan>, OcflError> {
    let id = &candidate.uri;
    let path = root.object_path(id);
    let Some((object, lock)) = lock_object(&path, id)? else { return Ok(Some(Plan::New)) };
    let inventory = &object.inventory;
    let unsupported = |why: String| Err(OcflError::Unsupported { path: path.display().to_string(), why });
    if inventory.digest_algorithm != "sha512" {
        return unsupported(format!(
            "its content digests are {}; newsarc adds versions to sha512 objects only",
            inventory.digest_algorithm
        ));
    }
    let lower = |d: &String| !d.bytes().any(|b| b.is_ascii_uppercase());
    if !inventory.manifest.keys().all(lower) || !inventory.versions.values().all(|v| v.state.keys().all(lower)) {
        return unsupported(
            "its digests are written in upper case; newsarc adds versions to objects whose digests are lower case"
                .to_string(),
        );
    }
    let next = inventory.head.next();
    if inventory.head.width > 0 && next.to_string().len() > inventory.head.width + 1 {
        return unsupported(format!(
            "its versions are zero-padded to {} digits and {} is the last such version",
            inventory.head.width, inventory.head
        ));
    }
    let head = object.inventory.head_version().expect("read_object checks the head");
    let new_state: BTreeMap<&str, &str> =
        candidate.files.iter().map(|f| (f.logical.as_str(), f.sha512.as_str())).collect();
    if object.inventory.digest_algorithm == "sha512" && head.files() == new_state {
        return Ok(None);
    }
    Ok(Some(Plan::Update { object: Box::new(object), _lock: lock }))
}

/// Opens and locks an existing object's root inventory: the lock is held on the inventory that is
/// at the object's path once it is granted (another run may have replaced the object while this
/// one waited). `None` when there is no object.
fn lock_object(path: &Path, id: &str) -> Result<Option<(Object, std::fs::File)>, OcflError> {
    let inventory = path.join("inventory.json");
    loop {
        let file = match std::fs::File::open(&inventory) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if std::fs::symlink_metadata(path).is_ok() {
                    return Err(OcflError::Damaged {
                        object: path.display().to_string(),
                        why: "it has no inventory.json (OCFL E063)".to_string(),
                    });
                }
                return Ok(None);
            }
            Err(e) => return Err(OcflError::io(&inventory, e)),
        };
        file.lock().map_err(|e| OcflError::io(&inventory, e))?;
        if same_file(&file, &inventory) {
            let object = super::check_before_writing(path, id)?;
            return Ok(Some((object, file)));
        }
    }
}

#[cfg(unix)]
fn same_file(file: &std::fs::File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &std::fs::File, path: &Path) -> bool {
    path.exists()
}

/// Builds the new version (or the new object) in a staging folder.
fn stage(
    root: &Root,
    staging: &Path,
    candidate: Candidate,
    plan: Plan,
    options: &AddOptions,
    created: &str,
) -> Result<Staged, OcflError> {
    let id = candidate.uri.clone();
    let relative = root.layout().object_path(&id);
    // Made again if a run that just ended removed it (it goes when no run is using it).
    std::fs::create_dir_all(staging).map_err(|e| OcflError::io(staging, e))?;
    let dir = partial::dir_in(staging).map_err(|e| OcflError::io(staging, e))?;
    let io = |e| OcflError::io(&root.path().join(&relative), e);
    let mut skip = 0;
    let (built, mut inventory, version) = match &plan {
        Plan::New => {
            // Only the folders of its path that the root lacks are made, and moved in at the end.
            let parts: Vec<&str> = relative.split('/').collect();
            let existing =
                (0..parts.len() - 1).take_while(|&n| root.path().join(parts[..=n].join("/")).is_dir()).count();
            let mut built = dir.path().join("tree");
            std::fs::create_dir(&built).map_err(io)?;
            for part in &parts[existing..] {
                built.push(part);
                std::fs::create_dir(&built).map_err(io)?;
            }
            let declaration = format!("0=ocfl_object_{}", root.spec());
            std::fs::write(built.join(&declaration), format!("ocfl_object_{}\n", root.spec())).map_err(io)?;
            let inventory = Inventory {
                id: id.clone(),
                kind: if root.spec() == "1.0" { TYPE_1_0 } else { TYPE_1_1 }.to_string(),
                digest_algorithm: "sha512".to_string(),
                head: VersionNum::first(),
                content_directory: None,
                manifest: PathMap::new(),
                versions: BTreeMap::new(),
                fixity: BTreeMap::new(),
            };
            skip = existing;
            (built, inventory, VersionNum::first())
        }
        Plan::Update { object, .. } => {
            let built = dir.path().join("object");
            link_tree(&object.path, &built).map_err(io)?;
            let inventory = object.inventory.clone();
            let next = inventory.head.next();
            (built, inventory, next)
        }
    };
    if inventory.digest_algorithm != "sha512" {
        return Err(OcflError::Unsupported {
            path: root.path().join(&relative).display().to_string(),
            why: format!(
                "its content digests are {}; newsarc adds versions to sha512 objects only",
                inventory.digest_algorithm
            ),
        });
    }
    let content = format!("{version}/{}", inventory.content_directory());
    let version_dir = built.join(version.to_string());
    std::fs::create_dir(&version_dir).map_err(io)?;
    let mut made_content = false;
    let mut state = PathMap::new();
    let (mut stored, mut reused) = (0, 0);
    for file in &candidate.files {
        state.entry(file.sha512.clone()).or_default().push(file.logical.clone());
        if inventory.manifest.contains_key(&file.sha512) {
            reused += 1;
            continue;
        }
        let content_path = format!("{content}/{}", file.logical);
        let on_disk = built.join(&content_path);
        if !made_content {
            std::fs::create_dir(built.join(&content)).map_err(io)?;
            made_content = true;
        }
        if file.logical.contains('/') {
            std::fs::create_dir_all(on_disk.parent().expect("a content file")).map_err(io)?;
        }
        std::fs::write(&on_disk, &file.bytes).map_err(io)?;
        inventory.manifest.entry(file.sha512.clone()).or_default().push(content_path.clone());
        inventory
            .fixity
            .entry("sha256".to_string())
            .or_default()
            .entry(file.sha256.clone())
            .or_default()
            .push(content_path);
        stored += 1;
    }
    for paths in state.values_mut() {
        paths.sort();
    }
    let message = options.message.clone().unwrap_or_else(|| default_message(&plan, &candidate));
    inventory.versions.insert(
        version,
        Version {
            created: created.to_string(),
            message: Some(message.clone()),
            state,
            user: Some(options.user.clone()),
        },
    );
    inventory.head = version;
    let bytes = inventory.to_bytes();
    // What is about to be put in place is checked by the specification's rules first: an input
    // that would make an invalid inventory is refused, never written into the root.
    let context = crate::validate::ocfl::inventory::Context {
        shown: &relative,
        spec: if root.spec() == "1.0" {
            crate::validate::ocfl::SpecVersion::V1_0
        } else {
            crate::validate::ocfl::SpecVersion::V1_1
        },
    };
    let (found, _) = crate::validate::ocfl::inventory::check(&bytes, &context);
    if let Some(error) = found.iter().find(|f| f.severity == crate::validate::Severity::Error) {
        return Err(OcflError::Invalid(format!("not added: its new inventory would not be valid: {error}")));
    }
    let digest = hex::encode(Sha512::digest(&bytes));
    // The version's inventory, and the object's root inventory as a second name of the same
    // bytes (an update's copy of the old root inventory is a link to the object's: removed, never
    // written through).
    for name in ["inventory.json", "inventory.json.sha512"] {
        let (in_version, at_root) = (version_dir.join(name), built.join(name));
        if name == "inventory.json" {
            std::fs::write(&in_version, &bytes).map_err(io)?;
        } else {
            std::fs::write(&in_version, sidecar(&digest)).map_err(io)?;
        }
        if matches!(plan, Plan::Update { .. }) {
            std::fs::remove_file(&at_root).map_err(io)?;
        }
        if std::fs::hard_link(&in_version, &at_root).is_err() {
            std::fs::copy(&in_version, &at_root).map_err(io)?;
        }
    }
    let new_version = NewVersion {
        input: candidate.input.clone(),
        id,
        version: version.to_string(),
        object: relative,
        stored,
        reused,
        message,
    };
    Ok(Staged { candidate, plan, dir, built, skip, version: new_version })
}

/// The message of a version newsarc writes: what it is and what changed.
fn default_message(plan: &Plan, candidate: &Candidate) -> String {
    let generator = format!("newsarc {}", crate::VERSION);
    let Plan::Update { object, .. } = plan else {
        return format!("{generator}: added {}", candidate.name);
    };
    let head = object.inventory.head_version().map(|v| v.files()).unwrap_or_default();
    let new: BTreeMap<&str, &str> = candidate.files.iter().map(|f| (f.logical.as_str(), f.sha512.as_str())).collect();
    let changed: Vec<&str> =
        new.iter().filter(|(path, digest)| head.get(*path) != Some(*digest)).map(|(path, _)| *path).collect();
    let removed: Vec<&str> = head.keys().filter(|path| !new.contains_key(*path)).copied().collect();
    let mut message = if changed.contains(&SOURCE_FILE) {
        format!("{generator}: corrected from {}", candidate.name)
    } else {
        format!("{generator}: rendered again, the source unchanged ({})", candidate.name)
    };
    if !changed.is_empty() {
        message.push_str(&format!("; changed: {}", changed.join(", ")));
    }
    if !removed.is_empty() {
        message.push_str(&format!("; removed: {}", removed.join(", ")));
    }
    message
}

enum Installed {
    Done(usize, NewVersion),
    /// A new object that another run made meanwhile: to be added again as an update.
    Raced(Candidate),
}

/// Puts a staged version in place (see the module's overview).
fn install(root: &Root, staged: Staged) -> Result<Installed, OcflError> {
    let Staged { candidate, plan, dir, built, skip, version } = staged;
    let target = root.object_path(&candidate.uri);
    let shown = target.display().to_string();
    match plan {
        Plan::New => {
            let relative = root.layout().object_path(&candidate.uri);
            let parts: Vec<&str> = relative.split('/').collect();
            let mut raced = false;
            dir.finish(|staging| {
                // The top-most folder of the object's path that is missing is renamed in whole.
                for depth in skip + 1..=parts.len() {
                    let to = root.path().join(parts[..depth].join("/"));
                    if depth < parts.len() && to.is_dir() {
                        continue;
                    }
                    let from = staging.join("tree").join(parts[skip..depth].join("/"));
                    return match std::fs::rename(&from, &to) {
                        Ok(()) => Ok(()),
                        Err(_) if to.exists() && depth == parts.len() => {
                            raced = true;
                            Ok(())
                        }
                        // Made meanwhile by another run: go one folder deeper.
                        Err(_) if to.is_dir() => continue,
                        Err(e) => Err((e, false)),
                    };
                }
                Ok(())
            })
            .map_err(|e| OcflError::io(&target, e))?;
            if raced {
                return Ok(Installed::Raced(candidate));
            }
            Ok(Installed::Done(candidate.order, version))
        }
        Plan::Update { object, _lock } => {
            // The version was built on this inventory: it must still be the object's.
            let now = read_object(&target, Some(&candidate.uri))?;
            if now.inventory_digest != object.inventory_digest {
                return Err(OcflError::Invalid(format!(
                    "{shown}: the object changed while a version was built on it (by a program that does not take newsarc's lock); nothing was written, run the add again"
                )));
            }
            dir.finish(|_| exchange(&built, &target).map_err(|e| (e, false))).map_err(|e| OcflError::io(&target, e))?;
            drop(_lock);
            Ok(Installed::Done(candidate.order, version))
        }
    }
}

/// Swaps two folders in one step (Linux `renameat2` with `RENAME_EXCHANGE`). Where the file
/// system cannot (some network and FUSE file systems) or elsewhere than on Linux, the update is
/// refused: two renames would leave a moment with no object at its path, and a run killed then
/// would leave the only copy of it in the staging area.
fn exchange(a: &Path, b: &Path) -> Result<(), std::io::Error> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
            Ok(()) => Ok(()),
            Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => Err(std::io::Error::new(
                std::io::ErrorKind::Unsupported,
                "this file system cannot swap two folders in one step (renameat2 RENAME_EXCHANGE), which newsarc needs to keep an object whole while it adds a version; nothing was changed",
            )),
            Err(e) => Err(e.into()),
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (a, b);
        Err(std::io::Error::new(
            std::io::ErrorKind::Unsupported,
            "adding a version to an existing object needs a one-step swap of two folders, which newsarc does on Linux only; nothing was changed",
        ))
    }
}

/// A copy of the tree at `from` at `to`, its files hard links (copied where links cannot be made).
fn link_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    for entry in walkdir::WalkDir::new(from).follow_links(false) {
        let entry = entry.map_err(std::io::Error::other)?;
        let relative = entry.path().strip_prefix(from).expect("below the walked folder");
        let target = to.join(relative);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target)?;
        } else if entry.file_type().is_file() {
            if std::fs::hard_link(entry.path(), &target).is_err() {
                std::fs::copy(entry.path(), &target)?;
            }
        } else {
            return Err(std::io::Error::other(format!(
                "{} is neither a file nor a folder; an object holds only those",
                entry.path().display()
            )));
        }
    }
    Ok(())
}
