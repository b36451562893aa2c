//! XML documents against an XML Schema (such as IPTC's NewsML-G2 XSD), through libxml2.
//!
//! Only with the cargo feature `xsd` (libxml2 is a system library). A document that declares
//! DTD entities is refused before libxml2 sees it, so no entity is ever expanded; libxml2's loader
//! of external resources is replaced by its no-network one, so neither a schema import nor a
//! document can make newsarc fetch anything. Documents in any encoding libxml2 knows are read.
//!
//! Codes: `NA-XSD-001` the document is not valid against the schema (one finding per problem
//! libxml2 reports, with its line); `NA-XSD-002` the document cannot be validated (not
//! well-formed, or it declares entities).

use super::{Finding, Severity, ValidateError};
use libxml::schemas::{SchemaParserContext, SchemaValidationContext};
use std::path::Path;
use std::sync::Once;

/// A loaded schema, ready to validate documents one after another (one per thread).
pub struct XsdValidator {
    context: SchemaValidationContext,
}

fn forbid_network() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| unsafe {
        libxml::bindings::xmlSetExternalEntityLoader(Some(libxml::bindings::xmlNoNetExternalEntityLoader));
    });
}

impl XsdValidator {
    /// Loads the schema at `path` (imports are resolved beside it; never over the network).
    pub fn load(path: &Path) -> Result<XsdValidator, ValidateError> {
        forbid_network();
        let shown = path.display().to_string();
        if !path.is_file() {
            return Err(ValidateError::Schema { path: shown, message: "no such file".to_string() });
        }
        let mut parser = SchemaParserContext::from_file(&path.to_string_lossy());
        let context = SchemaValidationContext::from_parser(&mut parser).map_err(|errors| ValidateError::Schema {
            path: shown,
            message: errors.iter().filter_map(|e| e.message.as_deref()).map(str::trim).collect::<Vec<_>>().join("; "),
        })?;
        Ok(XsdValidator { context })
    }

    /// Validates one document; `name` is how findings name it.
    pub fn check(&mut self, name: &str, bytes: &[u8]) -> Vec<Finding> {
        let finding = |code, line, column, message: String| Finding {
            code,
            severity: Severity::Error,
            file: name.to_string(),
            line,
            column,
            message,
        };
        // Entity declarations are refused before libxml2 parses anything. The check is on bytes,
        // so it holds for every ASCII-compatible encoding a document may declare.
        if let Some(at) = bytes.windows(8).position(|w| w == b"<!ENTITY") {
            let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() as u32 + 1;
            return vec![finding(
                "NA-XSD-002",
                Some(line),
                None,
                "the document type declares entities; newsarc never expands them".to_string(),
            )];
        }
        let parser = libxml::parser::Parser::default();
        let document = match parser.parse_string(bytes) {
            Ok(document) => document,
            Err(e) => return vec![finding("NA-XSD-002", None, None, format!("libxml2 could not parse it: {e:?}"))],
        };
        match self.context.validate_document(&document) {
            Ok(()) => Vec::new(),
            Err(errors) => errors
                .into_iter()
                .map(|e| {
                    let line = e.line.and_then(|l| u32::try_from(l).ok()).filter(|l| *l > 0);
                    let column = e.col.and_then(|c| u32::try_from(c).ok()).filter(|c| *c > 0);
                    let message = e.message.as_deref().unwrap_or("not valid against the schema").trim().to_string();
                    finding("NA-XSD-001", line, column, message)
                })
                .collect(),
        }
    }
}
