//! The durable job queue: at-least-once work with leases, retries and dead letters.

use ajib_domain::{JobId, Order, OrderId, Service, ServiceId, UnixTime};
use rusqlite::{Connection, Row, params};

use crate::{
    Error, NewService, Store,
    mail::{NewMail, insert_mail, requeue_interrupted},
    orders::{ORDER_COLUMNS_O, read_order},
    services::{extend_service, insert_service},
    store::{one_row, query_count, query_opt, query_vec, time, to_u32},
};

/// The kind of the job [`Store::confirm_paid`] queues; its payload is `{"order_id": <id>}`.
pub const PROVISION_JOB: &str = "provision";

/// A paid order whose provisioning was given up, as [`Store::stuck_orders`] lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StuckOrder {
    /// The order, still `paid`.
    pub order: Order,
    /// Its provisioning job.
    pub job: JobId,
    /// How many attempts were made.
    pub attempts: u32,
    /// The last attempt's error, as the worker recorded it.
    pub error: String,
    /// When the job was given up.
    pub since: UnixTime,
}

/// What [`Store::retry_provisioning`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryOutcome {
    /// The job is queued again and due now.
    Queued(JobId),
    /// The job is still queued or running; nothing changed.
    AlreadyQueued(JobId),
    /// The order was provisioned meanwhile; nothing to do.
    AlreadyProvisioned,
    /// The order is not paid; there is nothing to provision.
    NotPaid,
}

/// What [`Store::begin_run`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunStart {
    /// This process's run: higher than every run before it.
    pub generation: i64,
    /// Jobs a dead process had leased, due again now.
    pub released_jobs: u64,
    /// Messages a dead process was sending, queued again.
    pub resent_mail: u64,
}

/// What a provisioning job did on the panel, for [`Store::finish_provisioning`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Provisioning {
    /// A new or test order made this account.
    Create(NewService),
    /// A renewal order extended this service to `new_expires`.
    Extend {
        /// The renewed service.
        service: ServiceId,
        /// Its new expiry.
        new_expires: UnixTime,
    },
}

/// What [`Store::finish_provisioning`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finished {
    /// The order's service.
    pub service: Service,
    /// Whether this call provisioned the order (and queued its messages).
    pub first: bool,
}

/// A claimed (or dead) job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// Its id.
    pub id: JobId,
    /// What to do, e.g. [`PROVISION_JOB`].
    pub kind: String,
    /// JSON arguments.
    pub payload: String,
    /// How many times it was claimed, this time included.
    pub attempts: u32,
    /// When it became due.
    pub run_at: UnixTime,
    /// The error of the previous attempt.
    pub last_error: Option<String>,
}

const JOB_COLUMNS: &str = "id, kind, payload, attempts, run_at, last_error";

impl Job {
    /// The order of a [`PROVISION_JOB`]; `None` for other kinds or a malformed payload.
    #[must_use]
    pub fn provision_order(&self) -> Option<OrderId> {
        if self.kind != PROVISION_JOB {
            return None;
        }
        let value: serde_json::Value = serde_json::from_str(&self.payload).ok()?;
        value.get("order_id")?.as_i64().map(OrderId)
    }
}

impl Store {
    /// Queues a job of `kind` with JSON `payload`, due at `run_at`.
    pub async fn enqueue_job(
        &self,
        kind: &str,
        payload_json: &str,
        run_at: UnixTime,
    ) -> Result<JobId, Error> {
        let (kind, payload) = (kind.to_owned(), payload_json.to_owned());
        self.with_conn(move |conn| insert_job(conn, &kind, &payload, run_at))
            .await
    }

    /// Records that a bot process starts, and takes back what the processes
    /// before it left half done: their leased jobs are due again at once
    /// (not when their lease runs out), and so are jobs waiting out a retry
    /// backoff; the messages they were sending are queued again (counted as
    /// possibly sent twice); and every open invoice is asked about at once,
    /// since Heleket's webhooks may have come while nobody listened.
    ///
    /// Call it once at start, before any worker: the newest run is the live one.
    pub async fn begin_run(&self, now: UnixTime) -> Result<RunStart, Error> {
        self.with_tx(move |tx| {
            let generation: i64 = tx
                .prepare_cached("INSERT INTO runs (started_at) VALUES (?1) RETURNING id")?
                .query_row([now.0], |row| row.get(0))?;
            let released = tx
                .prepare_cached(
                    "UPDATE jobs SET status = 'pending', lease_until = NULL, \
                    run_at = min(run_at, ?2), updated_at = ?2 WHERE status = \
                    'running' AND coalesce(leased_by, 0) < ?1",
                )?
                .execute(params![generation, now.0])?;
            tx.prepare_cached(
                "UPDATE jobs SET run_at = ?1 WHERE status = 'pending' AND run_at > ?1",
            )?
            .execute([now.0])?;
            for table in ["orders", "topups"] {
                tx.prepare_cached(&format!(
                    "UPDATE {table} SET next_poll_at = ?1 WHERE next_poll_at > ?1"
                ))?
                .execute([now.0])?;
            }
            let resent_mail = requeue_interrupted(tx)?;
            Ok(RunStart {
                generation,
                released_jobs: released as u64,
                resent_mail,
            })
        })
        .await
    }

