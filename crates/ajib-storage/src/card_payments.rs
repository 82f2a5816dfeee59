//! Card-to-card payments: a customer's receipt awaiting approval, and the staff's one decision on it.
//!
//! A receipt (a photo's file id or a transaction reference) is `pending`
//! until an admin approves or rejects it, or it expires. Every decision is a
//! single `UPDATE … WHERE state = 'pending'`, so of two admins pressing at
//! once exactly one changes the row; approval credits the order through the
//! ledger's shared path ([`crate::ledger::settle_direct`], key `card:<id>`)
//! in the same transaction, and every decision writes its audit entry there
//! too. The database keeps one pending receipt per order (a unique partial
//! index); the per-user rate limit is counted in the submitting transaction.

use ajib_domain::{Currency, Money, OrderId, OrderStatus, TelegramId, UnixTime};
use rusqlite::{Connection, Row, params};

use crate::{
    Actor, Error, Settlement, Store,
    ledger::settle_direct,
    orders::get_order,
    store::{query_opt, query_vec, time},
};

/// Receipts one customer may send per [`RECEIPT_WINDOW_SECS`].
pub const RECEIPTS_PER_WINDOW: u32 = 3;
/// The window of the receipt rate limit: an hour.
pub const RECEIPT_WINDOW_SECS: i64 = 3600;
/// The longest transaction reference or rejection reason kept, in characters.
pub const MAX_CARD_TEXT_CHARS: usize = 200;

/// A card payment's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CardPaymentId(pub i64);

impl std::fmt::Display for CardPaymentId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl CardPaymentId {
    /// The ledger key its approval credits under: `card:<id>`.
    #[must_use]
    pub fn ledger_key(self) -> String {
        format!("card:{}", self.0)
    }
}

/// Where a card payment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardState {
    /// Waiting for a staff decision.
    Pending,
    /// Approved: the order was credited (and granted if it could be).
    Approved,
    /// Rejected with a reason.
    Rejected,
    /// Nobody decided in time.
    Expired,
}

impl CardState {
    /// The storage spelling.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::Expired => "expired",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        [Self::Pending, Self::Approved, Self::Rejected, Self::Expired]
            .into_iter()
            .find(|it| it.as_str() == text)
    }
}

/// What a customer sent as proof of the transfer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Receipt {
    /// A photo, by its Telegram file id.
    Photo(String),
    /// A transaction reference typed as text.
    Reference(String),
}

/// One card payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardPayment {
    /// Its id.
    pub id: CardPaymentId,
    /// The order it pays.
    pub order: OrderId,
    /// The customer.
    pub user: TelegramId,
    /// What approval credits, in the order's currency.
    pub amount: Money,
    /// What the customer was asked to transfer, in minor units of `local_currency`.
    pub local_minor: i64,
    /// The card's currency code (e.g. `IRT`).
    pub local_currency: String,
    /// The proof.
    pub receipt: Receipt,
    /// Where it stands.
    pub state: CardState,
    /// The staff member who decided, if one did.
    pub decided_by: Option<TelegramId>,
    /// Why it was rejected.
    pub reason: Option<String>,
    /// When it was sent.
    pub created: UnixTime,
    /// When it expires if nobody decides.
    pub expires: UnixTime,
    /// When it was decided (or expired).
    pub decided: Option<UnixTime>,
}

/// A receipt a customer sends for an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCardReceipt {
    /// The order it pays (must be the customer's, and open).
    pub order: OrderId,
    /// The customer.
    pub user: TelegramId,
    /// What the customer was asked to transfer, in minor units of `local_currency`.
    pub local_minor: i64,
    /// The card's currency code.
    pub local_currency: String,
    /// The proof.
    pub receipt: Receipt,
    /// How long staff have to decide, in seconds.
    pub ttl_secs: i64,
}

/// What became of a receipt sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Submitted {
    /// Stored, awaiting approval.
    Pending(CardPayment),
    /// Another receipt for this order already awaits approval; nothing stored.
    AlreadyPending(CardPaymentId),
    /// The customer sent [`RECEIPTS_PER_WINDOW`] receipts in the last hour; nothing stored.
    TooMany,
}

/// What a staff decision did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CardDecision {
    /// This decision was the first: approved (with how the order was settled) or rejected.
    Decided {
        /// The payment as it is now.
        payment: CardPayment,
        /// For an approval, how the credit was settled.
        settlement: Option<Settlement>,
    },
    /// Someone (or the expiry) decided first; nothing changed.
    AlreadyDecided(CardPayment),
}

const COLUMNS: &str = "id, order_id, user_id, amount_minor, currency, local_minor, local_currency, \
     receipt_file_id, reference, state, decided_by, reason, created_at, expires_at, decided_at";

