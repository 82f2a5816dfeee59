//! `Client::usage`: traffic, limit and expiry as computed from the panel's user.

use blitz::{Date, Expiry, Usage, gb_to_bytes};

use crate::{new_user, start};

fn date(text: &str) -> Date {
    text.parse().unwrap()
}

#[test]
fn on_hold_user_has_no_expiry_date() {
    let (_fake, client) = start();
    client.create_user(&new_user("tg_1")).unwrap();
    let usage = client.usage("tg_1").unwrap();
    let expected = Usage {
        used_bytes: 0,
        limit_bytes: Some(gb_to_bytes(30)),
        expires_on: Expiry::OnHold,
        blocked: false,
    };
    assert_eq!(usage, expected);
}

#[test]
fn expiry_is_the_creation_date_and_the_days() {
    let (fake, client) = start();
    client.create_user(&new_user("tg_1")).unwrap();
    fake.set_creation_date("tg_1", "2026-12-15");
    fake.set_usage("tg_1", 1_000, 2_000);
    let usage = client.usage("tg_1").unwrap();
    let after = |days| Expiry::After {
        from: date("2026-12-15"),
        days,
    };
    assert_eq!(usage.expires_on, after(30));
    assert_eq!(usage.used_bytes, 3_000);
    assert_eq!(usage.remaining_bytes(), Some(gb_to_bytes(30) - 3_000));

    client.extend_days("tg_1", 30).unwrap();
    assert_eq!(client.usage("tg_1").unwrap().expires_on, after(60));
}

#[test]
fn unlimited_user() {
    let (_fake, client) = start();
    let mut user = new_user("tg_1");
    user.traffic_limit_gb = 0;
    user.expiration_days = 0;
    user.creation_date = Some(date("2026-01-01"));
    client.create_user(&user).unwrap();
    let usage = client.usage("tg_1").unwrap();
    assert_eq!(
        (usage.limit_bytes, usage.expires_on),
        (None, Expiry::Unlimited)
    );
    assert!(!usage.quota_exhausted());
}

#[test]
fn quota_exhausted_and_blocked_by_the_panel() {
    let (fake, client) = start();
    client.create_user(&new_user("tg_1")).unwrap();
    fake.set_usage("tg_1", gb_to_bytes(10), gb_to_bytes(20));
    fake.enforce_limits();
    let usage = client.usage("tg_1").unwrap();
    assert!(usage.quota_exhausted());
    assert!(usage.blocked);
    assert_eq!(usage.remaining_bytes(), Some(0));
}