    /// Leases the most overdue job to the caller for `lease_secs`, or `None` if nothing is due.
    ///
    /// One UPDATE picks and leases the job, so two workers never get the same
    /// one. A job whose lease ran out (its worker died) is due again, and
    /// [`Store::begin_run`] frees the jobs of a dead process at once.
    pub async fn claim_job(&self, now: UnixTime, lease_secs: u32) -> Result<Option<Job>, Error> {
        self.with_conn(move |conn| {
            let sql = format!(
                "UPDATE jobs SET status = 'running', attempts = attempts + 1, lease_until = ?1 + ?2, updated_at = ?1, \
                 leased_by = (SELECT max(id) FROM runs) \
                 WHERE id = (SELECT id FROM jobs WHERE (status = 'pending' AND run_at <= ?1) \
                 OR (status = 'running' AND lease_until <= ?1) ORDER BY run_at, id LIMIT 1) \
                 RETURNING {JOB_COLUMNS}"
            );
            query_opt(conn, &sql, params![now.0, lease_secs], read_job)
        })
        .await
    }

    /// Marks a job done.
    pub async fn complete_job(&self, id: JobId) -> Result<(), Error> {
        self.with_conn(move |conn| complete(conn, id)).await
    }

    /// Finishes a provisioning job in one transaction: the service is stored
    /// (or extended), the order moves `paid → provisioned`, the customer's
    /// messages are queued and the job is done.
    ///
    /// Repeated for an order already provisioned (a crash made the job run
    /// again), it queues nothing, completes the job and returns the service
    /// the first run made with `first: false`: the configs go out once.
    pub async fn finish_provisioning(
        &self,
        job: JobId,
        order: OrderId,
        work: Provisioning,
        mail: Vec<NewMail>,
        now: UnixTime,
    ) -> Result<Finished, Error> {
        self.with_tx(move |tx| {
            let (service, first) = match &work {
                Provisioning::Create(service) => insert_service(tx, order, service, now)?,
                Provisioning::Extend {
                    service,
                    new_expires,
                } => extend_service(tx, order, *service, *new_expires, now)?,
            };
            if first {
                insert_mail(tx, &mail, now)?;
            }
            complete(tx, job)?;
            Ok(Finished { service, first })
        })
        .await
    }

    /// Gives up on a job like [`Store::fail_job`] and queues `mail` (the
    /// customer's and the staff's notices) in the same transaction.
    pub async fn fail_job_with_mail(
        &self,
        id: JobId,
        error: &str,
        mail: Vec<NewMail>,
        now: UnixTime,
    ) -> Result<(), Error> {
        let error = error.to_owned();
        self.with_tx(move |tx| {
            fail(tx, id, &error)?;
            insert_mail(tx, &mail, now)
        })
        .await
    }

    /// Puts a failed job back in the queue, due at `run_at`.
    pub async fn retry_job(&self, id: JobId, run_at: UnixTime, error: &str) -> Result<(), Error> {
        let error = error.to_owned();
        self.with_conn(move |conn| {
            let n = conn
                .prepare_cached(
                    "UPDATE jobs SET status = 'pending', lease_until = NULL, \
                    run_at = ?2, last_error = ?3 WHERE id = ?1",
                )?
                .execute(params![id.0, run_at.0, error])?;
            one_row("job", n)
        })
        .await
    }

    /// Gives up on a job: it stays in the table as dead, with its error, for an operator.
    pub async fn fail_job(&self, id: JobId, error: &str) -> Result<(), Error> {
        let error = error.to_owned();
        self.with_conn(move |conn| fail(conn, id, &error)).await
    }

    /// Jobs not yet done or dead (queued or leased).
    pub async fn pending_jobs_count(&self) -> Result<u64, Error> {
        self.with_conn(|conn| {
            query_count(
                conn,
                "SELECT COUNT(*) FROM jobs WHERE status IN ('pending', 'running')",
                [],
            )
        })
        .await
    }

