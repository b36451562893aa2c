//! One OCFL inventory (`inventory.json`) checked alone, without looking at any other file.
//!
//! The document is read as untyped JSON ([`serde_json::Value`]), never into a strict model, so
//! that every defect is a finding rather than a parse error: the keys and their types, `id`,
//! `type`, `digestAlgorithm`, `head`, `contentDirectory`, the manifest (digest forms and case,
//! duplicate digests, content path rules), the versions (numbering and zero padding, `created`,
//! `message`, `user`, each state and its logical paths) and the fixity block.
//!
//! [`check`] returns the findings and, when the document is a JSON object, an [`Inventory`]: what
//! the object layer needs (content paths with their digests, the versions in order, fixity
//! values), holding only the parts that passed their checks.

use super::digest::Algorithm;
use super::{SpecVersion, finding};
use crate::validate::Finding;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// What an inventory says, as far as it could be read.
#[derive(Debug, Clone, Default)]
pub struct Inventory {
    pub id: Option<String>,
    /// The OCFL version its `type` names.
    pub spec: Option<SpecVersion>,
    /// `digestAlgorithm` as written (a string), even when it is not one OCFL allows.
    pub algorithm_name: Option<String>,
    /// The content-addressing algorithm, when it is one OCFL allows (sha512, sha256).
    pub algorithm: Option<Algorithm>,
    pub head: Option<String>,
    /// `contentDirectory`, or `content` when unset (or unusable).
    pub content_directory: String,
    pub content_directory_set: bool,
    /// Each well-formed content path of the manifest with its (normalized) digest.
    pub manifest: BTreeMap<String, String>,
    /// Each normalized manifest digest with its content paths.
    pub manifest_digests: BTreeMap<String, Vec<String>>,
    /// Every digest of the manifest exactly as written (a state must use these strings).
    pub manifest_keys: BTreeSet<String>,
    /// Every content path the manifest lists, well-formed or not.
    pub manifest_paths_raw: BTreeSet<String>,
    /// The versions with usable names, in order of their numbers.
    pub versions: Vec<Version>,
    /// Each content path of the fixity block with its (algorithm, normalized digest) values.
    pub fixity: BTreeMap<String, Vec<(Algorithm, String)>>,
}

/// One version block.
#[derive(Debug, Clone, Default)]
pub struct Version {
    pub name: String,
    pub number: u64,
    pub created: Option<Value>,
    pub message: Option<Value>,
    pub user: Option<Value>,
    /// Each logical path of its state with its (normalized) digest.
    pub state: BTreeMap<String, String>,
    /// Every well-formed digest its state names (normalized), whatever its paths.
    pub state_digests: BTreeSet<String>,
}

impl Inventory {
    /// The version named `name`, if the inventory has it.
    pub fn version(&self, name: &str) -> Option<&Version> {
        // Versions are kept in order of their numbers, so `vN` is at N - 1 when the sequence is
        // continuous (every valid inventory): no search per content path.
        let number: Option<usize> = name.strip_prefix('v').and_then(|d| d.parse().ok());
        if let Some(v) = number.and_then(|n| n.checked_sub(1)).and_then(|i| self.versions.get(i))
            && v.name == name
        {
            return Some(v);
        }
        self.versions.iter().find(|v| v.name == name)
    }

    /// The normalized form of a digest of this inventory's algorithm.
    pub fn normalize(&self, digest: &str) -> String {
        match self.algorithm {
            Some(a) => a.normalize(digest),
            None => digest.to_ascii_lowercase(),
        }
    }

    /// Each logical path of version `name` with the content paths holding its bytes.
    pub fn logical_map(&self, name: &str) -> BTreeMap<&str, BTreeSet<&str>> {
        let Some(version) = self.version(name) else { return BTreeMap::new() };
        version
            .state
            .iter()
            .map(|(logical, digest)| {
                let contents = self
                    .manifest_digests
                    .get(digest)
                    .map(|paths| paths.iter().map(String::as_str).collect())
                    .unwrap_or_default();
                (logical.as_str(), contents)
            })
            .collect()
    }
}

/// Where the inventory is and what to assume when it does not say.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The inventory file as findings show it.
    pub shown: &'a str,
    /// The OCFL version assumed when `type` names none (the object's declaration).
    pub spec: SpecVersion,
}

const TOP_KEYS: &[&str] =
    &["id", "type", "digestAlgorithm", "head", "contentDirectory", "fixity", "manifest", "versions"];
const VERSION_KEYS: &[&str] = &["created", "message", "user", "state"];

/// Checks one inventory document; the summary is `None` when it is not a JSON object at all.
pub fn check(bytes: &[u8], context: &Context) -> (Vec<Finding>, Option<Inventory>) {
    let mut c = Checker { shown: context.shown, findings: Vec::new() };
    let value: Value = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(e) => {
            c.add("OCFL-E033", format!("the inventory is not valid JSON: {e}"));
            return (c.findings, None);
        }
    };
    let Some(doc) = value.as_object() else {
        c.add("OCFL-E033", format!("the inventory is JSON {}, not an object", kind(&value)));
        return (c.findings, None);
    };
    let mut inv = Inventory { content_directory: "content".to_string(), ..Inventory::default() };
    for key in doc.keys() {
        if !TOP_KEYS.contains(&key.as_str()) {
            c.add("OCFL-E102", format!("the inventory has a key the specification does not define: `{key}`"));
        }
    }
    c.id(doc, &mut inv);
    c.spec_type(doc, &mut inv);
    let spec = inv.spec.unwrap_or(context.spec);
    c.algorithm(doc, &mut inv);
    c.content_directory(doc, &mut inv);
    let manifest_raw = c.manifest(doc, &mut inv);
    let versions = match doc.get("versions") {
        None => {
            c.add("OCFL-E041", "the inventory has no `versions` block".to_string());
            None
        }
        Some(Value::Object(map)) => Some(map),
        Some(other) => {
            c.add("OCFL-E044", format!("`versions` is {}, not a JSON object", kind(other)));
            None
        }
    };
    if let Some(versions) = versions {
        c.version_sequence(versions, &mut inv);
        for version in &mut inv.versions {
            if let Some(block) = versions.get(&version.name) {
                c.version_block(block, version, &inv.manifest_keys, inv.algorithm);
            }
        }
    }
    c.head(doc, &inv);
    inv.head = doc.get("head").and_then(Value::as_str).map(str::to_string);
    if let Some(raw) = manifest_raw {
        c.content_paths_in_versions(&raw, &inv);
    }
    // Digests of the manifest no version uses.
    if !inv.versions.is_empty() {
        let used: BTreeSet<&String> = inv.versions.iter().flat_map(|v| &v.state_digests).collect();
        for (digest, paths) in &inv.manifest_digests {
            if !used.contains(digest) {
                c.add(
                    "OCFL-E107",
                    format!("the manifest digest {digest} (of {}) is used by no version's state", paths.join(", ")),
                );
            }
        }
    }
    if let Some(fixity) = doc.get("fixity") {
        c.fixity(fixity, spec, &mut inv);
    }
    (c.findings, Some(inv))
}

