//! newsarc's integration tests: one binary, one module per area.

mod util;

mod bagit;
mod ci;
mod cli;
mod cluster;
mod complexity;
mod conformance;
mod determinism;
mod encodings;
mod epub;
mod epub_validation;
mod foreign;
mod fuzz_regressions;
mod html;
mod limits;
mod never_garbage;
mod newsml;
mod ninjs;
mod ocfl;
mod ocfl_validation;
mod pack;
mod peers;
mod peers_epub;
mod properties;
mod read;
mod regression;
mod safety;
mod site;
mod snapshots;
mod uri;
mod validate;
#[cfg(feature = "xsd")]
mod xsd;
mod zip_layout;
