//! `newsarc pack`: bags that bagit-python accepts, renditions inside that pass their own
//! validators, byte-identical runs, bad inputs, duplicates, clashes, shards.

use crate::util::*;
use std::path::{Path, PathBuf};
use std::process::Command;

fn articles_and_names() -> [PathBuf; 2] {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    [root.join("articles"), root.join("names")]
}

fn pack(args: &[&str], inputs: &[PathBuf], out: &Path) -> (i32, String) {
    let out = newsarc().arg("pack").args(inputs).arg("-o").arg(out).args(args).arg("-q").output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn unzip(zip: &Path, into: &Path) {
    let bytes = std::fs::read(zip).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    archive.extract(into).unwrap();
}

#[test]
fn folder_zip_and_tar_bags_are_valid_bagit() {
    let Some(check) = oracle("check-bag") else { return };
    let dir = tempfile::tempdir().unwrap();
    let outs: Vec<PathBuf> = ["bag", "bag.zip", "bag.tar"].iter().map(|n| dir.path().join(n)).collect();
    for out in &outs {
        let (code, err) = pack(
            &["--digest", "sha512", "--bag-info", "Source-Organization=Northwind Radio"],
            &articles_and_names(),
            out,
        );
        assert_eq!(code, 1, "the hostile fixtures are bad inputs: {err}");
    }
    let result = Command::new(check).args(&outs).output().unwrap();
    let report = String::from_utf8_lossy(&result.stdout);
    assert!(result.status.success(), "{report}{}", String::from_utf8_lossy(&result.stderr));
    assert_eq!(report.matches(": valid").count(), 3, "{report}");
}

#[test]
fn every_rendition_inside_passes_its_validator() {
    let (Some(newsml), Some(epub), Some(ninjs)) = (oracle("check-newsml"), oracle("check-epub"), oracle("check-ninjs"))
    else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("corpus.zip");
    pack(&[], &articles_and_names(), &zip);
    unzip(&zip, dir.path());
    let articles = dir.path().join("corpus/data/articles");
    let mut by_kind: [Vec<PathBuf>; 3] = Default::default();
    for entry in std::fs::read_dir(&articles).unwrap() {
        let folder = entry.unwrap().path();
        for (i, name) in ["article.xml", "article.epub", "article.json"].iter().enumerate() {
            by_kind[i].push(folder.join(name));
        }
    }
    assert_eq!(by_kind[0].len(), good_fixtures().len() + 5 - 1, "every good fixture and name fixture, duplicate once");
    for (check, files) in [(newsml, &by_kind[0]), (epub, &by_kind[1]), (ninjs, &by_kind[2])] {
        let out = Command::new(&check).args(files).output().unwrap();
        assert!(
            out.status.success(),
            "{}: {}{}",
            check.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // And the index against its schema.
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("corpus/data/index.json")).unwrap()).unwrap();
    let schema: serde_json::Value = serde_json::from_str(newsarc::schemas::INDEX).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(&index).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn runs_are_byte_identical_and_do_not_depend_on_jobs() {
    // The bag is named after the output, so each run writes `corpus.<ext>` in its own folder.
    let dir = tempfile::tempdir().unwrap();
    for ext in ["zip", "tar"] {
        let run = |name: &str, jobs: &str| {
            let out = dir.path().join(name).join(format!("corpus.{ext}"));
            std::fs::create_dir_all(out.parent().unwrap()).unwrap();
            pack(&["--jobs", jobs], &articles_and_names(), &out);
            std::fs::read(out).unwrap()
        };
        let one = run(&format!("{ext}-1"), "1");
        let two = run(&format!("{ext}-2"), "2");
        assert!(one == two, "{ext}: --jobs 1 and --jobs 2 give different bytes");
        assert!(run(&format!("{ext}-again"), "2") == two, "{ext}: two runs differ");
    }
}

#[test]
fn a_batch_with_bad_files_packs_the_good_ones_and_names_each_bad_one() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("b");
    let report = dir.path().join("report.json");
    let (code, err) = pack(
        &["--report", report.to_str().unwrap()],
        &[fixture("sample-shape.txt"), fixture("empty.txt"), fixture("binary-png.txt")],
        &out,
    );
    assert_eq!(code, 1);
    assert!(err.contains("empty.txt: the file is empty (0 bytes)"), "{err}");
    assert!(err.contains("binary-png.txt: not text: a PNG image"), "{err}");
    assert!(out.join("data/articles/sample-shape/source.txt").exists());
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(report["articles"], 1);
    assert_eq!(report["bad"].as_array().unwrap().len(), 2);
    assert_eq!(
        std::fs::read(out.join("data/articles/sample-shape/source.txt")).unwrap(),
        std::fs::read(fixture("sample-shape.txt")).unwrap(),
        "source bytes unchanged"
    );
}

#[test]
fn hidden_files_are_skipped_sidecars_used_duplicates_packed_once() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("b.zip");
    let (code, err) = newsarc()
        .arg("pack")
        .args(articles_and_names())
        .arg("-o")
        .arg(&out)
        .output()
        .map(|o| (o.status.code().unwrap(), String::from_utf8_lossy(&o.stderr).into_owned()))
        .unwrap();
    assert_eq!(code, 1);
    assert!(err.contains("skipped names/.DS_Store: hidden file") || err.contains(".DS_Store: hidden file"), "{err}");
    assert!(err.contains("duplicate-b.txt: same bytes as article `duplicate-a`; packed once"), "{err}");
    unzip(&out, dir.path());
    let articles = dir.path().join("b/data/articles");
    assert!(!articles.join("duplicate-b").exists());
    assert!(!articles.join("with-sidecar.meta").exists(), "a sidecar is not an article");
    let record: serde_json::Value =
        serde_json::from_slice(&std::fs::read(articles.join("with-sidecar/metadata.json")).unwrap()).unwrap();
    assert_eq!(record["date"], "2020-01-24", "the sidecar was applied");
    assert_eq!(record["source"]["sidecar"]["name"], "with-sidecar.meta.json");
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("b/data/index.json")).unwrap()).unwrap();
    assert_eq!(index["duplicates"][0]["same_as"], "duplicate-a");
    assert!(
        articles.join("nandu-eau").exists()
            && articles.join("with_space").exists()
            && articles.join("UPPER_0A1B2C3D").exists()
    );
}

