//! EPUB validation (`validate::epub`) and reading of other producers' EPUBs, on small
//! publications written here: the valid shapes that used to be called invalid, each rule with the
//! publication that breaks it, and EPUB to EPUB conversion.

use crate::util::*;
use newsarc::format::zip::{Method, ZipBuilder};
use newsarc::read::{ReadOptions, epub};
use newsarc::validate::{Severity, article::check_file};
use std::collections::BTreeMap;

const CONTAINER: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles><rootfile full-path="EPUB/package.opf" media-type="application/oebps-package+xml"/></rootfiles>
</container>"#;

const PACKAGE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" xml:lang="en" unique-identifier="uid">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
    <dc:identifier id="uid">urn:uuid:0b7e4a4e-0000-4000-8000-000000000001</dc:identifier>
    <dc:title>Harbour reopens</dc:title>
    <dc:language>en</dc:language>
    <meta property="dcterms:modified">2024-03-01T10:00:00Z</meta>
  </metadata>
  <manifest>
    <item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
    <item id="c1" href="content.xhtml" media-type="application/xhtml+xml"/>
  </manifest>
  <spine>
    <itemref idref="c1"/>
  </spine>
</package>"#;

const NAV: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="en" xml:lang="en">
<head><title>Contents</title></head>
<body><nav epub:type="toc" id="toc"><h1>Contents</h1><ol><li><a href="content.xhtml">Harbour reopens</a></li></ol></nav></body>
</html>"#;

const CONTENT: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" lang="en" xml:lang="en">
<head><title>Harbour reopens</title></head>
<body><h1>Harbour reopens</h1><p>The harbour of Northwind reopened on Friday after three weeks of repairs.</p></body>
</html>"#;

/// A publication's files by name (`mimetype` apart: it is always written first, stored).
struct Publication {
    mimetype: Vec<u8>,
    files: BTreeMap<String, Vec<u8>>,
}

impl Publication {
    fn minimal() -> Publication {
        let mut files = BTreeMap::new();
        for (name, text) in [
            ("META-INF/container.xml", CONTAINER),
            ("EPUB/package.opf", PACKAGE),
            ("EPUB/nav.xhtml", NAV),
            ("EPUB/content.xhtml", CONTENT),
        ] {
            files.insert(name.to_string(), text.as_bytes().to_vec());
        }
        Publication { mimetype: b"application/epub+zip".to_vec(), files }
    }

    fn set(mut self, name: &str, text: &str) -> Publication {
        self.files.insert(name.to_string(), text.as_bytes().to_vec());
        self
    }

    fn without(mut self, name: &str) -> Publication {
        self.files.remove(name);
        self
    }

    /// Replaces `from` with `to` in a file, which must contain it.
    fn edit(mut self, name: &str, from: &str, to: &str) -> Publication {
        let text = String::from_utf8(self.files[name].clone()).unwrap();
        assert!(text.contains(from), "{name} has no `{from}`");
        self.files.insert(name.to_string(), text.replace(from, to).into_bytes());
        self
    }

    fn rename(mut self, from: &str, to: &str) -> Publication {
        let bytes = self.files.remove(from).unwrap();
        self.files.insert(to.to_string(), bytes);
        self
    }

    fn zip(&self) -> Vec<u8> {
        let mut z = ZipBuilder::default();
        z.add("mimetype", Method::Stored, &self.mimetype).unwrap();
        for (name, bytes) in &self.files {
            z.add(name, Method::Deflated, bytes).unwrap();
        }
        z.finish().unwrap()
    }
}

/// The codes of the errors newsarc finds in an EPUB given alone.
fn errors(bytes: &[u8]) -> Vec<&'static str> {
    check_file("test.epub", "test.epub", bytes)
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| f.code)
        .collect()
}

fn assert_valid(p: &Publication, what: &str) {
    let findings = check_file("test.epub", "test.epub", &p.zip());
    assert!(findings.iter().all(|f| f.severity != Severity::Error), "{what}: {findings:#?}");
}

fn assert_error(bytes: &[u8], code: &str, what: &str) {
    let found = errors(bytes);
    assert!(found.contains(&code), "{what}: expected {code}, found {found:?}");
}

#[test]
fn the_minimal_publication_is_valid_and_reads() {
    let p = Publication::minimal();
    assert_valid(&p, "minimal");
    let article = epub::read(&p.zip(), &ReadOptions::default()).unwrap();
    assert_eq!(article.headline.as_deref(), Some("Harbour reopens"));
}

// Regressions: valid publications that newsarc called invalid.

