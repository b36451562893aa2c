//! `newsarc ocfl`: the living archive. The life cycle of an article in a storage root (added,
//! added again unchanged, corrected as v2 storing only new bytes, exported, its log and diff),
//! roots judged by ocfl-py and rocfl, runs killed at random points, two runs at once, damaged
//! objects and roots newsarc cannot write into.

use crate::util::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.stdin(Stdio::null()).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Every file below `dir` with its bytes (relative paths).
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir(dir)
        .into_iter()
        .filter(|p| p.is_file())
        .map(|p| (p.strip_prefix(dir).unwrap().to_path_buf(), std::fs::read(&p).unwrap()))
        .collect()
}

fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() && !path.is_symlink() {
            out.extend(walkdir(&path));
        }
        out.push(path);
    }
    out
}

/// An article written for these tests, with a sidecar giving its URI (so that a correction keeps
/// it whatever else the text says).
fn article(dir: &Path, name: &str, uri: &str, body: &str) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let path = dir.join(format!("{name}.txt"));
    std::fs::write(
        &path,
        format!("# Ferry service resumes on the {name} line\n\n---\n\nPort Aldous, March 3 -- {body}\n\n---\n"),
    )
    .unwrap();
    std::fs::write(dir.join(format!("{name}.meta.json")), format!("{{\"uri\": \"{uri}\", \"date\": \"2024\"}}"))
        .unwrap();
    path
}

fn uri(n: usize) -> String {
    format!("https://news.example.org/2024/03/ferry-{n}")
}

/// The corpus of `n` articles.
fn corpus(dir: &Path, n: usize) -> PathBuf {
    for i in 0..n {
        article(
            dir,
            &format!("ferry-{i:03}"),
            &uri(i),
            &format!("The ferry to island {i} sails again after the storm."),
        );
    }
    dir.to_path_buf()
}

fn add(root: &Path, inputs: &[&Path], epoch: &str) -> (i32, String, String) {
    let mut cmd = newsarc();
    cmd.env("SOURCE_DATE_EPOCH", epoch).args(["ocfl", "add", "--root"]).arg(root).args(inputs);
    cmd.args(["--user-name", "Desk Editor", "--user-address", "mailto:desk@news.example.org"]);
    run(&mut cmd)
}

/// The object folder of `id` (layout 0003: the id percent-encoded, below its SHA-256's tuples).
fn object_dir(root: &Path, id: &str) -> PathBuf {
    use sha2::Digest;
    let digest = hex::encode(sha2::Sha256::digest(id.as_bytes()));
    let encoded: String = id
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
                (b as char).to_string()
            } else {
                format!("%{b:02x}")
            }
        })
        .collect();
    root.join(&digest[0..3]).join(&digest[3..6]).join(&digest[6..9]).join(encoded)
}

fn inventory(root: &Path, id: &str) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(object_dir(root, id).join("inventory.json")).unwrap()).unwrap()
}

fn check_ocfl(check: &Path, path: &Path) {
    let (code, out, err) = run(Command::new(check).arg(path));
    assert_eq!(code, 0, "check-ocfl {}: {out}{err}", path.display());
}

