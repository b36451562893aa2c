//! The site's pages as HTML: the home page, the browse pages and one page per article, with the
//! style sheet and the search script they share.
//!
//! Pages are semantic and accessible: landmarks (banner, navigation, main, contentinfo), one `h1`
//! and headings in order, a skip link, `lang` and `dir` on each article and on each headline
//! shown in a list, tables with header cells, a visible focus, a print style. Links between pages
//! are relative and name the file (`index.html`), so the site browses from disk (`file://`) as well
//! as from any host. Nothing is loaded from elsewhere.

use super::storage::Change;
use super::{Collection, Download, Entry, InputKind};
use crate::model::{Direction, PartialDate};
use crate::write::html::escape;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt::Write;

/// The one style sheet.
pub const CSS: &str = include_str!("site.css");
/// The search script of the home page.
pub const JS: &str = include_str!("site.js");

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A date as a person reads it, as far as it is known: `1 March 2024`, `1 March (year not
/// known)`, `March 2024`, `2024`.
pub fn date_text(date: &PartialDate) -> String {
    let month = date.month().and_then(|m| MONTHS.get(usize::from(m).wrapping_sub(1))).copied();
    match (date.year(), month, date.day()) {
        (Some(y), Some(m), Some(d)) => format!("{d} {m} {y}"),
        (Some(y), Some(m), None) => format!("{m} {y}"),
        (Some(y), None, _) => format!("{y}"),
        (None, Some(m), Some(d)) => format!("{d} {m} (year not known)"),
        (None, Some(m), None) => format!("{m} (year not known)"),
        (None, None, _) => "not known".to_string(),
    }
}

/// A `<time>` element: HTML's date, month, year and yearless-date forms (`--03-01` is `03-01`).
fn time(date: &PartialDate) -> String {
    let iso = date.to_string();
    let machine = iso.strip_prefix("--").unwrap_or(&iso);
    format!("<time datetime=\"{}\">{}</time>", escape(machine), escape(&date_text(date)))
}

/// Language names for the tags most often met; others are shown as their tag.
fn language_name(tag: &str) -> String {
    let primary = tag.split('-').next().unwrap_or(tag).to_ascii_lowercase();
    let name = match primary.as_str() {
        "ar" => "Arabic",
        "de" => "German",
        "el" => "Greek",
        "en" => "English",
        "es" => "Spanish",
        "fa" => "Persian",
        "fr" => "French",
        "he" => "Hebrew",
        "hi" => "Hindi",
        "it" => "Italian",
        "ja" => "Japanese",
        "ko" => "Korean",
        "nl" => "Dutch",
        "pl" => "Polish",
        "pt" => "Portuguese",
        "ru" => "Russian",
        "sv" => "Swedish",
        "tr" => "Turkish",
        "uk" => "Ukrainian",
        "ur" => "Urdu",
        "zh" => "Chinese",
        "und" => "Not known",
        _ => return tag.to_string(),
    };
    if primary == tag.to_ascii_lowercase() { name.to_string() } else { format!("{name} ({tag})") }
}

/// Digits grouped by thousands: `12,345`.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{} {}", grouped(n as u64), if n == 1 { one } else { many })
}

pub(crate) fn dir_attr(direction: Direction) -> &'static str {
    match direction {
        Direction::Rtl => "rtl",
        Direction::Ltr => "ltr",
    }
}

/// The ways to browse, each a facet of the articles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Facet {
    Date,
    Publisher,
    Language,
    Place,
}

impl Facet {
    const ALL: [Facet; 4] = [Facet::Date, Facet::Publisher, Facet::Language, Facet::Place];

    fn slug(self) -> &'static str {
        match self {
            Facet::Date => "date",
            Facet::Publisher => "publisher",
            Facet::Language => "language",
            Facet::Place => "place",
        }
    }

    fn heading(self) -> &'static str {
        match self {
            Facet::Date => "By date",
            Facet::Publisher => "By publisher",
            Facet::Language => "By language",
            Facet::Place => "By place (dateline)",
        }
    }
}

