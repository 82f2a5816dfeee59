//! Hostile Heleket webhook bodies: anything not signed with the key is refused with the error
//! that says why; a correctly signed body with odd contents decodes to exactly what it says, or
//! is refused as malformed; nothing panics.
//!
//! This stops at verification and parsing: what the bot does with a verified webhook (no order
//! changes without Heleket's confirmation) is tested through the whole app in `ajib-sandbox`.

use heleket::{PaymentStatus, WebhookError, sign, verify_webhook};
use proptest::{prelude::*, test_runner::TestCaseResult};
use serde_json::{Map, Value};

use crate::{check_hostile, support::KEY};

/// Amount literals: huge, negative, exponent, non-numeric.
const AMOUNTS: &[&str] = &[
    "\"5.00\"",
    "\"-5.00\"",
    "\"0\"",
    "\"1e400\"",
    "\"NaN\"",
    "\"Infinity\"",
    "\"\"",
    "\"99999999999999999999999999999999.99\"",
    "5",
    "-1",
    "1e308",
    "1.5e-300",
    "18446744073709551616",
    "123456789012345678901234567890",
    "null",
    "true",
    "[]",
    "{}",
];

const MEMBERS: &[&str] = &[
    "uuid",
    "order_id",
    "status",
    "payment_status",
    "amount",
    "currency",
    "payment_amount",
    "payer_currency",
    "network",
    "txid",
    "is_final",
    "additional_data",
    "type",
    "convert",
];

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "\\PC{0,16}",
        1 => prop::sample::select(vec![
            "paid", "PAID", "paid ", "paid\0", "paid_over", "Paid", "ﬁnal", "USD", "usd", "US",
            "USDT\u{200b}", "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", "ajib-1", "ajib-0",
            "ajib-99999999999999999999", "../ajib-1", "</script>", "\\/",
        ])
        .prop_map(str::to_owned),
        1 => (1..4_usize).prop_map(|n| "9".repeat(n * 10_000)),
    ]
}

fn member_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            // Nested objects never hold a `sign` member: Heleket signs only the top level.
            prop::collection::vec(("[a-z_]{1,8}", inner), 0..4).prop_map(|members| {
                Value::Object(members.into_iter().filter(|(k, _)| k != "sign").collect())
            }),
        ]
    })
}

/// A webhook-shaped object without `sign`: mostly with `uuid` and `status`, so signed cases
/// often decode, then known members with hostile values, and extras.
fn payload() -> impl Strategy<Value = Map<String, Value>> {
    let member = (
        prop_oneof![
            3 => prop::sample::select(MEMBERS).prop_map(str::to_owned),
            1 => "[a-z_]{1,10}",
        ],
        prop_oneof![3 => text().prop_map(Value::String), 2 => member_value()],
    );
    (
        prop::option::weighted(0.8, text()),
        prop::option::weighted(0.8, text()),
        prop::collection::vec(member, 0..10),
    )
        .prop_map(|(uuid, status, members)| {
            let mut map = Map::new();
            if let Some(uuid) = uuid {
                map.insert("uuid".to_owned(), Value::String(uuid));
            }
            if let Some(status) = status {
                map.insert("status".to_owned(), Value::String(status));
            }
            map.extend(members.into_iter().filter(|(k, _)| k != "sign"));
            map
        })
}

/// `body` (a JSON object's text) with `"sign":"<signature>"` as its last member.
fn with_sign(body: &str, signature: &str) -> String {
    let inner = body.strip_prefix('{').and_then(|it| it.strip_suffix('}'));
    match inner {
        Some("") => format!(r#"{{"sign":"{signature}"}}"#),
        Some(inner) => format!(r#"{{{inner},"sign":"{signature}"}}"#),
        None => body.to_owned(),
    }
}

/// Hex strings of every plausible length, and things that are not hex.
fn forged_sign() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9a-f]{32}",
        "[0-9A-F]{32}",
        "[0-9a-f]{0,40}",
        "\\PC{0,40}",
    ]
}

#[test]
fn hostile_random_bytes_are_refused() {
    check_hostile(
        "heleket/bytes",
        prop::collection::vec(any::<u8>(), 0..300),
        |body| {
            let verified = verify_webhook(&body, KEY);
            prop_assert!(verified.is_err(), "random bytes verified: {verified:?}");
            Ok(())
        },
    );
}

