//! The balance ledger: every movement of a user's money, and settling invoice payments into it.
//!
//! The balance is the sum of a user's rows in one currency. Rows are only
//! ever added (triggers refuse updates, deletes and a negative balance), and
//! unique indexes make a paid invoice credit once and an order debit once, so
//! every function here is safe to call again with the same arguments.

use ajib_domain::{Currency, JobId, Money, Order, OrderId, OrderStatus, TelegramId, UnixTime};
use rusqlite::{Connection, Row, params};

use crate::{
    Error, Store,
    mail::{MailBody, NewMail, insert_mail, payment_mail},
    orders::{enqueue_provisioning, get_order, set_paid},
    promos,
    store::{query_exists, query_vec, time},
};

/// Why a ledger row exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LedgerCause {
    /// Money received for an invoice (credit).
    Payment,
    /// A plan bought with the balance (debit).
    Purchase,
    /// Money given back.
    Refund,
    /// An admin's correction, with a reason.
    Adjustment,
    /// A referral or promotion reward.
    Reward,
}

impl LedgerCause {
    /// The storage spelling.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Payment => "payment",
            Self::Purchase => "purchase",
            Self::Refund => "refund",
            Self::Adjustment => "adjustment",
            Self::Reward => "reward",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        [
            Self::Payment,
            Self::Purchase,
            Self::Refund,
            Self::Adjustment,
            Self::Reward,
        ]
        .into_iter()
        .find(|it| it.as_str() == text)
    }
}

/// One row of a user's ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerEntry {
    /// Row id, in order of writing.
    pub id: i64,
    /// Whose money.
    pub user: TelegramId,
    /// The currency of `delta_minor`.
    pub currency: Currency,
    /// Minor units added (positive) or taken (negative).
    pub delta_minor: i64,
    /// Why.
    pub cause: LedgerCause,
    /// The order it is for, if any.
    pub order: Option<OrderId>,
    /// The invoice paid, for a payment.
    pub invoice_uuid: Option<String>,
    /// The admin who made an adjustment.
    pub actor: Option<TelegramId>,
    /// Free text: an adjustment's reason.
    pub note: Option<String>,
    /// When it was written.
    pub at: UnixTime,
}

/// How a confirmed invoice payment was settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settlement {
    /// The order is paid and its provisioning queued; what was paid beyond
    /// the price (if anything) stayed on the balance.
    Granted {
        /// The provisioning job.
        job: JobId,
        /// Paid beyond the price, now on the balance (zero if exact).
        excess: Money,
    },
    /// The order could not be granted (closed, already paid another way, or
    /// its plan is no longer sold at that price, or too little arrived): all
    /// that was received is on the balance.
    Credited {
        /// What was credited.
        amount: Money,
    },
    /// This invoice was settled before; nothing changed.
    AlreadySettled,
}

/// A payment Heleket confirmed for an invoice we issued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfirmedPayment {
    /// The order the invoice is for.
    pub order: OrderId,
    /// The invoice.
    pub invoice_uuid: String,
    /// What arrived, in the order's currency.
    pub received: Money,
    /// Whether the order may still be granted: its plan is on sale at the
    /// order's price (decided by the caller, who knows the catalogue).
    pub grantable: bool,
}

/// The largest single adjustment, in minor units (a hundred million of a two-decimal currency).
pub const MAX_ADJUSTMENT_MINOR: u64 = 10_000_000_000;

const LEDGER_COLUMNS: &str = "id, user_id, currency, amount_minor, cause, order_id, invoice_uuid, actor_id, note, created_at";

impl Store {
    /// The user's balance in `currency`.
    pub async fn balance(&self, user: TelegramId, currency: Currency) -> Result<Money, Error> {
        self.with_conn(move |conn| balance(conn, user, currency))
            .await
    }

    /// The user's balance in minor units, below zero for an agent using credit.
    pub async fn signed_balance(&self, user: TelegramId, currency: Currency) -> Result<i64, Error> {
        self.with_conn(move |conn| signed_balance(conn, user, currency))
            .await
    }

    /// What the user may spend, in minor units: the balance plus an agent's credit limit.
    pub async fn spendable(&self, user: TelegramId, currency: Currency) -> Result<i64, Error> {
        self.with_conn(move |conn| spendable(conn, user, currency))
            .await
    }

