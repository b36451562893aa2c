//! Past one machine: `pack --shard K/N` driven by a real Slurm job array
//! (examples/slurm/pack-array.sbatch) and by the Kubernetes Indexed Job's command
//! (examples/k8s/pack-indexed-job.yaml), the bags checked as one group (`validate --group`) and
//! merged into one bag (`merge`) that is the bag one `pack` writes.

use crate::util::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Writes a corpus of `n` small articles (each with its source URL, which names it) under
/// `dir/corpus`, plus `dupes` files that repeat an
/// article's bytes under another name, and one empty file (which pack refuses). Gives every
/// input's path, in the order written, and the refused one.
fn corpus(dir: &Path, n: usize, dupes: usize) -> (Vec<PathBuf>, PathBuf) {
    let corpus = dir.join("corpus");
    let mut paths = Vec::new();
    for i in 0..n {
        let folder = corpus.join(format!("desk-{}", i % 7));
        std::fs::create_dir_all(&folder).unwrap();
        let path = folder.join(format!("story-{i:05}.txt"));
        let text = format!(
            "# Harbour board report {i}\n\nBRISTOL, March {} (Northwind) - The harbour board met on Tuesday to discuss item {i} of its agenda.\n\nMembers agreed to return to the question at the next meeting, {} days from now.\n\n---\n\n<https://example.org/harbour/{i}>\n",
            i % 28 + 1,
            i % 13 + 2
        );
        std::fs::write(&path, text).unwrap();
        paths.push(path);
    }
    for d in 0..dupes {
        let original = &paths[d * 7 % n];
        let copy = corpus.join(format!("copies/copy-{d:03}.txt"));
        std::fs::create_dir_all(copy.parent().unwrap()).unwrap();
        std::fs::copy(original, &copy).unwrap();
        paths.push(copy);
    }
    let empty = corpus.join("broken/empty.txt");
    std::fs::create_dir_all(empty.parent().unwrap()).unwrap();
    std::fs::write(&empty, "").unwrap();
    paths.push(empty.clone());
    (paths, empty)
}

fn run(cmd: &mut Command) -> (i32, String) {
    let out: Output = cmd.output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

fn shard(corpus: &Path, out: &Path, k: usize, n: usize, report: Option<&Path>) -> (i32, String) {
    let mut cmd = newsarc();
    cmd.arg("pack").arg(corpus).arg("-o").arg(out).arg("--shard").arg(format!("{k}/{n}")).arg("-q");
    if let Some(report) = report {
        cmd.arg("--report").arg(report);
    }
    run(&mut cmd)
}

/// Every file in a zip: name and bytes.
fn zip_entries(path: &Path) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut entry = archive.by_index(i).unwrap();
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut entry, &mut bytes).unwrap();
            (entry.name().unwrap().to_string(), bytes)
        })
        .collect()
}

fn zip_file(path: &Path, suffix: &str) -> String {
    let (_, bytes) = zip_entries(path).into_iter().find(|(n, _)| n.ends_with(suffix)).unwrap();
    String::from_utf8(bytes).unwrap()
}

