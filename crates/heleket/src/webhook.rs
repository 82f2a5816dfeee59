//! Verifying and decoding the webhooks Heleket POSTs to `url_callback`.

use serde_json::{Map, Value};

use crate::{
    php_json,
    sign::{constant_time_eq, sign},
    status::PaymentStatus,
    wire::{boolean, text},
};

/// A payment webhook whose signature checked out.
///
/// A verified webhook is still only a hint: confirm the payment with
/// [`crate::Client::invoice_info`] before granting anything.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookPayment {
    /// Heleket's invoice id.
    pub uuid: String,
    /// The merchant's order id.
    pub order_id: Option<String>,
    /// The reported status.
    pub status: PaymentStatus,
    /// Amount asked, in `currency`.
    pub amount: Option<String>,
    /// Currency of `amount`.
    pub currency: Option<String>,
    /// Amount actually paid.
    pub payment_amount: Option<String>,
    /// Currency the payer paid in.
    pub payer_currency: Option<String>,
    /// Blockchain network.
    pub network: Option<String>,
    /// Transaction hash.
    pub txid: Option<String>,
    /// Whether the status is final (the `is_final` member, else [`PaymentStatus::is_final`]).
    pub is_final: bool,
    /// The `additional_data` given at creation.
    pub additional_data: Option<String>,
    /// Every member as received, `sign` removed.
    pub raw: Map<String, Value>,
}

/// Why a webhook was rejected; answer it with HTTP 401 and change nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// The body is not a JSON object, or lacks `uuid` or `status`.
    #[error("malformed heleket webhook: {reason}")]
    Malformed {
        /// What is wrong with it.
        reason: String,
    },
    /// The body has no string `sign` member.
    #[error("heleket webhook has no signature")]
    MissingSign,
    /// The signature does not match the body and key.
    #[error("heleket webhook signature does not match")]
    BadSignature,
}

/// Verifies a webhook's signature with `key` and decodes it.
///
/// `body` is the raw request body. The signature is checked over PHP's
/// `json_encode` of the body without `sign` (what Heleket signs), and, as a
/// fallback, over the raw body with the `"sign":".."` member cut out.
pub fn verify_webhook(body: &[u8], key: &str) -> Result<WebhookPayment, WebhookError> {
    let value: Value = serde_json::from_slice(body).map_err(|err| WebhookError::Malformed {
        reason: format!("not json: {err}"),
    })?;
    let Value::Object(mut map) = value else {
        return Err(WebhookError::Malformed {
            reason: "not a json object".to_owned(),
        });
    };
    // `shift_remove` keeps the other members in order, which the encoding needs.
    let received = match map.shift_remove("sign") {
        Some(Value::String(received)) => received.to_ascii_lowercase(),
        _ => return Err(WebhookError::MissingSign),
    };
    let map = Value::Object(map);
    let canonical = php_json::encode(&map);
    let mut valid = constant_time_eq(
        sign(canonical.as_bytes(), key).as_bytes(),
        received.as_bytes(),
    );
    if !valid && let Some(cut) = cut_sign_member(body) {
        valid = constant_time_eq(sign(&cut, key).as_bytes(), received.as_bytes());
    }
    if !valid {
        return Err(WebhookError::BadSignature);
    }
    let Value::Object(raw) = map else {
        return Err(WebhookError::Malformed {
            reason: "not a json object".to_owned(),
        });
    };
    WebhookPayment::from_map(raw)
}

