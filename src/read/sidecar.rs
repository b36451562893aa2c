//! The sidecar metadata file (`<name>.meta.json`) beside an article: values the text cannot carry.
//! Its schema is `schemas/sidecar.schema.json`.

use super::ReadError;
use crate::model::Overrides;

/// Parses and checks a sidecar file's bytes.
pub fn parse(bytes: &[u8]) -> Result<Overrides, ReadError> {
    let overrides: Overrides = serde_json::from_slice(bytes).map_err(|e| ReadError::Sidecar(e.to_string()))?;
    overrides.check().map_err(ReadError::Sidecar)?;
    Ok(overrides)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typo_in_a_key_is_refused_with_its_place() {
        let err = parse(b"{\n  \"titel\": \"x\"\n}").unwrap_err().to_string();
        assert!(err.contains("line 2 column 9") && err.contains("unknown field `titel`"), "{err}");
    }

    #[test]
    fn values_are_checked() {
        assert!(parse(br#"{"id": "../etc"}"#).is_err());
        assert!(parse(br#"{"language": "english language"}"#).is_err());
        assert!(parse(br#"{"date": "2020-13"}"#).is_err());
        let o = parse(br#"{"$schema": "x", "id": "a-1", "date": "2020", "language": "es-419"}"#).unwrap();
        assert_eq!(o.date.unwrap().to_string(), "2020");
    }
}
