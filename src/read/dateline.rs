//! Recognises the dateline that opens wire copy: `PLACE, DATE (AGENCY) SEP text`.
//!
//! What is reliable: whether there is one (at the very start, short, with a parenthesised agency),
//! its verbatim text, the agency and the separator. What is fair: the place and the month and
//! day: English, Spanish, Portuguese, French and German month names, day-first or month-first;
//! Arabic (the Arabic comma `،`, Egyptian and Levantine month names, Arabic-Indic digits); Chinese
//! (full-width comma and parentheses, `3月5日`, `——` or no separator after `）`). A year is taken
//! only where the dateline writes it (`2020年3月5日`); it is never guessed.

use crate::model::{Dateline, PartialDate};
use regex::Regex;
use std::sync::LazyLock;

/// Longest place-and-date part, in words.
const MAX_HEAD_WORDS: usize = 8;

/// Longest place-and-date part and agency, in characters. Checked after matching, not counted
/// in the pattern: a counted repetition of a Unicode class compiles to that many copies of it,
/// which made compiling the pattern most of a one-article convert's own work.
const MAX_HEAD_CHARS: usize = 80;
const MAX_AGENCY_CHARS: usize = 40;

static DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?P<head>[^\s()（）][^()（）\n]*?)\s*[(（](?P<agency>[^()（）\n]+)(?P<close>[)）])(?P<sep>[ \t\u{A0}\u{3000}]*(?:-–|--|——|—|–|-)[ \t\u{A0}\u{3000}]*|[ \t\u{A0}\u{3000}]+|$|)",
    )
    .expect("valid regex")
});

/// Reads a dateline from the start of a paragraph's plain text, if there is one.
pub fn parse(text: &str) -> Option<Dateline> {
    let caps = DATELINE.captures(text)?;
    let (head, agency) = (caps.name("head")?.as_str(), caps.name("agency")?.as_str());
    if head.chars().count() > MAX_HEAD_CHARS || agency.chars().count() > MAX_AGENCY_CHARS {
        return None;
    }
    let (head, agency) = (head.trim(), agency.trim());
    if head.split_whitespace().count() > MAX_HEAD_WORDS || !plausible_head(head) || !plausible_agency(agency) {
        return None;
    }
    // Not a dateline when nothing follows: a paragraph that is only `Something (X)`.
    let end_of_dateline = caps.name("close")?.end();
    if caps.name("sep")?.end() >= text.len() {
        return None;
    }
    // Text straight after the parenthesis is usual only after a full-width one (Chinese).
    if caps.name("sep")?.as_str().is_empty() && caps.name("close")?.as_str() == ")" {
        return None;
    }
    let separator = caps.name("sep").map(|s| s.as_str().trim()).filter(|s| !s.is_empty());
    let (place, date) = split_place_and_date(head);
    Some(Dateline {
        text: text[..end_of_dateline].to_string(),
        place,
        date,
        agency: Some(agency.to_string()),
        separator: separator.map(str::to_string),
    })
}

/// Reads a dateline given on its own (a NewsML-G2 `dateline` element): `PLACE, DATE (AGENCY)`.
pub fn parse_alone(text: &str) -> Option<Dateline> {
    let mut d = parse(&format!("{} x", text.trim_end()))?;
    d.separator = None;
    Some(d)
}

/// A place starts with a capital (or a letter of a script without case).
fn plausible_head(head: &str) -> bool {
    head.chars().next().is_some_and(|c| c.is_alphabetic() && !c.is_lowercase())
}

/// Agencies are names or acronyms: `AP`, `Reuters`, `teleSUR-RHC`; not `local time`, and not
/// parentheses holding no letter or digit (`( )`, `(-)`).
fn plausible_agency(agency: &str) -> bool {
    if !agency.chars().any(char::is_alphanumeric) {
        return false;
    }
    // Agencies that write their names in lower case (Deutsche Presse-Agentur, Evangelischer
    // Pressedienst); other all-lower-case words in parentheses are asides, not agencies.
    if ["dpa", "epd", "kna", "sid", "dts"].contains(&agency) {
        return true;
    }
    let has_upper = agency.chars().any(char::is_uppercase);
    let has_lower = agency.chars().any(char::is_lowercase);
    agency.split_whitespace().count() <= 4 && (has_upper || !has_lower)
}