impl WebhookPayment {
    fn from_map(raw: Map<String, Value>) -> Result<Self, WebhookError> {
        let Some(uuid) = text(&raw, "uuid") else {
            return Err(WebhookError::Malformed {
                reason: "no uuid".to_owned(),
            });
        };
        let Some(status) = text(&raw, "status").or_else(|| text(&raw, "payment_status")) else {
            return Err(WebhookError::Malformed {
                reason: "no status".to_owned(),
            });
        };
        let status = PaymentStatus::parse(&status);
        Ok(Self {
            uuid,
            order_id: text(&raw, "order_id"),
            amount: text(&raw, "amount"),
            currency: text(&raw, "currency"),
            payment_amount: text(&raw, "payment_amount"),
            payer_currency: text(&raw, "payer_currency"),
            network: text(&raw, "network"),
            txid: text(&raw, "txid"),
            is_final: boolean(&raw, "is_final").unwrap_or_else(|| status.is_final()),
            additional_data: text(&raw, "additional_data"),
            status,
            raw,
        })
    }
}

/// The raw body with its first `"sign": "<hex>"` member and one adjacent comma removed.
fn cut_sign_member(body: &[u8]) -> Option<Vec<u8>> {
    const NAME: &[u8] = b"\"sign\"";
    let mut from = 0;
    while let Some(offset) = find(&body[from..], NAME) {
        let start = from + offset;
        from = start + NAME.len();
        let Some(end) = member_value_end(body, from) else {
            continue;
        };
        let before = skip_ws_back(body, start);
        let after = skip_ws(body, end);
        let (cut_start, cut_end) = if before > 0 && body[before - 1] == b',' {
            (before - 1, end)
        } else if body.get(after) == Some(&b',') {
            (start, skip_ws(body, after + 1))
        } else {
            (start, end)
        };
        let mut res = body[..cut_start].to_vec();
        res.extend_from_slice(&body[cut_end..]);
        return Some(res);
    }
    None
}

/// After a member name ending at `pos`: `: "<no quotes or backslashes>"`; its end.
fn member_value_end(body: &[u8], pos: usize) -> Option<usize> {
    let pos = skip_ws(body, pos);
    if body.get(pos) != Some(&b':') {
        return None;
    }
    let pos = skip_ws(body, pos + 1);
    if body.get(pos) != Some(&b'"') {
        return None;
    }
    let len = body[pos + 1..]
        .iter()
        .position(|b| *b == b'"' || *b == b'\\')?;
    let close = pos + 1 + len;
    (body[close] == b'"').then_some(close + 1)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|it| it == needle)
}

fn skip_ws(body: &[u8], mut pos: usize) -> usize {
    while body.get(pos).is_some_and(u8::is_ascii_whitespace) {
        pos += 1;
    }
    pos
}

