//! Balance figures for the dashboard: what the shop owes, and what payments left on balances.

use ajib_domain::{Currency, OrderId, TelegramId};
use ajib_storage::ConfirmedPayment;

use crate::{db, invoice, invoiced_order, ok, plan, t, usd, user};

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
