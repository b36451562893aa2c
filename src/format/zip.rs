//! Deterministic zip archives: the same entries give the same bytes, every time, on any thread.
//!
//! Every entry gets a fixed time (1980-01-01 00:00, the zip epoch), fixed Unix permissions
//! (0644), an explicit method and no extra field (but ZIP64's, where an offset needs it); the
//! deflate backend (zlib-rs through flate2) and its level are pinned. Entries are written in the
//! order given. The layout is the one the `zip` crate writes for the same entries (a unit test
//! holds the two byte for byte), so archives newsarc wrote before read the same.
//!
//! Written here rather than through the `zip` crate's writer for what packing needs at scale:
//! an entry is compressed anywhere ([`Entry::new`], on a worker thread, with that thread's
//! compressor reused, not a fresh one of a few hundred kilobytes allocated and zeroed per
//! entry) and appended later ([`ZipBuilder::append`]); and the central directory of a large
//! archive is spilled to an unnamed temporary file as entries are appended
//! ([`ZipBuilder::spilling`]), so memory stays flat however many entries a bag holds. Reading
//! zips stays with the `zip` crate.

use flate2::{Compress, Compression, FlushCompress, Status};
use std::cell::RefCell;
use std::fs::File;
use std::io::{BufWriter, Cursor, Read, Seek, SeekFrom, Write};

/// Deflate level used everywhere. Chosen by measuring a 10,000-article bag (all renditions,
/// zlib-rs, `scripts/bench`'s corpus): level 4 makes it 0.26% larger than level 6 (zlib's
/// default) and 0.36% larger than level 9, and packs about a sixth faster; level 2 is 2.6%
/// larger, level 1 26%. Changing it changes every zip's and EPUB's bytes (a format change).
const LEVEL: u32 = 4;

/// The largest value a 32-bit field holds; at or above it, ZIP64 fields take over.
const ZIP64_THRESHOLD: u64 = u32::MAX as u64;
/// The largest entry count the classic end record holds.
const ZIP64_ENTRIES: u64 = u16::MAX as u64;
/// Unix regular file, mode 0644, in the high half of the external attributes.
const EXTERNAL_ATTRIBUTES: u32 = 0o100644 << 16;
/// "Made by" Unix (3).
const MADE_BY_UNIX: u16 = 3 << 8;
/// MS-DOS date of 1980-01-01 (the time, 00:00, is 0).
const DOS_DATE: u16 = (1 << 5) | 1;

/// How an entry is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Stored,
    Deflated,
}

impl Method {
    fn code(self) -> u16 {
        match self {
            Method::Stored => 0,
            Method::Deflated => 8,
        }
    }
    /// Version needed to extract (1.0 stored, 2.0 deflated).
    fn version(self) -> u16 {
        match self {
            Method::Stored => 10,
            Method::Deflated => 20,
        }
    }
}

thread_local! {
    /// This thread's compressor, reset between entries (a reset gives the bytes of a new one).
    static DEFLATE: RefCell<Option<Compress>> = const { RefCell::new(None) };
}

/// Raw deflate of `bytes` at [`LEVEL`], with this thread's compressor.
fn deflate(bytes: &[u8]) -> Vec<u8> {
    DEFLATE.with(|cell| {
        let mut cell = cell.borrow_mut();
        let compress = cell.get_or_insert_with(|| Compress::new(Compression::new(LEVEL), false));
        compress.reset();
        let mut out = Vec::with_capacity(bytes.len() / 2 + 64);
        loop {
            let consumed = compress.total_in() as usize;
            let status = compress
                .compress_vec(&bytes[consumed..], &mut out, FlushCompress::Finish)
                .expect("deflate of an in-memory buffer cannot fail");
            if status == Status::StreamEnd {
                return out;
            }
            out.reserve(out.capacity().max(64));
        }
    })
}

/// An entry ready to be appended: its name, method, CRC-32, size and (compressed) bytes.
#[derive(Debug, Clone)]
pub struct Entry {
    name: String,
    method: Method,
    crc32: u32,
    size: u64,
    data: Vec<u8>,
}

