//! Orders, invoices, payment confirmation and the test-account order.

use ajib_domain::{
    Currency, Invoice, JobId, Money, Order, OrderId, OrderKind, OrderStatus, PlanId, ServiceId,
    TelegramId, TransitionError, UnixTime,
};
use rusqlite::{Connection, Row, params};

use crate::{
    ConfirmedPayment, Error, Settlement, Store,
    error::is_unique_violation,
    jobs::{PROVISION_JOB, insert_job, provision_payload},
    ledger::settle,
    store::{money, opt_time, query_exists, query_opt, query_vec, time, to_u32},
};

/// An order for something on sale, before it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrder {
    /// Who orders.
    pub user: TelegramId,
    /// The plan bought.
    pub plan: PlanId,
    /// The service to renew; `None` buys a new one.
    pub renews: Option<ServiceId>,
    /// The price; zero makes it an admin grant, paid with [`Store::confirm_free`].
    pub amount: Money,
    /// Free text, e.g. who granted it.
    pub note: Option<String>,
    /// The location the customer picked for a new service (a panel's
    /// location label); `None` lets the provisioning worker pick among the
    /// plan's locations.
    pub location: Option<String>,
}

/// What confirming a payment did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaidOutcome {
    /// This call moved the order to paid and queued this provisioning job.
    Granted(JobId),
    /// The order was already paid; nothing changed.
    AlreadyPaid,
}

/// Proof that an order was just moved to [`OrderStatus::Paid`] inside the current transaction.
#[derive(Debug)]
pub(crate) struct PaidOrder(OrderId);

pub(crate) const ORDER_COLUMNS: &str = "id, user_id, plan_id, kind, renewal_service_id, amount_minor, currency, \
     status, invoice_uuid, invoice_url, invoice_expires_at, next_poll_at, paid_at, provisioned_at, service_id, \
     renewal_target_days, created_at, updated_at, note, invoice_minor";

/// [`ORDER_COLUMNS`] of a table aliased `o`, for joins.
pub(crate) const ORDER_COLUMNS_O: &str = "o.id, o.user_id, o.plan_id, o.kind, o.renewal_service_id, \
     o.amount_minor, o.currency, o.status, o.invoice_uuid, o.invoice_url, o.invoice_expires_at, \
     o.next_poll_at, o.paid_at, o.provisioned_at, o.service_id, o.renewal_target_days, o.created_at, \
     o.updated_at, o.note, o.invoice_minor";

impl Store {
    /// Stores a new order in status `created`.
    pub async fn create_order(&self, order: &NewOrder, now: UnixTime) -> Result<Order, Error> {
        let order = order.clone();
        self.with_conn(move |conn| insert_order(conn, &order, now))
            .await
    }

    /// Stores an admin's free grant (`order.amount` must be zero) already paid, with its provisioning job.
    ///
    /// One transaction, like [`Store::create_test_order`]: the grant cannot
    /// exist without the job that delivers it.
    pub async fn create_granted_order(
        &self,
        order: &NewOrder,
        now: UnixTime,
    ) -> Result<(Order, JobId), Error> {
        let order = order.clone();
        self.with_tx(move |tx| {
            let created = insert_order(tx, &order, now)?;
            let paid = mark_paid(tx, &created, now)?;
            let job = enqueue_provisioning(tx, &paid, now)?;
            let order = get_order(tx, created.id)?.ok_or(Error::NotFound { what: "order" })?;
            Ok((order, job))
        })
        .await
    }

    /// Creates the user's one test order, already paid with its provisioning job queued.
    ///
    /// Both happen in one transaction, so a crash cannot leave a test order
    /// that blocks a retry yet never gets provisioned. A second call for the
    /// same user fails with [`Error::TestAlreadyUsed`].
    pub async fn create_test_order(
        &self,
        user: TelegramId,
        now: UnixTime,
    ) -> Result<(Order, JobId), Error> {
        self.with_tx(move |tx| {
            let amount = Money::zero(Currency::USD);
            let status = OrderStatus::Created.transition(OrderStatus::Paid, amount)?;
            let sql = format!(
                "INSERT INTO orders (user_id, kind, amount_minor, currency, status, paid_at, created_at, updated_at) \
                 VALUES (?1, 'test', 0, ?2, ?3, ?4, ?4, ?4) RETURNING {ORDER_COLUMNS}"
            );
            let inserted = query_opt(tx, &sql, params![user.0, amount.currency().code(), status.as_str(), now.0], read_order);
            let order = match inserted {
                Ok(Some(order)) => order,
                Ok(None) => return Err(Error::NotFound { what: "order" }),
                Err(Error::Sqlite(e)) if is_unique_violation(e.inner()) => return Err(Error::TestAlreadyUsed { user }),
                Err(e) => return Err(e),
            };
            let job = enqueue_provisioning(tx, &PaidOrder(order.id), now)?;
            Ok((order, job))
        })
        .await
    }