/// The inputs a bag's index accounts for: each article's source name and each duplicate's path.
fn index_inputs(index: &str) -> Vec<String> {
    let index: serde_json::Value = serde_json::from_str(index).unwrap();
    let mut names: Vec<String> = index["articles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["source"]["name"].as_str().unwrap().to_string())
        .collect();
    names.extend(index["duplicates"].as_array().unwrap().iter().map(|d| d["path"].as_str().unwrap().to_string()));
    names
}

/// The name pack records for an input under `dir/corpus`: `corpus/...`.
fn recorded(dir: &Path, path: &Path) -> String {
    path.strip_prefix(dir).unwrap().to_string_lossy().into_owned()
}

/// Whether a Slurm cluster answers: `sinfo` lists a node that takes jobs, free or busy. A node
/// busy with the other Slurm test's array is "alloc" or "mix", and is ready all the same: only
/// accepting "idle" made one test skip (and fail in CI) whenever the other held every CPU.
fn slurm_ready() -> bool {
    let Ok(out) = Command::new("sinfo").args(["-h", "-o", "%t"]).output() else { return false };
    out.status.success() && String::from_utf8_lossy(&out.stdout).lines().any(slurm_node_takes_jobs)
}

/// A node state from `sinfo -o %t` in which the node runs jobs now or will: idle, mixed, allocated
/// or completing, without a suffix (`*` not responding, `~` powered off, `#` powering up, ...).
fn slurm_node_takes_jobs(state: &str) -> bool {
    matches!(state.trim(), "idle" | "mix" | "alloc" | "comp")
}

/// The two Slurm tests share one node of two CPUs: they take turns, so neither waits in the
/// other's queue past its own time limits.
static SLURM: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn slurm_node_states_that_take_jobs() {
    for busy in ["idle", "mix", "alloc", "comp"] {
        assert!(slurm_node_takes_jobs(busy), "{busy}");
    }
    for gone in ["down", "down*", "drain", "drng", "idle*", "unk", "fail", "idle~"] {
        assert!(!slurm_node_takes_jobs(gone), "{gone}");
    }
}

#[test]
fn a_slurm_job_array_packs_shards_that_validate_as_a_group_and_merge_into_one_bag() {
    let _turn = SLURM.lock().unwrap_or_else(|e| e.into_inner());
    if !slurm_ready() {
        skip("a running Slurm cluster (sbatch, sinfo)", "run scripts/slurm-up as root");
        return;
    }
    let Some(check_bag) = oracle("check-bag") else { return };
    const N: usize = 3;
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let (inputs, empty) = corpus(dir, 2400, 12);
    let list: String = inputs.iter().map(|p| format!("{}\n", p.display())).collect();
    std::fs::write(dir.join("inputs.txt"), list).unwrap();
    let out = dir.join("run");

    let started = Instant::now();
    let (code, said) = run(Command::new("sbatch")
        .arg("--wait")
        .arg(format!("--array=1-{N}"))
        .arg(format!("--chdir={}", dir.display()))
        .arg(format!("--output={}/slurm-%A_%a.out", dir.display()))
        .arg(format!(
            "--export=ALL,CORPUS={},OUT={},NEWSARC={},SOURCE_DATE_EPOCH=0",
            dir.join("corpus").display(),
            out.display(),
            env!("CARGO_BIN_EXE_newsarc")
        ))
        .arg(root().join("examples/slurm/pack-array.sbatch")));
    let logs: String = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("slurm-"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
        .collect();
    assert_eq!(code, 0, "sbatch --wait: {said}\n{logs}");
    eprintln!("slurm: {N} array tasks packed {} inputs in {:.1} s", inputs.len(), started.elapsed().as_secs_f64());

    // N bags, Bag-Count 1..N of one group, written by N separate tasks.
    let bags: Vec<PathBuf> = (1..=N).map(|k| out.join(format!("bags/part-{k}-of-{N}.zip"))).collect();
    let mut groups = BTreeSet::new();
    for (k, bag) in bags.iter().enumerate() {
        assert!(bag.is_file(), "no {}: {logs}", bag.display());
        let info = zip_file(bag, "/bag-info.txt");
        assert!(info.contains(&format!("\nBag-Count: {} of {N}\n", k + 1)), "{info}");
        groups.insert(info.lines().find(|l| l.starts_with("Bag-Group-Identifier: ")).unwrap().to_string());
    }
    assert_eq!(groups.len(), 1, "{groups:?}");
    assert_eq!(logs.matches("pack-array: shard ").count(), N, "{logs}");

    // The group check: complete, every input in one bag or refused in a report.
    let (code, said) = run(newsarc()
        .args(["validate", "--group"])
        .arg(out.join("bags"))
        .arg("--expect")
        .arg(dir.join("inputs.txt"))
        .arg("--pack-report")
        .arg(out.join("reports")));
    assert_eq!(code, 0, "{said}");
    assert!(said.contains(": profile: group\n") && !said.contains("INVALID"), "{said}");

    // One bag, accepted by bagit-python and by newsarc, holding every input exactly once.
    let merged = dir.join("corpus.zip");
    let (code, said) = run(newsarc().arg("merge").arg(out.join("bags")).arg("-o").arg(&merged));
    assert_eq!(code, 0, "{said}");
    let (code, said) = run(Command::new(&check_bag).arg(&merged));
    assert_eq!(code, 0, "bagit-python: {said}");
    let (code, said) = run(newsarc().arg("validate").arg(&merged));
    assert_eq!(code, 0, "{said}");
    // Duplicates are listed by the path pack was given (absolute here), articles by recorded name.
    let prefix = format!("{}/", dir.display());
    let mut held: Vec<String> = index_inputs(&zip_file(&merged, "/data/index.json"))
        .into_iter()
        .map(|h| h.strip_prefix(&prefix).map(str::to_string).unwrap_or(h))
        .collect();
    held.sort();
    let mut expected: Vec<String> = inputs.iter().filter(|p| **p != empty).map(|p| recorded(dir, p)).collect();
    expected.sort();
    assert_eq!(held.len(), inputs.len() - 1, "every input but the empty one, once");
    assert_eq!(held, expected);
    let info = zip_file(&merged, "/bag-info.txt");
    assert!(!info.contains("Bag-Count") && !info.contains("Bag-Group-Identifier"), "{info}");
    eprintln!("slurm: the whole run (array, group check, merge, checks) took {:.1} s", started.elapsed().as_secs_f64());
}

#[test]
fn merged_shards_are_byte_identical_to_one_pack_in_every_container() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    // Copies under other names: some fall in another shard than their original (sharding goes
    // by name), and must still be packed once.
    corpus(dir, 60, 10);
    // Articles nothing names (no source URL): their URIs come from their paths below `corpus`,
    // which every shard's job sees alike.
    for j in 0..6 {
        let text = format!("# Ferry timetable note {j}\n\nThe winter timetable adds a sailing on day {j}.\n");
        std::fs::write(dir.join(format!("corpus/desk-{}/note-{j}.txt", j % 7)), text).unwrap();
    }
    // Run from the corpus's parent, naming it `corpus`: then pack records every input (and every
    // duplicate) by the same name, and merge can write what one pack writes.
    let newsarc_in_dir = || {
        let mut cmd = newsarc();
        cmd.current_dir(dir);
        cmd
    };
    // Options every job of the run is given: kept in the merged bag as one pack keeps them.
    let same = ["--digest", "sha512", "--bag-info", "Source-Organization=Northwind Radio"];
    for format in ["zip", "tar", "tar.gz", "folder"] {
        let ext = if format == "folder" { String::new() } else { format!(".{format}") };
        let whole = dir.join(format!("one/corpus{ext}"));
        let (code, said) = run(newsarc_in_dir().args(["pack", "corpus", "-q"]).args(same).arg("-o").arg(&whole));
        assert_eq!(code, 1, "the empty input is bad: {said}");
        let parts = dir.join(format!("parts-{format}"));
        for k in 1..=4 {
            let part = parts.join(format!("part-{k}{ext}"));
            let (code, said) = run(newsarc_in_dir()
                .args(["pack", "corpus", "-q", "--shard", &format!("{k}/4")])
                .args(same)
                .arg("-o")
                .arg(&part));
            assert!(code <= 1, "{said}");
        }
        let merged = dir.join(format!("merged/corpus{ext}"));
        let (code, said) = run(newsarc().arg("merge").arg(&parts).arg("-o").arg(&merged));
        assert_eq!(code, 0, "{said}");
        if format == "folder" {
            let info = std::fs::read_to_string(merged.join("bag-info.txt")).unwrap();
            assert!(info.starts_with("Source-Organization: Northwind Radio\n"), "{info}");
            for file in ["bag-info.txt", "manifest-sha512.txt", "tagmanifest-sha256.txt", "data/index.json"] {
                assert_eq!(
                    std::fs::read_to_string(merged.join(file)).unwrap(),
                    std::fs::read_to_string(whole.join(file)).unwrap(),
                    "{file}"
                );
            }
            let list = |p: &Path| -> Vec<PathBuf> {
                let mut v: Vec<PathBuf> =
                    walk(p).into_iter().map(|f| f.strip_prefix(p).unwrap().to_path_buf()).collect();
                v.sort();
                v
            };
            assert_eq!(list(&merged), list(&whole));
            for f in list(&whole) {
                assert_eq!(std::fs::read(merged.join(&f)).unwrap(), std::fs::read(whole.join(&f)).unwrap(), "{f:?}");
            }
        } else {
            assert!(std::fs::read(&merged).unwrap() == std::fs::read(&whole).unwrap(), "{format}: bytes differ");
        }
    }
    // The copies across shards were seen by the group check, and one pack lists them as duplicates.
    let (code, said) = run(newsarc().args(["validate", "--group"]).arg(dir.join("parts-zip")));
    assert_eq!(code, 0, "{said}");
    assert!(said.contains("warning NA-GRP-007"), "some copy lies in another shard than its original: {said}");
    let index = zip_file(&dir.join("one/corpus.zip"), "/data/index.json");
    let index: serde_json::Value = serde_json::from_str(&index).unwrap();
    assert_eq!(index["duplicates"].as_array().unwrap().len(), 10);
    let note = index["articles"].as_array().unwrap().iter().find(|a| a["id"] == "note-4").unwrap();
    let namespace = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, b"newsarc path");
    assert_eq!(note["uri"], format!("urn:uuid:{}", uuid::Uuid::new_v5(&namespace, b"desk-4/note-4.txt")));
}