impl Entry {
    /// Compresses (or stores) `bytes` as the entry `name`, on the calling thread.
    pub fn new(name: &str, method: Method, bytes: &[u8]) -> Entry {
        let data = match method {
            Method::Stored => bytes.to_vec(),
            Method::Deflated => deflate(bytes),
        };
        Entry { name: name.to_string(), method, crc32: crc32fast::hash(bytes), size: bytes.len() as u64, data }
    }
}

/// Where the central directory waits for the end of the archive.
enum Directory {
    Memory(Vec<u8>),
    Spilled(BufWriter<File>),
}

impl Write for Directory {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Directory::Memory(v) => v.write(buf),
            Directory::Spilled(f) => f.write(buf),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Directory::Memory(_) => Ok(()),
            Directory::Spilled(f) => f.flush(),
        }
    }
}

/// A zip archive being built, in memory by default or into any seekable writer.
pub struct ZipBuilder<W: Write + Seek = Cursor<Vec<u8>>> {
    writer: W,
    /// Where the next local header goes.
    offset: u64,
    entries: u64,
    directory: Directory,
    directory_len: u64,
    /// The highest version needed by an entry.
    version: u16,
}

impl Default for ZipBuilder {
    fn default() -> Self {
        ZipBuilder::new(Cursor::new(Vec::new()))
    }
}

impl ZipBuilder {
    /// The archive's bytes.
    pub fn finish(self) -> std::io::Result<Vec<u8>> {
        Ok(self.finish_into()?.into_inner())
    }
}

impl<W: Write + Seek> ZipBuilder<W> {
    /// An archive written into `writer` (from its start) as entries are added; its central
    /// directory is kept in memory (about 100 bytes an entry).
    pub fn new(writer: W) -> ZipBuilder<W> {
        ZipBuilder {
            writer,
            offset: 0,
            entries: 0,
            directory: Directory::Memory(Vec::new()),
            directory_len: 0,
            version: Method::Stored.version(),
        }
    }

    /// Like [`ZipBuilder::new`], with the central directory kept in an unnamed temporary file
    /// until the end: memory does not grow with the number of entries.
    pub fn spilling(writer: W) -> std::io::Result<ZipBuilder<W>> {
        let mut zip = ZipBuilder::new(writer);
        zip.directory = Directory::Spilled(BufWriter::new(tempfile::tempfile()?));
        Ok(zip)
    }

    /// Adds an entry, compressed on this thread.
    pub fn add(&mut self, name: &str, method: Method, bytes: &[u8]) -> std::io::Result<()> {
        self.append(&Entry::new(name, method, bytes))
    }

    /// Appends an entry prepared (on any thread) by [`Entry::new`].
    pub fn append(&mut self, entry: &Entry) -> std::io::Result<()> {
        let start = self.offset;
        self.write_local_header(&entry.name, entry.method, entry.crc32, entry.data.len() as u64, entry.size)?;
        self.writer.write_all(&entry.data)?;
        self.offset += entry.data.len() as u64;
        self.record(&entry.name, entry.method, entry.crc32, entry.data.len() as u64, entry.size, start)
    }

