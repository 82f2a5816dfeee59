//! Orders: invoicing, exactly-once payment, test orders, polling and stats.

use ajib_domain::{Currency, Money, OrderKind, OrderStatus, TelegramId, TransitionError};
use ajib_storage::{Error, NewOrder, PaidOutcome};

use crate::{db, invoice, invoiced_order, ok, paid_order, plan, t, usd, user};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_confirmations_credit_once() {
    let db = db();
    user(&db.store, 1).await;
    let month = plan(&db.store, 30, 500).await;
    let order = invoiced_order(&db.store, 1, &month, None).await;
    let uuid = invoice(order.id).uuid;

    let mut tasks = Vec::new();
    for _ in 0..50 {
        let (store, uuid) = (db.store.clone(), uuid.clone());
        tasks.push(tokio::spawn(async move {
            store.confirm_paid(order.id, &uuid, t(2_000)).await
        }));
    }
    let mut granted = Vec::new();
    let mut already = 0;
    for task in tasks {
        match ok(ok(task.await)) {
            PaidOutcome::Granted(job) => granted.push(job),
            PaidOutcome::AlreadyPaid => already += 1,
        }
    }
    assert_eq!((granted.len(), already), (1, 49));
    assert_eq!(ok(db.store.pending_jobs_count().await), 1);
    let job = ok(db.store.claim_job(t(2_000), 60).await);
    assert_eq!(job.as_ref().map(|it| it.id), granted.first().copied());
    assert_eq!(job.and_then(|it| it.provision_order()), Some(order.id));
    let stored = ok(db.store.get_order(order.id).await);
    assert_eq!(
        stored.map(|it| (it.status, it.paid_at)),
        Some((OrderStatus::Paid, Some(t(2_000))))
    );
}

#[tokio::test]
async fn confirmation_checks_the_invoice_and_the_state() {
    let db = db();
    user(&db.store, 1).await;
    let month = plan(&db.store, 30, 500).await;
    let order = invoiced_order(&db.store, 1, &month, None).await;
    assert!(matches!(
        db.store
            .confirm_paid(order.id, "someone-else", t(2_000))
            .await,
        Err(Error::InvoiceMismatch { .. })
    ));
    assert!(ok(db.store.mark_expired(order.id, t(2_000)).await));
    assert!(!ok(db.store.mark_expired(order.id, t(2_001)).await));
    // A payment that arrives after the invoice expired is still honoured.
    let late = ok(db
        .store
        .confirm_paid(order.id, &invoice(order.id).uuid, t(2_002))
        .await);
    assert!(matches!(late, PaidOutcome::Granted(_)), "{late:?}");
    assert_eq!(ok(db.store.pending_jobs_count().await), 1);

    // A closed (failed) order is not granted, and nothing is credited.
    let other = invoiced_order(&db.store, 1, &month, None).await;
    assert!(ok(db.store.mark_failed(other.id, "cancel", t(2_003)).await));
    match db
        .store
        .confirm_paid(other.id, &invoice(other.id).uuid, t(2_004))
        .await
    {
        Err(Error::IllegalTransition(TransitionError { from, to })) => {
            assert_eq!((from, to), (OrderStatus::Failed, OrderStatus::Paid));
        }
        other => panic!("expected an illegal transition, got {other:?}"),
    }
    assert_eq!(ok(db.store.pending_jobs_count().await), 1);
    assert_eq!(
        ok(db.store.balance(TelegramId(1), Currency::USD).await),
        usd(0)
    );
}

