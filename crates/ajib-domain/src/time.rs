//! Unix timestamps and proleptic Gregorian civil dates (UTC), without a clock.

use std::fmt;

/// Seconds in one day.
pub const SECS_PER_DAY: i64 = 86_400;

/// A point in time: seconds since 1970-01-01T00:00:00Z.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnixTime(pub i64);

/// A valid civil date (UTC), e.g. 2025-03-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    y: i32,
    m: u8,
    d: u8,
}

/// Why a date could not be built or parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// The text is not of the form `YYYY-MM-DD`.
    #[error("expected a date as YYYY-MM-DD, got {text:?}")]
    Format {
        /// The rejected text.
        text: String,
    },
    /// The month is not in 1..=12.
    #[error("month {m} is not in 1..=12")]
    Month {
        /// The rejected month.
        m: u8,
    },
    /// The day does not exist in that month.
    #[error("day {d} does not exist in {y:04}-{m:02}")]
    Day {
        /// The year.
        y: i32,
        /// The month.
        m: u8,
        /// The rejected day.
        d: u8,
    },
}

impl UnixTime {
    /// The civil date (UTC) this instant falls on.
    #[must_use]
    pub fn date(self) -> Date {
        Date::from_days(self.0.div_euclid(SECS_PER_DAY))
    }

    /// Midnight UTC at the start of `date`.
    #[must_use]
    pub fn from_date(date: Date) -> Self {
        Self(date.to_days() * SECS_PER_DAY)
    }

    /// This instant moved by `days` whole days (negative moves back), saturating.
    #[must_use]
    pub fn plus_days(self, days: i64) -> Self {
        Self(self.0.saturating_add(days.saturating_mul(SECS_PER_DAY)))
    }

    /// This instant moved by `secs` seconds (negative moves back), saturating.
    #[must_use]
    pub fn plus_secs(self, secs: i64) -> Self {
        Self(self.0.saturating_add(secs))
    }
}

impl fmt::Display for UnixTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.0.rem_euclid(SECS_PER_DAY);
        write!(
            f,
            "{} {:02}:{:02}:{:02} UTC",
            self.date(),
            secs / 3600,
            secs % 3600 / 60,
            secs % 60
        )
    }
}

impl Date {
    /// Builds a date, checking that the month and day exist.
    pub fn new(y: i32, m: u8, d: u8) -> Result<Self, DateError> {
        if !(1..=12).contains(&m) {
            return Err(DateError::Month { m });
        }
        if d == 0 || d > days_in_month(y, m) {
            return Err(DateError::Day { y, m, d });
        }
        Ok(Self { y, m, d })
    }

    /// The year, e.g. 2025.
    #[must_use]
    pub fn year(self) -> i32 {
        self.y
    }

    /// The month, 1..=12.
    #[must_use]
    pub fn month(self) -> u8 {
        self.m
    }

    /// The day of the month, 1..=31.
    #[must_use]
    pub fn day(self) -> u8 {
        self.d
    }

