//! Auto-renew from the balance: turned on with the service screen's button,
//! renewed once per period from the balance however often the worker runs,
//! and a reminder (once) when the balance falls short.

use ajib_domain::{Currency, Money, OrderKind, OrderStatus, Service, TelegramId};
use ajib_sandbox::ADMIN_ID;
use ajib_storage::LedgerCause;
use ajib_testkit::telegram::SimUser;

use crate::{
    journey::buy_first_plan,
    support::{Env, button_data, has_text, until},
};

/// Opens the service screen from /menu and presses the auto-renew button;
/// returns once the screen says it is on.
fn turn_auto_renew_on(env: &Env, user: &SimUser, service: &Service) {
    let menu = env.say(user, "/menu", |it| button_data(it, "v1:ss").is_some());
    let list = env.press(user, menu.message_id, "v1:ss", |it| {
        button_data(it, "v1:s:").is_some()
    });
    let details = env.press(
        user,
        list.message_id,
        &format!("v1:s:{}", service.id),
        |it| button_data(it, "v1:ra:").is_some(),
    );
    assert!(
        has_text(&details, "Auto-renew is off"),
        "{:?}",
        details.text
    );
    let toggled = env.press(
        user,
        details.message_id,
        &format!("v1:ra:{}", service.id),
        |it| has_text(it, "Auto-renew is <b>on</b>"),
    );
    assert!(
        has_text(&toggled, "1 day before it expires"),
        "{:?}",
        toggled.text
    );
}

/// User 0 buys the first plan: the user, their id, the service and its plan's price.
async fn bought_service(env: &Env) -> (SimUser, TelegramId, Service, Money) {
    let user = env.user(0).clone();
    buy_first_plan(env, &user, "v1:l:en", "menu").await;
    let service = env.only_service(&user).await;
    let price = plan_price(env, &service).await;
    (user.clone(), TelegramId(user.id), service, price)
}

