//! AJIB's backup archive format, shared by the bot (scheduled backups) and `ajib-ctl`.
//!
//! A backup is a `.tar.gz` holding `manifest.json`, `ajib.db` (a consistent copy the
//! caller made with the SQLite online backup API), and optionally `ajib.env` (the
//! config file, secrets replaced by `***` unless the owner asked otherwise) and
//! `plans.json`. The manifest lists every other file with its size and SHA-256, and
//! `manifest.sig` (when a signing key is configured) holds an HMAC-SHA256 of the
//! manifest, so the signature covers every byte (see [`SigningKey`]).
//!
//! Before a restore, [`VerifiedArchive::approve`] requires that signature (or the
//! owner's explicit [`Trust::AllowUnsigned`]) and a schema equal to what the
//! migrations create ([`check_schema`]). Code that may run as root never follows a
//! link in the service's directories ([`refuse_links`], [`create_private_dir`]).
//!
//! This crate does not open the live database for writing, does not know how to
//! make the consistent copy (that is `ajib-storage`'s online backup), and never
//! talks to systemd: stopping the service around a restore is the caller's job.
//!
//! Main entry points: [`create_archive`], [`verify_archive`] (extracts into a temp
//! dir and checks everything, returning a [`VerifiedArchive`]), [`restore`] (takes
//! an [`ApprovedArchive`], so an unchecked archive can never be restored),
//! [`list_backups`] and [`prune`]. A live database is archived in two steps the
//! bot and `ajib-ctl` share: [`scratch_beside`], the caller's online copy, then
//! [`archive_db_copy`]; [`plans_json`] makes the plans export.

mod create;
mod db;
mod dir;
mod error;
mod manifest;
mod nofollow;
mod plans;
mod restore;
mod schema;
mod sign;
mod snapshot;
mod time;
mod verify;

pub use crate::{
    create::{ArchiveInfo, ArchiveParts, EnvPart, create_archive, redact_env},
    db::{check_db, read_schema_version},
    dir::{BackupEntry, backup_file_name, list_backups, prune},
    error::Error,
    manifest::{FORMAT_VERSION, FileEntry, Manifest},
    nofollow::{
        Owner, chown_handle, create_new_file, create_private_dir, open_file, owner_of,
        refuse_db_links, refuse_links,
    },
    plans::{PlanJson, plans_json},
    restore::{RestoreReport, RestoreTarget, restore},
    schema::{Migrate, check_schema},
    sign::{Authenticity, SigningKey},
    snapshot::{
        Extras, Scratch, archive_db_copy, hostname, scratch_beside, scratch_in, unused_archive_path,
    },
    time::rfc3339_utc,
    verify::{ApprovedArchive, Limits, Trust, VerifiedArchive, verify_archive},
};

/// Name of the manifest inside an archive.
pub const MANIFEST_NAME: &str = "manifest.json";
/// Name of the database copy inside an archive.
pub const DB_NAME: &str = "ajib.db";
/// Name of the (possibly redacted) config file inside an archive.
pub const ENV_NAME: &str = "ajib.env";
/// Name of the plans export inside an archive.
pub const PLANS_NAME: &str = "plans.json";
/// Name of the manifest's signature inside an archive (see [`SigningKey`]).
pub const SIGNATURE_NAME: &str = "manifest.sig";
/// The only names an archive may contain.
pub const KNOWN_NAMES: [&str; 5] = [MANIFEST_NAME, SIGNATURE_NAME, DB_NAME, ENV_NAME, PLANS_NAME];
/// What a secret value is replaced with in a redacted `ajib.env`.
pub const REDACTED: &str = "***";
