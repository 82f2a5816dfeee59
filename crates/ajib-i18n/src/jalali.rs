//! Gregorian to Jalali (Solar Hijri) date conversion.
//!
//! The leap years follow Borkowski's break table (as in jalaali-js), which
//! matches the astronomical calendar for Jalali years -61 to 3177; outside
//! that range the last 33-year pattern is simply continued.

/// Jalali years where the 33-year leap cycle restarts.
const BREAKS: [i64; 20] = [
    -61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210, 1635, 2060, 2097, 2192, 2262, 2324,
    2394, 2456, 3178,
];

/// Converts a Gregorian date to the Jalali `(year, month, day)`.
///
/// A month outside 1..=12 is clamped; a day past the month's end rolls over
/// into the next month (2026-02-31 is 2026-03-03).
#[must_use]
pub fn gregorian_to_jalali(y: i32, m: u32, d: u32) -> (i32, u32, u32) {
    let (jy, jm, jd) = jalali_from_days(days_from_civil(y.into(), m.clamp(1, 12), d));
    (saturate_i32(jy), jm, jd)
}

/// Days since 1970-01-01 of a proleptic Gregorian date, from `ajib_domain`'s
/// calendar; a day past the month's end rolls over into the next month.
pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let year = i32::try_from(y).unwrap_or(if y < 0 { i32::MIN } else { i32::MAX });
    let month = u8::try_from(m.clamp(1, 12)).unwrap_or(1);
    let first = match ajib_domain::Date::new(year, month, 1) {
        Ok(first) => first.to_days(),
        // Unreachable: the first of a month 1..=12 always exists.
        Err(_) => 0,
    };
    first + i64::from(d) - 1
}

/// The Gregorian year containing a day counted from 1970-01-01.
fn gregorian_year_of(days: i64) -> i64 {
    i64::from(ajib_domain::Date::from_days(days).year())
}

/// The Jalali date of a day counted from 1970-01-01.
fn jalali_from_days(days: i64) -> (i64, u32, u32) {
    let gy = gregorian_year_of(days);
    let mut jy = gy - 621;
    let year = jalali_year(jy);
    let nowruz = days_from_civil(gy, 3, year.march_day);
    let mut k = days - nowruz;
    if k >= 0 {
        if k <= 185 {
            return (jy, month(1 + k / 31), month(k % 31 + 1));
        }
        k -= 186;
    } else {
        jy -= 1;
        k += 179;
        if year.years_since_leap == 1 {
            k += 1;
        }
    }
    (jy, month(7 + k / 30), month(k % 30 + 1))
}

/// Facts about one Jalali year.
struct JalaliYear {
    /// Years since the last leap year; 0 means this year is leap.
    years_since_leap: i64,
    /// The day of March (of `jy + 621`) on which the year begins.
    march_day: u32,
}

/// Computes leap status and Nowruz of Jalali year `jy` (jalaali-js `jalCal`).
fn jalali_year(jy: i64) -> JalaliYear {
    let gy = jy + 621;
    let mut leap_j = -14;
    let mut jp = BREAKS[0];
    let mut jump = 0;
    for &jm in &BREAKS[1..] {
        jump = jm - jp;
        if jy < jm {
            break;
        }
        leap_j += jump / 33 * 8 + jump % 33 / 4;
        jp = jm;
    }
    let mut n = jy - jp;
    leap_j += n / 33 * 8 + (n % 33 + 3) / 4;
    if jump % 33 == 4 && jump - n == 4 {
        leap_j += 1;
    }
    let leap_g = gy / 4 - (gy / 100 + 1) * 3 / 4 - 150;
    let march_day = u32::try_from(20 + leap_j - leap_g).unwrap_or(20);
    if jump - n < 6 {
        n = n - jump + (jump + 4) / 33 * 33;
    }
    let mut years_since_leap = ((n + 1) % 33 - 1) % 4;
    if years_since_leap == -1 {
        years_since_leap = 4;
    }
    JalaliYear {
        years_since_leap,
        march_day,
    }
}

/// A month or day number known to be small and positive.
fn month(value: i64) -> u32 {
    u32::try_from(value).unwrap_or(1)
}

fn saturate_i32(value: i64) -> i32 {
    i32::try_from(value).unwrap_or(if value < 0 { i32::MIN } else { i32::MAX })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use crate::jalali::{days_from_civil, gregorian_to_jalali, jalali_from_days};

    fn check(gregorian: (i32, u32, u32), jalali: (i32, u32, u32)) {
        let (y, m, d) = gregorian;
        assert_eq!(gregorian_to_jalali(y, m, d), jalali, "{y}-{m}-{d}");
    }

    /// Whether `next` is the Jalali day after `prev`.
    fn is_next_day(prev: (i64, u32, u32), next: (i64, u32, u32)) -> bool {
        let (py, pm, pd) = prev;
        let month_len_ok = match pm {
            1..=6 => pd == 31,
            7..=11 => pd == 30,
            _ => pd == 29 || pd == 30,
        };
        next == (py, pm, pd + 1)
            || (month_len_ok && pm < 12 && next == (py, pm + 1, 1))
            || (month_len_ok && pm == 12 && next == (py + 1, 1, 1))
    }

    fn check_consecutive(days: i64) {
        let prev = jalali_from_days(days);
        let next = jalali_from_days(days + 1);
        assert!(
            is_next_day(prev, next),
            "day {days}: {prev:?} then {next:?}"
        );
    }

    #[test]
    fn known_dates() {
        check((2024, 3, 20), (1403, 1, 1));
        check((2024, 3, 19), (1402, 12, 29));
        check((2025, 3, 20), (1403, 12, 30));
        check((2025, 3, 21), (1404, 1, 1));
        check((2026, 11, 27), (1405, 9, 6));
        check((1979, 2, 11), (1357, 11, 22));
        check((2000, 1, 1), (1378, 10, 11));
        check((1970, 1, 1), (1348, 10, 11));
        check((2016, 2, 29), (1394, 12, 10));
        check((2023, 9, 22), (1402, 6, 31));
        check((2023, 9, 23), (1402, 7, 1));
        check((2026, 2, 31), (1404, 12, 12));
    }

    #[test]
    fn out_of_range_input_does_not_panic() {
        let _ = gregorian_to_jalali(i32::MIN, 0, 0);
        let _ = gregorian_to_jalali(i32::MAX, 99, u32::MAX);
        let _ = gregorian_to_jalali(-5000, 13, 40);
    }

    #[test]
    fn every_day_of_two_centuries_follows_the_previous() {
        for days in days_from_civil(1925, 1, 1)..days_from_civil(2125, 1, 1) {
            check_consecutive(days);
        }
    }

    proptest! {
        #[test]
        fn consecutive_days_map_to_consecutive_jalali_days(
            days in days_from_civil(700, 1, 1)..days_from_civil(3700, 1, 1)
        ) {
            check_consecutive(days);
        }
    }
}
