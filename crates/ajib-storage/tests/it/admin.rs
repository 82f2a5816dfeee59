//! Audit log, settings and admins.

use ajib_domain::TelegramId;
use ajib_storage::{Actor, AdminRole};

use crate::{db, ok, t};

#[tokio::test]
async fn audit_log_newest_first() {
    let db = db();
    ok(db
        .store
        .audit(Actor::Cli, "plan.create", None, Some("{\"id\":1}"), t(1))
        .await);
    ok(db
        .store
        .audit(
            Actor::Admin(TelegramId(5)),
            "plan.update",
            Some("{}"),
            Some("{}"),
            t(2),
        )
        .await);
    ok(db
        .store
        .audit(Actor::System, "backup", None, None, t(3))
        .await);
    let entries = ok(db.store.recent_audit(2).await);
    let got: Vec<_> = entries
        .iter()
        .map(|it| (it.actor, it.action.as_str(), it.at))
        .collect();
    assert_eq!(
        got,
        [
            (Actor::System, "backup", t(3)),
            (Actor::Admin(TelegramId(5)), "plan.update", t(2))
        ]
    );
}

#[tokio::test]
async fn settings_replace_values() {
    let db = db();
    assert_eq!(ok(db.store.get_setting("welcome").await), None);
    ok(db.store.set_setting("welcome", "hi", t(1)).await);
    ok(db.store.set_setting("welcome", "salam", t(2)).await);
    assert_eq!(
        ok(db.store.get_setting("welcome").await),
        Some("salam".to_owned())
    );
}

#[tokio::test]
async fn admins_are_added_changed_and_removed() {
    let db = db();
    ok(db
        .store
        .upsert_admin(TelegramId(1), AdminRole::Owner, None, t(1))
        .await);
    ok(db
        .store
        .upsert_admin(TelegramId(2), AdminRole::Support, Some(TelegramId(1)), t(2))
        .await);
    ok(db
        .store
        .upsert_admin(TelegramId(2), AdminRole::Admin, Some(TelegramId(9)), t(3))
        .await);
    let admins = ok(db.store.list_admins().await);
    let got: Vec<_> = admins
        .iter()
        .map(|it| (it.id.0, it.role, it.added_by, it.added_at))
        .collect();
    assert_eq!(
        got,
        [
            (1, AdminRole::Owner, None, t(1)),
            (2, AdminRole::Admin, Some(TelegramId(1)), t(2))
        ]
    );
    assert!(ok(db.store.remove_admin(TelegramId(2)).await));
    assert!(!ok(db.store.remove_admin(TelegramId(2)).await));
    assert_eq!(ok(db.store.get_admin(TelegramId(2)).await), None);
}
