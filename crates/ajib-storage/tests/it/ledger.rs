//! The balance ledger: settling payments exactly once, paying from the
//! balance, adjustments, and the invariants under random event sequences.

use ajib_domain::{Currency, OrderStatus, TelegramId};
use ajib_storage::{ConfirmedPayment, Error, LedgerCause, Settlement, Store};
use proptest::prelude::*;

use crate::{db, invoice, invoiced_order, ok, plan, t, usd, user};

const ALICE: TelegramId = TelegramId(1);

fn payment(order: ajib_domain::OrderId, received: i64, grantable: bool) -> ConfirmedPayment {
    ConfirmedPayment {
        order,
        invoice_uuid: invoice(order).uuid,
        received: usd(received),
        grantable,
    }
}

/// A fresh store with Alice and one invoiced order of a 5.00 plan.
async fn one_invoiced_order() -> (crate::Db, ajib_domain::Order) {
    let db = db();
    user(&db.store, 1).await;
    let month = plan(&db.store, 30, 500).await;
    let order = invoiced_order(&db.store, 1, &month, None).await;
    (db, order)
}

async fn balance(store: &Store) -> i64 {
    ok(store.balance(ALICE, Currency::USD).await).minor()
}

#[tokio::test]
async fn paid_over_grants_and_keeps_the_excess() {
    let (db, order) = one_invoiced_order().await;
    let settled = ok(db
        .store
        .settle_payment(&payment(order.id, 550, true), t(2_000))
        .await);
    assert!(
        matches!(settled, Settlement::Granted { excess, .. } if excess == usd(50)),
        "{settled:?}"
    );
    assert_eq!(balance(&db.store).await, 50);
    let again = ok(db
        .store
        .settle_payment(&payment(order.id, 550, true), t(2_001))
        .await);
    assert_eq!(again, Settlement::AlreadySettled);
    assert_eq!(balance(&db.store).await, 50);
    assert_eq!(ok(db.store.pending_jobs_count().await), 1);
    let rows = ok(db.store.ledger_for_order(order.id).await);
    let causes: Vec<_> = rows.iter().map(|it| (it.cause, it.delta_minor)).collect();
    assert_eq!(
        causes,
        [(LedgerCause::Payment, 550), (LedgerCause::Purchase, -500)]
    );
}

#[tokio::test]
async fn a_late_payment_is_granted_unless_the_plan_changed() {
    let db = db();
    user(&db.store, 1).await;
    let month = plan(&db.store, 30, 500).await;
    let late = invoiced_order(&db.store, 1, &month, None).await;
    assert!(ok(db.store.mark_expired(late.id, t(2_000)).await));
    let settled = ok(db
        .store
        .settle_payment(&payment(late.id, 500, true), t(9_000))
        .await);
    assert!(matches!(settled, Settlement::Granted { .. }), "{settled:?}");
    assert_eq!(
        ok(db.store.get_order(late.id).await).map(|it| it.status),
        Some(OrderStatus::Paid)
    );

    let repriced = invoiced_order(&db.store, 1, &month, None).await;
    let settled = ok(db
        .store
        .settle_payment(&payment(repriced.id, 500, false), t(9_001))
        .await);
    assert_eq!(settled, Settlement::Credited { amount: usd(500) });
    assert_eq!(balance(&db.store).await, 500);
    let closed = ok(db.store.get_order(repriced.id).await).map(|it| it.status);
    assert_eq!(closed, Some(OrderStatus::Failed));
}

#[tokio::test]
async fn an_underpayment_is_credited_and_the_order_closed() {
    let (db, order) = one_invoiced_order().await;
    let settled = ok(db
        .store
        .settle_payment(&payment(order.id, 250, true), t(2_000))
        .await);
    assert_eq!(settled, Settlement::Credited { amount: usd(250) });
    assert_eq!(balance(&db.store).await, 250);
    let status = ok(db.store.get_order(order.id).await).map(|it| it.status);
    assert_eq!(status, Some(OrderStatus::Underpaid));
    assert_eq!(ok(db.store.pending_jobs_count().await), 0);
}

