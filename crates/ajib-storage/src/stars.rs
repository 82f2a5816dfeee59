//! Telegram Stars: plans' prices in Stars, the Stars invoice of an order,
//! payments by Telegram's charge id, and refunds.
//!
//! A Stars payment goes through the ledger's one crediting path
//! (`ledger::settle_direct`): a `payment` row keyed `stars:<charge id>`
//! credits the order's amount in its own currency and the order is granted
//! in the same transaction, so a `successful_payment` delivered twice
//! changes nothing the second time. A refund is recorded once
//! (`stars_payments.refunded_at`), with its audit row, in one transaction.

use ajib_domain::{Money, OrderId, OrderStatus, ServiceId, TelegramId, UnixTime};
use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::{
    Error, Store,
    admin::Actor,
    ledger::{Settlement, balance, settle_direct},
    orders::{NewOrder, get_order, insert_order},
    store::{query_exists, query_opt, query_vec, time},
};

/// The most Stars Telegram accepts for one invoice.
pub const MAX_STARS: u32 = 10_000;

/// The ledger key prefix of a Stars payment (`stars:<charge id>`).
pub const STARS_KEY_PREFIX: &str = "stars:";

/// A row of `stars_payments`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StarsPaymentId(pub i64);

/// Why a pre-checkout is refused: the order is not payable at that price.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StarsRefusal {
    /// No such order, or no Stars invoice was sent for it.
    Unknown,
    /// The order belongs to someone else.
    NotYours,
    /// Paid already, or closed.
    NotPayable,
    /// The invoice's time ran out.
    Expired,
    /// The amount in Stars is not what the invoice asked.
    PriceChanged,
}

/// A successful Stars payment as Telegram reported it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StarsCharge {
    /// The order (from the invoice payload).
    pub order: OrderId,
    /// Who paid.
    pub user: TelegramId,
    /// Stars paid.
    pub stars: u32,
    /// `telegram_payment_charge_id`, the idempotency key.
    pub charge_id: String,
}

/// A stored Stars payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StarsPayment {
    /// Its row.
    pub id: StarsPaymentId,
    /// Telegram's charge id (what `refundStarPayment` takes).
    pub charge_id: String,
    /// The order it paid for.
    pub order: OrderId,
    /// Who paid.
    pub user: TelegramId,
    /// Stars paid.
    pub stars: u32,
    /// When it arrived.
    pub at: UnixTime,
    /// When it was refunded, if it was.
    pub refunded_at: Option<UnixTime>,
}

/// What recording a refund undid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StarsRefund {
    /// The order had been granted: its service (if provisioned) is disabled and the order noted refunded.
    GrantReversed {
        /// The order.
        order: OrderId,
        /// The service to switch off on its panel too.
        service: Option<ServiceId>,
    },
    /// The payment had stayed on the balance: this much was taken back from it.
    CreditReversed {
        /// What was debited (never more than the balance holds).
        amount: Money,
    },
}

/// A way customers pay, as the statistics split revenue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PayMethod {
    /// A Heleket crypto invoice.
    Heleket,
    /// Telegram Stars.
    Stars,
    /// A card-to-card transfer staff approved.
    Card,
}

impl PayMethod {
    /// Every method, in the order the statistics list them.
    pub const ALL: [Self; 3] = [Self::Heleket, Self::Stars, Self::Card];

    /// The storage spelling.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Heleket => "heleket",
            Self::Stars => "stars",
            Self::Card => "card",
        }
    }
}

const PAYMENT_COLUMNS: &str = "id, charge_id, order_id, user_id, stars, created_at, refunded_at";

impl Store {
    /// The plan's price in Stars as the owner set it, if set.
    pub async fn plan_stars(&self, plan: ajib_domain::PlanId) -> Result<Option<u32>, Error> {
        self.with_conn(move |conn| {
            let stars: Option<Option<i64>> = conn
                .prepare_cached("SELECT price_stars FROM plans WHERE id = ?1")?
                .query_row([plan.0], |row| row.get(0))
                .optional()?;
            let Some(stars) = stars else {
                return Err(Error::NotFound { what: "plan" });
            };
            stars
                .map(|it| stars_value("plans.price_stars", it))
                .transpose()
        })
        .await
    }

