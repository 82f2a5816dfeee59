//! Exactly once under kill -9: what a killed process leaves behind is taken
//! back by the next start at once, configs are queued with the job's
//! completion, and notices that must arrive wait in SQLite until they do
//! (issue 19).
//!
//! A kill is played by leaving the database as the killed process would
//! have: a job leased by an older run, a provisioning job run again after
//! its service was committed, a payment settled by a process that never got
//! to send anything.

use std::time::Instant;

use ajib_domain::{OrderStatus, TelegramId};
use ajib_sandbox::ADMIN_ID;
use ajib_testkit::{
    blitz::BlitzFault,
    heleket::{PayOutcome, WebhookMode},
    telegram::TelegramFault,
};

use crate::{
    journey::buy_first_plan,
    support::{Env, OpenInvoice, WAIT, has_text, until},
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_19_a_restart_takes_back_a_job_leased_by_a_killed_process_at_once() {
    let mut env = Env::start().await;
    let user = env.user(0).clone();
    let blitz_fault = |env: &Env, fault| env.sandbox.blitz.as_ref().unwrap().set_fault(fault);
    blitz_fault(&env, BlitzFault::ServerError);
    let OpenInvoice { invoice, order, .. } = env.open_invoice(&user, "v1:l:en");
    let before = env.sandbox.telegram.messages(user.id).len();
    env.sandbox
        .heleket
        .as_ref()
        .unwrap()
        .pay(&invoice.uuid, PayOutcome::Paid);
    env.wait_new(&user, before, |it| has_text(it, "longer"));
    env.sandbox.app.stop().await;
    // The killed process held the job: leased for five minutes by its run.
    let store = env.sandbox.app.deps.store.clone();
    until("the job to come due and be leased", async || {
        matches!(
            store.claim_job(ajib_app::deps::now(), 300).await,
            Ok(Some(_))
        )
    })
    .await;

    blitz_fault(&env, BlitzFault::None);
    let restarted = Instant::now();
    env.sandbox.restart_bot().await.unwrap();
    env.wait_new(&user, before, |it| has_text(it, "hy2://"));
    assert!(
        restarted.elapsed() < WAIT,
        "delivered {:?} after the restart, not after the lease",
        restarted.elapsed()
    );
    let store = &env.sandbox.app.deps.store;
    assert_eq!(
        store.get_order(order).await.unwrap().unwrap().status,
        OrderStatus::Provisioned
    );
    assert_eq!(env.count(user.id, "hy2://"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_19_a_job_run_again_after_its_service_was_committed_sends_the_config_once() {
    let mut env = Env::start().await;
    let user = env.user(0).clone();
    let order = buy_first_plan(&env, &user, "v1:l:en", "menu").await;
    env.sandbox.app.stop().await;
    // As if the process had died between committing the service and
    // completing the job: the job is still leased by a run that is gone.
    let conn = rusqlite::Connection::open(env.sandbox.database_path()).unwrap();
    let n = conn
        .execute(
            "UPDATE jobs SET status = 'running', lease_until = 4000000000, leased_by = NULL \
             WHERE json_extract(payload, '$.order_id') = ?1",
            [order.0],
        )
        .unwrap();
    assert_eq!(n, 1);
    drop(conn);

    env.sandbox.restart_bot().await.unwrap();
    let store = env.sandbox.app.deps.store.clone();
    until("the job to run again and be done", async || {
        store.pending_jobs_count().await.unwrap() == 0
    })
    .await;
    until("the mail queue to be empty", async || {
        store.mail_counts().await.unwrap().unsent == 0
    })
    .await;
    assert_eq!(env.count(user.id, "hy2://"), 1, "{:#?}", env.texts(&user));
    assert_eq!(
        env.count(user.id, "service is ready"),
        1,
        "{:#?}",
        env.texts(&user)
    );
    assert_eq!(env.sandbox.blitz.as_ref().unwrap().users().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_19_a_new_purchase_notice_survives_a_crash_after_the_payment() {
    let mut env = Env::start().await;
    let user = env.user(0).clone();
    let heleket = env.sandbox.heleket.as_ref().unwrap();
    heleket.set_webhook_mode(WebhookMode::Never);
    let OpenInvoice { invoice, order, .. } = env.open_invoice(&user, "v1:l:en");
    heleket.pay(&invoice.uuid, PayOutcome::Paid);
    env.sandbox.app.stop().await;
    // The payment is settled while Telegram cannot be reached, and then the
    // process dies: nothing was sent, everything was decided.
    env.sandbox.telegram.set_fault(TelegramFault::ServerError);
    let deps = env.sandbox.app.deps.clone();
    let stored = deps.store.get_order(order).await.unwrap().unwrap();
    let reconciled = ajib_app::core::payments::reconcile(&deps, &stored)
        .await
        .unwrap();
    assert_eq!(reconciled, ajib_app::core::payments::Reconciled::Granted);
    env.sandbox.telegram.set_fault(TelegramFault::None);

    env.sandbox.restart_bot().await.unwrap();
    let order_line = format!("Order: #{}", order.0);
    let admin_notices = || {
        env.sandbox
            .telegram
            .messages(ADMIN_ID)
            .iter()
            .filter(|it| {
                has_text(it, "New purchase")
                    && it
                        .text
                        .as_deref()
                        .is_some_and(|text| text.lines().any(|line| line.trim() == order_line))
            })
            .count()
    };
    until("the New purchase notice to reach the admin", async || {
        admin_notices() >= 1
    })
    .await;
    env.wait_new(&user, 0, |it| has_text(it, "hy2://"));
    let store = &env.sandbox.app.deps.store;
    until("the mail queue to be empty", async || {
        store.mail_counts().await.unwrap().unsent == 0
    })
    .await;
    assert_eq!(admin_notices(), 1);
    assert_eq!(env.count(user.id, "Payment received"), 1);
    assert_eq!(env.count(user.id, "hy2://"), 1);
    let services = store.services_of_user(TelegramId(user.id)).await.unwrap();
    assert_eq!(services.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_19_broadcast_sends_cut_off_by_a_kill_are_made_again_and_counted() {
    let mut env = Env::start().await;
    env.sandbox.app.stop().await;
    let recipients: Vec<TelegramId> = (0..20).map(|idx| TelegramId(7_000 + idx)).collect();
    for id in &recipients {
        env.sandbox
            .telegram
            .add_user(&ajib_testkit::telegram::SimUser::new(id.0, "Reader"));
    }
    let store = env.sandbox.app.deps.store.clone();
    let now = ajib_app::deps::now();
    let id = store
        .create_broadcast(
            "Hello after a kill",
            None,
            "all",
            &recipients,
            TelegramId(ADMIN_ID),
            now,
        )
        .await
        .unwrap();
    // The killed process had recorded three sends as attempted and died
    // before it learned whether Telegram took them.
    for user in &recipients[..3] {
        store.attempt_recipient(id, *user).await.unwrap();
    }

    env.sandbox.restart_bot().await.unwrap();
    let store = env.sandbox.app.deps.store.clone();
    until("the broadcast to finish", async || {
        store.broadcast_progress(id).await.unwrap().pending == 0
    })
    .await;
    for user in &recipients {
        assert_eq!(
            env.count(user.0, "Hello after a kill"),
            1,
            "every reachable recipient gets it: {user}"
        );
    }
    let progress = store.broadcast_progress(id).await.unwrap();
    assert_eq!(progress.sent, 20);
    assert_eq!(
        progress.possible_duplicates, 3,
        "the three cut-off sends are counted as possibly repeated, nobody else"
    );
}
