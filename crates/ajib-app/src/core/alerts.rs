//! Alerts to admins that must not flood them: each kind goes out at most once per period.

use std::sync::atomic::{AtomicI64, Ordering};

use ajib_domain::UnixTime;
use ajib_i18n::Arg;

use crate::{
    core::notify,
    deps::{Deps, now},
    format::escape,
};

/// Shortest time between two "Blitz unreachable" alerts.
pub const BLITZ_DOWN_PERIOD_SECS: i64 = 3600;

/// When each rate-limited alert was last sent (unix seconds; 0 = never).
#[derive(Debug, Default)]
pub struct Alerts {
    blitz_down: AtomicI64,
}

/// Whether `err` is a transient Blitz failure: the panel is down, slow, failing or rate-limiting.
#[must_use]
pub fn is_blitz_down(err: &anyhow::Error) -> bool {
    err.chain().any(|it| {
        it.downcast_ref::<blitz::Error>()
            .is_some_and(blitz::Error::is_retryable)
    })
}

/// Tells admins the Blitz panel is unreachable, unless they were told within the last hour.
pub async fn blitz_down(deps: &Deps, error: &str) {
    if !claim(&deps.alerts.blitz_down, now(), BLITZ_DOWN_PERIOD_SECS) {
        return;
    }
    let error = escape(error);
    notify::admins(
        deps,
        "admin-blitz-down",
        &[("error", Arg::from(error.as_str()))],
    )
    .await;
}

/// Whether an alert last sent at `last` may go out at `at`; if so records `at`, and only one racer wins.
fn claim(last: &AtomicI64, at: UnixTime, period_secs: i64) -> bool {
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

    #[test]
    fn only_transient_blitz_errors_mean_the_panel_is_down() {
        let down = blitz::Error::Transient {
            reason: "panel answered 502".to_owned(),
            source: None,
        };
        assert!(is_blitz_down(&anyhow::Error::new(down)));
        assert!(!is_blitz_down(&anyhow::anyhow!("plan 3 is gone")));
    }
}
