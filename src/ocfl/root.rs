//! A storage root on disk: created when missing, opened when present, and the objects in it.
//!
//! A new root is built in a partial folder beside its destination and renamed into place whole:
//! `0=ocfl_1.1`, `ocfl_1.1.txt` (where the specification is), `ocfl_layout.json` and the layout's
//! `extensions/0003-hash-and-id-n-tuple-storage-layout/config.json`. An existing root is opened
//! only when newsarc can follow its layout (0003 with a SHA-256 digest); another layout, or a
//! folder that holds anything but a root, is refused before anything is written.
//!
//! Objects are read through [`Root::object`]: the root inventory, checked against its sidecar
//! digest and parsed; a damaged object is an error naming what is wrong, never repaired.

use super::OcflError;
use super::inventory::{Inventory, parse_sidecar};
use super::layout::{HASH_AND_ID_N_TUPLE, HashAndIdNTuple, Layout};
use std::path::{Path, PathBuf};

/// Where newsarc stages versions and objects, inside the root (same file system, so they are
/// renamed into place); removed at the end of every run, and what a killed run left is removed by
/// the next.
pub const STAGING: &str = "extensions/newsarc-staging";

/// The text of `ocfl_1.1.txt`: where the specification this root follows is.
const SPEC_POINTER: &str = "This folder is an OCFL storage root: Oxford Common File Layout, version 1.1.\n\
The specification: https://ocfl.io/1.1/spec/\n\
Objects are placed by the storage layout extension 0003-hash-and-id-n-tuple-storage-layout\n\
(https://ocfl.github.io/extensions/0003-hash-and-id-n-tuple-storage-layout.html): see ocfl_layout.json.\n\
Written by newsarc.\n";

/// An open storage root.
pub struct Root {
    path: PathBuf,
    layout: HashAndIdNTuple,
    /// `1.1` or `1.0`, from the root's declaration.
    spec: &'static str,
}

/// An object as read from the root: where it is and its root inventory.
#[derive(Debug, Clone)]
pub struct Object {
    pub path: PathBuf,
    pub inventory: Inventory,
    /// The root inventory's bytes' SHA-512, as its sidecar holds it.
    pub inventory_digest: String,
}

impl Root {
    /// Opens the storage root at `path`, creating it (whole, or not at all) when nothing is there.
    pub fn open_or_create(path: &Path) -> Result<Root, OcflError> {
        let empty_folder = std::fs::read_dir(path).is_ok_and(|mut entries| entries.next().is_none());
        if std::fs::symlink_metadata(path).is_err() || empty_folder {
            create(path)?;
        }
        Root::open(path)
    }

    /// Opens an existing storage root.
    pub fn open(path: &Path) -> Result<Root, OcflError> {
        let shown = path.display().to_string();
        let not_root = |why: String| OcflError::NotARoot { path: shown.clone(), why };
        let meta = std::fs::metadata(path).map_err(|e| OcflError::io(path, e))?;
        if !meta.is_dir() {
            return Err(not_root("it is not a folder".to_string()));
        }
        let spec = if path.join("0=ocfl_1.1").is_file() {
            "1.1"
        } else if path.join("0=ocfl_1.0").is_file() {
            "1.0"
        } else {
            let empty = std::fs::read_dir(path).map_err(|e| OcflError::io(path, e))?.next().is_none();
            return Err(not_root(if empty {
                "it is an empty folder, not a storage root".to_string()
            } else {
                "it holds no OCFL declaration (0=ocfl_1.1); newsarc writes only into storage roots".to_string()
            }));
        };
        let layout_file = path.join("ocfl_layout.json");
        let named = match std::fs::read(&layout_file) {
            Ok(bytes) => serde_json::from_slice::<serde_json::Value>(&bytes)
                .ok()
                .and_then(|v| v.get("extension").and_then(|e| e.as_str()).map(str::to_string))
                .ok_or_else(|| not_root("its ocfl_layout.json names no extension".to_string()))?,
            Err(_) => {
                return Err(OcflError::Unsupported {
                    path: shown,
                    why: "it has no ocfl_layout.json, so where objects go is not known; newsarc writes only with the layout 0003-hash-and-id-n-tuple-storage-layout".to_string(),
                });
            }
        };
        if named != HASH_AND_ID_N_TUPLE {
            return Err(OcflError::Unsupported {
                path: shown,
                why: format!("its layout is {named}; newsarc reads and writes {HASH_AND_ID_N_TUPLE} only"),
            });
        }
        let config = path.join("extensions").join(HASH_AND_ID_N_TUPLE).join("config.json");
        let layout = match std::fs::read(&config) {
            Ok(bytes) => HashAndIdNTuple::from_config(&bytes)
                .map_err(|why| OcflError::Unsupported { path: shown.clone(), why: format!("its layout: {why}") })?,
            // The extension's defaults apply without a config.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => HashAndIdNTuple::default(),
            Err(e) => return Err(OcflError::io(&config, e)),
        };
        Ok(Root { path: path.to_path_buf(), layout, spec })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The OCFL version of the root (`1.1`, `1.0`); objects added to it declare the same.
    pub fn spec(&self) -> &'static str {
        self.spec
    }

    pub fn layout(&self) -> &dyn Layout {
        &self.layout
    }

    /// Where the object `id` lives (whether or not it exists).
    pub fn object_path(&self, id: &str) -> PathBuf {
        self.path.join(self.layout.object_path(id))
    }

