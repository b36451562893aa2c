//! `newsarc validate` on packages: every valid bag passes; each corruption is caught with its own
//! code; reports in every format can be read back.

use crate::util::*;
use std::io::Write;
use std::path::{Path, PathBuf};

/// A fresh folder bag of three fixtures, in `dir/name`.
fn bag(dir: &Path, name: &str) -> PathBuf {
    let out = dir.join(name);
    let status = newsarc()
        .arg("pack")
        .args([fixture("sample-shape.txt"), fixture("lang-arabic-rtl.txt"), fixture("body-table.txt")])
        .arg("-o")
        .arg(&out)
        .arg("-q")
        .output()
        .unwrap();
    assert!(status.status.success());
    out
}

fn validate(path: &Path, format: &str) -> (i32, String) {
    let out = newsarc().arg("validate").arg(path).args(["--format", format]).output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned())
}

fn codes(path: &Path) -> Vec<String> {
    let (_, json) = validate(path, "json");
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    report["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap().to_string()).collect()
}

fn edit(path: &Path, f: impl FnOnce(String) -> String) {
    let text = std::fs::read_to_string(path).unwrap();
    std::fs::write(path, f(text)).unwrap();
}

#[test]
fn valid_bags_pass_in_every_container() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["b", "b.zip", "b.tar"] {
        let out = dir.path().join(name);
        newsarc().arg("pack").arg(fixture("sample-shape.txt")).arg("-o").arg(&out).arg("-q").output().unwrap();
        let (code, text) = validate(&out, "text");
        assert_eq!(code, 0, "{text}");
        assert!(text.ends_with(": valid\n"), "{text}");
    }
}

#[test]
fn each_corruption_is_caught_with_its_own_code() {
    let dir = tempfile::tempdir().unwrap();
    type Corrupt = fn(&Path);
    let cases: [(&str, Corrupt, &str); 7] = [
        (
            "changed-byte",
            |b| edit(&b.join("data/articles/sample-shape/source.txt"), |t| t.replacen("Millbrook", "Millbrock", 1)),
            "NA-BAG-010",
        ),
        (
            "missing-file",
            |b| std::fs::remove_file(b.join("data/articles/body-table/article.json")).unwrap(),
            "NA-BAG-008",
        ),
        ("extra-file", |b| std::fs::write(b.join("data/articles/body-table/notes.txt"), "x").unwrap(), "NA-BAG-009"),
        ("edited-bag-info", |b| edit(&b.join("bag-info.txt"), |t| t + "Contact-Name: Someone\n"), "NA-BAG-013"),
        (
            "wrong-oxum",
            |b| edit(&b.join("bag-info.txt"), |t| t.replace("Payload-Oxum: ", "Payload-Oxum: 1")),
            "NA-BAG-012",
        ),
        (
            "path-outside",
            |b| edit(&b.join("manifest-sha256.txt"), |t| t + &format!("{}  data/../../etc/passwd\n", "0".repeat(64))),
            "NA-BAG-007",
        ),
        (
            "fetch-txt",
            |b| std::fs::write(b.join("fetch.txt"), "https://example.org/x - data/x\n").unwrap(),
            "NA-BAG-004",
        ),
    ];
    for (name, corrupt, code) in cases {
        let b = bag(dir.path(), name);
        corrupt(&b);
        let found = codes(&b);
        assert!(found.contains(&code.to_string()), "{name}: expected {code}, found {found:?}");
        assert_eq!(validate(&b, "text").0, 1, "{name}: invalid");
    }
}

#[test]
fn a_symlink_in_a_folder_bag_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let b = bag(dir.path(), "b");
    std::os::unix::fs::symlink("/etc/passwd", b.join("data/articles/sample-shape/link.txt")).unwrap();
    assert!(codes(&b).contains(&"NA-SAFE-002".to_string()));
}

