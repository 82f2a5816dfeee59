//! Auto-renew from the balance: the switch, which services are due, and one
//! renewal per service period across concurrent calls and restarts.

use ajib_domain::{Currency, OrderKind, OrderStatus, Service, TelegramId, UnixTime};
use ajib_storage::{AUTO_RENEW_GRACE_SECS, AutoRenewOutcome, Error, LedgerCause, Store};

use crate::{db, ok, paid_order, plan, provision, t, usd, user};

const ALICE: TelegramId = TelegramId(1);
const BOB: TelegramId = TelegramId(2);
const DAY: i64 = 86_400;
/// "Now" in these tests: well after the orders' own timestamps.
const NOW: i64 = 1_000_000;

/// A bought service of `owner` expiring at `expires`, on a 30-day plan at 500.
async fn service(store: &Store, owner: i64, expires: UnixTime) -> Service {
    let month = plan(store, 30, 500).await;
    let order = paid_order(store, owner, &month, None).await;
    provision(store, &order, expires).await
}

async fn credit(store: &Store, who: TelegramId, minor: i64) {
    ok(store
        .adjust_balance(who, Currency::USD, minor, TelegramId(99), "test", t(NOW))
        .await);
}

async fn balance(store: &Store, who: TelegramId) -> i64 {
    ok(store.balance(who, Currency::USD).await).minor()
}

fn ids(services: &[Service]) -> Vec<i64> {
    services.iter().map(|it| it.id.0).collect()
}

#[tokio::test]
async fn the_switch_is_off_by_default_and_only_the_owner_turns_it_on() {
    let db = db();
    user(&db.store, 1).await;
    user(&db.store, 2).await;
    let mine = service(&db.store, 1, t(NOW + 10 * DAY)).await;
    assert!(!ok(db.store.auto_renew_enabled(mine.id).await));
    assert!(matches!(
        db.store.set_auto_renew(mine.id, BOB, true).await,
        Err(Error::NotFound { .. })
    ));
    assert!(!ok(db.store.auto_renew_enabled(mine.id).await));
    ok(db.store.set_auto_renew(mine.id, ALICE, true).await);
    assert!(ok(db.store.auto_renew_enabled(mine.id).await));
    ok(db.store.set_auto_renew(mine.id, ALICE, false).await);
    assert!(!ok(db.store.auto_renew_enabled(mine.id).await));
}

#[tokio::test]
async fn a_test_account_cannot_auto_renew() {
    let db = db();
    user(&db.store, 1).await;
    let (order, _) = ok(db.store.create_test_order(ALICE, t(1_000)).await);
    let test = provision(&db.store, &order, t(NOW + 3_600)).await;
    assert!(test.is_test);
    assert!(matches!(
        db.store.set_auto_renew(test.id, ALICE, true).await,
        Err(Error::NotFound { .. })
    ));
    assert!(ok(db.store.auto_renew_due(t(NOW), 30, 10).await).is_empty());
}

