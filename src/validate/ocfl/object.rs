//! One OCFL object: its file tree against its inventories.
//!
//! In order: the declaration (`0=ocfl_object_1.x`, E003/E006/E007); the root inventory (E063,
//! then [`super::inventory::check`]) and its sidecar (E058/E060/E061, always checked); the
//! entries of the object root (E001, E046, `logs/`, `extensions/` with E067/W013); each version
//! directory: its inventory (W010 when missing; the head's must be the root's, E064; earlier ones
//! checked alone and as prior versions of the root's: E066, W011, E037, E019/E020, E023, E103),
//! its other entries (E015, W002) and its content directory (E024, W003); then the content files
//! on disk against the manifest (E023, E092, E093) and, with [`Options::check_digests`], every
//! digest every inventory records for every content file (manifests: E092; fixity: E093), each
//! file read once, the files of an object in parallel.
//!
//! Links are never followed: a symbolic link anywhere in the object is a finding (E090).

use super::digest::{self, Algorithm};
use super::inventory::{self, Inventory};
use super::{EntryKind, MAX_INVENTORY, Options, SpecVersion, finding, join, list, read_regular, unreadable};
use crate::validate::Finding;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The object declarations newsarc knows, with their OCFL version.
pub const DECLARATIONS: &[(&str, SpecVersion)] =
    &[("0=ocfl_object_1.0", SpecVersion::V1_0), ("0=ocfl_object_1.1", SpecVersion::V1_1)];

/// What checking one object found.
#[derive(Debug, Default)]
pub struct ObjectReport {
    /// Sorted by file, code, message.
    pub findings: Vec<Finding>,
    /// The id of its root inventory.
    pub id: Option<String>,
    /// The OCFL version its declaration gives.
    pub declared: Option<SpecVersion>,
    /// The head version's state: each logical path with the content path (relative to the object
    /// root) holding its bytes; `None` when the root inventory could not be read.
    pub head_state: Option<BTreeMap<String, String>>,
}

/// Checks the object at `path`, shown in findings as `shown`.
pub fn check(path: &Path, shown: &str, options: &Options) -> ObjectReport {
    let mut o = ObjectCheck { path, shown, findings: Vec::new() };
    let mut report = ObjectReport::default();
    o.run(options, &mut report);
    let mut findings = o.findings;
    super::sort(&mut findings);
    report.findings = findings;
    report
}

struct ObjectCheck<'a> {
    path: &'a Path,
    shown: &'a str,
    findings: Vec<Finding>,
}

/// A digest some inventory records for a content file, to compare with the file's.
#[derive(Debug, Clone)]
struct Expected {
    algorithm: Algorithm,
    digest: String,
    code: &'static str,
    /// Which block of which inventory says so, for the message.
    source: String,
}

