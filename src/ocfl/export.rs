//! Versions of objects as one BagIt bag, in any container `pack` writes: each object's version
//! becomes an article folder (`data/articles/<id>/`, the version's files under their logical
//! paths, byte for byte), with newsarc's package index built from each metadata record, so the
//! bag is what `pack` would have written of those articles and passes `newsarc validate` and
//! bagit-python. `bag-info.txt` names the storage root and each object and version.

use super::OcflError;
use super::add::SOURCE_FILE;
use super::history::{read_file, version_of};
use super::inventory::VersionNum;
use super::root::{Object, Root};
use crate::format::zip::Method;
use crate::output::{Guard, Kind};
use crate::package::bag::{Algorithm, BagInfo, BagWriter, PayloadFile};
use crate::package::pack::{BagOutcome, Destination, Format, Staging, bag_name, open_sink};
use serde::Serialize;
use std::collections::HashSet;
use std::io::{Seek, Write};
use std::path::Path;

/// What to export: objects by id, each at a version (`None`: its head), or every object.
#[derive(Debug, Clone)]
pub enum Selection {
    Ids(Vec<(String, Option<String>)>),
    All,
}

#[derive(Debug, Clone)]
pub struct ExportOptions {
    pub format: Option<Format>,
    pub bagging_date: String,
    pub algorithms: Vec<Algorithm>,
    pub force: bool,
    pub guard: Guard,
}

#[derive(Debug, Default, Serialize)]
pub struct ExportReport {
    pub output: String,
    pub bag: BagOutcome,
    /// Each object exported: its id, version and article folder.
    pub objects: Vec<Exported>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Exported {
    pub id: String,
    pub version: String,
    pub folder: String,
}

/// Exports the selection from the root at `root_path` to `out`.
pub fn export(
    root_path: &Path,
    selection: &Selection,
    out: &Destination,
    options: &ExportOptions,
) -> Result<ExportReport, OcflError> {
    let root = Root::open(root_path)?;
    let format = Format::for_destination(out, options.format).map_err(|e| OcflError::Invalid(e.to_string()))?;
    let kind = if format == Format::Folder { Kind::Bag } else { Kind::File };
    let mut guard = options.guard.clone();
    guard.add(root_path);
    let existing = match out {
        Destination::Path(path) => {
            super::refuse_inside_root(path)?;
            guard.check(path, kind)?
        }
        Destination::Stdout => crate::output::Existing::Nothing,
    };
    // Every object and version is found before anything is written.
    let mut chosen: Vec<(Object, VersionNum)> = Vec::new();
    match selection {
        Selection::All => {
            for path in root.object_paths()? {
                let object = super::check_object(&path, None)?;
                let head = object.inventory.head;
                chosen.push((object, head));
            }
            chosen.sort_by(|a, b| a.0.inventory.id.cmp(&b.0.inventory.id));
        }
        Selection::Ids(ids) => {
            for (id, version) in ids {
                let path = root.object_path(id);
                if std::fs::symlink_metadata(&path).is_err() {
                    return Err(OcflError::NoObject { id: id.clone(), root: root_path.display().to_string() });
                }
                let object = super::check_object(&path, Some(id))?;
                let version = version_of(&object.inventory, version.as_deref())?;
                chosen.push((object, version));
            }
        }
    }
    if chosen.is_empty() {
        return Err(OcflError::Invalid(format!(
            "the storage root {} holds no object; no bag written",
            root_path.display()
        )));
    }
    let mut report = ExportReport { output: out.to_string(), ..ExportReport::default() };
    let name = match out {
        Destination::Path(path) => bag_name(path, format),
        Destination::Stdout => "bag".to_string(),
    };
    let mut fields = vec![(
        "External-Description".to_string(),
        format!(
            "{} exported from the OCFL storage root {} by newsarc",
            if chosen.len() == 1 { "1 object".to_string() } else { format!("{} objects", chosen.len()) },
            root_path.display()
        ),
    )];
    if chosen.len() <= 100 {
        for (object, version) in &chosen {
            fields.push(("External-Identifier".to_string(), format!("{} {version}", object.inventory.id)));
        }
    }
    let info = BagInfo {
        name: name.clone(),
        algorithms: options.algorithms.clone(),
        bagging_date: options.bagging_date.clone(),
        fields,
        group: None,
    };
    let io = |e| OcflError::Io { path: out.to_string(), cause: e };
    let (sink, staging, _) = open_sink(out, format).map_err(io)?;
    let mut bag = BagWriter::new(sink, info).map_err(io)?;
    let mut index = std::io::BufWriter::new(tempfile::tempfile().map_err(io)?);
    writeln!(
        index,
        "{{\"index\":\"newsarc-package-index\",\"index_version\":1,\"generator\":{},\"bag\":{},\"articles\":[",
        json(&format!("newsarc {}", crate::VERSION)),
        json(&name)
    )
    .map_err(io)?;
    let mut folders = HashSet::new();
    for (n, (object, version)) in chosen.iter().enumerate() {
        let block = &object.inventory.versions[version];
        let mut files = Vec::new();
        let mut record = None;
        for (logical, _) in block.files() {
            let bytes = read_file(object, *version, logical)?.expect("a path of the state");
            if logical == "metadata.json" {
                record = serde_json::from_slice::<serde_json::Value>(&bytes).ok();
            }
            files.push((logical.to_string(), bytes));
        }
        let wanted = record
            .as_ref()
            .and_then(|r| r.get("id"))
            .and_then(|v| v.as_str())
            .filter(|id| crate::model::is_safe_id(id))
            .map(str::to_string)
            .unwrap_or_else(|| super::folder_for_id(&object.inventory.id));
        let mut folder = wanted.clone();
        let mut extra = 0;
        while !folders.insert(folder.clone()) {
            extra += 1;
            folder = format!("{wanted}-{extra}");
        }
        // The source first, then the rest in order, as pack lays an article out.
        files.sort_by_key(|(logical, _)| (logical != SOURCE_FILE, logical.clone()));
        let listed: Vec<String> = files.iter().map(|(l, _)| l.clone()).collect();
        let payload = files
            .into_iter()
            .map(|(logical, bytes)| {
                let method = if logical.ends_with(".epub") { Method::Stored } else { Method::Deflated };
                PayloadFile { path: format!("articles/{folder}/{logical}"), bytes, method, sha256: None }
            })
            .collect();
        let prepared = bag.preparer().prepare(payload).map_err(io)?;
        bag.add_prepared(prepared).map_err(io)?;
        if n > 0 {
            index.write_all(b",\n").map_err(io)?;
        }
        index.write_all(index_record(&folder, &object.inventory.id, record.as_ref(), listed).as_bytes()).map_err(io)?;
        report.objects.push(Exported { id: object.inventory.id.clone(), version: version.to_string(), folder });
    }
    index.write_all(b"\n],\"duplicates\":[]}\n").map_err(io)?;
    let mut index = index.into_inner().map_err(|e| e.into_error()).map_err(io)?;
    let len = index.stream_position().map_err(io)?;
    index.seek(std::io::SeekFrom::Start(0)).map_err(io)?;
    bag.add_payload_reader("index.json", len, &mut index, Method::Deflated).map_err(io)?;
    bag.finish().map_err(io)?;
    report.bag = match (staging, out) {
        (Staging::Stdout, _) | (_, Destination::Stdout) => BagOutcome::Streamed,
        (staging, Destination::Path(path)) => {
            let existing_now = guard.check(path, kind)?;
            staging.commit(&name, path, existing_now, options.force, existing).map_err(|e| match e {
                crate::package::pack::PackError::Output(e) => OcflError::Output(e),
                crate::package::pack::PackError::Io { path, cause } => OcflError::Io { path, cause },
                crate::package::pack::PackError::Invalid(m) => OcflError::Invalid(m),
            })?
        }
    };
    Ok(report)
}

fn json<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).expect("a value serializes")
}