    /// Sets (or with `None` clears) the plan's price in Stars, 1..=[`MAX_STARS`].
    pub async fn set_plan_stars(
        &self,
        plan: ajib_domain::PlanId,
        stars: Option<u32>,
        now: UnixTime,
    ) -> Result<(), Error> {
        if stars.is_some_and(|it| it == 0 || it > MAX_STARS) {
            return Err(Error::Conflict {
                what: "a price in Stars must be 1 to 10000",
            });
        }
        self.with_conn(move |conn| {
            let n = conn
                .prepare_cached("UPDATE plans SET price_stars = ?2, updated_at = ?3 WHERE id = ?1")?
                .execute(params![plan.0, stars, now.0])?;
            crate::store::one_row("plan", n)
        })
        .await
    }

    /// Stores `order` (paid in full by Stars, never partly from the balance)
    /// with its Stars invoice of `stars`, payable until `expires`, in one transaction.
    pub async fn create_stars_order(
        &self,
        order: &NewOrder,
        stars: u32,
        expires: UnixTime,
        now: UnixTime,
    ) -> Result<ajib_domain::Order, Error> {
        if stars == 0 || stars > MAX_STARS {
            return Err(Error::Conflict {
                what: "a price in Stars must be 1 to 10000",
            });
        }
        let order = order.clone();
        self.with_tx(move |tx| {
            let created = insert_order(tx, &order, now)?;
            tx.prepare_cached(
                "INSERT INTO stars_invoices (order_id, stars, expires_at, created_at) \
                 VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![created.id.0, stars, expires.0, now.0])?;
            Ok(created)
        })
        .await
    }

    /// Whether `user` may pay `order` now with `stars` (the pre-checkout
    /// question); `None` when it may.
    pub async fn stars_checkout(
        &self,
        order: OrderId,
        user: TelegramId,
        stars: u32,
        now: UnixTime,
    ) -> Result<Option<StarsRefusal>, Error> {
        self.with_conn(move |conn| checkout_refusal(conn, order, user, stars, now))
            .await
    }

    /// Records a successful Stars payment and settles it through the ledger,
    /// exactly once by its charge id; `grantable` as for
    /// [`crate::ConfirmedPayment::grantable`]. A second call with the same
    /// charge returns [`Settlement::AlreadySettled`] and changes nothing.
    pub async fn settle_stars(
        &self,
        charge: &StarsCharge,
        grantable: bool,
        now: UnixTime,
    ) -> Result<Settlement, Error> {
        let charge = charge.clone();
        self.with_tx(move |tx| {
            let order = get_order(tx, charge.order)?.ok_or(Error::NotFound { what: "order" })?;
            if order.user != charge.user {
                return Err(Error::Conflict {
                    what: "a Stars payment by someone else than the order's customer",
                });
            }
            let asked = invoice_stars(tx, order.id)?;
            tx.prepare_cached(
                "INSERT INTO stars_payments (charge_id, order_id, user_id, stars, created_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (charge_id) DO NOTHING",
            )?
            .execute(params![
                charge.charge_id,
                order.id.0,
                charge.user.0,
                charge.stars,
                now.0
            ])?;
            // Paid at another price than asked: the money stays on the balance.
            let price_ok = asked == Some(charge.stars);
            let key = format!("{STARS_KEY_PREFIX}{}", charge.charge_id);
            settle_direct(tx, order.id, &key, grantable && price_ok, now)
        })
        .await
    }

    /// What each way of paying has brought in, all time, per currency
    /// (the ledger's `payment` rows by key prefix, kept by a trigger).
    pub async fn revenue_by_method(&self) -> Result<Vec<(PayMethod, Money)>, Error> {
        self.with_conn(|conn| {
            let rows = query_vec(
                conn,
                "SELECT method, currency, amount_minor FROM payment_method_totals \
                 WHERE amount_minor <> 0 ORDER BY method, currency",
                [],
                |row| {
                    let method: String = row.get("method")?;
                    let money = crate::store::money(row, "amount_minor", "currency")?;
                    Ok((method, money))
                },
            )?;
            rows.into_iter()
                .map(|(method, money)| {
                    let found = PayMethod::ALL.into_iter().find(|it| it.as_str() == method);
                    found.map(|it| (it, money)).ok_or(Error::Decode {
                        column: "payment_method_totals.method",
                        raw: method,
                    })
                })
                .collect()
        })
        .await
    }

    /// The user's Stars payments, newest first.
    pub async fn stars_payments_of(
        &self,
        user: TelegramId,
        limit: u32,
    ) -> Result<Vec<StarsPayment>, Error> {
        self.with_conn(move |conn| {
            let sql = format!(
                "SELECT {PAYMENT_COLUMNS} FROM stars_payments WHERE user_id = ?1 ORDER BY id DESC LIMIT ?2"
            );
            query_vec(conn, &sql, params![user.0, limit], read_payment)
        })
        .await
    }

    /// One Stars payment.
    pub async fn get_stars_payment(
        &self,
        id: StarsPaymentId,
    ) -> Result<Option<StarsPayment>, Error> {
        self.with_conn(move |conn| payment(conn, id)).await
    }

    /// Records that Telegram refunded payment `id`, as `admin` asked: the
    /// grant or the balance credit is reversed and the refund audited, in one
    /// transaction, once. `None` if it was refunded before.
    ///
    /// A granted order whose account is not made yet is refused
    /// ([`Error::Conflict`]): ask again once it is provisioned.
    pub async fn record_stars_refund(
        &self,
        id: StarsPaymentId,
        admin: TelegramId,
        now: UnixTime,
    ) -> Result<Option<StarsRefund>, Error> {
        self.with_tx(move |tx| {
            let found = payment(tx, id)?.ok_or(Error::NotFound {
                what: "Stars payment",
            })?;
            if found.refunded_at.is_some() {
                return Ok(None);
            }
            let refund = reverse(tx, &found, admin, now)?;
            tx.prepare_cached(
                "UPDATE stars_payments SET refunded_at = ?2, refunded_by = ?3 \
                 WHERE id = ?1 AND refunded_at IS NULL",
            )?
            .execute(params![id.0, now.0, admin.0])?;
            let after = serde_json::json!({
                "charge_id": found.charge_id,
                "order": found.order.0,
                "user": found.user.0,
                "stars": found.stars,
                "reversed": match refund {
                    StarsRefund::GrantReversed { .. } => "grant",
                    StarsRefund::CreditReversed { .. } => "credit",
                },
            })
            .to_string();
            tx.prepare_cached(
                "INSERT INTO audit_log (actor, action, before_json, after_json, at) \
                 VALUES (?1, 'stars.refund', NULL, ?2, ?3)",
            )?
            .execute(params![Actor::Admin(admin).to_string(), after, now.0])?;
            Ok(Some(refund))
        })
        .await
    }

    /// Whether payment `id` can be refunded now without breaking anything:
    /// not refunded yet, and either granted with its account made, or still
    /// whole on the balance. Asked before Telegram is asked to refund.
    pub async fn stars_refund_blocker(
        &self,
        id: StarsPaymentId,
    ) -> Result<Option<&'static str>, Error> {
        self.with_conn(move |conn| {
            let found = payment(conn, id)?.ok_or(Error::NotFound {
                what: "Stars payment",
            })?;
            if found.refunded_at.is_some() {
                return Ok(Some("already refunded"));
            }
            let order = get_order(conn, found.order)?.ok_or(Error::NotFound { what: "order" })?;
            if was_granted(conn, order.id)? {
                return Ok((order.status != OrderStatus::Provisioned)
                    .then_some("its account is not made yet"));
            }
            let on_balance = balance(conn, order.user, order.amount.currency())?;
            Ok((on_balance.minor() < order.invoice_amount.minor())
                .then_some("the customer has spent the credit"))
        })
        .await
    }
}

