//! The panel's `YYYY-MM-DD` dates, checked for shape and carried as they are.
//!
//! This crate does no calendar arithmetic: an expiry is reported as a start
//! date and a number of days ([`crate::Expiry::After`]), and the caller adds
//! them with its own calendar (AJIB uses `ajib_domain`'s). Whether a day
//! exists in its month (February 30) is the panel's to check: it answers
//! 400 `Invalid date` for one.

use std::{fmt, str::FromStr};

/// A `YYYY-MM-DD` date: year 0..=9999, month 1..=12, day 1..=31.
///
/// The panel's `account_creation_date` is one of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    // Field order makes the derived ordering chronological.
    year: i32,
    month: u8,
    day: u8,
}

/// The text given to [`Date::parse`] or `str::parse` is not a `YYYY-MM-DD` date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseDateError {
    text: String,
}

impl Date {
    /// Builds a date, or `None` if the year is outside 0..=9999, the month
    /// outside 1..=12 or the day outside 1..=31.
    #[must_use]
    pub fn from_ymd(year: i32, month: u8, day: u8) -> Option<Self> {
        let in_range =
            (0..=9999).contains(&year) && (1..=12).contains(&month) && (1..=31).contains(&day);
        in_range.then_some(Self { year, month, day })
    }

    /// Parses the panel's `YYYY-MM-DD` form.
    ///
    /// A longer timestamp such as `2026-11-20 13:05:00` or
    /// `2026-11-20T13:05:00` is accepted and its time dropped.
    pub fn parse(text: &str) -> Result<Self, ParseDateError> {
        let err = || ParseDateError {
            text: crate::error::truncate(text, 40),
        };
        let date_part = match text.as_bytes().get(10) {
            None => text,
            Some(b' ' | b'T') => &text[..10],
            Some(_) => return Err(err()),
        };
        let bytes = date_part.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return Err(err());
        }
        let digits = |range: std::ops::Range<usize>| -> Option<u32> {
            let part = &date_part[range];
            if !part.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            part.parse().ok()
        };
        let (Some(year), Some(month), Some(day)) = (digits(0..4), digits(5..7), digits(8..10))
        else {
            return Err(err());
        };
        // The digit counts bound these, so the casts cannot truncate.
        Self::from_ymd(year as i32, month as u8, day as u8).ok_or_else(err)
    }

    /// The year, 0..=9999.
    #[must_use]
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month, 1..=12.
    #[must_use]
    pub fn month(self) -> u8 {
        self.month
    }

    /// The day of the month, 1..=31.
    #[must_use]
    pub fn day(self) -> u8 {
        self.day
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl FromStr for Date {
    type Err = ParseDateError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl fmt::Display for ParseDateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not a YYYY-MM-DD date: {:?}", self.text)
    }
}

impl std::error::Error for ParseDateError {}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use crate::date::Date;

    fn date(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    #[test]
    fn parsing() {
        assert_eq!(date("2026-11-20"), Date::from_ymd(2026, 11, 20).unwrap());
        assert_eq!(
            date("2026-11-20 13:05:00"),
            Date::from_ymd(2026, 11, 20).unwrap()
        );
        assert_eq!(
            date("2026-11-20T13:05:00Z"),
            Date::from_ymd(2026, 11, 20).unwrap()
        );
        for bad in [
            "",
            "2026-1-20",
            "2026/11/20",
            "2026-13-01",
            "2026-02-32",
            "2026-00-10",
            "2026-11-20x",
            "+026-11-20",
            "20261120",
            "2026-11-2 ",
            "２０２６-11-20",
        ] {
            assert!(Date::parse(bad).is_err(), "{bad:?} parsed");
        }
        assert_eq!(
            Date::parse("nope").unwrap_err().to_string(),
            "not a YYYY-MM-DD date: \"nope\""
        );
    }

    #[test]
    fn ordering_is_chronological() {
        assert!(date("2026-01-31") < date("2026-02-01"));
        assert!(date("2025-12-31") < date("2026-01-01"));
    }

    proptest! {
        #[test]
        fn dates_print_as_they_parse(year in 0i32..=9999, month in 1u8..=12, day in 1u8..=31) {
            let it = Date::from_ymd(year, month, day).unwrap();
            prop_assert_eq!(Date::parse(&it.to_string()).unwrap(), it);
        }
    }
}