struct Checker<'a> {
    shown: &'a str,
    findings: Vec<Finding>,
}

/// A content path as the manifest lists it, with what its checks found.
struct RawPath {
    path: String,
    /// It passed the path rules (E099, E100, E101) and names the content directory.
    well_formed: bool,
}

impl Checker<'_> {
    fn add(&mut self, code: &'static str, message: String) {
        self.findings.push(finding(code, self.shown.to_string(), message));
    }

    fn id(&mut self, doc: &Map<String, Value>, inv: &mut Inventory) {
        match doc.get("id") {
            None => self.add("OCFL-E036", "the inventory has no `id`".to_string()),
            Some(Value::String(id)) if !id.is_empty() => {
                if !looks_like_uri(id) {
                    self.add("OCFL-W005", format!("id `{id}` is not a URI"));
                }
                inv.id = Some(id.clone());
            }
            Some(other) => self.add("OCFL-E037", format!("id is {}, not a non-empty string", kind(other))),
        }
    }

    fn spec_type(&mut self, doc: &Map<String, Value>, inv: &mut Inventory) {
        match doc.get("type") {
            None => self.add("OCFL-E036", "the inventory has no `type`".to_string()),
            Some(Value::String(t)) => {
                let number = t.strip_prefix("https://ocfl.io/").and_then(|r| r.strip_suffix("/spec/#inventory"));
                match number.and_then(SpecVersion::from_number) {
                    Some(spec) => inv.spec = Some(spec),
                    None => self.add(
                        "OCFL-E038",
                        format!(
                            "type `{t}` is not the inventory URI of OCFL 1.0 or 1.1 (https://ocfl.io/1.1/spec/#inventory)"
                        ),
                    ),
                }
            }
            Some(other) => self.add("OCFL-E038", format!("type is {}, not a string", kind(other))),
        }
    }

    fn algorithm(&mut self, doc: &Map<String, Value>, inv: &mut Inventory) {
        match doc.get("digestAlgorithm") {
            None => self.add("OCFL-E036", "the inventory has no `digestAlgorithm`".to_string()),
            Some(Value::String(name)) => {
                inv.algorithm_name = Some(name.clone());
                match name.as_str() {
                    "sha512" => inv.algorithm = Some(Algorithm::Sha512),
                    "sha256" => {
                        self.add("OCFL-W004", "digestAlgorithm is sha256; OCFL recommends sha512".to_string());
                        inv.algorithm = Some(Algorithm::Sha256);
                    }
                    _ => self.add("OCFL-E025", format!("digestAlgorithm `{name}` is not sha512 or sha256")),
                }
            }
            Some(other) => self.add("OCFL-E025", format!("digestAlgorithm is {}, not a string", kind(other))),
        }
    }

    fn content_directory(&mut self, doc: &Map<String, Value>, inv: &mut Inventory) {
        match doc.get("contentDirectory") {
            None => {}
            Some(Value::String(cd)) if cd == "." || cd == ".." => {
                self.add("OCFL-E018", format!("contentDirectory is `{cd}`"))
            }
            Some(Value::String(cd)) if cd.is_empty() || cd.contains('/') => {
                self.add("OCFL-E017", format!("contentDirectory `{cd}` is empty or contains `/`"))
            }
            Some(Value::String(cd)) => {
                inv.content_directory = cd.clone();
                inv.content_directory_set = true;
            }
            Some(other) => self.add("OCFL-E017", format!("contentDirectory is {}, not a string", kind(other))),
        }
    }

    /// The manifest's own rules; returns its content paths for the checks that need the versions.
    fn manifest(&mut self, doc: &Map<String, Value>, inv: &mut Inventory) -> Option<Vec<RawPath>> {
        let manifest = match doc.get("manifest") {
            None => {
                self.add("OCFL-E041", "the inventory has no `manifest` block".to_string());
                return None;
            }
            Some(Value::Object(m)) => m,
            Some(other) => {
                self.add("OCFL-E106", format!("manifest is {}, not a JSON object", kind(other)));
                return None;
            }
        };
        let mut raw = Vec::new();
        let mut seen_paths: BTreeSet<String> = BTreeSet::new();
        for (digest, paths) in manifest {
            if let Some(a) = inv.algorithm
                && !a.is_well_formed(digest)
            {
                self.add("OCFL-E025", format!("manifest digest `{digest}` is not a {} digest", a.name()));
                continue;
            }
            let Some(paths) = paths.as_array() else {
                self.add("OCFL-E092", format!("manifest digest {digest} maps to {}, not a list of paths", kind(paths)));
                continue;
            };
            inv.manifest_keys.insert(digest.clone());
            let normalized = inv.normalize(digest);
            // A digest twice (in two cases) is an error; its paths are still checked, and kept
            // under the one digest.
            if inv.manifest_digests.contains_key(&normalized) {
                self.add("OCFL-E096", format!("manifest digest {normalized} appears more than once (in another case)"));
            }
            let mut list = Vec::new();
            for path in paths {
                let Some(path) = path.as_str() else {
                    self.add(
                        "OCFL-E092",
                        format!("manifest digest {digest} lists {}, not a content path string", kind(path)),
                    );
                    continue;
                };
                inv.manifest_paths_raw.insert(path.to_string());
                let mut well_formed = self.content_path_rules(path, &inv.content_directory);
                if !seen_paths.insert(path.to_string()) {
                    self.add("OCFL-E101", format!("content path `{path}` is listed more than once"));
                    well_formed = false;
                }
                if well_formed {
                    inv.manifest.insert(path.to_string(), normalized.clone());
                    list.push(path.to_string());
                }
                raw.push(RawPath { path: path.to_string(), well_formed });
            }
            inv.manifest_digests.entry(normalized).or_default().extend(list);
        }
        // A content path that is also the directory of another.
        for path in &seen_paths {
            for (i, _) in path.match_indices('/') {
                if seen_paths.contains(&path[..i]) {
                    self.add(
                        "OCFL-E101",
                        format!("content path `{}` is a file and also the directory of `{path}`", &path[..i]),
                    );
                }
            }
        }
        Some(raw)
    }

    /// E100, E099 and the shape `vN/<content directory>/...`; true when the path passes them.
    fn content_path_rules(&mut self, path: &str, content_directory: &str) -> bool {
        if path.starts_with('/') || path.ends_with('/') {
            self.add("OCFL-E100", format!("content path `{path}` begins or ends with `/`"));
            return false;
        }
        if let Some(bad) = path.split('/').find(|e| matches!(*e, "" | "." | "..")) {
            let what =
                if bad.is_empty() { "an empty element (`//`)".to_string() } else { format!("the element `{bad}`") };
            self.add("OCFL-E099", format!("content path `{path}` has {what}"));
            return false;
        }
        let elements: Vec<&str> = path.split('/').collect();
        if elements.len() < 3 || !is_version_name(elements[0]) {
            self.add(
                "OCFL-E042",
                format!("content path `{path}` is not a file under a version directory's content directory (vN/{content_directory}/...)"),
            );
            return false;
        }
        if elements[1] != content_directory {
            self.add(
                "OCFL-E042",
                format!("content path `{path}` is not in the content directory `{content_directory}` of its version"),
            );
            return false;
        }
        true
    }

    /// Each well-formed content path names a version of the inventory.
    fn content_paths_in_versions(&mut self, raw: &[RawPath], inv: &Inventory) {
        if inv.versions.is_empty() {
            return;
        }
        for p in raw.iter().filter(|p| p.well_formed) {
            let version = p.path.split('/').next().unwrap_or_default();
            if inv.version(version).is_none() {
                self.add(
                    "OCFL-E042",
                    format!("content path `{}` is in version directory `{version}`, which is not a version of this inventory", p.path),
                );
            }
        }
    }

    fn version_sequence(&mut self, versions: &Map<String, Value>, inv: &mut Inventory) {
        if versions.is_empty() {
            self.add("OCFL-E008", "`versions` is empty: an object has at least one version".to_string());
            return;
        }
        // (name, number, zero-padded width: the digits of a name starting `v0`, else 0)
        let mut named: Vec<(String, u64, usize)> = Vec::new();
        for name in versions.keys() {
            let Some(digits) =
                name.strip_prefix('v').filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
            else {
                self.add("OCFL-E104", format!("version name `{name}` is not `v` followed by a number"));
                continue;
            };
            let Ok(number) = digits.parse::<u64>() else {
                self.add("OCFL-E104", format!("version name `{name}` has a number too large"));
                continue;
            };
            if number == 0 {
                self.add("OCFL-E104", format!("version name `{name}`: version numbers start at 1"));
                continue;
            }
            let width = if digits.starts_with('0') { digits.len() } else { 0 };
            named.push((name.clone(), number, width));
        }
        let Some(first) = named.iter().find(|(_, n, _)| *n == 1).cloned() else {
            if !named.is_empty() {
                self.add(
                    "OCFL-E009",
                    "the versions do not start at version 1 (`v1`, or zero-padded `v01`...)".to_string(),
                );
            }
            return;
        };
        let width = first.2;
        if width > 0 {
            self.add(
                "OCFL-W001",
                format!("version names are zero-padded (`{}`); OCFL recommends v1, v2, ...", first.0),
            );
        }
        named.sort_by_key(|(_, n, _)| *n);
        let mut kept = Vec::new();
        for (name, number, w) in named {
            let digits = name.len() - 1;
            let consistent = if width == 0 { w == 0 } else { digits == width };
            if !consistent {
                self.add("OCFL-E012", format!("version name `{name}` does not follow the naming of `{}`", first.0));
                continue;
            }
            if width > 0 && !name[1..].starts_with('0') {
                self.add(
                    "OCFL-E011",
                    format!(
                        "version `{name}`: zero-padded names of {width} digits hold at most {} versions",
                        10u64.pow(width as u32 - 1) - 1
                    ),
                );
            }
            kept.push(Version { name, number, ..Version::default() });
        }
        for (i, v) in kept.iter().enumerate() {
            if v.number != i as u64 + 1 {
                self.add(
                    "OCFL-E010",
                    format!(
                        "the version numbers are not continuous: version {} is missing (next is `{}`)",
                        i + 1,
                        v.name
                    ),
                );
                break;
            }
        }
        inv.versions = kept;
    }

    fn head(&mut self, doc: &Map<String, Value>, inv: &Inventory) {
        match doc.get("head") {
            None => self.add("OCFL-E036", "the inventory has no `head`".to_string()),
            Some(Value::String(head)) => {
                if let Some(last) = inv.versions.last()
                    && *head != last.name
                {
                    self.add("OCFL-E040", format!("head is `{head}`, but the highest version is `{}`", last.name));
                }
            }
            Some(other) => self.add("OCFL-E040", format!("head is {}, not a version name string", kind(other))),
        }
    }

    fn version_block(
        &mut self,
        block: &Value,
        version: &mut Version,
        manifest_keys: &BTreeSet<String>,
        algorithm: Option<Algorithm>,
    ) {
        let v = version.name.clone();
        let Some(block) = block.as_object() else {
            self.add("OCFL-E047", format!("version `{v}` is {}, not a JSON object", kind(block)));
            return;
        };
        for key in block.keys() {
            if !VERSION_KEYS.contains(&key.as_str()) {
                self.add("OCFL-E102", format!("version `{v}` has a key the specification does not define: `{key}`"));
            }
        }
        match block.get("created") {
            None => self.add("OCFL-E048", format!("version `{v}` has no `created`")),
            Some(Value::String(created)) => {
                if let Err(why) = check_created(created) {
                    self.add("OCFL-E049", format!("version `{v}`: created `{created}` {why}"));
                }
            }
            Some(other) => self.add("OCFL-E049", format!("version `{v}`: created is {}, not a string", kind(other))),
        }
        version.created = block.get("created").cloned();
        match block.get("message") {
            None => self.add("OCFL-W007", format!("version `{v}` has no `message`")),
            Some(Value::String(_)) => {}
            Some(other) => self.add("OCFL-E094", format!("version `{v}`: message is {}, not a string", kind(other))),
        }
        version.message = block.get("message").cloned();
        match block.get("user") {
            None => self.add("OCFL-W007", format!("version `{v}` has no `user`")),
            Some(Value::Object(user)) => {
                for key in user.keys() {
                    if key != "name" && key != "address" {
                        self.add(
                            "OCFL-E102",
                            format!("version `{v}`: user has a key the specification does not define: `{key}`"),
                        );
                    }
                }
                match user.get("name") {
                    Some(Value::String(_)) => {}
                    None => self.add("OCFL-E054", format!("version `{v}`: user has no `name`")),
                    Some(other) => {
                        self.add("OCFL-E054", format!("version `{v}`: user name is {}, not a string", kind(other)))
                    }
                }
                match user.get("address") {
                    None => self.add("OCFL-W008", format!("version `{v}`: user has no `address`")),
                    Some(Value::String(address)) => {
                        if !looks_like_uri(address) {
                            self.add(
                                "OCFL-W009",
                                format!("version `{v}`: user address `{address}` is not a URI (mailto: or a personal identifier URL)"),
                            );
                        }
                    }
                    Some(other) => {
                        self.add("OCFL-E054", format!("version `{v}`: user address is {}, not a string", kind(other)))
                    }
                }
            }
            Some(other) => self.add("OCFL-E054", format!("version `{v}`: user is {}, not a JSON object", kind(other))),
        }
        version.user = block.get("user").cloned();
        match block.get("state") {
            None => self.add("OCFL-E048", format!("version `{v}` has no `state`")),
            Some(Value::Object(state)) => self.state(state, version, manifest_keys, algorithm),
            Some(other) => self.add("OCFL-E050", format!("version `{v}`: state is {}, not a JSON object", kind(other))),
        }
    }

    fn state(
        &mut self,
        state: &Map<String, Value>,
        version: &mut Version,
        manifest_keys: &BTreeSet<String>,
        algorithm: Option<Algorithm>,
    ) {
        let v = version.name.clone();
        let mut paths: BTreeSet<String> = BTreeSet::new();
        for (digest, logical) in state {
            if let Some(a) = algorithm
                && !a.is_well_formed(digest)
            {
                self.add("OCFL-E050", format!("version `{v}`: state digest `{digest}` is not a {} digest", a.name()));
                continue;
            }
            let normalized = match algorithm {
                Some(a) => a.normalize(digest),
                None => digest.to_ascii_lowercase(),
            };
            version.state_digests.insert(normalized.clone());
            let Some(logical) = logical.as_array() else {
                self.add(
                    "OCFL-E050",
                    format!("version `{v}`: state digest {digest} maps to {}, not a list", kind(logical)),
                );
                continue;
            };
            // The very string: digests compare regardless of case, but a state names a manifest key.
            if !manifest_keys.contains(digest) {
                let why = if manifest_keys.iter().any(|k| k.eq_ignore_ascii_case(digest)) {
                    " (it is, in another case: a state must use the manifest's string)"
                } else {
                    ""
                };
                self.add("OCFL-E050", format!("version `{v}`: state digest {digest} is not in the manifest{why}"));
            }
            for path in logical {
                let Some(path) = path.as_str() else {
                    self.add(
                        "OCFL-E050",
                        format!("version `{v}`: state lists {}, not a logical path string", kind(path)),
                    );
                    continue;
                };
                if path.starts_with('/') || path.ends_with('/') {
                    self.add("OCFL-E053", format!("version `{v}`: logical path `{path}` begins or ends with `/`"));
                    continue;
                }
                if let Some(bad) = path.split('/').find(|e| matches!(*e, "" | "." | "..")) {
                    let what = if bad.is_empty() {
                        "an empty element (`//`)".to_string()
                    } else {
                        format!("the element `{bad}`")
                    };
                    self.add("OCFL-E052", format!("version `{v}`: logical path `{path}` has {what}"));
                    continue;
                }
                if !paths.insert(path.to_string()) {
                    self.add("OCFL-E095", format!("version `{v}`: logical path `{path}` is used more than once"));
                    continue;
                }
                version.state.insert(path.to_string(), normalized.clone());
            }
        }
        for path in &paths {
            for (i, _) in path.match_indices('/') {
                if paths.contains(&path[..i]) {
                    self.add(
                        "OCFL-E095",
                        format!(
                            "version `{v}`: logical path `{}` is a file and also the directory of `{path}`",
                            &path[..i]
                        ),
                    );
                }
            }
        }
    }

    fn fixity(&mut self, fixity: &Value, spec: SpecVersion, inv: &mut Inventory) {
        let Some(fixity) = fixity.as_object() else {
            let code = if spec == SpecVersion::V1_0 { "OCFL-E056" } else { "OCFL-E111" };
            self.add(code, format!("fixity is {}, not a JSON object", kind(fixity)));
            return;
        };
        for (name, block) in fixity {
            let Some(algorithm) = Algorithm::from_name(name) else {
                self.add(
                    "OCFL-E056",
                    format!(
                        "fixity algorithm `{name}` is neither one of OCFL's nor of its digest-algorithms extension"
                    ),
                );
                continue;
            };
            let Some(block) = block.as_object() else {
                self.add("OCFL-E057", format!("fixity block `{name}` is {}, not a JSON object", kind(block)));
                continue;
            };
            let mut seen = BTreeSet::new();
            for (digest, paths) in block {
                if !algorithm.is_well_formed(digest) {
                    self.add("OCFL-E057", format!("fixity digest `{digest}` is not a {name} digest"));
                    continue;
                }
                let Some(paths) = paths.as_array() else {
                    self.add("OCFL-E057", format!("fixity {name} digest {digest} maps to {}, not a list", kind(paths)));
                    continue;
                };
                let normalized = algorithm.normalize(digest);
                if !seen.insert(normalized.clone()) {
                    self.add(
                        "OCFL-E097",
                        format!("fixity {name} digest {normalized} appears more than once (in another case)"),
                    );
                    continue;
                }
                for path in paths {
                    let Some(path) = path.as_str() else {
                        self.add(
                            "OCFL-E057",
                            format!("fixity {name} digest {digest} lists {}, not a string", kind(path)),
                        );
                        continue;
                    };
                    if path.starts_with('/') || path.ends_with('/') {
                        self.add("OCFL-E100", format!("fixity {name} content path `{path}` begins or ends with `/`"));
                        continue;
                    }
                    if let Some(bad) = path.split('/').find(|e| matches!(*e, "" | "." | "..")) {
                        let what = if bad.is_empty() {
                            "an empty element (`//`)".to_string()
                        } else {
                            format!("the element `{bad}`")
                        };
                        self.add("OCFL-E099", format!("fixity {name} content path `{path}` has {what}"));
                        continue;
                    }
                    if !inv.manifest_paths_raw.contains(path) {
                        self.add(
                            "OCFL-E057",
                            format!("fixity {name} lists content path `{path}`, which is not in the manifest"),
                        );
                        continue;
                    }
                    inv.fixity.entry(path.to_string()).or_default().push((algorithm, normalized.clone()));
                }
            }
        }
    }
}

