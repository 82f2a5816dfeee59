//! Integration tests of the storage crate, on real temporary database files.

mod admin;
mod agents;
mod autorenew;
mod broadcasts;
mod card_payments;
mod checkpoint;
mod dialogs;
mod imports;
mod inbox;
mod jobs;
mod ledger;
mod mail;
mod migrations;
mod moves;
mod orders;
mod panel_health;
mod plans;
mod promos;
mod referrals;
mod restore;
mod services;
mod stars;
mod stats;
mod users;

use std::path::PathBuf;

use ajib_domain::{
    Currency, Invoice, Money, NewPlan, Order, OrderId, Plan, PlanName, Service, ServiceId,
    TelegramId, UnixTime, blitz_username,
};
use ajib_storage::{NewOrder, NewService, PaidOutcome, Store, UserRow, UserSeen};
use tempfile::TempDir;

/// A store on a fresh file that lives as long as the value.
struct Db {
    store: Store,
    path: PathBuf,
    dir: TempDir,
}

fn db() -> Db {
    let dir = match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(e) => panic!("tempdir: {e}"),
    };
    let path = dir.path().join("ajib.sqlite");
    let store = ok(Store::open(&path));
    Db { store, path, dir }
}

/// The value, or a panic naming the error (tests only).
fn ok<T, E: std::fmt::Debug>(res: Result<T, E>) -> T {
    match res {
        Ok(it) => it,
        Err(e) => panic!("unexpected error: {e:?}"),
    }
}

fn t(secs: i64) -> UnixTime {
    UnixTime(secs)
}

fn usd(minor: i64) -> Money {
    ok(Money::from_minor(minor, Currency::USD))
}

async fn user(store: &Store, id: i64) -> UserRow {
    let seen = UserSeen {
        id: TelegramId(id),
        username: Some(format!("user{id}")),
        first_name: format!("U{id}"),
        now: t(1_000),
    };
    ok(store.upsert_user(&seen).await)
}

async fn plan(store: &Store, days: u32, price_minor: i64) -> Plan {
    let new = NewPlan {
        name: PlanName {
            en: format!("{days} days"),
            fa: format!("{days} روز"),
        },
        days,
        traffic_gb: 50,
        price: usd(price_minor),
        active: true,
        sort_order: 0,
    };
    ok(store.insert_plan(&ok(new.validate()), t(1_000)).await)
}

fn invoice(order: OrderId) -> Invoice {
    Invoice {
        uuid: format!("uuid-{}", order.0),
        url: format!("https://pay.example/{}", order.0),
        expires: t(10_000),
    }
}

/// An order for `plan` taken through invoice and payment; returns it paid.
async fn paid_order(store: &Store, user: i64, plan: &Plan, renews: Option<ServiceId>) -> Order {
    let order = invoiced_order(store, user, plan, renews).await;
    let outcome = ok(store
        .confirm_paid(order.id, &invoice(order.id).uuid, t(2_000))
        .await);
    assert!(matches!(outcome, PaidOutcome::Granted(_)));
    ok(store.get_order(order.id).await).unwrap_or(order)
}

async fn invoiced_order(store: &Store, user: i64, plan: &Plan, renews: Option<ServiceId>) -> Order {
    let new = NewOrder {
        user: TelegramId(user),
        plan: plan.id,
        renews,
        amount: plan.price,
        note: None,
        location: None,
    };
    let order = ok(store.create_order(&new, t(1_500)).await);
    ok(store
        .set_invoiced(order.id, &invoice(order.id), t(1_600), t(1_500))
        .await)
}

/// Provisions a paid new-service order with a service expiring at `expires`.
async fn provision(store: &Store, order: &Order, expires: UnixTime) -> Service {
    let new = NewService {
        user: order.user,
        panel: ajib_domain::PanelId::FIRST,
        blitz_username: blitz_username(order.user, order.id),
        plan: order.plan,
        is_test: order.plan.is_none(),
        expires,
        traffic_limit_bytes: Some(50_000_000_000),
    };
    ok(store
        .insert_service_and_mark_provisioned(order.id, &new, t(2_100))
        .await)
}

#[test]
fn store_and_error_can_cross_tasks_and_anyhow() {
    fn assert_shareable<T: Send + Sync + 'static>() {}
    assert_shareable::<Store>();
    assert_shareable::<ajib_storage::Error>();
}