    /// Days since 1970-01-01 (negative before it).
    #[must_use]
    pub fn to_days(self) -> i64 {
        // Howard Hinnant's days_from_civil, on eras of 400 years (146097 days).
        let y = i64::from(self.y) - i64::from(self.m <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.m);
        let mp = if m > 2 { m - 3 } else { m + 9 };
        let doy = (153 * mp + 2) / 5 + i64::from(self.d) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` days after 1970-01-01 (before it when negative).
    ///
    /// Years beyond the `i32` range saturate; no timestamp this bot handles comes near.
    #[must_use]
    pub fn from_days(days: i64) -> Self {
        // Howard Hinnant's civil_from_days.
        let z = days.saturating_add(719_468);
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe + era * 400 + i64::from(m <= 2);
        Self {
            y: i32::try_from(y).unwrap_or(if y < 0 { i32::MIN } else { i32::MAX }),
            // Both are in range by construction: 1..=12 and 1..=31.
            m: u8::try_from(m).unwrap_or(1),
            d: u8::try_from(d).unwrap_or(1),
        }
    }

    /// The date `days` days later (earlier when negative).
    #[must_use]
    pub fn add_days(self, days: i64) -> Self {
        Self::from_days(self.to_days().saturating_add(days))
    }

    /// Parses exactly `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Result<Self, DateError> {
        let format_error = || DateError::Format {
            text: text.to_owned(),
        };
        let bytes = text.as_bytes();
        let shape_ok = bytes.len() == 10
            && bytes[4] == b'-'
            && bytes[7] == b'-'
            && bytes
                .iter()
                .enumerate()
                .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
        if !shape_ok {
            return Err(format_error());
        }
        let y = text[0..4].parse::<i32>().map_err(|_| format_error())?;
        let m = text[5..7].parse::<u8>().map_err(|_| format_error())?;
        let d = text[8..10].parse::<u8>().map_err(|_| format_error())?;
        Self::new(y, m, d)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.y, self.m, self.d)
    }
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i32, m: u8) -> u8 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn check_days(date: &str, days: i64) {
        let parsed = Date::parse(date).map_err(|e| e.to_string());
        assert_eq!(parsed.map(Date::to_days), Ok(days), "{date}");
        assert_eq!(Date::from_days(days).to_string(), date);
    }

    fn check_parse_error(text: &str, expected: &str) {
        let res = Date::parse(text).map_err(|e| e.to_string());
        assert_eq!(res, Err(expected.to_owned()), "{text}");
    }

    #[test]
    fn known_dates() {
        check_days("1970-01-01", 0);
        check_days("1970-01-02", 1);
        check_days("1969-12-31", -1);
        check_days("2000-01-01", 10_957);
        check_days("2000-02-29", 11_016);
        check_days("2000-03-01", 11_017);
        check_days("1900-03-01", -25_508);
        check_days("2024-02-29", 19_782);
        check_days("2025-03-01", 20_148);
        check_days("2038-01-19", 24_855);
        check_days("0000-03-01", -719_468);
    }

    #[test]
    fn unix_time_to_date() {
        // 2009-02-13T23:31:30Z is the famous 1234567890.
        assert_eq!(UnixTime(1_234_567_890).date().to_string(), "2009-02-13");
        assert_eq!(
            UnixTime(1_234_567_890).to_string(),
            "2009-02-13 23:31:30 UTC"
        );
        assert_eq!(UnixTime(-1).date().to_string(), "1969-12-31");
        let date = Date::parse("2025-03-01").map_err(|e| e.to_string());
        assert_eq!(date.map(|d| UnixTime::from_date(d).0), Ok(1_740_787_200));
    }

    #[test]
    fn add_days_crosses_months_and_leap_days() {
        let check = |from: &str, days: i64, to: &str| {
            let date = Date::parse(from).map_err(|e| e.to_string());
            assert_eq!(
                date.map(|d| d.add_days(days).to_string()),
                Ok(to.to_owned())
            );
        };
        check("2024-02-28", 1, "2024-02-29");
        check("2023-02-28", 1, "2023-03-01");
        check("2024-12-31", 1, "2025-01-01");
        check("2025-03-01", -1, "2025-02-28");
        check("2025-03-10", 30, "2025-04-09");
    }

    #[test]
    fn parse_errors_are_precise() {
        check_parse_error(
            "2025-3-01",
            "expected a date as YYYY-MM-DD, got \"2025-3-01\"",
        );
        check_parse_error("", "expected a date as YYYY-MM-DD, got \"\"");
        check_parse_error(
            "2025/03/01",
            "expected a date as YYYY-MM-DD, got \"2025/03/01\"",
        );
        check_parse_error("2025-13-01", "month 13 is not in 1..=12");
        check_parse_error("2025-00-01", "month 0 is not in 1..=12");
        check_parse_error("2023-02-29", "day 29 does not exist in 2023-02");
        check_parse_error("2100-02-29", "day 29 does not exist in 2100-02");
        check_parse_error("2025-04-31", "day 31 does not exist in 2025-04");
        check_parse_error("2025-04-00", "day 0 does not exist in 2025-04");
    }

    proptest! {
        #[test]
        fn days_round_trip(days in -1_000_000i64..3_000_000) {
            let date = Date::from_days(days);
            prop_assert_eq!(date.to_days(), days);
            prop_assert!(Date::new(date.year(), date.month(), date.day()).is_ok());
            prop_assert_eq!(date.add_days(1).to_days(), days + 1);
        }
    }
}
