//! Checking an archive end to end before anything trusts it.

use std::{
    cell::Cell,
    collections::BTreeMap,
    fs::{File, OpenOptions},
    io::{self, Read, Write},
    os::unix::fs::OpenOptionsExt,
    path::{Component, Path, PathBuf},
    rc::Rc,
};

use flate2::read::GzDecoder;

use crate::{
    Authenticity, DB_NAME, ENV_NAME, Error, KNOWN_NAMES, MANIFEST_NAME, PLANS_NAME, SIGNATURE_NAME,
    SigningKey,
    manifest::{FORMAT_VERSION, Manifest, hex},
    schema::Migrate,
};

/// Bounds on what an archive may unpack to, and the newest schema this code knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest allowed single file, in bytes.
    pub max_file_bytes: u64,
    /// Largest allowed sum of all files, in bytes.
    pub max_total_bytes: u64,
    /// Newest database schema version the caller can run.
    pub max_schema_version: u32,
}

impl Limits {
    /// Generous limits for a small VPS (2 GiB per file and in total).
    #[must_use]
    pub fn standard(max_schema_version: u32) -> Self {
        Self {
            max_file_bytes: 2 << 30,
            max_total_bytes: 2 << 30,
            max_schema_version,
        }
    }
}

/// An archive that passed every check, unpacked into a private temp dir.
///
/// Only [`verify_archive`] makes one, so holding it proves the checks ran.
#[derive(Debug)]
pub struct VerifiedArchive {
    archive: PathBuf,
    dir: tempfile::TempDir,
    manifest: Manifest,
    /// The exact `manifest.json` bytes, which the signature covers.
    manifest_bytes: Vec<u8>,
    /// The raw `manifest.sig`, if the archive has one.
    signature: Option<Vec<u8>>,
    /// Whether [`VerifiedArchive::check_schema`] passed.
    schema_checked: bool,
}

/// Whether a restore may go ahead with an archive that is not signed with this installation's key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trust {
    /// Only an archive signed with this installation's key.
    SignedOnly,
    /// The owner explicitly confirmed an unsigned or foreign archive (`--allow-unsigned`).
    AllowUnsigned,
}

/// A verified archive that may be restored: schema checked, signature accepted.
///
/// Only [`VerifiedArchive::approve`] makes one, and [`crate::restore`] takes
/// nothing else; the bot applies [`ApprovedArchive::db_path`] in place.
#[derive(Debug)]
pub struct ApprovedArchive {
    verified: VerifiedArchive,
    authenticity: Authenticity,
}

impl ApprovedArchive {
    /// The archive's manifest.
    #[must_use]
    pub fn manifest(&self) -> &Manifest {
        self.verified.manifest()
    }

    /// The checked database copy to restore.
    #[must_use]
    pub fn db_path(&self) -> PathBuf {
        self.verified.db_path()
    }

    /// What the signature check found (not [`Authenticity::Signed`] only when the owner confirmed).
    #[must_use]
    pub fn authenticity(&self) -> &Authenticity {
        &self.authenticity
    }
}

impl VerifiedArchive {
    /// The archive file this was read from.
    #[must_use]
    pub fn archive_path(&self) -> &Path {
        &self.archive
    }

    /// The archive's manifest.
    #[must_use]
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The unpacked, checked database copy.
    #[must_use]
    pub fn db_path(&self) -> PathBuf {
        self.dir.path().join(DB_NAME)
    }

    /// The unpacked config file, if the archive has one.
    #[must_use]
    pub fn env_path(&self) -> Option<PathBuf> {
        self.file(ENV_NAME)
    }

    /// The unpacked plans export, if the archive has one.
    #[must_use]
    pub fn plans_path(&self) -> Option<PathBuf> {
        self.file(PLANS_NAME)
    }

    /// Whether the archive is signed with `key`; see [`Authenticity`].
    #[must_use]
    pub fn authenticity(&self, key: Option<&SigningKey>) -> Authenticity {
        crate::sign::authenticity(&self.manifest_bytes, self.signature.as_deref(), key)
    }

    /// Compares the database's schema with what the migrations create; see [`crate::check_schema`].
    pub fn check_schema(&mut self, migrate: Migrate<'_>) -> Result<(), Error> {
        if !self.schema_checked {
            crate::check_schema(&self.db_path(), migrate)?;
            self.schema_checked = true;
        }
        Ok(())
    }

