//! Deterministic zip archives: the same entries give the same bytes, every time.
//!
//! Every entry gets a fixed time (1980-01-01 00:00, the zip epoch), fixed Unix permissions
//! (0644), an explicit method and level, and no extra fields; the deflate backend is pinned by
//! Cargo.lock (zip with zlib-rs). Entries are written in the order given.

use ::zip::write::SimpleFileOptions;
use ::zip::{CompressionMethod, DateTime, ZipWriter};
use std::io::{Cursor, Seek, Write};

/// Deflate level used everywhere. Chosen by measuring a 10,000-article bag (all renditions,
/// zlib-rs, `scripts/bench`'s corpus): level 4 makes it 0.26% larger than level 6 (zlib's
/// default) and 0.36% larger than level 9, and packs about a sixth faster; level 2 is 2.6%
/// larger, level 1 26%. Changing it changes every zip's and EPUB's bytes (a format change).
const LEVEL: i64 = 4;

/// How an entry is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Stored,
    Deflated,
}

fn options(method: Method) -> SimpleFileOptions {
    let (method, level) = match method {
        Method::Stored => (CompressionMethod::Stored, None),
        Method::Deflated => (CompressionMethod::Deflated, Some(LEVEL)),
    };
    SimpleFileOptions::default()
        .compression_method(method)
        .compression_level(level)
        .last_modified_time(DateTime::DEFAULT)
        .unix_permissions(0o644)
        .large_file(false)
}

/// A zip archive being built, in memory by default or into any seekable writer.
pub struct ZipBuilder<W: Write + Seek = Cursor<Vec<u8>>> {
    writer: ZipWriter<W>,
}

impl Default for ZipBuilder {
    fn default() -> Self {
        ZipBuilder { writer: ZipWriter::new(Cursor::new(Vec::new())) }
    }
}

impl ZipBuilder {
    /// The archive's bytes.
    pub fn finish(self) -> ::zip::result::ZipResult<Vec<u8>> {
        Ok(self.writer.finish()?.into_inner())
    }
}

impl<W: Write + Seek> ZipBuilder<W> {
    /// An archive written into `writer` as entries are added.
    pub fn new(writer: W) -> ZipBuilder<W> {
        ZipBuilder { writer: ZipWriter::new(writer) }
    }

    /// Adds an entry whose bytes come from `reader`.
    pub fn add_reader(
        &mut self,
        name: &str,
        method: Method,
        reader: &mut dyn std::io::Read,
    ) -> ::zip::result::ZipResult<()> {
        self.writer.start_file(name, options(method))?;
        std::io::copy(reader, &mut self.writer)?;
        Ok(())
    }

    /// Finishes the archive and gives back the writer.
    pub fn finish_into(self) -> ::zip::result::ZipResult<W> {
        self.writer.finish()
    }

    /// Appends every entry of `archive` (a zip this builder's kind made, in memory) as it is:
    /// compressed bytes, checksums and headers are copied, not recomputed. Entries can so be
    /// compressed on other threads and appended in order.
    pub fn merge(&mut self, archive: Vec<u8>) -> ::zip::result::ZipResult<()> {
        self.writer.merge_archive(::zip::ZipArchive::new(Cursor::new(archive))?)
    }

    /// Adds an entry.
    pub fn add(&mut self, name: &str, method: Method, bytes: &[u8]) -> ::zip::result::ZipResult<()> {
        self.writer.start_file(name, options(method))?;
        self.writer.write_all(bytes)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build() -> Vec<u8> {
        let mut z = ZipBuilder::default();
        z.add("mimetype", Method::Stored, b"application/epub+zip").unwrap();
        z.add("a/b.txt", Method::Deflated, "hello hello hello".repeat(100).as_bytes()).unwrap();
        z.finish().unwrap()
    }

    #[test]
    fn same_entries_same_bytes() {
        assert_eq!(build(), build());
    }

    #[test]
    fn merged_entries_are_the_entries_written_directly() {
        let mut part = ZipBuilder::default();
        part.add("a/b.txt", Method::Deflated, "hello hello hello".repeat(100).as_bytes()).unwrap();
        let mut merged = ZipBuilder::default();
        merged.add("mimetype", Method::Stored, b"application/epub+zip").unwrap();
        merged.merge(part.finish().unwrap()).unwrap();
        assert_eq!(merged.finish().unwrap(), build());
    }

    #[test]
    fn a_stored_first_entry_has_no_extra_field() {
        let bytes = build();
        // Local file header: signature, then at offset 26 the name length, 28 the extra length.
        assert_eq!(&bytes[..4], b"PK\x03\x04");
        assert_eq!(u16::from_le_bytes([bytes[8], bytes[9]]), 0, "stored");
        assert_eq!(u16::from_le_bytes([bytes[26], bytes[27]]), 8);
        assert_eq!(u16::from_le_bytes([bytes[28], bytes[29]]), 0, "no extra field");
        assert_eq!(&bytes[30..38], b"mimetype");
        assert_eq!(&bytes[38..58], b"application/epub+zip");
    }
}
