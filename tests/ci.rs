//! Validate in CI: `validate --format sarif` judged by Microsoft's SARIF Multitool, the
//! pre-commit hooks (`.pre-commit-hooks.yaml`) by pre-commit itself, and the GitHub Action
//! (`action.yml`) through its script, run with the environment GitHub gives it.
//!
//! Expected rule ids, levels and locations are written here from the inputs the tests build
//! (and from docs/codes.md's rows, read here on their own), never from newsarc's other reports.

use crate::util::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const NO_REPOSITORY: bool = env!("CARGO_PKG_REPOSITORY").is_empty();

/// `newsarc validate ARGS --format sarif` in `dir`: exit status and the log's bytes.
fn sarif_in(dir: &Path, args: &[&str]) -> (i32, Vec<u8>) {
    let out = newsarc().current_dir(dir).arg("validate").args(args).args(["--format", "sarif"]).output().unwrap();
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), out.stdout)
}

fn pack(dir: &Path, fixtures: &[&str], out: &str) {
    let status = newsarc()
        .current_dir(dir)
        .arg("pack")
        .args(fixtures.iter().map(|f| fixture(f)))
        .args(["-o", out, "-q"])
        .status()
        .unwrap();
    assert!(status.success(), "pack {out}");
}

/// Microsoft's SARIF Multitool (`install.sh --ci`), if installed; otherwise skipped.
fn multitool() -> Option<PathBuf> {
    let tool = oracles_venv().join("sarif/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool");
    if !tool.exists() {
        skip("Microsoft's SARIF Multitool", "run ../shared/oracles/install.sh --ci");
        return None;
    }
    Some(tool)
}

/// What the Multitool says of a log: its error and warning lines (`: error SARIF1002: ...`).
/// SARIF2005 (no `informationUri`) is expected while Cargo.toml names no repository: newsarc has
/// no address to give.
fn multitool_complaints(tool: &Path, log: &[u8]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("log.sarif");
    std::fs::write(&input, log).unwrap();
    let out = Command::new(tool)
        .arg("validate")
        .arg(&input)
        .arg("-o")
        .arg(dir.path().join("verdict.sarif"))
        .args(["--log", "ForceOverwrite"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("Analysis completed successfully"), "the Multitool did not run: {text}");
    text.lines()
        .filter(|l| l.contains(": error ") || l.contains(": warning "))
        .filter(|l| !(NO_REPOSITORY && l.contains(": warning SARIF2005:")))
        .map(str::to_string)
        .collect()
}

/// The row of docs/codes.md for a code: its meaning as plain text (code spans unwrapped).
fn documented_meaning(code: &str) -> String {
    let docs = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/codes.md")).unwrap();
    let row = docs.lines().find(|l| l.starts_with(&format!("| {code} | "))).unwrap_or_else(|| panic!("{code} row"));
    row.trim_end().trim_end_matches('|').split(" | ").nth(1).unwrap().trim().replace('`', "")
}

fn results(log: &Value) -> &Vec<Value> {
    log["runs"][0]["results"].as_array().unwrap()
}

/// The results of one rule, as (uri, level, message, start line, start column, logical name).
fn of_rule<'a>(log: &'a Value, code: &str) -> Vec<&'a Value> {
    results(log).iter().filter(|r| r["ruleId"] == code).collect()
}

fn uri(result: &Value) -> &str {
    result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap()
}

fn inside(result: &Value) -> Option<&str> {
    result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"].as_str()
}

/// The judge can say no: a rule linked by a relative address and a result without a region.
#[test]
fn the_multitool_finds_what_is_wrong_in_a_log() {
    let Some(tool) = multitool() else { return };
    let log = serde_json::json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "newsarc", "informationUri": "https://example.org/newsarc", "rules": [
                {"id": "NA-BAG-001", "shortDescription": {"text": "No bagit.txt."}, "helpUri": "docs/codes.md#na-bag-001"}
            ]}},
            "results": [{"ruleId": "NA-BAG-001", "ruleIndex": 0, "level": "error", "message": {"text": "No bagit.txt."},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": "b/bagit.txt"}}}]}]
        }]
    });
    let complaints = multitool_complaints(&tool, &serde_json::to_vec(&log).unwrap());
    assert!(complaints.iter().any(|l| l.contains(": error SARIF1002:")), "{complaints:#?}");
    assert!(complaints.iter().any(|l| l.contains(": warning SARIF2017:")), "{complaints:#?}");
}

