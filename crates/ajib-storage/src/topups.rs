//! Balance top-ups: an invoice whose money goes to the balance, credited once.

use ajib_domain::{Invoice, Money, TelegramId, TopupId, UnixTime};
use rusqlite::{Connection, Row, params};

use crate::{
    Error, Store,
    ledger::balance,
    mail::{MailBody, NewMail, insert_mail},
    store::{money, opt_time, query_exists, query_opt, query_vec, time},
};

/// Where a top-up is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopupStatus {
    /// Stored, no invoice yet.
    Created,
    /// Its invoice is out.
    Invoiced,
    /// Credited to the balance.
    Paid,
    /// The invoice ran out unpaid (a late payment is still credited).
    Expired,
    /// The invoice failed or was never made.
    Failed,
}

impl TopupStatus {
    /// The storage spelling.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Invoiced => "invoiced",
            Self::Paid => "paid",
            Self::Expired => "expired",
            Self::Failed => "failed",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        [
            Self::Created,
            Self::Invoiced,
            Self::Paid,
            Self::Expired,
            Self::Failed,
        ]
        .into_iter()
        .find(|it| it.as_str() == text)
    }
}

/// A top-up of a user's balance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topup {
    /// Its id; [`TopupId::invoice_ref`] is the Heleket `order_id`.
    pub id: TopupId,
    /// Whose balance.
    pub user: TelegramId,
    /// The amount asked.
    pub amount: Money,
    /// Where it is.
    pub status: TopupStatus,
    /// The invoice, once made.
    pub invoice: Option<Invoice>,
    /// When the poller should next ask Heleket about it.
    pub next_poll_at: Option<UnixTime>,
    /// When it was created.
    pub created: UnixTime,
}

/// What settling a top-up's payment did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopupSettlement {
    /// This call credited the amount.
    Credited(Money),
    /// Settled before; nothing changed.
    AlreadySettled,
}

const TOPUP_COLUMNS: &str = "id, user_id, amount_minor, currency, status, invoice_uuid, invoice_url, \
     invoice_expires_at, next_poll_at, created_at";

impl Store {
    /// Stores a new top-up of `amount` for `user`.
    pub async fn create_topup(
        &self,
        user: TelegramId,
        amount: Money,
        now: UnixTime,
    ) -> Result<Topup, Error> {
        if amount.is_zero() {
            return Err(Error::Conflict {
                what: "a top-up of zero",
            });
        }
        self.with_conn(move |conn| {
            let sql = format!(
                "INSERT INTO topups (user_id, amount_minor, currency, status, created_at, updated_at) \
                 VALUES (?1, ?2, ?3, 'created', ?4, ?4) RETURNING {TOPUP_COLUMNS}"
            );
            let currency = amount.currency();
            let params = params![user.0, amount.minor(), currency.code(), now.0];
            query_opt(conn, &sql, params, read_topup)?.ok_or(Error::NotFound { what: "top-up" })
        })
        .await
    }

    /// One top-up.
    pub async fn get_topup(&self, id: TopupId) -> Result<Option<Topup>, Error> {
        self.with_conn(move |conn| get_topup(conn, id)).await
    }

    /// The user's open top-up invoice for exactly `amount`, payable after `valid_after`.
    pub async fn open_topup(
        &self,
        user: TelegramId,
        amount: Money,
        valid_after: UnixTime,
    ) -> Result<Option<Topup>, Error> {
        self.with_conn(move |conn| {
            let sql = format!(
                "SELECT {TOPUP_COLUMNS} FROM topups WHERE user_id = ?1 AND amount_minor = ?2 \
                 AND currency = ?3 AND status = 'invoiced' AND invoice_expires_at > ?4 \
                 ORDER BY id DESC LIMIT 1"
            );
            let currency = amount.currency();
            let params = params![user.0, amount.minor(), currency.code(), valid_after.0];
            query_opt(conn, &sql, params, read_topup)
        })
        .await
    }

    /// Records the invoice of a `created` top-up; idempotent for the same invoice.
    pub async fn set_topup_invoiced(
        &self,
        id: TopupId,
        invoice: &Invoice,
        next_poll: UnixTime,
        now: UnixTime,
    ) -> Result<Topup, Error> {
        let invoice = invoice.clone();
        self.with_conn(move |conn| {
            conn.prepare_cached(
                "UPDATE topups SET status = 'invoiced', invoice_uuid = ?2, invoice_url = ?3, \
                 invoice_expires_at = ?4, next_poll_at = ?5, updated_at = ?6 \
                 WHERE id = ?1 AND status = 'created'",
            )?
            .execute(params![
                id.0,
                invoice.uuid,
                invoice.url,
                invoice.expires.0,
                next_poll.0,
                now.0
            ])?;
            let topup = get_topup(conn, id)?.ok_or(Error::NotFound { what: "top-up" })?;
            match topup.invoice.as_ref().map(|it| &it.uuid) {
                Some(uuid) if *uuid == invoice.uuid => Ok(topup),
                _ => Err(Error::Conflict {
                    what: "the top-up has another invoice or none",
                }),
            }
        })
        .await
    }

