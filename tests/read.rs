//! The text reader against the fixtures: every part of an article, every variant, every hostile
//! input of the format description.

use crate::util::*;
use newsarc::model::text::{for_each_text, plain_text};
use newsarc::model::{Block, Direction, LanguageOrigin, LineEndings, MAX_NESTING, WarningCode};

fn codes(a: &newsarc::model::Article) -> Vec<WarningCode> {
    a.warnings.iter().map(|w| w.code).collect()
}

fn paragraphs(a: &newsarc::model::Article) -> usize {
    a.body.iter().filter(|b| matches!(b, Block::Paragraph { .. })).count()
}

fn body_text(a: &newsarc::model::Article) -> String {
    let mut s = String::new();
    for_each_text(&a.body, &mut |t| {
        s.push_str(t);
        s.push('\n');
    });
    s
}

#[test]
fn the_real_sample_article() {
    let Some(path) = shared("samples/000_0767f86d4e166371.txt") else { return };
    let a = try_load_path(&path).unwrap();
    assert_eq!(a.headline.as_deref(), Some("Millions of Iraqis march to demand expulsion of U.S. troops"));
    let d = a.dateline.as_ref().unwrap();
    assert_eq!(d.place.as_deref(), Some("Baghdad"));
    let date = d.date.unwrap();
    assert_eq!((date.year(), date.month(), date.day()), (None, Some(1), Some(24)));
    assert_eq!(a.date, Some(date), "no year is invented");
    assert_eq!(d.agency.as_deref(), Some("RHC"));
    assert_eq!(a.publisher.as_deref(), Some("Radio Habana Cuba"));
    assert_eq!(
        a.source_url.as_deref(),
        Some(
            "https://www.radiohc.cu/en/noticias/internacionales/212752-millions-of-iraqis-march-to-demand-expulsion-of-us-troops"
        )
    );
    assert_eq!(a.language, "en");
    assert_eq!(paragraphs(&a), 7, "every body paragraph");
    assert_eq!(a.body.len(), 7, "nothing but the paragraphs: no rules, no footer");
    let Block::Paragraph { content } = &a.body[6] else { panic!() };
    assert!(plain_text(content).ends_with("calling on Iraqis to expel the \"tyrants.\""));
    assert!(a.warnings.is_empty(), "{:?}", a.warnings);
}

#[test]
fn sample_shape_fixture() {
    let a = article("sample-shape.txt");
    assert_eq!(a.id, "sample-shape");
    assert_eq!(a.dateline.as_ref().unwrap().text, "Millbrook, January 24 (NWR)");
    assert_eq!(a.dateline.as_ref().unwrap().separator.as_deref(), Some("--"));
    assert_eq!(a.publisher.as_deref(), Some("Northwind Radio"));
    let source = a.source.as_ref().unwrap();
    assert_eq!(source.sha256, "6dda8f7809c7f4c01dc8acd3166f7d4188b467b522ebda76d364dbc3049ea8ac");
    assert_eq!((source.size, source.bom, source.line_endings), (1334, false, LineEndings::Lf));
    assert_eq!(source.name.as_deref(), Some("sample-shape.txt"));
}

#[test]
fn headline_variants() {
    let cases = [
        ("headline-plain.txt", Some("Ferry service resumes at Carrow Bay after winter storms")),
        ("headline-partly-emphasised.txt", Some("The real cost of bread in Eastmere")),
        ("headline-setext.txt", Some("Kestrel Falls opens its first skate park")),
        ("headline-with-link.txt", Some("Council backs river plan for Dunmore")),
        ("headline-escapes.txt", Some("Dunmore hotel loses its *five star* rating, drops to #2 _again_")),
        ("headline-inline-code.txt", Some("Library fixes renew_all bug that cancelled 900 loans")),
        ("html-entities.txt", Some("Calloway & Daughters bakery turns 100")),
        ("xml-naive-breakers.txt", Some("When a < b && c > d: the ]]> budget puzzle")),
        ("headline-missing.txt", None),
    ];
    for (name, headline) in cases {
        assert_eq!(article(name).headline.as_deref(), headline, "{name}");
    }
    let nbsp = article("invisible-controls.txt");
    assert_eq!(nbsp.headline.as_deref(), Some("Dunmore\u{A0}cycle path to open in May"), "NBSP is text, not layout");
    assert!(codes(&article("headline-missing.txt")).contains(&WarningCode::NoHeadline));
}