#[tokio::test]
async fn invoicing_is_idempotent_and_polling_finds_due_orders() {
    let db = db();
    user(&db.store, 1).await;
    let month = plan(&db.store, 30, 500).await;
    let order = invoiced_order(&db.store, 1, &month, None).await;
    assert_eq!(order.status, OrderStatus::Invoiced);
    assert_eq!(order.invoice, Some(invoice(order.id)));
    assert_eq!(order.kind, OrderKind::New);
    assert_eq!(order.amount, month.price);
    // The same invoice again is harmless; a different one is not.
    let again = ok(db
        .store
        .set_invoiced(order.id, &invoice(order.id), t(1_600), t(1_700))
        .await);
    assert_eq!(again, order);
    let mut other = invoice(order.id);
    other.uuid = "other".to_owned();
    assert!(matches!(
        db.store
            .set_invoiced(order.id, &other, t(1_600), t(1_700))
            .await,
        Err(Error::IllegalTransition(_))
    ));

    let due = |now| db.store.due_for_poll(t(now), 10);
    assert_eq!(ok(due(1_599).await).len(), 0);
    assert_eq!(ok(due(1_600).await).len(), 1);
    assert!(ok(db.store.set_next_poll(order.id, t(3_000)).await));
    assert_eq!(ok(due(2_000).await).len(), 0);
    assert!(ok(db.store.mark_underpaid(order.id, t(3_000)).await));
    assert_eq!(ok(due(5_000).await).len(), 0);
    assert!(!ok(db.store.set_next_poll(order.id, t(6_000)).await));
}

#[tokio::test]
async fn mark_failed_only_from_created_or_invoiced() {
    let db = db();
    user(&db.store, 1).await;
    let month = plan(&db.store, 30, 500).await;
    let new = NewOrder {
        user: TelegramId(1),
        plan: month.id,
        renews: None,
        amount: month.price,
        note: None,
        location: None,
    };
    let created = ok(db.store.create_order(&new, t(1)).await);
    assert!(ok(db
        .store
        .mark_failed(created.id, "heleket down", t(2))
        .await));
    let failed = ok(db.store.get_order(created.id).await);
    assert_eq!(
        failed.map(|it| (it.status, it.note)),
        Some((OrderStatus::Failed, Some("heleket down".to_owned())))
    );
    let paid = paid_order(&db.store, 1, &month, None).await;
    assert!(!ok(db.store.mark_failed(paid.id, "late", t(3)).await));
}

#[tokio::test]
async fn free_grants_skip_the_invoice_but_priced_orders_cannot() {
    let db = db();
    user(&db.store, 1).await;
    let month = plan(&db.store, 30, 500).await;
    let grant = NewOrder {
        user: TelegramId(1),
        plan: month.id,
        renews: None,
        amount: Money::zero(month.price.currency()),
        note: Some("granted by 99".to_owned()),
        location: None,
    };
    let grant = ok(db.store.create_order(&grant, t(1)).await);
    assert!(matches!(
        ok(db.store.confirm_free(grant.id, t(2)).await),
        PaidOutcome::Granted(_)
    ));
    assert_eq!(
        ok(db.store.confirm_free(grant.id, t(3)).await),
        PaidOutcome::AlreadyPaid
    );

    let priced = NewOrder {
        user: TelegramId(1),
        plan: month.id,
        renews: None,
        amount: usd(500),
        note: None,
        location: None,
    };
    let priced = ok(db.store.create_order(&priced, t(1)).await);
    assert!(matches!(
        db.store.confirm_free(priced.id, t(2)).await,
        Err(Error::IllegalTransition(_))
    ));
    assert_eq!(ok(db.store.pending_jobs_count().await), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_test_order_per_user_even_when_racing() {
    let db = db();
    user(&db.store, 1).await;
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let store = db.store.clone();
        tasks.push(tokio::spawn(async move {
            store.create_test_order(TelegramId(1), t(5)).await
        }));
    }
    let mut created = Vec::new();
    for task in tasks {
        match ok(task.await) {
            Ok((order, job)) => created.push((order, job)),
            Err(Error::TestAlreadyUsed { user }) => assert_eq!(user, TelegramId(1)),
            Err(e) => panic!("unexpected error: {e}"),
        }
    }
    assert_eq!(created.len(), 1);
    let (order, _) = &created[0];
    assert_eq!(
        (order.kind, order.status, order.plan),
        (OrderKind::Test, OrderStatus::Paid, None)
    );
    assert!(order.amount.is_zero());
    assert!(ok(db.store.has_test_order(TelegramId(1)).await));
    assert!(
        !ok(db.store.has_paid_order(TelegramId(1)).await),
        "a test is not a purchase"
    );
    let job = ok(db.store.claim_job(t(5), 60).await);
    assert_eq!(job.and_then(|it| it.provision_order()), Some(order.id));
    assert_eq!(ok(db.store.claim_job(t(5), 60).await), None);
}

#[tokio::test]
async fn payments_are_recorded_once_per_status() {
    let db = db();
    let check = |status: &'static str, expected: bool| {
        let store = db.store.clone();
        async move {
            let new = ok(store
                .record_payment_status("inv-1", ajib_domain::OrderId(1), status, "{}", t(1))
                .await);
            assert_eq!(new, expected, "{status}");
        }
    };
    check("check", true).await;
    check("paid", true).await;
    check("paid", false).await;
    check("check", false).await;
}

