//! Properties over generated input: the reader never panics, never lets a character XML forbids
//! through, and reads the same bytes the same way.

use newsarc::convert::{Naming, render};
use newsarc::read::{ReadOptions, text::read};
use proptest::prelude::*;

/// Markdown-ish text built from the pieces that make parsers and article recognition work hard.
fn articleish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("# ".to_string()),
        Just("---\n".to_string()),
        Just("\n\n".to_string()),
        Just("\n".to_string()),
        Just("> ".to_string()),
        Just("* ".to_string()),
        Just("1. ".to_string()),
        Just("**".to_string()),
        Just("_".to_string()),
        Just("[x](".to_string()),
        Just(")".to_string()),
        Just("<https://example.org/a>".to_string()),
        Just("Baghdad, January 24 (RHC)-- ".to_string()),
        Just("By Jane Doe".to_string()),
        Just("&#1;&amp;&#xFFFE;".to_string()),
        Just("<div>".to_string()),
        Just("| a | b |\n|---|---|\n".to_string()),
        Just("```\n".to_string()),
        "[a-zA-Z ]{1,12}",
        "\\PC{1,6}",
    ];
    proptest::collection::vec(piece, 0..60).prop_map(|v| v.concat())
}

fn forbidden(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn any_bytes_read_or_fail_cleanly(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let options = ReadOptions { lossy: true, ..ReadOptions::default() };
        if let Ok(article) = read(&bytes, &options) {
            let json = serde_json::to_string(&article).unwrap();
            let value: serde_json::Value = serde_json::from_str(&json).unwrap();
            prop_assert!(!value.to_string().chars().any(forbidden));
        }
    }

    #[test]
    fn articleish_text_renders_without_forbidden_characters(text in articleish()) {
        let options = ReadOptions::default();
        if let Ok(article) = read(text.as_bytes(), &options) {
            for r in render(&article, &["ninjs", "metadata"], Naming::ById).unwrap() {
                let value: serde_json::Value = serde_json::from_slice(&r.bytes).unwrap();
                prop_assert!(!value.to_string().chars().any(forbidden), "{}", r.file);
            }
            prop_assert_eq!(read(text.as_bytes(), &options).unwrap(), article);
        }
    }
}
