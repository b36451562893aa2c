//! `newsarc site`: the site of a bag, from folder, zip and tar bags alike, byte for byte the same
//! on every run; what its pages say; the output policy for site folders; and the site in a real
//! browser (search, right-to-left, axe-core), with screenshots under target/site-screenshots/.

use crate::util::{fixture, newsarc, skip};
use sha2::{Digest, Sha256};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Output;

/// The fixtures of the test bag: five languages' worth of articles, one right-to-left.
const ARTICLES: &[&str] =
    &["lang-arabic-rtl.txt", "lang-spanish.txt", "headline-plain.txt", "dateline-french.txt", "body-table.txt"];

fn run(args: &[&dyn AsRef<std::ffi::OsStr>]) -> Output {
    let mut cmd = newsarc();
    for a in args {
        cmd.arg(a);
    }
    cmd.output().expect("run newsarc")
}

fn ok(out: Output) -> Output {
    assert!(out.status.success(), "newsarc failed: {}", String::from_utf8_lossy(&out.stderr));
    out
}

/// Packs the fixtures into `dir/corpus` (folder), `corpus.zip` and `corpus.tar`.
fn bags(dir: &Path) -> [PathBuf; 3] {
    let input = dir.join("in");
    std::fs::create_dir_all(&input).unwrap();
    for name in ARTICLES {
        std::fs::copy(fixture(name), input.join(name)).unwrap();
    }
    let folder = dir.join("folder/corpus");
    let zip = dir.join("corpus.zip");
    let tar = dir.join("corpus.tar");
    for bag in [&folder, &zip, &tar] {
        ok(run(&[&"pack", &input, &"-o", bag, &"--bag-info", &"Source-Organization=Northwind Radio", &"-q"]));
    }
    [folder, zip, tar]
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[test]
fn folder_zip_and_tar_bags_give_the_same_site_every_time() {
    let tmp = tempfile::tempdir().unwrap();
    let [folder, zip, tar] = bags(tmp.path());
    let mut sites = Vec::new();
    for (i, bag) in [&folder, &zip, &tar, &zip].into_iter().enumerate() {
        let site = tmp.path().join(format!("site-{i}"));
        // The last run on one thread: the site does not depend on --jobs.
        let jobs = if i == 3 { "1" } else { "2" };
        let out = ok(run(&[&"site", bag, &"-o", &site, &"--jobs", &jobs]));
        assert!(String::from_utf8_lossy(&out.stderr).contains("5 article pages"), "{:?}", out);
        sites.push(site);
    }
    for site in &sites[1..] {
        assert!(
            newsarc::output::same_tree(&sites[0], site).unwrap(),
            "{} differs from {}",
            site.display(),
            sites[0].display()
        );
    }
    let files = newsarc::site::list_files(&sites[0]).unwrap();
    for expected in
        [".newsarc-site", "index.html", "site.css", "site.js", "pagefind/pagefind.js", "pagefind/pagefind-entry.json"]
    {
        assert!(files.iter().any(|f| f == Path::new(expected)), "no {expected} in {files:?}");
    }
    assert!(files.iter().any(|f| f.starts_with("pagefind/index")), "no Pagefind index chunk in {files:?}");
    // Every page names only files of the site (relative links) or the sources' own addresses.
    for file in files.iter().filter(|f| f.extension().is_some_and(|e| e == "html")) {
        let html = read(&sites[0].join(file));
        for attr in ["src=\"", "href=\""] {
            for part in html.split(attr).skip(1) {
                let target = &part[..part.find('"').unwrap()];
                if target.starts_with("https://example.") {
                    continue;
                }
                assert!(!target.contains("//") && !target.starts_with('/'), "{}: {attr}{target}", file.display());
                let path = target.split('#').next().unwrap();
                if !path.is_empty() {
                    let linked = sites[0].join(file).parent().unwrap().join(path);
                    assert!(linked.exists(), "{}: broken link {target}", file.display());
                }
            }
        }
    }
}

#[test]
fn pages_show_the_collection_the_article_and_its_provenance() {
    let tmp = tempfile::tempdir().unwrap();
    let [_, zip, _] = bags(tmp.path());
    let site = tmp.path().join("site");
    ok(run(&[&"site", &zip, &"-o", &site]));

    let home = read(&site.join("index.html"));
    assert!(home.contains("<h1>Northwind Radio: news archive</h1>"), "{home}");
    assert!(home.contains("<dt>Articles</dt><dd>5</dd>"));
    assert!(home.contains("role=\"search\"") && home.contains("<input type=\"search\" id=\"q\""));
    assert!(home.contains(">English</a> <span class=\"count\">(2 articles)</span>"), "{home}");
    assert!(home.contains(">Arabic</a> <span class=\"count\">(1 article)</span>"));
    // A month-and-day dateline is not placed in a year.
    assert!(home.contains("<a href=\"browse/date/no-year-03.html\">March (year not known)</a>"), "{home}");
    assert!(home.contains("<a href=\"browse/date/none.html\">No date</a>"));
    assert!(!home.contains("<dt>Years</dt>") && !home.contains("browse/date/19"), "a date was given a year: {home}");
    assert!(home.contains(
        "<select id=\"filter-year\" name=\"year\" data-filter=\"year\">\n<option value=\"\">any</option>\n</select>"
    ));
    assert!(home.contains("<option value=\"Radio Val-Brune\">Radio Val-Brune</option>"));

    let french = read(&site.join("articles/dateline-french.html"));
    assert!(french.contains("<article lang=\"fr\" dir=\"ltr\""));
    assert!(french.contains("<h1 id=\"headline\">Val-Brune rénove sa bibliothèque</h1>"));
    assert!(french.contains("<time datetime=\"03-01\">1 March (year not known)</time>"));
    assert!(french.contains("<dt>Publisher</dt><dd dir=\"auto\">Radio Val-Brune</dd>"));
    assert!(french.contains("href=\"https://example.org/fr/actualites/val-brune-bibliotheque\""));
    // Provenance: the source's SHA-256 as the test computes it, and the file offered is the source.
    let source = std::fs::read(fixture("dateline-french.txt")).unwrap();
    assert!(french.contains(&sha256_hex(&source)), "the source's SHA-256 is not shown");
    assert!(french.contains("Source, read from <code>dateline-french.txt</code>"));
    assert!(french.contains("<td>624 bytes</td>"));
    assert_eq!(std::fs::read(site.join("articles/dateline-french/source.txt")).unwrap(), source);
    let epub = std::fs::read(site.join("articles/dateline-french/article.epub")).unwrap();
    assert!(french.contains(&sha256_hex(&epub)), "the EPUB offered is not the one whose SHA-256 is shown");
    assert!(french.contains("<a href=\"dateline-french/article.epub\" download>article.epub</a>"));
    assert!(french.contains("None: the source was read without a warning."));
    // The record itself, with the digest the bag's manifest states for it.
    let record = std::fs::read(site.join("articles/dateline-french/metadata.json")).unwrap();
    assert!(french.contains("Metadata record (<code>application/json</code>)"));
    assert!(french.contains(&sha256_hex(&record)));

    let arabic = read(&site.join("articles/lang-arabic-rtl.html"));
    assert!(arabic.contains("<article lang=\"ar\" dir=\"rtl\""));
    assert!(arabic.contains("<dt>Date</dt><dd>not known</dd>"));
    let table = read(&site.join("articles/body-table.html"));
    assert!(table.contains("<table"), "the body's table is not rendered");
}

#[test]
fn search_index_has_every_article_and_the_filters() {
    let tmp = tempfile::tempdir().unwrap();
    let [folder, _, _] = bags(tmp.path());
    let site = tmp.path().join("site");
    ok(run(&[&"site", &folder, &"-o", &site]));
    let entry: serde_json::Value = serde_json::from_str(&read(&site.join("pagefind/pagefind-entry.json"))).unwrap();
    let en = &entry["languages"]["en"];
    assert_eq!(en["page_count"], 5, "{entry}");
    let filters = newsarc::site::list_files(&site.join("pagefind/filter")).unwrap();
    assert!(!filters.is_empty());
}

#[test]
fn an_existing_folder_is_replaced_only_if_it_is_a_site_and_only_with_force() {
    let tmp = tempfile::tempdir().unwrap();
    let [folder, zip, _] = bags(tmp.path());

    // A folder newsarc did not write as a site: refused, with or without --force.
    let other = tmp.path().join("notes");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("keep.txt"), "mine").unwrap();
    for force in [false, true] {
        let mut args: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![&"site", &zip, &"-o", &other];
        if force {
            args.push(&"--force");
        }
        let out = run(&args);
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("not a site newsarc wrote"), "{out:?}");
        assert_eq!(read(&other.join("keep.txt")), "mine");
    }
    // Not the bag itself, nor a folder inside it, nor a file (the output policy's site kind).
    let a_file = tmp.path().join("a-file");
    std::fs::write(&a_file, "mine").unwrap();
    for (out_dir, said) in [
        (folder.clone(), "it is the input"),
        (folder.join("site"), "newsarc never writes into its input"),
        (a_file.clone(), "it is a file, and a site is a folder"),
    ] {
        let out = run(&[&"site", &folder, &"-o", &out_dir, &"--force"]);
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains(said), "{said}: {out:?}");
    }
    assert!(!folder.join("site").exists());
    assert_eq!(read(&a_file), "mine");

    // A site: the same again is left unchanged; another is replaced only with --force.
    let site = tmp.path().join("site");
    ok(run(&[&"site", &zip, &"-o", &site]));
    let out = ok(run(&[&"site", &folder, &"-o", &site]));
    assert!(String::from_utf8_lossy(&out.stderr).contains("left unchanged"), "{out:?}");
    let small = tmp.path().join("small");
    std::fs::create_dir_all(small.join("in")).unwrap();
    std::fs::copy(fixture("headline-plain.txt"), small.join("in/headline-plain.txt")).unwrap();
    ok(run(&[&"pack", &small.join("in"), &"-o", &small.join("corpus.zip"), &"-q"]));
    let out = run(&[&"site", &small.join("corpus.zip"), &"-o", &site]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"), "{out:?}");
    assert!(site.join("articles/lang-spanish.html").exists(), "the old site was touched");
    let out = ok(run(&[&"site", &small.join("corpus.zip"), &"-o", &site, &"--force"]));
    assert!(String::from_utf8_lossy(&out.stderr).contains("replaced"), "{out:?}");
    assert!(!site.join("articles/lang-spanish.html").exists() && site.join("articles/headline-plain.html").exists());
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".newsarc-partial"))
        .collect();
    assert!(leftovers.is_empty(), "partial output left: {leftovers:?}");
}