#[test]
fn an_articles_life_in_a_storage_root() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = corpus(&dir.path().join("corpus"), 3);
    let root = dir.path().join("archive");

    // Added: a root is created, one object per article, each v1.
    let (code, _, err) = add(&root, &[&corpus], "1709424000");
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("(created): 3 new objects"), "{err}");
    assert_eq!(std::fs::read(root.join("0=ocfl_1.1")).unwrap(), b"ocfl_1.1\n");
    let v1_source = std::fs::read(corpus.join("ferry-001.txt")).unwrap();
    let inv = inventory(&root, &uri(1));
    assert_eq!(inv["id"], uri(1));
    assert_eq!(inv["head"], "v1");
    assert_eq!(inv["digestAlgorithm"], "sha512");
    assert_eq!(inv["versions"]["v1"]["user"]["address"], "mailto:desk@news.example.org");
    assert_eq!(inv["versions"]["v1"]["created"], "2024-03-03T00:00:00Z");
    let state = inv["versions"]["v1"]["state"].as_object().unwrap();
    let logical: std::collections::BTreeSet<&str> =
        state.values().flat_map(|v| v.as_array().unwrap()).map(|p| p.as_str().unwrap()).collect();
    assert_eq!(
        logical,
        ["article.epub", "article.json", "article.xml", "metadata.json", "source.txt"].into_iter().collect(),
        "the names of an article's folder in a bag"
    );
    let on_disk = object_dir(&root, &uri(1)).join("v1/content/source.txt");
    assert_eq!(std::fs::read(&on_disk).unwrap(), v1_source);
    // newsarc's SHA-256s are kept as fixity.
    use sha2::Digest;
    let sha256 = hex::encode(sha2::Sha256::digest(&v1_source));
    assert_eq!(inv["fixity"]["sha256"][&sha256][0], "v1/content/source.txt");
    if let Some(check) = ocfl_oracle() {
        check_ocfl(&check, &root);
    }

    // Added again, nothing changed: no byte of the root changes.
    let before = tree(&root);
    let (code, _, err) = add(&root, &[&corpus], "1709424000");
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("0 new objects, 0 new versions of existing objects, 3 unchanged"), "{err}");
    assert_eq!(tree(&root), before, "an unchanged article makes no version");

    // Rendered again with another timestamp: a new version that does not store the source again.
    let (code, _, err) = add(&root, &[&corpus.join("ferry-002.txt")], "1709510400");
    assert_eq!(code, 0, "{err}");
    let inv = inventory(&root, &uri(2));
    assert_eq!(inv["head"], "v2");
    let v2 = object_dir(&root, &uri(2)).join("v2/content");
    assert!(!v2.join("source.txt").exists(), "the unchanged source is not stored again");
    assert!(v2.join("article.epub").exists());
    let message = inv["versions"]["v2"]["message"].as_str().unwrap();
    assert!(message.contains("rendered again, the source unchanged"), "{message}");

    // A correction: one word of the text. The same object gets v2, with the new source.
    article(&corpus, "ferry-001", &uri(1), "The ferry to island 1 sails again after the gale.");
    let (code, _, err) = add(&root, &[&corpus], "1709424000");
    assert_eq!(code, 0, "{err}");
    // ferry-002 is rendered as in v1 again: its v3 stores nothing, every byte is held already.
    assert!(err.contains("2 new versions of existing objects, 1 unchanged"), "{err}");
    assert_eq!(inventory(&root, &uri(2))["head"], "v3");
    assert!(!object_dir(&root, &uri(2)).join("v3/content").exists(), "v3 holds no content of its own");
    let inv = inventory(&root, &uri(1));
    assert_eq!(inv["head"], "v2");
    assert!(inv["versions"]["v2"]["message"].as_str().unwrap().contains("corrected from"));
    let dir1 = object_dir(&root, &uri(1));
    assert_eq!(std::fs::read(dir1.join("v1/content/source.txt")).unwrap(), v1_source, "v1 is kept as it was");
    assert!(std::fs::read_to_string(dir1.join("v2/content/source.txt")).unwrap().contains("gale"));
    if let Some(check) = ocfl_oracle() {
        check_ocfl(&check, &root);
    }

    // Its log and diff say what changed.
    let (code, out, err) = run(newsarc().args(["ocfl", "log", "--format", "json", "--root"]).arg(&root).arg(uri(1)));
    assert_eq!(code, 0, "{err}");
    let log: serde_json::Value = serde_json::from_str(&out).unwrap();
    let versions = log["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[1]["user"], "Desk Editor");
    assert!(versions[1]["changes"]["changed"].as_array().unwrap().iter().any(|p| p == "source.txt"));
    let (code, out, _) = run(newsarc().args(["ocfl", "diff", "--root"]).arg(&root).args([&uri(1), "v1", "v2"]));
    assert_eq!(code, 0);
    assert!(out.contains("changed: source.txt"), "{out}");
    assert!(out.contains("-Port Aldous, March 3 -- The ferry to island 1 sails again after the storm."), "{out}");
    assert!(out.contains("+Port Aldous, March 3 -- The ferry to island 1 sails again after the gale."), "{out}");
    let (code, out, _) = run(newsarc().args(["ocfl", "show", "--root"]).arg(&root).args([&uri(1), "--version", "1"]));
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 5, "{out}");

    // v1 exported: a bag holding exactly what v1 held, valid for newsarc and bagit-python.
    let bag = dir.path().join("v1.zip");
    let (code, _, err) =
        run(newsarc().args(["ocfl", "export", "--root"]).arg(&root).args([&uri(1), "--version", "v1", "-o"]).arg(&bag));
    assert_eq!(code, 0, "{err}");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&bag).unwrap()).unwrap();
    let mut exported = BTreeMap::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        if let Some(name) = name.strip_prefix("v1/data/articles/ferry-001/") {
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut entry, &mut bytes).unwrap();
            exported.insert(name.to_string(), bytes);
        }
    }
    let held: BTreeMap<String, Vec<u8>> = std::fs::read_dir(dir1.join("v1/content"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
        .collect();
    assert_eq!(exported, held, "the export of v1 is what v1 holds, byte for byte");
    assert_eq!(exported["source.txt"], v1_source);
    let (code, out, err) = run(newsarc().arg("validate").arg(&bag));
    assert_eq!(code, 0, "{out}{err}");
    if let Some(check) = oracle("check-bag") {
        let (code, out, err) = run(Command::new(check).arg(&bag));
        assert_eq!(code, 0, "{out}{err}");
    }
    let info = String::from_utf8(exported_info(&bag)).unwrap();
    assert!(info.contains(&format!("External-Identifier: {} v1", uri(1))), "{info}");
}

fn exported_info(bag: &Path) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(bag).unwrap()).unwrap();
    let mut entry = zip.by_name("v1/bag-info.txt").unwrap();
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut entry, &mut bytes).unwrap();
    bytes
}

