//! `ajib-ctl status`: service state, versions, uptime, database and backup summary, and the
//! key figures of the bot's work (provisioning jobs, orders, open broadcasts) read from the database.

use std::collections::BTreeMap;

use ajib_storage::StateCounts;
use serde::Serialize;

use crate::{
    cli::StatusArgs,
    db::Db,
    envfile::EnvFile,
    paths::Paths,
    service::{self, ServiceState},
    system,
};

/// Everything `status` reports.
#[derive(Debug, Serialize)]
struct Status {
    ctl_version: &'static str,
    bot_version: Option<String>,
    service: ServiceState,
    env_file: String,
    database: String,
    database_bytes: Option<u64>,
    schema_version: Option<u32>,
    users: Option<u64>,
    pending_jobs: Option<u64>,
    work: Option<Work>,
    last_backup: Option<String>,
    last_backup_at: Option<String>,
    problems: Vec<String>,
}

/// The bot's work by state, as `/metrics` reports it from the database.
#[derive(Debug, Serialize)]
struct Work {
    /// Provisioning jobs by state (`pending`, `running`, `done`, `dead`).
    provisioning: BTreeMap<&'static str, u64>,
    /// Orders by status.
    orders: BTreeMap<&'static str, u64>,
    /// Top-ups by status.
    topups: BTreeMap<String, u64>,
    /// Broadcasts running or paused, with their recipients by status.
    open_broadcasts: Vec<OpenBroadcast>,
}

#[derive(Debug, Serialize)]
struct OpenBroadcast {
    id: i64,
    status: &'static str,
    pending: u64,
    sent: u64,
    failed: u64,
    blocked: u64,
}

/// Prints the status (text or `--json`).
pub fn run(paths: &Paths, args: &StatusArgs) -> anyhow::Result<()> {
    system::require_installed(paths)?;
    system::require_admin(paths, "status")?;
    let env = EnvFile::read(&paths.env_file)?;
    let db_path = paths.db(&env);
    let bot = paths.bin_dir.join("ajib-bot");
    let bot_version = bot
        .is_file()
        .then(|| system::run_output(&bot.to_string_lossy(), &["version"]))
        .flatten()
        .map(|it| it.trim().to_owned());
    let mut status = Status {
        ctl_version: env!("CARGO_PKG_VERSION"),
        bot_version,
        service: service::state(paths),
        env_file: paths.env_file.display().to_string(),
        database: db_path.display().to_string(),
        database_bytes: file_size(&db_path),
        schema_version: None,
        users: None,
        pending_jobs: None,
        work: None,
        last_backup: None,
        last_backup_at: None,
        problems: Vec::new(),
    };
    if let Some(size) = status.database_bytes {
        let mut wal = db_path.clone().into_os_string();
        wal.push("-wal");
        status.database_bytes = Some(size + file_size(std::path::Path::new(&wal)).unwrap_or(0));
        match Db::open_existing(paths, &env) {
            Ok(db) => {
                let store = db.store();
                status.schema_version = db.block(store.schema_version()).ok();
                status.users = db.block(store.count_users()).ok();
                status.pending_jobs = db.block(store.pending_jobs_count()).ok();
                match db.block(store.state_counts()) {
                    Ok(counts) => status.work = Some(Work::of(&counts)),
                    Err(e) => status
                        .problems
                        .push(format!("cannot count jobs and orders: {e}")),
                }
            }
            Err(e) => status.problems.push(format!("{e:#}")),
        }
    }
    match ajib_backup::list_backups(&paths.backups(&env)) {
        Ok(list) => {
            if let Some(last) = list.first() {
                status.last_backup = Some(last.path.display().to_string());
                status.last_backup_at = Some(ajib_backup::rfc3339_utc(last.modified_unix));
            }
        }
        Err(e) => status.problems.push(e.to_string()),
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&status)?);
        return Ok(());
    }
    print_text(&status);
    Ok(())
}