#[test]
fn sarif_of_a_valid_package_is_an_empty_run_the_multitool_accepts() {
    let dir = tempfile::tempdir().unwrap();
    pack(dir.path(), &["sample-shape.txt"], "good.zip");
    let (code, bytes) = sarif_in(dir.path(), &["good.zip"]);
    assert_eq!(code, 0);
    let log: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(log["$schema"], "https://json.schemastore.org/sarif-2.1.0.json");
    assert_eq!(log["runs"].as_array().unwrap().len(), 1);
    let driver = &log["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "newsarc");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(driver["rules"], serde_json::json!([]));
    assert_eq!(results(&log).len(), 0);
    if let Some(tool) = multitool() {
        let complaints = multitool_complaints(&tool, &bytes);
        assert!(complaints.is_empty(), "{complaints:#?}");
    }
}

#[test]
fn sarif_results_carry_their_rule_level_and_place_and_pass_the_multitool() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A folder bag with a changed source and a deleted rendition.
    pack(d, &["sample-shape.txt", "body-table.txt"], "folder");
    let source = d.join("folder/data/articles/sample-shape/source.txt");
    let text = std::fs::read_to_string(&source).unwrap();
    std::fs::write(&source, text.replacen("Millbrook", "Millbrock", 1)).unwrap();
    std::fs::remove_file(d.join("folder/data/articles/body-table/article.json")).unwrap();
    // A tar bag with a changed byte.
    pack(d, &["sample-shape.txt"], "c.tar");
    let mut tar = std::fs::read(d.join("c.tar")).unwrap();
    let at = tar.windows(9).position(|w| w == b"Millbrook").unwrap();
    tar[at] = b'X';
    std::fs::write(d.join("c.tar"), tar).unwrap();
    // A text article with characters XML forbids (warnings with line and column), a missing path,
    // an OCFL object with a changed content file.
    std::fs::copy(fixture("xml-illegal-chars.txt"), d.join("weir story!.txt")).unwrap();
    write_ocfl_object(&d.join("obj"), "urn:example:1", &[("a.txt", b"first")]);
    std::fs::write(d.join("obj/v1/content/a.txt"), b"changed").unwrap();
    let args = ["folder", "c.tar", "weir story!.txt", "missing.zip", "obj"];
    let (code, bytes) = sarif_in(d, &args);
    assert_eq!(code, 1);
    let log: Value = serde_json::from_slice(&bytes).unwrap();

    // Rules: the codes found, sorted, each once; each result points at its own.
    let rules = log["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    for expected in ["NA-BAG-008", "NA-BAG-010", "NA-IN-001", "NA-READ-001", "OCFL-E092"] {
        assert!(ids.contains(&expected), "{expected} in {ids:?}");
    }
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(ids, sorted, "sorted, each once");
    for r in results(&log) {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
        assert!(r["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64().unwrap() >= 1);
        assert!(r["message"]["text"].as_str().unwrap().ends_with('.'));
    }
    let used: std::collections::BTreeSet<&str> = results(&log).iter().map(|r| r["ruleId"].as_str().unwrap()).collect();
    assert_eq!(used.into_iter().collect::<Vec<_>>(), ids, "no rule without a result");
    // Help texts are docs/codes.md's.
    let rule = |id: &str| rules.iter().find(|r| r["id"] == id).unwrap();
    assert_eq!(rule("NA-BAG-010")["fullDescription"]["text"], documented_meaning("NA-BAG-010"));
    assert!(rule("NA-BAG-010")["help"]["text"].as_str().unwrap().contains("docs/codes.md"));
    assert_eq!(rule("OCFL-E092")["helpUri"], "https://ocfl.io/1.1/spec/#E092");
    if NO_REPOSITORY {
        assert!(rule("NA-BAG-010").get("helpUri").is_none(), "no address invented");
    }

    // The folder bag's changed file is shown as itself, with the path inside the bag.
    let changed = of_rule(&log, "NA-BAG-010");
    let in_folder = changed.iter().find(|r| uri(r).starts_with("folder/")).expect("a result in the folder bag");
    assert_eq!(uri(in_folder), "folder/data/articles/sample-shape/source.txt");
    assert_eq!(inside(in_folder), Some("data/articles/sample-shape/source.txt"));
    assert_eq!(in_folder["level"], "error");
    // The tar's: the archive, the entry said in the message and as the logical location.
    let in_tar = changed.iter().find(|r| uri(r) == "c.tar").expect("a result in the tar bag");
    assert!(in_tar["message"]["text"].as_str().unwrap().starts_with("data/articles/sample-shape/source.txt: "));
    assert_eq!(inside(in_tar), Some("data/articles/sample-shape/source.txt"));
    let missing = of_rule(&log, "NA-BAG-008");
    assert!(!missing.is_empty() && missing.iter().all(|r| uri(r).starts_with("folder/") && r["level"] == "error"));
    // Warnings with their line and column (counted here, in characters), the space encoded.
    let text = std::fs::read_to_string(d.join("weir story!.txt")).unwrap();
    let (line, column) = text
        .lines()
        .enumerate()
        .find_map(|(n, l)| l.chars().position(|c| c == '\u{1f}').map(|c| (n as u64 + 1, c as u64 + 1)))
        .unwrap();
    let warnings = of_rule(&log, "NA-READ-001");
    assert!(warnings.iter().all(|r| r["level"] == "warning" && uri(r) == "weir%20story!.txt" && inside(r).is_none()));
    let region = &warnings[0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!((region["startLine"].as_u64(), region["startColumn"].as_u64()), (Some(line), Some(column)));
    assert_eq!(log["runs"][0]["columnKind"], "unicodeCodePoints");
    let absent = of_rule(&log, "NA-IN-001");
    assert_eq!((absent.len(), uri(absent[0])), (1, "missing.zip"));
    // The OCFL object's file, with its path inside the object.
    let ocfl = of_rule(&log, "OCFL-E092");
    assert!(
        ocfl.iter().any(|r| uri(r) == "obj/v1/content/a.txt" && inside(r) == Some("v1/content/a.txt")),
        "{ocfl:#?}"
    );

    // The same input, the same bytes, on one core as on all.
    let (_, again) = sarif_in(d, &[&args[..], &["-j", "1"]].concat());
    assert!(again == bytes, "deterministic");

    // Absolute paths are file URIs.
    let absolute = d.join("c.tar").display().to_string();
    let (_, abs_bytes) = sarif_in(d, &[absolute.as_str()]);
    let abs: Value = serde_json::from_slice(&abs_bytes).unwrap();
    assert!(results(&abs).iter().all(|r| uri(r) == format!("file://{absolute}")), "{abs:#}");

    if let Some(tool) = multitool() {
        let complaints = multitool_complaints(&tool, &bytes);
        assert!(complaints.is_empty(), "{complaints:#?}");
        let complaints = multitool_complaints(&tool, &abs_bytes);
        assert!(complaints.iter().all(|l| !l.contains(": error ")), "{complaints:#?}");
    }
}

#[test]
fn enclosing_validates_the_package_a_file_is_in_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    pack(d, &["sample-shape.txt"], "bag");
    write_ocfl_object(&d.join("obj"), "urn:example:1", &[("a.txt", b"first")]);
    std::fs::copy(fixture("sample-shape.txt"), d.join("alone.txt")).unwrap();
    let out = newsarc()
        .current_dir(d)
        .args(["validate", "--enclosing", "--format", "json"])
        .args(["bag/data/articles/sample-shape/source.txt", "bag/bagit.txt", "obj/v1/content/a.txt", "alone.txt"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let checked: Vec<&str> =
        report["checked"].as_array().unwrap().iter().map(|c| c["path"].as_str().unwrap()).collect();
    assert_eq!(checked, ["bag", "obj", "alone.txt"]);
}

/// pre-commit (`install.sh --ci`), if installed; otherwise skipped.
fn pre_commit() -> Option<PathBuf> {
    let tool = oracles_venv().join("precommit/bin/pre-commit");
    if !tool.exists() {
        skip("pre-commit", "run ../shared/oracles/install.sh --ci");
        return None;
    }
    Some(tool)
}

fn hooks_manifest() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml")
}

#[test]
fn the_pre_commit_hooks_select_packages_and_renditions() {
    let hooks: Value = serde_norway::from_str(&std::fs::read_to_string(hooks_manifest()).unwrap()).unwrap();
    let hooks = hooks.as_array().unwrap();
    let ids: Vec<&str> = hooks.iter().map(|h| h["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["newsarc-validate", "newsarc-validate-system"]);
    assert_eq!(hooks[0]["language"], "rust", "pre-commit builds it with cargo");
    assert_eq!(hooks[1]["language"], "system");
    for hook in hooks {
        assert_eq!(hook["entry"], "newsarc validate --enclosing");
        assert_eq!(hook["require_serial"], true, "one process: each package validated once");
        // pre-commit matches with Python's re.search; this pattern means the same in both.
        let files = regex::Regex::new(hook["files"].as_str().unwrap()).unwrap();
        for yes in [
            "archive/corpus.zip",
            "corpus.tar.gz",
            "b/data/articles/x/source.txt",
            "data/index.json",
            "b/manifest-sha256.txt",
            "b/tagmanifest-sha512.txt",
            "book.epub",
            "out/story.newsml.xml",
            "out/story.ninjs.json",
            "out/story.metadata.json",
            "root/0=ocfl_1.1",
            "root/ab/obj/inventory.json.sha512",
            "root/ab/obj/v2/content/source.txt",
        ] {
            assert!(files.is_match(yes), "{yes} is selected");
        }
        for no in ["README.md", "src/main.rs", "package.json", "notes.txt", "docs/metadata.md", "feed.xml"] {
            assert!(!files.is_match(no), "{no} is not selected");
        }
    }
    if let Some(pre_commit) = pre_commit() {
        let out = Command::new(pre_commit).arg("validate-manifest").arg(hooks_manifest()).output().unwrap();
        assert!(
            out.status.success(),
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=newsarc tests", "-c", "user.email=tests@example.org", "-c", "commit.gpgsign=false"])
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// `pre-commit try-repo` of the system hook (the built newsarc on PATH; the `rust` hook would
/// build all of newsarc again) on a repository holding a valid and a broken bag.
#[test]
fn pre_commit_try_repo_passes_a_valid_bag_and_fails_a_broken_one() {
    let Some(pre_commit) = pre_commit() else { return };
    let dir = tempfile::tempdir().unwrap();
    // The hook repository: this project's manifest, alone.
    let hooks = dir.path().join("hooks");
    std::fs::create_dir(&hooks).unwrap();
    std::fs::copy(hooks_manifest(), hooks.join(".pre-commit-hooks.yaml")).unwrap();
    git(&hooks, &["init", "-q"]);
    git(&hooks, &["add", "."]);
    git(&hooks, &["commit", "-q", "-m", "hooks"]);
    // The archive repository.
    let work = dir.path().join("work");
    std::fs::create_dir(&work).unwrap();
    git(&work, &["init", "-q"]);
    pack(&work, &["sample-shape.txt"], "good");
    pack(&work, &["sample-shape.txt"], "bad");
    let source = work.join("bad/data/articles/sample-shape/source.txt");
    std::fs::write(&source, std::fs::read_to_string(&source).unwrap().replacen("Millbrook", "Millbrock", 1)).unwrap();
    std::fs::write(work.join("README.md"), "not an archive\n").unwrap();
    git(&work, &["add", "."]);
    let bin = Path::new(env!("CARGO_BIN_EXE_newsarc")).parent().unwrap().to_path_buf();
    let path = std::env::join_paths(
        std::iter::once(bin).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )
    .unwrap();
    let try_repo = |files: &[&str]| -> Output {
        Command::new(&pre_commit)
            .current_dir(&work)
            .env("PATH", &path)
            .env("PRE_COMMIT_HOME", dir.path().join("cache"))
            .env("SOURCE_DATE_EPOCH", "0")
            .args(["try-repo", hooks.to_str().unwrap(), "newsarc-validate-system", "--files"])
            .args(files)
            .output()
            .unwrap()
    };
    let good = try_repo(&["good/data/articles/sample-shape/source.txt", "good/bagit.txt", "README.md"]);
    let said = String::from_utf8_lossy(&good.stdout).into_owned();
    assert!(good.status.success(), "{said}{}", String::from_utf8_lossy(&good.stderr));
    assert!(said.contains("Passed"), "{said}");
    let bad = try_repo(&["bad/data/articles/sample-shape/source.txt", "README.md"]);
    let said = String::from_utf8_lossy(&bad.stdout).into_owned();
    assert_eq!(bad.status.code(), Some(1), "{said}{}", String::from_utf8_lossy(&bad.stderr));
    assert!(said.contains("Failed") && said.contains("NA-BAG-010") && said.contains("bad: INVALID"), "{said}");
}

fn action_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

#[test]
fn the_action_is_a_composite_action_whose_steps_call_its_script() {
    let text = std::fs::read_to_string(action_path().join("action.yml")).unwrap();
    let action: Value = serde_norway::from_str(&text).unwrap();
    assert!(action["name"].is_string() && action["description"].is_string());
    assert_eq!(action["runs"]["using"], "composite");
    let inputs = action["inputs"].as_object().unwrap();
    for (name, input) in inputs {
        assert!(input["description"].is_string(), "input {name} is described");
    }
    assert_eq!(inputs["paths"]["required"], true);
    assert_eq!(inputs["format"]["default"], "sarif");
    // Every input used is declared; every step's output used comes from a step with that id.
    let used = regex::Regex::new(r"\$\{\{[^}]*inputs\.([a-z-]+)").unwrap();
    for found in used.captures_iter(&text) {
        assert!(inputs.contains_key(&found[1]), "inputs.{} is declared", &found[1]);
    }
    let steps = action["runs"]["steps"].as_array().unwrap();
    let ids: Vec<&str> = steps.iter().filter_map(|s| s["id"].as_str()).collect();
    let step_refs = regex::Regex::new(r"steps\.([a-z-]+)\.outputs\.([a-z-]+)").unwrap();
    let script = std::fs::read_to_string(action_path().join("scripts/action-validate")).unwrap();
    for found in step_refs.captures_iter(&text) {
        assert!(ids.contains(&&found[1]), "step {} exists", &found[1]);
        assert!(script.contains(&format!("output {} ", &found[2])), "the script writes output {}", &found[2]);
    }
    // Composite run steps need a shell; the script's inputs are the environment the steps set.
    let mut env_given = std::collections::BTreeSet::new();
    for step in steps {
        if step.get("run").is_some() {
            assert_eq!(step["shell"], "bash", "{step:?}");
        }
        if let Some(env) = step["env"].as_object() {
            env_given.extend(env.keys().filter(|k| k.starts_with("INPUT_")).cloned());
        }
    }
    let read = regex::Regex::new(r"\$\{(INPUT_[A-Z_]+)").unwrap();
    let env_read: std::collections::BTreeSet<String> = read.captures_iter(&script).map(|c| c[1].to_string()).collect();
    assert_eq!(env_given, env_read, "the steps set what the script reads");
    let uses: Vec<&str> = steps.iter().filter_map(|s| s["uses"].as_str()).collect();
    assert!(uses.iter().any(|u| u.starts_with("github/codeql-action/upload-sarif@")), "{uses:?}");
    let upload = steps.iter().find(|s| s["uses"].as_str().is_some_and(|u| u.contains("upload-sarif"))).unwrap();
    assert!(upload["if"].as_str().unwrap().contains("inputs.format == 'sarif'"));
    assert_eq!(upload["with"]["sarif_file"], "${{ steps.validate.outputs.report }}");
    let last = steps.last().unwrap();
    assert!(last["if"].as_str().unwrap().contains("steps.validate.outputs.valid == 'false'"), "fails last");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(action_path().join("scripts/action-validate")).unwrap().permissions().mode();
    assert!(mode & 0o111 != 0, "the script is executable");
}

/// The action's script as a step runs it: `INPUT_*`, `GITHUB_OUTPUT`, `GITHUB_STEP_SUMMARY`.
fn action_step(dir: &Path, step: &str, inputs: &[(&str, &str)]) -> (i32, String, String) {
    let bin = Path::new(env!("CARGO_BIN_EXE_newsarc")).parent().unwrap().to_path_buf();
    let path = std::env::join_paths(
        std::iter::once(bin).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )
    .unwrap();
    let github_output = dir.join("github-output");
    let _ = std::fs::remove_file(&github_output);
    let mut cmd = Command::new("bash");
    cmd.arg(action_path().join("scripts/action-validate"))
        .arg(step)
        .current_dir(dir)
        .env("PATH", path)
        .env("GITHUB_ACTION_PATH", action_path())
        .env("GITHUB_OUTPUT", &github_output)
        .env("GITHUB_STEP_SUMMARY", dir.join("summary.md"))
        .env("RUNNER_TEMP", dir.join("runner-temp"))
        .env("SOURCE_DATE_EPOCH", "0");
    for (name, value) in inputs {
        cmd.env(format!("INPUT_{}", name.to_ascii_uppercase()), value);
    }
    let out = cmd.output().unwrap();
    let outputs = std::fs::read_to_string(&github_output).unwrap_or_default();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), outputs)
}

#[test]
fn the_action_script_validates_reports_and_says_so_in_its_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    pack(d, &["sample-shape.txt"], "good.zip");
    pack(d, &["sample-shape.txt"], "bad.tar");
    let mut tar = std::fs::read(d.join("bad.tar")).unwrap();
    let at = tar.windows(9).position(|w| w == b"Millbrook").unwrap();
    tar[at] = b'X';
    std::fs::write(d.join("bad.tar"), tar).unwrap();
    std::fs::copy(fixture("xml-illegal-chars.txt"), d.join("warned.txt")).unwrap();

    let (code, said, _) = action_step(d, "install", &[("version", "installed")]);
    assert_eq!(code, 0, "{said}");
    assert!(said.contains(&format!("newsarc {}", env!("CARGO_PKG_VERSION"))), "{said}");
    let (code, said, _) = action_step(d, "install", &[("version", "latest; rm -rf /")]);
    assert_eq!(code, 2, "{said}");

    // Valid: SARIF by default, an empty run.
    let (code, said, outputs) = action_step(d, "validate", &[("paths", "good.zip")]);
    assert_eq!(code, 0, "{said}");
    assert_eq!(outputs, "report=newsarc.sarif\nexit-code=0\nvalid=true\n");
    let log: Value = serde_json::from_slice(&std::fs::read(d.join("newsarc.sarif")).unwrap()).unwrap();
    assert_eq!(results(&log).len(), 0);
    assert!(std::fs::read_to_string(d.join("summary.md")).unwrap().contains("valid"));

    // Invalid, with a glob and new lines: the step succeeds (the upload comes next) and says so.
    let (code, said, outputs) =
        action_step(d, "validate", &[("paths", "good.zip\n  bad.t*"), ("format", "junit"), ("output", "r.xml")]);
    assert_eq!(code, 0, "{said}");
    assert_eq!(outputs, "report=r.xml\nexit-code=1\nvalid=false\n");
    let junit = std::fs::read_to_string(d.join("r.xml")).unwrap();
    assert!(junit.contains("tests=\"2\" failures=\"1\"") && junit.contains("NA-BAG-010"), "{junit}");

    // Annotations go to the step's output, where GitHub reads workflow commands.
    let (code, said, _) = action_step(d, "validate", &[("paths", "bad.tar"), ("format", "github")]);
    assert_eq!(code, 0);
    assert!(said.lines().any(|l| l.starts_with("::error ") && l.contains("title=NA-BAG-010")), "{said}");

    // Warnings pass unless strict.
    let (_, _, outputs) = action_step(d, "validate", &[("paths", "warned.txt")]);
    assert!(outputs.contains("valid=true"), "{outputs}");
    let (_, _, outputs) = action_step(d, "validate", &[("paths", "warned.txt"), ("strict", "true")]);
    assert!(outputs.contains("valid=false\n") && outputs.contains("exit-code=1"), "{outputs}");

    // What cannot run fails the step at once.
    for bad in [
        vec![("paths", "good.zip"), ("format", "pdf")],
        vec![("paths", " \n ")],
        vec![("paths", "good.zip"), ("strict", "yes")],
    ] {
        let (code, said, _) = action_step(d, "validate", &bad);
        assert_eq!(code, 2, "{bad:?}: {said}");
        assert!(said.contains("::error title=newsarc::"), "{said}");
    }
}