#[test]
fn hostile_unsigned_and_forged_bodies_are_refused_with_the_reason() {
    let sign_member = prop_oneof![
        3 => forged_sign().prop_map(|it| Some(Value::String(it))),
        1 => Just(None),
        1 => member_value().prop_map(Some),
    ];
    check_hostile(
        "heleket/forged",
        (payload(), sign_member),
        |(mut map, sign_member)| {
            if let Some(value) = &sign_member {
                map.insert("sign".to_owned(), value.clone());
            }
            let body = serde_json::to_vec(&Value::Object(map)).unwrap_or_default();
            let expected = match sign_member {
                Some(Value::String(_)) => WebhookError::BadSignature,
                _ => WebhookError::MissingSign,
            };
            let err = verify_webhook(&body, KEY).map(|it| it.uuid);
            prop_assert_eq!(err, Err(expected));
            Ok(())
        },
    );
}

/// Checks a correctly signed body: decoded exactly as written, or refused as malformed.
fn check_signed(map: &Map<String, Value>, body: &str) -> TestCaseResult {
    let signature = sign(body.as_bytes(), KEY);
    let signed = with_sign(body, &signature);
    let as_text = |key: &str| match map.get(key) {
        Some(Value::String(it)) => Some(it.clone()),
        Some(Value::Number(it)) => Some(it.to_string()),
        _ => None,
    };
    let status = as_text("status").or_else(|| as_text("payment_status"));
    match verify_webhook(signed.as_bytes(), KEY) {
        Ok(payment) => {
            prop_assert_eq!(Some(payment.uuid), as_text("uuid"));
            prop_assert_eq!(payment.order_id, as_text("order_id"));
            prop_assert_eq!(payment.amount, as_text("amount"));
            prop_assert_eq!(payment.currency, as_text("currency"));
            prop_assert!(!payment.raw.contains_key("sign"));
            // Only the exact spellings count as paid: `PAID`, `paid ` and the like do not.
            let status = status.unwrap_or_default();
            prop_assert_eq!(
                matches!(
                    payment.status,
                    PaymentStatus::Paid | PaymentStatus::PaidOver
                ),
                status == "paid" || status == "paid_over",
                "{:?} from {:?}",
                payment.status,
                status
            );
        }
        Err(WebhookError::Malformed { reason }) => {
            prop_assert!(
                as_text("uuid").is_none() || status.is_none(),
                "refused a signed body with uuid and status: {reason}"
            );
        }
        Err(other) => prop_assert!(false, "a correctly signed body was refused: {other}"),
    }
    // The same body under another key, or with the signature altered, is refused.
    prop_assert_eq!(
        verify_webhook(signed.as_bytes(), "another-key").map(|it| it.uuid),
        Err(WebhookError::BadSignature)
    );
    let altered = with_sign(body, &sign(format!("{body} ").as_bytes(), KEY));
    prop_assert_eq!(
        verify_webhook(altered.as_bytes(), KEY).map(|it| it.uuid),
        Err(WebhookError::BadSignature)
    );
    Ok(())
}

#[test]
fn hostile_signed_bodies_decode_as_written() {
    check_hostile("heleket/signed", payload(), |map| {
        let body = serde_json::to_string(&Value::Object(map.clone())).unwrap_or_default();
        check_signed(&map, &body)
    });
}

#[test]
fn hostile_amount_literals() {
    let strategy = (
        prop::sample::select(vec![
            "amount",
            "payment_amount",
            "is_final",
            "uuid",
            "status",
        ]),
        prop::sample::select(AMOUNTS),
    );
    check_hostile("heleket/amounts", strategy, |(member, literal)| {
        let mut base = Map::new();
        for (key, value) in [
            ("uuid", "u-1"),
            ("order_id", "ajib-7"),
            ("status", "paid"),
            ("amount", "5.00"),
            ("currency", "USD"),
        ] {
            base.insert(key.to_owned(), Value::from(value));
        }
        base.shift_remove(member);
        let base = serde_json::to_string(&Value::Object(base)).unwrap_or_default();
        // Written as text: some literals (1e400) have no JSON value to build them from.
        let body = format!("{},\"{member}\":{literal}}}", base.trim_end_matches('}'));
        match serde_json::from_str::<Value>(&body) {
            Ok(Value::Object(map)) => check_signed(&map, &body),
            // A literal JSON cannot hold (1e400) is refused before any signature check.
            _ => {
                let signed = with_sign(&body, &sign(body.as_bytes(), KEY));
                let verified = verify_webhook(signed.as_bytes(), KEY).map(|it| it.uuid);
                prop_assert!(
                    matches!(verified, Err(WebhookError::Malformed { .. })),
                    "{verified:?}"
                );
                Ok(())
            }
        }
    });
}
