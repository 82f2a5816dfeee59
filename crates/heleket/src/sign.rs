//! Heleket's request and webhook signature: `md5_hex(base64(body) ++ key)`.

use base64::Engine;
use md5::{Digest, Md5};

/// Signs `body` with `key` the way Heleket does: lowercase hex of
/// `md5(base64_standard(body) ++ key)`.
///
/// `body` must be the exact bytes sent or received; an empty body signs
/// as the key alone.
#[must_use]
pub fn sign(body: &[u8], key: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(body);
    let mut hasher = Md5::new();
    hasher.update(encoded.as_bytes());
    hasher.update(key.as_bytes());
    let digest = hasher.finalize();
    let mut res = String::with_capacity(32);
    for byte in digest.iter() {
        res.push(HEX[usize::from(byte >> 4)]);
        res.push(HEX[usize::from(byte & 0x0f)]);
    }
    res
}

const HEX: [char; 16] = [
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f',
];

/// Compares two byte strings in time that depends only on their lengths.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    diff == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(key: &str, body: &str, expected: &str) {
        assert_eq!(sign(body.as_bytes(), key), expected, "body {body:?}");
    }

    #[test]
    fn empty_body() {
        check("super-secret-key", "", "378e56fc949159c7db57153df46c4978");
    }

    #[test]
    fn empty_object() {
        check("super-secret-key", "{}", "05a905db1bd22431ef6b8e09ed09a316");
    }

    #[test]
    fn small_invoice() {
        check(
            "merchant-api-key-42",
            r#"{"amount":"15","currency":"USD","order_id":"1"}"#,
            "27241b4fe4019e6c19622ce88888603c",
        );
    }

    #[test]
    fn invoice_with_escaped_slashes() {
        check(
            "test-payment-key",
            r#"{"amount":"5.00","currency":"USD","order_id":"vpn-42-1717171717","url_callback":"https:\/\/bot.example.com\/heleket\/webhook","lifetime":3600}"#,
            "7dc0b7d15562e1d83374f2e6910cb35e",
        );
    }

    #[test]
    fn invoice_with_plain_slashes() {
        check(
            "test-payment-key",
            r#"{"amount":"5.00","currency":"USD","order_id":"vpn-42-1717171717","url_callback":"https://bot.example.com/heleket/webhook","lifetime":3600}"#,
            "1fd84acfa3c6715c273fe73d76b678cc",
        );
    }

    #[test]
    fn info_by_uuid() {
        check(
            "test-payment-key",
            r#"{"uuid":"70b8db5c-b952-406d-af26-4e1c34c27f15"}"#,
            "175ad25b7611c27acc6e4e632eb550dc",
        );
    }

    #[test]
    fn webhook_secret_vector() {
        check(
            "webhook-secret",
            r#"{"type":"payment","uuid":"u1","status":"paid","url":"https:\/\/pay.heleket.com\/pay\/abc"}"#,
            "bdf7e32a86759ab3fea2e56efa67d178",
        );
    }

    #[test]
    fn constant_time_eq_compares_bytes() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        assert!(constant_time_eq(b"", b""));
    }
}
