//! The structure of a zip archive, checked so that every reader reads the same files: the one
//! zip reading that newsarc's readers of bags and EPUBs (validate, merge, site, OCFL's bag
//! inputs, the EPUB reader) pass before they read an entry.
//!
//! A zip names its files twice: each entry's *local header*, in front of its data, which a
//! streaming reader (`unzip` of a pipe, Java's `ZipInputStream`, `bsdtar`) follows, and the
//! *central directory* at the end, which a seeking reader (the `zip` crate, Python's `zipfile`,
//! `unzip` of a file) follows. When the two disagree, or bytes lie where neither looks, what a
//! user extracts depends on the tool, and a checksum test through one of them proves nothing
//! for the other. [`check`] walks the central directory once and, for each entry, reads its
//! local header (one small positioned read, no extra seek through the data) and compares:
//!
//! - `NA-ZIP-001`: the local header names another file than the central directory;
//! - `NA-ZIP-002`: version needed, flags or compression method differ;
//! - `NA-ZIP-003`: CRC-32 or sizes differ (or the data descriptor's, where the flags say one
//!   holds them);
//! - `NA-ZIP-004`: bytes before the first entry (a prepended stub or a hidden file);
//! - `NA-ZIP-005`: bytes that belong to no entry between entries or before the directory, or
//!   entries whose data overlap;
//! - `NA-ZIP-006`: the directory and its end record disagree (count, size, offset, disks), bytes
//!   after the end record, a directory record that is not one, or an archive comment that holds
//!   a zip record's signature;
//! - `NA-ZIP-007`: ZIP64 fields that are missing, short or disagree with the classic ones;
//! - `NA-ZIP-008`: no local header where the directory says one is.
//!
//! Times, dates, "version made by", attributes and extra fields other than ZIP64's may differ
//! between the two copies: no reader extracts other bytes for them. Problems are data
//! ([`Problem`], with a stable code); the validators turn them into findings and the readers
//! refuse the archive with the first one.

use std::io;

/// One thing wrong with an archive's structure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// A stable code, `NA-ZIP-0xx`.
    pub code: &'static str,
    /// The entry it concerns, by its central directory name, if one.
    pub entry: Option<String>,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.entry {
            Some(entry) => write!(f, "{}: `{entry}`: {}", self.code, self.message),
            None => write!(f, "{}: {}", self.code, self.message),
        }
    }
}

/// An entry as the central directory records it.
#[derive(Debug, Clone)]
pub struct CentralEntry {
    /// The name's bytes, as stored.
    pub name: Vec<u8>,
    pub version_needed: u16,
    pub flags: u16,
    pub method: u16,
    pub crc32: u32,
    pub compressed_size: u64,
    pub size: u64,
    /// Where its local header starts.
    pub offset: u64,
    /// Whether ZIP64 fields hold any of its sizes or its offset.
    zip64: bool,
}

impl CentralEntry {
    /// The name, for messages.
    pub fn shown(&self) -> String {
        String::from_utf8_lossy(&self.name).into_owned()
    }
}

/// What [`check`] found: the entries of the central directory in its order, and the problems.
#[derive(Debug, Default)]
pub struct Layout {
    pub entries: Vec<CentralEntry>,
    pub problems: Vec<Problem>,
}

/// Bytes that can be read at any offset: an archive in memory, or a file read by position (no
/// shared cursor, so threads may check and read one file at once).
pub trait ReadAt {
    fn size(&self) -> io::Result<u64>;
    /// Fills `buf` from `offset`, or fails (`UnexpectedEof` past the end).
    fn read_exact_at(&self, buf: &mut [u8], offset: u64) -> io::Result<()>;
}

impl ReadAt for [u8] {
    fn size(&self) -> io::Result<u64> {
        Ok(self.len() as u64)
    }