#[test]
fn headline_only_file() {
    let a = article("headline-only.txt");
    assert_eq!(a.headline.as_deref(), Some("Storm warning lifted for the Osk valley"));
    assert!(a.body.is_empty());
    // No source URL either: the URI comes from the file's path, and that is said.
    assert_eq!(codes(&a), vec![WarningCode::NoBody, WarningCode::LanguageUncertain, WarningCode::UriFromPath]);
    assert_eq!((a.language.as_str(), a.language_origin), ("und", LanguageOrigin::Undetermined));
}

#[test]
fn a_closing_rule_glued_to_the_last_line_ends_the_body() {
    let a = article("setext-h2-trap.txt");
    assert_eq!(a.headline.as_deref(), Some("Eastmere market hall reopens after repairs"));
    assert_eq!(paragraphs(&a), 3, "{:?}", a.body);
    let Some(Block::Paragraph { content }) = a.body.last() else { panic!("{:?}", a.body) };
    assert_eq!(plain_text(content), "The market reopens on Saturday at eight.");
    assert_eq!(a.source_url.as_deref(), Some("https://example.net/eastmere/2025/market-hall-reopens"));
    assert_eq!(a.publisher.as_deref(), Some("Meridian Valley Post"));
    let w = a.warnings.iter().find(|w| w.code == WarningCode::ClosingBreakUnderText).unwrap();
    assert_eq!(w.line, Some(9));
}

#[test]
fn text_above_a_rule_inside_the_body_stays_a_subheading() {
    let text = "# H\n\n---\n\nFirst paragraph here.\n\nA subheading\n---\n\nMore text follows it.\n";
    let a = newsarc::read::text::read(text.as_bytes(), &Default::default()).unwrap();
    assert!(matches!(a.body[1], Block::Heading { level: 2, .. }), "{:?}", a.body);
    assert_eq!(paragraphs(&a), 2);
}

#[test]
fn datelines() {
    // (fixture, verbatim, place, date, agency, separator)
    let cases = [
        (
            "dateline-spaced-double-hyphen.txt",
            "Port Aldous, March 5 (PAR)",
            Some("Port Aldous"),
            Some("--03-05"),
            "PAR",
            Some("--"),
        ),
        (
            "dateline-compound-agency.txt",
            "Velloria, March 5 (valleTV-NWR)",
            Some("Velloria"),
            Some("--03-05"),
            "valleTV-NWR",
            Some("--"),
        ),
        (
            "dateline-spanish-month-no-separator.txt",
            "Santa Brisa, 20 mar (LCP-AGN)",
            Some("Santa Brisa"),
            Some("--03-20"),
            "LCP-AGN",
            None,
        ),
        ("dateline-em-dash-no-date.txt", "KESTREL FALLS (KBN)", Some("KESTREL FALLS"), None, "KBN", Some("—")),
        (
            "dateline-short-month-hyphen.txt",
            "DUNMORE, Jan 5 (Tidewire)",
            Some("DUNMORE"),
            Some("--01-05"),
            "Tidewire",
            Some("-"),
        ),
        (
            "dateline-place-with-region.txt",
            "ORLEN, Westmarch, June 2 (UPB)",
            Some("ORLEN, Westmarch"),
            Some("--06-02"),
            "UPB",
            Some("—"),
        ),
        ("dateline-en-dash.txt", "Fenwick, April 11 (FNS)", Some("Fenwick"), Some("--04-11"), "FNS", Some("–")),
        (
            "dateline-hyphen-en-dash.txt",
            "Brackley Cross, September 30 (FNS)",
            Some("Brackley Cross"),
            Some("--09-30"),
            "FNS",
            Some("-–"),
        ),
    ];
    for (name, text, place, date, agency, sep) in cases {
        let a = article(name);
        let d = a.dateline.as_ref().unwrap_or_else(|| panic!("{name}: no dateline"));
        assert_eq!(d.text, text, "{name}");
        assert_eq!(d.place.as_deref(), place, "{name}");
        assert_eq!(d.date.map(|d| d.to_string()).as_deref(), date, "{name}");
        assert_eq!(d.agency.as_deref(), Some(agency), "{name}");
        assert_eq!(d.separator.as_deref(), sep, "{name}");
        // The dateline stays where it was written, at the start of the first paragraph.
        let Block::Paragraph { content } = &a.body[0] else { panic!("{name}") };
        assert!(plain_text(content).starts_with(text), "{name}");
    }
    for name in ["dateline-none.txt", "dateline-parentheses-later.txt"] {
        assert_eq!(article(name).dateline, None, "{name}");
    }
}

