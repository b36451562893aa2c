//! Recognises the dateline that opens wire copy: `PLACE, DATE (AGENCY) SEP text`.
//!
//! What is reliable: whether there is one (at the very start, short, with a parenthesised agency),
//! its verbatim text, the agency and the separator. What is fair: the place and the month and
//! day (English, Spanish and Portuguese month names, day-first or month-first). The year is never
//! in a dateline and is never guessed.

use crate::model::{Dateline, PartialDate};
use regex::Regex;
use std::sync::LazyLock;

/// Longest place-and-date part, in words.
const MAX_HEAD_WORDS: usize = 8;

static DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?P<head>[^\s()][^()\n]{0,79}?)\s*\((?P<agency>[^()\n]{1,40})\)(?P<sep>[ \t\u{A0}]*(?:-–|--|—|–|-)[ \t\u{A0}]*|[ \t\u{A0}]+|$)",
    )
    .expect("valid regex")
});

/// Reads a dateline from the start of a paragraph's plain text, if there is one.
pub fn parse(text: &str) -> Option<Dateline> {
    let caps = DATELINE.captures(text)?;
    let head = caps.name("head")?.as_str().trim();
    let agency = caps.name("agency")?.as_str().trim();
    if head.split_whitespace().count() > MAX_HEAD_WORDS || !plausible_head(head) || !plausible_agency(agency) {
        return None;
    }
    // Not a dateline when nothing follows: a paragraph that is only `Something (X)`.
    let end_of_dateline = caps.name("agency")?.end() + 1;
    if caps.name("sep")?.end() >= text.len() {
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

/// Agencies are names or acronyms: `AP`, `Reuters`, `teleSUR-RHC`; not `local time`.
fn plausible_agency(agency: &str) -> bool {
    let has_upper = agency.chars().any(char::is_uppercase);
    let has_lower = agency.chars().any(char::is_lowercase);
    agency.split_whitespace().count() <= 4 && (has_upper || !has_lower)
}

fn split_place_and_date(head: &str) -> (Option<String>, Option<PartialDate>) {
    if let Some((place, last)) = head.rsplit_once(',')
        && let Some(date) = parse_month_day(last.trim())
    {
        let place = place.trim();
        return ((!place.is_empty()).then(|| place.to_string()), Some(date));
    }
    if let Some(date) = parse_month_day(head) {
        return (None, Some(date));
    }
    (Some(head.to_string()), None)
}

/// `January 24`, `Jan. 5`, `20 mar`, `5 de marzo`.
fn parse_month_day(s: &str) -> Option<PartialDate> {
    let words: Vec<&str> = s.split_whitespace().filter(|w| !w.eq_ignore_ascii_case("de")).collect();
    let [a, b] = words[..] else { return None };
    let (month, day) = match (month_number(a), day_number(b)) {
        (Some(m), Some(d)) => (m, d),
        _ => (month_number(b)?, day_number(a)?),
    };
    PartialDate::month_day(month, day).ok()
}

fn day_number(s: &str) -> Option<u8> {
    let s = s.trim_end_matches(['.', 'º', '°']);
    let s = s
        .strip_suffix("st")
        .or_else(|| s.strip_suffix("nd"))
        .or_else(|| s.strip_suffix("rd"))
        .or_else(|| s.strip_suffix("th"))
        .unwrap_or(s);
    if s.is_empty() || s.len() > 2 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn month_number(s: &str) -> Option<u8> {
    let s = s.trim_end_matches('.').to_lowercase();
    // English, Spanish and Portuguese names and their usual short forms.
    const MONTHS: [&[&str]; 12] = [
        &["january", "jan", "enero", "ene", "janeiro"],
        &["february", "feb", "febrero", "fevereiro", "fev"],
        &["march", "mar", "marzo", "março", "marco"],
        &["april", "apr", "abril", "abr"],
        &["may", "mayo", "maio", "mai"],
        &["june", "jun", "junio", "junho"],
        &["july", "jul", "julio", "julho"],
        &["august", "aug", "agosto", "ago"],
        &["september", "sep", "sept", "septiembre", "setiembre", "setembro", "set"],
        &["october", "oct", "octubre", "outubro", "out"],
        &["november", "nov", "noviembre", "novembro"],
        &["december", "dec", "diciembre", "dic", "dezembro", "dez"],
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
    fn not_datelines() {
        for text in [
            "The council met (briefly) on Tuesday.",
            "Since the early hours (local time) crowds gathered.",
            "this sentence (AP) starts in lower case",
            "A very long opening sentence that goes on and on for many words (AP) - text",
            "Only a name (AP)",
            "No parentheses at all, January 5 - text",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
    }

    #[test]
    fn impossible_dates_stay_in_the_place() {
        let d = parse("Springfield, February 30 (NW) - text").unwrap();
        assert_eq!(d.date, None);
        assert_eq!(d.place.as_deref(), Some("Springfield, February 30"));
    }
}
