//! Mail: messages that must arrive, queued in the transaction that decides them and sent in order per chat.
//!
//! A row is either a message the bot already rendered (its body is opaque
//! here: `ajib_transport` writes and reads it) or a fact decided inside one
//! of this crate's transactions — a settled payment, a credited top-up —
//! that the bot turns into words when it sends it. The mail worker takes
//! the oldest unsent row of each chat ([`Store::due_mail`]), marks it
//! `sending` before handing it to Telegram and `sent` after, so a crash
//! loses nothing and repeats at most the one message Telegram had when the
//! process died (counted: [`MailCounts::resent`]).

use ajib_domain::{Currency, JobId, Money, OrderId, TelegramId, TopupId, UnixTime};
use rusqlite::{Connection, Row, params};
use serde::{Deserialize, Serialize};

use crate::{
    Error, Settlement, Store,
    store::{one_row, query_vec, to_u32, to_u64},
};

/// A message to queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMail {
    /// The recipient chat; `None` for every staff member.
    pub chat: Option<i64>,
    /// The agent whose own bot sends it; `None`: the main bot.
    pub bot: Option<TelegramId>,
    /// What to send.
    pub body: MailBody,
}

/// What a mail row carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailBody {
    /// A message rendered by the bot: its stored form and its file, if any.
    Message {
        /// The stored form (JSON written by the transport).
        json: String,
        /// A photo or file sent with it.
        attachment: Option<Vec<u8>>,
    },
    /// A settled invoice payment, told to whoever the row is for.
    Payment {
        /// The order the invoice was for.
        order: OrderId,
        /// How it was settled.
        settlement: Settlement,
        /// The user's balance right after.
        balance: Money,
    },
    /// A paid order (by invoice or from the balance) or too little paid, told to a staff member.
    StaffPayment {
        /// The order the invoice was for.
        order: OrderId,
        /// How it was settled.
        settlement: Settlement,
        /// The user's balance right after.
        balance: Money,
    },
    /// A top-up credited to the balance.
    Topup {
        /// The top-up.
        topup: TopupId,
        /// What was credited.
        amount: Money,
        /// The user's balance right after.
        balance: Money,
    },
}

/// A queued message, as [`Store::due_mail`] returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    /// Row id: the order of sending within a chat.
    pub id: i64,
    /// The recipient chat; `None` for every staff member (see [`Store::copy_mail_to`]).
    pub chat: Option<i64>,
    /// The agent whose own bot sends it; `None`: the main bot.
    pub bot: Option<TelegramId>,
    /// What to send.
    pub body: MailBody,
    /// Sends started so far, not counting this one.
    pub attempts: u32,
}

/// How much mail is where, for checks and status screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MailCounts {
    /// Waiting to be sent (or being sent).
    pub unsent: u64,
    /// Delivered.
    pub sent: u64,
    /// Given up (blocked bot, rejected message, too many failures).
    pub failed: u64,
    /// Sends interrupted by a crash and made again: each may have arrived twice.
    pub resent: u64,
}

/// The `kind` column of each [`MailBody`].
const KIND_MESSAGE: &str = "message";
const KIND_PAYMENT: &str = "payment";
const KIND_STAFF_PAYMENT: &str = "payment-staff";
const KIND_TOPUP: &str = "topup";

const MAIL_COLUMNS: &str = "id, chat_id, bot, kind, body, attachment, attempts";

/// The stored facts of a [`MailBody::Payment`]: amounts in minor units of `currency`.
#[derive(Serialize, Deserialize)]
struct PaymentFacts {
    order: i64,
    granted: bool,
    job: Option<i64>,
    amount: i64,
    balance: i64,
    currency: String,
}

/// The stored facts of a [`MailBody::Topup`].
#[derive(Serialize, Deserialize)]
struct TopupFacts {
    topup: i64,
    amount: i64,
    balance: i64,
    currency: String,
}

impl Store {
    /// Queues messages in one transaction, in order.
    pub async fn queue_mail(&self, mail: Vec<NewMail>, now: UnixTime) -> Result<(), Error> {
        self.with_tx(move |tx| insert_mail(tx, &mail, now)).await
    }

    /// The next message of each chat that is due, and every staff row not
    /// yet copied to the staff, oldest first; a chat whose oldest unsent
    /// message waits for a retry has nothing due, so order within a chat holds.
    pub async fn due_mail(&self, now: UnixTime, limit: u32) -> Result<Vec<Mail>, Error> {
        self.with_conn(move |conn| {
            let sql = format!(
                "SELECT {MAIL_COLUMNS} FROM mail m WHERE m.status IN ('pending', 'sending') AND m.next_at <= ?1 \
                 AND (m.chat_id IS NULL OR NOT EXISTS (SELECT 1 FROM mail e WHERE e.chat_id = m.chat_id \
                      AND e.id < m.id AND e.status IN ('pending', 'sending'))) \
                 ORDER BY m.id LIMIT ?2"
            );
            query_vec(conn, &sql, params![now.0, limit], read_mail)
        })
        .await
    }

