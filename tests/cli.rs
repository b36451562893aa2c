//! The command line: outputs, exit codes, messages, standard input and output.

use crate::util::*;
use std::process::Stdio;

fn run(cmd: &mut std::process::Command) -> (i32, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn convert_writes_each_rendition_per_input() {
    let out = tempfile::tempdir().unwrap();
    let (code, _, err) = run(newsarc()
        .arg("convert")
        .arg(fixture("sample-shape.txt"))
        .arg(fixture("lang-spanish.txt"))
        .arg("-o")
        .arg(out.path()));
    assert_eq!(code, 0, "{err}");
    let mut names: Vec<String> =
        std::fs::read_dir(out.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "lang-spanish.epub",
            "lang-spanish.metadata.json",
            "lang-spanish.newsml.xml",
            "lang-spanish.ninjs.json",
            "sample-shape.epub",
            "sample-shape.metadata.json",
            "sample-shape.newsml.xml",
            "sample-shape.ninjs.json"
        ]
    );
    let ninjs: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("sample-shape.ninjs.json")).unwrap()).unwrap();
    assert_eq!(ninjs["headlines"][0]["value"], "Thousands rally in Millbrook to save the old tram line");
    assert_eq!(ninjs["versionCreated"], "1970-01-01T00:00:00Z", "SOURCE_DATE_EPOCH=0");
}

#[test]
fn a_batch_goes_on_past_bad_files_and_names_each() {
    let out = tempfile::tempdir().unwrap();
    let (code, _, err) = run(newsarc()
        .arg("convert")
        .args([
            fixture("empty.txt"),
            fixture("sample-shape.txt"),
            fixture("invalid-utf8-latin1.txt"),
            fixture("headline-plain.txt"),
        ])
        .args(["--to", "ninjs", "-o"])
        .arg(out.path()));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("empty.txt: the file is empty"), "{err}");
    assert!(err.contains("invalid-utf8-latin1.txt: invalid UTF-8 at byte offset 16"), "{err}");
    assert!(err.contains("2 of 4 inputs could not be converted"), "{err}");
    assert!(out.path().join("sample-shape.ninjs.json").exists());
    assert!(out.path().join("headline-plain.ninjs.json").exists());
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 2, "nothing for the bad files, no temporary files left");
}

#[test]
fn standard_input_to_standard_output() {
    let mut child = newsarc()
        .args(["convert", "-", "--to", "ninjs", "-o", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(&std::fs::read(fixture("sample-shape.txt")).unwrap()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let ninjs: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(ninjs["located"], "Millbrook");
    // Same bytes as from the file: the URN depends on the bytes, not the name.
    assert_eq!(ninjs["uri"].as_str().unwrap(), article("sample-shape.txt").uri);
}

#[test]
fn usage_errors_exit_2() {
    let (code, _, err) = run(newsarc().args(["convert", "-", "-o", "-"]).stdin(Stdio::null()));
    assert_eq!(code, 2);
    assert!(err.contains("one rendition"), "{err}");
    let (code, _, err) = run(newsarc().args(["convert", "x.txt", "--to", "docx"]));
    assert_eq!(code, 2);
    assert!(err.contains("docx"), "{err}");
    let (code, _, err) =
        run(newsarc().arg("convert").arg(fixture("sample-shape.txt")).args(["--language", "english please"]));
    assert_eq!(code, 2);
    assert!(err.contains("not a BCP 47 tag"), "{err}");
    let (code, _, err) =
        run(newsarc().arg("convert").arg(fixture("sample-shape.txt")).env("SOURCE_DATE_EPOCH", "yesterday"));
    assert_eq!(code, 2);
    assert!(err.contains("SOURCE_DATE_EPOCH"), "{err}");
}

#[test]
fn an_output_folder_that_cannot_be_made_is_an_operational_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, b"x").unwrap();
    let (code, _, err) = run(newsarc().arg("convert").arg(fixture("sample-shape.txt")).arg("-o").arg(&file));
    assert_eq!(code, 2);
    assert!(err.contains("cannot create output folder"), "{err}");
}

#[test]
fn two_inputs_with_one_id_never_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    for (sub, text) in [("a", "# First\n\nOne.\n"), ("b", "# Second\n\nTwo.\n")] {
        std::fs::create_dir(dir.path().join(sub)).unwrap();
        std::fs::write(dir.path().join(sub).join("story.txt"), text).unwrap();
    }
    let out = dir.path().join("out");
    let (code, _, err) = run(newsarc()
        .arg("convert")
        .arg(dir.path().join("a/story.txt"))
        .arg(dir.path().join("b/story.txt"))
        .arg("-o")
        .arg(&out)
        .arg("-q"));
    assert_eq!(code, 1);
    assert!(err.contains("id `story` is already used by"), "{err}");
    let ninjs = std::fs::read_to_string(out.join("story.ninjs.json")).unwrap();
    assert!(ninjs.contains("First") && !ninjs.contains("Second"));
}

