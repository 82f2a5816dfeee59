//! The panel health worker: every minute each enabled panel is asked for its
//! version (`GET /server/version`, which needs the token), and the answer is
//! recorded (`Store::record_panel_check`).
//!
//! A panel that does not answer (timeout, refused, 5xx, token rejected) is
//! down from its first failed check: new accounts go elsewhere and its
//! customers are told in My services. The owners hear of it only when it has
//! been down for [`ALERT_AFTER_SECS`] (once per outage), and once more when it
//! is back; both alerts are queued as mail in the transaction that records
//! the check, so a crash neither loses nor repeats them.

use std::{sync::Arc, time::Duration};

use ajib_domain::UnixTime;
use ajib_i18n::Arg;
use ajib_storage::{CheckOutcome, HealthChange, Panel, PanelCheck};
use tokio::sync::watch;

use crate::{
    blocking::pause,
    core::{alerts, mail},
    deps::{Deps, Health, now},
};

/// How often every panel is checked.
pub const ROUND: Duration = Duration::from_secs(60);
/// How long a panel is down before the owners are alerted.
pub const ALERT_AFTER_SECS: i64 = 300;

/// Runs until shutdown; the first round comes a [`ROUND`] after the start
/// (until then each panel keeps the health it had), so a restart costs the
/// panels no burst of checks.
pub async fn run(deps: Arc<Deps>, mut shutdown: watch::Receiver<bool>) {
    loop {
        Health::beat(&deps.health.panels);
        if pause(ROUND, &mut shutdown).await {
            return;
        }
        round(&deps, now()).await;
    }
}

/// One pass at time `at`: checks every enabled panel at once and records each answer.
pub async fn round(deps: &Deps, at: UnixTime) {
    let panels = match deps.store.list_panels().await {
        Ok(panels) => panels,
        Err(err) => {
            log::error!("panel health cannot list the panels: {err}");
            return;
        }
    };
    let mut calls = Vec::new();
    for panel in panels.into_iter().filter(|it| it.enabled) {
        let call = match deps.panels.client(&deps.store, panel.id).await {
            Ok(client) => {
                let timed = deps.metrics.blitz.clone();
                Ok(tokio::task::spawn_blocking(move || {
                    timed.time("version", || client.version())
                }))
            }
            Err(err) => Err(err.to_string()),
        };
        calls.push((panel, call));
    }
    for (panel, call) in calls {
        let outcome = match call {
            Ok(call) => match call.await {
                Ok(Ok(_version)) => CheckOutcome::Up,
                Ok(Err(err)) => CheckOutcome::Down {
                    error: err.to_string(),
                },
                Err(err) => CheckOutcome::Down {
                    error: format!("the check did not finish: {err}"),
                },
            },
            Err(error) => CheckOutcome::Down { error },
        };
        record(deps, &panel, at, outcome).await;
    }
}

/// Records one panel's answer, with the owners' alert it may call for.
async fn record(deps: &Deps, panel: &Panel, at: UnixTime, outcome: CheckOutcome) {
    let since = panel.down_since.unwrap_or(at);
    let minutes = (at.0 - since.0).max(0) / 60;
    let place = format!("{} ({})", panel.name, panel.location);
    let (down_alert, up_alert) = match &outcome {
        // Rendered only while an alert may be due; the transaction decides.
        CheckOutcome::Down { error } if !panel.down_alerted => {
            let args = [
                ("panel", Arg::from(place.as_str())),
                ("minutes", Arg::from(minutes)),
                ("error", Arg::from(error.as_str())),
            ];
            let mail = alerts::owners_mail(deps, "admin-panel-down", &args).await;
            (mail, Vec::new())
        }
        CheckOutcome::Up if panel.down_alerted => {
            let args = [
                ("panel", Arg::from(place.as_str())),
                ("minutes", Arg::from(minutes)),
            ];
            let mail = alerts::owners_mail(deps, "admin-panel-up", &args).await;
            (Vec::new(), mail)
        }
        CheckOutcome::Down { .. } | CheckOutcome::Up => (Vec::new(), Vec::new()),
    };
    let error = match &outcome {
        CheckOutcome::Down { error } => error.clone(),
        CheckOutcome::Up => String::new(),
    };
    let check = PanelCheck {
        panel: panel.id,
        at,
        outcome,
        alert_after_secs: ALERT_AFTER_SECS,
        down_alert,
        up_alert,
    };
    let change = match deps.store.record_panel_check(check).await {
        Ok(change) => change,
        Err(err) => {
            log::error!("cannot record the health of panel {}: {err}", panel.name);
            return;
        }
    };
    match change {
        HealthChange::Same => (),
        HealthChange::WentDown => log::warn!("panel {place} is down: {error}"),
        HealthChange::DownAlerted { .. } => {
            log::warn!(
                "panel {place} has been down for {minutes} minutes; owners alerted: {error}"
            );
        }
        HealthChange::Recovered { alerted, .. } => {
            log::info!("panel {place} is back up after {minutes} minutes (owners told: {alerted})");
        }
    }
    if change.queued_mail() {
        mail::wake();
    }
}
