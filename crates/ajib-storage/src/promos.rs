//! Promo codes: creating and disabling them, pricing a purchase with one, and counting their uses.
//!
//! A code is checked in full when the customer applies it and again in the
//! transaction that stores the order: it exists and is enabled, its dates,
//! its total and per-customer uses, its plans, first purchase only. The order
//! then carries the code, the price before it, and any bonus days.
//!
//! The use is taken when the order is paid, in the one transaction that marks
//! it paid ([`Store::settle_payment`], [`Store::pay_from_balance`]): a
//! `promo_uses` row, whose triggers and CHECK make the database itself refuse
//! a use beyond the code's limits. Two payments racing for the last use cannot
//! both get it, and an unpaid order uses nothing.
//!
//! At payment only the limits a use consumes are checked again (total uses,
//! uses per customer, first purchase only). A code that ran out in the
//! meantime leaves an invoice's payment on the customer's balance with the
//! order unpaid (the "ungrantable payment" path), and paying from the balance
//! is refused with [`Error::PromoRefused`]. The dates and the enabled switch
//! were checked when the order was made: the invoice the customer was shown is
//! honoured until it expires.

mod terms;

use ajib_domain::{Money, Order, OrderId, PlanId, TelegramId, UnixTime};
use rusqlite::{Connection, Row, params};

pub use crate::promos::terms::{
    MAX_BONUS_DAYS, MAX_CODE_LEN, MIN_CODE_LEN, NewPromo, PromoBenefit, PromoDraft, PromoId,
    PromoPrice, PromoRefusal, PromoSpecError, normalize_code,
};
use crate::{
    Actor, Error, NewOrder, Store,
    error::is_unique_violation,
    orders::{get_order, insert_order, open_invoice_for},
    store::{money, opt_time, query_count, query_exists, query_opt, query_vec, time, to_u32},
};

/// A stored promo code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Promo {
    /// Row id.
    pub id: PromoId,
    /// Upper-case code text.
    pub code: String,
    /// What it gives.
    pub benefit: PromoBenefit,
    /// The plans it applies to; empty for all.
    pub plans: Vec<PlanId>,
    /// The first moment it works.
    pub starts: Option<UnixTime>,
    /// The first moment it no longer works.
    pub ends: Option<UnixTime>,
    /// Total uses by paid orders.
    pub max_uses: Option<u32>,
    /// Uses per customer.
    pub per_user: Option<u32>,
    /// Only for a customer's first paid purchase.
    pub first_purchase_only: bool,
    /// Whether it can be applied now (an admin may turn it off).
    pub enabled: bool,
    /// Paid orders that used it.
    pub uses: u32,
    /// Who made it.
    pub created_by: Actor,
    /// When.
    pub created: UnixTime,
}

/// How a customer names the code to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromoKey<'a> {
    /// As typed (any case).
    Text(&'a str),
    /// By id, once applied.
    Id(PromoId),
}

/// A code applied to one purchase by one customer: what it costs with the code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromoQuote {
    /// The code's id.
    pub promo: PromoId,
    /// The code's text.
    pub code: String,
    /// What it gives.
    pub benefit: PromoBenefit,
    /// The price with it.
    pub price: PromoPrice,
}

/// What a code did to an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderPromo {
    /// The code's id.
    pub promo: PromoId,
    /// The code's text.
    pub code: String,
    /// The price before the code, the price paid, and the bonus days.
    pub price: PromoPrice,
    /// Whether the order's payment took a use of the code.
    pub used: bool,
}

/// One code's results: uses by paid orders, what they brought and what they gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromoStats {
    /// The code's text.
    pub code: String,
    /// Paid orders that used it.
    pub uses: u64,
    /// What those orders were paid (after the discount).
    pub revenue: Money,
    /// What the code took off their prices.
    pub discount: Money,
    /// Days it added.
    pub bonus_days: u64,
}

const PROMO_COLUMNS: &str = "id, code, percent, fixed_minor, currency, bonus_days, starts_at, ends_at, \
     max_uses, per_user, first_purchase_only, enabled, uses, created_by, created_at, \
     (SELECT group_concat(plan_id) FROM promo_code_plans WHERE code_id = promo_codes.id) AS plans";

