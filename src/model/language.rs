//! Language and writing direction.

use serde::{Deserialize, Serialize};

/// Where the article's language tag came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LanguageOrigin {
    /// Detected from the body text.
    Detected,
    /// Not detectable: the tag is `und`.
    Undetermined,
    /// Given in a sidecar metadata file.
    Sidecar,
    /// Given as an option (flag).
    Option,
    /// Read from a rendition that states it.
    Document,
}

/// Writing direction of the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Ltr,
    Rtl,
}

impl Direction {
    /// The direction of a BCP 47 tag's script: right-to-left for Arabic, Hebrew, Persian, Urdu,
    /// Yiddish, Pashto, Sindhi, Uyghur, Dhivehi and Kurdish (Sorani), or an explicit RTL script.
    pub fn of_language(tag: &str) -> Direction {
        let lower = tag.to_ascii_lowercase();
        let mut parts = lower.split('-');
        let primary = parts.next().unwrap_or("");
        let script = parts.find(|p| p.len() == 4);
        match script {
            Some("arab" | "hebr" | "syrc" | "thaa" | "nkoo" | "adlm" | "rohg") => return Direction::Rtl,
            Some(_) => return Direction::Ltr,
            None => {}
        }
        match primary {
            "ar" | "he" | "fa" | "ur" | "yi" | "ps" | "sd" | "ug" | "dv" | "ckb" | "arc" | "syr" => Direction::Rtl,
            _ => Direction::Ltr,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Direction;

    #[test]
    fn direction_follows_language_and_script() {
        assert_eq!(Direction::of_language("ar"), Direction::Rtl);
        assert_eq!(Direction::of_language("he-IL"), Direction::Rtl);
        assert_eq!(Direction::of_language("en"), Direction::Ltr);
        assert_eq!(Direction::of_language("az-Arab"), Direction::Rtl);
        assert_eq!(Direction::of_language("ar-Latn"), Direction::Ltr);
        assert_eq!(Direction::of_language("und"), Direction::Ltr);
    }
}
