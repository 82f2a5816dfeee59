//! The connection pool, migrations, and the plumbing every repository shares.

use std::{
    fmt,
    path::{Path, PathBuf},
    sync::Arc,
};

use ajib_domain::{Currency, Money, UnixTime};
use deadpool_sqlite::{Hook, HookError, Pool, Runtime};
use rusqlite::{Connection, OptionalExtension, Params, Row, Transaction, TransactionBehavior};

use crate::Error;

/// The schema version this build creates and understands.
pub const CURRENT_SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// Numbered migrations; entry `i` moves the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_init.sql"),
    include_str!("../migrations/0002_test_reset.sql"),
    include_str!("../migrations/0003_broadcast_photo.sql"),
    include_str!("../migrations/0004_dialogs.sql"),
    include_str!("../migrations/0005_inbox.sql"),
    include_str!("../migrations/0006_ledger.sql"),
    include_str!("../migrations/0007_auto_renew.sql"),
    include_str!("../migrations/0008_topups.sql"),
    include_str!("../migrations/0009_mail.sql"),
    include_str!("../migrations/0010_scale_indexes.sql"),
    include_str!("../migrations/0011_panels.sql"),
    include_str!("../migrations/0012_referrals.sql"),
    include_str!("../migrations/0013_promo_codes.sql"),
    include_str!("../migrations/0014_languages.sql"),
    include_str!("../migrations/0015_stars.sql"),
    include_str!("../migrations/0016_card_payments.sql"),
    include_str!("../migrations/0017_agents.sql"),
];

/// Settings every pooled connection gets; WAL itself is persistent in the file.
const CONNECTION_PRAGMAS: &str = "PRAGMA busy_timeout = 5000;
PRAGMA foreign_keys = ON;
PRAGMA synchronous = NORMAL;";

/// Backup steps tried while SQLite reports the source busy, 50 ms apart.
const BACKUP_ATTEMPTS: u32 = 100;

/// Prepared statements the store's own connection keeps.
const QUICK_STATEMENT_CACHE: usize = 256;

/// Connections in the pool; SQLite serialises writers, so more would only wait.
const POOL_SIZE: usize = 8;

