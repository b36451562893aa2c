//! IPTC NewsML-G2 2.35: the article as a text `newsItem` (itemClass `ninat:text`, conformance
//! power), valid against IPTC's XSD.
//!
//! Where things go: the guid is the article's URN (a source's identifier that was not a URI is
//! kept as an `altId`, see [`ALT_ID_TYPE`]); `versionCreated` is the version timestamp
//! (required by NewsML-G2, so an article without one cannot be written); `contentCreated` when
//! the year is known, truncated as far as the date is (`2020`, `2020-01`, `2020-01-24`): a month
//! and day without a year cannot be expressed, and a year is never guessed; the
//! dateline's place is `located`, its agency an `infoSource`, its verbatim text (without the
//! separator) `dateline`; the byline is `by`; the publisher is the `creditline` and, failing
//! better, the `provider`; the source URL is an `irel:seeAlso` link. The body is XHTML in
//! `inlineXML`: one `html` root in the XHTML namespace with `lang`, `xml:lang` and `dir`.
//!
//! The text is escaped by hand: the model holds no character XML forbids (the readers replace
//! them), so every document is well-formed whatever the input.

use super::html::{self, escape, escape_text};
use super::{WriteContext, WriteError};
use crate::model::{Article, Direction};
use std::fmt::Write;

use crate::format::XHTML_NAMESPACE;
use crate::format::newsml::{ALT_ID_TYPE, NAMESPACE};

const CATALOG: &str = "http://www.iptc.org/std/catalog/catalog.IPTC-G2-Standards_41.xml";

/// Writes the article as a NewsML-G2 newsItem.
pub fn write(article: &Article, _context: &WriteContext) -> Result<Vec<u8>, WriteError> {
    let version_created = article.version_created.ok_or_else(|| WriteError::Failed {
        writer: "newsml",
        message: "NewsML-G2 requires a version timestamp (versionCreated): give --created, a sidecar `created`, \
                  or set SOURCE_DATE_EPOCH"
            .to_string(),
    })?;
    let lang = escape(&article.language);
    let dateline = article.dateline.as_ref();
    let mut x = String::with_capacity(4096);
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        x,
        "<newsItem xmlns=\"{NAMESPACE}\" guid=\"{}\" version=\"1\" standard=\"NewsML-G2\" standardversion=\"2.35\" conformance=\"power\" xml:lang=\"{lang}\">",
        escape(&article.uri)
    );
    let _ = writeln!(x, "  <catalogRef href=\"{CATALOG}\"/>");

    x.push_str("  <itemMeta>\n    <itemClass qcode=\"ninat:text\"/>\n");
    let provider = article.publisher.as_deref().or_else(|| dateline.and_then(|d| d.agency.as_deref()));
    match provider {
        Some(name) => party(&mut x, "provider", name),
        None => x.push_str("    <provider literal=\"unknown\"/>\n"),
    }
    let _ = writeln!(x, "    <versionCreated>{version_created}</versionCreated>");
    let _ = writeln!(x, "    <generator versioninfo=\"{}\">newsarc</generator>", escape(crate::VERSION));
    if let Some(url) = &article.source_url {
        let _ = writeln!(x, "    <link rel=\"irel:seeAlso\" href=\"{}\" contenttype=\"text/html\"/>", escape(url));
    }
    x.push_str("  </itemMeta>\n");

    x.push_str("  <contentMeta>\n");
    // A truncated date (2020, 2020-01) is valid here; a month and day without a year is not.
    if let Some(date) = article.date.filter(|d| d.year().is_some()) {
        let _ = writeln!(x, "    <contentCreated>{date}</contentCreated>");
    }
    if let Some(place) = dateline.and_then(|d| d.place.as_deref()) {
        party(&mut x, "located", place);
    }
    if let Some(agency) = dateline.and_then(|d| d.agency.as_deref()) {
        party(&mut x, "infoSource", agency);
    }
    if let Some(original) = &article.original_id {
        let _ = writeln!(
            x,
            "    <altId typeuri=\"{ALT_ID_TYPE}{}\">{}</altId>",
            escape(&original.role),
            escape_text(&original.value)
        );
    }
    let _ = writeln!(x, "    <language tag=\"{lang}\"/>");
    element(&mut x, "headline", article.headline.as_deref());
    element(&mut x, "dateline", dateline.map(|d| d.text.as_str()));
    element(&mut x, "by", article.byline.as_deref());
    element(&mut x, "creditline", article.publisher.as_deref());
    x.push_str("  </contentMeta>\n");

    x.push_str("  <contentSet>\n    <inlineXML contenttype=\"application/xhtml+xml\">\n");
    let dir = match article.direction {
        Direction::Rtl => "rtl",
        Direction::Ltr => "ltr",
    };
    let title = escape_text(article.headline.as_deref().unwrap_or(&article.id));
    let _ = writeln!(
        x,
        "<html xmlns=\"{XHTML_NAMESPACE}\" lang=\"{lang}\" xml:lang=\"{lang}\" dir=\"{dir}\"><head><title>{title}</title></head><body>"
    );
    x.push_str(&html::body(&article.body));
    x.push_str("</body></html>\n    </inlineXML>\n  </contentSet>\n</newsItem>\n");
    Ok(x.into_bytes())
}

/// `<name literal="v"><name>v</name></name>`: a party or place known only by its name.
fn party(x: &mut String, element: &str, name: &str) {
    let _ = writeln!(x, "    <{element} literal=\"{}\"><name>{}</name></{element}>", escape(name), escape_text(name));
}

fn element(x: &mut String, name: &str, text: Option<&str>) {
    if let Some(text) = text {
        let _ = writeln!(x, "    <{name}>{}</{name}>", escape_text(text));
    }
}
