//! Telegram Stars: the pre-checkout rules, a payment settled once by its
//! charge id through the ledger, refunds recorded once, and revenue by method.

use ajib_domain::{Currency, Money, OrderStatus, TelegramId};
use ajib_storage::{
    Error, LedgerCause, NewOrder, PayMethod, Settlement, StarsCharge, StarsRefund, StarsRefusal,
};

use crate::{db, ok, plan, t, usd, user};

const ALICE: TelegramId = TelegramId(1);
const BOB: TelegramId = TelegramId(2);
const ADMIN: TelegramId = TelegramId(7);
const STARS: u32 = 250;
const EXPIRES: i64 = 5_000;

/// A fresh store with Alice, a 5.00 plan and a Stars order of it for 250 Stars until `EXPIRES`.
async fn stars_order() -> (crate::Db, ajib_domain::Order) {
    let db = db();
    user(&db.store, ALICE.0).await;
    user(&db.store, BOB.0).await;
    let month = plan(&db.store, 30, 500).await;
    let new = NewOrder {
        user: ALICE,
        plan: month.id,
        renews: None,
        amount: month.price,
        note: None,
        location: None,
    };
    let order = ok(db
        .store
        .create_stars_order(&new, STARS, t(EXPIRES), t(2_000))
        .await);
    (db, order)
}

fn charge(order: ajib_domain::OrderId, id: &str, stars: u32) -> StarsCharge {
    StarsCharge {
        order,
        user: ALICE,
        stars,
        charge_id: id.to_owned(),
    }
}

#[tokio::test]
async fn a_pre_checkout_is_refused_unless_the_order_is_payable_at_that_price() {
    let (db, order) = stars_order().await;
    let check =
        async |user, stars, at| ok(db.store.stars_checkout(order.id, user, stars, t(at)).await);
    assert_eq!(check(ALICE, STARS, 3_000).await, None);
    assert_eq!(check(BOB, STARS, 3_000).await, Some(StarsRefusal::NotYours));
    assert_eq!(
        check(ALICE, STARS + 1, 3_000).await,
        Some(StarsRefusal::PriceChanged)
    );
    assert_eq!(
        check(ALICE, STARS, EXPIRES).await,
        Some(StarsRefusal::Expired)
    );
    let missing = ok(db
        .store
        .stars_checkout(ajib_domain::OrderId(order.id.0 + 1), ALICE, STARS, t(3_000))
        .await);
    assert_eq!(missing, Some(StarsRefusal::Unknown));
    ok(db
        .store
        .settle_stars(&charge(order.id, "c1", STARS), true, t(3_000))
        .await);
    assert_eq!(
        check(ALICE, STARS, 3_001).await,
        Some(StarsRefusal::NotPayable)
    );
}

#[tokio::test]
async fn a_payment_delivered_twice_credits_and_grants_once() {
    let (db, order) = stars_order().await;
    let first = ok(db
        .store
        .settle_stars(&charge(order.id, "c1", STARS), true, t(3_000))
        .await);
    assert!(matches!(first, Settlement::Granted { .. }), "{first:?}");
    let again = ok(db
        .store
        .settle_stars(&charge(order.id, "c1", STARS), true, t(3_001))
        .await);
    assert_eq!(again, Settlement::AlreadySettled);
    let rows = ok(db.store.ledger_for_order(order.id).await);
    let causes: Vec<_> = rows.iter().map(|it| (it.cause, it.delta_minor)).collect();
    assert_eq!(
        causes,
        [(LedgerCause::Payment, 500), (LedgerCause::Purchase, -500)]
    );
    assert_eq!(rows[0].invoice_uuid.as_deref(), Some("stars:c1"));
    let paid = ok(db.store.get_order(order.id).await).unwrap();
    assert_eq!(paid.status, OrderStatus::Paid);
    assert_eq!(ok(db.store.stars_payments_of(ALICE, 10).await).len(), 1);
    let methods = ok(db.store.revenue_by_method().await);
    assert_eq!(methods, [(PayMethod::Stars, usd(500))]);
}

#[tokio::test]
async fn a_payment_at_another_price_stays_on_the_balance_and_its_refund_takes_it_back_once() {
    let (db, order) = stars_order().await;
    let settled = ok(db
        .store
        .settle_stars(&charge(order.id, "c2", STARS - 1), true, t(3_000))
        .await);
    assert_eq!(settled, Settlement::Credited { amount: usd(500) });
    assert_eq!(ok(db.store.balance(ALICE, Currency::USD).await), usd(500));
    let payment = ok(db.store.stars_payments_of(ALICE, 10).await).remove(0);
    assert_eq!(ok(db.store.stars_refund_blocker(payment.id).await), None);
    let refund = ok(db
        .store
        .record_stars_refund(payment.id, ADMIN, t(4_000))
        .await);
    assert_eq!(
        refund,
        Some(StarsRefund::CreditReversed { amount: usd(500) })
    );
    assert_eq!(
        ok(db.store.balance(ALICE, Currency::USD).await),
        Money::zero(Currency::USD)
    );
    assert_eq!(
        ok(db
            .store
            .record_stars_refund(payment.id, ADMIN, t(4_001))
            .await),
        None
    );
    assert_eq!(
        ok(db.store.stars_refund_blocker(payment.id).await),
        Some("already refunded")
    );
    let audit = ok(db.store.recent_audit(10).await);
    assert_eq!(
        audit
            .iter()
            .filter(|it| it.action == "stars.refund")
            .count(),
        1
    );
}

#[tokio::test]
async fn a_granted_order_is_refunded_only_once_its_account_is_made() {
    let (db, order) = stars_order().await;
    ok(db
        .store
        .settle_stars(&charge(order.id, "c3", STARS), true, t(3_000))
        .await);
    let payment = ok(db.store.stars_payments_of(ALICE, 10).await).remove(0);
    assert_eq!(
        ok(db.store.stars_refund_blocker(payment.id).await),
        Some("its account is not made yet")
    );
    let refused = db
        .store
        .record_stars_refund(payment.id, ADMIN, t(4_000))
        .await;
    assert!(
        matches!(refused, Err(Error::Conflict { .. })),
        "{refused:?}"
    );
    assert!(
        ok(db.store.get_stars_payment(payment.id).await)
            .unwrap()
            .refunded_at
            .is_none()
    );
}

#[tokio::test]
async fn a_payment_by_someone_else_is_refused_and_stars_prices_are_checked() {
    let (db, order) = stars_order().await;
    let mut by_bob = charge(order.id, "c4", STARS);
    by_bob.user = BOB;
    let refused = db.store.settle_stars(&by_bob, true, t(3_000)).await;
    assert!(
        matches!(refused, Err(Error::Conflict { .. })),
        "{refused:?}"
    );
    assert!(ok(db.store.ledger_for_order(order.id).await).is_empty());
    let plan = ok(db.store.get_order(order.id).await)
        .unwrap()
        .plan
        .unwrap();
    assert_eq!(ok(db.store.plan_stars(plan).await), None);
    ok(db.store.set_plan_stars(plan, Some(10_000), t(3_000)).await);
    assert_eq!(ok(db.store.plan_stars(plan).await), Some(10_000));
    let too_many = db.store.set_plan_stars(plan, Some(10_001), t(3_000)).await;
    assert!(matches!(too_many, Err(Error::Conflict { .. })));
    ok(db.store.set_plan_stars(plan, None, t(3_000)).await);
    assert_eq!(ok(db.store.plan_stars(plan).await), None);
}
