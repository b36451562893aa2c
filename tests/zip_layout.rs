//! Zips that readers read differently: a bag or EPUB whose local headers and central directory
//! disagree, or that hides bytes where no entry is, is reported (`NA-ZIP-*`) and refused by every
//! command that reads it. Each ambiguous zip is built here from a valid newsarc bag, and a flip
//! of each structural byte (and a sample of data bytes) of a small bag is either reported or
//! changes nothing that a seeking reader (the `zip` crate, Python's `zipfile`) or a streaming
//! reader (local headers in order, as `unzip` of a pipe or Java's `ZipInputStream` read) extracts.

use crate::util::*;
use newsarc::validate::{Severity, article, bag, package};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

fn u16_at(b: &[u8], i: usize) -> usize {
    u16::from_le_bytes([b[i], b[i + 1]]) as usize
}

fn u32_at(b: &[u8], i: usize) -> usize {
    u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]) as usize
}

fn put_u32(b: &mut [u8], i: usize, v: usize) {
    b[i..i + 4].copy_from_slice(&(v as u32).to_le_bytes());
}

/// A classic zip's parts, parsed here (not by newsarc): the end record's offset, the central
/// directory's offset, and each directory record's offset with its entry's local header offset.
struct Parts {
    end: usize,
    directory: usize,
    records: Vec<(usize, usize, String)>,
}

fn parts(zip: &[u8]) -> Parts {
    let end = (0..zip.len() - 21).rev().find(|&i| &zip[i..i + 4] == b"PK\x05\x06").unwrap();
    let directory = u32_at(zip, end + 16);
    let mut records = Vec::new();
    let mut at = directory;
    for _ in 0..u16_at(zip, end + 10) {
        assert_eq!(&zip[at..at + 4], b"PK\x01\x02");
        let (n, e, c) = (u16_at(zip, at + 28), u16_at(zip, at + 30), u16_at(zip, at + 32));
        let name = String::from_utf8(zip[at + 46..at + 46 + n].to_vec()).unwrap();
        records.push((at, u32_at(zip, at + 42), name));
        at += 46 + n + e + c;
    }
    Parts { end, directory, records }
}

/// A zip bag of one fixture, its bytes.
fn zip_bag(dir: &Path) -> Vec<u8> {
    let out = dir.join("bag.zip");
    let run = newsarc().arg("pack").arg(fixture("sample-shape.txt")).arg("-o").arg(&out).arg("-q").output().unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    std::fs::read(out).unwrap()
}

