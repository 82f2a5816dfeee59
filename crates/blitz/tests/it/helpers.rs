//! The multi-call helpers, judged by what the fake panel ends up holding.

use blitz::{Error, gb_to_bytes};

use crate::{new_user, start};

#[test]
fn ensure_user_is_idempotent() {
    let (fake, client) = start();
    let first = client.ensure_user(&new_user("AJIB_7_1")).unwrap();
    assert_eq!(first.username, "ajib_7_1");
    assert_eq!(first.max_download_bytes, gb_to_bytes(30));

    let mut again = new_user("ajib_7_1");
    again.traffic_limit_gb = 99;
    let second = client.ensure_user(&again).unwrap();
    assert_eq!(second, first, "the existing user comes back unchanged");
    assert_eq!(fake.users().len(), 1);
    assert_eq!(
        fake.user("ajib_7_1").unwrap().max_download_bytes,
        gb_to_bytes(30)
    );
}

#[test]
fn extend_days_adds_to_the_total_and_unblocks() {
    let (fake, client) = start();
    client.create_user(&new_user("tg_1")).unwrap();
    fake.set_blocked("tg_1", true);
    assert_eq!(client.extend_days("tg_1", 30).unwrap(), 60);
    let held = fake.user("tg_1").unwrap();
    assert_eq!(held.expiration_days, 60);
    assert!(!held.blocked);
    // Not idempotent: a second call adds again.
    assert_eq!(client.extend_days("tg_1", 30).unwrap(), 90);
    assert_eq!(fake.user("tg_1").unwrap().expiration_days, 90);
}

#[test]
fn extend_days_keeps_unlimited_unlimited() {
    let (fake, client) = start();
    let mut user = new_user("tg_1");
    user.expiration_days = 0;
    client.create_user(&user).unwrap();
    fake.set_blocked("tg_1", true);
    assert_eq!(client.extend_days("tg_1", 30).unwrap(), 0);
    let held = fake.user("tg_1").unwrap();
    assert_eq!(held.expiration_days, 0);
    assert!(!held.blocked);
}

#[test]
fn set_total_days_is_idempotent() {
    let (fake, client) = start();
    client.create_user(&new_user("tg_1")).unwrap();
    fake.set_blocked("tg_1", true);
    client.set_total_days("tg_1", 75).unwrap();
    let once = fake.user("tg_1").unwrap();
    client.set_total_days("tg_1", 75).unwrap();
    let twice = fake.user("tg_1").unwrap();
    assert_eq!(once, twice);
    assert_eq!(twice.expiration_days, 75);
    assert!(!twice.blocked);
}

#[test]
fn start_new_period_renews_everything() {
    let (fake, client) = start();
    fake.set_today("2026-11-20");
    client.create_user(&new_user("tg_1")).unwrap();
    fake.set_creation_date("tg_1", "2026-01-01");
    fake.set_usage("tg_1", 10 << 30, 25 << 30);
    fake.enforce_limits();
    assert!(fake.user("tg_1").unwrap().blocked);

    client.start_new_period("tg_1", 60, 100).unwrap();
    let held = fake.user("tg_1").unwrap();
    assert_eq!(held.account_creation_date.as_deref(), Some("2026-11-20"));
    assert_eq!(held.expiration_days, 60);
    assert_eq!(held.max_download_bytes, gb_to_bytes(100));
    // The reset unsets the counters (used reads as 0); the PATCH then sets the date.
    assert_eq!((held.upload_bytes, held.download_bytes), (None, None));
    assert!(!held.blocked);

    // Repeating it (after a lost answer) lands in the same state.
    client.start_new_period("tg_1", 60, 100).unwrap();
    assert_eq!(fake.user("tg_1").unwrap(), held);
}

#[test]
fn start_new_period_starts_the_clock_of_a_user_on_hold() {
    let (fake, client) = start();
    fake.set_today("2026-11-20");
    client.create_user(&new_user("tg_1")).unwrap();
    client.start_new_period("tg_1", 30, 30).unwrap();
    let held = fake.user("tg_1").unwrap();
    assert_eq!(held.account_creation_date.as_deref(), Some("2026-11-20"));
}

#[test]
fn ensure_user_passes_other_errors_through() {
    let (fake, _) = start();
    let wrong =
        blitz::Client::new(fake.base_url(), "nope", std::time::Duration::from_secs(5)).unwrap();
    assert!(matches!(
        wrong.ensure_user(&new_user("tg_1")),
        Err(Error::Unauthorized { .. })
    ));
    assert!(fake.users().is_empty());
}