#[test]
fn a_bag_adds_the_same_objects_as_its_articles_do() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = corpus(&dir.path().join("corpus"), 4);
    let bag = dir.path().join("corpus.tar");
    let (code, _, err) = run(newsarc().arg("pack").arg(&corpus).arg("-o").arg(&bag));
    assert_eq!(code, 0, "{err}");
    let root = dir.path().join("root");
    let (code, _, err) = add(&root, &[&bag], "0");
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("4 new objects"), "{err}");
    let (code, _, err) = add(&root, &[&corpus], "0");
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("4 unchanged"), "the bag's files are the articles' own: {err}");
}

#[test]
fn two_inputs_claiming_one_object_are_refused_naming_both() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    article(&corpus, "first", &uri(7), "One text.");
    article(&corpus, "second", &uri(7), "Another text.");
    let root = dir.path().join("root");
    let (code, _, err) = add(&root, &[&corpus], "0");
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("second.txt: its URI https://news.example.org/2024/03/ferry-7 is the one of"), "{err}");
    assert!(err.contains("first.txt, added earlier in this run"), "{err}");
    assert_eq!(inventory(&root, &uri(7))["head"], "v1");
}

#[test]
fn a_damaged_object_is_never_written_into() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = corpus(&dir.path().join("corpus"), 2);
    let root = dir.path().join("root");
    assert_eq!(add(&root, &[&corpus], "0").0, 0);
    // The inventory edited behind newsarc's back: its sidecar no longer matches.
    let object = object_dir(&root, &uri(0));
    let inv = object.join("inventory.json");
    let text = std::fs::read_to_string(&inv).unwrap();
    std::fs::write(&inv, text.replace("added", "ADDED")).unwrap();
    let before = tree(&root);
    article(&corpus, "ferry-000", &uri(0), "A corrected text.");
    let (code, _, err) = add(&root, &[&corpus], "0");
    assert_eq!(code, 1, "the input is refused, the rest is added: {err}");
    assert!(err.contains("is damaged") && err.contains("E060") && err.contains("nothing was written"), "{err}");
    assert_eq!(tree(&root), before, "nothing was changed");
}