impl Store {
    /// Stores a customer's receipt for an open order of theirs, unless one
    /// already awaits approval for the order or the customer hit the rate limit.
    /// The amount credited on approval is the order's invoice amount.
    pub async fn submit_card_receipt(
        &self,
        receipt: &NewCardReceipt,
        now: UnixTime,
    ) -> Result<Submitted, Error> {
        let receipt = receipt.clone();
        self.with_tx(move |tx| submit(tx, &receipt, now)).await
    }

    /// Approves a pending card payment as `admin`, crediting its order through
    /// the shared payment path in the same transaction; `grantable` as for
    /// [`crate::ConfirmedPayment::grantable`]. The first decision wins.
    pub async fn approve_card_payment(
        &self,
        id: CardPaymentId,
        admin: TelegramId,
        grantable: bool,
        now: UnixTime,
    ) -> Result<CardDecision, Error> {
        self.with_tx(move |tx| {
            if !decide(tx, id, CardState::Approved, admin, None, now)? {
                return Ok(CardDecision::AlreadyDecided(must_get(tx, id)?));
            }
            let payment = must_get(tx, id)?;
            let settlement = settle_direct(tx, payment.order, &id.ledger_key(), grantable, now)?;
            audit(tx, admin, "card_approve", &payment, now)?;
            Ok(CardDecision::Decided {
                payment,
                settlement: Some(settlement),
            })
        })
        .await
    }

    /// Rejects a pending card payment as `admin` with `reason` (kept to
    /// [`MAX_CARD_TEXT_CHARS`]); the first decision wins.
    pub async fn reject_card_payment(
        &self,
        id: CardPaymentId,
        admin: TelegramId,
        reason: &str,
        now: UnixTime,
    ) -> Result<CardDecision, Error> {
        let reason = clip(reason);
        self.with_tx(move |tx| {
            if !decide(tx, id, CardState::Rejected, admin, Some(&reason), now)? {
                return Ok(CardDecision::AlreadyDecided(must_get(tx, id)?));
            }
            let payment = must_get(tx, id)?;
            audit(tx, admin, "card_reject", &payment, now)?;
            Ok(CardDecision::Decided {
                payment,
                settlement: None,
            })
        })
        .await
    }

    /// Marks every pending card payment whose time ran out as expired and
    /// returns them (for the customers' notices).
    pub async fn expire_card_payments(&self, now: UnixTime) -> Result<Vec<CardPayment>, Error> {
        self.with_tx(move |tx| {
            let sql = format!(
                "UPDATE card_payments SET state = 'expired', decided_at = ?1 \
                 WHERE state = 'pending' AND expires_at <= ?1 RETURNING {COLUMNS}"
            );
            query_vec(tx, &sql, [now.0], read_payment)
        })
        .await
    }

    /// One card payment.
    pub async fn card_payment(&self, id: CardPaymentId) -> Result<Option<CardPayment>, Error> {
        self.with_conn(move |conn| get(conn, id)).await
    }

    /// The pending card payments, oldest first, at most `limit`.
    pub async fn pending_card_payments(&self, limit: u32) -> Result<Vec<CardPayment>, Error> {
        self.with_conn(move |conn| {
            let sql = format!(
                "SELECT {COLUMNS} FROM card_payments WHERE state = 'pending' ORDER BY id LIMIT ?1"
            );
            query_vec(conn, &sql, [limit], read_payment)
        })
        .await
    }

    /// The receipt awaiting approval for `order`, if there is one.
    pub async fn pending_card_payment_of(
        &self,
        order: OrderId,
    ) -> Result<Option<CardPayment>, Error> {
        self.with_conn(move |conn| {
            let sql = format!(
                "SELECT {COLUMNS} FROM card_payments WHERE order_id = ?1 AND state = 'pending'"
            );
            query_opt(conn, &sql, [order.0], read_payment)
        })
        .await
    }
}

fn submit(tx: &Connection, new: &NewCardReceipt, now: UnixTime) -> Result<Submitted, Error> {
    let order = get_order(tx, new.order)?.ok_or(Error::NotFound { what: "order" })?;
    if order.user != new.user {
        return Err(Error::NotFound { what: "order" });
    }
    if !matches!(
        order.status,
        OrderStatus::Created | OrderStatus::Invoiced | OrderStatus::Expired
    ) {
        return Err(Error::Conflict {
            what: "the order is no longer open",
        });
    }
    let pending: Option<i64> = query_opt(
        tx,
        "SELECT id FROM card_payments WHERE order_id = ?1 AND state = 'pending'",
        [order.id.0],
        |row| Ok(row.get(0)?),
    )?;
    if let Some(id) = pending {
        return Ok(Submitted::AlreadyPending(CardPaymentId(id)));
    }
    let recent: i64 = tx
        .prepare_cached(
            "SELECT count(*) FROM card_payments WHERE user_id = ?1 AND created_at > ?2",
        )?
        .query_row(params![new.user.0, now.0 - RECEIPT_WINDOW_SECS], |row| {
            row.get(0)
        })?;
    if recent >= i64::from(RECEIPTS_PER_WINDOW) {
        return Ok(Submitted::TooMany);
    }
    if new.local_minor <= 0 || order.invoice_amount.is_zero() {
        return Err(Error::Conflict {
            what: "a card payment of nothing",
        });
    }
    let (file_id, reference) = match &new.receipt {
        Receipt::Photo(file_id) => (Some(file_id.clone()), None),
        Receipt::Reference(text) => (None, Some(clip(text))),
    };
    let sql = format!(
        "INSERT INTO card_payments (order_id, user_id, amount_minor, currency, local_minor, \
         local_currency, receipt_file_id, reference, created_at, expires_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING {COLUMNS}"
    );
    let payment = tx.prepare_cached(&sql)?.query_row(
        params![
            order.id.0,
            new.user.0,
            order.invoice_amount.minor(),
            order.invoice_amount.currency().code(),
            new.local_minor,
            new.local_currency,
            file_id,
            reference,
            now.0,
            now.0.saturating_add(new.ttl_secs),
        ],
        |row| Ok(read_payment(row)),
    )??;
    Ok(Submitted::Pending(payment))
}