    /// Adds an entry whose bytes come from `reader`, compressed as they are read (the local
    /// header is completed afterwards), so a large entry is never held whole.
    pub fn add_reader(&mut self, name: &str, method: Method, reader: &mut dyn Read) -> std::io::Result<()> {
        let start = self.offset;
        self.write_local_header(name, method, 0, 0, 0)?;
        let mut crc = crc32fast::Hasher::new();
        let (mut size, mut written) = (0u64, 0u64);
        let mut buf = vec![0u8; 64 * 1024];
        let mut compressed = Vec::with_capacity(64 * 1024);
        let mut compress = (method == Method::Deflated).then(|| Compress::new(Compression::new(LEVEL), false));
        loop {
            let n = match reader.read(&mut buf) {
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            crc.update(&buf[..n]);
            size += n as u64;
            let Some(compress) = compress.as_mut() else {
                if n == 0 {
                    break;
                }
                self.writer.write_all(&buf[..n])?;
                written += n as u64;
                continue;
            };
            let flush = if n == 0 { FlushCompress::Finish } else { FlushCompress::None };
            let mut input = &buf[..n];
            loop {
                compressed.clear();
                let before = compress.total_in();
                let status = compress.compress_vec(input, &mut compressed, flush).map_err(std::io::Error::other)?;
                input = &input[(compress.total_in() - before) as usize..];
                self.writer.write_all(&compressed)?;
                written += compressed.len() as u64;
                let full = compressed.len() == compressed.capacity();
                if status == Status::StreamEnd || (input.is_empty() && !full && n > 0) {
                    break;
                }
            }
            if n == 0 {
                break;
            }
        }
        if size >= ZIP64_THRESHOLD || written >= ZIP64_THRESHOLD {
            return Err(std::io::Error::other(format!("{name}: a zip entry of 4 GiB or more is not supported")));
        }
        let crc = crc.finalize();
        // The header's CRC-32 and sizes, now known (14 bytes past its start).
        self.writer.seek(SeekFrom::Start(start + 14))?;
        self.writer.write_all(&crc.to_le_bytes())?;
        self.writer.write_all(&(written as u32).to_le_bytes())?;
        self.writer.write_all(&(size as u32).to_le_bytes())?;
        self.offset += written;
        self.writer.seek(SeekFrom::Start(self.offset))?;
        self.record(name, method, crc, written, size, start)
    }

    fn write_local_header(
        &mut self,
        name: &str,
        method: Method,
        crc: u32,
        compressed: u64,
        size: u64,
    ) -> std::io::Result<()> {
        let name_len = u16::try_from(name.len())
            .map_err(|_| std::io::Error::other(format!("{name}: a zip entry name longer than 65,535 bytes")))?;
        if size >= ZIP64_THRESHOLD || compressed >= ZIP64_THRESHOLD {
            return Err(std::io::Error::other(format!("{name}: a zip entry of 4 GiB or more is not supported")));
        }
        let mut header = Vec::with_capacity(30 + name.len());
        header.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        header.extend_from_slice(&method.version().to_le_bytes());
        header.extend_from_slice(&flags(name).to_le_bytes());
        header.extend_from_slice(&method.code().to_le_bytes());
        header.extend_from_slice(&0u16.to_le_bytes()); // time 00:00
        header.extend_from_slice(&DOS_DATE.to_le_bytes());
        header.extend_from_slice(&crc.to_le_bytes());
        header.extend_from_slice(&(compressed as u32).to_le_bytes());
        header.extend_from_slice(&(size as u32).to_le_bytes());
        header.extend_from_slice(&name_len.to_le_bytes());
        header.extend_from_slice(&0u16.to_le_bytes()); // no extra field
        header.extend_from_slice(name.as_bytes());
        self.writer.write_all(&header)?;
        self.offset += header.len() as u64;
        Ok(())
    }

    /// The entry's central directory record.
    fn record(
        &mut self,
        name: &str,
        method: Method,
        crc: u32,
        compressed: u64,
        size: u64,
        start: u64,
    ) -> std::io::Result<()> {
        // An offset past 4 GiB goes in a ZIP64 extra field (APPNOTE 4.5.3), which needs 4.5.
        let far = start >= ZIP64_THRESHOLD;
        let version = if far { 45 } else { method.version() };
        self.version = self.version.max(version);
        let mut record = Vec::with_capacity(46 + name.len() + 12);
        record.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        record.extend_from_slice(&(MADE_BY_UNIX | version).to_le_bytes());
        record.extend_from_slice(&version.to_le_bytes());
        record.extend_from_slice(&flags(name).to_le_bytes());
        record.extend_from_slice(&method.code().to_le_bytes());
        record.extend_from_slice(&0u16.to_le_bytes());
        record.extend_from_slice(&DOS_DATE.to_le_bytes());
        record.extend_from_slice(&crc.to_le_bytes());
        record.extend_from_slice(&(compressed as u32).to_le_bytes());
        record.extend_from_slice(&(size as u32).to_le_bytes());
        record.extend_from_slice(&(name.len() as u16).to_le_bytes());
        record.extend_from_slice(&(if far { 12u16 } else { 0 }).to_le_bytes());
        record.extend_from_slice(&0u16.to_le_bytes()); // comment
        record.extend_from_slice(&0u16.to_le_bytes()); // disk
        record.extend_from_slice(&0u16.to_le_bytes()); // internal attributes
        record.extend_from_slice(&EXTERNAL_ATTRIBUTES.to_le_bytes());
        record.extend_from_slice(&(start.min(ZIP64_THRESHOLD) as u32).to_le_bytes());
        record.extend_from_slice(name.as_bytes());
        if far {
            record.extend_from_slice(&1u16.to_le_bytes());
            record.extend_from_slice(&8u16.to_le_bytes());
            record.extend_from_slice(&start.to_le_bytes());
        }
        self.directory.write_all(&record)?;
        self.directory_len += record.len() as u64;
        self.entries += 1;
        Ok(())
    }

    /// Writes the central directory and the end records, and gives back the writer.
    pub fn finish_into(mut self) -> std::io::Result<W> {
        let start = self.offset;
        match std::mem::replace(&mut self.directory, Directory::Memory(Vec::new())) {
            Directory::Memory(bytes) => self.writer.write_all(&bytes)?,
            Directory::Spilled(file) => {
                let mut file = file.into_inner().map_err(|e| e.into_error())?;
                file.seek(SeekFrom::Start(0))?;
                let copied = std::io::copy(&mut file, &mut self.writer)?;
                debug_assert_eq!(copied, self.directory_len);
            }
        }
        let len = self.directory_len;
        let end = start + len;
        let zip64 = self.entries >= ZIP64_ENTRIES || start >= ZIP64_THRESHOLD || len >= ZIP64_THRESHOLD;
        let mut tail = Vec::with_capacity(98);
        if zip64 {
            let version = self.version.max(45);
            // ZIP64 end of central directory record, then its locator.
            tail.extend_from_slice(&0x0606_4b50u32.to_le_bytes());
            tail.extend_from_slice(&44u64.to_le_bytes());
            tail.extend_from_slice(&(MADE_BY_UNIX | version).to_le_bytes());
            tail.extend_from_slice(&version.to_le_bytes());
            tail.extend_from_slice(&0u32.to_le_bytes());
            tail.extend_from_slice(&0u32.to_le_bytes());
            tail.extend_from_slice(&self.entries.to_le_bytes());
            tail.extend_from_slice(&self.entries.to_le_bytes());
            tail.extend_from_slice(&len.to_le_bytes());
            tail.extend_from_slice(&start.to_le_bytes());
            tail.extend_from_slice(&0x0706_4b50u32.to_le_bytes());
            tail.extend_from_slice(&0u32.to_le_bytes());
            tail.extend_from_slice(&end.to_le_bytes());
            tail.extend_from_slice(&1u32.to_le_bytes());
        }
        let entries = self.entries.min(ZIP64_ENTRIES) as u16;
        tail.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
        tail.extend_from_slice(&0u16.to_le_bytes());
        tail.extend_from_slice(&0u16.to_le_bytes());
        tail.extend_from_slice(&entries.to_le_bytes());
        tail.extend_from_slice(&entries.to_le_bytes());
        tail.extend_from_slice(&(if zip64 { u32::MAX } else { len as u32 }).to_le_bytes());
        tail.extend_from_slice(&(start.min(ZIP64_THRESHOLD) as u32).to_le_bytes());
        tail.extend_from_slice(&0u16.to_le_bytes()); // comment
        self.writer.write_all(&tail)?;
        Ok(self.writer)
    }
}

/// General purpose flags: bit 11 (names in UTF-8) when the name is not ASCII.
fn flags(name: &str) -> u16 {
    if name.is_ascii() { 0 } else { 1 << 11 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ::zip::write::SimpleFileOptions;
    use ::zip::{CompressionMethod, DateTime, ZipWriter};

    /// Entries of every kind: stored and deflated, empty, non-ASCII names, incompressible bytes.
    fn entries() -> Vec<(String, Method, Vec<u8>)> {
        let noise: Vec<u8> = (0u32..70_000).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        vec![
            ("mimetype".into(), Method::Stored, b"application/epub+zip".to_vec()),
            ("a/b.txt".into(), Method::Deflated, "hello hello hello".repeat(100).into_bytes()),
            ("a/empty.txt".into(), Method::Deflated, Vec::new()),
            ("a/empty-stored".into(), Method::Stored, Vec::new()),
            ("données/été.txt".into(), Method::Deflated, "déjà vu ".repeat(5000).into_bytes()),
            ("noise.bin".into(), Method::Deflated, noise.clone()),
            ("noise-stored.bin".into(), Method::Stored, noise),
        ]
    }

    fn build() -> Vec<u8> {
        let mut z = ZipBuilder::default();
        for (name, method, bytes) in entries() {
            z.add(&name, method, &bytes).unwrap();
        }
        z.finish().unwrap()
    }

    /// The same entries written by the `zip` crate (9.8.1, zlib-rs, level 4): what newsarc's
    /// archives were before this writer, and an independent implementation of the format.
    fn by_the_zip_crate(entries: &[(String, Method, Vec<u8>)]) -> Vec<u8> {
        let mut z = ZipWriter::new(Cursor::new(Vec::new()));
        for (name, method, bytes) in entries {
            let (m, level) = match method {
                Method::Stored => (CompressionMethod::Stored, None),
                Method::Deflated => (CompressionMethod::Deflated, Some(LEVEL as i64)),
            };
            let options = SimpleFileOptions::default()
                .compression_method(m)
                .compression_level(level)
                .last_modified_time(DateTime::DEFAULT)
                .unix_permissions(0o644)
                .large_file(false);
            z.start_file(name.as_str(), options).unwrap();
            z.write_all(bytes).unwrap();
        }
        z.finish().unwrap().into_inner()
    }

    #[test]
    fn same_entries_same_bytes() {
        assert_eq!(build(), build());
    }

    #[test]
    fn the_bytes_are_those_the_zip_crate_writes() {
        assert_eq!(build(), by_the_zip_crate(&entries()));
    }

    #[test]
    fn entries_compressed_on_other_threads_and_streamed_entries_give_the_same_bytes() {
        let prepared: Vec<Entry> = std::thread::scope(|s| {
            let handles: Vec<_> =
                entries().into_iter().map(|(n, m, b)| s.spawn(move || Entry::new(&n, m, &b))).collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let mut appended = ZipBuilder::spilling(Cursor::new(Vec::new())).unwrap();
        for entry in &prepared {
            appended.append(entry).unwrap();
        }
        let mut streamed = ZipBuilder::default();
        for (name, method, bytes) in entries() {
            // Read in small pieces, as a file is.
            let mut reader = std::io::BufReader::with_capacity(1000, &bytes[..]);
            streamed.add_reader(&name, method, &mut reader).unwrap();
        }
        assert_eq!(appended.finish_into().unwrap().into_inner(), build());
        assert_eq!(streamed.finish().unwrap(), build());
    }

    #[test]
    fn more_entries_than_the_classic_end_record_counts_are_read_back() {
        // 70,000 entries need the ZIP64 end records; the zip crate and Python's zipfile read them.
        let mut z = ZipBuilder::spilling(Cursor::new(Vec::new())).unwrap();
        for i in 0..70_000 {
            z.add(&format!("f/{i}"), Method::Stored, i.to_string().as_bytes()).unwrap();
        }
        let bytes = z.finish_into().unwrap().into_inner();
        let mut archive = ::zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        assert_eq!(archive.len(), 70_000);
        let mut text = String::new();
        archive.by_name("f/69999").unwrap().read_to_string(&mut text).unwrap();
        assert_eq!(text, "69999");
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
