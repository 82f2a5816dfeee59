//! JSON encoding as PHP's `json_encode($data, JSON_UNESCAPED_UNICODE)` writes it.
//!
//! Heleket signs webhooks over that encoding, so verifying one means
//! reproducing it byte for byte: compact output, non-ASCII left as raw
//! UTF-8, `/` escaped as `\/`, U+2028 and U+2029 escaped, control characters
//! as lowercase `\u00XX`, and numbers printed the way PHP prints the values
//! `json_decode` gives (integers that fit in 64 bits as integers, everything
//! else as a double in the shortest form that round-trips, `1.0e+25` style
//! exponents, and no `.0` on integral doubles).
//!
//! Objects stay objects: this is `json_decode($body)` (not `..., true`)
//! followed by `json_encode`, which is what Heleket's own payloads round-trip
//! through, as they never contain an empty object or a list-like object.

use std::fmt::Write;

use serde_json::{Number, Value};

/// Encodes `value` as PHP's `json_encode($value, JSON_UNESCAPED_UNICODE)`.
#[must_use]
pub(crate) fn encode(value: &Value) -> String {
    let mut res = String::new();
    write_value(&mut res, value);
    res
}

fn write_value(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(number) => write_number(out, number),
        Value::String(text) => write_string(out, text),
        Value::Array(items) => {
            out.push('[');
            for (idx, item) in items.iter().enumerate() {
                if idx > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (idx, (key, item)) in map.iter().enumerate() {
                if idx > 0 {
                    out.push(',');
                }
                write_string(out, key);
                out.push(':');
                write_value(out, item);
            }
            out.push('}');
        }
    }
}

