//! Containers: deterministic zip archives (EPUB publications now; BagIt packages later).

pub mod zip;
