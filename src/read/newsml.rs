//! NewsML-G2 text `newsItem`s into an [`Article`]: newsarc's own (exactly, so round trips hold)
//! and other producers' (as well as the item allows).
//!
//! The body comes from `inlineXML` (XHTML, or NITF's `body.content`) or `inlineData` (plain
//! text). Items that hold no article (packages, concept, knowledge and planning items, catalogs,
//! pictures and other non-text news items) are refused with the reason. The XML is read by
//! [`super::xml`]: no DTD entity is ever expanded.

use super::lines::{LineIndex, normalize_space};
use super::xhtml::{self, Whitespace};
use super::xml::{self, Element};
use super::{ReadError, ReadOptions, dateline, decode, language};
use crate::format::XHTML_NAMESPACE;
use crate::format::newsml::NAMESPACE;
use crate::model::text::{plain_text, word_count};
use crate::model::{
    Article, Block, Dateline, Direction, Inline, LanguageOrigin, OriginalId, PartialDate, SourceFile, Timestamp,
    UriOrigin, Warning, WarningCode,
};
use sha2::{Digest, Sha256};

/// Reads a NewsML-G2 document's bytes: one text newsItem, or a newsMessage holding exactly one.
pub fn read(bytes: &[u8], options: &ReadOptions) -> Result<Article, ReadError> {
    let mut articles = read_articles(bytes, options)?;
    match articles.len() {
        1 => Ok(articles.remove(0)),
        n => Err(ReadError::Unsupported(format!(
            "a newsMessage of {n} text newsItems, and this reads one article per file; convert or pack the message, which read each item"
        ))),
    }
}

/// Reads every article of a NewsML-G2 document: the one text newsItem, or each text newsItem of a
/// newsMessage, in order. A message's other items (pictures, packages, concepts...) are skipped,
/// each named with the reason in a warning (NA-READ-013) on the first article; a message without
/// any text item is refused. Items of a message get ids from their guids (made safe and unique).
pub fn read_articles(bytes: &[u8], options: &ReadOptions) -> Result<Vec<Article>, ReadError> {
    let decoded = decode::decode_xml(bytes, options.lossy, options.max_input_size)?;
    let sha256 = hex::encode(Sha256::digest(bytes));
    let doc = xml::parse_decoded(&decoded.text).map_err(|e| {
        let (line, column) = LineIndex::locate(&decoded.text, e.offset);
        ReadError::Xml { line, column, message: e.message }
    })?;
    let mut warnings = decoded.warnings;
    let lines = LineIndex::new(&decoded.text);
    for (c, offset) in doc.replaced.iter().take(20) {
        let (line, column) = lines.at(&decoded.text, *offset);
        warnings.push(
            Warning::new(
                WarningCode::IllegalXmlCharacter,
                format!(
                    "a character reference gives U+{:04X}, which XML does not allow; replaced by U+FFFD",
                    *c as u32
                ),
            )
            .at(line, column),
        );
    }
    let source = SourceFile {
        name: options.source_name.clone(),
        size: bytes.len() as u64,
        sha256: sha256.clone(),
        bom: decoded.bom,
        line_endings: decoded.line_endings,
        sidecar: None,
    };
    let base_id = super::default_id(options.source_name.as_deref(), &sha256);
    let root = &doc.root;
    if root.name != "newsMessage" || root.namespace.as_deref() != Some(NAMESPACE) {
        let item = news_item(root)?;
        let mut articles = vec![item_article(item, warnings, base_id, source)];
        super::settle_uris(&mut articles, false, super::uri_path(options));
        return Ok(articles);
    }
    let items: Vec<&Element> = root.child("itemSet").map(|s| s.elements().collect()).unwrap_or_default();
    let mut articles: Vec<Article> = Vec::new();
    let mut skipped = Vec::new();
    let mut ids = std::collections::HashSet::new();
    for (i, item) in items.iter().enumerate() {
        let guid = item.attribute("guid").filter(|g| !g.trim().is_empty());
        let label = format!(
            "item {} of the newsMessage (`{}`{})",
            i + 1,
            item.name,
            guid.map_or(String::new(), |g| format!(", guid `{g}`"))
        );
        let item = match news_item(item) {
            Ok(item) => item,
            Err(ReadError::Unsupported(why)) => {
                skipped.push(Warning::new(WarningCode::MessageItemSkipped, format!("{label} skipped: {why}")));
                continue;
            }
            Err(e) => return Err(e),
        };
        let from_guid = guid.and_then(crate::model::safe_id_from_name);
        // Ids unique within the message (a set: a message of many items stays linear).
        let mut id = match from_guid {
            Some(id) if !ids.contains(&id) => id,
            _ => format!("{base_id}-{:04}", i + 1),
        };
        while ids.contains(&id) {
            id.push('x');
        }
        ids.insert(id.clone());
        articles.push(item_article(item, warnings.clone(), id, source.clone()));
    }
    if articles.is_empty() {
        let why: Vec<String> = skipped.iter().map(|w| w.message.clone()).collect();
        return Err(ReadError::Unsupported(format!(
            "a newsMessage without a text newsItem ({}); newsarc reads text newsItems",
            if why.is_empty() { "its itemSet is empty".to_string() } else { why.join("; ") }
        )));
    }
    articles[0].warnings.extend(skipped);
    // Items without a guid get a URI from what else names them, and their place in the message.
    super::settle_uris(&mut articles, false, super::uri_path(options));
    Ok(articles)
}

