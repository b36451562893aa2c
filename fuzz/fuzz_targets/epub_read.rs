//! The EPUB reader on any bytes: no panic, every article it gives can be written in every
//! rendition.

#![no_main]

use libfuzzer_sys::fuzz_target;
use newsarc::read::{ReadOptions, epub};

fuzz_target!(|data: &[u8]| {
    let options = ReadOptions { source_name: Some("fuzz.epub".to_string()), ..ReadOptions::default() };
    if let Ok(articles) = epub::read_articles(data, &options) {
        newsarc_fuzz::renders(&articles);
    }
});
