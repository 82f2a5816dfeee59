//! Integration tests of the backup archive format: round trip, tampered archives,
//! signatures and schemas, and links planted in the service's directories.

mod hostile;
mod links;
mod roundtrip;
mod signed;
mod tamper;

use std::{
    io::Read,
    path::{Path, PathBuf},
};

use ajib_backup::{
    ApprovedArchive, ArchiveParts, EnvPart, Limits, SigningKey, Trust, VerifiedArchive,
};

/// Schema version the tests pretend the code knows.
pub const KNOWN_SCHEMA: u32 = 3;

/// The tests' "migrations": the one table every test database has.
const SCHEMA_SQL: &str = "CREATE TABLE users (name TEXT NOT NULL);";

/// The migrate function the tests pass: brings a file to [`KNOWN_SCHEMA`] as [`make_db`] does.
pub fn migrate(path: &Path) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let conn = rusqlite::Connection::open(path)?;
    let version: u32 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if version == 0 {
        conn.execute_batch(SCHEMA_SQL)?;
    }
    conn.pragma_update(None, "user_version", KNOWN_SCHEMA)?;
    Ok(())
}

/// The key the tests sign with.
pub fn key() -> SigningKey {
    SigningKey::from_bytes(&[0x42; 32])
}

/// Approves `verified` with [`key`] and the test migrations.
pub fn approve(
    verified: VerifiedArchive,
    trust: Trust,
) -> Result<ApprovedArchive, ajib_backup::Error> {
    verified.approve(Some(&key()), trust, &migrate)
}

/// Makes a small SQLite database with one row per `names` entry and the given user_version.
pub fn make_db(path: &Path, names: &[&str], schema_version: u32) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch("PRAGMA journal_mode=WAL;").unwrap();
    conn.execute_batch(SCHEMA_SQL).unwrap();
    for name in names {
        conn.execute("INSERT INTO users (name) VALUES (?1)", [name])
            .unwrap();
    }
    conn.pragma_update(None, "user_version", schema_version)
        .unwrap();
}

/// Reads back the user names of a database.
pub fn db_names(path: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare("SELECT name FROM users ORDER BY rowid")
        .unwrap();
    stmt.query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// Writes a good archive, signed with [`key`], into `dir` and returns its path.
pub fn good_archive(dir: &Path, schema_version: u32) -> PathBuf {
    archive_of(dir, schema_version, Some(key()), |_| ())
}

/// Writes an archive of a test database that `change` may alter, signed with `signing_key`.
pub fn archive_of(
    dir: &Path,
    schema_version: u32,
    signing_key: Option<SigningKey>,
    change: impl FnOnce(&rusqlite::Connection),
) -> PathBuf {
    let db = dir.join("copy.db");
    let _ = std::fs::remove_file(&db);
    make_db(&db, &["alice", "bob"], schema_version);
    change(&rusqlite::Connection::open(&db).unwrap());
    let parts = ArchiveParts {
        db,
        schema_version,
        app_version: "0.1.0".to_owned(),
        host: "test-host".to_owned(),
        created_unix: 1_735_689_599,
        env: Some(EnvPart::redacted(
            "# AJIB\nTELEGRAM_BOT_TOKEN=123:secret\nLOG_LEVEL=info\n",
            &|k| k == "TELEGRAM_BOT_TOKEN",
        )),
        plans_json: Some(br#"[{"name":"month","price":"5.00"}]"#.to_vec()),
        signing_key,
        owner: None,
    };
    let out = ajib_backup::unused_archive_path(dir, parts.created_unix);
    ajib_backup::create_archive(&out, &parts).unwrap();
    out
}

/// Limits with the test schema version.
pub fn limits() -> Limits {
    Limits::standard(KNOWN_SCHEMA)
}

/// Reads a file fully.
pub fn read(path: &Path) -> Vec<u8> {
    let mut res = Vec::new();
    std::fs::File::open(path)
        .unwrap()
        .read_to_end(&mut res)
        .unwrap();
    res
}

use ajib_testkit::hostile::check as check_hostile;
