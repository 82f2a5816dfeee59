//! Received Telegram updates not yet handled: kept before the poller acknowledges them.

use ajib_domain::UnixTime;
use rusqlite::params;

use crate::{Error, Store, store::query_vec};

impl Store {
    /// Keeps each `(update_id, raw JSON)` of a batch, in one transaction;
    /// returns the ids that were new (a redelivered update is kept once).
    pub async fn keep_updates(
        &self,
        updates: Vec<(i64, String)>,
        now: UnixTime,
    ) -> Result<Vec<i64>, Error> {
        self.with_tx(move |tx| {
            let mut fresh = Vec::new();
            let mut insert = tx.prepare_cached(
                "INSERT OR IGNORE INTO inbox (update_id, payload, received_at) VALUES (?1, ?2, ?3)",
            )?;
            for (update_id, payload) in &updates {
                if insert.execute(params![update_id, payload, now.0])? == 1 {
                    fresh.push(*update_id);
                }
            }
            Ok(fresh)
        })
        .await
    }

    /// Updates kept but not yet handled, oldest first.
    pub async fn unhandled_updates(&self, limit: u32) -> Result<Vec<(i64, String)>, Error> {
        self.with_conn(move |conn| {
            query_vec(
                conn,
                "SELECT update_id, payload FROM inbox ORDER BY update_id LIMIT ?1",
                [limit],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
        })
        .await
    }

    /// Forgets handled updates, in one transaction.
    pub async fn updates_handled(&self, update_ids: Vec<i64>) -> Result<(), Error> {
        self.with_tx(move |tx| {
            let mut delete = tx.prepare_cached("DELETE FROM inbox WHERE update_id = ?1")?;
            for update_id in update_ids {
                delete.execute([update_id])?;
            }
            Ok(())
        })
        .await
    }
}