impl Store {
    /// Stores a new code (audited as `actor`, unless the bot itself seeds it); a code with the same text is a
    /// [`Error::Conflict`], a plan that does not exist [`Error::NotFound`].
    pub async fn add_promo(
        &self,
        promo: &NewPromo,
        actor: Actor,
        now: UnixTime,
    ) -> Result<Promo, Error> {
        let promo = promo.clone();
        self.with_tx(move |tx| {
            let (percent, fixed, currency, days) = match promo.benefit {
                PromoBenefit::Percent(percent) => (Some(percent), None, None, None),
                PromoBenefit::Fixed(amount) => (
                    None,
                    Some(amount.minor()),
                    Some(amount.currency().code().to_owned()),
                    None,
                ),
                PromoBenefit::BonusDays(days) => (None, None, None, Some(days)),
            };
            let inserted = tx
                .prepare_cached(
                    "INSERT INTO promo_codes (code, percent, fixed_minor, currency, bonus_days, \
                     starts_at, ends_at, max_uses, per_user, first_purchase_only, created_by, \
                     created_at, updated_at) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12)",
                )?
                .execute(params![
                    promo.code,
                    percent,
                    fixed,
                    currency,
                    days,
                    promo.starts.map(|it| it.0),
                    promo.ends.map(|it| it.0),
                    promo.max_uses,
                    promo.per_user,
                    promo.first_purchase_only,
                    actor.to_string(),
                    now.0
                ]);
            match inserted {
                Ok(_) => (),
                Err(e) if is_unique_violation(&e) => {
                    return Err(Error::Conflict {
                        what: "a promo code with this text exists already",
                    });
                }
                Err(e) => return Err(e.into()),
            }
            let id = PromoId(tx.last_insert_rowid());
            for plan in &promo.plans {
                if !query_exists(tx, "SELECT 1 FROM plans WHERE id = ?1", [plan.0])? {
                    return Err(Error::NotFound { what: "plan" });
                }
                tx.prepare_cached(
                    "INSERT INTO promo_code_plans (code_id, plan_id) VALUES (?1, ?2)",
                )?
                .execute(params![id.0, plan.0])?;
            }
            let stored = get_promo(tx, id)?.ok_or(Error::NotFound { what: "promo code" })?;
            // The audit log is of people's changes: a code the bot seeds
            // itself (the sandbox's demo code) is not one, like seeded plans.
            if actor != Actor::System {
                audit(tx, actor, "promo.add", &stored, now)?;
            }
            Ok(stored)
        })
        .await
    }

    /// Every code, newest first.
    pub async fn list_promos(&self) -> Result<Vec<Promo>, Error> {
        self.with_conn(|conn| {
            let sql = format!("SELECT {PROMO_COLUMNS} FROM promo_codes ORDER BY id DESC");
            query_vec(conn, &sql, [], read_promo)
        })
        .await
    }

    /// The code with this id or text (any case).
    pub async fn get_promo(&self, key: PromoKey<'_>) -> Result<Option<Promo>, Error> {
        let key = OwnedKey::of(key);
        self.with_conn(move |conn| find_promo(conn, &key)).await
    }

    /// Turns a code on or off (audited as `actor`); existing orders keep their prices.
    pub async fn set_promo_enabled(
        &self,
        key: PromoKey<'_>,
        enabled: bool,
        actor: Actor,
        now: UnixTime,
    ) -> Result<Promo, Error> {
        let key = OwnedKey::of(key);
        self.with_tx(move |tx| {
            let promo = find_promo(tx, &key)?.ok_or(Error::NotFound { what: "promo code" })?;
            tx.prepare_cached(
                "UPDATE promo_codes SET enabled = ?2, updated_at = ?3 WHERE id = ?1",
            )?
            .execute(params![promo.id.0, enabled, now.0])?;
            let stored = get_promo(tx, promo.id)?.ok_or(Error::NotFound { what: "promo code" })?;
            let action = match enabled {
                true => "promo.enable",
                false => "promo.disable",
            };
            audit(tx, actor, action, &stored, now)?;
            Ok(stored)
        })
        .await
    }

