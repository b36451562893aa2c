//! Same input and options, same bytes; and where timestamps come from.

use crate::util::*;
use std::path::Path;

fn convert_all_into(dir: &Path) {
    let status = newsarc().arg("convert").args(good_fixtures()).arg("-o").arg(dir).arg("-q").output().unwrap().status;
    assert_eq!(status.code(), Some(0));
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (e.file_name().into_string().unwrap(), std::fs::read(e.path()).unwrap())
        })
        .collect();
    files.sort();
    files
}

#[test]
fn converting_twice_gives_byte_identical_files() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    convert_all_into(a.path());
    convert_all_into(b.path());
    let (fa, fb) = (files(a.path()), files(b.path()));
    assert_eq!(fa.len(), 4 * good_fixtures().len());
    for ((name_a, bytes_a), (name_b, bytes_b)) in fa.iter().zip(&fb) {
        assert_eq!(name_a, name_b);
        assert!(bytes_a == bytes_b, "{name_a} differs between runs");
    }
}

#[test]
fn version_timestamp_falls_back_to_the_file_time() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("story.txt");
    std::fs::write(&path, "# Title\n\nSome words here.\n").unwrap();
    let when = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_600_000_000);
    std::fs::File::options().write(true).open(&path).unwrap().set_modified(when).unwrap();
    let out = newsarc().arg("inspect").arg(&path).env_remove("SOURCE_DATE_EPOCH").output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["version_created"], "2020-09-13T12:26:40Z");
    let out = newsarc().arg("inspect").arg(&path).env("SOURCE_DATE_EPOCH", "86400").output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["version_created"], "1970-01-02T00:00:00Z", "SOURCE_DATE_EPOCH wins over the file time");
    let out = newsarc().arg("inspect").arg(&path).args(["--created", "2021-05-06T07:08:09+02:00"]).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["version_created"], "2021-05-06T05:08:09Z", "an option wins over SOURCE_DATE_EPOCH");
}
