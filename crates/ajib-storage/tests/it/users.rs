//! Users and broadcast audiences.

use ajib_domain::{Lang, OrderId, TelegramId};
use ajib_storage::{Audience, UserSeen};

use crate::{db, invoiced_order, ok, paid_order, plan, provision, t, user};

/// `last_seen` after contacts at `times` (same names each time).
async fn last_seen_after(times: &[i64]) -> i64 {
    let db = db();
    let mut last = 0;
    for &at in times {
        let seen = UserSeen {
            id: TelegramId(7),
            username: Some("user7".to_owned()),
            first_name: "U7".to_owned(),
            now: t(at),
        };
        last = ok(db.store.upsert_user(&seen).await).last_seen.0;
    }
    last
}

#[tokio::test]
async fn last_seen_moves_in_steps_of_a_minute() {
    // Within the minute nothing is written; a minute later it is refreshed.
    assert_eq!(last_seen_after(&[1_000, 1_030, 1_059]).await, 1_000);
    assert_eq!(last_seen_after(&[1_000, 1_030, 1_060]).await, 1_060);
    assert_eq!(last_seen_after(&[1_000, 1_200]).await, 1_200);
}

#[tokio::test]
async fn upsert_inserts_then_refreshes() {
    let db = db();
    let first = user(&db.store, 7).await;
    assert_eq!(
        (first.created, first.last_seen, first.lang),
        (t(1_000), t(1_000), None)
    );

    ok(db.store.set_user_blocked(TelegramId(7), true).await);
    let seen = UserSeen {
        id: TelegramId(7),
        username: Some("NewName".to_owned()),
        first_name: "Seven".to_owned(),
        now: t(5_000),
    };
    let again = ok(db.store.upsert_user(&seen).await);
    assert_eq!(again.username.as_deref(), Some("NewName"));
    assert_eq!(again.first_name, "Seven");
    assert_eq!((again.created, again.last_seen), (t(1_000), t(5_000)));
    assert!(
        !again.blocked_bot,
        "writing to the bot means it is no longer blocked"
    );
    assert_eq!(ok(db.store.count_users().await), 1);

    let found = ok(db.store.find_user_by_username("@newname").await);
    assert_eq!(found.map(|it| it.id), Some(TelegramId(7)));
    assert_eq!(ok(db.store.find_user_by_username("nobody").await), None);
}

#[tokio::test]
async fn language_ban_and_start_payload() {
    let db = db();
    user(&db.store, 1).await;
    ok(db.store.set_user_lang(TelegramId(1), Lang::FA).await);
    ok(db.store.set_user_banned(TelegramId(1), true).await);
    assert!(ok(db
        .store
        .set_start_payload(TelegramId(1), "ref_42")
        .await));
    assert!(!ok(db
        .store
        .set_start_payload(TelegramId(1), "ref_43")
        .await));
    let row = ok(db.store.get_user(TelegramId(1)).await);
    let row = row.map(|it| (it.lang, it.banned, it.start_payload));
    assert_eq!(row, Some((Some(Lang::FA), true, Some("ref_42".to_owned()))));
    assert!(matches!(
        db.store.set_user_lang(TelegramId(2), Lang::EN).await,
        Err(ajib_storage::Error::NotFound { what: "user" })
    ));
}

async fn check_audience(store: &ajib_storage::Store, audience: Audience, expected: &[i64]) {
    let ids: Vec<i64> = ok(store.audience(audience).await)
        .into_iter()
        .map(|it| it.0)
        .collect();
    assert_eq!(ids, expected, "{audience:?}");
}

#[tokio::test]
async fn audience_segments() {
    let db = db();
    let store = &db.store;
    let now = t(50_000);
    let month = plan(store, 30, 500).await;
    for id in 1..=8 {
        user(store, id).await;
    }
    ok(store.set_user_lang(TelegramId(1), Lang::EN).await);
    ok(store.set_user_lang(TelegramId(2), Lang::FA).await);
    // 2 bought and is active; 3 bought and ran out; 5 bought but blocked the bot.
    let order = paid_order(store, 2, &month, None).await;
    provision(store, &order, now.plus_days(10)).await;
    let order = paid_order(store, 3, &month, None).await;
    provision(store, &order, now.plus_days(-1)).await;
    let order = paid_order(store, 5, &month, None).await;
    provision(store, &order, now.plus_days(10)).await;
    ok(store.set_user_blocked(TelegramId(5), true).await);
    // 4 only took the test; 7 took the test and then bought (paid, not provisioned yet).
    let (test, _) = ok(store.create_test_order(TelegramId(4), t(2_000)).await);
    provision(store, &test, now.plus_days(1)).await;
    ok(store.create_test_order(TelegramId(7), t(2_000)).await);
    paid_order(store, 7, &month, None).await;
    // 6 is banned; 8 started a purchase and never paid.
    ok(store.set_user_banned(TelegramId(6), true).await);
    let unpaid = invoiced_order(store, 8, &month, None).await;
    assert_ne!(unpaid.id, OrderId(0));

    check_audience(store, Audience::All, &[1, 2, 3, 4, 7, 8]).await;
    check_audience(store, Audience::Buyers, &[2, 3, 7]).await;
    check_audience(store, Audience::NeverBought, &[1, 4, 8]).await;
    check_audience(store, Audience::ActiveServices(now), &[2, 4]).await;
    check_audience(store, Audience::Expired(now), &[3]).await;
    check_audience(store, Audience::Expired(now.plus_days(5)), &[3, 4]).await;
    check_audience(store, Audience::TestOnly, &[4]).await;
    check_audience(store, Audience::Lang(Lang::FA), &[2]).await;
    check_audience(store, Audience::Lang(Lang::EN), &[1]).await;
}