/// Whether `name` is `v` followed by digits.
fn is_version_name(name: &str) -> bool {
    name.len() > 1 && name.starts_with('v') && name[1..].bytes().all(|b| b.is_ascii_digit())
}

/// Whether text starts with a URI scheme (RFC 3986: a letter, then letters, digits, `+-.`, then `:`)
/// and has something after it.
fn looks_like_uri(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once(':') else { return false };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.is_empty()
}

/// RFC 3339 date-time with seconds and a time zone (`2019-01-01T02:03:04Z`, `...+01:00`).
fn check_created(created: &str) -> Result<(), &'static str> {
    let b = created.as_bytes();
    let digits = |range: std::ops::Range<usize>| b.get(range.clone()).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    let at = |i: usize, c: u8| b.get(i) == Some(&c);
    if !(digits(0..4) && at(4, b'-') && digits(5..7) && at(7, b'-') && digits(8..10)) {
        return Err("is not an RFC 3339 date-time (YYYY-MM-DDTHH:MM:SS with a time zone)");
    }
    if !(matches!(b.get(10), Some(b'T' | b't' | b' ')) && digits(11..13) && at(13, b':') && digits(14..16)) {
        return Err("is not an RFC 3339 date-time (YYYY-MM-DDTHH:MM:SS with a time zone)");
    }
    if !(at(16, b':') && digits(17..19)) {
        return Err("has no seconds");
    }
    let mut i = 19;
    if at(i, b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return Err("has a decimal point without fraction digits");
        }
    }
    let zone = &b[i..];
    let zone_ok = matches!(zone, b"Z" | b"z")
        || matches!(zone, [b'+' | b'-', h1, h2, b':', m1, m2] if [h1, h2, m1, m2].iter().all(|c| c.is_ascii_digit()));
    if zone.is_empty() {
        return Err("has no time zone (Z or ±HH:MM)");
    }
    if !zone_ok {
        return Err("does not end in a time zone (Z or ±HH:MM)");
    }
    // The calendar and clock values themselves (month 13, February 30, hour 25).
    let normalized = created.replacen(['t', ' '], "T", 1).replace('z', "Z");
    if normalized.parse::<jiff::Timestamp>().is_err() {
        return Err("is not a real date and time");
    }
    Ok(())
}

