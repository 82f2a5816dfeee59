//! Writing a backup archive: manifest first, then the files, atomically and 0600.

use std::{
    io::{self, Read, Write},
    path::{Path, PathBuf},
};

use flate2::{Compression, write::GzEncoder};

use crate::{
    DB_NAME, ENV_NAME, Error, MANIFEST_NAME, Owner, PLANS_NAME, REDACTED, SIGNATURE_NAME,
    SigningKey,
    manifest::{FORMAT_VERSION, FileEntry, Manifest, hex, sha256_hex},
};

/// Everything that goes into one archive; the caller fills every field.
#[derive(Debug)]
pub struct ArchiveParts {
    /// A consistent copy of the database (made with the SQLite online backup API).
    pub db: PathBuf,
    /// Schema version of that copy.
    pub schema_version: u32,
    /// Version of the program writing the backup.
    pub app_version: String,
    /// Host name recorded in the manifest.
    pub host: String,
    /// Creation time, seconds since the Unix epoch.
    pub created_unix: u64,
    /// The config file, if it should be included.
    pub env: Option<EnvPart>,
    /// The plans export, if it should be included.
    pub plans_json: Option<Vec<u8>>,
    /// The key that signs the manifest; `None` writes an unsigned archive.
    pub signing_key: Option<SigningKey>,
    /// Who the archive should belong to (root writing for the service); `None` keeps the writer.
    pub owner: Option<Owner>,
}

/// The config file as it goes into an archive: redacted, or with secrets by choice.
#[derive(Debug, Clone)]
pub struct EnvPart {
    text: String,
    secrets_included: bool,
}

impl EnvPart {
    /// The config file with every secret value replaced by `***`.
    #[must_use]
    pub fn redacted(text: &str, is_secret: &dyn Fn(&str) -> bool) -> Self {
        Self {
            text: redact_env(text, is_secret),
            secrets_included: false,
        }
    }

    /// The config file verbatim, secrets included (the owner asked for it).
    #[must_use]
    pub fn with_secrets(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            secrets_included: true,
        }
    }

    /// The text that will be stored.
    #[must_use]
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whether the stored text holds real secret values.
    #[must_use]
    pub fn secrets_included(&self) -> bool {
        self.secrets_included
    }
}

/// What [`create_archive`] wrote.
#[derive(Debug, Clone)]
pub struct ArchiveInfo {
    /// The archive's final path.
    pub path: PathBuf,
    /// Its size on disk (compressed).
    pub size: u64,
    /// The manifest stored in it.
    pub manifest: Manifest,
    /// Whether it carries a `manifest.sig`.
    pub signed: bool,
}

/// Replaces the value of every `KEY=value` line whose key `is_secret` with `***`.
///
/// Comments, blank lines, order and an optional `export ` prefix are kept; empty
/// values stay empty so a reader can tell "unset" from "hidden".
#[must_use]
pub fn redact_env(text: &str, is_secret: &dyn Fn(&str) -> bool) -> String {
    let mut res = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let (body, newline) = match line.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (line, ""),
        };
        res.push_str(&redact_line(body, is_secret));
        res.push_str(newline);
    }
    res
}

fn redact_line(line: &str, is_secret: &dyn Fn(&str) -> bool) -> String {
    let trimmed = line.trim_start();
    if trimmed.starts_with('#') {
        return line.to_owned();
    }
    let Some((key_part, value)) = line.split_once('=') else {
        return line.to_owned();
    };
    let key = key_part.trim().trim_start_matches("export ").trim();
    if !is_secret(key) || value.trim().is_empty() {
        return line.to_owned();
    }
    format!("{key_part}={REDACTED}")
}