fn walk(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(root).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn the_group_check_finds_missing_doubled_foreign_and_unaccounted_bags() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let (inputs, empty) = corpus(dir, 30, 0);
    let corpus = dir.join("corpus");
    let parts = dir.join("parts");
    std::fs::create_dir_all(dir.join("reports")).unwrap();
    for k in 1..=3 {
        let report = dir.join(format!("reports/r{k}.json"));
        shard(&corpus, &parts.join(format!("p{k}.zip")), k, 3, Some(&report));
    }
    let list: String = inputs.iter().map(|p| format!("{}\n", p.display())).collect();
    std::fs::write(dir.join("inputs.txt"), &list).unwrap();
    let validate = |bags: &[PathBuf], extra: &[&str]| {
        run(newsarc().args(["validate", "--group"]).args(bags).args(extra).current_dir(dir))
    };
    let bag = |k: usize| parts.join(format!("p{k}.zip"));

    // Complete, every input accounted for (the empty one refused in a report).
    let (code, said) = validate(std::slice::from_ref(&parts), &["--expect", "inputs.txt", "--pack-report", "reports"]);
    assert_eq!(code, 0, "{said}");
    let (code, said) = validate(
        std::slice::from_ref(&parts),
        &["--expect-count", &inputs.len().to_string(), "--pack-report", "reports"],
    );
    assert_eq!(code, 0, "{said}");

    // As JSON, valid against the report's schema: each bag, then the group.
    let out = newsarc()
        .args(["validate", "--group", "parts", "--pack-report", "reports", "--format", "json", "--expect-count"])
        .arg(inputs.len().to_string())
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let schema: serde_json::Value = serde_json::from_str(newsarc::schemas::REPORT).unwrap();
    assert!(jsonschema::validator_for(&schema).unwrap().is_valid(&report), "{report}");
    let checked = report["checked"].as_array().unwrap();
    assert_eq!(checked.len(), 4);
    assert_eq!(checked[3]["profile"], "group");
    assert_eq!(checked[3]["valid"], true);
    assert_eq!(report["findings"].as_array().unwrap().len(), 0, "{report}");

    // The refused input, without the reports that name it.
    let (code, said) = validate(std::slice::from_ref(&parts), &["--expect", "inputs.txt"]);
    assert_eq!(code, 1);
    assert!(said.contains("error NA-GRP-009") && said.contains(&empty.display().to_string()), "{said}");
    assert_eq!(said.matches("NA-GRP-009").count(), 1, "{said}");

    // A bag missing, and one given twice.
    let (code, said) = validate(&[bag(1), bag(3)], &[]);
    assert_eq!(code, 1);
    assert!(said.contains("error NA-GRP-004") && said.contains("missing: 2 of 3"), "{said}");
    let twice = dir.join("again.zip");
    std::fs::copy(bag(2), &twice).unwrap();
    let (code, said) = validate(&[bag(1), bag(2), bag(3), twice.clone()], &[]);
    assert_eq!(code, 1);
    assert!(said.contains("error NA-GRP-005"), "{said}");
    assert!(said.contains("error NA-GRP-006") && said.contains("error NA-GRP-008"), "same articles twice: {said}");

    // A bag of another run (other inputs, so another group), and one of no group at all.
    std::fs::write(dir.join("extra.txt"), "# Extra\n\nAnother story entirely, filed late.\n").unwrap();
    let foreign = dir.join("foreign.zip");
    let (code, said) = run(newsarc()
        .arg("pack")
        .arg(&corpus)
        .arg(dir.join("extra.txt"))
        .args(["--shard", "2/3", "-q", "-o"])
        .arg(&foreign));
    assert!(code <= 1, "{said}");
    let (code, said) = validate(&[bag(1), foreign.clone(), bag(3)], &[]);
    assert_eq!(code, 1);
    assert!(said.contains("error NA-GRP-002"), "{said}");
    let plain = dir.join("plain.zip");
    run(newsarc().arg("pack").arg(dir.join("extra.txt")).arg("-q").arg("-o").arg(&plain));
    let (code, said) = validate(&[bag(1), bag(2), bag(3), plain], &[]);
    assert_eq!(code, 1);
    assert!(said.contains("error NA-GRP-001"), "{said}");
    assert!(!said.contains("error NA-GRP-011"), "{said}");

    // Inputs the bags do not hold, and bags holding inputs not expected.
    std::fs::write(
        dir.join("fewer.txt"),
        inputs[..10].iter().map(|p| format!("{}\n", p.display())).collect::<String>(),
    )
    .unwrap();
    let (code, said) = validate(std::slice::from_ref(&parts), &["--expect", "fewer.txt", "--pack-report", "reports"]);
    assert_eq!(code, 1);
    assert_eq!(said.matches("error NA-GRP-011").count(), inputs.len() - 1 - 10, "{said}");
    let (code, said) = validate(std::slice::from_ref(&parts), &["--expect-count", "99"]);
    assert_eq!(code, 1);
    assert!(said.contains("error NA-GRP-012") && said.contains("99 inputs expected"), "{said}");
}