#[test]
fn bylines_before_and_after_the_dateline() {
    let a = article("byline-before-dateline.txt");
    assert_eq!(a.byline.as_deref(), Some("Mara Quill"));
    assert_eq!(a.dateline.as_ref().unwrap().text, "Eastmere, May 14 (MVP)");
    assert!(!body_text(&a).contains("Mara Quill"), "the byline is not body text");

    let a = article("byline-bold-after-dateline.txt");
    assert_eq!(a.byline.as_deref(), Some("TOMAS REYNE, Harbor Daily Wire"));
    assert_eq!(a.publisher.as_deref(), Some("Carrow Bay Gazette"), "a bold byline is not the publisher");
    assert_eq!(paragraphs(&a), 3);
}

#[test]
fn footer_variants() {
    let url = "https://example.com/news/2401-dunmore-bridge-closure";
    let cases = [
        ("footer-missing.txt", None, None),
        ("footer-url-only.txt", Some(url), None),
        ("footer-publisher-only.txt", None, Some("Harbor Daily Wire")),
        ("footer-reordered.txt", Some(url), Some("Harbor Daily Wire")),
        ("footer-publisher-not-bold.txt", Some(url), Some("Harbor Daily Wire")),
        ("footer-url-bare.txt", Some("https://example.org/x"), Some("Harbor Daily Wire")),
        ("footer-url-markdown-link.txt", Some("https://example.org/x"), Some("Harbor Daily Wire")),
        ("footer-url-non-ascii.txt", Some("https://example.org/noticias/año-nuevo"), Some("Northwind Radio")),
    ];
    for (name, source_url, publisher) in cases {
        let a = article(name);
        assert_eq!(a.source_url.as_deref(), source_url, "{name}");
        assert_eq!(a.publisher.as_deref(), publisher, "{name}");
        assert!(!a.body.iter().any(|b| matches!(b, Block::Rule)), "{name}: the closing rule is not body");
        assert!(!body_text(&a).contains("example."), "{name}: the URL is not body text");
    }
}

#[test]
fn other_thematic_breaks_delimit_the_body() {
    for name in ["delimiters-asterisks.txt", "delimiters-spaced-asterisks.txt", "delimiters-underscores.txt"] {
        let a = article(name);
        assert_eq!(a.body.len(), 3, "{name}: {:?}", a.body);
        assert_eq!(paragraphs(&a), 3, "{name}");
        assert_eq!(a.publisher.as_deref(), Some("Kestrel Broadcasting"), "{name}");
    }
}

#[test]
fn a_rule_inside_the_body_stays() {
    let a = article("body-inner-rule.txt");
    let kinds: Vec<bool> = a.body.iter().map(|b| matches!(b, Block::Rule)).collect();
    assert_eq!(kinds, vec![false, false, true, false, false]);
    assert_eq!(a.source_url.as_deref(), Some("https://example.org/par/harbour/lighthouse-solar"));
}