#[tokio::test]
async fn orders_of_user_and_paid_flags() {
    let db = db();
    user(&db.store, 1).await;
    user(&db.store, 2).await;
    let month = plan(&db.store, 30, 500).await;
    let first = invoiced_order(&db.store, 1, &month, None).await;
    let second = paid_order(&db.store, 1, &month, None).await;
    let ids: Vec<_> = ok(db.store.orders_of_user(TelegramId(1)).await)
        .into_iter()
        .map(|it| it.id)
        .collect();
    assert_eq!(ids, [second.id, first.id]);
    assert!(ok(db.store.has_paid_order(TelegramId(1)).await));
    assert!(!ok(db.store.has_paid_order(TelegramId(2)).await));
    assert!(!ok(db.store.has_test_order(TelegramId(1)).await));
}

#[tokio::test]
async fn stats_count_revenue_by_day_and_plan() {
    let db = db();
    let month = plan(&db.store, 30, 500).await;
    let year = plan(&db.store, 365, 4_000).await;
    for id in 1..=3 {
        user(&db.store, id).await;
    }
    paid_order(&db.store, 1, &month, None).await;
    paid_order(&db.store, 2, &month, None).await;
    paid_order(&db.store, 3, &year, None).await;
    invoiced_order(&db.store, 3, &year, None).await;
    ok(db.store.create_test_order(TelegramId(1), t(2_000)).await);

    let summary = ok(db.store.summary(t(0), t(3_000)).await);
    assert_eq!(
        (
            summary.users_total,
            summary.orders_started,
            summary.orders_paid
        ),
        (3, 4, 3)
    );
    assert_eq!(summary.users_seen, 3);
    let later = ok(db.store.summary(t(1_001), t(3_000)).await);
    assert_eq!((later.users_new, later.users_seen), (0, 0));
    let by_day = ok(db.store.revenue_by_day(t(0)).await);
    let by_day: Vec<_> = by_day
        .iter()
        .map(|it| (it.day.to_string(), it.orders, it.revenue.to_string()))
        .collect();
    assert_eq!(
        by_day,
        [("1970-01-01".to_owned(), 3, "50.00 USD".to_owned())]
    );
    let by_plan: Vec<_> = ok(db.store.revenue_by_plan(t(0)).await)
        .iter()
        .map(|it| (it.plan, it.orders, it.revenue.minor()))
        .collect();
    assert_eq!(by_plan, [(month.id, 2, 1_000), (year.id, 1, 4_000)]);
    assert_eq!(ok(db.store.revenue_by_day(t(2_001)).await), []);
    // Outcomes leave the test order out: three paid, one still invoiced.
    let outcomes = ok(db.store.order_outcomes(t(0)).await);
    assert_eq!(
        outcomes,
        [(OrderStatus::Paid, 3), (OrderStatus::Invoiced, 1)]
    );
}