    /// Replaces a staff row by one row per chat in `chats`, behind each chat's queue.
    pub async fn copy_mail_to(&self, id: i64, chats: Vec<i64>, now: UnixTime) -> Result<(), Error> {
        self.with_tx(move |tx| {
            // A list of integers always serializes.
            let chats = serde_json::to_string(&chats).unwrap_or_default();
            tx.prepare_cached(
                "INSERT INTO mail (chat_id, kind, body, attachment, status, next_at, created_at) \
                 SELECT c.value, kind, body, attachment, 'pending', ?2, created_at \
                 FROM mail, json_each(?3) c WHERE mail.id = ?1 AND mail.chat_id IS NULL",
            )?
            .execute(params![id, now.0, chats])?;
            tx.prepare_cached("DELETE FROM mail WHERE id = ?1 AND chat_id IS NULL")?
                .execute([id])?;
            Ok(())
        })
        .await
    }

    /// Records that a message is about to be handed to Telegram.
    pub async fn sending_mail(&self, id: i64) -> Result<(), Error> {
        self.with_conn(move |conn| {
            let n = conn
                .prepare_cached(
                    "UPDATE mail SET status = 'sending', attempts = attempts + 1 WHERE id = ?1 \
                 AND status IN ('pending', 'sending')",
                )?
                .execute([id])?;
            one_row("mail", n)
        })
        .await
    }

    /// Records that Telegram accepted a message.
    pub async fn mail_sent(&self, id: i64, now: UnixTime) -> Result<(), Error> {
        self.with_conn(move |conn| {
            let n = conn
                .prepare_cached(
                    "UPDATE mail SET status = 'sent', sent_at = ?2, last_error = \
                    NULL WHERE id = ?1",
                )?
                .execute(params![id, now.0])?;
            one_row("mail", n)
        })
        .await
    }

    /// Puts a message back in its queue, due at `at`.
    pub async fn retry_mail(&self, id: i64, at: UnixTime, error: &str) -> Result<(), Error> {
        let error = error.to_owned();
        self.with_conn(move |conn| {
            let n = conn
                .prepare_cached(
                    "UPDATE mail SET status = 'pending', next_at = ?2, last_error \
                    = ?3 WHERE id = ?1",
                )?
                .execute(params![id, at.0, error])?;
            one_row("mail", n)
        })
        .await
    }

    /// Gives up on a message (the user blocked the bot, Telegram refused it).
    pub async fn fail_mail(&self, id: i64, error: &str, now: UnixTime) -> Result<(), Error> {
        let error = error.to_owned();
        self.with_conn(move |conn| {
            let n = conn
                .prepare_cached(
                    "UPDATE mail SET status = 'failed', last_error = ?2, sent_at \
                    = ?3 WHERE id = ?1",
                )?
                .execute(params![id, error, now.0])?;
            one_row("mail", n)
        })
        .await
    }

    /// Deletes mail sent or given up before `before` (a config's row holds
    /// its QR code: the table would only grow); returns how many rows went.
    pub async fn prune_mail(&self, before: UnixTime) -> Result<u64, Error> {
        self.with_conn(move |conn| {
            let n = conn
                .prepare_cached(
                    "DELETE FROM mail WHERE status IN ('sent', 'failed') AND sent_at < ?1",
                )?
                .execute([before.0])?;
            Ok(n as u64)
        })
        .await
    }

    /// How much mail is unsent, sent, failed and resent.
    pub async fn mail_counts(&self) -> Result<MailCounts, Error> {
        self.with_conn(|conn| {
            let rows = query_vec(
                conn,
                "SELECT status, COUNT(*), coalesce(sum(resent), 0) FROM mail GROUP BY status",
                [],
                |row| {
                    Ok((
                        row.get::<_, String>(0)?,
                        to_u64("count", row.get(1)?)?,
                        to_u64("resent", row.get(2)?)?,
                    ))
                },
            )?;
            let mut res = MailCounts::default();
            for (status, n, resent) in rows {
                res.resent += resent;
                match status.as_str() {
                    "pending" | "sending" => res.unsent += n,
                    "sent" => res.sent += n,
                    "failed" => res.failed += n,
                    _ => {
                        return Err(Error::Decode {
                            column: "mail.status",
                            raw: status,
                        });
                    }
                }
            }
            Ok(res)
        })
        .await
    }
}

/// Queues `mail` on `conn`, which may be inside a caller's transaction.
pub(crate) fn insert_mail(conn: &Connection, mail: &[NewMail], now: UnixTime) -> Result<(), Error> {
    let mut insert = conn.prepare_cached(
        "INSERT INTO mail (chat_id, bot, kind, body, attachment, status, next_at, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, 'pending', ?6, ?6)",
    )?;
    for it in mail {
        let (kind, body, attachment) = encode(&it.body);
        let bot = it.bot.map(|it| it.0);
        insert.execute(params![it.chat, bot, kind, body, attachment, now.0])?;
    }
    Ok(())
}

