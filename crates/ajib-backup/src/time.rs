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

/// Splits Unix seconds into (year, month, day, hour, minute, second) in UTC.
///
/// Howard Hinnant's `civil_from_days`, restricted to dates after 1970.
fn civil(unix: u64) -> (u64, u64, u64, u64, u64, u64) {
    let days = unix / 86_400;
    let rem = unix % 86_400;
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + u64::from(m <= 2);
    (y, m, d, rem / 3600, rem % 3600 / 60, rem % 60)
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
