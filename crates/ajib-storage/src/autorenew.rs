//! Auto-renew from the balance: the per-service switch, which services are
//! due, and renewing one service period exactly once.
//!
//! "Once" is the database's job: a renewal writes a claim keyed by
//! (service, the expiry it renews) in the same `BEGIN IMMEDIATE` transaction
//! that creates the renewal order and pays it from the balance, so a second
//! worker, a retried round or a restarted bot finds the claim and stops.

use ajib_domain::{
    JobId, Money, Order, OrderId, Plan, PlanId, Service, ServiceId, ServiceStatus, TelegramId,
    UnixTime, renewal_price,
};
use rusqlite::{Connection, params};

use crate::{
    Error, NewOrder, Store,
    error::is_unique_violation,
    ledger::{balance, buy_from_balance},
    orders::{get_order, insert_order},
    plans::{PLAN_COLUMNS, read_plan},
    services::{SERVICE_COLUMNS, get_service, read_service},
    store::{query_exists, query_opt, query_vec},
};

/// How long after its expiry a service may still be renewed automatically
/// (a bot that was down at the time catches up; a long-dead service is not
/// charged out of the blue).
pub const AUTO_RENEW_GRACE_SECS: i64 = 86_400;

/// The note on an order auto-renew made, for support and the admins.
const AUTO_RENEW_NOTE: &str = "auto-renew from the balance";

/// What one [`Store::auto_renew`] call did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AutoRenewOutcome {
    /// This call renewed the period: the renewal order is paid from the
    /// balance and its provisioning queued.
    Renewed {
        /// The paid renewal order (boxed: the other outcomes are small).
        order: Box<Order>,
        /// Its provisioning job.
        job: JobId,
        /// The balance after the debit.
        balance: Money,
    },
    /// This period was renewed before (or a paid renewal of the service is
    /// still being provisioned); nothing changed.
    AlreadyRenewed,
    /// The balance does not cover the renewal price; nothing was written.
    NotEnoughBalance {
        /// What the balance holds.
        balance: Money,
        /// The plan's renewal price.
        price: Money,
    },
    /// Auto-renew is off, or the service is a test account, disabled, or its
    /// plan is no longer on sale; nothing was written.
    NotEligible,
}

impl Store {
    /// Whether auto-renew is on for the service.
    pub async fn auto_renew_enabled(&self, service: ServiceId) -> Result<bool, Error> {
        self.with_conn(move |conn| {
            query_opt(
                conn,
                "SELECT auto_renew FROM services WHERE id = ?1",
                [service.0],
                |row| Ok(row.get::<_, bool>(0)?),
            )?
            .ok_or(Error::NotFound { what: "service" })
        })
        .await
    }

    /// Turns auto-renew on or off for `user`'s own service; a test account,
    /// or someone else's service, is [`Error::NotFound`].
    pub async fn set_auto_renew(
        &self,
        service: ServiceId,
        user: TelegramId,
        on: bool,
    ) -> Result<(), Error> {
        self.with_conn(move |conn| {
            let n = conn
                .prepare_cached(
                    "UPDATE services SET auto_renew = ?3 WHERE id = ?1 AND \
                    user_id = ?2 AND is_test = 0",
                )?
                .execute(params![service.0, user.0, on])?;
            crate::store::one_row("service", n)
        })
        .await
    }

    /// Services auto-renew should renew at `now`, soonest expiry first: the
    /// switch on, not a test account, not disabled, the owner not banned, the
    /// plan still on sale, expiring within `days_before` days (or expired less
    /// than [`AUTO_RENEW_GRACE_SECS`] ago), and not yet renewed for the
    /// current expiry.
    pub async fn auto_renew_due(
        &self,
        now: UnixTime,
        days_before: u32,
        limit: u32,
    ) -> Result<Vec<Service>, Error> {
        self.with_conn(move |conn| {
            let sql = format!(
                "SELECT {SERVICE_COLUMNS} FROM services WHERE auto_renew = 1 AND is_test = 0 \
                 AND status <> 'disabled' AND expires_at <= ?1 + ?2 AND expires_at > ?1 - ?3 \
                 AND plan_id IN (SELECT id FROM plans WHERE active = 1) \
                 AND user_id NOT IN (SELECT id FROM users WHERE banned = 1) \
                 AND NOT EXISTS (SELECT 1 FROM auto_renewals a \
                                 WHERE a.service_id = services.id AND a.period_end = services.expires_at) \
                 AND NOT EXISTS (SELECT 1 FROM orders o \
                                 WHERE o.renewal_service_id = services.id AND o.status = 'paid') \
                 ORDER BY expires_at, id LIMIT ?4"
            );
            let window = i64::from(days_before) * 86_400;
            let params = params![now.0, window, AUTO_RENEW_GRACE_SECS, limit];
            query_vec(conn, &sql, params, read_service)
        })
        .await
    }