/// Commas that end a place: ASCII, Arabic, full-width and ideographic.
const COMMAS: [char; 4] = [',', '،', '，', '、'];

fn split_place_and_date(head: &str) -> (Option<String>, Option<PartialDate>) {
    if let Some(i) = head.rfind(COMMAS) {
        let (place, last) = (&head[..i], &head[i..]);
        let last = last.trim_start_matches(COMMAS);
        if let Some(date) = parse_date(last.trim()) {
            let place = place.trim();
            return ((!place.is_empty()).then(|| place.to_string()), Some(date));
        }
    }
    if let Some(date) = parse_date(head) {
        return (None, Some(date));
    }
    (Some(head.to_string()), None)
}

fn parse_date(s: &str) -> Option<PartialDate> {
    parse_cjk_date(s).or_else(|| parse_month_day(s))
}

/// `3月5日`, `３月５日`, `2020年3月5日`.
fn parse_cjk_date(s: &str) -> Option<PartialDate> {
    static CJK: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(?:(?P<y>[0-9０-９]{4})\s*年\s*)?(?P<m>[0-9０-９]{1,2})\s*月\s*(?P<d>[0-9０-９]{1,2})\s*日$")
            .expect("valid regex")
    });
    let caps = CJK.captures(s)?;
    let number = |name: &str| caps.name(name).and_then(|m| ascii_digits(m.as_str()).parse::<u32>().ok());
    let (month, day) = (u8::try_from(number("m")?).ok()?, u8::try_from(number("d")?).ok()?);
    match number("y") {
        Some(year) => PartialDate::new(Some(year as i32), Some(month), Some(day)).ok(),
        None => PartialDate::month_day(month, day).ok(),
    }
}

/// Digits of any script newsarc meets in datelines (Arabic-Indic, Eastern Arabic-Indic,
/// full-width) as ASCII digits; other characters unchanged.
fn ascii_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
            '\u{06F0}'..='\u{06F9}' => char::from(b'0' + (c as u32 - 0x06F0) as u8),
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            c => c,
        })
        .collect()
}

/// `January 24`, `Jan. 5`, `20 mar`, `5 de marzo`, `1er mars`, `5. März`, `24 يناير`,
/// `٢٤ كانون الثاني`.
fn parse_month_day(s: &str) -> Option<PartialDate> {
    let words: Vec<&str> = s.split_whitespace().filter(|w| !w.eq_ignore_ascii_case("de")).collect();
    if words.len() < 2 || words.len() > 3 {
        return None;
    }
    let (first, rest) = (words[0], words[1..].join(" "));
    let (last, before) = (words[words.len() - 1], words[..words.len() - 1].join(" "));
    let (month, day) = match (month_number(&rest), day_number(first)) {
        (Some(m), Some(d)) => (m, d),
        _ => (month_number(&before)?, day_number(last)?),
    };
    PartialDate::month_day(month, day).ok()
}