#[test]
fn warnings_name_the_file_and_place_unless_quiet() {
    let out = tempfile::tempdir().unwrap();
    let (code, _, err) = run(newsarc().arg("convert").arg(fixture("xml-illegal-chars.txt")).arg("-o").arg(out.path()));
    assert_eq!(code, 0);
    assert!(err.contains("xml-illegal-chars.txt:1:"), "{err}");
    assert!(err.contains("NA-READ-001"), "{err}");
    let (_, _, err) =
        run(newsarc().arg("convert").arg(fixture("xml-illegal-chars.txt")).arg("-o").arg(out.path()).arg("--quiet"));
    assert_eq!(err, "");
}

#[test]
fn inspect_prints_the_model() {
    let (code, out, _) = run(newsarc().arg("inspect").arg(fixture("dateline-place-with-region.txt")));
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["dateline"]["place"], "ORLEN, Westmarch");
    assert_eq!(v["dateline"]["date"], "--06-02");
    assert_eq!(v["body"][0]["type"], "paragraph");
    let (code, out, err) = run(newsarc().arg("inspect").arg(fixture("binary-png.txt")));
    assert_eq!((code, out.as_str()), (1, ""));
    assert!(err.contains("binary-png.txt: not text: a PNG image"), "{err}");
}

#[test]
fn help_has_examples_and_completions_and_schemas_print() {
    let (code, out, _) = run(newsarc().args(["convert", "--help"]));
    assert_eq!(code, 0);
    assert!(out.contains("Examples:") && out.contains("--to"), "{out}");
    let (code, out, _) = run(newsarc().args(["completions", "bash"]));
    assert_eq!(code, 0);
    assert!(out.contains("_newsarc") && out.contains("convert"));
    let (code, out, _) = run(newsarc().args(["schema", "metadata"]));
    assert_eq!(code, 0);
    assert_eq!(
        out,
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schemas/metadata.schema.json")).unwrap()
    );
    let (code, out, _) = run(newsarc().arg("formats"));
    assert_eq!(code, 0);
    assert!(out.contains("ninjs") && out.contains("metadata") && out.contains("text"), "{out}");
}

#[test]
fn the_record_lists_the_true_checksums() {
    use sha2::{Digest, Sha256};
    let out = tempfile::tempdir().unwrap();
    let (code, _, err) = run(newsarc().arg("convert").arg(fixture("crlf-bom.txt")).arg("-o").arg(out.path()));
    assert_eq!(code, 0, "{err}");
    let ninjs = std::fs::read(out.path().join("crlf-bom.ninjs.json")).unwrap();
    let record: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("crlf-bom.metadata.json")).unwrap()).unwrap();
    assert_eq!(record["renditions"][2]["sha256"], hex::encode(Sha256::digest(&ninjs)));
    assert_eq!(record["renditions"][2]["size"], ninjs.len());
    assert_eq!(record["renditions"][2]["file"], "crlf-bom.ninjs.json");
    assert_eq!(record["renditions"][0]["name"], "newsml", "in table order");
    assert_eq!(record["renditions"][1]["name"], "epub");
    let epub = std::fs::read(out.path().join("crlf-bom.epub")).unwrap();
    assert_eq!(record["renditions"][1]["sha256"], hex::encode(Sha256::digest(&epub)));
    let newsml = std::fs::read(out.path().join("crlf-bom.newsml.xml")).unwrap();
    assert_eq!(record["renditions"][0]["sha256"], hex::encode(Sha256::digest(&newsml)));
    // The source digest is of the bytes as stored (with BOM and CRLF), as CASES.md computed it.
    assert_eq!(record["source"]["sha256"], "ec7ace06eea8e571743486666a1e4e02ecd5f30c10007ed28195dd883a63bf7e");
    assert_eq!(record["source"]["size"], 487);
}