#[test]
fn a_bag_without_an_index_is_refused_in_one_line() {
    let tmp = tempfile::tempdir().unwrap();
    let bag = tmp.path().join("plain");
    std::fs::create_dir_all(bag.join("data")).unwrap();
    std::fs::write(bag.join("bagit.txt"), "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n").unwrap();
    std::fs::write(bag.join("data/a.txt"), "a").unwrap();
    let out = run(&[&"site", &bag, &"-o", &tmp.path().join("site")]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("not a newsarc package") && stderr.contains("data/index.json"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(!tmp.path().join("site").exists());
}

/// A static file server on 127.0.0.1 for the browser test: one thread, stopped when dropped.
struct Server {
    port: u16,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    fn start(root: PathBuf) -> Server {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if flag.load(std::sync::atomic::Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let root = root.clone();
                std::thread::spawn(move || serve(stream, &root));
            }
        });
        Server { port, stop, thread: Some(thread) }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        let _ = std::net::TcpStream::connect(("127.0.0.1", self.port));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve(mut stream: std::net::TcpStream, root: &Path) {
    let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(5)));
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request = String::new();
    if reader.read_line(&mut request).is_err() {
        return;
    }
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) if line == "\r\n" => break,
            Ok(_) => {}
        }
    }
    let path = request.split(' ').nth(1).unwrap_or("/").split(['?', '#']).next().unwrap_or("/").to_string();
    let path = if path.ends_with('/') { format!("{path}index.html") } else { path };
    let file = root.join(path.trim_start_matches('/'));
    let (status, body, kind) = match std::fs::read(&file) {
        Ok(bytes) if !path.contains("..") => {
            let kind = match file.extension().and_then(|e| e.to_str()) {
                Some("html") => "text/html; charset=utf-8",
                Some("css") => "text/css",
                Some("js") => "text/javascript",
                Some("json") => "application/json",
                _ => "application/octet-stream",
            };
            ("200 OK", bytes, kind)
        }
        _ => ("404 Not Found", b"not found".to_vec(), "text/plain"),
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
    let mut rest = Vec::new();
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let _ = reader.read_to_end(&mut rest);
}

