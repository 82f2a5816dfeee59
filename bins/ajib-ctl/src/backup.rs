//! `ajib-ctl backup create|list|verify|restore`, in the format of the `ajib-backup` crate.
//!
//! These run as root on directories the service user owns (and `update.sh` runs
//! them too), so nothing here follows a link there: every path under the data
//! directory's parent is checked, files are opened with `O_NOFOLLOW`, and owners
//! and modes are set on open handles (see `ajib_backup::refuse_links`).
//! Archives are signed with `BACKUP_SIGNING_KEY`; a restore needs a valid
//! signature or `--allow-unsigned`, and a schema equal to the migrations'.

use std::{
    io::BufRead,
    path::{Path, PathBuf},
    time::{SystemTime, UNIX_EPOCH},
};

use ajib_backup::{EnvPart, Extras, Limits, Owner, RestoreTarget, SigningKey, Trust};
use anyhow::Context;

use crate::{
    cli::{BackupCommand, BackupCreate, BackupList, BackupRestore, BackupVerify},
    db::Db,
    envfile::EnvFile,
    paths::Paths,
    plans, service, system,
};

/// Runs one backup command.
pub fn run(paths: &Paths, command: BackupCommand) -> anyhow::Result<()> {
    match command {
        BackupCommand::Create(args) => create(paths, &args).map(|_| ()),
        BackupCommand::List(args) => list(paths, &args),
        BackupCommand::Verify(args) => verify(paths, &args),
        BackupCommand::Restore(args) => restore(paths, &args),
    }
}

/// The limits used for verification: this build's schema version.
#[must_use]
pub fn limits() -> Limits {
    Limits::standard(ajib_storage::CURRENT_SCHEMA_VERSION)
}

/// Makes a backup with the online backup API and returns the archive's path.
pub fn create(paths: &Paths, args: &BackupCreate) -> anyhow::Result<PathBuf> {
    system::require_installed(paths)?;
    system::require_admin(paths, "backup create")?;
    let (env, env_text) = read_env(paths)?;
    let key = signing_key(&env)?;
    let data_dir = paths.data_dir(&env);
    let trusted = trusted_dir(&data_dir);
    // Before SQLite opens anything by name as root.
    ajib_backup::refuse_links(&data_dir, &trusted)?;
    ajib_backup::refuse_db_links(&paths.db(&env), &trusted)?;
    let owner = service_owner(&data_dir)?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (out, owner) = match &args.out {
        // The operator's own path: the archive stays the operator's.
        Some(out) => (out.clone(), None),
        None => {
            let dir = paths.backups(&env);
            ajib_backup::refuse_links(&dir, &trusted)?;
            let handle = ajib_backup::create_private_dir(&dir)?;
            ajib_backup::chown_handle(&handle, owner, &dir)?;
            (ajib_backup::unused_archive_path(&dir, now), owner)
        }
    };
    // As root, the copy is made in root's temp dir: the service cannot swap it for a link there.
    let scratch = match system::euid() {
        Some(0) => ajib_backup::scratch_in(&std::env::temp_dir())?,
        _ => ajib_backup::scratch_beside(&out)?,
    };
    let plans_json = {
        let db = Db::open_existing(paths, &env)?;
        db.block(db.store().backup_to(&scratch.db_path()))
            .context("online backup of the database failed")?;
        plans::export_json(&db)?
    };
    let env_part = match args.include_secrets {
        true => EnvPart::with_secrets(&env_text),
        false => EnvPart::redacted(&env_text, &ajib_config::is_secret),
    };
    let extras = Extras {
        env: Some(env_part),
        plans_json: Some(plans_json),
        app_version: env!("CARGO_PKG_VERSION").to_owned(),
        created_unix: now,
        signing_key: key,
        owner,
    };
    let info = ajib_backup::archive_db_copy(&out, scratch, extras)?;
    // update.sh reads this line up to "bytes": keep its shape.
    println!(
        "backup written: {} ({} bytes, schema {}, {})",
        info.path.display(),
        info.size,
        info.manifest.schema_version,
        if info.signed { "signed" } else { "unsigned" }
    );
    if !info.signed {
        println!("{UNSIGNED_NOTE}");
    }
    if args.include_secrets {
        println!("note: this archive contains secrets (tokens, API keys); keep it private");
    }
    if args.out.is_none() && !args.no_prune {
        let keep = keep_count(&env);
        for removed in ajib_backup::prune(&paths.backups(&env), keep)? {
            println!("pruned old backup {}", removed.display());
        }
    }
    Ok(info.path)
}

