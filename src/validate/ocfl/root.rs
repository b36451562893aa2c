//! An OCFL storage root: its declaration (`0=ocfl_1.x`, E069/E076/E079/E080), `ocfl_layout.json`
//! (E070), `extensions/` (E112, W016), the storage hierarchy (files outside objects E072/E084,
//! empty directories E073, links E090) and every object found in it (each checked by
//! [`super::object::check`], in parallel on rayon's global pool; an object may not declare a
//! later OCFL version than its root, E081).
//!
//! Files at the top of the root that OCFL does not define are ignored, as the specification
//! asks of validators (E087).

use super::object::{self, ObjectReport};
use super::{EntryKind, Options, SpecVersion, finding, join, list, read_capped, unreadable};
use crate::validate::{Finding, Severity};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The storage root declarations newsarc knows, with their OCFL version.
pub const DECLARATIONS: &[(&str, SpecVersion)] =
    &[("0=ocfl_1.0", SpecVersion::V1_0), ("0=ocfl_1.1", SpecVersion::V1_1)];

/// What checking a storage root found.
#[derive(Debug, Default)]
pub struct RootReport {
    /// The root's and every object's, sorted by file, code, message.
    pub findings: Vec<Finding>,
    /// The OCFL version the root declares.
    pub declared: Option<SpecVersion>,
    /// Each object found, sorted by path.
    pub objects: Vec<CheckedObject>,
}

/// One object of a storage root.
#[derive(Debug)]
pub struct CheckedObject {
    /// Its path inside the storage root (`/`-separated).
    pub path: String,
    pub id: Option<String>,
    /// Whether it has no error finding.
    pub valid: bool,
    /// Its head version's state (logical path to content path), if its inventory could be read;
    /// kept by [`check_keeping_states`] only (a root may hold millions of objects).
    pub head_state: Option<BTreeMap<String, String>>,
}

/// Checks the storage root at `path`, shown in findings as `shown`.
pub fn check(path: &Path, shown: &str, options: &Options) -> RootReport {
    run(path, shown, options, false)
}

/// [`check`], keeping each object's head state in [`CheckedObject::head_state`]: the hook for
/// checks on top of OCFL (what the files of each object hold).
pub fn check_keeping_states(path: &Path, shown: &str, options: &Options) -> RootReport {
    run(path, shown, options, true)
}

