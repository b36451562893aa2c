//! BagIt 1.0 bags (RFC 8493), written as a folder, a zip or a tar with one top-level folder.
//!
//! [`BagWriter`] takes payload files one by one, hashes each from the bytes it is given (so
//! nothing written is ever read back), and at the end writes `bag-info.txt` (Payload-Oxum,
//! Bagging-Date, Bag-Software-Agent, grouping, the caller's fields), `manifest-<alg>.txt`,
//! `bagit.txt` and `tagmanifest-<alg>.txt`. A [`Sink`] puts the files somewhere: a folder, a
//! zip (deterministic entries, see `format::zip`) or a tar (fixed times, modes and owners),
//! plain or gzip-compressed, to a file or to standard output.
//!
//! Hashing and compressing are most of the cost of writing a bag, and they need not wait for
//! the bag: a [`Preparer`], taken from the writer and shared with worker threads, turns an
//! article's files into a [`Prepared`] (checksums, and for a zip the entries compressed, see
//! `format::zip::Entry`) on any core; [`BagWriter::add_prepared`] then only appends, in order.
//! `pack` and `merge` both prepare an article's files together, so the same files give the same bytes.

use crate::format::zip::{Entry, Method, ZipBuilder};
use sha2::{Digest, Sha256, Sha512};
use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Checksum algorithms of the manifests. SHA-256 is always written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Algorithm {
    Sha256,
    Sha512,
}

impl Algorithm {
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Sha256 => "sha256",
            Algorithm::Sha512 => "sha512",
        }
    }

    fn digest(self, bytes: &[u8]) -> String {
        match self {
            Algorithm::Sha256 => hex::encode(Sha256::digest(bytes)),
            Algorithm::Sha512 => hex::encode(Sha512::digest(bytes)),
        }
    }
}

/// What a bag says about itself.
#[derive(Debug, Clone)]
pub struct BagInfo {
    /// The bag's top-level folder name.
    pub name: String,
    pub algorithms: Vec<Algorithm>,
    /// `YYYY-MM-DD`.
    pub bagging_date: String,
    /// Fields the caller adds (`Source-Organization: ...`), in order.
    pub fields: Vec<(String, String)>,
    /// `Bag-Group-Identifier` and this bag's place in the group (`Bag-Count: K of N`).
    pub group: Option<(String, usize, usize)>,
}

/// Where the files of a bag go. Paths are relative to the bag's parent: `name/data/...`.
pub trait Sink {
    fn add(&mut self, path: &str, bytes: &[u8], method: Method) -> std::io::Result<()> {
        self.add_reader(path, bytes.len() as u64, &mut &bytes[..], method)
    }
    /// Adds `len` bytes read from `reader`.
    fn add_reader(&mut self, path: &str, len: u64, reader: &mut dyn Read, method: Method) -> std::io::Result<()>;
    /// Whether this sink takes prepared files compressed, as a zip ([`Body::Zip`]).
    fn takes_zip(&self) -> bool {
        false
    }
    /// Adds prepared files; `paths` are their paths, relative to the bag's parent, in order.
    fn add_prepared(&mut self, paths: &[String], body: Body) -> std::io::Result<()> {
        match body {
            Body::Plain(all) => {
                for (path, (bytes, method)) in paths.iter().zip(all) {
                    self.add(path, &bytes, method)?;
                }
                Ok(())
            }
            Body::Zip(_) => Err(std::io::Error::other("a compressed entry for a container that is not a zip")),
        }
    }
    fn finish(self: Box<Self>) -> std::io::Result<()>;
}

/// One payload file to prepare: its path under `data/`, its bytes, how a zip stores it, and its
/// SHA-256 when the caller knows it already (a reader hashes the source, the metadata record
/// lists the renditions' digests), so it is not computed twice.
#[derive(Debug, Clone)]
pub struct PayloadFile {
    pub path: String,
    pub bytes: Vec<u8>,
    pub method: Method,
    pub sha256: Option<String>,
}

/// Payload files ready to be appended: their checksums, and their bytes as the sink takes them.
#[derive(Debug)]
pub struct Prepared {
    /// Each file's path in the bag (`data/...`), size and digests (in the bag's algorithm order).
    files: Vec<(String, u64, Vec<String>)>,
    body: Body,
}