/// A value of a facet, ordered as it is listed: dates in time order (dates with a year first,
/// then those with only a month and day, then none), text values alphabetically, the unknown last.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Value {
    Year(i32),
    /// A month of a date whose year is not known.
    Month(u8),
    Text(String),
    Unknown,
}

impl Value {
    fn label(&self, facet: Facet) -> String {
        match self {
            Value::Year(y) => format!("{y:04}"),
            Value::Month(m) => format!("{} (year not known)", MONTHS[usize::from(*m) - 1]),
            Value::Text(t) if facet == Facet::Language => language_name(t),
            Value::Text(t) => t.clone(),
            Value::Unknown => match facet {
                Facet::Date => "No date".to_string(),
                Facet::Place => "No dateline place".to_string(),
                _ => "Not known".to_string(),
            },
        }
    }

    /// A file name for the value: readable where it can be, and unique by a hash of the value.
    fn slug(&self) -> String {
        match self {
            Value::Year(y) => format!("{y:04}"),
            Value::Month(m) => format!("no-year-{m:02}"),
            Value::Unknown => "none".to_string(),
            Value::Text(t) => {
                let mut readable = String::new();
                for c in t.chars().flat_map(char::to_lowercase) {
                    if c.is_ascii_alphanumeric() {
                        readable.push(c);
                    } else if !readable.ends_with('-') && !readable.is_empty() {
                        readable.push('-');
                    }
                    if readable.len() >= 40 {
                        break;
                    }
                }
                let hash = hex::encode(&Sha256::digest(t.as_bytes())[..4]);
                let readable = readable.trim_end_matches('-');
                if readable.is_empty() { hash } else { format!("{readable}-{hash}") }
            }
        }
    }
}

fn value_of(facet: Facet, entry: &Entry) -> Value {
    let text = |t: Option<&str>| match t.map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => Value::Text(t.to_string()),
        None => Value::Unknown,
    };
    match facet {
        Facet::Date => match entry.date {
            Some(d) => match (d.year(), d.month()) {
                (Some(y), _) => Value::Year(y),
                (None, Some(m)) if (1..=12).contains(&m) => Value::Month(m),
                _ => Value::Unknown,
            },
            None => Value::Unknown,
        },
        Facet::Publisher => text(entry.publisher.as_deref()),
        Facet::Language => text(Some(&entry.language)),
        Facet::Place => text(entry.dateline.as_ref().and_then(|d| d.place.as_deref())),
    }
}

/// The whole site's content, ready to be written page by page.
pub struct Site<'a> {
    collection: &'a Collection,
    entries: &'a [Entry],
    /// For each facet, its values with the indexes of their articles (in page order).
    facets: BTreeMap<Facet, BTreeMap<Value, Vec<usize>>>,
}