#[test]
fn roots_newsarc_cannot_follow_are_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = corpus(&dir.path().join("corpus"), 1);
    // A root with another layout (0002, flat direct).
    let flat = dir.path().join("flat");
    std::fs::create_dir_all(flat.join("extensions/0002-flat-direct-storage-layout")).unwrap();
    std::fs::write(flat.join("0=ocfl_1.1"), "ocfl_1.1\n").unwrap();
    std::fs::write(
        flat.join("ocfl_layout.json"),
        r#"{"extension":"0002-flat-direct-storage-layout","description":"flat"}"#,
    )
    .unwrap();
    let before = tree(&flat);
    let (code, _, err) = add(&flat, &[&corpus], "0");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("its layout is 0002-flat-direct-storage-layout"), "{err}");
    assert_eq!(tree(&flat), before);
    // A folder that is not a root at all.
    let other = dir.path().join("photos");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("holiday.jpg"), "jpeg").unwrap();
    let (code, _, err) = add(&other, &[&corpus], "0");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("is not an OCFL storage root"), "{err}");
    assert_eq!(std::fs::read_dir(&other).unwrap().count(), 1);
}

#[test]
fn a_root_made_by_rocfl_is_written_into() {
    if ocfl_oracle().is_none() {
        return;
    }
    let rocfl = oracles_venv().join("rocfl/bin/rocfl");
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    let (code, out, err) =
        run(Command::new(&rocfl).arg("-r").arg(&root).args(["init", "-l", "0003-hash-and-id-n-tuple-storage-layout"]));
    assert_eq!(code, 0, "{out}{err}");
    let corpus = corpus(&dir.path().join("corpus"), 2);
    let (code, _, err) = add(&root, &[&corpus], "0");
    assert_eq!(code, 0, "{err}");
    check_ocfl(&ocfl_oracle().unwrap(), &root);
    let (code, out, err) = run(Command::new(&rocfl).arg("-r").arg(&root).arg("ls"));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(&uri(0)) && out.contains(&uri(1)), "rocfl finds the objects: {out}");
}

/// A run killed (SIGKILL) at points spread over its work leaves a root both reference validators
/// call valid (a staging folder left in `extensions/` is the most they warn of), and the next run
/// finishes the work and removes what was left.
#[test]
fn an_add_killed_at_any_point_leaves_a_valid_root() {
    let Some(check) = ocfl_oracle() else { return };
    let venv = oracles_venv();
    let dir = tempfile::tempdir().unwrap();
    let first = corpus(&dir.path().join("corpus"), 30);
    let root = dir.path().join("root");
    let started = std::time::Instant::now();
    assert_eq!(add(&root, &[&first], "0").0, 0);
    let whole = started.elapsed();
    // Corrections of every article, then killed at points from the start to the end of a run.
    for i in 0..30 {
        article(&first, &format!("ferry-{i:03}"), &uri(i), &format!("Island {i}: the ferry sails again, corrected."));
    }
    for percent in [3u32, 15, 35, 55, 75, 90] {
        let delay_ms = whole.as_millis() as u64 * u64::from(percent) / 100;
        let mut child = newsarc()
            .env("SOURCE_DATE_EPOCH", "0")
            .args(["ocfl", "add", "-q", "--root"])
            .arg(&root)
            .arg(&first)
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        for (validator, args) in [
            ("ocfl-py", vec![venv.join("ocfl/bin/ocfl-validate.py").into_os_string(), root.clone().into_os_string()]),
            (
                "rocfl",
                vec![
                    venv.join("rocfl/bin/rocfl").into_os_string(),
                    "-r".into(),
                    root.clone().into_os_string(),
                    "validate".into(),
                ],
            ),
        ] {
            let (code, out, err) = run(Command::new(&args[0]).args(&args[1..]));
            assert_eq!(code, 0, "{validator} after a kill at {delay_ms} ms: {out}{err}");
            if let Some(line) = out.lines().chain(err.lines()).find(|l| l.contains("[E")) {
                panic!("{validator} after a kill at {delay_ms} ms: {line}");
            }
        }
        if percent == 3 {
            let unfinished = (0..30).filter(|i| inventory(&root, &uri(*i))["head"] == "v1").count();
            assert!(unfinished > 0, "the first kill came before the run had finished");
        }
        // Every object is whole: each version it lists is there.
        for i in 0..30 {
            let inv = inventory(&root, &uri(i));
            let head = inv["head"].as_str().unwrap();
            assert!(object_dir(&root, &uri(i)).join(head).join("inventory.json").is_file());
        }
    }
    let (code, _, err) = add(&root, &[&first], "0");
    assert_eq!(code, 0, "{err}");
    assert!(!root.join("extensions/newsarc-staging").exists(), "the staging left by killed runs is removed");
    // Runs killed while they create a root and its objects: nothing, or a valid root.
    for percent in [5u32, 30, 60] {
        let fresh = dir.path().join(format!("fresh-{percent}"));
        let mut child = newsarc()
            .args(["ocfl", "add", "-q", "--root"])
            .arg(&fresh)
            .arg(&first)
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(whole.as_millis() as u64 * u64::from(percent) / 100));
        let _ = child.kill();
        let _ = child.wait();
        if !fresh.exists() {
            continue;
        }
        let (code, out, err) = run(Command::new(venv.join("rocfl/bin/rocfl")).arg("-r").arg(&fresh).arg("validate"));
        assert_eq!(code, 0, "rocfl after a kill at {percent}% of a first add: {out}{err}");
        assert!(!out.contains("[E") && !err.contains("[E"), "rocfl after a kill at {percent}%: {out}{err}");
        let (code, out, err) = run(newsarc().arg("validate").arg(&fresh));
        assert!(code == 0 && !out.contains("OCFL-E"), "newsarc after a kill at {percent}% of a first add: {out}{err}");
    }
    for i in 0..30 {
        let inv = inventory(&root, &uri(i));
        assert_eq!(inv["head"], "v2", "each correction is in, once");
    }
    check_ocfl(&check, &root);
}