    /// Checks the schema and the signature; an archive not signed with `key` passes only with [`Trust::AllowUnsigned`].
    pub fn approve(
        mut self,
        key: Option<&SigningKey>,
        trust: Trust,
        migrate: Migrate<'_>,
    ) -> Result<ApprovedArchive, Error> {
        let authenticity = self.authenticity(key);
        if !authenticity.is_trusted() && trust != Trust::AllowUnsigned {
            return Err(Error::NotAuthentic { authenticity });
        }
        self.check_schema(migrate)?;
        Ok(ApprovedArchive {
            verified: self,
            authenticity,
        })
    }

    fn file(&self, name: &str) -> Option<PathBuf> {
        let listed = self.manifest.files.iter().any(|f| f.name == name);
        listed.then(|| self.dir.path().join(name))
    }
}

/// Unpacks `path` into a temp dir and checks everything; see the crate docs.
pub fn verify_archive(path: &Path, limits: &Limits) -> Result<VerifiedArchive, Error> {
    // Archives often sit in the service's backups dir: a link there is not followed.
    let file = crate::nofollow::open_file(path)?;
    let dir = tempfile::Builder::new()
        .prefix("ajib-verify-")
        .tempdir()
        .map_err(|e| Error::io("create temp dir in", &std::env::temp_dir(), e))?;
    let found = unpack(file, dir.path(), limits)?;
    let (manifest, manifest_bytes) = read_manifest(dir.path(), &found)?;
    check_files(&manifest, &found)?;
    let signature = match found.contains_key(SIGNATURE_NAME) {
        true => {
            let sig_path = dir.path().join(SIGNATURE_NAME);
            Some(std::fs::read(&sig_path).map_err(|e| Error::io("read", &sig_path, e))?)
        }
        false => None,
    };
    let db_version = crate::check_db(&dir.path().join(DB_NAME), limits.max_schema_version)?;
    if db_version != manifest.schema_version {
        return Err(Error::SchemaMismatch {
            manifest: manifest.schema_version,
            db: db_version,
        });
    }
    Ok(VerifiedArchive {
        archive: path.to_owned(),
        dir,
        manifest,
        manifest_bytes,
        signature,
        schema_checked: false,
    })
}

/// Size and SHA-256 of one unpacked file.
struct Found {
    size: u64,
    sha256: String,
}

/// Room for tar headers and padding on top of the file bytes.
const TAR_OVERHEAD: u64 = 1 << 20;

fn unpack(file: File, dest: &Path, limits: &Limits) -> Result<BTreeMap<String, Found>, Error> {
    let exceeded = Rc::new(Cell::new(false));
    let reader = Capped {
        inner: GzDecoder::new(io::BufReader::new(file)),
        left: limits.max_total_bytes.saturating_add(TAR_OVERHEAD),
        exceeded: Rc::clone(&exceeded),
    };
    let corrupt = |e: io::Error| -> Error {
        if exceeded.get() {
            return Error::ArchiveTooLarge {
                limit: limits.max_total_bytes,
            };
        }
        Error::Corrupt {
            detail: e.to_string(),
        }
    };
    let mut archive = tar::Archive::new(reader);
    let mut found = BTreeMap::new();
    let mut total = 0u64;
    for entry in archive.entries().map_err(corrupt)? {
        let mut entry = entry.map_err(corrupt)?;
        let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        check_name(&name)?;
        let kind = entry.header().entry_type();
        if kind != tar::EntryType::Regular {
            return Err(Error::ForbiddenEntryType {
                name,
                kind: kind_name(kind).to_owned(),
            });
        }
        if !KNOWN_NAMES.contains(&name.as_str()) {
            return Err(Error::UnknownEntry { name });
        }
        if found.contains_key(&name) {
            return Err(Error::DuplicateEntry { name });
        }
        let size = entry.size();
        if size > limits.max_file_bytes {
            return Err(Error::EntryTooLarge {
                name,
                size,
                limit: limits.max_file_bytes,
            });
        }
        total = total.saturating_add(size);
        if total > limits.max_total_bytes {
            return Err(Error::ArchiveTooLarge {
                limit: limits.max_total_bytes,
            });
        }
        let out_path = dest.join(&name);
        let sha256 = copy_hashed(&mut entry, &out_path).map_err(|e| match e {
            CopyError::Read(e) => corrupt(e),
            CopyError::Write(e) => Error::io("write", &out_path, e),
        })?;
        found.insert(name, Found { size, sha256 });
    }
    // Read to the end so the gzip trailer (CRC and length) is checked too.
    let mut rest = archive.into_inner();
    io::copy(&mut rest, &mut io::sink()).map_err(corrupt)?;
    Ok(found)
}

fn check_name(name: &str) -> Result<(), Error> {
    let path = Path::new(name);
    let mut components = path.components();
    let single_normal =
        matches!(components.next(), Some(Component::Normal(_))) && components.next().is_none();
    if name.is_empty() || name.contains('/') || name.contains('\\') || !single_normal {
        return Err(Error::UnsafePath {
            name: name.to_owned(),
        });
    }
    Ok(())
}

