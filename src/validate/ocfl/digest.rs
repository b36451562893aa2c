//! Digest algorithms of OCFL: the two for content addressing (`sha512`, `sha256`), the fixity
//! algorithms of the specification (`md5`, `sha1`, `blake2b-512`) and of its digest-algorithms
//! extension (`blake2b-160`, `blake2b-256`, `blake2b-384`, `sha512/256`, `size`).
//!
//! [`Hashers`] computes several of them in one pass over a file, so each content file is read once
//! whatever the number of algorithms its inventories record for it.

use std::io::Read;
use std::path::Path;

/// One digest algorithm, by its OCFL name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Algorithm {
    Md5,
    Sha1,
    Sha256,
    Sha512,
    Sha512_256,
    Blake2b160,
    Blake2b256,
    Blake2b384,
    Blake2b512,
    Size,
}

impl Algorithm {
    pub const ALL: [Algorithm; 10] = [
        Algorithm::Md5,
        Algorithm::Sha1,
        Algorithm::Sha256,
        Algorithm::Sha512,
        Algorithm::Sha512_256,
        Algorithm::Blake2b160,
        Algorithm::Blake2b256,
        Algorithm::Blake2b384,
        Algorithm::Blake2b512,
        Algorithm::Size,
    ];

    /// The algorithm an inventory names, if OCFL (or its digest-algorithms extension) knows it.
    pub fn from_name(name: &str) -> Option<Algorithm> {
        Algorithm::ALL.into_iter().find(|a| a.name() == name)
    }

    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Md5 => "md5",
            Algorithm::Sha1 => "sha1",
            Algorithm::Sha256 => "sha256",
            Algorithm::Sha512 => "sha512",
            Algorithm::Sha512_256 => "sha512/256",
            Algorithm::Blake2b160 => "blake2b-160",
            Algorithm::Blake2b256 => "blake2b-256",
            Algorithm::Blake2b384 => "blake2b-384",
            Algorithm::Blake2b512 => "blake2b-512",
            Algorithm::Size => "size",
        }
    }

    /// Whether `digest` has this algorithm's form: so many hex digits (either case), or for
    /// `size` a decimal number of bytes.
    pub fn is_well_formed(self, digest: &str) -> bool {
        let hex_len = match self {
            Algorithm::Md5 => 32,
            Algorithm::Sha1 | Algorithm::Blake2b160 => 40,
            Algorithm::Sha256 | Algorithm::Sha512_256 | Algorithm::Blake2b256 => 64,
            Algorithm::Blake2b384 => 96,
            Algorithm::Sha512 | Algorithm::Blake2b512 => 128,
            Algorithm::Size => {
                return !digest.is_empty() && digest.len() <= 20 && digest.bytes().all(|b| b.is_ascii_digit());
            }
        };
        digest.len() == hex_len && digest.bytes().all(|b| b.is_ascii_hexdigit())
    }

    /// The form two digests are compared in: hex in lower case (digests are case-insensitive), a
    /// size without leading zeros.
    pub fn normalize(self, digest: &str) -> String {
        match self {
            Algorithm::Size => {
                let trimmed = digest.trim_start_matches('0');
                if trimmed.is_empty() { "0".to_string() } else { trimmed.to_string() }
            }
            _ => digest.to_ascii_lowercase(),
        }
    }
}

/// Several running digests over the same bytes.
pub struct Hashers {
    running: Vec<(Algorithm, Running)>,
}

enum Running {
    Md5(md5::Md5),
    Sha1(sha1::Sha1),
    Sha256(sha2::Sha256),
    Sha512(sha2::Sha512),
    Sha512_256(sha2::Sha512_256),
    Blake2b160(blake2::Blake2b<blake2::digest::consts::U20>),
    Blake2b256(blake2::Blake2b256),
    Blake2b384(blake2::Blake2b<blake2::digest::consts::U48>),
    Blake2b512(blake2::Blake2b512),
    Size(u64),
}

impl Hashers {
    /// Running digests for these algorithms (each once, whatever the repeats).
    pub fn new(algorithms: impl IntoIterator<Item = Algorithm>) -> Hashers {
        use sha2::Digest;
        let mut running: Vec<(Algorithm, Running)> = Vec::new();
        for a in algorithms {
            if running.iter().any(|(b, _)| *b == a) {
                continue;
            }
            let r = match a {
                Algorithm::Md5 => Running::Md5(md5::Md5::new()),
                Algorithm::Sha1 => Running::Sha1(sha1::Sha1::new()),
                Algorithm::Sha256 => Running::Sha256(sha2::Sha256::new()),
                Algorithm::Sha512 => Running::Sha512(sha2::Sha512::new()),
                Algorithm::Sha512_256 => Running::Sha512_256(sha2::Sha512_256::new()),
                Algorithm::Blake2b160 => Running::Blake2b160(blake2::Blake2b::new()),
                Algorithm::Blake2b256 => Running::Blake2b256(blake2::Blake2b256::new()),
                Algorithm::Blake2b384 => Running::Blake2b384(blake2::Blake2b::new()),
                Algorithm::Blake2b512 => Running::Blake2b512(blake2::Blake2b512::new()),
                Algorithm::Size => Running::Size(0),
            };
            running.push((a, r));
        }
        Hashers { running }
    }

