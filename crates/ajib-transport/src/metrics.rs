//! What the outbox counts as it works, for the bot's `/metrics`: queue depths, sends, 429s and
//! the reply latency.
//!
//! Plain atomics, written by the sender task and read by whoever renders them; nothing here
//! formats or serves anything. The reply latency needs to know when the update being answered
//! arrived: whoever handles an update runs the handling inside [`replying_to`], and every message
//! queued from inside it carries that instant until Telegram accepts it.

use std::{
    future::Future,
    sync::atomic::{AtomicU64, Ordering},
    time::{Duration, Instant},
};

use crate::outbox::Priority;

/// Upper bounds (seconds) of the latency buckets: 5 ms to 30 s, beyond which `+Inf` counts.
pub const LATENCY_BUCKETS: [f64; 13] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0,
];

tokio::task_local! {
    /// When the update whose handling queues messages on this task arrived.
    static REPLYING_SINCE: Instant;
}

/// A latency histogram over [`LATENCY_BUCKETS`], lock-free.
#[derive(Debug, Default)]
pub struct Histogram {
    /// Observations per bucket (not cumulative); the last slot counts those above every bound.
    buckets: [AtomicU64; LATENCY_BUCKETS.len() + 1],
    /// The sum of every observation, in nanoseconds.
    sum_nanos: AtomicU64,
}

/// A consistent reading of a [`Histogram`].
#[derive(Debug, Clone, PartialEq)]
pub struct HistogramSnapshot {
    /// Cumulative counts: entry `i` counts observations at or below `LATENCY_BUCKETS[i]`.
    pub cumulative: [u64; LATENCY_BUCKETS.len()],
    /// Every observation (the `+Inf` bucket).
    pub count: u64,
    /// The sum of every observation, in seconds.
    pub sum_secs: f64,
}

/// The outbox's counters and gauges; read them through [`crate::Outbox::stats`].
#[derive(Debug, Default)]
pub struct OutboxStats {
    queued_interactive: AtomicU64,
    queued_bulk: AtomicU64,
    in_flight: AtomicU64,
    sent_interactive: AtomicU64,
    sent_bulk: AtomicU64,
    rate_limited: AtomicU64,
    reply_latency: Histogram,
}

/// Runs `handling` (the handling of one update that arrived at `received`) so that every message
/// it queues on the [`crate::Outbox`] observes, once Telegram accepts it, the time since `received`
/// in [`OutboxStats::reply_latency`].
pub async fn replying_to<F: Future>(received: Instant, handling: F) -> F::Output {
    REPLYING_SINCE.scope(received, handling).await
}

/// When the update being handled on this task arrived, if it runs inside [`replying_to`].
pub(crate) fn replying_since() -> Option<Instant> {
    REPLYING_SINCE.try_with(|it| *it).ok()
}

impl Histogram {
    /// Records one observation.
    pub fn observe(&self, value: Duration) {
        let secs = value.as_secs_f64();
        let idx = LATENCY_BUCKETS
            .iter()
            .position(|bound| secs <= *bound)
            .unwrap_or(LATENCY_BUCKETS.len());
        self.buckets[idx].fetch_add(1, Ordering::Relaxed);
        let nanos = u64::try_from(value.as_nanos()).unwrap_or(u64::MAX);
        self.sum_nanos.fetch_add(nanos, Ordering::Relaxed);
    }

    /// The counts so far; `count` always equals the sum of the buckets read.
    #[must_use]
    pub fn snapshot(&self) -> HistogramSnapshot {
        let mut cumulative = [0; LATENCY_BUCKETS.len()];
        let mut running = 0;
        for (idx, slot) in cumulative.iter_mut().enumerate() {
            running += self.buckets[idx].load(Ordering::Relaxed);
            *slot = running;
        }
        let count = running + self.buckets[LATENCY_BUCKETS.len()].load(Ordering::Relaxed);
        let sum_nanos = self.sum_nanos.load(Ordering::Relaxed);
        HistogramSnapshot {
            cumulative,
            count,
            sum_secs: Duration::from_nanos(sum_nanos).as_secs_f64(),
        }
    }
}

impl OutboxStats {
    /// Messages waiting in `lane`'s queue (not yet handed to Telegram).
    #[must_use]
    pub fn queued(&self, lane: Priority) -> u64 {
        match lane {
            Priority::Interactive => self.queued_interactive.load(Ordering::Relaxed),
            Priority::Bulk => self.queued_bulk.load(Ordering::Relaxed),
        }
    }

    /// Bot API calls in flight now.
    #[must_use]
    pub fn in_flight(&self) -> u64 {
        self.in_flight.load(Ordering::Relaxed)
    }

    /// Messages of `lane` Telegram accepted, since the start.
    #[must_use]
    pub fn sent(&self, lane: Priority) -> u64 {
        match lane {
            Priority::Interactive => self.sent_interactive.load(Ordering::Relaxed),
            Priority::Bulk => self.sent_bulk.load(Ordering::Relaxed),
        }
    }

    /// 429 answers from Telegram, since the start.
    #[must_use]
    pub fn rate_limited(&self) -> u64 {
        self.rate_limited.load(Ordering::Relaxed)
    }

    /// Seconds from an update's arrival to Telegram accepting a message sent while handling it.
    #[must_use]
    pub fn reply_latency(&self) -> HistogramSnapshot {
        self.reply_latency.snapshot()
    }

    pub(crate) fn set_depths(&self, interactive: usize, bulk: usize, in_flight: usize) {
        let as_u64 = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
        self.queued_interactive
            .store(as_u64(interactive), Ordering::Relaxed);
        self.queued_bulk.store(as_u64(bulk), Ordering::Relaxed);
        self.in_flight.store(as_u64(in_flight), Ordering::Relaxed);
    }

    pub(crate) fn record_sent(&self, lane: Priority, replying_since: Option<Instant>) {
        let counter = match lane {
            Priority::Interactive => &self.sent_interactive,
            Priority::Bulk => &self.sent_bulk,
        };
        counter.fetch_add(1, Ordering::Relaxed);
        if let Some(received) = replying_since {
            self.reply_latency.observe(received.elapsed());
        }
    }

    pub(crate) fn record_429(&self) {
        self.rate_limited.fetch_add(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(observed_ms: &[u64], expected_cumulative: [u64; LATENCY_BUCKETS.len()]) {
        let histogram = Histogram::default();
        for ms in observed_ms {
            histogram.observe(Duration::from_millis(*ms));
        }
        let snapshot = histogram.snapshot();
        assert_eq!(snapshot.cumulative, expected_cumulative);
        assert_eq!(snapshot.count, observed_ms.len() as u64);
        let sum_ms: u64 = observed_ms.iter().sum();
        assert!((snapshot.sum_secs - sum_ms as f64 / 1000.0).abs() < 1e-9);
    }

    #[test]
    fn observations_land_in_the_first_bucket_that_holds_them() {
        check(&[], [0; 13]);
        // 5 ms is at the first bound (inclusive); 6 ms is not.
        check(&[5, 6], [1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2]);
        check(&[1000], [0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
        // Above 30 s only the +Inf bucket (the count) holds it.
        check(&[31_000, 20], [0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    }

    #[tokio::test]
    async fn messages_queued_while_replying_know_when_the_update_arrived() {
        assert_eq!(replying_since(), None);
        let received = Instant::now();
        let inside = replying_to(received, async { replying_since() }).await;
        assert_eq!(inside, Some(received));
        assert_eq!(replying_since(), None, "only inside the scope");
    }
}