    fn read_exact_at(&self, buf: &mut [u8], offset: u64) -> io::Result<()> {
        let start = usize::try_from(offset).map_err(|_| io::ErrorKind::UnexpectedEof)?;
        let bytes = start.checked_add(buf.len()).and_then(|end| self.get(start..end));
        buf.copy_from_slice(bytes.ok_or(io::ErrorKind::UnexpectedEof)?);
        Ok(())
    }
}

impl ReadAt for std::fs::File {
    fn size(&self) -> io::Result<u64> {
        Ok(self.metadata()?.len())
    }

    #[cfg(unix)]
    fn read_exact_at(&self, buf: &mut [u8], offset: u64) -> io::Result<()> {
        std::os::unix::fs::FileExt::read_exact_at(self, buf, offset)
    }

    #[cfg(not(unix))]
    fn read_exact_at(&self, buf: &mut [u8], offset: u64) -> io::Result<()> {
        use std::io::{Read, Seek, SeekFrom};
        let mut file = self;
        file.seek(SeekFrom::Start(offset))?;
        file.read_exact(buf)
    }
}

const LOCAL: &[u8; 4] = b"PK\x03\x04";
const CENTRAL: &[u8; 4] = b"PK\x01\x02";
const END: &[u8; 4] = b"PK\x05\x06";
const END64: &[u8; 4] = b"PK\x06\x06";
const LOCATOR64: &[u8; 4] = b"PK\x06\x07";
const DESCRIPTOR: &[u8; 4] = b"PK\x07\x08";
/// A 32-bit field that says "see the ZIP64 field".
const MAX32: u32 = u32::MAX;
const MAX16: u16 = u16::MAX;
/// The end record's size without its comment, and the longest comment.
const END_LEN: usize = 22;
const MAX_COMMENT: usize = u16::MAX as usize;
/// After this many problems, the rest are counted, not listed.
const MAX_PROBLEMS: usize = 100;
/// Flag bit 3: the CRC and sizes follow the data, in a data descriptor.
const HAS_DESCRIPTOR: u16 = 1 << 3;

fn u16_at(b: &[u8], i: usize) -> u16 {
    u16::from_le_bytes([b[i], b[i + 1]])
}

fn u32_at(b: &[u8], i: usize) -> u32 {
    u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]])
}

fn u64_at(b: &[u8], i: usize) -> u64 {
    u64::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3], b[i + 4], b[i + 5], b[i + 6], b[i + 7]])
}

struct Problems {
    list: Vec<Problem>,
    more: usize,
}

impl Problems {
    fn add(&mut self, code: &'static str, entry: Option<&CentralEntry>, message: String) {
        if self.list.len() < MAX_PROBLEMS {
            self.list.push(Problem { code, entry: entry.map(CentralEntry::shown), message });
        } else {
            self.more += 1;
        }
    }
}

/// The ZIP64 extended information extra field (id 1) of a record: the fields whose classic
/// value is all ones, in the order the specification gives (size, compressed size, offset,
/// disk). `None` when the field is missing or too short for them.
fn zip64_values(extra: &[u8], wanted: usize) -> Option<Vec<u64>> {
    let mut at = 0;
    while at + 4 <= extra.len() {
        let id = u16_at(extra, at);
        let len = u16_at(extra, at + 2) as usize;
        let body = extra.get(at + 4..at + 4 + len)?;
        if id == 1 {
            // The disk number is 4 bytes; the rest 8.
            let mut values = Vec::with_capacity(wanted);
            let mut i = 0;
            for k in 0..wanted {
                if k == 3 {
                    values.push(u64::from(u32_at(body.get(i..i + 4)?, 0)));
                    i += 4;
                } else {
                    values.push(u64_at(body.get(i..i + 8)?, 0));
                    i += 8;
                }
            }
            return Some(values);
        }
        at += 4 + len;
    }
    (wanted == 0).then(Vec::new)
}

