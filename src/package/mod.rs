//! Packages: BagIt bags of many articles (their zip container is `format::zip`, shared with
//! the EPUB writer).
//!
//! - [`inputs`]: which files to pack, in one stable order.
//! - [`pack`]: articles converted on all cores and appended to a bag in that order.
//! - [`merge`]: the shard bags of one sharded pack merged into one bag.
//! - [`bag`]: BagIt 1.0 bags as a folder, zip or tar.

pub mod bag;
pub mod inputs;
pub mod merge;
pub mod pack;
