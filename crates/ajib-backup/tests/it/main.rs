//! Integration tests of the backup archive format: round trip and tampered archives.

mod roundtrip;
mod tamper;

use std::{
    io::Read,
    path::{Path, PathBuf},
};

use ajib_backup::{ArchiveParts, EnvPart, Limits};

/// Schema version the tests pretend the code knows.
pub const KNOWN_SCHEMA: u32 = 3;

/// Makes a small SQLite database with one row per `names` entry and the given user_version.
pub fn make_db(path: &Path, names: &[&str], schema_version: u32) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch("PRAGMA journal_mode=WAL; CREATE TABLE users (name TEXT NOT NULL);")
        .unwrap();
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

/// Writes a good archive into `dir` and returns its path.
pub fn good_archive(dir: &Path, schema_version: u32) -> PathBuf {
    let db = dir.join("copy.db");
    make_db(&db, &["alice", "bob"], schema_version);
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
    };
    let out = dir.join(ajib_backup::backup_file_name(parts.created_unix));
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