    /// The order with this id.
    pub async fn get_order(&self, id: OrderId) -> Result<Option<Order>, Error> {
        self.with_conn(move |conn| get_order(conn, id)).await
    }

    /// The user's newest unpaid order for the same purchase (`order`'s plan,
    /// service and amount) whose invoice is still payable after `valid_after`:
    /// a second press of Pay reuses it instead of opening another invoice.
    pub async fn open_invoice(
        &self,
        order: &NewOrder,
        invoice_amount: Money,
        valid_after: UnixTime,
    ) -> Result<Option<Order>, Error> {
        let order = order.clone();
        self.with_conn(move |conn| {
            open_invoice_for(conn, &order, invoice_amount, valid_after, None)
        })
        .await
    }

    /// The latest `limit` orders of everyone, newest first.
    pub async fn recent_orders(&self, limit: u32) -> Result<Vec<Order>, Error> {
        self.with_conn(move |conn| {
            let sql = format!("SELECT {ORDER_COLUMNS} FROM orders ORDER BY id DESC LIMIT ?1");
            query_vec(conn, &sql, [limit], read_order)
        })
        .await
    }

    /// The user's orders, newest first.
    pub async fn orders_of_user(&self, user: TelegramId) -> Result<Vec<Order>, Error> {
        self.with_conn(move |conn| {
            let sql =
                format!("SELECT {ORDER_COLUMNS} FROM orders WHERE user_id = ?1 ORDER BY id DESC");
            query_vec(conn, &sql, [user.0], read_order)
        })
        .await
    }

    /// Whether the user had a test order that an operator has not reset.
    pub async fn has_test_order(&self, user: TelegramId) -> Result<bool, Error> {
        self.with_conn(move |conn| {
            query_exists(
                conn,
                "SELECT 1 FROM orders WHERE user_id = ?1 AND kind = 'test' AND test_reset_at IS NULL",
                [user.0],
            )
        })
        .await
    }

    /// Lets the user take another free test; false if they have no finished test to release.
    ///
    /// The old test order is kept and stamped, and stops counting for
    /// [`Store::has_test_order`] and the one-test-per-user rule. Only a test
    /// that is over (provisioned or failed) is released: one still being
    /// provisioned is left alone, so a user never has two tests in flight.
    pub async fn reset_test_eligibility(
        &self,
        user: TelegramId,
        now: UnixTime,
    ) -> Result<bool, Error> {
        self.with_conn(move |conn| {
            let n = conn
                .prepare_cached(
                    "UPDATE orders SET test_reset_at = ?2, updated_at = ?2 WHERE \
                    user_id = ?1 AND kind = 'test' AND test_reset_at IS NULL AND \
                    status IN ('provisioned', 'failed')",
                )?
                .execute(params![user.0, now.0])?;
            Ok(n > 0)
        })
        .await
    }

    /// Whether the user has a paid or granted non-test order.
    pub async fn has_paid_order(&self, user: TelegramId) -> Result<bool, Error> {
        self.with_conn(move |conn| {
            let sql = "SELECT 1 FROM orders WHERE user_id = ?1 AND kind <> 'test' AND status IN ('paid', 'provisioned')";
            query_exists(conn, sql, [user.0])
        })
        .await
    }