/// Validates `bytes` as a zip bag with the command, as CI would: exit status and codes.
fn validate_zip(dir: &Path, name: &str, bytes: &[u8]) -> (i32, Vec<String>, String) {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    let out = newsarc().arg("validate").arg(&path).args(["--format", "json"]).output().unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let codes =
        report["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap().to_string()).collect();
    (out.status.code().unwrap(), codes, String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The index of the entry whose name ends with `suffix`.
fn entry(parts: &Parts, suffix: &str) -> usize {
    parts.records.iter().position(|(_, _, n)| n.ends_with(suffix)).unwrap_or_else(|| panic!("no entry {suffix}"))
}

/// Shifts every local header offset at or after `from`, and the directory's offset, by `by`
/// bytes: what a tool does that inserts bytes and keeps the directory consistent.
/// `p` are the parts of the zip before the bytes were inserted at `from`.
fn shift_offsets(zip: &mut [u8], p: &Parts, from: usize, by: usize) {
    for (record, local, _) in &p.records {
        if *local >= from {
            put_u32(zip, record + by + 42, local + by);
        }
    }
    put_u32(zip, p.end + by + 16, p.directory + by);
}

#[test]
fn each_ambiguous_zip_is_reported_with_its_code() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let good = zip_bag(dir);
    let (status, codes, _) = validate_zip(dir, "good.zip", &good);
    assert_eq!((status, codes.len()), (0, 0), "{codes:?}");
    let p = parts(&good);
    let record = entry(&p, "article.xml");
    let local = p.records[record].1;

    // The local header names another file (the central directory's name is unchanged).
    let mut renamed = good.clone();
    let name_len = u16_at(&renamed, local + 26);
    let last = local + 30 + name_len - 1;
    renamed[last] = b'y'; // article.xml -> article.xmy
    let (status, codes, report) = validate_zip(dir, "renamed.zip", &renamed);
    assert_eq!(status, 1);
    assert!(codes.contains(&"NA-ZIP-001".to_string()), "{report}");
    assert!(report.contains("article.xmy"), "both names are given: {report}");

    // Stored in the local header, deflated in the directory.
    let mut method = good.clone();
    assert_eq!(u16_at(&method, local + 8), 8, "the fixture's article.xml is deflated");
    method[local + 8] = 0;
    let (status, codes, report) = validate_zip(dir, "method.zip", &method);
    assert_eq!(status, 1);
    assert!(codes.contains(&"NA-ZIP-002".to_string()), "{report}");

    // Another compressed size in the local header.
    let mut sized = good.clone();
    let compressed = u32_at(&sized, local + 18);
    put_u32(&mut sized, local + 18, compressed + 1);
    let (status, codes, report) = validate_zip(dir, "sized.zip", &sized);
    assert_eq!(status, 1);
    assert!(codes.contains(&"NA-ZIP-003".to_string()), "{report}");

    // Bytes hidden between two entries, the directory's offsets kept consistent.
    let next = p.records.iter().map(|r| r.1).filter(|o| *o > local).min().unwrap();
    let hidden = b"bytes that belong to no entry";
    let mut gap = good[..next].to_vec();
    gap.extend_from_slice(hidden);
    gap.extend_from_slice(&good[next..]);
    shift_offsets(&mut gap, &p, next, hidden.len());
    let (status, codes, report) = validate_zip(dir, "gap.zip", &gap);
    assert_eq!(status, 1);
    assert_eq!(codes, ["NA-ZIP-005"], "{report}");

    // Bytes prepended, the offsets adjusted (a self-extracting stub): only the stub is wrong.
    let stub = b"#!/bin/sh\necho hidden\nexit 0\n";
    let mut prepended = stub.to_vec();
    prepended.extend_from_slice(&good);
    shift_offsets(&mut prepended, &p, 0, stub.len());
    let (status, codes, report) = validate_zip(dir, "prepended.zip", &prepended);
    assert_eq!(status, 1);
    assert_eq!(codes, ["NA-ZIP-004"], "{report}");

    // Bytes appended after the end record.
    let mut appended = good.clone();
    appended.extend_from_slice(b"PK\x03\x04 a hidden trailer");
    let (status, codes, report) = validate_zip(dir, "appended.zip", &appended);
    assert_eq!(status, 1);
    assert!(codes.contains(&"NA-ZIP-006".to_string()), "{report}");

    // Python's zipfile, a seeking reader, reads the gap and stub zips without complaint: the
    // hidden bytes are found by newsarc alone, so these are real cases, not ones every reader
    // already refuses.
    if let Some(python) = python() {
        let script = "import sys, zipfile\nfor p in sys.argv[1:]:\n    z = zipfile.ZipFile(p)\n    assert z.testzip() is None, p\n";
        let out = std::process::Command::new(python)
            .args(["-c", script])
            .args([dir.join("gap.zip"), dir.join("prepended.zip")])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
}

/// A Python 3, if there is one (`zipfile` is in its standard library).
fn python() -> Option<&'static str> {
    let found = std::process::Command::new("python3").arg("--version").output().is_ok_and(|o| o.status.success());
    if !found {
        skip("python3 (its zipfile module is a second zip reader)", "install Python 3");
    }
    found.then_some("python3")
}

#[test]
fn an_epub_whose_headers_disagree_is_refused_by_convert_and_reported_by_validate() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let run = newsarc().arg("convert").arg(fixture("sample-shape.txt")).args(["--to", "epub", "-o"]).arg(dir).output();
    assert!(run.unwrap().status.success());
    let mut bytes = std::fs::read(dir.join("sample-shape.epub")).unwrap();
    let p = parts(&bytes);
    let local = p.records[entry(&p, "article.xhtml")].1;
    let name_len = u16_at(&bytes, local + 26);
    bytes[local + 30 + name_len - 2] ^= 0x20; // .xhtml -> .xhTml in the local header only
    let bad = dir.join("bad.epub");
    std::fs::write(&bad, &bytes).unwrap();

    let out = newsarc().arg("convert").arg(&bad).args(["--to", "ninjs", "-o"]).arg(dir.join("out")).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("bad.epub") && stderr.contains("NA-ZIP-001"), "{stderr}");
    let written = std::fs::read_dir(dir.join("out")).map(|d| d.count()).unwrap_or(0);
    assert_eq!(written, 0, "nothing is written from an ambiguous archive");

    let out = newsarc().arg("validate").arg(&bad).args(["--format", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report.contains("NA-ZIP-001"), "{report}");
}

#[test]
fn site_refuses_a_bag_that_readers_read_differently() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let good = zip_bag(dir);
    let p = parts(&good);
    let local = p.records[entry(&p, "article.xml")].1;
    let mut bad = good.clone();
    bad[local + 8] = 0;
    let path = dir.join("bad.zip");
    std::fs::write(&path, &bad).unwrap();
    let out = newsarc().arg("site").arg(&path).arg("-o").arg(dir.join("site")).output().unwrap();
    assert_ne!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("NA-ZIP-002"), "{stderr}");
    assert!(!dir.join("site").exists());
}

