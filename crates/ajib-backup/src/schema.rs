//! The restored database must have exactly the schema AJIB's migrations create.
//!
//! Integrity and `user_version` say nothing about what else a file holds: an
//! archive handed to an owner could carry a trigger that marks orders paid, or
//! a view shadowing a table, and both would run inside the live bot. So before
//! a restore the candidate's `sqlite_master` (type, name, table and SQL of
//! every table, index, trigger and view) is compared with a database the
//! migrations made.
//!
//! This crate does not depend on the storage crate, so the caller passes its
//! migrations as a [`Migrate`] function (`ajib_storage::Store::open` brings any
//! file up to the current schema). Both a fresh database and a copy of the
//! candidate go through it: a candidate that matched the migrations at its own
//! version matches the fresh one after the remaining migrations, and any
//! object it has beyond them survives those migrations and is reported. The
//! live database is not touched.

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use crate::Error;

/// Brings the SQLite file at its argument to the current schema (creating it if missing).
pub type Migrate<'a> = &'a dyn Fn(&Path) -> Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// Tables SQLite makes by itself (`AUTOINCREMENT`, `ANALYZE`) and that no migration lists.
const SQLITE_OWN_TABLES: [&str; 4] = [
    "sqlite_sequence",
    "sqlite_stat1",
    "sqlite_stat3",
    "sqlite_stat4",
];

/// One row of `sqlite_master`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Object {
    kind: String,
    name: String,
    table: String,
    sql: Option<String>,
}

/// Refuses `candidate` with [`Error::SchemaDiffers`] unless its schema, migrated, equals a fresh one.
pub fn check_schema(candidate: &Path, migrate: Migrate<'_>) -> Result<(), Error> {
    let work = tempfile::Builder::new()
        .prefix("ajib-schema-")
        .tempdir()
        .map_err(|e| Error::io("create temp dir in", &std::env::temp_dir(), e))?;
    let expected_path = work.path().join("expected.db");
    migrate(&expected_path).map_err(|e| Error::DbUnreadable {
        path: expected_path.clone(),
        detail: format!("cannot create the reference schema: {e}"),
    })?;
    let copy = work.path().join("candidate.db");
    std::fs::copy(candidate, &copy).map_err(|e| Error::io("copy", candidate, e))?;
    let (version, _) = read(&copy)?;
    migrate(&copy).map_err(|e| Error::SchemaDiffers {
        difference: format!(
            "a database of schema version {version} cannot be migrated to this version: {e}"
        ),
    })?;
    let (expected_version, expected) = read(&expected_path)?;
    let (found_version, found) = read(&copy)?;
    if found_version != expected_version {
        return Err(Error::SchemaDiffers {
            difference: format!(
                "after migrating, it is at schema version {found_version}, not {expected_version}"
            ),
        });
    }
    match first_difference(&expected, &found) {
        Some(difference) => Err(Error::SchemaDiffers { difference }),
        None => Ok(()),
    }
}

/// The schema version and the sorted schema objects of the database at `path`.
fn read(path: &Path) -> Result<(u32, Vec<Object>), Error> {
    let unreadable = |e: rusqlite::Error| Error::DbUnreadable {
        path: path.to_owned(),
        detail: e.to_string(),
    };
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(unreadable)?;
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .map_err(unreadable)?;
    let mut stmt = conn
        .prepare("SELECT type, name, tbl_name, sql FROM sqlite_master")
        .map_err(unreadable)?;
    let mut objects: Vec<Object> = stmt
        .query_map([], |row| {
            Ok(Object {
                kind: row.get(0)?,
                name: row.get(1)?,
                table: row.get(2)?,
                sql: row.get(3)?,
            })
        })
        .map_err(unreadable)?
        .collect::<Result<_, _>>()
        .map_err(unreadable)?;
    // Only tables SQLite makes itself are skipped; a trigger or view with a reserved name is not.
    objects.retain(|it| !(it.kind == "table" && SQLITE_OWN_TABLES.contains(&it.name.as_str())));
    objects.sort();
    let version = u32::try_from(version).map_err(|_| Error::DbUnreadable {
        path: path.to_owned(),
        detail: format!("schema version {version} is out of range"),
    })?;
    Ok((version, objects))
}

/// Describes the first object that is extra, missing or different, in (type, name) order.
fn first_difference(expected: &[Object], found: &[Object]) -> Option<String> {
    let key = |it: &Object| (it.kind.clone(), it.name.clone());
    let (mut e, mut f) = (expected.iter().peekable(), found.iter().peekable());
    loop {
        match (e.peek(), f.peek()) {
            (None, None) => return None,
            (Some(want), None) => return Some(missing(want)),
            (None, Some(got)) => return Some(extra(got)),
            (Some(want), Some(got)) => match key(want).cmp(&key(got)) {
                std::cmp::Ordering::Less => return Some(missing(want)),
                std::cmp::Ordering::Greater => return Some(extra(got)),
                std::cmp::Ordering::Equal => {
                    if want != got {
                        return Some(format!(
                            "{} {:?} (on {}) differs from what AJIB's migrations create",
                            got.kind, got.name, got.table
                        ));
                    }
                    e.next();
                    f.next();
                }
            },
        }
    }
}

fn missing(it: &Object) -> String {
    format!(
        "it lacks the {} {:?} (on {}) that AJIB's migrations create",
        it.kind, it.name, it.table
    )
}

fn extra(it: &Object) -> String {
    format!(
        "it has a {} {:?} (on {}) that AJIB's migrations do not create",
        it.kind, it.name, it.table
    )
}
