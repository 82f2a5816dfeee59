//! Panel health: each check recorded, and the owners' alerts queued in the
//! same transaction when a panel has been down long enough or comes back
//! after such an alert.
//!
//! The rule: a panel down for at least [`PanelCheck::alert_after_secs`]
//! (counted from its first failed check) alerts once (`down_alerted` is set
//! with the mail); a panel back up after that alert sends one "back up" mail
//! (`down_alerted` is cleared with it); a shorter blip alerts nobody.

use ajib_domain::{PanelId, UnixTime};
use rusqlite::{OptionalExtension, params};

use crate::{Error, NewMail, Store, mail::insert_mail};

/// The longest failure text kept in `panels.last_error`.
pub const MAX_PANEL_ERROR_CHARS: usize = 500;

/// What one check of a panel found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckOutcome {
    /// It answered as it should.
    Up,
    /// It did not (timeout, refused, 5xx, token rejected): the panel's words or the client's.
    Down {
        /// Why.
        error: String,
    },
}

/// A check to record, with the alerts to queue should it change what the owners were told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PanelCheck {
    /// The panel checked.
    pub panel: PanelId,
    /// When.
    pub at: UnixTime,
    /// What it found.
    pub outcome: CheckOutcome,
    /// How long a panel must be down before the owners are alerted.
    pub alert_after_secs: i64,
    /// The owners' "down" alert, queued if this check is the one that alerts.
    pub down_alert: Vec<NewMail>,
    /// The owners' "back up" alert, queued if this check is a recovery after an alert.
    pub up_alert: Vec<NewMail>,
}

/// What recording a check changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HealthChange {
    /// Nothing worth telling: as it was, or a panel still down but not yet long enough.
    Same,
    /// Its first failed check: down from now on, nobody alerted yet.
    WentDown,
    /// Down for long enough: the "down" alert was queued.
    DownAlerted {
        /// Its first failed check.
        since: UnixTime,
    },
    /// Back up.
    Recovered {
        /// Its first failed check.
        since: UnixTime,
        /// Whether the owners had been alerted, so the "back up" alert was queued.
        alerted: bool,
    },
}

impl HealthChange {
    /// Whether mail was queued.
    #[must_use]
    pub fn queued_mail(self) -> bool {
        matches!(
            self,
            Self::DownAlerted { .. } | Self::Recovered { alerted: true, .. }
        )
    }
}

/// The health columns a check reads before it writes.
struct Before {
    down: bool,
    down_since: Option<i64>,
    down_alerted: bool,
}

impl Store {
    /// Records one health check of a panel in one transaction: its health,
    /// when it was checked, since when it is down and why, and the owners'
    /// alert it calls for (at most one "down" alert per outage, and one
    /// "back up" alert after it).
    pub async fn record_panel_check(&self, check: PanelCheck) -> Result<HealthChange, Error> {
        self.with_tx(move |tx| {
            let before = tx
                .prepare_cached(
                    "SELECT health, down_since, down_alerted FROM panels WHERE id = ?1",
                )?
                .query_row([check.panel.0], |row| {
                    Ok(Before {
                        down: row.get::<_, String>(0)? == "down",
                        down_since: row.get(1)?,
                        down_alerted: row.get(2)?,
                    })
                })
                .optional()?
                .ok_or(Error::NotFound { what: "panel" })?;
            let at = check.at.0;
            // The earliest failed check of this outage, whatever order checks come in
            // (a clock set back, or two rounds crossing).
            let since = before.down_since.map_or(at, |it| it.min(at));
            match &check.outcome {
                CheckOutcome::Down { error } => {
                    let error: String = error.chars().take(MAX_PANEL_ERROR_CHARS).collect();
                    let alert = !before.down_alerted && at - since >= check.alert_after_secs;
                    tx.prepare_cached(
                        "UPDATE panels SET health = 'down', checked_at = ?2, down_since = ?3, \
                         last_error = ?4, down_alerted = ?5 WHERE id = ?1",
                    )?
                    .execute(params![
                        check.panel.0,
                        at,
                        since,
                        error,
                        before.down_alerted || alert
                    ])?;
                    if alert {
                        insert_mail(tx, &check.down_alert, check.at)?;
                        return Ok(HealthChange::DownAlerted {
                            since: UnixTime(since),
                        });
                    }
                    Ok(match before.down {
                        true => HealthChange::Same,
                        false => HealthChange::WentDown,
                    })
                }
                CheckOutcome::Up => {
                    tx.prepare_cached(
                        "UPDATE panels SET health = 'up', checked_at = ?2, down_since = NULL, \
                         last_error = NULL, down_alerted = 0 WHERE id = ?1",
                    )?
                    .execute(params![check.panel.0, at])?;
                    if before.down_alerted {
                        insert_mail(tx, &check.up_alert, check.at)?;
                    }
                    Ok(match before.down {
                        true => HealthChange::Recovered {
                            since: UnixTime(since),
                            alerted: before.down_alerted,
                        },
                        false => HealthChange::Same,
                    })
                }
            }
        })
        .await
    }
}
