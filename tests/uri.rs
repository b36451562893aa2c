//! Article URIs name the article, not its bytes: a corrected article keeps its URI in every
//! rendition; where nothing names it, its path below the folder given does; the order of what
//! names it (a supplied URI, the source's identifier, a supplied id, the source URL, the path,
//! the bytes) holds through sidecar files and options; `validate --reproduce` agrees.

use crate::util::*;
use newsarc::load::{Input, LoadOptions, load, load_all};
use newsarc::model::{UriOrigin, WarningCode};
use std::path::Path;

/// A URN as the documentation derives it: a version 5 UUID of `name` in the namespace that is
/// the version 5 UUID of `newsarc <kind>` in the OID namespace (computed here, not by newsarc).
fn v5(kind: &str, name: &str) -> String {
    let namespace = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, format!("newsarc {kind}").as_bytes());
    format!("urn:uuid:{}", uuid::Uuid::new_v5(&namespace, name.as_bytes()))
}

const STORY: &str = "# Osk ferry returns after repairs\n\nBy Mara Fenn\n\nOSK, March 3 (Northwind) - The Osk ferry sailed again on Monday after three weeks of repairs to its hull.\n\nThe first crossing carried forty passengers.\n";
const URL: &str = "https://example.org/news/osk-ferry-returns";

fn with_url(text: &str) -> String {
    format!("{text}\n---\n\n<{URL}>\n\n**Northwind Radio**\n")
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Packs `folder` (named as it is, from its parent) into a folder bag `out`; the run must succeed.
fn pack(folder: &Path, out: &Path) {
    let run = newsarc().arg("pack").arg(folder).arg("-q").arg("-o").arg(out).output().unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
}

/// The URI each rendition of a packed article carries: the ninjs `uri`, the NewsML-G2 guid, the
/// EPUB's `dc:identifier`, the record's `uri`; and the record's `uri_origin`.
fn uris_in_bag(bag: &Path, id: &str) -> ([String; 4], String) {
    let folder = bag.join("data/articles").join(id);
    let json = |name: &str| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(folder.join(name)).unwrap()).unwrap()
    };
    let ninjs = json("article.json")["uri"].as_str().unwrap().to_string();
    let record = json("metadata.json");
    let xml = std::fs::read_to_string(folder.join("article.xml")).unwrap();
    let guid = xml.split("guid=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let epub = std::fs::read(folder.join("article.epub")).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(epub)).unwrap();
    let opf_name =
        (0..zip.len()).map(|i| zip.by_index(i).unwrap().name().unwrap().to_string()).find(|n| n.ends_with(".opf"));
    let mut opf = String::new();
    std::io::Read::read_to_string(&mut zip.by_name(&opf_name.unwrap()).unwrap(), &mut opf).unwrap();
    let identifier = opf.split("<dc:identifier").nth(1).unwrap();
    let identifier = identifier.split_once('>').unwrap().1.split('<').next().unwrap().to_string();
    let uri = record["uri"].as_str().unwrap().to_string();
    ([ninjs, guid, identifier, uri], record["uri_origin"].as_str().unwrap().to_string())
}

#[test]
fn a_corrected_article_keeps_its_uri_in_every_rendition() {
    let dir = tempfile::tempdir().unwrap();
    let corrected = STORY.replace("forty passengers", "fifty passengers");
    for (text, fixed, origin, expected) in [
        (with_url(STORY), with_url(&corrected), "source_url", v5("source url", URL)),
        (STORY.to_string(), corrected.clone(), "path", v5("path", "desk-1/osk-ferry.txt")),
    ] {
        let corpus = dir.path().join(format!("corpus-{origin}"));
        let story = corpus.join("desk-1/osk-ferry.txt");
        write(&story, &text);
        pack(&corpus, &dir.path().join(format!("first-{origin}")));
        write(&story, &fixed);
        pack(&corpus, &dir.path().join(format!("second-{origin}")));
        let (first, first_origin) = uris_in_bag(&dir.path().join(format!("first-{origin}")), "osk-ferry");
        let (second, second_origin) = uris_in_bag(&dir.path().join(format!("second-{origin}")), "osk-ferry");
        assert_eq!(first, [expected.clone(), expected.clone(), expected.clone(), expected.clone()], "{origin}");
        assert_eq!(second, first, "{origin}: a correction is the same article");
        assert_eq!((first_origin.as_str(), second_origin.as_str()), (origin, origin));
        // The bytes did change: the source's digest says so.
        let sha = |bag: &str| -> serde_json::Value {
            let record = dir.path().join(bag).join("data/articles/osk-ferry/metadata.json");
            serde_json::from_slice::<serde_json::Value>(&std::fs::read(record).unwrap()).unwrap()["source"]["sha256"]
                .clone()
        };
        assert_ne!(sha(&format!("first-{origin}")), sha(&format!("second-{origin}")));
    }
}

