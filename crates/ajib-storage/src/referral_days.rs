//! Referral rewards in days: a granted reward with days waits here until a
//! worker adds them to the referrer's running service on its panel.
//!
//! The panel's "add days" is not idempotent, so each reward moves
//! `pending → applying → applied`, and `applying` records the account's total
//! days before the call: a worker resuming after a crash compares them with
//! the panel's and adds the days only if they are not there yet.

use ajib_domain::{Service, ServiceId, TelegramId, UnixTime};
use rusqlite::{Row, params};

use crate::{
    Error, Store,
    referrals::RewardId,
    services::{SERVICE_COLUMNS, get_service, read_service},
    store::{one_row, query_opt, query_vec, to_u64},
};

/// A reward's days waiting for the panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueDays {
    /// The reward.
    pub reward: RewardId,
    /// Who gets the days.
    pub referrer: TelegramId,
    /// How many.
    pub days: u32,
    /// The service and its account's total days before, once the panel is being asked.
    pub applying: Option<(ServiceId, u64)>,
}

impl Store {
    /// Up to `limit` rewards whose days are not on a panel yet, oldest first.
    pub async fn due_reward_days(&self, limit: u32) -> Result<Vec<DueDays>, Error> {
        self.with_conn(move |conn| {
            query_vec(
                conn,
                "SELECT id, referrer_id, days, days_state, days_service_id, days_before \
                 FROM referral_rewards WHERE days_state IN ('pending', 'applying') \
                 AND status = 'granted' ORDER BY id LIMIT ?1",
                [limit],
                read_due,
            )
        })
        .await
    }

    /// The service of `user` that runs longest (not a test account, running at `now`), if any.
    pub async fn longest_running_service(
        &self,
        user: TelegramId,
        now: UnixTime,
    ) -> Result<Option<Service>, Error> {
        self.with_conn(move |conn| {
            let sql = format!(
                "SELECT {SERVICE_COLUMNS} FROM services WHERE user_id = ?1 AND status = 'active' \
                 AND is_test = 0 AND expires_at > ?2 ORDER BY expires_at DESC, id DESC LIMIT 1"
            );
            query_opt(conn, &sql, params![user.0, now.0], read_service)
        })
        .await
    }

    /// Records that `reward`'s days are about to be added to `service`, whose
    /// account has `before` total days; false if the reward is no longer
    /// pending (taken back meanwhile).
    pub async fn begin_reward_days(
        &self,
        reward: RewardId,
        service: ServiceId,
        before: u64,
    ) -> Result<bool, Error> {
        let before = i64::try_from(before).map_err(|_| Error::Conflict {
            what: "a panel account's days do not fit",
        })?;
        self.with_conn(move |conn| {
            let n = conn
                .prepare_cached(
                    "UPDATE referral_rewards SET days_state = 'applying', days_service_id = ?2, \
                     days_before = ?3 WHERE id = ?1 AND days_state = 'pending' AND status = 'granted'",
                )?
                .execute(params![reward.0, service.0, before])?;
            Ok(n == 1)
        })
        .await
    }

    /// The days are on the panel: the service's expiry moves `days` later and
    /// the reward is applied, in one transaction; a second call changes nothing.
    pub async fn finish_reward_days(&self, reward: RewardId) -> Result<Option<Service>, Error> {
        self.with_tx(move |tx| {
            let found = query_opt(
                tx,
                "SELECT days, days_service_id FROM referral_rewards \
                 WHERE id = ?1 AND days_state = 'applying'",
                [reward.0],
                |row| Ok((row.get::<_, i64>(0)?, row.get::<_, Option<i64>>(1)?)),
            )?;
            let Some((days, Some(service))) = found else {
                return Ok(None);
            };
            let n = tx
                .prepare_cached(
                    "UPDATE services SET expires_at = expires_at + ?2 * 86400 WHERE id = ?1",
                )?
                .execute(params![service, days])?;
            one_row("service", n)?;
            tx.prepare_cached(
                "UPDATE referral_rewards SET days_state = 'applied' WHERE id = ?1 AND days_state = 'applying'",
            )?
            .execute([reward.0])?;
            get_service(tx, ServiceId(service))
        })
        .await
    }
}

fn read_due(row: &Row<'_>) -> Result<DueDays, Error> {
    let state: String = row.get("days_state")?;
    let applying = match state.as_str() {
        "applying" => {
            let service: Option<i64> = row.get("days_service_id")?;
            let before: Option<i64> = row.get("days_before")?;
            match (service, before) {
                (Some(service), Some(before)) => Some((
                    ServiceId(service),
                    to_u64("referral_rewards.days_before", before)?,
                )),
                _ => None,
            }
        }
        _ => None,
    };
    Ok(DueDays {
        reward: RewardId(row.get("id")?),
        referrer: TelegramId(row.get("referrer_id")?),
        days: row.get("days")?,
        applying,
    })
}
