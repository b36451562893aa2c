//! ninjs documents against IPTC's official JSON Schemas, embedded in the binary
//! (`schemas/iptc/`, MIT): ninjs 3.1 and 3.0, and the GeoJSON schema they refer to, which is
//! resolved from the embedded copy (nothing is ever fetched). Format checks are on (`uri`,
//! `date-time`), as IPTC's schemas mean them.
//!
//! The schema is the one for the version the document declares in `standard.version` (or, failing
//! that, in the name of `standard.schema`); a document that declares none is checked as ninjs 3.1,
//! the version newsarc writes. A declared version newsarc has no schema for is a problem of its own.
//!
//! Codes: `NA-NINJS-001` not a JSON object, or no string `uri` · `NA-NINJS-002` a value the schema
//! refuses (wrong type, not a URI, out of range...) · `NA-NINJS-003` a top-level field the version
//! does not define · `NA-NINJS-004` a declared ninjs version newsarc has no schema for ·
//! `NA-NINJS-005` a field the schema does not define inside an object. Each message begins with the
//! JSON pointer of the failing value.

use jsonschema::Validator;
use jsonschema::error::ValidationErrorKind;
use serde_json::Value;
use std::sync::LazyLock;

/// IPTC's ninjs 3.1 schema.
pub const SCHEMA_3_1: &str = include_str!("../../schemas/iptc/ninjs-schema_3.1.json");
/// IPTC's ninjs 3.0 schema (3.0.1).
pub const SCHEMA_3_0: &str = include_str!("../../schemas/iptc/ninjs-schema_3.0.json");
/// The GeoJSON schema the ninjs schemas refer to for `places[].geoJSON`.
pub const GEOJSON: &str = include_str!("../../schemas/iptc/GeoJSON.json");
const GEOJSON_URI: &str = "https://geojson.org/schema/GeoJSON.json";

/// The ninjs versions newsarc validates, newest first.
pub const VERSIONS: &[&str] = &["3.1", "3.0"];

/// One problem with a ninjs document: its code, the JSON pointer of the failing value, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub code: &'static str,
    pub pointer: String,
    pub message: String,
}

/// Checks a parsed ninjs document against the schema of the version it declares.
pub fn check(doc: &Value) -> Vec<Problem> {
    match declared_version(doc) {
        Declared::None => check_as(doc, "3.1"),
        Declared::Known(v) => check_as(doc, v),
        Declared::Unknown(v, at) => {
            let mut problems = basic(doc);
            if doc.is_object() {
                problems.push(Problem {
                    code: "NA-NINJS-004",
                    pointer: at.to_string(),
                    message: format!(
                        "`{at}` declares ninjs version `{v}`, which newsarc has no schema for (it knows {}); not validated further",
                        VERSIONS.join(", ")
                    ),
                });
            }
            problems
        }
    }
}

/// Not an object, or no string `uri`: what every version requires.
fn basic(doc: &Value) -> Vec<Problem> {
    let problem = |pointer: &str, message: &str| Problem {
        code: "NA-NINJS-001",
        pointer: pointer.to_string(),
        message: message.to_string(),
    };
    match doc.as_object() {
        None => vec![problem("", "the document is not a JSON object")],
        Some(o) if !o.get("uri").is_some_and(Value::is_string) => {
            vec![problem("/uri", "`/uri` is missing or not a string; ninjs requires it")]
        }
        Some(_) => Vec::new(),
    }
}

