//! The write-ahead log reaches the database file when the bot checkpoints, not on every commit.

use crate::{db, ok, user};

/// Users found in a copy of the database file alone, without its `-wal`.
fn users_in_main_file(db: &crate::Db) -> i64 {
    let copy = db.dir.path().join("main-only.sqlite");
    ok(std::fs::copy(&db.path, &copy));
    let conn = ok(rusqlite::Connection::open(&copy));
    ok(conn.query_row("SELECT count(*) FROM users", [], |row| row.get(0)))
}

#[tokio::test]
async fn commits_stay_in_the_log_until_a_checkpoint() {
    let db = db();
    ok(db.store.checkpoint().await);
    for id in 1..=5 {
        user(&db.store, id).await;
    }
    assert_eq!(
        users_in_main_file(&db),
        0,
        "no commit checkpointed by itself"
    );

    ok(db.store.checkpoint().await);
    assert_eq!(users_in_main_file(&db), 5);
}
