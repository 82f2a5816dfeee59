//! Simulated users walk the menus of the real `ajib-bot run` process; prints how fast it answers.
//!
//! ```text
//! cargo xtask bench journey [--users K] [--steps S] [--slow-blitz] [--agent-bots N [--agent-customers C]]
//! ```
//!
//! xtask builds the release bot and runs this with `--bot target/release/ajib-bot`.
//! The bot runs as a child process with its production wiring and a real
//! SQLite file (plans and users seeded first), against the test kit's fake
//! Bot API with its rate limits off, a fake Blitz panel and a fake Heleket,
//! all on 127.0.0.1 in this process. Each of K returning users (language
//! already chosen) walks S steps of /start → Buy → a plan → Pay, then again;
//! a step is one update, and its reply time runs from injecting the update to
//! the bot's first change of that chat. Updates per second count every
//! update from the first injection to the last reply.
//!
//! With `--slow-blitz`, one more user has a service whose panel account
//! answers only after 20 s; they keep opening their services while the others
//! shop, and the others' reply times are reported apart from theirs.
//!
//! With `--agent-bots N`, N agents' own bots run in the same process (each
//! with its own polling and outbox), and each has C customers of its own
//! (K/N unless `--agent-customers` says; 0 leaves the bots idle) walking
//! /start → Buy in it at the same time; the main bot's reply times
//! are reported apart from the agent bots'.
//!
//! It prints figures and asserts no target: the targets are in docs/benchmarks.md.

use std::{
    fs,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::Arc,
    time::{Duration, Instant},
};

use ajib_domain::{Lang, TelegramId};
use ajib_storage::{Actor, AgentEdit, NewAgentBot, Store, UserSeen};
use ajib_testkit::{
    blitz::FakeBlitz,
    heleket::FakeHeleket,
    telegram::{FakeBot, FakeTelegram, RateLimits, SimUser, TOKEN},
};
use anyhow::{Context, bail};

const BLITZ_TOKEN: &str = "bench-blitz-token";
const MERCHANT: &str = "bench-merchant";
const HELEKET_KEY: &str = "bench-heleket-key";
const FIRST_USER: i64 = 500_000;
/// The user whose panel account is slow under `--slow-blitz`.
const SLOW_USER: i64 = 499_999;
const SLOW_BLITZ_DELAY: Duration = Duration::from_secs(20);
/// A reply later than this counts as lost.
const REPLY_TIMEOUT: Duration = Duration::from_secs(30);
/// Linux reports process CPU time in these ticks per second (`USER_HZ`).
const TICKS_PER_SEC: f64 = 100.0;

/// Buttons a shopper presses, the last step of the walk first; after it comes /start.
const SHOPPER_PATH: [&str; 3] = ["v1:b:", "v1:p:", "v1:ps"];
/// Buttons an agent bot's customer presses: the plans; after it comes /start.
const AGENT_CUSTOMER_PATH: [&str; 1] = ["s1:p"];
/// The first agent's Telegram id; its bot's id is [`FIRST_AGENT_BOT`] + the same offset.
const FIRST_AGENT: i64 = 400_000;
const FIRST_AGENT_BOT: i64 = 7_700_000;
/// The first agent bot customer's id.
const FIRST_AGENT_CUSTOMER: i64 = 600_000;
/// Buttons the slow user presses: their services, then one service.
const SLOW_USER_PATH: [&str; 2] = ["v1:s:", "v1:ss"];

struct Args {
    bot: PathBuf,
    users: i64,
    steps: usize,
    slow_blitz: bool,
    agent_bots: i64,
    agent_customers: Option<i64>,
}

fn main() -> anyhow::Result<()> {
    let args = parse_args(std::env::args().skip(1))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    runtime.block_on(bench(&args))
}