/// Where playwright-core and axe-core are installed (`.ci/run` puts them there).
fn browser_modules() -> PathBuf {
    std::env::var_os("NEWSARC_BROWSER_MODULES")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/newsarc-browser"))
}

#[test]
fn the_site_in_a_browser_searches_reads_right_to_left_and_passes_axe() {
    let chromium =
        std::env::var_os("CHROMIUM").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if !chromium.exists() {
        return skip("chromium", "apt-get install chromium (as .ci/run does)");
    }
    if std::process::Command::new("node").arg("--version").output().is_err() {
        return skip("node", "install Node.js 20 (the browser tests drive Chromium with playwright-core)");
    }
    let modules = browser_modules();
    if !modules.join("node_modules/playwright-core").exists() || !modules.join("node_modules/axe-core").exists() {
        return skip(
            "playwright-core and axe-core",
            &format!("npm install --prefix {} playwright-core axe-core (as .ci/run does)", modules.display()),
        );
    }
    let tmp = tempfile::tempdir().unwrap();
    let [_, zip, _] = bags(tmp.path());
    let site = tmp.path().join("site");
    ok(run(&[&"site", &zip, &"-o", &site]));
    let server = Server::start(site.clone());
    let base = format!("http://127.0.0.1:{}", server.port);
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/site-screenshots");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/site/browser.mjs");
    let file_url = format!("file://{}", site.join("index.html").display());
    // A site of a storage root: the page of an article with a correction, and its home page.
    let root = corrected_root(tmp.path());
    let root_site = tmp.path().join("root-site");
    ok(run(&[&"site", &root, &"-o", &root_site]));
    let root_server = Server::start(root_site.clone());
    let root_base = format!("http://127.0.0.1:{}", root_server.port);
    let more = [format!("{root_base}/articles/harbour.html"), format!("{root_base}/index.html")];
    let out = std::process::Command::new("node")
        .arg(&script)
        .args([
            &base,
            &file_url,
            &shots.display().to_string(),
            "feria",
            "lang-arabic-rtl",
            "browse/date/no-year-03.html",
        ])
        .args(&more)
        .env("NEWSARC_BROWSER_MODULES", &modules)
        .env("CHROMIUM", &chromium)
        .output()
        .expect("run node");
    drop(server);
    drop(root_server);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "the browser script failed: {}\n{stdout}", String::from_utf8_lossy(&out.stderr));
    let seen: serde_json::Value = serde_json::from_str(stdout.trim()).expect("the script prints JSON");
    eprintln!("site in the browser: search took {} ms; screenshots in {}", seen["searchMs"], shots.display());

    assert_eq!(seen["home"]["searchLandmark"], true, "{seen}");
    assert_eq!(seen["home"]["h1"], "Northwind Radio: news archive");
    // The search box is reached by keyboard, and a word of one article finds that article alone.
    assert!(seen["tabsToSearch"].as_u64().is_some(), "the search box is not reached with Tab: {seen}");
    let links: Vec<&str> = seen["search"]["links"].as_array().unwrap().iter().filter_map(|l| l.as_str()).collect();
    assert_eq!(links, [format!("{base}/articles/lang-spanish.html")], "{seen}");
    assert_eq!(seen["search"]["status"], "1 article found.");
    assert!(seen["search"]["marks"].as_array().unwrap().iter().any(|m| m.as_str().unwrap().to_lowercase() == "feria"));
    assert_eq!(seen["search"]["opened"], format!("{base}/articles/lang-spanish.html"));
    // The language filter alone, and a word in Arabic script, find the Arabic article.
    assert_eq!(seen["filtered"], serde_json::json!(["lang-arabic-rtl.html"]), "{seen}");
    assert_eq!(seen["arabicWord"], serde_json::json!(["lang-arabic-rtl.html"]), "{seen}");
    // The Arabic article is laid out right to left.
    assert_eq!(seen["article"]["lang"], "ar");
    assert_eq!(seen["article"]["direction"], "rtl");
    assert_eq!(seen["article"]["h1Right"], true, "the headline is not set against the right edge: {seen}");
    assert_eq!(seen["article"]["downloads"][0], "lang-arabic-rtl/source.txt");
    // axe-core finds nothing on the three kinds of page (and the results).
    for key in ["homeAxe", "searchAxe", "articleAxe", "browseAxe"] {
        assert_eq!(seen[key], serde_json::json!([]), "axe-core on {key}: {seen}");
    }
    for url in &more {
        assert_eq!(seen["moreAxe"][url], serde_json::json!([]), "axe-core on {url}: {seen}");
    }
    // Browsing works from disk, with no server.
    assert!(seen["fromDisk"]["opened"].as_str().unwrap().starts_with("file://"), "{seen}");
    assert!(seen["fromDisk"]["h1"].is_string(), "{seen}");
    // Nothing was asked of any other host, and no script failed.
    for url in seen["requests"].as_array().unwrap() {
        let url = url.as_str().unwrap();
        assert!(
            url.starts_with(&base) || url.starts_with(&root_base) || url.starts_with("file://"),
            "a request left the site: {url}"
        );
    }
    assert_eq!(seen["errors"], serde_json::json!([]), "{seen}");
    for shot in ["home.png", "search.png", "article.png", "browse.png"] {
        assert!(std::fs::metadata(shots.join(shot)).map(|m| m.len() > 1000).unwrap_or(false), "no screenshot {shot}");
    }
}