fn zip_with(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        z.start_file(*name, options).unwrap();
        z.write_all(bytes).unwrap();
    }
    z.finish().unwrap().into_inner()
}

#[test]
fn hostile_zips_are_refused_without_extracting() {
    let dir = tempfile::tempdir().unwrap();
    let dots = dir.path().join("dots.zip");
    std::fs::write(
        &dots,
        zip_with(&[
            ("b/bagit.txt", b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n".to_vec()),
            ("b/../../evil.txt", b"x".to_vec()),
        ]),
    )
    .unwrap();
    assert!(codes(&dots).contains(&"NA-SAFE-001".to_string()));
    assert!(!dir.path().join("evil.txt").exists() && !Path::new("/tmp/evil.txt").exists());
    let bomb = dir.path().join("bomb.zip");
    std::fs::write(&bomb, zip_with(&[("b/data/zeros.bin", vec![0u8; 50 << 20])])).unwrap();
    let found = codes(&bomb);
    assert!(found.contains(&"NA-SAFE-006".to_string()), "{found:?}");
    let two = dir.path().join("two.zip");
    std::fs::write(&two, zip_with(&[("a/bagit.txt", vec![]), ("b/bagit.txt", vec![])])).unwrap();
    assert!(codes(&two).contains(&"NA-SAFE-008".to_string()));
    let case = dir.path().join("case.zip");
    std::fs::write(&case, zip_with(&[("b/data/A.txt", vec![1]), ("b/data/a.txt", vec![2])])).unwrap();
    assert!(codes(&case).contains(&"NA-SAFE-004".to_string()));
}

#[test]
fn files_are_checked_with_their_readers() {
    let dir = tempfile::tempdir().unwrap();
    let no_guid = dir.path().join("item.xml");
    std::fs::write(&no_guid, r#"<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/"><itemMeta><itemClass qcode="ninat:text"/></itemMeta></newsItem>"#).unwrap();
    let (code, text) = validate(&no_guid, "text");
    assert_eq!(code, 1);
    assert!(text.contains("error NA-READ-014") && text.contains("no guid"), "{text}");
    let (code, text) = validate(&fixture("xml-illegal-chars.txt"), "text");
    assert_eq!(code, 0, "warnings only: {text}");
    assert!(text.contains("NA-READ-001"));
    let strict = newsarc().arg("validate").arg(fixture("xml-illegal-chars.txt")).arg("--strict").output().unwrap();
    assert_eq!(strict.status.code(), Some(1), "--strict makes warnings count");
}

#[test]
fn reports_can_be_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let b = bag(dir.path(), "b");
    edit(&b.join("bag-info.txt"), |t| t.replace("Payload-Oxum: ", "Payload-Oxum: 1"));
    let (_, json) = validate(&b, "json");
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    let schema: serde_json::Value = serde_json::from_str(newsarc::schemas::REPORT).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(&report).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let (_, junit) = validate(&b, "junit");
    let mut reader = quick_xml::Reader::from_str(&junit);
    let (mut failures, mut cases) = (0, 0);
    loop {
        match reader.read_event().unwrap() {
            quick_xml::events::Event::Start(e) if e.name().as_ref() == "testcase" => cases += 1,
            quick_xml::events::Event::Start(e) if e.name().as_ref() == "failure" => failures += 1,
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!((cases, failures), (1, 1), "{junit}");
    let (_, github) = validate(&b, "github");
    assert!(github.lines().all(|l| l.starts_with("::error ") || l.starts_with("::warning ")), "{github}");
    assert!(github.contains("title=NA-BAG-012::"), "{github}");
}

/// Recomputes a folder bag's SHA-256 manifests and Payload-Oxum after an edit, so only the
/// edit's own finding shows.
fn rehash(bag: &Path) {
    use sha2::{Digest, Sha256};
    let mut lines = Vec::new();
    for entry in walkdir::WalkDir::new(bag.join("data")).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(bag).unwrap().to_string_lossy().into_owned();
            lines.push(format!("{}  {rel}\n", hex::encode(Sha256::digest(std::fs::read(entry.path()).unwrap()))));
        }
    }
    std::fs::write(bag.join("manifest-sha256.txt"), lines.concat()).unwrap();
    let (mut octets, mut count) = (0u64, 0usize);
    for entry in walkdir::WalkDir::new(bag.join("data")) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            octets += entry.metadata().unwrap().len();
            count += 1;
        }
    }
    edit(&bag.join("bag-info.txt"), |t| {
        t.lines()
            .map(|l| {
                if l.starts_with("Payload-Oxum:") {
                    format!("Payload-Oxum: {octets}.{count}\n")
                } else {
                    format!("{l}\n")
                }
            })
            .collect()
    });
    let tags: String = ["bagit.txt", "bag-info.txt", "manifest-sha256.txt"]
        .iter()
        .map(|t| format!("{}  {t}\n", hex::encode(Sha256::digest(std::fs::read(bag.join(t)).unwrap()))))
        .collect();
    std::fs::write(bag.join("tagmanifest-sha256.txt"), tags).unwrap();
}