    /// The user's newest ledger rows, newest first.
    pub async fn ledger_of(&self, user: TelegramId, limit: u32) -> Result<Vec<LedgerEntry>, Error> {
        self.with_conn(move |conn| {
            let sql = format!(
                "SELECT {LEDGER_COLUMNS} FROM ledger WHERE user_id = ?1 ORDER BY id DESC LIMIT ?2"
            );
            query_vec(conn, &sql, params![user.0, limit], read_entry)
        })
        .await
    }

    /// Every row of the ledger for one invoice or order (for checks and support).
    pub async fn ledger_for_order(&self, order: OrderId) -> Result<Vec<LedgerEntry>, Error> {
        self.with_conn(move |conn| {
            let sql =
                format!("SELECT {LEDGER_COLUMNS} FROM ledger WHERE order_id = ?1 ORDER BY id");
            query_vec(conn, &sql, params![order.0], read_entry)
        })
        .await
    }

    /// The sum of all balances per currency: what the shop owes its users.
    pub async fn balances_owed(&self) -> Result<Vec<Money>, Error> {
        self.with_conn(|conn| {
            // The ledger's sum per currency, kept by a trigger as rows arrive
            // (migration 0010): summing millions of rows here took too long.
            query_vec(
                conn,
                "SELECT currency, amount_minor FROM ledger_totals WHERE amount_minor <> 0 ORDER BY currency",
                [],
                |row| crate::store::money(row, "amount_minor", "currency"),
            )
        })
        .await
    }

    /// Adds `delta_minor` (negative takes) to the user's balance with a
    /// reason, as `actor`; refuses to take more than the balance (and an
    /// agent's credit) holds. Returns the new balance in minor units (below
    /// zero only for an agent using credit).
    pub async fn adjust_balance(
        &self,
        user: TelegramId,
        currency: Currency,
        delta_minor: i64,
        actor: TelegramId,
        reason: &str,
        now: UnixTime,
    ) -> Result<i64, Error> {
        if delta_minor == 0 {
            return Err(Error::Conflict {
                what: "an adjustment of zero changes nothing",
            });
        }
        // A typo's worth of digits must not overflow the ledger's sums for good.
        if delta_minor.unsigned_abs() > MAX_ADJUSTMENT_MINOR {
            return Err(Error::Conflict {
                what: "an adjustment that large is surely a mistake",
            });
        }
        let reason = reason.to_owned();
        self.with_tx(move |tx| {
            // An agent's credit counts, as the ledger's trigger allows it.
            if delta_minor < 0 && spendable(tx, user, currency)? < -delta_minor {
                return Err(Error::InsufficientBalance {
                    user,
                    balance: balance(tx, user, currency)?,
                });
            }
            tx.prepare_cached(
                "INSERT INTO ledger (user_id, currency, amount_minor, cause, \
                    actor_id, note, created_at) VALUES (?1, ?2, ?3, \
                    'adjustment', ?4, ?5, ?6)",
            )?
            .execute(params![
                user.0,
                currency.code(),
                delta_minor,
                actor.0,
                reason,
                now.0
            ])?;
            signed_balance(tx, user, currency)
        })
        .await
    }

    /// The user's orders whose invoice Heleket reported paid (in full or
    /// not) but that never reached the ledger — a mismatch the owners were
    /// alerted of — and that nobody has marked refunded yet.
    pub async fn uncredited_payments(&self, user: TelegramId) -> Result<Vec<OrderId>, Error> {
        self.with_conn(move |conn| {
            query_vec(
                conn,
                "SELECT o.id FROM orders o WHERE o.user_id = ?1 AND o.status = 'failed' \
                 AND coalesce(o.note, '') NOT LIKE '%refunded outside the bot%' \
                 AND EXISTS (SELECT 1 FROM payments p WHERE p.order_id = o.id \
                             AND p.status IN ('paid', 'paid_over', 'wrong_amount')) \
                 AND NOT EXISTS (SELECT 1 FROM ledger l WHERE l.order_id = o.id AND l.cause = 'payment') \
                 ORDER BY o.id",
                [user.0],
                |row| Ok(OrderId(row.get(0)?)),
            )
        })
        .await
    }

