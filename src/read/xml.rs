//! A small XML tree for the readers of XML renditions, built from quick-xml's event stream.
//!
//! Safe by construction, for documents from anywhere: a DTD that declares entities is refused
//! (nothing is ever expanded, so no entity bomb and no external entity); only XML's five
//! predefined entities and character references are resolved; an undefined entity is an error;
//! nesting deeper than [`MAX_DEPTH`] is refused (every later step may recurse), and so is an
//! element of more than [`MAX_ATTRIBUTES`] attributes (checking names for duplicates costs the
//! square of their number). Character
//! references to characters XML forbids (`&#1;`) are replaced by U+FFFD and reported.

use super::decode::is_illegal_in_xml;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

/// Deepest element nesting accepted. News documents are shallow; this bounds recursion.
pub const MAX_DEPTH: usize = 256;

/// Most attributes accepted on one element. News documents use a handful; this bounds the
/// duplicate-name check, which compares each attribute with those before it.
pub const MAX_ATTRIBUTES: usize = 256;

/// An element: namespace, local name, attributes by qualified name (`xml:lang`, `href`),
/// children in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    pub namespace: Option<String>,
    pub name: String,
    pub attributes: Vec<(String, String)>,
    pub children: Vec<Node>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Element(Element),
    Text(String),
}

/// Why a document is not XML this reader accepts; `offset` is a byte offset into the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlError {
    pub offset: usize,
    pub message: String,
}

/// A parsed document: its root and the byte offsets of character references replaced.
#[derive(Debug)]
pub struct Document {
    pub root: Element,
    pub replaced: Vec<(char, usize)>,
}

impl Element {
    pub fn attribute(&self, qname: &str) -> Option<&str> {
        self.attributes.iter().find(|(k, _)| k == qname).map(|(_, v)| v.as_str())
    }

    /// Child elements, in order.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// The first child element called `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.elements().find(|e| e.name == name)
    }

    /// All text inside, in document order.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let mut stack: Vec<std::slice::Iter<'_, Node>> = vec![self.children.iter()];
        while let Some(iter) = stack.last_mut() {
            match iter.next() {
                Some(Node::Text(t)) => out.push_str(t),
                Some(Node::Element(e)) => stack.push(e.children.iter()),
                None => {
                    stack.pop();
                }
            }
        }
        out
    }
}

/// Parses a whole document that must be UTF-8 (a declaration naming another encoding is an
/// error: the text was decoded as UTF-8).
pub fn parse(text: &str) -> Result<Document, XmlError> {
    parse_with(text, true)
}

/// Parses a whole document already decoded in the encoding its declaration names
/// ([`super::decode::decode_xml`]): the declaration's `encoding` is not checked again.
pub fn parse_decoded(text: &str) -> Result<Document, XmlError> {
    parse_with(text, false)
}

fn parse_with(text: &str, utf8_only: bool) -> Result<Document, XmlError> {
    let mut reader = NsReader::from_str(text);
    reader.config_mut().check_end_names = true;
    reader.config_mut().expand_empty_elements = true;
    let mut stack: Vec<Element> = Vec::new();
    let mut root = None;
    let mut replaced = Vec::new();
    loop {
        let offset = reader.buffer_position() as usize;
        let err = |message: String| XmlError { offset, message };
        // The namespace is made owned at once: the resolver's answer borrows the reader.
        let resolved = reader.read_resolved_event().map(|(ns, event)| {
            let ns = match ns {
                ResolveResult::Bound(ns) => Ok(Some(ns.0.to_string())),
                ResolveResult::Unbound => Ok(None),
                ResolveResult::Unknown(prefix) => Err(format!("undeclared namespace prefix `{prefix}`")),
            };
            (ns, event)
        });
        let (ns, event) = match resolved {
            Ok(ok) => ok,
            Err(e) => return Err(XmlError { offset: reader.error_position() as usize, message: e.to_string() }),
        };
        match event {
            Event::Start(start) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(err(format!("elements nested deeper than {MAX_DEPTH} levels, the depth limit")));
                }
                if root.is_some() {
                    return Err(err("content after the root element".to_string()));
                }
                let namespace = ns.map_err(err)?;
                stack.push(element(&start, namespace, &mut replaced, offset).map_err(err)?);
            }
            Event::End(_) => {
                let done = stack.pop().expect("check_end_names pairs every end with a start");
                match stack.last_mut() {
                    Some(parent) => parent.children.push(Node::Element(done)),
                    None => root = Some(done),
                }
            }
            Event::Text(t) => push_text(&mut stack, &t.xml10_content()),
            Event::CData(t) => {
                push_text(&mut stack, &t.xml10_content());
            }
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref().map_err(|e| err(e.to_string()))? {
                    Some(c) if is_illegal_in_xml(c) => {
                        replaced.push((c, offset));
                        '\u{FFFD}'
                    }
                    Some(c) => c,
                    None => {
                        let name: &str = &r;
                        match quick_xml::escape::resolve_predefined_entity(name) {
                            Some(s) => {
                                push_text(&mut stack, s);
                                continue;
                            }
                            None => {
                                return Err(err(format!(
                                    "undefined entity `&{name};` (newsarc never expands DTD entities)"
                                )));
                            }
                        }
                    }
                };
                push_text(&mut stack, c.encode_utf8(&mut [0; 4]));
            }
            Event::DocType(d) => {
                if d.xml10_content().contains("<!ENTITY") {
                    return Err(err("the document type declares entities; newsarc never expands them".to_string()));
                }
            }
            Event::Decl(decl) => {
                if let Some(Ok(encoding)) = decl.encoding()
                    && utf8_only
                    && !encoding.eq_ignore_ascii_case("utf-8")
                {
                    return Err(err(format!("encoding `{encoding}`: only UTF-8 documents are read")));
                }
            }
            Event::Empty(_) => unreachable!("expand_empty_elements is on"),
            Event::Comment(_) | Event::PI(_) => {}
            Event::Eof => break,
        }
    }
    if !stack.is_empty() {
        return Err(XmlError { offset: text.len(), message: "the document ends inside an element".to_string() });
    }
    let root = root.ok_or(XmlError { offset: 0, message: "no root element".to_string() })?;
    Ok(Document { root, replaced })
}

