//! Calendar dates without a date crate: the panel only speaks `YYYY-MM-DD`.

use std::{fmt, str::FromStr};

/// A proleptic Gregorian calendar date between years 0 and 9999.
///
/// The panel's `account_creation_date` is one of these, and an expiry is
/// computed as that date plus `expiration_days`.
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
    /// Builds a date, or `None` if it does not exist (e.g. February 30) or
    /// the year is outside 0..=9999.
    #[must_use]
    pub fn from_ymd(year: i32, month: u8, day: u8) -> Option<Self> {
        if !(0..=9999).contains(&year) || !(1..=12).contains(&month) {
            return None;
        }
        if day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Self { year, month, day })
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

    /// Days since 1970-01-01 (negative before it).
    #[must_use]
    pub fn days_since_epoch(self) -> i64 {
        days_from_civil(self.year, self.month, self.day)
    }

    /// The date `days` days after 1970-01-01, or `None` outside years 0..=9999.
    #[must_use]
    pub fn from_days_since_epoch(days: i64) -> Option<Self> {
        // Bound the input so the arithmetic below cannot overflow.
        if !(-800_000..=3_000_000).contains(&days) {
            return None;
        }
        let (year, month, day) = civil_from_days(days);
        Self::from_ymd(year, month, day)
    }

    /// The date `days` days later (earlier if negative), or `None` if that
    /// leaves years 0..=9999.
    #[must_use]
    pub fn checked_add_days(self, days: i64) -> Option<Self> {
        let target = self.days_since_epoch().checked_add(days)?;
        Self::from_days_since_epoch(target)
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

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Howard Hinnant's `days_from_civil`: days since 1970-01-01.
fn days_from_civil(year: i32, month: u8, day: u8) -> i64 {
    let (month, day) = (i64::from(month), i64::from(day));
    let year = i64::from(year) - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// Howard Hinnant's `civil_from_days`, the inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i32, u8, u8) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    // The caller bounds `days`, so these fit.
    (year as i32, month as u8, day as u8)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use crate::date::Date;

    fn date(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    fn check_add(start: &str, days: i64, expected: &str) {
        assert_eq!(
            date(start).checked_add_days(days).unwrap().to_string(),
            expected
        );
    }

    #[test]
    fn epoch_and_known_days() {
        assert_eq!(date("1970-01-01").days_since_epoch(), 0);
        assert_eq!(date("2000-03-01").days_since_epoch(), 11_017);
        assert_eq!(date("1969-12-31").days_since_epoch(), -1);
        assert_eq!(
            Date::from_days_since_epoch(20_000).unwrap().to_string(),
            "2024-10-04"
        );
    }

    #[test]
    fn adding_days() {
        check_add("2026-11-20", 30, "2026-12-20");
        check_add("2026-12-20", 30, "2027-01-19");
        check_add("2024-02-28", 1, "2024-02-29");
        check_add("2023-02-28", 1, "2023-03-01");
        check_add("2100-02-28", 1, "2100-03-01");
        check_add("2000-02-28", 1, "2000-02-29");
        check_add("2026-03-01", -1, "2026-02-28");
        check_add("2026-01-01", 365, "2027-01-01");
        assert_eq!(date("9999-12-31").checked_add_days(1), None);
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
            "2026-02-29",
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
        fn days_round_trip(days in -719_528i64..=2_932_896) {
            let it = Date::from_days_since_epoch(days).unwrap();
            prop_assert_eq!(it.days_since_epoch(), days);
            prop_assert_eq!(Date::parse(&it.to_string()).unwrap(), it);
        }

        #[test]
        fn next_day_is_one_later(days in -719_528i64..2_932_896) {
            let it = Date::from_days_since_epoch(days).unwrap();
            let next = it.checked_add_days(1).unwrap();
            prop_assert!(next > it);
            prop_assert_eq!(next.days_since_epoch() - it.days_since_epoch(), 1);
        }
    }
}