    /// Records that the money of an uncredited payment was given back outside
    /// the bot, by `admin`; false if the order is not (or no longer) one of
    /// [`Store::uncredited_payments`].
    pub async fn mark_refunded(
        &self,
        order: OrderId,
        admin: TelegramId,
        now: UnixTime,
    ) -> Result<bool, Error> {
        self.with_conn(move |conn| {
            let n = conn
                .prepare_cached(
                    "UPDATE orders SET updated_at = ?3, note = coalesce(note || \
                    '; ', '') || 'refunded outside the bot by ' || ?2 WHERE id = \
                    ?1 AND status = 'failed' AND coalesce(note, '') NOT LIKE \
                    '%refunded outside the bot%' AND EXISTS (SELECT 1 FROM \
                    payments p WHERE p.order_id = orders.id AND p.status IN \
                    ('paid', 'paid_over', 'wrong_amount')) AND NOT EXISTS \
                    (SELECT 1 FROM ledger l WHERE l.order_id = orders.id AND \
                    l.cause = 'payment')",
                )?
                .execute(params![order.0, admin.0, now.0])?;
            Ok(n == 1)
        })
        .await
    }

    /// Settles a confirmed `paid`/`paid_over` (or a final underpayment, with
    /// `received` below the price) for an invoice we issued, exactly once.
    ///
    /// In one transaction: the amount received is credited; if the order is
    /// still open or expired, `grantable`, and the amount covers the price,
    /// the price is debited, the order marked paid and its provisioning
    /// queued. Otherwise the money stays on the balance (an open order is
    /// closed as failed, or as underpaid when too little arrived).
    pub async fn settle_payment(
        &self,
        payment: &ConfirmedPayment,
        now: UnixTime,
    ) -> Result<Settlement, Error> {
        let payment = payment.clone();
        self.with_tx(move |tx| settle(tx, &payment, now)).await
    }

    /// Pays an order that has not been paid yet from the user's balance:
    /// debit, paid, provisioning queued, in one transaction. Refuses with
    /// [`Error::InsufficientBalance`] when the balance does not cover it.
    /// An open invoice of the order, if paid later, lands on the balance.
    pub async fn pay_from_balance(&self, id: OrderId, now: UnixTime) -> Result<JobId, Error> {
        self.with_tx(move |tx| {
            let order = get_order(tx, id)?.ok_or(Error::NotFound { what: "order" })?;
            if !matches!(
                order.status,
                OrderStatus::Created | OrderStatus::Invoiced | OrderStatus::Expired
            ) {
                return Err(Error::Conflict {
                    what: "the order is no longer open",
                });
            }
            if let Some(refusal) = promos::refusal_at_payment(tx, &order)? {
                return Err(Error::PromoRefused(refusal));
            }
            if spendable(tx, order.user, order.amount.currency())? < order.amount.minor() {
                return Err(Error::InsufficientBalance {
                    user: order.user,
                    balance: balance(tx, order.user, order.amount.currency())?,
                });
            }
            buy_from_balance(tx, &order, now)
        })
        .await
    }
}

pub(crate) fn settle(
    tx: &Connection,
    payment: &ConfirmedPayment,
    now: UnixTime,
) -> Result<Settlement, Error> {
    let order = get_order(tx, payment.order)?.ok_or(Error::NotFound { what: "order" })?;
    if order
        .invoice
        .as_ref()
        .is_none_or(|it| it.uuid != payment.invoice_uuid)
    {
        return Err(Error::InvoiceMismatch {
            order: order.id,
            invoice_uuid: payment.invoice_uuid.clone(),
        });
    }
    if payment.received.currency() != order.amount.currency() {
        return Err(Error::Conflict {
            what: "a payment in another currency than its order",
        });
    }
    settle_once(tx, &order, payment, now)
}

/// Settles a payment confirmed by another way than a Heleket invoice (Telegram
/// Stars, a card transfer staff approved) for `order`, exactly once by `key`
/// (`stars:<charge id>`, `card:<payment id>`): the order's invoice amount is
/// credited as a `payment` row keyed by `key`, then the order is granted if
/// it still can be — the same path, and the same notices, as [`settle`].
pub(crate) fn settle_direct(
    tx: &Connection,
    order: OrderId,
    key: &str,
    grantable: bool,
    now: UnixTime,
) -> Result<Settlement, Error> {
    let order = get_order(tx, order)?.ok_or(Error::NotFound { what: "order" })?;
    let payment = ConfirmedPayment {
        order: order.id,
        invoice_uuid: key.to_owned(),
        received: order.invoice_amount,
        grantable,
    };
    settle_once(tx, &order, &payment, now)
}