#[test]
fn the_same_text_under_two_paths_without_a_url_gets_two_uris() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    write(&corpus.join("desk-1/ferry-a.txt"), STORY);
    write(&corpus.join("desk-2/ferry-b.txt"), STORY);
    let out = dir.path().join("out");
    let run = newsarc().arg("convert").arg(&corpus).args(["--to", "metadata", "-q", "-o"]).arg(&out).output().unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let record = |id: &str| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(out.join(format!("{id}.metadata.json"))).unwrap()).unwrap()
    };
    let (a, b) = (record("ferry-a"), record("ferry-b"));
    assert_eq!(a["uri"], v5("path", "desk-1/ferry-a.txt"));
    assert_eq!(b["uri"], v5("path", "desk-2/ferry-b.txt"));
    assert_eq!(a["source"]["sha256"], b["source"]["sha256"], "the same bytes");
    for r in [&a, &b] {
        assert_eq!(r["uri_origin"], "path");
        assert_eq!(r["warnings"][0]["code"], "NA-READ-016", "{r:#}");
    }
    // A file named alone: its file name.
    let run = newsarc()
        .arg("convert")
        .arg(corpus.join("desk-1/ferry-a.txt"))
        .args(["--to", "ninjs", "-o", "-"])
        .output()
        .unwrap();
    let ninjs: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(ninjs["uri"], v5("path", "ferry-a.txt"));
}

#[test]
fn a_text_with_a_source_url_keeps_its_uri_when_moved() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    write(&corpus.join("desk-1/osk-ferry.txt"), &with_url(STORY));
    pack(&corpus, &dir.path().join("before"));
    std::fs::create_dir_all(corpus.join("archive/2025")).unwrap();
    std::fs::rename(corpus.join("desk-1/osk-ferry.txt"), corpus.join("archive/2025/osk-ferry.txt")).unwrap();
    pack(&corpus, &dir.path().join("after"));
    let (before, _) = uris_in_bag(&dir.path().join("before"), "osk-ferry");
    let (after, _) = uris_in_bag(&dir.path().join("after"), "osk-ferry");
    assert_eq!(after, before);
    assert_eq!(before[0], v5("source url", URL));
}

fn load_text(
    dir: &Path,
    name: &str,
    text: &str,
    sidecar: Option<&str>,
    options: &LoadOptions,
) -> newsarc::model::Article {
    let path = dir.join(name);
    write(&path, text);
    if let Some(sidecar) = sidecar {
        std::fs::write(newsarc::load::sidecar_path(&path).unwrap(), sidecar).unwrap();
    }
    load(&Input::Path(path), options).unwrap()
}

