//! Importing accounts already on a panel, a customer's own link, and its rate limit.

use ajib_domain::{Date, PanelId, ServiceStatus, TelegramId};
use ajib_storage::{
    Error, ImportCounts, ImportedAccount, LINK_ATTEMPTS_PER_WINDOW, LINK_WINDOW_SECS, LinkOutcome,
    PanelTerms,
};

use crate::{db, ok, t, user};

/// 2026-01-01, the moment of the tests' imports.
const NOW: i64 = 1_767_225_600;

fn account(owner: i64, username: &str, days: u64) -> ImportedAccount {
    ImportedAccount {
        owner: TelegramId(owner),
        username: username.to_owned(),
        terms: PanelTerms {
            created: Some(ok(Date::parse("2025-12-20"))),
            days,
            traffic_limit_bytes: Some(50 << 30),
        },
    }
}

fn counts(linked: u64, already_linked: u64, other_owner: u64, new_users: u64) -> ImportCounts {
    ImportCounts {
        linked,
        already_linked,
        other_owner,
        new_users,
    }
}

#[tokio::test]
async fn an_import_links_each_account_once_and_a_second_changes_nothing() {
    let db = db();
    user(&db.store, 1).await;
    // More than one batch, so the batching is exercised too.
    let accounts: Vec<_> = (1..=1_200)
        .map(|it| account(it, &format!("acc{it}"), 30))
        .collect();
    let first = ok(db
        .store
        .import_accounts(PanelId::FIRST, &accounts, t(NOW))
        .await);
    assert_eq!(first, counts(1_200, 0, 0, 1_199));
    let second = ok(db
        .store
        .import_accounts(PanelId::FIRST, &accounts, t(NOW + 60))
        .await);
    assert_eq!(second, counts(0, 1_200, 0, 0));

    let services = ok(db.store.services_of_user(TelegramId(7)).await);
    assert_eq!(services.len(), 1);
    let service = &services[0];
    assert_eq!(service.blitz_username, "acc7");
    assert_eq!((service.plan, service.is_test), (None, false));
    assert_eq!(service.status, ServiceStatus::Active);
    assert_eq!(service.traffic_limit_bytes, Some(50 << 30));
    // 2025-12-20 + 30 days.
    assert_eq!(service.expires.date(), ok(Date::parse("2026-01-19")));
    let panel = ok(db.store.get_panel(PanelId::FIRST).await);
    assert_eq!(panel.map(|it| it.active), Some(1_200));
}

#[tokio::test]
async fn an_imported_customer_behaves_like_any_other_when_they_write() {
    let db = db();
    ok(db
        .store
        .import_accounts(PanelId::FIRST, &[account(42, "old42", 30)], t(NOW))
        .await);
    let stored = ok(db.store.get_user(TelegramId(42)).await);
    let stored = stored.unwrap_or_else(|| panic!("no user row"));
    assert_eq!((stored.lang, stored.first_name.as_str()), (None, ""));
    assert_eq!((stored.created, stored.last_seen), (t(NOW), t(0)));
    // Their first message fills in their names, as for anyone.
    let seen = ajib_storage::UserSeen {
        id: TelegramId(42),
        username: Some("ali".to_owned()),
        first_name: "Ali".to_owned(),
        now: t(NOW + 100),
    };
    let row = ok(db.store.upsert_user(&seen).await);
    assert_eq!(
        (row.first_name.as_str(), row.last_seen),
        ("Ali", t(NOW + 100))
    );
    assert_eq!(row.created, t(NOW));
}

#[tokio::test]
async fn an_account_linked_to_someone_else_is_left_alone() {
    let db = db();
    ok(db
        .store
        .import_accounts(PanelId::FIRST, &[account(1, "shared", 30)], t(NOW))
        .await);
    let res = ok(db
        .store
        .import_accounts(PanelId::FIRST, &[account(2, "shared", 30)], t(NOW))
        .await);
    assert_eq!(res, counts(0, 0, 1, 1));
    assert!(ok(db.store.services_of_user(TelegramId(2)).await).is_empty());
    let claimed = ok(db
        .store
        .link_account(PanelId::FIRST, &account(2, "shared", 30), t(NOW))
        .await);
    assert_eq!(claimed, LinkOutcome::OtherOwner);
}

#[tokio::test]
async fn a_dry_run_counts_the_same_and_writes_nothing() {
    let db = db();
    ok(db
        .store
        .import_accounts(PanelId::FIRST, &[account(1, "a", 30)], t(NOW))
        .await);
    let accounts = [
        account(1, "a", 30),
        account(2, "b", 30),
        account(3, "a2", 30),
    ];
    let preview = ok(db
        .store
        .preview_import(PanelId::FIRST, &accounts, t(NOW))
        .await);
    assert_eq!(preview, counts(2, 1, 0, 2));
    assert_eq!(ok(db.store.get_user(TelegramId(2)).await), None);
    let real = ok(db
        .store
        .import_accounts(PanelId::FIRST, &accounts, t(NOW))
        .await);
    assert_eq!(real, preview);
}

#[tokio::test]
async fn an_account_past_its_days_is_imported_expired() {
    let db = db();
    ok(db
        .store
        .import_accounts(PanelId::FIRST, &[account(1, "late", 5)], t(NOW))
        .await);
    let services = ok(db.store.services_of_user(TelegramId(1)).await);
    assert_eq!(services[0].status, ServiceStatus::Expired);
    let panel = ok(db.store.get_panel(PanelId::FIRST).await);
    assert_eq!(panel.map(|it| it.active), Some(0));
}

#[tokio::test]
async fn an_unknown_panel_is_refused() {
    let db = db();
    let err = db
        .store
        .import_accounts(PanelId(99), &[account(1, "a", 30)], t(NOW))
        .await;
    assert!(
        matches!(err, Err(Error::NotFound { what: "panel" })),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_customer_links_their_account_once() {
    let db = db();
    user(&db.store, 5).await;
    let first = ok(db
        .store
        .link_account(PanelId::FIRST, &account(5, "mine", 30), t(NOW))
        .await);
    let LinkOutcome::Linked(service) = first else {
        panic!("not linked: {first:?}");
    };
    assert_eq!(service.user, TelegramId(5));
    let again = ok(db
        .store
        .link_account(PanelId::FIRST, &account(5, "mine", 30), t(NOW))
        .await);
    assert_eq!(again, LinkOutcome::AlreadyYours(service));
    assert_eq!(ok(db.store.services_of_user(TelegramId(5)).await).len(), 1);
}

#[tokio::test]
async fn link_attempts_are_limited_per_hour_and_per_user() {
    let db = db();
    for _ in 0..LINK_ATTEMPTS_PER_WINDOW {
        assert!(ok(db.store.take_link_attempt(TelegramId(1), t(NOW)).await));
    }
    assert!(!ok(db
        .store
        .take_link_attempt(TelegramId(1), t(NOW + 10))
        .await));
    // Someone else is not held back by it.
    assert!(ok(db
        .store
        .take_link_attempt(TelegramId(2), t(NOW + 10))
        .await));
    // A refused try does not count: an hour after the first tries, one is free again.
    assert!(ok(db
        .store
        .take_link_attempt(TelegramId(1), t(NOW + LINK_WINDOW_SECS))
        .await));
}
