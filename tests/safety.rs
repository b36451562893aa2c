//! Never lose a user's data: the output policy, interrupts, empty results, container names, exit
//! codes and faults. One test per defect found (named after it), then the fault tests.

use crate::util::*;
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

fn copy_fixture(name: &str, to: &Path) -> PathBuf {
    std::fs::copy(fixture(name), to).unwrap();
    to.to_path_buf()
}

/// Every file below `dir` (relative paths, sorted) with its bytes.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out: Vec<(PathBuf, Vec<u8>)> = walk(dir)
        .into_iter()
        .filter(|p| p.is_file())
        .map(|p| (p.strip_prefix(dir).unwrap().to_path_buf(), std::fs::read(&p).unwrap()))
        .collect();
    out.sort();
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() && !path.is_symlink() {
            out.extend(walk(&path));
        }
        out.push(path);
    }
    out
}

/// Names starting with `.newsarc` anywhere below `dir`: partial outputs left behind.
fn partials(dir: &Path) -> Vec<PathBuf> {
    walk(dir).into_iter().filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(".newsarc")).collect()
}

/// A folder of `n` small articles.
fn corpus(dir: &Path, n: usize) -> PathBuf {
    let root = dir.join("corpus");
    std::fs::create_dir_all(&root).unwrap();
    for i in 0..n {
        std::fs::write(
            root.join(format!("story-{i:05}.txt")),
            format!("# Story number {i}\n\n---\n\nMillbrook, March {} -- The council met for the {i}th time and voted on the budget.\n\n---\n", 1 + i % 28),
        )
        .unwrap();
    }
    root
}

// ---- 1. convert wrote over its own input -------------------------------------------------------

#[test]
fn convert_of_an_epub_in_its_own_folder_wrote_the_epub_over_itself() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) =
        run(newsarc().arg("convert").arg(fixture("sample-shape.txt")).args(["--to", "epub", "-o"]).arg(dir.path()));
    assert_eq!(code, 0, "{err}");
    let book = dir.path().join("book.epub");
    std::fs::rename(dir.path().join("sample-shape.epub"), &book).unwrap();
    // A publication newsarc would write differently (another id inside), so a rewrite would show.
    let before = std::fs::read(&book).unwrap();
    for force in [false, true] {
        let mut cmd = newsarc();
        cmd.current_dir(dir.path()).args(["convert", "book.epub", "--to", "epub"]);
        if force {
            cmd.arg("--force");
        }
        let (code, _, err) = run(&mut cmd);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("refusing to write ./book.epub: it is the input book.epub"), "{err}");
        assert_eq!(std::fs::read(&book).unwrap(), before);
    }
    assert!(partials(dir.path()).is_empty());
}