impl Prepared {
    /// The files' paths under `data/`, in order.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.iter().map(|(in_bag, _, _)| in_bag.strip_prefix("data/").unwrap_or(in_bag))
    }
}

/// Prepared bytes: as they are (for a folder or a tar), or as zip entries, compressed, that the
/// bag's zip appends as they are.
#[derive(Debug)]
pub enum Body {
    Plain(Vec<(Vec<u8>, Method)>),
    Zip(Vec<Entry>),
}

/// What preparing payload files for one bag needs; cheap to clone, shared by worker threads.
#[derive(Debug, Clone)]
pub struct Preparer {
    name: String,
    algorithms: Vec<Algorithm>,
    zip: bool,
}

impl Preparer {
    /// Hashes `files` and, for a zip, compresses them (deterministically: the same files give the
    /// same entries, on any thread).
    pub fn prepare(&self, files: Vec<PayloadFile>) -> std::io::Result<Prepared> {
        let mut listed = Vec::with_capacity(files.len());
        for file in &files {
            let digests = self
                .algorithms
                .iter()
                .map(|a| match (a, &file.sha256) {
                    (Algorithm::Sha256, Some(known)) => known.clone(),
                    _ => a.digest(&file.bytes),
                })
                .collect();
            listed.push((format!("data/{}", file.path), file.bytes.len() as u64, digests));
        }
        let body = if self.zip {
            Body::Zip(
                files
                    .iter()
                    .zip(&listed)
                    .map(|(file, (in_bag, _, _))| {
                        Entry::new(&format!("{}/{in_bag}", self.name), file.method, &file.bytes)
                    })
                    .collect(),
            )
        } else {
            Body::Plain(files.into_iter().map(|f| (f.bytes, f.method)).collect())
        };
        Ok(Prepared { files: listed, body })
    }
}

/// A running digest of one algorithm.
enum Hasher {
    Sha256(Sha256),
    Sha512(Sha512),
}

impl Hasher {
    fn new(algorithm: Algorithm) -> Hasher {
        match algorithm {
            Algorithm::Sha256 => Hasher::Sha256(Sha256::new()),
            Algorithm::Sha512 => Hasher::Sha512(Sha512::new()),
        }
    }
    fn update(&mut self, bytes: &[u8]) {
        match self {
            Hasher::Sha256(h) => h.update(bytes),
            Hasher::Sha512(h) => h.update(bytes),
        }
    }
    fn hex(self) -> String {
        match self {
            Hasher::Sha256(h) => hex::encode(h.finalize()),
            Hasher::Sha512(h) => hex::encode(h.finalize()),
        }
    }
}

/// Hashes what is read through it, so a file is hashed as it is copied, never read twice.
struct HashingReader<'r> {
    inner: &'r mut dyn Read,
    hashers: Vec<Hasher>,
}

impl Read for HashingReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hashers.iter_mut().for_each(|h| h.update(&buf[..n]));
        Ok(n)
    }
}

/// A bag being written. What it must list at the end (the manifests) is kept in unnamed
/// temporary files, not in memory, so memory does not grow with the number of files.
pub struct BagWriter {
    sink: Box<dyn Sink>,
    info: BagInfo,
    /// One manifest being written per algorithm, in `info.algorithms` order.
    manifests: Vec<BufWriter<File>>,
    files: u64,
    octets: u64,
}

impl BagWriter {
    pub fn new(sink: Box<dyn Sink>, mut info: BagInfo) -> std::io::Result<BagWriter> {
        if !info.algorithms.contains(&Algorithm::Sha256) {
            info.algorithms.push(Algorithm::Sha256);
        }
        info.algorithms.sort();
        info.algorithms.dedup();
        let manifests =
            info.algorithms.iter().map(|_| tempfile::tempfile().map(BufWriter::new)).collect::<Result<_, _>>()?;
        Ok(BagWriter { sink, info, manifests, files: 0, octets: 0 })
    }

    /// What worker threads need to prepare payload files for this bag.
    pub fn preparer(&self) -> Preparer {
        Preparer { name: self.info.name.clone(), algorithms: self.info.algorithms.clone(), zip: self.sink.takes_zip() }
    }

