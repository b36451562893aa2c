//! HTML pages (a scraper's or crawler's saved page) into an [`Article`]: the main text as the
//! body, the metadata the page publishes, nothing fetched.
//!
//! The steps, each a function here:
//!
//! 1. [`decode`]: bytes to text as browsers decide the encoding: a byte order mark, else the
//!    `<meta charset>` or `http-equiv="content-type"` of the first 1024 bytes, else UTF-8 when the
//!    bytes are valid UTF-8, else windows-1252 (what `ISO-8859-1` means to a browser too).
//! 2. [`Meta::of`]: the metadata, read from the whole parsed page before extraction changes it:
//!    JSON-LD `NewsArticle`/`Article`/`BlogPosting` (in `@graph` too), then OpenGraph and
//!    `article:*` meta tags, `<meta name=author|date>`, `<time datetime>`, `<link rel=canonical>`,
//!    `<html lang>`; a publication date the page states nowhere else is taken from its URL
//!    (`/2024/03/05/`) or from the first date written out in its text (`March 5, 2024`). The
//!    headline is the page's `<h1>` when it agrees with `og:title` or `<title>` (less a site
//!    suffix such as ` | Daily Courier`), else the first of those.
//! 3. [`prune`]: what is never article text is removed from the page first: navigation,
//!    buttons, frames, dialogs.
//! 4. dom_smoothie (a Readability port) finds the main content; [`clean`] drops what is left of
//!    link lists (teasers, "read more"), then the content is turned into an XML tree of its own
//!    ([`node_of`], depth-bounded) and read into blocks by [`super::xhtml`] as other
//!    producers' XHTML is: paragraphs, headings, lists, quotes, tables, links, images.
//! 5. A byline paragraph (`By Jane Doe`) and a dateline are found in the body as the text reader
//!    finds them; the language is the page's when it states a valid tag, else detected.
//!
//! A page with too little main text (a listing, an index, an error page), or one nested deeper
//! than [`MAX_PAGE_DEPTH`] elements, is refused ([`ReadError::NotAnArticle`]) rather than
//! archived as an article.

use super::xml::{Element, Node};
use super::{ReadError, ReadOptions, dateline, language, xhtml};
use crate::model::text::{plain_text, word_count};
use crate::model::{
    Article, Block, Direction, Inline, LanguageOrigin, LineEndings, PartialDate, SourceFile, Timestamp,
    TimestampOrigin, UriOrigin, Warning, WarningCode,
};
use dom_query::{Document, NodeRef};
use sha2::{Digest, Sha256};

/// Fewest words of main text an article has; fewer is a listing, an index or an error page.
pub const MIN_ARTICLE_WORDS: usize = 40;
/// Deepest element nesting turned into blocks; deeper content is kept as its text.
const MAX_DEPTH: usize = 128;
/// Deepest nesting of elements read (news pages nest a few dozen deep): parsing and extraction
/// cost more than linear time in the depth, so a hostile page nested deeper is refused.
pub const MAX_PAGE_DEPTH: usize = 1000;
/// Bytes in which a `<meta>` charset declaration is looked for, as browsers do.
const PRESCAN: usize = 1024;

