//! What the fuzz targets share: every article a reader gives can be written ([`renders`]), and
//! a package newsarc calls valid really has the checksums its manifests list
//! ([`check_package`], with its own reading of the archive and its own hashing).

use newsarc::convert::{Naming, render};
use newsarc::model::{Article, Timestamp};
use newsarc::validate::bag::{self, Profile};
use newsarc::validate::package::{self, Limits};
use newsarc::validate::{Finding, Severity, article};
use sha2::Digest;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::Path;
use unicode_normalization::UnicodeNormalization;

/// Every article is written in every rendition without error (with a timestamp, which a file
/// time gives outside the fuzzer when the source has none).
pub fn renders(articles: &[Article]) {
    for a in articles {
        let mut a = a.clone();
        if a.version_created.is_none() {
            a.version_created = Timestamp::from_unix_seconds(0);
        }
        if let Err(e) = render(&a, &["newsml", "epub", "ninjs", "metadata"], Naming::ById) {
            panic!("an article the reader accepted cannot be written: {e}");
        }
    }
}

/// Whether the bytes are JSON.
pub fn is_json(data: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(data).is_ok()
}

/// How an archive's bytes are laid out.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Zip,
    Tar,
    TarGz,
}

/// Validates the package at `path` as `newsarc validate` does (the profile its index calls for);
/// when no finding is an error, reads the archive again on its own and checks every payload
/// manifest line against the file, hashed here, and that every payload file is listed.
pub fn check_package(path: &Path, bytes: &[u8], kind: Kind) {
    let shown = path.display().to_string();
    let mut findings: Vec<Finding> = Vec::new();
    let Ok(files) = package::read(path, Limits::package(), &mut findings) else { return };
    let profile = Profile::for_bag(&files);
    let expected = bag::check(&files, &shown, profile, &mut findings);
    match profile {
        Profile::Newsarc => article::check(&files, &shown, false, None, &expected, &mut findings),
        Profile::Bagit => bag::verify_payload(&files, &shown, &expected, &mut findings),
    }
    drop(files);
    if findings.iter().any(|f| f.severity == Severity::Error) {
        return;
    }
    let (entries, unreadable) = match entries(bytes, kind) {
        Ok(entries) => entries,
        Err(e) => panic!("{kind:?}: reported valid, but the archive cannot be read again: {e}"),
    };
    verify(&entries, &unreadable, kind);
}

/// The files of an archive by name (the first of a name), read with the archive crates directly,
/// and the zip entries that cannot be read (with why): a bag need not read a file that no
/// manifest lists, so only unreadable payload files and manifests are wrong in a valid bag.
type Entries = (BTreeMap<String, Vec<u8>>, Vec<(String, String)>);

fn entries(bytes: &[u8], kind: Kind) -> Result<Entries, String> {
    let cap = Limits::package().max_entry_size + 1;
    let mut out = BTreeMap::new();
    let mut unreadable = Vec::new();
    match kind {
        Kind::Zip => {
            let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| e.to_string())?;
            for i in 0..zip.len() {
                let name = zip.name_for_index(i).and_then(Result::ok).unwrap_or_default().to_string();
                let entry = match zip.by_index(i) {
                    Ok(entry) => entry,
                    Err(e) => {
                        unreadable.push((name, e.to_string()));
                        continue;
                    }
                };
                if entry.is_dir() {
                    continue;
                }
                let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
                let mut data = Vec::new();
                match entry.take(cap).read_to_end(&mut data) {
                    Ok(_) => {
                        out.entry(name).or_insert(data);
                    }
                    Err(e) => unreadable.push((name, e.to_string())),
                }
            }
        }
        Kind::Tar => tar_entries(bytes, &mut out)?,
        Kind::TarGz => {
            let mut tar = Vec::new();
            flate2::read::MultiGzDecoder::new(bytes).read_to_end(&mut tar).map_err(|e| e.to_string())?;
            tar_entries(&tar, &mut out)?;
        }
    }
    Ok((out, unreadable))
}