/// The price of the service's plan.
async fn plan_price(env: &Env, service: &Service) -> Money {
    let store = &env.sandbox.app.deps.store;
    let plan = service.plan.expect("a bought service has a plan");
    store.get_plan(plan).await.unwrap().unwrap().price
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_renew_renews_once_from_the_balance() {
    let env = Env::start().await;
    let (user, who, service, price) = bought_service(&env).await;
    let deps = env.sandbox.app.deps.clone();
    let store = &deps.store;
    let currency: Currency = price.currency();
    // Enough for one renewal and most of another: a second debit would show.
    let credit = price.minor() * 2 - 1;
    store
        .adjust_balance(
            who,
            currency,
            credit,
            TelegramId(ADMIN_ID),
            "e2e",
            ajib_app::deps::now(),
        )
        .await
        .unwrap();

    turn_auto_renew_on(&env, &user, &service);
    assert!(store.auto_renew_enabled(service.id).await.unwrap());

    // Half a day before expiry: inside the default one-day window.
    let at = ajib_app::deps::now();
    let near = at.plus_secs(12 * 3600);
    let service = store
        .set_service_expiry(service.id, near, at)
        .await
        .unwrap();
    let blitz = env.sandbox.blitz.as_ref().unwrap();
    let days_before = blitz.user(&service.blitz_username).unwrap().expiration_days;

    // Two workers at once, then a third round: one renewal.
    tokio::join!(
        ajib_app::core::autorenew::round(&deps, at),
        ajib_app::core::autorenew::round(&deps, at)
    );
    ajib_app::core::autorenew::round(&deps, at).await;

    env.wait_new(&user, 0, |it| has_text(it, "renewed automatically"));
    env.wait_new(&user, 0, |it| has_text(it, "has been renewed"));
    let renewals: Vec<_> = store
        .orders_of_user(who)
        .await
        .unwrap()
        .into_iter()
        .filter(|it| it.kind == OrderKind::Renewal(service.id))
        .collect();
    assert_eq!(renewals.len(), 1, "{renewals:#?}");
    let renewal = &renewals[0];
    until("the renewal to reach the panel", async || {
        store.get_order(renewal.id).await.unwrap().unwrap().status == OrderStatus::Provisioned
    })
    .await;
    // A round after the panel extended it: the new period is not due yet.
    ajib_app::core::autorenew::round(&deps, ajib_app::deps::now()).await;

    assert_eq!(renewal.amount, price);
    let ledger = store.ledger_for_order(renewal.id).await.unwrap();
    let rows: Vec<_> = ledger.iter().map(|it| (it.cause, it.delta_minor)).collect();
    assert_eq!(
        rows,
        [(LedgerCause::Purchase, -price.minor())],
        "paid from the balance"
    );
    assert!(renewal.invoice.is_none(), "no invoice for an auto-renewal");
    assert_eq!(
        store.balance(who, currency).await.unwrap().minor(),
        credit - price.minor(),
        "debited once"
    );
    let plan_days = store
        .get_plan(service.plan.unwrap())
        .await
        .unwrap()
        .unwrap()
        .days;
    assert_eq!(
        blitz.user(&service.blitz_username).unwrap().expiration_days,
        days_before + u64::from(plan_days),
        "the panel user extended once"
    );
    assert_eq!(blitz.users().len(), 1, "the same panel account");
    let renewed = store.get_service(service.id).await.unwrap().unwrap();
    assert_eq!(renewed.expires, near.plus_days(i64::from(plan_days)));
    assert_eq!(
        env.count(user.id, "renewed automatically"),
        1,
        "{:#?}",
        env.texts(&user)
    );
    let announcement = format!("Order: #{}", renewal.id);
    until("the admins to hear of it", async || {
        env.count(ADMIN_ID, &announcement) == 1
    })
    .await;
    assert_eq!(
        store.auto_renewals_of(service.id).await.unwrap(),
        [renewal.id]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_short_balance_is_reminded_once_with_top_up_and_renew_buttons() {
    let env = Env::start().await;
    let (user, who, service, price) = bought_service(&env).await;
    let deps = env.sandbox.app.deps.clone();
    let store = &deps.store;
    turn_auto_renew_on(&env, &user, &service);
    let at = ajib_app::deps::now();
    let service = store
        .set_service_expiry(service.id, at.plus_secs(3600), at)
        .await
        .unwrap();
    let orders = store.orders_of_user(who).await.unwrap().len();

    let before = env.sandbox.telegram.messages(user.id).len();
    ajib_app::core::autorenew::round(&deps, at).await;
    let reminder = env.wait_new(&user, before, |it| {
        has_text(it, "does not cover the renewal")
    });
    assert_eq!(button_data(&reminder, "v1:bl").as_deref(), Some("v1:bl"));
    assert_eq!(
        button_data(&reminder, "v1:r:"),
        Some(format!("v1:r:{}", service.id))
    );
    ajib_app::core::autorenew::round(&deps, at).await;
    ajib_app::core::autorenew::round(&deps, at.plus_secs(600)).await;
    assert_eq!(env.count(user.id, "does not cover the renewal"), 1);
    assert_eq!(
        store.orders_of_user(who).await.unwrap().len(),
        orders,
        "nothing bought"
    );
    assert!(
        store
            .balance(who, price.currency())
            .await
            .unwrap()
            .is_zero()
    );

    // Topped up before expiry: the next round renews.
    store
        .adjust_balance(
            who,
            price.currency(),
            price.minor(),
            TelegramId(ADMIN_ID),
            "e2e",
            at,
        )
        .await
        .unwrap();
    ajib_app::core::autorenew::round(&deps, at.plus_secs(900)).await;
    env.wait_new(&user, before, |it| has_text(it, "renewed automatically"));
    assert_eq!(store.auto_renewals_of(service.id).await.unwrap().len(), 1);
}
