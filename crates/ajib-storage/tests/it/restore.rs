//! Restoring a backup in place over a live store: rows replaced, bad sources refused.

use std::path::Path;

use ajib_domain::TelegramId;
use ajib_storage::{CURRENT_SCHEMA_VERSION, Error, Store};
use rusqlite::Connection;

use crate::{db, ok, user};

/// The ids of every stored user, ascending.
async fn user_ids(store: &Store) -> Vec<i64> {
    let mut res = Vec::new();
    for id in 1..=10 {
        if ok(store.get_user(TelegramId(id)).await).is_some() {
            res.push(id);
        }
    }
    res
}

/// Restores `source` over a store holding users 1..=3 and asserts it was refused unchanged.
async fn check_refused(source: &Path, expected: fn(&Error) -> bool) {
    let db = db();
    for id in 1..=3 {
        user(&db.store, id).await;
    }
    match db.store.restore_from(source).await {
        Err(err) => assert!(expected(&err), "unexpected error: {err:?}"),
        Ok(()) => panic!("restoring {} should have failed", source.display()),
    }
    assert_eq!(user_ids(&db.store).await, [1, 2, 3]);
    ok(db.store.integrity_check().await);
    user(&db.store, 4).await;
    assert_eq!(user_ids(&db.store).await, [1, 2, 3, 4]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_replaces_every_row_with_the_backup() {
    let db = db();
    for id in [1, 2] {
        user(&db.store, id).await;
    }
    let copy = db.dir.path().join("copy.sqlite");
    ok(db.store.backup_to(&copy).await);
    for id in [3, 4, 5] {
        user(&db.store, id).await;
    }
    // Other pooled connections stay open across the restore.
    let reader = db.store.clone();
    let busy = tokio::spawn(async move {
        for _ in 0..50 {
            ok(reader.count_users().await);
        }
    });
    ok(db.store.restore_from(&copy).await);
    ok(busy.await);

    assert_eq!(user_ids(&db.store).await, [1, 2]);
    assert_eq!(ok(db.store.count_users().await), 2);
    ok(db.store.integrity_check().await);
    assert_eq!(ok(db.store.schema_version().await), CURRENT_SCHEMA_VERSION);
    // The restored database takes writes, and a fresh open sees the same rows.
    user(&db.store, 6).await;
    assert_eq!(user_ids(&db.store).await, [1, 2, 6]);
    drop(db.store);
    let reopened = ok(Store::open(&db.path));
    assert_eq!(user_ids(&reopened).await, [1, 2, 6]);
}

#[tokio::test]
async fn a_file_that_is_not_sqlite_is_refused() {
    let dir = ok(tempfile::tempdir());
    let source = dir.path().join("garbage.sqlite");
    ok(std::fs::write(&source, vec![0x42; 8192]));
    check_refused(&source, |err| matches!(err, Error::Corrupt(_))).await;
}

#[tokio::test]
async fn a_missing_file_is_refused_and_not_created() {
    let dir = ok(tempfile::tempdir());
    let source = dir.path().join("missing.sqlite");
    check_refused(&source, |err| matches!(err, Error::Corrupt(_))).await;
    assert!(!source.exists());
}

#[tokio::test]
async fn a_damaged_database_is_refused() {
    let source = {
        let db = db();
        for id in 1..=50 {
            user(&db.store, id + 100).await;
        }
        let source = db.dir.path().join("damaged.sqlite");
        ok(db.store.backup_to(&source).await);
        let conn = ok(Connection::open(&source));
        let root: i64 = ok(conn.query_row(
            "SELECT rootpage FROM sqlite_master WHERE name = 'users_created'",
            [],
            |row| row.get(0),
        ));
        let page_size: i64 = ok(conn.query_row("PRAGMA page_size", [], |row| row.get(0)));
        ok(conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);"));
        drop(conn);
        let mut bytes = ok(std::fs::read(&source));
        let end = usize::try_from(root * page_size).unwrap_or(0);
        assert!(
            end <= bytes.len() && end >= 200,
            "index page inside the file"
        );
        for byte in &mut bytes[end - 200..end] {
            *byte = 0x5a;
        }
        let kept = ok(tempfile::tempdir());
        let path = kept.path().join("damaged.sqlite");
        ok(std::fs::write(&path, bytes));
        (kept, path)
    };
    check_refused(&source.1, |err| matches!(err, Error::Corrupt(_))).await;
}

#[tokio::test]
async fn a_newer_schema_is_refused() {
    let dir = ok(tempfile::tempdir());
    let source = dir.path().join("future.sqlite");
    {
        let conn = ok(Connection::open(&source));
        ok(conn.execute_batch(&format!(
            "CREATE TABLE marker (x INTEGER); PRAGMA user_version = {};",
            CURRENT_SCHEMA_VERSION + 1
        )));
    }
    check_refused(&source, |err| matches!(err, Error::SchemaTooNew { .. })).await;
}