#[test]
fn convert_of_a_foreign_newsml_item_replaced_it_with_a_re_rendering() {
    let dir = tempfile::tempdir().unwrap();
    let item = dir.path().join("item.newsml.xml");
    std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/newsml/other-producer-xhtml.xml"), &item)
        .unwrap();
    let before = std::fs::read(&item).unwrap();
    let (code, _, err) =
        run(newsarc().current_dir(dir.path()).args(["convert", "item.newsml.xml", "--to", "newsml", "--force"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("it is the input item.newsml.xml"), "{err}");
    assert_eq!(std::fs::read(&item).unwrap(), before);
}

// ---- 2. --book over an input, silent replacement -----------------------------------------------

#[test]
fn convert_book_over_its_own_input_replaced_the_article() {
    let dir = tempfile::tempdir().unwrap();
    let story = copy_fixture("sample-shape.txt", &dir.path().join("story.txt"));
    let before = std::fs::read(&story).unwrap();
    for args in [&["--book", "story.txt"][..], &["--book", "./sub/../story.txt", "--force"]] {
        std::fs::create_dir_all(dir.path().join("sub")).unwrap();
        let (code, _, err) = run(newsarc().current_dir(dir.path()).args(["convert", "story.txt"]).args(args));
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains("it is the input story.txt"), "{err}");
        assert_eq!(std::fs::read(&story).unwrap(), before);
    }
}

#[test]
fn convert_book_and_renditions_replaced_existing_files_silently() {
    let dir = tempfile::tempdir().unwrap();
    let story = copy_fixture("sample-shape.txt", &dir.path().join("story.txt"));
    let book = dir.path().join("existing.epub");
    std::fs::write(&book, b"someone's book").unwrap();
    let (code, _, err) = run(newsarc().arg("convert").arg(&story).arg("--book").arg(&book));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("existing.epub exists and differs from what would be written; pass --force"), "{err}");
    assert_eq!(std::fs::read(&book).unwrap(), b"someone's book");
    let (code, _, err) = run(newsarc().arg("convert").arg(&story).arg("--book").arg(&book).arg("--force"));
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::read(&book).unwrap().starts_with(b"PK"));

    let out = dir.path().join("out");
    let (code, _, err) = run(newsarc().arg("convert").arg(&story).arg("-o").arg(&out));
    assert_eq!(code, 0, "{err}");
    let first = snapshot(&out);
    assert_eq!(first.len(), 4);
    // The same command again: identical bytes are no replacement.
    let (code, _, err) = run(newsarc().arg("convert").arg(&story).arg("-o").arg(&out));
    assert_eq!(code, 0, "{err}");
    assert_eq!(snapshot(&out), first);
    // A file that differs is kept without --force, replaced with it.
    let ninjs = out.join("story.ninjs.json");
    std::fs::write(&ninjs, b"{\"edited\": true}").unwrap();
    let (code, _, err) = run(newsarc().arg("convert").arg(&story).arg("-o").arg(&out));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("story.ninjs.json exists and differs"), "{err}");
    assert_eq!(std::fs::read(&ninjs).unwrap(), b"{\"edited\": true}");
    let (code, _, err) = run(newsarc().arg("convert").arg(&story).arg("-o").arg(&out).arg("--force"));
    assert_eq!(code, 0, "{err}");
    assert_eq!(snapshot(&out), first);
}

// ---- 3. pack --force deleted the folder holding its input --------------------------------------

#[test]
fn pack_with_force_into_the_folder_holding_its_input_deleted_that_folder() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(input.join("sub")).unwrap();
    copy_fixture("sample-shape.txt", &input.join("sub/a.txt"));
    std::fs::write(input.join("NOTES.md"), "notes").unwrap();
    std::fs::write(input.join(".hidden"), "hidden").unwrap();
    std::fs::write(input.join("sub/photo.jpg"), [0xFF, 0xD8, 0xFF]).unwrap();
    let before = snapshot(&input);
    for out in [input.clone(), input.join("sub")] {
        let (code, _, err) = run(newsarc().arg("pack").arg(input.join("sub")).arg("-o").arg(&out).arg("--force"));
        assert_eq!(code, 2, "{err}");
        let shown = out.display();
        assert!(
            err.contains(&format!("refusing to replace {shown}: the folder holds the input"))
                || err.contains(&format!("refusing to write {shown}: it is the input")),
            "{err}"
        );
        assert_eq!(snapshot(&input), before);
    }
    // A folder that is not a bag is never replaced, even when it holds no input.
    let other = dir.path().join("other");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("keep.txt"), "mine").unwrap();
    let (code, _, err) = run(newsarc().arg("pack").arg(input.join("sub")).arg("-o").arg(&other).arg("--force"));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("is a folder that is not a BagIt bag"), "{err}");
    assert_eq!(std::fs::read(other.join("keep.txt")).unwrap(), b"mine");
    assert!(partials(dir.path()).is_empty());
}

// ---- 4. interrupts left partial output -----------------------------------------------------------

