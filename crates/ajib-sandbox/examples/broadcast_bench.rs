//! Sends one broadcast to many simulated users through the real bot on the fakes, and reports how it went.
//!
//! ```text
//! cargo run --release -p ajib-sandbox --example broadcast_bench -- 2000
//! ```
//!
//! Every user but one in a hundred is known to the fake Telegram (the rest
//! get "chat not found" and count as failed). Halfway through, the bot is
//! restarted, as after a deploy. At the end it checks that every reachable
//! user got exactly one copy, and prints the time, the rate, Telegram's 429
//! answers and any broken Telegram rule.

use std::time::{Duration, Instant};

use ajib_app::deps::now;
use ajib_domain::TelegramId;
use ajib_sandbox::Sandbox;
use ajib_storage::{BroadcastStatus, UserSeen};
use ajib_testkit::telegram::SimUser;
use anyhow::{Context, bail};

const TEXT: &str = "<b>Benchmark</b> broadcast";
const FIRST_ID: i64 = 100_000;

fn main() -> anyhow::Result<()> {
    let n_users: i64 = match std::env::args().nth(1) {
        Some(arg) => arg.parse().context("the argument is the number of users")?,
        None => 2000,
    };
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(bench(n_users))
}

async fn bench(n_users: i64) -> anyhow::Result<()> {
    let config = ajib_config::from_values(&Default::default())?;
    let mut sandbox = Sandbox::start(config, None, 0).await?;
    let mut recipients = Vec::new();
    let mut reachable = Vec::new();
    for id in FIRST_ID..FIRST_ID + n_users {
        if id % 100 != 0 {
            sandbox.telegram.add_user(&SimUser::new(id, "Sim"));
            reachable.push(id);
        }
        let seen = UserSeen {
            id: TelegramId(id),
            username: None,
            first_name: format!("Sim {id}"),
            now: now(),
        };
        sandbox.app.deps.store.upsert_user(&seen).await?;
        recipients.push(TelegramId(id));
    }
    let started = Instant::now();
    let deps = sandbox.app.deps.clone();
    let id = deps
        .store
        .create_broadcast(TEXT, None, "bench", &recipients, TelegramId(1000), now())
        .await?;
    deps.broadcasts.wake.notify_one();
    drop(deps);

    let half = u64::try_from(n_users / 2)?;
    let mut restarted = None;
    loop {
        let deps = &sandbox.app.deps;
        let progress = deps.store.broadcast_progress(id).await?;
        let status = deps.store.get_broadcast(id).await?.map(|it| it.status);
        if status == Some(BroadcastStatus::Done) {
            break;
        }
        if restarted.is_none() && progress.sent >= half {
            let at = started.elapsed();
            sandbox.restart_bot().await?;
            println!(
                "restarted at {:.1} s with {} sent, {} pending",
                at.as_secs_f64(),
                progress.sent,
                progress.pending
            );
            restarted = Some(at);
        }
        if started.elapsed() > Duration::from_secs(600) {
            bail!("not done after 10 minutes: {progress:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let elapsed = started.elapsed();
    let progress = sandbox.app.deps.store.broadcast_progress(id).await?;
    let mut wrong = 0;
    for chat in &reachable {
        let copies = sandbox
            .telegram
            .messages(*chat)
            .iter()
            .filter(|it| it.text.as_deref() == Some(TEXT))
            .count();
        if copies != 1 {
            wrong += 1;
            println!("user {chat} got {copies} copies");
        }
    }
    let secs = elapsed.as_secs_f64();
    println!("recipients:       {n_users}");
    println!(
        "sent / failed:    {} / {} (blocked {})",
        progress.sent, progress.failed, progress.blocked
    );
    println!("time:             {secs:.1} s");
    println!(
        "rate:             {:.1} msg/s",
        (progress.sent + progress.failed) as f64 / secs
    );
    println!("429 answers:      {}", sandbox.telegram.count_429());
    println!("rule violations:  {}", sandbox.telegram.violations().len());
    println!("wrong copy count: {wrong}");
    sandbox.app.shutdown().await;
    if wrong > 0 || progress.sent != reachable.len() as u64 {
        bail!("some users did not get exactly one copy");
    }
    Ok(())
}
