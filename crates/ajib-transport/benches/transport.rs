//! Broadcast benchmark: N bulk messages to M chats through the outbox against the fake Bot API,
//! with interactive replies sent meanwhile; prints msg/s, 429 count and reply queueing delay.
//!
//! Run: `cargo bench -p ajib-transport --bench transport -- [N] [M]` (defaults 10000 and 1000).
//! Targets: at least 29 msg/s sustained, no 429, interactive p99 at most 1.2 s.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ajib_testkit::telegram::{FakeTelegram, SimUser};
use ajib_transport::{Limits, Outbox, Outgoing, Priority, TelegramApi};

/// Interactive replies go to these many users, round robin.
const N_INTERACTIVE_USERS: i64 = 20;
/// Time between two interactive replies.
const INTERACTIVE_EVERY: Duration = Duration::from_millis(250);

fn main() {
    let numbers: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|it| it.parse().ok())
        .collect();
    let n_messages = numbers.first().copied().unwrap_or(10_000);
    let n_chats = numbers.get(1).copied().unwrap_or(1000).max(1) as i64;
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(it) => it,
        Err(err) => {
            eprintln!("transport-bench: cannot start tokio: {err}");
            std::process::exit(1);
        }
    };
    let passed = runtime.block_on(run(n_messages, n_chats));
    std::process::exit(if passed { 0 } else { 1 });
}

async fn run(n_messages: u64, n_chats: i64) -> bool {
    let fake = FakeTelegram::start();
    for idx in 0..n_chats {
        fake.add_user(&SimUser::new(10_000 + idx, "Bulk"));
    }
    for idx in 0..N_INTERACTIVE_USERS {
        fake.add_user(&SimUser::new(1 + idx, "Interactive"));
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
        "transport-bench: {n_messages} bulk messages to {n_chats} chats, a reply every {INTERACTIVE_EVERY:?}"
    );

    let started = Instant::now();
    let mut bulk = tokio::task::JoinSet::new();
    for idx in 0..n_messages {
        let chat_id = 10_000 + (idx as i64 % n_chats);
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
    let replies = {
        let outbox = outbox.clone();
        let bulk_done = bulk_done.clone();
        tokio::spawn(async move {
            let mut delays = Vec::new();
            let mut idx = 0;
            while !bulk_done.load(Ordering::Relaxed) {
                let msg = Outgoing::Text {
                    chat_id: 1 + idx % N_INTERACTIVE_USERS,
                    text: "Here is your config.".to_owned(),
                    keyboard: None,
                    html: false,
                };
                idx += 1;
                let sent_at = Instant::now();
                if let Err(err) = outbox.send(msg, Priority::Interactive).await {
                    eprintln!("transport-bench: reply failed: {err}");
                }
                delays.push(sent_at.elapsed());
                tokio::time::sleep(INTERACTIVE_EVERY.saturating_sub(sent_at.elapsed())).await;
            }
            delays
        })
    };

    let mut n_failed = 0;
    while let Some(res) = bulk.join_next().await {
        if !matches!(res, Ok(Ok(_))) {
            n_failed += 1;
        }
    }
    let elapsed = started.elapsed();
    bulk_done.store(true, Ordering::Relaxed);
    let mut delays = replies.await.unwrap_or_default();
    delays.sort();
    let n_sent = n_messages + delays.len() as u64;
    let rate = n_sent as f64 / elapsed.as_secs_f64();
    let n_429 = fake.count_429();
    let p50 = percentile(&delays, 50);
    let p99 = percentile(&delays, 99);
    println!("elapsed            {:.1} s", elapsed.as_secs_f64());
    println!(
        "sent               {n_sent} ({} replies, {n_failed} failed)",
        delays.len()
    );
    println!("throughput         {rate:.1} msg/s");
    println!("429 answers        {n_429}");
    println!("reply delay p50    {} ms", p50.as_millis());
    println!("reply delay p99    {} ms", p99.as_millis());
    let passed = rate >= 29.0 && n_429 == 0 && p99 <= Duration::from_millis(1200) && n_failed == 0;
    println!(
        "targets (>= 29 msg/s, 0 x 429, p99 <= 1.2 s): {}",
        if passed { "met" } else { "MISSED" }
    );
    passed
}

fn percentile(sorted: &[Duration], pct: usize) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let idx = (sorted.len() * pct).div_ceil(100).saturating_sub(1);
    sorted[idx.min(sorted.len() - 1)]
}
