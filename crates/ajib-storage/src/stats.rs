//! Counts and revenue for the operator's dashboard.

use ajib_domain::{Date, Money, OrderStatus, PlanId, SECS_PER_DAY, UnixTime};
use rusqlite::params;

use crate::{
    Error, Store,
    store::{money, query_count, query_vec, to_u64},
};

/// Headline numbers since a point in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Users ever.
    pub users_total: u64,
    /// Users whose first contact is at or after `since`.
    pub users_new: u64,
    /// Users whose latest contact is at or after `since`.
    pub users_seen: u64,
    /// Users who blocked the bot.
    pub users_blocked: u64,
    /// Services active and not yet expired at `now`.
    pub services_active: u64,
    /// Non-test orders created since `since` (purchases started).
    pub orders_started: u64,
    /// Non-test orders paid since `since` (grants included).
    pub orders_paid: u64,
}

/// Paid orders and revenue of one UTC day in one currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayRevenue {
    /// The day.
    pub day: Date,
    /// Paid orders with a price.
    pub orders: u64,
    /// Their sum.
    pub revenue: Money,
}

/// Paid orders and revenue of one plan in one currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanRevenue {
    /// The plan.
    pub plan: PlanId,
    /// Paid orders with a price.
    pub orders: u64,
    /// Their sum.
    pub revenue: Money,
}

/// Orders that brought money: paid or provisioned, with a price.
const EARNING: &str = "status IN ('paid', 'provisioned') AND amount_minor > 0 AND paid_at >= ?1";

impl Store {
    /// Headline numbers: totals, and what happened since `since`.
    pub async fn summary(&self, since: UnixTime, now: UnixTime) -> Result<Summary, Error> {
        self.with_conn(move |conn| {
            Ok(Summary {
                users_total: query_count(conn, "SELECT COUNT(*) FROM users", [])?,
                users_new: query_count(conn, "SELECT COUNT(*) FROM users WHERE created_at >= ?1", [since.0])?,
                users_seen: query_count(conn, "SELECT COUNT(*) FROM users WHERE last_seen >= ?1", [since.0])?,
                users_blocked: query_count(conn, "SELECT COUNT(*) FROM users WHERE blocked_bot = 1", [])?,
                services_active: query_count(
                    conn,
                    "SELECT COUNT(*) FROM services WHERE status = 'active' AND expires_at > ?1",
                    [now.0],
                )?,
                orders_started: query_count(
                    conn,
                    "SELECT COUNT(*) FROM orders WHERE kind <> 'test' AND created_at >= ?1",
                    [since.0],
                )?,
                orders_paid: query_count(
                    conn,
                    "SELECT COUNT(*) FROM orders WHERE kind <> 'test' AND status IN ('paid', 'provisioned') \
                     AND paid_at >= ?1",
                    [since.0],
                )?,
            })
        })
        .await
    }

    /// Revenue per UTC day (by payment time) and currency since `since`, oldest day first.
    pub async fn revenue_by_day(&self, since: UnixTime) -> Result<Vec<DayRevenue>, Error> {
        self.with_conn(move |conn| {
            let sql = format!(
                "SELECT paid_at / ?2 - (paid_at % ?2 < 0) AS day, currency, COUNT(*) AS n, \
                 SUM(amount_minor) AS amount_minor FROM orders WHERE {EARNING} \
                 GROUP BY day, currency ORDER BY day, currency"
            );
            query_vec(conn, &sql, params![since.0, SECS_PER_DAY], |row| {
                Ok(DayRevenue {
                    day: Date::from_days(row.get("day")?),
                    orders: to_u64("count", row.get("n")?)?,
                    revenue: money(row, "amount_minor", "currency")?,
                })
            })
        })
        .await
    }

    /// Revenue per plan and currency since `since`, by plan id.
    pub async fn revenue_by_plan(&self, since: UnixTime) -> Result<Vec<PlanRevenue>, Error> {
        self.with_conn(move |conn| {
            let sql = format!(
                "SELECT plan_id, currency, COUNT(*) AS n, SUM(amount_minor) AS amount_minor FROM orders \
                 WHERE {EARNING} AND plan_id IS NOT NULL GROUP BY plan_id, currency ORDER BY plan_id, currency"
            );
            query_vec(conn, &sql, [since.0], |row| {
                Ok(PlanRevenue {
                    plan: PlanId(row.get("plan_id")?),
                    orders: to_u64("count", row.get("n")?)?,
                    revenue: money(row, "amount_minor", "currency")?,
                })
            })
        })
        .await
    }

    /// Money from invoice payments since `since` that stayed on balances, per
    /// currency: each payment less the purchase it paid for in the same
    /// settlement (written after it, for the same order), never below zero.
    ///
    /// So it counts top-ups, the excess of an overpayment and payments that
    /// could not be granted (late, repriced, underpaid), and not admin
    /// adjustments; an order paid from the balance before its invoice was
    /// paid too leaves the whole payment on the balance, and counts it.
    pub async fn credited_by_payments(&self, since: UnixTime) -> Result<Vec<Money>, Error> {
        self.with_conn(move |conn| {
            let sql = "SELECT currency, sum(credited) AS amount_minor FROM ( \
                         SELECT p.currency AS currency, max(0, p.amount_minor + coalesce( \
                           (SELECT sum(b.amount_minor) FROM ledger b WHERE b.cause = 'purchase' \
                             AND b.order_id = p.order_id AND b.id > p.id), 0)) AS credited \
                         FROM ledger p WHERE p.cause = 'payment' AND p.created_at >= ?1) \
                       GROUP BY currency HAVING sum(credited) > 0 ORDER BY currency";
            query_vec(conn, sql, [since.0], |row| {
                money(row, "amount_minor", "currency")
            })
        })
        .await
    }

    /// How the non-test orders created since `since` ended up, per status, most common first.
    pub async fn order_outcomes(&self, since: UnixTime) -> Result<Vec<(OrderStatus, u64)>, Error> {
        self.with_conn(move |conn| {
            let sql = "SELECT status, COUNT(*) AS n FROM orders WHERE kind != 'test' AND created_at >= ?1 \
                       GROUP BY status ORDER BY n DESC, status";
            query_vec(conn, sql, [since.0], |row| {
                let text: String = row.get("status")?;
                let status = OrderStatus::parse(&text)
                    .map_err(|_| Error::Decode { column: "status", raw: text.clone() })?;
                Ok((status, to_u64("count", row.get("n")?)?))
            })
        })
        .await
    }
}
