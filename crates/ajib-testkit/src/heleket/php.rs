//! Heleket's signature and PHP-style JSON, written independently of the `heleket` crate.
//!
//! The fake deliberately does not reuse the client's code, so the client is
//! tested against a second implementation of the same spec.

use base64::Engine;
use md5::{Digest, Md5};
use serde_json::Value;

/// `md5_hex(base64(body) ++ key)`.
pub(crate) fn sign(body: &[u8], key: &str) -> String {
    let mut hasher = Md5::new();
    hasher.update(
        base64::engine::general_purpose::STANDARD
            .encode(body)
            .as_bytes(),
    );
    hasher.update(key.as_bytes());
    hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// PHP's `json_encode($value, JSON_UNESCAPED_UNICODE)` for the values the fake
/// sends: strings, booleans, null, integers, arrays and objects.
pub(crate) fn encode(value: &Value) -> String {
    match value {
        Value::String(text) => quote(text),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(encode).collect();
            format!("[{}]", items.join(","))
        }
        Value::Object(map) => {
            let members: Vec<String> = map
                .iter()
                .map(|(key, item)| format!("{}:{}", quote(key), encode(item)))
                .collect();
            format!("{{{}}}", members.join(","))
        }
        // Null, booleans and the integers the fake uses print the same in PHP.
        other => other.to_string(),
    }
}

/// Appends `"sign":"<signature>"` as the last member of an encoded object.
pub(crate) fn signed_webhook(object: &Value, key: &str) -> String {
    let encoded = encode(object);
    let signature = sign(encoded.as_bytes(), key);
    let open = encoded.strip_suffix('}').unwrap_or(&encoded);
    let separator = if open.ends_with('{') { "" } else { "," };
    format!("{open}{separator}\"sign\":\"{signature}\"}}")
}

fn quote(text: &str) -> String {
    let mut res = String::with_capacity(text.len() + 2);
    res.push('"');
    for c in text.chars() {
        match c {
            '"' => res.push_str("\\\""),
            '\\' => res.push_str("\\\\"),
            '/' => res.push_str("\\/"),
            '\n' => res.push_str("\\n"),
            '\r' => res.push_str("\\r"),
            '\t' => res.push_str("\\t"),
            '\u{8}' => res.push_str("\\b"),
            '\u{c}' => res.push_str("\\f"),
            '\u{2028}' | '\u{2029}' => res.push_str(&format!("\\u{:04x}", u32::from(c))),
            c if u32::from(c) < 0x20 => res.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => res.push(c),
        }
    }
    res.push('"');
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(key: &str, body: &str, expected: &str) {
        assert_eq!(sign(body.as_bytes(), key), expected);
    }

    #[test]
    fn spec_vectors() {
        check("super-secret-key", "", "378e56fc949159c7db57153df46c4978");
        check("super-secret-key", "{}", "05a905db1bd22431ef6b8e09ed09a316");
        check(
            "webhook-secret",
            r#"{"type":"payment","uuid":"u1","status":"paid","url":"https:\/\/pay.heleket.com\/pay\/abc"}"#,
            "bdf7e32a86759ab3fea2e56efa67d178",
        );
    }

    #[test]
    fn encodes_like_php() {
        let value = serde_json::json!({"a": "план/30\u{2028}\"", "b": [1, true, null], "c": {}});
        assert_eq!(
            encode(&value),
            "{\"a\":\"план\\/30\\u2028\\\"\",\"b\":[1,true,null],\"c\":{}}"
        );
    }

    #[test]
    fn sign_goes_last() {
        let value = serde_json::json!({"uuid": "u1"});
        let body = signed_webhook(&value, "k");
        let expected = format!(
            "{{\"uuid\":\"u1\",\"sign\":\"{}\"}}",
            sign(b"{\"uuid\":\"u1\"}", "k")
        );
        assert_eq!(body, expected);
    }
}