    /// Attaches the Heleket invoice: `created → invoiced`.
    ///
    /// Repeating the call with the same uuid returns the order unchanged, so a
    /// retried invoice request is harmless.
    pub async fn set_invoiced(
        &self,
        id: OrderId,
        invoice: &Invoice,
        next_poll_at: UnixTime,
        now: UnixTime,
    ) -> Result<Order, Error> {
        let invoice = invoice.clone();
        self.with_tx(move |tx| {
            let order = get_order(tx, id)?.ok_or(Error::NotFound { what: "order" })?;
            if order.status == OrderStatus::Invoiced
                && order
                    .invoice
                    .as_ref()
                    .is_some_and(|it| it.uuid == invoice.uuid)
            {
                return Ok(order);
            }
            order
                .status
                .transition(OrderStatus::Invoiced, order.amount)?;
            tx.prepare_cached(
                "UPDATE orders SET status = 'invoiced', invoice_uuid = ?2, \
                    invoice_url = ?3, invoice_expires_at = ?4, next_poll_at = \
                    ?5, updated_at = ?6 WHERE id = ?1",
            )?
            .execute(params![
                id.0,
                invoice.uuid,
                invoice.url,
                invoice.expires.0,
                next_poll_at.0,
                now.0
            ])
            .map_err(|e| match is_unique_violation(&e) {
                true => Error::Conflict {
                    what: "the invoice belongs to another order",
                },
                false => e.into(),
            })?;
            get_order(tx, id)?.ok_or(Error::NotFound { what: "order" })
        })
        .await
    }

    /// Invoiced (or recently expired) orders whose next poll is due at `now`, most overdue first.
    pub async fn due_for_poll(&self, now: UnixTime, limit: u32) -> Result<Vec<Order>, Error> {
        self.with_conn(move |conn| {
            let sql = format!(
                "SELECT {ORDER_COLUMNS} FROM orders WHERE status IN ('invoiced', 'expired') \
                 AND next_poll_at <= ?1 ORDER BY next_poll_at, id LIMIT ?2"
            );
            query_vec(conn, &sql, params![now.0, limit], read_order)
        })
        .await
    }

    /// Schedules the next poll of an invoiced (or expired) order; false if it is neither.
    pub async fn set_next_poll(&self, id: OrderId, at: UnixTime) -> Result<bool, Error> {
        self.with_conn(move |conn| {
            let n = conn
                .prepare_cached(
                    "UPDATE orders SET next_poll_at = ?2 WHERE id = ?1 AND status \
                    IN ('invoiced', 'expired')",
                )?
                .execute(params![id.0, at.0])?;
            Ok(n == 1)
        })
        .await
    }

    /// Lets the balance pay part of a `created` order: its invoice will ask
    /// only `invoice_amount` (less than the price, more than zero).
    pub async fn set_invoice_part(
        &self,
        id: OrderId,
        invoice_amount: Money,
    ) -> Result<Order, Error> {
        self.with_conn(move |conn| {
            let order = get_order(conn, id)?.ok_or(Error::NotFound { what: "order" })?;
            let part_ok = invoice_amount.currency() == order.amount.currency()
                && !invoice_amount.is_zero()
                && invoice_amount.minor() <= order.amount.minor();
            if order.status != OrderStatus::Created || !part_ok {
                return Err(Error::Conflict {
                    what: "only a created order's invoice can ask for part of its price",
                });
            }
            conn.prepare_cached(
                "UPDATE orders SET invoice_minor = ?2 WHERE id = ?1 AND status = 'created'",
            )?
            .execute(params![id.0, invoice_amount.minor()])?;
            get_order(conn, id)?.ok_or(Error::NotFound { what: "order" })
        })
        .await
    }

    /// Stops asking Heleket about the order's invoice.
    pub async fn stop_polling(&self, id: OrderId) -> Result<(), Error> {
        self.with_conn(move |conn| {
            conn.prepare_cached("UPDATE orders SET next_poll_at = NULL WHERE id = ?1")?
                .execute([id.0])?;
            Ok(())
        })
        .await
    }

    /// Closes a mismatching invoice's order as failed with `note`, once:
    /// true if this call closed it (so the owners are alerted once).
    pub async fn close_mismatch(
        &self,
        id: OrderId,
        note: &str,
        now: UnixTime,
    ) -> Result<bool, Error> {
        let note = note.to_owned();
        self.with_conn(move |conn| {
            let n = conn
                .prepare_cached(
                    "UPDATE orders SET status = 'failed', next_poll_at = NULL, updated_at = ?2, \
                 note = coalesce(note || '; ', '') || ?3 \
                 WHERE id = ?1 AND status IN ('invoiced', 'expired')",
                )?
                .execute(params![id.0, now.0, note])?;
            Ok(n == 1)
        })
        .await
    }