/// Two adds on one root at once (two shards of a job array), with the same articles corrected
/// differently in each: no object is corrupted, each holds one or two versions, and every version
/// is one of the two inputs.
#[test]
fn two_adds_at_once_never_corrupt_an_object() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    for i in 0..40 {
        article(&a, &format!("ferry-{i:03}"), &uri(i), &format!("Version A of story {i}."));
        article(&b, &format!("ferry-{i:03}"), &uri(i), &format!("Version B of story {i}."));
    }
    let spawn = |corpus: &Path| {
        newsarc()
            .args(["ocfl", "add", "-q", "--root"])
            .arg(&root)
            .arg(corpus)
            .stdin(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (first, second) = (spawn(&a), spawn(&b));
    for child in [first, second] {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    for i in 0..40 {
        let inv = inventory(&root, &uri(i));
        let versions = inv["versions"].as_object().unwrap();
        assert!((1..=2).contains(&versions.len()), "{i}: {versions:?}");
        let dir = object_dir(&root, &uri(i));
        // Each version's source, found through its state and the manifest, is one of the inputs.
        for (v, block) in versions {
            let (digest, _) = block["state"]
                .as_object()
                .unwrap()
                .iter()
                .find(|(_, paths)| paths.as_array().unwrap().iter().any(|p| p == "source.txt"))
                .unwrap_or_else(|| panic!("{i} {v}: no source.txt in its state"));
            let content = inv["manifest"][digest][0].as_str().unwrap();
            let source = std::fs::read_to_string(dir.join(content)).unwrap();
            assert!(
                source.contains(&format!("Version A of story {i}."))
                    || source.contains(&format!("Version B of story {i}.")),
                "{i} {v}: {source}"
            );
        }
    }
    if let Some(check) = ocfl_oracle() {
        check_ocfl(&check, &root);
    }
}

/// Corrections keep their object without any sidecar: the URI comes from the source URL, or, for
/// a text that names nothing, from its path below the folder given.
#[test]
fn a_correction_is_a_version_of_the_same_object_without_any_sidecar() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(corpus.join("desk")).unwrap();
    let text = |word: &str, footer: &str| {
        format!(
            "# Bridge closes for repairs\n\n---\n\nMillbrook, May 2 -- The old bridge closes on {word} for six weeks.\n\n---\n{footer}"
        )
    };
    let with_url = "\n<https://news.example.org/2024/05/bridge>\n";
    std::fs::write(corpus.join("desk/plain.txt"), text("Monday", "")).unwrap();
    std::fs::write(corpus.join("desk/linked.txt"), text("Monday", with_url)).unwrap();
    let root = dir.path().join("root");
    let (code, _, err) = add(&root, &[&corpus], "0");
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("2 new objects"), "{err}");
    // One word corrected in each, and the linked one moved to another folder.
    std::fs::write(corpus.join("desk/plain.txt"), text("Tuesday", "")).unwrap();
    std::fs::remove_file(corpus.join("desk/linked.txt")).unwrap();
    std::fs::create_dir_all(corpus.join("archive")).unwrap();
    std::fs::write(corpus.join("archive/linked.txt"), text("Tuesday", with_url)).unwrap();
    let (code, _, err) = add(&root, &[&corpus], "0");
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("0 new objects, 2 new versions of existing objects"), "{err}");
}

