//! Live metrics: what the bot counts in memory, what it reads from SQLite, and the
//! Prometheus page `GET /metrics` serves ([`render`]).
//!
//! - In memory (since the process started): updates handled, Blitz and Heleket call latencies
//!   and errors by operation (every call goes through [`ExternalCalls::run`]), and — counted by
//!   the outbox itself ([`ajib_transport::OutboxStats`]) — queue depth per lane, messages sent,
//!   429s and the reply latency.
//! - From SQLite (true across restarts): jobs by state, orders, top-ups and broadcasts by
//!   status, the progress of open broadcasts ([`ajib_storage::StateCounts`]). Reading them scans
//!   whole tables (about a second at millions of orders), so one reading is kept for
//!   [`STATE_COUNTS_MAX_AGE`] and shared by the scrapes meanwhile. Each panel's health and active
//!   accounts (`ajib_panel_up`, `ajib_panel_active_accounts`) are a few rows, read on every scrape.
//!
//! A leaf module: `Deps` holds the [`Metrics`], and [`render`] is given what it reads.

mod exposition;

use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use ajib_domain::PanelHealth;
use ajib_storage::{Panel, StateCounts, Store};
use ajib_transport::{Histogram, OutboxStats, Priority};

pub use self::exposition::{CONTENT_TYPE, Exposition, Kind};
use crate::blocking::blocking;

/// How old the SQLite counts on a scraped page may be.
pub const STATE_COUNTS_MAX_AGE: Duration = Duration::from_secs(30);

/// The bot's in-memory metrics, one set per process.
#[derive(Debug, Default)]
pub struct Metrics {
    /// Updates whose handling finished (polled or by webhook).
    updates_handled: AtomicU64,
    /// Calls to the Blitz panel.
    pub blitz: ExternalCalls,
    /// Calls to Heleket.
    pub heleket: ExternalCalls,
    state_counts: tokio::sync::Mutex<Option<(Instant, Arc<StateCounts>)>>,
}

/// Latency and errors of calls to one external service, by operation.
#[derive(Debug, Clone, Default)]
pub struct ExternalCalls {
    by_op: Arc<Mutex<Vec<OpStats>>>,
}