#[cfg(not(feature = "xsd"))]
#[test]
fn validate_without_the_xsd_feature_says_how_to_get_it() {
    let (code, _, err) = run(newsarc().args(["validate", "--xsd", "s.xsd", "a.xml"]));
    assert_eq!(code, 2);
    assert!(err.contains("--features xsd"), "{err}");
}

#[cfg(feature = "xsd")]
#[test]
fn validate_reports_findings_and_exits_by_verdict() {
    let xsd = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/oracles/newsml-g2/NewsML-G2_2.35-spec-All-Power.xsd");
    let out = tempfile::tempdir().unwrap();
    let (code, _, err) =
        run(newsarc().arg("convert").arg(fixture("sample-shape.txt")).args(["--to", "newsml", "-o"]).arg(out.path()));
    assert_eq!(code, 0, "{err}");
    let good = out.path().join("sample-shape.newsml.xml");
    let (code, stdout, _) = run(newsarc().arg("validate").arg("--xsd").arg(&xsd).arg(&good));
    assert_eq!(code, 0, "{stdout}");
    let bad = out.path().join("bad.xml");
    std::fs::write(&bad, std::fs::read_to_string(&good).unwrap().replace("<itemClass qcode=\"ninat:text\"/>", ""))
        .unwrap();
    let (code, stdout, _) = run(newsarc().arg("validate").arg("--xsd").arg(&xsd).arg(&good).arg(&bad));
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("bad.xml:6: error NA-XSD-001:"), "{stdout}");
    // A missing file is bad input, as in every subcommand: invalid, not "could not run".
    let (code, stdout, _) = run(newsarc().arg("validate").arg("--xsd").arg(&xsd).arg(out.path().join("missing.xml")));
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("NA-IN-001"), "{stdout}");
}

// ---- a newcomer's conventions: -q, -v, -j, --report, man, --version, messages ---------------------

#[test]
fn version_says_which_features_are_built_in() {
    let (code, out, _) = run(newsarc().arg("--version"));
    assert_eq!(code, 0);
    let expected = if cfg!(feature = "xsd") { "(features: xsd" } else { "(features: none; built without xsd" };
    assert!(out.starts_with("newsarc 0.") && out.contains(expected), "{out}");
}

#[test]
fn man_pages_come_from_the_flag_definitions_and_install_into_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(newsarc().args(["man", "--dir"]).arg(dir.path()));
    assert_eq!(code, 0, "{err}");
    for page in ["newsarc.1", "newsarc-pack.1", "newsarc-convert.1", "newsarc-validate.1"] {
        let text = std::fs::read_to_string(dir.path().join(page)).unwrap();
        assert!(text.contains(".TH"), "{page}");
    }
    let pack = std::fs::read_to_string(dir.path().join("newsarc-pack.1")).unwrap();
    assert!(pack.contains("\\-\\-shard") && pack.contains("\\-\\-force"), "the pack page lists pack's flags");
    // Again: the same pages, nothing rewritten, nothing said.
    let (code, _, err) = run(newsarc().args(["man", "--dir"]).arg(dir.path()));
    assert_eq!((code, err.as_str()), (0, ""));
}

#[test]
fn pack_shows_each_warning_with_its_code_under_verbose() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("b.zip");
    let (code, _, err) = run(newsarc().arg("pack").arg(fixture("headline-missing.txt")).arg("-o").arg(&out));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("1 warning (-v shows them)"), "{err}");
    let out = dir.path().join("c.zip");
    let (code, _, err) = run(newsarc().arg("pack").arg(fixture("headline-missing.txt")).arg("-o").arg(&out).arg("-v"));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("headline-missing.txt: NA-READ-004 no headline found"), "{err}");
    let (code, _, err) = run(newsarc()
        .arg("pack")
        .arg(fixture("headline-missing.txt"))
        .arg("-o")
        .arg(dir.path().join("d.zip"))
        .arg("-q"));
    assert_eq!((code, err.as_str()), (0, ""));
}

#[test]
fn quiet_validate_and_inspect_say_it_with_the_exit_status_alone() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, b"{\"uri\": 3}").unwrap();
    let (code, out, err) = run(newsarc().args(["validate", "-q"]).arg(&bad));
    assert_eq!((code, out.as_str(), err.as_str()), (1, "", ""));
    let (code, out, err) = run(newsarc().args(["inspect", "-q"]).arg(fixture("sample-shape.txt")));
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));
    let (code, out, _) = run(newsarc().args(["inspect", "-q"]).arg(fixture("empty.txt")));
    assert_eq!((code, out.as_str()), (1, ""));
    let (code, _, err) = run(newsarc().args(["inspect", "-v"]).arg(fixture("headline-missing.txt")));
    assert_eq!(code, 0);
    assert!(err.contains("NA-READ-004"), "{err}");
}