/// The package index's record of an exported article, from its metadata record (as `pack`
/// writes one from the article it read).
fn index_record(folder: &str, uri: &str, record: Option<&serde_json::Value>, files: Vec<String>) -> String {
    let get = |key: &str| record.and_then(|r| r.get(key)).cloned();
    let mut out = serde_json::Map::new();
    out.insert("id".into(), folder.into());
    out.insert("uri".into(), get("uri").unwrap_or_else(|| uri.into()));
    if let Some(headline) = get("headline") {
        out.insert("headline".into(), headline);
    }
    out.insert("language".into(), get("language").unwrap_or_else(|| "und".into()));
    if let Some(date) = get("date") {
        out.insert("date".into(), date);
    }
    let source = get("source").unwrap_or_default();
    out.insert(
        "source".into(),
        serde_json::json!({
            "name": source.get("name").cloned().unwrap_or_else(|| SOURCE_FILE.into()),
            "size": source.get("size").cloned().unwrap_or_else(|| 0.into()),
            "sha256": source.get("sha256").cloned().unwrap_or_else(|| "".into()),
        }),
    );
    out.insert("files".into(), files.into());
    let warnings: Vec<serde_json::Value> = get("warnings")
        .and_then(|w| w.as_array().cloned())
        .unwrap_or_default()
        .into_iter()
        .filter_map(|w| w.get("code").cloned())
        .collect();
    out.insert("warnings".into(), warnings.into());
    json(&serde_json::Value::Object(out))
}
