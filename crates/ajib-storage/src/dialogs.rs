//! Dialogues in progress: one opaque state per user with an expiry, so they survive restarts.

use ajib_domain::{TelegramId, UnixTime};
use rusqlite::params;

use crate::{
    Error, Store,
    store::{query_exists, query_opt},
};

impl Store {
    /// Opens or replaces `user`'s dialogue with `state`, valid until `expires_at`.
    pub async fn save_dialog(
        &self,
        user: TelegramId,
        state: &str,
        expires_at: UnixTime,
        now: UnixTime,
    ) -> Result<(), Error> {
        let state = state.to_owned();
        self.with_conn(move |conn| {
            conn.prepare_cached(
                "INSERT INTO dialogs (user_id, state, expires_at, updated_at) \
                    VALUES (?1, ?2, ?3, ?4) ON CONFLICT (user_id) DO UPDATE SET \
                    state = ?2, expires_at = ?3, updated_at = ?4",
            )?
            .execute(params![user.0, state, expires_at.0, now.0])?;
            Ok(())
        })
        .await
    }

    /// `user`'s open dialogue, unless it ran out before `now`.
    pub async fn load_dialog(
        &self,
        user: TelegramId,
        now: UnixTime,
    ) -> Result<Option<String>, Error> {
        self.with_conn(move |conn| {
            query_opt(
                conn,
                "SELECT state FROM dialogs WHERE user_id = ?1 AND expires_at > ?2",
                params![user.0, now.0],
                |row| Ok(row.get(0)?),
            )
        })
        .await
    }

    /// Closes `user`'s dialogue and returns it, unless it ran out: of two
    /// racing callers, only one gets it.
    pub async fn take_dialog(
        &self,
        user: TelegramId,
        now: UnixTime,
    ) -> Result<Option<String>, Error> {
        self.with_conn(move |conn| {
            let state: Option<(String, i64)> = query_opt(
                conn,
                "DELETE FROM dialogs WHERE user_id = ?1 RETURNING state, expires_at",
                [user.0],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )?;
            Ok(state
                .filter(|(_, expires_at)| *expires_at > now.0)
                .map(|(state, _)| state))
        })
        .await
    }

    /// Closes `user`'s dialogue, if any.
    ///
    /// Most users have none (every /start closes one), so a read comes first:
    /// it costs far less than a write that changes nothing.
    pub async fn close_dialog(&self, user: TelegramId) -> Result<(), Error> {
        self.with_conn(move |conn| {
            if !query_exists(conn, "SELECT 1 FROM dialogs WHERE user_id = ?1", [user.0])? {
                return Ok(());
            }
            conn.prepare_cached("DELETE FROM dialogs WHERE user_id = ?1")?
                .execute([user.0])?;
            Ok(())
        })
        .await
    }

    /// Deletes the dialogues that ran out before `now`; returns how many.
    pub async fn prune_dialogs(&self, now: UnixTime) -> Result<u64, Error> {
        self.with_conn(move |conn| {
            let n = conn
                .prepare_cached("DELETE FROM dialogs WHERE expires_at <= ?1")?
                .execute([now.0])?;
            Ok(u64::try_from(n).unwrap_or(u64::MAX))
        })
        .await
    }
}