#[test]
fn a_changed_file_is_shown_as_such_and_a_missing_body_is_said() {
    let tmp = tempfile::tempdir().unwrap();
    let [folder, _, _] = bags(tmp.path());
    let articles = folder.join("data/articles");
    std::fs::write(articles.join("lang-spanish/article.json"), "{}").unwrap();
    std::fs::remove_file(articles.join("headline-plain/article.xml")).unwrap();
    let site = tmp.path().join("site");
    let out = run(&[&"site", &folder, &"-o", &site]);
    assert_eq!(out.status.code(), Some(1), "an article shown without its body is exit status 1: {out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr
            .contains("data/articles/lang-spanish: article.json: its SHA-256 is not the one the bag's manifest states"),
        "{stderr}"
    );
    assert!(stderr.contains("data/articles/headline-plain: article.xml:"), "{stderr}");
    let spanish = read(&site.join("articles/lang-spanish.html"));
    assert!(spanish.contains("(the file's bytes do not have this SHA-256)"), "{spanish}");
    let plain = read(&site.join("articles/headline-plain.html"));
    assert!(plain.contains("The body could not be read from the bag"), "{plain}");
    assert!(plain.contains("<h1 id=\"headline\">Ferry service resumes at Carrow Bay after winter storms</h1>"));
}