    /// `invoiced → expired`; false if the order was not invoiced (already paid, say).
    pub async fn mark_expired(&self, id: OrderId, now: UnixTime) -> Result<bool, Error> {
        self.close_invoice(id, OrderStatus::Expired, now).await
    }

    /// `invoiced → underpaid`; false if the order was not invoiced.
    pub async fn mark_underpaid(&self, id: OrderId, now: UnixTime) -> Result<bool, Error> {
        self.close_invoice(id, OrderStatus::Underpaid, now).await
    }

    /// `created → failed` or `invoiced → failed`; false if the order was in neither.
    pub async fn mark_failed(&self, id: OrderId, note: &str, now: UnixTime) -> Result<bool, Error> {
        let note = note.to_owned();
        self.with_conn(move |conn| {
            let n = conn
                .prepare_cached(
                    "UPDATE orders SET status = 'failed', updated_at = ?2, note = \
                    coalesce(note || '; ', '') || ?3 WHERE id = ?1 AND status IN \
                    ('created', 'invoiced')",
                )?
                .execute(params![id.0, now.0, note])?;
            Ok(n == 1)
        })
        .await
    }

    /// Credits the exact payment of invoice `invoice_uuid` to order `id` and
    /// grants it: exactly once (see [`Store::settle_payment`], which this is
    /// with the price received and the plan still on sale).
    ///
    /// An order that can no longer be granted is an error, and nothing is credited.
    pub async fn confirm_paid(
        &self,
        id: OrderId,
        invoice_uuid: &str,
        now: UnixTime,
    ) -> Result<PaidOutcome, Error> {
        let invoice_uuid = invoice_uuid.to_owned();
        self.with_tx(move |tx| {
            let order = get_order(tx, id)?.ok_or(Error::NotFound { what: "order" })?;
            let payment = ConfirmedPayment {
                order: id,
                invoice_uuid,
                received: order.amount,
                grantable: true,
            };
            match settle(tx, &payment, now)? {
                Settlement::Granted { job, .. } => Ok(PaidOutcome::Granted(job)),
                Settlement::AlreadySettled => Ok(PaidOutcome::AlreadyPaid),
                // Returning the error rolls the credit back.
                Settlement::Credited { .. } => Err(TransitionError {
                    from: order.status,
                    to: OrderStatus::Paid,
                }
                .into()),
            }
        })
        .await
    }

    /// Marks a free order (an admin grant: amount zero) paid without an invoice: `created → paid`.
    ///
    /// Same exactly-once guarantee as [`Store::confirm_paid`].
    pub async fn confirm_free(&self, id: OrderId, now: UnixTime) -> Result<PaidOutcome, Error> {
        self.with_tx(move |tx| {
            let order = get_order(tx, id)?.ok_or(Error::NotFound { what: "order" })?;
            if order.status.is_paid() {
                return Ok(PaidOutcome::AlreadyPaid);
            }
            if order.status != OrderStatus::Created {
                return Err(TransitionError {
                    from: order.status,
                    to: OrderStatus::Paid,
                }
                .into());
            }
            let paid = mark_paid(tx, &order, now)?;
            enqueue_provisioning(tx, &paid, now).map(PaidOutcome::Granted)
        })
        .await
    }