#[test]
fn article_level_corruptions_are_caught_with_their_codes() {
    let dir = tempfile::tempdir().unwrap();
    type Corrupt = fn(&Path);
    let cases: [(&str, Corrupt, &str); 5] = [
        (
            "compressed-mimetype",
            |b| {
                let path = b.join("data/articles/sample-shape/article.epub");
                let mut archive = zip::ZipArchive::new(std::io::Cursor::new(std::fs::read(&path).unwrap())).unwrap();
                let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
                let deflated =
                    zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
                for i in 0..archive.len() {
                    let mut entry = archive.by_index(i).unwrap();
                    let mut bytes = Vec::new();
                    std::io::Read::read_to_end(&mut entry, &mut bytes).unwrap();
                    out.start_file(entry.name().unwrap().to_string(), deflated).unwrap();
                    out.write_all(&bytes).unwrap();
                }
                std::fs::write(&path, out.finish().unwrap().into_inner()).unwrap();
            },
            "NA-EPUB-001",
        ),
        (
            "newsml-without-guid",
            |b| edit(&b.join("data/articles/sample-shape/article.xml"), |t| t.replacen(" guid=\"", " id=\"", 1)),
            "NA-READ-014",
        ),
        (
            "ninjs-wrong-type",
            |b| {
                edit(&b.join("data/articles/sample-shape/article.json"), |t| {
                    t.replace("\"type\": \"text\"", "\"type\": \"article\"")
                })
            },
            "NA-NINJS-002",
        ),
        (
            "headlines-disagree",
            |b| {
                edit(&b.join("data/articles/sample-shape/article.json"), |t| {
                    t.replace("Thousands rally in Millbrook", "Hundreds rally in Millbrook")
                })
            },
            "NA-X-002",
        ),
        ("record-checksum", |b| edit(&b.join("data/articles/sample-shape/source.txt"), |t| t + "\n"), "NA-X-005"),
    ];
    for (name, corrupt, code) in cases {
        let b = bag(dir.path(), name);
        corrupt(&b);
        rehash(&b);
        let found = codes(&b);
        assert!(found.contains(&code.to_string()), "{name}: expected {code}, found {found:?}");
        assert!(!found.iter().any(|c| c.starts_with("NA-BAG")), "{name}: the bag itself is consistent: {found:?}");
    }
}

