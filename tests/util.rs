//! Helpers shared by the test modules: fixture paths, loading with a pinned clock, the CLI, and
//! the external validators.

use newsarc::load::{Input, LoadError, LoadOptions, load};
use newsarc::model::{Article, Timestamp};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The folder of article fixtures.
pub fn articles_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/articles")
}

pub fn fixture(name: &str) -> PathBuf {
    let path = articles_dir().join(name);
    assert!(path.exists(), "no fixture {}", path.display());
    path
}

/// Fixtures the reader must refuse, with a part of the error message each must give.
pub const BAD_FIXTURES: &[(&str, &str)] = &[
    ("binary-gzip.txt", "not text: gzip-compressed data at byte offset 0"),
    ("binary-nul.txt", "not text: a NUL byte at byte offset 59"),
    ("binary-png.txt", "not text: a PNG image at byte offset 0"),
    ("empty.txt", "the file is empty (0 bytes)"),
    ("whitespace-only.txt", "the file holds only white space"),
    ("lone-bom.txt", "the file holds only a UTF-8 byte order mark"),
    ("invalid-utf8-latin1.txt", "invalid UTF-8 at byte offset 16 (line 1, column 17: byte E9)"),
    ("invalid-utf8-cp1252.txt", "invalid UTF-8 at byte offset 18 (line 1, column 19: byte 93)"),
    (
        "invalid-utf8-truncated.txt",
        "incomplete UTF-8 sequence at the end of the file, byte offset 146 (line 5, column 102",
    ),
    ("sidecar-broken.txt", "sidecar-broken.meta.json: sidecar metadata: unknown field `titel`"),
    ("html-listing-page.html", "an HTML page that is not an article"),
];

/// Fixtures too large to snapshot whole; their own tests check them.
pub const STRESS_FIXTURES: &[&str] = &[
    "long-line.txt",
    "many-paragraphs.txt",
    "nested-lists-deep.txt",
    "nested-quotes-deep.txt",
    "pathological-emphasis.txt",
];

/// Every article fixture (`.txt` articles and `.html` pages), sorted by name.
pub fn all_fixtures() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(articles_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt" || e == "html"))
        .collect();
    paths.sort();
    paths
}

pub fn file_name(path: &Path) -> &str {
    path.file_name().unwrap().to_str().unwrap()
}

/// Fixtures that read, sorted by name.
pub fn good_fixtures() -> Vec<PathBuf> {
    all_fixtures().into_iter().filter(|p| !BAD_FIXTURES.iter().any(|(n, _)| *n == file_name(p))).collect()
}

/// Options with the clock pinned to the epoch, as `SOURCE_DATE_EPOCH=0` would.
pub fn pinned_options() -> LoadOptions {
    LoadOptions { source_date_epoch: Timestamp::from_unix_seconds(0), ..LoadOptions::default() }
}

pub fn try_load_path(path: &Path) -> Result<Article, LoadError> {
    load(&Input::Path(path.to_path_buf()), &pinned_options())
}

/// Loads a fixture that must read.
pub fn article(name: &str) -> Article {
    try_load_path(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The newsarc binary with a pinned clock and no inherited SOURCE_DATE_EPOCH surprises.
pub fn newsarc() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_newsarc"));
    cmd.env("SOURCE_DATE_EPOCH", "0");
    cmd
}

/// Whether tests that need `../shared` (the sample, the oracles, IPTC's and the peers' test
/// material) must run: `NEWSARC_REQUIRE_ORACLES=1`, which `.ci/run` sets. Elsewhere they skip.
pub fn shared_required() -> bool {
    std::env::var_os("NEWSARC_REQUIRE_ORACLES").is_some_and(|v| v == "1")
}

/// Skips a test that needs something it cannot find: one visible line saying what is missing and
/// how to get it; a failure when `NEWSARC_REQUIRE_ORACLES=1`, so CI can never skip a check.
pub fn skip(what: &str, how: &str) {
    assert!(!shared_required(), "{what} is missing ({how}); NEWSARC_REQUIRE_ORACLES=1 forbids skipping");
    // Straight to the stream: the test harness captures `eprintln!` of passing tests, and a skip
    // must be seen.
    let _ = std::io::Write::write_all(
        &mut std::io::stderr(),
        format!("SKIPPED: {what} is missing; {how} (set NEWSARC_REQUIRE_ORACLES=1 to make this a failure)\n")
            .as_bytes(),
    );
}

/// A path under `../shared` (the folder that sits beside the project in CI), if it is there.
pub fn shared(relative: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared").join(relative);
    if path.exists() {
        return Some(path);
    }
    skip(&format!("../shared/{relative}"), "put the project's shared folder beside the repository, as CI does");
    None
}

/// An external validator from `../shared/oracles`, if installed; otherwise skipped (see [`skip`]).
pub fn oracle(name: &str) -> Option<PathBuf> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/oracles").join(name);
    if !script.exists() || !oracles_venv().join("bin/python").exists() {
        skip(&format!("the oracle {name}"), "run ../shared/oracles/install.sh");
        return None;
    }
    Some(script)
}