fn write_string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '/' => out.push_str("\\/"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn write_number(out: &mut String, number: &Number) {
    if let Some(int) = number.as_i64() {
        let _ = write!(out, "{int}");
        return;
    }
    // A u64 above i64::MAX overflows PHP's int, so PHP holds it as a double;
    // `as` rounds to nearest, as PHP's strtod of the same digits does.
    let double = match number.as_u64() {
        Some(big) => big as f64,
        None => number.as_f64().unwrap_or(0.0),
    };
    write_double(out, double);
}

/// Writes `double` as PHP's `php_gcvt(d, 17, '.', 'e')` in mode 0
/// (`serialize_precision = -1`) does.
fn write_double(out: &mut String, double: f64) {
    // `{:e}` gives the shortest round-trip digits, as mode 0 of zend_dtoa.
    let scientific = format!("{:e}", double.abs());
    let (mantissa, exponent) = scientific
        .split_once('e')
        .unwrap_or((scientific.as_str(), "0"));
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let exponent: i64 = exponent.parse().unwrap_or(0);
    // zend_dtoa's decpt: the value is 0.DIGITS × 10^decpt.
    let decpt = exponent + 1;

    if double.is_sign_negative() {
        out.push('-');
    }
    if !(-3..=17).contains(&decpt) {
        let mut chars = digits.chars();
        out.extend(chars.next());
        out.push('.');
        let rest = chars.as_str();
        out.push_str(if rest.is_empty() { "0" } else { rest });
        let _ = write!(
            out,
            "e{}{}",
            if exponent < 0 { '-' } else { '+' },
            exponent.abs()
        );
    } else if decpt < 0 {
        out.push_str("0.");
        for _ in decpt..0 {
            out.push('0');
        }
        out.push_str(&digits);
    } else {
        let decpt = decpt.unsigned_abs() as usize;
        let (int_part, frac_part) = digits.split_at(decpt.min(digits.len()));
        out.push_str(int_part);
        for _ in int_part.len()..decpt {
            out.push('0');
        }
        if !frac_part.is_empty() {
            if decpt == 0 {
                out.push('0');
            }
            out.push('.');
            out.push_str(frac_part);
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::Value;

    use super::*;

    fn check(json: &str, expected: &str) {
        let value: Value = match serde_json::from_str(json) {
            Ok(it) => it,
            Err(err) => panic!("bad test json {json:?}: {err}"),
        };
        assert_eq!(encode(&value), expected, "encoding {json}");
    }

    #[test]
    fn compact_and_ordered() {
        check(
            r#"{ "b" : 1 , "a" : [ true , false , null ] }"#,
            r#"{"b":1,"a":[true,false,null]}"#,
        );
    }

    #[test]
    fn slash_is_escaped() {
        check(r#""https://x.y/z""#, r#""https:\/\/x.y\/z""#);
    }

    #[test]
    fn unicode_stays_raw() {
        check(r#""план \u0434 😀""#, "\"план д 😀\"");
    }

    #[test]
    fn line_separators_are_escaped() {
        check(r#""a\u2028b\u2029c""#, r#""a\u2028b\u2029c""#);
    }

    #[test]
    fn control_characters() {
        check(
            r#""q\"b\\s\b\f\n\r\t\u0001\u001f\u007f""#,
            "\"q\\\"b\\\\s\\b\\f\\n\\r\\t\\u0001\\u001f\u{7f}\"",
        );
    }

    #[test]
    fn integers() {
        // FIXME: PHP decodes `-0` as the integer 0 and prints `0`; serde_json
        // parses it as the double -0.0, indistinguishable from `-0.0`.
        check(
            "[0,-0,42,-7,9223372036854775807,-9223372036854775808]",
            "[0,-0,42,-7,9223372036854775807,-9223372036854775808]",
        );
    }

    #[test]
    fn integers_beyond_i64_become_doubles() {
        check(
            "[9223372036854775808,18446744073709551615]",
            "[9.223372036854776e+18,1.8446744073709552e+19]",
        );
    }

    #[test]
    fn doubles() {
        check(
            "[1.0,-1.5,0.1,100.25,0.0001,0.00001,1e16,1e17,1e25,1.5e-7,-0.0,3.3333333333333335,123456789012345678]",
            "[1,-1.5,0.1,100.25,0.0001,1.0e-5,10000000000000000,1.0e+17,1.0e+25,1.5e-7,-0,3.3333333333333335,123456789012345678]",
        );
    }

    fn arb_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>()
                .prop_filter("finite", |it| it.is_finite())
                .prop_map(Value::from),
            arb_string().prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::vec((arb_string(), inner), 0..6)
                    .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
            ]
        })
    }

    fn arb_string() -> impl Strategy<Value = String> {
        let special = prop_oneof![
            Just('/'),
            Just('\\'),
            Just('"'),
            Just('\u{2028}'),
            Just('\u{2029}'),
            Just('😀'),
            Just('д'),
            Just('\n'),
            Just('\u{1}'),
            Just('\u{7f}'),
        ];
        prop::collection::vec(prop_oneof![special, any::<char>()], 0..12)
            .prop_map(|chars| chars.into_iter().collect())
    }

    /// Equality up to PHP's number model: integral doubles print as integers,
    /// and big integers as doubles, so numbers compare by their double value.
    fn same(a: &Value, b: &Value) -> bool {
        match (a, b) {
            (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
                (Some(x), Some(y)) => x == y,
                _ => x.as_f64() == y.as_f64(),
            },
            (Value::Array(x), Value::Array(y)) => {
                x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
            }
            (Value::Object(x), Value::Object(y)) => {
                x.len() == y.len()
                    && x.iter()
                        .zip(y)
                        .all(|((kx, vx), (ky, vy))| kx == ky && same(vx, vy))
            }
            _ => a == b,
        }
    }

    proptest! {
        #[test]
        fn encoding_round_trips(value in arb_json()) {
            let encoded = encode(&value);
            let parsed: Value = serde_json::from_str(&encoded)
                .map_err(|err| TestCaseError::fail(format!("{encoded}: {err}")))?;
            prop_assert!(same(&value, &parsed), "{value} encoded as {encoded} parsed as {parsed}");
            prop_assert!(!encoded.contains('/') || encoded.matches('/').count() == encoded.matches("\\/").count());
            prop_assert!(!encoded.contains(['\u{2028}', '\u{2029}']), "raw line separator in {}", encoded);
        }
    }
}