/// Reads an HTML page's bytes into an [`Article`].
pub fn read(bytes: &[u8], options: &ReadOptions) -> Result<Article, ReadError> {
    let size = bytes.len() as u64;
    if size > options.max_input_size {
        return Err(ReadError::TooLarge { size, limit: options.max_input_size });
    }
    if bytes.is_empty() {
        return Err(ReadError::Empty);
    }
    let sha256 = hex::encode(Sha256::digest(bytes));
    let decoded = decode(bytes);
    let mut warnings = Vec::new();
    if decoded.replaced {
        warnings.push(Warning::new(
            WarningCode::InvalidUtf8Replaced,
            format!("bytes not valid in the page's encoding ({}) were replaced by U+FFFD", decoded.encoding),
        ));
    }
    let depth = nesting(&decoded.text);
    if depth > MAX_PAGE_DEPTH {
        return Err(ReadError::NotAnArticle {
            why: format!("its elements nest {depth} deep, deeper than the {MAX_PAGE_DEPTH} newsarc reads"),
        });
    }
    let document = Document::from(decoded.text.as_str());
    let meta = Meta::of(&document);
    prune(&document);
    let content = extract(document).unwrap_or_else(|| fallback(&decoded.text));
    let content = Document::fragment(content);
    clean(&content);
    let root = Element {
        namespace: None,
        name: "body".to_string(),
        attributes: Vec::new(),
        children: content.root().children_it(false).filter_map(|n| node_of(&n, 0)).collect(),
    };
    let mut body = xhtml::blocks(&root, xhtml::Whitespace::Html, &mut warnings);
    drop_headline(&mut body, meta.headline.as_deref());
    let words = word_count(&body);
    if words < MIN_ARTICLE_WORDS {
        return Err(ReadError::NotAnArticle {
            why: format!(
                "its main text is {words} word{}, fewer than the {MIN_ARTICLE_WORDS} of an article (a listing, an index or an error page?)",
                if words == 1 { "" } else { "s" }
            ),
        });
    }
    let linked = linked_words(&body);
    if linked * 2 > words {
        return Err(ReadError::NotAnArticle {
            why: format!("{linked} of the {words} words of its main text are links (a listing or an index?)"),
        });
    }
    let found_byline = super::text::take_byline(&mut body);
    let dateline = body.first().and_then(|b| match b {
        Block::Paragraph { content } => dateline::parse(&plain_text(content)),
        _ => None,
    });
    if meta.headline.is_none() {
        warnings.push(Warning::new(WarningCode::NoHeadline, "no headline found (no <h1>, og:title or <title>)"));
    }
    let (language, language_origin, direction) = match meta.language.as_deref() {
        Some(tag) => (tag.to_string(), LanguageOrigin::Document, Direction::of_language(tag)),
        None => {
            let (language, origin, direction, warning) = language::detect_article(meta.headline.as_deref(), &body);
            warnings.extend(warning);
            (language, origin, direction)
        }
    };
    let from_dateline = dateline.as_ref().and_then(|d| d.date);
    let date = match (meta.published.as_ref().map(|p| p.date), from_dateline) {
        (Some(page), Some(line)) => Some(line.combine(&page).unwrap_or(page)),
        (page, line) => page.or(line),
    };
    let version_created =
        meta.modified.as_ref().and_then(|m| m.time).or_else(|| meta.published.as_ref().and_then(|p| p.time));
    let mut article = Article {
        id: super::default_id(options.source_name.as_deref(), &sha256),
        uri: String::new(),
        uri_origin: UriOrigin::Digest,
        original_id: None,
        headline: meta.headline,
        byline: meta.authors.or(found_byline),
        date,
        dateline,
        version_created,
        version_created_origin: version_created.map(|_| TimestampOrigin::Document),
        language,
        language_origin,
        direction,
        word_count: word_count(&body),
        body,
        source_url: meta.url,
        publisher: meta.publisher,
        source: Some(SourceFile {
            name: options.source_name.clone(),
            size,
            sha256,
            bom: decoded.bom,
            line_endings: line_endings(&decoded.text),
            sidecar: None,
        }),
        warnings,
    };
    super::settle_uri(&mut article, &super::UriBasis { path: super::uri_path(options), ..Default::default() });
    Ok(article)
}

/// How deep the page's start tags nest, counted on the text before parsing (an upper bound of
/// the tree's depth: elements that close themselves, such as `p` and `li`, and void elements are
/// not counted).
fn nesting(text: &str) -> usize {
    const NOT_COUNTED: &[&str] = &[
        "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead", "tbody", "tfoot", "rp", "rt", "br",
        "img", "meta", "link", "input", "hr", "area", "base", "col", "embed", "source", "track", "wbr", "param",
        "keygen", "frame",
    ];
    let bytes = text.as_bytes();
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut at = 0;
    while let Some(open) = memchr(b'<', &bytes[at..]) {
        let tag = &bytes[at + open + 1..];
        let closing = tag.first() == Some(&b'/');
        let name_start = usize::from(closing);
        let name_len = tag[name_start..].iter().take_while(|b| b.is_ascii_alphanumeric()).count();
        at += open + 1;
        if name_len == 0 {
            continue;
        }
        let name = text[at + name_start..at + name_start + name_len].to_ascii_lowercase();
        if NOT_COUNTED.contains(&name.as_str()) {
            continue;
        }
        let end = memchr(b'>', tag).unwrap_or(tag.len());
        if closing {
            depth = depth.saturating_sub(1);
        } else if end == 0 || tag[end - 1] != b'/' {
            depth += 1;
            deepest = deepest.max(depth);
        }
    }
    deepest
}

