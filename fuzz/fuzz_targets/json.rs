//! The JSON checks on any bytes: ninjs (against IPTC's schemas) and the metadata record (against
//! its schema), as `newsarc validate` dispatches them by file name. No panic, and bytes that are
//! not JSON are always an error.

#![no_main]

use libfuzzer_sys::fuzz_target;
use newsarc::validate::{Severity, article};

fuzz_target!(|data: &[u8]| {
    let is_json = newsarc_fuzz::is_json(data);
    for name in ["fuzz.ninjs.json", "fuzz.metadata.json"] {
        let findings = article::check_file(name, name, data);
        if !is_json {
            assert!(findings.iter().any(|f| f.severity == Severity::Error), "{name}: not JSON, yet no error");
        }
    }
});