fn parse_args(mut args: impl Iterator<Item = String>) -> anyhow::Result<Args> {
    let mut res = Args {
        bot: PathBuf::from("target/release/ajib-bot"),
        users: 500,
        steps: 4,
        slow_blitz: false,
        agent_bots: 0,
        agent_customers: None,
    };
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().with_context(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--bot" => res.bot = PathBuf::from(value("--bot")?),
            "--users" => res.users = value("--users")?.parse().context("--users: a number")?,
            "--steps" => res.steps = value("--steps")?.parse().context("--steps: a number")?,
            "--slow-blitz" => res.slow_blitz = true,
            "--agent-customers" => {
                res.agent_customers = Some(
                    value("--agent-customers")?
                        .parse()
                        .context("--agent-customers: a number")?,
                );
            }
            "--agent-bots" => {
                res.agent_bots = value("--agent-bots")?
                    .parse()
                    .context("--agent-bots: a number")?;
            }
            other => bail!(
                "unknown argument {other:?}; usage: journey_bench [--bot PATH] [--users K] [--steps S] [--slow-blitz] [--agent-bots N [--agent-customers C]]"
            ),
        }
    }
    if res.users < 1 || res.steps < 1 || !(0..=100).contains(&res.agent_bots) {
        bail!("--users and --steps must be at least 1, --agent-bots 0 to 100");
    }
    Ok(res)
}

/// The fakes the bot talks to; stopped on drop.
struct Fakes {
    telegram: Arc<FakeTelegram>,
    blitz: FakeBlitz,
    heleket: FakeHeleket,
}

async fn bench(args: &Args) -> anyhow::Result<()> {
    let fakes = Fakes {
        telegram: Arc::new(FakeTelegram::try_start()?),
        blitz: FakeBlitz::try_start(BLITZ_TOKEN)?,
        heleket: FakeHeleket::try_start(MERCHANT, HELEKET_KEY)?,
    };
    fakes.telegram.set_rate_limits(RateLimits::Off);
    let dir = tempfile::tempdir()?;
    let shoppers: Vec<SimUser> = (FIRST_USER..FIRST_USER + args.users)
        .map(|id| SimUser::new(id, "Shopper"))
        .collect();
    let slow = args.slow_blitz.then(|| SimUser::new(SLOW_USER, "Slow"));
    seed(dir.path(), shoppers.iter().chain(&slow)).await?;
    let agent_bots = seed_agent_bots(dir.path(), &fakes.telegram, args.agent_bots).await?;
    let per_bot = match (args.agent_bots, args.agent_customers) {
        (0, _) => 0,
        (_, Some(customers)) => customers.max(0),
        (n, None) => (args.users / n).max(1),
    };
    let agent_customers: Vec<(FakeBot, SimUser)> = agent_bots
        .iter()
        .enumerate()
        .flat_map(|(n, bot)| {
            (0..per_bot).map(move |k| {
                let id = FIRST_AGENT_CUSTOMER + n as i64 * per_bot + k;
                (bot.clone(), SimUser::new(id, "Customer"))
            })
        })
        .collect();

    let mut bot = Bot::spawn(&args.bot, dir.path(), &fakes)?;
    let startup = bot.wait_until_polling(&fakes.telegram).await?;
    for agent_bot in &agent_bots {
        bot.wait_until_polling(agent_bot).await?;
    }
    if let Some(slow) = &slow {
        make_slow(&fakes, &mut bot, slow).await?;
    }
    let idle_rss = bot.rss_kb("VmRSS")?;
    let cpu_before = bot.cpu_ticks()?;

    println!(
        "journey: {} users × {} steps against {}{}",
        args.users,
        args.steps,
        args.bot.display(),
        if args.slow_blitz {
            ", one more user on a panel that answers them after 20 s"
        } else {
            ""
        }
    );
    if args.agent_bots > 0 {
        println!(
            "  and {} agent bots in the same process, {per_bot} customers each walking at the same time",
            args.agent_bots
        );
    }
    let started = Instant::now();
    let mut walks = tokio::task::JoinSet::new();
    let steps = args.steps;
    let walkers = shoppers.into_iter().map(|user| (user, &SHOPPER_PATH[..]));
    for (user, path) in walkers.chain(slow.map(|user| (user, &SLOW_USER_PATH[..]))) {
        let telegram = fakes.telegram.clone();
        walks.spawn(async move {
            let is_slow = user.id == SLOW_USER;
            (is_slow, walk(&telegram, &user, steps, path).await)
        });
    }
    let mut agent_walks = tokio::task::JoinSet::new();
    for (agent_bot, user) in agent_customers {
        agent_walks
            .spawn(async move { walk(&agent_bot, &user, steps, &AGENT_CUSTOMER_PATH).await });
    }
    let mut shopper_replies = Replies::default();
    let mut slow_replies = Replies::default();
    let mut agent_replies = Replies::default();
    while let Some(joined) = walks.join_next().await {
        let (is_slow, replies) = joined.context("a simulated user panicked")?;
        match is_slow {
            true => slow_replies.extend(replies),
            false => shopper_replies.extend(replies),
        }
    }
    while let Some(joined) = agent_walks.join_next().await {
        agent_replies.extend(joined.context("an agent bot's customer panicked")?);
    }
    let elapsed = started.elapsed();
    let cpu_ticks = bot.cpu_ticks()? - cpu_before;
    let peak_rss = bot.rss_kb("VmHWM")?;
    bot.stop();

    let updates = shopper_replies.count() + slow_replies.count() + agent_replies.count();
    let cpu_ms = cpu_ticks as f64 * 1000.0 / TICKS_PER_SEC;
    println!(
        "startup: polling after {:.0} ms ({:.0} ms CPU)",
        startup.wall.as_secs_f64() * 1000.0,
        startup.cpu_ticks as f64 * 1000.0 / TICKS_PER_SEC
    );
    println!(
        "updates: {updates} in {:.2} s = {:.0} updates/s",
        elapsed.as_secs_f64(),
        updates as f64 / elapsed.as_secs_f64()
    );
    shopper_replies.print(match (args.slow_blitz, args.agent_bots > 0) {
        (true, _) => "other users' replies",
        (false, true) => "main bot's replies",
        (false, false) => "replies",
    });
    if args.agent_bots > 0 {
        agent_replies.print("agent bots' replies");
    }
    if args.slow_blitz {
        slow_replies.print("the slow-panel user's replies");
    }
    println!(
        "bot CPU: {cpu_ms:.0} ms = {:.3} ms per update",
        cpu_ms / updates.max(1) as f64
    );
    println!(
        "bot RSS: {:.1} MB idle, {:.1} MB peak",
        idle_rss as f64 / 1024.0,
        peak_rss as f64 / 1024.0
    );
    let mut violations = fakes.telegram.violations();
    for agent_bot in &agent_bots {
        violations.extend(agent_bot.violations());
    }
    if !violations.is_empty() {
        println!("Bot API rules broken: {violations:?}");
    }
    drop(fakes);
    Ok(())
}

