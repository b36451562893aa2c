//! Storage layouts: where an object with a given id lives below the storage root.
//!
//! A layout is a small trait; newsarc implements one, the OCFL extension
//! `0003-hash-and-id-n-tuple-storage-layout`: the id's SHA-256 in hex, cut into tuples
//! (`abc/def/012/`), then the id itself, percent-encoded, as the object's folder name (truncated
//! to 100 characters and followed by `-<digest>` when longer). Both reference validators read it,
//! and a person browsing the root sees each article's URI in its folder's name.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The layout extension newsarc writes and reads.
pub const HASH_AND_ID_N_TUPLE: &str = "0003-hash-and-id-n-tuple-storage-layout";

/// Maps an object id to its path below the storage root (`/`-separated).
pub trait Layout: Send + Sync {
    /// The extension's registered name.
    fn name(&self) -> &'static str;
    fn object_path(&self, id: &str) -> String;
    /// `ocfl_layout.json`'s description of it.
    fn description(&self) -> &'static str;
    /// The extension's `config.json`, as written.
    fn config(&self) -> Vec<u8>;
}

/// The configuration of 0003, as its `config.json` holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HashAndIdNTuple {
    pub extension_name: String,
    #[serde(default = "sha256")]
    pub digest_algorithm: String,
    #[serde(default = "three")]
    pub tuple_size: usize,
    #[serde(default = "three")]
    pub number_of_tuples: usize,
}

fn sha256() -> String {
    "sha256".to_string()
}

fn three() -> usize {
    3
}

impl Default for HashAndIdNTuple {
    fn default() -> Self {
        HashAndIdNTuple {
            extension_name: HASH_AND_ID_N_TUPLE.to_string(),
            digest_algorithm: sha256(),
            tuple_size: 3,
            number_of_tuples: 3,
        }
    }
}

impl HashAndIdNTuple {
    /// Reads a `config.json`; only what newsarc can compute is accepted (SHA-256 digests, tuples
    /// that fit in one).
    pub fn from_config(bytes: &[u8]) -> Result<HashAndIdNTuple, String> {
        let config: HashAndIdNTuple =
            serde_json::from_slice(bytes).map_err(|e| format!("its config.json cannot be read: {e}"))?;
        if config.extension_name != HASH_AND_ID_N_TUPLE {
            return Err(format!("its config.json names the extension `{}`", config.extension_name));
        }
        if config.digest_algorithm != "sha256" {
            return Err(format!("its digest algorithm is {}; newsarc computes sha256 only", config.digest_algorithm));
        }
        let fits = (config.tuple_size == 0) == (config.number_of_tuples == 0)
            && config.tuple_size.checked_mul(config.number_of_tuples).is_some_and(|n| n <= 64);
        if !fits {
            return Err(format!(
                "tupleSize {} and numberOfTuples {} do not fit a SHA-256 digest",
                config.tuple_size, config.number_of_tuples
            ));
        }
        Ok(config)
    }
}

/// Longest object folder name before it is truncated (the extension's own limit).
const MAX_ENCAPSULATION: usize = 100;

impl Layout for HashAndIdNTuple {
    fn name(&self) -> &'static str {
        HASH_AND_ID_N_TUPLE
    }

    fn object_path(&self, id: &str) -> String {
        let digest = hex::encode(Sha256::digest(id.as_bytes()));
        let mut path = String::new();
        for n in 0..self.number_of_tuples {
            path.push_str(&digest[n * self.tuple_size..(n + 1) * self.tuple_size]);
            path.push('/');
        }
        let encoded = encode(id);
        if encoded.len() <= MAX_ENCAPSULATION {
            path.push_str(&encoded);
        } else {
            path.push_str(&encoded[..MAX_ENCAPSULATION]);
            path.push('-');
            path.push_str(&digest);
        }
        path
    }

    fn description(&self) -> &'static str {
        "Hashed Truncated N-tuple Trees with Object ID Encapsulating Directory for OCFL Storage Hierarchies"
    }

    fn config(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).expect("a layout config serializes");
        bytes.push(b'\n');
        bytes
    }
}

/// Every byte of the id's UTF-8 but `A-Z a-z 0-9 - _` as `%xx`, lower-case hex (the extension
/// says lower case; percent-encoding's own output is upper case).
fn encode(id: &str) -> String {
    const KEEP: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'_');
    let upper = percent_encoding::utf8_percent_encode(id, KEEP).to_string();
    let mut out = String::with_capacity(upper.len());
    let mut hex_left = 0;
    for c in upper.chars() {
        if c == '%' {
            hex_left = 2;
            out.push(c);
        } else if hex_left > 0 {
            hex_left -= 1;
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // The examples of the extension's specification (OCFL extension 0003), with its defaults.
    #[test]
    fn the_extensions_own_examples() {
        let layout = HashAndIdNTuple::default();
        assert_eq!(
            layout.object_path("object-01"),
            "3c0/ff4/240/object-01",
            "a simple id is kept as it is, below its digest's tuples"
        );
        assert_eq!(layout.object_path("..hor/rib:le-$id"), "487/326/d8c/%2e%2ehor%2frib%3ale-%24id");
        let long = "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghij";
        let path = layout.object_path(long);
        let digest = hex::encode(Sha256::digest(long.as_bytes()));
        assert_eq!(path, format!("{}/{}/{}/{}-{digest}", &digest[..3], &digest[3..6], &digest[6..9], &long[..100]));
    }

    #[test]
    fn non_ascii_is_encoded_byte_by_byte_in_lower_case() {
        assert_eq!(encode("urn:uuid:é"), "urn%3auuid%3a%c3%a9");
        assert_eq!(encode("https://x.org/a?b=1"), "https%3a%2f%2fx%2eorg%2fa%3fb%3d1");
    }

    #[test]
    fn only_configs_newsarc_can_follow_are_taken() {
        let ok = HashAndIdNTuple::from_config(br#"{"extensionName":"0003-hash-and-id-n-tuple-storage-layout"}"#);
        assert_eq!(ok.unwrap(), HashAndIdNTuple::default());
        for bad in [
            r#"{"extensionName":"0004-hashed-n-tuple-storage-layout"}"#,
            r#"{"extensionName":"0003-hash-and-id-n-tuple-storage-layout","digestAlgorithm":"md5"}"#,
            r#"{"extensionName":"0003-hash-and-id-n-tuple-storage-layout","tupleSize":33,"numberOfTuples":2}"#,
            "not json",
        ] {
            assert!(HashAndIdNTuple::from_config(bad.as_bytes()).is_err(), "{bad}");
        }
        let back = HashAndIdNTuple::from_config(&HashAndIdNTuple::default().config()).unwrap();
        assert_eq!(back, HashAndIdNTuple::default());
    }
}