/// What a reader extracts: each file's name and bytes, or the reader's refusal.
type Extracted = Result<BTreeMap<Vec<u8>, Vec<u8>>, String>;

/// Through the central directory, with the `zip` crate (it checks each CRC-32).
fn seeking(zip: &[u8]) -> Extracted {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).map_err(|e| e.to_string())?;
    let mut out = BTreeMap::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|e| e.to_string())?;
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).map_err(|e| e.to_string())?;
        if out.insert(entry.name_raw().to_vec(), bytes).is_some() {
            return Err("a name twice".to_string());
        }
    }
    Ok(out)
}

/// Local headers in order from byte 0, as a streaming reader follows them (entries written with
/// their sizes in the header, as newsarc's are), checking each CRC-32 as Java's reader does.
fn streaming(zip: &[u8]) -> Extracted {
    let mut out = BTreeMap::new();
    let mut at = 0;
    while zip.get(at..at + 4) == Some(b"PK\x03\x04") {
        let header = zip.get(at..at + 30).ok_or("cut short")?;
        let (flags, method, crc) = (u16_at(header, 6), u16_at(header, 8), u32_at(header, 14));
        let (compressed, size) = (u32_at(header, 18), u32_at(header, 22));
        let (n, e) = (u16_at(header, 26), u16_at(header, 28));
        if flags & 8 != 0 {
            return Err("a data descriptor".to_string());
        }
        let name = zip.get(at + 30..at + 30 + n).ok_or("cut short")?.to_vec();
        let start = at + 30 + n + e;
        let data = zip.get(start..start + compressed).ok_or("cut short")?;
        let bytes = match method {
            0 => data.to_vec(),
            8 => {
                let mut bytes = Vec::new();
                flate2::read::DeflateDecoder::new(data).read_to_end(&mut bytes).map_err(|e| e.to_string())?;
                bytes
            }
            m => return Err(format!("method {m}")),
        };
        if bytes.len() != size || crc32fast::hash(&bytes) as usize != crc {
            return Err("a CRC or size mismatch".to_string());
        }
        if out.insert(name, bytes).is_some() {
            return Err("a name twice".to_string());
        }
        at = start + compressed;
    }
    Ok(out)
}