/// Where `../shared/oracles/install.sh` puts its Python environment (and Ace).
pub fn oracles_venv() -> PathBuf {
    std::env::var_os("ORACLES_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/newsarc-oracles"))
}

/// Characters XML 1.0 forbids.
pub fn is_illegal_in_xml(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
}

/// `../shared/oracles/check-ocfl` (ocfl-py and rocfl), if installed (`install.sh --ocfl`);
/// otherwise skipped (see [`skip`]).
pub fn ocfl_oracle() -> Option<PathBuf> {
    let script = oracle("check-ocfl")?;
    let venv = oracles_venv();
    if !venv.join("ocfl/bin/ocfl-validate.py").exists() || !venv.join("rocfl/bin/rocfl").exists() {
        skip("the OCFL validators ocfl-py and rocfl", "run ../shared/oracles/install.sh --ocfl");
        return None;
    }
    Some(script)
}

/// Writes a valid one-version OCFL 1.1 object (sha512, an md5 fixity value per file, the v1
/// inventory and both sidecars) holding `files` (logical path, bytes), stored at
/// `v1/content/<logical path>`. Digests from sha2 and md-5 directly, not from newsarc.
pub fn write_ocfl_object(dir: &Path, id: &str, files: &[(&str, &[u8])]) {
    use md5::Digest as _;
    let hex = |bytes: &[u8]| -> String { bytes.iter().map(|b| format!("{b:02x}")).collect() };
    std::fs::create_dir_all(dir.join("v1/content")).unwrap();
    std::fs::write(dir.join("0=ocfl_object_1.1"), "ocfl_object_1.1\n").unwrap();
    let mut manifest = serde_json::Map::new();
    let mut state = serde_json::Map::new();
    let mut md5s = serde_json::Map::new();
    for (logical, bytes) in files {
        let path = dir.join("v1/content").join(logical);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
        let sha = hex(&sha2::Sha512::digest(bytes));
        let content = format!("v1/content/{logical}");
        manifest.insert(sha.clone(), serde_json::json!([content]));
        state.insert(sha, serde_json::json!([logical]));
        md5s.insert(hex(&md5::Md5::digest(bytes)), serde_json::json!([content]));
    }
    let inventory = serde_json::json!({
        "id": id,
        "type": "https://ocfl.io/1.1/spec/#inventory",
        "digestAlgorithm": "sha512",
        "head": "v1",
        "manifest": manifest,
        "fixity": { "md5": md5s },
        "versions": { "v1": {
            "created": "2026-01-02T03:04:05Z",
            "message": "first version",
            "user": { "name": "Test", "address": "mailto:test@example.org" },
            "state": state
        }}
    });
    let bytes = serde_json::to_vec_pretty(&inventory).unwrap();
    let sidecar = format!("{} inventory.json\n", hex(&sha2::Sha512::digest(&bytes)));
    for d in [dir.to_path_buf(), dir.join("v1")] {
        std::fs::write(d.join("inventory.json"), &bytes).unwrap();
        std::fs::write(d.join("inventory.json.sha512"), &sidecar).unwrap();
    }
}

/// Copies a folder tree (files made writable, so tests may tamper with the copy).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::write(&target, std::fs::read(entry.path()).unwrap()).unwrap();
        }
    }
}
