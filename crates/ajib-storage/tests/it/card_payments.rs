//! Card-to-card payments: one pending receipt per order, the rate limit, and
//! the state machine whose first decision wins and whose approval credits once.

use ajib_domain::{Currency, OrderStatus, TelegramId};
use ajib_storage::{
    CardDecision, CardPayment, CardPaymentId, CardState, LedgerCause, NewCardReceipt, Receipt,
    Settlement, Store, Submitted,
};

use crate::{db, invoiced_order, ok, plan, t, user};

const ALICE: TelegramId = TelegramId(1);
const ADMIN: TelegramId = TelegramId(7);
const OTHER_ADMIN: TelegramId = TelegramId(8);
const TTL: i64 = 3600;

fn receipt(order: ajib_domain::OrderId, text: &str) -> NewCardReceipt {
    NewCardReceipt {
        order,
        user: ALICE,
        local_minor: 500_000,
        local_currency: "IRT".to_owned(),
        receipt: Receipt::Reference(text.to_owned()),
        ttl_secs: TTL,
    }
}

/// A fresh store with Alice, a 5.00 plan and `n` invoiced orders of it.
async fn orders(n: usize) -> (crate::Db, Vec<ajib_domain::Order>) {
    let db = db();
    user(&db.store, 1).await;
    let month = plan(&db.store, 30, 500).await;
    let mut res = Vec::new();
    for _ in 0..n {
        res.push(invoiced_order(&db.store, 1, &month, None).await);
    }
    (db, res)
}

async fn submitted(store: &Store, new: &NewCardReceipt, at: i64) -> CardPayment {
    match ok(store.submit_card_receipt(new, t(at)).await) {
        Submitted::Pending(payment) => payment,
        other => panic!("not stored: {other:?}"),
    }
}

#[tokio::test]
async fn one_pending_receipt_per_order() {
    let (db, orders) = orders(1).await;
    let first = submitted(&db.store, &receipt(orders[0].id, "ref-1"), 100).await;
    assert_eq!(first.state, CardState::Pending);
    assert_eq!(first.amount.minor(), 500);
    assert_eq!(first.expires, t(100 + TTL));
    let second = ok(db
        .store
        .submit_card_receipt(&receipt(orders[0].id, "ref-2"), t(101))
        .await);
    assert_eq!(second, Submitted::AlreadyPending(first.id));
    // Once it is decided, a new receipt may be sent for the same order.
    ok(db
        .store
        .reject_card_payment(first.id, ADMIN, "no such transfer", t(200))
        .await);
    submitted(&db.store, &receipt(orders[0].id, "ref-3"), 201).await;
}

#[tokio::test]
async fn a_customer_sends_at_most_three_receipts_an_hour() {
    let (db, orders) = orders(4).await;
    for (idx, order) in orders.iter().take(3).enumerate() {
        submitted(&db.store, &receipt(order.id, "ref"), 100 + idx as i64).await;
    }
    let fourth = ok(db
        .store
        .submit_card_receipt(&receipt(orders[3].id, "ref"), t(200))
        .await);
    assert_eq!(fourth, Submitted::TooMany);
    // An hour after the first, there is room again.
    submitted(&db.store, &receipt(orders[3].id, "ref"), 100 + 3600).await;
}

#[tokio::test]
async fn the_first_decision_wins_and_approval_credits_once() {
    let (db, orders) = orders(1).await;
    let payment = submitted(&db.store, &receipt(orders[0].id, "ref-1"), 100).await;
    let approved = ok(db
        .store
        .approve_card_payment(payment.id, ADMIN, true, t(200))
        .await);
    let CardDecision::Decided {
        payment: decided,
        settlement: Some(Settlement::Granted { .. }),
    } = approved
    else {
        panic!("not granted: {approved:?}");
    };
    assert_eq!(
        (decided.state, decided.decided_by),
        (CardState::Approved, Some(ADMIN))
    );
    // A second approval and a late rejection change nothing.
    let again = ok(db
        .store
        .approve_card_payment(payment.id, OTHER_ADMIN, true, t(201))
        .await);
    assert!(
        matches!(&again, CardDecision::AlreadyDecided(it) if it.decided_by == Some(ADMIN)),
        "{again:?}"
    );
    let late = ok(db
        .store
        .reject_card_payment(payment.id, OTHER_ADMIN, "late", t(202))
        .await);
    assert!(matches!(late, CardDecision::AlreadyDecided(_)), "{late:?}");
    let rows = ok(db.store.ledger_for_order(orders[0].id).await);
    let causes: Vec<_> = rows
        .iter()
        .map(|it| (it.cause, it.delta_minor, it.invoice_uuid.clone()))
        .collect();
    assert_eq!(
        causes,
        [
            (LedgerCause::Payment, 500, Some(payment.id.ledger_key())),
            (LedgerCause::Purchase, -500, None)
        ]
    );
    let order = ok(db.store.get_order(orders[0].id).await).unwrap();
    assert_eq!(order.status, OrderStatus::Paid);
    let audit = ok(db.store.recent_audit(10).await);
    let actions: Vec<_> = audit.iter().map(|it| it.action.as_str()).collect();
    assert_eq!(actions, ["card_approve"]);
}

