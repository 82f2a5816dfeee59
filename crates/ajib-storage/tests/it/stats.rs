//! Balance figures for the dashboard: what the shop owes, and what payments left on balances.

use ajib_domain::{Currency, OrderId, OrderStatus, ServiceStatus, TelegramId};
use ajib_storage::{ConfirmedPayment, Store};

use crate::{db, invoice, invoiced_order, ok, paid_order, plan, provision, t, usd, user};

fn payment(order: OrderId, received: i64, grantable: bool) -> ConfirmedPayment {
    ConfirmedPayment {
        order,
        invoice_uuid: invoice(order).uuid,
        received: usd(received),
        grantable,
    }
}

#[tokio::test]
async fn credited_by_payments_counts_only_what_stayed_on_balances() {
    let db = db();
    let store = &db.store;
    user(store, 1).await;
    let month = plan(store, 30, 500).await;

    // Before the window: a payment for a plan no longer sold, all of it kept.
    let old = invoiced_order(store, 1, &month, None).await;
    ok(store
        .settle_payment(&payment(old.id, 700, false), t(1_800))
        .await);
    // An overpayment keeps its excess.
    let over = invoiced_order(store, 1, &month, None).await;
    ok(store
        .settle_payment(&payment(over.id, 550, true), t(2_000))
        .await);
    // An exact payment keeps nothing.
    let exact = invoiced_order(store, 1, &month, None).await;
    ok(store
        .settle_payment(&payment(exact.id, 500, true), t(2_001))
        .await);
    // An underpayment keeps all it brought.
    let short = invoiced_order(store, 1, &month, None).await;
    ok(store
        .settle_payment(&payment(short.id, 250, true), t(2_002))
        .await);
    // An admin's credit is not a payment; the order it paid for, paid by its
    // invoice afterwards, leaves the whole payment on the balance.
    ok(store
        .adjust_balance(
            TelegramId(1),
            Currency::USD,
            600,
            TelegramId(0),
            "gift",
            t(2_003),
        )
        .await);
    let twice = invoiced_order(store, 1, &month, None).await;
    ok(store.pay_from_balance(twice.id, t(2_004)).await);
    ok(store
        .settle_payment(&payment(twice.id, 500, true), t(2_005))
        .await);

    assert_eq!(
        ok(store.credited_by_payments(t(2_000)).await),
        [usd(50 + 250 + 500)]
    );
    assert_eq!(
        ok(store.credited_by_payments(t(0)).await),
        [usd(700 + 50 + 250 + 500)]
    );
    assert_eq!(ok(store.credited_by_payments(t(3_000)).await), []);
    assert_eq!(
        ok(store.balances_owed().await),
        [usd(700 + 50 + 250 + 600 - 500 + 500)]
    );
}

/// (users, blocked, active services) of the summary at `now`.
async fn totals(store: &Store, now: i64) -> (u64, u64, u64) {
    let summary = ok(store.summary(t(0), t(now)).await);
    (
        summary.users_total,
        summary.users_blocked,
        summary.services_active,
    )
}

#[tokio::test]
async fn summary_totals_follow_users_blocking_and_services() {
    let db = db();
    let store = &db.store;
    assert_eq!(totals(store, 3_000).await, (0, 0, 0));
    user(store, 1).await;
    user(store, 2).await;
    ok(store.set_user_blocked(TelegramId(2), true).await);
    ok(store.set_user_blocked(TelegramId(2), true).await);
    assert_eq!(totals(store, 3_000).await, (2, 1, 0));
    // Writing to the bot again unblocks.
    user(store, 2).await;
    ok(store.set_user_blocked(TelegramId(1), true).await);
    assert_eq!(totals(store, 3_000).await, (2, 1, 0));

    let month = plan(store, 30, 500).await;
    let first = paid_order(store, 1, &month, None).await;
    let first = provision(store, &first, t(5_000)).await;
    let second = paid_order(store, 2, &month, None).await;
    let second = provision(store, &second, t(9_000)).await;
    assert_eq!(totals(store, 3_000).await, (2, 1, 2));
    // Past its expiry a service no longer counts, before and after the sweep.
    assert_eq!(totals(store, 6_000).await, (2, 1, 1));
    assert_eq!(ok(store.expire_services(t(6_000)).await), 1);
    assert_eq!(totals(store, 6_000).await, (2, 1, 1));
    ok(store
        .set_service_status(second.id, ServiceStatus::Disabled)
        .await);
    assert_eq!(totals(store, 6_000).await, (2, 1, 0));
    ok(store
        .set_service_status(second.id, ServiceStatus::Active)
        .await);
    ok(store
        .set_service_expiry(first.id, t(20_000), t(6_000))
        .await);
    assert_eq!(totals(store, 6_000).await, (2, 1, 2));
}

/// An order for `plan` paid at `at`.
async fn paid_at(store: &Store, user: i64, plan: &ajib_domain::Plan, at: i64) {
    let order = invoiced_order(store, user, plan, None).await;
    ok(store
        .confirm_paid(order.id, &invoice(order.id).uuid, t(at))
        .await);
}

#[tokio::test]
async fn revenue_is_grouped_by_day_or_plan_then_currency_and_outcomes_by_count_then_status() {
    let db = db();
    let store = &db.store;
    user(store, 1).await;
    let dollars = plan(store, 30, 500).await;
    let euros = ajib_domain::NewPlan {
        name: ajib_domain::PlanName {
            en: "euro".to_owned(),
            fa: "یورو".to_owned(),
        },
        days: 30,
        traffic_gb: 10,
        price: ok(ajib_domain::Money::from_minor(300, Currency::EUR)),
        active: true,
        sort_order: 1,
    };
    let euros = ok(store.insert_plan(&ok(euros.validate()), t(1_000)).await);
    paid_at(store, 1, &dollars, 90_000).await;
    paid_at(store, 1, &euros, 90_001).await;
    paid_at(store, 1, &dollars, 2_000).await;
    paid_at(store, 1, &dollars, 90_002).await;
    let expired = invoiced_order(store, 1, &dollars, None).await;
    ok(store.mark_expired(expired.id, t(3_000)).await);
    invoiced_order(store, 1, &euros, None).await;

    let by_day: Vec<_> = ok(store.revenue_by_day(t(0)).await)
        .iter()
        .map(|it| (it.day.to_string(), it.orders, it.revenue.to_string()))
        .collect();
    let day = |day: &str, orders, revenue: &str| (day.to_owned(), orders, revenue.to_owned());
    assert_eq!(
        by_day,
        [
            day("1970-01-01", 1, "5.00 USD"),
            day("1970-01-02", 1, "3.00 EUR"),
            day("1970-01-02", 2, "10.00 USD"),
        ]
    );
    let by_plan: Vec<_> = ok(store.revenue_by_plan(t(2_001)).await)
        .iter()
        .map(|it| (it.plan, it.orders, it.revenue.to_string()))
        .collect();
    assert_eq!(
        by_plan,
        [
            (dollars.id, 2, "10.00 USD".to_owned()),
            (euros.id, 1, "3.00 EUR".to_owned()),
        ]
    );
    assert_eq!(
        ok(store.order_outcomes(t(0)).await),
        [
            (OrderStatus::Paid, 4),
            (OrderStatus::Expired, 1),
            (OrderStatus::Invoiced, 1)
        ]
    );
}
