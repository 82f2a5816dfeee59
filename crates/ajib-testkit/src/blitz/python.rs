//! The few Python semantics the panel's scripts lean on, written out in Rust.
//!
//! Each function names the Python expression it stands for. They cover the
//! inputs the scripts can meet through the fake (ASCII text); Unicode digits
//! and whitespace, which Python also accepts, are not modelled.

/// `re.match(r"^[a-zA-Z0-9_]+$", text)`, the panel's username check.
///
/// Python's `$` also matches just before a final `\n`, so `"bob\n"` passes,
/// as it does in the panel (pydantic validator, `add_user.py`, `edit_user.py`).
#[must_use]
pub(crate) fn is_username(text: &str) -> bool {
    let word = |it: &str| {
        !it.is_empty()
            && it
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || byte == b'_')
    };
    word(text) || text.strip_suffix('\n').is_some_and(word)
}

/// `re.match(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", text)` from `add_user.py`,
/// with the same final-`\n` leniency as [`is_username`].
#[must_use]
pub(crate) fn is_date_shape(text: &str) -> bool {
    let shape = |it: &str| {
        let bytes = it.as_bytes();
        bytes.len() == 10
            && bytes.iter().enumerate().all(|(idx, byte)| match idx {
                4 | 7 => *byte == b'-',
                _ => byte.is_ascii_digit(),
            })
    };
    shape(text) || text.strip_suffix('\n').is_some_and(shape)
}

/// Whether `datetime.strptime(text, "%Y-%m-%d")` succeeds.
///
/// `%Y` is four digits, `%m` and `%d` one or two (`%d` also a space and a
/// digit), the whole text must be used, and the day must exist.
#[must_use]
pub(crate) fn strptime_ymd(text: &str) -> bool {
    let mut parts = text.splitn(3, '-');
    let (Some(year), Some(month), Some(day)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let digits = |it: &str| !it.is_empty() && it.bytes().all(|byte| byte.is_ascii_digit());
    let day = day
        .strip_prefix(' ')
        .filter(|it| it.len() == 1)
        .unwrap_or(day);
    if year.len() != 4 || !digits(year) || !(1..=2).contains(&month.len()) || !digits(month) {
        return false;
    }
    if !(1..=2).contains(&day.len()) || !digits(day) {
        return false;
    }
    let (Ok(year), Ok(month), Ok(day)) = (year.parse(), month.parse(), day.parse()) else {
        return false;
    };
    // `datetime` has no year 0.
    year >= 1 && days_in_month(year, month).is_some_and(|len| (1..=len).contains(&day))
}

/// `float(text)` for a `str`; `None` where Python raises `ValueError`.
#[must_use]
pub(crate) fn float(text: &str) -> Option<f64> {
    let text = text.trim();
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let special = ["inf", "infinity", "nan"]
        .iter()
        .any(|it| unsigned.eq_ignore_ascii_case(it));
    if special {
        return text.to_ascii_lowercase().parse().ok();
    }
    let plain = without_digit_underscores(text)?;
    let ok_chars = plain
        .bytes()
        .all(|byte| byte.is_ascii_digit() || b"+-.eE".contains(&byte));
    if !ok_chars || !plain.bytes().any(|byte| byte.is_ascii_digit()) {
        return None;
    }
    plain.parse().ok()
}

/// `int(text)` for a `str`; `None` where Python raises `ValueError`.
/// Values beyond `i128` (which Python would take) are `None` too.
#[must_use]
pub(crate) fn int(text: &str) -> Option<i128> {
    let plain = without_digit_underscores(text.trim())?;
    let unsigned = plain.strip_prefix(['+', '-']).unwrap_or(&plain);
    if unsigned.is_empty() || !unsigned.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    plain.parse().ok()
}

/// What `int(value)` does with a float.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum IntOfFloat {
    /// Truncated towards zero (still a float, as Python ints are unbounded).
    Int(f64),
    /// `ValueError: cannot convert float NaN to integer`.
    NaN,
    /// `OverflowError: cannot convert float infinity to integer`.
    Infinite,
}

/// `int(value)` for a float.
#[must_use]
pub(crate) fn int_of_float(value: f64) -> IntOfFloat {
    if value.is_nan() {
        IntOfFloat::NaN
    } else if value.is_infinite() {
        IntOfFloat::Infinite
    } else {
        IntOfFloat::Int(value.trunc())
    }
}

/// A whole number as MongoDB stores it: BSON has no ints wider than 8 bytes,
/// and pymongo raises `OverflowError("MongoDB can only handle up to 8-byte ints")`.
pub(crate) fn mongo_int(value: f64) -> Result<i64, &'static str> {
    // 2^63 as f64 is exact; anything at or past it does not fit.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    if (-LIMIT..LIMIT).contains(&value) {
        // In range and already truncated, so the cast is exact.
        Ok(value as i64)
    } else {
        Err("MongoDB can only handle up to 8-byte ints")
    }
}