#[test]
fn body_structures() {
    let a = article("body-table.txt");
    let Some(Block::Table { header, rows, .. }) = a.body.iter().find(|b| matches!(b, Block::Table { .. })) else {
        panic!()
    };
    assert_eq!(header.iter().map(|c| plain_text(c)).collect::<Vec<_>>(), ["Ward", "Votes for", "Votes against"]);
    assert_eq!(rows.len(), 3);

    let a = article("body-image-caption.txt");
    let Some(Block::Image { src, caption, .. }) = a.body.iter().find(|b| matches!(b, Block::Image { .. })) else {
        panic!("{:?}", a.body)
    };
    assert!(src.starts_with("https://example.org/"));
    assert!(!caption.is_empty());

    let a = article("body-subheadings.txt");
    let levels: Vec<u8> =
        a.body.iter().filter_map(|b| if let Block::Heading { level, .. } = b { Some(*level) } else { None }).collect();
    assert_eq!(levels, vec![2, 2, 3]);

    let a = article("body-hard-breaks.txt");
    let breaks = format!("{:?}", a.body).matches("LineBreak").count();
    assert_eq!(breaks, 2);

    let a = article("body-code-blocks.txt");
    let code: Vec<_> = a
        .body
        .iter()
        .filter_map(
            |b| if let Block::Code { language, text } = b { Some((language.clone(), text.clone())) } else { None },
        )
        .collect();
    assert_eq!(code.len(), 2);
    assert_eq!(code[0].0.as_deref(), Some("text"));
    assert!(code[0].1.starts_with("# route, stop, time\n"));

    for name in ["body-lists-tight.txt", "body-lists-loose.txt"] {
        let lists = article(name).body.iter().filter(|b| matches!(b, Block::List { .. })).count();
        assert_eq!(lists, 3, "{name}");
    }
    let a = article("body-blockquote.txt");
    assert!(a.body.iter().any(|b| matches!(b, Block::Quote { .. })));
}

#[test]
fn raw_html_is_text_with_a_warning() {
    let a = article("html-script-block.txt");
    assert!(body_text(&a).contains("<script>"), "{}", body_text(&a));
    let w = a.warnings.iter().find(|w| w.code == WarningCode::RawHtmlAsText).unwrap();
    assert!(w.line.is_some());
    let a = article("html-inline-br.txt");
    assert!(body_text(&a).contains("<br>"));
}

#[test]
fn scripts_and_languages() {
    let a = article("lang-spanish.txt");
    assert_eq!((a.language.as_str(), a.direction), ("es", Direction::Ltr));
    for name in ["lang-arabic-rtl.txt", "lang-hebrew-rtl.txt"] {
        assert_eq!(article(name).direction, Direction::Rtl, "{name}");
    }
    assert_eq!(article("lang-arabic-rtl.txt").language, "ar");
    assert_eq!(article("lang-hebrew-rtl.txt").language, "he");
    let zh = article("lang-chinese.txt");
    assert_eq!(zh.language, "zh");
    assert!(zh.word_count > 100, "ideographs are words: {}", zh.word_count);
    assert_eq!(zh.id, "lang-chinese");
}

#[test]
fn characters_are_kept_as_written() {
    let a = article("combining-marks.txt");
    assert!(a.headline.as_deref().unwrap().contains("Cafe\u{301}"), "NFD is not normalised");
    let a = article("emoji-zwj.txt");
    assert!(body_text(&a).contains("👨\u{200D}👩\u{200D}👧"));
    let a = article("invisible-controls.txt");
    let text = body_text(&a);
    for c in ['\u{A0}', '\u{200B}', '\u{202E}', '\u{2066}', '\u{2069}'] {
        assert!(text.contains(c), "U+{:04X} kept", c as u32);
    }
    let a = article("smart-quotes-dashes.txt");
    assert!(a.headline.as_deref().unwrap().starts_with("“Finally ready”"));
}

#[test]
fn line_endings_and_bom() {
    let crlf = article("crlf-bom.txt");
    let source = crlf.source.as_ref().unwrap();
    assert!(source.bom);
    assert_eq!(source.line_endings, LineEndings::Crlf);
    assert_eq!(crlf.headline.as_deref(), Some("Brackley Cross church clock ticks again"));
    let cr = article("cr-only.txt");
    assert_eq!(cr.source.as_ref().unwrap().line_endings, LineEndings::Cr);
    assert!(!format!("{:?}", cr.body).contains('\r'));
    let mixed = article("mixed-line-endings.txt");
    assert_eq!(mixed.source.as_ref().unwrap().line_endings, LineEndings::Mixed);
    assert!(codes(&mixed).contains(&WarningCode::MixedLineEndings));
    // All three are the same article.
    assert_eq!(crlf.body, cr.body);
    assert_eq!(crlf.body, mixed.body);
}