/// Starts `pack` on a corpus big enough to be caught in the middle, waits until its partial
/// output exists, sends `signal`, and gives the exit code and stderr.
fn interrupt_pack(format_name: &str, signal: &str) -> (i32, String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let root = corpus(dir.path(), 4000);
    let out = dir.path().join(format!("out/bag{format_name}"));
    let child = newsarc()
        .arg("pack")
        .arg(&root)
        .arg("-o")
        .arg(&out)
        .args(["--jobs", "1"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let prefix = format!(".newsarc-partial-{}@", child.id());
    let started = std::time::Instant::now();
    loop {
        let seen = std::fs::read_dir(dir.path().join("out"))
            .map(|d| d.flatten().any(|e| e.file_name().to_string_lossy().starts_with(&prefix)))
            .unwrap_or(false);
        if seen {
            break;
        }
        assert!(started.elapsed().as_secs() < 60, "the partial output never appeared");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    std::thread::sleep(std::time::Duration::from_millis(100));
    let status = Command::new("kill").arg(format!("-{signal}")).arg(child.id().to_string()).status().unwrap();
    assert!(status.success());
    let output = child.wait_with_output().unwrap();
    (output.status.code().unwrap_or(-1), String::from_utf8_lossy(&output.stderr).into_owned(), dir)
}

#[test]
fn an_interrupted_pack_left_its_partial_bag_behind() {
    for (format_name, signal, expected) in [("", "INT", 130), (".zip", "TERM", 143), (".tar.gz", "INT", 130)] {
        let (code, err, dir) = interrupt_pack(format_name, signal);
        assert_ne!(code, 0, "pack finished before SIG{signal} arrived: the corpus must be larger for this test");
        assert_eq!(code, expected, "{err}");
        let line = err.lines().find(|l| l.contains("interrupted")).unwrap_or_else(|| panic!("{err}"));
        assert!(line.contains(&format!("interrupted (SIG{signal}) during pack into")), "{line}");
        assert!(line.contains("nothing was left behind"), "{line}");
        assert!(partials(dir.path()).is_empty(), "{:?}", partials(dir.path()));
        assert!(!dir.path().join(format!("out/bag{format_name}")).exists());
    }
}

#[test]
fn an_interrupted_convert_left_temporary_files_behind() {
    let dir = tempfile::tempdir().unwrap();
    let root = corpus(dir.path(), 3000);
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).collect();
    inputs.sort();
    let out = dir.path().join("out");
    let child = newsarc()
        .arg("convert")
        .args(&inputs)
        .arg("-o")
        .arg(&out)
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while std::fs::read_dir(&out).map(|d| d.count()).unwrap_or(0) < 40 {
        assert!(started.elapsed().as_secs() < 60, "convert wrote nothing");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    Command::new("kill").arg("-INT").arg(child.id().to_string()).status().unwrap();
    let output = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&output.stderr);
    assert_ne!(output.status.code(), Some(0), "convert finished before SIGINT arrived: the corpus must be larger");
    assert_eq!(output.status.code(), Some(130), "{err}");
    assert!(err.contains("interrupted (SIGINT) during convert into"), "{err}");
    assert!(partials(dir.path()).is_empty(), "{:?}", partials(dir.path()));
}

#[test]
fn partial_output_of_a_killed_run_was_never_cleaned_up() {
    let dir = tempfile::tempdir().unwrap();
    // What a run killed by SIGKILL leaves: process ids above the kernel's maximum never exist.
    // The name carries the process id and the machine: `.newsarc-partial-<pid>@<host>-<random>`.
    let host = newsarc::output::partial::prefix().split_once('@').unwrap().1.to_string();
    let stale_dir = dir.path().join(format!(".newsarc-partial-4999999@{host}AbCdEf"));
    std::fs::create_dir_all(stale_dir.join("bag/data")).unwrap();
    let stale_file = dir.path().join(format!(".newsarc-partial-4999998@{host}GhIjKl"));
    std::fs::write(&stale_file, b"half a zip").unwrap();
    let (code, _, err) =
        run(newsarc().arg("pack").arg(fixture("sample-shape.txt")).arg("-o").arg(dir.path().join("b.zip")));
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains(&format!(
            ".newsarc-partial-4999999@{host}AbCdEf: partial output of an interrupted run (process 4999999 is gone)"
        )),
        "{err}"
    );
    assert!(err.contains("process 4999998 is gone"), "{err}");
    assert!(!stale_dir.exists() && !stale_file.exists());
    assert!(partials(dir.path()).is_empty());
}

// ---- 5. a bag inside the input folder was packed as articles -------------------------------------

#[test]
fn a_folder_bag_inside_the_input_folder_was_packed_as_articles() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    copy_fixture("sample-shape.txt", &input.join("a.txt"));
    let bag = input.join("bag");
    let (code, _, err) = run(newsarc().arg("pack").arg(&input).arg("-o").arg(&bag));
    assert_eq!(code, 0, "{err}");
    let first = snapshot(&bag);
    // Again into the same place: the bag is skipped, the same bag results, nothing changes.
    let (code, _, err) = run(newsarc().arg("pack").arg(&input).arg("-o").arg(&bag));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("is unchanged: it holds this very bag already (1 article from 1 input)"), "{err}");
    assert_eq!(snapshot(&bag), first);
    // Into another place: the bag inside the input is skipped and reported, not packed.
    let other = dir.path().join("other");
    let (code, _, err) = run(newsarc().arg("pack").arg(&input).arg("-o").arg(&other));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains(&format!("skipped {}: a BagIt bag", bag.display())), "{err}");
    let index = std::fs::read_to_string(other.join("data/index.json")).unwrap();
    let index: serde_json::Value = serde_json::from_str(&index).unwrap();
    let ids: Vec<&str> = index["articles"].as_array().unwrap().iter().map(|a| a["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["a"]);
}

// ---- 6. standard input without a timestamp wrote nothing -----------------------------------------

#[test]
fn standard_input_without_a_timestamp_wrote_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let child = newsarc()
        .env_remove("SOURCE_DATE_EPOCH")
        .args(["convert", "-", "-o"])
        .arg(&out)
        .stdin(std::fs::File::open(fixture("sample-shape.txt")).unwrap())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&child.stderr);
    assert_eq!(child.status.code(), Some(1), "{err}");
    let mut names: Vec<String> =
        std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names[0].ends_with(".metadata.json") && names[1].ends_with(".ninjs.json"), "{names:?}");
    for writer in ["newsml", "epub"] {
        let line = err.lines().find(|l| l.contains(&format!("<stdin>: {writer}:"))).unwrap_or_else(|| panic!("{err}"));
        assert!(line.contains("give --created") && line.ends_with("not written"), "{line}");
    }
}

