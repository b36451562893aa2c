//! OCFL validation: newsarc against the OCFL fixtures (`../shared/peers/ocfl-fixtures`, 1.0 and
//! 1.1) and what the two reference validators, ocfl-py 2.1.0 and rocfl 1.7.0, report on each;
//! tampered objects; `newsarc validate` on storage roots and objects.
//!
//! The oracle table below was obtained once by running `ocfl-validate.py PATH` and
//! `rocfl -S -r PARENT validate -p NAME` on every fixture (never newsarc); ocfl-py's letter
//! suffixes (`E037b`) are dropped. The deliberate differences are read from
//! `docs/validation-differences.md` (`## OCFL`).

use crate::util::*;
use newsarc::validate::Severity;
use newsarc::validate::ocfl::{self, Options};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Each fixture: (path under ocfl-fixtures, whether both reference validators call it valid,
/// ocfl-py's codes, rocfl's codes).
const ORACLES: &[(&str, bool, &str, &str)] = &[
    ("1.0/bad-objects/E001_extra_dir_in_root", false, "E001 W007", "E001 W007"),
    ("1.0/bad-objects/E001_extra_file_in_root", false, "E001 W007", "E001 W007"),
    ("1.0/bad-objects/E001_invalid_version_format", false, "E001 E009 E042", "E008 E099 E104"),
    ("1.0/bad-objects/E001_v2_file_in_root", false, "E001", "E001"),
    ("1.0/bad-objects/E003_E063_empty", false, "", "E003 E063"),
    ("1.0/bad-objects/E003_no_decl", false, "", "E003"),
    ("1.0/bad-objects/E007_bad_declaration_contents", false, "E007 W007", "E007 W007"),
    ("1.0/bad-objects/E008_E036_no_versions_no_head", false, "E008 E036", "E008 E036"),
    ("1.0/bad-objects/E010_missing_versions", false, "E046 W010", "E010 W010"),
    ("1.0/bad-objects/E010_skipped_versions", false, "E010 E040 E046 E064", "E010"),
    ("1.0/bad-objects/E011_E013_invalid_padded_head_version", false, "E023 E040 E042 E046 E064 E066 W001", "E013 W001"),
    ("1.0/bad-objects/E015_content_not_in_content_dir", false, "E042", "E015 E092"),
    ("1.0/bad-objects/E017_invalid_content_dir", false, "E017", "E017"),
    ("1.0/bad-objects/E019_inconsistent_content_dir", false, "E020 E042", "E019 E092 W002"),
    ("1.0/bad-objects/E023_extra_file", false, "E023 W009", "E023 W009"),
    ("1.0/bad-objects/E023_old_manifest_missing_entries", false, "E023", "E023"),
    ("1.0/bad-objects/E025_wrong_digest_algorithm", false, "E001 E025 E046 E058", "E025"),
    ("1.0/bad-objects/E036_no_head", false, "E036", "E036"),
    ("1.0/bad-objects/E036_no_id", false, "E036", "E036"),
    ("1.0/bad-objects/E037_inconsistent_id", false, "E037", "E110"),
    ("1.0/bad-objects/E040_head_not_most_recent", false, "E040 E064", "E040"),
    ("1.0/bad-objects/E040_wrong_head_doesnt_exist", false, "E040 W007", "E010 E040 W007"),
    ("1.0/bad-objects/E040_wrong_head_format", false, "E040 W007", "E040"),
    ("1.0/bad-objects/E040_wrong_version_in_version_dir", false, "E066", "E040"),
    ("1.0/bad-objects/E041_no_manifest", false, "E041 W007", "E041 W007"),
    ("1.0/bad-objects/E046_root_not_most_recent", false, "E046", "E001"),
    ("1.0/bad-objects/E049_E050_E054_bad_version_block_values", false, "E049 E050 E054 E094 E107", "E049"),
    ("1.0/bad-objects/E049_created_no_timezone", false, "E049", "E049"),
    ("1.0/bad-objects/E049_created_not_to_seconds", false, "E049", "E049"),
    ("1.0/bad-objects/E050_manifest_digest_wrong_case", false, "E050", "E050 E107"),
    ("1.0/bad-objects/E053_E052_invalid_logical_paths", false, "E052 E053", "E052 E053"),
    ("1.0/bad-objects/E058_no_sidecar", false, "E058", "E058"),
    ("1.0/bad-objects/E060_E064_root_inventory_digest_mismatch", false, "E060 E064", "E060"),
    ("1.0/bad-objects/E060_version_inventory_digest_mismatch", false, "E060 W011", "E060 W011"),
    ("1.0/bad-objects/E061_invalid_sidecar", false, "E061", "E061"),
    ("1.0/bad-objects/E063_no_inv", false, "E063", "E063"),
    ("1.0/bad-objects/E064_different_root_and_latest_inventories", false, "E064", "E064"),
    ("1.0/bad-objects/E066_E092_old_manifest_digest_incorrect", false, "E066 E092", "E066 E092"),
    ("1.0/bad-objects/E066_algorithm_change_state_mismatch", false, "E066 W004", "E066 W004"),
    ("1.0/bad-objects/E066_inconsistent_version_state", false, "E066", "E066"),
    ("1.0/bad-objects/E067_file_in_extensions_dir", false, "E067 W007 W013", "E067 W007 W013"),
    ("1.0/bad-objects/E092_E093_content_path_does_not_exist", false, "E092 E093", "E092 E093"),
    ("1.0/bad-objects/E092_algorithm_change_incorrect_digest", false, "E092 W004", "E092 W004"),
    ("1.0/bad-objects/E092_content_file_digest_mismatch", false, "E092", "E092"),
    ("1.0/bad-objects/E093_fixity_digest_mismatch", false, "E093", "E093"),
    ("1.0/bad-objects/E095_conflicting_logical_paths", false, "E095", "E095"),
    ("1.0/bad-objects/E095_non_unique_logical_paths", false, "E095", "E095"),
    ("1.0/bad-objects/E096_manifest_duplicate_digests", false, "E096 E101", "E096 E101"),
    ("1.0/bad-objects/E097_fixity_duplicate_digests", false, "E097", "E097 E101"),
    ("1.0/bad-objects/E100_E099_fixity_invalid_content_paths", false, "E057", "E099 E100"),
    ("1.0/bad-objects/E100_E099_manifest_invalid_content_paths", false, "E099 E100", "E099 E100"),
    ("1.0/bad-objects/E101_non_unique_content_paths", false, "E101", "E101"),
    ("1.0/good-objects/minimal_content_dir_called_stuff", true, "", ""),
    ("1.0/good-objects/minimal_logs_directory_one_log_file", true, "", ""),
    ("1.0/good-objects/minimal_mixed_digests", true, "", ""),
    ("1.0/good-objects/minimal_no_content", true, "", ""),
    ("1.0/good-objects/minimal_one_version_one_file", true, "", ""),
    ("1.0/good-objects/minimal_uppercase_digests", true, "", ""),
    ("1.0/good-objects/ocfl_object_all_fixity_digests", true, "", ""),
    ("1.0/good-objects/spec-ex-full", true, "", ""),
    ("1.0/good-objects/updates_all_actions", true, "", ""),
    ("1.0/good-objects/updates_three_versions_one_file", true, "", ""),
    ("1.0/warn-objects/W001_W004_W005_zero_padded_versions", true, "W001 W004 W005", "W001 W004 W005"),
    ("1.0/warn-objects/W001_zero_padded_versions", true, "W001", "W001"),
    ("1.0/warn-objects/W002_extra_dir_in_version_dir", true, "W002", "W002"),
    ("1.0/warn-objects/W004_uses_sha256", true, "W004", "W004"),
    ("1.0/warn-objects/W004_versions_diff_digests", true, "W004", "W004"),
    ("1.0/warn-objects/W005_id_not_uri", true, "W005", "W005"),
    ("1.0/warn-objects/W007_no_message_or_user", true, "W007", "W007"),
    ("1.0/warn-objects/W007_spec-ex-diff-paths", true, "W007", "W007"),
    ("1.0/warn-objects/W008_user_no_address", true, "W008", "W008"),
    ("1.0/warn-objects/W009_spec-ex-minimal", true, "W009", "W009"),
    ("1.0/warn-objects/W009_user_address_not_uri", true, "W009", "W009"),
    ("1.0/warn-objects/W010_no_version_inventory", true, "W010", "W010"),
    ("1.0/warn-objects/W011_version_inv_diff_metadata", true, "W011", "W011"),
    ("1.0/warn-objects/W013_unregistered_extension", true, "W013", "W013"),
    ("1.1/bad-objects/E001_extra_dir_in_root", false, "E001 W007", "E001 W007"),
    ("1.1/bad-objects/E001_extra_file_in_root", false, "E001 W007", "E001 W007"),
    ("1.1/bad-objects/E001_invalid_version_format", false, "E001 E009 E042", "E008 E099 E104"),
    ("1.1/bad-objects/E001_v2_file_in_root", false, "E001", "E001"),
    ("1.1/bad-objects/E003_E063_empty", false, "", "E003 E063"),
    ("1.1/bad-objects/E003_no_decl", false, "", "E003"),
    ("1.1/bad-objects/E007_bad_declaration_contents", false, "E007 W007", "E007 W007"),
    ("1.1/bad-objects/E008_E036_no_versions_no_head", false, "E008 E036", "E008 E036"),
    ("1.1/bad-objects/E010_missing_versions", false, "E046 W010", "E010 W010"),
    ("1.1/bad-objects/E010_skipped_versions", false, "E010 E040 E046 E064", "E010"),
    ("1.1/bad-objects/E011_E013_invalid_padded_head_version", false, "E023 E040 E042 E046 E064 E066 W001", "E013 W001"),
    ("1.1/bad-objects/E015_content_not_in_content_dir", false, "E042", "E015 E092"),
    ("1.1/bad-objects/E017_invalid_content_dir", false, "E017", "E017"),
    ("1.1/bad-objects/E019_inconsistent_content_dir", false, "E020 E042", "E019 E092 W002"),
    ("1.1/bad-objects/E023_extra_file", false, "E023 W009", "E023 W009"),
    ("1.1/bad-objects/E023_old_manifest_missing_entries", false, "E023", "E023"),
    ("1.1/bad-objects/E025_wrong_digest_algorithm", false, "E001 E025 E046 E058", "E025"),
    ("1.1/bad-objects/E036_no_head", false, "E036", "E036"),
    ("1.1/bad-objects/E036_no_id", false, "E036", "E036"),
    ("1.1/bad-objects/E037_inconsistent_id", false, "E037", "E110"),
    ("1.1/bad-objects/E040_head_not_most_recent", false, "E040 E064", "E040"),
    ("1.1/bad-objects/E040_wrong_head_doesnt_exist", false, "E040 W007", "E010 E040 W007"),
    ("1.1/bad-objects/E040_wrong_head_format", false, "E040 W007", "E040"),
    ("1.1/bad-objects/E040_wrong_version_in_version_dir", false, "E066", "E040"),
    ("1.1/bad-objects/E041_no_manifest", false, "E041 W007", "E041 W007"),
    ("1.1/bad-objects/E046_root_not_most_recent", false, "E046", "E001"),
    ("1.1/bad-objects/E049_E050_E054_bad_version_block_values", false, "E049 E050 E054 E094 E107", "E049"),
    ("1.1/bad-objects/E049_created_no_timezone", false, "E049", "E049"),
    ("1.1/bad-objects/E049_created_not_to_seconds", false, "E049", "E049"),
    ("1.1/bad-objects/E050_manifest_digest_wrong_case", false, "E050", "E050 E107"),
    ("1.1/bad-objects/E050_state_digest_not_in_manifest", false, "E050", "E050"),
    ("1.1/bad-objects/E053_E052_invalid_logical_paths", false, "E052 E053", "E052 E053"),
    ("1.1/bad-objects/E058_no_sidecar", false, "E058", "E058"),
    ("1.1/bad-objects/E060_E064_root_inventory_digest_mismatch", false, "E060 E064", "E060"),
    ("1.1/bad-objects/E060_version_inventory_digest_mismatch", false, "E060", "E060"),
    ("1.1/bad-objects/E061_invalid_sidecar", false, "E061", "E061"),
    ("1.1/bad-objects/E063_no_inv", false, "E063", "E063"),
    ("1.1/bad-objects/E064_different_root_and_latest_inventories", false, "E064", "E064"),
    ("1.1/bad-objects/E066_E092_old_manifest_digest_incorrect", false, "E066 E092", "E066 E092"),
    ("1.1/bad-objects/E066_algorithm_change_state_mismatch", false, "E066 W004", "E066 W004"),
    ("1.1/bad-objects/E066_inconsistent_version_state", false, "E066", "E066"),
    ("1.1/bad-objects/E067_file_in_extensions_dir", false, "E067 W007 W013", "E067 W007 W013"),
    ("1.1/bad-objects/E092_E093_content_path_does_not_exist", false, "E092 E093", "E092 E093"),
    ("1.1/bad-objects/E092_algorithm_change_incorrect_digest", false, "E092 W004", "E092 W004"),
    ("1.1/bad-objects/E092_content_file_digest_mismatch", false, "E092", "E092"),
    ("1.1/bad-objects/E093_fixity_digest_mismatch", false, "E093", "E093"),
    ("1.1/bad-objects/E095_conflicting_logical_paths", false, "E095", "E095"),
    ("1.1/bad-objects/E095_non_unique_logical_paths", false, "E095", "E095"),
    ("1.1/bad-objects/E096_manifest_duplicate_digests", false, "E096 E101", "E096 E101"),
    ("1.1/bad-objects/E097_fixity_duplicate_digests", false, "E097", "E097 E101"),
    ("1.1/bad-objects/E100_E099_fixity_invalid_content_paths", false, "E057", "E099 E100"),
    ("1.1/bad-objects/E100_E099_manifest_invalid_content_paths", false, "E099 E100", "E099 E100"),
    ("1.1/bad-objects/E101_non_unique_content_paths", false, "E101", "E101"),
    ("1.1/bad-objects/E103_older_spec_v2", false, "E103", "E103"),
    ("1.1/bad-objects/E107_file_in_manifest_not_used", false, "E107 W009", "E107 W009"),
    ("1.1/good-objects/diff_files_same_md5", true, "", ""),
    ("1.1/good-objects/minimal_content_dir_called_stuff", true, "", ""),
    ("1.1/good-objects/minimal_logs_directory_one_log_file", true, "", ""),
    ("1.1/good-objects/minimal_mixed_digests", true, "", ""),
    ("1.1/good-objects/minimal_no_content", true, "", ""),
    ("1.1/good-objects/minimal_one_version_one_file", true, "", ""),
    ("1.1/good-objects/minimal_uppercase_digests", true, "", ""),
    ("1.1/good-objects/ocfl_object_all_fixity_digests", true, "", ""),
    ("1.1/good-objects/spec-ex-full", true, "", ""),
    ("1.1/good-objects/spec-ex-minimal", true, "", ""),
    ("1.1/good-objects/updates_all_actions", true, "", ""),
    ("1.1/good-objects/updates_three_versions_one_file", true, "", ""),
    ("1.1/warn-objects/W001_W004_W005_zero_padded_versions", true, "W001 W004 W005", "W001 W004 W005"),
    ("1.1/warn-objects/W001_zero_padded_versions", true, "W001", "W001"),
    ("1.1/warn-objects/W002_extra_dir_in_version_dir", true, "W002", "W002"),
    ("1.1/warn-objects/W004_uses_sha256", true, "W004", "W004"),
    ("1.1/warn-objects/W004_versions_diff_digests", true, "W004", "W004"),
    ("1.1/warn-objects/W005_id_not_uri", true, "W005", "W005"),
    ("1.1/warn-objects/W007_no_message_or_user", true, "W007", "W007"),
    ("1.1/warn-objects/W007_spec-ex-diff-paths", true, "W007", "W007"),
    ("1.1/warn-objects/W008_user_no_address", true, "W008", "W008"),
    ("1.1/warn-objects/W009_user_address_not_uri", true, "W009", "W009"),
    ("1.1/warn-objects/W010_no_version_inventory", true, "W010", "W010"),
    ("1.1/warn-objects/W011_version_inv_diff_metadata", true, "W011", "W011"),
    ("1.1/warn-objects/W013_unregistered_extension", true, "W013", "W013"),
];

/// The codes `OCFL-E040`-style findings carry, without the prefix.
fn codes_of(findings: &[newsarc::validate::Finding]) -> BTreeSet<String> {
    findings.iter().map(|f| f.code.trim_start_matches("OCFL-").to_string()).collect()
}

/// The codes a fixture's folder name gives (`E060_E064_root_...` gives E060 and E064).
fn name_codes(name: &str) -> Vec<String> {
    name.split('_')
        .take_while(|p| p.len() == 4 && (p.starts_with('E') || p.starts_with('W')))
        .map(str::to_string)
        .collect()
}

/// Rows of the `## OCFL` table of docs/validation-differences.md: (fixture, code) newsarc does
/// not report although both reference validators do.
fn differences() -> BTreeSet<(String, String)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/validation-differences.md");
    let text = std::fs::read_to_string(path).unwrap();
    let section = text.split("\n## ").find(|s| s.starts_with("OCFL\n")).expect("a `## OCFL` section");
    section
        .lines()
        .filter(|l| l.starts_with("| 1."))
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split('|').map(str::trim).collect();
            assert!(cells.len() >= 3, "docs/validation-differences.md: a short row: {l}");
            (cells[0].to_string(), cells[1].trim_matches('`').to_string())
        })
        .collect()
}

