//! newsarc's integration tests: one binary, one module per area.

mod util;

mod cli;
mod conformance;
mod determinism;
mod epub;
mod foreign;
mod newsml;
mod ninjs;
mod pack;
mod properties;
mod read;
mod regression;
mod snapshots;
mod validate;
#[cfg(feature = "xsd")]
mod xsd;