#[test]
fn reproduce_finds_renditions_this_version_would_write_differently() {
    let dir = tempfile::tempdir().unwrap();
    let b = bag(dir.path(), "b");
    let run =
        |b: &Path| newsarc().arg("validate").arg(b).arg("--reproduce").args(["--format", "json"]).output().unwrap();
    assert_eq!(run(&b).status.code(), Some(0), "{}", String::from_utf8_lossy(&run(&b).stdout));
    // A rendition edited, and every checksum brought in line: only --reproduce can tell.
    edit(&b.join("data/articles/body-table/article.xml"), |t| t.replace("<headline>", "<headline> "));
    rehash(&b);
    let plain = newsarc().arg("validate").arg(&b).args(["--format", "json"]).output().unwrap();
    let plain: serde_json::Value = serde_json::from_slice(&plain.stdout).unwrap();
    assert!(!plain["findings"].as_array().unwrap().iter().any(|f| f["code"] == "NA-REP-001"));
    let out = run(&b);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rep: Vec<&serde_json::Value> =
        report["findings"].as_array().unwrap().iter().filter(|f| f["code"] == "NA-REP-001").collect();
    assert_eq!(rep.len(), 1, "{report:#}");
    assert!(rep[0]["file"].as_str().unwrap().ends_with("data/articles/body-table/article.xml"));
}

#[test]
fn every_valid_fixture_packed_passes_validate_and_reproduce() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    for name in ["all", "all.zip", "all.tar"] {
        let out = dir.path().join(name);
        newsarc()
            .arg("pack")
            .arg(root.join("articles"))
            .arg(root.join("names"))
            .arg("-o")
            .arg(&out)
            .arg("-q")
            .arg("--digest")
            .arg("sha512")
            .output()
            .unwrap();
        let result = newsarc().arg("validate").arg(&out).arg("--reproduce").output().unwrap();
        assert_eq!(result.status.code(), Some(0), "{name}: {}", String::from_utf8_lossy(&result.stdout));
    }
}

/// Rewrites one entry of the EPUB in an article folder of a folder bag, keeping the others.
fn rewrite_epub_entry(bag: &Path, entry_name: &str, f: impl Fn(String) -> Option<String>) {
    let path = bag.join("data/articles/sample-shape/article.epub");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(std::fs::read(&path).unwrap())).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let stored = zip::write::SimpleFileOptions::default().compression_method(entry.compression());
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut bytes).unwrap();
        if name == entry_name {
            match f(String::from_utf8(bytes).unwrap()) {
                Some(text) => bytes = text.into_bytes(),
                None => continue,
            }
        }
        out.start_file(name, stored).unwrap();
        out.write_all(&bytes).unwrap();
    }
    std::fs::write(&path, out.finish().unwrap().into_inner()).unwrap();
}

#[test]
fn epub_package_defects_are_caught_with_their_codes() {
    let dir = tempfile::tempdir().unwrap();
    type Rewrite = fn(String) -> Option<String>;
    let cases: [(&str, &str, Rewrite, &str); 3] = [
        (
            "no-modified",
            "EPUB/package.opf",
            |t| Some(t.replace("property=\"dcterms:modified\"", "property=\"dcterms:created\"")),
            "NA-EPUB-002",
        ),
        ("missing-item", "EPUB/style.css", |_| None, "NA-EPUB-003"),
        ("no-nav", "EPUB/package.opf", |t| Some(t.replace(" properties=\"nav\"", "")), "NA-EPUB-004"),
    ];
    for (name, entry, f, code) in cases {
        let b = bag(dir.path(), name);
        rewrite_epub_entry(&b, entry, f);
        rehash(&b);
        let found = codes(&b);
        assert!(found.contains(&code.to_string()), "{name}: expected {code}, found {found:?}");
    }
}