/// Plans as the sandbox has them, and returning users who chose English.
async fn seed<'a>(dir: &Path, users: impl Iterator<Item = &'a SimUser>) -> anyhow::Result<()> {
    let store = Store::open(&dir.join("ajib.db"))?;
    ajib_sandbox::seed_demo_plans(&store).await?;
    for user in users {
        let seen = UserSeen {
            id: TelegramId(user.id),
            username: None,
            first_name: user.first_name.clone(),
            now: ajib_app::deps::now(),
        };
        store.upsert_user(&seen).await?;
        store.set_user_lang(TelegramId(user.id), Lang::EN).await?;
    }
    Ok(())
}

/// `n` agents, each with a bot served by the fake and connected in the
/// database (as `getMe` would have verified it), so the bot serves them from its start.
async fn seed_agent_bots(
    dir: &Path,
    telegram: &FakeTelegram,
    n: i64,
) -> anyhow::Result<Vec<FakeBot>> {
    let store = Store::open(&dir.join("ajib.db"))?;
    let mut bots = Vec::new();
    for k in 0..n {
        let (agent, bot_id) = (TelegramId(FIRST_AGENT + k), FIRST_AGENT_BOT + k);
        let token = format!("{bot_id}:{}", "A".repeat(35));
        let username = format!("bench_agent_{k}_bot");
        let bot = telegram.add_bot(&token, bot_id, &username);
        bot.set_rate_limits(RateLimits::Off);
        let terms = AgentEdit {
            brand: Some(Some(format!("Agent {k}"))),
            ..AgentEdit::default()
        };
        let now = ajib_app::deps::now();
        store.add_agent(agent, terms, Actor::Cli, now).await?;
        let connected = NewAgentBot {
            bot_id,
            username,
            token,
        };
        store.connect_agent_bot(agent, connected, now).await?;
        bots.push(bot);
    }
    Ok(bots)
}

