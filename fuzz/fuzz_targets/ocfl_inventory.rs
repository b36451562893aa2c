//! An OCFL inventory checked alone, on any bytes: findings with codes of the table, never a
//! panic; bytes that are not a JSON object are always OCFL-E033 and give no summary.

#![no_main]

use libfuzzer_sys::fuzz_target;
use newsarc::validate::ocfl::{CODES, SpecVersion, inventory};

fuzz_target!(|data: &[u8]| {
    let (findings, summary) =
        inventory::check(data, &inventory::Context { shown: "inventory.json", spec: SpecVersion::V1_1 });
    for f in &findings {
        assert!(CODES.iter().any(|(c, _)| *c == f.code), "{} is not in CODES", f.code);
    }
    let object = matches!(serde_json::from_slice::<serde_json::Value>(data), Ok(serde_json::Value::Object(_)));
    if !object {
        assert!(summary.is_none() && findings.iter().any(|f| f.code == "OCFL-E033"), "not a JSON object, yet no E033");
    }
});
