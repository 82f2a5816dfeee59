//! Opening, migrating, refusing newer schemas, backups and integrity checks.

use ajib_domain::Lang;
use ajib_storage::{CURRENT_SCHEMA_VERSION, Error, Store};
use rusqlite::Connection;

use crate::{db, ok, t, user};

/// The migrations in order, as releases applied them.
const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/0001_init.sql"),
    include_str!("../../migrations/0002_test_reset.sql"),
    include_str!("../../migrations/0003_broadcast_photo.sql"),
    include_str!("../../migrations/0004_dialogs.sql"),
    include_str!("../../migrations/0005_inbox.sql"),
    include_str!("../../migrations/0006_ledger.sql"),
    include_str!("../../migrations/0007_auto_renew.sql"),
    include_str!("../../migrations/0008_topups.sql"),
    include_str!("../../migrations/0009_mail.sql"),
    include_str!("../../migrations/0010_scale_indexes.sql"),
];

/// A database file at `path` as a release with schema `version` left it.
fn schema_at(path: &std::path::Path, version: usize) -> Connection {
    let conn = ok(Connection::open(path));
    for sql in &MIGRATIONS[..version] {
        ok(conn.execute_batch(sql));
    }
    ok(conn.execute_batch(&format!("PRAGMA user_version = {version};")));
    conn
}

fn user_version(path: &std::path::Path) -> i64 {
    let conn = ok(Connection::open(path));
    ok(conn.query_row("PRAGMA user_version", [], |row| row.get(0)))
}

#[tokio::test]
async fn fresh_database_gets_the_current_schema_in_wal_mode() {
    let db = db();
    assert_eq!(ok(db.store.schema_version().await), CURRENT_SCHEMA_VERSION);
    let conn = ok(Connection::open(&db.path));
    let mode: String = ok(conn.query_row("PRAGMA journal_mode", [], |row| row.get(0)));
    assert_eq!(mode, "wal");
    ok(db.store.integrity_check().await);
}

#[tokio::test]
async fn pooled_connections_enforce_foreign_keys() {
    let db = db();
    // An order for a user that does not exist violates orders.user_id's foreign key.
    let plan = crate::plan(&db.store, 30, 500).await;
    let new = ajib_storage::NewOrder {
        user: ajib_domain::TelegramId(404),
        plan: plan.id,
        renews: None,
        amount: plan.price,
        note: None,
        location: None,
    };
    assert!(matches!(
        db.store.create_order(&new, t(1)).await,
        Err(Error::Sqlite(_))
    ));
}

#[tokio::test]
async fn reopening_is_a_no_op_and_keeps_data() {
    let db = db();
    user(&db.store, 1).await;
    drop(db.store);
    let store = ok(Store::open(&db.path));
    assert_eq!(ok(store.schema_version().await), CURRENT_SCHEMA_VERSION);
    assert_eq!(ok(store.count_users().await), 1);
}

#[tokio::test]
async fn an_empty_existing_file_is_migrated() {
    let dir = ok(tempfile::tempdir());
    let path = dir.path().join("empty.sqlite");
    ok(std::fs::write(&path, b""));
    let store = ok(Store::open(&path));
    assert_eq!(ok(store.schema_version().await), CURRENT_SCHEMA_VERSION);
}

#[tokio::test]
async fn a_newer_schema_is_refused_and_left_alone() {
    let dir = ok(tempfile::tempdir());
    let path = dir.path().join("future.sqlite");
    let future = i64::from(CURRENT_SCHEMA_VERSION) + 1;
    {
        let conn = ok(Connection::open(&path));
        ok(conn.execute_batch(&format!(
            "CREATE TABLE marker (x INTEGER); PRAGMA user_version = {future};"
        )));
    }
    match Store::open(&path) {
        Err(Error::SchemaTooNew { found, known }) => {
            assert_eq!((i64::from(found), known), (future, CURRENT_SCHEMA_VERSION));
        }
        other => panic!("expected SchemaTooNew, got {other:?}"),
    }
    assert_eq!(user_version(&path), future);
}