fn list(paths: &Paths, args: &BackupList) -> anyhow::Result<()> {
    system::require_installed(paths)?;
    let env = EnvFile::read(&paths.env_file)?;
    let dir = paths.backups(&env);
    let entries = ajib_backup::list_backups(&dir)?;
    if args.json {
        let rows: Vec<serde_json::Value> = entries
            .iter()
            .map(|e| {
                serde_json::json!({
                    "path": e.path, "file_name": e.file_name, "size": e.size,
                    "modified": ajib_backup::rfc3339_utc(e.modified_unix),
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(());
    }
    if entries.is_empty() {
        println!(
            "no backups in {} (make one: ajib-ctl backup create)",
            dir.display()
        );
        return Ok(());
    }
    for e in entries {
        println!(
            "{}  {:>12}  {}",
            ajib_backup::rfc3339_utc(e.modified_unix),
            e.size,
            e.path.display()
        );
    }
    Ok(())
}

fn verify(paths: &Paths, args: &BackupVerify) -> anyhow::Result<()> {
    let mut verified = ajib_backup::verify_archive(&args.archive, &limits())
        .with_context(|| format!("{} failed verification", args.archive.display()))?;
    verified
        .check_schema(&migrate)
        .with_context(|| format!("{} failed verification", args.archive.display()))?;
    // Verify works without an install too; then there is no key to check the signature with.
    let key = match read_env(paths) {
        Ok((env, _)) => signing_key(&env)?,
        Err(_) => None,
    };
    let authenticity = verified.authenticity(key.as_ref());
    let manifest = verified.manifest();
    if args.json {
        let mut json = serde_json::to_value(manifest)?;
        json["signature"] = authenticity.code().into();
        println!("{}", serde_json::to_string_pretty(&json)?);
        return Ok(());
    }
    println!("OK {}", args.archive.display());
    println!("  signature: {authenticity}");
    println!(
        "  created:  {} on {} by ajib {}",
        manifest.created_at, manifest.host, manifest.app_version
    );
    println!("  schema:   {}", manifest.schema_version);
    println!(
        "  secrets:  {}",
        if manifest.secrets_included {
            "included"
        } else {
            "redacted"
        }
    );
    for file in &manifest.files {
        println!(
            "  {:<12} {:>12} bytes  sha256 {}",
            file.name, file.size, file.sha256
        );
    }
    Ok(())
}

fn restore(paths: &Paths, args: &BackupRestore) -> anyhow::Result<()> {
    system::require_installed(paths)?;
    system::require_admin(paths, "backup restore")?;
    let (env, _) = read_env(paths)?;
    let key = signing_key(&env)?;
    let db_path = paths.db(&env);
    let data_dir = paths.data_dir(&env);
    let trusted = trusted_dir(&data_dir);
    ajib_backup::refuse_db_links(&db_path, &trusted)?;
    ajib_backup::refuse_links(&paths.safety_dir(&env), &trusted)?;
    let unchanged = || format!("{}: nothing was changed", args.archive.display());
    let verified = ajib_backup::verify_archive(&args.archive, &limits()).with_context(|| {
        format!(
            "{} failed verification; nothing was changed",
            args.archive.display()
        )
    })?;
    let trust = match args.allow_unsigned {
        true => Trust::AllowUnsigned,
        false => Trust::SignedOnly,
    };
    let approved = match verified.approve(key.as_ref(), trust, &migrate) {
        Ok(approved) => approved,
        Err(ajib_backup::Error::NotAuthentic { authenticity }) => {
            anyhow::bail!(
                "{}: restore refused: {authenticity}.\n\
                 Restoring replaces all data (orders, services, users) with whatever the file \
                 holds, and anyone can make such a file. If you made it yourself (on another \
                 server, or before BACKUP_SIGNING_KEY was set) and it never left your hands, run \
                 again with --allow-unsigned. Nothing was changed.",
                args.archive.display()
            );
        }
        Err(err) => return Err(anyhow::Error::new(err).context(unchanged())),
    };
    if !approved.authenticity().is_trusted() {
        println!(
            "warning: {}; restoring anyway (--allow-unsigned)",
            approved.authenticity()
        );
    }
    println!(
        "backup from {} (schema {}) will replace {}",
        approved.manifest().created_at,
        approved.manifest().schema_version,
        db_path.display()
    );
    if !args.yes && !confirm("Type 'yes' to restore: ")? {
        anyhow::bail!("restore cancelled; nothing was changed");
    }
    let was_running = system::has_systemd(paths) && service::state(paths).active == "active";
    if was_running {
        service::systemctl(paths, "stop")?;
    }
    let target = RestoreTarget {
        db_path: db_path.clone(),
        safety_dir: paths.safety_dir(&env),
        trusted,
        owner: service_owner(&data_dir)?,
    };
    let report = ajib_backup::restore(&approved, &target);
    if was_running {
        service::systemctl(paths, "start")?;
    }
    let report = report?;
    if let Some(copy) = &report.safety_copy {
        println!("previous database saved to {}", copy.display());
    }
    println!(
        "restored {} from the backup of {}",
        report.db_path.display(),
        report.backup_created_at
    );
    Ok(())
}

/// `BACKUP_KEEP` from the config file, else its default.
fn keep_count(env: &EnvFile) -> u32 {
    let default = ajib_config::VARS
        .iter()
        .find(|it| it.name == "BACKUP_KEEP")
        .and_then(|it| it.default);
    env.get("BACKUP_KEEP")
        .or(default)
        .and_then(|it| it.trim().parse().ok())
        .unwrap_or(7)
}

/// What `create` prints when there is no key to sign with.
const UNSIGNED_NOTE: &str = "note: this backup is not signed (no BACKUP_SIGNING_KEY in the config); \
restoring it will need --allow-unsigned. Add a key: ajib-ctl config set BACKUP_SIGNING_KEY \
\"$(openssl rand -hex 32)\"";

/// The config file, read without following a link, parsed and as text.
fn read_env(paths: &Paths) -> anyhow::Result<(EnvFile, String)> {
    let mut file = ajib_backup::open_file(&paths.env_file)?;
    let mut text = String::new();
    std::io::Read::read_to_string(&mut file, &mut text)
        .with_context(|| format!("cannot read {}", paths.env_file.display()))?;
    Ok((EnvFile::parse(&text), text))
}

/// `BACKUP_SIGNING_KEY` from the config file; `None` when unset, an error when malformed.
fn signing_key(env: &EnvFile) -> anyhow::Result<Option<SigningKey>> {
    match env
        .get("BACKUP_SIGNING_KEY")
        .filter(|it| !it.trim().is_empty())
    {
        Some(hex) => Ok(Some(
            SigningKey::from_hex(hex)
                .context("BACKUP_SIGNING_KEY in the config file is invalid")?,
        )),
        None => Ok(None),
    }
}

/// The directory above the data dir: root's, so the first one not to check for links.
fn trusted_dir(data_dir: &Path) -> PathBuf {
    data_dir
        .parent()
        .map_or_else(|| PathBuf::from("/"), Path::to_owned)
}

/// Whom files root writes for the service belong to: the data dir's owner; `None` when not root.
fn service_owner(data_dir: &Path) -> anyhow::Result<Option<Owner>> {
    if system::euid() != Some(0) {
        return Ok(None);
    }
    match ajib_backup::owner_of(data_dir) {
        Ok(owner) => Ok(Some(owner)),
        // No data dir: nothing to restore into or back up, which the next step explains.
        Err(ajib_backup::Error::Io { source, .. })
            if source.kind() == std::io::ErrorKind::NotFound =>
        {
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

/// Brings a SQLite file to this build's schema, for the schema check of restores.
fn migrate(path: &Path) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    ajib_storage::Store::open(path)?;
    Ok(())
}

/// Asks on stdin; true only for "yes".
pub fn confirm(prompt: &str) -> anyhow::Result<bool> {
    eprint!("{prompt}");
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read the answer")?;
    Ok(line.trim().eq_ignore_ascii_case("yes"))
}
