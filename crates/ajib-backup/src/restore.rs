//! Replacing the live database with an approved backup, keeping a safety copy first.
//!
//! `ajib-ctl` runs this as root on the service's own directories, so nothing
//! here follows a link: the paths are checked first ([`crate::refuse_db_links`]),
//! every file root creates there is created exclusively with `O_NOFOLLOW`, and
//! owner and mode are set through open handles. SQLite itself only ever writes
//! in a private temp dir of ours, since it opens its side files by name.

use std::{
    fs::{self, File},
    io::{self, ErrorKind},
    os::unix::fs::{MetadataExt, PermissionsExt},
    path::{Path, PathBuf},
    time::{SystemTime, UNIX_EPOCH},
};

use rusqlite::{Connection, MAIN_DB, OpenFlags};

use crate::{
    ApprovedArchive, Error, Owner,
    nofollow::{chown_handle, create_new_file, create_private_dir, open_file, side_file},
};

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

/// Where [`restore`] writes, and whom the files it writes belong to.
#[derive(Debug, Clone)]
pub struct RestoreTarget {
    /// The live database to replace.
    pub db_path: PathBuf,
    /// Where the current database is saved first.
    pub safety_dir: PathBuf,
    /// The deepest directory trusted not to be a link (e.g. the data dir's parent); see [`crate::refuse_links`].
    pub trusted: PathBuf,
    /// Owner of the files written; `None` gives them the old database's owner.
    pub owner: Option<Owner>,
}

/// Copies the current database into `safety_dir`, then atomically puts the backup in its place.
///
/// The service must be stopped first. Stale `-wal`/`-shm` files are removed before the
/// rename, so an old write-ahead log is never replayed into the restored file; at every
/// moment `db_path` is either the old database or the complete new one. A link
/// anywhere below `trusted` is refused before anything changes.
pub fn restore(approved: &ApprovedArchive, target: &RestoreTarget) -> Result<RestoreReport, Error> {
    let db_path = target.db_path.as_path();
    crate::refuse_db_links(db_path, &target.trusted)?;
    crate::refuse_links(&target.safety_dir, &target.trusted)?;
    let dir = match db_path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    let old = match fs::symlink_metadata(db_path) {
        Ok(meta) if meta.is_file() => Some(meta),
        Ok(_) => {
            return Err(Error::io(
                "replace",
                db_path,
                io::Error::new(ErrorKind::InvalidInput, "not a regular file"),
            ));
        }
        Err(e) if e.kind() == ErrorKind::NotFound => None,
        Err(e) => return Err(Error::io("inspect", db_path, e)),
    };
    // Keep the owner the service runs as (ajib-ctl usually runs as root).
    let owner = target
        .owner
        .or_else(|| old.as_ref().map(|it| (it.uid(), it.gid())));
    let safety_copy = match old {
        Some(_) => Some(safety_copy(db_path, &target.safety_dir, owner)?),
        None => None,
    };

    let mut tmp = tempfile::Builder::new()
        .prefix(".ajib-restore-")
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(|e| Error::io("create temp file in", &dir, e))?;
    let src = approved.db_path();
    let mut src_file = open_file(&src)?;
    // Into the open handle, not by name: the name lives in the service's directory.
    io::copy(&mut src_file, tmp.as_file_mut())
        .map_err(|e| Error::io("copy backup database to", tmp.path(), e))?;
    seal(tmp.as_file(), owner, tmp.path())?;
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
        schema_version: approved.manifest().schema_version,
        backup_created_at: approved.manifest().created_at.clone(),
    })
}

/// Mode 0600, `owner`, and on disk: all through the handle.
fn seal(file: &File, owner: Option<Owner>, path: &Path) -> Result<(), Error> {
    file.set_permissions(fs::Permissions::from_mode(0o600))
        .map_err(|e| Error::io("chmod", path, e))?;
    chown_handle(file, owner, path)?;
    file.sync_all().map_err(|e| Error::io("sync", path, e))
}

/// Saves the current database (including its WAL) as `pre-restore-<time>.db`, 0600.
fn safety_copy(db_path: &Path, safety_dir: &Path, owner: Option<Owner>) -> Result<PathBuf, Error> {
    let dir = create_private_dir(safety_dir)?;
    chown_handle(&dir, owner, safety_dir)?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let stamp = crate::time::compact_utc(now);
    let mut dest = safety_dir.join(format!("pre-restore-{stamp}.db"));
    let mut n = 1;
    loop {
        match fs::symlink_metadata(&dest) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(Error::SymlinkRefused { path: dest });
            }
            Ok(_) => {
                n += 1;
                dest = safety_dir.join(format!("pre-restore-{stamp}-{n}.db"));
            }
            Err(e) if e.kind() == ErrorKind::NotFound => break,
            Err(e) => return Err(Error::io("inspect", &dest, e)),
        }
    }
    let mut out = create_new_file(&dest)?;
    // SQLite opens its journal by name, so its copy is made in a private dir of ours.
    let work = tempfile::Builder::new()
        .prefix("ajib-safety-")
        .tempdir()
        .map_err(|e| Error::io("create temp dir in", &std::env::temp_dir(), e))?;
    let copy = work.path().join("copy.db");
    match sqlite_copy(db_path, &copy) {
        Ok(()) => {
            let mut src = open_file(&copy)?;
            io::copy(&mut src, &mut out).map_err(|e| Error::io("write", &dest, e))?;
        }
        Err(e) => {
            // A damaged database is exactly when people restore: keep its raw bytes instead.
            log::warn!(
                "online copy of {} failed ({e}); copying the raw file",
                db_path.display()
            );
            let mut src = open_file(db_path)?;
            io::copy(&mut src, &mut out).map_err(|e| Error::io("copy", db_path, e))?;
            let wal = side_file(db_path, "-wal");
            if fs::symlink_metadata(&wal).is_ok() {
                let wal_dest = side_file(&dest, "-wal");
                let mut wal_out = create_new_file(&wal_dest)?;
                let mut src = open_file(&wal)?;
                io::copy(&mut src, &mut wal_out).map_err(|e| Error::io("copy", &wal, e))?;
                seal(&wal_out, owner, &wal_dest)?;
            }
        }
    }
    seal(&out, owner, &dest)?;
    Ok(dest)
}

fn sqlite_copy(src: &Path, dest: &Path) -> Result<(), rusqlite::Error> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_NOFOLLOW;
    let conn = Connection::open_with_flags(src, flags)?;
    conn.backup(MAIN_DB, dest, None)
}