fn run(path: &Path, shown: &str, options: &Options, keep_states: bool) -> RootReport {
    let mut findings = Vec::new();
    macro_rules! add {
        ($code:expr, $inner:expr, $message:expr $(,)?) => {
            findings.push(finding($code, join(shown, $inner), $message))
        };
    }
    let entries = match list(path) {
        Ok(e) => e,
        Err(e) => {
            add!(
                "OCFL-E069",
                "",
                format!("no storage root here: the directory cannot be read ({})", crate::output::io_reason(&e))
            );
            return RootReport { findings, ..RootReport::default() };
        }
    };
    // The declaration.
    let declarations: Vec<&super::Entry> = entries.iter().filter(|e| e.name.starts_with("0=")).collect();
    let mut declared = None;
    if declarations.is_empty() {
        add!("OCFL-E069", "", "the storage root has no declaration file (0=ocfl_1.1)".to_string());
    } else if declarations.len() > 1 {
        let names: Vec<&str> = declarations.iter().map(|e| e.name.as_str()).collect();
        add!("OCFL-E076", "", format!("the storage root has more than one declaration file: {}", names.join(", ")));
    }
    for d in &declarations {
        let Some((_, spec)) = DECLARATIONS.iter().find(|(name, _)| *name == d.name) else {
            add!(
                "OCFL-E079",
                &d.name,
                format!("`{}` is not a storage root declaration of OCFL 1.0 or 1.1 (0=ocfl_1.1)", d.name)
            );
            continue;
        };
        if declared.is_none_or(|old| *spec > old) {
            declared = Some(*spec);
        }
        let expected = format!("{}\n", &d.name[2..]);
        match read_capped(&path.join(&d.name), 4096) {
            Ok(text) if text == expected.as_bytes() => {}
            Ok(text) => add!(
                "OCFL-E080",
                &d.name,
                format!(
                    "the declaration holds {:?}, not {:?}",
                    String::from_utf8_lossy(&text[..text.len().min(80)]),
                    expected
                ),
            ),
            Err(why) => add!("OCFL-E080", &d.name, format!("the declaration cannot be read: {why}")),
        }
    }
    // ocfl_layout.json, and the top-level entries.
    let mut hierarchy = Vec::new();
    for e in &entries {
        match (e.kind, e.name.as_str()) {
            (EntryKind::Symlink, name) => {
                add!("OCFL-E090", name, "is a symbolic link; links must not be used in OCFL storage".to_string())
            }
            (EntryKind::File, "ocfl_layout.json") => {
                if let Err(why) = layout(&path.join("ocfl_layout.json")) {
                    add!("OCFL-E070", "ocfl_layout.json", why);
                }
            }
            (EntryKind::Dir, "extensions") => match list(&path.join("extensions")) {
                Ok(extensions) => {
                    for x in extensions {
                        let inner = format!("extensions/{}", x.name);
                        match x.kind {
                            EntryKind::Dir if super::REGISTERED_EXTENSIONS.contains(&x.name.as_str()) => {}
                            EntryKind::Dir => add!(
                                "OCFL-W016",
                                &inner,
                                format!("storage root extension directory `{}` is not a registered extension", x.name),
                            ),
                            EntryKind::Symlink => add!(
                                "OCFL-E090",
                                &inner,
                                "is a symbolic link; links must not be used in OCFL storage".to_string(),
                            ),
                            _ => add!(
                                "OCFL-E112",
                                &inner,
                                format!(
                                    "the storage root's extensions directory holds `{}`, which is not an extension directory",
                                    x.name
                                ),
                            ),
                        }
                    }
                }
                Err(e) => findings.push(unreadable(join(shown, "extensions"), crate::output::io_reason(&e))),
            },
            (EntryKind::Dir, name) => hierarchy.push((path.join(name), name.to_string())),
            // Other files of the root are not OCFL's: validators ignore them (E087).
            _ => {}
        }
    }
    // The storage hierarchy: each directory is an object, or holds only directories.
    let mut objects: Vec<(PathBuf, String)> = Vec::new();
    let mut stack = hierarchy;
    while let Some((dir, inner)) = stack.pop() {
        let children = match list(&dir) {
            Ok(c) => c,
            Err(e) => {
                findings.push(unreadable(join(shown, &inner), crate::output::io_reason(&e)));
                continue;
            }
        };
        if children.iter().any(|c| c.kind == EntryKind::File && c.name.starts_with("0=ocfl_object_")) {
            objects.push((dir, inner));
            continue;
        }
        if children.is_empty() {
            findings.push(finding(
                "OCFL-E073",
                join(shown, &inner),
                "an empty directory in the storage hierarchy".to_string(),
            ));
            continue;
        }
        let has_dirs = children.iter().any(|c| c.kind == EntryKind::Dir);
        for c in children {
            let child = format!("{inner}/{}", c.name);
            match c.kind {
                EntryKind::Dir => stack.push((dir.join(&c.name), child)),
                EntryKind::Symlink => findings.push(finding(
                    "OCFL-E090",
                    join(shown, &child),
                    "is a symbolic link; links must not be used in OCFL storage".to_string(),
                )),
                _ if has_dirs => findings.push(finding(
                    "OCFL-E084",
                    join(shown, &child),
                    format!("a file in the intermediate directory `{inner}` of the storage hierarchy"),
                )),
                _ => findings.push(finding(
                    "OCFL-E072",
                    join(shown, &child),
                    format!("a file in directory `{inner}`, which is not an object (no 0=ocfl_object_1.x)"),
                )),
            }
        }
    }
    objects.sort_by(|a, b| a.1.cmp(&b.1));
    let reports: Vec<(String, ObjectReport)> = objects
        .par_iter()
        .map(|(dir, inner)| (inner.clone(), object::check(dir, &join(shown, inner), options)))
        .collect();
    let mut checked = Vec::with_capacity(reports.len());
    for (inner, report) in reports {
        if let (Some(root), Some(object)) = (declared, report.declared)
            && object > root
        {
            findings.push(finding(
                "OCFL-E081",
                join(shown, &inner),
                format!(
                    "the object declares OCFL {}, later than its storage root's OCFL {}",
                    object.number(),
                    root.number()
                ),
            ));
        }
        let valid = !report.findings.iter().any(|f| f.severity == Severity::Error);
        findings.extend(report.findings);
        let head_state = if keep_states { report.head_state } else { None };
        checked.push(CheckedObject { path: inner, id: report.id, valid, head_state });
    }
    // One id, one object: two objects claiming the same id break the unique mapping from id to
    // storage path.
    let mut by_id: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for o in &checked {
        if let Some(id) = &o.id {
            by_id.entry(id.as_str()).or_default().push(o.path.as_str());
        }
    }
    for (id, paths) in by_id.iter().filter(|(_, p)| p.len() > 1) {
        for path in paths {
            let others: Vec<&str> = paths.iter().filter(|p| *p != path).copied().collect();
            findings.push(finding(
                "OCFL-E083",
                join(shown, path),
                format!("object id `{id}` is also the id of the object at {}", others.join(", ")),
            ));
        }
    }
    super::sort(&mut findings);
    RootReport { findings, declared, objects: checked }
}