#[test]
fn regression_percent_encoded_manifest_href_is_valid() {
    let p = Publication::minimal()
        .rename("EPUB/content.xhtml", "EPUB/content 001.xhtml")
        .edit("EPUB/package.opf", "href=\"content.xhtml\"", "href=\"content%20001.xhtml\"")
        .edit("EPUB/nav.xhtml", "href=\"content.xhtml\"", "href=\"content%20001.xhtml\"");
    assert_valid(&p, "percent-encoded href");
    let article = epub::read(&p.zip(), &ReadOptions::default()).unwrap();
    assert_eq!(article.headline.as_deref(), Some("Harbour reopens"), "the content document was read");
}

#[test]
fn regression_remote_audio_video_and_fonts_are_valid() {
    let content = CONTENT.replace(
        "</p></body>",
        "</p><audio src=\"https://media.example.org/harbour.mp3\" controls=\"controls\"></audio>\
         <video src=\"https://media.example.org/harbour.mp4\" controls=\"controls\"></video></body>",
    );
    let p = Publication::minimal()
        .set("EPUB/content.xhtml", &content)
        .set("EPUB/style.css", "@font-face { font-family: N; src: url(\"https://fonts.example.org/n.woff\"); }\n")
        .edit(
            "EPUB/package.opf",
            "<item id=\"c1\" href=\"content.xhtml\" media-type=\"application/xhtml+xml\"/>",
            "<item id=\"c1\" href=\"content.xhtml\" media-type=\"application/xhtml+xml\" properties=\"remote-resources\"/>\n\
             <item id=\"a\" href=\"https://media.example.org/harbour.mp3\" media-type=\"audio/mpeg\"/>\n\
             <item id=\"v\" href=\"https://media.example.org/harbour.mp4\" media-type=\"video/mp4\"/>\n\
             <item id=\"f\" href=\"https://fonts.example.org/n.woff\" media-type=\"font/woff\"/>\n\
             <item id=\"css\" href=\"style.css\" media-type=\"text/css\" properties=\"remote-resources\"/>",
        );
    assert_valid(&p, "remote audio, video and font");
    // Read, and nothing fetched: the article holds the text only.
    let article = epub::read(&p.zip(), &ReadOptions::default()).unwrap();
    assert_eq!(article.headline.as_deref(), Some("Harbour reopens"));
}

#[test]
fn regression_svg_in_the_spine_is_valid_and_skipped_with_a_warning() {
    let svg = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" \
               viewBox=\"0 0 10 10\"><title>Map</title><rect width=\"10\" height=\"10\"/></svg>";
    let p = Publication::minimal()
        .set("EPUB/map.svg", svg)
        .edit(
            "EPUB/package.opf",
            "</manifest>",
            "<item id=\"map\" href=\"map.svg\" media-type=\"image/svg+xml\"/>\n</manifest>",
        )
        .edit("EPUB/package.opf", "<itemref idref=\"c1\"/>", "<itemref idref=\"map\"/><itemref idref=\"c1\"/>")
        .edit("EPUB/nav.xhtml", "</ol>", "<li><a href=\"map.svg\">Map</a></li></ol>");
    assert_valid(&p, "SVG in the spine");
    let article = epub::read(&p.zip(), &ReadOptions::default()).unwrap();
    let codes: Vec<&str> = article.warnings.iter().map(|w| w.code.as_str()).collect();
    assert_eq!(codes, ["NA-READ-012"], "{:?}", article.warnings);
    // Only SVG in the spine: valid, and newsarc says it cannot make an article of it.
    let only_svg = p.edit("EPUB/package.opf", "<itemref idref=\"c1\"/>", "").edit(
        "EPUB/nav.xhtml",
        "<li><a href=\"content.xhtml\">Harbour reopens</a></li>",
        "",
    );
    let findings = check_file("test.epub", "test.epub", &only_svg.zip());
    assert_eq!(findings.iter().map(|f| (f.code, f.severity)).collect::<Vec<_>>(), [("NA-EPUB-037", Severity::Warning)]);
}