// ---- 7. empty results wrote an empty bag --------------------------------------------------------

#[test]
fn pack_with_no_good_article_wrote_an_empty_bag() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let bad = dir.path().join("bad");
    std::fs::create_dir(&bad).unwrap();
    copy_fixture("empty.txt", &bad.join("a.txt"));
    copy_fixture("binary-png.txt", &bad.join("b.txt"));
    for (input, out) in [(&empty, "e.zip"), (&bad, "b"), (&bad, "b.tar")] {
        let (code, _, err) = run(newsarc().arg("pack").arg(input).arg("-o").arg(dir.path().join(out)));
        assert_eq!(code, 1, "{err}");
        assert!(
            err.contains(&format!(
                "no article could be packed (from {} inputs); no bag written to",
                if input == &empty { 0 } else { 2 }
            )),
            "{err}"
        );
        assert!(!dir.path().join(out).exists());
    }
    assert!(partials(dir.path()).is_empty());
}

// ---- 8. output names taken literally -------------------------------------------------------------

#[test]
fn output_names_were_taken_literally() {
    let dir = tempfile::tempdir().unwrap();
    let story = fixture("sample-shape.txt");
    // .tar.gz and .tgz are gzip-compressed tar bags.
    for name in ["c.tar.gz", "c.tgz"] {
        let out = dir.path().join(name);
        let (code, _, err) = run(newsarc().arg("pack").arg(&story).arg("-o").arg(&out));
        assert_eq!(code, 0, "{err}");
        let bytes = std::fs::read(&out).unwrap();
        assert_eq!(&bytes[..2], [0x1f, 0x8b], "{name} is gzip");
        let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(&bytes[..]));
        let names: Vec<String> =
            tar.entries().unwrap().map(|e| e.unwrap().path().unwrap().to_string_lossy().into_owned()).collect();
        assert!(names.contains(&"c/bagit.txt".to_string()), "{names:?}");
        assert!(names.contains(&"c/data/articles/sample-shape/article.json".to_string()), "{names:?}");
    }
    // A container that disagrees with the name, or an unknown extension: refused, nothing written.
    for (args, needle) in [
        (&["-o", "c.zip", "--format", "tar"][..], "--format tar does not agree with the name, which asks for zip"),
        (&["-o", "c.7z"], "newsarc does not write `.7z` files"),
        (&["-o", "c.tar.bz2"], "newsarc does not write `.bz2` files"),
        (&["-o", "-", "--format", "zip"], "a zip cannot be written to standard output"),
    ] {
        let (code, _, err) = run(newsarc().current_dir(dir.path()).arg("pack").arg(&story).args(args));
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
    assert!(!dir.path().join("c.zip").exists() && !dir.path().join("c.7z").exists());
    // `--format folder` allows a folder whose name has a dot.
    let (code, _, err) =
        run(newsarc().current_dir(dir.path()).arg("pack").arg(&story).args(["-o", "news.2020", "--format", "folder"]));
    assert_eq!(code, 0, "{err}");
    assert!(dir.path().join("news.2020/bagit.txt").is_file());
    // `-o -` writes a tar to standard output, and no folder called `-`.
    let out = newsarc().current_dir(dir.path()).arg("pack").arg(&story).args(["-o", "-"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let mut tar = tar::Archive::new(&out.stdout[..]);
    let names: Vec<String> =
        tar.entries().unwrap().map(|e| e.unwrap().path().unwrap().to_string_lossy().into_owned()).collect();
    assert!(names.contains(&"bag/bagit.txt".to_string()) && names.contains(&"bag/data/index.json".to_string()));
    assert!(!dir.path().join("-").exists());
}

// ---- 9. exit codes differed between subcommands --------------------------------------------------

#[test]
fn a_missing_input_exited_1_from_some_subcommands_and_2_from_others() {
    let dir = tempfile::tempdir().unwrap();
    let story = fixture("sample-shape.txt");
    let missing = dir.path().join("nothere.txt");
    let out = dir.path().join("out");
    let cases: Vec<(&str, Vec<std::ffi::OsString>)> = vec![
        ("convert", vec![missing.clone().into(), story.clone().into(), "-o".into(), out.clone().into()]),
        ("inspect", vec![missing.clone().into()]),
        ("pack", vec![missing.clone().into(), story.clone().into(), "-o".into(), dir.path().join("b.zip").into()]),
        ("validate", vec![missing.clone().into(), story.clone().into()]),
    ];
    for (sub, args) in cases {
        let (code, stdout, err) = run(newsarc().arg(sub).args(&args));
        assert_eq!(code, 1, "{sub}: {stdout}{err}");
        let said = format!("{stdout}{err}");
        assert!(said.contains("nothere.txt") && said.contains("no such file"), "{sub}: {said}");
        assert!(!said.contains("os error"), "{sub}: the cause once, in words: {said}");
    }
    assert!(out.join("sample-shape.ninjs.json").exists(), "convert did the rest");
    assert!(dir.path().join("b.zip").exists(), "pack did the rest");
}

// ---- faults -------------------------------------------------------------------------------------

/// Whether this process runs as root (whose permissions checks are bypassed).
fn is_root() -> bool {
    Command::new("id").arg("-u").output().map(|o| o.stdout.starts_with(b"0\n")).unwrap_or(false)
}

/// `cmd` as a user whom permissions bind: as root, through setpriv without the capabilities that
/// bypass file permissions.
fn unprivileged(cmd: &Command) -> Option<Command> {
    let mut out = if is_root() {
        if Command::new("setpriv").arg("--version").output().is_err() {
            skip("setpriv (util-linux)", "install util-linux to run permission tests as root");
            return None;
        }
        let mut c = Command::new("setpriv");
        c.args(["--bounding-set=-dac_override,-dac_read_search", "--"]).arg(cmd.get_program());
        c
    } else {
        Command::new(cmd.get_program())
    };
    out.args(cmd.get_args());
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => out.env(k, v),
            None => out.env_remove(k),
        };
    }
    Some(out)
}

