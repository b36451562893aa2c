//! Package validation on any bytes, as a `.zip`, a `.tar` and a `.tar.gz` (the bytes as they are
//! when gzip, else gzip-compressed, so tar inputs reach the gzip path too): no panic, and what is
//! reported valid has the checksums its manifests list (`newsarc_fuzz::check_package`).
//! `validate` reads packages by path, so each input is written to files in a temporary folder.

#![no_main]

use libfuzzer_sys::fuzz_target;
use newsarc_fuzz::{Kind, check_package};
use std::io::Write;
use std::sync::LazyLock;

static DIR: LazyLock<tempfile::TempDir> = LazyLock::new(|| {
    let shm = std::path::Path::new("/dev/shm");
    let parent = if shm.is_dir() { shm.to_path_buf() } else { std::env::temp_dir() };
    tempfile::Builder::new().prefix("newsarc-fuzz-").tempdir_in(parent).expect("a temporary folder")
});

fuzz_target!(|data: &[u8]| {
    let gz = if data.starts_with(&[0x1f, 0x8b]) {
        data.to_vec()
    } else {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    };
    for (name, bytes, kind) in
        [("bag.zip", data, Kind::Zip), ("bag.tar", data, Kind::Tar), ("bag.tar.gz", &gz[..], Kind::TarGz)]
    {
        let path = DIR.path().join(name);
        std::fs::write(&path, bytes).expect("a temporary file");
        check_package(&path, bytes, kind);
    }
});