/// Moves `id` from pending to `to` as `admin`; false if it was not pending.
fn decide(
    tx: &Connection,
    id: CardPaymentId,
    to: CardState,
    admin: TelegramId,
    reason: Option<&str>,
    now: UnixTime,
) -> Result<bool, Error> {
    let changed = tx
        .prepare_cached(
            "UPDATE card_payments SET state = ?2, decided_by = ?3, reason = ?4, decided_at = ?5 \
             WHERE id = ?1 AND state = 'pending'",
        )?
        .execute(params![id.0, to.as_str(), admin.0, reason, now.0])?;
    Ok(changed == 1)
}

/// The decision's audit entry, written in its transaction.
fn audit(
    tx: &Connection,
    admin: TelegramId,
    action: &str,
    payment: &CardPayment,
    now: UnixTime,
) -> Result<(), Error> {
    let after = serde_json::json!({
        "card_payment": payment.id.0,
        "order": payment.order.0,
        "user": payment.user.0,
        "amount_minor": payment.amount.minor(),
        "currency": payment.amount.currency().code(),
        "reason": payment.reason,
    })
    .to_string();
    tx.prepare_cached(
        "INSERT INTO audit_log (actor, action, before_json, after_json, at) \
         VALUES (?1, ?2, NULL, ?3, ?4)",
    )?
    .execute(params![
        Actor::Admin(admin).to_string(),
        action,
        after,
        now.0
    ])?;
    Ok(())
}

fn get(conn: &Connection, id: CardPaymentId) -> Result<Option<CardPayment>, Error> {
    let sql = format!("SELECT {COLUMNS} FROM card_payments WHERE id = ?1");
    query_opt(conn, &sql, [id.0], read_payment)
}

fn must_get(conn: &Connection, id: CardPaymentId) -> Result<CardPayment, Error> {
    get(conn, id)?.ok_or(Error::NotFound {
        what: "card payment",
    })
}

/// `text` trimmed and cut to [`MAX_CARD_TEXT_CHARS`] characters.
fn clip(text: &str) -> String {
    text.trim().chars().take(MAX_CARD_TEXT_CHARS).collect()
}

fn read_payment(row: &Row<'_>) -> Result<CardPayment, Error> {
    let code: String = row.get("currency")?;
    let currency = Currency::new(&code).map_err(|_| Error::Decode {
        column: "card_payments.currency",
        raw: code,
    })?;
    let minor: i64 = row.get("amount_minor")?;
    let amount = Money::from_minor(minor, currency).map_err(|_| Error::Decode {
        column: "card_payments.amount_minor",
        raw: minor.to_string(),
    })?;
    let state_text: String = row.get("state")?;
    let state = CardState::parse(&state_text).ok_or(Error::Decode {
        column: "card_payments.state",
        raw: state_text,
    })?;
    let file_id: Option<String> = row.get("receipt_file_id")?;
    let reference: Option<String> = row.get("reference")?;
    let receipt = match (file_id, reference) {
        (Some(file_id), _) => Receipt::Photo(file_id),
        (None, Some(reference)) => Receipt::Reference(reference),
        (None, None) => {
            return Err(Error::Decode {
                column: "card_payments.reference",
                raw: String::new(),
            });
        }
    };
    Ok(CardPayment {
        id: CardPaymentId(row.get("id")?),
        order: OrderId(row.get("order_id")?),
        user: TelegramId(row.get("user_id")?),
        amount,
        local_minor: row.get("local_minor")?,
        local_currency: row.get("local_currency")?,
        receipt,
        state,
        decided_by: row.get::<_, Option<i64>>("decided_by")?.map(TelegramId),
        reason: row.get("reason")?,
        created: time(row, "created_at")?,
        expires: time(row, "expires_at")?,
        decided: row.get::<_, Option<i64>>("decided_at")?.map(UnixTime),
    })
}
