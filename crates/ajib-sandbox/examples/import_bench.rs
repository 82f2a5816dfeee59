//! Times `ajib-ctl panels import` on a big panel: N users on a fake Blitz
//! panel listed over HTTP, then linked as services in a fresh database, then
//! imported a second time (every account already linked).
//!
//! ```text
//! cargo xtask bench import [--users N]      (default 10000)
//! ```
//!
//! It prints each step's time and checks the counts: the first import links
//! every account once, the second links none.

use std::time::{Duration, Instant};

use ajib_domain::{PanelId, TelegramId, UnixTime};
use ajib_storage::{ImportCounts, ImportedAccount, PanelTerms, Store};
use ajib_testkit::blitz::{FakeBlitz, SeedUser};
use anyhow::{Context, bail};

const FIRST_ID: i64 = 100_000;

fn main() -> anyhow::Result<()> {
    let n_users = users_arg()?;
    let fake = FakeBlitz::try_start("import-bench").context("cannot start the fake panel")?;
    let today = fake.today();
    let seed: Vec<SeedUser> = (0..n_users)
        .map(|it| SeedUser {
            username: format!("ajib_{}_{it}", FIRST_ID + it),
            traffic_gb: 50,
            expiration_days: 30,
            creation_date: (it % 10 != 0).then(|| today.clone()),
        })
        .collect();
    fake.add_users(&seed);
    println!("import bench: {n_users} users on a fake Blitz panel (every tenth on hold)");

    let client = blitz::Client::new(fake.base_url(), fake.token(), Duration::from_secs(120))?;
    let started = Instant::now();
    let users = client.list_users()?;
    let listed = started.elapsed();
    if users.len() as i64 != n_users {
        bail!("listed {} users, expected {n_users}", users.len());
    }
    let started = Instant::now();
    let accounts = users
        .iter()
        .map(|user| {
            let owner = user
                .username
                .split('_')
                .nth(1)
                .and_then(|it| it.parse().ok())
                .context("a seeded name")?;
            Ok(ImportedAccount {
                owner: TelegramId(owner),
                username: user.username.clone(),
                terms: PanelTerms::from_panel(
                    user.account_creation_date.as_deref(),
                    user.expiration_days,
                    user.max_download_bytes,
                )?,
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let planned = started.elapsed();

    let dir = tempfile::tempdir()?;
    let runtime = tokio::runtime::Runtime::new()?;
    let (first, first_took, second, second_took) = runtime.block_on(async {
        let store = Store::open(&dir.path().join("ajib.db"))?;
        let now = UnixTime(i64::try_from(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)?
                .as_secs(),
        )?);
        let started = Instant::now();
        let first = store
            .import_accounts(PanelId::FIRST, &accounts, now)
            .await?;
        let first_took = started.elapsed();
        let started = Instant::now();
        let second = store
            .import_accounts(PanelId::FIRST, &accounts, now)
            .await?;
        anyhow::Ok((first, first_took, second, started.elapsed()))
    })?;
    let n = n_users as u64;
    check("first import", first, (n, 0), n)?;
    check("second import", second, (0, n), 0)?;

    let total = listed + planned + first_took;
    println!("  list_users over HTTP:       {:>8.1} ms", ms(listed));
    println!("  owners and terms:           {:>8.1} ms", ms(planned));
    println!(
        "  first import (link all):    {:>8.1} ms  ({:.0} accounts/s)",
        ms(first_took),
        n as f64 / first_took.as_secs_f64()
    );
    println!(
        "  second import (no change):  {:>8.1} ms  ({:.0} accounts/s)",
        ms(second_took),
        n as f64 / second_took.as_secs_f64()
    );
    println!("  list + link, total:         {:>8.1} ms", ms(total));
    Ok(())
}

fn users_arg() -> anyhow::Result<i64> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [] => Ok(10_000),
        [flag, n] if flag == "--users" => {
            let n: i64 = n.parse().context("--users takes a number")?;
            if !(1..=1_000_000).contains(&n) {
                bail!("--users must be between 1 and 1000000");
            }
            Ok(n)
        }
        _ => bail!("usage: import_bench [--users N]"),
    }
}

fn check(
    what: &str,
    counts: ImportCounts,
    linked: (u64, u64),
    new_users: u64,
) -> anyhow::Result<()> {
    let got = (counts.linked, counts.already_linked);
    if got != linked || counts.other_owner != 0 || counts.new_users != new_users {
        bail!("{what}: unexpected counts {counts:?}");
    }
    Ok(())
}

fn ms(it: Duration) -> f64 {
    it.as_secs_f64() * 1000.0
}
