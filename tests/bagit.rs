//! `newsarc validate` on bags made elsewhere: small bags built here, with checksums from the
//! RustCrypto crates (not newsarc's code), each showing one BagIt rule as the reference tools
//! read it.

use crate::util::*;
use std::io::{Read as _, Write};
use std::path::{Path, PathBuf};

fn hex_of(algorithm: &str, bytes: &[u8]) -> String {
    use sha2::Digest;
    match algorithm {
        "md5" => hex::encode(md5::Md5::digest(bytes)),
        "sha1" => hex::encode(sha1::Sha1::digest(bytes)),
        "sha224" => hex::encode(sha2::Sha224::digest(bytes)),
        "sha256" => hex::encode(sha2::Sha256::digest(bytes)),
        "sha384" => hex::encode(sha2::Sha384::digest(bytes)),
        "sha512" => hex::encode(sha2::Sha512::digest(bytes)),
        other => panic!("{other}"),
    }
}

/// A folder bag: `bagit.txt` of `version`, the payload, one manifest per algorithm listing every
/// payload file, and bag-info.txt with the right Payload-Oxum.
struct Bag {
    root: PathBuf,
    version: &'static str,
    payload: Vec<(String, Vec<u8>)>,
}

impl Bag {
    fn new(dir: &Path, name: &str, version: &'static str) -> Bag {
        let payload = vec![
            ("data/story.txt".to_string(), b"Thousands rally in Millbrook\n".to_vec()),
            ("data/notes/a.txt".to_string(), b"a\n".to_vec()),
        ];
        Bag { root: dir.join(name), version, payload }
    }

    fn file(mut self, path: &str, bytes: &[u8]) -> Bag {
        self.payload.push((path.to_string(), bytes.to_vec()));
        self
    }

    /// Writes the bag with manifests of these algorithms.
    fn write(self, algorithms: &[&str]) -> PathBuf {
        std::fs::create_dir_all(self.root.join("data")).unwrap();
        std::fs::write(
            self.root.join("bagit.txt"),
            format!("BagIt-Version: {}\nTag-File-Character-Encoding: UTF-8\n", self.version),
        )
        .unwrap();
        for (path, bytes) in &self.payload {
            let at = self.root.join(path);
            std::fs::create_dir_all(at.parent().unwrap()).unwrap();
            std::fs::write(at, bytes).unwrap();
        }
        for algorithm in algorithms {
            let lines: String = self.payload.iter().map(|(p, b)| format!("{}  {p}\n", hex_of(algorithm, b))).collect();
            std::fs::write(self.root.join(format!("manifest-{algorithm}.txt")), lines).unwrap();
        }
        let octets: usize = self.payload.iter().map(|(_, b)| b.len()).sum();
        let info =
            if self.version.starts_with("0.9") && self.version < "0.96" { "package-info.txt" } else { "bag-info.txt" };
        std::fs::write(self.root.join(info), format!("Payload-Oxum: {octets}.{}\n", self.payload.len())).unwrap();
        self.root
    }
}

/// (code, severity) of every finding, and whether the bag passed.
fn run(path: &Path, extra: &[&str]) -> (bool, Vec<(String, String)>, serde_json::Value) {
    let out = newsarc().arg("validate").arg(path).args(["--format", "json"]).args(extra).output().unwrap();
    let report: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let found = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["code"].as_str().unwrap().to_string(), f["severity"].as_str().unwrap().to_string()))
        .collect();
    (out.status.code() == Some(0), found, report)
}

fn has(found: &[(String, String)], code: &str, severity: &str) -> bool {
    found.iter().any(|(c, s)| c == code && s == severity)
}

fn edit(path: &Path, f: impl FnOnce(String) -> String) {
    let text = std::fs::read_to_string(path).unwrap();
    std::fs::write(path, f(text)).unwrap();
}