/// A spine of JSON (a foreign resource with an XHTML fallback, linked from the nav), which
/// EPUBCheck accepts: valid, with the warning that newsarc cannot make an article of it. It was
/// invalid (NA-EPUB-032: a nav link to a foreign resource, its fallback not followed).
#[test]
fn regression_a_json_spine_with_a_fallback_is_valid_and_said_not_to_convert() {
    let p = Publication::minimal()
        .set("EPUB/data.json", "{\"headline\": \"Harbour reopens\"}")
        .edit(
            "EPUB/package.opf",
            "</manifest>",
            "<item id=\"data\" href=\"data.json\" media-type=\"application/json\" fallback=\"c1\"/>\n</manifest>",
        )
        .edit("EPUB/package.opf", "<itemref idref=\"c1\"/>", "<itemref idref=\"data\"/>")
        .edit("EPUB/nav.xhtml", "href=\"content.xhtml\"", "href=\"data.json\"");
    let findings = check_file("test.epub", "test.epub", &p.zip());
    assert_eq!(findings.iter().map(|f| (f.code, f.severity)).collect::<Vec<_>>(), [("NA-EPUB-037", Severity::Warning)]);
    assert!(findings[0].message.contains("cannot read as an article"), "{}", findings[0].message);
    // A fallback chain that loops reaches no content document: the nav link stays an error.
    let looping = Publication::minimal()
        .set("EPUB/a.json", "{}")
        .set("EPUB/b.json", "{}")
        .edit(
            "EPUB/package.opf",
            "</manifest>",
            "<item id=\"a\" href=\"a.json\" media-type=\"application/json\" fallback=\"b\"/>\n\
             <item id=\"b\" href=\"b.json\" media-type=\"application/json\" fallback=\"a\"/>\n</manifest>",
        )
        .edit("EPUB/nav.xhtml", "</ol>", "<li><a href=\"a.json\">Data</a></li></ol>");
    assert_error(&looping.zip(), "NA-EPUB-032", "a nav link into a looping fallback chain");
    let Some(check) = oracle("check-epub") else { return };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("json-spine.epub");
    std::fs::write(&path, p.zip()).unwrap();
    let out = std::process::Command::new(check).arg(&path).output().unwrap();
    assert!(out.status.success(), "EPUBCheck: {}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn regression_composed_and_decomposed_file_names_are_the_same_file() {
    // The file name composes ü (U+00FC); the package and the nav decompose it (u + U+0308).
    let p = Publication::minimal()
        .rename("EPUB/content.xhtml", "EPUB/b\u{FC}cher.xhtml")
        .edit("EPUB/package.opf", "href=\"content.xhtml\"", "href=\"bu%CC%88cher.xhtml\"")
        .edit("EPUB/nav.xhtml", "href=\"content.xhtml\"", "href=\"bu\u{308}cher.xhtml\"");
    assert_valid(&p, "composed and decomposed names");
    let article = epub::read(&p.zip(), &ReadOptions::default()).unwrap();
    assert_eq!(article.headline.as_deref(), Some("Harbour reopens"));
}

// The rules, each with a publication that breaks it.

#[test]
fn each_structural_rule_is_reported_with_its_code() {
    type Break = fn(Publication) -> Publication;
    let cases: &[(&str, Break, &str)] = &[
        (
            "unique-identifier names nothing",
            |p| p.edit("EPUB/package.opf", "unique-identifier=\"uid\"", "unique-identifier=\"book\""),
            "NA-EPUB-015",
        ),
        (
            "dcterms:modified without time",
            |p| p.edit("EPUB/package.opf", "2024-03-01T10:00:00Z", "2024-03-01"),
            "NA-EPUB-016",
        ),
        (
            "ill-formed dc:language",
            |p| p.edit("EPUB/package.opf", "<dc:language>en</dc:language>", "<dc:language>en_GB</dc:language>"),
            "NA-EPUB-017",
        ),
        (
            "empty identifier",
            |p| p.edit("EPUB/package.opf", "urn:uuid:0b7e4a4e-0000-4000-8000-000000000001", " "),
            "NA-EPUB-002",
        ),
        ("no toc nav", |p| p.edit("EPUB/nav.xhtml", "epub:type=\"toc\"", "epub:type=\"lot\""), "NA-EPUB-029"),
        (
            "remote nav link",
            |p| p.edit("EPUB/nav.xhtml", "href=\"content.xhtml\"", "href=\"https://example.org/story\""),
            "NA-EPUB-030",
        ),
        (
            "mimetype with a newline",
            |mut p| {
                p.mimetype.push(b'\n');
                p
            },
            "NA-EPUB-001",
        ),
        (
            "container content model",
            |p| p.edit("META-INF/container.xml", "</rootfiles>", "</rootfiles><foo/>"),
            "NA-EPUB-007",
        ),
        (
            "lang and xml:lang differ",
            |p| p.edit("EPUB/content.xhtml", "lang=\"en\" xml:lang=\"en\"", "lang=\"en\" xml:lang=\"fr\""),
            "NA-EPUB-034",
        ),
        (
            "link to a missing document",
            |p| p.edit("EPUB/content.xhtml", "three weeks", "<a href=\"notes.xhtml\">three weeks</a>"),
            "NA-EPUB-024",
        ),
        ("package version 2.0", |p| p.edit("EPUB/package.opf", "version=\"3.0\"", "version=\"2.0\""), "NA-EPUB-014"),
        (
            "external identifier in XHTML",
            |p| {
                p.edit("EPUB/content.xhtml", "<!DOCTYPE html>", "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.1//EN\" \"http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd\">")
            },
            "NA-EPUB-013",
        ),
        ("manifest item missing", |p| p.without("EPUB/content.xhtml"), "NA-EPUB-003"),
        ("no container", |p| p.without("META-INF/container.xml"), "NA-EPUB-006"),
        ("forbidden file name character", |p| p.set("EPUB/notes|1.txt", "x"), "NA-EPUB-010"),
        ("case-folded duplicate name", |p| p.set("EPUB/CONTENT.xhtml", CONTENT), "NA-EPUB-009"),
        (
            "item in META-INF",
            |p| {
                p.set("META-INF/extra.css", "p{}").edit(
                    "EPUB/package.opf",
                    "</manifest>",
                    "<item id=\"x\" href=\"../META-INF/extra.css\" media-type=\"text/css\"/></manifest>",
                )
            },
            "NA-EPUB-020",
        ),
        (
            "href leaves the container",
            |p| {
                p.edit(
                    "EPUB/package.opf",
                    "</manifest>",
                    "<item id=\"x\" href=\"../../x.css\" media-type=\"text/css\"/></manifest>",
                )
            },
            "NA-EPUB-018",
        ),
        (
            "unknown item property",
            |p| {
                p.edit(
                    "EPUB/package.opf",
                    "media-type=\"application/xhtml+xml\"/>",
                    "media-type=\"application/xhtml+xml\" properties=\"cover\"/>",
                )
            },
            "NA-EPUB-021",
        ),
        (
            "script without scripted",
            |p| p.edit("EPUB/content.xhtml", "</body>", "<script>document.title = 'x';</script></body>"),
            "NA-EPUB-025",
        ),
        (
            "spine names an unknown id",
            |p| p.edit("EPUB/package.opf", "<itemref idref=\"c1\"/>", "<itemref idref=\"c1\"/><itemref idref=\"c9\"/>"),
            "NA-EPUB-028",
        ),
        (
            "link to a missing fragment",
            |p| p.edit("EPUB/nav.xhtml", "href=\"content.xhtml\"", "href=\"content.xhtml#part9\""),
            "NA-EPUB-038",
        ),
        ("not well-formed", |p| p.edit("EPUB/content.xhtml", "</body>", "</bdy>"), "NA-EPUB-012"),
    ];
    for (what, break_it, code) in cases {
        assert_error(&break_it(Publication::minimal()).zip(), code, what);
    }
}

#[test]
fn a_duplicate_zip_entry_is_reported() {
    // Two entries written under names of one length, then the second renamed to the first in
    // its local and central headers (zip writers refuse to write a duplicate).
    let p = Publication::minimal().set("EPUB/contenu.xhtml", CONTENT);
    let mut bytes = p.zip();
    let (from, to) = (b"EPUB/contenu.xhtml".as_slice(), b"EPUB/content.xhtml".as_slice());
    let mut i = 0;
    let mut replaced = 0;
    while i + from.len() <= bytes.len() {
        if &bytes[i..i + from.len()] == from {
            bytes[i..i + from.len()].copy_from_slice(to);
            replaced += 1;
        }
        i += 1;
    }
    assert_eq!(replaced, 2, "the name is in the local and the central header");
    assert_error(&bytes, "NA-EPUB-009", "duplicate zip entry");
}

#[test]
fn external_identifiers_are_findings_and_never_fetched() {
    // A system identifier pointing at a local file: reported, never read.
    let p = Publication::minimal().edit(
        "EPUB/content.xhtml",
        "<!DOCTYPE html>",
        "<!DOCTYPE html SYSTEM \"file:///etc/passwd\">",
    );
    let findings = check_file("test.epub", "test.epub", &p.zip());
    let f = findings.iter().find(|f| f.code == "NA-EPUB-013").expect("NA-EPUB-013");
    assert!(f.message.contains("file:///etc/passwd") && f.message.contains("never fetches"), "{}", f.message);
    // An entity declaration is refused, not expanded.
    let p = Publication::minimal().edit(
        "EPUB/content.xhtml",
        "<!DOCTYPE html>",
        "<!DOCTYPE html [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>",
    );
    assert_error(&p.zip(), "NA-EPUB-012", "entity declaration");
}

#[test]
fn hostile_archives_are_findings_not_panics() {
    for (what, bytes) in [
        ("empty", Vec::new()),
        ("not a zip", b"PK\x03\x04 this is not a zip archive at all".to_vec()),
        ("a truncated zip", Publication::minimal().zip()[..200].to_vec()),
    ] {
        assert_error(&bytes, "NA-EPUB-005", what);
    }
}

// EPUB to EPUB.

/// A foreign publication with an image it carries, one it does not, and an empty identifier.
fn foreign() -> Publication {
    Publication::minimal()
        .edit("EPUB/package.opf", "urn:uuid:0b7e4a4e-0000-4000-8000-000000000001", "")
        .edit(
            "EPUB/content.xhtml",
            "</p></body>",
            "</p><p><img src=\"images/quay.png\" alt=\"The quay\"/> and \
             <img src=\"https://photos.example.org/crane.jpg\" alt=\"A crane\"/>, \
             <a href=\"#top\">top</a>.</p></body>",
        )
        .set("EPUB/images/quay.png", "not really a PNG")
        .edit(
            "EPUB/package.opf",
            "</manifest>",
            "<item id=\"img\" href=\"images/quay.png\" media-type=\"image/png\"/></manifest>",
        )
}

#[test]
fn epub_to_epub_gives_a_valid_publication_without_dangling_references() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("foreign.epub");
    let p = foreign();
    // The foreign publication itself: its empty identifier is an error newsarc reports.
    assert_error(&p.zip(), "NA-EPUB-002", "empty identifier");
    std::fs::write(&source, p.zip()).unwrap();
    let out_dir = dir.path().join("out");
    let out = newsarc().arg("convert").arg(&source).args(["--to", "epub", "-o"]).arg(&out_dir).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let written = std::fs::read(out_dir.join("foreign.epub")).unwrap();
    let findings = check_file("out.epub", "out.epub", &written);
    assert!(findings.is_empty(), "{findings:#?}");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(written.as_slice())).unwrap();
    let mut opf = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("EPUB/package.opf").unwrap(), &mut opf).unwrap();
    assert!(opf.contains("<dc:identifier id=\"uid\">urn:uuid:"), "{opf}");
    let mut content = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("EPUB/article.xhtml").unwrap(), &mut content).unwrap();
    assert!(
        !content.contains(" src=\"images/quay.png\"") && !content.contains(" href=\"images/quay.png\""),
        "{content}"
    );
    assert!(content.contains("<span class=\"newsarc-image\" data-src=\"images/quay.png\""), "{content}");
    assert!(content.contains("<a class=\"newsarc-image\" href=\"https://photos.example.org/crane.jpg\""), "{content}");
    // Reading newsarc's EPUB back restores both images.
    let back = epub::read(&written, &ReadOptions::default()).unwrap();
    assert_eq!(
        back.body,
        epub::read(&p.zip(), &ReadOptions::default()).unwrap().body,
        "the body survives EPUB -> EPUB -> model"
    );
}

#[test]
fn epub_to_epub_passes_epubcheck() {
    let Some(check) = oracle("check-epub") else { return };
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("foreign.epub");
    std::fs::write(&source, foreign().zip()).unwrap();
    let out_dir = dir.path().join("out");
    let out = newsarc().arg("convert").arg(&source).args(["--to", "epub", "-o"]).arg(&out_dir).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let written: Vec<_> = std::fs::read_dir(&out_dir).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(written.len(), 1, "{written:?}");
    let out = std::process::Command::new(check).args(&written).output().unwrap();
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
}

#[test]
fn newsarc_s_own_epubs_have_no_finding() {
    let mut all = Vec::new();
    for path in good_fixtures() {
        let article = try_load_path(&path).unwrap();
        let epub = newsarc::convert::render(&article, &["epub"], newsarc::convert::Naming::ById).unwrap();
        let findings = check_file(file_name(&path), "article.epub", &epub[0].bytes);
        assert!(findings.is_empty(), "{}: {findings:#?}", file_name(&path));
        all.push(article);
    }
    let book = newsarc::write::epub::write_book(&all, "All fixtures").unwrap();
    let findings = check_file("book.epub", "book.epub", &book);
    assert!(findings.is_empty(), "{findings:#?}");
}