#[tokio::test]
async fn a_failing_migration_changes_nothing() {
    let dir = ok(tempfile::tempdir());
    let path = dir.path().join("clash.sqlite");
    {
        // A table the first migration also creates makes it fail half-way.
        let conn = ok(Connection::open(&path));
        ok(conn.execute_batch("CREATE TABLE jobs (x INTEGER);"));
    }
    assert!(matches!(Store::open(&path), Err(Error::Sqlite(_))));
    assert_eq!(user_version(&path), 0);
    let conn = ok(Connection::open(&path));
    let tables: i64 = ok(conn.query_row(
        "SELECT COUNT(*) FROM sqlite_master WHERE name = 'users'",
        [],
        |row| row.get(0),
    ));
    assert_eq!(
        tables, 0,
        "the migration's earlier statements must be rolled back"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_all_land() {
    let db = db();
    let mut tasks = Vec::new();
    for writer in 0..20i64 {
        let store = db.store.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..25i64 {
                user(&store, writer * 1_000 + i).await;
            }
        }));
    }
    for task in tasks {
        ok(task.await);
    }
    assert_eq!(ok(db.store.count_users().await), 500);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn backup_while_writing_is_consistent() {
    let db = db();
    for id in 0..200 {
        user(&db.store, id).await;
    }
    let writer = {
        let store = db.store.clone();
        tokio::spawn(async move {
            for id in 200..400 {
                user(&store, id).await;
            }
        })
    };
    let dest = db.dir.path().join("backup.sqlite");
    ok(db.store.backup_to(&dest).await);
    ok(writer.await);

    let copy = ok(Store::open(&dest));
    ok(copy.integrity_check().await);
    assert_eq!(ok(copy.schema_version().await), CURRENT_SCHEMA_VERSION);
    let n = ok(copy.count_users().await);
    assert!((200..=400).contains(&n), "backup has {n} users");
    assert!(!dest.with_extension("sqlite.partial").exists());

    // A second backup replaces the first with everything.
    ok(db.store.backup_to(&dest).await);
    drop(copy);
    let copy = ok(Store::open(&dest));
    assert_eq!(ok(copy.count_users().await), 400);
}

#[tokio::test]
async fn integrity_check_reports_a_damaged_index() {
    let db = db();
    for id in 0..50 {
        user(&db.store, id).await;
    }
    let conn = ok(Connection::open(&db.path));
    let root: i64 = ok(conn.query_row(
        "SELECT rootpage FROM sqlite_master WHERE name = 'users_created'",
        [],
        |row| row.get(0),
    ));
    let page_size: i64 = ok(conn.query_row("PRAGMA page_size", [], |row| row.get(0)));
    ok(conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);"));
    drop(conn);
    drop(db.store);

    // Overwrite the end of the index page, where its cells live.
    let mut bytes = ok(std::fs::read(&db.path));
    let end = usize::try_from(root * page_size).unwrap_or(0);
    assert!(
        end <= bytes.len() && end >= 200,
        "index page {root} inside the file"
    );
    for byte in &mut bytes[end - 200..end] {
        *byte = 0x5a;
    }
    ok(std::fs::write(&db.path, bytes));

    let store = ok(Store::open(&db.path));
    match store.integrity_check().await {
        Err(Error::Corrupt(message)) => assert!(!message.is_empty()),
        other => panic!("expected Corrupt, got {other:?}"),
    }
}

#[tokio::test]
async fn version_1_database_gets_test_resets_and_keeps_its_test_orders() {
    let dir = ok(tempfile::tempdir());
    let path = dir.path().join("v1.sqlite");
    {
        let conn = schema_at(&path, 1);
        ok(conn.execute_batch(
            "INSERT INTO users (id, first_name, created_at, last_seen) VALUES (7, 'A', 1, 1);
             INSERT INTO orders (user_id, kind, amount_minor, currency, status, created_at, updated_at)
                 VALUES (7, 'test', 0, 'USD', 'provisioned', 1, 1);",
        ));
    }
    let store = ok(Store::open(&path));
    assert_eq!(ok(store.schema_version().await), CURRENT_SCHEMA_VERSION);
    assert_eq!(user_version(&path), i64::from(CURRENT_SCHEMA_VERSION));
    let user = ajib_domain::TelegramId(7);
    assert!(ok(store.has_test_order(user).await));
    assert!(matches!(
        store.create_test_order(user, t(2)).await,
        Err(Error::TestAlreadyUsed { .. })
    ));
    assert!(ok(store.reset_test_eligibility(user, t(3)).await));
    assert!(!ok(store.has_test_order(user).await));
    ok(store.create_test_order(user, t(4)).await);
    assert_eq!(ok(store.orders_of_user(user).await).len(), 2);
}

