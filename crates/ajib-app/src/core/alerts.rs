//! Alerts to admins that must not flood them: each kind goes out at most once per period.

pub mod throttle;

use ajib_i18n::Arg;

use crate::{
    core::notify,
    deps::{Deps, now},
};

/// Shortest time between two "Blitz unreachable" alerts.
pub const BLITZ_DOWN_PERIOD_SECS: i64 = 3600;

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
    if !throttle::claim(&deps.alerts.blitz_down, now(), BLITZ_DOWN_PERIOD_SECS) {
        return;
    }
    notify::admins(deps, "admin-blitz-down", &[("error", Arg::from(error))]).await;
}

#[cfg(test)]
mod tests {
    use super::*;

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