    /// The price of plan `plan` (listed at `list`) for `user` with the code
    /// `key`, or [`Error::PromoRefused`] saying why the code does not apply.
    pub async fn quote_promo(
        &self,
        key: PromoKey<'_>,
        user: TelegramId,
        plan: PlanId,
        list: Money,
        now: UnixTime,
    ) -> Result<PromoQuote, Error> {
        let key = OwnedKey::of(key);
        self.with_conn(move |conn| {
            let promo =
                find_promo(conn, &key)?.ok_or(Error::PromoRefused(PromoRefusal::Unknown))?;
            quote(conn, &promo, user, plan, list, now)
        })
        .await
    }

    /// Stores `order` (at its list price in `order.amount`) with code `promo`
    /// applied, checking the code again in the same transaction: the order's
    /// amount is the discounted price, and it carries the code, the list price
    /// and the bonus days. A code that no longer applies is
    /// [`Error::PromoRefused`], and nothing is stored.
    pub async fn create_promo_order(
        &self,
        order: &NewOrder,
        promo: PromoId,
        now: UnixTime,
    ) -> Result<(Order, PromoQuote), Error> {
        let order = order.clone();
        self.with_tx(move |tx| {
            let code = get_promo(tx, promo)?.ok_or(Error::PromoRefused(PromoRefusal::Unknown))?;
            let quote = quote(tx, &code, order.user, order.plan, order.amount, now)?;
            let discounted = NewOrder {
                amount: quote.price.amount,
                ..order
            };
            let created = insert_order(tx, &discounted, now)?;
            tx.prepare_cached(
                "UPDATE orders SET promo_code_id = ?2, list_minor = ?3, bonus_days = ?4 WHERE id = ?1",
            )?
            .execute(params![
                created.id.0,
                promo.0,
                quote.price.list.minor(),
                quote.price.bonus_days
            ])?;
            let stored = get_order(tx, created.id)?.ok_or(Error::NotFound { what: "order" })?;
            Ok((stored, quote))
        })
        .await
    }

    /// Like [`Store::open_invoice`], for the same purchase with the same code:
    /// an invoice made with one code (or none) is never reused for another.
    pub async fn open_promo_invoice(
        &self,
        order: &NewOrder,
        quote: &PromoQuote,
        invoice_amount: Money,
        valid_after: UnixTime,
    ) -> Result<Option<Order>, Error> {
        let discounted = NewOrder {
            amount: quote.price.amount,
            ..order.clone()
        };
        let promo = quote.promo;
        self.with_conn(move |conn| {
            open_invoice_for(conn, &discounted, invoice_amount, valid_after, Some(promo))
        })
        .await
    }

    /// The code an order was made with, if any, and what it did.
    pub async fn order_promo(&self, order: OrderId) -> Result<Option<OrderPromo>, Error> {
        self.with_conn(move |conn| order_promo(conn, order)).await
    }

    /// Every code that paid orders used, most used first: uses, revenue and discount per currency.
    pub async fn promo_stats(&self) -> Result<Vec<PromoStats>, Error> {
        self.with_conn(|conn| {
            query_vec(
                conn,
                "SELECT p.code, count(*) AS uses, o.currency, sum(o.amount_minor) AS revenue, \
                 sum(coalesce(o.list_minor, o.amount_minor) - o.amount_minor) AS discount, \
                 sum(o.bonus_days) AS bonus_days \
                 FROM promo_uses u JOIN promo_codes p ON p.id = u.code_id \
                 JOIN orders o ON o.id = u.order_id \
                 GROUP BY p.id, o.currency ORDER BY uses DESC, p.id",
                [],
                |row| {
                    Ok(PromoStats {
                        code: row.get("code")?,
                        uses: u64::try_from(row.get::<_, i64>("uses")?).unwrap_or(0),
                        revenue: money(row, "revenue", "currency")?,
                        discount: money(row, "discount", "currency")?,
                        bonus_days: u64::try_from(row.get::<_, i64>("bonus_days")?).unwrap_or(0),
                    })
                },
            )
        })
        .await
    }
}

/// Why the order's code can no longer be used now that it is being paid, if
/// it has one that cannot: called in the paying transaction, before
/// [`record_use`].
pub(crate) fn refusal_at_payment(
    conn: &Connection,
    order: &Order,
) -> Result<Option<PromoRefusal>, Error> {
    let Some(found) = order_promo(conn, order.id)? else {
        return Ok(None);
    };
    let promo = get_promo(conn, found.promo)?.ok_or(Error::NotFound { what: "promo code" })?;
    Ok(use_refusal(conn, &promo, order.user, Some(order.id))?.err())
}

