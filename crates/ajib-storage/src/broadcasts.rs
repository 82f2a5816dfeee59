//! Broadcasts: a message, its frozen recipient list, and per-recipient delivery state.

use std::fmt::{self, Write as _};

use ajib_domain::{BroadcastId, TelegramId, UnixTime};
use rusqlite::{Connection, Row, params};

use crate::{
    Error, Store,
    store::{one_row, query_count, query_opt, query_vec, time, to_u64},
};

/// Whether a broadcast is being sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BroadcastStatus {
    /// The sender works through its pending recipients.
    Running,
    /// Stopped for now; can be resumed.
    Paused,
    /// Stopped for good by an operator.
    Cancelled,
    /// Every recipient was tried.
    Done,
}

/// What happened to one recipient of a broadcast.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecipientStatus {
    /// Not tried yet.
    Pending,
    /// Delivered.
    Sent,
    /// Telegram refused for another reason.
    Failed,
    /// The user blocked the bot; recorded on the user too and never retried.
    Blocked,
}

/// A stored broadcast.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broadcast {
    /// Its id.
    pub id: BroadcastId,
    /// The message: Telegram HTML, the photo's caption when there is one.
    pub text: String,
    /// The Telegram file_id of a photo to send with it.
    pub photo: Option<String>,
    /// A label of who it was for, e.g. `buyers`.
    pub audience: String,
    /// Whether it is being sent.
    pub status: BroadcastStatus,
    /// The admin who started it.
    pub created_by: TelegramId,
    /// When it was started.
    pub created: UnixTime,
}

/// Recipient counts of one broadcast.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BroadcastProgress {
    /// Not tried yet.
    pub pending: u64,
    /// Delivered.
    pub sent: u64,
    /// Refused for another reason.
    pub failed: u64,
    /// Blocked the bot.
    pub blocked: u64,
    /// Sent again after a crash interrupted an earlier send, which Telegram
    /// may have accepted: each may have got it twice.
    pub possible_duplicates: u64,
}

/// Recipients written by one statement of [`Store::create_broadcast`].
const RECIPIENTS_PER_STATEMENT: usize = 10_000;

const BROADCAST_COLUMNS: &str = "id, text, photo_file_id, audience, status, created_by, created_at";

impl BroadcastStatus {
    /// Every status.
    pub const ALL: [Self; 4] = [Self::Running, Self::Paused, Self::Cancelled, Self::Done];

    /// The storage spelling, e.g. `"running"`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Paused => "paused",
            Self::Cancelled => "cancelled",
            Self::Done => "done",
        }
    }
}

impl fmt::Display for BroadcastStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl RecipientStatus {
    /// The storage spelling, e.g. `"sent"`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sent => "sent",
            Self::Failed => "failed",
            Self::Blocked => "blocked",
        }
    }
}

impl BroadcastProgress {
    /// Recipients in total.
    #[must_use]
    pub fn total(&self) -> u64 {
        self.pending + self.sent + self.failed + self.blocked
    }
}

impl Store {
    /// Stores a running broadcast and its recipients (duplicates dropped) in one transaction.
    pub async fn create_broadcast(
        &self,
        text: &str,
        photo: Option<&str>,
        audience: &str,
        recipients: &[TelegramId],
        created_by: TelegramId,
        now: UnixTime,
    ) -> Result<BroadcastId, Error> {
        let (text, photo, audience, recipients) = (
            text.to_owned(),
            photo.map(str::to_owned),
            audience.to_owned(),
            recipients.to_vec(),
        );
        // A recipient row per user: long for a big audience.
        self.with_tx_long(move |tx| {
            let id: i64 = tx
                .prepare_cached(
                    "INSERT INTO broadcasts (text, photo_file_id, audience, \
                    status, created_by, created_at, updated_at) VALUES (?1, ?2, \
                    ?3, 'running', ?4, ?5, ?5) RETURNING id",
                )?
                .query_row(params![text, photo, audience, created_by.0, now.0], |row| {
                    row.get(0)
                })?;
            // A statement per chunk of recipients, read from a JSON array by
            // SQLite itself: a million recipients one statement each took
            // about twice as long.
            let mut insert = tx.prepare_cached(
                "INSERT OR IGNORE INTO broadcast_recipients (broadcast_id, user_id, status) \
                 SELECT ?1, value, 'pending' FROM json_each(?2)",
            )?;
            for chunk in recipients.chunks(RECIPIENTS_PER_STATEMENT) {
                insert.execute(params![id, json_ids(chunk)])?;
            }
            Ok(BroadcastId(id))
        })
        .await
    }