/// A small tmpfs mounted on `dir` (root only); unmounted when dropped.
struct Mount(PathBuf);

impl Mount {
    fn tmpfs(dir: &Path, options: &str) -> Option<Mount> {
        std::fs::create_dir_all(dir).unwrap();
        let ok = is_root()
            && Command::new("mount")
                .args(["-t", "tmpfs", "-o", options, "tmpfs"])
                .arg(dir)
                .status()
                .is_ok_and(|s| s.success());
        if !ok {
            skip("a tmpfs mount (root)", "run the tests as root, as CI does, to test a full disk");
            return None;
        }
        Some(Mount(dir.to_path_buf()))
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_leaves_the_previous_bag_and_no_partial() {
    let dir = tempfile::tempdir().unwrap();
    let Some(_mount) = Mount::tmpfs(&dir.path().join("small"), "size=256k") else { return };
    let out = dir.path().join("small/corpus.zip");
    std::fs::write(&out, b"the previous bag").unwrap();
    for (name, force) in [("corpus.zip", true), ("folder", false), ("new.tar", false)] {
        let out = dir.path().join("small").join(name);
        let mut cmd = newsarc();
        cmd.arg("pack").arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/articles")).arg("-o").arg(&out);
        if force {
            cmd.arg("--force");
        }
        let (code, _, err) = run(&mut cmd);
        assert_eq!(code, 2, "{name}: {err}");
        let line = err.lines().last().unwrap();
        assert!(line.contains("No space left on device") || line.contains("no space"), "{name}: {line}");
        assert!(line.contains(&out.display().to_string()), "{name}: the message names the output: {line}");
        assert!(!line.contains(".newsarc-partial"), "{name}: no internal temporary name: {line}");
        assert!(partials(&dir.path().join("small")).is_empty(), "{name}");
    }
    assert_eq!(std::fs::read(&out).unwrap(), b"the previous bag");
    // Standard output that is full.
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full");
    if let Ok(full) = full {
        let out =
            newsarc().arg("pack").arg(fixture("sample-shape.txt")).args(["-o", "-"]).stdout(full).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    }
}

#[test]
fn a_read_only_or_missing_destination_gives_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let story = fixture("sample-shape.txt");
    // A destination under a file: its folder cannot exist.
    std::fs::write(dir.path().join("file"), "x").unwrap();
    let (code, _, err) = run(newsarc().arg("pack").arg(&story).arg("-o").arg(dir.path().join("file/b.zip")));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("file") && err.lines().count() == 1, "{err}");
    // A read-only folder.
    let ro = dir.path().join("ro");
    std::fs::create_dir(&ro).unwrap();
    std::fs::write(ro.join("b.zip"), b"the previous bag").unwrap();
    let mut perms = std::fs::metadata(&ro).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o555);
    std::fs::set_permissions(&ro, perms).unwrap();
    let mut cmd = newsarc();
    cmd.arg("pack").arg(&story).arg("-o").arg(ro.join("b.zip")).arg("--force");
    let Some(mut cmd) = unprivileged(&cmd) else { return };
    let (code, _, err) = run(&mut cmd);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("ro") && err.contains("ermission denied"), "{err}");
    assert_eq!(std::fs::read(ro.join("b.zip")).unwrap(), b"the previous bag");
    let mut cmd = newsarc();
    cmd.arg("convert").arg(&story).arg("-o").arg(&ro);
    let Some(mut cmd) = unprivileged(&cmd) else { return };
    let (code, _, err) = run(&mut cmd);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("sample-shape") && err.contains("ermission denied"), "{err}");
}