    /// Appends payload files prepared (on any thread) by this bag's [`Preparer`].
    pub fn add_prepared(&mut self, prepared: Prepared) -> std::io::Result<()> {
        let paths: Vec<String> =
            prepared.files.iter().map(|(in_bag, _, _)| format!("{}/{in_bag}", self.info.name)).collect();
        self.sink.add_prepared(&paths, prepared.body)?;
        for (in_bag, len, digests) in prepared.files {
            self.record(&in_bag, digests, len)?;
        }
        Ok(())
    }

    /// Adds a payload file of `len` bytes read from `reader`, hashed as it is copied.
    pub fn add_payload_reader(
        &mut self,
        path: &str,
        len: u64,
        reader: &mut dyn Read,
        method: Method,
    ) -> std::io::Result<()> {
        let in_bag = format!("data/{path}");
        let mut hashing =
            HashingReader { inner: reader, hashers: self.info.algorithms.iter().map(|a| Hasher::new(*a)).collect() };
        self.sink.add_reader(&format!("{}/{in_bag}", self.info.name), len, &mut hashing, method)?;
        let digests = hashing.hashers.into_iter().map(Hasher::hex).collect();
        self.record(&in_bag, digests, len)
    }

    fn record(&mut self, in_bag: &str, digests: Vec<String>, len: u64) -> std::io::Result<()> {
        for (manifest, digest) in self.manifests.iter_mut().zip(digests) {
            writeln!(manifest, "{digest}  {}", encode_path(in_bag))?;
        }
        self.files += 1;
        self.octets += len;
        Ok(())
    }

    /// Writes the tag files and closes the sink.
    pub fn finish(mut self) -> std::io::Result<()> {
        let name = self.info.name.clone();
        let algorithms = self.info.algorithms.clone();
        // (tag file, its digests in `algorithms` order), for the tag manifests.
        let mut tags: Vec<(String, Vec<String>)> = Vec::new();
        let small = [
            ("bagit.txt".to_string(), b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n".to_vec()),
            ("bag-info.txt".to_string(), self.bag_info().into_bytes()),
        ];
        for (path, bytes) in &small {
            self.sink.add(&format!("{name}/{path}"), bytes, Method::Deflated)?;
            tags.push((path.clone(), algorithms.iter().map(|a| a.digest(bytes)).collect()));
        }
        for (algorithm, manifest) in algorithms.iter().zip(std::mem::take(&mut self.manifests)) {
            let mut file = manifest.into_inner().map_err(|e| e.into_error())?;
            let len = file.stream_position()?;
            file.seek(SeekFrom::Start(0))?;
            let path = format!("manifest-{}.txt", algorithm.name());
            let mut hashing =
                HashingReader { inner: &mut file, hashers: algorithms.iter().map(|a| Hasher::new(*a)).collect() };
            self.sink.add_reader(&format!("{name}/{path}"), len, &mut hashing, Method::Deflated)?;
            tags.push((path, hashing.hashers.into_iter().map(Hasher::hex).collect()));
        }
        // Tag manifests list the tag files above (never each other).
        for (i, algorithm) in algorithms.iter().enumerate() {
            let manifest: String = tags.iter().map(|(path, digests)| format!("{}  {path}\n", digests[i])).collect();
            self.sink.add(
                &format!("{name}/tagmanifest-{}.txt", algorithm.name()),
                manifest.as_bytes(),
                Method::Deflated,
            )?;
        }
        self.sink.finish()
    }

    fn bag_info(&self) -> String {
        let mut lines: Vec<(String, String)> = self.info.fields.clone();
        lines.push(("Bagging-Date".to_string(), self.info.bagging_date.clone()));
        lines.push(("Bag-Software-Agent".to_string(), format!("newsarc {}", crate::VERSION)));
        lines.push(("Payload-Oxum".to_string(), format!("{}.{}", self.octets, self.files)));
        if let Some((group, k, n)) = &self.info.group {
            lines.push(("Bag-Group-Identifier".to_string(), group.clone()));
            lines.push(("Bag-Count".to_string(), format!("{k} of {n}")));
        }
        lines.iter().map(|(k, v)| format!("{k}: {v}\n")).collect()
    }
}

/// RFC 8493 §2.1.3: in manifests, `%`, CR and LF in paths are percent-encoded.
pub fn encode_path(path: &str) -> String {
    path.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Whether `text` can be a bag-info.txt label or value: no line breaks, and labels without `:`.
pub fn is_tag_text(text: &str, label: bool) -> bool {
    !(text.trim().is_empty() || text.contains(['\r', '\n']) || (label && text.contains(':')))
}

/// A folder on disk.
pub struct FolderSink {
    root: PathBuf,
}

impl FolderSink {
    pub fn new(root: &Path) -> FolderSink {
        FolderSink { root: root.to_path_buf() }
    }
}

impl Sink for FolderSink {
    fn add_reader(&mut self, path: &str, _len: u64, reader: &mut dyn Read, _method: Method) -> std::io::Result<()> {
        // A bag's paths are plain names below its folder: never one that climbs out of it.
        if path.starts_with('/') || path.split(['/', '\\']).any(|p| p.is_empty() || p == "." || p == "..") {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("`{path}` is not a plain path inside the bag"),
            ));
        }
        let target = self.root.join(path);
        // Created while no interrupt can remove the partial folder under it, and never again
        // after one did: the root must still be there.
        let mut file = crate::output::partial::while_live(|| {
            if !self.root.is_dir() {
                return Err(std::io::Error::new(std::io::ErrorKind::NotFound, "the partial bag was removed"));
            }
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)?;
            }
            File::create(&target)
        })?;
        std::io::copy(reader, &mut file).map(|_| ())
    }

    fn finish(self: Box<Self>) -> std::io::Result<()> {
        Ok(())
    }
}