    pub fn update(&mut self, bytes: &[u8]) {
        use sha2::Digest;
        for (_, r) in &mut self.running {
            match r {
                Running::Md5(h) => h.update(bytes),
                Running::Sha1(h) => h.update(bytes),
                Running::Sha256(h) => h.update(bytes),
                Running::Sha512(h) => h.update(bytes),
                Running::Sha512_256(h) => h.update(bytes),
                Running::Blake2b160(h) => h.update(bytes),
                Running::Blake2b256(h) => h.update(bytes),
                Running::Blake2b384(h) => h.update(bytes),
                Running::Blake2b512(h) => h.update(bytes),
                Running::Size(n) => *n += bytes.len() as u64,
            }
        }
    }

    /// Each algorithm with its digest, normalized (lower-case hex; a decimal size).
    pub fn finish(self) -> Vec<(Algorithm, String)> {
        use sha2::Digest;
        self.running
            .into_iter()
            .map(|(a, r)| {
                let digest = match r {
                    Running::Md5(h) => hex::encode(h.finalize()),
                    Running::Sha1(h) => hex::encode(h.finalize()),
                    Running::Sha256(h) => hex::encode(h.finalize()),
                    Running::Sha512(h) => hex::encode(h.finalize()),
                    Running::Sha512_256(h) => hex::encode(h.finalize()),
                    Running::Blake2b160(h) => hex::encode(h.finalize()),
                    Running::Blake2b256(h) => hex::encode(h.finalize()),
                    Running::Blake2b384(h) => hex::encode(h.finalize()),
                    Running::Blake2b512(h) => hex::encode(h.finalize()),
                    Running::Size(n) => n.to_string(),
                };
                (a, digest)
            })
            .collect()
    }
}

/// The digests of one file, read once in 64 KiB pieces.
pub fn file_digests(path: &Path, algorithms: &[Algorithm]) -> std::io::Result<Vec<(Algorithm, String)>> {
    thread_local! {
        // One buffer per thread, not one (zeroed) per file: objects hold many small files.
        static BUFFER: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(vec![0u8; 64 * 1024]);
    }
    let mut file = std::fs::File::open(path)?;
    let mut hashers = Hashers::new(algorithms.iter().copied());
    BUFFER.with_borrow_mut(|buffer| {
        loop {
            let n = match file.read(buffer) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            hashers.update(&buffer[..n]);
        }
        Ok(())
    })?;
    Ok(hashers.finish())
}

/// The digest of bytes in memory (an inventory, for its sidecar).
pub fn bytes_digest(bytes: &[u8], algorithm: Algorithm) -> String {
    let mut hashers = Hashers::new([algorithm]);
    hashers.update(bytes);
    hashers.finish().pop().map(|(_, d)| d).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_digests_of_abc() {
        // Published test vectors (FIPS 180-4, RFC 1321, RFC 7693) for "abc".
        let got = |a| bytes_digest(b"abc", a);
        assert_eq!(got(Algorithm::Md5), "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(got(Algorithm::Sha1), "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(got(Algorithm::Sha256), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(got(Algorithm::Sha512_256), "53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23");
        assert_eq!(
            got(Algorithm::Blake2b512),
            "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923"
        );
        assert_eq!(got(Algorithm::Size), "3");
        assert_eq!(got(Algorithm::Blake2b160).len(), 40);
        assert_eq!(got(Algorithm::Blake2b384).len(), 96);
    }

    #[test]
    fn forms_and_normalisation() {
        assert!(Algorithm::Md5.is_well_formed("900150983CD24FB0D6963F7D28E17F72"));
        assert!(!Algorithm::Md5.is_well_formed("900150983cd24fb0d6963f7d28e17f7"));
        assert!(!Algorithm::Sha256.is_well_formed("900150983cd24fb0d6963f7d28e17f72"));
        assert!(!Algorithm::Md5.is_well_formed("g00150983cd24fb0d6963f7d28e17f72"));
        assert!(Algorithm::Size.is_well_formed("0012"));
        assert_eq!(Algorithm::Size.normalize("0012"), "12");
        assert_eq!(Algorithm::Sha1.normalize("ABcd"), "abcd");
        assert_eq!(Algorithm::from_name("sha512/256"), Some(Algorithm::Sha512_256));
        assert_eq!(Algorithm::from_name("SHA512"), None);
    }

    #[test]
    fn one_pass_gives_every_algorithm_once() {
        let mut h = Hashers::new([Algorithm::Sha256, Algorithm::Md5, Algorithm::Sha256]);
        h.update(b"a");
        h.update(b"bc");
        let out = h.finish();
        assert_eq!(out.len(), 2);
        assert_eq!(out[0], (Algorithm::Sha256, bytes_digest(b"abc", Algorithm::Sha256)));
        assert_eq!(out[1].1, "900150983cd24fb0d6963f7d28e17f72");
    }
}
