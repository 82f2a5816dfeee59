//! Services (Blitz accounts), their provisioning from paid orders, and expiry reminders.

use ajib_domain::{
    Order, OrderId, OrderKind, OrderStatus, PanelId, PlanId, Service, ServiceId, ServiceStatus,
    TelegramId, UnixTime,
};
use rusqlite::{Connection, Row, params};

use crate::{
    Error, Store,
    orders::get_order,
    store::{one_row, query_opt, query_vec, time, to_sql_u64, to_u64},
};

/// A service about to be stored, after its Blitz account was created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewService {
    /// Its owner; must be the order's user.
    pub user: TelegramId,
    /// The panel the account was made on.
    pub panel: PanelId,
    /// The panel account name, see [`ajib_domain::blitz_username`].
    pub blitz_username: String,
    /// The plan bought; `None` for test accounts.
    pub plan: Option<PlanId>,
    /// Whether it is the free test account.
    pub is_test: bool,
    /// When it stops working.
    pub expires: UnixTime,
    /// Traffic cap in bytes; `None` when unlimited.
    pub traffic_limit_bytes: Option<u64>,
}

pub(crate) const SERVICE_COLUMNS: &str = "id, user_id, panel_id, blitz_username, plan_id, is_test, created_at, expires_at, traffic_limit_bytes, status";

impl Store {
    /// Stores the service a new-service or test order created and moves the order `paid → provisioned`.
    ///
    /// One transaction. Idempotent: if the order is already provisioned, the
    /// service it made is returned and nothing changes.
    pub async fn insert_service_and_mark_provisioned(
        &self,
        order: OrderId,
        service: &NewService,
        now: UnixTime,
    ) -> Result<Service, Error> {
        let service = service.clone();
        self.with_tx(move |tx| Ok(insert_service(tx, order, &service, now)?.0))
            .await
    }

    /// Sets the new expiry of the service a renewal order renews and moves the order `paid → provisioned`.
    ///
    /// One transaction, idempotent like [`Store::insert_service_and_mark_provisioned`].
    pub async fn extend_service_and_mark_provisioned(
        &self,
        order: OrderId,
        service: ServiceId,
        new_expires: UnixTime,
        now: UnixTime,
    ) -> Result<Service, Error> {
        self.with_tx(move |tx| Ok(extend_service(tx, order, service, new_expires, now)?.0))
            .await
    }

    /// The service with this id.
    pub async fn get_service(&self, id: ServiceId) -> Result<Option<Service>, Error> {
        self.with_conn(move |conn| get_service(conn, id)).await
    }

    /// The user's services, newest first.
    pub async fn services_of_user(&self, user: TelegramId) -> Result<Vec<Service>, Error> {
        self.with_conn(move |conn| {
            let sql = format!(
                "SELECT {SERVICE_COLUMNS} FROM services WHERE user_id = ?1 AND agent_id IS NULL \
                 ORDER BY id DESC"
            );
            query_vec(conn, &sql, [user.0], read_service)
        })
        .await
    }

    /// The oldest service with this panel account name (two panels may each have one).
    pub async fn find_service_by_blitz_username(
        &self,
        username: &str,
    ) -> Result<Option<Service>, Error> {
        let username = username.to_owned();
        self.with_conn(move |conn| {
            let sql = format!("SELECT {SERVICE_COLUMNS} FROM services WHERE blitz_username = ?1 ORDER BY id LIMIT 1");
            query_opt(conn, &sql, [username], read_service)
        })
        .await
    }

    /// Active services that expire after `now` but within `within_secs` of it, soonest first.
    pub async fn services_expiring(
        &self,
        now: UnixTime,
        within_secs: u32,
    ) -> Result<Vec<Service>, Error> {
        self.with_conn(move |conn| {
            let sql = format!(
                "SELECT {SERVICE_COLUMNS} FROM services WHERE status = 'active' AND expires_at > ?1 \
                 AND expires_at <= ?1 + ?2 ORDER BY expires_at, id"
            );
            query_vec(conn, &sql, params![now.0, within_secs], read_service)
        })
        .await
    }

    /// Every service in status active (some may have run past their expiry), by id.
    pub async fn active_services(&self) -> Result<Vec<Service>, Error> {
        // Hundreds of thousands of rows in a big shop: off the quick connection.
        self.with_conn_long(move |conn| {
            let sql = format!(
                "SELECT {SERVICE_COLUMNS} FROM services WHERE status = 'active' ORDER BY id"
            );
            query_vec(conn, &sql, [], read_service)
        })
        .await
    }