#[tokio::test]
async fn a_reset_releases_only_a_finished_test() {
    let db = db();
    user(&db.store, 1).await;
    let user_id = TelegramId(1);
    assert!(
        !ok(db.store.reset_test_eligibility(user_id, t(1)).await),
        "no test yet"
    );
    let (first, _) = ok(db.store.create_test_order(user_id, t(2)).await);
    assert!(
        !ok(db.store.reset_test_eligibility(user_id, t(3)).await),
        "a test still being provisioned is left alone"
    );
    assert!(ok(db.store.has_test_order(user_id).await));
    crate::provision(&db.store, &first, t(90_000)).await;
    assert!(ok(db.store.reset_test_eligibility(user_id, t(4)).await));
    assert!(!ok(db.store.has_test_order(user_id).await));
    assert!(
        !ok(db.store.reset_test_eligibility(user_id, t(5)).await),
        "nothing left to release"
    );
    let (second, _) = ok(db.store.create_test_order(user_id, t(6)).await);
    assert_ne!(second.id, first.id);
    assert!(ok(db.store.has_test_order(user_id).await));
    assert!(matches!(
        db.store.create_test_order(user_id, t(7)).await,
        Err(Error::TestAlreadyUsed { .. })
    ));
}

#[tokio::test]
async fn a_grant_is_paid_with_its_job_in_one_step() {
    let db = db();
    user(&db.store, 5).await;
    let month = plan(&db.store, 30, 500).await;
    let grant = NewOrder {
        user: TelegramId(5),
        plan: month.id,
        renews: None,
        amount: usd(0),
        note: Some("granted by 1: refund".to_owned()),
        location: None,
    };
    let (order, job) = ok(db.store.create_granted_order(&grant, t(2_000)).await);
    assert_eq!(order.status, OrderStatus::Paid);
    assert_eq!(order.paid_at, Some(t(2_000)));
    assert!(order.amount.is_zero());
    let claimed =
        ok(db.store.claim_job(t(2_000), 60).await).map(|it| (it.id, it.provision_order()));
    assert_eq!(claimed, Some((job, Some(order.id))));
    // A priced order cannot be granted: nothing is stored.
    let priced = NewOrder {
        amount: month.price,
        ..grant
    };
    assert!(
        db.store
            .create_granted_order(&priced, t(2_001))
            .await
            .is_err()
    );
    assert_eq!(ok(db.store.orders_of_user(TelegramId(5)).await).len(), 1);
    // Grants are not revenue, but they count as bought.
    assert!(ok(db.store.has_paid_order(TelegramId(5)).await));
    assert!(ok(db.store.revenue_by_day(t(0)).await).is_empty());
}

#[tokio::test]
async fn an_open_invoice_is_found_for_the_same_purchase_only() {
    let db = db();
    user(&db.store, 1001).await;
    let plan = plan(&db.store, 30, 500).await;
    let other = crate::plan(&db.store, 60, 900).await;
    let order = invoiced_order(&db.store, 1001, &plan, None).await;
    let same = NewOrder {
        user: TelegramId(1001),
        plan: plan.id,
        renews: None,
        amount: plan.price,
        note: None,
        location: None,
    };
    let expires = order.invoice.as_ref().unwrap().expires;
    let found = ok(db
        .store
        .open_invoice(&same, plan.price, expires.plus_secs(-1))
        .await);
    assert_eq!(found.map(|it| it.id), Some(order.id));
    assert_eq!(
        ok(db.store.open_invoice(&same, plan.price, expires).await),
        None,
        "no longer payable"
    );
    for different in [
        NewOrder {
            plan: other.id,
            ..same.clone()
        },
        NewOrder {
            amount: usd(600),
            ..same.clone()
        },
        NewOrder {
            user: TelegramId(1002),
            ..same.clone()
        },
    ] {
        assert_eq!(
            ok(db
                .store
                .open_invoice(&different, different.amount, t(0))
                .await),
            None,
            "{different:?}"
        );
    }
    assert_eq!(
        ok(db.store.open_invoice(&same, usd(100), t(0)).await),
        None,
        "an invoice for another part of the price"
    );
    let uuid = invoice(order.id).uuid;
    ok(db.store.confirm_paid(order.id, &uuid, t(2_000)).await);
    assert_eq!(
        ok(db.store.open_invoice(&same, plan.price, t(0)).await),
        None,
        "paid is not open"
    );
}
