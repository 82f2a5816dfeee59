//! Counts of work by state, for the bot's `/metrics` and `ajib-ctl status`: provisioning jobs,
//! orders, top-ups and broadcasts.
//!
//! Read on a pooled connection, so the bot's short statements never wait for them. Counting
//! orders and jobs by status visits every row of the table (or of an index on `status`, if the
//! schema has one); on a database of millions of orders one reading takes about a second, so
//! callers keep a reading for a while rather than asking on every request.

use ajib_domain::{BroadcastId, OrderStatus};
use rusqlite::{Connection, ToSql};

use crate::{
    BroadcastProgress, BroadcastStatus, Error, PROVISION_JOB, Store,
    store::{query_vec, to_u64},
};

/// How much work is in each state, read at one moment.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StateCounts {
    /// Provisioning jobs by state.
    pub provision_jobs: JobStates,
    /// Orders per status, every [`OrderStatus`] listed.
    pub orders: Vec<(OrderStatus, u64)>,
    /// Balance top-ups per status (`created`, `invoiced`, `paid`, ...), only those that occur.
    pub topups: Vec<(String, u64)>,
    /// Broadcasts per status, every [`BroadcastStatus`] listed.
    pub broadcasts: Vec<(BroadcastStatus, u64)>,
    /// Recipient counts of each broadcast still running or paused, oldest first.
    pub broadcasts_open: Vec<OpenBroadcast>,
}

/// Jobs of one kind by state (the `jobs.status` values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct JobStates {
    /// Waiting for their time or a worker.
    pub pending: u64,
    /// Leased by a worker now.
    pub running: u64,
    /// Finished.
    pub done: u64,
    /// Given up (a refusal by the panel): stuck until retried.
    pub dead: u64,
}

/// A broadcast that is running or paused, with its recipients by status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenBroadcast {
    /// Its id.
    pub id: BroadcastId,
    /// Running or paused.
    pub status: BroadcastStatus,
    /// Its recipients by status.
    pub progress: BroadcastProgress,
    /// Recipients sent again after a crash cut an earlier send short: each may have two copies.
    pub possible_duplicates: u64,
}