#[test]
fn supplied_values_name_the_article_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let options = pinned_options();
    // A sidecar id beats the source URL, which beats the path.
    let a = load_text(dir, "a.txt", &with_url(STORY), Some(r#"{"id": "osk-0042"}"#), &options);
    assert_eq!((a.uri.as_str(), a.uri_origin), (v5("id", "osk-0042").as_str(), UriOrigin::Id));
    let b = load_text(dir, "b.txt", &with_url(STORY), None, &options);
    assert_eq!((b.uri.as_str(), b.uri_origin), (v5("source url", URL).as_str(), UriOrigin::SourceUrl));
    let c = load_text(dir, "c.txt", STORY, None, &options);
    assert_eq!((c.uri.as_str(), c.uri_origin), (v5("path", "c.txt").as_str(), UriOrigin::Path));
    // A source URL supplied (sidecar) names a text that has none; an option wins over the sidecar.
    let d = load_text(dir, "d.txt", STORY, Some(r#"{"source_url": "https://example.org/d"}"#), &options);
    assert_eq!(
        (d.uri.as_str(), d.uri_origin),
        (v5("source url", "https://example.org/d").as_str(), UriOrigin::SourceUrl)
    );
    assert!(!d.warnings.iter().any(|w| w.code == WarningCode::UriFromPath), "{:?}", d.warnings);
    let mut with_id = pinned_options();
    with_id.overrides.id = Some("from-option".to_string());
    let e = load_text(dir, "e.txt", STORY, Some(r#"{"id": "from-sidecar"}"#), &with_id);
    assert_eq!((e.id.as_str(), e.uri.as_str()), ("from-option", v5("id", "from-option").as_str()));
    // A supplied URI beats everything; an option's source URL does not move a sidecar id's URI.
    let f = load_text(dir, "f.txt", &with_url(STORY), Some(r#"{"id": "x1", "uri": "urn:example:f"}"#), &options);
    assert_eq!((f.uri.as_str(), f.uri_origin), ("urn:example:f", UriOrigin::Supplied));
    let mut with_url_option = pinned_options();
    with_url_option.overrides.source_url = Some("https://example.org/other".to_string());
    let g = load_text(dir, "g.txt", STORY, Some(r#"{"id": "g-7"}"#), &with_url_option);
    assert_eq!((g.uri.as_str(), g.uri_origin), (v5("id", "g-7").as_str(), UriOrigin::Id));
}

#[test]
fn a_guid_beats_a_sidecar_id_and_a_missing_one_is_derived_like_a_texts() {
    let dir = tempfile::tempdir().unwrap();
    let message =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/newsml/news-message.xml"))
            .unwrap();
    let path = dir.path().join("feeds/wire.xml");
    write(&path, &message);
    std::fs::write(dir.path().join("feeds/wire.meta.json"), r#"{"id": "wire"}"#).unwrap();
    let articles = load_all(&Input::Path(path.clone()), &pinned_options()).unwrap();
    assert_eq!(articles[0].uri, "urn:newsml:wire.example.org:20250402:tide-gauge");
    assert_eq!(articles[0].uri_origin, UriOrigin::Guid);
    assert_eq!(articles[1].uri, v5("identifier", "LMW 0117/2"));

    // Without guids: a supplied id (each item's own, prefixed), else the path and the item's place.
    let no_guids = message
        .replace(r#" guid="urn:newsml:wire.example.org:20250402:tide-gauge""#, "")
        .replace(r#" guid="LMW 0117/2""#, "");
    write(&path, &no_guids);
    let articles = load_all(&Input::Path(path.clone()), &pinned_options()).unwrap();
    let ids: Vec<&str> = articles.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(articles[0].uri, v5("id", ids[0]));
    assert_eq!(articles[1].uri, v5("id", ids[1]));
    assert!(ids[0].starts_with("wire-") && ids[0] != ids[1], "{ids:?}");
    std::fs::remove_file(dir.path().join("feeds/wire.meta.json")).unwrap();
    let mut options = pinned_options();
    options.read.source_path = Some("feeds/wire.xml".to_string());
    let articles = load_all(&Input::Path(path), &options).unwrap();
    assert_eq!(articles[0].uri, v5("path", "feeds/wire.xml#1"));
    assert_eq!(articles[1].uri, v5("path", "feeds/wire.xml#2"));
    for a in &articles {
        let codes: Vec<WarningCode> = a.warnings.iter().map(|w| w.code).collect();
        assert!(codes.contains(&WarningCode::NoIdentifier) && codes.contains(&WarningCode::UriFromPath), "{codes:?}");
    }
}

#[test]
fn standard_input_that_nothing_names_is_named_by_its_bytes_and_that_is_said() {
    let run = newsarc()
        .args(["inspect", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            std::io::Write::write_all(child.stdin.as_mut().unwrap(), STORY.as_bytes())?;
            drop(child.stdin.take());
            child.wait_with_output()
        })
        .unwrap();
    let article: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    let sha = article["source"]["sha256"].as_str().unwrap();
    assert_eq!(article["uri"], v5("article", &format!("sha256:{sha}")));
    assert_eq!(article["uri_origin"], "digest");
    assert_eq!(article["warnings"][0]["code"], "NA-READ-017");
    // With --id it is named.
    let run = newsarc()
        .args(["inspect", "-", "--id", "osk-1"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            std::io::Write::write_all(child.stdin.as_mut().unwrap(), STORY.as_bytes())?;
            drop(child.stdin.take());
            child.wait_with_output()
        })
        .unwrap();
    let article: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(
        (article["uri"].as_str(), article["uri_origin"].as_str()),
        (Some(v5("id", "osk-1").as_str()), Some("id"))
    );
    assert!(article["warnings"].as_array().unwrap().is_empty(), "{article:#}");
}

#[test]
fn reproduce_renders_again_with_the_uri_the_first_run_derived() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    write(&corpus.join("desk-1/osk-ferry.txt"), STORY);
    write(&corpus.join("desk-2/named.txt"), &with_url(STORY).replace("Osk ferry", "Lorn ferry"));
    write(&corpus.join("desk-3/by-id.txt"), &STORY.replace("Osk", "Brae"));
    std::fs::write(corpus.join("desk-3/by-id.meta.json"), r#"{"id": "brae-0001"}"#).unwrap();
    // A message whose items have no guid: found again by id, not by a URI from a path the bag
    // does not keep.
    let message =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/newsml/news-message.xml"))
            .unwrap()
            .replace(r#" guid="urn:newsml:wire.example.org:20250402:tide-gauge""#, "")
            .replace(r#" guid="LMW 0117/2""#, "");
    write(&corpus.join("feeds/wire.xml"), &message);
    let bag = dir.path().join("bag");
    let run = newsarc().arg("pack").arg(&corpus).args(["--ext", "txt,xml", "-q", "-o"]).arg(&bag).output().unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let (uris, origin) = uris_in_bag(&bag, "osk-ferry");
    assert_eq!((uris[0].as_str(), origin.as_str()), (v5("path", "desk-1/osk-ferry.txt").as_str(), "path"));
    let run = newsarc().arg("validate").arg(&bag).args(["--reproduce", "--format", "json"]).output().unwrap();
    let report: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    let codes: Vec<&str> = report["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap()).collect();
    // The message's items lack the guid NewsML-G2 requires (NA-READ-014, an error) and it holds a
    // picture (NA-READ-013); the paths are said (NA-READ-016); nothing else: above all, no
    // rendition would be written differently (NA-REP-001) and the renditions agree (NA-X-001).
    assert!(codes.iter().all(|c| ["NA-READ-013", "NA-READ-014", "NA-READ-016"].contains(c)), "{report:#}");
    assert_eq!(codes.iter().filter(|c| **c == "NA-READ-016").count(), 3, "{report:#}");
}

#[test]
fn pack_lists_articles_that_share_a_uri() {
    let dir = tempfile::tempdir().unwrap();
    // Two folders named, each with `note.txt` (other words, no URL): one path below each.
    write(&dir.path().join("east/note.txt"), STORY);
    write(&dir.path().join("west/note.txt"), &STORY.replace("forty", "sixty"));
    // Two files with one source URL: one article, scraped twice.
    write(&dir.path().join("east/scraped-1.txt"), &with_url(STORY));
    write(&dir.path().join("east/scraped-2.txt"), &with_url(&STORY.replace("forty", "fifty")));
    let report = dir.path().join("report.json");
    let run = newsarc()
        .arg("pack")
        .arg(dir.path().join("east"))
        .arg(dir.path().join("west"))
        .arg("-o")
        .arg(dir.path().join("bag"))
        .arg("--report")
        .arg(&report)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    let shared: Vec<(&str, &str, &str)> = report["shared_uris"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["id"].as_str().unwrap(), u["same_as"].as_str().unwrap(), u["uri_origin"].as_str().unwrap()))
        .collect();
    assert_eq!(shared.len(), 2, "{report:#}");
    assert!(shared.contains(&("scraped-2", "scraped-1", "source_url")), "{shared:?}");
    assert!(
        shared.iter().any(|(id, same, origin)| id.starts_with("note-") && *same == "note" && *origin == "path"),
        "{shared:?}"
    );
    let said = String::from_utf8_lossy(&run.stderr);
    assert!(said.contains("has the URI of article `scraped-1` (the same source URL)"), "{said}");
    // Without any, the report has no such field.
    let single = dir.path().join("single.json");
    let run = newsarc()
        .arg("pack")
        .arg(dir.path().join("west"))
        .arg("-q")
        .arg("-o")
        .arg(dir.path().join("bag-west"))
        .arg("--report")
        .arg(&single)
        .output()
        .unwrap();
    assert!(run.status.success());
    let single: serde_json::Value = serde_json::from_slice(&std::fs::read(&single).unwrap()).unwrap();
    assert!(single.get("shared_uris").is_none(), "{single:#}");
}