#[test]
fn merge_refuses_an_incomplete_or_damaged_group_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    corpus(dir, 30, 0);
    let corpus = dir.join("corpus");
    for k in 1..=3 {
        shard(&corpus, &dir.join(format!("parts/p{k}")), k, 3, None);
    }
    let merged = dir.join("out/merged.zip");
    let (code, said) =
        run(newsarc().arg("merge").arg(dir.join("parts/p1")).arg(dir.join("parts/p3")).arg("-o").arg(&merged));
    assert_eq!(code, 1, "{said}");
    assert!(said.contains("NA-GRP-004") && said.contains("refusing to merge"), "{said}");
    assert!(!merged.exists());

    // A changed byte in one article's file: found while copying, nothing left behind.
    let article = std::fs::read_dir(dir.join("parts/p2/data/articles")).unwrap().next().unwrap().unwrap().path();
    let xml = article.join("article.xml");
    let mut bytes = std::fs::read(&xml).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x20;
    std::fs::write(&xml, bytes).unwrap();
    let (code, said) = run(newsarc().arg("merge").arg(dir.join("parts")).arg("-o").arg(&merged));
    assert_eq!(code, 1, "{said}");
    assert!(said.contains("NA-BAG-010") && said.contains("article.xml"), "{said}");
    assert!(!merged.exists());
    let left: Vec<_> = std::fs::read_dir(dir.join("out")).unwrap().flatten().map(|e| e.file_name()).collect();
    assert!(left.is_empty(), "nothing partial is left: {left:?}");
}