/// A handle to the database: cheap to clone, safe to share between tasks.
///
/// Short statements — nearly all of them — run on one connection of their
/// own, inline on the calling task's thread, one at a time: a statement takes
/// microseconds, a hand-off to a blocking thread and back costs more, and
/// writers queued here never meet SQLite's sleeping busy handler. Long work
/// (backups, restores, whole-table scans) runs on pooled connections on the
/// blocking pool (`with_conn_long`) so it holds no one else up.
#[derive(Clone)]
pub struct Store {
    quick: Arc<tokio::sync::Mutex<Connection>>,
    pool: Pool,
    path: PathBuf,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    ///
    /// Blocking: it runs the migrations before returning. Refuses a database
    /// written by a newer build with [`Error::SchemaTooNew`]. The returned store
    /// must be used from inside a tokio runtime.
    pub fn open(path: &Path) -> Result<Self, Error> {
        let mut conn = Connection::open(path)?;
        configure(&mut conn)?;
        migrate(&mut conn)?;
        // Every statement the bot runs, prepared once: rusqlite keeps only 16.
        conn.set_prepared_statement_cache_capacity(QUICK_STATEMENT_CACHE);
        // A checkpoint syncs the file: not on the thread of whoever committed
        // last, but in `checkpoint`, on the blocking pool (the pool's
        // connections, and closing any connection, still checkpoint as usual).
        conn.execute_batch("PRAGMA wal_autocheckpoint = 0;")?;
        let manager = deadpool_sqlite::Manager::from_config(
            &deadpool_sqlite::Config::new(path),
            Runtime::Tokio1,
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(Runtime::Tokio1)
            .post_create(Hook::async_fn(|conn, _| {
                Box::pin(async move {
                    conn.interact(|conn| conn.execute_batch(CONNECTION_PRAGMAS))
                        .await
                        .map_err(|e| HookError::message(format!("connection setup: {e}")))?
                        .map_err(HookError::Backend)
                })
            }))
            .build()
            .map_err(|e| Error::Pool {
                message: e.to_string(),
            })?;
        Ok(Self {
            quick: Arc::new(tokio::sync::Mutex::new(conn)),
            pool,
            path: path.to_owned(),
        })
    }

    /// The database file.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version stored in the file (`PRAGMA user_version`).
    pub async fn schema_version(&self) -> Result<u32, Error> {
        self.with_conn(|conn| user_version(conn)).await
    }

    /// Writes a consistent copy of the whole database to `dest`, while others keep writing.
    ///
    /// The copy is written beside `dest` and renamed into place, so `dest` is
    /// either the old file or a complete backup.
    pub async fn backup_to(&self, dest: &Path) -> Result<(), Error> {
        let dest = dest.to_owned();
        self.with_conn_long(move |conn| {
            let mut partial = dest.clone().into_os_string();
            partial.push(".partial");
            let partial = PathBuf::from(partial);
            // A leftover from an interrupted backup would be overwritten page by page anyway.
            let _ = std::fs::remove_file(&partial);
            {
                let mut out = Connection::open(&partial)?;
                let backup = rusqlite::backup::Backup::new(conn, &mut out)?;
                copy_all_pages(&backup, "backup")?;
            }
            std::fs::rename(&partial, &dest).map_err(|source| Error::Io {
                path: dest.clone(),
                source,
            })
        })
        .await
    }

    /// Replaces the whole database with the SQLite file at `source`, in place, while the pool stays open.
    ///
    /// SQLite's backup API copies `source` over the live database inside one write
    /// transaction on a pooled connection; the other connections see the new
    /// content on their next statement. `source` is opened read-only and checked
    /// first: a missing file, one that is not SQLite or one that fails
    /// `integrity_check` is [`Error::Corrupt`], a newer schema is
    /// [`Error::SchemaTooNew`], and in every such case nothing changes. An older
    /// schema is migrated after the copy.
    pub async fn restore_from(&self, source: &Path) -> Result<(), Error> {
        let source = source.to_owned();
        self.with_write_long(move |conn| {
            let src = open_restore_source(&source)?;
            let found = user_version(&src)?;
            if found > CURRENT_SCHEMA_VERSION {
                return Err(Error::SchemaTooNew {
                    found,
                    known: CURRENT_SCHEMA_VERSION,
                });
            }
            {
                let backup = rusqlite::backup::Backup::new_with_names(
                    &src,
                    rusqlite::MAIN_DB,
                    conn,
                    rusqlite::MAIN_DB,
                )?;
                copy_all_pages(&backup, "restore")?;
            }
            check_integrity(conn)?;
            migrate(conn)
        })
        .await
    }

    /// Runs `PRAGMA integrity_check`; [`Error::Corrupt`] with SQLite's findings unless it says `ok`.
    pub async fn integrity_check(&self) -> Result<(), Error> {
        self.with_conn_long(|conn| check_integrity(conn)).await
    }

    /// Copies what the write-ahead log holds into the database file, without
    /// waiting for anyone: the bot calls it every second or so, since the
    /// store's own connection never checkpoints by itself.
    pub async fn checkpoint(&self) -> Result<(), Error> {
        self.with_conn_long(|conn| {
            conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
            Ok(())
        })
        .await
    }

    /// Runs `f`, which must be short, on the store's own connection, inline.
    ///
    /// Callers queue for the connection without holding a thread, so a
    /// write here never waits on another writer of this process.
    pub(crate) async fn with_conn<T, F>(&self, f: F) -> Result<T, Error>
    where
        F: FnOnce(&mut Connection) -> Result<T, Error>,
    {
        let mut conn = self.quick.lock().await;
        f(&mut conn)
    }

    /// Runs `f`, a long read, on a pooled connection on a blocking thread; the
    /// short statements of everyone else go on meanwhile (WAL readers wait for no one).
    pub(crate) async fn with_conn_long<T, F>(&self, f: F) -> Result<T, Error>
    where
        F: FnOnce(&mut Connection) -> Result<T, Error> + Send + 'static,
        T: Send + 'static,
    {
        let conn = self.pool.get().await.map_err(|e| Error::Pool {
            message: e.to_string(),
        })?;
        conn.interact(f).await.map_err(|e| Error::Pool {
            message: format!("database task failed: {e}"),
        })?
    }

    /// Runs `f`, a long write, on a blocking thread while holding the short
    /// statements' connection, so none of them meets its lock and sleeps.
    pub(crate) async fn with_write_long<T, F>(&self, f: F) -> Result<T, Error>
    where
        F: FnOnce(&mut Connection) -> Result<T, Error> + Send + 'static,
        T: Send + 'static,
    {
        let _quiet = self.quick.lock().await;
        self.with_conn_long(f).await
    }

    /// Like [`Self::with_tx`], for a long write (see [`Self::with_write_long`]).
    pub(crate) async fn with_tx_long<T, F>(&self, f: F) -> Result<T, Error>
    where
        F: FnOnce(&Transaction<'_>) -> Result<T, Error> + Send + 'static,
        T: Send + 'static,
    {
        self.with_write_long(move |conn| in_immediate_tx(conn, f))
            .await
    }

    /// Runs `f` inside one `BEGIN IMMEDIATE` transaction, committed if `f` succeeds.
    ///
    /// Immediate: the write lock is taken up front, so a read-then-write
    /// sequence cannot be overtaken by another writer between its steps.
    pub(crate) async fn with_tx<T, F>(&self, f: F) -> Result<T, Error>
    where
        F: FnOnce(&Transaction<'_>) -> Result<T, Error>,
    {
        self.with_conn(move |conn| in_immediate_tx(conn, f)).await
    }
}

/// Runs `f` in a `BEGIN IMMEDIATE` transaction, committed if `f` succeeds
/// (rolled back when the transaction is dropped otherwise).
fn in_immediate_tx<T>(
    conn: &mut Connection,
    f: impl FnOnce(&Transaction<'_>) -> Result<T, Error>,
) -> Result<T, Error> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let res = f(&tx)?;
    tx.commit()?;
    Ok(res)
}

fn configure(conn: &mut Connection) -> Result<(), Error> {
    conn.execute_batch(CONNECTION_PRAGMAS)?;
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        log::warn!("sqlite refused WAL mode and uses {mode}");
    }
    Ok(())
}

/// [`Error::Corrupt`] with SQLite's findings unless `PRAGMA integrity_check` says `ok`.
fn check_integrity(conn: &Connection) -> Result<(), Error> {
    // Damage bad enough can make the check itself fail; that is corruption too.
    let lines = integrity_lines(conn).map_err(corrupt_or_sqlite)?;
    match lines.as_slice() {
        [ok] if ok == "ok" => Ok(()),
        _ => Err(Error::Corrupt(lines.join("; "))),
    }
}

fn corrupt_or_sqlite(e: rusqlite::Error) -> Error {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase) => {
            Error::Corrupt(e.to_string())
        }
        _ => e.into(),
    }
}