fn print_text(status: &Status) {
    let service = &status.service;
    let state = match (service.active.as_str(), service.uptime_secs) {
        ("active", Some(up)) => format!("active ({}), up {}", service.sub, human_duration(up)),
        (active, _) if service.sub.is_empty() => active.to_owned(),
        (active, _) => format!("{active} ({})", service.sub),
    };
    let na = || "n/a".to_owned();
    println!(
        "service:      {state}{}",
        if service.enabled {
            ", enabled at boot"
        } else {
            ""
        }
    );
    println!("ajib-ctl:     {}", status.ctl_version);
    println!(
        "ajib-bot:     {}",
        status
            .bot_version
            .clone()
            .unwrap_or_else(|| "not found".to_owned())
    );
    println!("config:       {}", status.env_file);
    println!(
        "database:     {} ({})",
        status.database,
        status
            .database_bytes
            .map_or_else(|| "not created yet".to_owned(), human_bytes)
    );
    println!(
        "schema:       {}",
        status.schema_version.map_or_else(na, |v| v.to_string())
    );
    println!(
        "users:        {}",
        status.users.map_or_else(na, |v| v.to_string())
    );
    println!(
        "pending jobs: {}",
        status.pending_jobs.map_or_else(na, |v| v.to_string())
    );
    if let Some(work) = &status.work {
        print_work(work);
    }
    match (&status.last_backup, &status.last_backup_at) {
        (Some(path), Some(at)) => println!("last backup:  {at} {path}"),
        _ => println!("last backup:  none (ajib-ctl backup create)"),
    }
    for problem in &status.problems {
        println!("problem:      {problem}");
    }
}

impl Work {
    fn of(counts: &StateCounts) -> Self {
        let provisioning = counts.provision_jobs.by_name().into_iter().collect();
        let orders = counts
            .orders
            .iter()
            .map(|(status, n)| (status.as_str(), *n))
            .collect();
        let open_broadcasts = counts
            .broadcasts_open
            .iter()
            .map(|it| OpenBroadcast {
                id: it.id.0,
                status: it.status.as_str(),
                pending: it.progress.pending,
                sent: it.progress.sent,
                failed: it.progress.failed,
                blocked: it.progress.blocked,
            })
            .collect();
        Self {
            provisioning,
            orders,
            topups: counts.topups.iter().cloned().collect(),
            open_broadcasts,
        }
    }
}

/// `provisioning: 1 pending, 0 running, 2 dead (stuck), 40 done`, then orders and broadcasts.
fn print_work(work: &Work) {
    let jobs = |state: &str| work.provisioning.get(state).copied().unwrap_or(0);
    println!(
        "provisioning: {} pending, {} running, {} dead (stuck), {} done",
        jobs("pending"),
        jobs("running"),
        jobs("dead"),
        jobs("done")
    );
    println!("orders:       {}", counts_line(&work.orders));
    if !work.topups.is_empty() {
        println!("top-ups:      {}", counts_line(&work.topups));
    }
    if work.open_broadcasts.is_empty() {
        println!("broadcasts:   none running");
    }
    for it in &work.open_broadcasts {
        let total = it.pending + it.sent + it.failed + it.blocked;
        println!(
            "broadcast #{}: {}, {} of {total} sent, {} failed, {} blocked, {} to go",
            it.id, it.status, it.sent, it.failed, it.blocked, it.pending
        );
    }
}

/// `3 paid, 120 provisioned`: the non-zero counts, or `none`.
fn counts_line<K: AsRef<str>>(counts: &BTreeMap<K, u64>) -> String {
    let res: Vec<String> = counts
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(status, n)| format!("{n} {}", status.as_ref()))
        .collect();
    match res.is_empty() {
        true => "none".to_owned(),
        false => res.join(", "),
    }
}

fn file_size(path: &std::path::Path) -> Option<u64> {
    std::fs::metadata(path)
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.len())
}

/// `1.5 MiB`-style sizes.
#[must_use]
pub fn human_bytes(n: u64) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < units.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    match unit {
        0 => format!("{n} B"),
        _ => format!("{value:.1} {}", units[unit]),
    }
}

fn human_duration(secs: u64) -> String {
    let (d, h, m) = (secs / 86_400, secs % 86_400 / 3600, secs % 3600 / 60);
    match (d, h) {
        (0, 0) => format!("{m}m"),
        (0, _) => format!("{h}h {m}m"),
        _ => format!("{d}d {h}h"),
    }
}