/// Checks the structure of the archive `zip` holds; `Err` only when it cannot be read at all
/// (an I/O error); a file that is no zip is a [`Problem`].
pub fn check<R: ReadAt + ?Sized>(zip: &R) -> io::Result<Layout> {
    let mut problems = Problems { list: Vec::new(), more: 0 };
    let entries = walk(zip, &mut problems)?;
    if problems.more > 0 {
        let more = problems.more;
        problems.list.push(Problem {
            code: problems.list.last().map_or("NA-ZIP-006", |p| p.code),
            entry: None,
            message: format!("and {more} more problems of the archive's structure"),
        });
    }
    Ok(Layout { entries, problems: problems.list })
}

fn walk<R: ReadAt + ?Sized>(zip: &R, problems: &mut Problems) -> io::Result<Vec<CentralEntry>> {
    let len = zip.size()?;
    if len < END_LEN as u64 {
        problems.add("NA-ZIP-006", None, format!("{len} bytes: too short for a zip's end record"));
        return Ok(Vec::new());
    }
    // The end record: the last signature whose comment ends exactly at the end of the file.
    let tail_len = (len as usize).min(END_LEN + MAX_COMMENT + 20);
    let tail_start = len - tail_len as u64;
    let mut tail = vec![0; tail_len];
    zip.read_exact_at(&mut tail, tail_start)?;
    let candidates: Vec<usize> =
        (0..=tail_len - END_LEN).rev().filter(|&i| tail[i..i + 4] == END[..]).collect();
    let exact = candidates.iter().copied().find(|&i| i + END_LEN + u16_at(&tail, i + 20) as usize == tail_len);
    let Some(end_at) = exact.or_else(|| {
        candidates.iter().copied().find(|&i| i + END_LEN + u16_at(&tail, i + 20) as usize <= tail_len)
    }) else {
        problems.add("NA-ZIP-006", None, "no end of central directory record: not a zip archive".to_string());
        return Ok(Vec::new());
    };
    let comment_len = u16_at(&tail, end_at + 20) as usize;
    let end_offset = tail_start + end_at as u64;
    if exact.is_none() {
        let after = tail_len - (end_at + END_LEN + comment_len);
        problems.add("NA-ZIP-006", None, format!("{after} bytes after the end of central directory record"));
    }
    let comment = &tail[end_at + END_LEN..end_at + END_LEN + comment_len];
    if comment.windows(4).any(|w| [LOCAL, CENTRAL, END, END64, LOCATOR64].iter().any(|s| w == &s[..])) {
        problems.add(
            "NA-ZIP-006",
            None,
            "the archive comment holds a zip record's signature (a hidden directory or entry?)".to_string(),
        );
    }
    let disk = u16_at(&tail, end_at + 4);
    let directory_disk = u16_at(&tail, end_at + 6);
    let entries_here = u16_at(&tail, end_at + 8);
    let mut count = u64::from(u16_at(&tail, end_at + 10));
    let mut directory_size = u64::from(u32_at(&tail, end_at + 12));
    let mut directory_offset = u64::from(u32_at(&tail, end_at + 16));
    if disk != 0 || directory_disk != 0 || u64::from(entries_here) != count {
        problems.add(
            "NA-ZIP-006",
            None,
            format!(
                "the end record speaks of several disks (disk {disk}, directory on disk {directory_disk}, \
                 {entries_here} of {count} entries on this disk)"
            ),
        );
    }
    // Where the central directory must end: at the ZIP64 end record if there is one, else at the
    // classic end record.
    let mut directory_end = end_offset;
    let locator = (end_at >= 20).then(|| &tail[end_at - 20..end_at]).filter(|l| l[..4] == LOCATOR64[..]);
    let classic_says_64 = count == u64::from(MAX16)
        || directory_size == u64::from(MAX32)
        || directory_offset == u64::from(MAX32);
    if let Some(locator) = locator {
        let record_at = u64_at(locator, 8);
        let mut record = [0u8; 56];
        let read = record_at.checked_add(56).is_some_and(|e| e <= end_offset - 20)
            && zip.read_exact_at(&mut record, record_at).is_ok();
        if !read || record[..4] != END64[..] {
            problems.add("NA-ZIP-007", None, format!("no ZIP64 end record at offset {record_at}, where its locator points"));
            return Ok(Vec::new());
        }
        let record_len = u64_at(&record, 4);
        if record_at + 12 + record_len != end_offset - 20 {
            problems.add(
                "NA-ZIP-007",
                None,
                format!("the ZIP64 end record at {record_at} does not end where its locator starts"),
            );
        }
        if u32_at(locator, 4) != 0 || u32_at(locator, 16) > 1 || u32_at(&record, 16) != 0 || u32_at(&record, 20) != 0 {
            problems.add("NA-ZIP-006", None, "the ZIP64 end record speaks of several disks".to_string());
        }
        let (count64, here64, size64, offset64) =
            (u64_at(&record, 32), u64_at(&record, 24), u64_at(&record, 40), u64_at(&record, 48));
        let agree = |classic: u64, all_ones: u64, wide: u64| classic == all_ones || classic == wide;
        if here64 != count64
            || !agree(count, u64::from(MAX16), count64)
            || !agree(directory_size, u64::from(MAX32), size64)
            || !agree(directory_offset, u64::from(MAX32), offset64)
        {
            problems.add(
                "NA-ZIP-007",
                None,
                format!(
                    "the ZIP64 end record ({count64} entries, directory of {size64} bytes at {offset64}) disagrees \
                     with the classic one ({count} entries, {directory_size} bytes at {directory_offset})"
                ),
            );
        }
        (count, directory_size, directory_offset) = (count64, size64, offset64);
        directory_end = record_at;
    } else if classic_says_64 {
        problems.add(
            "NA-ZIP-007",
            None,
            "the end record's fields say ZIP64, but there is no ZIP64 end record locator".to_string(),
        );
    }
    if directory_offset.checked_add(directory_size) != Some(directory_end) {
        let message = if directory_offset.saturating_add(directory_size) > directory_end {
            format!(
                "the central directory ({directory_size} bytes at offset {directory_offset}) runs past its end \
                 record at {directory_end}"
            )
        } else {
            format!(
                "{} bytes between the central directory and its end record belong to no record",
                directory_end - directory_offset - directory_size
            )
        };
        problems.add("NA-ZIP-006", None, message);
        if directory_offset.saturating_add(directory_size) > directory_end {
            return Ok(Vec::new());
        }
    }
    let directory_bytes = usize::try_from(directory_size).map_err(|_| io::ErrorKind::OutOfMemory)?;
    let mut directory = vec![0; directory_bytes];
    zip.read_exact_at(&mut directory, directory_offset)?;
    let entries = central_records(&directory, count, problems);
    local_headers(zip, &entries, directory_offset, problems);
    Ok(entries)
}