/// Gives the slow user a test account (provisioned by the bot's worker at
/// full speed), then makes the panel hold every request naming it.
async fn make_slow(fakes: &Fakes, bot: &mut Bot, slow: &SimUser) -> anyhow::Result<()> {
    fakes.telegram.add_user(slow);
    fakes.telegram.send_text(slow, "/start");
    let menu = fakes
        .telegram
        .wait_for_change(slow.id, 0, REPLY_TIMEOUT)
        .await;
    let test_offer = last_button(&fakes.telegram, slow.id, &["v1:t"]);
    let Some((message_id, data)) = test_offer else {
        bail!("the menu offers no free test account: {}", bot.log_hint());
    };
    fakes.telegram.press_button(slow, message_id, &data);
    let offer = fakes
        .telegram
        .wait_for_change(slow.id, menu, REPLY_TIMEOUT)
        .await;
    let Some((message_id, data)) = last_button(&fakes.telegram, slow.id, &["v1:tc"]) else {
        bail!("the test offer has no confirm button: {}", bot.log_hint());
    };
    fakes.telegram.press_button(slow, message_id, &data);
    let deadline = Instant::now() + REPLY_TIMEOUT;
    let mut seen = offer;
    let name = loop {
        if let Some(user) = fakes.blitz.users().first() {
            break user.username.clone();
        }
        if Instant::now() >= deadline {
            bail!("the test account was not provisioned: {}", bot.log_hint());
        }
        seen = fakes
            .telegram
            .wait_for_change(slow.id, seen, Duration::from_millis(200))
            .await;
    };
    fakes.blitz.set_slow_user(&name, SLOW_BLITZ_DELAY);
    Ok(())
}

/// Reply times of some walks, and how many replies never came.
#[derive(Default)]
struct Replies {
    times: Vec<Duration>,
    lost: usize,
}

impl Replies {
    fn extend(&mut self, other: Replies) {
        self.times.extend(other.times);
        self.lost += other.lost;
    }

    fn count(&self) -> usize {
        self.times.len() + self.lost
    }

    fn print(&mut self, what: &str) {
        self.times.sort_unstable();
        let ms = |q: f64| {
            let idx = ((self.times.len() as f64 * q).ceil() as usize).saturating_sub(1);
            self.times
                .get(idx)
                .map_or(f64::NAN, |it| it.as_secs_f64() * 1000.0)
        };
        println!(
            "{what}: p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms ({} replies, {} lost)",
            ms(0.50),
            ms(0.99),
            ms(1.0),
            self.times.len(),
            self.lost
        );
    }
}

/// One user's walk: `steps` updates, each sent when the previous one was answered.
async fn walk(telegram: &FakeBot, user: &SimUser, steps: usize, path: &[&str]) -> Replies {
    telegram.add_user(user);
    let mut res = Replies::default();
    let mut seen = telegram.chat_changes(user.id);
    let mut at_end = true;
    for _ in 0..steps {
        let next = match at_end {
            true => None,
            false => last_button(telegram, user.id, path),
        };
        let sent = Instant::now();
        at_end = match &next {
            Some((message_id, data)) => {
                telegram.press_button(user, *message_id, data);
                data.starts_with(path[0])
            }
            None => {
                telegram.send_text(user, "/start");
                false
            }
        };
        let changes = telegram.wait_for_change(user.id, seen, REPLY_TIMEOUT).await;
        match changes > seen {
            true => res.times.push(sent.elapsed()),
            false => res.lost += 1,
        }
        seen = changes;
    }
    res
}

/// The newest button in the chat whose callback data starts with the first
/// of `prefixes` that any button matches.
fn last_button(telegram: &FakeBot, chat_id: i64, prefixes: &[&str]) -> Option<(i32, String)> {
    let messages = telegram.messages(chat_id);
    let buttons: Vec<(i32, String)> = messages
        .iter()
        .rev()
        .filter(|it| !it.deleted)
        .filter_map(|it| Some((it.message_id, it.keyboard.as_ref()?.get("inline_keyboard")?)))
        .flat_map(|(id, rows)| {
            let rows = rows.as_array().cloned().unwrap_or_default();
            rows.into_iter()
                .flat_map(|row| row.as_array().cloned().unwrap_or_default())
                .filter_map(move |button| {
                    Some((id, button.get("callback_data")?.as_str()?.to_owned()))
                })
        })
        .collect();
    prefixes.iter().find_map(|prefix| {
        buttons
            .iter()
            .find(|(_, data)| data.starts_with(prefix))
            .cloned()
    })
}