/// Checks a parsed ninjs document against the schema of `version` (one of [`VERSIONS`]; the newest
/// for any other), whatever the document declares.
pub fn check_as(doc: &Value, version: &str) -> Vec<Problem> {
    let version = VERSIONS.iter().copied().find(|v| *v == version).unwrap_or(VERSIONS[0]);
    let mut problems = basic(doc);
    let problem = |code, pointer: &str, message: String| Problem { code, pointer: pointer.to_string(), message };
    let Some(object) = doc.as_object() else { return problems };
    let (validator, fields) = validator(version);
    for key in object.keys().filter(|k| !fields.iter().any(|f| f == k.as_str())) {
        let pointer = format!("/{}", escape(key));
        problems.push(problem("NA-NINJS-003", &pointer, format!("`{pointer}` is not a ninjs {version} field")));
    }
    for error in validator.iter_errors(doc) {
        let pointer = error.instance_path().to_string();
        let (code, what) = match error.kind() {
            // Reported above, by name.
            ValidationErrorKind::UnevaluatedProperties { .. } | ValidationErrorKind::AdditionalProperties { .. }
                if pointer.is_empty() =>
            {
                continue;
            }
            ValidationErrorKind::Required { property } if pointer.is_empty() && property == "uri" => continue,
            ValidationErrorKind::Type { .. } if pointer == "/uri" => continue,
            ValidationErrorKind::UnevaluatedProperties { unexpected }
            | ValidationErrorKind::AdditionalProperties { unexpected } => {
                for name in unexpected {
                    let at = format!("{pointer}/{}", escape(name));
                    problems.push(problem(
                        "NA-NINJS-005",
                        &at,
                        format!("`{at}` is not a field ninjs {version} defines there"),
                    ));
                }
                continue;
            }
            ValidationErrorKind::Format { format } => {
                ("NA-NINJS-002", format!("{} is not a valid `{format}`", shorten(error.instance())))
            }
            _ => ("NA-NINJS-002", shorten_text(&error.masked().to_string())),
        };
        let shown = if pointer.is_empty() { "/".to_string() } else { pointer.clone() };
        problems.push(problem(code, &pointer, format!("`{shown}`: {what} (ninjs {version} schema)")));
    }
    problems
}

/// Whether `doc` is valid ninjs for the version it declares.
pub fn is_valid(doc: &Value) -> bool {
    check(doc).is_empty()
}

/// What a document says of its ninjs version.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Declared {
    None,
    Known(&'static str),
    /// The version, and the pointer of the object that says it.
    Unknown(String, &'static str),
}

/// The version in `standard.version`, else in the schema name of `standard.schema`
/// (`.../ninjs-schema_3.0.json#`); `3.0.1` is read as 3.0. ninjs 1.x and 2.x documents say it in
/// `$standard` (same fields), which is read too, so that they are named, not misjudged by a 3.x
/// schema (their field names are lower-case: `versioncreated`).
fn declared_version(doc: &Value) -> Declared {
    let stated = [("standard", "/standard"), ("$standard", "/$standard")].into_iter().find_map(|(key, at)| {
        let standard = &doc[key];
        let version = standard["version"].as_str().map(str::to_string).or_else(|| {
            let schema = standard["schema"].as_str()?;
            let name = schema.trim_end_matches('#').rsplit('/').next()?;
            name.strip_prefix("ninjs-schema_")?.strip_suffix(".json").map(str::to_string)
        });
        version.map(|v| (v, at))
    });
    let Some((stated, at)) = stated else { return Declared::None };
    let major_minor: Vec<&str> = stated.trim().splitn(3, '.').take(2).collect();
    let key = major_minor.join(".");
    match VERSIONS.iter().find(|v| **v == key) {
        Some(v) => Declared::Known(v),
        None => Declared::Unknown(stated, at),
    }
}

/// The compiled schema of a version and the top-level fields it defines.
fn validator(version: &str) -> &'static (Validator, Vec<String>) {
    static V3_1: LazyLock<(Validator, Vec<String>)> = LazyLock::new(|| compile(SCHEMA_3_1));
    static V3_0: LazyLock<(Validator, Vec<String>)> = LazyLock::new(|| compile(SCHEMA_3_0));
    match version {
        "3.0" => &V3_0,
        _ => &V3_1,
    }
}

fn compile(text: &str) -> (Validator, Vec<String>) {
    let schema: Value = serde_json::from_str(text).expect("embedded ninjs schema is JSON");
    let fields =
        schema["$defs"]["ninjsType"]["properties"].as_object().map(|p| p.keys().cloned().collect()).unwrap_or_default();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .with_retriever(Embedded)
        .build(&schema)
        .expect("embedded ninjs schema compiles");
    (validator, fields)
}

/// Resolves the GeoJSON schema from the embedded copy; refuses everything else (no network).
struct Embedded;