#[test]
fn every_algorithm_bagit_python_writes_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    for algorithm in ["md5", "sha1", "sha224", "sha256", "sha384", "sha512"] {
        let bag = Bag::new(dir.path(), algorithm, "1.0").write(&[algorithm]);
        let (ok, found, report) = run(&bag, &[]);
        assert!(ok, "{algorithm}: {found:?}");
        let weak = algorithm == "md5" || algorithm == "sha1";
        assert_eq!(has(&found, "NA-BAG-015", "warning"), weak, "{algorithm}: {found:?}");
        assert_eq!(report["checked"][0]["profile"], "bagit", "a foreign bag gets BagIt checks only");
        // The fault is found, not hidden behind "no manifest".
        edit(&bag.join("data/story.txt"), |t| t.replace("Thousands", "Hundreds"));
        let (ok, found, _) = run(&bag, &[]);
        assert!(!ok);
        assert!(has(&found, "NA-BAG-010", "error"), "{algorithm}: {found:?}");
        assert!(!found.iter().any(|(c, _)| c == "NA-BAG-005"), "{algorithm}: {found:?}");
    }
    // md5 beside sha256: no weak-only warning; both are checked.
    let both = Bag::new(dir.path(), "both", "1.0").write(&["md5", "sha256"]);
    assert_eq!(run(&both, &[]).1, vec![]);
    edit(&both.join("manifest-md5.txt"), |t| t.replacen(&t[..4], "0000", 1));
    let (_, found, _) = run(&both, &[]);
    assert_eq!(found.iter().filter(|(c, _)| c == "NA-BAG-010").count(), 1, "{found:?}");
}

#[test]
fn versions_are_read_as_each_defines_itself() {
    let dir = tempfile::tempdir().unwrap();
    // BagIt 0.95: Payload-Oxum in package-info.txt.
    let old = Bag::new(dir.path(), "v095", "0.95").write(&["md5"]);
    assert!(old.join("package-info.txt").exists());
    let (ok, found, _) = run(&old, &[]);
    assert!(ok && !found.iter().any(|(c, _)| c == "NA-BAG-011"), "{found:?}");
    edit(&old.join("package-info.txt"), |_| "Payload-Oxum: 1.1\n".to_string());
    assert!(has(&run(&old, &[]).1, "NA-BAG-012", "error"));
    // A version no one has defined.
    let future = Bag::new(dir.path(), "v2", "2.0").write(&["sha256"]);
    let (ok, found, _) = run(&future, &[]);
    assert!(!ok && has(&found, "NA-BAG-016", "error"), "{found:?}");
}

#[test]
fn manifest_paths_are_matched_as_bagit_python_matches_them() {
    let dir = tempfile::tempdir().unwrap();
    // `./data/...` is read relative to the bag, with a warning.
    let dot = Bag::new(dir.path(), "dot", "1.0").write(&["sha256"]);
    edit(&dot.join("manifest-sha256.txt"), |t| t.replace("  data/", "  ./data/"));
    let (ok, found, _) = run(&dot, &[]);
    assert!(ok && has(&found, "NA-BAG-017", "warning"), "{found:?}");
    assert_eq!(found.iter().filter(|(c, _)| c == "NA-BAG-017").count(), 2);
    // On disk in NFD (as macOS writes), in the manifest in NFC.
    let nfd = "data/Nu\u{301}n\u{303}ez.txt";
    let norm = Bag::new(dir.path(), "norm", "1.0").file(nfd, b"x").write(&["sha256"]);
    edit(&norm.join("manifest-sha256.txt"), |t| t.replace(nfd, "data/N\u{fa}\u{f1}ez.txt"));
    let (ok, found, _) = run(&norm, &[]);
    assert!(ok, "{found:?}");
    assert_eq!(found, vec![("NA-BAG-018".to_string(), "warning".to_string())]);
}