/// newsarc's verdict on a zip bag, in process (the command's checks: package, bag, articles).
fn valid(path: &Path) -> bool {
    let mut findings = Vec::new();
    let Ok(files) = package::read(path, package::Limits::package(), &mut findings) else { return false };
    let shown = path.display().to_string();
    let expected = bag::check(&files, &shown, bag::Profile::Newsarc, &mut findings);
    article::check(&files, &shown, false, None, &expected, &mut findings);
    !findings.iter().any(|f| f.severity == Severity::Error)
}

/// Python's `zipfile` on every flipped copy, in one process: for each, whether what it extracts
/// is what it extracts from the original.
fn python_verdicts(original: &Path, flipped: &[PathBuf]) -> Option<Vec<bool>> {
    let python = python()?;
    let script = r#"
import sys, zipfile
def extract(p):
    try:
        with zipfile.ZipFile(p) as z:
            return sorted((i.filename, z.read(i)) for i in z.infolist())
    except Exception as e:
        return None
base = extract(sys.argv[1])
assert base is not None
for p in sys.stdin.read().split('\n'):
    if p:
        print('same' if extract(p) == base else 'differs')
"#;
    let mut child = std::process::Command::new(python)
        .args(["-c", script])
        .arg(original)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let list: String = flipped.iter().map(|p| format!("{}\n", p.display())).collect();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), list.as_bytes()).unwrap();
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let verdicts: Vec<bool> = String::from_utf8_lossy(&out.stdout).lines().map(|l| l == "same").collect();
    assert_eq!(verdicts.len(), flipped.len());
    Some(verdicts)
}

/// Every byte of the bag's structure (local headers, central directory, end record) and every
/// 97th byte of its entries' data, one bit flipped each: newsarc either reports the bag or no
/// reader extracts anything else from it.
#[test]
fn every_flip_that_changes_what_a_reader_extracts_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let good = zip_bag(dir);
    let original = dir.join("original.zip");
    std::fs::write(&original, &good).unwrap();
    assert!(valid(&original));
    let base_seeking = seeking(&good).unwrap();
    assert_eq!(streaming(&good).as_ref(), Ok(&base_seeking), "the two readers agree on the original");

    // Which bytes are entries' data, from the headers parsed here.
    let p = parts(&good);
    let mut data = vec![false; good.len()];
    for (_, local, _) in &p.records {
        let (compressed, n, e) = (u32_at(&good, local + 18), u16_at(&good, local + 26), u16_at(&good, local + 28));
        let start = local + 30 + n + e;
        data[start..start + compressed].iter_mut().for_each(|d| *d = true);
    }
    let offsets: Vec<usize> = (0..good.len()).filter(|&i| !data[i] || i % 97 == 0).collect();
    assert!(offsets.len() > 1000, "{} offsets", offsets.len());

    let mut paths = Vec::new();
    let mut passed = Vec::new();
    for &i in &offsets {
        let mut flipped = good.clone();
        flipped[i] ^= 1 << (i % 8);
        let path = dir.join(format!("flip-{i}.zip"));
        std::fs::write(&path, &flipped).unwrap();
        let ok = valid(&path);
        if ok {
            let same = seeking(&flipped).as_ref() == Ok(&base_seeking)
                && streaming(&flipped).as_ref() == Ok(&base_seeking);
            assert!(same, "byte {i} flipped: valid for newsarc, yet a reader extracts something else");
            passed.push(i);
            paths.push(path);
        } else {
            std::fs::remove_file(&path).unwrap();
        }
    }
    if let Some(verdicts) = python_verdicts(&original, &paths) {
        let differ: Vec<usize> = passed.iter().zip(&verdicts).filter(|(_, same)| !**same).map(|(i, _)| *i).collect();
        assert!(differ.is_empty(), "flips valid for newsarc that change what Python's zipfile extracts: {differ:?}");
    }
    // The flips that pass are the ones no reader sees (times, attributes, "version made by"):
    // few of the structure's bytes.
    assert!(passed.len() * 4 < offsets.len(), "{} of {} flips pass", passed.len(), offsets.len());
}