#[test]
fn a_shard_run_again_is_the_same_bag_and_another_shard_is_refused_there() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    corpus(dir, 40, 0);
    let corpus = dir.join("corpus");
    let part = dir.join("part-2.zip");
    shard(&corpus, &part, 2, 3, None);
    let first = std::fs::read(&part).unwrap();
    // A re-run of the same task (a pre-empted array task): the same bag; the file is left as it is.
    let again = dir.join("again/part-2.zip");
    shard(&corpus, &again, 2, 3, None);
    assert!(std::fs::read(&again).unwrap() == first, "a shard packed twice is the same bag");
    let (code, said) = run(newsarc().arg("pack").arg(&corpus).arg("-o").arg(&part).args(["--shard", "2/3"]));
    assert!(code <= 1 && said.contains("is unchanged"), "{said}");
    // Another shard into that destination: refused, as any output that exists and differs.
    let (code, said) = shard(&corpus, &part, 3, 3, None);
    assert_eq!(code, 2, "{said}");
    assert!(said.contains("exists and differs"), "{said}");
    assert!(std::fs::read(&part).unwrap() == first);
}

/// `kubernetes-validate` (PyPI), which checks a manifest against the JSON schemas of Kubernetes'
/// own API, in the environment `.ci/run` makes for it.
fn kubernetes_validate() -> Option<PathBuf> {
    let venv = std::env::var_os("NEWSARC_K8S_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/newsarc-k8s"));
    let tool = venv.join("bin/kubernetes-validate");
    if tool.exists() {
        return Some(tool);
    }
    skip(
        "kubernetes-validate",
        "python3 -m venv ~/.cache/newsarc-k8s && ~/.cache/newsarc-k8s/bin/pip install kubernetes-validate==1.37.0",
    );
    None
}