#[tokio::test]
async fn version_9_database_gets_its_totals_from_its_rows() {
    let dir = ok(tempfile::tempdir());
    let path = dir.path().join("v9.sqlite");
    {
        let conn = schema_at(&path, 9);
        ok(conn.execute_batch(
            "
             INSERT INTO users (id, first_name, created_at, last_seen) VALUES (7, 'A', 1, 1), (8, 'B', 1, 1);
             INSERT INTO users (id, first_name, blocked_bot, created_at, last_seen) VALUES (9, 'C', 1, 1, 1);
             INSERT INTO ledger (user_id, currency, amount_minor, cause, actor_id, created_at)
                 VALUES (7, 'USD', 500, 'adjustment', 1, 2), (8, 'USD', 250, 'adjustment', 1, 2),
                        (7, 'EUR', 100, 'adjustment', 1, 2), (7, 'EUR', -100, 'adjustment', 1, 3);",
        ));
    }
    let store = ok(Store::open(&path));
    assert_eq!(ok(store.balances_owed().await), [crate::usd(750)]);
    let summary = ok(store.summary(t(0), t(5)).await);
    assert_eq!((summary.users_total, summary.users_blocked), (3, 1));
    // Later rows are added as they arrive.
    ok(store
        .adjust_balance(
            ajib_domain::TelegramId(8),
            ajib_domain::Currency::USD,
            -50,
            ajib_domain::TelegramId(1),
            "correction",
            t(4),
        )
        .await);
    assert_eq!(ok(store.balances_owed().await), [crate::usd(700)]);
}

#[tokio::test]
async fn version_10_database_keeps_every_service_on_the_panel_of_its_config() {
    let dir = ok(tempfile::tempdir());
    let path = dir.path().join("v10.sqlite");
    {
        let conn = schema_at(&path, 10);
        ok(conn.execute_batch(
            "INSERT INTO users (id, first_name, created_at, last_seen) VALUES (7, 'A', 1, 1);
             INSERT INTO plans (name_en, name_fa, days, traffic_gb, price_minor, currency, created_at, updated_at)
                 VALUES ('Month', 'ماه', 30, 50, 500, 'USD', 1, 1);
             INSERT INTO orders (user_id, plan_id, kind, amount_minor, currency, status, created_at, updated_at)
                 VALUES (7, 1, 'new', 500, 'USD', 'provisioned', 1, 1), (7, 1, 'new', 500, 'USD', 'provisioned', 2, 2);
             INSERT INTO services (user_id, order_id, blitz_username, plan_id, is_test, created_at, expires_at,
                                   traffic_limit_bytes, status, auto_renew)
                 VALUES (7, 1, 'ajib_7_1', 1, 0, 1, 99999999999, 53687091200, 'active', 1),
                        (7, 2, 'ajib_7_2', 1, 0, 2, 3, NULL, 'expired', 0);
             UPDATE orders SET service_id = id;
             INSERT INTO reminders (service_id, kind, sent_at) VALUES (2, 'expired', 4);
             UPDATE tallies SET n = 1 WHERE name = 'services_active';",
        ));
    }
    let store = ok(Store::open(&path));
    assert_eq!(ok(store.schema_version().await), CURRENT_SCHEMA_VERSION);
    ok(store.integrity_check().await);
    let panels = ok(store.list_panels().await);
    assert_eq!(panels.len(), 1, "one panel: the configured one");
    let first = &panels[0];
    assert_eq!(first.id, ajib_domain::PanelId::FIRST);
    assert_eq!(first.token, ajib_storage::TokenRef::Config);
    assert_eq!(first.api_base, None, "BLITZ_API_BASE stays in the config");
    assert_eq!(
        (first.active, first.capacity, first.enabled),
        (1, None, true)
    );
    let services = ok(store.services_of_user(ajib_domain::TelegramId(7)).await);
    assert_eq!(services.len(), 2);
    for service in &services {
        assert_eq!(service.panel, ajib_domain::PanelId::FIRST);
    }
    assert_eq!(services[1].blitz_username, "ajib_7_1");
    assert_eq!(
        services[1].traffic_limit_bytes,
        Some(53_687_091_200),
        "every column is carried over"
    );
    assert!(
        ok(store.plan_panels(ajib_domain::PlanId(1)).await).is_empty(),
        "sold everywhere"
    );
    let conn = ok(Connection::open(&path));
    let broken: i64 = ok(conn.query_row(
        "SELECT count(*) FROM pragma_foreign_key_check",
        [],
        |row| row.get(0),
    ));
    assert_eq!(broken, 0);
    let auto: i64 = ok(
        conn.query_row("SELECT auto_renew FROM services WHERE id = 1", [], |row| {
            row.get(0)
        }),
    );
    assert_eq!(auto, 1);
    // The per-panel count follows later changes.
    ok(store
        .set_service_status(services[1].id, ajib_domain::ServiceStatus::Disabled)
        .await);
    assert_eq!(
        ok(store.get_panel(ajib_domain::PanelId::FIRST).await)
            .unwrap()
            .active,
        0
    );
}