impl<'a> Site<'a> {
    pub fn new(collection: &'a Collection, entries: &'a [Entry]) -> Site<'a> {
        let mut order: Vec<usize> = (0..entries.len()).collect();
        // Within a list: by date where known (oldest first), then headline, then id.
        order.sort_by(|&a, &b| {
            let (a, b) = (&entries[a], &entries[b]);
            let key = |e: &Entry| e.date.map(|d| (d.year().unwrap_or(i32::MAX), d.month(), d.day()));
            key(a)
                .is_none()
                .cmp(&key(b).is_none())
                .then(key(a).cmp(&key(b)))
                .then(a.headline.cmp(&b.headline))
                .then(a.id.cmp(&b.id))
        });
        let mut facets = BTreeMap::new();
        for facet in Facet::ALL {
            let mut values: BTreeMap<Value, Vec<usize>> = BTreeMap::new();
            for &i in &order {
                values.entry(value_of(facet, &entries[i])).or_default().push(i);
            }
            facets.insert(facet, values);
        }
        Site { collection, entries, facets }
    }

    fn title(&self) -> String {
        match self.collection.field("Source-Organization") {
            Some(org) => format!("{org}: news archive"),
            None => format!("News archive {}", self.collection.name),
        }
    }

    /// A page's frame: head, skip link, banner, the given main content, footer.
    fn page(&self, root: &str, title: &str, crumbs: &[(&str, String)], main: &str, script: bool) -> String {
        let mut out = String::with_capacity(main.len() + 2048);
        let _ = write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en\" dir=\"ltr\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <meta name=\"generator\" content=\"newsarc site\">\n<title>{}</title>\n\
             <link rel=\"stylesheet\" href=\"{root}site.css\">\n</head>\n<body>\n\
             <a class=\"skip\" href=\"#main\">Skip to the content</a>\n\
             <header class=\"banner\">\n<p class=\"site-name\"><a href=\"{root}index.html\">{}</a></p>\n",
            escape(title),
            escape(&self.title())
        );
        if !crumbs.is_empty() {
            out.push_str("<nav aria-label=\"Breadcrumb\">\n<ol class=\"crumbs\">\n");
            let _ = writeln!(out, "<li><a href=\"{root}index.html\">Home</a></li>");
            for (i, (href, label)) in crumbs.iter().enumerate() {
                if i + 1 == crumbs.len() {
                    let _ = writeln!(out, "<li><a href=\"{href}\" aria-current=\"page\">{label}</a></li>");
                } else {
                    let _ = writeln!(out, "<li><a href=\"{href}\">{label}</a></li>");
                }
            }
            out.push_str("</ol>\n</nav>\n");
        }
        out.push_str("</header>\n<main id=\"main\" tabindex=\"-1\">\n");
        out.push_str(main);
        let _ = match self.collection.kind {
            InputKind::Bag => write!(
                out,
                "</main>\n<footer class=\"colophon\">\n<p>A catalogue of the bag <code>{}</code>, made by newsarc. \
                 Every file offered here is a copy of the bag's, with the SHA-256 its metadata record states.</p>\n</footer>\n",
                escape(&self.collection.name)
            ),
            InputKind::StorageRoot => write!(
                out,
                "</main>\n<footer class=\"colophon\">\n<p>A catalogue of the OCFL storage root <code>{}</code>, made by newsarc: \
                 each article as its latest version holds it, with every version listed. Every file offered here is a \
                 copy of that version's, with the SHA-256 its metadata record states.</p>\n</footer>\n",
                escape(&self.collection.name)
            ),
        };
        if script {
            let _ = writeln!(out, "<script type=\"module\" src=\"{root}site.js\"></script>");
        }
        out.push_str("</body>\n</html>\n");
        out
    }

    /// The home page: the collection, the search form, the browse lists.
    pub fn home(&self) -> String {
        let mut m = String::new();
        let _ = writeln!(m, "<h1>{}</h1>", escape(&self.title()));
        if let Some(description) = self.collection.field("External-Description") {
            let _ = writeln!(m, "<p class=\"lead\">{}</p>", escape(description));
        }

        // Search.
        m.push_str(
            "<section aria-labelledby=\"search-heading\">\n<h2 id=\"search-heading\">Search</h2>\n\
             <form id=\"search\" role=\"search\" aria-labelledby=\"search-heading\" action=\"index.html\" method=\"get\">\n\
             <p class=\"query\"><label for=\"q\">Words to find in the articles</label>\n\
             <input type=\"search\" id=\"q\" name=\"q\" autocomplete=\"off\" spellcheck=\"false\">\n\
             <button type=\"submit\">Search</button></p>\n<fieldset class=\"filters\">\n<legend>Only articles</legend>\n",
        );
        for (filter, label, facet) in
            [("language", "in the language", Facet::Language), ("publisher", "by the publisher", Facet::Publisher)]
        {
            let _ = writeln!(
                m,
                "<p><label for=\"filter-{filter}\">{label}</label>\n<select id=\"filter-{filter}\" name=\"{filter}\" data-filter=\"{filter}\">\n<option value=\"\">any</option>"
            );
            for value in self.facets[&facet].keys() {
                if let Value::Text(t) = value {
                    let _ = writeln!(m, "<option value=\"{}\">{}</option>", escape(t), escape(&value.label(facet)));
                }
            }
            m.push_str("</select></p>\n");
        }
        m.push_str("<p><label for=\"filter-year\">of the year</label>\n<select id=\"filter-year\" name=\"year\" data-filter=\"year\">\n<option value=\"\">any</option>\n");
        for value in self.facets[&Facet::Date].keys() {
            if let Value::Year(y) = value {
                let _ = writeln!(m, "<option value=\"{y:04}\">{y:04}</option>");
            }
        }
        m.push_str(
            "</select></p>\n</fieldset>\n</form>\n\
             <p id=\"search-status\" role=\"status\" aria-live=\"polite\"></p>\n\
             <ol id=\"results\" class=\"results\" aria-label=\"Search results\"></ol>\n\
             <noscript><p>Search needs JavaScript; the lists below need nothing.</p></noscript>\n</section>\n",
        );

        // The collection.
        m.push_str("<section aria-labelledby=\"collection\">\n<h2 id=\"collection\">The collection</h2>\n<dl class=\"facts\">\n");
        let _ = writeln!(m, "<dt>Articles</dt><dd>{}</dd>", grouped(self.entries.len() as u64));
        let years: Vec<i32> = self.entries.iter().filter_map(|e| e.date.and_then(|d| d.year())).collect();
        if let (Some(first), Some(last)) = (years.iter().min(), years.iter().max()) {
            let span = if first == last { format!("{first:04}") } else { format!("{first:04} to {last:04}") };
            let _ = writeln!(m, "<dt>Years</dt><dd>{span}</dd>");
        }
        let yearless = self.entries.iter().filter(|e| e.date.is_some_and(|d| d.year().is_none())).count();
        let undated = self.entries.iter().filter(|e| e.date.is_none()).count();
        if yearless + undated > 0 {
            let _ = writeln!(
                m,
                "<dt>Dates not placed in a year</dt><dd>{} with a month and day only, {} with no date</dd>",
                grouped(yearless as u64),
                grouped(undated as u64)
            );
        }
        for facet in [Facet::Publisher, Facet::Language] {
            let n = self.facets[&facet].keys().filter(|v| **v != Value::Unknown).count();
            let label = if facet == Facet::Publisher { "Publishers" } else { "Languages" };
            let _ = writeln!(m, "<dt>{label}</dt><dd>{}</dd>", grouped(n as u64));
        }
        match self.collection.kind {
            InputKind::Bag => {
                let _ = writeln!(m, "<dt>Bag</dt><dd><code>{}</code></dd>", escape(&self.collection.name));
            }
            InputKind::StorageRoot => {
                let corrected = self.entries.iter().filter(|e| corrections(e) > 0).count();
                let versions: usize = self.entries.iter().map(|e| e.versions.len()).sum();
                let _ = writeln!(m, "<dt>Articles with corrections</dt><dd>{}</dd>", grouped(corrected as u64));
                let _ = writeln!(m, "<dt>Versions</dt><dd>{}</dd>", grouped(versions as u64));
                let _ =
                    writeln!(m, "<dt>OCFL storage root</dt><dd><code>{}</code></dd>", escape(&self.collection.name));
            }
        }
        for (key, value) in &self.collection.info {
            let _ = writeln!(m, "<dt>{}</dt><dd>{}</dd>", escape(&field_label(key)), escape(value));
        }
        m.push_str("</dl>\n</section>\n");

        // Browse.
        m.push_str("<nav aria-labelledby=\"browse\">\n<h2 id=\"browse\">Browse</h2>\n");
        for facet in Facet::ALL {
            let _ = writeln!(
                m,
                "<section aria-labelledby=\"by-{0}\">\n<h3 id=\"by-{0}\">{1}</h3>\n<ul class=\"facet\">",
                facet.slug(),
                facet.heading()
            );
            for (value, items) in &self.facets[&facet] {
                let _ = writeln!(
                    m,
                    "<li><a href=\"browse/{}/{}.html\"{}>{}</a> <span class=\"count\">({})</span></li>",
                    facet.slug(),
                    value.slug(),
                    // Names in any script keep their own direction.
                    if matches!(value, Value::Text(_)) { " dir=\"auto\"" } else { "" },
                    escape(&value.label(facet)),
                    plural(items.len(), "article", "articles")
                );
            }
            m.push_str("</ul>\n</section>\n");
        }
        m.push_str("</nav>\n");
        self.page("", &self.title(), &[], &m, true)
    }

    /// Every browse page, by path: one per value of each facet.
    pub fn browse_pages(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for facet in Facet::ALL {
            for (value, items) in &self.facets[&facet] {
                let label = value.label(facet);
                let heading = match facet {
                    Facet::Date => format!("Articles dated {label}"),
                    Facet::Publisher => format!("Articles published by {label}"),
                    Facet::Language => format!("Articles in {label}"),
                    Facet::Place => format!("Articles from {label}"),
                };
                let heading = match value {
                    Value::Unknown => format!("{}: {label}", facet.heading()),
                    _ => heading,
                };
                let mut m = String::new();
                let _ = writeln!(m, "<h1>{}</h1>", escape(&heading));
                let _ = writeln!(m, "<p>{}.</p>\n<ol class=\"listing\">", plural(items.len(), "article", "articles"));
                for &i in items {
                    m.push_str(&self.list_item(&self.entries[i], "../../"));
                }
                m.push_str("</ol>\n");
                let file = format!("{}.html", value.slug());
                out.push((
                    format!("browse/{}/{file}", facet.slug()),
                    self.page("../../", &heading, &[(file.as_str(), escape(&heading))], &m, false),
                ));
            }
        }
        out
    }

    fn list_item(&self, e: &Entry, root: &str) -> String {
        let mut about = Vec::new();
        if let Some(d) = &e.date {
            about.push(time(d));
        }
        if let Some(place) = e.dateline.as_ref().and_then(|d| d.place.as_deref()) {
            about.push(escape(place));
        }
        if let Some(p) = &e.publisher {
            about.push(escape(p));
        }
        match corrections(e) {
            0 => {}
            1 => about.push("corrected".to_string()),
            n => about.push(format!("corrected {n} times")),
        }
        let about = if about.is_empty() {
            String::new()
        } else {
            format!(" <span class=\"about\">{}</span>", about.join(" · "))
        };
        format!(
            "<li><a href=\"{root}articles/{}.html\" lang=\"{}\" dir=\"{}\">{}</a>{about}</li>\n",
            e.id,
            escape(&e.language),
            dir_attr(e.direction),
            escape(&e.headline)
        )
    }

    /// One article's page: the article, what is known about it, its provenance.
    pub fn article(&self, e: &Entry) -> String {
        let mut m = String::new();
        let lang = escape(&e.language);
        let dir = dir_attr(e.direction);
        let _ = writeln!(m, "<article lang=\"{lang}\" dir=\"{dir}\" aria-labelledby=\"headline\">\n<header>");
        let _ = writeln!(m, "<h1 id=\"headline\">{}</h1>", escape(&e.headline));
        if let Some(byline) = &e.byline {
            let _ = writeln!(m, "<p class=\"byline\">{}</p>", escape(byline));
        }
        let mut line = Vec::new();
        if let Some(d) = &e.dateline {
            line.push(format!("<span class=\"dateline\">{}</span>", escape(&d.text)));
        }
        if let Some(d) = &e.date {
            line.push(time(d));
        }
        if let Some(p) = &e.publisher {
            line.push(format!("<span class=\"publisher\" dir=\"auto\">{}</span>", escape(p)));
        }
        if !line.is_empty() {
            let _ = writeln!(m, "<p class=\"about\">{}</p>", line.join(" · "));
        }
        m.push_str("</header>\n");
        match &e.body {
            Some(body) => {
                let _ = write!(m, "<div class=\"body\">\n{body}</div>\n");
            }
            None => {
                let _ = writeln!(
                    m,
                    "<p class=\"missing\" lang=\"en\" dir=\"ltr\">The body could not be read from {} (see the notes below).</p>",
                    self.collection.noun()
                );
            }
        }
        m.push_str("</article>\n");
        if !e.versions.is_empty() {
            m.push_str(&versions_section(e));
        }

        // What is known.
        m.push_str("<section aria-labelledby=\"details\">\n<h2 id=\"details\">Details</h2>\n<dl class=\"facts\">\n");
        let _ =
            writeln!(m, "<dt>Date</dt><dd>{}</dd>", e.date.as_ref().map(time).unwrap_or_else(|| "not known".into()));
        if let Some(d) = &e.dateline {
            let _ = writeln!(m, "<dt>Dateline</dt><dd lang=\"{lang}\" dir=\"{dir}\">{}</dd>", escape(&d.text));
            if let Some(place) = &d.place {
                let _ = writeln!(m, "<dt>Place</dt><dd lang=\"{lang}\" dir=\"{dir}\">{}</dd>", escape(place));
            }
            if let Some(agency) = &d.agency {
                let _ = writeln!(m, "<dt>Agency</dt><dd>{}</dd>", escape(agency));
            }
        }
        if let Some(p) = &e.publisher {
            let _ = writeln!(m, "<dt>Publisher</dt><dd dir=\"auto\">{}</dd>", escape(p));
        }
        let _ = writeln!(m, "<dt>Language</dt><dd>{}</dd>", escape(&language_name(&e.language)));
        if let Some(url) = &e.source_url {
            if crate::write::html::is_safe_url(url) && crate::write::html::is_absolute_url(url) {
                let _ = writeln!(m, "<dt>Source</dt><dd><a href=\"{0}\" rel=\"noreferrer\">{0}</a></dd>", escape(url));
            } else {
                let _ = writeln!(m, "<dt>Source</dt><dd>{}</dd>", escape(url));
            }
        }
        let _ = writeln!(m, "<dt>Identifier</dt><dd><code>{}</code></dd>", escape(&e.id));
        if let Some(uri) = &e.uri {
            let _ = writeln!(m, "<dt>URI</dt><dd><code>{}</code></dd>", escape(uri));
        }
        m.push_str("</dl>\n</section>\n");

        // Provenance.
        m.push_str("<section aria-labelledby=\"provenance\">\n<h2 id=\"provenance\">Provenance</h2>\n");
        let holder = match e.versions.last() {
            Some(v) => format!("its version {}", escape(&v.version)),
            None => self.collection.noun().to_string(),
        };
        let _ = write!(
            m,
            "<table class=\"files\">\n<caption>The source file and each rendition, as {holder} holds them</caption>"
        );
        m.push_str("\n<thead><tr><th scope=\"col\">File</th><th scope=\"col\">What</th><th scope=\"col\">Size</th><th scope=\"col\">SHA-256</th></tr></thead>\n<tbody>\n");
        if let Some(s) = &e.source {
            let what = match &s.original {
                Some(name) => format!("Source, read from <code>{}</code>", escape(name)),
                None => "Source".to_string(),
            };
            m.push_str(&file_row(e, s, &what));
        }
        for r in &e.renditions {
            let kind = r.original.as_deref().map_or("Rendition".to_string(), rendition_name);
            let what = match r.media_type.as_deref() {
                Some(t) => format!("{} (<code>{}</code>)", escape(&kind), escape(t)),
                None => escape(&kind),
            };
            m.push_str(&file_row(e, r, &what));
        }
        m.push_str("</tbody>\n</table>\n");
        m.push_str("<h3>The reader's warnings</h3>\n");
        if e.warnings.is_empty() {
            m.push_str("<p>None: the source was read without a warning.</p>\n");
        } else {
            m.push_str("<ul class=\"warnings\">\n");
            for w in &e.warnings {
                let place = match (w.line, w.column) {
                    (Some(l), Some(c)) => format!(" (line {l}, column {c})"),
                    (Some(l), None) => format!(" (line {l})"),
                    _ => String::new(),
                };
                let _ = writeln!(m, "<li><code>{}</code> {}{}</li>", escape(&w.code), escape(&w.message), place);
            }
            m.push_str("</ul>\n");
        }
        if !e.problems.is_empty() {
            m.push_str("<h3>Notes from making this page</h3>\n<ul class=\"warnings\">\n");
            for p in &e.problems {
                let _ = writeln!(m, "<li>{}</li>", escape(p));
            }
            m.push_str("</ul>\n");
        }
        m.push_str("</section>\n");
        let file = format!("{}.html", e.id);
        self.page("../", &e.headline, &[(file.as_str(), "This article".to_string())], &m, false)
    }
}

