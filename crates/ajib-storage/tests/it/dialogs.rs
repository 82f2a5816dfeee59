//! Dialogues: saved, replaced, run out, taken once.

use ajib_domain::TelegramId;

use crate::{db, ok, t};

#[tokio::test]
async fn a_dialogue_is_kept_until_it_runs_out() {
    let db = db();
    crate::user(&db.store, 42).await;
    let admin = TelegramId(42);
    assert_eq!(ok(db.store.load_dialog(admin, t(100)).await), None);
    ok(db
        .store
        .save_dialog(admin, r#"{"a":1}"#, t(200), t(100))
        .await);
    ok(db
        .store
        .save_dialog(admin, r#"{"a":2}"#, t(300), t(150))
        .await);
    assert_eq!(
        ok(db.store.load_dialog(admin, t(299)).await).as_deref(),
        Some(r#"{"a":2}"#)
    );
    assert_eq!(
        ok(db.store.load_dialog(admin, t(300)).await),
        None,
        "ran out"
    );
    assert_eq!(ok(db.store.prune_dialogs(t(300)).await), 1);
    assert_eq!(ok(db.store.prune_dialogs(t(300)).await), 0);
}

#[tokio::test]
async fn a_dialogue_is_taken_once() {
    let db = db();
    crate::user(&db.store, 42).await;
    let admin = TelegramId(42);
    ok(db
        .store
        .save_dialog(admin, r#"{"send":true}"#, t(200), t(100))
        .await);
    assert_eq!(
        ok(db.store.take_dialog(admin, t(150)).await).as_deref(),
        Some(r#"{"send":true}"#)
    );
    assert_eq!(ok(db.store.take_dialog(admin, t(150)).await), None);
    ok(db
        .store
        .save_dialog(admin, r#"{"late":1}"#, t(200), t(100))
        .await);
    assert_eq!(
        ok(db.store.take_dialog(admin, t(250)).await),
        None,
        "ran out"
    );
    ok(db.store.close_dialog(admin).await);
}
