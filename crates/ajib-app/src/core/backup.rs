//! Backups from the running bot: the archive itself, and the scheduled round that prunes and alerts.
//!
//! An archive holds a consistent online copy of the database
//! ([`ajib_storage::Store::backup_to`]), `plans.json`, and the config file with
//! its secrets masked unless the owner asked for them. The archiving steps are
//! `ajib-backup`'s, shared with `ajib-ctl backup create`.

use std::{
    path::{Path, PathBuf},
    sync::Arc,
    time::Duration,
};

use ajib_backup::{ArchiveInfo, EnvPart, Extras};
use ajib_i18n::Arg;
use ajib_storage::Actor;
use anyhow::Context;
use tokio::sync::watch;

use crate::{
    blocking::{blocking, pause},
    core::notify,
    deps::{Deps, now},
};

/// Whether the config file's secrets go into an archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Secrets {
    /// Every secret value is replaced by `***`.
    Masked,
    /// The config file goes in verbatim (the owner asked for it).
    Included,
}

/// Wait before the first automatic backup when the backup directory has none yet.
const FIRST_BACKUP_DELAY_SECS: u64 = 600;
/// Wait before trying again after a failed automatic backup (at most the interval).
const RETRY_AFTER_FAILURE_SECS: u64 = 3600;

/// Where the bot keeps its backups and which config file they include, decided where the bot is wired.
///
/// Production uses [`BackupSettings::production`]; the sandbox points both at its own
/// data directory, so it never reads (or sends) an installed bot's config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupSettings {
    /// Where archives are written.
    pub dir: PathBuf,
    /// Config files an archive includes, in the order they are looked for; the first that exists wins.
    pub env_files: Vec<PathBuf>,
}

impl BackupSettings {
    /// `DATA_DIR/backups`, and the installed config file `/etc/ajib/ajib.env`, else `./.env`.
    #[must_use]
    pub fn production(config: &ajib_config::Config) -> Self {
        Self {
            dir: config.data_dir.join("backups"),
            env_files: vec![PathBuf::from("/etc/ajib/ajib.env"), PathBuf::from(".env")],
        }
    }

    /// The config file backups include: the first of `env_files` that exists.
    #[must_use]
    pub fn env_file(&self) -> Option<PathBuf> {
        self.env_files.iter().find(|it| it.is_file()).cloned()
    }
}

/// Writes an archive of the live database, the plans and the config file to the backup directory.
pub async fn create(deps: &Deps, secrets: Secrets) -> anyhow::Result<ArchiveInfo> {
    let created_unix = u64::try_from(now().0).unwrap_or(0);
    let plans = deps
        .store
        .list_plans(false)
        .await
        .context("cannot read plans")?;
    let plans_json = ajib_backup::plans_json(&plans)?;
    let env = env_part(deps.settings.env_file.clone(), secrets).await;
    let dir = deps.settings.backup_dir.clone();
    let (out, scratch) = blocking(move || {
        ajib_backup::create_private_dir(&dir)?;
        let out = ajib_backup::unused_archive_path(&dir, created_unix);
        let scratch = ajib_backup::scratch_beside(&out)?;
        Ok::<_, ajib_backup::Error>((out, scratch))
    })
    .await??;
    deps.store
        .backup_to(&scratch.db_path())
        .await
        .context("online copy of the database failed")?;
    let extras = Extras {
        env,
        plans_json: Some(plans_json),
        app_version: env!("CARGO_PKG_VERSION").to_owned(),
        created_unix,
        signing_key: deps.settings.backup_signing_key.clone(),
        owner: None,
    };
    let info = blocking(move || ajib_backup::archive_db_copy(&out, scratch, extras)).await??;
    log::info!(
        "backup written: {} ({} bytes, secrets {}, {})",
        info.path.display(),
        info.size,
        if info.manifest.secrets_included {
            "included"
        } else {
            "masked"
        },
        if info.signed { "signed" } else { "unsigned" }
    );
    Ok(info)
}

/// One automatic backup: archive, prune to `BACKUP_KEEP`, audit; admins hear of a failure.
pub async fn round(deps: &Deps) -> anyhow::Result<ArchiveInfo> {
    let res = create_and_prune(deps).await;
    match &res {
        Ok(info) => {
            let after = serde_json::json!({
                "file": file_name(&info.path),
                "size": info.size,
            })
            .to_string();
            if let Err(err) = deps
                .store
                .audit(Actor::System, "backup.auto", None, Some(&after), now())
                .await
            {
                log::warn!("audit of an automatic backup failed: {err}");
            }
        }
        Err(err) => {
            log::error!("automatic backup failed: {err:#}");
            let error = format!("{err:#}");
            notify::admins(
                deps,
                "admin-backup-failed",
                &[("error", Arg::from(error.as_str()))],
            )
            .await;
        }
    }
    res
}

