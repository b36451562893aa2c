//! An object's history: its versions (`log`), the files of one version (`show`) and what changed
//! between two (`diff`), from its root inventory alone, plus a line diff of the article's source
//! when it changed (read from the object's content files).

use super::OcflError;
use super::add::SOURCE_FILE;
use super::inventory::{Inventory, VersionNum};
use super::root::Object;
use serde::Serialize;
use std::collections::BTreeMap;

/// One version, as `log` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct LogEntry {
    pub version: String,
    pub created: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// What changed from the version before (everything is added in the first).
    pub changes: Changes,
}

/// Logical paths added, removed and changed between two states.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Changes {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub changed: Vec<String>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// A file of a version, as `show` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ShownFile {
    pub path: String,
    pub digest: String,
    /// Where its bytes are, relative to the object.
    pub content: String,
    /// The version that stored these bytes.
    pub stored_in: String,
}

/// Every version of the object, oldest first.
pub fn log(object: &Object) -> Vec<LogEntry> {
    let inventory = &object.inventory;
    let mut previous = BTreeMap::new();
    let mut entries = Vec::new();
    for (number, version) in &inventory.versions {
        let files: BTreeMap<String, String> =
            version.files().into_iter().map(|(p, d)| (p.to_string(), d.to_string())).collect();
        entries.push(LogEntry {
            version: number.to_string(),
            created: version.created.clone(),
            message: version.message.clone(),
            user: version.user.as_ref().map(|u| u.name.clone()),
            address: version.user.as_ref().and_then(|u| u.address.clone()),
            changes: changes(&previous, &files),
        });
        previous = files;
    }
    entries
}

/// The version named `given` (`v3`, or `3`), or the head.
pub fn version_of(inventory: &Inventory, given: Option<&str>) -> Result<VersionNum, OcflError> {
    let Some(given) = given else { return Ok(inventory.head) };
    let wanted = VersionNum::parse(given)
        .or_else(|| given.parse::<u32>().ok().filter(|n| *n > 0).map(|number| VersionNum { number, width: 0 }));
    wanted.and_then(|w| inventory.versions.keys().find(|v| v.number == w.number).copied()).ok_or_else(|| {
        OcflError::Invalid(format!(
            "the object {} has no version {given} (its versions: v1 to {})",
            inventory.id, inventory.head
        ))
    })
}

/// The files of one version.
pub fn show(object: &Object, version: VersionNum) -> Vec<ShownFile> {
    let inventory = &object.inventory;
    let Some(block) = inventory.versions.get(&version) else { return Vec::new() };
    block
        .files()
        .into_iter()
        .map(|(path, digest)| {
            let content = inventory.content_path(digest).unwrap_or_default().to_string();
            let stored_in = content.split('/').next().unwrap_or_default().to_string();
            ShownFile { path: path.to_string(), digest: digest.to_string(), content, stored_in }
        })
        .collect()
}

/// What changed from version `a` to version `b`.
pub fn diff(object: &Object, a: VersionNum, b: VersionNum) -> Changes {
    let files = |v: VersionNum| -> BTreeMap<String, String> {
        object.inventory.versions.get(&v).map_or_else(BTreeMap::new, |block| {
            block.files().into_iter().map(|(p, d)| (p.to_string(), d.to_string())).collect()
        })
    };
    changes(&files(a), &files(b))
}

fn changes(before: &BTreeMap<String, String>, after: &BTreeMap<String, String>) -> Changes {
    let mut c = Changes::default();
    for (path, digest) in after {
        match before.get(path) {
            None => c.added.push(path.clone()),
            Some(old) if old != digest => c.changed.push(path.clone()),
            Some(_) => {}
        }
    }
    c.removed = before.keys().filter(|p| !after.contains_key(*p)).cloned().collect();
    c
}

/// The bytes of a logical path in a version, read from the object's content.
pub fn read_file(object: &Object, version: VersionNum, path: &str) -> Result<Option<Vec<u8>>, OcflError> {
    let inventory = &object.inventory;
    let Some(block) = inventory.versions.get(&version) else { return Ok(None) };
    let files = block.files();
    let Some(digest) = files.get(path) else { return Ok(None) };
    let content = inventory.content_path(digest).ok_or_else(|| OcflError::Damaged {
        object: object.path.display().to_string(),
        why: format!("the digest of {path} in {version} is not in its manifest (OCFL E050)"),
    })?;
    let on_disk = object.path.join(content);
    let bytes = std::fs::read(&on_disk).map_err(|e| OcflError::io(&on_disk, e))?;
    let actual = super::digest(&inventory.digest_algorithm, &bytes);
    if actual.as_deref() != Some(*digest) {
        return Err(OcflError::Damaged {
            object: object.path.display().to_string(),
            why: format!("{content} does not match its digest in the manifest (OCFL E092)"),
        });
    }
    Ok(Some(bytes))
}

/// A unified line diff of the article's source from version `a` to `b`, when both hold it as text
/// and it changed.
pub fn source_diff(object: &Object, a: VersionNum, b: VersionNum) -> Result<Option<String>, OcflError> {
    let (Some(old), Some(new)) = (read_file(object, a, SOURCE_FILE)?, read_file(object, b, SOURCE_FILE)?) else {
        return Ok(None);
    };
    if old == new {
        return Ok(None);
    }
    let (Ok(old), Ok(new)) = (String::from_utf8(old), String::from_utf8(new)) else { return Ok(None) };
    let diff = similar::TextDiff::from_lines(&old, &new);
    Ok(Some(
        diff.unified_diff()
            .context_radius(2)
            .header(&format!("{a}/{SOURCE_FILE}"), &format!("{b}/{SOURCE_FILE}"))
            .to_string(),
    ))
}