#[tokio::test]
async fn paying_from_the_balance_needs_the_whole_price_and_happens_once() {
    let (db, order) = one_invoiced_order().await;
    assert!(matches!(
        db.store.pay_from_balance(order.id, t(2_000)).await,
        Err(Error::InsufficientBalance { .. })
    ));
    ok(db
        .store
        .adjust_balance(
            ALICE,
            Currency::USD,
            600,
            TelegramId(1000),
            "goodwill",
            t(2_001),
        )
        .await);
    ok(db.store.pay_from_balance(order.id, t(2_002)).await);
    assert_eq!(balance(&db.store).await, 100);
    assert!(matches!(
        db.store.pay_from_balance(order.id, t(2_003)).await,
        Err(Error::Conflict { .. })
    ));
    // The order's invoice, paid after all, lands on the balance.
    let settled = ok(db
        .store
        .settle_payment(&payment(order.id, 500, true), t(2_004))
        .await);
    assert_eq!(settled, Settlement::Credited { amount: usd(500) });
    assert_eq!(balance(&db.store).await, 600);
    assert_eq!(ok(db.store.pending_jobs_count().await), 1);
}

#[tokio::test]
async fn adjustments_never_make_a_balance_negative_and_rows_never_change() {
    let db = db();
    user(&db.store, 1).await;
    let admin = TelegramId(1000);
    ok(db
        .store
        .adjust_balance(ALICE, Currency::USD, 300, admin, "refund of order 7", t(1))
        .await);
    assert!(matches!(
        db.store
            .adjust_balance(ALICE, Currency::USD, -301, admin, "too much", t(2))
            .await,
        Err(Error::InsufficientBalance { balance, .. }) if balance == usd(300)
    ));
    let left = ok(db
        .store
        .adjust_balance(ALICE, Currency::USD, -300, admin, "paid out", t(3))
        .await);
    assert_eq!(left, 0);
    let rows = ok(db.store.ledger_of(ALICE, 10).await);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].note.as_deref(), Some("paid out"));
    assert_eq!(rows[0].actor, Some(admin));

    // Below the code, the database itself refuses.
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    for sql in [
        "UPDATE ledger SET amount_minor = 1000000",
        "DELETE FROM ledger",
        "INSERT INTO ledger (user_id, currency, amount_minor, cause, created_at) \
         VALUES (1, 'USD', -1, 'adjustment', 4)",
    ] {
        assert!(conn.execute(sql, []).is_err(), "{sql} was allowed");
    }
}

/// One thing that can happen to an invoice, in any order and any number of times.
#[derive(Debug, Clone)]
enum Event {
    /// Heleket confirms `received` minor units for order `idx`; the plan is
    /// still on sale at its price when `grantable`.
    Paid {
        idx: usize,
        received: i64,
        grantable: bool,
    },
    /// Order `idx`'s invoice expired unpaid (for now).
    Expire { idx: usize },
    /// The user pays order `idx` from the balance.
    FromBalance { idx: usize },
    /// An admin adds to the balance.
    Adjust { delta: i64 },
}

