//! Counts and revenue for the operator's dashboard.

use std::collections::HashMap;

use ajib_domain::{Currency, Date, Money, OrderStatus, PlanId, SECS_PER_DAY, UnixTime};
use rusqlite::{Connection, params};

use crate::{Error, Store, store::query_count};

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

/// The statuses of a paid (or granted) order.
const PAID: [OrderStatus; 2] = [OrderStatus::Paid, OrderStatus::Provisioned];

/// Every kind but `test`, as an SQL list.
const NOT_TEST: &str = "('new', 'renewal')";

impl Store {
    /// Headline numbers: totals, and what happened since `since`.
    pub async fn summary(&self, since: UnixTime, now: UnixTime) -> Result<Summary, Error> {
        self.with_conn_long(move |conn| {
            // Totals come from `tallies` (kept by triggers, migration 0010); the
            // rest are ranges of indexes that hold every column they read.
            Ok(Summary {
                users_total: tally(conn, "users")?,
                users_new: query_count(conn, "SELECT COUNT(*) FROM users WHERE created_at >= ?1", [since.0])?,
                users_seen: query_count(conn, "SELECT COUNT(*) FROM users WHERE last_seen >= ?1", [since.0])?,
                users_blocked: tally(conn, "users_blocked")?,
                // Active ones less those already past their expiry, which the
                // reminder worker soon moves to expired: a short range.
                services_active: tally(conn, "services_active")?.saturating_sub(query_count(
                    conn,
                    "SELECT COUNT(*) FROM services WHERE status = 'active' AND expires_at <= ?1",
                    [now.0],
                )?),
                // `kind <> 'test'` and every status spelled out, so that each
                // (kind, status) pair is one range of `orders_by_state`.
                orders_started: query_count(
                    conn,
                    &format!(
                        "SELECT COUNT(*) FROM orders WHERE kind IN {NOT_TEST} AND status IN {} AND created_at >= ?1",
                        status_list(&OrderStatus::ALL)
                    ),
                    [since.0],
                )?,
                orders_paid: query_count(
                    conn,
                    &format!(
                        "SELECT COUNT(*) FROM orders WHERE kind IN {NOT_TEST} AND status IN {} AND paid_at >= ?1",
                        status_list(&PAID)
                    ),
                    [since.0],
                )?,
            })
        })
        .await
    }

    /// Revenue per UTC day (by payment time) and currency since `since`, oldest day first.
    pub async fn revenue_by_day(&self, since: UnixTime) -> Result<Vec<DayRevenue>, Error> {
        self.with_conn_long(move |conn| {
            let sql = format!(
                "SELECT paid_at / {SECS_PER_DAY} - (paid_at % {SECS_PER_DAY} < 0), currency, amount_minor \
                 FROM orders WHERE {EARNING}"
            );
            earning_groups(conn, &sql, since)?
                .into_iter()
                .map(|(day, revenue, orders)| {
                    Ok(DayRevenue { day: Date::from_days(day), orders, revenue })
                })
                .collect()
        })
        .await
    }