    /// Paid orders whose provisioning job was given up (a permanent panel
    /// error, or too many attempts), oldest first: each needs a person.
    pub async fn stuck_orders(&self, limit: u32) -> Result<Vec<StuckOrder>, Error> {
        self.with_conn(move |conn| {
            let sql = format!(
                "SELECT j.id AS job_id, j.attempts AS job_attempts, j.last_error AS job_error, \
                 j.updated_at AS job_updated_at, {ORDER_COLUMNS_O} \
                 FROM jobs j JOIN orders o ON o.id = json_extract(j.payload, '$.order_id') \
                 WHERE j.kind = ?1 AND j.status = 'dead' AND o.status = 'paid' \
                 ORDER BY o.id LIMIT ?2"
            );
            query_vec(conn, &sql, params![PROVISION_JOB, limit], |row| {
                Ok(StuckOrder {
                    order: read_order(row)?,
                    job: JobId(row.get("job_id")?),
                    attempts: to_u32("jobs.attempts", row.get("job_attempts")?)?,
                    error: row
                        .get::<_, Option<String>>("job_error")?
                        .unwrap_or_default(),
                    since: time(row, "job_updated_at")?,
                })
            })
        })
        .await
    }

    /// Queues the provisioning of a paid order again, at once, with a fresh
    /// count of attempts.
    ///
    /// Only a given-up job is revived; a job still queued or running is left
    /// alone, so a double tap on "Retry" never runs the work twice at once.
    pub async fn retry_provisioning(
        &self,
        order: OrderId,
        now: UnixTime,
    ) -> Result<RetryOutcome, Error> {
        self.with_tx(move |tx| {
            let status: Option<String> = query_opt(
                tx,
                "SELECT status FROM orders WHERE id = ?1",
                [order.0],
                |row| Ok(row.get(0)?),
            )?;
            match status.as_deref() {
                None => return Err(Error::NotFound { what: "order" }),
                Some("paid") => (),
                Some("provisioned") => return Ok(RetryOutcome::AlreadyProvisioned),
                Some(_) => return Ok(RetryOutcome::NotPaid),
            }
            let job: Option<(i64, String)> = query_opt(
                tx,
                "SELECT id, status FROM jobs WHERE kind = ?1 \
                 AND json_extract(payload, '$.order_id') = ?2 ORDER BY id DESC LIMIT 1",
                params![PROVISION_JOB, order.0],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )?;
            match job {
                Some((id, status)) if status == "dead" => {
                    tx.prepare_cached(
                        "UPDATE jobs SET status = 'pending', attempts = 0, lease_until = NULL, \
                         run_at = ?2, updated_at = ?2 WHERE id = ?1",
                    )?
                    .execute(params![id, now.0])?;
                    Ok(RetryOutcome::Queued(JobId(id)))
                }
                Some((id, _)) => Ok(RetryOutcome::AlreadyQueued(JobId(id))),
                // A paid order always has its job (they are written together);
                // queue one rather than leave the order stranded.
                None => Ok(RetryOutcome::Queued(insert_job(
                    tx,
                    PROVISION_JOB,
                    &provision_payload(order),
                    now,
                )?)),
            }
        })
        .await
    }

    /// Dead jobs, newest first.
    pub async fn dead_jobs(&self, limit: u32) -> Result<Vec<Job>, Error> {
        self.with_conn(move |conn| {
            let sql = format!(
                "SELECT {JOB_COLUMNS} FROM jobs WHERE status = 'dead' ORDER BY id DESC LIMIT ?1"
            );
            query_vec(conn, &sql, [limit], read_job)
        })
        .await
    }
}

fn complete(conn: &Connection, id: JobId) -> Result<(), Error> {
    let n = conn
        .prepare_cached("UPDATE jobs SET status = 'done', lease_until = NULL WHERE id = ?1")?
        .execute([id.0])?;
    one_row("job", n)
}

fn fail(conn: &Connection, id: JobId, error: &str) -> Result<(), Error> {
    let n = conn
        .prepare_cached(
            "UPDATE jobs SET status = 'dead', lease_until = NULL, last_error = ?2 WHERE id = ?1",
        )?
        .execute(params![id.0, error])?;
    one_row("job", n)
}

/// Inserts a job on `conn`, which may be inside a caller's transaction.
pub(crate) fn insert_job(
    conn: &Connection,
    kind: &str,
    payload: &str,
    run_at: UnixTime,
) -> Result<JobId, Error> {
    let id: i64 = conn
        .prepare_cached(
            "INSERT INTO jobs (kind, payload, status, run_at, created_at, updated_at) \
         VALUES (?1, ?2, 'pending', ?3, ?3, ?3) RETURNING id",
        )?
        .query_row(params![kind, payload, run_at.0], |row| row.get(0))?;
    Ok(JobId(id))
}

pub(crate) fn provision_payload(order: OrderId) -> String {
    serde_json::json!({ "order_id": order.0 }).to_string()
}

fn read_job(row: &Row<'_>) -> Result<Job, Error> {
    Ok(Job {
        id: JobId(row.get("id")?),
        kind: row.get("kind")?,
        payload: row.get("payload")?,
        attempts: to_u32("jobs.attempts", row.get("attempts")?)?,
        run_at: time(row, "run_at")?,
        last_error: row.get("last_error")?,
    })
}