    /// Up to `limit` services in status active with an id above `after`, by id:
    /// [`Store::active_services`] a page at a time, so a round over a big shop
    /// holds one page in memory rather than every active service.
    pub async fn active_services_after(
        &self,
        after: ServiceId,
        limit: u32,
    ) -> Result<Vec<Service>, Error> {
        self.with_conn_long(move |conn| {
            let sql = format!(
                "SELECT {SERVICE_COLUMNS} FROM services WHERE status = 'active' AND id > ?1 ORDER BY id LIMIT ?2"
            );
            query_vec(conn, &sql, params![after.0, limit], read_service)
        })
        .await
    }

    /// Sets a service's status (an operator disabling or re-enabling it).
    pub async fn set_service_status(
        &self,
        id: ServiceId,
        status: ServiceStatus,
    ) -> Result<(), Error> {
        self.with_conn(move |conn| {
            let n = conn
                .prepare_cached("UPDATE services SET status = ?2 WHERE id = ?1")?
                .execute(params![id.0, status.as_str()])?;
            one_row("service", n)
        })
        .await
    }

    /// Sets a service's expiry (an operator extending it); an expired service that now runs again becomes active.
    ///
    /// A disabled service stays disabled. Returns the service as stored.
    pub async fn set_service_expiry(
        &self,
        id: ServiceId,
        expires: UnixTime,
        now: UnixTime,
    ) -> Result<Service, Error> {
        self.with_conn(move |conn| {
            let n = conn
                .prepare_cached(
                    "UPDATE services SET expires_at = ?2, status = CASE WHEN \
                    status = 'expired' AND ?2 > ?3 THEN 'active' ELSE status END \
                    WHERE id = ?1",
                )?
                .execute(params![id.0, expires.0, now.0])?;
            one_row("service", n)?;
            get_service(conn, id)?.ok_or(Error::NotFound { what: "service" })
        })
        .await
    }

    /// Moves active services whose expiry is at or before `now` to expired; returns how many.
    pub async fn expire_services(&self, now: UnixTime) -> Result<u64, Error> {
        self.with_conn(move |conn| {
            let n = conn
                .prepare_cached(
                    "UPDATE services SET status = 'expired' WHERE status = \
                    'active' AND expires_at <= ?1",
                )?
                .execute([now.0])?;
            Ok(n as u64)
        })
        .await
    }

    /// Records that reminder `kind` (e.g. `"3d"`) went out for a service; true the first time only.
    pub async fn mark_reminder_sent(
        &self,
        service: ServiceId,
        kind: &str,
        now: UnixTime,
    ) -> Result<bool, Error> {
        let kind = kind.to_owned();
        self.with_conn(move |conn| {
            let n = conn
                .prepare_cached(
                    "INSERT OR IGNORE INTO reminders (service_id, kind, sent_at) \
                    VALUES (?1, ?2, ?3)",
                )?
                .execute(params![service.0, kind, now.0])?;
            Ok(n == 1)
        })
        .await
    }
}

/// Stores a new-service or test order's service and moves the order
/// `paid → provisioned`; an order already provisioned returns its service
/// and `false`.
pub(crate) fn insert_service(
    tx: &Connection,
    order: OrderId,
    service: &NewService,
    now: UnixTime,
) -> Result<(Service, bool), Error> {
    let order = get_order(tx, order)?.ok_or(Error::NotFound { what: "order" })?;
    if let Some(existing) = provisioned_service(tx, &order)? {
        return Ok((existing, false));
    }
    if matches!(order.kind, OrderKind::Renewal(_)) {
        return Err(Error::Conflict {
            what: "a renewal extends a service, it does not create one",
        });
    }
    if order.user != service.user {
        return Err(Error::Conflict {
            what: "the service's user is not the order's user",
        });
    }
    order
        .status
        .transition(OrderStatus::Provisioned, order.amount)?;
    let limit = service
        .traffic_limit_bytes
        .map(|it| to_sql_u64("traffic_limit_bytes", it))
        .transpose()?;
    let id: i64 = tx
        .prepare_cached(
            "INSERT INTO services (user_id, order_id, panel_id, blitz_username, \
                    plan_id, is_test, created_at, expires_at, \
                    traffic_limit_bytes, status) VALUES (?1, ?2, ?3, ?4, ?5, ?6, \
                    ?7, ?8, ?9, 'active') RETURNING id",
        )?
        .query_row(
            params![
                service.user.0,
                order.id.0,
                service.panel.0,
                service.blitz_username,
                service.plan.map(|it| it.0),
                service.is_test,
                now.0,
                service.expires.0,
                limit
            ],
            |row| row.get(0),
        )?;
    // An agent's account stays theirs, with its name and the bot customer who bought it.
    tx.prepare_cached(
        "UPDATE services SET (agent_id, customer_id, label) = \
         (SELECT agent_id, customer_id, label FROM orders WHERE id = ?2) WHERE id = ?1",
    )?
    .execute(params![id, order.id.0])?;
    mark_provisioned(tx, &order, ServiceId(id), now)?;
    let stored = get_service(tx, ServiceId(id))?.ok_or(Error::NotFound { what: "service" })?;
    Ok((stored, true))
}

