//! The one error type of this crate: every way a backup can fail, each distinct.

use std::{io, path::PathBuf};

/// Everything that can go wrong while creating, verifying or restoring a backup.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file system operation failed.
    #[error("{action} {path}: {source}")]
    Io {
        /// What was being done ("read", "write", "rename", ...).
        action: &'static str,
        /// The file involved.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// The archive is not a well-formed gzip-compressed tar file (or is truncated).
    #[error("archive is corrupt or truncated (not a valid .tar.gz): {detail}")]
    Corrupt {
        /// What the decoder said.
        detail: String,
    },
    /// An entry is not a regular file (symlink, hardlink, device, directory, ...).
    #[error("archive entry {name:?} is a {kind}, only regular files are allowed")]
    ForbiddenEntryType {
        /// The entry's name.
        name: String,
        /// What it is.
        kind: String,
    },
    /// An entry name is absolute, contains `..` or a directory part.
    #[error("archive entry {name:?} has an unsafe path (absolute, `..` or nested)")]
    UnsafePath {
        /// The raw entry name.
        name: String,
    },
    /// An entry has a name this format does not know.
    #[error("archive entry {name:?} is not part of the backup format")]
    UnknownEntry {
        /// The entry's name.
        name: String,
    },
    /// The same name appears twice.
    #[error("archive entry {name:?} appears more than once")]
    DuplicateEntry {
        /// The entry's name.
        name: String,
    },
    /// An entry is larger than the per-file limit.
    #[error("archive entry {name:?} is {size} bytes, over the limit of {limit}")]
    EntryTooLarge {
        /// The entry's name.
        name: String,
        /// Its declared size.
        size: u64,
        /// The per-file limit.
        limit: u64,
    },
    /// The archive unpacks to more than the total limit.
    #[error("archive unpacks to more than {limit} bytes")]
    ArchiveTooLarge {
        /// The total limit.
        limit: u64,
    },
    /// There is no `manifest.json`.
    #[error("archive has no manifest.json")]
    MissingManifest,
    /// `manifest.json` does not parse or is inconsistent.
    #[error("manifest.json is invalid: {reason}")]
    BadManifest {
        /// What is wrong.
        reason: String,
    },
    /// The archive was written by a newer format than this code reads.
    #[error(
        "backup format version {found} is newer than the supported {supported}; update ajib first"
    )]
    UnsupportedFormat {
        /// The manifest's format version.
        found: u32,
        /// The newest this code reads.
        supported: u32,
    },
    /// The manifest lists a file the archive does not contain (or `ajib.db` is absent).
    #[error("file {name:?} is listed in the manifest but missing from the archive")]
    MissingFile {
        /// The missing file.
        name: String,
    },
    /// The archive contains a file the manifest does not list.
    #[error("file {name:?} is in the archive but not listed in the manifest")]
    UnlistedFile {
        /// The unlisted file.
        name: String,
    },
    /// A file's size differs from the manifest.
    #[error("file {name:?} is {actual} bytes but the manifest says {expected}")]
    SizeMismatch {
        /// The file.
        name: String,
        /// Size in the manifest.
        expected: u64,
        /// Size found.
        actual: u64,
    },
    /// A file's SHA-256 differs from the manifest.
    #[error("file {name:?} has SHA-256 {actual} but the manifest says {expected}")]
    ChecksumMismatch {
        /// The file.
        name: String,
        /// Hex digest in the manifest.
        expected: String,
        /// Hex digest found.
        actual: String,
    },
    /// The database copy cannot be opened or read.
    #[error("database {path} cannot be read: {detail}")]
    DbUnreadable {
        /// The database file.
        path: PathBuf,
        /// What SQLite said.
        detail: String,
    },
    /// The database copy fails `PRAGMA integrity_check`.
    #[error("database fails its integrity check: {detail}")]
    DbIntegrity {
        /// The first problems SQLite reported.
        detail: String,
    },
    /// The database was written by a newer schema than this code knows.
    #[error(
        "database schema version {found} is newer than the supported {supported}; update ajib first"
    )]
    SchemaTooNew {
        /// The database's schema version.
        found: u32,
        /// The newest this code knows.
        supported: u32,
    },
    /// A file could not be encoded for the archive.
    #[error("cannot encode {name}: {detail}")]
    Encode {
        /// The file.
        name: String,
        /// What the encoder said.
        detail: String,
    },
    /// The manifest's schema version disagrees with the database.
    #[error("manifest says schema version {manifest} but the database has {db}")]
    SchemaMismatch {
        /// Schema version in the manifest.
        manifest: u32,
        /// Schema version in the database.
        db: u32,
    },
    /// A path in the service's directories is a symbolic link, which root never follows.
    #[error(
        "{path} is a symbolic link; refusing to follow it. The data directory, its backups and the \
         database belong to the service user, so running as root AJIB does not follow links there \
         (a compromised bot could point them anywhere). Replace the link with the real directory \
         or file, or set DATA_DIR/DATABASE_URL to the real location"
    )]
    SymlinkRefused {
        /// The link.
        path: PathBuf,
    },
    /// A local path contains `..` or `.` below a checked directory.
    #[error("{path} contains `.` or `..`; use a plain absolute path")]
    UnsafeLocalPath {
        /// The path.
        path: PathBuf,
    },
    /// `BACKUP_SIGNING_KEY` is not 64 hex characters.
    #[error(
        "BACKUP_SIGNING_KEY must be 64 hex characters (32 bytes), e.g. from `openssl rand -hex 32`"
    )]
    BadSigningKey,
    /// The archive is not signed with this installation's key and nobody confirmed it anyway.
    #[error("{authenticity}")]
    NotAuthentic {
        /// What the signature check found.
        authenticity: crate::Authenticity,
    },
    /// The database's schema is not what AJIB's migrations create for its version.
    #[error("the database's schema is not AJIB's: {difference}; refusing to restore it")]
    SchemaDiffers {
        /// The first difference found.
        difference: String,
    },
}

impl Error {
    /// Wraps an I/O error with what was being done and to which file.
    pub(crate) fn io(action: &'static str, path: &std::path::Path, source: io::Error) -> Self {
        Self::Io {
            action,
            path: path.to_owned(),
            source,
        }
    }
}
