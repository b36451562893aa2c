//! Detects the language of a text with whatlang and names it with a BCP 47 tag.

use crate::model::{Direction, LanguageOrigin, Warning, WarningCode};

/// How much text detection looks at: enough to be reliable, bounded for huge articles.
const SAMPLE_CHARS: usize = 4000;

/// Detects the language of an article: its headline and the first 16 KiB of its body text.
pub fn detect_article(
    headline: Option<&str>,
    body: &[crate::model::Block],
) -> (String, LanguageOrigin, Direction, Option<Warning>) {
    let mut sample = headline.unwrap_or_default().to_string();
    crate::model::text::for_each_text(body, &mut |t| {
        if sample.len() < 16 * 1024 {
            sample.push('\n');
            sample.push_str(t);
        }
    });
    detect(&sample)
}

/// The detected language tag, where it came from, its direction, and a warning when unsure.
pub fn detect(text: &str) -> (String, LanguageOrigin, Direction, Option<Warning>) {
    let end = text.char_indices().nth(SAMPLE_CHARS).map_or(text.len(), |(i, _)| i);
    let detected = whatlang::detect(&text[..end]).filter(whatlang::Info::is_reliable);
    match detected.and_then(|info| bcp47(info.lang()).map(|tag| (tag, info.script()))) {
        Some((tag, script)) => {
            let direction = match script {
                whatlang::Script::Arabic | whatlang::Script::Hebrew => Direction::Rtl,
                _ => Direction::of_language(tag),
            };
            (tag.to_string(), LanguageOrigin::Detected, direction, None)
        }
        None => (
            "und".to_string(),
            LanguageOrigin::Undetermined,
            Direction::Ltr,
            Some(Warning::new(
                WarningCode::LanguageUncertain,
                "the language could not be detected reliably (too little text?); it is `und`: supply it with --language or a sidecar file",
            )),
        ),
    }
}

/// ISO 639-1 code of each language whatlang knows (it speaks ISO 639-3).
fn bcp47(lang: whatlang::Lang) -> Option<&'static str> {
    use whatlang::Lang::*;
    Some(match lang {
        Epo => "eo",
        Eng => "en",
        Rus => "ru",
        Cmn => "zh",
        Spa => "es",
        Por => "pt",
        Ita => "it",
        Ben => "bn",
        Fra => "fr",
        Deu => "de",
        Ukr => "uk",
        Kat => "ka",
        Ara => "ar",
        Hin => "hi",
        Jpn => "ja",
        Heb => "he",
        Yid => "yi",
        Pol => "pl",
        Amh => "am",
        Jav => "jv",
        Kor => "ko",
        Nob => "nb",
        Dan => "da",
        Swe => "sv",
        Fin => "fi",
        Tur => "tr",
        Nld => "nl",
        Hun => "hu",
        Ces => "cs",
        Ell => "el",
        Bul => "bg",
        Bel => "be",
        Mar => "mr",
        Kan => "kn",
        Ron => "ro",
        Slv => "sl",
        Hrv => "hr",
        Srp => "sr",
        Mkd => "mk",
        Lit => "lt",
        Lav => "lv",
        Est => "et",
        Tam => "ta",
        Vie => "vi",
        Urd => "ur",
        Tha => "th",
        Guj => "gu",
        Uzb => "uz",
        Pan => "pa",
        Aze => "az",
        Ind => "id",
        Tel => "te",
        Pes => "fa",
        Mal => "ml",
        Ori => "or",
        Mya => "my",
        Nep => "ne",
        Sin => "si",
        Khm => "km",
        Tuk => "tk",
        Aka => "ak",
        Zul => "zu",
        Sna => "sn",
        Afr => "af",
        Lat => "la",
        Slk => "sk",
        Cat => "ca",
        Tgl => "tl",
        Hye => "hy",
        Cym => "cy",
        #[allow(unreachable_patterns)]
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_spanish_arabic() {
        let en = "The town council voted on Tuesday to extend the opening hours of the public library, \
                  after residents asked for more evening study space during the winter months.";
        assert_eq!(detect(en).0, "en");
        let es = "El ayuntamiento votó el martes para ampliar el horario de la biblioteca pública, \
                  después de que los vecinos pidieran más espacio de estudio por las tardes.";
        assert_eq!(detect(es).0, "es");
        let ar = "صوت مجلس المدينة يوم الثلاثاء على تمديد ساعات عمل المكتبة العامة بعد أن طلب السكان مساحة أكبر للدراسة";
        let (tag, _, dir, _) = detect(ar);
        assert_eq!((tag.as_str(), dir), ("ar", Direction::Rtl));
    }

    #[test]
    fn too_little_text_is_und_with_a_warning() {
        let (tag, origin, _, warning) = detect("Ok.");
        assert_eq!((tag.as_str(), origin), ("und", LanguageOrigin::Undetermined));
        assert_eq!(warning.unwrap().code, WarningCode::LanguageUncertain);
    }
}