/// One text newsItem as an article. An item without a guid is given its URI by the caller
/// ([`super::settle_uris`]).
fn item_article(item: &Element, mut warnings: Vec<Warning>, id: String, source: SourceFile) -> Article {
    let (uri, uri_origin, mut original_id) = match super::uri_from_identifier(item.attribute("guid"), "guid") {
        Some((uri, original_id)) => (uri, UriOrigin::Guid, original_id),
        None => {
            warnings.push(Warning::new(
                WarningCode::NoIdentifier,
                "the newsItem has no guid (NewsML-G2 requires one); its URI is derived from what else names it (a supplied id, its source URL, its path, its bytes), as uri_origin says",
            ));
            (String::new(), UriOrigin::Digest, None)
        }
    };
    let item_meta = item.child("itemMeta");
    let content_meta = item.child("contentMeta");
    let meta_text = |name: &str| -> Option<String> {
        content_meta.and_then(|m| m.child(name)).map(|e| normalize_space(&e.text())).filter(|t| !t.is_empty())
    };
    // newsarc's own items are read back exactly; others' markup as a browser reads it.
    let ours = item_meta.and_then(|m| m.child("generator")).is_some_and(|g| g.text().trim() == "newsarc");
    let ws = if ours { Whitespace::Exact } else { Whitespace::Html };
    if ours {
        // newsarc keeps a source's identifier that was not a URI as an altId (see write::newsml).
        let kept = content_meta.and_then(|m| {
            m.elements().filter(|e| e.name == "altId").find_map(|e| {
                let role = e.attribute("typeuri")?.strip_prefix(crate::format::newsml::ALT_ID_TYPE)?;
                Some(OriginalId { role: role.to_string(), value: e.text() })
            })
        });
        original_id = original_id.or(kept);
    }

    let (body, html_dir) = body(item, ws, &mut warnings);
    let located = content_meta.and_then(|m| m.child("located")).and_then(party_name);
    let agency = content_meta.and_then(|m| m.child("infoSource")).and_then(party_name);
    // The dateline element's text as written: it is compared with the body's opening.
    let stated_dateline = content_meta.and_then(|m| m.child("dateline")).map(|e| e.text().trim().to_string());
    let dateline = read_dateline(&body, stated_dateline.filter(|t| !t.is_empty()), located, agency);

    let content_created = content_meta
        .and_then(|m| m.child("contentCreated"))
        .and_then(|e| e.text().trim().split('T').next().and_then(|d| d.parse::<PartialDate>().ok()));
    let version_created =
        item_meta.and_then(|m| m.child("versionCreated")).and_then(|e| e.text().trim().parse::<Timestamp>().ok());
    let source_url = item_meta.and_then(|m| {
        m.elements()
            .filter(|l| l.name == "link" && l.attribute("rel") == Some("irel:seeAlso"))
            .find(|l| l.attribute("contenttype").is_none_or(|t| t == "text/html"))
            .and_then(|l| l.attribute("href"))
            .map(str::to_string)
    });

    let stated = content_meta
        .and_then(|m| m.child("language"))
        .and_then(|l| l.attribute("tag"))
        .or_else(|| item.attribute("xml:lang"))
        .map(str::to_string)
        .filter(|t| crate::model::is_language_tag(t));
    let (language, language_origin, mut direction) = match stated {
        Some(tag) => (tag.clone(), LanguageOrigin::Document, Direction::of_language(&tag)),
        None => {
            let (tag, origin, direction, warning) = language::detect_article(meta_text("headline").as_deref(), &body);
            warnings.extend(warning);
            (tag, origin, direction)
        }
    };
    if let Some(dir) = html_dir {
        direction = dir;
    }

    let headline = meta_text("headline");
    if headline.is_none() {
        warnings.push(Warning::new(WarningCode::NoHeadline, "the newsItem has no headline"));
    }
    if body.is_empty() && !warnings.iter().any(|w| w.code == WarningCode::RemoteContent) {
        warnings.push(Warning::new(WarningCode::NoBody, "the newsItem has no body text"));
    }
    Article {
        id,
        uri,
        uri_origin,
        original_id,
        headline,
        byline: meta_text("by"),
        date: content_created.or(dateline.as_ref().and_then(|d| d.date)),
        dateline,
        version_created,
        version_created_origin: version_created.map(|_| crate::model::TimestampOrigin::Document),
        language,
        language_origin,
        direction,
        word_count: word_count(&body),
        body,
        source_url,
        publisher: meta_text("creditline"),
        source: Some(source),
        warnings,
    }
}