fn day_number(s: &str) -> Option<u8> {
    let s = ascii_digits(s);
    let s = s.trim_end_matches(['.', 'º', '°']);
    let s = s
        .strip_suffix("st")
        .or_else(|| s.strip_suffix("nd"))
        .or_else(|| s.strip_suffix("rd"))
        .or_else(|| s.strip_suffix("th"))
        .or_else(|| s.strip_suffix("er"))
        .unwrap_or(s);
    if s.is_empty() || s.len() > 2 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn month_number(s: &str) -> Option<u8> {
    let s = s.trim_end_matches('.').to_lowercase();
    // English, Spanish, Portuguese, French and German names and their usual short forms; Arabic
    // names as written in Egypt and the Gulf, and in the Levant and Iraq.
    const MONTHS: [&[&str]; 12] = [
        &["january", "jan", "enero", "ene", "janeiro", "janvier", "janv", "januar", "jänner", "يناير", "كانون الثاني"],
        &[
            "february",
            "feb",
            "febrero",
            "fevereiro",
            "fev",
            "février",
            "fevrier",
            "févr",
            "fevr",
            "februar",
            "فبراير",
            "شباط",
        ],
        &["march", "mar", "marzo", "março", "marco", "mars", "märz", "maerz", "mär", "مارس", "آذار", "اذار"],
        &["april", "apr", "abril", "abr", "avril", "avr", "أبريل", "ابريل", "إبريل", "نيسان"],
        &["may", "mayo", "maio", "mai", "مايو", "أيار", "ايار"],
        &["june", "jun", "junio", "junho", "juin", "juni", "يونيو", "يونية", "حزيران"],
        &["july", "jul", "julio", "julho", "juillet", "juil", "juli", "يوليو", "يولية", "تموز"],
        &["august", "aug", "agosto", "ago", "août", "aout", "أغسطس", "اغسطس", "آب", "اب"],
        &[
            "september",
            "sep",
            "sept",
            "septiembre",
            "setiembre",
            "setembro",
            "set",
            "septembre",
            "سبتمبر",
            "أيلول",
            "ايلول",
        ],
        &[
            "october",
            "oct",
            "octubre",
            "outubro",
            "out",
            "octobre",
            "oktober",
            "okt",
            "أكتوبر",
            "اكتوبر",
            "تشرين الأول",
            "تشرين الاول",
        ],
        &["november", "nov", "noviembre", "novembro", "novembre", "نوفمبر", "تشرين الثاني"],
        &[
            "december",
            "dec",
            "diciembre",
            "dic",
            "dezembro",
            "dez",
            "décembre",
            "decembre",
            "déc",
            "dezember",
            "ديسمبر",
            "كانون الأول",
            "كانون الاول",
        ],
    ];
    MONTHS.iter().position(|names| names.contains(&s.as_str())).map(|i| i as u8 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, verbatim: &str, place: Option<&str>, date: Option<&str>, agency: &str, sep: Option<&str>) {
        let d = parse(text).unwrap_or_else(|| panic!("no dateline in {text:?}"));
        assert_eq!(d.text, verbatim, "{text}");
        assert_eq!(d.place.as_deref(), place, "{text}");
        assert_eq!(d.date.map(|d| d.to_string()).as_deref(), date, "{text}");
        assert_eq!(d.agency.as_deref(), Some(agency), "{text}");
        assert_eq!(d.separator.as_deref(), sep, "{text}");
    }

    #[test]
    fn the_seen_forms() {
        check(
            "Baghdad, January 24 (RHC)-- Iraqis have",
            "Baghdad, January 24 (RHC)",
            Some("Baghdad"),
            Some("--01-24"),
            "RHC",
            Some("--"),
        );
        check(
            "Havana, March 5 (RHC) -- The",
            "Havana, March 5 (RHC)",
            Some("Havana"),
            Some("--03-05"),
            "RHC",
            Some("--"),
        );
        check(
            "Caracas, March 5 (teleSUR-RHC)-- x",
            "Caracas, March 5 (teleSUR-RHC)",
            Some("Caracas"),
            Some("--03-05"),
            "teleSUR-RHC",
            Some("--"),
        );
        check(
            "Brasilia, 20 mar (RHC-PL) El",
            "Brasilia, 20 mar (RHC-PL)",
            Some("Brasilia"),
            Some("--03-20"),
            "RHC-PL",
            None,
        );
        check("WASHINGTON (AP) — The", "WASHINGTON (AP)", Some("WASHINGTON"), None, "AP", Some("—"));
        check(
            "LONDON, Jan 5 (Reuters) - Shares",
            "LONDON, Jan 5 (Reuters)",
            Some("LONDON"),
            Some("--01-05"),
            "Reuters",
            Some("-"),
        );
        check(
            "BEIRUT, Lebanon, June 2 (UPI) — A",
            "BEIRUT, Lebanon, June 2 (UPI)",
            Some("BEIRUT, Lebanon"),
            Some("--06-02"),
            "UPI",
            Some("—"),
        );
        check(
            "Quito, 3 de marzo (ANX) –texto",
            "Quito, 3 de marzo (ANX)",
            Some("Quito"),
            Some("--03-03"),
            "ANX",
            Some("–"),
        );
        check("Lima, Sept. 9 (XX) -– y", "Lima, Sept. 9 (XX)", Some("Lima"), Some("--09-09"), "XX", Some("-–"));
    }

    #[test]
    fn arabic_chinese_french_and_german_forms() {
        check(
            "بغداد، 24 يناير (وكالة الأنباء) - خرج",
            "بغداد، 24 يناير (وكالة الأنباء)",
            Some("بغداد"),
            Some("--01-24"),
            "وكالة الأنباء",
            Some("-"),
        );
        check(
            "دمشق، ٥ كانون الثاني (سانا) — قال",
            "دمشق، ٥ كانون الثاني (سانا)",
            Some("دمشق"),
            Some("--01-05"),
            "سانا",
            Some("—"),
        );
        check("بيروت، ۱۲ تموز (وطنية) اعلن", "بيروت، ۱۲ تموز (وطنية)", Some("بيروت"), Some("--07-12"), "وطنية", None);
        check(
            "上海，3月5日（新华社）——上海市",
            "上海，3月5日（新华社）",
            Some("上海"),
            Some("--03-05"),
            "新华社",
            Some("——"),
        );
        check(
            "北京，３月１５日（中新社）记者",
            "北京，３月１５日（中新社）",
            Some("北京"),
            Some("--03-15"),
            "中新社",
            None,
        );
        check(
            "广州，2020年3月5日（新华社）— 广州",
            "广州，2020年3月5日（新华社）",
            Some("广州"),
            Some("2020-03-05"),
            "新华社",
            Some("—"),
        );
        check("LYON, 1er mars (AFP) - Les", "LYON, 1er mars (AFP)", Some("LYON"), Some("--03-01"), "AFP", Some("-"));
        check(
            "Paris, 14 juillet (AFP) – La",
            "Paris, 14 juillet (AFP)",
            Some("Paris"),
            Some("--07-14"),
            "AFP",
            Some("–"),
        );
        check("Genève, 3 déc. (ATS) - x", "Genève, 3 déc. (ATS)", Some("Genève"), Some("--12-03"), "ATS", Some("-"));
        check(
            "Berlin, 5. März (dpa) - Die",
            "Berlin, 5. März (dpa)",
            Some("Berlin"),
            Some("--03-05"),
            "dpa",
            Some("-"),
        );
        check(
            "Wien, 12. Jänner (APA) - Der",
            "Wien, 12. Jänner (APA)",
            Some("Wien"),
            Some("--01-12"),
            "APA",
            Some("-"),
        );
        check(
            "Madrid, 9 de octubre (EFE) - El",
            "Madrid, 9 de octubre (EFE)",
            Some("Madrid"),
            Some("--10-09"),
            "EFE",
            Some("-"),
        );
    }

    #[test]
    fn not_datelines() {
        for text in [
            "The council met (briefly) on Tuesday.",
            "Since the early hours (local time) crowds gathered.",
            "this sentence (AP) starts in lower case",
            "A very long opening sentence that goes on and on for many words (AP) - text",
            "Only a name (AP)",
            "No parentheses at all, January 5 - text",
            "The council met (AP)and then left",
            // Found by fuzzing: an agency of nothing but a space was kept, as an empty string.
            "Port Aldous, October 9 ( ) -- The harbour board met",
            "Port Aldous, October 9 (-) -- The harbour board met",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
    }

    #[test]
    fn the_place_and_the_agency_have_lengths_at_most_80_and_40_characters() {
        let head = format!("É{}", "b".repeat(MAX_HEAD_CHARS - 1));
        assert_eq!(parse(&format!("{head} (AP) - text")).unwrap().place.as_deref(), Some(head.as_str()));
        assert_eq!(parse(&format!("{head}b (AP) - text")), None);
        let agency = "Ä".repeat(MAX_AGENCY_CHARS);
        assert_eq!(parse(&format!("Springfield ({agency}) - text")).unwrap().agency, Some(agency.clone()));
        assert_eq!(parse(&format!("Springfield ({agency}Ä) - text")), None);
    }

    #[test]
    fn impossible_dates_stay_in_the_place() {
        let d = parse("Springfield, February 30 (NW) - text").unwrap();
        assert_eq!(d.date, None);
        assert_eq!(d.place.as_deref(), Some("Springfield, February 30"));
    }
}
