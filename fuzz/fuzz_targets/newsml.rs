//! The NewsML-G2 reader (items and messages) on any bytes: no panic, every article it gives can
//! be written in every rendition.

#![no_main]

use libfuzzer_sys::fuzz_target;
use newsarc::read::{ReadOptions, newsml};

fuzz_target!(|data: &[u8]| {
    let options = ReadOptions { source_name: Some("fuzz.newsml.xml".to_string()), ..ReadOptions::default() };
    if let Ok(articles) = newsml::read_articles(data, &options) {
        newsarc_fuzz::renders(&articles);
    }
});