#[test]
fn fixtures_agree_with_the_reference_validators() {
    let Some(fixtures) = shared("peers/ocfl-fixtures") else { return };
    let exceptions = differences();
    // The table covers every fixture, and only fixtures.
    let mut on_disk = BTreeSet::new();
    for version in ["1.0", "1.1"] {
        for kind in ["good-objects", "warn-objects", "bad-objects"] {
            for e in std::fs::read_dir(fixtures.join(version).join(kind)).unwrap() {
                on_disk.insert(format!("{version}/{kind}/{}", e.unwrap().file_name().to_string_lossy()));
            }
        }
    }
    let table: BTreeSet<String> = ORACLES.iter().map(|(p, ..)| p.to_string()).collect();
    assert_eq!(on_disk, table, "the oracle table and the fixtures differ");
    let mut problems = Vec::new();
    let mut agree: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut used = BTreeSet::new();
    for (path, valid, py, rocfl) in ORACLES {
        let kind = path.split('/').nth(1).unwrap();
        let name = path.rsplit('/').next().unwrap();
        let findings = ocfl::validate_object(&fixtures.join(path), &Options::default());
        let ours = codes_of(&findings);
        let errors = findings.iter().any(|f| f.severity == Severity::Error);
        let py: BTreeSet<&str> = py.split_whitespace().collect();
        let rocfl: BTreeSet<&str> = rocfl.split_whitespace().collect();
        let before = problems.len();
        assert_eq!(*valid, kind != "bad-objects", "{path}: the fixture's folder and the oracles disagree");
        match kind {
            "good-objects" if !findings.is_empty() => {
                problems.push(format!("{path}: a good object, but newsarc reports {findings:#?}"));
            }
            "warn-objects" => {
                if errors {
                    problems.push(format!("{path}: a warn object, but newsarc reports errors: {ours:?}"));
                }
                for code in name_codes(name) {
                    if (py.contains(code.as_str()) || rocfl.contains(code.as_str())) && !ours.contains(&code) {
                        problems.push(format!("{path}: the reference validators report {code}, newsarc {ours:?}"));
                    }
                }
            }
            "bad-objects" => {
                if !errors {
                    problems.push(format!("{path}: a bad object, but newsarc finds no error ({ours:?})"));
                }
                // Every code both reference validators report (those of the name first among them).
                for code in py.intersection(&rocfl) {
                    let key = (path.to_string(), code.to_string());
                    if exceptions.contains(&key) {
                        used.insert(key);
                    } else if !ours.contains(*code) {
                        let of_name =
                            if name_codes(name).iter().any(|c| c == code) { " (its name's code)" } else { "" };
                        problems.push(format!(
                            "{path}: both reference validators report {code}{of_name}; newsarc {ours:?}"
                        ));
                    }
                }
            }
            _ => {}
        }
        let entry = agree.entry(kind).or_default();
        entry.1 += 1;
        if problems.len() == before {
            entry.0 += 1;
        }
    }
    for key in exceptions.difference(&used) {
        problems.push(format!("docs/validation-differences.md lists {key:?}, which no longer differs"));
    }
    eprintln!("OCFL fixtures in agreement (agree, of): {agree:?}");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A good fixture, copied where it may be changed.
fn copied_fixture(name: &str) -> Option<(tempfile::TempDir, std::path::PathBuf)> {
    let fixtures = shared("peers/ocfl-fixtures")?;
    let dir = tempfile::tempdir().unwrap();
    let object = dir.path().join("object");
    copy_tree(&fixtures.join("1.1/good-objects").join(name), &object);
    Some((dir, object))
}

fn codes_at(object: &Path, options: &Options) -> Vec<(String, String)> {
    let shown = object.display().to_string();
    ocfl::validate_object(object, options)
        .iter()
        .map(|f| (f.code.to_string(), f.file.strip_prefix(&shown).unwrap_or(&f.file).to_string()))
        .collect()
}

#[test]
fn tampering_with_a_copied_good_object_is_caught() {
    let Some((_dir, object)) = copied_fixture("spec-ex-full") else { return };
    assert_eq!(codes_at(&object, &Options::default()), vec![], "the copy is good");
    // One byte of a content file.
    let file = object.join("v1/content/foo/bar.xml");
    let mut bytes = std::fs::read(&file).unwrap();
    bytes[0] ^= 1;
    std::fs::write(&file, &bytes).unwrap();
    // One finding per algorithm (the manifests' sha512, the fixity blocks' md5 and sha1), each
    // naming every inventory that records the digest, all on that file.
    let got = codes_at(&object, &Options::default());
    let codes: Vec<&str> = got.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(codes, ["OCFL-E092", "OCFL-E093", "OCFL-E093"], "{got:?}");
    assert!(got.iter().all(|(_, f)| f == "/v1/content/foo/bar.xml"), "{got:?}");
    let findings = ocfl::validate_object(&object, &Options::default());
    assert!(findings[0].message.contains("v2/inventory.json"), "{}", findings[0].message);
    // The quick check before a write does not re-read content.
    assert_eq!(codes_at(&object, &Options { check_digests: false }), vec![]);
    bytes[0] ^= 1;
    std::fs::write(&file, &bytes).unwrap();
    // The inventory edited: its sidecar no longer matches (and it is no longer the head's copy).
    let inventory = object.join("inventory.json");
    let text = std::fs::read_to_string(&inventory).unwrap();
    assert!(text.contains("\"message\""));
    std::fs::write(&inventory, text.replacen("\"message\": \"", "\"message\": \"Edited: ", 1)).unwrap();
    for options in [Options::default(), Options { check_digests: false }] {
        let got = codes_at(&object, &options);
        assert!(got.contains(&("OCFL-E060".to_string(), "/inventory.json.sha512".to_string())), "{got:?}");
        assert!(got.contains(&("OCFL-E064".to_string(), "/v3/inventory.json".to_string())), "{got:?}");
    }
    std::fs::write(&inventory, text).unwrap();
    // The sidecar deleted.
    std::fs::remove_file(object.join("inventory.json.sha512")).unwrap();
    assert_eq!(
        codes_at(&object, &Options::default()),
        [("OCFL-E058".to_string(), "/inventory.json.sha512".to_string())]
    );
}

#[test]
fn tampering_with_a_written_object_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    let object = dir.path().join("o");
    write_ocfl_object(&object, "urn:example:o", &[("a.txt", b"alpha\n"), ("sub/b.txt", b"beta\n")]);
    assert_eq!(codes_at(&object, &Options::default()), vec![]);
    std::fs::write(object.join("v1/content/sub/b.txt"), b"bet4\n").unwrap();
    // The manifest (sha512) and the fixity block (md5) both disagree with the file.
    assert_eq!(
        codes_at(&object, &Options::default()),
        [
            ("OCFL-E092".to_string(), "/v1/content/sub/b.txt".to_string()),
            ("OCFL-E093".to_string(), "/v1/content/sub/b.txt".to_string())
        ]
    );
    std::fs::remove_file(object.join("v1/content/a.txt")).unwrap();
    std::fs::write(object.join("v1/content/c.txt"), b"new").unwrap();
    let got: Vec<String> = codes_at(&object, &Options { check_digests: false }).into_iter().map(|(c, _)| c).collect();
    assert_eq!(got, ["OCFL-E092", "OCFL-E093", "OCFL-E023"]);
}