/// The notices of a settled payment: the user's, and the staff's when a
/// plan was bought or too little arrived (`price`: what the invoice asked).
pub(crate) fn payment_mail(
    user: TelegramId,
    order: OrderId,
    settlement: Settlement,
    balance: Money,
    price: Money,
) -> Vec<NewMail> {
    let staff = match settlement {
        Settlement::Granted { .. } => true,
        Settlement::Credited { amount } => amount.minor() < price.minor(),
        Settlement::AlreadySettled => return Vec::new(),
    };
    let mut res = vec![NewMail {
        bot: None,
        chat: Some(user.0),
        body: MailBody::Payment {
            order,
            settlement,
            balance,
        },
    }];
    if staff {
        res.push(NewMail {
            bot: None,
            chat: None,
            body: MailBody::StaffPayment {
                order,
                settlement,
                balance,
            },
        });
    }
    res
}

/// Moves every message a dead process was sending back to its queue,
/// counting each as possibly sent twice; returns how many.
pub(crate) fn requeue_interrupted(conn: &Connection) -> Result<u64, Error> {
    let n = conn
        .prepare_cached(
            "UPDATE mail SET status = 'pending', resent = resent + 1 WHERE status = 'sending'",
        )?
        .execute([])?;
    Ok(n as u64)
}

fn encode(body: &MailBody) -> (&'static str, String, Option<&[u8]>) {
    match body {
        MailBody::Message { json, attachment } => {
            (KIND_MESSAGE, json.clone(), attachment.as_deref())
        }
        MailBody::Payment {
            order,
            settlement,
            balance,
        } => (
            KIND_PAYMENT,
            payment_facts(*order, *settlement, *balance),
            None,
        ),
        MailBody::StaffPayment {
            order,
            settlement,
            balance,
        } => (
            KIND_STAFF_PAYMENT,
            payment_facts(*order, *settlement, *balance),
            None,
        ),
        MailBody::Topup {
            topup,
            amount,
            balance,
        } => {
            let facts = TopupFacts {
                topup: topup.0,
                amount: amount.minor(),
                balance: balance.minor(),
                currency: balance.currency().code().to_owned(),
            };
            (KIND_TOPUP, json(&facts), None)
        }
    }
}

fn payment_facts(order: OrderId, settlement: Settlement, balance: Money) -> String {
    let (granted, job, amount) = match settlement {
        Settlement::Granted { job, excess } => (true, Some(job.0), excess.minor()),
        Settlement::Credited { amount } => (false, None, amount.minor()),
        Settlement::AlreadySettled => (false, None, 0),
    };
    json(&PaymentFacts {
        order: order.0,
        granted,
        job,
        amount,
        balance: balance.minor(),
        currency: balance.currency().code().to_owned(),
    })
}

fn json<T: Serialize>(facts: &T) -> String {
    // Plain structs of integers and strings always serialize.
    serde_json::to_string(facts).unwrap_or_default()
}

fn read_mail(row: &Row<'_>) -> Result<Mail, Error> {
    let kind: String = row.get("kind")?;
    let body: String = row.get("body")?;
    let decode_err = |raw: &str| Error::Decode {
        column: "mail.body",
        raw: raw.to_owned(),
    };
    let money = |minor: i64, currency: &str| {
        let currency = Currency::new(currency).map_err(|_| decode_err(currency))?;
        Money::from_minor(minor, currency).map_err(|_| decode_err(&minor.to_string()))
    };
    let body = match kind.as_str() {
        KIND_MESSAGE => MailBody::Message {
            json: body,
            attachment: row.get("attachment")?,
        },
        KIND_PAYMENT | KIND_STAFF_PAYMENT => {
            let facts: PaymentFacts = serde_json::from_str(&body).map_err(|_| decode_err(&body))?;
            let amount = money(facts.amount, &facts.currency)?;
            let settlement = match (facts.granted, facts.job) {
                (true, Some(job)) => Settlement::Granted {
                    job: JobId(job),
                    excess: amount,
                },
                (false, None) => Settlement::Credited { amount },
                _ => return Err(decode_err(&body)),
            };
            let (order, balance) = (OrderId(facts.order), money(facts.balance, &facts.currency)?);
            match kind.as_str() {
                KIND_PAYMENT => MailBody::Payment {
                    order,
                    settlement,
                    balance,
                },
                _ => MailBody::StaffPayment {
                    order,
                    settlement,
                    balance,
                },
            }
        }
        KIND_TOPUP => {
            let facts: TopupFacts = serde_json::from_str(&body).map_err(|_| decode_err(&body))?;
            MailBody::Topup {
                topup: TopupId(facts.topup),
                amount: money(facts.amount, &facts.currency)?,
                balance: money(facts.balance, &facts.currency)?,
            }
        }
        _ => {
            return Err(Error::Decode {
                column: "mail.kind",
                raw: kind,
            });
        }
    };
    Ok(Mail {
        id: row.get("id")?,
        chat: row.get("chat_id")?,
        bot: row.get::<_, Option<i64>>("bot")?.map(TelegramId),
        body,
        attempts: to_u32("mail.attempts", row.get("attempts")?)?,
    })
}
