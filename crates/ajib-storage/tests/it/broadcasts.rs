//! Broadcast recipients, progress and resumption.

use ajib_domain::TelegramId;
use ajib_storage::{BroadcastProgress, BroadcastStatus, RecipientStatus};

use crate::{db, ok, t, user};

#[tokio::test]
async fn a_broadcast_resumes_where_it_stopped() {
    let db = db();
    for id in 1..=5 {
        user(&db.store, id).await;
    }
    let recipients: Vec<_> = [3, 1, 2, 5, 4, 1].into_iter().map(TelegramId).collect();
    let id = ok(db
        .store
        .create_broadcast("hello", None, "all", &recipients, TelegramId(99), t(1))
        .await);
    let batch = |limit| db.store.next_broadcast_batch(id, limit);
    assert_eq!(ok(batch(2).await), [TelegramId(1), TelegramId(2)]);

    ok(db
        .store
        .mark_recipient(id, TelegramId(1), RecipientStatus::Sent, t(2))
        .await);
    ok(db
        .store
        .mark_recipient(id, TelegramId(2), RecipientStatus::Blocked, t(2))
        .await);
    ok(db
        .store
        .mark_recipient(id, TelegramId(3), RecipientStatus::Failed, t(2))
        .await);
    // As after a restart: the next batch is exactly the ones not tried.
    assert_eq!(ok(batch(10).await), [TelegramId(4), TelegramId(5)]);
    let progress = ok(db.store.broadcast_progress(id).await);
    assert_eq!(
        progress,
        BroadcastProgress {
            pending: 2,
            sent: 1,
            failed: 1,
            blocked: 1,
            possible_duplicates: 0
        }
    );
    assert_eq!(progress.total(), 5);
    let blocked = ok(db.store.get_user(TelegramId(2)).await);
    assert_eq!(blocked.map(|it| it.blocked_bot), Some(true));

    assert_eq!(ok(db.store.active_broadcasts().await).len(), 1);
    ok(db
        .store
        .set_broadcast_status(id, BroadcastStatus::Paused, t(3))
        .await);
    assert_eq!(ok(db.store.active_broadcasts().await), []);
    let stored = ok(db.store.get_broadcast(id).await);
    assert_eq!(
        stored.map(|it| (it.text, it.audience, it.status, it.created_by)),
        Some((
            "hello".to_owned(),
            "all".to_owned(),
            BroadcastStatus::Paused,
            TelegramId(99)
        ))
    );
    assert_eq!(ok(db.store.recent_broadcasts(5).await).len(), 1);
}

#[tokio::test]
async fn a_broadcast_keeps_its_photo() {
    let db = db();
    user(&db.store, 1).await;
    let id = ok(db
        .store
        .create_broadcast(
            "<b>New</b>",
            Some("AgACAgIAAxkBAAIB"),
            "all",
            &[TelegramId(1)],
            TelegramId(99),
            t(1),
        )
        .await);
    let stored = ok(db.store.get_broadcast(id).await).map(|it| (it.text, it.photo));
    assert_eq!(
        stored,
        Some(("<b>New</b>".to_owned(), Some("AgACAgIAAxkBAAIB".to_owned())))
    );
    // An empty file id is refused by the schema and nothing is stored.
    let refused = db
        .store
        .create_broadcast("x", Some(""), "all", &[TelegramId(1)], TelegramId(99), t(2))
        .await;
    assert!(refused.is_err());
    assert_eq!(ok(db.store.recent_broadcasts(10).await).len(), 1);
}

#[tokio::test]
async fn a_big_audience_is_stored_whole_across_statements() {
    let db = db();
    // Recipients need not be users; 25,000 spans three statements, with a
    // repeat that falls in another statement than its first.
    let mut recipients: Vec<_> = (1..=25_000).rev().map(TelegramId).collect();
    recipients.push(TelegramId(24_999));
    let id = ok(db
        .store
        .create_broadcast("hi", None, "all", &recipients, TelegramId(99), t(1))
        .await);
    let progress = ok(db.store.broadcast_progress(id).await);
    assert_eq!((progress.pending, progress.total()), (25_000, 25_000));
    let first = ok(db.store.next_broadcast_batch(id, 3).await);
    assert_eq!(first, [TelegramId(1), TelegramId(2), TelegramId(3)]);
}
