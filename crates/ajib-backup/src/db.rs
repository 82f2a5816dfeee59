//! Read-only checks of a database file: opens, passes `integrity_check`, schema version.

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use crate::Error;

/// Opens `path` read-only, runs `PRAGMA integrity_check` and returns its schema version.
///
/// Fails with [`Error::SchemaTooNew`] when the version is above `max_schema_version`.
pub fn check_db(path: &Path, max_schema_version: u32) -> Result<u32, Error> {
    let conn = open_read_only(path)?;
    let unreadable = |e: rusqlite::Error| Error::DbUnreadable {
        path: path.to_owned(),
        detail: e.to_string(),
    };
    let mut stmt = conn.prepare("PRAGMA integrity_check").map_err(unreadable)?;
    let problems: Vec<String> = stmt
        .query_map([], |row| row.get::<_, String>(0))
        .map_err(unreadable)?
        .collect::<Result<_, _>>()
        .map_err(unreadable)?;
    if problems.len() != 1 || problems[0] != "ok" {
        let detail = problems.into_iter().take(5).collect::<Vec<_>>().join("; ");
        return Err(Error::DbIntegrity { detail });
    }
    let version = schema_version(&conn, path)?;
    if version > max_schema_version {
        return Err(Error::SchemaTooNew {
            found: version,
            supported: max_schema_version,
        });
    }
    Ok(version)
}

/// Returns the schema version (`PRAGMA user_version`) of the database at `path`.
pub fn read_schema_version(path: &Path) -> Result<u32, Error> {
    let conn = open_read_only(path)?;
    schema_version(&conn, path)
}

fn open_read_only(path: &Path) -> Result<Connection, Error> {
    if !path.is_file() {
        return Err(Error::DbUnreadable {
            path: path.to_owned(),
            detail: "no such file".to_owned(),
        });
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(|e| Error::DbUnreadable {
        path: path.to_owned(),
        detail: e.to_string(),
    })?;
    // A file that is not SQLite only fails on first read: force one now.
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |row| {
        row.get::<_, i64>(0)
    })
    .map_err(|e| Error::DbUnreadable {
        path: path.to_owned(),
        detail: e.to_string(),
    })?;
    Ok(conn)
}

fn schema_version(conn: &Connection, path: &Path) -> Result<u32, Error> {
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .map_err(|e| Error::DbUnreadable {
            path: path.to_owned(),
            detail: e.to_string(),
        })?;
    u32::try_from(version).map_err(|_| Error::DbUnreadable {
        path: path.to_owned(),
        detail: format!("schema version {version} is out of range"),
    })
}