/// A zip file. Its central directory waits in an unnamed temporary file, not in memory; a
/// zip given up (a failed or abandoned pack) is simply not finished, and its partial file is
/// removed by its owner.
pub struct ZipSink {
    zip: Option<ZipBuilder<BufWriter<File>>>,
}

impl ZipSink {
    pub fn new(file: File) -> std::io::Result<ZipSink> {
        Ok(ZipSink { zip: Some(ZipBuilder::spilling(BufWriter::new(file))?) })
    }
}

impl Sink for ZipSink {
    fn add_reader(&mut self, path: &str, _len: u64, reader: &mut dyn Read, method: Method) -> std::io::Result<()> {
        let zip = self.zip.as_mut().expect("present until finished");
        zip.add_reader(path, method, reader)
    }

    fn takes_zip(&self) -> bool {
        true
    }

    fn add_prepared(&mut self, paths: &[String], body: Body) -> std::io::Result<()> {
        let zip = self.zip.as_mut().expect("present until finished");
        match body {
            Body::Zip(entries) => entries.iter().try_for_each(|entry| zip.append(entry)),
            Body::Plain(all) => {
                for (path, (bytes, method)) in paths.iter().zip(all) {
                    zip.add(path, method, &bytes)?;
                }
                Ok(())
            }
        }
    }

    fn finish(mut self: Box<Self>) -> std::io::Result<()> {
        let zip = self.zip.take().expect("present until finished");
        let mut out = zip.finish_into()?;
        out.flush()?;
        out.get_ref().sync_all()
    }
}

/// Where a tar goes: a file or standard output, plain or gzip-compressed (deterministic gzip: no
/// name, no time, level 6).
pub enum Stream {
    File(BufWriter<File>),
    FileGz(flate2::write::GzEncoder<BufWriter<File>>),
    Stdout(BufWriter<std::io::Stdout>),
    StdoutGz(flate2::write::GzEncoder<BufWriter<std::io::Stdout>>),
}

impl Stream {
    pub fn file(file: File, gzip: bool) -> Stream {
        let out = BufWriter::new(file);
        if gzip { Stream::FileGz(gz(out)) } else { Stream::File(out) }
    }

    pub fn stdout(gzip: bool) -> Stream {
        let out = BufWriter::new(std::io::stdout());
        if gzip { Stream::StdoutGz(gz(out)) } else { Stream::Stdout(out) }
    }

    /// Ends the stream: the gzip trailer, the buffer flushed, a file synced to disk.
    fn close(self) -> std::io::Result<()> {
        let sync = |w: BufWriter<File>| -> std::io::Result<()> {
            let file = w.into_inner().map_err(|e| e.into_error())?;
            file.sync_all()
        };
        match self {
            Stream::File(w) => sync(w),
            Stream::FileGz(w) => sync(w.finish()?),
            Stream::Stdout(mut w) => w.flush(),
            Stream::StdoutGz(w) => w.finish()?.flush(),
        }
    }
}