/// The records of the central directory, in order.
fn central_records(directory: &[u8], count: u64, problems: &mut Problems) -> Vec<CentralEntry> {
    let mut entries = Vec::with_capacity(count.min(100_000) as usize);
    let mut at = 0;
    while at < directory.len() {
        if directory.len() - at < 46 || directory[at..at + 4] != CENTRAL[..] {
            problems.add(
                "NA-ZIP-006",
                None,
                format!("{} bytes of the central directory, from its byte {at}, are no record", directory.len() - at),
            );
            break;
        }
        let r = &directory[at..];
        let (name_len, extra_len, comment_len) =
            (u16_at(r, 28) as usize, u16_at(r, 30) as usize, u16_at(r, 32) as usize);
        let Some(name) = r.get(46..46 + name_len) else {
            problems.add("NA-ZIP-006", None, format!("the central directory record at its byte {at} is cut short"));
            break;
        };
        let Some(extra) = r.get(46 + name_len..46 + name_len + extra_len) else {
            problems.add("NA-ZIP-006", None, format!("the central directory record at its byte {at} is cut short"));
            break;
        };
        if r.len() < 46 + name_len + extra_len + comment_len {
            problems.add("NA-ZIP-006", None, format!("the central directory record at its byte {at} is cut short"));
            break;
        }
        let mut entry = CentralEntry {
            name: name.to_vec(),
            version_needed: u16_at(r, 6),
            flags: u16_at(r, 8),
            method: u16_at(r, 10),
            crc32: u32_at(r, 16),
            compressed_size: u64::from(u32_at(r, 20)),
            size: u64::from(u32_at(r, 24)),
            offset: u64::from(u32_at(r, 42)),
            zip64: false,
        };
        let disk = u16_at(r, 34);
        // Which fields the ZIP64 field holds: those whose classic value is all ones, in order.
        let wide = [
            entry.size == u64::from(MAX32),
            entry.compressed_size == u64::from(MAX32),
            entry.offset == u64::from(MAX32),
            disk == MAX16,
        ];
        let wanted = wide.iter().rposition(|w| *w).map_or(0, |i| i + 1);
        if wanted > 0 {
            entry.zip64 = true;
            match zip64_values(extra, wanted) {
                Some(values) => {
                    let mut values = values.into_iter();
                    if wide[0] {
                        entry.size = values.next().unwrap_or_default();
                    } else {
                        values.next();
                    }
                    if wanted > 1 {
                        if wide[1] {
                            entry.compressed_size = values.next().unwrap_or_default();
                        } else {
                            values.next();
                        }
                    }
                    if wanted > 2 && wide[2] {
                        entry.offset = values.next().unwrap_or_default();
                    }
                }
                None => problems.add(
                    "NA-ZIP-007",
                    Some(&entry),
                    "its directory record says ZIP64 but holds no complete ZIP64 field".to_string(),
                ),
            }
        }
        if disk != 0 && disk != MAX16 {
            problems.add("NA-ZIP-006", Some(&entry), format!("its directory record puts it on disk {disk}"));
        }
        entries.push(entry);
        at += 46 + name_len + extra_len + comment_len;
    }
    if entries.len() as u64 != count {
        problems.add(
            "NA-ZIP-006",
            None,
            format!("the end record counts {count} entries; the central directory holds {}", entries.len()),
        );
    }
    entries
}

