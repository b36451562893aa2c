//! The project's own JSON Schemas, embedded in the binary (`schemas/` in the source tree).

/// Schema of the metadata record, `metadata.json`.
pub const METADATA: &str = include_str!("../schemas/metadata.schema.json");
/// Schema of the sidecar metadata file, `<name>.meta.json`.
pub const SIDECAR: &str = include_str!("../schemas/sidecar.schema.json");

/// Schema of a package's index, `data/index.json`.
pub const INDEX: &str = include_str!("../schemas/index.schema.json");

/// Schema of `newsarc validate --format json` reports.
pub const REPORT: &str = include_str!("../schemas/report.schema.json");

/// Every schema by name, for `newsarc schema NAME`.
pub const ALL: &[(&str, &str)] = &[("metadata", METADATA), ("sidecar", SIDECAR), ("index", INDEX), ("report", REPORT)];
