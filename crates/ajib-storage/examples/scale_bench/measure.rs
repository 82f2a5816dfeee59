//! The measuring half of the scale benchmark: what the bot asks the store for, timed, with p50/p99.
//!
//! Each measurement makes the same `Store` calls, in the same order, as the
//! bot code it stands for (named in its row); the app functions themselves
//! need Telegram and a panel, so they are not called.

use std::{
    path::Path,
    time::{Duration, Instant},
};

use ajib_domain::{ServiceId, TelegramId, UnixTime};
use ajib_storage::{Audience, BroadcastStatus, CURRENT_SCHEMA_VERSION, Error, Store};

use crate::synth::{Rng, user_id, username};

/// One printed row: samples of one measurement and what it should stay under.
struct Figure {
    what: String,
    samples: Vec<Duration>,
    /// CPU time of the whole process over each sample (all threads); empty when not measured.
    cpu: Vec<Duration>,
    target: Option<Duration>,
    /// Peak RSS (VmHWM) after this measurement, in KiB.
    peak_kib: u64,
}

/// Measures the database at `db` (N users, synthesised up to `now`) and prints the table.
pub fn run(
    db: &Path,
    n_users: u64,
    runs: u32,
    now: i64,
    no_backup: bool,
) -> Result<(), Box<dyn std::error::Error>> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let figures = runtime.block_on(measure_all(db, n_users, runs, UnixTime(now), no_backup))?;
    print_table(db, n_users, &figures);
    Ok(())
}

async fn measure_all(
    db: &Path,
    n_users: u64,
    runs: u32,
    now: UnixTime,
    no_backup: bool,
) -> Result<Vec<Figure>, Box<dyn std::error::Error>> {
    let started = Instant::now();
    let store = Store::open(db)?;
    let mut res = vec![figure(
        "open the store (migrations)",
        Samples::once(started),
        None,
    )];
    res.extend(stats_screen(&store, runs, now).await?);
    res.extend(lookups(&store, n_users, runs * 10).await?);
    // Paged first: its peak RSS is read before the whole scan raises it.
    res.push(reminder_scan_paged(&store, runs.div_ceil(4), now).await?);
    res.push(reminder_scan(&store, runs.div_ceil(4), now).await?);
    res.extend(broadcast(&store, runs.div_ceil(7), now).await?);
    if !no_backup {
        res.extend(backup(&store, db).await?);
    }
    Ok(res)
}

fn figure(what: &str, samples: Samples, target_ms: Option<u64>) -> Figure {
    Figure {
        what: what.to_owned(),
        samples: samples.wall,
        cpu: samples.cpu,
        target: target_ms.map(Duration::from_millis),
        peak_kib: peak_rss_kib(),
    }
}

/// Peak resident set of this process so far (VmHWM), in KiB; 0 where /proc says nothing.
fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// CPU time used so far by this process's live threads (from /proc), in nanoseconds.
///
/// The machine is shared: wall time counts waiting for a core, CPU time does not.
fn cpu_ns() -> u64 {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return 0;
    };
    tasks
        .flatten()
        .filter_map(|task| std::fs::read_to_string(task.path().join("schedstat")).ok())
        .filter_map(|stat| stat.split_whitespace().next()?.parse::<u64>().ok())
        .sum()
}

/// Wall and CPU times of repeated runs.
#[derive(Default)]
struct Samples {
    wall: Vec<Duration>,
    cpu: Vec<Duration>,
}

impl Samples {
    /// One wall time, CPU not measured (a long step that runs once).
    fn once(started: Instant) -> Self {
        Self {
            wall: vec![started.elapsed()],
            cpu: Vec::new(),
        }
    }

    /// Runs `fut`, recording its wall and CPU time.
    async fn time<T>(&mut self, fut: impl Future<Output = Result<T, Error>>) -> Result<T, Error> {
        // Reading /proc takes tens of microseconds: before the clock starts.
        let cpu = cpu_ns();
        let started = Instant::now();
        let res = fut.await?;
        self.wall.push(started.elapsed());
        self.cpu
            .push(Duration::from_nanos(cpu_ns().saturating_sub(cpu)));
        Ok(res)
    }
}