    /// Top-ups whose next poll is due at `now`, most overdue first.
    pub async fn due_topups(&self, now: UnixTime, limit: u32) -> Result<Vec<Topup>, Error> {
        self.with_conn(move |conn| {
            let sql = format!(
                "SELECT {TOPUP_COLUMNS} FROM topups WHERE status IN ('invoiced', 'expired') \
                 AND next_poll_at <= ?1 ORDER BY next_poll_at, id LIMIT ?2"
            );
            query_vec(conn, &sql, params![now.0, limit], read_topup)
        })
        .await
    }

    /// Schedules the next poll of a top-up (`None` stops polling).
    pub async fn set_topup_next_poll(
        &self,
        id: TopupId,
        at: Option<UnixTime>,
    ) -> Result<(), Error> {
        self.with_conn(move |conn| {
            conn.prepare_cached("UPDATE topups SET next_poll_at = ?2 WHERE id = ?1")?
                .execute(params![id.0, at.map(|it| it.0)])?;
            Ok(())
        })
        .await
    }

    /// Closes an unpaid top-up as `to` (expired or failed) with a note;
    /// true if this call changed it.
    pub async fn close_topup(
        &self,
        id: TopupId,
        to: TopupStatus,
        note: &str,
        now: UnixTime,
    ) -> Result<bool, Error> {
        let from = match to {
            TopupStatus::Expired => "('invoiced')",
            TopupStatus::Failed => "('created', 'invoiced', 'expired')",
            _ => {
                return Err(Error::Conflict {
                    what: "a top-up closes as expired or failed only",
                });
            }
        };
        let note = note.to_owned();
        self.with_conn(move |conn| {
            let sql = format!(
                "UPDATE topups SET status = ?2, updated_at = ?3, \
                 note = coalesce(note || '; ', '') || ?4 WHERE id = ?1 AND status IN {from}"
            );
            let n = conn.execute(&sql, params![id.0, to.as_str(), now.0, note])?;
            Ok(n == 1)
        })
        .await
    }

    /// Credits what arrived for the top-up's invoice to the balance, exactly
    /// once, whatever the top-up's state (a late payment counts too).
    pub async fn settle_topup(
        &self,
        id: TopupId,
        invoice_uuid: &str,
        received: Money,
        now: UnixTime,
    ) -> Result<TopupSettlement, Error> {
        let invoice_uuid = invoice_uuid.to_owned();
        self.with_tx(move |tx| {
            let topup = get_topup(tx, id)?.ok_or(Error::NotFound { what: "top-up" })?;
            if topup
                .invoice
                .as_ref()
                .is_none_or(|it| it.uuid != invoice_uuid)
            {
                return Err(Error::Conflict {
                    what: "the invoice is not this top-up's",
                });
            }
            if received.currency() != topup.amount.currency() || received.is_zero() {
                return Err(Error::Conflict {
                    what: "a top-up payment of nothing or in another currency",
                });
            }
            let settled = query_exists(
                tx,
                "SELECT 1 FROM ledger WHERE invoice_uuid = ?1 AND cause = 'payment'",
                [&invoice_uuid],
            )?;
            if settled {
                return Ok(TopupSettlement::AlreadySettled);
            }
            tx.prepare_cached(
                "INSERT INTO ledger (user_id, currency, amount_minor, cause, \
                    invoice_uuid, note, created_at) VALUES (?1, ?2, ?3, \
                    'payment', ?4, ?5, ?6)",
            )?
            .execute(params![
                topup.user.0,
                received.currency().code(),
                received.minor(),
                invoice_uuid,
                format!("top-up #{}", id.0),
                now.0
            ])?;
            tx.prepare_cached(
                "UPDATE topups SET status = 'paid', next_poll_at = NULL, \
                    updated_at = ?2 WHERE id = ?1",
            )?
            .execute(params![id.0, now.0])?;
            // The notice is queued with the money, so a crash cannot lose it.
            let notice = NewMail {
                bot: None,
                chat: Some(topup.user.0),
                body: MailBody::Topup {
                    topup: id,
                    amount: received,
                    balance: balance(tx, topup.user, received.currency())?,
                },
            };
            insert_mail(tx, &[notice], now)?;
            Ok(TopupSettlement::Credited(received))
        })
        .await
    }
}

fn get_topup(conn: &Connection, id: TopupId) -> Result<Option<Topup>, Error> {
    query_opt(
        conn,
        &format!("SELECT {TOPUP_COLUMNS} FROM topups WHERE id = ?1"),
        [id.0],
        read_topup,
    )
}

fn read_topup(row: &Row<'_>) -> Result<Topup, Error> {
    let status_text: String = row.get("status")?;
    let status = TopupStatus::parse(&status_text).ok_or(Error::Decode {
        column: "topups.status",
        raw: status_text,
    })?;
    let invoice = match (
        row.get::<_, Option<String>>("invoice_uuid")?,
        row.get::<_, Option<String>>("invoice_url")?,
        opt_time(row, "invoice_expires_at")?,
    ) {
        (Some(uuid), Some(url), Some(expires)) => Some(Invoice { uuid, url, expires }),
        _ => None,
    };
    Ok(Topup {
        id: TopupId(row.get("id")?),
        user: TelegramId(row.get("user_id")?),
        amount: money(row, "amount_minor", "currency")?,
        status,
        invoice,
        next_poll_at: opt_time(row, "next_poll_at")?,
        created: time(row, "created_at")?,
    })
}
