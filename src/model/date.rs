//! Dates the text gives only in part, and the timestamps formats require.
//!
//! A dateline says `January 24` and nothing of the year; [`PartialDate`] keeps exactly what is
//! known and never invents the rest. [`Timestamp`] is a whole second in UTC, written the one way
//! every rendition accepts (`2020-01-24T10:00:00Z`).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A calendar date of which any part may be unknown, as far as it is valid.
///
/// Written in the XML Schema forms: `2020-01-24`, `2020-01`, `2020`, `--01-24` (month and day,
/// no year), `--01` (month only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PartialDate {
    year: Option<i32>,
    month: Option<u8>,
    day: Option<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("month {0} is not 1 to 12")]
    Month(u8),
    #[error("day {day} does not exist in month {month}")]
    Day { month: u8, day: u8 },
    #[error("a day needs a month")]
    DayWithoutMonth,
    #[error("year {0} is out of range (1 to 9999)")]
    Year(i32),
    #[error("`{0}` is not a date of the form YYYY, YYYY-MM, YYYY-MM-DD, --MM-DD or --MM")]
    Syntax(String),
    #[error("`{0}` is not a UTC timestamp of the form YYYY-MM-DDThh:mm:ssZ (or with an offset)")]
    Timestamp(String),
}

impl PartialDate {
    pub fn new(year: Option<i32>, month: Option<u8>, day: Option<u8>) -> Result<PartialDate, DateError> {
        if let Some(y) = year
            && !(1..=9999).contains(&y)
        {
            return Err(DateError::Year(y));
        }
        match (month, day) {
            (None, Some(_)) => return Err(DateError::DayWithoutMonth),
            (Some(m), _) if !(1..=12).contains(&m) => return Err(DateError::Month(m)),
            (Some(m), Some(d)) if d == 0 || d > days_in_month(year, m) => {
                return Err(DateError::Day { month: m, day: d });
            }
            _ => {}
        }
        Ok(PartialDate { year, month, day })
    }

    /// A month and day without a year, as a dateline gives it.
    pub fn month_day(month: u8, day: u8) -> Result<PartialDate, DateError> {
        PartialDate::new(None, Some(month), Some(day))
    }

    pub fn year(&self) -> Option<i32> {
        self.year
    }
    pub fn month(&self) -> Option<u8> {
        self.month
    }
    pub fn day(&self) -> Option<u8> {
        self.day
    }

    /// Year, month and day all known.
    pub fn is_complete(&self) -> bool {
        self.year.is_some() && self.month.is_some() && self.day.is_some()
    }

    /// Fills the parts this date lacks from `other`, as long as the parts both know agree and the
    /// result is a valid date; otherwise `None`.
    pub fn combine(&self, other: &PartialDate) -> Option<PartialDate> {
        fn pick<T: PartialEq + Copy>(a: Option<T>, b: Option<T>) -> Result<Option<T>, ()> {
            match (a, b) {
                (Some(x), Some(y)) if x != y => Err(()),
                (Some(x), _) | (None, Some(x)) => Ok(Some(x)),
                (None, None) => Ok(None),
            }
        }
        let year = pick(self.year, other.year).ok()?;
        let month = pick(self.month, other.month).ok()?;
        let day = pick(self.day, other.day).ok()?;
        PartialDate::new(year, month, day).ok()
    }
}

fn days_in_month(year: Option<i32>, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 => match year {
            Some(y) if !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) => 28,
            _ => 29, // unknown year: February 29 may exist
        },
        _ => 31,
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.year, self.month, self.day) {
            (Some(y), Some(m), Some(d)) => write!(f, "{y:04}-{m:02}-{d:02}"),
            (Some(y), Some(m), None) => write!(f, "{y:04}-{m:02}"),
            (Some(y), None, _) => write!(f, "{y:04}"),
            (None, Some(m), Some(d)) => write!(f, "--{m:02}-{d:02}"),
            (None, Some(m), None) => write!(f, "--{m:02}"),
            (None, None, _) => Ok(()),
        }
    }
}