fn element(
    start: &BytesStart<'_>,
    namespace: Option<String>,
    replaced: &mut Vec<(char, usize)>,
    offset: usize,
) -> Result<Element, String> {
    let mut attributes = Vec::new();
    for (n, attr) in start.attributes().enumerate() {
        if n == MAX_ATTRIBUTES {
            return Err(format!("an element with more than {MAX_ATTRIBUTES} attributes, the attribute limit"));
        }
        let attr = attr.map_err(|e| e.to_string())?;
        let key = attr.key.0.to_string();
        if key == "xmlns" || key.starts_with("xmlns:") {
            continue;
        }
        // XML attribute-value normalization: references resolved, raw line breaks become spaces.
        let value =
            attr.normalized_value(quick_xml::XmlVersion::Implicit1_0).map_err(|e| format!("attribute `{key}`: {e}"))?;
        let value = if value.chars().any(is_illegal_in_xml) {
            replaced.extend(value.chars().filter(|c| is_illegal_in_xml(*c)).map(|c| (c, offset)));
            value.chars().map(|c| if is_illegal_in_xml(c) { '\u{FFFD}' } else { c }).collect()
        } else {
            value.into_owned()
        };
        attributes.push((key, value));
    }
    Ok(Element { namespace, name: start.local_name().as_ref().to_string(), attributes, children: Vec::new() })
}

/// Appends text to the open element, joining it to text already there.
fn push_text(stack: &mut [Element], text: &str) {
    let Some(parent) = stack.last_mut() else { return }; // white space outside the root
    match parent.children.last_mut() {
        Some(Node::Text(t)) => t.push_str(text),
        _ => parent.children.push(Node::Text(text.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_resolved_and_joined() {
        let d = parse("<a x=\"1 &amp; &#x32;\">A &lt;b&gt; &#233;&amp;<![CDATA[<c>]]></a>").unwrap();
        assert_eq!(d.root.attribute("x"), Some("1 & 2"));
        assert_eq!(d.root.children, vec![Node::Text("A <b> é&<c>".to_string())]);
    }

    #[test]
    fn entity_declarations_and_undefined_entities_are_refused() {
        let bomb = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;\">]><lolz>&lol2;</lolz>";
        assert!(parse(bomb).unwrap_err().message.contains("declares entities"));
        let external = "<!DOCTYPE x [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><x>&xxe;</x>";
        assert!(parse(external).is_err());
        assert!(parse("<x>&nbsp;</x>").unwrap_err().message.contains("undefined entity `&nbsp;`"));
    }

    #[test]
    fn namespaces_are_resolved() {
        let d = parse("<n:a xmlns:n=\"urn:n\" xmlns=\"urn:d\"><b xml:lang=\"en\"/></n:a>").unwrap();
        assert_eq!((d.root.namespace.as_deref(), d.root.name.as_str()), (Some("urn:n"), "a"));
        let b = d.root.child("b").unwrap();
        assert_eq!((b.namespace.as_deref(), b.attribute("xml:lang")), (Some("urn:d"), Some("en")));
        assert!(parse("<p:a/>").is_err());
    }

    #[test]
    fn forbidden_character_references_are_replaced_and_noted() {
        let d = parse("<a t=\"&#1;\">x&#xB;y</a>").unwrap();
        assert_eq!(d.root.text(), "x\u{FFFD}y");
        assert_eq!(d.root.attribute("t"), Some("\u{FFFD}"));
        assert_eq!(d.replaced.len(), 2);
    }

    #[test]
    fn depth_is_capped_and_bad_documents_fail() {
        let deep = format!("{}{}", "<a>".repeat(MAX_DEPTH + 1), "</a>".repeat(MAX_DEPTH + 1));
        assert!(parse(&deep).unwrap_err().message.contains("nested deeper than 256 levels"));
        let attributes =
            |n: usize| format!("<a {}/>", (0..n).map(|i| format!("a{i}=''")).collect::<Vec<_>>().join(" "));
        assert!(parse(&attributes(MAX_ATTRIBUTES)).is_ok());
        let err = parse(&attributes(MAX_ATTRIBUTES + 1)).unwrap_err().message;
        assert!(err.contains("more than 256 attributes, the attribute limit"), "{err}");
        for bad in ["", "<a>", "<a></b>", "<a/><b/>", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a/>"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