fn memchr(needle: u8, haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|&b| b == needle)
}

/// A page's text and what decoding it found.
struct Decoded {
    text: String,
    bom: bool,
    encoding: &'static str,
    replaced: bool,
}

/// The page's text, in the encoding a browser would choose (see the module's overview).
fn decode(bytes: &[u8]) -> Decoded {
    let (encoding, bom) = match encoding_rs::Encoding::for_bom(bytes) {
        Some((encoding, length)) => (encoding, length),
        // A page that declares nothing and is not UTF-8 is in the legacy default browsers use.
        None => match declared_charset(&bytes[..bytes.len().min(PRESCAN)]) {
            Some(declared) => (declared, 0),
            None if std::str::from_utf8(bytes).is_err() => (encoding_rs::WINDOWS_1252, 0),
            None => (encoding_rs::UTF_8, 0),
        },
    };
    let (text, replaced) = encoding.decode_without_bom_handling(&bytes[bom..]);
    Decoded { text: text.into_owned(), bom: bom > 0, encoding: encoding.name(), replaced }
}

/// The encoding a `<meta charset>` or `<meta http-equiv="content-type">` of the prescan names;
/// UTF-16 named in a page that is read as bytes means UTF-8, as browsers take it.
fn declared_charset(head: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let mut rest = head.as_str();
    while let Some(start) = rest.find("<meta") {
        let tag = &rest[start..];
        let end = tag.find('>').unwrap_or(tag.len());
        let attrs = &tag[5..end];
        rest = &tag[end..];
        let label = if let Some(at) = attrs.find("charset") {
            let value = attrs[at + 7..].trim_start();
            let Some(value) = value.strip_prefix('=') else { continue };
            value.trim_start().trim_start_matches(['"', '\'']).split(['"', '\'', ';', ' ', '/', '>']).next()
        } else {
            None
        };
        let Some(label) = label.filter(|l| !l.is_empty()) else { continue };
        if let Some(encoding) = encoding_rs::Encoding::for_label(label.as_bytes()) {
            return Some(if encoding == encoding_rs::UTF_16LE || encoding == encoding_rs::UTF_16BE {
                encoding_rs::UTF_8
            } else if encoding == encoding_rs::X_USER_DEFINED {
                encoding_rs::WINDOWS_1252
            } else {
                encoding
            });
        }
    }
    None
}

fn line_endings(text: &str) -> LineEndings {
    let crlf = text.matches("\r\n").count();
    let lf = text.matches('\n').count() - crlf;
    let cr = text.matches('\r').count() - crlf;
    match (lf > 0, crlf > 0, cr > 0) {
        (false, false, false) => LineEndings::None,
        (true, false, false) => LineEndings::Lf,
        (false, true, false) => LineEndings::Crlf,
        (false, false, true) => LineEndings::Cr,
        _ => LineEndings::Mixed,
    }
}

/// A date a page gives: the calendar date as the page wrote it (not moved to UTC), and the
/// moment when it gives a time too.
#[derive(Debug, Clone, PartialEq, Eq)]
struct PageDate {
    date: PartialDate,
    time: Option<Timestamp>,
}

fn page_date(value: &str) -> Option<PageDate> {
    let value = value.trim();
    let date: PartialDate = value.get(..10)?.parse().ok().filter(PartialDate::is_complete)?;
    let rest = &value[10..];
    let time = rest.strip_prefix(['T', ' ']).and_then(|_| {
        let mut t = format!("{}T{}", &value[..10], &rest[1..]);
        // `+0200`: the offset without its colon, which many pages write.
        if let Some(sign) = t.rfind(['+', '-']).filter(|&i| i > 11 && t.len() - i == 5) {
            t.insert(sign + 3, ':');
        }
        // Fractions of a second: the model keeps whole seconds.
        if let Some(dot) = t.find('.') {
            let end = t[dot..].find(|c: char| !c.is_ascii_digit() && c != '.').map_or(t.len(), |e| dot + e);
            t.replace_range(dot..end, "");
        }
        // A time without seconds.
        if t.len() >= 16 && t.as_bytes().get(16).is_none_or(|&b| b != b':') && t[11..16].contains(':') {
            t.insert_str(16, ":00");
        }
        t.parse::<Timestamp>().ok()
    });
    Some(PageDate { date, time })
}