/// Opens a restore source read-only and proves it is a sound SQLite database.
fn open_restore_source(path: &Path) -> Result<Connection, Error> {
    if !path.is_file() {
        return Err(Error::Corrupt(format!("{} is not a file", path.display())));
    }
    let flags =
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(corrupt_or_sqlite)?;
    // A file that is not SQLite only fails on first read, which the check forces.
    check_integrity(&conn)?;
    Ok(conn)
}

fn integrity_lines(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare("PRAGMA integrity_check")?;
    stmt.query_map([], |row| row.get::<_, String>(0))?.collect()
}

fn user_version(conn: &Connection) -> Result<u32, Error> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    u32::try_from(version).map_err(|_| Error::Decode {
        column: "user_version",
        raw: version.to_string(),
    })
}

fn migrate(conn: &mut Connection) -> Result<(), Error> {
    // A migration that rebuilds a table (0011 rebuilds `services`) drops the
    // old one while other tables still refer to it: SQLite's documented way
    // is foreign keys off for the transaction, then `foreign_key_check`
    // before commit. The pragma is a no-op inside a transaction, so it is
    // set around it.
    conn.execute_batch("PRAGMA foreign_keys = OFF")?;
    let res = migrate_in_tx(conn);
    conn.execute_batch("PRAGMA foreign_keys = ON")?;
    res
}

fn migrate_in_tx(conn: &mut Connection) -> Result<(), Error> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found = user_version(&tx)?;
    if found > CURRENT_SCHEMA_VERSION {
        return Err(Error::SchemaTooNew {
            found,
            known: CURRENT_SCHEMA_VERSION,
        });
    }
    for (idx, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let version = idx + 1;
        log::info!("migrating the database to schema version {version}");
        tx.execute_batch(sql)?;
        // PRAGMA takes no bound parameters; the number is ours, not input.
        tx.execute_batch(&format!("PRAGMA user_version = {version}"))?;
    }
    // Only after a migration ran: the check reads every table.
    let broken: i64 = match found < CURRENT_SCHEMA_VERSION {
        true => tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |row| {
            row.get(0)
        })?,
        false => 0,
    };
    if broken > 0 {
        return Err(Error::Corrupt(format!(
            "{broken} rows refer to missing rows after migrating"
        )));
    }
    tx.commit()?;
    Ok(())
}

