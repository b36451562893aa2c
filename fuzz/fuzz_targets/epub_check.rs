//! The EPUB rules (`validate::epub::check`) on any bytes: no panic, and a finding for every
//! input that is not even a zip.

#![no_main]

use libfuzzer_sys::fuzz_target;
use newsarc::validate::epub;

fuzz_target!(|data: &[u8]| {
    let findings = epub::check("fuzz.epub", data);
    if zip::ZipArchive::new(std::io::Cursor::new(data)).is_err() {
        assert!(epub::has_errors(&findings), "not a zip, yet no error: {findings:?}");
    }
});