#[test]
fn an_unreadable_file_a_vanished_file_and_a_link_loop_are_named_and_the_rest_is_packed() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    copy_fixture("sample-shape.txt", &input.join("a.txt"));
    copy_fixture("lang-spanish.txt", &input.join("b.txt"));
    let locked = copy_fixture("dateline-spanish-month-no-separator.txt", &input.join("c.txt"));
    let mut perms = std::fs::metadata(&locked).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o000);
    std::fs::set_permissions(&locked, perms).unwrap();
    std::os::unix::fs::symlink("loop2", input.join("loop1")).unwrap();
    std::os::unix::fs::symlink("loop1", input.join("loop2")).unwrap();
    let out = dir.path().join("b.zip");
    let mut cmd = newsarc();
    cmd.arg("pack").arg(&input).arg(input.join("loop1")).arg("-o").arg(&out);
    let Some(mut cmd) = unprivileged(&cmd) else { return };
    let (code, _, err) = run(&mut cmd);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("c.txt") && err.contains("ermission denied"), "{err}");
    assert!(err.contains("loop1") && err.contains("symbolic links"), "{err}");
    assert!(err.contains("packed 2 articles from 3 inputs"), "{err}");

    // A file that vanishes between the walk and its reading: named, the rest packed.
    let gathered = newsarc::package::inputs::gather(std::slice::from_ref(&input), &["txt".to_string()], None);
    std::fs::remove_file(input.join("b.txt")).unwrap();
    let options = newsarc::package::pack::PackOptions {
        load: pinned_options(),
        renditions: vec!["ninjs", "metadata"],
        format: None,
        algorithms: vec![newsarc::package::bag::Algorithm::Sha256],
        bagging_date: "2020-01-01".to_string(),
        bag_info: Vec::new(),
        shard: None,
        group_id: None,
        jobs: 2,
        force: false,
        guard: Default::default(),
    };
    let dest = newsarc::package::pack::Destination::Path(dir.path().join("v.tar"));
    let report = newsarc::package::pack::pack(&gathered.files, &gathered.skipped, &dest, &options, &|_| {}).unwrap();
    let bad: Vec<(&str, &str)> = report.bad.iter().map(|b| (b.path.as_str(), b.error.as_str())).collect();
    assert!(bad.iter().any(|(p, e)| p.ends_with("b.txt") && e.contains("no such file")), "{bad:?}");
    assert!(report.articles >= 1);
}