#[tokio::test]
async fn two_admins_approving_at_once_credit_once() {
    let (db, orders) = orders(1).await;
    let payment = submitted(&db.store, &receipt(orders[0].id, "ref-1"), 100).await;
    let (a, b) = tokio::join!(
        db.store
            .approve_card_payment(payment.id, ADMIN, true, t(200)),
        db.store
            .approve_card_payment(payment.id, OTHER_ADMIN, true, t(200)),
    );
    let decided = [ok(a), ok(b)]
        .iter()
        .filter(|it| matches!(it, CardDecision::Decided { .. }))
        .count();
    assert_eq!(decided, 1);
    let paid: i64 = ok(db.store.ledger_for_order(orders[0].id).await)
        .iter()
        .filter(|it| it.cause == LedgerCause::Payment)
        .map(|it| it.delta_minor)
        .sum();
    assert_eq!(paid, 500);
    assert_eq!(ok(db.store.pending_jobs_count().await), 1);
}

#[tokio::test]
async fn a_rejection_keeps_its_reason_and_credits_nothing() {
    let (db, orders) = orders(1).await;
    let payment = submitted(&db.store, &receipt(orders[0].id, "ref-1"), 100).await;
    let rejected = ok(db
        .store
        .reject_card_payment(payment.id, ADMIN, "  amount does not match  ", t(200))
        .await);
    let CardDecision::Decided {
        payment: decided,
        settlement: None,
    } = rejected
    else {
        panic!("not rejected: {rejected:?}");
    };
    assert_eq!(decided.state, CardState::Rejected);
    assert_eq!(decided.reason.as_deref(), Some("amount does not match"));
    assert!(ok(db.store.ledger_for_order(orders[0].id).await).is_empty());
    assert_eq!(ok(db.store.balance(ALICE, Currency::USD).await).minor(), 0);
    let audit = ok(db.store.recent_audit(10).await);
    assert_eq!(audit[0].action, "card_reject");
}

#[tokio::test]
async fn pending_receipts_expire_once_and_cannot_be_approved_after() {
    let (db, orders) = orders(2).await;
    let old = submitted(&db.store, &receipt(orders[0].id, "old"), 100).await;
    let fresh = submitted(&db.store, &receipt(orders[1].id, "fresh"), 2_000).await;
    let expired = ok(db.store.expire_card_payments(t(100 + TTL)).await);
    let ids: Vec<CardPaymentId> = expired.iter().map(|it| it.id).collect();
    assert_eq!(ids, [old.id]);
    assert_eq!(expired[0].state, CardState::Expired);
    assert!(ok(db.store.expire_card_payments(t(100 + TTL + 1)).await).is_empty());
    let late = ok(db
        .store
        .approve_card_payment(old.id, ADMIN, true, t(9_000))
        .await);
    assert!(matches!(late, CardDecision::AlreadyDecided(_)), "{late:?}");
    let pending = ok(db.store.pending_card_payments(10).await);
    assert_eq!(
        pending.iter().map(|it| it.id).collect::<Vec<_>>(),
        [fresh.id]
    );
    assert_eq!(
        ok(db.store.pending_card_payment_of(orders[1].id).await).map(|it| it.id),
        Some(fresh.id)
    );
}

#[tokio::test]
async fn a_receipt_for_someone_elses_or_a_paid_order_is_refused() {
    let (db, orders) = orders(1).await;
    let mut new = receipt(orders[0].id, "ref");
    new.user = TelegramId(2);
    user(&db.store, 2).await;
    assert!(db.store.submit_card_receipt(&new, t(100)).await.is_err());
    let payment = submitted(&db.store, &receipt(orders[0].id, "ref"), 100).await;
    ok(db
        .store
        .approve_card_payment(payment.id, ADMIN, true, t(200))
        .await);
    assert!(
        db.store
            .submit_card_receipt(&receipt(orders[0].id, "again"), t(300))
            .await
            .is_err()
    );
}