    /// The object `id`, if the root holds it.
    pub fn object(&self, id: &str) -> Result<Option<Object>, OcflError> {
        let path = self.object_path(id);
        match std::fs::symlink_metadata(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(OcflError::io(&path, e)),
            Ok(_) => read_object(&path, Some(id)).map(Some),
        }
    }

    /// Every object of the root, by walking the storage hierarchy (for `--all` and the site):
    /// the folders holding an object declaration, sorted by path.
    pub fn object_paths(&self) -> Result<Vec<PathBuf>, OcflError> {
        find_objects(&self.path)
    }
}

/// The folders holding an object declaration below the storage root at `root`, sorted by path,
/// whatever layout placed them (so a root is read even where newsarc would not write into it).
pub fn find_objects(root: &Path) -> Result<Vec<PathBuf>, OcflError> {
    let mut found = Vec::new();
    let mut walker = walkdir::WalkDir::new(root).follow_links(false).sort_by_file_name().into_iter();
    while let Some(entry) = walker.next() {
        let entry = entry.map_err(|e| OcflError::Invalid(format!("cannot walk {}: {e}", root.display())))?;
        if entry.depth() == 1 && entry.file_name() == "extensions" {
            walker.skip_current_dir();
            continue;
        }
        if entry.file_type().is_dir() && entry.depth() > 0 && has_object_declaration(entry.path()) {
            found.push(entry.path().to_path_buf());
            walker.skip_current_dir();
        }
    }
    Ok(found)
}

/// Whether a folder declares a storage root (`0=ocfl_1.1` or `0=ocfl_1.0` at its top).
pub fn is_storage_root(dir: &Path) -> bool {
    dir.join("0=ocfl_1.1").is_file() || dir.join("0=ocfl_1.0").is_file()
}

/// Whether a folder holds `0=ocfl_object_1.x`.
pub fn has_object_declaration(dir: &Path) -> bool {
    dir.join("0=ocfl_object_1.1").is_file() || dir.join("0=ocfl_object_1.0").is_file()
}

/// Reads an object's root inventory, checked against its sidecar; `id`, when given, must be the
/// one the inventory names.
pub fn read_object(path: &Path, id: Option<&str>) -> Result<Object, OcflError> {
    let damaged = |why: String| OcflError::Damaged { object: path.display().to_string(), why };
    if !has_object_declaration(path) {
        return Err(damaged("it holds no object declaration (0=ocfl_object_1.1)".to_string()));
    }
    let inventory_path = path.join("inventory.json");
    let bytes = std::fs::read(&inventory_path).map_err(|e| damaged(format!("inventory.json: {e}")))?;
    let inventory: Inventory =
        serde_json::from_slice(&bytes).map_err(|e| damaged(format!("inventory.json cannot be read: {e}")))?;
    let sidecar_name = format!("inventory.json.{}", inventory.digest_algorithm);
    let sidecar = std::fs::read(path.join(&sidecar_name)).map_err(|e| damaged(format!("{sidecar_name}: {e}")))?;
    let expected = parse_sidecar(&sidecar).ok_or_else(|| damaged(format!("{sidecar_name} is not a sidecar")))?;
    let Some(actual) = super::digest(&inventory.digest_algorithm, &bytes) else {
        return Err(damaged(format!(
            "its digest algorithm {} is not one OCFL allows for content",
            inventory.digest_algorithm
        )));
    };
    if actual != expected {
        return Err(damaged(format!(
            "inventory.json's {} is {actual}, and its sidecar says {expected} (OCFL E060)",
            inventory.digest_algorithm
        )));
    }
    if let Some(id) = id
        && inventory.id != id
    {
        return Err(damaged(format!("its inventory names the object `{}`, not `{id}`", inventory.id)));
    }
    if inventory.head_version().is_none() {
        return Err(damaged(format!("its head {} has no version block", inventory.head)));
    }
    Ok(Object { path: path.to_path_buf(), inventory, inventory_digest: actual })
}

/// Creates a storage root at `path`, built beside it and renamed into place.
fn create(path: &Path) -> Result<(), OcflError> {
    let parent = crate::output::parent_of(path);
    std::fs::create_dir_all(parent).map_err(|e| OcflError::io(parent, e))?;
    crate::output::partial::sweep(parent);
    let dir = crate::output::partial::dir_in(parent).map_err(|e| OcflError::io(path, e))?;
    let built = dir.path().join("root");
    let layout = HashAndIdNTuple::default();
    let write = |relative: &str, bytes: &[u8]| -> std::io::Result<()> {
        let file = built.join(relative);
        std::fs::create_dir_all(file.parent().expect("a file in the root"))?;
        std::fs::write(file, bytes)
    };
    let layout_json = serde_json::json!({ "extension": layout.name(), "description": layout.description() });
    let mut layout_bytes = serde_json::to_vec_pretty(&layout_json).expect("JSON serializes");
    layout_bytes.push(b'\n');
    (|| {
        write("0=ocfl_1.1", b"ocfl_1.1\n")?;
        write("ocfl_1.1.txt", SPEC_POINTER.as_bytes())?;
        write("ocfl_layout.json", &layout_bytes)?;
        write(&format!("extensions/{}/config.json", layout.name()), &layout.config())?;
        crate::output::sync_tree(&built)
    })()
    .map_err(|e| OcflError::io(path, e))?;
    dir.finish(|dir| {
        // Renamed only where nothing is: another run may have made the root meanwhile.
        match std::fs::rename(dir.join("root"), path) {
            Ok(()) => Ok(()),
            Err(_) if path.join("0=ocfl_1.1").is_file() => Ok(()),
            Err(e) => Err((e, false)),
        }
    })
    .map_err(|e| OcflError::io(path, e))
}
