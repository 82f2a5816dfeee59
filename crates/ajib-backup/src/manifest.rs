//! `manifest.json`: what the archive holds and how to check it.

use serde::{Deserialize, Serialize};

/// The archive format version written by this code (and the newest it reads).
///
/// 2 added `manifest.sig`; older readers would call it an unknown entry, so the
/// bump makes them say "update ajib first" instead. Version 1 archives still read.
pub const FORMAT_VERSION: u32 = 2;

/// The parsed `manifest.json` of a backup archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Archive format version ([`FORMAT_VERSION`] when written by this code).
    pub format_version: u32,
    /// Version of the program that wrote the backup.
    pub app_version: String,
    /// Creation time, RFC 3339 in UTC.
    pub created_at: String,
    /// Creation time, seconds since the Unix epoch.
    pub created_unix: u64,
    /// Schema version of the database copy.
    pub schema_version: u32,
    /// Host name of the machine that made the backup.
    pub host: String,
    /// Whether `ajib.env` holds real secret values (otherwise they are `***`).
    pub secrets_included: bool,
    /// Every file in the archive except the manifest and its signature.
    pub files: Vec<FileEntry>,
}

/// One file listed in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// File name inside the archive.
    pub name: String,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256 of the content, lower-case hex.
    pub sha256: String,
}

/// Returns the lower-case hex SHA-256 of `bytes`.
#[must_use]
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex(ring::digest::digest(&ring::digest::SHA256, bytes).as_ref())
}

/// Lower-case hex encoding.
#[must_use]
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut res = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(res, "{b:02x}");
    }
    res
}
