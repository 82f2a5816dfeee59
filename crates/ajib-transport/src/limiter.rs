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
}