/// The pre-checkout rules: the order exists, is the user's, is unpaid, its
/// Stars invoice has not expired and asks exactly `stars`.
fn checkout_refusal(
    conn: &Connection,
    id: OrderId,
    user: TelegramId,
    stars: u32,
    now: UnixTime,
) -> Result<Option<StarsRefusal>, Error> {
    let Some(order) = get_order(conn, id)? else {
        return Ok(Some(StarsRefusal::Unknown));
    };
    let invoice: Option<(i64, i64)> = conn
        .prepare_cached("SELECT stars, expires_at FROM stars_invoices WHERE order_id = ?1")?
        .query_row([id.0], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?;
    let Some((asked, expires)) = invoice else {
        return Ok(Some(StarsRefusal::Unknown));
    };
    if order.user != user {
        return Ok(Some(StarsRefusal::NotYours));
    }
    if order.status != OrderStatus::Created {
        return Ok(Some(StarsRefusal::NotPayable));
    }
    if now.0 >= expires {
        return Ok(Some(StarsRefusal::Expired));
    }
    if asked != i64::from(stars) {
        return Ok(Some(StarsRefusal::PriceChanged));
    }
    Ok(None)
}

/// Undoes what payment `found` did: the grant (service disabled, order
/// noted) or the credit (a `refund` row).
fn reverse(
    tx: &Connection,
    found: &StarsPayment,
    admin: TelegramId,
    now: UnixTime,
) -> Result<StarsRefund, Error> {
    let order = get_order(tx, found.order)?.ok_or(Error::NotFound { what: "order" })?;
    tx.prepare_cached(
        "UPDATE orders SET updated_at = ?3, note = coalesce(note || '; ', '') || \
         'Stars payment refunded by ' || ?2 WHERE id = ?1",
    )?
    .execute(params![order.id.0, admin.0, now.0])?;
    if was_granted(tx, order.id)? {
        if order.status != OrderStatus::Provisioned {
            return Err(Error::Conflict {
                what: "the order's account is not made yet",
            });
        }
        if let Some(service) = order.service {
            tx.prepare_cached("UPDATE services SET status = 'disabled' WHERE id = ?1")?
                .execute([service.0])?;
        }
        return Ok(StarsRefund::GrantReversed {
            order: order.id,
            service: order.service,
        });
    }
    // The ledger never goes negative: what was spent stays spent.
    let currency = order.amount.currency();
    let on_balance = balance(tx, order.user, currency)?;
    let taken = order.invoice_amount.minor().min(on_balance.minor());
    if taken > 0 {
        tx.prepare_cached(
            "INSERT INTO ledger (user_id, currency, amount_minor, cause, order_id, actor_id, \
             note, created_at) VALUES (?1, ?2, ?3, 'refund', ?4, ?5, ?6, ?7)",
        )?
        .execute(params![
            order.user.0,
            currency.code(),
            -taken,
            order.id.0,
            admin.0,
            format!("Stars payment {} refunded", found.charge_id),
            now.0
        ])?;
    }
    let amount = Money::from_minor(taken, currency).map_err(|_| Error::Conflict {
        what: "negative refund",
    })?;
    Ok(StarsRefund::CreditReversed { amount })
}

/// Whether the order was bought (a `purchase` row), not just credited.
fn was_granted(conn: &Connection, order: OrderId) -> Result<bool, Error> {
    query_exists(
        conn,
        "SELECT 1 FROM ledger WHERE order_id = ?1 AND cause = 'purchase'",
        [order.0],
    )
}

fn invoice_stars(conn: &Connection, order: OrderId) -> Result<Option<u32>, Error> {
    let stars: Option<i64> = conn
        .prepare_cached("SELECT stars FROM stars_invoices WHERE order_id = ?1")?
        .query_row([order.0], |row| row.get(0))
        .optional()?;
    stars
        .map(|it| stars_value("stars_invoices.stars", it))
        .transpose()
}

fn payment(conn: &Connection, id: StarsPaymentId) -> Result<Option<StarsPayment>, Error> {
    let sql = format!("SELECT {PAYMENT_COLUMNS} FROM stars_payments WHERE id = ?1");
    query_opt(conn, &sql, [id.0], read_payment)
}

fn read_payment(row: &Row<'_>) -> Result<StarsPayment, Error> {
    Ok(StarsPayment {
        id: StarsPaymentId(row.get("id")?),
        charge_id: row.get("charge_id")?,
        order: OrderId(row.get("order_id")?),
        user: TelegramId(row.get("user_id")?),
        stars: stars_value("stars_payments.stars", row.get("stars")?)?,
        at: time(row, "created_at")?,
        refunded_at: row.get::<_, Option<i64>>("refunded_at")?.map(UnixTime),
    })
}

fn stars_value(column: &'static str, raw: i64) -> Result<u32, Error> {
    u32::try_from(raw).map_err(|_| Error::Decode {
        column,
        raw: raw.to_string(),
    })
}