#[test]
fn single_renditions_are_checked_by_their_kind() {
    let dir = tempfile::tempdir().unwrap();
    newsarc().arg("convert").arg(fixture("sample-shape.txt")).arg("-o").arg(dir.path()).arg("-q").output().unwrap();
    let all: Vec<PathBuf> = ["epub", "metadata.json", "newsml.xml", "ninjs.json"]
        .iter()
        .map(|e| dir.path().join(format!("sample-shape.{e}")))
        .collect();
    let ok = newsarc().arg("validate").args(&all).output().unwrap();
    assert_eq!(ok.status.code(), Some(0), "{}", String::from_utf8_lossy(&ok.stdout));
    let ninjs = dir.path().join("bad.ninjs.json");
    std::fs::write(
        &ninjs,
        std::fs::read_to_string(&all[3]).unwrap().replace("\"type\": \"text\"", "\"type\": \"story\""),
    )
    .unwrap();
    let record = dir.path().join("bad.metadata.json");
    std::fs::write(
        &record,
        std::fs::read_to_string(&all[1]).unwrap().replace("\"record_version\": 1", "\"record_version\": 7"),
    )
    .unwrap();
    for (path, code) in [(ninjs, "NA-NINJS-002"), (record, "NA-META-001")] {
        let found = codes(&path);
        assert!(found.contains(&code.to_string()), "{}: {found:?}", path.display());
    }
}

#[test]
fn github_annotations_point_at_files_github_can_show() {
    let dir = tempfile::tempdir().unwrap();
    let folder = bag(dir.path(), "b");
    let source = folder.join("data/articles/sample-shape/source.txt");
    std::fs::write(&source, b"changed").unwrap();
    let (code, out) = validate(&folder, "github");
    assert_eq!(code, 1, "{out}");
    let line = out.lines().find(|l| l.contains("NA-BAG-010")).unwrap_or_else(|| panic!("{out}"));
    let expected = format!("file={}", folder.join("data/articles/sample-shape/source.txt").display());
    assert!(line.contains(&expected.replace(':', "%3A")), "a real path inside the folder bag: {line}");
    // In a tar, the archive is the file, and the entry is named in the message.
    let tar = dir.path().join("c.tar");
    let out = newsarc().arg("pack").arg(fixture("sample-shape.txt")).arg("-o").arg(&tar).output().unwrap();
    assert!(out.status.success());
    let mut bytes = std::fs::read(&tar).unwrap();
    let at = bytes.windows(9).position(|w| w == b"Millbrook").unwrap();
    bytes[at] = b'X';
    std::fs::write(&tar, bytes).unwrap();
    let (code, out) = validate(&tar, "github");
    assert_eq!(code, 1, "{out}");
    let line = out.lines().find(|l| l.contains("NA-BAG-010")).unwrap_or_else(|| panic!("{out}"));
    assert!(line.contains(&format!("file={},", tar.display()).replace(':', "%3A")), "{line}");
    assert!(line.contains("::data/articles/sample-shape/source.txt: "), "{line}");
}

#[test]
fn strict_means_the_same_for_an_article_alone_and_inside_a_bag() {
    let dir = tempfile::tempdir().unwrap();
    let story = fixture("headline-missing.txt");
    let out = newsarc().args(["validate", "--strict"]).arg(&story).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "alone: {}", String::from_utf8_lossy(&out.stdout));
    let bagged = dir.path().join("b");
    let out = newsarc().arg("pack").arg(&story).arg("-o").arg(&bagged).arg("-q").output().unwrap();
    assert!(out.status.success());
    let out = newsarc().args(["validate", "--strict"]).arg(&bagged).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "in a bag: {text}");
    assert!(text.contains("source.txt: warning NA-READ-004"), "{text}");
    let out = newsarc().arg("validate").arg(&bagged).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "without --strict a warning is no failure");
}

#[test]
fn unrecognised_files_and_newsarcs_own_reports_are_said_to_be_so() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("run.sh");
    std::fs::write(&script, b"#!/bin/sh\necho hi\n").unwrap();
    let report = dir.path().join("report.json");
    let out = newsarc()
        .arg("pack")
        .arg(fixture("sample-shape.txt"))
        .arg("-o")
        .arg(dir.path().join("b.zip"))
        .arg("--report")
        .arg(&report)
        .output()
        .unwrap();
    assert!(out.status.success());
    let codes_of = |path: &Path| codes(path);
    assert_eq!(codes_of(&script), ["NA-IN-002"]);
    assert_eq!(codes_of(&report), ["NA-IN-003"]);
}

