//! Token buckets shaping outgoing traffic to Telegram's limits.

use std::time::{Duration, Instant};

/// Holds up to `capacity` tokens, refilled continuously at `per_sec`.
#[derive(Debug, Clone)]
pub(crate) struct TokenBucket {
    capacity: f64,
    per_sec: f64,
    tokens: f64,
    updated: Instant,
}

impl TokenBucket {
    /// A full bucket.
    pub(crate) fn new(capacity: f64, per_sec: f64, now: Instant) -> Self {
        Self {
            capacity: capacity.max(1.0),
            per_sec: per_sec.max(f64::MIN_POSITIVE),
            tokens: capacity.max(1.0),
            updated: now,
        }
    }

    /// `None` if a token is available now, else when one will be.
    pub(crate) fn ready_at(&mut self, now: Instant) -> Option<Instant> {
        self.refill(now);
        if self.tokens >= 1.0 {
            return None;
        }
        let secs = (1.0 - self.tokens) / self.per_sec;
        Some(now + Duration::from_secs_f64(secs.min(3600.0)))
    }

    /// Takes a token; call only after [`TokenBucket::ready_at`] said one is available.
    pub(crate) fn take(&mut self) {
        self.tokens -= 1.0;
    }

    fn refill(&mut self, now: Instant) {
        let elapsed = now.saturating_duration_since(self.updated).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.per_sec).min(self.capacity);
        self.updated = self.updated.max(now);
    }
}

/// Counts the sends of the last second, to keep bulk traffic within what is
/// left of the global budget after everything else sent in that second.
#[derive(Debug, Clone)]
pub(crate) struct SendWindow {
    per_sec: usize,
    sent: std::collections::VecDeque<Instant>,
}

/// The window's length.
const WINDOW: Duration = Duration::from_secs(1);

impl SendWindow {
    /// An empty window allowing `per_sec` sends in any second.
    pub(crate) fn new(per_sec: u32) -> Self {
        Self {
            per_sec: usize::try_from(per_sec.max(1)).unwrap_or(usize::MAX),
            sent: std::collections::VecDeque::new(),
        }
    }

    /// Records a send at `now` (counted whether or not the window had room).
    pub(crate) fn record(&mut self, now: Instant) {
        self.sent.push_back(now);
    }

    /// `None` if another send fits in the last second, else when one will.
    pub(crate) fn ready_at(&mut self, now: Instant) -> Option<Instant> {
        while self
            .sent
            .front()
            .is_some_and(|at| now.saturating_duration_since(*at) >= WINDOW)
        {
            self.sent.pop_front();
        }
        if self.sent.len() < self.per_sec {
            return None;
        }
        // The window is full: room comes when enough of its oldest sends
        // (those beyond the budget included) have left it.
        let idx = self.sent.len() - self.per_sec;
        self.sent.get(idx).map(|at| *at + WINDOW)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Takes a token at each millisecond offset if one is available; returns the offsets served.
    fn check(capacity: f64, per_sec: f64, attempts_ms: &[u64], expected_served: &[u64]) {
        let start = Instant::now();
        let mut bucket = TokenBucket::new(capacity, per_sec, start);
        let mut served = Vec::new();
        for ms in attempts_ms {
            let now = start + Duration::from_millis(*ms);
            if bucket.ready_at(now).is_none() {
                bucket.take();
                served.push(*ms);
            }
        }
        assert_eq!(served, expected_served);
    }

    #[test]
    fn burst_then_steady_rate() {
        check(
            3.0,
            1.0,
            &[0, 0, 0, 0, 500, 1000, 1500, 2000],
            &[0, 0, 0, 1000, 2000],
        );
    }

    #[test]
    fn refill_is_capped_at_capacity() {
        check(
            2.0,
            1.0,
            &[0, 0, 10_000, 10_000, 10_000],
            &[0, 0, 10_000, 10_000],
        );
    }

    #[test]
    fn global_rate_of_thirty_per_second() {
        let attempts: Vec<u64> = (0..100).map(|it| it * 10).collect();
        let start = Instant::now();
        let mut bucket = TokenBucket::new(3.0, 30.0, start);
        let n_served = attempts
            .iter()
            .filter(|ms| {
                let ready = bucket
                    .ready_at(start + Duration::from_millis(**ms))
                    .is_none();
                if ready {
                    bucket.take();
                }
                ready
            })
            .count();
        // 3 at once, then 30/s for the remaining 0.99 s.
        assert!((31..=33).contains(&n_served), "{n_served}");
    }

    #[test]
    fn ready_at_says_when() {
        let start = Instant::now();
        let mut bucket = TokenBucket::new(1.0, 2.0, start);
        assert_eq!(bucket.ready_at(start), None);
        bucket.take();
        let at = bucket.ready_at(start);
        assert_eq!(at.map(|it| it.duration_since(start).as_millis()), Some(500));
    }

    /// Sends at the given millisecond offsets, `bulk` ones only when the
    /// window has room; returns the bulk offsets served.
    fn check_window(per_sec: u32, sends: &[(u64, bool)], expected_bulk: &[u64]) {
        let start = Instant::now();
        let mut window = SendWindow::new(per_sec);
        let mut served = Vec::new();
        for &(ms, bulk) in sends {
            let now = start + Duration::from_millis(ms);
            if !bulk {
                window.record(now);
                continue;
            }
            if window.ready_at(now).is_none() {
                window.record(now);
                served.push(ms);
            }
        }
        assert_eq!(served, expected_bulk);
    }

    #[test]
    fn bulk_gets_what_the_last_second_left() {
        // Three replies fill a budget of three: bulk waits a second for room.
        check_window(
            3,
            &[
                (0, false),
                (10, false),
                (20, false),
                (30, true),
                (999, true),
                (1000, true),
            ],
            &[1000],
        );
        // Replies never wait, even past the budget; bulk goes once the last
        // second holds fewer sends than the budget.
        check_window(
            2,
            &[
                (0, false),
                (1, false),
                (2, false),
                (500, true),
                (1001, true),
                (1002, true),
            ],
            &[1001, 1002],
        );
        check_window(
            2,
            &[(0, true), (1, true), (2, true), (1000, true)],
            &[0, 1, 1000],
        );
    }

    #[test]
    fn a_full_window_says_when_it_has_room() {
        let start = Instant::now();
        let mut window = SendWindow::new(2);
        window.record(start);
        window.record(start + Duration::from_millis(400));
        assert_eq!(
            window.ready_at(start + Duration::from_millis(500)),
            Some(start + Duration::from_millis(1000))
        );
        assert_eq!(window.ready_at(start + Duration::from_millis(1000)), None);
    }
}