impl ObjectCheck<'_> {
    fn add(&mut self, code: &'static str, inner: &str, message: String) {
        self.findings.push(finding(code, join(self.shown, inner), message));
    }

    fn run(&mut self, options: &Options, report: &mut ObjectReport) {
        let entries = match list(self.path) {
            Ok(entries) => entries,
            Err(e) => {
                let reason = crate::output::io_reason(&e);
                self.add("OCFL-E003", "", format!("no OCFL object here: the directory cannot be read ({reason})"));
                return;
            }
        };
        // The declaration.
        let declarations: Vec<&super::Entry> = entries.iter().filter(|e| e.name.starts_with("0=")).collect();
        let mut declared = None;
        if declarations.is_empty() {
            self.add("OCFL-E003", "", "the object has no declaration file (0=ocfl_object_1.1)".to_string());
        } else if declarations.len() > 1 {
            let names: Vec<&str> = declarations.iter().map(|e| e.name.as_str()).collect();
            self.add("OCFL-E003", "", format!("the object has more than one declaration file: {}", names.join(", ")));
        }
        for d in &declarations {
            match DECLARATIONS.iter().find(|(name, _)| *name == d.name) {
                Some((_, spec)) => {
                    if declared.is_none_or(|old| *spec > old) {
                        declared = Some(*spec);
                    }
                    self.declaration_contents(d);
                }
                None => self.add(
                    "OCFL-E006",
                    &d.name,
                    format!("`{}` is not an object declaration of OCFL 1.0 or 1.1 (0=ocfl_object_1.1)", d.name),
                ),
            }
        }
        report.declared = declared;
        // The root inventory.
        let Some(root_entry) = entries.iter().find(|e| e.name == "inventory.json") else {
            self.add("OCFL-E063", "", "the object root has no inventory.json".to_string());
            return;
        };
        match root_entry.kind {
            EntryKind::File => {}
            EntryKind::Symlink => {
                self.add(
                    "OCFL-E090",
                    "inventory.json",
                    "is a symbolic link; links must not be used in OCFL".to_string(),
                );
                return;
            }
            _ => {
                self.add("OCFL-E033", "inventory.json", "the inventory is not a regular file".to_string());
                return;
            }
        }
        let bytes = match read_regular(&self.path.join("inventory.json"), MAX_INVENTORY) {
            Ok(b) => b,
            Err(why) => {
                self.add("OCFL-E033", "inventory.json", format!("the inventory cannot be read: {why}"));
                return;
            }
        };
        let spec = declared.unwrap_or(SpecVersion::V1_1);
        let shown_inventory = join(self.shown, "inventory.json");
        let (found, inv) = inventory::check(&bytes, &inventory::Context { shown: &shown_inventory, spec });
        self.findings.extend(found);
        let sidecar_algorithm = sidecar_algorithm_of(inv.as_ref());
        let sidecar_name = format!("inventory.json.{}", sidecar_algorithm.name());
        let kind_in = |entries: &[super::Entry], name: &str| entries.iter().find(|e| e.name == name).map(|e| e.kind);
        self.sidecar("", kind_in(&entries, &sidecar_name), &bytes, sidecar_algorithm);
        let Some(inv) = inv else { return };
        if let (Some(declared), Some(typed)) = (declared, inv.spec)
            && declared != typed
        {
            self.add(
                "OCFL-E038",
                "inventory.json",
                format!(
                    "type is the inventory of OCFL {}, but the object declares OCFL {}",
                    typed.number(),
                    declared.number()
                ),
            );
        }
        report.id = inv.id.clone();
        report.head_state = Some(head_state(&inv));
        // The object root's entries.
        let version_names: BTreeSet<&str> = inv.versions.iter().map(|v| v.name.as_str()).collect();
        for e in &entries {
            let name = e.name.as_str();
            if e.kind == EntryKind::Symlink {
                self.add("OCFL-E090", name, "is a symbolic link; links must not be used in OCFL".to_string());
                continue;
            }
            if !e.utf8 {
                self.add("OCFL-E001", name, "the object root holds an entry whose name is not UTF-8".to_string());
                continue;
            }
            match e.kind {
                EntryKind::File => {
                    if !(name == "inventory.json" || name == sidecar_name || name.starts_with("0=")) {
                        let what = if is_version_like(name) || name.starts_with("inventory.json.") {
                            format!("an unexpected file `{name}` (a version or a sidecar must be what the inventory says)")
                        } else {
                            format!("an unexpected file `{name}`")
                        };
                        self.add("OCFL-E001", name, format!("the object root holds {what}"));
                    }
                }
                EntryKind::Dir => {
                    if version_names.contains(name) || name == "logs" {
                    } else if name == "extensions" {
                        self.extensions();
                    } else if is_version_like(name) {
                        self.add(
                            "OCFL-E046",
                            name,
                            format!("directory `{name}` looks like a version directory but is not a version of the inventory"),
                        );
                    } else if super::detect(&self.path.join(name)) == Some(super::Kind::Object) {
                        self.add(
                            "OCFL-E001",
                            name,
                            format!("the object root holds directory `{name}`, another object: objects must not be nested"),
                        );
                    } else {
                        self.add("OCFL-E001", name, format!("the object root holds an unexpected directory `{name}`"));
                    }
                }
                _ => self.add(
                    "OCFL-E090",
                    name,
                    "is neither a file nor a directory (a device, socket or pipe); OCFL holds only files and directories"
                        .to_string(),
                ),
            }
        }
        // Version directories and their inventories.
        let mut prior_expected: BTreeMap<String, Vec<Expected>> = BTreeMap::new();
        let mut on_disk: BTreeSet<String> = BTreeSet::new();
        let mut previous_spec: Option<(String, SpecVersion)> = None;
        let last = inv.versions.last().map(|v| v.name.clone());
        for (i, version) in inv.versions.iter().enumerate() {
            let v = version.name.as_str();
            let dir = self.path.join(v);
            match entries.iter().find(|e| e.name == v).map(|e| e.kind) {
                Some(EntryKind::Dir) => {}
                Some(EntryKind::Symlink) => continue,
                _ => {
                    self.add("OCFL-E046", v, format!("version `{v}` of the inventory has no version directory"));
                    continue;
                }
            }
            let version_entries = match list(&dir) {
                Ok(e) => e,
                Err(e) => {
                    self.findings.push(unreadable(join(self.shown, v), crate::output::io_reason(&e)));
                    continue;
                }
            };
            let inner_inventory = format!("{v}/inventory.json");
            let inventory_kind = kind_in(&version_entries, "inventory.json");
            let has_inventory = inventory_kind.is_some();
            let mut version_sidecar = None;
            let this_spec;
            if !has_inventory {
                self.add("OCFL-W010", v, format!("version directory `{v}` has no inventory.json"));
                this_spec = None;
            } else if inventory_kind != Some(EntryKind::File) {
                let what = if inventory_kind == Some(EntryKind::Symlink) {
                    ("OCFL-E090", "is a symbolic link; links must not be used in OCFL")
                } else {
                    ("OCFL-E033", "the inventory is not a regular file")
                };
                self.add(what.0, &inner_inventory, what.1.to_string());
                this_spec = None;
            } else if Some(version.name.clone()) == last {
                this_spec = inv.spec;
                version_sidecar = Some(sidecar_name.clone());
                match read_regular(&dir.join("inventory.json"), MAX_INVENTORY) {
                    Ok(version_bytes) if version_bytes == bytes => {
                        self.sidecar(v, kind_in(&version_entries, &sidecar_name), &version_bytes, sidecar_algorithm);
                    }
                    Ok(version_bytes) => {
                        self.add(
                            "OCFL-E064",
                            &inner_inventory,
                            format!("the inventory of the head version `{v}` differs from the root inventory.json"),
                        );
                        let algorithm = digest_algorithm_of(&version_bytes).unwrap_or(sidecar_algorithm);
                        let name = format!("inventory.json.{}", algorithm.name());
                        self.sidecar(v, kind_in(&version_entries, &name), &version_bytes, algorithm);
                        version_sidecar = Some(name);
                    }
                    Err(why) => self.add("OCFL-E033", &inner_inventory, format!("the inventory cannot be read: {why}")),
                }
            } else {
                match read_regular(&dir.join("inventory.json"), MAX_INVENTORY) {
                    Ok(version_bytes) => {
                        let shown_version = join(self.shown, &inner_inventory);
                        let (found, prior) =
                            inventory::check(&version_bytes, &inventory::Context { shown: &shown_version, spec });
                        self.findings.extend(found);
                        let algorithm = sidecar_algorithm_of(prior.as_ref());
                        let name = format!("inventory.json.{}", algorithm.name());
                        self.sidecar(v, kind_in(&version_entries, &name), &version_bytes, algorithm);
                        version_sidecar = Some(name);
                        this_spec = prior.as_ref().and_then(|p| p.spec);
                        if let Some(prior) = prior {
                            self.prior_version(&inv, &prior, v, i == 0);
                            collect_prior(&prior, &inner_inventory, &mut prior_expected);
                        }
                    }
                    Err(why) => {
                        self.add("OCFL-E033", &inner_inventory, format!("the inventory cannot be read: {why}"));
                        this_spec = None;
                    }
                }
            }
            if let Some(this) = this_spec {
                if let Some((previous_name, previous)) = &previous_spec
                    && this < *previous
                {
                    self.add(
                        "OCFL-E103",
                        &inner_inventory,
                        format!(
                            "version `{v}` conforms to OCFL {}, earlier than OCFL {} of version `{previous_name}`",
                            this.number(),
                            previous.number()
                        ),
                    );
                }
                previous_spec = Some((v.to_string(), this));
            }
            self.version_directory(v, &dir, &version_entries, version_sidecar.as_deref(), &inv, &mut on_disk);
        }
        // Content on disk against the root inventory.
        for (path, digest) in &inv.manifest {
            if !on_disk.contains(path) {
                self.add(
                    "OCFL-E092",
                    path,
                    format!(
                        "the manifest lists content path `{path}` (digest {digest}), but no such file is in the object"
                    ),
                );
            }
        }
        for (path, values) in &inv.fixity {
            if !on_disk.contains(path) && inv.manifest.contains_key(path) {
                for (algorithm, _) in values {
                    self.add(
                        "OCFL-E093",
                        path,
                        format!(
                            "the {} fixity block lists `{path}`, but no such file is in the object",
                            algorithm.name()
                        ),
                    );
                }
            }
        }
        let extra: Vec<&String> = on_disk.iter().filter(|p| !inv.manifest.contains_key(*p)).collect();
        for path in extra {
            self.add("OCFL-E023", path, format!("content file `{path}` is not in the manifest of inventory.json"));
        }
        if options.check_digests {
            self.digests(&inv, &on_disk, &prior_expected);
        }
    }

    /// The declaration holds its name after `0=`, and a newline.
    fn declaration_contents(&mut self, entry: &super::Entry) {
        if entry.kind == EntryKind::Symlink {
            self.add("OCFL-E090", &entry.name, "is a symbolic link; links must not be used in OCFL".to_string());
            return;
        }
        let expected = format!("{}\n", &entry.name[2..]);
        if entry.kind != EntryKind::File {
            self.add("OCFL-E007", &entry.name, "the declaration is not a regular file".to_string());
            return;
        }
        match read_regular(&self.path.join(&entry.name), 4096) {
            Ok(text) if text == expected.as_bytes() => {}
            Ok(text) => self.add(
                "OCFL-E007",
                &entry.name,
                format!(
                    "the declaration holds {:?}, not {:?}",
                    String::from_utf8_lossy(&text[..text.len().min(80)]),
                    expected
                ),
            ),
            Err(why) => self.add("OCFL-E007", &entry.name, format!("the declaration cannot be read: {why}")),
        }
    }

    /// The sidecar of the inventory in `dir` (`""` for the object root), whose bytes are given;
    /// `kind` is what the directory listing says the sidecar is, if it is there.
    fn sidecar(&mut self, dir: &str, kind: Option<EntryKind>, inventory_bytes: &[u8], algorithm: Algorithm) {
        let name = format!("inventory.json.{}", algorithm.name());
        let inner = if dir.is_empty() { name.clone() } else { format!("{dir}/{name}") };
        let path = self.path.join(&inner);
        match kind {
            None => {
                let place = if dir.is_empty() { "the object root".to_string() } else { format!("version `{dir}`") };
                self.add("OCFL-E058", &inner, format!("the inventory of {place} has no sidecar {name}"));
                return;
            }
            Some(EntryKind::Symlink) => {
                self.add("OCFL-E090", &inner, "is a symbolic link; links must not be used in OCFL".to_string());
                return;
            }
            Some(EntryKind::File) => {}
            Some(_) => {
                self.add("OCFL-E061", &inner, "the sidecar is not a regular file".to_string());
                return;
            }
        }
        let text = match read_regular(&path, 4096) {
            Ok(t) => t,
            Err(why) => {
                self.add("OCFL-E061", &inner, format!("the sidecar cannot be read: {why}"));
                return;
            }
        };
        let text = String::from_utf8_lossy(&text);
        let line = text.lines().next().unwrap_or_default();
        let mut parts = line.split_ascii_whitespace();
        let (Some(recorded), Some("inventory.json"), None) = (parts.next(), parts.next(), parts.next()) else {
            self.add(
                "OCFL-E061",
                &inner,
                format!(
                    "the sidecar holds {:?}, not `DIGEST inventory.json`",
                    line.chars().take(200).collect::<String>()
                ),
            );
            return;
        };
        if !algorithm.is_well_formed(recorded) {
            self.add("OCFL-E061", &inner, format!("the sidecar's `{recorded}` is not a {} digest", algorithm.name()));
            return;
        }
        let actual = digest::bytes_digest(inventory_bytes, algorithm);
        if algorithm.normalize(recorded) != actual {
            self.add(
                "OCFL-E060",
                &inner,
                format!("the sidecar records {} digest {recorded}, but the inventory's is {actual}", algorithm.name()),
            );
        }
    }

    /// The object's `extensions/` directory: extension directories only, registered ones.
    fn extensions(&mut self) {
        let entries = match list(&self.path.join("extensions")) {
            Ok(e) => e,
            Err(e) => {
                self.findings.push(unreadable(join(self.shown, "extensions"), crate::output::io_reason(&e)));
                return;
            }
        };
        for e in entries {
            let inner = format!("extensions/{}", e.name);
            match e.kind {
                EntryKind::Dir => {
                    if !super::REGISTERED_EXTENSIONS.contains(&e.name.as_str()) {
                        self.add(
                            "OCFL-W013",
                            &inner,
                            format!("extension directory `{}` is not a registered extension", e.name),
                        );
                    }
                }
                EntryKind::Symlink => {
                    self.add("OCFL-E090", &inner, "is a symbolic link; links must not be used in OCFL".to_string())
                }
                _ => self.add(
                    "OCFL-E067",
                    &inner,
                    format!("the extensions directory holds `{}`, which is not an extension directory", e.name),
                ),
            }
        }
    }

    /// A version inventory that is not the head's, as a prior version of the root inventory.
    fn prior_version(&mut self, root: &Inventory, prior: &Inventory, v: &str, first: bool) {
        let inner = format!("{v}/inventory.json");
        if let (Some(root_id), Some(id)) = (&root.id, &prior.id)
            && root_id != id
        {
            self.add("OCFL-E037", &inner, format!("id is `{id}`, but the root inventory's is `{root_id}`"));
        }
        if let Some(head) = &prior.head
            && head != v
        {
            self.add("OCFL-E040", &inner, format!("head is `{head}` in the inventory of version directory `{v}`"));
        }
        if first && root.content_directory_set && !prior.content_directory_set {
            self.add(
                "OCFL-E019",
                &inner,
                format!(
                    "the root inventory sets contentDirectory `{}`, but the first version's does not",
                    root.content_directory
                ),
            );
        } else if prior.content_directory != root.content_directory {
            self.add(
                "OCFL-E020",
                &inner,
                format!(
                    "contentDirectory is `{}` here but `{}` in the root inventory",
                    prior.content_directory, root.content_directory
                ),
            );
        }
        let missing: Vec<&str> =
            prior.manifest.keys().filter(|p| !root.manifest.contains_key(*p)).map(String::as_str).collect();
        if !missing.is_empty() {
            self.add(
                "OCFL-E023",
                &inner,
                format!("content paths of this manifest are missing from the root manifest: {}", missing.join(", ")),
            );
        }
        // An inventory of version N lists all content of versions 1 to N.
        let number = root.version(v).map(|x| x.number).unwrap_or(0);
        let missing: Vec<&str> = root
            .manifest
            .keys()
            .filter(|p| {
                let dir = p.split('/').next().unwrap_or_default();
                root.version(dir).is_some_and(|x| x.number <= number) && !prior.manifest_paths_raw.contains(*p)
            })
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            self.add(
                "OCFL-E023",
                &inner,
                format!(
                    "the manifest lacks content of versions up to `{v}` that the root manifest lists: {}",
                    missing.join(", ")
                ),
            );
        }
        // The versions of the prior inventory, as the root inventory describes them.
        for version in &prior.versions {
            let name = version.name.as_str();
            let Some(current) = root.version(name) else {
                self.add("OCFL-E066", &inner, format!("holds version `{name}`, which the root inventory does not"));
                continue;
            };
            let prior_map = prior.logical_map(name);
            let current_map = root.logical_map(name);
            let only_prior: Vec<&str> = prior_map.keys().filter(|k| !current_map.contains_key(*k)).copied().collect();
            let only_current: Vec<&str> = current_map.keys().filter(|k| !prior_map.contains_key(*k)).copied().collect();
            if !only_prior.is_empty() {
                self.add(
                    "OCFL-E066",
                    &inner,
                    format!(
                        "version `{name}` has logical paths the root inventory's does not: {}",
                        only_prior.join(", ")
                    ),
                );
            }
            if !only_current.is_empty() {
                self.add(
                    "OCFL-E066",
                    &inner,
                    format!(
                        "version `{name}` lacks logical paths the root inventory's has: {}",
                        only_current.join(", ")
                    ),
                );
            }
            for (logical, contents) in &prior_map {
                let Some(current_contents) = current_map.get(logical) else { continue };
                if !contents.is_subset(current_contents) {
                    self.add(
                        "OCFL-E066",
                        &inner,
                        format!(
                            "version `{name}`: logical path `{logical}` is content {} here, but {} in the root inventory",
                            join_set(contents),
                            join_set(current_contents)
                        ),
                    );
                } else if prior.algorithm.is_some()
                    && prior.algorithm == root.algorithm
                    && version.state.get(*logical) != current.state.get(*logical)
                {
                    self.add(
                        "OCFL-E066",
                        &inner,
                        format!(
                            "version `{name}`: logical path `{logical}` has digest {} here, but {} in the root inventory",
                            version.state.get(*logical).map(String::as_str).unwrap_or("none"),
                            current.state.get(*logical).map(String::as_str).unwrap_or("none")
                        ),
                    );
                }
            }
            for (key, ours, theirs) in [
                ("created", &version.created, &current.created),
                ("message", &version.message, &current.message),
                ("user", &version.user, &current.user),
            ] {
                if ours != theirs {
                    self.add("OCFL-W011", &inner, format!("version `{name}`: {key} differs from the root inventory's"));
                }
            }
        }
    }

    /// A version directory's entries and its content files (added to `on_disk`).
    fn version_directory(
        &mut self,
        v: &str,
        dir: &Path,
        entries: &[super::Entry],
        sidecar: Option<&str>,
        inv: &Inventory,
        on_disk: &mut BTreeSet<String>,
    ) {
        for e in entries {
            let inner = format!("{v}/{}", e.name);
            if e.kind == EntryKind::Symlink {
                self.add("OCFL-E090", &inner, "is a symbolic link; links must not be used in OCFL".to_string());
                continue;
            }
            if e.name == "inventory.json" || Some(e.name.as_str()) == sidecar {
                continue;
            }
            match e.kind {
                EntryKind::Dir if e.name == inv.content_directory => {
                    let files = self.content_directory(&dir.join(&e.name), &inner, on_disk);
                    if files == 0 {
                        self.add("OCFL-W003", &inner, format!("the content directory of version `{v}` is empty"));
                    }
                }
                EntryKind::Dir => self.add(
                    "OCFL-W002",
                    &inner,
                    format!("version directory `{v}` holds directory `{}`, not its content directory", e.name),
                ),
                _ => self.add(
                    "OCFL-E015",
                    &inner,
                    format!("version directory `{v}` holds `{}`; only its inventory and sidecar belong there", e.name),
                ),
            }
        }
    }

    /// Walks a content directory (no links followed); returns how many files it holds.
    fn content_directory(&mut self, dir: &Path, inner: &str, on_disk: &mut BTreeSet<String>) -> usize {
        let mut files = 0;
        let mut stack = vec![(dir.to_path_buf(), inner.to_string())];
        while let Some((path, inner)) = stack.pop() {
            let entries = match list(&path) {
                Ok(e) => e,
                Err(e) => {
                    self.findings.push(unreadable(join(self.shown, &inner), crate::output::io_reason(&e)));
                    continue;
                }
            };
            if entries.is_empty() && path != dir {
                self.add("OCFL-E024", &inner, "an empty directory inside a content directory".to_string());
            }
            for e in entries {
                let child = format!("{inner}/{}", e.name);
                match e.kind {
                    EntryKind::File => {
                        files += 1;
                        on_disk.insert(child);
                    }
                    EntryKind::Dir => stack.push((path.join(&e.name), child)),
                    EntryKind::Symlink => {
                        files += 1;
                        self.add("OCFL-E090", &child, "is a symbolic link; links must not be used in OCFL".to_string())
                    }
                    EntryKind::Other => {
                        files += 1;
                        self.add("OCFL-E090", &child, "is neither a file nor a directory".to_string())
                    }
                }
            }
        }
        files
    }

    /// Every digest recorded for every content file, each file read once, in parallel.
    fn digests(&mut self, inv: &Inventory, on_disk: &BTreeSet<String>, prior: &BTreeMap<String, Vec<Expected>>) {
        let mut work: Vec<(&str, Vec<Expected>)> = Vec::new();
        for (path, digest) in &inv.manifest {
            if !on_disk.contains(path) {
                continue;
            }
            let mut expected = Vec::new();
            if let Some(algorithm) = inv.algorithm {
                expected.push(Expected {
                    algorithm,
                    digest: digest.clone(),
                    code: "OCFL-E092",
                    source: "the manifest of inventory.json".to_string(),
                });
            }
            for (algorithm, digest) in inv.fixity.get(path).into_iter().flatten() {
                expected.push(Expected {
                    algorithm: *algorithm,
                    digest: digest.clone(),
                    code: "OCFL-E093",
                    source: format!("the {} fixity block of inventory.json", algorithm.name()),
                });
            }
            expected.extend(prior.get(path).into_iter().flatten().cloned());
            // One expectation per (code, algorithm, digest), naming every inventory block that
            // records it: an unchanged file of v1 is in every later inventory too.
            let mut merged: Vec<Expected> = Vec::new();
            for e in expected {
                match merged.iter_mut().find(|m| m.code == e.code && m.algorithm == e.algorithm && m.digest == e.digest)
                {
                    Some(m) => {
                        m.source.push_str(", ");
                        m.source.push_str(&e.source);
                    }
                    None => merged.push(e),
                }
            }
            let expected = merged;
            if !expected.is_empty() {
                work.push((path.as_str(), expected));
            }
        }
        let shown = self.shown;
        let base = self.path;
        let found: Vec<Finding> = work
            .par_iter()
            .flat_map_iter(|(path, expected)| {
                let mut algorithms: Vec<Algorithm> = expected.iter().map(|e| e.algorithm).collect();
                algorithms.sort();
                algorithms.dedup();
                let file = join(shown, path);
                match digest::file_digests(&base.join(path), &algorithms) {
                    Err(e) => vec![unreadable(file, crate::output::io_reason(&e))],
                    Ok(actual) => expected
                        .iter()
                        .filter_map(|e| {
                            let (_, got) = actual.iter().find(|(a, _)| *a == e.algorithm)?;
                            (*got != e.digest).then(|| {
                                finding(
                                    e.code,
                                    file.clone(),
                                    format!(
                                        "the file's {} digest is {got}, but {} records {}",
                                        e.algorithm.name(),
                                        e.source,
                                        e.digest
                                    ),
                                )
                            })
                        })
                        .collect(),
                }
            })
            .collect();
        self.findings.extend(found);
    }
}