/// How long the bot took to start polling, and the CPU it used for it.
struct Startup {
    wall: Duration,
    cpu_ticks: u64,
}

/// The `ajib-bot run` child process; killed on drop.
struct Bot {
    child: Child,
    log: PathBuf,
    started: Instant,
}

impl Bot {
    fn spawn(binary: &Path, dir: &Path, fakes: &Fakes) -> anyhow::Result<Self> {
        if !binary.is_file() {
            bail!(
                "{} does not exist: build it first (cargo build --release -p ajib-bot), or run `cargo xtask bench journey`",
                binary.display()
            );
        }
        // The child runs in `dir`: a relative path must not be read from there.
        let binary = binary
            .canonicalize()
            .with_context(|| format!("cannot find {}", binary.display()))?;
        let listen = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?;
        let log = dir.join("bot.log");
        let log_file = fs::File::create(&log)?;
        let child = Command::new(&binary)
            .arg("run")
            .current_dir(dir)
            .env_clear()
            .env("TELEGRAM_BOT_TOKEN", TOKEN)
            .env("TELEGRAM_API_BASE", fakes.telegram.api_base())
            .env("TELEGRAM_ADMIN_IDS", "1000")
            .env("BLITZ_API_BASE", fakes.blitz.base_url())
            .env("BLITZ_API_KEY", BLITZ_TOKEN)
            .env("HELEKET_API_BASE", fakes.heleket.base_url())
            .env("HELEKET_MERCHANT_ID", MERCHANT)
            .env("HELEKET_API_KEY", HELEKET_KEY)
            .env("PUBLIC_URL", format!("http://{listen}"))
            .env("HTTP_LISTEN", listen.to_string())
            .env("DATABASE_URL", dir.join("ajib.db"))
            .env("DATA_DIR", dir)
            .env("LOG_LEVEL", "warn")
            .stdin(Stdio::null())
            .stdout(log_file.try_clone()?)
            .stderr(log_file)
            .spawn()
            .with_context(|| format!("cannot start {}", binary.display()))?;
        Ok(Self {
            child,
            log,
            started: Instant::now(),
        })
    }

    async fn wait_until_polling(&mut self, telegram: &FakeBot) -> anyhow::Result<Startup> {
        let deadline = Instant::now() + REPLY_TIMEOUT;
        while telegram.request_count("getupdates") == 0 {
            if let Some(status) = self.child.try_wait()? {
                bail!("the bot exited ({status}): {}", self.log_hint());
            }
            if Instant::now() >= deadline {
                bail!("the bot did not start polling in 30 s: {}", self.log_hint());
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        Ok(Startup {
            wall: self.started.elapsed(),
            cpu_ticks: self.cpu_ticks()?,
        })
    }

    /// User plus system CPU time of the process so far, in ticks.
    fn cpu_ticks(&self) -> anyhow::Result<u64> {
        let stat = fs::read_to_string(format!("/proc/{}/stat", self.child.id()))?;
        // The fields after the command name, which is in parentheses and may hold spaces.
        let rest = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let field = |idx: usize| -> anyhow::Result<u64> {
            let text = fields.get(idx).context("short /proc/PID/stat")?;
            Ok(text.parse()?)
        };
        // utime and stime are fields 14 and 15 of stat(5); `rest` starts at field 3.
        Ok(field(11)? + field(12)?)
    }

    /// A `/proc/PID/status` figure in kB (`VmRSS` now, `VmHWM` the peak).
    fn rss_kb(&self, key: &str) -> anyhow::Result<u64> {
        let status = fs::read_to_string(format!("/proc/{}/status", self.child.id()))?;
        let line = status
            .lines()
            .find_map(|line| line.strip_prefix(key)?.strip_prefix(':'))
            .with_context(|| format!("no {key} in /proc/PID/status"))?;
        Ok(line.trim().trim_end_matches("kB").trim().parse()?)
    }

    fn log_hint(&self) -> String {
        let log = fs::read_to_string(&self.log).unwrap_or_default();
        let tail: Vec<&str> = log.lines().rev().take(20).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        format!("the bot's log ends with:\n{}", tail.join("\n"))
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Bot {
    fn drop(&mut self) {
        self.stop();
    }
}
