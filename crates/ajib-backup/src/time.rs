//! Formatting Unix time as RFC 3339 without a date-time dependency.

/// Formats seconds since the Unix epoch as `YYYY-MM-DDTHH:MM:SSZ`.
#[must_use]
pub fn rfc3339_utc(unix: u64) -> String {
    let (y, m, d, hh, mm, ss) = civil(unix);
    format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}Z")
}

/// Formats seconds since the Unix epoch as `YYYYMMDD-HHMMSS` (for file names).
#[must_use]
pub(crate) fn compact_utc(unix: u64) -> String {
    let (y, m, d, hh, mm, ss) = civil(unix);
    format!("{y:04}{m:02}{d:02}-{hh:02}{mm:02}{ss:02}")
}

/// Splits Unix seconds into (year, month, day, hour, minute, second) in UTC,
/// with the one calendar of `ajib_domain`.
fn civil(unix: u64) -> (i32, u8, u8, u64, u64, u64) {
    let unix = i64::try_from(unix).unwrap_or(i64::MAX);
    let date = ajib_domain::UnixTime(unix).date();
    let rem = unix.rem_euclid(ajib_domain::SECS_PER_DAY).unsigned_abs();
    (
        date.year(),
        date.month(),
        date.day(),
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
    )
}

#[cfg(test)]
mod tests {
    fn check(unix: u64, expected: &str) {
        assert_eq!(super::rfc3339_utc(unix), expected);
    }

    #[test]
    fn epoch() {
        check(0, "1970-01-01T00:00:00Z");
    }

    #[test]
    fn leap_day() {
        check(1_709_210_096, "2024-02-29T12:34:56Z");
    }

    #[test]
    fn end_of_year() {
        check(1_735_689_599, "2024-12-31T23:59:59Z");
    }
}
