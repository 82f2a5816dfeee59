//! Backups in the bot: the owner backs up and restores by upload; bad uploads, non-owners and
//! the scheduled round; the "Blitz unreachable" alert.

use std::path::{Path, PathBuf};

use ajib_app::core::backup;
use ajib_backup::{Limits, VerifiedArchive};
use ajib_domain::{TelegramId, UnixTime};
use ajib_sandbox::{Sandbox, sim_users};
use ajib_storage::{AdminRole, CURRENT_SCHEMA_VERSION, Store};
use ajib_testkit::{
    blitz::BlitzFault,
    telegram::{BotMessage, SimUser},
};

use crate::support::{Env, button_data, has_text, until};

/// Opens the admin menu and the backup screen as `admin`; returns the screen.
fn backup_screen(env: &Env, admin: &SimUser) -> BotMessage {
    let menu = env.say(admin, "/admin", |it| button_data(it, "v1:abk").is_some());
    env.press(admin, menu.message_id, "v1:abk", |it| {
        button_data(it, "v1:abkn").is_some()
    })
}

/// Presses "back up now" on `screen`; returns the archive's bytes and the "created" message.
fn back_up(env: &Env, admin: &SimUser, screen: &BotMessage) -> (Vec<u8>, BotMessage) {
    let before = env.sandbox.telegram.messages(admin.id).len();
    env.sandbox
        .telegram
        .press_button(admin, screen.message_id, "v1:abkn");
    let document = env.wait_new(admin, before, |it| it.document.is_some());
    let created = env.wait_new(admin, before, |it| has_text(it, "Backup created"));
    let (name, bytes) = document.document.unwrap();
    assert!(
        name.starts_with("ajib-backup-") && name.ends_with(".tar.gz"),
        "{name}"
    );
    (bytes, created)
}

/// Opens the restore dialogue, uploads `bytes`, and waits for a message with `answer`.
fn upload(env: &Env, admin: &SimUser, name: &str, bytes: &[u8], answer: &str) -> BotMessage {
    let screen = backup_screen(env, admin);
    env.press(admin, screen.message_id, "v1:abkr", |it| {
        has_text(it, "Send the backup file")
    });
    let before = env.sandbox.telegram.messages(admin.id).len();
    env.sandbox.telegram.send_document(admin, name, bytes, None);
    env.wait_new(admin, before, |it| has_text(it, answer))
}

fn verify(dir: &Path, bytes: &[u8]) -> VerifiedArchive {
    let path = dir.join("downloaded.tar.gz");
    std::fs::write(&path, bytes).unwrap();
    ajib_backup::verify_archive(&path, &Limits::standard(CURRENT_SCHEMA_VERSION)).unwrap()
}