/// An article of the storage-root tests, with a sidecar giving its URI (so a correction keeps it).
fn story(dir: &Path, name: &str, headline: &str, body: &str) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let path = dir.join(format!("{name}.txt"));
    std::fs::write(&path, format!("# {headline}\n\n---\n\n{body}\n\n---\n")).unwrap();
    let sidecar = format!(
        "{{\"uri\": \"https://news.example.org/2024/03/{name}\", \"date\": \"2024-03-03\", \"language\": \"en\"}}"
    );
    std::fs::write(dir.join(format!("{name}.meta.json")), sidecar).unwrap();
    path
}

fn ocfl_add(root: &Path, input: &Path, epoch: &str, message: &str) {
    let out = newsarc()
        .env("SOURCE_DATE_EPOCH", epoch)
        .args(["ocfl", "add", "--root"])
        .arg(root)
        .arg(input)
        .args(["--message", message, "--user-name", "Desk Editor"])
        .output()
        .unwrap();
    ok(out);
}

/// Every file and folder below `dir`, with the bytes of each file.
fn tree(dir: &Path) -> std::collections::BTreeMap<PathBuf, Option<Vec<u8>>> {
    let mut out = std::collections::BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            let relative = path.strip_prefix(dir).unwrap().to_path_buf();
            if path.is_dir() {
                out.insert(relative, None);
                pending.push(path);
            } else {
                out.insert(relative, Some(std::fs::read(&path).unwrap()));
            }
        }
    }
    out
}