fn gz<W: Write>(out: W) -> flate2::write::GzEncoder<W> {
    flate2::GzBuilder::new().mtime(0).write(out, flate2::Compression::new(6))
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Stream::File(w) => w.write(buf),
            Stream::FileGz(w) => w.write(buf),
            Stream::Stdout(w) => w.write(buf),
            Stream::StdoutGz(w) => w.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Stream::File(w) => w.flush(),
            Stream::FileGz(w) => w.flush(),
            Stream::Stdout(w) => w.flush(),
            Stream::StdoutGz(w) => w.flush(),
        }
    }
}

/// A tar: ustar/GNU headers with a fixed time (the epoch), mode 0644 and owner 0. Nothing is
/// written to the stream before the first file, so a bag given up early writes nothing.
pub struct TarSink {
    tar: Option<tar::Builder<Stream>>,
    stream: Option<Stream>,
}

impl TarSink {
    pub fn new(stream: Stream) -> TarSink {
        TarSink { tar: None, stream: Some(stream) }
    }
}

impl Sink for TarSink {
    fn add_reader(&mut self, path: &str, len: u64, reader: &mut dyn Read, _method: Method) -> std::io::Result<()> {
        let tar = match &mut self.tar {
            Some(tar) => tar,
            None => self.tar.insert(tar::Builder::new(self.stream.take().expect("a stream until the first file"))),
        };
        let mut header = tar::Header::new_gnu();
        header.set_size(len);
        header.set_mode(0o644);
        header.set_mtime(0);
        header.set_uid(0);
        header.set_gid(0);
        header.set_entry_type(tar::EntryType::Regular);
        tar.append_data(&mut header, path, reader)
    }

    fn finish(mut self: Box<Self>) -> std::io::Result<()> {
        let stream = match self.tar.take() {
            Some(tar) => tar.into_inner()?,
            None => self.stream.take().expect("a stream when no file was added"),
        };
        stream.close()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_paths_are_encoded() {
        assert_eq!(encode_path("data/a%b\nc\rd.txt"), "data/a%25b%0Ac%0Dd.txt");
    }

    #[test]
    fn tag_text_has_no_line_breaks() {
        assert!(is_tag_text("Northwind Radio", false));
        assert!(!is_tag_text("a\nb", false));
        assert!(!is_tag_text("Source:Organization", true));
    }

    #[test]
    fn a_folder_bag_lists_every_file() {
        let dir = tempfile::tempdir().unwrap();
        let info = BagInfo {
            name: "b".to_string(),
            algorithms: vec![Algorithm::Sha512],
            bagging_date: "2020-01-24".to_string(),
            fields: vec![("Source-Organization".to_string(), "Northwind".to_string())],
            group: None,
        };
        let mut bag = BagWriter::new(Box::new(FolderSink::new(dir.path())), info).unwrap();
        let file = PayloadFile { path: "b.txt".to_string(), bytes: Vec::new(), method: Method::Deflated, sha256: None };
        let prepared = bag.preparer().prepare(vec![file]).unwrap();
        bag.add_prepared(prepared).unwrap();
        bag.add_payload_reader("x/a.txt", 5, &mut &b"hello"[..], Method::Deflated).unwrap();
        bag.finish().unwrap();
        let read = |p: &str| std::fs::read_to_string(dir.path().join("b").join(p)).unwrap();
        assert_eq!(
            read("manifest-sha256.txt"),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  data/b.txt\n\
             2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824  data/x/a.txt\n"
        );
        assert!(read("manifest-sha512.txt").contains("  data/x/a.txt\n"));
        assert_eq!(
            read("bag-info.txt"),
            format!(
                "Source-Organization: Northwind\nBagging-Date: 2020-01-24\nBag-Software-Agent: newsarc {}\nPayload-Oxum: 5.2\n",
                crate::VERSION
            )
        );
        let tags = read("tagmanifest-sha256.txt");
        assert!(
            tags.contains("  bagit.txt\n") && tags.contains("  manifest-sha512.txt\n") && !tags.contains("tagmanifest")
        );
    }
}