/// The digests an earlier version's inventory records (manifest and fixity), by content path.
fn collect_prior(prior: &Inventory, inner: &str, out: &mut BTreeMap<String, Vec<Expected>>) {
    if let Some(algorithm) = prior.algorithm {
        for (path, digest) in &prior.manifest {
            out.entry(path.clone()).or_default().push(Expected {
                algorithm,
                digest: digest.clone(),
                code: "OCFL-E092",
                source: format!("the manifest of {inner}"),
            });
        }
    }
    for (path, values) in &prior.fixity {
        for (algorithm, digest) in values {
            out.entry(path.clone()).or_default().push(Expected {
                algorithm: *algorithm,
                digest: digest.clone(),
                code: "OCFL-E093",
                source: format!("the {} fixity block of {inner}", algorithm.name()),
            });
        }
    }
}

/// The head version's state, logical path to the first content path of its digest.
fn head_state(inv: &Inventory) -> BTreeMap<String, String> {
    let Some(head) = inv.versions.last() else { return BTreeMap::new() };
    head.state
        .iter()
        .filter_map(|(logical, digest)| {
            let content = inv.manifest_digests.get(digest)?.first()?;
            Some((logical.clone(), content.clone()))
        })
        .collect()
}

/// The algorithm of an inventory's sidecar: its digestAlgorithm when newsarc knows it (md5 too,
/// so an md5 inventory's sidecar is found), else sha512.
fn sidecar_algorithm_of(inv: Option<&Inventory>) -> Algorithm {
    inv.and_then(|i| i.algorithm.or_else(|| i.algorithm_name.as_deref().and_then(Algorithm::from_name)))
        .filter(|a| !a.name().contains('/'))
        .unwrap_or(Algorithm::Sha512)
}

