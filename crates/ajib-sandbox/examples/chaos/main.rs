//! Kill -9 chaos: the release `ajib-bot run` is SIGKILLed again and again while customers pay and a broadcast runs; then exactly once is checked.
//!
//! ```text
//! cargo xtask chaos [--kills N] [--users K] [--recipients R] [--seed S]
//! ```
//!
//! xtask builds the release bot and runs this with `--bot target/release/ajib-bot`.
//! The test kit's fake Bot API, Blitz panel and Heleket run in this process,
//! bound once on 127.0.0.1 (their ports stay the same for the whole run); the
//! bot runs as a child process on a SQLite file in a temp dir that survives
//! its restarts, and its HTTP server keeps one port so Heleket's webhooks find
//! it after every restart.
//!
//! - K customers walk the menus to an invoice; most pay it (a few too much or
//!   too little, some not at all), each payment confirmed by 1–3 signed
//!   webhooks (the fake's own and copies posted again, concurrent and late),
//!   the bot's poller and Check presses;
//! - the panel fails at random (502s, refused connections, requests that hang,
//!   as `specs/blitz.md` describes the real one failing);
//! - a broadcast to R recipients (every 50th has blocked the bot) runs through it all;
//! - the bot is SIGKILLed N times at random moments (0.3–3 s apart, during
//!   start-up too) and started again at once.
//!
//! Then, once the panel behaves and the system is quiet, it checks from the
//! fakes' records and the database (see `checks`), prints one summary and
//! exits non-zero on any violation. The seed is printed; `--seed` repeats the
//! run's choices (not its timing).

mod bot;
mod checks;
mod rng;
mod shop;