/// What the text cannot say but the renditions hold (an option, a sidecar's date) is part of the
/// article: when it changes, the unchanged source does not keep the object as it was.
#[test]
fn new_metadata_for_an_unchanged_source_is_a_new_version() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = corpus(&dir.path().join("corpus"), 2);
    let root = dir.path().join("root");
    assert_eq!(add(&root, &[&corpus], "0").0, 0);
    let (code, _, err) = run(newsarc().args(["ocfl", "add", "--language", "es", "--root"]).arg(&root).arg(&corpus));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("2 new versions of existing objects"), "{err}");
    std::fs::write(corpus.join("ferry-001.meta.json"), format!("{{\"uri\": \"{}\", \"date\": \"2023\"}}", uri(1)))
        .unwrap();
    let (code, _, err) = run(newsarc().args(["ocfl", "add", "--language", "es", "--root"]).arg(&root).arg(&corpus));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("1 new version of existing objects, 1 unchanged"), "{err}");
    let head = inventory(&root, &uri(1));
    assert_eq!(head["head"], "v3");
    let record = std::fs::read_to_string(object_dir(&root, &uri(1)).join("v3/content/metadata.json")).unwrap();
    assert!(record.contains("\"language\": \"es\"") && record.contains("2023"), "{record}");
    assert!(!object_dir(&root, &uri(1)).join("v3/content/source.txt").exists(), "the source is held already");
}