    /// Renews the service's current period from its owner's balance, at most
    /// once per period however many workers or restarts try.
    ///
    /// One transaction: the renewal order at the plan's current renewal
    /// price, the claim on (service, current expiry), the debit, paid, and
    /// the provisioning job. When the balance falls short, or the service is
    /// not eligible, nothing is written. The caller picks due services with
    /// [`Store::auto_renew_due`]; this re-checks everything but the window.
    pub async fn auto_renew(
        &self,
        service: ServiceId,
        now: UnixTime,
    ) -> Result<AutoRenewOutcome, Error> {
        let res = self.with_tx(move |tx| renew(tx, service, now)).await;
        match res {
            // Another writer claimed the period first; the transaction rolled back.
            Err(Error::Sqlite(err)) if is_unique_violation(err.inner()) => {
                Ok(AutoRenewOutcome::AlreadyRenewed)
            }
            other => other,
        }
    }

    /// The renewal orders auto-renew made for a service, oldest first.
    pub async fn auto_renewals_of(&self, service: ServiceId) -> Result<Vec<OrderId>, Error> {
        self.with_conn(move |conn| {
            query_vec(
                conn,
                "SELECT order_id FROM auto_renewals WHERE service_id = ?1 ORDER BY created_at, order_id",
                [service.0],
                |row| Ok(OrderId(row.get(0)?)),
            )
        })
        .await
    }
}

fn renew(tx: &Connection, id: ServiceId, now: UnixTime) -> Result<AutoRenewOutcome, Error> {
    let service = get_service(tx, id)?.ok_or(Error::NotFound { what: "service" })?;
    let on: bool = tx
        .prepare_cached("SELECT auto_renew FROM services WHERE id = ?1")?
        .query_row([id.0], |row| row.get(0))?;
    if !on || service.is_test || service.status == ServiceStatus::Disabled {
        return Ok(AutoRenewOutcome::NotEligible);
    }
    let claimed = query_exists(
        tx,
        "SELECT 1 FROM auto_renewals WHERE service_id = ?1 AND period_end = ?2",
        params![id.0, service.expires.0],
    )?;
    // A renewal paid another way (a tap, an earlier claim) but not yet on the
    // panel has not moved the expiry yet: renewing again would pay twice.
    let in_flight = query_exists(
        tx,
        "SELECT 1 FROM orders WHERE renewal_service_id = ?1 AND status = 'paid'",
        [id.0],
    )?;
    if claimed || in_flight {
        return Ok(AutoRenewOutcome::AlreadyRenewed);
    }
    let Some(plan) = service.plan.map(|it| plan(tx, it)).transpose()?.flatten() else {
        return Ok(AutoRenewOutcome::NotEligible);
    };
    if !plan.active {
        return Ok(AutoRenewOutcome::NotEligible);
    }
    let price = renewal_price(&plan);
    let funds = balance(tx, service.user, price.currency())?;
    if funds.minor() < price.minor() {
        return Ok(AutoRenewOutcome::NotEnoughBalance {
            balance: funds,
            price,
        });
    }
    let order = insert_order(
        tx,
        &NewOrder {
            user: service.user,
            plan: plan.id,
            renews: Some(id),
            amount: price,
            note: Some(AUTO_RENEW_NOTE.to_owned()),
            location: None,
        },
        now,
    )?;
    tx.prepare_cached(
        "INSERT INTO auto_renewals (service_id, period_end, order_id, \
                    created_at) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![id.0, service.expires.0, order.id.0, now.0])?;
    let job = buy_from_balance(tx, &order, now)?;
    let order = get_order(tx, order.id)?.ok_or(Error::NotFound { what: "order" })?;
    let balance = balance(tx, service.user, price.currency())?;
    Ok(AutoRenewOutcome::Renewed {
        order: Box::new(order),
        job,
        balance,
    })
}

fn plan(conn: &Connection, id: PlanId) -> Result<Option<Plan>, Error> {
    let sql = format!("SELECT {PLAN_COLUMNS} FROM plans WHERE id = ?1");
    query_opt(conn, &sql, [id.0], read_plan)
}