use std::{
    path::PathBuf,
    process::ExitCode,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use ajib_domain::{Lang, TelegramId};
use ajib_storage::{Store, UserSeen};
use ajib_testkit::{
    blitz::{BlitzFault, FakeBlitz},
    heleket::FakeHeleket,
    telegram::{FakeTelegram, RateLimits, SimUser, TOKEN},
};
use anyhow::{Context, bail};

use crate::{
    bot::Bot,
    checks::{Expect, Report},
    rng::Rng,
    shop::{Purchase, Shop},
};

const BLITZ_TOKEN: &str = "chaos-blitz-token";
const MERCHANT: &str = "chaos-merchant";
const HELEKET_KEY: &str = "chaos-heleket-key";
const ADMIN: i64 = 1000;
const FIRST_CUSTOMER: i64 = 600_000;
const FIRST_RECIPIENT: i64 = 700_000;
/// Every this many recipients, one has blocked the bot.
const BLOCKED_EVERY: i64 = 50;
/// The broadcast's text; the checks count it in each recipient's chat.
const BROADCAST_TEXT: &str = "Chaos broadcast: we are still here.";

struct Args {
    bot: PathBuf,
    kills: u32,
    users: u32,
    recipients: u32,
    seed: u64,
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(err) => {
            eprintln!("chaos: {err:#}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("chaos: no runtime: {err}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(chaos(&args)) {
        Ok(report) => {
            report.print(&args);
            match report.violations.is_empty() {
                true => ExitCode::SUCCESS,
                false => ExitCode::FAILURE,
            }
        }
        Err(err) => {
            eprintln!("chaos: the run could not finish: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn parse_args(mut args: impl Iterator<Item = String>) -> anyhow::Result<Args> {
    let clock = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |it| it.as_nanos() as u64);
    let mut res = Args {
        bot: PathBuf::from("target/release/ajib-bot"),
        kills: 20,
        users: 30,
        recipients: 10_000,
        seed: clock,
    };
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().with_context(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--bot" => res.bot = PathBuf::from(value("--bot")?),
            "--kills" => res.kills = value("--kills")?.parse().context("--kills: a number")?,
            "--users" => res.users = value("--users")?.parse().context("--users: a number")?,
            "--recipients" => {
                res.recipients = value("--recipients")?
                    .parse()
                    .context("--recipients: a number")?;
            }
            "--seed" => res.seed = value("--seed")?.parse().context("--seed: a number")?,
            other => bail!(
                "unknown argument {other:?}; usage: chaos [--bot PATH] [--kills N] [--users K] [--recipients R] [--seed S]"
            ),
        }
    }
    if res.users < 1 {
        bail!("--users must be at least 1");
    }
    Ok(res)
}

/// The fakes, shared with the tasks that play customers and the panel.
struct Fakes {
    telegram: Arc<FakeTelegram>,
    blitz: Arc<FakeBlitz>,
    heleket: Arc<FakeHeleket>,
}

async fn chaos(args: &Args) -> anyhow::Result<Report> {
    println!(
        "chaos: {} kills, {} customers, a broadcast to {} (seed {})",
        args.kills, args.users, args.recipients, args.seed
    );
    let fakes = Fakes {
        telegram: Arc::new(FakeTelegram::try_start()?),
        blitz: Arc::new(FakeBlitz::try_start(BLITZ_TOKEN)?),
        heleket: Arc::new(FakeHeleket::try_start(MERCHANT, HELEKET_KEY)?),
    };
    // The bot paces itself; the fake's own limits would only add 429 noise.
    fakes.telegram.set_rate_limits(RateLimits::Off);
    let dir = tempfile::tempdir()?;
    let db_path = dir.path().join("ajib.db");
    let customers: Vec<SimUser> = (0..i64::from(args.users))
        .map(|idx| SimUser::new(FIRST_CUSTOMER + idx, "Customer"))
        .collect();
    let recipients: Vec<i64> = (0..i64::from(args.recipients))
        .map(|idx| FIRST_RECIPIENT + idx)
        .collect();
    let store = seed(&db_path, &fakes, &customers, &recipients).await?;

    let listen = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?;
    let env = vec![
        ("TELEGRAM_BOT_TOKEN", TOKEN.to_owned()),
        ("TELEGRAM_API_BASE", fakes.telegram.api_base()),
        ("TELEGRAM_ADMIN_IDS", ADMIN.to_string()),
        ("BLITZ_API_BASE", fakes.blitz.base_url().to_owned()),
        ("BLITZ_API_KEY", BLITZ_TOKEN.to_owned()),
        ("HELEKET_API_BASE", fakes.heleket.base_url().to_owned()),
        ("HELEKET_MERCHANT_ID", MERCHANT.to_owned()),
        ("HELEKET_API_KEY", HELEKET_KEY.to_owned()),
        ("PUBLIC_URL", format!("http://{listen}")),
        ("HTTP_LISTEN", listen.to_string()),
        ("DATABASE_URL", db_path.display().to_string()),
        ("DATA_DIR", dir.path().display().to_string()),
        ("LOG_LEVEL", "info".to_owned()),
    ];
    let mut bot = Bot::new(&args.bot, dir.path(), env)?;
    bot.start()?;
    bot.wait_listening(listen, Duration::from_secs(30)).await?;

    let started = Instant::now();
    let calm = Arc::new(AtomicBool::new(false));
    let panel = tokio::spawn(flaky_panel(
        fakes.blitz.clone(),
        calm.clone(),
        Rng::new(args.seed, 1),
    ));
    let shop = Arc::new(Shop {
        telegram: fakes.telegram.clone(),
        heleket: fakes.heleket.clone(),
        webhook_url: format!("http://{listen}/webhooks/heleket"),
    });
    // Customers arrive over the first part of the kills, so payments land
    // before, between and after them.
    let spread_ms = u64::from(args.kills) * 900;
    let mut buyers = tokio::task::JoinSet::new();
    for (idx, user) in customers.iter().enumerate() {
        let mut rng = Rng::new(args.seed, 100 + idx as u64);
        let delay = rng.millis(0, spread_ms);
        buyers.spawn(shop::buy(shop.clone(), user.clone(), rng, delay));
    }

    let mut rng = Rng::new(args.seed, 2);
    for _ in 0..args.kills {
        tokio::time::sleep(rng.millis(300, 3_000)).await;
        bot.restart_if_exited()?;
        bot.kill();
        bot.start()?;
    }
    let last_kill = Instant::now();
    println!(
        "chaos: {} kills in {:.0} s; the panel behaves from now on",
        args.kills,
        started.elapsed().as_secs_f64()
    );
    calm.store(true, Ordering::SeqCst);
    panel.await.context("the panel task")?;
    fakes.blitz.set_fault(BlitzFault::None);

    let mut purchases: Vec<Purchase> = Vec::new();
    let mut stuck = Vec::new();
    while let Some(joined) = buyers.join_next().await {
        match joined.context("a customer task panicked")? {
            Ok(purchase) => purchases.push(purchase),
            Err(err) => stuck.push(format!("{err:#}")),
        }
    }
    let expect = Expect {
        purchases,
        stuck,
        recipients,
        blocked_every: BLOCKED_EVERY,
        admin: ADMIN,
        broadcast_text: BROADCAST_TEXT,
        secrets: vec![TOKEN, BLITZ_TOKEN, HELEKET_KEY],
    };
    let deadline = Duration::from_secs(180 + u64::from(args.recipients) / 20);
    let delivered =
        checks::wait_until_quiet(&store, &fakes, &expect, &mut bot, last_kill, deadline).await?;
    bot.kill();
    let mut report = checks::check(&store, &db_path, &fakes, &expect, &bot, delivered).await?;
    report.kills = args.kills;
    report.starts = bot.starts;
    report.elapsed = started.elapsed();
    Ok(report)
}

/// Plans, the customers (English chosen), the admin, and the broadcast,
/// created before the bot starts so it runs through every kill.
async fn seed(
    db_path: &std::path::Path,
    fakes: &Fakes,
    customers: &[SimUser],
    recipients: &[i64],
) -> anyhow::Result<Store> {
    let store = Store::open(db_path)?;
    ajib_sandbox::seed_demo_plans(&store).await?;
    let now = ajib_app::deps::now();
    for user in customers {
        fakes.telegram.add_user(user);
        let seen = UserSeen {
            id: TelegramId(user.id),
            username: None,
            first_name: user.first_name.clone(),
            now,
        };
        store.upsert_user(&seen).await?;
        store.set_user_lang(TelegramId(user.id), Lang::EN).await?;
    }
    fakes.telegram.add_user(&SimUser::new(ADMIN, "Admin"));
    for (idx, id) in recipients.iter().enumerate() {
        fakes.telegram.add_user(&SimUser::new(*id, "Reader"));
        if idx as i64 % BLOCKED_EVERY == BLOCKED_EVERY - 1 {
            fakes.telegram.block(*id);
        }
    }
    let ids: Vec<TelegramId> = recipients.iter().copied().map(TelegramId).collect();
    if !ids.is_empty() {
        store
            .create_broadcast(BROADCAST_TEXT, None, "chaos", &ids, TelegramId(ADMIN), now)
            .await?;
    }
    Ok(store)
}

/// The panel misbehaving at random until `calm`: mostly fine, sometimes
/// answering 502 (a dead panel behind its proxy), refusing connections (the
/// panel down) or holding requests past the bot's timeout.
async fn flaky_panel(blitz: Arc<FakeBlitz>, calm: Arc<AtomicBool>, mut rng: Rng) {
    while !calm.load(Ordering::SeqCst) {
        let fault = match rng.below(20) {
            0..=1 => BlitzFault::ServerError,
            2 => BlitzFault::Refuse,
            3 => BlitzFault::Hang,
            _ => BlitzFault::None,
        };
        blitz.set_fault(fault);
        tokio::time::sleep(rng.millis(200, 2_000)).await;
    }
    blitz.set_fault(BlitzFault::None);
}