#[test]
fn head_state_is_the_hook_for_checks_on_top() {
    let dir = tempfile::tempdir().unwrap();
    let object = dir.path().join("o");
    write_ocfl_object(&object, "urn:example:o", &[("a.txt", b"alpha\n"), ("sub/b.txt", b"beta\n")]);
    let state = ocfl::head_state(&object).unwrap();
    assert_eq!(state.get("sub/b.txt").map(String::as_str), Some("v1/content/sub/b.txt"));
    assert_eq!(state.len(), 2);
    assert_eq!(ocfl::head_state(dir.path()), None);
}

/// A storage root holding two objects.
fn storage_root(dir: &Path) -> std::path::PathBuf {
    let root = dir.join("root");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("0=ocfl_1.1"), "ocfl_1.1\n").unwrap();
    write_ocfl_object(&root.join("a1/one"), "urn:example:one", &[("a.txt", b"one\n")]);
    write_ocfl_object(&root.join("b2/two"), "urn:example:two", &[("b.txt", b"two\n")]);
    root
}

fn run(args: &[&std::ffi::OsStr]) -> (i32, String) {
    let out = newsarc().arg("validate").args(args).output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn cli_validates_roots_and_objects_by_their_declaration() {
    let dir = tempfile::tempdir().unwrap();
    let root = storage_root(dir.path());
    assert_eq!(ocfl::detect(&root), Some(ocfl::Kind::Root));
    let (code, text) = run(&[root.as_os_str()]);
    assert_eq!(code, 0, "{text}");
    let shown = root.display().to_string();
    assert_eq!(text, format!("{shown}: profile: ocfl\n{shown}: valid\n"));
    let object = root.join("b2/two");
    let (code, json) = run(&[object.as_os_str(), "--format".as_ref(), "json".as_ref()]);
    assert_eq!(code, 0, "{json}");
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(report["checked"][0]["profile"], "ocfl");
    assert_eq!(report["checked"][0]["valid"], true);
    assert_eq!(report["findings"], serde_json::json!([]));
    // A damaged object makes the root invalid; the finding names the file inside it.
    std::fs::write(object.join("v1/content/b.txt"), "changed\n").unwrap();
    let (code, json) = run(&[root.as_os_str(), "--format".as_ref(), "json".as_ref()]);
    assert_eq!(code, 1, "{json}");
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    let schema: serde_json::Value = serde_json::from_str(newsarc::schemas::REPORT).unwrap();
    assert!(jsonschema::validator_for(&schema).unwrap().is_valid(&report), "{json}");
    assert_eq!(report["checked"][0]["valid"], false);
    let findings: Vec<(&str, &str)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["code"].as_str().unwrap(), f["file"].as_str().unwrap()))
        .collect();
    let file = format!("{shown}/b2/two/v1/content/b.txt");
    assert_eq!(findings, [("OCFL-E092", file.as_str()), ("OCFL-E093", file.as_str())]);
    // JUnit puts them in the root's test case.
    let (_, junit) = run(&[root.as_os_str(), "--format".as_ref(), "junit".as_ref()]);
    assert!(junit.contains("<failure message=\"2 errors\""), "{junit}");
}

#[test]
fn cli_warnings_pass_unless_strict() {
    let dir = tempfile::tempdir().unwrap();
    let object = dir.path().join("o");
    write_ocfl_object(&object, "not-a-uri", &[("a.txt", b"a")]);
    let (code, text) = run(&[object.as_os_str()]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("warning OCFL-W005"), "{text}");
    let (code, _) = run(&[object.as_os_str(), "--strict".as_ref()]);
    assert_eq!(code, 1);
}

#[test]
fn cli_profile_ocfl_on_a_plain_folder_is_an_object_without_declaration() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("file.txt"), "x").unwrap();
    let (code, json) =
        run(&[dir.path().as_os_str(), "--profile".as_ref(), "ocfl".as_ref(), "--format".as_ref(), "json".as_ref()]);
    assert_eq!(code, 1, "{json}");
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    let codes: Vec<&str> = report["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["OCFL-E003", "OCFL-E063"]);
    assert_eq!(report["checked"][0]["profile"], "ocfl");
}