/// Credits `payment` and grants `order` unless a `payment` row with its key exists.
fn settle_once(
    tx: &Connection,
    order: &Order,
    payment: &ConfirmedPayment,
    now: UnixTime,
) -> Result<Settlement, Error> {
    let settled = query_exists(
        tx,
        "SELECT 1 FROM ledger WHERE invoice_uuid = ?1 AND cause = 'payment'",
        [&payment.invoice_uuid],
    )?;
    if settled {
        return Ok(Settlement::AlreadySettled);
    }
    let res = settle_new(tx, order, payment, now)?;
    // The customer's notice (and the staff's) is queued with the money, so a
    // crash right after cannot lose it.
    let balance = balance(tx, order.user, order.amount.currency())?;
    let mut mail = payment_mail(order.user, order.id, res, balance, order.invoice_amount);
    // A sale in an agent's bot is told to the bot's customer, in that bot.
    if let Some(sale) = crate::agents::bot_sale_of(tx, order.id)? {
        for it in mail.iter_mut().filter(|it| it.chat.is_some()) {
            it.chat = Some(sale.customer.0);
            it.bot = Some(sale.agent);
        }
    }
    insert_mail(tx, &mail, now)?;
    Ok(res)
}

/// Settles a payment not seen before.
fn settle_new(
    tx: &Connection,
    order: &Order,
    payment: &ConfirmedPayment,
    now: UnixTime,
) -> Result<Settlement, Error> {
    tx.prepare_cached("UPDATE orders SET next_poll_at = NULL WHERE id = ?1")?
        .execute([order.id.0])?;
    if payment.received.is_zero() {
        close_unpaid(tx, order, OrderStatus::Underpaid, now)?;
        return Ok(Settlement::Credited {
            amount: payment.received,
        });
    }
    tx.prepare_cached(
        "INSERT INTO ledger (user_id, currency, amount_minor, cause, \
                    order_id, invoice_uuid, created_at) VALUES (?1, ?2, ?3, \
                    'payment', ?4, ?5, ?6)",
    )?
    .execute(params![
        order.user.0,
        order.amount.currency().code(),
        payment.received.minor(),
        order.id.0,
        payment.invoice_uuid,
        now.0
    ])?;
    // An order paid another way than by invoice (Stars, card) is still `created`.
    let open = matches!(
        order.status,
        OrderStatus::Created | OrderStatus::Invoiced | OrderStatus::Expired
    );
    // A code that ran out since the order was made leaves the money on the balance.
    let promo_ok = promos::refusal_at_payment(tx, order)?.is_none();
    // The invoice may ask for only part of the price: the balance pays the rest
    // if it still holds it now that the payment is on it.
    let covers = payment.received.minor() >= order.invoice_amount.minor()
        && spendable(tx, order.user, order.amount.currency())? >= order.amount.minor();
    if open && payment.grantable && covers && promo_ok {
        let job = buy(tx, order, now)?;
        let excess = Money::from_minor(
            payment.received.minor() - order.invoice_amount.minor(),
            order.amount.currency(),
        )
        .map_err(|_| Error::Conflict {
            what: "negative excess",
        })?;
        return Ok(Settlement::Granted { job, excess });
    }
    let closed_as = match covers {
        true => OrderStatus::Failed,
        false => OrderStatus::Underpaid,
    };
    close_unpaid(tx, order, closed_as, now)?;
    Ok(Settlement::Credited {
        amount: payment.received,
    })
}

/// Buys `order` with the balance: [`buy`], and the staff's "new purchase"
/// notice queued in the same transaction.
pub(crate) fn buy_from_balance(
    tx: &Connection,
    order: &Order,
    now: UnixTime,
) -> Result<JobId, Error> {
    let job = buy(tx, order, now)?;
    let settlement = Settlement::Granted {
        job,
        excess: Money::zero(order.amount.currency()),
    };
    let notice = NewMail {
        bot: None,
        chat: None,
        body: MailBody::StaffPayment {
            order: order.id,
            settlement,
            balance: balance(tx, order.user, order.amount.currency())?,
        },
    };
    insert_mail(tx, &[notice], now)?;
    Ok(job)
}