fn event(n_orders: usize) -> impl Strategy<Value = Event> {
    prop_oneof![
        (0..n_orders, 0_i64..1_200, any::<bool>()).prop_map(|(idx, received, grantable)| {
            Event::Paid {
                idx,
                received,
                grantable,
            }
        }),
        (0..n_orders).prop_map(|idx| Event::Expire { idx }),
        (0..n_orders).prop_map(|idx| Event::FromBalance { idx }),
        (-600_i64..600).prop_map(|delta| Event::Adjust { delta }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    /// Every confirmed paid amount ends as exactly one credit (and a grant
    /// or not), never twice; the balance is what was credited minus what was
    /// bought, never negative; each order is bought at most once.
    #[test]
    fn money_is_neither_lost_nor_made(events in proptest::collection::vec(event(4), 1..40)) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(check_invariants(events));
    }
}

fn cases() -> u32 {
    std::env::var("AJIB_PROPTEST_CASES")
        .ok()
        .and_then(|it| it.parse().ok())
        .unwrap_or(48)
}

async fn check_invariants(events: Vec<Event>) {
    let db = db();
    user(&db.store, 1).await;
    let month = plan(&db.store, 30, 500).await;
    let mut orders = Vec::new();
    for _ in 0..4 {
        orders.push(invoiced_order(&db.store, 1, &month, None).await);
    }
    let mut first_payment = vec![None; orders.len()];
    let mut adjusted = 0_i64;
    for (step, event) in events.into_iter().enumerate() {
        let now = t(3_000 + step as i64);
        match event {
            Event::Paid {
                idx,
                received,
                grantable,
            } => {
                let res = db
                    .store
                    .settle_payment(&payment(orders[idx].id, received, grantable), now)
                    .await;
                let settled = ok(res);
                if first_payment[idx].is_some() {
                    assert_eq!(settled, Settlement::AlreadySettled);
                } else if received > 0 {
                    // The first confirmation of money for an invoice is the one that counts
                    // (nothing received settles nothing).
                    first_payment[idx] = Some(received);
                    assert_ne!(settled, Settlement::AlreadySettled);
                }
            }
            Event::Expire { idx } => {
                ok(db.store.mark_expired(orders[idx].id, now).await);
            }
            Event::FromBalance { idx } => {
                match db.store.pay_from_balance(orders[idx].id, now).await {
                    Ok(_) | Err(Error::InsufficientBalance { .. } | Error::Conflict { .. }) => (),
                    Err(other) => panic!("paying from the balance failed: {other:?}"),
                }
            }
            Event::Adjust { delta } if delta != 0 => {
                match db
                    .store
                    .adjust_balance(ALICE, Currency::USD, delta, TelegramId(1000), "test", now)
                    .await
                {
                    Ok(_) => adjusted += delta,
                    Err(Error::InsufficientBalance { .. }) => (),
                    Err(other) => panic!("adjusting failed: {other:?}"),
                }
            }
            Event::Adjust { .. } => (),
        }
    }
    let mut credited = 0;
    let mut bought = 0;
    for (order, first) in orders.iter().zip(&first_payment) {
        let rows = ok(db.store.ledger_for_order(order.id).await);
        let payments: Vec<i64> = rows
            .iter()
            .filter(|it| it.cause == LedgerCause::Payment)
            .map(|it| it.delta_minor)
            .collect();
        let purchases: Vec<i64> = rows
            .iter()
            .filter(|it| it.cause == LedgerCause::Purchase)
            .map(|it| it.delta_minor)
            .collect();
        match first {
            Some(received) => assert_eq!(payments, [*received]),
            None => assert!(payments.is_empty(), "{payments:?}"),
        }
        assert!(purchases.len() <= 1, "bought twice: {purchases:?}");
        let status = ok(db.store.get_order(order.id).await).map(|it| it.status);
        let paid = matches!(status, Some(OrderStatus::Paid));
        assert_eq!(paid, purchases == [-500], "{status:?} with {purchases:?}");
        credited += payments.iter().sum::<i64>();
        bought += purchases.iter().sum::<i64>();
    }
    let balance = balance(&db.store).await;
    assert!(balance >= 0);
    assert_eq!(balance, credited + bought + adjusted);
    assert_eq!(
        ok(db.store.pending_jobs_count().await) as usize,
        (bought / -500) as usize
    );
}

#[tokio::test]
async fn the_balance_pays_part_and_the_invoice_the_rest_exactly_once() {
    let db = db();
    user(&db.store, 1).await;
    let month = plan(&db.store, 30, 500).await;
    ok(db
        .store
        .adjust_balance(ALICE, Currency::USD, 200, TelegramId(1000), "credit", t(1))
        .await);
    let new = ajib_storage::NewOrder {
        user: ALICE,
        plan: month.id,
        renews: None,
        amount: month.price,
        note: None,
        location: None,
    };
    let order = ok(db.store.create_order(&new, t(2)).await);
    let order = ok(db.store.set_invoice_part(order.id, usd(300)).await);
    assert_eq!(order.invoice_amount, usd(300));
    let order = ok(db
        .store
        .set_invoiced(order.id, &invoice(order.id), t(3), t(3))
        .await);
    assert_eq!(order.invoice_amount, usd(300));
    let settled = ok(db
        .store
        .settle_payment(&payment(order.id, 300, true), t(4))
        .await);
    assert!(
        matches!(settled, Settlement::Granted { excess, .. } if excess == usd(0)),
        "{settled:?}"
    );
    assert_eq!(balance(&db.store).await, 0);
    assert_eq!(
        ok(db
            .store
            .settle_payment(&payment(order.id, 300, true), t(5))
            .await),
        Settlement::AlreadySettled
    );

    // When the balance part was spent meanwhile, the invoice's money stays on the balance.
    ok(db
        .store
        .adjust_balance(ALICE, Currency::USD, 200, TelegramId(1000), "credit", t(6))
        .await);
    let second = ok(db.store.create_order(&new, t(7)).await);
    ok(db.store.set_invoice_part(second.id, usd(300)).await);
    ok(db
        .store
        .set_invoiced(second.id, &invoice(second.id), t(8), t(8))
        .await);
    ok(db
        .store
        .adjust_balance(ALICE, Currency::USD, -200, TelegramId(1000), "spent", t(9))
        .await);
    let settled = ok(db
        .store
        .settle_payment(&payment(second.id, 300, true), t(10))
        .await);
    assert_eq!(settled, Settlement::Credited { amount: usd(300) });
    assert_eq!(balance(&db.store).await, 300);
}

#[tokio::test]
async fn a_top_up_is_credited_once_even_after_it_expired() {
    let db = db();
    user(&db.store, 1).await;
    let topup = ok(db.store.create_topup(ALICE, usd(1_000), t(1)).await);
    let paid_invoice = ajib_domain::Invoice {
        uuid: "topup-invoice".to_owned(),
        url: "https://pay.example/t".to_owned(),
        expires: t(100),
    };
    let topup = ok(db
        .store
        .set_topup_invoiced(topup.id, &paid_invoice, t(31), t(2))
        .await);
    assert_eq!(topup.status, ajib_storage::TopupStatus::Invoiced);
    let found = ok(db.store.open_topup(ALICE, usd(1_000), t(50)).await);
    assert_eq!(found.map(|it| it.id), Some(topup.id));
    assert!(ok(db
        .store
        .close_topup(
            topup.id,
            ajib_storage::TopupStatus::Expired,
            "ran out",
            t(200)
        )
        .await));
    assert!(matches!(
        db.store
            .settle_topup(topup.id, "someone-else", usd(1_000), t(201))
            .await,
        Err(Error::Conflict { .. })
    ));
    let settled = ok(db
        .store
        .settle_topup(topup.id, "topup-invoice", usd(1_000), t(202))
        .await);
    assert_eq!(settled, ajib_storage::TopupSettlement::Credited(usd(1_000)));
    let again = ok(db
        .store
        .settle_topup(topup.id, "topup-invoice", usd(1_000), t(203))
        .await);
    assert_eq!(again, ajib_storage::TopupSettlement::AlreadySettled);
    assert_eq!(balance(&db.store).await, 1_000);
    let topup = ok(db.store.get_topup(topup.id).await).unwrap();
    assert_eq!(topup.status, ajib_storage::TopupStatus::Paid);
    assert_eq!(ok(db.store.due_topups(t(10_000), 10).await), []);
}