/// A JSON value's kind, for messages.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const D1: &str = "4d27c86b026ff709b02b05d126cfef7a6ec5e2cbf0d5a8b9b3dc9d04b9bc51fd4a8a3f3dc6e2f5a9ad2e7a30b4c5f54ecb0ef50cac82fd5d1d1a8cbd4e2c8b71";
    const D2: &str = "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100";

    fn minimal() -> Value {
        json!({
            "id": "urn:example:1",
            "type": "https://ocfl.io/1.1/spec/#inventory",
            "digestAlgorithm": "sha512",
            "head": "v1",
            "manifest": { D1: ["v1/content/a.txt"] },
            "versions": { "v1": {
                "created": "2024-01-02T03:04:05Z",
                "message": "first",
                "user": { "name": "A", "address": "mailto:a@example.org" },
                "state": { D1: ["a.txt"] }
            }}
        })
    }

    fn codes(doc: &Value) -> Vec<&'static str> {
        let bytes = serde_json::to_vec(doc).unwrap();
        let (findings, _) = check(&bytes, &Context { shown: "inventory.json", spec: SpecVersion::V1_1 });
        let mut codes: Vec<&str> = findings.iter().map(|f| f.code).collect();
        codes.sort();
        codes.dedup();
        codes
    }

    fn with(mut doc: Value, edit: impl FnOnce(&mut Value)) -> Value {
        edit(&mut doc);
        doc
    }

    #[test]
    fn minimal_inventory_is_clean_and_summarised() {
        assert_eq!(codes(&minimal()), Vec::<&str>::new());
        let bytes = serde_json::to_vec(&minimal()).unwrap();
        let (_, inv) = check(&bytes, &Context { shown: "i", spec: SpecVersion::V1_0 });
        let inv = inv.unwrap();
        assert_eq!(inv.spec, Some(SpecVersion::V1_1));
        assert_eq!(inv.algorithm, Some(Algorithm::Sha512));
        assert_eq!(inv.versions.len(), 1);
        assert_eq!(inv.manifest.get("v1/content/a.txt").map(String::as_str), Some(D1));
        assert_eq!(inv.logical_map("v1")["a.txt"], BTreeSet::from(["v1/content/a.txt"]));
    }

    #[test]
    fn not_json_or_not_an_object() {
        let (f, inv) = check(b"{\"id\": ", &Context { shown: "i", spec: SpecVersion::V1_1 });
        assert_eq!(f[0].code, "OCFL-E033");
        assert!(inv.is_none());
        let (f, inv) = check(b"[1]", &Context { shown: "i", spec: SpecVersion::V1_1 });
        assert_eq!(f[0].code, "OCFL-E033");
        assert!(inv.is_none());
    }

    #[test]
    fn required_keys_and_their_types() {
        let doc = with(minimal(), |d| {
            let m = d.as_object_mut().unwrap();
            m.remove("id");
            m.remove("head");
        });
        assert_eq!(codes(&doc), ["OCFL-E036"]);
        assert_eq!(codes(&with(minimal(), |d| d["id"] = json!(""))), ["OCFL-E037"]);
        assert_eq!(codes(&with(minimal(), |d| d["id"] = json!("just-a-name"))), ["OCFL-W005"]);
        assert_eq!(
            codes(&with(minimal(), |d| d["type"] = json!("https://ocfl.io/2.0/spec/#inventory"))),
            ["OCFL-E038"]
        );
        assert_eq!(codes(&with(minimal(), |d| d["head"] = json!("v2"))), ["OCFL-E040"]);
        assert_eq!(codes(&with(minimal(), |d| d["extra"] = json!(1))), ["OCFL-E102"]);
        let no_manifest = with(minimal(), |d| {
            d.as_object_mut().unwrap().remove("manifest");
        });
        // Without a manifest, the state's digest is in no manifest either.
        assert_eq!(codes(&no_manifest), ["OCFL-E041", "OCFL-E050"]);
        assert_eq!(codes(&with(minimal(), |d| d["versions"] = json!([]))), ["OCFL-E044"]);
        assert_eq!(codes(&with(minimal(), |d| d["versions"] = json!({}))), ["OCFL-E008"]);
    }

    #[test]
    fn digest_algorithms() {
        let sha256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        let doc = with(minimal(), |d| {
            d["digestAlgorithm"] = json!("sha256");
            d["manifest"] = json!({ sha256: ["v1/content/a.txt"] });
            d["versions"]["v1"]["state"] = json!({ sha256: ["a.txt"] });
        });
        assert_eq!(codes(&doc), ["OCFL-W004"]);
        assert!(codes(&with(minimal(), |d| d["digestAlgorithm"] = json!("md5"))).contains(&"OCFL-E025"));
        // A sha512 inventory with a digest of the wrong length.
        let doc = with(minimal(), |d| {
            d["manifest"] = json!({ "abc": ["v1/content/a.txt"], D1: ["v1/content/b.txt"] });
        });
        assert!(codes(&doc).contains(&"OCFL-E025"));
    }

    #[test]
    fn states_use_manifest_keys_exactly_and_case_duplicates_are_errors() {
        let upper = D1.to_ascii_uppercase();
        let doc = with(minimal(), |d| {
            d["manifest"] = json!({ upper.clone(): ["v1/content/a.txt"] });
        });
        assert_eq!(codes(&doc), ["OCFL-E050"], "state in lower case, manifest in upper: not the manifest's key");
        let doc = with(minimal(), |d| {
            d["manifest"] = json!({ upper.clone(): ["v1/content/a.txt"] });
            d["versions"]["v1"]["state"] = json!({ upper.clone(): ["a.txt"] });
        });
        assert_eq!(codes(&doc), Vec::<&str>::new(), "upper case in both");
        let doc = with(minimal(), |d| {
            d["manifest"] = json!({ upper.clone(): ["v1/content/a.txt"], D1: ["v1/content/b.txt"] });
        });
        assert_eq!(codes(&doc), ["OCFL-E096"]);
        let doc = with(minimal(), |d| {
            d["manifest"] = json!({ upper.clone(): ["v1/content/a.txt"], D1: ["v1/content/a.txt"] });
        });
        assert_eq!(codes(&doc), ["OCFL-E096", "OCFL-E101"], "the same path under both: listed twice");
    }

    #[test]
    fn content_paths() {
        let set = |paths: Value| with(minimal(), |d| d["manifest"] = json!({ D1: paths }));
        assert_eq!(codes(&set(json!(["/v1/content/a.txt"]))), ["OCFL-E100"]);
        assert_eq!(codes(&set(json!(["v1/content/a.txt/"]))), ["OCFL-E100"]);
        assert_eq!(codes(&set(json!(["v1/content/../a.txt"]))), ["OCFL-E099"]);
        assert_eq!(codes(&set(json!(["v1/content//a.txt"]))), ["OCFL-E099"]);
        assert_eq!(codes(&set(json!(["v1/content/./a.txt"]))), ["OCFL-E099"]);
        assert_eq!(codes(&set(json!(["v1/a.txt"]))), ["OCFL-E042"]);
        assert_eq!(codes(&set(json!(["v1/stuff/a.txt"]))), ["OCFL-E042"]);
        assert_eq!(codes(&set(json!(["v2/content/a.txt"]))), ["OCFL-E042"]);
        assert_eq!(codes(&set(json!(["v1/content/a.txt", "v1/content/a.txt"]))), ["OCFL-E101"]);
        assert_eq!(codes(&set(json!(["v1/content/a", "v1/content/a/b"]))), ["OCFL-E101"]);
        // Not a list: the digest is not in the manifest then, so the state's use of it is an error too.
        assert_eq!(codes(&set(json!("v1/content/a.txt"))), ["OCFL-E050", "OCFL-E092"]);
    }

    #[test]
    fn content_directory() {
        let doc = with(minimal(), |d| {
            d["contentDirectory"] = json!("stuff");
            d["manifest"] = json!({ D1: ["v1/stuff/a.txt"] });
        });
        assert_eq!(codes(&doc), Vec::<&str>::new());
        assert!(codes(&with(minimal(), |d| d["contentDirectory"] = json!("a/b"))).contains(&"OCFL-E017"));
        assert!(codes(&with(minimal(), |d| d["contentDirectory"] = json!(".."))).contains(&"OCFL-E018"));
        assert!(codes(&with(minimal(), |d| d["contentDirectory"] = json!(3))).contains(&"OCFL-E017"));
    }

    #[test]
    fn version_numbering() {
        let block = minimal()["versions"]["v1"].clone();
        let versions = |names: &[&str]| {
            let map: Map<String, Value> = names.iter().map(|n| (n.to_string(), block.clone())).collect();
            let head = names.last().unwrap().to_string();
            with(minimal(), |d| {
                d["versions"] = Value::Object(map);
                d["head"] = json!(head);
            })
        };
        assert_eq!(codes(&versions(&["v1", "v2", "v3"])), Vec::<&str>::new());
        assert_eq!(codes(&versions(&["v001", "v002"])), ["OCFL-E042", "OCFL-W001"]);
        assert_eq!(codes(&versions(&["v1", "v3"])), ["OCFL-E010"]);
        assert_eq!(codes(&versions(&["v2"])), ["OCFL-E009"]);
        assert_eq!(codes(&versions(&["v1", "v02"])), ["OCFL-E012", "OCFL-E040"], "v02 is no version, so no head");
        assert_eq!(codes(&versions(&["v1", "2"])), ["OCFL-E040", "OCFL-E104"]);
        let padded: Vec<String> = (1..=10).map(|n| format!("v{n:02}")).collect();
        let padded: Vec<&str> = padded.iter().map(String::as_str).collect();
        let got = codes(&versions(&padded));
        assert!(got.contains(&"OCFL-E011"), "{got:?}");
    }

    #[test]
    fn version_blocks() {
        let set = |key: &str, value: Value| {
            let key = key.to_string();
            with(minimal(), move |d| d["versions"]["v1"][key] = value)
        };
        let drop = |key: &str| {
            let key = key.to_string();
            with(minimal(), move |d| {
                d["versions"]["v1"].as_object_mut().unwrap().remove(&key);
            })
        };
        assert_eq!(codes(&drop("created")), ["OCFL-E048"]);
        assert_eq!(codes(&drop("message")), ["OCFL-W007"]);
        assert_eq!(codes(&drop("user")), ["OCFL-W007"]);
        assert_eq!(codes(&set("created", json!("2024-01-02T03:04:05"))), ["OCFL-E049"]);
        assert_eq!(codes(&set("created", json!("2024-01-02T03:04Z"))), ["OCFL-E049"]);
        assert_eq!(codes(&set("created", json!("2024-02-30T03:04:05Z"))), ["OCFL-E049"]);
        assert_eq!(codes(&set("created", json!("2024-01-02T03:04:05.123+01:00"))), Vec::<&str>::new());
        assert_eq!(codes(&set("created", json!(20240102))), ["OCFL-E049"]);
        assert_eq!(codes(&set("created", json!("2024-01-02T03:04:05+é:"))), ["OCFL-E049"]);
        assert_eq!(codes(&set("created", json!("2024-01-02T03:04:05é"))), ["OCFL-E049"]);
        assert_eq!(codes(&set("message", json!(["x"]))), ["OCFL-E094"]);
        assert_eq!(codes(&set("user", json!("A"))), ["OCFL-E054"]);
        assert_eq!(codes(&set("user", json!({"address": "mailto:a@b"}))), ["OCFL-E054"]);
        assert_eq!(codes(&set("user", json!({"name": "A"}))), ["OCFL-W008"]);
        assert_eq!(codes(&set("user", json!({"name": "A", "address": "1 Wonky Way"}))), ["OCFL-W009"]);
        assert_eq!(codes(&set("user", json!({"name": "A", "address": 7}))), ["OCFL-E054"]);
        assert_eq!(codes(&set("extra", json!(true))), ["OCFL-E102"]);
        assert_eq!(codes(&with(minimal(), |d| d["versions"]["v1"] = json!("v1"))), ["OCFL-E047", "OCFL-E107"]);
    }

    #[test]
    fn states_and_logical_paths() {
        let state = |s: Value| with(minimal(), |d| d["versions"]["v1"]["state"] = s);
        assert_eq!(codes(&state(json!({ D1: ["/a.txt"] }))), ["OCFL-E053"]);
        assert_eq!(codes(&state(json!({ D1: ["a.txt/"] }))), ["OCFL-E053"]);
        assert_eq!(codes(&state(json!({ D1: ["x/../a.txt"] }))), ["OCFL-E052"]);
        assert_eq!(codes(&state(json!({ D1: ["x//a.txt"] }))), ["OCFL-E052"]);
        assert_eq!(codes(&state(json!({ D1: ["a.txt", "a.txt"] }))), ["OCFL-E095"]);
        assert_eq!(codes(&state(json!({ D1: ["a", "a/b"] }))), ["OCFL-E095"]);
        assert_eq!(codes(&state(json!({ D1: ["a.txt"], D2: ["b.txt"] }))), ["OCFL-E050"]);
        assert_eq!(codes(&state(json!({ D1: "a.txt" }))), ["OCFL-E050"]);
        assert_eq!(codes(&state(json!({}))), ["OCFL-E107"]);
        assert_eq!(codes(&state(json!([]))), ["OCFL-E050", "OCFL-E107"]);
    }

    #[test]
    fn fixity_block() {
        let md5 = "900150983cd24fb0d6963f7d28e17f72";
        let fix = |f: Value| with(minimal(), |d| d["fixity"] = f);
        assert_eq!(codes(&fix(json!({ "md5": { md5: ["v1/content/a.txt"] } }))), Vec::<&str>::new());
        assert_eq!(codes(&fix(json!({ "crc32": { "abcd": ["v1/content/a.txt"] } }))), ["OCFL-E056"]);
        assert_eq!(codes(&fix(json!({ "md5": { "abc": ["v1/content/a.txt"] } }))), ["OCFL-E057"]);
        assert_eq!(codes(&fix(json!({ "md5": { md5: ["v1/content/zzz"] } }))), ["OCFL-E057"]);
        assert_eq!(codes(&fix(json!({ "md5": [] }))), ["OCFL-E057"]);
        assert_eq!(codes(&fix(json!({ "md5": { md5: ["/v1/content/a.txt"] } }))), ["OCFL-E100"]);
        assert_eq!(codes(&fix(json!({ "md5": { md5: ["v1/content/./a.txt"] } }))), ["OCFL-E099"]);
        assert_eq!(
            codes(&fix(json!({ "md5": { md5: ["v1/content/a.txt"], md5.to_uppercase(): ["v1/content/a.txt"] } }))),
            ["OCFL-E097"]
        );
        assert_eq!(codes(&fix(json!([]))), ["OCFL-E111"]);
        let bytes = serde_json::to_vec(&fix(json!({ "md5": { md5.to_uppercase(): ["v1/content/a.txt"] } }))).unwrap();
        let (_, inv) = check(&bytes, &Context { shown: "i", spec: SpecVersion::V1_1 });
        assert_eq!(inv.unwrap().fixity["v1/content/a.txt"], [(Algorithm::Md5, md5.to_string())]);
    }

    #[test]
    fn unused_manifest_digest() {
        let doc = with(minimal(), |d| d["manifest"][D2] = json!(["v1/content/b.txt"]));
        assert_eq!(codes(&doc), ["OCFL-E107"]);
    }

    /// Any JSON value put anywhere in a valid inventory gives findings, never a panic, and the
    /// findings name only codes of the table.
    #[test]
    fn any_value_anywhere_never_panics() {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            "[a-zA-Z0-9/._:-]{0,12}".prop_map(Value::String),
            Just(json!(D1)),
            Just(json!("v1/content/a.txt")),
        ];
        let value = leaf.prop_recursive(3, 16, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map("[a-z0-9v/.]{0,6}", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        });
        let places = prop::sample::select(vec![
            "/id",
            "/type",
            "/digestAlgorithm",
            "/head",
            "/contentDirectory",
            "/manifest",
            "/fixity",
            "/versions",
            "/versions/v1",
            "/versions/v1/state",
            "/versions/v1/user",
            "/versions/v1/created",
            "/versions/v2",
        ]);
        proptest!(ProptestConfig::with_cases(512), |(place in places, v in value)| {
            let mut doc = minimal();
            let (parent, key) = place.rsplit_once('/').unwrap();
            if let Some(Value::Object(m)) = doc.pointer_mut(parent) {
                m.insert(key.to_string(), v);
            }
            let bytes = serde_json::to_vec(&doc).unwrap();
            let (findings, _) = check(&bytes, &Context { shown: "i", spec: SpecVersion::V1_1 });
            for f in &findings {
                prop_assert!(super::super::CODES.iter().any(|(c, _)| *c == f.code), "{}", f.code);
            }
        });
    }

    #[test]
    fn hostile_documents_do_not_panic() {
        for doc in [
            json!({"versions": {"v1": null}, "manifest": {"x": null}, "fixity": {"md5": {"x": [1]}}}),
            json!({"versions": {"v18446744073709551616": {}}, "head": 3}),
            json!({"versions": {"v0": {}, "v": {}, "v1": {"state": {"": [null]}}}}),
            json!({"type": 1, "digestAlgorithm": [], "contentDirectory": null, "manifest": 1, "versions": "x"}),
        ] {
            let _ = codes(&doc);
        }
        let deep = "[".repeat(100_000);
        let (f, _) = check(deep.as_bytes(), &Context { shown: "i", spec: SpecVersion::V1_1 });
        assert_eq!(f[0].code, "OCFL-E033");
    }
}