/// How many of an article's versions changed the text a reader sees.
pub(crate) fn corrections(e: &Entry) -> usize {
    e.versions.iter().filter(|v| matches!(v.change, Change::Text { .. })).count()
}

/// An RFC 3339 time as a person reads it: `2024-03-03T09:05:00Z` as `3 March 2024, 09:05 UTC`
/// (an offset is kept: `UTC+02:00`); anything else as it is.
pub(crate) fn created_text(created: &str) -> String {
    let b = created.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        created.get(range.clone()).filter(|d| d.bytes().all(|c| c.is_ascii_digit())).and_then(|d| d.parse::<u32>().ok())
    };
    let shape = b.len() >= 17 && b[4] == b'-' && b[7] == b'-' && matches!(b[10], b'T' | b't' | b' ') && b[13] == b':';
    let (Some(year), Some(month), Some(day), Some(hour), Some(minute)) =
        (digits(0..4), digits(5..7), digits(8..10), digits(11..13), digits(14..16))
    else {
        return created.to_string();
    };
    if !shape || !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return created.to_string();
    }
    // After the seconds (and any fraction): `Z` or an offset.
    let rest = created[16..].trim_start_matches(|c: char| c == ':' || c == '.' || c.is_ascii_digit());
    let zone = match rest {
        "Z" | "z" | "+00:00" => "UTC".to_string(),
        "" => String::new(),
        offset => format!("UTC{offset}"),
    };
    let when = format!("{day} {} {year:04}, {hour:02}:{minute:02}", MONTHS[month as usize - 1]);
    if zone.is_empty() { when } else { format!("{when} {zone}") }
}