/// A date in a URL's path (`/2024/03/05/`, `/2024-03-05/`).
fn date_in_url(url: &str) -> Option<PageDate> {
    static DATE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"/((?:19|20)\d\d)[/-](\d\d)[/-](\d\d)(?:/|-|$)").expect("a constant pattern")
    });
    let c = DATE.captures(url)?;
    let date = PartialDate::new(c[1].parse().ok(), c[2].parse().ok(), c[3].parse().ok()).ok()?;
    Some(PageDate { date, time: None })
}

/// The first date written out in English in the page's text (`March 5, 2024`, `5 March 2024`,
/// `Mar. 5th, 2024`), within its first 20,000 characters.
fn date_in_text(text: &str) -> Option<PageDate> {
    const MONTH: &str = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";
    static DATE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(&format!(
            r"(?i)\b(?:{MONTH}\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+((?:19|20)\d\d)|(\d{{1,2}})(?:st|nd|rd|th)?\s+{MONTH}\.?,?\s+((?:19|20)\d\d))\b"
        ))
        .expect("a constant pattern")
    });
    let end = text.char_indices().nth(20_000).map_or(text.len(), |(i, _)| i);
    let c = DATE.captures(&text[..end])?;
    let (month, day, year) = match c.get(1) {
        Some(m) => (m.as_str(), &c[2], &c[3]),
        None => (&c[5], &c[4], &c[6]),
    };
    let month = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        .iter()
        .position(|m| month.to_ascii_lowercase().starts_with(m))? as u8
        + 1;
    let date = PartialDate::new(year.parse().ok(), Some(month), day.parse().ok()).ok()?;
    Some(PageDate { date, time: None })
}

/// What a page publishes about its article.
#[derive(Debug, Default)]
struct Meta {
    headline: Option<String>,
    authors: Option<String>,
    published: Option<PageDate>,
    modified: Option<PageDate>,
    publisher: Option<String>,
    language: Option<String>,
    url: Option<String>,
}

/// What a page's JSON-LD says of its article.
#[derive(Debug, Default)]
struct LinkedData {
    headline: Option<String>,
    authors: Vec<String>,
    published: Option<String>,
    modified: Option<String>,
    publisher: Option<String>,
    language: Option<String>,
    url: Option<String>,
}

