//! The backups directory: naming, listing newest first, pruning old archives.

use std::{
    fs,
    io::ErrorKind,
    path::{Path, PathBuf},
    time::UNIX_EPOCH,
};

use crate::Error;

/// File name prefix of archives this crate names and prunes.
const PREFIX: &str = "ajib-backup-";
/// File name suffix of archives.
const SUFFIX: &str = ".tar.gz";

/// One archive found in a backups directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupEntry {
    /// Full path of the archive.
    pub path: PathBuf,
    /// Its file name.
    pub file_name: String,
    /// Size in bytes.
    pub size: u64,
    /// Last modification time, seconds since the Unix epoch.
    pub modified_unix: u64,
}

/// The standard file name for a backup made at `created_unix`: `ajib-backup-YYYYMMDD-HHMMSS.tar.gz`.
#[must_use]
pub fn backup_file_name(created_unix: u64) -> String {
    format!("{PREFIX}{}{SUFFIX}", crate::time::compact_utc(created_unix))
}

/// Lists `ajib-backup-*.tar.gz` in `dir`, newest first; a missing dir is an empty list.
pub fn list_backups(dir: &Path) -> Result<Vec<BackupEntry>, Error> {
    let read_dir = match fs::read_dir(dir) {
        Ok(it) => it,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io("list", dir, e)),
    };
    let mut res = Vec::new();
    for item in read_dir {
        let item = item.map_err(|e| Error::io("list", dir, e))?;
        let file_name = item.file_name().to_string_lossy().into_owned();
        if !file_name.starts_with(PREFIX) || !file_name.ends_with(SUFFIX) {
            continue;
        }
        let meta = item
            .metadata()
            .map_err(|e| Error::io("inspect", &item.path(), e))?;
        if !meta.is_file() {
            continue;
        }
        let modified_unix = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_secs());
        res.push(BackupEntry {
            path: item.path(),
            file_name,
            size: meta.len(),
            modified_unix,
        });
    }
    // Names embed a sortable UTC timestamp; mtime breaks ties and orders odd names.
    res.sort_by(|a, b| {
        b.file_name
            .cmp(&a.file_name)
            .then(b.modified_unix.cmp(&a.modified_unix))
    });
    Ok(res)
}

/// Deletes all but the newest `keep` archives in `dir` and returns what it removed; `keep == 0` removes nothing.
pub fn prune(dir: &Path, keep: u32) -> Result<Vec<PathBuf>, Error> {
    if keep == 0 {
        return Ok(Vec::new());
    }
    let mut res = Vec::new();
    for entry in list_backups(dir)?.into_iter().skip(keep as usize) {
        fs::remove_file(&entry.path).map_err(|e| Error::io("remove", &entry.path, e))?;
        res.push(entry.path);
    }
    Ok(res)
}

/// Flushes a directory entry change (create/rename) to disk; failures are only logged.
pub(crate) fn sync_dir(dir: &Path) {
    // Opened without following a link, so a planted one (or a fifo) cannot be reached.
    let res = crate::nofollow::open_dir(dir).map(|d| d.sync_all().map_err(|e| e.to_string()));
    match res {
        Ok(Ok(())) => (),
        Ok(Err(e)) => log::warn!("could not sync directory {}: {e}", dir.display()),
        Err(e) => log::warn!("could not sync directory {}: {e}", dir.display()),
    }
}