/// The article's versions, newest first: when each was made, its message, what it changed.
fn versions_section(e: &Entry) -> String {
    let mut m = String::new();
    let n = e.versions.len();
    let corrected = corrections(e);
    m.push_str("<section aria-labelledby=\"versions\" class=\"versions\">\n<h2 id=\"versions\">Corrections and versions</h2>\n");
    let head = e.versions.last().map(|v| v.version.as_str()).unwrap_or_default();
    let summary = match (n, corrected) {
        (1, _) => format!("This article has one version, {}: it has not been corrected.", escape(head)),
        (_, 0) => format!(
            "This article has {} versions; none changed its text. The page shows the latest, {}.",
            grouped(n as u64),
            escape(head)
        ),
        (_, c) => format!(
            "This article has {} versions, {} that changed its text. The page shows the latest, {}; \
             each version's changes are listed, newest first, with words removed struck through and words added underlined.",
            grouped(n as u64),
            plural(c, "correction", "corrections"),
            escape(head)
        ),
    };
    let _ = writeln!(m, "<p>{summary}</p>\n<ol class=\"version-list\" reversed>");
    let lang = escape(&e.language);
    let dir = dir_attr(e.direction);
    for v in e.versions.iter().rev() {
        let id = format!("version-{}", escape(&v.version));
        let _ = writeln!(
            m,
            "<li>\n<h3 id=\"{id}\">Version {} <span class=\"about\">· <time datetime=\"{}\">{}</time></span></h3>",
            escape(v.version.trim_start_matches('v')),
            escape(&v.created),
            escape(&created_text(&v.created))
        );
        if let Some(message) = v.message.as_deref().filter(|t| !t.trim().is_empty()) {
            let _ = writeln!(m, "<p class=\"message\">{}</p>", escape(message));
        }
        match &v.change {
            Change::First => m.push_str("<p class=\"change\">First published version.</p>\n"),
            Change::Text { headline, body } => {
                m.push_str("<p class=\"change\">What changed in the text:</p>\n");
                let _ = writeln!(m, "<div class=\"diff\" lang=\"{lang}\" dir=\"{dir}\">");
                if let Some(headline) = headline {
                    let _ = writeln!(m, "<p><strong lang=\"en\" dir=\"ltr\">Headline:</strong> {headline}</p>");
                }
                match body {
                    Some(body) => m.push_str(body),
                    None => m.push_str("<p class=\"unchanged\" lang=\"en\" dir=\"ltr\">(the body unchanged)</p>\n"),
                }
                m.push_str("</div>\n");
            }
            Change::SameText => {
                m.push_str("<p class=\"change\">The source changed; the text a reader sees did not.</p>\n")
            }
            Change::RenderedAgain => m.push_str(
                "<p class=\"change\">Rendered again: the renditions are new, the source is the one before.</p>\n",
            ),
            Change::NotCompared(why) => {
                let _ = writeln!(
                    m,
                    "<p class=\"change\">The source changed; the texts could not be compared ({}).</p>",
                    escape(why)
                );
            }
        }
        m.push_str("</li>\n");
    }
    m.push_str("</ol>\n</section>\n");
    m
}

