//! When each rate-limited alert last went out: a leaf module, so [`crate::deps`] can carry it.

use std::sync::atomic::{AtomicI64, Ordering};

use ajib_domain::UnixTime;

/// When each rate-limited alert was last sent (unix seconds; 0 = never).
#[derive(Debug, Default)]
pub struct Alerts {
    pub(crate) blitz_down: AtomicI64,
    pub(crate) channel_unreachable: AtomicI64,
}

/// Whether an alert last sent at `last` may go out at `at`; if so records `at`, and only one racer wins.
pub(crate) fn claim(last: &AtomicI64, at: UnixTime, period_secs: i64) -> bool {
    let prev = last.load(Ordering::Acquire);
    if prev != 0 && at.0.saturating_sub(prev) < period_secs {
        return false;
    }
    last.compare_exchange(prev, at.0, Ordering::AcqRel, Ordering::Acquire)
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_alert_goes_out_at_most_once_per_period() {
        let last = AtomicI64::new(0);
        let at = |secs: i64| UnixTime(1_700_000_000 + secs);
        assert!(claim(&last, at(0), 3600));
        assert!(!claim(&last, at(1), 3600));
        assert!(!claim(&last, at(3599), 3600));
        assert!(claim(&last, at(3600), 3600));
        assert!(!claim(&last, at(3700), 3600));
    }
}