/// Each entry's local header against its directory record, and the entries' regions against
/// each other: from byte 0 to the directory, every byte is one entry's.
fn local_headers<R: ReadAt + ?Sized>(
    zip: &R,
    entries: &[CentralEntry],
    directory_offset: u64,
    problems: &mut Problems,
) {
    let mut order: Vec<&CentralEntry> = entries.iter().collect();
    order.sort_by_key(|e| e.offset);
    let mut next: u64 = 0;
    let mut previous: Option<&CentralEntry> = None;
    // One read for the header and, usually, its name and extra field.
    let mut buffer = Vec::new();
    for entry in order {
        if entry.offset > next {
            let gap = entry.offset - next;
            match previous {
                None => problems.add("NA-ZIP-004", Some(entry), format!("{gap} bytes before the first entry")),
                Some(p) => problems.add(
                    "NA-ZIP-005",
                    Some(entry),
                    format!("{gap} bytes between `{}` and this entry belong to no entry", p.shown()),
                ),
            }
        } else if entry.offset < next {
            let other = previous.map(CentralEntry::shown).unwrap_or_default();
            problems.add("NA-ZIP-005", Some(entry), format!("its local header lies inside `{other}`"));
        }
        previous = Some(entry);
        let Some(end) = local_entry(zip, entry, directory_offset, &mut buffer, problems) else {
            // Without its header the entry's extent is unknown: the next gap is not measured.
            next = next.max(entry.offset.saturating_add(1));
            continue;
        };
        next = next.max(end);
    }
    if let Some(last) = previous
        && next < directory_offset
    {
        problems.add(
            "NA-ZIP-005",
            Some(last),
            format!("{} bytes between this last entry and the central directory belong to no entry", directory_offset - next),
        );
    } else if previous.is_none() && directory_offset > 0 {
        problems.add("NA-ZIP-004", None, format!("{directory_offset} bytes before the central directory of no entries"));
    }
}

