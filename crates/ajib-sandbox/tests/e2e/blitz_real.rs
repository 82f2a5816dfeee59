//! Regression tests for issue 14 ([blitz-real]): purchases on a real Blitz
//! 2.5.3 panel, whose create fails when it carries both a note and a creation
//! date, and provisioning that stops (and says so) when the panel refuses a
//! request instead of retrying it forever.

use std::time::Duration;

use ajib_domain::{OrderStatus, TelegramId};
use ajib_testkit::heleket::PayOutcome;

use crate::{
    journey::buy_first_plan,
    support::{Env, button_data, has_text, until},
};

/// A client of the sandbox's fake panel, as an operator's own tool would be.
fn panel_client(env: &Env) -> blitz::Client {
    let fake = env.sandbox.blitz.as_ref().unwrap();
    blitz::Client::new(fake.base_url(), fake.token(), Duration::from_secs(5)).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_14_purchase_on_the_faithful_panel_counts_days_from_payment() {
    let env = Env::start().await;
    let user = env.user(0).clone();
    let order = buy_first_plan(&env, &user, "v1:l:en", "menu").await;
    let service = env.only_service(&user).await;
    let blitz = env.sandbox.blitz.as_ref().unwrap();
    let account = blitz.user(&service.blitz_username).unwrap();
    assert_eq!(
        account.account_creation_date.as_deref(),
        Some(blitz.today().as_str()),
        "days count from the day of payment, not from the first connection"
    );
    assert_eq!(
        account.note.as_deref(),
        Some(format!("ajib order {order} for {}", user.id).as_str()),
        "the note is set by a second request"
    );
    let provisioning = env.sandbox.app.deps.store.get_order(order).await.unwrap();
    assert_eq!(provisioning.unwrap().status, OrderStatus::Provisioned);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_14_a_refused_renewal_stops_alerts_and_is_retried_by_an_admin() {
    let env = Env::start().await;
    let user = env.user(0).clone();
    let admin = env.user(2).clone();
    env.say(&admin, "/start", |it| button_data(it, "v1:l:").is_some());
    buy_first_plan(&env, &user, "v1:l:en", "menu").await;
    let service = env.only_service(&user).await;
    let store = &env.sandbox.app.deps.store;
    // Someone removed the account in the panel: renewing it cannot succeed.
    let panel = panel_client(&env);
    panel.delete_user(&service.blitz_username).unwrap();

    let (invoice, order) = env.open_renewal_invoice(&user, service.id);
    let admin_before = env.sandbox.telegram.messages(admin.id).len();
    let user_before = env.sandbox.telegram.messages(user.id).len();
    env.sandbox
        .heleket
        .as_ref()
        .unwrap()
        .pay(&invoice.uuid, PayOutcome::Paid);
    env.wait_new(&user, user_before, |it| has_text(it, "confirmed and safe"));
    let alert = env.wait_new(&admin, admin_before, |it| {
        has_text(it, "Provisioning stopped")
    });
    assert!(
        has_text(&alert, &format!("#{order}")) && has_text(&alert, "not found"),
        "{:?}",
        alert.text
    );
    let retry = button_data(&alert, "v1:apv:").expect("a Retry button");
    assert_eq!(retry, format!("v1:apv:{order}"));

    // Stopped at once: one attempt, no automatic retries, the money kept.
    let stuck = store.stuck_orders(10).await.unwrap();
    assert_eq!(stuck.len(), 1);
    assert_eq!((stuck[0].order.id, stuck[0].attempts), (order, 1));
    let paid = store.get_order(order).await.unwrap().unwrap();
    assert_eq!(paid.status, OrderStatus::Paid);
    ajib_app::core::provision::drain(&env.sandbox.app.deps).await;
    assert_eq!(store.stuck_orders(10).await.unwrap().len(), 1);
    assert_eq!(
        env.count(user.id, "taking a little longer"),
        0,
        "a refusal is not a delay"
    );

    // The admin puts the account back and presses Retry: delivered once.
    panel
        .create_user(&blitz::NewUser {
            username: service.blitz_username.clone(),
            traffic_limit_gb: 50,
            expiration_days: 30,
            note: None,
            creation_date: None,
            password: None,
            unlimited_ip: false,
        })
        .unwrap();
    let user_before = env.sandbox.telegram.messages(user.id).len();
    env.press(&admin, alert.message_id, &retry, |it| {
        has_text(it, "queued again")
    });
    env.wait_new(&user, user_before, |it| {
        has_text(it, "renewed") || has_text(it, "extended")
    });
    until("the renewal to be recorded", async || {
        store.get_order(order).await.unwrap().unwrap().status == OrderStatus::Provisioned
    })
    .await;
    assert_eq!(store.stuck_orders(10).await.unwrap(), []);
    env.press(&admin, alert.message_id, &retry, |it| {
        has_text(it, "already delivered")
    });
    let services = store.services_of_user(TelegramId(user.id)).await.unwrap();
    assert_eq!(services.len(), 1, "the same service, renewed once");
}
