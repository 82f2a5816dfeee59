//! Broadcast benchmark: N bulk messages to M chats through the outbox against the fake Bot API,
//! while T users tap (each tap gets a reply); prints msg/s, 429 count and reply delays.
//!
//! Run: `cargo xtask bench transport [N] [M] [--tappers T] [--tap-every-ms X] [--strict]`
//! (defaults 10000, 1000, 200 tappers, a tap every 100 ms among them). The tappers wrote to
//! the bot, so the fake holds their replies only per chat; `--strict` makes every message
//! count against the fake's 30/s budget, to see how the outbox degrades.
//! Targets: broadcast and replies together at least 29 msg/s, no 429 (outside strict mode),
//! reply p99 at most 300 ms, no reply lost.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ajib_testkit::telegram::{FakeTelegram, RateLimits, SimUser};
use ajib_transport::{Limits, Outbox, Outgoing, Priority, TelegramApi};

const FIRST_TAPPER: i64 = 1;
const FIRST_BULK_CHAT: i64 = 100_000;

struct Args {
    n_messages: u64,
    n_chats: i64,
    n_tappers: i64,
    tap_every: Duration,
    strict: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut res = Args {
        n_messages: 10_000,
        n_chats: 1000,
        n_tappers: 200,
        tap_every: Duration::from_millis(100),
        strict: false,
    };
    let mut numbers = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| -> Result<u64, String> {
            let text = args.next().ok_or(format!("{name} needs a value"))?;
            text.parse()
                .map_err(|_| format!("{name}: not a number: {text}"))
        };
        match arg.as_str() {
            "--tappers" => res.n_tappers = value("--tappers")?.max(1) as i64,
            "--tap-every-ms" => {
                res.tap_every = Duration::from_millis(value("--tap-every-ms")?.max(1))
            }
            "--strict" => res.strict = true,
            // `cargo bench` passes this to every bench binary.
            "--bench" => (),
            other => numbers.push(
                other
                    .parse::<u64>()
                    .map_err(|_| format!("unknown argument {other:?}"))?,
            ),
        }
    }
    if let Some(n) = numbers.first() {
        res.n_messages = *n;
    }
    if let Some(m) = numbers.get(1) {
        res.n_chats = (*m).max(1) as i64;
    }
    Ok(res)
}

fn main() {
    let args = match parse_args() {
        Ok(it) => it,
        Err(err) => {
            eprintln!("transport-bench: {err}");
            std::process::exit(2);
        }
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(it) => it,
        Err(err) => {
            eprintln!("transport-bench: cannot start tokio: {err}");
            std::process::exit(1);
        }
    };
    let passed = runtime.block_on(run(&args));
    std::process::exit(if passed { 0 } else { 1 });
}

async fn run(args: &Args) -> bool {
    let fake = Arc::new(FakeTelegram::start());
    if args.strict {
        fake.set_rate_limits(RateLimits::Strict);
    }
    for idx in 0..args.n_chats {
        fake.add_user(&SimUser::new(FIRST_BULK_CHAT + idx, "Bulk"));
    }
    for idx in 0..args.n_tappers {
        fake.send_text(&SimUser::new(FIRST_TAPPER + idx, "Tapper"), "/start");
    }
    let api = match TelegramApi::new(&fake.api_base(), fake.token()) {
        Ok(it) => it,
        Err(err) => {
            eprintln!("transport-bench: {err}");
            return false;
        }
    };
    let (outbox, _events) = Outbox::start(api, Limits::defaults());
    println!(
        "transport-bench: {} bulk messages to {} chats while {} users tap (one tap every {:?}){}",
        args.n_messages,
        args.n_chats,
        args.n_tappers,
        args.tap_every,
        if args.strict { ", strict limits" } else { "" }
    );

    let started = Instant::now();
    let mut bulk = tokio::task::JoinSet::new();
    for idx in 0..args.n_messages {
        let chat_id = FIRST_BULK_CHAT + (idx as i64 % args.n_chats);
        let msg = Outgoing::Text {
            chat_id,
            text: format!("Broadcast #{idx}: new plans are available."),
            keyboard: None,
            html: false,
        };
        let outbox = outbox.clone();
        bulk.spawn(async move { outbox.send(msg, Priority::Bulk).await });
    }

    let bulk_done = Arc::new(AtomicBool::new(false));
    let taps = tokio::spawn(tap(
        outbox.clone(),
        args.n_tappers,
        args.tap_every,
        bulk_done.clone(),
    ));

    let mut n_failed = 0;
    while let Some(res) = bulk.join_next().await {
        if !matches!(res, Ok(Ok(_))) {
            n_failed += 1;
        }
    }
    let bulk_elapsed = started.elapsed();
    bulk_done.store(true, Ordering::Relaxed);
    let (mut delays, n_lost) = taps.await.unwrap_or_default();
    let elapsed = started.elapsed();
    delays.sort();
    let n_replies = delays.len() as u64;
    let bulk_rate = (args.n_messages - n_failed) as f64 / bulk_elapsed.as_secs_f64();
    let rate = (args.n_messages - n_failed + n_replies) as f64 / elapsed.as_secs_f64();
    let n_429 = fake.count_429();
    let p50 = percentile(&delays, 50);
    let p99 = percentile(&delays, 99);
    println!("elapsed            {:.1} s", elapsed.as_secs_f64());
    println!(
        "sent               {} bulk ({n_failed} failed), {n_replies} replies ({n_lost} lost)",
        args.n_messages - n_failed
    );
    println!("throughput         {rate:.1} msg/s in all, broadcast {bulk_rate:.1} msg/s");
    println!("429 answers        {n_429}");
    println!("reply delay p50    {} ms", p50.as_millis());
    println!("reply delay p99    {} ms", p99.as_millis());
    let passed = rate >= 29.0
        && (args.strict || n_429 == 0)
        && p99 <= Duration::from_millis(300)
        && n_failed == 0
        && n_lost == 0;
    println!(
        "targets (>= 29 msg/s in all, 0 x 429 unless strict, reply p99 <= 300 ms, nothing lost): {}",
        if passed { "met" } else { "MISSED" }
    );
    passed
}

/// Taps round robin among the tappers until `done`; each reply is sent on
/// its own, so a slow one does not hold the next tap. Returns the reply
/// delays and how many replies failed.
async fn tap(
    outbox: Outbox,
    n_tappers: i64,
    every: Duration,
    done: Arc<AtomicBool>,
) -> (Vec<Duration>, u64) {
    let mut replies = tokio::task::JoinSet::new();
    let mut idx = 0;
    let mut ticker = tokio::time::interval(every);
    while !done.load(Ordering::Relaxed) {
        ticker.tick().await;
        let msg = Outgoing::Text {
            chat_id: FIRST_TAPPER + idx % n_tappers,
            text: "Here is your config.".to_owned(),
            keyboard: None,
            html: false,
        };
        idx += 1;
        let outbox = outbox.clone();
        replies.spawn(async move {
            let sent_at = Instant::now();
            outbox
                .send(msg, Priority::Interactive)
                .await
                .map(|_| sent_at.elapsed())
        });
    }
    let mut delays = Vec::new();
    let mut n_lost = 0;
    while let Some(res) = replies.join_next().await {
        match res {
            Ok(Ok(delay)) => delays.push(delay),
            _ => n_lost += 1,
        }
    }
    (delays, n_lost)
}

fn percentile(sorted: &[Duration], pct: usize) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let idx = (sorted.len() * pct).div_ceil(100).saturating_sub(1);
    sorted[idx.min(sorted.len() - 1)]
}