/// The names of the indexes and triggers on `users`, sorted.
fn users_schema_objects(conn: &Connection) -> Vec<String> {
    let mut stmt = ok(conn.prepare(
        "SELECT type || ' ' || name FROM sqlite_master \
         WHERE tbl_name = 'users' AND type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY 1",
    ));
    ok(ok(stmt.query_map([], |row| row.get(0))).collect::<Result<_, _>>())
}

#[tokio::test]
async fn version_10_users_keep_everything_and_may_speak_any_language() {
    let dir = ok(tempfile::tempdir());
    let path = dir.path().join("v10-langs.sqlite");
    let before = {
        let conn = schema_at(&path, 10);
        ok(conn.execute_batch(
            "INSERT INTO users (id, username, first_name, lang, blocked_bot, banned, start_payload, created_at, last_seen)
                 VALUES (7, 'Seven', 'A', 'fa', 1, 0, 'ref_1', 10, 20),
                        (8, NULL, 'B', 'en', 0, 1, NULL, 11, 21),
                        (9, NULL, 'C', NULL, 0, 0, NULL, 12, 22);",
        ));
        users_schema_objects(&conn)
    };
    let store = ok(Store::open(&path));
    ok(store.integrity_check().await);
    let seven = ok(store.get_user(ajib_domain::TelegramId(7)).await).expect("user 7 kept");
    assert_eq!(
        (
            seven.username.as_deref(),
            seven.lang,
            seven.blocked_bot,
            seven.created,
            seven.last_seen
        ),
        (Some("Seven"), Some(Lang::FA), true, t(10), t(20))
    );
    let eight = ok(store.get_user(ajib_domain::TelegramId(8)).await).expect("user 8 kept");
    assert_eq!((eight.lang, eight.banned), (Some(Lang::EN), true));
    let summary = ok(store.summary(t(0), t(50)).await);
    assert_eq!((summary.users_total, summary.users_blocked), (3, 1));

    // Russian, and a language an operator added, are stored and read back.
    let de = Lang::from_code("de").expect("a language code");
    ok(store
        .set_user_lang(ajib_domain::TelegramId(9), Lang::RU)
        .await);
    ok(store.set_user_lang(ajib_domain::TelegramId(8), de).await);
    for (id, lang) in [(8, de), (9, Lang::RU)] {
        let row = ok(store.get_user(ajib_domain::TelegramId(id)).await).expect("user kept");
        assert_eq!(row.lang, Some(lang));
    }

    let conn = ok(Connection::open(&path));
    assert_eq!(
        users_schema_objects(&conn),
        before,
        "indexes and triggers recreated"
    );
    // Only the shape of a code goes in.
    for bad in ["EN", "e", "engl", "e1", "ру", "en-US", ""] {
        let res = conn.execute("UPDATE users SET lang = ?1 WHERE id = 9", [bad]);
        assert!(res.is_err(), "{bad:?} was accepted");
    }
    ok(conn.execute("UPDATE users SET lang = 'ckb' WHERE id = 9", []));
    // The tallies' triggers still follow the table.
    ok(conn.execute("UPDATE users SET blocked_bot = 1 WHERE id = 9", []));
    ok(conn.execute("DELETE FROM users WHERE id = 8", []));
    let tallies: (i64, i64) = ok(conn.query_row(
        "SELECT (SELECT n FROM tallies WHERE name = 'users'), \
                (SELECT n FROM tallies WHERE name = 'users_blocked')",
        [],
        |row| Ok((row.get(0)?, row.get(1)?)),
    ));
    assert_eq!(tallies, (2, 2));
}