#[test]
fn standard_input_is_validated_as_what_its_bytes_are() {
    let dir = tempfile::tempdir().unwrap();
    let out = newsarc()
        .arg("convert")
        .arg(fixture("sample-shape.txt"))
        .args(["--to", "newsml", "-q", "-o"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let item = std::fs::read_to_string(dir.path().join("sample-shape.newsml.xml")).unwrap();
    let broken = item.replacen(" guid=\"", " xguid=\"", 1);
    std::fs::write(dir.path().join("broken.xml"), broken).unwrap();
    for (file, code) in [("sample-shape.newsml.xml", 0), ("broken.xml", 1)] {
        let out = newsarc()
            .args(["validate", "-", "--format", "json"])
            .stdin(std::fs::File::open(dir.path().join(file)).unwrap())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(code), "{file}: {}", String::from_utf8_lossy(&out.stdout));
    }
}

#[test]
fn validate_on_one_core_finds_what_it_finds_on_all() {
    let dir = tempfile::tempdir().unwrap();
    let b = bag(dir.path(), "b");
    std::fs::write(b.join("data/articles/body-table/source.txt"), b"changed").unwrap();
    let run = |jobs: &str| {
        let out = newsarc().arg("validate").arg(&b).args(["--format", "json", "-j", jobs]).output().unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let one = run("1");
    assert_eq!(one.0, Some(1), "{}", one.1);
    assert!(one.1.contains("NA-BAG-010"));
    assert_eq!(one, run("2"));
}

/// `convert -o out/` then `validate out/`: a folder of renditions is not a broken bag. Each
/// article's renditions are checked together, as in a bag (a swapped EPUB is found by the
/// renditions' disagreement and the record's checksum, named by its path); a file no reader
/// takes is named; a folder with a bag's parts but no `bagit.txt` is still a damaged bag.
#[test]
fn a_folder_of_renditions_is_validated_as_its_articles_not_as_a_bag() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let run = newsarc()
        .arg("convert")
        .args([fixture("sample-shape.txt"), fixture("body-table.txt")])
        .arg("-o")
        .arg(&out)
        .arg("-q")
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let (status, json) = validate(&out, "json");
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(status, 0, "{json}");
    assert_eq!(report["checked"][0]["valid"], true);
    assert!(report["findings"].as_array().unwrap().iter().all(|f| f["severity"] != "error"), "{json}");

    // One article's EPUB replaced by the other's.
    std::fs::copy(out.join("body-table.epub"), out.join("sample-shape.epub")).unwrap();
    std::fs::write(out.join("notes.bin"), b"\x00\x01 not a rendition").unwrap();
    let (status, text) = validate(&out, "text");
    assert_eq!(status, 1, "{text}");
    let epub = format!("{}: error NA-X-005", out.join("sample-shape.epub").display());
    assert!(text.contains(&epub), "the swapped file is named by its path: {text}");
    assert!(text.contains("NA-X-002"), "the headlines disagree: {text}");
    assert!(!text.contains("body-table: error") && !text.contains("body-table.epub: error"), "{text}");
    assert!(text.contains(&format!("{}: warning NA-IN-002", out.join("notes.bin").display())), "{text}");
    assert!(!text.contains("NA-BAG-"), "not a bag: {text}");

    // A bag's parts without bagit.txt: a damaged bag.
    let damaged = dir.path().join("damaged");
    std::fs::create_dir_all(damaged.join("data")).unwrap();
    std::fs::write(damaged.join("data/story.txt"), "Headline\n\nText.\n").unwrap();
    std::fs::write(damaged.join("manifest-sha256.txt"), "").unwrap();
    let found = codes(&damaged);
    assert!(found.contains(&"NA-BAG-001".to_string()), "{found:?}");
}