#[test]
fn declared_tag_file_encodings_are_honoured() {
    let dir = tempfile::tempdir().unwrap();
    let latin = Bag::new(dir.path(), "latin", "0.97").file("data/caf\u{e9}.txt", b"x").write(&["sha256"]);
    std::fs::write(latin.join("bagit.txt"), "BagIt-Version: 0.97\nTag-File-Character-Encoding: ISO-8859-1\n").unwrap();
    // The manifest's `é` as one ISO-8859-1 byte.
    let manifest = std::fs::read_to_string(latin.join("manifest-sha256.txt")).unwrap();
    let bytes: Vec<u8> = manifest.chars().map(|c| u8::try_from(u32::from(c)).unwrap()).collect();
    std::fs::write(latin.join("manifest-sha256.txt"), bytes).unwrap();
    let (ok, found, _) = run(&latin, &[]);
    assert!(ok && found.is_empty(), "{found:?}");

    let utf16 = Bag::new(dir.path(), "utf16", "0.97").file("data/caf\u{e9}.txt", b"x").write(&["sha256"]);
    std::fs::write(utf16.join("bagit.txt"), "BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-16\n").unwrap();
    for tag in ["manifest-sha256.txt", "bag-info.txt"] {
        let text = std::fs::read_to_string(utf16.join(tag)).unwrap();
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        std::fs::write(utf16.join(tag), bytes).unwrap();
    }
    let (ok, found, _) = run(&utf16, &[]);
    assert!(ok && found.is_empty(), "{found:?}");

    std::fs::write(utf16.join("bagit.txt"), "BagIt-Version: 0.97\nTag-File-Character-Encoding: KLINGON-8\n").unwrap();
    assert!(has(&run(&utf16, &[]).1, "NA-BAG-023", "error"));
}

#[test]
fn duplicate_and_conflicting_manifest_lines_have_their_own_codes() {
    let dir = tempfile::tempdir().unwrap();
    for (version, severity) in [("0.97", "warning"), ("1.0", "error")] {
        let bag = Bag::new(dir.path(), &format!("same-{version}"), version).write(&["sha256"]);
        edit(&bag.join("manifest-sha256.txt"), |t| {
            let first = t.lines().next().unwrap().to_string();
            format!("{t}{first}\n")
        });
        let (ok, found, _) = run(&bag, &[]);
        assert_eq!(found, vec![("NA-BAG-019".to_string(), severity.to_string())], "{version}");
        assert_eq!(ok, severity == "warning");
    }
    let bag = Bag::new(dir.path(), "conflict", "1.0").write(&["sha256"]);
    edit(&bag.join("manifest-sha256.txt"), |t| format!("{t}{}  data/story.txt\n", "0".repeat(64)));
    let (ok, found, _) = run(&bag, &[]);
    assert!(!ok && has(&found, "NA-BAG-020", "error"), "{found:?}");
}

#[test]
fn a_tag_file_in_a_payload_manifest_is_not_outside_the_payload() {
    let dir = tempfile::tempdir().unwrap();
    let bag = Bag::new(dir.path(), "tag", "1.0").write(&["sha256"]);
    let info = std::fs::read(bag.join("bag-info.txt")).unwrap();
    let mut manifest = std::fs::OpenOptions::new().append(true).open(bag.join("manifest-sha256.txt")).unwrap();
    writeln!(manifest, "{}  bag-info.txt", hex_of("sha256", &info)).unwrap();
    drop(manifest);
    let (ok, found, _) = run(&bag, &[]);
    assert!(ok, "{found:?}");
    assert_eq!(found, vec![("NA-BAG-021".to_string(), "warning".to_string())]);
    edit(&bag.join("bag-info.txt"), |t| t + "Contact-Name: Someone\n");
    assert!(has(&run(&bag, &[]).1, "NA-BAG-013", "error"), "its checksum is still checked");
}

