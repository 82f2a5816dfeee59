//! Broadcasts: a message, its frozen recipient list, and per-recipient delivery state.

use std::fmt;

use ajib_domain::{BroadcastId, TelegramId, UnixTime};
use rusqlite::{Row, params};

use crate::{
    Error, Store,
    store::{one_row, query_opt, query_vec, time, to_u64},
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
}

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
        self.with_tx(move |tx| {
            let id: i64 = tx.query_row(
                "INSERT INTO broadcasts (text, photo_file_id, audience, status, created_by, created_at, updated_at) \
                 VALUES (?1, ?2, ?3, 'running', ?4, ?5, ?5) RETURNING id",
                params![text, photo, audience, created_by.0, now.0],
                |row| row.get(0),
            )?;
            let mut insert = tx.prepare_cached(
                "INSERT OR IGNORE INTO broadcast_recipients (broadcast_id, user_id, status) VALUES (?1, ?2, 'pending')",
            )?;
            for user in recipients {
                insert.execute(params![id, user.0])?;
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

    /// Records what happened to one recipient; [`RecipientStatus::Blocked`] also marks the user.
    pub async fn mark_recipient(
        &self,
        id: BroadcastId,
        user: TelegramId,
        status: RecipientStatus,
        now: UnixTime,
    ) -> Result<(), Error> {
        self.with_tx(move |tx| {
            let n = tx.execute(
                "UPDATE broadcast_recipients SET status = ?3, updated_at = ?4 WHERE broadcast_id = ?1 AND user_id = ?2",
                params![id.0, user.0, status.as_str(), now.0],
            )?;
            one_row("broadcast recipient", n)?;
            if status == RecipientStatus::Blocked {
                tx.execute("UPDATE users SET blocked_bot = 1 WHERE id = ?1", [user.0])?;
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
            let mut res = BroadcastProgress::default();
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
            let n = conn.execute(
                "UPDATE broadcasts SET status = ?2, updated_at = ?3 WHERE id = ?1",
                params![id.0, status.as_str(), now.0],
            )?;
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
