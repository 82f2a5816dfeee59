//! Archiving a live database: the steps the bot and `ajib-ctl` share.
//!
//! The consistent copy itself is the caller's part (`ajib_storage::Store::backup_to`;
//! this crate does not depend on the storage crate): [`scratch_beside`] gives the
//! copy a private place next to the archive, so it never crosses file systems, and
//! [`archive_db_copy`] reads the copy's schema version and writes the archive.
//!
//! ```no_run
//! # fn copy_db(_: &std::path::Path) {}
//! let out = std::path::Path::new("/var/lib/ajib/backups/ajib-backup-20250101-000000.tar.gz");
//! let scratch = ajib_backup::scratch_beside(out)?;
//! copy_db(&scratch.db_path()); // e.g. `store.backup_to(&scratch.db_path())`
//! let extras = ajib_backup::Extras {
//!     env: None,
//!     plans_json: None,
//!     app_version: "0.1.0".to_owned(),
//!     created_unix: 1_735_689_600,
//!     signing_key: None,
//!     owner: None,
//! };
//! let info = ajib_backup::archive_db_copy(out, scratch, extras)?;
//! # Ok::<(), ajib_backup::Error>(())
//! ```

use std::{
    fs,
    path::{Path, PathBuf},
};

use crate::{ArchiveInfo, ArchiveParts, DB_NAME, EnvPart, Error, Owner, SigningKey};

/// What goes into an archive beside the database copy; the caller fills every field.
#[derive(Debug)]
pub struct Extras {
    /// The config file, if it should be included.
    pub env: Option<EnvPart>,
    /// The plans export (see [`crate::plans_json`]), if it should be included.
    pub plans_json: Option<Vec<u8>>,
    /// Version of the program writing the backup.
    pub app_version: String,
    /// Creation time, seconds since the Unix epoch.
    pub created_unix: u64,
    /// The key that signs the manifest; `None` writes an unsigned archive.
    pub signing_key: Option<SigningKey>,
    /// Who the archive should belong to (root writing for the service); `None` keeps the writer.
    pub owner: Option<Owner>,
}

/// A private directory next to an archive, holding the database copy; removed on drop.
#[derive(Debug)]
pub struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    /// Where the caller writes the consistent database copy.
    #[must_use]
    pub fn db_path(&self) -> PathBuf {
        self.dir.path().join(DB_NAME)
    }
}

/// Makes a [`Scratch`] in the directory `out` will be written to.
pub fn scratch_beside(out: &Path) -> Result<Scratch, Error> {
    scratch_in(&parent_dir(out))
}

/// Makes a [`Scratch`] in `dir`; root uses its own temp dir, where the service cannot swap it for a link.
pub fn scratch_in(dir: &Path) -> Result<Scratch, Error> {
    let dir = dir.to_owned();
    let scratch = tempfile::Builder::new()
        .prefix(".ajib-backup-work-")
        .tempdir_in(&dir)
        .map_err(|e| Error::io("create a work dir in", &dir, e))?;
    Ok(Scratch { dir: scratch })
}

/// Writes the archive `out` from the copy in `scratch`, then removes the scratch directory.
pub fn archive_db_copy(out: &Path, scratch: Scratch, extras: Extras) -> Result<ArchiveInfo, Error> {
    let db = scratch.db_path();
    let schema_version = crate::read_schema_version(&db)?;
    let parts = ArchiveParts {
        db,
        schema_version,
        app_version: extras.app_version,
        host: hostname(),
        created_unix: extras.created_unix,
        env: extras.env,
        plans_json: extras.plans_json,
        signing_key: extras.signing_key,
        owner: extras.owner,
    };
    let res = crate::create_archive(out, &parts);
    drop(scratch);
    res
}

/// `dir/ajib-backup-<time>.tar.gz`, or `...-2.tar.gz` and so on when a backup of the same second exists.
#[must_use]
pub fn unused_archive_path(dir: &Path, created_unix: u64) -> PathBuf {
    let name = crate::backup_file_name(created_unix);
    let mut res = dir.join(&name);
    let stem = name.trim_end_matches(".tar.gz");
    let mut n = 1;
    // symlink_metadata: a dangling link is taken too, so the name is skipped, not written through.
    while fs::symlink_metadata(&res).is_ok() {
        n += 1;
        res = dir.join(format!("{stem}-{n}.tar.gz"));
    }
    res
}

/// This machine's host name, for the manifest; `unknown` if it cannot be read.
#[must_use]
pub fn hostname() -> String {
    fs::read_to_string("/proc/sys/kernel/hostname")
        .map_or_else(|_| "unknown".to_owned(), |it| it.trim().to_owned())
}

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    }
}