/// The newsItem of a document, or why there is none.
fn news_item(root: &Element) -> Result<&Element, ReadError> {
    if root.namespace.as_deref() != Some(NAMESPACE) {
        return Err(ReadError::Unsupported(format!(
            "not NewsML-G2: the root element is `{}` in namespace `{}`",
            root.name,
            root.namespace.as_deref().unwrap_or("(none)")
        )));
    }
    let what = match root.name.as_str() {
        "newsItem" => None,
        "packageItem" => Some("a packageItem (a package of references to other items), not an article"),
        "conceptItem" => Some("a conceptItem (one concept of a vocabulary), not an article"),
        "knowledgeItem" => Some("a knowledgeItem (a set of concepts), not an article"),
        "planningItem" => Some("a planningItem (news coverage planning), not an article"),
        "catalogItem" | "catalog" => Some("a catalog of controlled vocabularies, not an article"),
        _ => Some("not a NewsML-G2 item newsarc knows"),
    };
    if let Some(what) = what {
        return Err(ReadError::Unsupported(format!("`{}`: {what}; newsarc reads text newsItems", root.name)));
    }
    let class = root.child("itemMeta").and_then(|m| m.child("itemClass"));
    let class = class.and_then(|c| c.attribute("qcode").or_else(|| c.attribute("uri")));
    // An item that does not name its class is read as text; one that names another is refused.
    match class {
        Some(class) if !class.ends_with(":text") && !class.ends_with("/text") => Err(ReadError::Unsupported(format!(
            "a newsItem of class `{class}`, not text (ninat:text); newsarc reads text newsItems"
        ))),
        _ => Ok(root),
    }
}