impl FromStr for PartialDate {
    type Err = DateError;
    fn from_str(s: &str) -> Result<PartialDate, DateError> {
        let bad = || DateError::Syntax(s.to_string());
        let num = |p: &str, len: usize| -> Result<u32, DateError> {
            if p.len() == len && p.bytes().all(|b| b.is_ascii_digit()) {
                p.parse().map_err(|_| bad())
            } else {
                Err(bad())
            }
        };
        if let Some(rest) = s.strip_prefix("--") {
            let mut parts = rest.split('-');
            let month = num(parts.next().ok_or_else(bad)?, 2)? as u8;
            let day = parts.next().map(|d| num(d, 2)).transpose()?.map(|d| d as u8);
            if parts.next().is_some() {
                return Err(bad());
            }
            return PartialDate::new(None, Some(month), day);
        }
        let mut parts = s.split('-');
        let year = num(parts.next().ok_or_else(bad)?, 4)? as i32;
        let month = parts.next().map(|m| num(m, 2)).transpose()?.map(|m| m as u8);
        let day = parts.next().map(|d| num(d, 2)).transpose()?.map(|d| d as u8);
        if parts.next().is_some() {
            return Err(bad());
        }
        PartialDate::new(Some(year), month, day)
    }
}

impl Serialize for PartialDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PartialDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<PartialDate, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Where an article's version timestamp came from, so a record can say how far to trust it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimestampOrigin {
    /// The input said it (a NewsML-G2 `versionCreated`, an EPUB's `dcterms:modified`).
    Document,
    /// `--created`.
    Option,
    /// The sidecar file's `created`.
    Sidecar,
    /// The `SOURCE_DATE_EPOCH` environment variable.
    SourceDateEpoch,
    /// The input file's modification time (with warning NA-READ-015).
    FileTime,
}

/// A point in time to the second, always written in UTC as `YYYY-MM-DDThh:mm:ssZ`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp(jiff::Timestamp);

impl Timestamp {
    /// From seconds since the Unix epoch (as `SOURCE_DATE_EPOCH` gives them).
    pub fn from_unix_seconds(seconds: i64) -> Option<Timestamp> {
        jiff::Timestamp::from_second(seconds).ok().map(Timestamp)
    }

    pub fn unix_seconds(&self) -> i64 {
        self.0.as_second()
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.strftime("%Y-%m-%dT%H:%M:%SZ"))
    }
}

impl FromStr for Timestamp {
    type Err = DateError;
    /// RFC 3339 with `Z` or an offset; fractions of a second are dropped.
    fn from_str(s: &str) -> Result<Timestamp, DateError> {
        let t: jiff::Timestamp = s.parse().map_err(|_| DateError::Timestamp(s.to_string()))?;
        Timestamp::from_unix_seconds(t.as_second()).ok_or_else(|| DateError::Timestamp(s.to_string()))
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Timestamp, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_dates_print_in_xml_schema_forms() {
        assert_eq!(PartialDate::month_day(1, 24).unwrap().to_string(), "--01-24");
        assert_eq!(PartialDate::new(Some(2020), Some(1), Some(24)).unwrap().to_string(), "2020-01-24");
        assert_eq!(PartialDate::new(Some(2020), Some(3), None).unwrap().to_string(), "2020-03");
        assert_eq!(PartialDate::new(Some(987), None, None).unwrap().to_string(), "0987");
    }

    #[test]
    fn partial_dates_parse_back_what_they_print() {
        for s in ["--01-24", "--12", "2020", "2020-02", "2020-02-29", "0001-01-01"] {
            assert_eq!(s.parse::<PartialDate>().unwrap().to_string(), s);
        }
        for s in ["", "20", "2020-2", "2020-02-30", "2019-02-29", "--13-01", "--02-30", "2020-01-01-01", "+2020"] {
            assert!(s.parse::<PartialDate>().is_err(), "{s} should not parse");
        }
    }

    #[test]
    fn february_29_needs_a_leap_year_or_no_year() {
        assert!(PartialDate::month_day(2, 29).is_ok());
        assert!(PartialDate::new(Some(2000), Some(2), Some(29)).is_ok());
        assert!(PartialDate::new(Some(1900), Some(2), Some(29)).is_err());
    }

    #[test]
    fn combine_fills_the_year_only_when_the_parts_agree() {
        let md = PartialDate::month_day(1, 24).unwrap();
        let year: PartialDate = "2020".parse().unwrap();
        assert_eq!(md.combine(&year).unwrap().to_string(), "2020-01-24");
        let other: PartialDate = "2020-02-03".parse().unwrap();
        assert_eq!(md.combine(&other), None);
        let leap = PartialDate::month_day(2, 29).unwrap();
        assert_eq!(leap.combine(&"2021".parse().unwrap()), None);
    }

    #[test]
    fn timestamps_are_written_in_utc_with_z() {
        assert_eq!(Timestamp::from_unix_seconds(0).unwrap().to_string(), "1970-01-01T00:00:00Z");
        let t: Timestamp = "2020-01-24T12:30:00+02:00".parse().unwrap();
        assert_eq!(t.to_string(), "2020-01-24T10:30:00Z");
        assert!("2020-01-24".parse::<Timestamp>().is_err());
    }
}