#[test]
fn characters_xml_forbids_are_replaced_and_reported_with_their_place() {
    let a = article("xml-illegal-chars.txt");
    assert!(a.headline.as_deref().unwrap().contains('\u{FFFD}'));
    let w: Vec<_> = a.warnings.iter().filter(|w| w.code == WarningCode::IllegalXmlCharacter).collect();
    assert_eq!(w.len(), 8);
    assert!(w.iter().all(|w| w.line.is_some() && w.column.is_some()));
    assert_eq!(w[0].line, Some(1), "the first is in the headline");
    let a = article("entity-xml-illegal.txt");
    let w: Vec<_> = a.warnings.iter().filter(|w| w.code == WarningCode::IllegalXmlCharacter).collect();
    assert_eq!(w.len(), 2, "&#1; and &#xFFFE;");
    assert_eq!((w[0].line, w[0].column), (Some(5), Some(97)));
    for name in ["xml-illegal-chars.txt", "entity-xml-illegal.txt"] {
        let json = serde_json::to_string(&article(name)).unwrap();
        let decoded: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert!(!decoded.to_string().chars().any(is_illegal_in_xml), "{name}");
        assert!(!json.contains("\\u0001") && !json.contains("\\u000b"), "{name}");
    }
}

#[test]
fn hostile_inputs_give_their_documented_errors() {
    for (name, expected) in BAD_FIXTURES {
        let err = try_load_path(&fixture(name)).expect_err(name).to_string();
        assert!(err.contains(expected), "{name}: {err}");
        assert!(err.contains(name.trim_end_matches(".txt")), "{name}: the message names the file: {err}");
    }
}

#[test]
fn lossy_decoding_reads_cp1252_with_warnings() {
    let mut options = pinned_options();
    options.read.lossy = true;
    let a = newsarc::load::load(&newsarc::load::Input::Path(fixture("invalid-utf8-cp1252.txt")), &options).unwrap();
    let w: Vec<_> = a.warnings.iter().filter(|w| w.code == WarningCode::InvalidUtf8Replaced).collect();
    assert!(!w.is_empty());
    assert!(w[0].message.contains("byte offset 18"), "{}", w[0].message);
}

#[test]
fn size_limit_is_named() {
    let mut options = pinned_options();
    options.read.max_input_size = 100;
    let err = newsarc::load::load(&newsarc::load::Input::Path(fixture("sample-shape.txt")), &options)
        .unwrap_err()
        .to_string();
    assert!(err.contains("input size limit of 100 bytes"), "{err}");
}

#[test]
fn sidecar_completes_the_date_and_wins_over_the_text() {
    let a = article("with-sidecar.txt");
    assert_eq!(a.date.unwrap().to_string(), "2020-01-24", "sidecar year + dateline month and day");
    assert_eq!(
        a.dateline.as_ref().unwrap().date.unwrap().to_string(),
        "--01-24",
        "the dateline itself stays as written"
    );
    assert_eq!(a.version_created.unwrap().to_string(), "2020-01-24T21:05:00Z", "sidecar before SOURCE_DATE_EPOCH");
    assert_eq!(a.publisher.as_deref(), Some("Northwind Radio Archive"));
    let sidecar = a.source.as_ref().unwrap().sidecar.as_ref().unwrap();
    assert_eq!((sidecar.name.as_str(), sidecar.size), ("with-sidecar.meta.json", 100));
    assert_eq!(sidecar.sha256, "7b6fe4e9be7ddce7bb26d7c5f197343adadf277d1f5bd883527c548100cc722b");
    assert_eq!(article("sample-shape.txt").source.unwrap().sidecar, None);

    let a = article("sidecar-language.txt");
    assert_eq!((a.language.as_str(), a.language_origin), ("es", LanguageOrigin::Sidecar));
    assert_eq!(a.id, "anv-es-0042");
}

#[test]
fn options_win_over_the_sidecar() {
    let mut options = pinned_options();
    options.overrides.language = Some("pt".into());
    options.overrides.date = Some("2021-01-24".parse().unwrap());
    let a = newsarc::load::load(&newsarc::load::Input::Path(fixture("with-sidecar.txt")), &options).unwrap();
    assert_eq!((a.language.as_str(), a.language_origin), ("pt", LanguageOrigin::Option));
    assert_eq!(a.date.unwrap().to_string(), "2021-01-24");
    assert_eq!(
        a.publisher.as_deref(),
        Some("Northwind Radio Archive"),
        "what options do not give, the sidecar still does"
    );
    // A year that disagrees with the dateline's day is not merged into it.
    options.overrides.date = Some("2021-02-03".parse().unwrap());
    let a = newsarc::load::load(&newsarc::load::Input::Path(fixture("with-sidecar.txt")), &options).unwrap();
    assert_eq!(a.date.unwrap().to_string(), "2021-02-03");
}