/// An operation's name and what its calls did.
type OpStats = (&'static str, Arc<CallStats>);

/// What one operation's calls did.
#[derive(Debug, Default)]
struct CallStats {
    latency: Histogram,
    errors: AtomicU64,
}

impl Metrics {
    /// Counts one handled update.
    pub fn update_handled(&self) {
        self.updates_handled.fetch_add(1, Ordering::Relaxed);
    }
}

impl ExternalCalls {
    /// Runs the blocking client call `call` off the runtime, timed and counted as `op`.
    pub async fn run<T, E, F>(&self, op: &'static str, call: F) -> anyhow::Result<Result<T, E>>
    where
        F: FnOnce() -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: Send + 'static,
    {
        let calls = self.clone();
        blocking(move || calls.time(op, call)).await
    }

    /// Runs `call` on this thread, timed and counted as `op`.
    pub fn time<T, E>(
        &self,
        op: &'static str,
        call: impl FnOnce() -> Result<T, E>,
    ) -> Result<T, E> {
        let started = Instant::now();
        let res = call();
        let stats = self.stats(op);
        stats.latency.observe(started.elapsed());
        if res.is_err() {
            stats.errors.fetch_add(1, Ordering::Relaxed);
        }
        res
    }

    fn stats(&self, op: &'static str) -> Arc<CallStats> {
        // Only counters live behind the lock, so a panic while holding it leaves nothing half done.
        let mut by_op = self
            .by_op
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((_, stats)) = by_op.iter().find(|(it, _)| *it == op) {
            return stats.clone();
        }
        let stats = Arc::new(CallStats::default());
        by_op.push((op, stats.clone()));
        by_op.sort_by_key(|(it, _)| *it);
        stats
    }

    /// Writes the `{prefix}_call_seconds` and `{prefix}_call_errors_total` families.
    fn write(&self, page: &mut Exposition, prefix: &str, service: &str) {
        let by_op: Vec<OpStats> = self
            .by_op
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        let seconds = format!("{prefix}_call_seconds");
        page.family(
            &seconds,
            Kind::Histogram,
            &format!("Seconds each call to {service} took, failed ones included, by operation."),
        );
        for (op, stats) in &by_op {
            page.histogram(&seconds, &[("op", op)], &stats.latency.snapshot());
        }
        let errors = format!("{prefix}_call_errors_total");
        page.family(
            &errors,
            Kind::Counter,
            &format!("Calls to {service} that failed (refused, timed out, 4xx/5xx, undecodable), by operation."),
        );
        for (op, stats) in &by_op {
            page.sample(&errors, &[("op", op)], stats.errors.load(Ordering::Relaxed));
        }
    }
}

/// The `/metrics` page: every family with its help and type, from `metrics`, the outbox's
/// `outbox` counts and `store`; the SQLite counts are at most `max_age` old (a failed reading
/// leaves them out and says so in `ajib_state_counts_ok`).
pub async fn render(
    metrics: &Metrics,
    outbox: &OutboxStats,
    store: &Store,
    max_age: Duration,
) -> String {
    let mut page = Exposition::default();
    page.family(
        "ajib_build_info",
        Kind::Gauge,
        "Always 1; the version of the running bot.",
    );
    page.sample(
        "ajib_build_info",
        &[("version", env!("CARGO_PKG_VERSION"))],
        1,
    );
    page.family(
        "ajib_updates_handled_total",
        Kind::Counter,
        "Telegram updates whose handling finished.",
    );
    page.sample(
        "ajib_updates_handled_total",
        &[],
        metrics.updates_handled.load(Ordering::Relaxed),
    );
    write_outbox(&mut page, outbox);
    metrics
        .blitz
        .write(&mut page, "ajib_blitz", "the Blitz panel");
    metrics.heleket.write(&mut page, "ajib_heleket", "Heleket");
    let counts = state_counts(metrics, store, max_age).await;
    page.family(
        "ajib_state_counts_ok",
        Kind::Gauge,
        "1 if the job, order and broadcast counts below could be read from the database.",
    );
    page.sample("ajib_state_counts_ok", &[], u64::from(counts.is_some()));
    if let Some((age, counts)) = counts {
        write_state_counts(&mut page, age, &counts);
    }
    match store.list_panels().await {
        Ok(panels) => write_panels(&mut page, &panels),
        Err(err) => log::warn!("metrics: cannot read the panels: {err}"),
    }
    page.finish()
}

/// Each panel's health and active accounts, by its name (a few rows, read on every scrape).
fn write_panels(page: &mut Exposition, panels: &[Panel]) {
    page.family(
        "ajib_panel_up",
        Kind::Gauge,
        "1 if the panel answered its last health check (or was not checked yet), 0 if it is down.",
    );
    for panel in panels {
        let up = u64::from(panel.health != PanelHealth::Down);
        page.sample("ajib_panel_up", &[("panel", panel.name.as_str())], up);
    }
    page.family(
        "ajib_panel_active_accounts",
        Kind::Gauge,
        "Active services on the panel.",
    );
    for panel in panels {
        let labels = [("panel", panel.name.as_str())];
        page.sample(
            "ajib_panel_active_accounts",
            &labels,
            u64::from(panel.active),
        );
    }
}

fn write_outbox(page: &mut Exposition, stats: &OutboxStats) {
    let lanes = [
        (Priority::Interactive, "interactive"),
        (Priority::Bulk, "bulk"),
    ];
    page.family(
        "ajib_outbox_queued",
        Kind::Gauge,
        "Messages waiting in the outbound queue, by lane (interactive replies, bulk broadcasts).",
    );
    for (lane, name) in lanes {
        page.sample("ajib_outbox_queued", &[("lane", name)], stats.queued(lane));
    }
    page.family(
        "ajib_outbox_in_flight",
        Kind::Gauge,
        "Bot API calls in flight.",
    );
    page.sample("ajib_outbox_in_flight", &[], stats.in_flight());
    page.family(
        "ajib_outbox_sent_total",
        Kind::Counter,
        "Messages Telegram accepted, by lane.",
    );
    for (lane, name) in lanes {
        page.sample(
            "ajib_outbox_sent_total",
            &[("lane", name)],
            stats.sent(lane),
        );
    }
    page.family(
        "ajib_telegram_429_total",
        Kind::Counter,
        "429 Too Many Requests answers from Telegram.",
    );
    page.sample("ajib_telegram_429_total", &[], stats.rate_limited());
    page.family(
        "ajib_reply_latency_seconds",
        Kind::Histogram,
        "Seconds from an update's arrival to Telegram accepting a message sent in reply to it.",
    );
    page.histogram("ajib_reply_latency_seconds", &[], &stats.reply_latency());
}

fn write_state_counts(page: &mut Exposition, age: Duration, counts: &StateCounts) {
    page.family(
        "ajib_state_counts_age_seconds",
        Kind::Gauge,
        "How old the job, order and broadcast counts on this page are.",
    );
    page.sample_f64("ajib_state_counts_age_seconds", &[], age.as_secs_f64());
    page.family(
        "ajib_provision_jobs",
        Kind::Gauge,
        "Provisioning jobs by state (dead: the panel refused, stuck until retried).",
    );
    for (state, n) in counts.provision_jobs.by_name() {
        page.sample("ajib_provision_jobs", &[("state", state)], n);
    }
    page.family("ajib_orders", Kind::Gauge, "Orders by status.");
    for (status, n) in &counts.orders {
        page.sample("ajib_orders", &[("status", status.as_str())], *n);
    }
    page.family("ajib_topups", Kind::Gauge, "Balance top-ups by status.");
    for (status, n) in &counts.topups {
        page.sample("ajib_topups", &[("status", status)], *n);
    }
    page.family("ajib_broadcasts", Kind::Gauge, "Broadcasts by status.");
    for (status, n) in &counts.broadcasts {
        page.sample("ajib_broadcasts", &[("status", status.as_str())], *n);
    }
    page.family(
        "ajib_broadcast_recipients",
        Kind::Gauge,
        "Recipients of each running or paused broadcast, by delivery status.",
    );
    for open in &counts.broadcasts_open {
        let id = open.id.0.to_string();
        let progress = open.progress;
        for (status, n) in [
            ("pending", progress.pending),
            ("sent", progress.sent),
            ("failed", progress.failed),
            ("blocked", progress.blocked),
        ] {
            let labels = [("broadcast", id.as_str()), ("status", status)];
            page.sample("ajib_broadcast_recipients", &labels, n);
        }
    }
    page.family(
        "ajib_broadcast_possible_duplicates",
        Kind::Gauge,
        "Recipients of each running or paused broadcast sent again after a crash cut a send short.",
    );
    for open in &counts.broadcasts_open {
        let id = open.id.0.to_string();
        let n = open.possible_duplicates;
        page.sample(
            "ajib_broadcast_possible_duplicates",
            &[("broadcast", id.as_str())],
            n,
        );
    }
}

/// The SQLite counts and their age: the kept reading if it is younger than `max_age`, else a new one.
async fn state_counts(
    metrics: &Metrics,
    store: &Store,
    max_age: Duration,
) -> Option<(Duration, Arc<StateCounts>)> {
    // Held while reading, so scrapes that meet here share one reading.
    let mut kept = metrics.state_counts.lock().await;
    if let Some((at, counts)) = kept.as_ref()
        && at.elapsed() < max_age
    {
        return Some((at.elapsed(), counts.clone()));
    }
    match store.state_counts().await {
        Ok(counts) => {
            let counts = Arc::new(counts);
            *kept = Some((Instant::now(), counts.clone()));
            Some((Duration::ZERO, counts))
        }
        Err(err) => {
            log::warn!("metrics: cannot count jobs and orders: {err}");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_call_is_timed_and_each_failure_counted_by_operation() {
        let calls = ExternalCalls::default();
        assert_eq!(calls.time("get_user", || Ok::<_, ()>(1)), Ok(1));
        assert_eq!(calls.time("get_user", || Err::<(), _>("502")), Err("502"));
        assert_eq!(calls.time("user_links", || Ok::<_, ()>(())), Ok(()));
        let mut page = Exposition::default();
        calls.write(&mut page, "x", "X");
        let page = page.finish();
        for line in [
            "x_call_seconds_count{op=\"get_user\"} 2",
            "x_call_seconds_count{op=\"user_links\"} 1",
            "x_call_errors_total{op=\"get_user\"} 1",
            "x_call_errors_total{op=\"user_links\"} 0",
        ] {
            assert!(page.lines().any(|it| it == line), "{line} in\n{page}");
        }
    }
}