/// Runs `step` `runs` times, timing each.
async fn sample(
    runs: u32,
    mut step: impl AsyncFnMut(u32) -> Result<(), Error>,
) -> Result<Samples, Error> {
    let mut res = Samples::default();
    for run in 0..runs {
        res.time(step(run)).await?;
    }
    Ok(res)
}

/// Times of each part of a repeated sequence, in the order the parts first ran.
#[derive(Default)]
struct Parts(Vec<(&'static str, Samples)>);

impl Parts {
    /// Runs `fut`, adding its times to `name`.
    async fn time<T>(
        &mut self,
        name: &'static str,
        fut: impl Future<Output = Result<T, Error>>,
    ) -> Result<T, Error> {
        let idx = match self.0.iter().position(|(it, _)| *it == name) {
            Some(idx) => idx,
            None => {
                self.0.push((name, Samples::default()));
                self.0.len() - 1
            }
        };
        self.0[idx].1.time(fut).await
    }
}

/// Everything `ui/admin_stats.rs` asks the store for, in its order, then each query alone.
async fn stats_screen(store: &Store, runs: u32, now: UnixTime) -> Result<Vec<Figure>, Error> {
    let mut parts = Parts::default();
    let totals = sample(runs, async |_| {
        let today = UnixTime::from_date(now.date());
        let month = now.plus_days(-30);
        parts
            .time("  summary (today)", store.summary(today, now))
            .await?;
        parts
            .time("  summary (7 days)", store.summary(now.plus_days(-7), now))
            .await?;
        parts
            .time("  summary (30 days)", store.summary(month, now))
            .await?;
        parts
            .time(
                "  services_expiring (3 days)",
                store.services_expiring(now, 3 * 86_400),
            )
            .await?;
        parts
            .time("  revenue_by_day (30 days)", store.revenue_by_day(month))
            .await?;
        parts.time("  balances_owed", store.balances_owed()).await?;
        parts
            .time(
                "  credited_by_payments (30 days)",
                store.credited_by_payments(month),
            )
            .await?;
        let by_plan = parts
            .time("  revenue_by_plan (30 days)", store.revenue_by_plan(month))
            .await?;
        for row in by_plan {
            parts
                .time("  get_plan (each plan sold)", store.get_plan(row.plan))
                .await?;
        }
        parts
            .time("  order_outcomes (30 days)", store.order_outcomes(month))
            .await?;
        Ok(())
    })
    .await?;
    let mut res = vec![figure(
        "admin statistics screen (all its queries)",
        totals,
        Some(50),
    )];
    res.extend(
        parts
            .0
            .into_iter()
            .map(|(name, samples)| figure(name, samples, None)),
    );
    Ok(res)
}

/// Finding a user as the bot does: by id, by @username, and the admin search.
async fn lookups(store: &Store, n_users: u64, runs: u32) -> Result<Vec<Figure>, Error> {
    let mut rng = Rng::new(0x100C);
    let by_id = sample(runs, async |_| {
        let id = TelegramId(user_id(rng.below(n_users)));
        store
            .get_user(id)
            .await?
            .ok_or(Error::NotFound { what: "user" })
            .map(drop)
    })
    .await?;
    let names: Vec<String> = (0..u64::from(runs) * 3)
        .filter_map(|_| username(rng.below(n_users)))
        .take(runs as usize)
        .collect();
    let by_username = sample(runs, async |run| {
        let name = format!("@{}", names[run as usize % names.len()].to_uppercase());
        store
            .find_user_by_username(&name)
            .await?
            .ok_or(Error::NotFound { what: "user" })
            .map(drop)
    })
    .await?;
    // The admin search's exact match on a panel username: `admin_user_list::find_exact`.
    // Services number about as many as users, with ids from 1: probe, skipping gaps.
    let mut panel_names = Vec::new();
    while panel_names.len() < runs as usize {
        if let Some(service) = store
            .get_service(ServiceId(1 + rng.below(n_users) as i64))
            .await?
        {
            panel_names.push(service.blitz_username);
        }
    }
    let by_panel_name = sample(runs, async |run| {
        let service = store
            .find_service_by_blitz_username(&panel_names[run as usize])
            .await?;
        let service = service.ok_or(Error::NotFound { what: "service" })?;
        store
            .get_user(service.user)
            .await?
            .ok_or(Error::NotFound { what: "user" })
            .map(drop)
    })
    .await?;
    let list_runs = runs.div_ceil(10);
    let first_page = sample(list_runs, async |_| {
        store.search_users(None, 0, 8).await.map(drop)
    })
    .await?;
    let fragment = sample(list_runs, async |_| {
        store.search_users(Some("ali"), 0, 2).await.map(drop)
    })
    .await?;
    Ok(vec![
        figure("user by id (get_user)", by_id, Some(5)),
        figure(
            "user by @username (find_user_by_username)",
            by_username,
            Some(5),
        ),
        figure("admin search, exact panel username", by_panel_name, Some(5)),
        figure(
            "admin user list, first page (search_users)",
            first_page,
            Some(5),
        ),
        figure(
            "admin search, fragment \"ali\" (search_users)",
            fragment,
            Some(5),
        ),
    ])
}

/// One round of `core/reminders.rs` as the store sees it: every active service,
/// a reminder claimed for each one at a threshold, then expiring the expired.
async fn reminder_scan(store: &Store, runs: u32, now: UnixTime) -> Result<Figure, Error> {
    let samples = sample(runs, async |_| {
        let services = store.active_services().await?;
        remind_all(store, &services, now).await?;
        store.expire_services(now).await.map(drop)
    })
    .await?;
    Ok(figure(
        "reminder scan (one round, panel usage aside)",
        samples,
        Some(1000),
    ))
}

/// The same round reading active services a page of 10,000 at a time
/// (`Store::active_services_after`), as `core/reminders.rs` could.
async fn reminder_scan_paged(store: &Store, runs: u32, now: UnixTime) -> Result<Figure, Error> {
    let samples = sample(runs, async |_| {
        let mut after = ServiceId(0);
        loop {
            let page = store.active_services_after(after, 10_000).await?;
            let Some(last) = page.last() else { break };
            after = last.id;
            remind_all(store, &page, now).await?;
        }
        store.expire_services(now).await.map(drop)
    })
    .await?;
    Ok(figure(
        "reminder scan, paged (proposed)",
        samples,
        Some(1000),
    ))
}

/// Claims the expiry reminder each service has reached, as `core/reminders.rs` decides it.
async fn remind_all(
    store: &Store,
    services: &[ajib_domain::Service],
    now: UnixTime,
) -> Result<(), Error> {
    for service in services {
        let kind = match (service.is_expired(now), service.days_left(now)) {
            (true, _) => "expired",
            (false, 0 | 1) => "expiry-1d",
            (false, 2 | 3) => "expiry-3d",
            _ => continue,
        };
        store.mark_reminder_sent(service.id, kind, now).await?;
    }
    Ok(())
}

/// `admin_broadcast`'s start: the audience, then the frozen recipient list.
async fn broadcast(store: &Store, runs: u32, now: UnixTime) -> Result<Vec<Figure>, Error> {
    let mut parts = Parts::default();
    let mut recipients = 0;
    let totals = sample(runs, async |_| {
        let audience = parts
            .time("  audience(All)", store.audience(Audience::All))
            .await?;
        recipients = audience.len();
        let id = parts
            .time(
                "  create_broadcast",
                store.create_broadcast(
                    "<b>News</b>",
                    None,
                    "all",
                    &audience,
                    TelegramId(user_id(0)),
                    now,
                ),
            )
            .await?;
        drop(audience);
        // Stopped at once: the next run starts from the same state.
        store
            .set_broadcast_status(id, BroadcastStatus::Cancelled, now)
            .await
    })
    .await?;
    let mut res = vec![figure(
        &format!("broadcast to everyone ({recipients} recipients)"),
        totals,
        Some(5000),
    )];
    res.extend(
        parts
            .0
            .into_iter()
            .map(|(name, samples)| figure(name, samples, None)),
    );
    Ok(res)
}

/// A backup as the bot makes one (online copy, then the signed archive) and its verification before a restore.
async fn backup(store: &Store, db: &Path) -> Result<Vec<Figure>, Box<dyn std::error::Error>> {
    let dir = tempfile::Builder::new()
        .prefix("ajib-scale-backup-")
        .tempdir_in(db.parent().unwrap_or(Path::new(".")))?;
    let scratch = ajib_backup::scratch_in(dir.path())?;
    let started = Instant::now();
    store.backup_to(&scratch.db_path()).await?;
    let copy = figure("backup: Store::backup_to", Samples::once(started), None);
    let copy_bytes = std::fs::metadata(scratch.db_path())?.len();
    let out = dir.path().join("backup.tar.gz");
    let extras = ajib_backup::Extras {
        env: None,
        plans_json: None,
        app_version: env!("CARGO_PKG_VERSION").to_owned(),
        created_unix: 0,
        signing_key: Some(ajib_backup::SigningKey::from_bytes(&[7; 32])),
        owner: None,
    };
    let started = Instant::now();
    let out_clone = out.clone();
    let info = tokio::task::spawn_blocking(move || {
        ajib_backup::archive_db_copy(&out_clone, scratch, extras)
    })
    .await??;
    let archive = figure(
        &format!(
            "backup: archive ({} MB db → {} MB tar.gz)",
            copy_bytes >> 20,
            info.size >> 20
        ),
        Samples::once(started),
        None,
    );
    let started = Instant::now();
    let mut verified = tokio::task::spawn_blocking(move || {
        ajib_backup::verify_archive(&out, &ajib_backup::Limits::standard(CURRENT_SCHEMA_VERSION))
    })
    .await??;
    let verify = figure(
        "backup: verify_archive (unpack, hashes, integrity_check)",
        Samples::once(started),
        None,
    );
    let started = Instant::now();
    tokio::task::spawn_blocking(move || verified.check_schema(&migrate)).await??;
    let schema = figure(
        "backup: check_schema (copy and migrate)",
        Samples::once(started),
        None,
    );
    Ok(vec![copy, archive, verify, schema])
}

/// The schema check's migrations: what `ajib-app`'s `core::backup::migrate` does.
fn migrate(path: &Path) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    Store::open(path)?;
    Ok(())
}

/// Nearest-rank percentile of sorted samples.
fn percentile(sorted: &[Duration], pct: usize) -> Duration {
    let rank = (sorted.len() * pct).div_ceil(100).max(1);
    sorted[rank - 1]
}

fn millis(it: Duration) -> String {
    let ms = it.as_secs_f64() * 1000.0;
    match ms {
        ms if ms < 10.0 => format!("{ms:.2} ms"),
        ms if ms < 10_000.0 => format!("{ms:.0} ms"),
        ms => format!("{:.1} s", ms / 1000.0),
    }
}

fn print_table(db: &Path, n_users: u64, figures: &[Figure]) {
    let db_mb = std::fs::metadata(db).map(|it| it.len() >> 20).unwrap_or(0);
    println!(
        "\nscale benchmark: {n_users} users, database {db_mb} MB ({})\n",
        db.display()
    );
    println!("| measurement | runs | p50 | p99 | CPU p50 | target | met | peak RSS after |");
    println!("|---|---|---|---|---|---|---|---|");
    for it in figures {
        let mut sorted = it.samples.clone();
        sorted.sort_unstable();
        let (p50, p99) = (percentile(&sorted, 50), percentile(&sorted, 99));
        let (target, met) = match it.target {
            Some(target) => (
                format!("≤ {}", millis(target)),
                if p99 <= target { "yes" } else { "NO" },
            ),
            None => ("report".to_owned(), ""),
        };
        let mut cpu = it.cpu.clone();
        cpu.sort_unstable();
        // /proc updates a running thread's CPU time at scheduler ticks: below
        // a millisecond it says nothing.
        let cpu = match cpu.is_empty() || p50 < Duration::from_millis(1) {
            true => String::new(),
            false => millis(percentile(&cpu, 50)),
        };
        println!(
            "| {} | {} | {} | {} | {cpu} | {target} | {met} | {:.1} MB |",
            it.what,
            sorted.len(),
            millis(p50),
            millis(p99),
            it.peak_kib as f64 / 1024.0
        );
    }
    let peak = peak_rss_kib() as f64 / 1024.0;
    let met = if peak <= 60.0 { "yes" } else { "NO" };
    println!(
        "| peak RSS of the measuring process (VmHWM) | | {peak:.1} MB | | | ≤ 60 MB | {met} | |"
    );
}