/// The body blocks, and the text direction the XHTML states.
fn body(item: &Element, ws: Whitespace, warnings: &mut Vec<Warning>) -> (Vec<Block>, Option<Direction>) {
    let Some(set) = item.child("contentSet") else { return (Vec::new(), None) };
    for content in set.elements() {
        match content.name.as_str() {
            "inlineXML" => {
                let Some(root) = content.elements().next() else { continue };
                return match (root.namespace.as_deref(), root.name.as_str()) {
                    (Some(XHTML_NAMESPACE) | None, "html") => {
                        let dir = match root.attribute("dir") {
                            Some("rtl") => Some(Direction::Rtl),
                            Some("ltr") => Some(Direction::Ltr),
                            _ => None,
                        };
                        (root.child("body").map(|b| xhtml::blocks(b, ws, warnings)).unwrap_or_default(), dir)
                    }
                    (_, "nitf") => {
                        let content = root.child("body").and_then(|b| b.child("body.content"));
                        (content.map(|c| xhtml::blocks(c, Whitespace::Html, warnings)).unwrap_or_default(), None)
                    }
                    _ => (xhtml::blocks(root, Whitespace::Html, warnings), None),
                };
            }
            "inlineData" => {
                let text = content.text().replace("\r\n", "\n");
                let blocks = text
                    .split("\n\n")
                    .map(normalize_space)
                    .filter(|p| !p.is_empty())
                    .map(|p| Block::Paragraph { content: vec![Inline::text(p)] })
                    .collect();
                return (blocks, None);
            }
            "remoteContent" => {
                let href = content.attribute("href").unwrap_or("(no href)");
                warnings.push(Warning::new(
                    WarningCode::RemoteContent,
                    format!("the content is not in the item but at {href}; newsarc fetches nothing, so only the metadata was read"),
                ));
                return (Vec::new(), None);
            }
            _ => {}
        }
    }
    (Vec::new(), None)
}

/// The dateline as the text reader finds it at the start of the body (which gives the
/// separator too); failing that, the item's `dateline` element, with `located` and `infoSource`.
fn read_dateline(
    body: &[Block],
    stated: Option<String>,
    place: Option<String>,
    agency: Option<String>,
) -> Option<Dateline> {
    let from_body = match body.first() {
        Some(Block::Paragraph { content }) => dateline::parse(&plain_text(content)),
        _ => None,
    };
    match (from_body, stated) {
        (Some(d), None) => Some(d),
        (Some(d), Some(s)) if d.text == s => Some(d),
        (_, Some(text)) => {
            Some(dateline::parse_alone(&text).unwrap_or(Dateline { text, place, date: None, agency, separator: None }))
        }
        (None, None) => None,
    }
}

/// The name of a party or place: its `name` child, else its `literal`.
fn party_name(e: &Element) -> Option<String> {
    e.child("name")
        .map(|n| normalize_space(&n.text()))
        .filter(|n| !n.is_empty())
        .or_else(|| e.attribute("literal").map(str::to_string))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_str(xml: &str) -> Result<Article, ReadError> {
        read(xml.as_bytes(), &ReadOptions::default())
    }

    #[test]
    fn items_that_are_not_text_articles_are_refused_with_the_reason() {
        let ns = NAMESPACE;
        let package = format!("<packageItem xmlns=\"{ns}\" guid=\"g\"/>");
        assert!(read_str(&package).unwrap_err().to_string().contains("packageItem (a package"));
        let picture = format!(
            "<newsItem xmlns=\"{ns}\" guid=\"g\"><itemMeta><itemClass qcode=\"ninat:picture\"/></itemMeta></newsItem>"
        );
        assert!(read_str(&picture).unwrap_err().to_string().contains("class `ninat:picture`"));
        assert!(read_str("<html/>").unwrap_err().to_string().contains("not NewsML-G2"));
        let no_guid =
            format!("<newsItem xmlns=\"{ns}\"><itemMeta><itemClass qcode=\"ninat:text\"/></itemMeta></newsItem>");
        let sha = hex::encode(Sha256::digest(no_guid.as_bytes()));
        assert_eq!(
            read_str(&no_guid).unwrap().uri,
            crate::model::uri_for_sha256(&sha),
            "no guid and no name: from the bytes"
        );
    }

    #[test]
    fn an_entity_bomb_is_refused() {
        let bomb = format!(
            "<?xml version=\"1.0\"?><!DOCTYPE newsItem [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;\">]><newsItem xmlns=\"{NAMESPACE}\" guid=\"g\">&b;</newsItem>"
        );
        let err = read_str(&bomb).unwrap_err().to_string();
        assert!(err.contains("line 1") && err.contains("declares entities"), "{err}");
    }
}
