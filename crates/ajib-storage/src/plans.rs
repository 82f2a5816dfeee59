//! Plans on sale.

use ajib_domain::{NewPlan, Plan, PlanId, PlanName, UnixTime, ValidPlan};
use rusqlite::{Row, params, params_from_iter, types::Value};

use crate::{
    Error, Store,
    store::{money, query_opt, query_vec, to_u32},
};

pub(crate) const PLAN_COLUMNS: &str =
    "id, name_en, name_fa, days, traffic_gb, price_minor, currency, active, sort_order";

impl Store {
    /// Plans in menu order (`sort_order`, then id); only active ones if `active_only`.
    pub async fn list_plans(&self, active_only: bool) -> Result<Vec<Plan>, Error> {
        self.with_conn(move |conn| {
            let sql = format!(
                "SELECT {PLAN_COLUMNS} FROM plans WHERE active = 1 OR ?1 = 0 ORDER BY sort_order, id"
            );
            query_vec(conn, &sql, [active_only], read_plan)
        })
        .await
    }

    /// The plan with this id, active or not.
    pub async fn get_plan(&self, id: PlanId) -> Result<Option<Plan>, Error> {
        self.with_conn(move |conn| {
            query_opt(
                conn,
                &format!("SELECT {PLAN_COLUMNS} FROM plans WHERE id = ?1"),
                [id.0],
                read_plan,
            )
        })
        .await
    }

    /// Stores a new plan.
    pub async fn insert_plan(&self, plan: &ValidPlan, now: UnixTime) -> Result<Plan, Error> {
        let plan = plan.plan().clone();
        self.with_conn(move |conn| {
            let sql = format!(
                "INSERT INTO plans (name_en, name_fa, days, traffic_gb, price_minor, currency, active, sort_order, \
                 created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9) RETURNING {PLAN_COLUMNS}"
            );
            let params = params_from_iter(plan_values(&plan, now));
            query_opt(conn, &sql, params, read_plan)?.ok_or(Error::NotFound { what: "plan" })
        })
        .await
    }

    /// Replaces every field of plan `id`; existing orders keep the price they were made with.
    pub async fn update_plan(
        &self,
        id: PlanId,
        plan: &ValidPlan,
        now: UnixTime,
    ) -> Result<Plan, Error> {
        let plan = plan.plan().clone();
        self.with_conn(move |conn| {
            let sql = format!(
                "UPDATE plans SET name_en = ?1, name_fa = ?2, days = ?3, traffic_gb = ?4, price_minor = ?5, \
                 currency = ?6, active = ?7, sort_order = ?8, updated_at = ?9 WHERE id = ?10 RETURNING {PLAN_COLUMNS}"
            );
            let mut values = plan_values(&plan, now);
            values.push(Value::Integer(id.0));
            let params = params_from_iter(values);
            query_opt(conn, &sql, params, read_plan)?.ok_or(Error::NotFound { what: "plan" })
        })
        .await
    }

    /// Moves plan `id` one place earlier (`up`) or later in the menu; false if it is already at that end.
    ///
    /// Every plan is renumbered 10, 20, 30… in menu order, so plans imported
    /// or added with equal sort orders get distinct places first.
    pub async fn move_plan(&self, id: PlanId, up: bool, now: UnixTime) -> Result<bool, Error> {
        self.with_tx(move |tx| {
            let mut ids = query_vec(tx, "SELECT id FROM plans ORDER BY sort_order, id", [], |row| {
                Ok(row.get::<_, i64>(0)?)
            })?;
            let at = ids
                .iter()
                .position(|it| *it == id.0)
                .ok_or(Error::NotFound { what: "plan" })?;
            let Some(to) = (if up { at.checked_sub(1) } else { Some(at + 1) }).filter(|it| *it < ids.len())
            else {
                return Ok(false);
            };
            ids.swap(at, to);
            let mut update = tx.prepare(
                "UPDATE plans SET sort_order = ?2, updated_at = ?3 WHERE id = ?1 AND sort_order <> ?2",
            )?;
            for (place, plan) in (1_i64..).zip(&ids) {
                update.execute(params![plan, place * 10, now.0])?;
            }
            Ok(true)
        })
        .await
    }

    /// Offers or withdraws plan `id`.
    pub async fn set_plan_active(
        &self,
        id: PlanId,
        active: bool,
        now: UnixTime,
    ) -> Result<(), Error> {
        self.with_conn(move |conn| {
            let n = conn
                .prepare_cached("UPDATE plans SET active = ?2, updated_at = ?3 WHERE id = ?1")?
                .execute(params![id.0, active, now.0])?;
            match n {
                0 => Err(Error::NotFound { what: "plan" }),
                _ => Ok(()),
            }
        })
        .await
    }
}

pub(crate) fn read_plan(row: &Row<'_>) -> Result<Plan, Error> {
    Ok(Plan {
        id: PlanId(row.get("id")?),
        name: PlanName {
            en: row.get("name_en")?,
            fa: row.get("name_fa")?,
        },
        days: to_u32("plans.days", row.get("days")?)?,
        traffic_gb: to_u32("plans.traffic_gb", row.get("traffic_gb")?)?,
        price: money(row, "price_minor", "currency")?,
        active: row.get("active")?,
        sort_order: row.get("sort_order")?,
    })
}

/// The stored columns of a plan, in the order insert and update both bind them (`?1`..`?9`).
fn plan_values(plan: &NewPlan, now: UnixTime) -> Vec<Value> {
    vec![
        Value::Text(plan.name.en.clone()),
        Value::Text(plan.name.fa.clone()),
        Value::Integer(i64::from(plan.days)),
        Value::Integer(i64::from(plan.traffic_gb)),
        Value::Integer(plan.price.minor()),
        Value::Text(plan.price.currency().code().to_owned()),
        Value::Integer(i64::from(plan.active)),
        Value::Integer(i64::from(plan.sort_order)),
        Value::Integer(now.0),
    ]
}