/// The words inside each `<tag>` of `html`, without the text meant for screen readers only.
fn marked(html: &str, tag: &str) -> Vec<String> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    html.split(&open)
        .skip(1)
        .map(|part| {
            let inner = &part[..part.find(&close).unwrap()];
            let mut text = String::new();
            let mut rest = inner;
            while let Some(at) = rest.find("<span class=\"visually-hidden\"") {
                text.push_str(&rest[..at]);
                rest = &rest[at..];
                rest = &rest[rest.find("</span>").unwrap() + "</span>".len()..];
            }
            text.push_str(rest);
            text
        })
        .collect()
}

/// A storage root of three articles: `harbour` corrected (one word of the body) in v2 and (one
/// word of the headline) in v3, `market` rendered again in v2 (its source unchanged), `library`
/// added once.
fn corrected_root(dir: &Path) -> PathBuf {
    let input = dir.join("desk");
    let harbour_v1 = "Port Aldous, March 3 -- The harbour reopened on Tuesday after three weeks of repairs.\n\n\
                      Fishing boats <returned> at dawn & the fish market opened at nine.";
    story(&input, "harbour", "Harbour reopens after repairs", harbour_v1);
    story(&input, "library", "Library extends its hours", "Port Aldous -- The library now opens on Sundays.");
    story(&input, "market", "Market moves to the quay", "Port Aldous -- The Saturday market moves to the quay.");
    let root = dir.join("archive");
    ocfl_add(&root, &input, "1709424000", "First edition");
    // The correction: one word.
    story(&input, "harbour", "Harbour reopens after repairs", &harbour_v1.replace("Tuesday", "Wednesday"));
    ocfl_add(&root, &input.join("harbour.txt"), "1709456400", "Corrected the day the harbour reopened");
    // A second correction, of the headline alone.
    story(&input, "harbour", "Harbour reopens after long repairs", &harbour_v1.replace("Tuesday", "Wednesday"));
    ocfl_add(&root, &input.join("harbour.txt"), "1709460000", "Corrected the headline");
    // Added again a day later: rendered again, the source unchanged.
    ocfl_add(&root, &input.join("market.txt"), "1709510400", "Rendered again");
    root
}

