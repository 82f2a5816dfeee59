//! Mail and runs: messages queued with the decision, sent in order per chat,
//! and what a killed process left behind taken back by the next start.

use ajib_domain::{TelegramId, blitz_username};
use ajib_storage::{
    ConfirmedPayment, MailBody, MailCounts, NewMail, NewService, Provisioning, Settlement,
};

use crate::{db, invoice, invoiced_order, ok, paid_order, plan, t, usd, user};

fn text(chat: i64, body: &str) -> NewMail {
    NewMail {
        bot: None,
        chat: Some(chat),
        body: MailBody::Message {
            json: body.to_owned(),
            attachment: None,
        },
    }
}

/// The bodies of the due mail, as (chat, body) pairs.
async fn due(store: &ajib_storage::Store, at: i64) -> Vec<(Option<i64>, String)> {
    ok(store.due_mail(t(at), 100).await)
        .into_iter()
        .map(|it| match it.body {
            MailBody::Message { json, .. } => (it.chat, json),
            other => (it.chat, format!("{other:?}")),
        })
        .collect()
}

#[tokio::test]
async fn mail_leaves_in_order_per_chat_and_a_retry_holds_the_chat() {
    let db = db();
    let mail = vec![text(1, "a1"), text(2, "b1"), text(1, "a2")];
    ok(db.store.queue_mail(mail, t(10)).await);
    assert_eq!(
        due(&db.store, 10).await,
        [(Some(1), "a1".to_owned()), (Some(2), "b1".to_owned())],
        "one message per chat at a time"
    );
    let first = ok(db.store.due_mail(t(10), 100).await);
    ok(db.store.sending_mail(first[0].id).await);
    ok(db.store.retry_mail(first[0].id, t(60), "5xx").await);
    ok(db.store.sending_mail(first[1].id).await);
    ok(db.store.mail_sent(first[1].id, t(11)).await);
    assert_eq!(
        due(&db.store, 11).await,
        Vec::<(Option<i64>, String)>::new(),
        "a2 waits behind a1's retry"
    );
    assert_eq!(due(&db.store, 60).await, [(Some(1), "a1".to_owned())]);
    ok(db.store.mail_sent(first[0].id, t(60)).await);
    assert_eq!(due(&db.store, 60).await, [(Some(1), "a2".to_owned())]);
}

#[tokio::test]
async fn a_send_interrupted_by_a_kill_is_queued_again_and_counted() {
    let db = db();
    ok(db.store.queue_mail(vec![text(1, "config")], t(10)).await);
    let row = ok(db.store.due_mail(t(10), 10).await).remove(0);
    ok(db.store.sending_mail(row.id).await);
    // The process dies here; the next one starts.
    let run = ok(db.store.begin_run(t(20)).await);
    assert_eq!(run.resent_mail, 1);
    assert_eq!(due(&db.store, 20).await, [(Some(1), "config".to_owned())]);
    ok(db.store.mail_sent(row.id, t(21)).await);
    assert_eq!(
        ok(db.store.mail_counts().await),
        MailCounts {
            unsent: 0,
            sent: 1,
            failed: 0,
            resent: 1
        }
    );
}

#[tokio::test]
async fn staff_mail_is_copied_to_each_staff_chat_behind_their_queues() {
    let db = db();
    ok(db.store.queue_mail(vec![text(7, "older")], t(10)).await);
    let staff = NewMail {
        bot: None,
        chat: None,
        ..text(0, "alert")
    };
    ok(db.store.queue_mail(vec![staff], t(11)).await);
    let rows = ok(db.store.due_mail(t(11), 10).await);
    assert_eq!(rows[1].chat, None);
    ok(db.store.copy_mail_to(rows[1].id, vec![7, 8], t(12)).await);
    assert_eq!(
        due(&db.store, 12).await,
        [(Some(7), "older".to_owned()), (Some(8), "alert".to_owned())]
    );
}

#[tokio::test]
async fn a_new_run_frees_the_jobs_of_the_dead_one_at_once() {
    let db = db();
    ok(db.store.begin_run(t(1)).await);
    ok(db.store.enqueue_job("provision", "{}", t(5)).await);
    let job = ok(db.store.claim_job(t(5), 300).await).map(|it| it.id);
    assert!(job.is_some());
    assert_eq!(ok(db.store.claim_job(t(6), 300).await), None, "leased");
    let run = ok(db.store.begin_run(t(7)).await);
    assert_eq!(run.released_jobs, 1);
    let again = ok(db.store.claim_job(t(7), 300).await);
    assert_eq!(again.map(|it| (it.id, it.attempts)), job.map(|id| (id, 2)));
    // The live run keeps its own lease.
    assert_eq!(ok(db.store.claim_job(t(8), 300).await), None);
}