/// Writes the archive to `out` (mode 0600, via a temp file and a rename), signed when a key is given.
pub fn create_archive(out: &Path, parts: &ArchiveParts) -> Result<ArchiveInfo, Error> {
    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    let (db_size, db_sha) = hash_file(&parts.db)?;
    let mut files = vec![FileEntry {
        name: DB_NAME.to_owned(),
        size: db_size,
        sha256: db_sha,
    }];
    if let Some(env) = &parts.env {
        files.push(entry_for(ENV_NAME, env.text.as_bytes()));
    }
    if let Some(plans) = &parts.plans_json {
        files.push(entry_for(PLANS_NAME, plans));
    }
    let manifest = Manifest {
        format_version: FORMAT_VERSION,
        app_version: parts.app_version.clone(),
        created_at: crate::rfc3339_utc(parts.created_unix),
        created_unix: parts.created_unix,
        schema_version: parts.schema_version,
        host: parts.host.clone(),
        secrets_included: parts.env.as_ref().is_some_and(|e| e.secrets_included),
        files,
    };
    let manifest_json = serde_json::to_vec_pretty(&manifest).map_err(|e| Error::BadManifest {
        reason: e.to_string(),
    })?;
    let signature = match &parts.signing_key {
        Some(key) => Some(key.sign(&manifest_json)?),
        None => None,
    };

    // NamedTempFile is created 0600 in the destination dir, so the rename is atomic.
    let tmp = tempfile::Builder::new()
        .prefix(".ajib-backup-")
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(|e| Error::io("create temp file in", &dir, e))?;
    let write_err = |e| Error::io("write", tmp.path(), e);
    let file = tmp.as_file().try_clone().map_err(write_err)?;
    let mut builder = tar::Builder::new(GzEncoder::new(file, Compression::default()));
    append(
        &mut builder,
        MANIFEST_NAME,
        parts.created_unix,
        manifest_json.len() as u64,
        &manifest_json[..],
    )
    .map_err(write_err)?;
    if let Some(sig) = &signature {
        append(
            &mut builder,
            SIGNATURE_NAME,
            parts.created_unix,
            sig.len() as u64,
            &sig[..],
        )
        .map_err(write_err)?;
    }
    let db_file = crate::open_file(&parts.db)?;
    append(
        &mut builder,
        DB_NAME,
        parts.created_unix,
        db_size,
        db_file.take(db_size),
    )
    .map_err(write_err)?;
    if let Some(env) = &parts.env {
        let bytes = env.text.as_bytes();
        append(
            &mut builder,
            ENV_NAME,
            parts.created_unix,
            bytes.len() as u64,
            bytes,
        )
        .map_err(write_err)?;
    }
    if let Some(plans) = &parts.plans_json {
        append(
            &mut builder,
            PLANS_NAME,
            parts.created_unix,
            plans.len() as u64,
            &plans[..],
        )
        .map_err(write_err)?;
    }
    let gz = builder.into_inner().map_err(write_err)?;
    let file = gz.finish().map_err(write_err)?;
    file.sync_all().map_err(write_err)?;
    let size = file.metadata().map_err(write_err)?.len();
    // Through the handle, before the name exists: nothing at `out` is ever followed.
    crate::chown_handle(&file, parts.owner, tmp.path())?;
    drop(file);
    tmp.persist(out)
        .map_err(|e| Error::io("rename temp archive to", out, e.error))?;
    crate::dir::sync_dir(&dir);
    Ok(ArchiveInfo {
        path: out.to_owned(),
        size,
        manifest,
        signed: signature.is_some(),
    })
}

fn entry_for(name: &str, bytes: &[u8]) -> FileEntry {
    FileEntry {
        name: name.to_owned(),
        size: bytes.len() as u64,
        sha256: sha256_hex(bytes),
    }
}

fn append<W: Write>(
    builder: &mut tar::Builder<W>,
    name: &str,
    mtime: u64,
    size: u64,
    data: impl Read,
) -> io::Result<()> {
    let mut header = tar::Header::new_gnu();
    header.set_entry_type(tar::EntryType::Regular);
    header.set_mode(0o600);
    header.set_uid(0);
    header.set_gid(0);
    header.set_mtime(mtime);
    header.set_size(size);
    builder.append_data(&mut header, name, data)
}

/// Streams a file through SHA-256, returning its size and hex digest.
fn hash_file(path: &Path) -> Result<(u64, String), Error> {
    let mut file = crate::open_file(path)?;
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    let mut buf = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    loop {
        let n = file
            .read(&mut buf)
            .map_err(|e| Error::io("read", path, e))?;
        if n == 0 {
            break;
        }
        size += n as u64;
        ctx.update(&buf[..n]);
    }
    Ok((size, hex(ctx.finish().as_ref())))
}

#[cfg(test)]
mod tests {
    fn check(input: &str, expected: &str) {
        let is_secret = |k: &str| k.ends_with("_KEY") || k == "TELEGRAM_BOT_TOKEN";
        assert_eq!(super::redact_env(input, &is_secret), expected);
    }

    #[test]
    fn secrets_are_masked_and_the_rest_kept() {
        check(
            "# comment\nTELEGRAM_BOT_TOKEN=123:abc\n\nBLITZ_API_BASE=https://x\nexport BLITZ_API_KEY=k\nHELEKET_API_KEY=\n",
            "# comment\nTELEGRAM_BOT_TOKEN=***\n\nBLITZ_API_BASE=https://x\nexport BLITZ_API_KEY=***\nHELEKET_API_KEY=\n",
        );
    }

    #[test]
    fn no_trailing_newline() {
        check("BLITZ_API_KEY=k", "BLITZ_API_KEY=***");
    }
}