#[test]
fn a_name_clash_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    for (sub, text) in [("a", "# First\n\nOne.\n"), ("b", "# Second\n\nTwo.\n")] {
        std::fs::create_dir_all(dir.path().join("in").join(sub)).unwrap();
        std::fs::write(dir.path().join("in").join(sub).join("story.txt"), text).unwrap();
    }
    let out = dir.path().join("bag");
    let (code, _) = pack(&[], &[dir.path().join("in")], &out);
    assert_eq!(code, 0);
    let ids: Vec<String> = std::fs::read_dir(out.join("data/articles"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(ids.len(), 2, "{ids:?}");
    assert!(ids.contains(&"story".to_string()));
    let other = ids.iter().find(|i| *i != "story").unwrap();
    assert!(other.starts_with("story-") && other.len() == "story-".len() + 8, "{other}");
    let record: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("data/articles").join(other).join("metadata.json")).unwrap())
            .unwrap();
    assert_eq!(&record["id"], other.as_str(), "the record carries the new id");
}

#[test]
fn shards_split_the_corpus_and_belong_to_one_group() {
    let dir = tempfile::tempdir().unwrap();
    let mut all = Vec::new();
    let mut groups = Vec::new();
    for k in 1..=3 {
        let out = dir.path().join(format!("part-{k}"));
        pack(&["--shard", &format!("{k}/3")], &articles_and_names(), &out);
        let info = std::fs::read_to_string(out.join("bag-info.txt")).unwrap();
        assert!(info.contains(&format!("Bag-Count: {k} of 3\n")), "{info}");
        groups.push(info.lines().find(|l| l.starts_with("Bag-Group-Identifier: ")).unwrap().to_string());
        let ids: Vec<String> = std::fs::read_dir(out.join("data/articles"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert!(!ids.is_empty(), "shard {k} is empty");
        all.extend(ids);
    }
    assert!(groups.windows(2).all(|w| w[0] == w[1]), "{groups:?}");
    // Shards are assigned by id, and the two duplicate fixtures have different ids: same bytes
    // are found within a bag, so each may be packed in its own shard.
    all.retain(|id| id != "duplicate-b");
    let whole = dir.path().join("whole");
    pack(&[], &articles_and_names(), &whole);
    let mut expected: Vec<String> = std::fs::read_dir(whole.join("data/articles"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    expected.sort();
    all.sort();
    assert_eq!(all, expected, "the shards together are the whole, each article once");
}

#[test]
fn files_from_a_nul_separated_list() {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("list");
    let names =
        [fixture("sample-shape.txt"), Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/names/with space.txt")];
    let joined: Vec<u8> = names.iter().flat_map(|p| p.to_str().unwrap().bytes().chain([0])).collect();
    std::fs::write(&list, joined).unwrap();
    let out = dir.path().join("bag");
    let status = newsarc()
        .arg("pack")
        .arg("--files-from")
        .arg(&list)
        .arg("-0")
        .arg("-o")
        .arg(&out)
        .arg("-q")
        .output()
        .unwrap()
        .status;
    assert!(status.success());
    assert!(out.join("data/articles/with_space/source.txt").exists());
    assert!(out.join("data/articles/sample-shape/source.txt").exists());
}

#[test]
fn an_existing_output_is_kept_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("b.zip");
    std::fs::write(&out, b"precious").unwrap();
    let (code, err) = pack(&[], &[fixture("sample-shape.txt")], &out);
    assert_eq!(code, 2);
    assert!(err.contains("exists and differs from what would be written; pass --force"), "{err}");
    assert_eq!(std::fs::read(&out).unwrap(), b"precious");
    let (code, _) = pack(&["--force"], &[fixture("sample-shape.txt")], &out);
    assert_eq!(code, 0);
    assert_ne!(std::fs::read(&out).unwrap(), b"precious");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().starts_with(".newsarc"))
        .collect();
    assert!(leftovers.is_empty(), "no partial files left beside the output");
}

#[test]
fn bag_info_fields_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    for bad in ["NoEquals", "Payload-Oxum=1.1", "Bad:Label=x"] {
        let (code, err) = pack(&["--bag-info", bad], &[fixture("sample-shape.txt")], &dir.path().join("b"));
        assert_eq!(code, 2, "{bad}: {err}");
    }
}