#[test]
fn convert_on_all_cores_writes_and_says_the_same_as_on_one() {
    let inputs: Vec<_> = good_fixtures().into_iter().take(30).collect();
    let mut runs = Vec::new();
    for jobs in ["1", "2"] {
        let dir = tempfile::tempdir().unwrap();
        let (code, report, err) = run(newsarc()
            .arg("convert")
            .args(&inputs)
            .args(["--to", "ninjs,metadata", "-j", jobs, "--report", "-", "-o"])
            .arg(dir.path()));
        assert_eq!(code, 0, "{err}");
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap())
            .map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap()))
            .collect();
        files.sort();
        let report: serde_json::Value = serde_json::from_str(&report).unwrap();
        let first = &report["inputs"][0];
        assert_eq!(first["input"].as_str().unwrap(), inputs[0].display().to_string());
        assert_eq!(first["files"].as_array().unwrap().len(), 2);
        runs.push((files, err, report["inputs"].as_array().unwrap().len()));
    }
    assert_eq!(runs[0].2, 30);
    assert_eq!(runs[0], runs[1], "-j 1 and -j 2 write the same files and say the same, in input order");
}

#[test]
fn convert_report_lists_each_warning_with_its_code() {
    let dir = tempfile::tempdir().unwrap();
    let (code, report, _) = run(newsarc()
        .arg("convert")
        .arg(fixture("headline-missing.txt"))
        .args(["--to", "ninjs", "--report", "-", "-q", "-o"])
        .arg(dir.path()));
    assert_eq!(code, 0);
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert_eq!(report["inputs"][0]["warnings"][0]["code"], "NA-READ-004");
}

#[test]
fn two_inputs_of_the_same_name_in_two_folders_are_told_apart() {
    let dir = tempfile::tempdir().unwrap();
    for folder in ["A", "B"] {
        std::fs::create_dir_all(dir.path().join(folder).join("news")).unwrap();
        std::fs::copy(fixture("headline-missing.txt"), dir.path().join(folder).join("news/x.txt")).unwrap();
    }
    std::fs::write(dir.path().join("B/news/x.txt"), b"# Other\n\nother text\n").unwrap();
    let (code, report, err) =
        run(newsarc().current_dir(dir.path()).args(["pack", "A", "B", "-o", "b.zip", "-v", "--report", "-"]));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("A/news/x.txt: NA-READ-004"), "{err}");
    assert!(err.contains("B/news/x.txt: packed as `x-"), "{err}");
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert_eq!(report["renamed"][0]["path"], "B/news/x.txt");
    assert_eq!(report["warnings"][0]["path"], "A/news/x.txt");
}

#[test]
fn help_examples_fit_a_terminal_without_breaking_a_quoted_value() {
    for sub in ["convert", "pack", "validate", "inspect", "completions", "man"] {
        let (code, out, _) = run(newsarc().args([sub, "--help"]).env("COLUMNS", "100"));
        assert_eq!(code, 0);
        for line in out.lines().filter(|l| l.trim_start().starts_with("newsarc ") || l.contains("| newsarc")) {
            assert_eq!(line.matches('\'').count() % 2, 0, "{sub}: a quoted value broken over lines: {line}");
        }
    }
}

#[test]
fn common_mistakes_get_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(newsarc().arg("convert").arg(dir.path()).arg("-o").arg(dir.path().join("o")));
    assert_eq!(code, 2);
    assert!(err.contains("no article files found in") && err.contains("see --ext"), "{err}");
    assert!(!dir.path().join("o").exists(), "an empty output folder was left behind");
    let (code, _, err) = run(newsarc().args(["pack", "-", "-o"]).arg(dir.path().join("b.zip")));
    assert_eq!(code, 2);
    assert!(err.contains("--files-from -"), "{err}");
    let (code, _, err) = run(newsarc()
        .arg("pack")
        .arg(fixture("sample-shape.txt"))
        .arg("-o")
        .arg(dir.path().join("b.zip"))
        .arg("--report")
        .arg(dir.path().join("no/such/folder/r.json")));
    assert_eq!(code, 2);
    assert!(err.contains("cannot write the report") && err.lines().count() == 1, "{err}");
    assert!(!dir.path().join("b.zip").exists(), "checked before the work");
}