// ---- found in review: more ways --force could reach an input ----------------------------------

#[test]
fn a_folder_bag_forced_over_a_file_inside_the_input_folder_deleted_that_file() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("articles");
    std::fs::create_dir(&input).unwrap();
    copy_fixture("sample-shape.txt", &input.join("story.txt"));
    copy_fixture("lang-spanish.txt", &input.join("other.txt"));
    std::fs::write(input.join("photo.jpg"), [0xFF, 0xD8, 0xFF]).unwrap();
    let before = snapshot(&input);
    for target in ["story.txt", "photo.jpg"] {
        let (code, _, err) = run(newsarc()
            .arg("pack")
            .arg(&input)
            .args(["--format", "folder", "--force", "-o"])
            .arg(input.join(target)));
        assert_eq!(code, 2, "{target}: {err}");
        assert!(err.contains("refusing to replace"), "{target}: {err}");
        assert_eq!(snapshot(&input), before, "{target}");
    }
    assert!(partials(dir.path()).is_empty());
}

#[test]
fn a_report_forced_over_a_file_inside_the_input_folder_overwrote_it() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("corpus");
    std::fs::create_dir(&input).unwrap();
    copy_fixture("sample-shape.txt", &input.join("a.txt"));
    std::fs::write(input.join("notes.json"), b"{\"mine\": true}").unwrap();
    let before = snapshot(&input);
    for report in ["a.txt", "notes.json"] {
        let (code, _, err) = run(newsarc()
            .arg("pack")
            .arg(&input)
            .arg("-o")
            .arg(dir.path().join(format!("c-{report}.zip")))
            .arg("--force")
            .arg("--report")
            .arg(input.join(report)));
        assert_eq!(code, 2, "{report}: {err}");
        assert_eq!(snapshot(&input), before, "{report}");
    }
    // A report that is the bag itself is refused before any work.
    let bag = dir.path().join("same.zip");
    let (code, _, err) = run(newsarc().arg("pack").arg(&input).arg("-o").arg(&bag).arg("--report").arg(&bag));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("is the bag's own path") && !bag.exists(), "{err}");
}