#[test]
fn an_empty_payload_folder_is_a_payload_folder() {
    let dir = tempfile::tempdir().unwrap();
    let bag = dir.path().join("empty");
    std::fs::create_dir_all(bag.join("data")).unwrap();
    std::fs::write(bag.join("bagit.txt"), "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n").unwrap();
    std::fs::write(bag.join("manifest-sha256.txt"), "").unwrap();
    std::fs::write(bag.join("bag-info.txt"), "Payload-Oxum: 0.0\n").unwrap();
    let (ok, found, _) = run(&bag, &[]);
    assert!(ok && found.is_empty(), "{found:?}");
    let tags = [
        ("bagit.txt", b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n".to_vec()),
        ("manifest-sha256.txt", Vec::new()),
        ("bag-info.txt", b"Payload-Oxum: 0.0\n".to_vec()),
    ];
    // A zip and a tar whose data/ is a folder entry.
    let zip_path = dir.path().join("empty.zip");
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    z.add_directory("b/data/", options).unwrap();
    for (name, bytes) in &tags {
        z.start_file(format!("b/{name}"), options).unwrap();
        z.write_all(bytes).unwrap();
    }
    std::fs::write(&zip_path, z.finish().unwrap().into_inner()).unwrap();
    let tar_path = dir.path().join("empty.tar");
    let mut t = tar::Builder::new(Vec::new());
    let mut header = tar::Header::new_gnu();
    header.set_entry_type(tar::EntryType::Directory);
    header.set_size(0);
    header.set_mode(0o755);
    t.append_data(&mut header, "b/data/", std::io::empty()).unwrap();
    for (name, bytes) in &tags {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        t.append_data(&mut header, format!("b/{name}"), bytes.as_slice()).unwrap();
    }
    std::fs::write(&tar_path, t.into_inner().unwrap()).unwrap();
    for archive in [zip_path, tar_path] {
        let (ok, found, _) = run(&archive, &[]);
        assert!(ok && found.is_empty(), "{}: {found:?}", archive.display());
    }
    // No data/ at all is still reported.
    std::fs::remove_dir(bag.join("data")).unwrap();
    assert!(has(&run(&bag, &[]).1, "NA-BAG-003", "error"));
}

#[test]
fn fetch_txt_files_present_are_checked_and_missing_ones_make_one_finding() {
    let dir = tempfile::tempdir().unwrap();
    let bag = Bag::new(dir.path(), "holey", "1.0")
        .file("data/far/one.txt", b"one\n")
        .file("data/far/two.txt", b"two\n")
        .write(&["sha512"]);
    let fetch = "https://example.org/story.txt 29 data/story.txt\n\
                 https://example.org/one.txt - data/far/one.txt\n\
                 https://example.org/two.txt 4 data/far/two.txt\n";
    std::fs::write(bag.join("fetch.txt"), fetch).unwrap();
    let (ok, found, _) = run(&bag, &[]);
    assert!(ok && found.is_empty(), "every listed file is there: {found:?}");
    edit(&bag.join("data/story.txt"), |t| t.replace("Thousands", "Hundreds"));
    assert!(has(&run(&bag, &[]).1, "NA-BAG-010", "error"), "a fetched file present is verified");
    std::fs::remove_file(bag.join("data/far/one.txt")).unwrap();
    std::fs::remove_file(bag.join("data/far/two.txt")).unwrap();
    let out = newsarc().arg("validate").arg(&bag).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let incomplete: Vec<&str> = text.lines().filter(|l| l.contains("NA-BAG-004")).collect();
    assert_eq!(incomplete.len(), 1, "{text}");
    assert!(incomplete[0].contains("data/far/one.txt") && incomplete[0].contains("data/far/two.txt"), "{text}");
    assert!(!text.contains("NA-BAG-008") && !text.contains("NA-BAG-012"), "explained by fetch.txt: {text}");
    for unsafe_path in ["../../etc/passwd", "/tmp/x", "~/x", "C:\\Windows\\x", "bag-info.txt"] {
        std::fs::write(bag.join("fetch.txt"), format!("https://example.org/x - {unsafe_path}\n")).unwrap();
        let (ok, found, _) = run(&bag, &[]);
        assert!(!ok && has(&found, "NA-SAFE-010", "error"), "{unsafe_path}: {found:?}");
    }
}

#[test]
fn the_profile_is_chosen_reported_and_can_be_forced() {
    let dir = tempfile::tempdir().unwrap();
    let bag = dir.path().join("b");
    assert!(
        newsarc()
            .arg("pack")
            .arg(fixture("sample-shape.txt"))
            .arg("-o")
            .arg(&bag)
            .arg("-q")
            .output()
            .unwrap()
            .status
            .success()
    );
    let (ok, _, report) = run(&bag, &[]);
    assert!(ok);
    assert_eq!(report["checked"][0]["profile"], "newsarc", "newsarc's own bag");
    let schema: serde_json::Value = serde_json::from_str(newsarc::schemas::REPORT).unwrap();
    assert!(jsonschema::validator_for(&schema).unwrap().is_valid(&report));
    // An article defect only the newsarc profile sees (the bag's checksums brought in line).
    let ninjs = bag.join("data/articles/sample-shape/article.json");
    // Same length: the Payload-Oxum holds.
    edit(&ninjs, |t| t.replace("\"type\": \"text\"", "\"type\": \"blog\""));
    let bytes = std::fs::read(&ninjs).unwrap();
    edit(&bag.join("manifest-sha256.txt"), |t| {
        t.lines()
            .map(|l| {
                if l.ends_with("data/articles/sample-shape/article.json") {
                    format!("{}  data/articles/sample-shape/article.json\n", hex_of("sha256", &bytes))
                } else {
                    format!("{l}\n")
                }
            })
            .collect()
    });
    let tags: String = std::fs::read_to_string(bag.join("tagmanifest-sha256.txt"))
        .unwrap()
        .lines()
        .map(|l| {
            let name = l.split_whitespace().nth(1).unwrap();
            format!("{}  {name}\n", hex_of("sha256", &std::fs::read(bag.join(name)).unwrap()))
        })
        .collect();
    std::fs::write(bag.join("tagmanifest-sha256.txt"), tags).unwrap();
    let (ok, found, _) = run(&bag, &[]);
    assert!(!ok && has(&found, "NA-NINJS-002", "error"), "{found:?}");
    let (ok, found, report) = run(&bag, &["--profile", "bagit"]);
    assert!(ok && found.is_empty(), "structure and checksums only: {found:?}");
    assert_eq!(report["checked"][0]["profile"], "bagit");
    let text = newsarc().arg("validate").arg(&bag).args(["--profile", "bagit"]).output().unwrap();
    assert!(String::from_utf8_lossy(&text.stdout).contains("profile: bagit\n"));
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap()
}

#[test]
fn tar_gz_bags_are_read_within_the_caps() {
    let dir = tempfile::tempdir().unwrap();
    let tar = dir.path().join("b.tar");
    assert!(
        newsarc()
            .arg("pack")
            .arg(fixture("sample-shape.txt"))
            .arg("-o")
            .arg(&tar)
            .arg("-q")
            .output()
            .unwrap()
            .status
            .success()
    );
    for name in ["b.tar.gz", "b.tgz"] {
        let gz = dir.path().join(name);
        std::fs::write(&gz, gzip(&std::fs::read(&tar).unwrap())).unwrap();
        let (ok, found, report) = run(&gz, &[]);
        assert!(ok && found.is_empty(), "{name}: {found:?}");
        assert_eq!(report["checked"][0]["profile"], "newsarc");
    }
    // A gzip bomb: 20 MiB of zeros in a tar, some 20 KiB compressed.
    let mut t = tar::Builder::new(Vec::new());
    let mut header = tar::Header::new_gnu();
    header.set_size(20 << 20);
    header.set_mode(0o644);
    t.append_data(&mut header, "b/data/zeros.bin", std::io::repeat(0).take(20 << 20)).unwrap();
    let bomb = dir.path().join("bomb.tar.gz");
    std::fs::write(&bomb, gzip(&t.into_inner().unwrap())).unwrap();
    let (ok, found, _) = run(&bomb, &[]);
    assert!(!ok && has(&found, "NA-SAFE-006", "error"), "{found:?}");
}
