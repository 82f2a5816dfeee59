//! `ajib-ctl backup create|list|verify|restore`, in the format of the `ajib-backup` crate.

use std::{
    fs,
    io::BufRead,
    path::{Path, PathBuf},
    time::{SystemTime, UNIX_EPOCH},
};

use ajib_backup::{EnvPart, Extras, Limits};
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
        BackupCommand::Verify(args) => verify(&args),
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
    let env = EnvFile::read(&paths.env_file)?;
    let env_text = fs::read_to_string(&paths.env_file)
        .with_context(|| format!("cannot read {}", paths.env_file.display()))?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let out = match &args.out {
        Some(out) => out.clone(),
        None => {
            let dir = paths.backups(&env);
            make_private_dir(&dir, &paths.data_dir(&env))?;
            ajib_backup::unused_archive_path(&dir, now)
        }
    };
    let scratch = ajib_backup::scratch_beside(&out)?;
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
    };
    let info = ajib_backup::archive_db_copy(&out, scratch, extras)?;
    system::chown_like(&out, &paths.data_dir(&env));
    println!(
        "backup written: {} ({} bytes, schema {})",
        info.path.display(),
        info.size,
        info.manifest.schema_version
    );
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

fn verify(args: &BackupVerify) -> anyhow::Result<()> {
    let verified = ajib_backup::verify_archive(&args.archive, &limits())
        .with_context(|| format!("{} failed verification", args.archive.display()))?;
    let manifest = verified.manifest();
    if args.json {
        println!("{}", serde_json::to_string_pretty(manifest)?);
        return Ok(());
    }
    println!("OK {}", args.archive.display());
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
    let env = EnvFile::read(&paths.env_file)?;
    let db_path = paths.db(&env);
    let verified = ajib_backup::verify_archive(&args.archive, &limits()).with_context(|| {
        format!(
            "{} failed verification; nothing was changed",
            args.archive.display()
        )
    })?;
    println!(
        "backup from {} (schema {}) will replace {}",
        verified.manifest().created_at,
        verified.manifest().schema_version,
        db_path.display()
    );
    if !args.yes && !confirm("Type 'yes' to restore: ")? {
        anyhow::bail!("restore cancelled; nothing was changed");
    }
    let was_running = system::has_systemd(paths) && service::state(paths).active == "active";
    if was_running {
        service::systemctl(paths, "stop")?;
    }
    let report = ajib_backup::restore(&verified, &db_path, &paths.safety_dir(&env));
    let data_dir = paths.data_dir(&env);
    system::chown_like(&db_path, &data_dir);
    if was_running {
        service::systemctl(paths, "start")?;
    }
    let report = report?;
    if let Some(copy) = &report.safety_copy {
        system::chown_like(copy, &data_dir);
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

fn make_private_dir(dir: &Path, owner_like: &Path) -> anyhow::Result<()> {
    let existed = dir.exists();
    ajib_backup::create_private_dir(dir)?;
    if !existed {
        system::chown_like(dir, owner_like);
    }
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