fn sha256_hex(bytes: &[u8]) -> String {
    ring::digest::digest(&ring::digest::SHA256, bytes)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn archives(dir: &Path) -> Vec<PathBuf> {
    ajib_backup::list_backups(dir)
        .unwrap()
        .into_iter()
        .map(|it| it.path)
        .collect()
}

async fn user_exists(store: &Store, user: &SimUser) -> bool {
    store.get_user(TelegramId(user.id)).await.unwrap().is_some()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn owner_backs_up_then_restores_by_upload_and_the_bot_keeps_working() {
    let env = Env::start().await;
    let (customer, newcomer, owner) = (
        env.user(0).clone(),
        env.user(1).clone(),
        env.user(2).clone(),
    );
    let order = crate::journey::buy_first_plan(&env, &customer, "v1:l:en", "menu").await;
    let screen = backup_screen(&env, &owner);
    let (bytes, created) = back_up(&env, &owner, &screen);

    // The document is a valid archive with this very data, and the message names its hash.
    assert!(
        has_text(&created, &sha256_hex(&bytes)),
        "{:?}",
        created.text
    );
    let tmp = tempfile::tempdir().unwrap();
    let verified = verify(tmp.path(), &bytes);
    assert!(!verified.manifest().secrets_included);
    assert!(verified.plans_path().is_some());
    let copy = Store::open(&verified.db_path()).unwrap();
    assert!(copy.get_order(order).await.unwrap().is_some());
    assert!(user_exists(&copy, &customer).await);
    assert!(!user_exists(&copy, &newcomer).await);
    drop(copy);

    // A change after the backup: a new user.
    env.say(&newcomer, "/start", |it| button_data(it, "v1:l:").is_some());
    let store = env.sandbox.app.deps.store.clone();
    assert!(user_exists(&store, &newcomer).await);

    upload(&env, &owner, "mine.tar.gz", &bytes, "Backup restored");
    assert!(!user_exists(&store, &newcomer).await, "the change is gone");
    assert!(store.get_order(order).await.unwrap().is_some());
    store.integrity_check().await.unwrap();
    let audit = store.recent_audit(10).await.unwrap();
    let restore = audit
        .iter()
        .find(|it| it.action == "backup.restore")
        .expect("the restore is audited");
    assert_eq!(
        restore.actor,
        ajib_storage::Actor::Admin(TelegramId(owner.id))
    );
    // The backup itself and the safety copy of the replaced data.
    assert_eq!(archives(&env.sandbox.app.deps.settings.backup_dir).len(), 2);

    // The bot keeps working on the restored data.
    env.say(&newcomer, "/start", |it| button_data(it, "v1:l:").is_some());
    assert!(user_exists(&store, &newcomer).await);
    env.say(&customer, "/start", |it| button_data(it, "v1:ps").is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tampered_and_foreign_uploads_are_rejected_and_change_nothing() {
    let env = Env::start().await;
    let (customer, owner) = (env.user(0).clone(), env.user(2).clone());
    let screen = backup_screen(&env, &owner);
    let (bytes, _) = back_up(&env, &owner, &screen);
    env.say(&customer, "/start", |it| button_data(it, "v1:l:").is_some());
    let store = env.sandbox.app.deps.store.clone();
    let users_before = store.count_users().await.unwrap();

    let mut tampered = bytes.clone();
    let middle = tampered.len() / 2;
    tampered[middle] ^= 0x01;
    upload(&env, &owner, "tampered.tar.gz", &tampered, "Invalid backup");
    upload(
        &env,
        &owner,
        "notes.txt",
        b"not a backup at all",
        "Invalid backup",
    );

    assert!(user_exists(&store, &customer).await);
    assert_eq!(store.count_users().await.unwrap(), users_before);
    assert!(
        store
            .recent_audit(10)
            .await
            .unwrap()
            .iter()
            .all(|it| it.action != "backup.restore")
    );
    // No safety copy either: only the one backup is there.
    assert_eq!(archives(&env.sandbox.app.deps.settings.backup_dir).len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backups_are_refused_to_customers_and_to_admins_who_are_not_owners() {
    let env = Env::start().await;
    // The helper admin speaks Persian, so the refusal is checked in Persian.
    let (customer, helper) = (env.user(0).clone(), env.user(1).clone());
    let store = env.sandbox.app.deps.store.clone();
    env.say(&customer, "/start", |it| button_data(it, "v1:l:").is_some());
    for data in ["v1:abk", "v1:abkn", "v1:abks", "v1:abkr"] {
        env.press(&customer, 1, data, |it| has_text(it, "not allowed"));
    }
    store
        .upsert_admin(
            TelegramId(helper.id),
            AdminRole::Admin,
            None,
            UnixTime(1_700_000_000),
        )
        .await
        .unwrap();
    let menu = env.say(&helper, "/admin", |it| button_data(it, "v1:ast").is_some());
    assert_eq!(
        button_data(&menu, "v1:abk"),
        None,
        "no backup button for non-owners"
    );
    for data in ["v1:abkn", "v1:abks", "v1:abkr"] {
        env.press(&helper, menu.message_id, data, |it| {
            has_text(it, "فقط مالک ربات")
        });
    }
    assert!(archives(&env.sandbox.app.deps.settings.backup_dir).is_empty());
    assert!(
        env.sandbox
            .telegram
            .messages(helper.id)
            .iter()
            .all(|it| it.document.is_none())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scheduled_round_prunes_and_alerts_admins_when_it_fails() {
    let values = [
        ("BACKUP_KEEP".to_owned(), "2".to_owned()),
        ("BACKUP_INTERVAL_HOURS".to_owned(), "0".to_owned()),
    ]
    .into_iter()
    .collect();
    let config = ajib_config::from_values(&values).unwrap();
    let env = Env {
        sandbox: Sandbox::start(config, None, 0).await.unwrap(),
        users: sim_users(),
    };
    let owner = env.user(2).clone();
    let deps = env.sandbox.app.deps.clone();
    let dir = deps.settings.backup_dir.clone();

    // A file where the backup directory should be makes the round fail.
    std::fs::write(&dir, b"in the way").unwrap();
    let before = env.sandbox.telegram.messages(owner.id).len();
    assert!(backup::round(&deps).await.is_err());
    env.wait_new(&owner, before, |it| has_text(it, "Backup failed"));

    std::fs::remove_file(&dir).unwrap();
    for _ in 0..3 {
        let info = backup::round(&deps).await.unwrap();
        assert!(info.path.starts_with(&dir));
        ajib_backup::verify_archive(&info.path, &Limits::standard(CURRENT_SCHEMA_VERSION)).unwrap();
    }
    assert_eq!(archives(&dir).len(), 2, "pruned to BACKUP_KEEP");
    let audit = deps.store.recent_audit(10).await.unwrap();
    assert_eq!(
        audit.iter().filter(|it| it.action == "backup.auto").count(),
        3
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blitz_down_alerts_admins_once_while_retries_go_on() {
    let env = Env::start().await;
    let (customer, owner) = (env.user(0).clone(), env.user(2).clone());
    let blitz = env.sandbox.blitz.as_ref().unwrap();
    blitz.set_fault(BlitzFault::ServerError);
    let picker = env.say(&customer, "/start", |it| button_data(it, "v1:l:").is_some());
    let menu = env.press(&customer, picker.message_id, "v1:l:en", |it| {
        button_data(it, "v1:t").is_some()
    });
    let offer = env.press(&customer, menu.message_id, "v1:t", |it| {
        button_data(it, "v1:tc").is_some()
    });
    env.press(&customer, offer.message_id, "v1:tc", |_| true);
    env.wait_new(&owner, 0, |it| has_text(it, "Blitz panel unreachable"));

    // Two more failed attempts must not alert again within the hour.
    let seen = blitz.request_count();
    until("two more provisioning attempts", async || {
        blitz.request_count() >= seen + 2
    })
    .await;
    assert_eq!(env.count(owner.id, "Blitz panel unreachable"), 1);

    blitz.set_fault(BlitzFault::None);
    env.wait_new(&customer, 0, |it| has_text(it, "hy2://"));
}