fn skip_ws_back(body: &[u8], mut pos: usize) -> usize {
    while pos > 0 && body[pos - 1].is_ascii_whitespace() {
        pos -= 1;
    }
    pos
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const KEY: &str = "test-payment-key";
    const SIGN: &str = "51c0acee4827e1488067ba2efb256d74";
    /// The spec's webhook object, PHP-encoded, without `sign`.
    const ENCODED: &str = r#"{"type":"payment","uuid":"62f88b36-a9d5-4fa6-aa26-e040c3dbf26d","order_id":"vpn-42-1717171717","amount":"5.00","payment_amount":"5.00","payment_amount_usd":"5.00","merchant_amount":"4.90","commission":"0.10","is_final":true,"status":"paid","from":null,"wallet_address_uuid":null,"network":"tron","currency":"USD","payer_currency":"USDT","additional_data":"план\/30 дней","convert":{"to_currency":"USDT","commission":null,"rate":"1.00000000","amount":"4.90000000"},"txid":"6f0d9c8374db57cac0d806251473de754f361c83a03cd805f74aa9da3193486b"}"#;

    /// `encoded` with `"sign":"<signature>"` appended as the last member.
    fn with_sign(encoded: &str, signature: &str) -> String {
        let body = encoded.strip_suffix('}').unwrap_or(encoded);
        format!(r#"{body},"sign":"{signature}"}}"#)
    }

    fn check(body: &str, key: &str, expected: Result<&str, WebhookError>) {
        let actual = verify_webhook(body.as_bytes(), key);
        match (actual, expected) {
            (Ok(payment), Ok(uuid)) => assert_eq!(payment.uuid, uuid),
            (Err(err), Err(expected)) => assert_eq!(err, expected),
            (actual, expected) => panic!("got {actual:?}, expected {expected:?} for {body}"),
        }
    }

    #[test]
    fn spec_vector_encoding_and_signature() {
        assert_eq!(sign(ENCODED.as_bytes(), KEY), SIGN);
        let value: Value = serde_json::from_str(ENCODED).unwrap_or_default();
        assert_eq!(php_json::encode(&value), ENCODED);
    }

    #[test]
    fn spec_vector_is_accepted() {
        check(
            &with_sign(ENCODED, SIGN),
            KEY,
            Ok("62f88b36-a9d5-4fa6-aa26-e040c3dbf26d"),
        );
    }

    #[test]
    fn spec_vector_fields() {
        let payment = match verify_webhook(with_sign(ENCODED, SIGN).as_bytes(), KEY) {
            Ok(it) => it,
            Err(err) => panic!("spec vector rejected: {err}"),
        };
        assert_eq!(payment.order_id.as_deref(), Some("vpn-42-1717171717"));
        assert_eq!(payment.status, PaymentStatus::Paid);
        assert_eq!(payment.amount.as_deref(), Some("5.00"));
        assert_eq!(payment.currency.as_deref(), Some("USD"));
        assert_eq!(payment.payment_amount.as_deref(), Some("5.00"));
        assert_eq!(payment.payer_currency.as_deref(), Some("USDT"));
        assert_eq!(payment.network.as_deref(), Some("tron"));
        assert_eq!(
            payment.txid.as_deref(),
            Some("6f0d9c8374db57cac0d806251473de754f361c83a03cd805f74aa9da3193486b")
        );
        assert!(payment.is_final);
        assert_eq!(payment.additional_data.as_deref(), Some("план/30 дней"));
        assert!(!payment.raw.contains_key("sign"));
        assert_eq!(payment.raw.len(), 18);
    }

    #[test]
    fn spec_vector_reencoded_by_another_encoder_is_accepted() {
        // Pretty-printed, slashes unescaped, non-ASCII escaped: same data.
        let value: Value = serde_json::from_str(&with_sign(ENCODED, SIGN)).unwrap_or_default();
        let pretty = serde_json::to_string_pretty(&value).unwrap_or_default();
        check(
            &pretty.replace('д', "\\u0434"),
            KEY,
            Ok("62f88b36-a9d5-4fa6-aa26-e040c3dbf26d"),
        );
    }

    #[test]
    fn spec_wrong_encodings_are_rejected() {
        let ascii_escaped = ENCODED
            .replace("план", r"\u043f\u043b\u0430\u043d")
            .replace("дней", r"\u0434\u043d\u0435\u0439");
        assert_eq!(
            sign(ascii_escaped.as_bytes(), KEY),
            "f88a29c40a1f0003eec6b865bb9e2013"
        );
        let unescaped_slash = ENCODED.replace(r"\/", "/");
        assert_eq!(
            sign(unescaped_slash.as_bytes(), KEY),
            "d2f9c858086c2de80ecb7cf6cbba2104"
        );
        for wrong in [
            "f88a29c40a1f0003eec6b865bb9e2013",
            "d2f9c858086c2de80ecb7cf6cbba2104",
        ] {
            check(
                &with_sign(ENCODED, wrong),
                KEY,
                Err(WebhookError::BadSignature),
            );
        }
    }

    #[test]
    fn wrong_key_is_rejected() {
        check(
            &with_sign(ENCODED, SIGN),
            "other-key",
            Err(WebhookError::BadSignature),
        );
    }

    #[test]
    fn missing_sign_is_rejected() {
        check(ENCODED, KEY, Err(WebhookError::MissingSign));
        check(
            &ENCODED.replacen('{', r#"{"sign":5,"#, 1),
            KEY,
            Err(WebhookError::MissingSign),
        );
    }

    #[test]
    fn malformed_is_rejected() {
        let err = verify_webhook(b"[1]", KEY).map(|it| it.uuid);
        assert_eq!(
            err,
            Err(WebhookError::Malformed {
                reason: "not a json object".to_owned()
            })
        );
        assert!(matches!(
            verify_webhook(b"{", KEY),
            Err(WebhookError::Malformed { .. })
        ));
    }

    #[test]
    fn uppercase_sign_is_accepted() {
        check(
            &with_sign(ENCODED, &SIGN.to_uppercase()),
            KEY,
            Ok("62f88b36-a9d5-4fa6-aa26-e040c3dbf26d"),
        );
    }

    #[test]
    fn raw_fallback_accepts_what_the_canonical_form_cannot() {
        // `{}` and `1.0` do not survive a decode/encode round trip, but a
        // signature over the raw bytes without `sign` still verifies.
        let raw = r#"{"uuid":"u","status":"paid","convert":{},"rate":1.0}"#;
        let signature = sign(raw.as_bytes(), KEY);
        check(&with_sign(raw, &signature), KEY, Ok("u"));
        let first = format!(
            r#"{{"sign" : "{signature}" , "uuid":"u","status":"paid","convert":{{}},"rate":1.0}}"#
        );
        check(&first, KEY, Ok("u"));
    }

    fn check_cut(body: &str, expected: Option<&str>) {
        let actual =
            cut_sign_member(body.as_bytes()).map(|it| String::from_utf8_lossy(&it).into_owned());
        assert_eq!(actual.as_deref(), expected);
    }

    #[test]
    fn cut_sign_member_positions() {
        check_cut(r#"{"a":1,"sign":"ab"}"#, Some(r#"{"a":1}"#));
        check_cut(r#"{"sign":"ab","a":1}"#, Some(r#"{"a":1}"#));
        check_cut(r#"{"sign":"ab"}"#, Some("{}"));
        check_cut(
            r#"{"a":"sign","sign":"ab","b":2}"#,
            Some(r#"{"a":"sign","b":2}"#),
        );
        check_cut(r#"{"a":1}"#, None);
        check_cut(r#"{"sign":5}"#, None);
    }

    proptest! {
        #[test]
        fn any_value_change_is_rejected(member in 0usize..18, replacement in prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            "[a-zA-Z0-9/ .]{0,12}".prop_map(Value::String),
            "\\PC{0,8}".prop_map(Value::String),
        ]) {
            let mut value: Value = serde_json::from_str(ENCODED).unwrap_or_default();
            let Some(map) = value.as_object_mut() else {
                return Err(TestCaseError::fail("vector is not an object"));
            };
            let Some(slot) = map.values_mut().nth(member) else {
                return Err(TestCaseError::fail("no such member"));
            };
            prop_assume!(*slot != replacement);
            *slot = replacement;
            let tampered = with_sign(&php_json::encode(&value), SIGN);
            prop_assert_eq!(verify_webhook(tampered.as_bytes(), KEY).map(|it| it.uuid), Err(WebhookError::BadSignature));
        }

        #[test]
        fn any_byte_change_is_rejected(idx in 0usize..ENCODED.len(), byte in any::<u8>()) {
            let mut body = with_sign(ENCODED, SIGN).into_bytes();
            prop_assume!(body[idx] != byte);
            body[idx] = byte;
            let verified = verify_webhook(&body, KEY);
            // A change that keeps the same data (e.g. `\/` → `/`) may verify, but
            // then the decoded data must equal the original's.
            if let Ok(payment) = verified {
                let original: Value = serde_json::from_str(ENCODED).unwrap_or_default();
                prop_assert_eq!(Value::Object(payment.raw), original);
            }
        }
    }
}