#[tokio::test]
async fn due_services_are_on_paid_active_within_the_window_and_not_yet_renewed() {
    let db = db();
    user(&db.store, 1).await;
    let due = service(&db.store, 1, t(NOW + DAY / 2)).await;
    let just_expired = service(&db.store, 1, t(NOW - 3_600)).await;
    let long_dead = service(&db.store, 1, t(NOW - AUTO_RENEW_GRACE_SECS - 1)).await;
    let far = service(&db.store, 1, t(NOW + 3 * DAY)).await;
    let off = service(&db.store, 1, t(NOW + 3_600)).await;
    let withdrawn = service(&db.store, 1, t(NOW + 3_600)).await;
    let disabled = service(&db.store, 1, t(NOW + 3_600)).await;
    for it in [&due, &just_expired, &long_dead, &far, &withdrawn, &disabled] {
        ok(db.store.set_auto_renew(it.id, ALICE, true).await);
    }
    let withdrawn_plan = withdrawn.plan.unwrap_or(ajib_domain::PlanId(0));
    ok(db
        .store
        .set_plan_active(withdrawn_plan, false, t(NOW))
        .await);
    ok(db
        .store
        .set_service_status(disabled.id, ajib_domain::ServiceStatus::Disabled)
        .await);

    let found = ok(db.store.auto_renew_due(t(NOW), 1, 10).await);
    assert_eq!(ids(&found), [just_expired.id.0, due.id.0], "soonest first");
    let wider = ok(db.store.auto_renew_due(t(NOW), 3, 10).await);
    assert_eq!(ids(&wider), [just_expired.id.0, due.id.0, far.id.0]);
    assert!(!ids(&wider).contains(&off.id.0), "switched off");
    assert_eq!(ok(db.store.auto_renew_due(t(NOW), 3, 1).await).len(), 1);
    // With zero days before, a service is renewed once it has expired.
    let at_expiry = ok(db.store.auto_renew_due(t(NOW), 0, 10).await);
    assert_eq!(ids(&at_expiry), [just_expired.id.0]);

    // Renewed for the current expiry: no longer due, even before the panel extends it.
    credit(&db.store, ALICE, 500).await;
    let renewed = ok(db.store.auto_renew(due.id, t(NOW)).await);
    assert!(
        matches!(renewed, AutoRenewOutcome::Renewed { .. }),
        "{renewed:?}"
    );
    let found = ok(db.store.auto_renew_due(t(NOW), 1, 10).await);
    assert_eq!(ids(&found), [just_expired.id.0]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_period_is_renewed_exactly_once_across_concurrent_calls_and_restarts() {
    let db = db();
    user(&db.store, 1).await;
    let due = service(&db.store, 1, t(NOW + DAY / 2)).await;
    ok(db.store.set_auto_renew(due.id, ALICE, true).await);
    credit(&db.store, ALICE, 1_200).await;
    let jobs_before = ok(db.store.pending_jobs_count().await);

    // Two workers at once, each on its own pool connection.
    let other = db.store.clone();
    let (a, b) = tokio::join!(
        db.store.auto_renew(due.id, t(NOW)),
        other.auto_renew(due.id, t(NOW))
    );
    let outcomes = [ok(a), ok(b)];
    let renewed: Vec<_> = outcomes
        .iter()
        .filter_map(|it| match it {
            AutoRenewOutcome::Renewed {
                order,
                job,
                balance,
            } => Some((order.clone(), *job, *balance)),
            _ => None,
        })
        .collect();
    assert_eq!(renewed.len(), 1, "{outcomes:?}");
    assert!(
        outcomes.contains(&AutoRenewOutcome::AlreadyRenewed),
        "{outcomes:?}"
    );
    let (order, _, left) = renewed[0].clone();
    assert_eq!(order.kind, OrderKind::Renewal(due.id));
    assert_eq!(order.status, OrderStatus::Paid);
    assert_eq!(order.amount, usd(500));
    assert_eq!(left, usd(700));

    // Repeated, and after a restart: still once.
    assert_eq!(
        ok(db.store.auto_renew(due.id, t(NOW + 60)).await),
        AutoRenewOutcome::AlreadyRenewed
    );
    drop(other);
    let reopened = ok(Store::open(&db.path));
    assert_eq!(
        ok(reopened.auto_renew(due.id, t(NOW + 120)).await),
        AutoRenewOutcome::AlreadyRenewed
    );

    assert_eq!(balance(&reopened, ALICE).await, 700, "debited once");
    assert_eq!(ok(reopened.auto_renewals_of(due.id).await), [order.id]);
    assert_eq!(ok(reopened.pending_jobs_count().await), jobs_before + 1);
    let purchases = ok(reopened.ledger_for_order(order.id).await);
    let rows: Vec<_> = purchases
        .iter()
        .map(|it| (it.cause, it.delta_minor))
        .collect();
    assert_eq!(rows, [(LedgerCause::Purchase, -500)]);
    let renewals = ok(reopened.orders_of_user(ALICE).await)
        .into_iter()
        .filter(|it| it.kind == OrderKind::Renewal(due.id))
        .count();
    assert_eq!(renewals, 1, "one renewal order");

    // Once the renewal is on the panel the expiry moves: the next period is its own.
    let new_expiry = due.expires.plus_days(30);
    ok(reopened
        .extend_service_and_mark_provisioned(order.id, due.id, new_expiry, t(NOW + 200))
        .await);
    let next = new_expiry.plus_secs(-3_600);
    assert_eq!(
        ids(&ok(reopened.auto_renew_due(next, 1, 10).await)),
        [due.id.0]
    );
    let again = ok(reopened.auto_renew(due.id, next).await);
    assert!(
        matches!(again, AutoRenewOutcome::Renewed { .. }),
        "{again:?}"
    );
    assert_eq!(balance(&reopened, ALICE).await, 200);
    assert_eq!(ok(reopened.auto_renewals_of(due.id).await).len(), 2);
}

#[tokio::test]
async fn not_enough_balance_writes_nothing() {
    let db = db();
    user(&db.store, 1).await;
    let due = service(&db.store, 1, t(NOW + DAY / 2)).await;
    ok(db.store.set_auto_renew(due.id, ALICE, true).await);
    credit(&db.store, ALICE, 499).await;
    let orders_before = ok(db.store.orders_of_user(ALICE).await);
    let jobs_before = ok(db.store.pending_jobs_count().await);
    let ledger_before = ok(db.store.ledger_of(ALICE, 100).await);

    let outcome = ok(db.store.auto_renew(due.id, t(NOW)).await);
    assert_eq!(
        outcome,
        AutoRenewOutcome::NotEnoughBalance {
            balance: usd(499),
            price: usd(500)
        }
    );
    assert_eq!(ok(db.store.orders_of_user(ALICE).await), orders_before);
    assert_eq!(ok(db.store.pending_jobs_count().await), jobs_before);
    assert_eq!(ok(db.store.ledger_of(ALICE, 100).await), ledger_before);
    assert!(ok(db.store.auto_renewals_of(due.id).await).is_empty());
    // Still due: a top-up before expiry renews it.
    assert_eq!(
        ids(&ok(db.store.auto_renew_due(t(NOW), 1, 10).await)),
        [due.id.0]
    );
    credit(&db.store, ALICE, 1).await;
    let outcome = ok(db.store.auto_renew(due.id, t(NOW + 60)).await);
    assert!(matches!(outcome, AutoRenewOutcome::Renewed { balance, .. } if balance.is_zero()));
}

#[tokio::test]
async fn switched_off_or_withdrawn_or_already_paid_is_not_renewed() {
    let db = db();
    user(&db.store, 1).await;
    credit(&db.store, ALICE, 5_000).await;
    let off = service(&db.store, 1, t(NOW + 3_600)).await;
    assert_eq!(
        ok(db.store.auto_renew(off.id, t(NOW)).await),
        AutoRenewOutcome::NotEligible
    );

    let withdrawn = service(&db.store, 1, t(NOW + 3_600)).await;
    ok(db.store.set_auto_renew(withdrawn.id, ALICE, true).await);
    let plan_id = withdrawn.plan.unwrap_or(ajib_domain::PlanId(0));
    ok(db.store.set_plan_active(plan_id, false, t(NOW)).await);
    assert_eq!(
        ok(db.store.auto_renew(withdrawn.id, t(NOW)).await),
        AutoRenewOutcome::NotEligible
    );

    // The customer renewed by hand and it is still on its way to the panel.
    let manual = service(&db.store, 1, t(NOW + 3_600)).await;
    ok(db.store.set_auto_renew(manual.id, ALICE, true).await);
    let month = plan(&db.store, 30, 500).await;
    paid_order(&db.store, 1, &month, Some(manual.id)).await;
    assert!(ok(db.store.auto_renew_due(t(NOW), 1, 10).await).is_empty());
    assert_eq!(
        ok(db.store.auto_renew(manual.id, t(NOW)).await),
        AutoRenewOutcome::AlreadyRenewed
    );
    assert_eq!(balance(&db.store, ALICE).await, 5_000);
}