#[test]
fn a_storage_root_gives_a_site_with_each_articles_corrections() {
    let tmp = tempfile::tempdir().unwrap();
    let root = corrected_root(tmp.path());
    let before = tree(&root);
    let site = tmp.path().join("site");
    let out = ok(run(&[&"site", &root, &"-o", &site]));
    assert!(String::from_utf8_lossy(&out.stderr).contains("3 article pages"), "{out:?}");
    assert_eq!(tree(&root), before, "the storage root was written into");

    let home = read(&site.join("index.html"));
    assert!(home.contains("<dt>Articles</dt><dd>3</dd>"), "{home}");
    assert!(home.contains("<dt>Articles with corrections</dt><dd>1</dd>"), "{home}");
    assert!(home.contains("<dt>Versions</dt><dd>6</dd>"), "{home}");
    assert!(home.contains("<dt>OCFL storage root</dt><dd><code>archive</code></dd>"), "{home}");

    // Lists say which articles were corrected.
    let listed = read(&site.join("browse/date/2024.html"));
    let item = |name: &str| {
        let at = listed.find(&format!("articles/{name}.html")).unwrap();
        listed[at..at + listed[at..].find("</li>").unwrap()].to_string()
    };
    assert!(item("harbour").contains("corrected 2 times"), "{listed}");
    assert!(!item("library").contains("corrected") && !item("market").contains("corrected"), "{listed}");

    // The corrected article: the head version's text, and every version, newest first.
    let harbour = read(&site.join("articles/harbour.html"));
    assert!(harbour.contains("<article lang=\"en\" dir=\"ltr\""), "{harbour}");
    let body = &harbour[harbour.find("<div class=\"body\">").unwrap()..harbour.find("</article>").unwrap()];
    assert!(body.contains("reopened on Wednesday after") && !body.contains("Tuesday"), "{body}");
    let section = &harbour[harbour.find("<h2 id=\"versions\">Corrections and versions</h2>").expect("no versions")..];
    let section = &section[..section.find("</section>").unwrap()];
    let v3 = section.find("<h3 id=\"version-v3\">Version 3").expect("no v3");
    let v2 = section.find("<h3 id=\"version-v2\">Version 2").expect("no v2");
    let v1 = section.find("<h3 id=\"version-v1\">Version 1").expect("no v1");
    assert!(v3 < v2 && v2 < v1, "not newest first: {section}");
    assert!(section.contains("This article has 3 versions, 2 corrections that changed its text."), "{section}");
    // v3: the headline's word, the body unchanged.
    assert!(section[v3..v2].contains("<p class=\"message\">Corrected the headline</p>"), "{section}");
    assert!(section[v3..v2].contains("Headline:</strong> Harbour reopens after <ins>"), "{section}");
    assert_eq!(marked(&section[v3..v2], "ins"), ["long"], "{section}");
    assert!(marked(&section[v3..v2], "del").is_empty(), "{section}");
    assert!(section[v3..v2].contains("(the body unchanged)"), "{section}");
    assert!(harbour.contains("<h1 id=\"headline\">Harbour reopens after long repairs</h1>"));
    // 1709456400 is 2024-03-03 09:00 UTC, 1709460000 10:00; 1709424000 is midnight.
    assert!(section.contains("<time datetime=\"2024-03-03T10:00:00Z\">3 March 2024, 10:00 UTC</time>"), "{section}");
    assert!(section.contains("<time datetime=\"2024-03-03T09:00:00Z\">3 March 2024, 09:00 UTC</time>"), "{section}");
    assert!(section.contains("<time datetime=\"2024-03-03T00:00:00Z\">3 March 2024, 00:00 UTC</time>"), "{section}");
    assert!(section[v2..v1].contains("<p class=\"message\">Corrected the day the harbour reopened</p>"), "{section}");
    assert!(section[v1..].contains("<p class=\"message\">First edition</p>"), "{section}");
    assert!(section.contains("<div class=\"diff\" lang=\"en\" dir=\"ltr\">"), "{section}");
    assert_eq!(marked(&section[v2..v1], "del"), ["Tuesday"], "{section}");
    assert_eq!(marked(&section[v2..v1], "ins"), ["Wednesday"], "{section}");
    assert!(!section[v2..v1].contains("Headline:"), "the headline did not change in v2: {section}");
    assert!(section.contains("[removed: ") && section.contains("[added: "), "no words for screen readers: {section}");
    // The word in its sentence; the paragraph that did not change is not repeated, only counted.
    assert!(section[v2..v1].contains("The harbour reopened on <del>"), "{section}");
    assert!(section[v2..v1].contains("(1 paragraph unchanged)"), "{section}");
    assert!(!section.contains("Fishing boats"), "an unchanged paragraph is shown in the diff: {section}");
    assert!(harbour.contains("as its version v3 holds them"), "{harbour}");

    // Rendered again: two versions, the second said to be so, no diff.
    let market = read(&site.join("articles/market.html"));
    assert!(market.contains("<h3 id=\"version-v2\">Version 2"), "{market}");
    assert!(market.contains("Rendered again: the renditions are new, the source is the one before."), "{market}");
    assert!(!market.contains("<del>") && !market.contains("<ins>"), "{market}");

    // Never corrected: one version, no diff.
    let library = read(&site.join("articles/library.html"));
    assert!(library.contains("This article has one version, v1: it has not been corrected."), "{library}");
    assert!(library.contains("<h3 id=\"version-v1\">Version 1") && !library.contains("version-v2"), "{library}");
    assert!(!library.contains("<del>") && !library.contains("<ins>") && !library.contains("class=\"diff\""));
    // The files offered are the head version's, byte for byte.
    let stored = newsarc::ocfl::root::Root::open(&root)
        .unwrap()
        .object("https://news.example.org/2024/03/harbour")
        .unwrap()
        .unwrap();
    let head = stored.inventory.head;
    for file in ["source.txt", "article.xml", "article.epub", "metadata.json"] {
        let held = newsarc::ocfl::history::read_file(&stored, head, file).unwrap().unwrap();
        assert_eq!(std::fs::read(site.join("articles/harbour").join(file)).unwrap(), held, "{file}");
        assert!(harbour.contains(&sha256_hex(&held)), "the SHA-256 of {file} is not shown");
    }
    assert!(std::fs::read_to_string(site.join("articles/harbour/source.txt")).unwrap().contains("Wednesday"));

    // The same root again: the same bytes; a second folder built from it is identical.
    let again = tmp.path().join("again");
    ok(run(&[&"site", &root, &"-o", &again, &"--jobs", &"1"]));
    assert!(newsarc::output::same_tree(&site, &again).unwrap(), "two builds of one root differ");
    let out = ok(run(&[&"site", &root, &"-o", &site]));
    assert!(String::from_utf8_lossy(&out.stderr).contains("left unchanged"), "{out:?}");
    // Never inside the root.
    let out = run(&[&"site", &root, &"-o", &root.join("site"), &"--force"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert_eq!(tree(&root), before, "the storage root was written into");
}

#[test]
fn a_damaged_object_is_left_out_and_a_damaged_file_is_said() {
    let tmp = tempfile::tempdir().unwrap();
    let root = corrected_root(tmp.path());
    let object = |name: &str| {
        let id = format!("https://news.example.org/2024/03/{name}");
        let store = newsarc::ocfl::root::Root::open(&root).unwrap();
        store.object_path(&id)
    };
    // The market's inventory no longer matches its sidecar; a content file of the library changed.
    let inventory = object("market").join("inventory.json");
    let mut bytes = std::fs::read(&inventory).unwrap();
    bytes.extend_from_slice(b" ");
    std::fs::write(&inventory, bytes).unwrap();
    std::fs::write(object("library").join("v1/content/article.json"), "{}").unwrap();
    let before = tree(&root);

    let site = tmp.path().join("site");
    let out = run(&[&"site", &root, &"-o", &site]);
    assert_eq!(out.status.code(), Some(1), "an object left out is exit status 1: {out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("is damaged") && stderr.contains("E060"), "{stderr}");
    assert!(stderr.contains("2 article pages"), "{stderr}");
    assert!(!site.join("articles/market.html").exists());
    let library = read(&site.join("articles/library.html"));
    assert!(library.contains("does not match its digest in the manifest"), "{library}");
    assert!(
        library.contains("article.json <span class=\"note\">(not offered: see the notes below)</span>"),
        "{library}"
    );
    assert!(!site.join("articles/library/article.json").exists(), "a damaged file is offered");
    assert!(site.join("articles/harbour.html").exists());
    assert_eq!(tree(&root), before, "the storage root was written into");
}
