//! newsarc's integration tests: one binary, one module per area.

mod util;

mod bagit;
mod cli;
mod conformance;
mod determinism;
mod epub;
mod newsml;
mod pack;
mod peers;
mod properties;
mod read;
mod regression;
mod safety;
mod site;
mod snapshots;
mod validate;
#[cfg(feature = "xsd")]
mod xsd;