/// Debits the order's price, marks it paid and queues its provisioning.
pub(crate) fn buy(tx: &Connection, order: &Order, now: UnixTime) -> Result<JobId, Error> {
    if order.amount.minor() > 0 {
        tx.prepare_cached(
            "INSERT INTO ledger (user_id, currency, amount_minor, cause, order_id, created_at) \
             VALUES (?1, ?2, ?3, 'purchase', ?4, ?5)",
        )?
        .execute(params![
            order.user.0,
            order.amount.currency().code(),
            -order.amount.minor(),
            order.id.0,
            now.0
        ])?;
    }
    let paid = set_paid(tx, order, now)?;
    // A promo code's use is taken with the payment, or not at all.
    promos::record_use(tx, order, now)?;
    // A referral reward is paid with the purchase that earns it, or not at all.
    crate::referrals::reward_purchase(tx, order, now)?;
    enqueue_provisioning(tx, &paid, now)
}

/// An open (or expired) order whose invoice paid out to the balance is closed, and says why.
fn close_unpaid(
    tx: &Connection,
    order: &Order,
    to: OrderStatus,
    now: UnixTime,
) -> Result<(), Error> {
    tx.prepare_cached(
        "UPDATE orders SET status = ?2, updated_at = ?3, next_poll_at = NULL, \
         note = coalesce(note || '; ', '') || 'paid to the balance' \
         WHERE id = ?1 AND status IN ('created', 'invoiced', 'expired')",
    )?
    .execute(params![order.id.0, to.as_str(), now.0])?;
    Ok(())
}

/// What the user's balance holds, or zero when an agent's is below zero (see [`signed_balance`]).
pub(crate) fn balance(
    conn: &Connection,
    user: TelegramId,
    currency: Currency,
) -> Result<Money, Error> {
    let minor = signed_balance(conn, user, currency)?.max(0);
    Money::from_minor(minor, currency).map_err(|_| Error::Decode {
        column: "ledger.amount_minor",
        raw: minor.to_string(),
    })
}

/// The sum of the user's ledger rows: below zero only for an agent using credit.
pub(crate) fn signed_balance(
    conn: &Connection,
    user: TelegramId,
    currency: Currency,
) -> Result<i64, Error> {
    Ok(conn
        .prepare_cached(
            "SELECT coalesce(sum(amount_minor), 0) FROM ledger WHERE \
                    user_id = ?1 AND currency = ?2",
        )?
        .query_row(params![user.0, currency.code()], |row| row.get(0))?)
}

/// What the user may spend: the balance plus an agent's credit limit.
pub(crate) fn spendable(
    conn: &Connection,
    user: TelegramId,
    currency: Currency,
) -> Result<i64, Error> {
    let limit: i64 = conn
        .prepare_cached(
            "SELECT coalesce((SELECT credit_limit_minor FROM agents WHERE user_id = ?1), 0)",
        )?
        .query_row([user.0], |row| row.get(0))?;
    Ok(signed_balance(conn, user, currency)? + limit)
}

fn read_entry(row: &Row<'_>) -> Result<LedgerEntry, Error> {
    let code: String = row.get("currency")?;
    let currency = Currency::new(&code).map_err(|_| Error::Decode {
        column: "ledger.currency",
        raw: code,
    })?;
    let cause_text: String = row.get("cause")?;
    let cause = LedgerCause::parse(&cause_text).ok_or(Error::Decode {
        column: "ledger.cause",
        raw: cause_text,
    })?;
    Ok(LedgerEntry {
        id: row.get("id")?,
        user: TelegramId(row.get("user_id")?),
        currency,
        delta_minor: row.get("amount_minor")?,
        cause,
        order: row.get::<_, Option<i64>>("order_id")?.map(OrderId),
        invoice_uuid: row.get("invoice_uuid")?,
        actor: row.get::<_, Option<i64>>("actor_id")?.map(TelegramId),
        note: row.get("note")?,
        at: time(row, "created_at")?,
    })
}