/// Reads every row of `sql` with `read`.
pub(crate) fn query_vec<T>(
    conn: &Connection,
    sql: &str,
    params: impl Params,
    read: fn(&Row<'_>) -> Result<T, Error>,
) -> Result<Vec<T>, Error> {
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query(params)?;
    let mut res = Vec::new();
    while let Some(row) = rows.next()? {
        res.push(read(row)?);
    }
    Ok(res)
}

/// Reads the first row of `sql` with `read`, if there is one.
pub(crate) fn query_opt<T>(
    conn: &Connection,
    sql: &str,
    params: impl Params,
    read: fn(&Row<'_>) -> Result<T, Error>,
) -> Result<Option<T>, Error> {
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query(params)?;
    match rows.next()? {
        Some(row) => read(row).map(Some),
        None => Ok(None),
    }
}

/// Reads one integer such as a `COUNT(*)` as `u64`.
pub(crate) fn query_count(conn: &Connection, sql: &str, params: impl Params) -> Result<u64, Error> {
    let n: i64 = conn
        .prepare_cached(sql)?
        .query_row(params, |row| row.get(0))?;
    to_u64("count", n)
}

/// `Ok` if a statement changed exactly one row, [`Error::NotFound`] for `what` if none.
pub(crate) fn one_row(what: &'static str, changed: usize) -> Result<(), Error> {
    match changed {
        0 => Err(Error::NotFound { what }),
        _ => Ok(()),
    }
}

/// Whether a row exists for `sql`.
pub(crate) fn query_exists(
    conn: &Connection,
    sql: &str,
    params: impl Params,
) -> Result<bool, Error> {
    Ok(conn
        .prepare_cached(sql)?
        .query_row(params, |_| Ok(()))
        .optional()?
        .is_some())
}

pub(crate) fn to_u64(column: &'static str, value: i64) -> Result<u64, Error> {
    u64::try_from(value).map_err(|_| Error::Decode {
        column,
        raw: value.to_string(),
    })
}

pub(crate) fn to_u32(column: &'static str, value: i64) -> Result<u32, Error> {
    u32::try_from(value).map_err(|_| Error::Decode {
        column,
        raw: value.to_string(),
    })
}

/// A `u64` for an INTEGER column, which holds at most `i64::MAX`.
pub(crate) fn to_sql_u64(what: &'static str, value: u64) -> Result<i64, Error> {
    i64::try_from(value).map_err(|_| Error::Decode {
        column: what,
        raw: value.to_string(),
    })
}

pub(crate) fn time(row: &Row<'_>, column: &'static str) -> Result<UnixTime, Error> {
    Ok(UnixTime(row.get(column)?))
}

pub(crate) fn opt_time(row: &Row<'_>, column: &'static str) -> Result<Option<UnixTime>, Error> {
    Ok(row.get::<_, Option<i64>>(column)?.map(UnixTime))
}

pub(crate) fn money(
    row: &Row<'_>,
    minor_column: &'static str,
    currency_column: &'static str,
) -> Result<Money, Error> {
    let code: String = row.get(currency_column)?;
    let currency = Currency::new(&code).map_err(|_| Error::Decode {
        column: currency_column,
        raw: code,
    })?;
    let minor: i64 = row.get(minor_column)?;
    Money::from_minor(minor, currency).map_err(|_| Error::Decode {
        column: minor_column,
        raw: minor.to_string(),
    })
}

/// Runs a backup (either direction) to completion, retrying while the database is busy.
///
/// One step of all pages copies one read snapshot, so writers cannot force restarts.
fn copy_all_pages(backup: &rusqlite::backup::Backup<'_, '_>, what: &str) -> Result<(), Error> {
    for _ in 0..BACKUP_ATTEMPTS {
        if backup.step(-1)? == rusqlite::backup::StepResult::Done {
            return Ok(());
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    Err(Error::Pool {
        message: format!("{what}: the database stayed locked"),
    })
}