#[tokio::test]
async fn users_are_searched_and_paged_newest_first() {
    let db = db();
    for (id, username, name, at) in [
        (101, Some("sara_k"), "Sara", 1),
        (102, None, "Reza", 2),
        (103, Some("SARAH"), "Hanna", 3),
        (104, Some("x_y"), "100%", 4),
    ] {
        let seen = UserSeen {
            id: TelegramId(id),
            username: username.map(str::to_owned),
            first_name: name.to_owned(),
            now: t(at),
        };
        ok(db.store.upsert_user(&seen).await);
    }
    let ids = |page: (Vec<ajib_storage::UserRow>, u64)| -> (Vec<i64>, u64) {
        (page.0.into_iter().map(|it| it.id.0).collect(), page.1)
    };
    assert_eq!(
        ids(ok(db.store.search_users(None, 0, 10).await)),
        (vec![104, 103, 102, 101], 4)
    );
    assert_eq!(
        ids(ok(db.store.search_users(None, 1, 2).await)),
        (vec![103, 102], 4)
    );
    assert_eq!(
        ids(ok(db.store.search_users(Some("@sar"), 0, 10).await)),
        (vec![103, 101], 2)
    );
    assert_eq!(
        ids(ok(db.store.search_users(Some("102"), 0, 10).await)),
        (vec![102], 1)
    );
    // Wildcards in the query are literal: "_" matches only an underscore.
    assert_eq!(
        ids(ok(db.store.search_users(Some("_"), 0, 10).await)),
        (vec![104, 101], 2)
    );
    assert_eq!(
        ids(ok(db.store.search_users(Some("%"), 0, 10).await)),
        (vec![104], 1)
    );
    assert_eq!(
        ids(ok(db.store.search_users(Some("nobody"), 0, 10).await)),
        (vec![], 0)
    );
}

#[tokio::test]
async fn users_are_found_by_a_panel_username_fragment() {
    let db = db();
    user(&db.store, 1).await;
    user(&db.store, 2).await;
    let month = plan(&db.store, 30, 500).await;
    let order = paid_order(&db.store, 2, &month, None).await;
    let service = provision(&db.store, &order, t(9_000)).await;
    let fragment = &service.blitz_username[..service.blitz_username.len() - 1];
    let (found, total) = ok(db.store.search_users(Some(fragment), 0, 10).await);
    assert_eq!(total, 1);
    assert_eq!(found[0].id, TelegramId(2));
}

#[tokio::test]
async fn a_fragment_search_pages_its_matches_newest_first() {
    let db = db();
    // Two users share a first-contact time: the higher id comes first.
    for (id, name, at) in [
        (201, "Ali A", 1),
        (202, "Ali B", 2),
        (203, "Bob", 2),
        (204, "Ali C", 2),
        (205, "Ali D", 3),
    ] {
        let seen = UserSeen {
            id: TelegramId(id),
            username: None,
            first_name: name.to_owned(),
            now: t(at),
        };
        ok(db.store.upsert_user(&seen).await);
    }
    let page = |offset, limit| {
        let store = db.store.clone();
        async move {
            let (rows, total) = ok(store.search_users(Some("ali"), offset, limit).await);
            (
                rows.into_iter().map(|it| it.id.0).collect::<Vec<_>>(),
                total,
            )
        }
    };
    assert_eq!(page(0, 10).await, (vec![205, 204, 202, 201], 4));
    assert_eq!(page(1, 2).await, (vec![204, 202], 4));
    assert_eq!(page(3, 2).await, (vec![201], 4));
    assert_eq!(page(4, 2).await, (vec![], 4));
    // Only the id's own spelling finds it, as `CAST(id AS TEXT)` did.
    let (rows, total) = ok(db.store.search_users(Some("0203"), 0, 10).await);
    assert_eq!((rows.len(), total), (0, 0));
    let (rows, total) = ok(db.store.search_users(Some("203"), 0, 10).await);
    assert_eq!((rows[0].id, total), (TelegramId(203), 1));
}