/// Takes the order's use of its code, if it has one, in the transaction that
/// marks it paid. The database refuses a use beyond the code's limits.
pub(crate) fn record_use(conn: &Connection, order: &Order, now: UnixTime) -> Result<(), Error> {
    conn.prepare_cached(
        "INSERT INTO promo_uses (order_id, code_id, user_id, used_at) \
         SELECT id, promo_code_id, user_id, ?2 FROM orders WHERE id = ?1 AND promo_code_id IS NOT NULL",
    )?
    .execute(params![order.id.0, now.0])?;
    Ok(())
}

/// The price of `plan` at `list` for `user` with `promo`, or why not: every rule.
fn quote(
    conn: &Connection,
    promo: &Promo,
    user: TelegramId,
    plan: PlanId,
    list: Money,
    now: UnixTime,
) -> Result<PromoQuote, Error> {
    let refused = |refusal| Err(Error::PromoRefused(refusal));
    if !promo.enabled {
        return refused(PromoRefusal::Disabled);
    }
    if promo.starts.is_some_and(|it| now < it) {
        return refused(PromoRefusal::NotStarted);
    }
    if promo.ends.is_some_and(|it| now >= it) {
        return refused(PromoRefusal::Expired);
    }
    if !promo.plans.is_empty() && !promo.plans.contains(&plan) {
        return refused(PromoRefusal::NotForPlan);
    }
    let Some(price) = promo.benefit.price(list) else {
        return refused(PromoRefusal::NotForPlan);
    };
    if let Err(refusal) = use_refusal(conn, promo, user, None)? {
        return refused(refusal);
    }
    Ok(PromoQuote {
        promo: promo.id,
        code: promo.code.clone(),
        benefit: promo.benefit,
        price,
    })
}

/// Whether `user` may take one more use of `promo` (`paying`: the order being
/// paid, which does not count as a previous purchase).
fn use_refusal(
    conn: &Connection,
    promo: &Promo,
    user: TelegramId,
    paying: Option<OrderId>,
) -> Result<Result<(), PromoRefusal>, Error> {
    if promo.max_uses.is_some_and(|max| promo.uses >= max) {
        return Ok(Err(PromoRefusal::UsedUp));
    }
    if let Some(per_user) = promo.per_user {
        let used = query_count(
            conn,
            "SELECT count(*) FROM promo_uses WHERE code_id = ?1 AND user_id = ?2",
            params![promo.id.0, user.0],
        )?;
        if used >= u64::from(per_user) {
            return Ok(Err(PromoRefusal::AlreadyUsed));
        }
    }
    // A purchase is a paid order that was not free: an admin's grant is not one.
    let bought_before = promo.first_purchase_only
        && query_exists(
            conn,
            "SELECT 1 FROM orders WHERE user_id = ?1 AND kind <> 'test' \
             AND status IN ('paid', 'provisioned') AND id IS NOT ?2 \
             AND (amount_minor > 0 OR promo_code_id IS NOT NULL)",
            params![user.0, paying.map(|it| it.0)],
        )?;
    if bought_before {
        return Ok(Err(PromoRefusal::FirstPurchaseOnly));
    }
    Ok(Ok(()))
}

/// A [`PromoKey`] that can move into a database closure.
enum OwnedKey {
    Text(Option<String>),
    Id(PromoId),
}

impl OwnedKey {
    fn of(key: PromoKey<'_>) -> Self {
        match key {
            // A text no code can have finds nothing.
            PromoKey::Text(text) => Self::Text(normalize_code(text)),
            PromoKey::Id(id) => Self::Id(id),
        }
    }
}

fn find_promo(conn: &Connection, key: &OwnedKey) -> Result<Option<Promo>, Error> {
    match key {
        OwnedKey::Text(None) => Ok(None),
        OwnedKey::Text(Some(code)) => query_opt(
            conn,
            &format!("SELECT {PROMO_COLUMNS} FROM promo_codes WHERE code = ?1"),
            [code],
            read_promo,
        ),
        OwnedKey::Id(id) => get_promo(conn, *id),
    }
}