#[test]
fn standard_input_is_recognised_by_its_bytes_as_file_names_are_by_their_endings() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(newsarc()
        .arg("convert")
        .arg(fixture("sample-shape.txt"))
        .args(["--to", "newsml,epub", "-q", "-o"])
        .arg(dir.path()));
    assert_eq!(code, 0, "{err}");
    for file in ["sample-shape.newsml.xml", "sample-shape.epub"] {
        let out = newsarc()
            .args(["inspect", "-"])
            .stdin(std::fs::File::open(dir.path().join(file)).unwrap())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{file}: {}", String::from_utf8_lossy(&out.stderr));
        let model: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(model["headline"], "Thousands rally in Millbrook to save the old tram line", "{file}");
    }
}

#[test]
fn a_version_timestamp_from_the_file_time_is_said_and_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let out = newsarc()
        .env_remove("SOURCE_DATE_EPOCH")
        .arg("convert")
        .arg(fixture("sample-shape.txt"))
        .args(["--to", "metadata", "-o"])
        .arg(dir.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("NA-READ-015 the version timestamp") && err.contains("modification time"), "{err}");
    let record: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("sample-shape.metadata.json")).unwrap()).unwrap();
    assert_eq!(record["version_created_origin"], "file_time");
    for (args, origin) in [(&["--created", "2020-01-24T10:00:00Z"][..], "option"), (&[][..], "source_date_epoch")] {
        let out = newsarc().args(["inspect"]).arg(fixture("sample-shape.txt")).args(args).output().unwrap();
        let model: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(model["version_created_origin"], origin, "{args:?}");
        assert!(!String::from_utf8_lossy(&out.stdout).contains("NA-READ-015"));
    }
}

#[test]
fn convert_walks_folders_as_pack_does_and_writes_what_listing_the_files_writes() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(corpus.join("sub")).unwrap();
    std::fs::copy(fixture("sample-shape.txt"), corpus.join("a.txt")).unwrap();
    std::fs::copy(fixture("dateline-spanish-full-month.txt"), corpus.join("sub/b.TXT")).unwrap();
    std::fs::copy(fixture("with-sidecar.meta.json"), corpus.join("sub/b.meta.json")).unwrap();
    std::fs::write(corpus.join(".hidden.txt"), "# *Hidden*\n\n---\n\nNot an article of the corpus.").unwrap();
    std::fs::write(corpus.join("notes.md"), "not an article").unwrap();
    let walked = corpus.join("out");
    let (code, _, err) =
        run(newsarc().env("SOURCE_DATE_EPOCH", "0").args(["convert", "-v", "-o"]).arg(&walked).arg(&corpus));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("skipped") && err.contains(".hidden.txt") && err.contains("notes.md"), "{err}");
    let listed = dir.path().join("listed");
    let (code, _, err) = run(newsarc()
        .env("SOURCE_DATE_EPOCH", "0")
        .args(["convert", "-o"])
        .arg(&listed)
        .arg(corpus.join("a.txt"))
        .arg(corpus.join("sub/b.TXT")));
    assert_eq!(code, 0, "{err}");
    let names = |d: &std::path::Path| {
        let mut v: Vec<String> =
            std::fs::read_dir(d).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        v.sort();
        v
    };
    assert_eq!(names(&walked), names(&listed));
    assert_eq!(names(&walked).len(), 8, "two articles, four renditions each: {:?}", names(&walked));
    for name in names(&walked) {
        assert_eq!(std::fs::read(walked.join(&name)).unwrap(), std::fs::read(listed.join(&name)).unwrap(), "{name}");
    }
    // The sidecar beside b.TXT was applied (its publisher), and the output folder inside the
    // corpus is not walked into on a second run: nothing changes.
    let record = names(&walked).into_iter().find(|n| n.starts_with("b") && n.ends_with(".metadata.json")).unwrap();
    assert!(std::fs::read_to_string(walked.join(record)).unwrap().contains("Northwind Radio Archive"));
    let (code, _, err) =
        run(newsarc().env("SOURCE_DATE_EPOCH", "0").args(["convert", "-v", "-o"]).arg(&walked).arg(&corpus));
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("the destination of this run") && err.contains("unchanged") && !err.contains("created"),
        "{err}"
    );
}
