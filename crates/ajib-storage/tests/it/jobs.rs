//! The durable job queue.

use std::collections::BTreeSet;

use ajib_domain::{JobId, OrderId};
use ajib_storage::{Error, RetryOutcome};

use crate::{db, ok, t};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_job_goes_to_exactly_one_of_many_claimers() {
    let db = db();
    let id = ok(db.store.enqueue_job("ping", "{}", t(10)).await);
    let mut tasks = Vec::new();
    for _ in 0..12 {
        let store = db.store.clone();
        tasks.push(tokio::spawn(
            async move { store.claim_job(t(10), 60).await },
        ));
    }
    let mut claimed = Vec::new();
    for task in tasks {
        claimed.extend(ok(ok(task.await)));
    }
    assert_eq!(claimed.iter().map(|it| it.id).collect::<Vec<_>>(), [id]);
    assert_eq!(claimed[0].attempts, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn workers_drain_the_queue_without_doubles() {
    let db = db();
    let mut queued = BTreeSet::new();
    for i in 0..40 {
        queued.insert(ok(db
            .store
            .enqueue_job("ping", &format!("{{\"i\":{i}}}"), t(i))
            .await));
    }
    let mut workers = Vec::new();
    for _ in 0..6 {
        let store = db.store.clone();
        workers.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            while let Some(job) = ok(store.claim_job(t(100), 60).await) {
                ok(store.complete_job(job.id).await);
                mine.push(job.id);
            }
            mine
        }));
    }
    let mut seen = Vec::new();
    for worker in workers {
        seen.extend(ok(worker.await));
    }
    let unique: BTreeSet<JobId> = seen.iter().copied().collect();
    assert_eq!(seen.len(), 40, "each job claimed once");
    assert_eq!(unique, queued);
    assert_eq!(ok(db.store.pending_jobs_count().await), 0);
}

#[tokio::test]
async fn jobs_wait_for_their_time_and_leases_expire() {
    let db = db();
    let id = ok(db.store.enqueue_job("ping", "{}", t(100)).await);
    assert_eq!(ok(db.store.claim_job(t(99), 30).await), None);
    let first = ok(db.store.claim_job(t(100), 30).await);
    assert_eq!(first.map(|it| (it.id, it.attempts)), Some((id, 1)));
    assert_eq!(ok(db.store.claim_job(t(129), 30).await), None, "leased");
    let again = ok(db.store.claim_job(t(130), 30).await);
    assert_eq!(
        again.map(|it| (it.id, it.attempts)),
        Some((id, 2)),
        "the lease ran out"
    );
}

#[tokio::test]
async fn retry_and_dead_letters() {
    let db = db();
    let id = ok(db
        .store
        .enqueue_job("provision", "{\"order_id\":7}", t(0))
        .await);
    let job = ok(db.store.claim_job(t(0), 30).await);
    assert_eq!(
        job.and_then(|it| it.provision_order()),
        Some(ajib_domain::OrderId(7))
    );
    ok(db.store.retry_job(id, t(50), "blitz down").await);
    assert_eq!(ok(db.store.claim_job(t(49), 30).await), None);
    let retried = ok(db.store.claim_job(t(50), 30).await);
    assert_eq!(
        retried.map(|it| (it.attempts, it.last_error)),
        Some((2, Some("blitz down".to_owned())))
    );
    ok(db.store.fail_job(id, "gave up").await);
    assert_eq!(ok(db.store.claim_job(t(1_000), 30).await), None);
    assert_eq!(ok(db.store.pending_jobs_count().await), 0);
    let dead = ok(db.store.dead_jobs(10).await);
    assert_eq!(
        dead.into_iter()
            .map(|it| (it.id, it.last_error))
            .collect::<Vec<_>>(),
        [(id, Some("gave up".to_owned()))]
    );
    assert!(matches!(
        db.store.complete_job(JobId(999)).await,
        Err(Error::NotFound { what: "job" })
    ));
}

#[tokio::test]
async fn a_given_up_provisioning_is_listed_and_queued_again_once() {
    let db = db();
    let plan = crate::plan(&db.store, 30, 500).await;
    crate::user(&db.store, 1001).await;
    let order = crate::paid_order(&db.store, 1001, &plan, None).await;
    assert_eq!(ok(db.store.stuck_orders(10).await), []);

    let job = ok(db.store.claim_job(t(3_000), 60).await).expect("the order's job");
    ok(db.store.fail_job(job.id, "panel answered 400: usage").await);
    let stuck = ok(db.store.stuck_orders(10).await);
    assert_eq!(stuck.len(), 1);
    assert_eq!(stuck[0].order.id, order.id);
    assert_eq!(stuck[0].job, job.id);
    assert_eq!(stuck[0].attempts, 1);
    assert_eq!(stuck[0].error, "panel answered 400: usage");

    let first = ok(db.store.retry_provisioning(order.id, t(3_100)).await);
    assert_eq!(first, RetryOutcome::Queued(job.id));
    // A second tap while the job waits changes nothing.
    let second = ok(db.store.retry_provisioning(order.id, t(3_101)).await);
    assert_eq!(second, RetryOutcome::AlreadyQueued(job.id));
    assert_eq!(ok(db.store.stuck_orders(10).await), []);
    let again = ok(db.store.claim_job(t(3_100), 60).await).expect("queued again");
    assert_eq!((again.id, again.attempts), (job.id, 1));
    assert_eq!(ok(db.store.claim_job(t(3_100), 60).await), None);
}

#[tokio::test]
async fn retry_refuses_orders_that_need_no_provisioning() {
    let db = db();
    let plan = crate::plan(&db.store, 30, 500).await;
    crate::user(&db.store, 1001).await;
    crate::user(&db.store, 1002).await;
    let unpaid = crate::invoiced_order(&db.store, 1001, &plan, None).await;
    assert_eq!(
        ok(db.store.retry_provisioning(unpaid.id, t(3_100)).await),
        RetryOutcome::NotPaid
    );
    let paid = crate::paid_order(&db.store, 1002, &plan, None).await;
    crate::provision(&db.store, &paid, t(1000)).await;
    assert_eq!(
        ok(db.store.retry_provisioning(paid.id, t(3_100)).await),
        RetryOutcome::AlreadyProvisioned
    );
    assert!(matches!(
        db.store.retry_provisioning(OrderId(999), t(3_100)).await,
        Err(Error::NotFound { what: "order" })
    ));
    assert_eq!(
        ok(db.store.pending_jobs_count().await),
        1,
        "only paid's own job"
    );
}