#[test]
fn the_kubernetes_indexed_job_passes_kubernetes_own_schema() {
    let Some(tool) = kubernetes_validate() else { return };
    let job = root().join("examples/k8s/pack-indexed-job.yaml");
    let (code, said) = run(Command::new(&tool).arg("--strict").arg(&job));
    assert_eq!(code, 0, "{said}");
    assert!(said.contains("passed for resource job/newsarc-pack"), "{said}");
    // The check is real: a field Kubernetes does not know fails it.
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("job.yaml");
    let text = std::fs::read_to_string(&job).unwrap();
    std::fs::write(&bad, text.replace("restartPolicy: Never", "restartPolicy: Never\n      retries: 3")).unwrap();
    let (code, said) = run(Command::new(&tool).arg("--strict").arg(&bad));
    assert_eq!(code, 1, "{said}");
    assert!(said.contains("'retries' was unexpected"), "{said}");
}

#[test]
fn the_kubernetes_indexed_job_is_a_job_whose_indexes_pack_every_shard() {
    let path = root().join("examples/k8s/pack-indexed-job.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let job: serde_norway::Value = serde_norway::from_str(&text).unwrap();
    let s = |v: &serde_norway::Value| v.as_str().map(str::to_string);
    assert_eq!(s(&job["apiVersion"]).as_deref(), Some("batch/v1"));
    assert_eq!(s(&job["kind"]).as_deref(), Some("Job"));
    assert!(s(&job["metadata"]["name"]).is_some_and(|n| !n.is_empty()));
    let spec = &job["spec"];
    assert_eq!(s(&spec["completionMode"]).as_deref(), Some("Indexed"));
    let completions = spec["completions"].as_u64().expect("completions");
    let parallelism = spec["parallelism"].as_u64().expect("parallelism");
    assert!(parallelism >= 1 && parallelism <= completions);
    let pod = &spec["template"]["spec"];
    let restart = s(&pod["restartPolicy"]);
    assert!(matches!(restart.as_deref(), Some("Never" | "OnFailure")), "a Job's pods must not restart Always");
    let container = &pod["containers"][0];
    assert!(s(&container["image"]).is_some());
    let env: Vec<(String, String)> = container["env"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|e| (s(&e["name"]).unwrap(), s(&e["value"]).unwrap()))
        .collect();
    let shards = env.iter().find(|(n, _)| n == "SHARDS").map(|(_, v)| v.clone()).expect("SHARDS");
    assert_eq!(shards, completions.to_string(), "N must be the number of completions");
    let command: Vec<String> = container["command"].as_sequence().unwrap().iter().filter_map(s).collect();
    assert_eq!(command, ["/bin/sh", "-c"]);
    let script = s(&container["args"][0]).unwrap();
    assert!(script.contains("$((JOB_COMPLETION_INDEX + 1))") && script.contains("--shard \"$K/$SHARDS\""));
    let mounts: BTreeSet<String> =
        container["volumeMounts"].as_sequence().unwrap().iter().map(|m| s(&m["name"]).unwrap()).collect();
    let volumes: BTreeSet<String> =
        pod["volumes"].as_sequence().unwrap().iter().map(|v| s(&v["name"]).unwrap()).collect();
    assert_eq!(mounts, volumes, "every mount has its volume");

    // Each index's command, as the pods would run it (paths moved into a temporary folder, 8
    // shards of a small corpus): the bags form one complete group.
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let (inputs, _) = corpus(dir, 40, 0);
    let script = script
        .replace("/corpus", &dir.join("corpus").display().to_string())
        .replace("/archive", &dir.join("archive").display().to_string());
    let bin = Path::new(env!("CARGO_BIN_EXE_newsarc")).parent().unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    for index in 0..completions {
        let mut cmd = Command::new("/bin/sh");
        cmd.arg("-c").arg(&script).env("PATH", &path).env("JOB_COMPLETION_INDEX", index.to_string());
        for (name, value) in &env {
            cmd.env(name, value);
        }
        let (code, said) = run(&mut cmd);
        assert_eq!(code, 0, "index {index}: {said}");
    }
    let run_dir = dir.join("archive/run-1");
    let (code, said) = run(newsarc()
        .args(["validate", "--group"])
        .arg(run_dir.join("bags"))
        .args(["--expect-count", &inputs.len().to_string()])
        .arg("--pack-report")
        .arg(run_dir.join("reports")));
    assert_eq!(code, 0, "{said}");
    assert_eq!(said.matches(": valid\n").count(), completions as usize + 1, "{said}");
}

/// The Slurm example that adds to one OCFL storage root in N shards at once: every input becomes
/// one object, the root is valid for newsarc and both reference validators, and a task run again
/// changes nothing.
#[test]
fn a_slurm_job_array_adds_shards_to_one_storage_root_at_once() {
    let _turn = SLURM.lock().unwrap_or_else(|e| e.into_inner());
    if !slurm_ready() {
        skip("a running Slurm cluster (sbatch, sinfo)", "run scripts/slurm-up as root");
        return;
    }
    const N: usize = 3;
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let (inputs, _empty) = corpus(dir, 300, 0);
    let archive = dir.join("archive");
    let sbatch = |array: &str| {
        run(Command::new("sbatch")
            .arg("--wait")
            .arg(format!("--array={array}"))
            .arg(format!("--chdir={}", dir.display()))
            .arg(format!("--output={}/slurm-ocfl-%A_%a.out", dir.display()))
            .arg(format!(
                "--export=ALL,CORPUS={},ROOT={},REPORTS={},SHARDS={N},NEWSARC={},SOURCE_DATE_EPOCH=0",
                dir.join("corpus").display(),
                archive.display(),
                dir.join("reports").display(),
                env!("CARGO_BIN_EXE_newsarc")
            ))
            .arg(root().join("examples/slurm/ocfl-add-array.sbatch")))
    };
    let logs = || -> String {
        std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with("slurm-ocfl-"))
            .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
            .collect()
    };
    let (code, said) = sbatch(&format!("1-{N}"));
    assert_eq!(code, 0, "sbatch --wait: {said}\n{}", logs());
    assert_eq!(logs().matches("ocfl-add-array: shard ").count(), N, "{}", logs());
    // Every readable input is one object, written by one of the shards.
    let mut versions = 0;
    for k in 1..=N {
        let report: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join(format!("reports/part-{k}-of-{N}.json"))).unwrap()).unwrap();
        versions += report["versions"].as_array().unwrap().len();
    }
    let readable = inputs.iter().filter(|p| std::fs::metadata(p).unwrap().len() > 0).count();
    assert_eq!(versions, readable, "each input added once, by its shard");
    let (code, said) = run(newsarc().arg("validate").arg(&archive));
    assert_eq!(code, 0, "{said}");
    // rocfl on the whole root (check-ocfl would also run ocfl-py once per object: minutes here;
    // tests/ocfl.rs runs it on roots written by concurrent adds).
    if ocfl_oracle().is_some() {
        let rocfl = oracles_venv().join("rocfl/bin/rocfl");
        let (code, said) = run(Command::new(rocfl).arg("-r").arg(&archive).arg("validate"));
        assert_eq!(code, 0, "{said}");
        assert!(!said.contains("[E") && !said.contains("[W"), "{said}");
    }
    // A task run again: what it added is found unchanged; the root does not change.
    let files = |at: &Path| {
        let mut all: Vec<(PathBuf, Option<Vec<u8>>)> =
            walk(at).into_iter().map(|p| (p.clone(), std::fs::read(&p).ok())).collect();
        all.sort();
        all
    };
    let before = files(&archive);
    let (code, said) = sbatch("2");
    assert_eq!(code, 0, "{said}\n{}", logs());
    assert_eq!(before, files(&archive));
}