/// `ocfl_layout.json`: a JSON object with string keys `extension` and `description`.
fn layout(path: &Path) -> Result<(), String> {
    let bytes = read_capped(path, 1024 * 1024).map_err(|why| format!("ocfl_layout.json cannot be read: {why}"))?;
    let value: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|e| format!("ocfl_layout.json is not valid JSON: {e}"))?;
    let Some(map) = value.as_object() else { return Err("ocfl_layout.json is not a JSON object".to_string()) };
    for key in ["extension", "description"] {
        if !map.get(key).is_some_and(|v| v.is_string()) {
            return Err(format!("ocfl_layout.json has no string `{key}`"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn root(dir: &Path) {
        fs::write(dir.join("0=ocfl_1.1"), "ocfl_1.1\n").unwrap();
        fs::write(
            dir.join("ocfl_layout.json"),
            r#"{"extension": "0003-hash-and-id-n-tuple-storage-layout", "description": "hashed"}"#,
        )
        .unwrap();
    }

    fn codes(dir: &Path) -> Vec<&'static str> {
        let mut c: Vec<&str> = check(dir, "root", &Options::default()).findings.iter().map(|f| f.code).collect();
        c.sort();
        c.dedup();
        c
    }

    #[test]
    fn an_empty_root_is_valid() {
        let t = tempfile::tempdir().unwrap();
        root(t.path());
        assert_eq!(codes(t.path()), Vec::<&str>::new());
        fs::write(t.path().join("README.md"), "ours").unwrap();
        assert_eq!(codes(t.path()), Vec::<&str>::new(), "files OCFL does not define are ignored");
    }

    #[test]
    fn objects_are_found_and_checked() {
        let t = tempfile::tempdir().unwrap();
        root(t.path());
        for id in ["a", "b"] {
            let dir = t.path().join("ab/cd").join(id);
            super::super::object::tests::write_object(&dir, "1.1");
        }
        let report = check_keeping_states(t.path(), "root", &Options::default());
        assert_eq!(report.findings, vec![]);
        let paths: Vec<&str> = report.objects.iter().map(|o| o.path.as_str()).collect();
        assert_eq!(paths, ["ab/cd/a", "ab/cd/b"]);
        assert!(report.objects.iter().all(|o| o.valid && o.head_state.as_ref().unwrap().contains_key("a.txt")));
        // A damaged object is reported under its path in the root.
        fs::write(t.path().join("ab/cd/b/v1/content/a.txt"), "changed").unwrap();
        let report = check(t.path(), "root", &Options::default());
        let files: Vec<&str> = report.findings.iter().map(|f| f.file.as_str()).collect();
        assert!(files.iter().all(|f| *f == "root/ab/cd/b/v1/content/a.txt"), "{files:?}");
        assert!(!report.objects[1].valid && report.objects[0].valid);
    }

    #[test]
    fn hierarchy_rules() {
        let t = tempfile::tempdir().unwrap();
        root(t.path());
        super::super::object::tests::write_object(&t.path().join("ab/obj"), "1.1");
        fs::write(t.path().join("ab/stray.txt"), "x").unwrap();
        fs::create_dir_all(t.path().join("cd/leaf")).unwrap();
        fs::write(t.path().join("cd/leaf/file"), "x").unwrap();
        fs::create_dir_all(t.path().join("empty")).unwrap();
        assert_eq!(codes(t.path()), ["OCFL-E072", "OCFL-E073", "OCFL-E084"]);
    }

    #[test]
    fn declaration_layout_and_extensions() {
        let t = tempfile::tempdir().unwrap();
        assert_eq!(codes(t.path()), ["OCFL-E069"]);
        fs::write(t.path().join("0=ocfl_1.1"), "ocfl_1.0\n").unwrap();
        assert_eq!(codes(t.path()), ["OCFL-E080"]);
        fs::write(t.path().join("0=ocfl_1.0"), "ocfl_1.0\n").unwrap();
        fs::write(t.path().join("0=ocfl_1.1"), "ocfl_1.1\n").unwrap();
        assert_eq!(codes(t.path()), ["OCFL-E076"]);
        fs::remove_file(t.path().join("0=ocfl_1.1")).unwrap();
        fs::write(t.path().join("ocfl_layout.json"), r#"{"extension": 3}"#).unwrap();
        fs::create_dir_all(t.path().join("extensions/0003-hash-and-id-n-tuple-storage-layout")).unwrap();
        fs::create_dir_all(t.path().join("extensions/local-thing")).unwrap();
        fs::write(t.path().join("extensions/file"), "x").unwrap();
        assert_eq!(codes(t.path()), ["OCFL-E070", "OCFL-E112", "OCFL-W016"]);
        // Two objects with one id.
        super::super::object::tests::write_object_with_id(&t.path().join("twin"), "1.0", "urn:x:twin");
        super::super::object::tests::write_object_with_id(&t.path().join("twin2"), "1.0", "urn:x:twin");
        let report = check(t.path(), "root", &Options::default());
        let twins: Vec<&str> =
            report.findings.iter().filter(|f| f.code == "OCFL-E083").map(|f| f.file.as_str()).collect();
        assert_eq!(twins, ["root/twin", "root/twin2"]);
        fs::remove_dir_all(t.path().join("twin2")).unwrap();
        fs::remove_dir_all(t.path().join("twin")).unwrap();
        // An object of OCFL 1.1 in a root of 1.0.
        super::super::object::tests::write_object(&t.path().join("obj"), "1.1");
        assert!(codes(t.path()).contains(&"OCFL-E081"));
    }

    #[test]
    fn findings_do_not_depend_on_the_thread_count() {
        let t = tempfile::tempdir().unwrap();
        root(t.path());
        for i in 0..12 {
            let dir = t.path().join(format!("o{i:02}"));
            super::super::object::tests::write_object(&dir, "1.1");
            fs::write(dir.join(format!("v1/content/x{i}")), "extra").unwrap();
            fs::write(dir.join("v1/content/a.txt"), format!("changed {i}")).unwrap();
        }
        let run = |threads| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            pool.install(|| check(t.path(), "root", &Options::default()).findings)
        };
        let one = run(1);
        assert_eq!(one.len(), 12 * 3);
        assert_eq!(one, run(4));
    }
}
