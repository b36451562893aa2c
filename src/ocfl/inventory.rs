//! The OCFL inventory (`inventory.json`) as a serde model, for writing and for reading inventories
//! that are valid (the validator, [`crate::validate::ocfl`], reads them as plain JSON so that
//! every defect becomes a finding; this model is for objects that passed it).
//!
//! Maps are ordered (`BTreeMap`), so the same inventory always serializes to the same bytes;
//! versions are ordered by number (`v2` before `v10`) and keep the zero padding an object already
//! uses. Digests are lower-case hex, as newsarc writes them.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;

/// The inventory `type` of each OCFL version newsarc reads.
pub const TYPE_1_1: &str = "https://ocfl.io/1.1/spec/#inventory";
pub const TYPE_1_0: &str = "https://ocfl.io/1.0/spec/#inventory";

/// A version number: `v1`, `v2`... or zero-padded (`v001`) when the object was made so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct VersionNum {
    pub number: u32,
    /// Digits written, `0` for no padding.
    pub width: usize,
}

impl VersionNum {
    pub fn first() -> VersionNum {
        VersionNum { number: 1, width: 0 }
    }

    /// The next version, with the same padding.
    pub fn next(self) -> VersionNum {
        VersionNum { number: self.number + 1, width: self.width }
    }

    pub fn parse(s: &str) -> Option<VersionNum> {
        let digits = s.strip_prefix('v')?;
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let number: u32 = digits.parse().ok()?;
        if number == 0 {
            return None;
        }
        let width = if digits.starts_with('0') { digits.len() } else { 0 };
        Some(VersionNum { number, width })
    }
}

impl fmt::Display for VersionNum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "v{:0width$}", self.number, width = self.width)
    }
}

impl PartialOrd for VersionNum {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for VersionNum {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.number.cmp(&other.number)
    }
}

impl Serialize for VersionNum {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for VersionNum {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        VersionNum::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("`{s}` is not a version number")))
    }
}

/// Digest -> paths (content paths in `manifest` and `fixity`, logical paths in a state).
pub type PathMap = BTreeMap<String, Vec<String>>;

/// One inventory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Inventory {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub digest_algorithm: String,
    pub head: VersionNum,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub content_directory: Option<String>,
    pub manifest: PathMap,
    pub versions: BTreeMap<VersionNum, Version>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
    pub fixity: BTreeMap<String, PathMap>,
}

/// One version's block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Version {
    pub created: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub message: Option<String>,
    pub state: PathMap,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub user: Option<User>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub address: Option<String>,
}

impl Inventory {
    /// The content directory's name (`content` unless the object says otherwise).
    pub fn content_directory(&self) -> &str {
        self.content_directory.as_deref().unwrap_or("content")
    }

    /// The head version's block.
    pub fn head_version(&self) -> Option<&Version> {
        self.versions.get(&self.head)
    }

    /// The OCFL version this inventory declares (`1.1`, `1.0`).
    pub fn spec_version(&self) -> &'static str {
        if self.kind == TYPE_1_0 { "1.0" } else { "1.1" }
    }

    /// Serialized as newsarc writes inventories: pretty JSON, a final line break.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).expect("an inventory serializes");
        bytes.push(b'\n');
        bytes
    }

    /// A content path for a digest (the first the manifest lists).
    pub fn content_path(&self, digest: &str) -> Option<&str> {
        self.manifest.get(digest).and_then(|paths| paths.first()).map(String::as_str)
    }
}

impl Version {
    /// Logical path -> digest.
    pub fn files(&self) -> BTreeMap<&str, &str> {
        self.state.iter().flat_map(|(digest, paths)| paths.iter().map(move |p| (p.as_str(), digest.as_str()))).collect()
    }
}

/// The sidecar of an inventory: `<digest>  inventory.json`, one line.
pub fn sidecar(digest: &str) -> Vec<u8> {
    format!("{digest}  inventory.json\n").into_bytes()
}

/// The digest a sidecar holds, if it is shaped as one.
pub fn parse_sidecar(bytes: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(bytes).ok()?;
    let mut parts = text.split_whitespace();
    let digest = parts.next()?;
    (parts.next() == Some("inventory.json") && parts.next().is_none()).then(|| digest.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_order_by_number_and_keep_their_padding() {
        let v = |s| VersionNum::parse(s).unwrap();
        assert!(v("v2") < v("v10"));
        assert_eq!(v("v009").next().to_string(), "v010");
        assert_eq!(v("v9").next().to_string(), "v10");
        for bad in ["v0", "1", "v", "v1a", "V1", "v-1"] {
            assert!(VersionNum::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn an_inventory_serializes_the_same_bytes_and_reads_back() {
        let mut state = PathMap::new();
        state.insert("ab".into(), vec!["source.txt".into()]);
        let mut versions = BTreeMap::new();
        for n in [10, 2, 1] {
            versions.insert(
                VersionNum { number: n, width: 0 },
                Version { created: "2020-01-01T00:00:00Z".into(), message: None, state: state.clone(), user: None },
            );
        }
        let inventory = Inventory {
            id: "urn:x".into(),
            kind: TYPE_1_1.into(),
            digest_algorithm: "sha512".into(),
            head: VersionNum { number: 10, width: 0 },
            content_directory: None,
            manifest: PathMap::new(),
            versions,
            fixity: BTreeMap::new(),
        };
        let bytes = inventory.to_bytes();
        let text = String::from_utf8(bytes.clone()).unwrap();
        let versions = &text[text.find("\"versions\"").unwrap()..];
        let (v1, v2, v10) =
            (versions.find("\"v1\"").unwrap(), versions.find("\"v2\"").unwrap(), versions.find("\"v10\"").unwrap());
        assert!(v1 < v2 && v2 < v10, "versions in numeric order: {text}");
        assert!(!text.contains("fixity") && !text.contains("contentDirectory"), "{text}");
        let back: Inventory = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(back, inventory);
        assert_eq!(back.to_bytes(), bytes);
    }

    #[test]
    fn sidecars_name_the_inventory() {
        assert_eq!(parse_sidecar(&sidecar("AB12")).as_deref(), Some("ab12"));
        assert_eq!(parse_sidecar(b"ab12\tinventory.json"), Some("ab12".into()));
        assert_eq!(parse_sidecar(b"ab12  other.json\n"), None);
        assert_eq!(parse_sidecar(b"ab12"), None);
    }
}