fn get_promo(conn: &Connection, id: PromoId) -> Result<Option<Promo>, Error> {
    query_opt(
        conn,
        &format!("SELECT {PROMO_COLUMNS} FROM promo_codes WHERE id = ?1"),
        [id.0],
        read_promo,
    )
}

fn order_promo(conn: &Connection, order: OrderId) -> Result<Option<OrderPromo>, Error> {
    query_opt(
        conn,
        "SELECT o.promo_code_id, p.code, o.list_minor, o.amount_minor, o.currency, o.bonus_days, \
         EXISTS (SELECT 1 FROM promo_uses u WHERE u.order_id = o.id) AS used \
         FROM orders o JOIN promo_codes p ON p.id = o.promo_code_id WHERE o.id = ?1",
        [order.0],
        |row| {
            let amount = money(row, "amount_minor", "currency")?;
            let list = money(row, "list_minor", "currency")?;
            Ok(OrderPromo {
                promo: PromoId(row.get("promo_code_id")?),
                code: row.get("code")?,
                price: PromoPrice {
                    list,
                    amount,
                    bonus_days: to_u32("orders.bonus_days", row.get("bonus_days")?)?,
                },
                used: row.get("used")?,
            })
        },
    )
}

/// Appends the code as it is now to the audit log, in the caller's transaction.
fn audit(
    conn: &Connection,
    actor: Actor,
    action: &str,
    promo: &Promo,
    now: UnixTime,
) -> Result<(), Error> {
    let after = serde_json::json!({
        "id": promo.id.0,
        "code": promo.code,
        "benefit": promo.benefit.to_string(),
        "plans": promo.plans.iter().map(|it| it.0).collect::<Vec<_>>(),
        "starts_at": promo.starts.map(|it| it.0),
        "ends_at": promo.ends.map(|it| it.0),
        "max_uses": promo.max_uses,
        "per_user": promo.per_user,
        "first_purchase_only": promo.first_purchase_only,
        "enabled": promo.enabled,
    });
    conn.prepare_cached(
        "INSERT INTO audit_log (actor, action, after_json, at) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![actor.to_string(), action, after.to_string(), now.0])?;
    Ok(())
}

fn read_promo(row: &Row<'_>) -> Result<Promo, Error> {
    let percent: Option<i64> = row.get("percent")?;
    let fixed: Option<i64> = row.get("fixed_minor")?;
    let days: Option<i64> = row.get("bonus_days")?;
    let decode = |raw: String| Error::Decode {
        column: "promo_codes benefit",
        raw,
    };
    let benefit = match (percent, fixed, days) {
        (Some(percent), None, None) => {
            PromoBenefit::Percent(u8::try_from(percent).map_err(|_| decode(percent.to_string()))?)
        }
        (None, Some(_), None) => PromoBenefit::Fixed(money(row, "fixed_minor", "currency")?),
        (None, None, Some(days)) => {
            PromoBenefit::BonusDays(to_u32("promo_codes.bonus_days", days)?)
        }
        other => return Err(decode(format!("{other:?}"))),
    };
    let plans_text: Option<String> = row.get("plans")?;
    let mut plans = Vec::new();
    for part in plans_text.iter().flat_map(|it| it.split(',')) {
        let id = part.parse::<i64>().map_err(|_| Error::Decode {
            column: "promo_code_plans.plan_id",
            raw: part.to_owned(),
        })?;
        plans.push(PlanId(id));
    }
    plans.sort();
    let actor_text: String = row.get("created_by")?;
    let created_by = Actor::parse(&actor_text).ok_or(Error::Decode {
        column: "promo_codes.created_by",
        raw: actor_text,
    })?;
    let opt_u32 = |column: &'static str| -> Result<Option<u32>, Error> {
        row.get::<_, Option<i64>>(column)?
            .map(|it| to_u32(column, it))
            .transpose()
    };
    Ok(Promo {
        id: PromoId(row.get("id")?),
        code: row.get("code")?,
        benefit,
        plans,
        starts: opt_time(row, "starts_at")?,
        ends: opt_time(row, "ends_at")?,
        max_uses: opt_u32("max_uses")?,
        per_user: opt_u32("per_user")?,
        first_purchase_only: row.get("first_purchase_only")?,
        enabled: row.get("enabled")?,
        uses: to_u32("promo_codes.uses", row.get("uses")?)?,
        created_by,
        created: time(row, "created_at")?,
    })
}