/// Checks one local header; the offset where the entry (header, data, descriptor) ends.
fn local_entry<R: ReadAt + ?Sized>(
    zip: &R,
    entry: &CentralEntry,
    directory_offset: u64,
    buffer: &mut Vec<u8>,
    problems: &mut Problems,
) -> Option<u64> {
    let guess = 30 + entry.name.len() + 64;
    let available = directory_offset.saturating_sub(entry.offset).min(guess as u64) as usize;
    buffer.resize(available, 0);
    if available < 30 || zip.read_exact_at(buffer, entry.offset).is_err() || buffer[..4] != LOCAL[..] {
        problems.add(
            "NA-ZIP-008",
            Some(entry),
            format!("no local header at offset {}, where the central directory says it is", entry.offset),
        );
        return None;
    }
    let (name_len, extra_len) = (u16_at(buffer, 26) as usize, u16_at(buffer, 28) as usize);
    let header_len = 30 + name_len + extra_len;
    if header_len as u64 > directory_offset - entry.offset {
        problems.add("NA-ZIP-008", Some(entry), "its local header runs into the central directory".to_string());
        return None;
    }
    if buffer.len() < header_len {
        buffer.resize(header_len, 0);
        zip.read_exact_at(buffer, entry.offset).ok()?;
    }
    let header = &buffer[..header_len];
    let name = &header[30..30 + name_len];
    if name != entry.name.as_slice() {
        problems.add(
            "NA-ZIP-001",
            Some(entry),
            format!("its local header names it `{}`", String::from_utf8_lossy(name)),
        );
    }
    let (version, flags, method) = (u16_at(header, 4), u16_at(header, 6), u16_at(header, 8));
    if version != entry.version_needed {
        problems.add(
            "NA-ZIP-002",
            Some(entry),
            format!("version needed {version} in its local header, {} in the central directory", entry.version_needed),
        );
    }
    if flags != entry.flags {
        problems.add(
            "NA-ZIP-002",
            Some(entry),
            format!("flags {flags:#06x} in its local header, {:#06x} in the central directory", entry.flags),
        );
    }
    if method != entry.method {
        problems.add(
            "NA-ZIP-002",
            Some(entry),
            format!(
                "compression method {} in its local header, {} in the central directory",
                method_name(method),
                method_name(entry.method)
            ),
        );
    }
    let crc = u32_at(header, 14);
    let mut compressed = u64::from(u32_at(header, 18));
    let mut size = u64::from(u32_at(header, 22));
    let extra = &header[30 + name_len..];
    let local64 = size == u64::from(MAX32) || compressed == u64::from(MAX32);
    if local64 {
        match zip64_values(extra, 2) {
            Some(v) => (size, compressed) = (v[0], v[1]),
            None => problems.add(
                "NA-ZIP-007",
                Some(entry),
                "its local header says ZIP64 but holds no complete ZIP64 field".to_string(),
            ),
        }
    }
    let data_start = entry.offset + header_len as u64;
    let Some(data_end) = data_start.checked_add(entry.compressed_size).filter(|e| *e <= directory_offset) else {
        problems.add("NA-ZIP-005", Some(entry), "its data run into the central directory".to_string());
        return None;
    };
    let compare = |problems: &mut Problems, what: &str, (crc, compressed, size): (u32, u64, u64)| {
        let mut differ = Vec::new();
        if crc != entry.crc32 {
            differ.push(format!("CRC-32 {crc:08x} against {:08x}", entry.crc32));
        }
        if compressed != entry.compressed_size {
            differ.push(format!("compressed size {compressed} against {}", entry.compressed_size));
        }
        if size != entry.size {
            differ.push(format!("size {size} against {}", entry.size));
        }
        if !differ.is_empty() {
            problems.add(
                "NA-ZIP-003",
                Some(entry),
                format!("its {what} disagrees with the central directory: {}", differ.join(", ")),
            );
        }
    };
    if entry.flags & HAS_DESCRIPTOR == 0 {
        compare(problems, "local header", (crc, compressed, size));
        return Some(data_end);
    }
    // The header's fields are zero (or, from some writers, the true values); the descriptor
    // after the data holds them: with or without its signature, 32- or 64-bit sizes.
    let nonzero = |local: u64, central: u64| local != 0 && local != central;
    if (crc != 0 && crc != entry.crc32) || nonzero(compressed, entry.compressed_size) || nonzero(size, entry.size) {
        compare(problems, "local header", (crc, compressed, size));
    }
    let wide = entry.zip64 || local64;
    let body = if wide { 20 } else { 12 };
    let mut descriptor = [0u8; 24];
    let room = (directory_offset - data_end).min(24) as usize;
    if room < body || zip.read_exact_at(&mut descriptor[..room], data_end).is_err() {
        problems.add("NA-ZIP-003", Some(entry), "its flags promise a data descriptor after its data; there is none".to_string());
        return Some(data_end);
    }
    let signed = descriptor[..4] == DESCRIPTOR[..] && room >= body + 4;
    let fields = if signed { &descriptor[4..] } else { &descriptor[..] };
    let values = if wide {
        (u32_at(fields, 0), u64_at(fields, 4), u64_at(fields, 12))
    } else {
        (u32_at(fields, 0), u64::from(u32_at(fields, 4)), u64::from(u32_at(fields, 8)))
    };
    compare(problems, "data descriptor", values);
    Some(data_end + (body + if signed { 4 } else { 0 }) as u64)
}