/// A bag-info.txt label as words: `Source-Organization` as `Source organization`.
fn field_label(key: &str) -> String {
    let words = key.replace('-', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars.flat_map(char::to_lowercase)).collect(),
        None => String::new(),
    }
}

fn rendition_name(name: &str) -> String {
    match name {
        "newsml" => "NewsML-G2 rendition".into(),
        "epub" => "EPUB 3 rendition".into(),
        "ninjs" => "ninjs rendition".into(),
        "metadata" => "Metadata record".into(),
        other => format!("{other} rendition"),
    }
}

fn file_row(e: &Entry, d: &Download, what: &str) -> String {
    let missing = if e.versions.is_empty() { "not in the bag" } else { "not offered: see the notes below" };
    let link = match d.verified {
        Some(_) => format!("<a href=\"{0}/{1}\" download>{1}</a>", e.id, escape(&d.file)),
        None => format!("{} <span class=\"note\">({missing})</span>", escape(&d.file)),
    };
    let check = match d.verified {
        Some(false) => " <strong class=\"note\">(the file's bytes do not have this SHA-256)</strong>",
        _ => "",
    };
    format!(
        "<tr><td>{link}</td><td>{what}</td><td>{} bytes</td><td><code class=\"digest\">{}</code>{check}</td></tr>\n",
        grouped(d.size),
        escape(&d.sha256)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_dates_read_as_far_as_known() {
        let d = |s: &str| s.parse::<PartialDate>().unwrap();
        assert_eq!(date_text(&d("--03-01")), "1 March (year not known)");
        assert_eq!(date_text(&d("2024-03-01")), "1 March 2024");
        assert_eq!(date_text(&d("2024-11")), "November 2024");
        assert_eq!(time(&d("--03-01")), "<time datetime=\"03-01\">1 March (year not known)</time>");
    }

    #[test]
    fn version_times_read_as_a_person_reads_them() {
        assert_eq!(created_text("2024-03-03T00:00:00Z"), "3 March 2024, 00:00 UTC");
        assert_eq!(created_text("2024-12-31T23:59:59.5+02:00"), "31 December 2024, 23:59 UTC+02:00");
        assert_eq!(created_text("2024-13-03T00:00:00Z"), "2024-13-03T00:00:00Z");
        assert_eq!(created_text("yesterday"), "yesterday");
    }

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(1234567), "1,234,567");
    }

    #[test]
    fn value_slugs_are_readable_and_distinct() {
        let a = Value::Text("Radio Val-Brune".into()).slug();
        let b = Value::Text("Radio Val Brune".into()).slug();
        assert!(a.starts_with("radio-val-brune-"), "{a}");
        assert_ne!(a, b);
        assert_eq!(Value::Text("إذاعة".into()).slug().len(), 8);
    }
}