    /// The broadcast with this id.
    pub async fn get_broadcast(&self, id: BroadcastId) -> Result<Option<Broadcast>, Error> {
        self.with_conn(move |conn| {
            let sql = format!("SELECT {BROADCAST_COLUMNS} FROM broadcasts WHERE id = ?1");
            query_opt(conn, &sql, [id.0], read_broadcast)
        })
        .await
    }

    /// Up to `limit` recipients not tried yet, in a stable order (ascending id).
    pub async fn next_broadcast_batch(
        &self,
        id: BroadcastId,
        limit: u32,
    ) -> Result<Vec<TelegramId>, Error> {
        self.with_conn(move |conn| {
            query_vec(
                conn,
                "SELECT user_id FROM broadcast_recipients WHERE broadcast_id = ?1 AND status = 'pending' \
                 ORDER BY user_id LIMIT ?2",
                params![id.0, limit],
                |row| Ok(TelegramId(row.get(0)?)),
            )
        })
        .await
    }

    /// Records that a send to `user` is about to be made, before it is made:
    /// a crash that loses its outcome leaves the recipient pending with an
    /// attempt, and the send made again after a restart is counted as a
    /// possible duplicate.
    pub async fn attempt_recipient(&self, id: BroadcastId, user: TelegramId) -> Result<(), Error> {
        self.with_conn(move |conn| {
            let n = conn
                .prepare_cached(
                    "UPDATE broadcast_recipients SET attempts = attempts + 1 \
                 WHERE broadcast_id = ?1 AND user_id = ?2 AND status = 'pending'",
                )?
                .execute(params![id.0, user.0])?;
            one_row("broadcast recipient", n)
        })
        .await
    }

    /// Takes back the attempt of a send that was never made (the bot was stopping).
    pub async fn forget_attempt(&self, id: BroadcastId, user: TelegramId) -> Result<(), Error> {
        self.with_conn(move |conn| {
            conn.prepare_cached(
                "UPDATE broadcast_recipients SET attempts = max(attempts - 1, 0) \
                 WHERE broadcast_id = ?1 AND user_id = ?2 AND status = 'pending'",
            )?
            .execute(params![id.0, user.0])?;
            Ok(())
        })
        .await
    }

    /// Records what happened to one recipient; [`RecipientStatus::Blocked`] also marks the user.
    pub async fn mark_recipient(
        &self,
        id: BroadcastId,
        user: TelegramId,
        status: RecipientStatus,
        now: UnixTime,
    ) -> Result<(), Error> {
        self.with_tx(move |tx| {
            let n = tx
                .prepare_cached(
                    "UPDATE broadcast_recipients SET status = ?3, updated_at = ?4 \
                    WHERE broadcast_id = ?1 AND user_id = ?2",
                )?
                .execute(params![id.0, user.0, status.as_str(), now.0])?;
            one_row("broadcast recipient", n)?;
            if status == RecipientStatus::Blocked {
                tx.prepare_cached("UPDATE users SET blocked_bot = 1 WHERE id = ?1")?
                    .execute([user.0])?;
            }
            Ok(())
        })
        .await
    }