/// `repr(text)` for a `str`, as it shows inside `str(list)`.
#[must_use]
pub(crate) fn repr(text: &str) -> String {
    let quote = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut res = String::from(quote);
    for ch in text.chars() {
        match ch {
            '\\' => res.push_str("\\\\"),
            '\n' => res.push_str("\\n"),
            '\r' => res.push_str("\\r"),
            '\t' => res.push_str("\\t"),
            _ if ch == quote => {
                res.push('\\');
                res.push(ch);
            }
            _ if u32::from(ch) < 0x20 || (0x7f..0xa0).contains(&u32::from(ch)) => {
                res.push_str(&format!("\\x{:02x}", u32::from(ch)));
            }
            _ => res.push(ch),
        }
    }
    res.push(quote);
    res
}

/// `str(list_of_str)`: `['python3', '/path', 'bob']`.
#[must_use]
pub(crate) fn list_repr(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|it| repr(it)).collect();
    format!("[{}]", items.join(", "))
}

/// Days in `month` of `year` (proleptic Gregorian), `None` for a month that is not one.
#[must_use]
pub(crate) fn days_in_month(year: i64, month: i64) -> Option<i64> {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        2 if leap => Some(29),
        2 => Some(28),
        4 | 6 | 9 | 11 => Some(30),
        1..=12 => Some(31),
        _ => None,
    }
}

/// Drops the `_` that Python allows between two digits of a number literal;
/// `None` for an underscore anywhere else.
fn without_digit_underscores(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut res = String::with_capacity(text.len());
    for (idx, &byte) in bytes.iter().enumerate() {
        if byte != b'_' {
            res.push(char::from(byte));
            continue;
        }
        let before = idx.checked_sub(1).map(|it| bytes[it]);
        let after = bytes.get(idx + 1).copied();
        let between_digits = before.is_some_and(|it| it.is_ascii_digit())
            && after.is_some_and(|it| it.is_ascii_digit());
        if !between_digits {
            return None;
        }
    }
    Some(res)
}

#[cfg(test)]
mod tests {
    use crate::blitz::python::{
        IntOfFloat, float, int, int_of_float, is_date_shape, is_username, list_repr, mongo_int,
        strptime_ymd,
    };

    #[test]
    fn username_pattern_is_re_match() {
        for good in ["bob", "Tg_1", "_", "bob\n"] {
            assert!(is_username(good), "{good:?}");
        }
        for bad in ["", "\n", "a b", "a-b", "bob\n\n", "é", "bob\r"] {
            assert!(!is_username(bad), "{bad:?}");
        }
    }

    #[test]
    fn dates() {
        assert!(is_date_shape("2026-11-30") && is_date_shape("2026-11-30\n"));
        assert!(!is_date_shape("2026-1-30") && !is_date_shape("30.11.2026"));
        for good in ["2026-11-30", "2024-02-29", "2026-1-5", "2026-01- 5"] {
            assert!(strptime_ymd(good), "{good:?}");
        }
        for bad in [
            "2026-02-29",
            "2026-13-01",
            "2026-11-30\n",
            "26-11-30",
            "2026-11-300",
            "0000-01-01",
        ] {
            assert!(!strptime_ymd(bad), "{bad:?}");
        }
    }

    #[test]
    fn numbers() {
        assert_eq!(float(" 1.5 "), Some(1.5));
        assert_eq!(float("1_0"), Some(10.0));
        assert_eq!(float("-2e3"), Some(-2000.0));
        assert!(float("nan").is_some_and(f64::is_nan));
        assert_eq!(float("-Infinity"), Some(f64::NEG_INFINITY));
        for bad in ["", "abc", "1__0", "_1", "1_", "0x10", "1,5"] {
            assert_eq!(float(bad), None, "{bad:?}");
        }
        assert_eq!(int(" +42 "), Some(42));
        assert_eq!(int("1_000"), Some(1000));
        for bad in ["", "1.0", "1e3", "-", "ten"] {
            assert_eq!(int(bad), None, "{bad:?}");
        }
        assert_eq!(int_of_float(-2.7), IntOfFloat::Int(-2.0));
        assert_eq!(int_of_float(f64::NAN), IntOfFloat::NaN);
        assert_eq!(int_of_float(f64::INFINITY), IntOfFloat::Infinite);
        assert_eq!(mongo_int(-1_073_741_824.0), Ok(-1_073_741_824));
        assert!(mongo_int(1e19).is_err());
    }

    #[test]
    fn reprs() {
        let argv = ["python3", "it's", "a\\b\n"].map(str::to_owned);
        assert_eq!(list_repr(&argv), r#"['python3', "it's", 'a\\b\n']"#);
        let both = [String::from("'\"")];
        assert_eq!(list_repr(&both), r#"['\'"']"#);
    }
}