/// Extends a renewal order's service to `new_expires` and moves the order
/// `paid → provisioned`; an order already provisioned returns its service
/// and `false`.
pub(crate) fn extend_service(
    tx: &Connection,
    order: OrderId,
    service: ServiceId,
    new_expires: UnixTime,
    now: UnixTime,
) -> Result<(Service, bool), Error> {
    let order = get_order(tx, order)?.ok_or(Error::NotFound { what: "order" })?;
    if let Some(existing) = provisioned_service(tx, &order)? {
        return Ok((existing, false));
    }
    if order.kind != OrderKind::Renewal(service) {
        return Err(Error::Conflict {
            what: "the order does not renew this service",
        });
    }
    order
        .status
        .transition(OrderStatus::Provisioned, order.amount)?;
    let n = tx
        .prepare_cached(
            "UPDATE services SET expires_at = ?2, status = 'active' WHERE id = ?1 AND user_id = ?3",
        )?
        .execute(params![service.0, new_expires.0, order.user.0])?;
    one_row("service", n)?;
    mark_provisioned(tx, &order, service, now)?;
    let stored = get_service(tx, service)?.ok_or(Error::NotFound { what: "service" })?;
    Ok((stored, true))
}

/// The service of an already provisioned order; `None` if the order is not provisioned yet.
fn provisioned_service(conn: &Connection, order: &Order) -> Result<Option<Service>, Error> {
    if order.status != OrderStatus::Provisioned {
        return Ok(None);
    }
    let id = order.service.ok_or(Error::Decode {
        column: "orders.service_id",
        raw: "NULL".to_owned(),
    })?;
    get_service(conn, id)?
        .ok_or(Error::NotFound { what: "service" })
        .map(Some)
}

fn mark_provisioned(
    conn: &Connection,
    order: &Order,
    service: ServiceId,
    now: UnixTime,
) -> Result<(), Error> {
    let n = conn
        .prepare_cached(
            "UPDATE orders SET status = 'provisioned', service_id = ?2, \
                    provisioned_at = ?3, updated_at = ?3 WHERE id = ?1 AND \
                    status = 'paid'",
        )?
        .execute(params![order.id.0, service.0, now.0])?;
    match n {
        1 => Ok(()),
        _ => Err(Error::Conflict {
            what: "the order changed while being provisioned",
        }),
    }
}

pub(crate) fn get_service(conn: &Connection, id: ServiceId) -> Result<Option<Service>, Error> {
    query_opt(
        conn,
        &format!("SELECT {SERVICE_COLUMNS} FROM services WHERE id = ?1"),
        [id.0],
        read_service,
    )
}

pub(crate) fn read_service(row: &Row<'_>) -> Result<Service, Error> {
    let status_text: String = row.get("status")?;
    let status = ServiceStatus::parse(&status_text).map_err(|_| Error::Decode {
        column: "services.status",
        raw: status_text,
    })?;
    let traffic_limit_bytes = match row.get::<_, Option<i64>>("traffic_limit_bytes")? {
        Some(bytes) => Some(to_u64("services.traffic_limit_bytes", bytes)?),
        None => None,
    };
    Ok(Service {
        id: ServiceId(row.get("id")?),
        user: TelegramId(row.get("user_id")?),
        panel: PanelId(row.get("panel_id")?),
        blitz_username: row.get("blitz_username")?,
        plan: row.get::<_, Option<i64>>("plan_id")?.map(PlanId),
        is_test: row.get("is_test")?,
        created: time(row, "created_at")?,
        expires: time(row, "expires_at")?,
        traffic_limit_bytes,
        status,
    })
}