impl Meta {
    fn of(doc: &Document) -> Meta {
        let ld = linked_data(doc);
        let meta = |keys: &[&str]| -> Option<String> {
            keys.iter().find_map(|key| {
                doc.select("meta")
                    .iter()
                    .filter(|m| {
                        let named = |a: &str| m.attr(a).is_some_and(|v| v.trim().eq_ignore_ascii_case(key));
                        named("property") || named("name") || named("itemprop")
                    })
                    .find_map(|m| m.attr("content").map(|c| clean_text(&c)).filter(|c| !c.is_empty()))
            })
        };
        let title = doc.select("title").iter().next().map(|t| clean_text(&t.text())).filter(|t| !t.is_empty());
        let og_title = meta(&["og:title", "twitter:title"]);
        let headline = headline(doc, &[og_title.as_deref(), ld.headline.as_deref(), title.as_deref()]);

        let authors = (!ld.authors.is_empty()).then(|| join_names(&ld.authors)).or_else(|| {
            meta(&["author", "article:author", "byl", "dc.creator", "parsely-author", "sailthru.author"])
                .filter(|a| !a.starts_with("http"))
                .map(|a| a.strip_prefix("By ").or_else(|| a.strip_prefix("by ")).unwrap_or(&a).to_string())
        });
        let time = doc
            .select("time[datetime]")
            .iter()
            .filter_map(|t| t.attr("datetime"))
            .find_map(|d| page_date(&d))
            .map(Some)
            .unwrap_or(None);
        let published = ld
            .published
            .as_deref()
            .and_then(page_date)
            .or_else(|| {
                meta(&[
                    "article:published_time",
                    "datePublished",
                    "date",
                    "pubdate",
                    "publishdate",
                    "publish-date",
                    "dc.date",
                    "dc.date.issued",
                    "dcterms.created",
                    "parsely-pub-date",
                    "sailthru.date",
                    "og:published_time",
                ])
                .as_deref()
                .and_then(page_date)
            })
            .or(time)
            .or_else(|| {
                doc.select("[itemprop=datePublished]")
                    .iter()
                    .filter_map(|e| e.attr("datetime").or_else(|| e.attr("content")).map(|d| d.to_string()))
                    .find_map(|d| page_date(&d))
            });
        let modified = ld.modified.as_deref().and_then(page_date).or_else(|| {
            meta(&["article:modified_time", "dateModified", "og:updated_time"]).as_deref().and_then(page_date)
        });
        let publisher = ld.publisher.or_else(|| meta(&["og:site_name", "publisher", "application-name"]));
        let lang = doc.select("html").iter().next().and_then(|h| h.attr("lang")).map(|l| l.to_string());
        let locale = meta(&["og:locale"]);
        let language = [lang, ld.language, locale].into_iter().flatten().find_map(|l| language_tag(&l));
        let canonical = doc
            .select("link[rel]")
            .iter()
            .filter(|l| {
                l.attr("rel").is_some_and(|r| r.split_whitespace().any(|r| r.eq_ignore_ascii_case("canonical")))
            })
            .find_map(|l| l.attr("href").map(|h| h.trim().to_string()));
        let url = [canonical, meta(&["og:url"]), ld.url].into_iter().flatten().find(|u| absolute_url(u));
        let published = published
            .or_else(|| url.as_deref().and_then(date_in_url))
            .or_else(|| doc.body().and_then(|b| date_in_text(&b.text())));
        Meta { headline, authors, published, modified, publisher, language, url }
    }
}

/// `en`, `en-US` from `en_US`, `EN-us`; `None` for what is not a language tag.
fn language_tag(value: &str) -> Option<String> {
    let value = value.trim().replace('_', "-");
    let mut parts = value.split('-');
    let primary = parts.next()?.to_ascii_lowercase();
    if !(2..=3).contains(&primary.len()) || !primary.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let mut tag = primary;
    for part in parts {
        if part.is_empty() || part.len() > 8 || !part.chars().all(|c| c.is_ascii_alphanumeric()) {
            return None;
        }
        tag.push('-');
        tag.push_str(&if part.len() == 2 { part.to_ascii_uppercase() } else { part.to_string() });
    }
    crate::model::is_language_tag(&tag).then_some(tag)
}

fn absolute_url(u: &str) -> bool {
    (u.starts_with("https://") || u.starts_with("http://")) && u.len() > 8 && !u.contains(char::is_whitespace)
}