impl JobStates {
    /// Each state with its storage name, e.g. `("dead", 2)`.
    #[must_use]
    pub fn by_name(&self) -> [(&'static str, u64); 4] {
        [
            ("pending", self.pending),
            ("running", self.running),
            ("done", self.done),
            ("dead", self.dead),
        ]
    }
}

impl StateCounts {
    /// Orders with `status`.
    #[must_use]
    pub fn orders_in(&self, status: OrderStatus) -> u64 {
        self.orders
            .iter()
            .find(|(it, _)| *it == status)
            .map_or(0, |(_, n)| *n)
    }
}

impl Store {
    /// Counts provisioning jobs, orders, top-ups and broadcasts by state, and the progress of
    /// open broadcasts.
    pub async fn state_counts(&self) -> Result<StateCounts, Error> {
        self.with_conn_long(|conn| {
            let [pending, running, done, dead] = row_counts(
                conn,
                "SELECT count(*) FILTER (WHERE status = 'pending'), \
                 count(*) FILTER (WHERE status = 'running'), \
                 count(*) FILTER (WHERE status = 'done'), \
                 count(*) FILTER (WHERE status = 'dead') FROM jobs WHERE kind = ?1",
                PROVISION_JOB,
            )?;
            let orders = counts_by_status(conn, "orders")?;
            let broadcasts = counts_by_status(conn, "broadcasts")?;
            Ok(StateCounts {
                provision_jobs: JobStates {
                    pending,
                    running,
                    done,
                    dead,
                },
                orders: OrderStatus::ALL
                    .iter()
                    .map(|status| (*status, found(&orders, status.as_str())))
                    .collect(),
                topups: counts_by_status(conn, "topups")?,
                broadcasts: BroadcastStatus::ALL
                    .iter()
                    .map(|status| (*status, found(&broadcasts, status.as_str())))
                    .collect(),
                broadcasts_open: open_broadcasts(conn)?,
            })
        })
        .await
    }
}

/// `status, COUNT(*)` of `table` (one of ours, never input).
fn counts_by_status(conn: &Connection, table: &str) -> Result<Vec<(String, u64)>, Error> {
    let sql = format!("SELECT status, COUNT(*) FROM {table} GROUP BY status ORDER BY status");
    query_vec(conn, &sql, [], |row| {
        Ok((row.get(0)?, to_u64("count", row.get(1)?)?))
    })
}

fn found(counts: &[(String, u64)], status: &str) -> u64 {
    counts
        .iter()
        .find(|(it, _)| it == status)
        .map_or(0, |(_, n)| *n)
}

/// Recipients by status of every running or paused broadcast: one pass over each one's
/// recipients by key (a grouped join over all of them costs several times more).
fn open_broadcasts(conn: &Connection) -> Result<Vec<OpenBroadcast>, Error> {
    let open = query_vec(
        conn,
        "SELECT id, status FROM broadcasts WHERE status IN ('running', 'paused') ORDER BY id",
        [],
        |row| {
            let status: String = row.get(1)?;
            let status = BroadcastStatus::ALL
                .into_iter()
                .find(|it| it.as_str() == status)
                .ok_or(Error::Decode {
                    column: "broadcasts.status",
                    raw: status,
                })?;
            Ok((BroadcastId(row.get(0)?), status))
        },
    )?;
    let mut res = Vec::new();
    for (id, status) in open {
        let [pending, sent, failed, blocked, possible_duplicates] = row_counts(
            conn,
            "SELECT count(*) FILTER (WHERE status = 'pending'), count(*) FILTER (WHERE status = 'sent'), \
             count(*) FILTER (WHERE status = 'failed'), count(*) FILTER (WHERE status = 'blocked'), \
             count(*) FILTER (WHERE status = 'sent' AND attempts > 1) \
             FROM broadcast_recipients WHERE broadcast_id = ?1",
            id.0,
        )?;
        res.push(OpenBroadcast {
            id,
            status,
            progress: BroadcastProgress {
                pending,
                sent,
                failed,
                blocked,
                ..BroadcastProgress::default()
            },
            possible_duplicates,
        });
    }
    Ok(res)
}

/// The one row of `N` counts that `sql` (with one parameter) answers.
fn row_counts<const N: usize>(
    conn: &Connection,
    sql: &str,
    param: impl ToSql,
) -> Result<[u64; N], Error> {
    let row = conn.prepare_cached(sql)?.query_row([param], |row| {
        let mut res = [0_i64; N];
        for (idx, slot) in res.iter_mut().enumerate() {
            *slot = row.get(idx)?;
        }
        Ok(res)
    })?;
    let mut res = [0; N];
    for (slot, n) in res.iter_mut().zip(row) {
        *slot = to_u64("count", n)?;
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use ajib_domain::{Currency, Money, TelegramId, UnixTime};

    use super::*;
    use crate::{RecipientStatus, UserSeen};

    #[tokio::test]
    async fn each_count_follows_its_rows() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("ajib.db")).unwrap();
        let (sara, reza) = (TelegramId(1001), TelegramId(1002));
        for user in [sara, reza] {
            let seen = UserSeen {
                id: user,
                username: None,
                first_name: "U".to_owned(),
                now: UnixTime(10),
            };
            store.upsert_user(&seen).await.unwrap();
        }
        let empty = store.state_counts().await.unwrap();
        assert_eq!(empty.provision_jobs, JobStates::default());
        assert_eq!(empty.orders.len(), OrderStatus::ALL.len());
        assert!(empty.topups.is_empty() && empty.broadcasts_open.is_empty());

        // A paid test order's job, leased by a worker; a top-up asked for.
        store.create_test_order(sara, UnixTime(20)).await.unwrap();
        store.claim_job(UnixTime(30), 60).await.unwrap().unwrap();
        let five = Money::from_minor(500, Currency::USD).unwrap();
        store.create_topup(sara, five, UnixTime(40)).await.unwrap();
        // A broadcast whose send to Sara was cut short by a crash and made again.
        let id = store
            .create_broadcast("hi", None, "all", &[sara, reza], sara, UnixTime(50))
            .await
            .unwrap();
        store.attempt_recipient(id, sara).await.unwrap();
        store.attempt_recipient(id, sara).await.unwrap();
        store
            .mark_recipient(id, sara, RecipientStatus::Sent, UnixTime(60))
            .await
            .unwrap();
        store
            .set_broadcast_status(id, BroadcastStatus::Paused, UnixTime(70))
            .await
            .unwrap();

        let counts = store.state_counts().await.unwrap();
        let running = JobStates {
            running: 1,
            ..JobStates::default()
        };
        assert_eq!(counts.provision_jobs, running);
        assert_eq!(counts.orders_in(OrderStatus::Paid), 1);
        assert_eq!(counts.topups, [("created".to_owned(), 1)]);
        let [open] = counts.broadcasts_open.as_slice() else {
            panic!("one open broadcast: {counts:?}");
        };
        assert_eq!((open.id, open.status), (id, BroadcastStatus::Paused));
        assert_eq!((open.progress.pending, open.progress.sent), (1, 1));
        assert_eq!(open.possible_duplicates, 1);

        store
            .set_broadcast_status(id, BroadcastStatus::Done, UnixTime(80))
            .await
            .unwrap();
        let done = store.state_counts().await.unwrap();
        assert!(done.broadcasts_open.is_empty());
        assert!(done.broadcasts.contains(&(BroadcastStatus::Done, 1)));
    }

    #[test]
    fn a_missing_status_counts_zero() {
        let counts = vec![("paid".to_owned(), 3), ("expired".to_owned(), 1)];
        assert_eq!(found(&counts, "paid"), 3);
        assert_eq!(found(&counts, "created"), 0);
    }
}