    /// Revenue per plan and currency since `since`, by plan id.
    pub async fn revenue_by_plan(&self, since: UnixTime) -> Result<Vec<PlanRevenue>, Error> {
        self.with_conn_long(move |conn| {
            let sql = format!(
                "SELECT plan_id, currency, amount_minor FROM orders WHERE {EARNING} AND plan_id IS NOT NULL"
            );
            Ok(earning_groups(conn, &sql, since)?
                .into_iter()
                .map(|(plan, revenue, orders)| PlanRevenue { plan: PlanId(plan), orders, revenue })
                .collect())
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
        self.with_conn_long(move |conn| {
            // Joined here rather than in SQL, which searched an index once per
            // payment: every purchase written after the window's first
            // payment, by order, then the window's payments against them. An
            // order has at most one purchase (`ledger_one_purchase_per_order`).
            let first: Option<i64> = conn
                // `+id`: SQLite would otherwise walk the table in id order to the window.
                .prepare_cached("SELECT min(+id) FROM ledger WHERE cause = 'payment' AND created_at >= ?1")?
                .query_row([since.0], |row| row.get(0))?;
            let Some(first) = first else {
                return Ok(Vec::new());
            };
            let mut purchases: HashMap<i64, (i64, i64)> = HashMap::new();
            let mut stmt = conn.prepare_cached(
                "SELECT id, order_id, amount_minor FROM ledger WHERE cause = 'purchase' AND id > ?1",
            )?;
            let mut rows = stmt.query([first])?;
            while let Some(row) = rows.next()? {
                purchases.insert(row.get(1)?, (row.get(0)?, row.get(2)?));
            }
            let mut stmt = conn.prepare_cached(
                "SELECT id, order_id, currency, amount_minor FROM ledger WHERE cause = 'payment' AND created_at >= ?1",
            )?;
            let mut payments = stmt.query([since.0])?;
            let mut credited: Vec<(String, i64)> = Vec::new();
            while let Some(row) = payments.next()? {
                let id: i64 = row.get(0)?;
                let bought = row
                    .get::<_, Option<i64>>(1)?
                    .and_then(|it| purchases.get(&it))
                    .filter(|(purchase, _)| *purchase > id)
                    .map_or(0, |(_, minor)| *minor);
                let kept = row.get::<_, i64>(3)?.checked_add(bought).ok_or_else(too_big)?.max(0);
                let currency = row.get_ref(2)?.as_str().map_err(rusqlite::Error::from)?;
                match credited.iter_mut().find(|it| it.0 == currency) {
                    Some(it) => it.1 = it.1.checked_add(kept).ok_or_else(too_big)?,
                    None => credited.push((currency.to_owned(), kept)),
                }
            }
            credited.retain(|it| it.1 > 0);
            credited.sort_unstable();
            credited.into_iter().map(|(code, minor)| to_money(minor, code)).collect()
        })
        .await
    }

    /// How the non-test orders created since `since` ended up, per status, most common first.
    pub async fn order_outcomes(&self, since: UnixTime) -> Result<Vec<(OrderStatus, u64)>, Error> {
        self.with_conn_long(move |conn| {
            // One range of `orders_by_state` per status, counted where it lies:
            // grouping half a million rows by status needed a sort.
            let sql = format!(
                "SELECT COUNT(*) FROM orders WHERE kind IN {NOT_TEST} AND status = ?1 AND created_at >= ?2"
            );
            let mut res = Vec::new();
            for status in OrderStatus::ALL {
                let n = query_count(conn, &sql, params![status.as_str(), since.0])?;
                if n > 0 {
                    res.push((status, n));
                }
            }
            res.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.as_str().cmp(b.0.as_str())));
            Ok(res)
        })
        .await
    }
}

/// A count kept in `tallies`.
fn tally(conn: &Connection, name: &str) -> Result<u64, Error> {
    query_count(conn, "SELECT n FROM tallies WHERE name = ?1", [name])
}

/// `statuses` as an SQL list, `('paid', 'provisioned')`.
fn status_list(statuses: &[OrderStatus]) -> String {
    let quoted: Vec<String> = statuses
        .iter()
        .map(|it| format!("'{}'", it.as_str()))
        .collect();
    format!("({})", quoted.join(", "))
}

/// Counts and sums the rows of `sql` (a key, a currency, an amount; `?1` is
/// `since`) per key and currency, in key then currency order: what
/// `GROUP BY key, currency ORDER BY key, currency` gives, without the sort
/// SQLite needs for a hundred thousand rows.
fn earning_groups(
    conn: &Connection,
    sql: &str,
    since: UnixTime,
) -> Result<Vec<(i64, Money, u64)>, Error> {
    // (key, currency, count, sum); few groups, so a list beats a map.
    let mut groups: Vec<(i64, String, u64, i64)> = Vec::new();
    let mut last = 0;
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query([since.0])?;
    while let Some(row) = rows.next()? {
        let key: i64 = row.get(0)?;
        let currency = row.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
        let amount: i64 = row.get(2)?;
        let same = |it: &(i64, String, u64, i64)| it.0 == key && it.1 == currency;
        if !groups.get(last).is_some_and(same) {
            last = match groups.iter().position(same) {
                Some(idx) => idx,
                None => {
                    groups.push((key, currency.to_owned(), 0, 0));
                    groups.len() - 1
                }
            };
        }
        let group = &mut groups[last];
        group.2 += 1;
        group.3 = group.3.checked_add(amount).ok_or_else(too_big)?;
    }
    groups.sort_unstable_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    groups
        .into_iter()
        .map(|(key, code, orders, minor)| Ok((key, to_money(minor, code)?, orders)))
        .collect()
}

fn to_money(minor: i64, code: String) -> Result<Money, Error> {
    let currency = Currency::new(&code).map_err(|_| Error::Decode {
        column: "currency",
        raw: code,
    })?;
    Money::from_minor(minor, currency).map_err(|_| Error::Decode {
        column: "amount_minor",
        raw: minor.to_string(),
    })
}

/// A sum of amounts that does not fit 64 bits (SQLite's `sum` fails there too).
fn too_big() -> Error {
    Error::Decode {
        column: "amount_minor",
        raw: "a sum beyond 64 bits".to_owned(),
    }
}