    /// Records a payment status Heleket reported; true if this (invoice, status) pair is new.
    pub async fn record_payment_status(
        &self,
        invoice_uuid: &str,
        order: OrderId,
        status: &str,
        raw: &str,
        now: UnixTime,
    ) -> Result<bool, Error> {
        let (invoice_uuid, status, raw) =
            (invoice_uuid.to_owned(), status.to_owned(), raw.to_owned());
        self.with_conn(move |conn| {
            let n = conn
                .prepare_cached(
                    "INSERT OR IGNORE INTO payments (invoice_uuid, order_id, \
                    status, raw, received_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                )?
                .execute(params![invoice_uuid, order.0, status, raw, now.0])?;
            Ok(n == 1)
        })
        .await
    }

    /// Records, once, the total days a renewal should leave on the panel; returns the recorded value.
    ///
    /// The first call wins: a retried job gets the first target back and so
    /// sets the same expiry again instead of extending twice.
    pub async fn set_renewal_target_days(&self, id: OrderId, days: u32) -> Result<u32, Error> {
        self.with_tx(move |tx| {
            tx.prepare_cached(
                "UPDATE orders SET renewal_target_days = ?2 WHERE id = ?1 AND \
                    renewal_target_days IS NULL",
            )?
            .execute(params![id.0, days])?;
            let order = get_order(tx, id)?.ok_or(Error::NotFound { what: "order" })?;
            order.renewal_target_days.ok_or(Error::NotFound {
                what: "renewal target",
            })
        })
        .await
    }

    /// The target recorded by [`Store::set_renewal_target_days`], if any.
    pub async fn renewal_target_days(&self, id: OrderId) -> Result<Option<u32>, Error> {
        Ok(self
            .get_order(id)
            .await?
            .ok_or(Error::NotFound { what: "order" })?
            .renewal_target_days)
    }

    async fn close_invoice(
        &self,
        id: OrderId,
        to: OrderStatus,
        now: UnixTime,
    ) -> Result<bool, Error> {
        self.with_conn(move |conn| {
            let n = conn
                .prepare_cached(
                    "UPDATE orders SET status = ?2, updated_at = ?3 WHERE id = ?1 \
                    AND status = 'invoiced'",
                )?
                .execute(params![id.0, to.as_str(), now.0])?;
            Ok(n == 1)
        })
        .await
    }
}

pub(crate) fn get_order(conn: &Connection, id: OrderId) -> Result<Option<Order>, Error> {
    query_opt(
        conn,
        &format!("SELECT {ORDER_COLUMNS} FROM orders WHERE id = ?1"),
        [id.0],
        read_order,
    )
}

/// The user's newest unpaid order for the same purchase made with promo code
/// `promo` (or none) whose invoice is still payable after `valid_after`.
pub(crate) fn open_invoice_for(
    conn: &Connection,
    order: &NewOrder,
    invoice_amount: Money,
    valid_after: UnixTime,
    promo: Option<crate::PromoId>,
) -> Result<Option<Order>, Error> {
    let sql = format!(
        "SELECT {ORDER_COLUMNS} FROM orders WHERE user_id = ?1 AND plan_id = ?2 \
         AND renewal_service_id IS ?3 AND amount_minor = ?4 AND currency = ?5 \
         AND status = 'invoiced' AND invoice_expires_at > ?6 \
         AND coalesce(invoice_minor, amount_minor) = ?7 AND location IS ?8 \
         AND promo_code_id IS ?9 ORDER BY id DESC LIMIT 1"
    );
    let currency = order.amount.currency();
    let params = params![
        order.user.0,
        order.plan.0,
        order.renews.map(|it| it.0),
        order.amount.minor(),
        currency.code(),
        valid_after.0,
        invoice_amount.minor(),
        order.location,
        promo.map(|it| it.0)
    ];
    query_opt(conn, &sql, params, read_order)
}

/// Moves `order` to paid if the state machine allows it; must run inside a write transaction.
pub(crate) fn insert_order(
    conn: &Connection,
    order: &NewOrder,
    now: UnixTime,
) -> Result<Order, Error> {
    let kind = match order.renews {
        Some(_) => "renewal",
        None => "new",
    };
    let sql = format!(
        "INSERT INTO orders (user_id, plan_id, kind, renewal_service_id, amount_minor, currency, status, \
         created_at, updated_at, note, location) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'created', ?7, ?7, ?8, ?9) \
         RETURNING {ORDER_COLUMNS}"
    );
    let currency = order.amount.currency();
    let params = params![
        order.user.0,
        order.plan.0,
        kind,
        order.renews.map(|it| it.0),
        order.amount.minor(),
        currency.code(),
        now.0,
        order.note,
        order.location
    ];
    query_opt(conn, &sql, params, read_order)?.ok_or(Error::NotFound { what: "order" })
}

/// Marks an order paid with money that is already on the ledger: from
/// `created` (paid from the balance), `invoiced`, or `expired` (a late payment).
pub(crate) fn set_paid(
    conn: &Connection,
    order: &Order,
    now: UnixTime,
) -> Result<PaidOrder, Error> {
    if !matches!(
        order.status,
        OrderStatus::Created | OrderStatus::Invoiced | OrderStatus::Expired
    ) {
        return Err(TransitionError {
            from: order.status,
            to: OrderStatus::Paid,
        }
        .into());
    }
    let n = conn
        .prepare_cached(
            "UPDATE orders SET status = 'paid', paid_at = ?3, updated_at = ?3, next_poll_at = NULL \
         WHERE id = ?1 AND status = ?2",
        )?
        .execute(params![order.id.0, order.status.as_str(), now.0])?;
    match n {
        1 => Ok(PaidOrder(order.id)),
        _ => Err(Error::Conflict {
            what: "the order changed while being paid",
        }),
    }
}

fn mark_paid(conn: &Connection, order: &Order, now: UnixTime) -> Result<PaidOrder, Error> {
    let to = order.status.transition(OrderStatus::Paid, order.amount)?;
    let n = conn
        .prepare_cached(
            "UPDATE orders SET status = ?3, paid_at = ?4, updated_at = ?4 \
                    WHERE id = ?1 AND status = ?2",
        )?
        .execute(params![
            order.id.0,
            order.status.as_str(),
            to.as_str(),
            now.0
        ])?;
    match n {
        1 => Ok(PaidOrder(order.id)),
        _ => Err(Error::Conflict {
            what: "the order changed while being paid",
        }),
    }
}

pub(crate) fn enqueue_provisioning(
    conn: &Connection,
    order: &PaidOrder,
    now: UnixTime,
) -> Result<JobId, Error> {
    insert_job(conn, PROVISION_JOB, &provision_payload(order.0), now)
}

pub(crate) fn read_order(row: &Row<'_>) -> Result<Order, Error> {
    let kind_text: String = row.get("kind")?;
    let renewal: Option<i64> = row.get("renewal_service_id")?;
    let kind = match (kind_text.as_str(), renewal) {
        ("new", None) => OrderKind::New,
        ("renewal", Some(service)) => OrderKind::Renewal(ServiceId(service)),
        ("test", None) => OrderKind::Test,
        _ => {
            return Err(Error::Decode {
                column: "orders.kind",
                raw: kind_text,
            });
        }
    };
    let status_text: String = row.get("status")?;
    let status = OrderStatus::parse(&status_text).map_err(|_| Error::Decode {
        column: "orders.status",
        raw: status_text,
    })?;
    let invoice = match (
        row.get::<_, Option<String>>("invoice_uuid")?,
        row.get::<_, Option<String>>("invoice_url")?,
    ) {
        (Some(uuid), Some(url)) => Some(Invoice {
            uuid,
            url,
            expires: UnixTime(
                row.get::<_, Option<i64>>("invoice_expires_at")?
                    .unwrap_or(0),
            ),
        }),
        _ => None,
    };
    let renewal_target_days = match row.get::<_, Option<i64>>("renewal_target_days")? {
        Some(days) => Some(to_u32("orders.renewal_target_days", days)?),
        None => None,
    };
    let amount = money(row, "amount_minor", "currency")?;
    let invoice_amount = match row.get::<_, Option<i64>>("invoice_minor")? {
        Some(minor) => Money::from_minor(minor, amount.currency()).map_err(|_| Error::Decode {
            column: "orders.invoice_minor",
            raw: minor.to_string(),
        })?,
        None => amount,
    };
    Ok(Order {
        id: OrderId(row.get("id")?),
        user: TelegramId(row.get("user_id")?),
        plan: row.get::<_, Option<i64>>("plan_id")?.map(PlanId),
        kind,
        amount,
        invoice_amount,
        status,
        invoice,
        next_poll_at: opt_time(row, "next_poll_at")?,
        paid_at: opt_time(row, "paid_at")?,
        provisioned_at: opt_time(row, "provisioned_at")?,
        service: row.get::<_, Option<i64>>("service_id")?.map(ServiceId),
        renewal_target_days,
        created: time(row, "created_at")?,
        updated: time(row, "updated_at")?,
        note: row.get("note")?,
    })
}