/// Runs [`round`] every `BACKUP_INTERVAL_HOURS` until shutdown; returns at once when that is 0.
pub async fn run(deps: Arc<Deps>, mut shutdown: watch::Receiver<bool>) {
    let hours = deps.settings.backup_interval_hours;
    if hours == 0 {
        log::info!("automatic backups are off (BACKUP_INTERVAL_HOURS=0)");
        return;
    }
    let interval = u64::from(hours) * 3600;
    loop {
        let newest = newest_backup(&deps.settings.backup_dir).await;
        let now_unix = u64::try_from(now().0).unwrap_or(0);
        let wait = secs_until_due(newest, interval, now_unix);
        if pause(Duration::from_secs(wait), &mut shutdown).await {
            return;
        }
        if round(&deps).await.is_err() {
            let wait = Duration::from_secs(RETRY_AFTER_FAILURE_SECS.min(interval));
            if pause(wait, &mut shutdown).await {
                return;
            }
        }
    }
}

/// Seconds until the next automatic backup: an interval after the newest archive, soon when there is none.
#[must_use]
fn secs_until_due(newest_unix: Option<u64>, interval: u64, now_unix: u64) -> u64 {
    match newest_unix {
        Some(newest) => newest.saturating_add(interval).saturating_sub(now_unix),
        None => FIRST_BACKUP_DELAY_SECS,
    }
}

async fn create_and_prune(deps: &Deps) -> anyhow::Result<ArchiveInfo> {
    let info = create(deps, Secrets::Masked).await?;
    let (dir, keep) = (deps.settings.backup_dir.clone(), deps.settings.backup_keep);
    for removed in blocking(move || ajib_backup::prune(&dir, keep)).await?? {
        log::info!("pruned old backup {}", removed.display());
    }
    Ok(info)
}

/// The modification time of the newest archive in `dir`, if any.
async fn newest_backup(dir: &Path) -> Option<u64> {
    let dir = dir.to_owned();
    match blocking(move || ajib_backup::list_backups(&dir)).await {
        Ok(Ok(entries)) => entries.first().map(|it| it.modified_unix),
        Ok(Err(err)) => {
            log::warn!("cannot list backups: {err}");
            None
        }
        Err(err) => {
            log::warn!("cannot list backups: {err}");
            None
        }
    }
}

/// The config file as it goes into an archive; `None` (logged) when there is none or it cannot be read.
async fn env_part(path: Option<PathBuf>, secrets: Secrets) -> Option<EnvPart> {
    let path = path?;
    let shown = path.display().to_string();
    let text = match blocking(move || std::fs::read_to_string(&path)).await {
        Ok(Ok(text)) => text,
        Ok(Err(err)) => {
            log::warn!("backup goes without the config file: cannot read {shown}: {err}");
            return None;
        }
        Err(err) => {
            log::warn!("backup goes without the config file: {err}");
            return None;
        }
    };
    Some(match secrets {
        Secrets::Masked => EnvPart::redacted(&text, &ajib_config::is_secret),
        Secrets::Included => EnvPart::with_secrets(&text),
    })
}

/// The signing key from `BACKUP_SIGNING_KEY`; a malformed one is logged and backups go unsigned.
#[must_use]
pub fn signing_key(configured: Option<&ajib_config::Secret>) -> Option<ajib_backup::SigningKey> {
    let configured = configured?;
    match ajib_backup::SigningKey::from_hex(configured.expose()) {
        Ok(key) => Some(key),
        Err(err) => {
            // The error names the expected shape, never the value.
            log::error!("backups will not be signed: {err}");
            None
        }
    }
}

/// Brings a SQLite file to this build's schema: the reference for restore's schema check.
pub fn migrate(path: &Path) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    ajib_storage::Store::open(path)?;
    Ok(())
}

/// The last component of `path`, for messages and the audit log.
#[must_use]
pub fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|it| it.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(newest: Option<u64>, now: u64, expected: u64) {
        assert_eq!(secs_until_due(newest, 86_400, now), expected);
    }

    #[test]
    fn the_next_backup_is_an_interval_after_the_newest() {
        check(Some(1_000), 1_000, 86_400);
        check(Some(1_000), 51_000, 36_400);
        check(Some(1_000), 200_000, 0);
        check(None, 5_000, FIRST_BACKUP_DELAY_SECS);
    }
}