fn clean_text(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `A`, `A and B`, `A, B and C`.
fn join_names(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The headline: the first `<h1>` that agrees with a title the page gives (the same text, or the
/// start of it before a site suffix), else that title less its suffix, else the first `<h1>`.
fn headline(doc: &Document, titles: &[Option<&str>]) -> Option<String> {
    let titles: Vec<&str> = titles.iter().flatten().copied().filter(|t| !t.is_empty()).collect();
    let h1s: Vec<String> =
        doc.select("h1").iter().map(|h| clean_text(&h.text())).filter(|h| !h.is_empty()).take(8).collect();
    let fold = |s: &str| s.to_lowercase().chars().filter(|c| c.is_alphanumeric()).collect::<String>();
    for h1 in &h1s {
        let h = fold(h1);
        if h.len() >= 8 && titles.iter().any(|t| fold(t).starts_with(&h) || h.starts_with(&fold(strip_site(t)))) {
            return Some(h1.clone());
        }
    }
    titles.first().map(|t| strip_site(t).to_string()).or_else(|| h1s.into_iter().next())
}

/// A title less a site suffix (` | Courier`, ` - Courier`, ` — Courier`).
fn strip_site(title: &str) -> &str {
    for separator in [" | ", " – ", " — ", " - ", " :: ", " · "] {
        if let Some((head, tail)) = title.rsplit_once(separator)
            && tail.split_whitespace().count() <= 4
            && head.split_whitespace().count() >= 2
        {
            return strip_site(head.trim());
        }
    }
    title
}

/// The article object of the page's JSON-LD (the first one typed as an article kind).
fn linked_data(doc: &Document) -> LinkedData {
    let mut found = LinkedData::default();
    for script in doc.select("script").iter() {
        let kind = script.attr("type").map(|t| t.trim().to_ascii_lowercase());
        if kind.as_deref() != Some("application/ld+json") {
            continue;
        }
        let Ok(value) = serde_json::from_str::<serde_json::Value>(script.text().trim()) else { continue };
        let mut objects = Vec::new();
        collect_objects(&value, 0, &mut objects);
        if let Some(article) = objects.into_iter().find(|o| is_article(o)) {
            found = linked_article(article);
            break;
        }
    }
    found
}

fn collect_objects<'a>(value: &'a serde_json::Value, depth: usize, out: &mut Vec<&'a serde_json::Value>) {
    if depth > 8 {
        return;
    }
    match value {
        serde_json::Value::Array(items) => items.iter().for_each(|i| collect_objects(i, depth + 1, out)),
        serde_json::Value::Object(map) => {
            out.push(value);
            if let Some(graph) = map.get("@graph") {
                collect_objects(graph, depth + 1, out);
            }
        }
        _ => {}
    }
}

fn is_article(object: &serde_json::Value) -> bool {
    let kind = |t: &str| {
        let t = t.rsplit(['/', ':']).next().unwrap_or(t);
        t.ends_with("Article") || t == "BlogPosting" || t == "Report" || t == "LiveBlogPosting"
    };
    match object.get("@type") {
        Some(serde_json::Value::String(t)) => kind(t),
        Some(serde_json::Value::Array(ts)) => ts.iter().filter_map(|t| t.as_str()).any(kind),
        _ => false,
    }
}

fn linked_article(o: &serde_json::Value) -> LinkedData {
    let text = |v: Option<&serde_json::Value>| -> Option<String> {
        let v = v?;
        let s = match v {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Object(m) => {
                m.get("name").or_else(|| m.get("@id")).and_then(|n| n.as_str())?.to_string()
            }
            serde_json::Value::Array(items) => return items.iter().find_map(|i| i.as_str().map(str::to_string)),
            _ => return None,
        };
        Some(decode_entities(&clean_text(&s))).filter(|s| !s.is_empty())
    };
    let mut authors = Vec::new();
    let mut push_author = |v: &serde_json::Value| {
        let name = match v {
            serde_json::Value::String(s) => Some(s.as_str()),
            serde_json::Value::Object(m) => m.get("name").and_then(|n| n.as_str()),
            _ => None,
        };
        if let Some(name) =
            name.map(|n| decode_entities(&clean_text(n))).filter(|n| !n.is_empty() && !n.starts_with("http"))
            && !authors.contains(&name)
        {
            authors.push(name);
        }
    };
    match o.get("author").or_else(|| o.get("creator")) {
        Some(serde_json::Value::Array(items)) => items.iter().for_each(&mut push_author),
        Some(v) => push_author(v),
        None => {}
    }
    let url = text(o.get("url")).or_else(|| text(o.get("mainEntityOfPage")));
    LinkedData {
        headline: text(o.get("headline")).or_else(|| text(o.get("name"))),
        authors,
        published: text(o.get("datePublished")).or_else(|| text(o.get("dateCreated"))),
        modified: text(o.get("dateModified")),
        publisher: text(o.get("publisher")),
        language: text(o.get("inLanguage")),
        url,
    }
}

/// Character entities left in JSON-LD text (`Maria &amp; Katerina`).
fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let doc = Document::fragment(format!("<p>{}</p>", s.replace('<', "&lt;")));
    clean_text(&doc.root().text())
}

/// Removes what is never article text (navigation, buttons, frames, dialogs) from the page.
/// Removing more before extraction (forms, `aria-hidden`, `aside`, containers whose class or id
/// says share, related, comments, cookie, newsletter...) lowered recall on the tuning half of
/// both benchmarks more than it raised precision: dom_smoothie already weighs those names.
fn prune(doc: &Document) {
    doc.select("nav, button, iframe, dialog, [role=navigation]").remove();
}

/// The main content's HTML, by dom_smoothie; `None` when it finds none.
fn extract(doc: Document) -> Option<String> {
    let config = dom_smoothie::Config { max_elements_to_parse: 200_000, ..Default::default() };
    let mut readability = dom_smoothie::Readability::with_document(doc, None, Some(config)).ok()?;
    let article = readability.parse().ok()?;
    Some(article.content.to_string())
}

/// When extraction finds nothing: the page's paragraphs.
fn fallback(text: &str) -> String {
    let doc = Document::from(text);
    prune(&doc);
    doc.select("p").iter().map(|p| p.html().to_string()).collect()
}

/// Drops link lists and link-only paragraphs left in the content (teasers, "read more"). The
/// words and linked words of every node are counted once, children before parents (no
/// recursion, linear in the content's size).
fn clean(content: &Document) {
    let nodes: Vec<NodeRef> = content.root().descendants_it().collect();
    let mut counts: std::collections::HashMap<dom_query::NodeId, (usize, usize)> =
        std::collections::HashMap::with_capacity(nodes.len());
    let mut doomed = Vec::new();
    // Document order has every node before its descendants: reversed, children come first.
    for node in nodes.iter().rev() {
        let (words, mut linked) = if node.is_text() {
            (node.text().split_whitespace().count(), 0)
        } else {
            node.children_it(false).filter_map(|c| counts.get(&c.id)).fold((0, 0), |(w, l), c| (w + c.0, l + c.1))
        };
        let name = node.node_name();
        if name.as_deref() == Some("a") {
            linked = words;
        }
        counts.insert(node.id, (words, linked));
        let list = matches!(name.as_deref(), Some("ul" | "ol"));
        let block = matches!(name.as_deref(), Some("p" | "div" | "table"));
        let dense = words > 0 && linked * 10 > words * 7;
        if (list && dense) || (block && dense && words < 25) {
            doomed.push(*node);
        }
    }
    for node in doomed {
        node.remove_from_parent();
    }
}

/// A node of the content as the XML tree `xhtml` reads; below [`MAX_DEPTH`], its text only.
fn node_of(node: &NodeRef, depth: usize) -> Option<Node> {
    if node.is_text() {
        return Some(Node::Text(node.text().to_string()));
    }
    if !node.is_element() {
        return None;
    }
    let name = match node.node_name()?.to_ascii_lowercase() {
        // A fragment's own wrappers are containers, as `div` is.
        name if matches!(name.as_str(), "html" | "body") => "div".to_string(),
        name => name,
    };
    if matches!(name.as_str(), "script" | "style" | "template" | "svg" | "math" | "button" | "select" | "input") {
        return None;
    }
    if depth >= MAX_DEPTH {
        return Some(Node::Text(node.text().to_string()));
    }
    let attributes = ["href", "src", "alt", "title", "start", "align", "style"]
        .iter()
        .filter_map(|&a| node.attr(a).map(|v| (a.to_string(), v.to_string())))
        .collect();
    let children = node.children_it(false).filter_map(|c| node_of(&c, depth + 1)).collect();
    Some(Node::Element(Element { namespace: None, name, attributes, children }))
}

/// Words of the body inside links.
fn linked_words(blocks: &[Block]) -> usize {
    fn of_inlines(inlines: &[Inline], in_link: bool) -> usize {
        inlines
            .iter()
            .map(|i| match i {
                Inline::Text { text } | Inline::Code { text } if in_link => text.split_whitespace().count(),
                Inline::Link { content, .. } => of_inlines(content, true),
                Inline::Emphasis { content } | Inline::Strong { content } => of_inlines(content, in_link),
                _ => 0,
            })
            .sum()
    }
    blocks
        .iter()
        .map(|b| match b {
            Block::Paragraph { content } | Block::Heading { content, .. } => of_inlines(content, false),
            Block::Quote { blocks } => linked_words(blocks),
            Block::List { items, .. } => items.iter().map(|i| linked_words(&i.blocks)).sum(),
            Block::Table { header, rows, .. } => {
                header.iter().chain(rows.iter().flatten()).map(|c| of_inlines(c, false)).sum()
            }
            _ => 0,
        })
        .sum()
}

/// The headline repeated as the body's first block goes: the article has it already.
fn drop_headline(body: &mut Vec<Block>, headline: Option<&str>) {
    let Some(headline) = headline else { return };
    let first = match body.first() {
        Some(Block::Heading { content, .. } | Block::Paragraph { content }) => clean_text(&plain_text(content)),
        _ => return,
    };
    if first == headline {
        body.remove(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_encoding_is_the_bom_then_the_meta_then_utf8_then_windows_1252() {
        assert_eq!(decode(b"\xEF\xBB\xBF<p>caf\xC3\xA9</p>").text, "<p>café</p>");
        assert_eq!(
            decode(b"<meta charset=\"iso-8859-1\"><p>caf\xE9</p>").text,
            "<meta charset=\"iso-8859-1\"><p>café</p>"
        );
        let equiv = b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1251\"><p>\xCC\xEE\xF1\xEA\xE2\xE0</p>";
        assert!(decode(equiv).text.ends_with("<p>Москва</p>"));
        assert_eq!(decode(b"<p>caf\xC3\xA9</p>").text, "<p>café</p>");
        assert_eq!(decode(b"<p>caf\xE9</p>").text, "<p>café</p>");
        assert_eq!(decode(b"<meta charset=utf-16><p>caf\xC3\xA9</p>").encoding, "UTF-8");
    }

    #[test]
    fn page_dates_keep_the_local_date_and_take_offsets_without_a_colon() {
        let d = page_date("2020-04-12T18:00:00-0700").unwrap();
        assert_eq!(d.date.to_string(), "2020-04-12");
        assert_eq!(d.time.unwrap().to_string(), "2020-04-13T01:00:00Z");
        assert_eq!(page_date("2024-03-05T09:30+01:00").unwrap().time.unwrap().to_string(), "2024-03-05T08:30:00Z");
        assert_eq!(page_date("2024-03-05T09:30:12.345Z").unwrap().time.unwrap().to_string(), "2024-03-05T09:30:12Z");
        assert_eq!(page_date("2024-03-05").unwrap().time, None);
        assert_eq!(page_date("March 5, 2024"), None);
        assert_eq!(page_date("2024-13-05"), None);
    }

    #[test]
    fn dates_in_urls_and_in_the_text() {
        let date = |d: Option<PageDate>| d.map(|d| d.date.to_string());
        assert_eq!(date(date_in_url("https://example.org/news/2024/03/05/ferry")).as_deref(), Some("2024-03-05"));
        assert_eq!(date(date_in_url("https://example.org/2024-03-05-ferry")).as_deref(), Some("2024-03-05"));
        assert_eq!(date(date_in_url("https://example.org/2024/13/05/ferry")), None);
        assert_eq!(date(date_in_url("https://example.org/news/20240305")), None);
        assert_eq!(date(date_in_text("Updated on July 9, 2025 at noon")).as_deref(), Some("2025-07-09"));
        assert_eq!(date(date_in_text("Posted 5th March 2024 by Kim")).as_deref(), Some("2024-03-05"));
        assert_eq!(date(date_in_text("Sept. 30, 2021")).as_deref(), Some("2021-09-30"));
        assert_eq!(date(date_in_text("February 30, 2022")), None);
        assert_eq!(date(date_in_text("In March 2024 the ferry")), None);
    }

    #[test]
    fn language_tags_from_pages() {
        assert_eq!(language_tag("en_US").as_deref(), Some("en-US"));
        assert_eq!(language_tag("EN-gb").as_deref(), Some("en-GB"));
        assert_eq!(language_tag("de").as_deref(), Some("de"));
        assert_eq!(language_tag("english"), None);
        assert_eq!(language_tag(""), None);
    }

    #[test]
    fn site_suffixes_leave_titles() {
        assert_eq!(
            strip_site("Ferry service resumes after storm | Daily Courier"),
            "Ferry service resumes after storm"
        );
        assert_eq!(strip_site("Ferry service resumes - Courier - News"), "Ferry service resumes");
        assert_eq!(strip_site("Ferry | Courier"), "Ferry | Courier");
    }

    #[test]
    fn names_are_joined() {
        let names: Vec<String> = ["Ana Ruiz", "Tom Lee", "Kim Park"].map(String::from).to_vec();
        assert_eq!(join_names(&names), "Ana Ruiz, Tom Lee and Kim Park");
        assert_eq!(join_names(&names[..1]), "Ana Ruiz");
    }
}
