//! Money is credited exactly once: duplicate, concurrent and forged webhooks, and the poller.

use ajib_domain::{OrderStatus, TelegramId};
use ajib_testkit::{
    blitz::BlitzFault,
    heleket::{PayOutcome, WebhookMode},
};

use crate::support::{Env, has_text, until};

/// Gets user 0 to an unpaid invoice; returns (invoice uuid, order id).
fn open_invoice(env: &Env) -> (String, ajib_domain::OrderId) {
    let open = env.open_invoice(env.user(0), "v1:l:en");
    (open.invoice.uuid, open.order)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicate_and_concurrent_webhooks_credit_once() {
    let env = Env::start().await;
    let (uuid, order) = open_invoice(&env);
    let heleket = env.sandbox.heleket.as_ref().unwrap();
    heleket.set_webhook_mode(WebhookMode::Twice);
    heleket.pay(&uuid, PayOutcome::Paid);
    // Meanwhile 50 parallel reconciliations race the webhooks.
    let deps = env.sandbox.app.deps.clone();
    let stored = deps.store.get_order(order).await.unwrap().unwrap();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..50 {
        let (deps, stored) = (deps.clone(), stored.clone());
        tasks.spawn(async move {
            ajib_app::core::payments::reconcile(&deps, &stored)
                .await
                .ok()
        });
    }
    let mut granted = 0;
    while let Some(res) = tasks.join_next().await {
        if res.unwrap() == Some(ajib_app::core::payments::Reconciled::Granted) {
            granted += 1;
        }
    }
    assert!(granted <= 1, "granted {granted} times");
    until("the order to be provisioned", async || {
        deps.store.get_order(order).await.unwrap().unwrap().status == OrderStatus::Provisioned
    })
    .await;
    until("both webhooks to be delivered", async || {
        heleket.webhooks_sent() >= 2
    })
    .await;
    assert_eq!(
        deps.store
            .services_of_user(TelegramId(env.user(0).id))
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(env.sandbox.blitz.as_ref().unwrap().users().len(), 1);
    env.wait_new(env.user(0), 0, |it| has_text(it, "hy2://"));
    assert_eq!(
        env.count(env.user(0).id, "hy2://"),
        1,
        "config delivered once"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_webhook_is_refused_and_changes_nothing() {
    let env = Env::start().await;
    let (uuid, order) = open_invoice(&env);
    let body = format!(
        r#"{{"type":"payment","uuid":"{uuid}","order_id":"{}","status":"paid","sign":"00000000000000000000000000000000"}}"#,
        order.invoice_ref()
    );
    let url = format!("http://{}/webhooks/heleket", env.sandbox.app.http_addr);
    let status = tokio::task::spawn_blocking(move || {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        agent
            .post(&url)
            .content_type("application/json")
            .send(body.as_bytes())
            .unwrap()
            .status()
            .as_u16()
    })
    .await
    .unwrap();
    assert_eq!(status, 401);
    let stored = env
        .sandbox
        .app
        .deps
        .store
        .get_order(order)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.status, OrderStatus::Invoiced);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn poller_credits_a_payment_whose_webhook_never_came_even_with_blitz_down() {
    let env = Env::start().await;
    let (uuid, order) = open_invoice(&env);
    let heleket = env.sandbox.heleket.as_ref().unwrap();
    let blitz = env.sandbox.blitz.as_ref().unwrap();
    heleket.set_webhook_mode(WebhookMode::Never);
    blitz.set_fault(BlitzFault::ServerError);
    heleket.pay(&uuid, PayOutcome::Paid);
    // The user's "check" button reconciles now instead of waiting for the poller.
    let user = env.user(0).clone();
    let before = env.sandbox.telegram.messages(user.id).len();
    env.sandbox
        .telegram
        .press_button(&user, 1, &format!("v1:c:{}", order.0));
    env.wait_new(&user, before, |it| has_text(it, "longer"));
    let deps = env.sandbox.app.deps.clone();
    assert_eq!(
        deps.store.get_order(order).await.unwrap().unwrap().status,
        OrderStatus::Paid
    );
    blitz.set_fault(BlitzFault::None);
    until("provisioning after the panel is back", async || {
        deps.store.get_order(order).await.unwrap().unwrap().status == OrderStatus::Provisioned
    })
    .await;
    env.wait_new(&user, before, |it| has_text(it, "hy2://"));
    assert_eq!(blitz.users().len(), 1);
}