fn tar_entries(bytes: &[u8], out: &mut BTreeMap<String, Vec<u8>>) -> Result<(), String> {
    let mut archive = tar::Archive::new(bytes);
    for entry in archive.entries().map_err(|e| e.to_string())? {
        let mut entry = entry.map_err(|e| e.to_string())?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).map_err(|e| format!("{name}: {e}"))?;
        out.entry(name).or_insert(data);
    }
    Ok(())
}

/// Each payload manifest of a known algorithm against the files: every line naming a payload file
/// has that file's checksum, and every payload file is listed (by its NFC form, as BagIt allows).
fn verify(entries: &BTreeMap<String, Vec<u8>>, unreadable: &[(String, String)], kind: Kind) {
    // The single top-level folder is the bag.
    let Some(top) = entries.keys().next().and_then(|n| n.split('/').next()) else { return };
    let prefix = format!("{top}/");
    for (name, e) in unreadable {
        let inside = name.strip_prefix(&prefix).unwrap_or_default();
        assert!(
            !inside.starts_with("data/") && !inside.starts_with("manifest-"),
            "{kind:?}: reported valid, but {name} cannot be read: {e}"
        );
    }
    let bag: BTreeMap<&str, &[u8]> =
        entries.iter().filter_map(|(n, b)| n.strip_prefix(&prefix).map(|n| (n, b.as_slice()))).collect();
    // Only UTF-8 tag files are read here.
    let declaration = bag.get("bagit.txt").map(|b| String::from_utf8_lossy(b).to_ascii_lowercase());
    if declaration.is_some_and(|d| !d.contains("tag-file-character-encoding: utf-8")) {
        return;
    }
    let payload: Vec<&str> = bag.keys().copied().filter(|n| n.starts_with("data/")).collect();
    for (name, bytes) in &bag {
        let Some(algorithm) = name.strip_prefix("manifest-").and_then(|n| n.strip_suffix(".txt")) else { continue };
        if name.contains('/') || bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
            continue;
        }
        let Some(hash) = hasher(algorithm) else { continue };
        let text = String::from_utf8_lossy(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)).into_owned();
        let mut listed = BTreeSet::new();
        for line in text.split(['\n', '\r']) {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((hex, path)) = line.split_once([' ', '\t']) else { continue };
            let mut path = percent_decode(path.trim_start_matches([' ', '\t']).trim_start_matches('*'));
            while let Some(rest) = path.strip_prefix("./") {
                path = rest.to_string();
            }
            if let Some(file) = bag.get(path.as_str())
                && path.starts_with("data/")
            {
                let actual = hash(file);
                assert!(
                    actual.eq_ignore_ascii_case(hex),
                    "{kind:?}: reported valid, but {path} hashes to {actual} where {name} says {hex}"
                );
            }
            listed.insert(path.nfc().collect::<String>());
        }
        for file in &payload {
            assert!(
                listed.contains(&file.nfc().collect::<String>()),
                "{kind:?}: reported valid, but {name} does not list {file}"
            );
        }
    }
}

/// RFC 8493: `%0A`, `%0D`, `%25` and nothing else.
fn percent_decode(path: &str) -> String {
    path.replace("%0A", "\n").replace("%0a", "\n").replace("%0D", "\r").replace("%0d", "\r").replace("%25", "%")
}

fn hasher(algorithm: &str) -> Option<fn(&[u8]) -> String> {
    Some(match algorithm {
        "md5" => |b| hex::encode(md5::Md5::digest(b)),
        "sha1" => |b| hex::encode(sha1::Sha1::digest(b)),
        "sha224" => |b| hex::encode(sha2::Sha224::digest(b)),
        "sha256" => |b| hex::encode(sha2::Sha256::digest(b)),
        "sha384" => |b| hex::encode(sha2::Sha384::digest(b)),
        "sha512" => |b| hex::encode(sha2::Sha512::digest(b)),
        _ => return None,
    })
}
