//! The customer journey: /start → language → plans → invoice → pay → configs.

use ajib_domain::{OrderId, OrderStatus, TelegramId};
use ajib_testkit::{heleket::PayOutcome, telegram::SimUser};

use crate::support::{Env, OpenInvoice, button_data, has_text};

/// Walks one user from /start to a delivered config; returns the order id.
pub async fn buy_first_plan(
    env: &Env,
    user: &SimUser,
    lang_data: &str,
    menu_word: &str,
) -> OrderId {
    let OpenInvoice {
        menu,
        invoice: fake_invoice,
        order,
    } = env.open_invoice(user, lang_data);
    assert!(has_text(&menu, menu_word), "{:?}", menu.text);
    let heleket = env.sandbox.heleket.as_ref().unwrap();
    let before = env.sandbox.telegram.messages(user.id).len();
    heleket.pay(&fake_invoice.uuid, PayOutcome::Paid);
    let photo = env.wait_new(user, before, |it| it.photo.is_some());
    env.wait_new(user, before, |it| has_text(it, "hy2://"));
    // The how-to with its menu button closes the delivery; after it the chat is quiet.
    let photo_idx = env
        .sandbox
        .telegram
        .messages(user.id)
        .iter()
        .position(|it| it.message_id == photo.message_id)
        .unwrap();
    env.wait_new(user, photo_idx + 1, |it| button_data(it, "v1:m").is_some());
    order
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn purchase_journey_in_english_delivers_configs_once() {
    let env = Env::start().await;
    let user = env.user(0).clone();
    let order = buy_first_plan(&env, &user, "v1:l:en", "menu").await;
    let store = &env.sandbox.app.deps.store;
    let stored = store.get_order(order).await.unwrap().unwrap();
    assert_eq!(stored.status, OrderStatus::Provisioned);
    let services = store.services_of_user(TelegramId(user.id)).await.unwrap();
    assert_eq!(services.len(), 1);
    let blitz = env.sandbox.blitz.as_ref().unwrap();
    assert_eq!(blitz.users().len(), 1, "exactly one panel account");
    let photos = env
        .sandbox
        .telegram
        .messages(user.id)
        .iter()
        .filter(|it| it.photo.is_some())
        .count();
    assert_eq!(photos, 1, "one QR code");
    assert!(
        env.sandbox.telegram.violations().is_empty(),
        "{:?}",
        env.sandbox.telegram.violations()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn purchase_journey_in_persian_speaks_persian() {
    let env = Env::start().await;
    let user = env.user(1).clone();
    buy_first_plan(&env, &user, "v1:l:fa", "منو").await;
    let texts = env.texts(&user);
    let persian = texts
        .iter()
        .filter(|it| it.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)))
        .count();
    assert!(persian >= 4, "{texts:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_account_is_granted_once_then_refused() {
    let env = Env::start().await;
    let user = env.user(0).clone();
    let offer = env.take_test_account(&user);
    env.wait_new(&user, 0, |it| it.photo.is_some());
    let again = env.say(&user, "/menu", |it| button_data(it, "v1:t").is_some());
    env.press(&user, again.message_id, "v1:t", |it| {
        has_text(it, "already")
    });
    // A replayed confirm button must not create a second account either.
    env.sandbox
        .telegram
        .press_button(&user, offer.message_id, "v1:tc");
    let store = &env.sandbox.app.deps.store;
    crate::support::until("the replayed confirm to be handled", async || {
        env.sandbox.telegram.callback_answers().len() >= 4
    })
    .await;
    assert_eq!(
        store
            .services_of_user(TelegramId(user.id))
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(env.sandbox.blitz.as_ref().unwrap().users().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_and_stale_callbacks_change_nothing() {
    let env = Env::start().await;
    let user = env.user(0).clone();
    let menu = env.say(&user, "/start", |it| button_data(it, "v1:l:").is_some());
    // Someone else's order, an admin button, and garbage: each gets a polite reply.
    let stale = env.press(&user, menu.message_id, "v1:c:999", |it| {
        button_data(it, "v1:m").is_some()
    });
    assert!(stale.text.is_some());
    let admin = env.press(&user, menu.message_id, "v1:ast", |it| {
        button_data(it, "v1:m").is_some()
    });
    assert!(!has_text(&admin, "Users"), "{:?}", admin.text);
    env.press(&user, menu.message_id, "drop table", |it| {
        button_data(it, "v1:m").is_some()
    });
    let store = &env.sandbox.app.deps.store;
    assert!(
        store
            .orders_of_user(TelegramId(user.id))
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn renewal_extends_the_same_account_once() {
    let env = Env::start().await;
    let user = env.user(0).clone();
    buy_first_plan(&env, &user, "v1:l:en", "menu").await;
    let store = &env.sandbox.app.deps.store;
    let service = env.only_service(&user).await;
    let blitz = env.sandbox.blitz.as_ref().unwrap();
    let days_before = blitz.user(&service.blitz_username).unwrap().expiration_days;

    let (fake_invoice, order) = env.open_renewal_invoice(&user, service.id);
    let heleket = env.sandbox.heleket.as_ref().unwrap();
    let before = env.sandbox.telegram.messages(user.id).len();
    heleket.pay(&fake_invoice.uuid, PayOutcome::Paid);
    env.wait_new(&user, before, |it| {
        has_text(it, "renewed") || has_text(it, "extended")
    });

    let renewed = store.get_service(service.id).await.unwrap().unwrap();
    assert_eq!(
        renewed.expires,
        service.expires.plus_days(30),
        "expiry moved by the plan's days"
    );
    assert_eq!(
        blitz.user(&service.blitz_username).unwrap().expiration_days,
        days_before + 30
    );
    assert_eq!(
        blitz.users().len(),
        1,
        "the same panel account, not a new one"
    );
    // A replayed reconciliation (duplicate webhook) must not extend again.
    let stored = store.get_order(order).await.unwrap().unwrap();
    assert_eq!(stored.status, OrderStatus::Provisioned);
    ajib_app::core::payments::reconcile(&env.sandbox.app.deps, &stored)
        .await
        .ok();
    ajib_app::core::provision::drain(&env.sandbox.app.deps).await;
    assert_eq!(
        blitz.user(&service.blitz_username).unwrap().expiration_days,
        days_before + 30
    );
    assert_eq!(
        store
            .get_service(service.id)
            .await
            .unwrap()
            .unwrap()
            .expires,
        renewed.expires
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reminders_are_sent_once_per_threshold() {
    let env = Env::start().await;
    let user = env.user(0).clone();
    buy_first_plan(&env, &user, "v1:l:en", "menu").await;
    let deps = env.sandbox.app.deps.clone();
    let service = deps
        .store
        .services_of_user(TelegramId(user.id))
        .await
        .unwrap()
        .remove(0);
    let two_days_before_expiry = service.expires.plus_days(-2);
    let count = |needle: &'static str| env.count(user.id, needle);
    let before = env.sandbox.telegram.messages(user.id).len();
    ajib_app::core::reminders::round(&deps, two_days_before_expiry).await;
    env.wait_new(&user, before, |it| has_text(it, "Starter"));
    ajib_app::core::reminders::round(&deps, two_days_before_expiry).await;
    ajib_app::core::reminders::round(&deps, two_days_before_expiry.plus_secs(3600)).await;
    let reminders = env.sandbox.telegram.messages(user.id).len() - before;
    assert_eq!(reminders, 1, "{:#?}", env.texts(&user));
    assert!(count("Starter") >= 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_between_paid_and_provisioned_delivers_once() {
    let mut env = Env::start().await;
    let user = env.user(0).clone();
    let blitz_fault = |env: &Env, fault| env.sandbox.blitz.as_ref().unwrap().set_fault(fault);
    blitz_fault(&env, ajib_testkit::blitz::BlitzFault::ServerError);
    let OpenInvoice {
        invoice: fake_invoice,
        order,
        ..
    } = env.open_invoice(&user, "v1:l:en");
    let heleket = env.sandbox.heleket.as_ref().unwrap();
    let before = env.sandbox.telegram.messages(user.id).len();
    heleket.pay(&fake_invoice.uuid, PayOutcome::Paid);
    // Paid, and the first provisioning attempt failed: the user was told to wait.
    env.wait_new(&user, before, |it| has_text(it, "longer"));

    env.sandbox.restart_bot().await.unwrap();
    blitz_fault(&env, ajib_testkit::blitz::BlitzFault::None);
    env.wait_new(&user, before, |it| has_text(it, "hy2://"));
    let store = &env.sandbox.app.deps.store;
    assert_eq!(
        store.get_order(order).await.unwrap().unwrap().status,
        OrderStatus::Provisioned
    );
    assert_eq!(env.sandbox.blitz.as_ref().unwrap().users().len(), 1);
    assert_eq!(env.count(user.id, "hy2://"), 1, "delivered once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flooding_user_is_slowed_down_with_one_notice() {
    let env = Env::start().await;
    let user = env.user(0).clone();
    for _ in 0..30 {
        env.sandbox.telegram.send_text(&user, "/help");
    }
    env.wait_new(&user, 0, |it| has_text(it, "a bit fast"));
    // The first 20 updates of the window are answered, the rest dropped after one notice.
    crate::support::until("the allowed burst to be answered", async || {
        env.texts(&user)
            .iter()
            .filter(|it| !it.contains("a bit fast"))
            .count()
            >= 20
    })
    .await;
    let texts = env.texts(&user);
    let notices = texts.iter().filter(|it| it.contains("a bit fast")).count();
    assert_eq!(notices, 1, "{texts:#?}");
    assert_eq!(texts.len(), 21, "20 answers and one notice: {texts:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_pay_press_reuses_the_open_invoice() {
    let env = Env::start().await;
    let user = env.user(0).clone();
    let OpenInvoice { invoice, order, .. } = env.open_invoice(&user, "v1:l:en");
    let plan = env
        .sandbox
        .app
        .deps
        .store
        .get_order(order)
        .await
        .unwrap()
        .unwrap()
        .plan
        .unwrap();
    let menu = env.say(&user, "/menu", |it| button_data(it, "v1:ps").is_some());
    let again = env.press(&user, menu.message_id, &format!("v1:b:{plan}"), |it| {
        crate::support::button_url(it).is_some()
    });
    assert_eq!(
        crate::support::button_url(&again),
        Some(invoice.url.clone())
    );
    let heleket = env.sandbox.heleket.as_ref().unwrap();
    assert_eq!(heleket.invoices().len(), 1, "one invoice for one purchase");
    let orders = env
        .sandbox
        .app
        .deps
        .store
        .orders_of_user(TelegramId(user.id))
        .await
        .unwrap();
    assert_eq!(orders.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_panel_costs_my_services_seconds_not_the_client_timeout() {
    let env = Env::start().await;
    let user = env.user(0).clone();
    buy_first_plan(&env, &user, "v1:l:en", "menu").await;
    let service = env.only_service(&user).await;
    env.sandbox
        .blitz
        .as_ref()
        .unwrap()
        .set_fault(ajib_testkit::blitz::BlitzFault::Hang);
    let menu = env.say(&user, "/menu", |it| button_data(it, "v1:ss").is_some());
    let list = env.press(&user, menu.message_id, "v1:ss", |it| {
        button_data(it, "v1:s:").is_some()
    });
    // The client's own timeout is 20 s; the screen waits at most 3 s for usage.
    let before = env.sandbox.telegram.messages(user.id).len();
    let started = std::time::Instant::now();
    env.sandbox
        .telegram
        .press_button(&user, list.message_id, &format!("v1:s:{}", service.id));
    let telegram = &env.sandbox.telegram;
    let shown = tokio::task::block_in_place(|| {
        telegram.wait_for(
            user.id,
            |it| has_text(it, "can't be reached"),
            std::time::Duration::from_secs(10),
        )
    });
    assert!(
        shown.is_some(),
        "no usage-unavailable screen within 10 s (after {:?}); chat: {:#?}",
        started.elapsed(),
        env.texts(&user)[before.saturating_sub(1)..].to_vec()
    );
}