/// A root newsarc wrote is validated by the specification and, by default, each article as a
/// bag's is: an object valid by the specification whose renditions do not match its record is
/// invalid under the `newsarc` profile, valid under `--profile ocfl`.
#[test]
fn validate_checks_each_article_of_a_root_on_top_of_the_specification() {
    use sha2::Digest;
    let dir = tempfile::tempdir().unwrap();
    let corpus = corpus(&dir.path().join("corpus"), 2);
    let bag = dir.path().join("bag");
    assert_eq!(run(newsarc().arg("pack").arg(&corpus).arg("-o").arg(&bag)).0, 0);
    // One rendition changed after packing, the bag's manifests made to agree: a sound bag holding
    // an article whose record no longer describes its ninjs.
    let ninjs = bag.join("data/articles/ferry-001/article.json");
    let changed = std::fs::read_to_string(&ninjs).unwrap().replace("Ferry service", "Ferry services");
    std::fs::write(&ninjs, &changed).unwrap();
    let hex = |b: &[u8]| hex::encode(sha2::Sha256::digest(b));
    let manifest = bag.join("manifest-sha256.txt");
    let lines: String = std::fs::read_to_string(&manifest)
        .unwrap()
        .lines()
        .map(|l| {
            if l.ends_with("data/articles/ferry-001/article.json") {
                format!("{}  data/articles/ferry-001/article.json\n", hex(changed.as_bytes()))
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    std::fs::write(&manifest, &lines).unwrap();
    let oxum_fix = std::fs::read_to_string(bag.join("bag-info.txt")).unwrap();
    let total: u64 =
        walkdir(&bag.join("data")).iter().filter(|p| p.is_file()).map(|p| p.metadata().unwrap().len()).sum();
    let count = walkdir(&bag.join("data")).iter().filter(|p| p.is_file()).count();
    let info: String =
        oxum_fix
            .lines()
            .map(|l| {
                if l.starts_with("Payload-Oxum:") {
                    format!("Payload-Oxum: {total}.{count}\n")
                } else {
                    format!("{l}\n")
                }
            })
            .collect();
    std::fs::write(bag.join("bag-info.txt"), &info).unwrap();
    let tags: String = std::fs::read_to_string(bag.join("tagmanifest-sha256.txt"))
        .unwrap()
        .lines()
        .map(|l| {
            let name = l.split_whitespace().nth(1).unwrap();
            format!("{}  {name}\n", hex(&std::fs::read(bag.join(name)).unwrap()))
        })
        .collect();
    std::fs::write(bag.join("tagmanifest-sha256.txt"), tags).unwrap();
    let root = dir.path().join("root");
    let (code, _, err) = add(&root, &[&bag], "0");
    assert_eq!(code, 0, "{err}");
    let (code, out, _) = run(newsarc().arg("validate").arg(&root));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("profile: newsarc"), "{out}");
    assert!(out.contains("!head/article.json") && out.contains("NA-X-005"), "{out}");
    let (code, out, _) = run(newsarc().args(["validate", "--profile", "ocfl"]).arg(&root));
    assert_eq!(code, 0, "the object is sound by the specification: {out}");
    assert!(out.contains("profile: ocfl"), "{out}");
}

/// An export never writes where an inventory's logical paths would lead: an object whose state
/// names `../../escaped.txt` (its inventories and sidecars made to agree) is refused.
#[test]
fn an_export_of_an_object_with_unsafe_logical_paths_is_refused() {
    use sha2::Digest;
    let dir = tempfile::tempdir().unwrap();
    let corpus = corpus(&dir.path().join("corpus"), 1);
    let root = dir.path().join("root");
    assert_eq!(add(&root, &[&corpus], "0").0, 0);
    let object = object_dir(&root, &uri(0));
    let text = std::fs::read_to_string(object.join("inventory.json")).unwrap();
    let text = text.replacen("\"source.txt\"", "\"../../escaped.txt\"", 1);
    let digest = hex::encode(sha2::Sha512::digest(text.as_bytes()));
    for dir in [object.clone(), object.join("v1")] {
        std::fs::remove_file(dir.join("inventory.json")).unwrap();
        std::fs::remove_file(dir.join("inventory.json.sha512")).unwrap();
        std::fs::write(dir.join("inventory.json"), &text).unwrap();
        std::fs::write(dir.join("inventory.json.sha512"), format!("{digest}  inventory.json\n")).unwrap();
    }
    let out = dir.path().join("out/bag");
    let (code, _, err) = run(newsarc().args(["ocfl", "export", "--root"]).arg(&root).arg(uri(0)).arg("-o").arg(&out));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("is damaged") && err.contains("OCFL-E"), "{err}");
    assert!(!out.exists());
    let escaped: Vec<PathBuf> = walkdir(dir.path()).into_iter().filter(|p| p.ends_with("escaped.txt")).collect();
    assert!(escaped.is_empty(), "{escaped:?}");
}

/// Nothing is written inside a storage root but its objects: an export or a report there is
/// refused; an empty folder given as the root becomes one.
#[test]
fn outputs_inside_a_root_are_refused_and_an_empty_folder_becomes_a_root() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = corpus(&dir.path().join("corpus"), 1);
    let root = dir.path().join("root");
    std::fs::create_dir(&root).unwrap();
    let (code, _, err) = add(&root, &[&corpus], "0");
    assert_eq!(code, 0, "{err}");
    assert!(root.join("0=ocfl_1.1").is_file());
    let before = tree(&root);
    let (code, _, err) =
        run(newsarc().args(["ocfl", "export", "--root"]).arg(&root).arg(uri(0)).arg("-o").arg(root.join("bag.zip")));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("inside the OCFL storage root"), "{err}");
    let mut cmd = newsarc();
    cmd.args(["ocfl", "add", "--root"])
        .arg(&root)
        .arg(&corpus)
        .arg("--report")
        .arg(root.join("extensions/report.json"));
    let (code, _, err) = run(&mut cmd);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("inside the OCFL storage root"), "{err}");
    assert_eq!(tree(&root), before);
}
