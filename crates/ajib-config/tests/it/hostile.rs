//! Hostile configuration values: every known variable given random and near-valid text is
//! accepted or refused with a problem naming it, never a panic, and a secret is never echoed.

use std::collections::BTreeMap;

use ajib_config::{VARS, check_var, from_values, is_secret};
use proptest::prelude::*;

use crate::check_hostile;

/// A configuration every check accepts, with each service configured.
const FULL: &[(&str, &str)] = &[
    ("TELEGRAM_BOT_TOKEN", "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
    ("TELEGRAM_ADMIN_IDS", "11,22"),
    ("BLITZ_API_BASE", "https://panel.example.com/x/api/v1/"),
    ("BLITZ_API_KEY", "blitz-key"),
    ("HELEKET_MERCHANT_ID", "merchant-uuid"),
    ("HELEKET_API_KEY", "heleket-key"),
    ("PUBLIC_URL", "https://bot.example.com/"),
    ("CARD_NUMBER", "6037 9911 2233 4455"),
    ("CARD_HOLDER", "Card Holder"),
    ("CARD_CURRENCY", "IRT"),
    ("CARD_RATE", "95000"),
];

/// Variables whose absence turns off a whole section, so the section's other values are not read
/// (a bad `TELEGRAM_UPDATE_MODE` without a token is not reported; the section is off anyway).
const GATES: &[&str] = &[
    "TELEGRAM_BOT_TOKEN",
    "BLITZ_API_BASE",
    "BLITZ_API_KEY",
    "HELEKET_MERCHANT_ID",
    "HELEKET_API_KEY",
    "CARD_NUMBER",
];

fn name() -> impl Strategy<Value = String> {
    let known: Vec<&str> = VARS.iter().map(|it| it.name).collect();
    prop_oneof![
        6 => prop::sample::select(known).prop_map(str::to_owned),
        1 => "CLIENT_DL_URL_[A-Z0-9_]{1,8}",
        1 => prop::sample::select(vec!["CLIENT_DL_URL_", "CLIENT_DL_URL_ios", "client_dl_url_IOS"])
            .prop_map(str::to_owned),
    ]
}

/// Random text, and values at the edge of every kind's check.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "\\PC{0,24}",
        2 => ".{0,24}",
        3 => prop::sample::select(vec![
            "", " ", "\t\n", "0", "-1", "+5", " 5 ", "٥", "1e3", "4294967295", "4294967296",
            "9223372036854775807", "9223372036854775808", "1,,2", ",", "1, -2", "0", "TRUE",
            "yes ", "2", "EN", "fa ", "fa", "usd", "USDT", "ÜSD", "US", "polling ", "WEBHOOK",
            "http://", "https:// x", "https:///x", "HTTPS://x", "javascript:alert(1)",
            "https://x\u{0}", "[::1]:80", "1.2.3.4:99999", "localhost:80", "0.0.0.0:0",
            "123:abc", ":aaaaaaaaaaaa", "1:aaaaaaaaaaé", "123456:ABCDEFGHIJ", "sqlite://",
            "sqlite:///../../etc/passwd", "/", "..", "TRACE", "off ", "\u{202e}info",
        ])
        .prop_map(str::to_owned),
        1 => (1..4_usize).prop_map(|n| "7".repeat(n * 40_000)),
    ]
}

#[test]
fn hostile_single_values() {
    check_hostile("config/check-var", (name(), value()), |(name, value)| {
        let checked = check_var(&name, &value);
        if let Err(expected) = &checked {
            prop_assert!(!expected.is_empty());
            if is_secret(&name) && value.trim().len() >= 12 {
                prop_assert!(
                    !expected.contains(value.trim()),
                    "{name}'s value was echoed"
                );
            }
        }
        if !ajib_config::is_known(&name) {
            prop_assert!(checked.is_err(), "unknown {name} accepted");
        }
        Ok(())
    });
}

#[test]
fn hostile_values_in_a_full_config() {
    let overrides = prop::collection::vec((name(), value()), 1..5);
    check_hostile("config/from-values", overrides, |overrides| {
        let mut values: BTreeMap<String, String> = FULL
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        for (name, value) in &overrides {
            values.insert(name.clone(), value.clone());
        }
        let loaded = from_values(&values);
        // Set values: what the map finally holds for each overridden name.
        let set: BTreeMap<&str, &str> = overrides
            .iter()
            .map(|(name, _)| (name.as_str(), values[name].trim()))
            .filter(|(_, value)| !value.is_empty())
            .collect();
        let gated = GATES
            .iter()
            .any(|gate| values.get(*gate).is_none_or(|it| it.trim().is_empty()));
        let refused: Vec<&str> = set
            .iter()
            // Unknown names (the process environment is full of them) are ignored by design.
            .filter(|(name, value)| ajib_config::is_known(name) && check_var(name, value).is_err())
            .map(|(name, _)| *name)
            .collect();
        let secrets: Vec<&str> = set
            .iter()
            // A value also given to a plain variable may rightly be shown for that one.
            .filter(|(name, value)| {
                is_secret(name)
                    && value.len() >= 12
                    && !set
                        .iter()
                        .any(|(other, it)| !is_secret(other) && it.contains(*value))
            })
            .map(|(_, value)| *value)
            .collect();
        match &loaded {
            Ok(config) => {
                // Nothing a single check refuses is let through (unless its section is off).
                prop_assert!(gated || refused.is_empty(), "accepted {refused:?}");
                let _ = config.production();
                let shown = format!("{config:?}");
                for secret in &secrets {
                    prop_assert!(!shown.contains(secret), "a secret in Debug: {shown}");
                }
            }
            Err(err) => {
                let named: Vec<&str> = err.problems.iter().map(|it| it.var.as_str()).collect();
                for name in &refused {
                    prop_assert!(gated || named.contains(name), "{name} not reported: {err}");
                }
                let shown = err.to_string();
                prop_assert!(!err.problems.is_empty() && !shown.is_empty());
                for secret in &secrets {
                    prop_assert!(!shown.contains(secret), "a secret in the error: {shown}");
                }
                // A blank required value is a problem too, so only then may all checks pass.
                let blanked = overrides
                    .iter()
                    .any(|(name, _)| values[name].trim().is_empty());
                prop_assert!(
                    !refused.is_empty() || blanked,
                    "refused valid values: {err}"
                );
            }
        }
        Ok(())
    });
}