fn method_name(method: u16) -> String {
    match method {
        0 => "0 (stored)".to_string(),
        8 => "8 (deflated)".to_string(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::zip::{Method, ZipBuilder};

    fn archive() -> Vec<u8> {
        let mut z = ZipBuilder::default();
        z.add("bag/bagit.txt", Method::Stored, b"BagIt-Version: 1.0\n").unwrap();
        z.add("bag/data/a.txt", Method::Deflated, "the text of an article, again and again. ".repeat(20).as_bytes())
            .unwrap();
        z.finish().unwrap()
    }

    fn codes(bytes: &[u8]) -> Vec<&'static str> {
        check(bytes).unwrap().problems.iter().map(|p| p.code).collect()
    }

    #[test]
    fn newsarcs_own_zip_has_no_problem_and_lists_its_entries() {
        let layout = check(archive().as_slice()).unwrap();
        assert!(layout.problems.is_empty(), "{:?}", layout.problems);
        let names: Vec<String> = layout.entries.iter().map(CentralEntry::shown).collect();
        assert_eq!(names, ["bag/bagit.txt", "bag/data/a.txt"]);
        assert_eq!(layout.entries[0].offset, 0);
    }

    #[test]
    fn a_local_name_that_differs_is_named_with_both() {
        let mut bytes = archive();
        // The first local header's name starts at byte 30: `bag/` -> `baG/`.
        bytes[32] = b'G';
        let layout = check(bytes.as_slice()).unwrap();
        assert_eq!(layout.problems.len(), 1, "{:?}", layout.problems);
        let p = &layout.problems[0];
        assert_eq!(p.code, "NA-ZIP-001");
        assert_eq!(p.entry.as_deref(), Some("bag/bagit.txt"));
        assert!(p.message.contains("baG/bagit.txt"), "{}", p.message);
    }

    #[test]
    fn prepended_and_appended_bytes_are_found() {
        let mut prepended = b"#!/bin/sh\nexit 0\n".to_vec();
        prepended.extend(archive());
        // The offsets no longer point at the headers, or (had a tool adjusted them) bytes lie before
        // the first one: a finding either way.
        assert!(!codes(&prepended).is_empty());
        let mut appended = archive();
        appended.extend_from_slice(b"trailing");
        assert_eq!(codes(&appended), ["NA-ZIP-006"]);
    }

    #[test]
    fn not_a_zip_is_a_problem_not_an_error() {
        assert_eq!(codes(b"plain text, long enough for an end record"), ["NA-ZIP-006"]);
        assert_eq!(codes(b"short"), ["NA-ZIP-006"]);
    }
}