#[tokio::test]
async fn a_settled_payment_queues_its_notices_in_the_same_transaction() {
    let db = db();
    user(&db.store, 1).await;
    let month = plan(&db.store, 30, 500).await;
    let order = invoiced_order(&db.store, 1, &month, None).await;
    let payment = ConfirmedPayment {
        order: order.id,
        invoice_uuid: invoice(order.id).uuid,
        received: usd(550),
        grantable: true,
    };
    let settled = ok(db.store.settle_payment(&payment, t(2_000)).await);
    ok(db.store.settle_payment(&payment, t(2_001)).await);
    let rows = ok(db.store.due_mail(t(2_001), 10).await);
    let bodies: Vec<_> = rows.iter().map(|it| (it.chat, it.body.clone())).collect();
    assert!(matches!(settled, Settlement::Granted { .. }));
    assert_eq!(
        bodies,
        [
            (
                Some(1),
                MailBody::Payment {
                    order: order.id,
                    settlement: settled,
                    balance: usd(50)
                }
            ),
            (
                None,
                MailBody::StaffPayment {
                    order: order.id,
                    settlement: settled,
                    balance: usd(50)
                }
            ),
        ],
        "once for the user and once for the staff, however often it is settled"
    );
}

#[tokio::test]
async fn finishing_provisioning_twice_queues_the_configs_once() {
    let db = db();
    user(&db.store, 1).await;
    let month = plan(&db.store, 30, 500).await;
    let order = paid_order(&db.store, 1, &month, None).await;
    let before = ok(db.store.mail_counts().await).unsent;
    let job = ok(db.store.claim_job(t(2_050), 300).await).map(|it| it.id);
    let Some(job) = job else {
        panic!("the paid order has its job");
    };
    let service = NewService {
        user: TelegramId(1),
        panel: ajib_domain::PanelId::FIRST,
        blitz_username: blitz_username(TelegramId(1), order.id),
        plan: order.plan,
        is_test: false,
        expires: t(1_000_000),
        traffic_limit_bytes: None,
    };
    let work = Provisioning::Create(service);
    let first = ok(db
        .store
        .finish_provisioning(job, order.id, work.clone(), vec![text(1, "cfg")], t(2_100))
        .await);
    assert!(first.first);
    assert_eq!(
        ok(db.store.pending_jobs_count().await),
        0,
        "job done with it"
    );
    let again = ok(db
        .store
        .finish_provisioning(job, order.id, work, vec![text(1, "cfg")], t(2_200))
        .await);
    assert!(!again.first);
    assert_eq!(again.service, first.service);
    assert_eq!(ok(db.store.mail_counts().await).unsent, before + 1);
}

#[tokio::test]
async fn old_sent_mail_is_forgotten_and_unsent_mail_never_is() {
    let db = db();
    ok(db
        .store
        .queue_mail(vec![text(1, "old"), text(2, "waiting")], t(10))
        .await);
    let rows = ok(db.store.due_mail(t(10), 10).await);
    ok(db.store.sending_mail(rows[0].id).await);
    ok(db.store.mail_sent(rows[0].id, t(11)).await);
    assert_eq!(
        ok(db.store.prune_mail(t(11)).await),
        0,
        "sent at 11 is not before 11"
    );
    assert_eq!(ok(db.store.prune_mail(t(1_000)).await), 1);
    assert_eq!(
        due(&db.store, 1_000).await,
        [(Some(2), "waiting".to_owned())]
    );
}

#[tokio::test]
async fn a_purchase_from_the_balance_queues_the_staff_notice_with_it() {
    let db = db();
    user(&db.store, 1).await;
    let month = plan(&db.store, 30, 500).await;
    ok(db
        .store
        .adjust_balance(
            TelegramId(1),
            usd(0).currency(),
            800,
            TelegramId(9),
            "gift",
            t(1_000),
        )
        .await);
    let order = invoiced_order(&db.store, 1, &month, None).await;
    let job = ok(db.store.pay_from_balance(order.id, t(2_000)).await);
    let rows = ok(db.store.due_mail(t(2_000), 10).await);
    let bodies: Vec<_> = rows.into_iter().map(|it| (it.chat, it.body)).collect();
    assert_eq!(
        bodies,
        [(
            None,
            MailBody::StaffPayment {
                order: order.id,
                settlement: Settlement::Granted {
                    job,
                    excess: usd(0)
                },
                balance: usd(300)
            }
        )]
    );
}

#[tokio::test]
async fn a_new_run_retries_backed_off_jobs_and_asks_about_open_invoices_at_once() {
    let db = db();
    user(&db.store, 1).await;
    let month = plan(&db.store, 30, 500).await;
    let order = invoiced_order(&db.store, 1, &month, None).await;
    ok(db.store.set_next_poll(order.id, t(5_000)).await);
    let job = ok(db.store.enqueue_job("provision", "{}", t(5_000)).await);
    assert!(ok(db.store.due_for_poll(t(3_000), 10).await).is_empty());
    assert_eq!(ok(db.store.claim_job(t(3_000), 300).await), None);

    ok(db.store.begin_run(t(3_000)).await);
    let due: Vec<_> = ok(db.store.due_for_poll(t(3_000), 10).await)
        .into_iter()
        .map(|it| it.id)
        .collect();
    assert_eq!(
        due,
        [order.id],
        "webhooks may have come while nobody listened"
    );
    let claimed = ok(db.store.claim_job(t(3_000), 300).await).map(|it| it.id);
    assert_eq!(claimed, Some(job));
}