impl jsonschema::Retrieve for Embedded {
    fn retrieve(&self, uri: &jsonschema::Uri<String>) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        if uri.as_str().trim_end_matches('#') == GEOJSON_URI {
            Ok(serde_json::from_str(GEOJSON)?)
        } else {
            Err(format!("{uri} is not embedded in newsarc, and newsarc fetches nothing").into())
        }
    }
}

/// `~` and `/` escaped for a JSON pointer segment.
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// A value as short JSON text for a message.
fn shorten(value: &Value) -> String {
    shorten_text(&value.to_string())
}

fn shorten_text(text: &str) -> String {
    const MAX: usize = 160;
    let one_line = text.replace(['\n', '\r'], " ");
    if one_line.chars().count() <= MAX {
        return one_line;
    }
    let cut: String = one_line.chars().take(MAX).collect();
    format!("{cut}...")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn codes(doc: Value) -> Vec<(&'static str, String)> {
        check(&doc).into_iter().map(|p| (p.code, p.pointer)).collect()
    }

    #[test]
    fn a_minimal_document_is_valid() {
        assert!(check(&json!({"uri": "urn:x:1"})).is_empty());
        assert!(check(&json!({"uri": "urn:x:1", "standard": {"version": "3.0"}})).is_empty());
    }

    #[test]
    fn each_problem_has_its_code_and_pointer() {
        assert_eq!(codes(json!([])), [("NA-NINJS-001", String::new())]);
        assert_eq!(codes(json!({"type": "text"})), [("NA-NINJS-001", "/uri".to_string())]);
        assert_eq!(codes(json!({"uri": "simplest-test"})), [("NA-NINJS-002", "/uri".to_string())]);
        // Not an integer, and under the minimum: both said.
        let urgency = codes(json!({"uri": "urn:x:1", "urgency": 0.1}));
        assert_eq!(urgency, vec![("NA-NINJS-002", "/urgency".to_string()); 2]);
        assert_eq!(codes(json!({"uri": "urn:x:1", "random": 1})), [("NA-NINJS-003", "/random".to_string())]);
        assert_eq!(
            codes(json!({"uri": "urn:x:1", "headlines": [{"value": "h", "colour": "red"}]})),
            [("NA-NINJS-005", "/headlines/0/colour".to_string())]
        );
        assert_eq!(
            codes(json!({"uri": "urn:x:1", "versionCreated": "2020-01-01T00:00:00+0000"})),
            [("NA-NINJS-002", "/versionCreated".to_string())]
        );
    }

    #[test]
    fn the_declared_version_chooses_the_schema() {
        // digitalSourceType came with 3.1.
        let doc = |version: &str| json!({"uri": "urn:x:1", "standard": {"version": version}, "digitalSourceType": {"name": "n"}});
        assert!(check(&doc("3.1")).is_empty());
        assert_eq!(codes(doc("3.0")), [("NA-NINJS-003", "/digitalSourceType".to_string())]);
        let by_schema = json!({"uri": "urn:x:1", "standard": {"schema": "http://www.iptc.org/std/ninjs/ninjs-schema_3.0.json#"}, "digitalSourceType": {}});
        assert_eq!(codes(by_schema)[0].0, "NA-NINJS-003");
        assert_eq!(codes(doc("9.9")), [("NA-NINJS-004", "/standard".to_string())]);
        // ninjs 1.x and 2.x say it in `$standard`.
        let old = json!({"uri": "urn:x:1", "$standard": {"name": "ninjs", "version": "2.1"}, "versioncreated": "x"});
        assert_eq!(codes(old), [("NA-NINJS-004", "/$standard".to_string())]);
    }

    #[test]
    fn geojson_is_checked_from_the_embedded_copy() {
        let place = |geo: Value| json!({"uri": "urn:x:1", "places": [{"name": "p", "geoJSON": geo}]});
        assert!(check(&place(json!({"type": "Point", "coordinates": [1.0, 2.0]}))).is_empty());
        assert!(!check(&place(json!({"type": "Foo", "coordinates": ["dog"]}))).is_empty());
    }
}
