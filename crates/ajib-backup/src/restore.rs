//! Replacing the live database with a verified backup, keeping a safety copy first.

use std::{
    fs,
    io::ErrorKind,
    os::unix::fs::{MetadataExt, PermissionsExt},
    path::{Path, PathBuf},
    time::{SystemTime, UNIX_EPOCH},
};

use rusqlite::{Connection, MAIN_DB, OpenFlags};

use crate::{Error, VerifiedArchive};

/// What [`restore`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreReport {
    /// Where the previous database was saved, if there was one.
    pub safety_copy: Option<PathBuf>,
    /// The database that now holds the backup's content.
    pub db_path: PathBuf,
    /// Schema version of the restored database.
    pub schema_version: u32,
    /// When the restored backup was made (RFC 3339).
    pub backup_created_at: String,
}

/// Copies the current database into `safety_dir`, then atomically puts the backup in its place.
///
/// The service must be stopped first. Stale `-wal`/`-shm` files are removed before the
/// rename, so an old write-ahead log is never replayed into the restored file; at every
/// moment `db_path` is either the old database or the complete new one.
pub fn restore(
    verified: &VerifiedArchive,
    db_path: &Path,
    safety_dir: &Path,
) -> Result<RestoreReport, Error> {
    let dir = match db_path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    let safety_copy = match fs::metadata(db_path) {
        Ok(_) => Some(safety_copy(db_path, safety_dir)?),
        Err(e) if e.kind() == ErrorKind::NotFound => None,
        Err(e) => return Err(Error::io("inspect", db_path, e)),
    };

    let tmp = tempfile::Builder::new()
        .prefix(".ajib-restore-")
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(|e| Error::io("create temp file in", &dir, e))?;
    let src = verified.db_path();
    fs::copy(&src, tmp.path()).map_err(|e| Error::io("copy backup database to", tmp.path(), e))?;
    set_private(tmp.path())?;
    tmp.as_file()
        .sync_all()
        .map_err(|e| Error::io("sync", tmp.path(), e))?;
    if let Ok(old) = fs::metadata(db_path) {
        // Keep the owner the service runs as (ajib-ctl usually runs as root).
        if let Err(e) = std::os::unix::fs::chown(tmp.path(), Some(old.uid()), Some(old.gid())) {
            log::warn!(
                "could not give {} the old database's owner: {e}",
                tmp.path().display()
            );
        }
    }
    for suffix in ["-wal", "-shm", "-journal"] {
        let side = side_file(db_path, suffix);
        match fs::remove_file(&side) {
            Ok(()) => (),
            Err(e) if e.kind() == ErrorKind::NotFound => (),
            Err(e) => return Err(Error::io("remove stale", &side, e)),
        }
    }
    tmp.persist(db_path)
        .map_err(|e| Error::io("rename restored database to", db_path, e.error))?;
    crate::dir::sync_dir(&dir);
    Ok(RestoreReport {
        safety_copy,
        db_path: db_path.to_owned(),
        schema_version: verified.manifest().schema_version,
        backup_created_at: verified.manifest().created_at.clone(),
    })
}

fn side_file(db_path: &Path, suffix: &str) -> PathBuf {
    let mut name = db_path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Saves the current database (including its WAL) as `pre-restore-<time>.db`, 0600.
fn safety_copy(db_path: &Path, safety_dir: &Path) -> Result<PathBuf, Error> {
    fs::create_dir_all(safety_dir).map_err(|e| Error::io("create", safety_dir, e))?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let stamp = crate::time::compact_utc(now);
    let mut dest = safety_dir.join(format!("pre-restore-{stamp}.db"));
    let mut n = 1;
    while dest.exists() {
        n += 1;
        dest = safety_dir.join(format!("pre-restore-{stamp}-{n}.db"));
    }
    match sqlite_copy(db_path, &dest) {
        Ok(()) => (),
        Err(e) => {
            // A damaged database is exactly when people restore: keep its raw bytes instead.
            log::warn!(
                "online copy of {} failed ({e}); copying the raw file",
                db_path.display()
            );
            let _ = fs::remove_file(&dest);
            fs::copy(db_path, &dest).map_err(|e| Error::io("copy", db_path, e))?;
            let wal = side_file(db_path, "-wal");
            if wal.exists() {
                let wal_dest = side_file(&dest, "-wal");
                fs::copy(&wal, &wal_dest).map_err(|e| Error::io("copy", &wal, e))?;
                set_private(&wal_dest)?;
            }
        }
    }
    set_private(&dest)?;
    Ok(dest)
}

fn sqlite_copy(src: &Path, dest: &Path) -> Result<(), rusqlite::Error> {
    let conn = Connection::open_with_flags(src, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    conn.backup(MAIN_DB, dest, None)
}

fn set_private(path: &Path) -> Result<(), Error> {
    fs::set_permissions(path, fs::Permissions::from_mode(0o600))
        .map_err(|e| Error::io("chmod", path, e))
}