/// The digestAlgorithm of inventory bytes, if they say a known one.
fn digest_algorithm_of(bytes: &[u8]) -> Option<Algorithm> {
    let value: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    Algorithm::from_name(value.get("digestAlgorithm")?.as_str()?).filter(|a| !a.name().contains('/'))
}

/// `v` followed by digits: a name that can only be meant as a version directory.
fn is_version_like(name: &str) -> bool {
    name.len() > 1 && name.starts_with('v') && name[1..].bytes().all(|b| b.is_ascii_digit())
}

fn join_set(set: &BTreeSet<&str>) -> String {
    if set.is_empty() { "none".to_string() } else { set.iter().copied().collect::<Vec<_>>().join(", ") }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use serde_json::json;
    use std::fs;

    /// Writes a one-version object holding `a.txt` = "hello\n", its id from its folder's name.
    pub(crate) fn write_object(dir: &Path, spec: &str) {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        write_object_with_id(dir, spec, &format!("urn:example:{name}"));
    }

    pub(crate) fn write_object_with_id(dir: &Path, spec: &str, id: &str) {
        fs::create_dir_all(dir.join("v1/content")).unwrap();
        fs::write(dir.join(format!("0=ocfl_object_{spec}")), format!("ocfl_object_{spec}\n")).unwrap();
        fs::write(dir.join("v1/content/a.txt"), "hello\n").unwrap();
        let digest = digest::bytes_digest(b"hello\n", Algorithm::Sha512);
        let inv = json!({
            "id": id,
            "type": format!("https://ocfl.io/{spec}/spec/#inventory"),
            "digestAlgorithm": "sha512",
            "head": "v1",
            "manifest": { digest.clone(): ["v1/content/a.txt"] },
            "fixity": { "md5": { digest::bytes_digest(b"hello\n", Algorithm::Md5): ["v1/content/a.txt"] } },
            "versions": { "v1": {
                "created": "2024-01-02T03:04:05Z",
                "message": "first",
                "user": { "name": "A", "address": "mailto:a@example.org" },
                "state": { digest: ["a.txt"] }
            }}
        });
        write_inventory(dir, &serde_json::to_vec_pretty(&inv).unwrap());
    }

    fn write_inventory(dir: &Path, bytes: &[u8]) {
        for d in [dir.to_path_buf(), dir.join("v1")] {
            fs::write(d.join("inventory.json"), bytes).unwrap();
            let sidecar = format!("{} inventory.json\n", digest::bytes_digest(bytes, Algorithm::Sha512));
            fs::write(d.join("inventory.json.sha512"), sidecar).unwrap();
        }
    }

    fn codes(dir: &Path, check_digests: bool) -> Vec<&'static str> {
        let mut c: Vec<&str> = check(dir, "obj", &Options { check_digests }).findings.iter().map(|f| f.code).collect();
        c.dedup();
        c
    }

    #[test]
    fn a_good_object_is_clean_and_gives_its_head_state() {
        let t = tempfile::tempdir().unwrap();
        write_object_with_id(t.path(), "1.1", "urn:example:obj");
        let report = check(t.path(), "obj", &Options::default());
        assert_eq!(report.findings, vec![]);
        assert_eq!(report.id.as_deref(), Some("urn:example:obj"));
        assert_eq!(report.declared, Some(SpecVersion::V1_1));
        assert_eq!(report.head_state.unwrap()["a.txt"], "v1/content/a.txt");
    }

    #[test]
    fn content_and_fixity_digests_are_checked_only_when_asked() {
        let t = tempfile::tempdir().unwrap();
        write_object(t.path(), "1.1");
        fs::write(t.path().join("v1/content/a.txt"), "hellO\n").unwrap();
        assert_eq!(codes(t.path(), true), ["OCFL-E092", "OCFL-E093"]);
        assert_eq!(codes(t.path(), false), Vec::<&str>::new());
        let f = check(t.path(), "obj", &Options::default()).findings;
        assert_eq!(f[0].file, "obj/v1/content/a.txt");
    }

    #[test]
    fn sidecar_is_checked_even_without_content_digests() {
        let t = tempfile::tempdir().unwrap();
        write_object(t.path(), "1.1");
        fs::write(t.path().join("inventory.json.sha512"), format!("{} inventory.json\n", "0".repeat(128))).unwrap();
        assert_eq!(codes(t.path(), false), ["OCFL-E060"]);
        fs::write(t.path().join("inventory.json.sha512"), "nonsense").unwrap();
        assert_eq!(codes(t.path(), false), ["OCFL-E061"]);
        fs::remove_file(t.path().join("inventory.json.sha512")).unwrap();
        assert_eq!(codes(t.path(), false), ["OCFL-E058"]);
    }

    #[test]
    fn a_sidecar_of_long_multibyte_text_is_a_finding() {
        let t = tempfile::tempdir().unwrap();
        write_object(t.path(), "1.1");
        fs::write(t.path().join("inventory.json.sha512"), "é".repeat(300)).unwrap();
        assert_eq!(codes(t.path(), false), ["OCFL-E061"]);
    }

    #[test]
    fn declaration_rules() {
        let t = tempfile::tempdir().unwrap();
        write_object(t.path(), "1.1");
        fs::write(t.path().join("0=ocfl_object_1.1"), "ocfl_object_1.1").unwrap();
        assert_eq!(codes(t.path(), true), ["OCFL-E007"]);
        fs::remove_file(t.path().join("0=ocfl_object_1.1")).unwrap();
        assert_eq!(codes(t.path(), true), ["OCFL-E003"]);
        fs::write(t.path().join("0=ocfl_object_1.0"), "ocfl_object_1.0\n").unwrap();
        assert_eq!(codes(t.path(), true), ["OCFL-E038"], "declared 1.0, inventory of 1.1");
    }

    #[test]
    fn object_root_entries() {
        let t = tempfile::tempdir().unwrap();
        write_object(t.path(), "1.1");
        fs::write(t.path().join("README"), "x").unwrap();
        fs::create_dir_all(t.path().join("v2/content")).unwrap();
        fs::create_dir_all(t.path().join("logs")).unwrap();
        fs::create_dir_all(t.path().join("extensions/0005-mutable-head")).unwrap();
        fs::create_dir_all(t.path().join("extensions/my-own")).unwrap();
        fs::write(t.path().join("extensions/stray.txt"), "x").unwrap();
        let mut got = codes(t.path(), true);
        got.sort();
        assert_eq!(got, ["OCFL-E001", "OCFL-E046", "OCFL-E067", "OCFL-W013"]);
        fs::remove_file(t.path().join("README")).unwrap();
        write_object(&t.path().join("inner"), "1.1");
        let f = check(t.path(), "obj", &Options::default()).findings;
        let nested: Vec<&str> = f.iter().filter(|f| f.code == "OCFL-E001").map(|f| f.message.as_str()).collect();
        assert_eq!(nested.len(), 1);
        assert!(nested[0].contains("another object"), "{nested:?}");
    }

    #[test]
    fn version_directory_rules() {
        let t = tempfile::tempdir().unwrap();
        write_object(t.path(), "1.1");
        fs::write(t.path().join("v1/notes.txt"), "x").unwrap();
        fs::create_dir_all(t.path().join("v1/other")).unwrap();
        fs::create_dir_all(t.path().join("v1/content/empty")).unwrap();
        fs::write(t.path().join("v1/content/extra.txt"), "x").unwrap();
        let mut got = codes(t.path(), true);
        got.sort();
        assert_eq!(got, ["OCFL-E015", "OCFL-E023", "OCFL-E024", "OCFL-W002"]);
    }

    #[test]
    fn missing_content_and_version_inventory() {
        let t = tempfile::tempdir().unwrap();
        write_object(t.path(), "1.1");
        fs::remove_file(t.path().join("v1/content/a.txt")).unwrap();
        let mut got = codes(t.path(), true);
        got.sort();
        assert_eq!(got, ["OCFL-E092", "OCFL-E093", "OCFL-W003"]);
        fs::remove_file(t.path().join("v1/inventory.json")).unwrap();
        fs::remove_file(t.path().join("v1/inventory.json.sha512")).unwrap();
        assert!(codes(t.path(), true).contains(&"OCFL-W010"));
    }

    #[test]
    fn head_inventory_must_be_the_root_one() {
        let t = tempfile::tempdir().unwrap();
        write_object(t.path(), "1.1");
        let mut bytes = fs::read(t.path().join("v1/inventory.json")).unwrap();
        bytes.push(b'\n');
        fs::write(t.path().join("v1/inventory.json"), &bytes).unwrap();
        let sidecar = format!("{} inventory.json\n", digest::bytes_digest(&bytes, Algorithm::Sha512));
        fs::write(t.path().join("v1/inventory.json.sha512"), sidecar).unwrap();
        assert_eq!(codes(t.path(), true), ["OCFL-E064"]);
    }

    #[test]
    #[cfg(unix)]
    fn symbolic_links_are_findings_and_never_followed() {
        let t = tempfile::tempdir().unwrap();
        write_object(t.path(), "1.1");
        let outside = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("secret"), "x").unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret"), t.path().join("v1/content/link")).unwrap();
        std::os::unix::fs::symlink(outside.path(), t.path().join("v1/content/dirlink")).unwrap();
        let f = check(t.path(), "obj", &Options::default()).findings;
        let links: Vec<&str> = f.iter().filter(|f| f.code == "OCFL-E090").map(|f| f.file.as_str()).collect();
        assert_eq!(links, ["obj/v1/content/dirlink", "obj/v1/content/link"]);
    }

    #[test]
    #[cfg(unix)]
    fn hostile_inventories_are_findings() {
        let t = tempfile::tempdir().unwrap();
        write_object(t.path(), "1.1");
        // Over the cap: refused by its size, never read (a sparse file).
        let big = fs::File::create(t.path().join("inventory.json")).unwrap();
        big.set_len(MAX_INVENTORY + 1).unwrap();
        let f = check(t.path(), "obj", &Options::default()).findings;
        assert_eq!(f.iter().map(|f| f.code).collect::<Vec<_>>(), ["OCFL-E033"]);
        assert!(f[0].message.contains("over newsarc's limit"), "{}", f[0].message);
        // A link in its place is not followed.
        fs::remove_file(t.path().join("inventory.json")).unwrap();
        std::os::unix::fs::symlink(t.path().join("v1/inventory.json"), t.path().join("inventory.json")).unwrap();
        assert_eq!(codes(t.path(), true), ["OCFL-E090"]);
        // Not JSON: nothing further can be read from it, but the sidecar is still checked.
        fs::remove_file(t.path().join("inventory.json")).unwrap();
        fs::write(t.path().join("inventory.json"), b"\xff\xfe not json").unwrap();
        assert_eq!(codes(t.path(), true), ["OCFL-E033", "OCFL-E060"]);
    }

    #[test]
    #[cfg(unix)]
    fn a_content_name_that_is_not_utf8_is_outside_the_manifest() {
        use std::os::unix::ffi::OsStrExt;
        let t = tempfile::tempdir().unwrap();
        write_object(t.path(), "1.1");
        let name = std::ffi::OsStr::from_bytes(b"caf\xe9.txt");
        fs::write(t.path().join("v1/content").join(name), "x").unwrap();
        let f = check(t.path(), "obj", &Options::default()).findings;
        assert_eq!(f.len(), 1);
        assert_eq!((f[0].code, f[0].file.as_str()), ("OCFL-E023", "obj/v1/content/caf\u{fffd}.txt"));
    }

    #[test]
    fn nothing_there() {
        let t = tempfile::tempdir().unwrap();
        assert_eq!(codes(t.path(), true), ["OCFL-E003", "OCFL-E063"]);
        assert_eq!(codes(&t.path().join("missing"), true), ["OCFL-E003"]);
    }
}
