//! Every fixture as the reader understood it (`inspect`) and as each rendition, pinned as one
//! insta snapshot per fixture; refused fixtures pin their error message. Review changes line by
//! line (`cargo insta review`).

use crate::util::*;
use newsarc::convert::{Naming, render};

#[test]
fn fixtures() {
    insta::glob!("../fixtures/articles", "*.{txt,html}", |path| {
        let name = file_name(path);
        if STRESS_FIXTURES.contains(&name) {
            return;
        }
        let snapshot = match try_load_path(path) {
            Err(err) => format!("error: {}", err.to_string().replace(env!("CARGO_MANIFEST_DIR"), "")),
            Ok(article) => {
                let mut s = format!("## inspect\n{}\n", serde_json::to_string_pretty(&article).unwrap());
                for r in render(&article, &["newsml", "epub", "ninjs", "metadata"], Naming::ById).unwrap() {
                    if r.writer == "epub" {
                        // The zip is binary; its content document is what there is to read.
                        let xhtml = newsarc::write::epub::content_document(&article);
                        s.push_str(&format!("## {} (content document)\n{xhtml}", r.file));
                        continue;
                    }
                    let text = String::from_utf8(r.bytes).unwrap();
                    // The version is not what this snapshot is about.
                    let text = text.replace(&format!("newsarc {}", newsarc::VERSION), "newsarc [version]");
                    s.push_str(&format!("## {}\n{}", r.file, text));
                }
                s
            }
        };
        insta::assert_snapshot!(snapshot);
    });
}