fn kind_name(kind: tar::EntryType) -> &'static str {
    match kind {
        tar::EntryType::Symlink => "symlink",
        tar::EntryType::Link => "hardlink",
        tar::EntryType::Char => "character device",
        tar::EntryType::Block => "block device",
        tar::EntryType::Fifo => "fifo",
        tar::EntryType::Directory => "directory",
        _ => "special entry",
    }
}

enum CopyError {
    Read(io::Error),
    Write(io::Error),
}

fn copy_hashed(src: &mut impl Read, out_path: &Path) -> Result<String, CopyError> {
    let mut out = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(out_path)
        .map_err(CopyError::Write)?;
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = src.read(&mut buf).map_err(CopyError::Read)?;
        if n == 0 {
            break;
        }
        ctx.update(&buf[..n]);
        out.write_all(&buf[..n]).map_err(CopyError::Write)?;
    }
    out.sync_all().map_err(CopyError::Write)?;
    Ok(hex(ctx.finish().as_ref()))
}

fn read_manifest(
    dir: &Path,
    found: &BTreeMap<String, Found>,
) -> Result<(Manifest, Vec<u8>), Error> {
    if !found.contains_key(MANIFEST_NAME) {
        return Err(Error::MissingManifest);
    }
    let path = dir.join(MANIFEST_NAME);
    let bytes = std::fs::read(&path).map_err(|e| Error::io("read", &path, e))?;
    // Peek at the version first so a newer format gets a clear error, not a parse error.
    let value: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|e| Error::BadManifest {
            reason: e.to_string(),
        })?;
    let version = value
        .get("format_version")
        .and_then(serde_json::Value::as_u64);
    match version {
        None => {
            return Err(Error::BadManifest {
                reason: "format_version is missing".to_owned(),
            });
        }
        Some(v) if v > u64::from(FORMAT_VERSION) => {
            let found = u32::try_from(v).unwrap_or(u32::MAX);
            return Err(Error::UnsupportedFormat {
                found,
                supported: FORMAT_VERSION,
            });
        }
        Some(_) => (),
    }
    let manifest = serde_json::from_value(value).map_err(|e| Error::BadManifest {
        reason: e.to_string(),
    })?;
    Ok((manifest, bytes))
}

fn check_files(manifest: &Manifest, found: &BTreeMap<String, Found>) -> Result<(), Error> {
    let mut listed = BTreeMap::new();
    for entry in &manifest.files {
        if entry.name == MANIFEST_NAME
            || entry.name == SIGNATURE_NAME
            || !KNOWN_NAMES.contains(&entry.name.as_str())
        {
            return Err(Error::BadManifest {
                reason: format!("lists unknown file {:?}", entry.name),
            });
        }
        if listed.insert(entry.name.as_str(), entry).is_some() {
            return Err(Error::BadManifest {
                reason: format!("lists {:?} twice", entry.name),
            });
        }
    }
    if !listed.contains_key(DB_NAME) {
        return Err(Error::MissingFile {
            name: DB_NAME.to_owned(),
        });
    }
    for name in found.keys() {
        if name != MANIFEST_NAME && name != SIGNATURE_NAME && !listed.contains_key(name.as_str()) {
            return Err(Error::UnlistedFile { name: name.clone() });
        }
    }
    for (name, entry) in listed {
        let Some(file) = found.get(name) else {
            return Err(Error::MissingFile {
                name: name.to_owned(),
            });
        };
        if file.size != entry.size {
            return Err(Error::SizeMismatch {
                name: name.to_owned(),
                expected: entry.size,
                actual: file.size,
            });
        }
        if !file.sha256.eq_ignore_ascii_case(&entry.sha256) {
            return Err(Error::ChecksumMismatch {
                name: name.to_owned(),
                expected: entry.sha256.clone(),
                actual: file.sha256.clone(),
            });
        }
    }
    Ok(())
}

/// A reader that fails once more than `left` bytes have been read through it.
struct Capped<R> {
    inner: R,
    left: u64,
    exceeded: Rc<Cell<bool>>,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 {
            // Allow a clean EOF at exactly the cap; fail only if more data follows.
            let mut probe = [0u8; 1];
            if self.inner.read(&mut probe)? == 0 {
                return Ok(0);
            }
            self.exceeded.set(true);
            return Err(io::Error::other("archive unpacks past the size limit"));
        }
        let max = usize::try_from(self.left)
            .unwrap_or(usize::MAX)
            .min(buf.len());
        let n = self.inner.read(&mut buf[..max])?;
        self.left -= n as u64;
        Ok(n)
    }
}