#[test]
fn an_output_inside_the_input_folder_is_left_when_identical_and_never_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("corpus");
    std::fs::create_dir(&input).unwrap();
    copy_fixture("sample-shape.txt", &input.join("a.txt"));
    let zip = input.join("corpus.zip");
    let (code, _, err) = run(newsarc().arg("pack").arg(&input).arg("-o").arg(&zip));
    assert_eq!(code, 0, "{err}");
    let first = std::fs::read(&zip).unwrap();
    let (code, _, err) = run(newsarc().arg("pack").arg(&input).arg("-o").arg(&zip).arg("--force"));
    assert_eq!(code, 0, "identical: {err}");
    copy_fixture("lang-spanish.txt", &input.join("b.txt"));
    let (code, _, err) = run(newsarc().arg("pack").arg(&input).arg("-o").arg(&zip).arg("--force"));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("lies inside the input folder"), "{err}");
    assert_eq!(std::fs::read(&zip).unwrap(), first);
}

#[test]
fn merge_forced_over_a_bag_named_as_its_input_overwrote_it() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = corpus(dir.path(), 20);
    for k in 1..=2 {
        let out = dir.path().join(format!("p{k}.zip"));
        let (code, _, err) =
            run(newsarc().arg("pack").arg(&corpus).arg("-o").arg(&out).arg("--shard").arg(format!("{k}/2")));
        assert_eq!(code, 0, "{err}");
    }
    // A copy of a shard, named as an input and as the output: the group is complete without
    // it, so only the output policy stands between the merge and the copy.
    let copy = dir.path().join("p2copy.zip");
    std::fs::copy(dir.path().join("p2.zip"), &copy).unwrap();
    let before = std::fs::read(&copy).unwrap();
    let (code, _, err) = run(newsarc()
        .arg("merge")
        .arg(dir.path().join("p1.zip"))
        .arg(dir.path().join("p2.zip"))
        .arg(&copy)
        .arg("-o")
        .arg(&copy)
        .arg("--force"));
    assert_ne!(code, 0, "{err}");
    assert_eq!(std::fs::read(&copy).unwrap(), before);
}

// ---- pack compares its destination with the files it walks, by identity --------------------------

/// pack no longer adds every walked file to the output guard (a million paths resolved and
/// kept); a destination that is one of them, or a sidecar of one, under another name (a hard
/// link outside the input folder) is still refused, with --force, and nothing changes.
#[test]
fn pack_refuses_a_destination_that_is_a_walked_input_or_its_sidecar_under_another_name() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(input.join("sub")).unwrap();
    copy_fixture("sample-shape.txt", &input.join("sub/a.txt"));
    std::fs::write(input.join("sub/a.meta.json"), b"{}").unwrap();
    let before = snapshot(&input);
    for (linked, name) in [("sub/a.txt", "a.txt"), ("sub/a.meta.json", "a.meta.json")] {
        let out = dir.path().join("bag.zip");
        let _ = std::fs::remove_file(&out);
        std::fs::hard_link(input.join(linked), &out).unwrap();
        let (code, _, err) = run(newsarc().arg("pack").arg(&input).arg("-o").arg(&out).arg("--force"));
        assert_eq!(code, 2, "{err}");
        assert!(err.contains(&format!("refusing to write {}: it is the input", out.display())), "{err}");
        assert!(err.contains(name), "{err}");
        assert_eq!(snapshot(&input), before);
        assert!(partials(dir.path()).is_empty());
    }
}