    /// Recipient counts by status.
    pub async fn broadcast_progress(&self, id: BroadcastId) -> Result<BroadcastProgress, Error> {
        self.with_conn(move |conn| {
            let counts = query_vec(
                conn,
                "SELECT status, COUNT(*) FROM broadcast_recipients WHERE broadcast_id = ?1 GROUP BY status",
                [id.0],
                |row| Ok((row.get::<_, String>(0)?, to_u64("count", row.get(1)?)?)),
            )?;
            let mut res = BroadcastProgress {
                possible_duplicates: possible_duplicates(conn, id)?,
                ..BroadcastProgress::default()
            };
            for (status, n) in counts {
                match status.as_str() {
                    "pending" => res.pending = n,
                    "sent" => res.sent = n,
                    "failed" => res.failed = n,
                    "blocked" => res.blocked = n,
                    _ => return Err(Error::Decode { column: "broadcast_recipients.status", raw: status }),
                }
            }
            Ok(res)
        })
        .await
    }

    /// Pauses, resumes, cancels or finishes a broadcast.
    pub async fn set_broadcast_status(
        &self,
        id: BroadcastId,
        status: BroadcastStatus,
        now: UnixTime,
    ) -> Result<(), Error> {
        self.with_conn(move |conn| {
            let n = conn
                .prepare_cached("UPDATE broadcasts SET status = ?2, updated_at = ?3 WHERE id = ?1")?
                .execute(params![id.0, status.as_str(), now.0])?;
            one_row("broadcast", n)
        })
        .await
    }

    /// Broadcasts the sender should work on (status running), oldest first.
    pub async fn active_broadcasts(&self) -> Result<Vec<Broadcast>, Error> {
        self.with_conn(|conn| {
            let sql = format!(
                "SELECT {BROADCAST_COLUMNS} FROM broadcasts WHERE status = 'running' ORDER BY id"
            );
            query_vec(conn, &sql, [], read_broadcast)
        })
        .await
    }

    /// The latest broadcasts, newest first.
    pub async fn recent_broadcasts(&self, limit: u32) -> Result<Vec<Broadcast>, Error> {
        self.with_conn(move |conn| {
            let sql =
                format!("SELECT {BROADCAST_COLUMNS} FROM broadcasts ORDER BY id DESC LIMIT ?1");
            query_vec(conn, &sql, [limit], read_broadcast)
        })
        .await
    }
}

/// Recipients sent the broadcast again after a crash interrupted an earlier
/// send (recorded as attempted, its outcome lost).
fn possible_duplicates(conn: &Connection, id: BroadcastId) -> Result<u64, Error> {
    query_count(
        conn,
        "SELECT COUNT(*) FROM broadcast_recipients WHERE broadcast_id = ?1 \
         AND status = 'sent' AND attempts > 1",
        [id.0],
    )
}

/// `[1,2,3]`: ids as a JSON array.
fn json_ids(ids: &[TelegramId]) -> String {
    let mut res = String::with_capacity(ids.len() * 12 + 2);
    res.push('[');
    for (idx, id) in ids.iter().enumerate() {
        if idx > 0 {
            res.push(',');
        }
        // Writing to a String cannot fail.
        let _ = write!(res, "{}", id.0);
    }
    res.push(']');
    res
}

fn read_broadcast(row: &Row<'_>) -> Result<Broadcast, Error> {
    let status_text: String = row.get("status")?;
    let status = BroadcastStatus::ALL
        .into_iter()
        .find(|it| it.as_str() == status_text)
        .ok_or(Error::Decode {
            column: "broadcasts.status",
            raw: status_text,
        })?;
    Ok(Broadcast {
        id: BroadcastId(row.get("id")?),
        text: row.get("text")?,
        photo: row.get("photo_file_id")?,
        audience: row.get("audience")?,
        status,
        created_by: TelegramId(row.get("created_by")?),
        created: time(row, "created_at")?,
    })
}