#[test]
fn no_sidecar_option() {
    let mut options = pinned_options();
    options.no_sidecar = true;
    let a = newsarc::load::load(&newsarc::load::Input::Path(fixture("sidecar-broken.txt")), &options).unwrap();
    assert!(a.headline.is_some());
}

#[test]
fn same_source_url_same_uri_different_ids() {
    // The two files hold the same bytes, so the same source URL, which names the article: one
    // URI, whatever the files are called (their ids come from their names).
    let (a, b) = (article("duplicate-a.txt"), article("duplicate-b.txt"));
    assert_eq!(
        (a.uri_origin, b.uri_origin),
        (newsarc::model::UriOrigin::SourceUrl, newsarc::model::UriOrigin::SourceUrl)
    );
    assert_eq!(a.uri, b.uri);
    assert_ne!(a.id, b.id);
    assert_ne!(a.uri, article("sample-shape.txt").uri);
}

#[test]
fn awkward_file_names_give_safe_ids() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/names");
    let cases = [
        ("1000_abc.txt", "1000_abc"),
        ("999_abc.txt", "999_abc"),
        ("UPPER_0A1B2C3D.TXT", "UPPER_0A1B2C3D"),
        ("with space.txt", "with_space"),
        ("ñandú-éàü.txt", "nandu-eau"),
    ];
    for (name, id) in cases {
        let a = try_load_path(&dir.join(name)).unwrap();
        assert_eq!(a.id, id);
        assert_eq!(a.source.as_ref().unwrap().name.as_deref(), Some(name), "the original name is kept");
    }
}

#[test]
fn deep_and_pathological_inputs_are_bounded() {
    let a = article("nested-quotes-deep.txt");
    let mut depth = 0;
    let mut blocks = &a.body;
    while let Some(Block::Quote { blocks: inner }) = blocks.iter().find(|b| matches!(b, Block::Quote { .. })) {
        depth += 1;
        blocks = inner;
    }
    assert_eq!(depth, MAX_NESTING);
    assert!(codes(&a).contains(&WarningCode::NestingFlattened));
    assert!(body_text(&a).contains("Deepest quote text."), "the innermost text survives: {}", &body_text(&a)[..200]);

    let a = article("nested-lists-deep.txt");
    assert!(codes(&a).contains(&WarningCode::NestingFlattened));
    assert_eq!(body_text(&a).matches("level ").count(), 300, "every item's text survives");

    let a = article("pathological-emphasis.txt");
    assert!(a.word_count > 10_000);
    let a = article("many-paragraphs.txt");
    assert_eq!(paragraphs(&a), 20_000);
    let a = article("long-line.txt");
    assert_eq!(paragraphs(&a), 1);
}

#[test]
fn generated_huge_inputs_read_without_panic() {
    // Kept small enough for a debug build; `benches/` measures the 50 MB cases.
    let quotes = format!("# Q\n\n{} deep\n", ">".repeat(10_000));
    let emphasis = format!("# E\n\n{}\n\n{}\n", "*a **a ***a ".repeat(20_000), "*".repeat(100_000));
    let brackets = format!("# B\n\n{}x{}\n\n{}\n", "[".repeat(50_000), "]".repeat(50_000), "[a](".repeat(20_000));
    let list_markers = format!("# L\n\n{}x\n", "- ".repeat(5_000));
    for (name, text) in [("quotes", quotes), ("emphasis", emphasis), ("brackets", brackets), ("markers", list_markers)]
    {
        let options = newsarc::read::ReadOptions::default();
        let mut a = newsarc::read::text::read(text.as_bytes(), &options).unwrap_or_else(|e| panic!("{name}: {e}"));
        a.version_created = newsarc::model::Timestamp::from_unix_seconds(0);
        assert!(a.headline.is_some(), "{name}");
        newsarc::convert::render(&a, &["newsml", "epub", "ninjs", "metadata"], newsarc::convert::Naming::ById).unwrap();
    }
}
