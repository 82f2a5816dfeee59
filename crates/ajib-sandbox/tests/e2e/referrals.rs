//! Referrals end to end (issue 20): an invite link from the bot's own name,
//! a reward paid once for a first purchase however the payment is reported,
//! none for a test account, and no attribution for oneself or an existing user.

use ajib_domain::{Currency, TelegramId};
use ajib_storage::{LedgerCause, ReferralMode, ReferralRules, RewardStatus};
use ajib_testkit::{
    heleket::{PayOutcome, WebhookMode},
    telegram::SimUser,
};

use crate::support::{Env, button_data, button_url, has_text, until};

/// 1.50 to the referrer for a friend's first purchase.
const RULES: ReferralRules = ReferralRules {
    reward_minor: 150,
    reward_days: 0,
    percent: 0,
    mode: ReferralMode::FirstPurchase,
    welcome_minor: 0,
    daily_cap: 10,
};

/// A user the sandbox has never seen, speaking English.
fn newcomer(id: i64) -> SimUser {
    let mut user = SimUser::new(id, "Friend");
    user.language_code = Some("en".to_owned());
    user
}

/// Walks user 0 to "🎁 Invite friends" and returns their invite code, read from the link shown.
fn invite_code(env: &Env) -> String {
    let user = env.user(0);
    let picker = env.say(user, "/start", |it| button_data(it, "v1:l:").is_some());
    let menu = env.press(user, picker.message_id, "v1:l:en", |it| {
        button_data(it, "v1:inv").is_some()
    });
    let screen = env.press(user, menu.message_id, "v1:inv", |it| {
        has_text(it, "https://t.me/test_bot?start=r")
    });
    let share = button_url(&screen).unwrap_or_default();
    assert!(
        share.starts_with("https://t.me/share/url?url=https%3A%2F%2Ft.me%2Ftest_bot%3Fstart%3Dr"),
        "{share}"
    );
    let text = screen.text.unwrap_or_default();
    let start = text.find("?start=r").map(|it| it + "?start=r".len());
    let code: String = start
        .map(|it| {
            text[it..]
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(code.len(), ajib_storage::REFERRAL_CODE_LEN, "{text}");
    code
}

/// Walks `user` from /menu to the first plan's invoice; returns the menu's
/// message id, the invoice's uuid at the fake Heleket, and our order.
fn open_invoice(env: &Env, user: &SimUser) -> (i32, String, ajib_domain::OrderId) {
    let menu = env.say(user, "/menu", |it| button_data(it, "v1:ps").is_some());
    let plans = env.press(user, menu.message_id, "v1:ps", |it| {
        button_data(it, "v1:p:").is_some()
    });
    let plan = button_data(&plans, "v1:p:").unwrap_or_default();
    let details = env.press(user, plans.message_id, &plan, |it| {
        button_data(it, "v1:b:").is_some()
    });
    let buy = button_data(&details, "v1:b:").unwrap_or_default();
    let invoice = env.press(user, details.message_id, &buy, |it| {
        button_url(it).is_some()
    });
    let url = button_url(&invoice).unwrap_or_default();
    let found = env
        .sandbox
        .heleket
        .as_ref()
        .and_then(|it| it.invoices().into_iter().find(|it| it.url == url))
        .unwrap_or_else(|| panic!("no invoice behind {url:?}"));
    let order = ajib_domain::OrderId::from_invoice_ref(&found.order_id)
        .unwrap_or_else(|| panic!("order reference {:?}", found.order_id));
    (menu.message_id, found.uuid, order)
}

async fn rewards_of(env: &Env, referrer: TelegramId) -> Vec<ajib_storage::Reward> {
    env.sandbox
        .app
        .deps
        .store
        .rewards_of_referrer(referrer, 10)
        .await
        .unwrap()
}

/// A sandbox with the test rules where user 0 invited newcomer `id`, attributed.
async fn invited_friend(id: i64) -> (Env, ajib_storage::Store, TelegramId, SimUser) {
    let env = Env::start().await;
    let store = env.sandbox.app.deps.store.clone();
    store
        .set_referral_rules(&RULES, ajib_domain::UnixTime(0))
        .await
        .unwrap();
    let referrer = TelegramId(env.user(0).id);
    let code = invite_code(&env);
    let friend = newcomer(id);
    env.say(&friend, &format!("/start r{code}"), |_| true);
    until("the friend to be attributed", async || {
        store.referrer_of(TelegramId(friend.id)).await.unwrap() == Some(referrer)
    })
    .await;
    (env, store, referrer, friend)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_referral_is_rewarded_once_for_a_paid_first_purchase() {
    let (env, store, referrer, friend) = invited_friend(2_001).await;

    let (menu, uuid, order) = open_invoice(&env, &friend);
    let heleket = env.sandbox.heleket.as_ref().unwrap();
    heleket.set_webhook_mode(WebhookMode::Twice);
    heleket.pay(&uuid, PayOutcome::Paid);
    // The friend presses Check as well, while the webhooks arrive.
    let check = format!("v1:c:{}", order.0);
    env.sandbox.telegram.press_button(&friend, menu, &check);
    env.until_provisioned(order).await;
    until("both webhooks to be delivered", async || {
        heleket.webhooks_sent() >= 2
    })
    .await;
    // And once more after it was granted: still nothing more.
    let before = env.sandbox.telegram.messages(friend.id).len();
    env.sandbox.telegram.press_button(&friend, menu, &check);
    env.wait_new(&friend, before, |_| true);

    let rewards = rewards_of(&env, referrer).await;
    assert_eq!(rewards.len(), 1, "{rewards:?}");
    assert_eq!(rewards[0].status, RewardStatus::Granted);
    assert_eq!(rewards[0].order, order);
    assert_eq!(
        store
            .balance(referrer, Currency::USD)
            .await
            .unwrap()
            .minor(),
        150
    );
    let reward_rows = store
        .ledger_of(referrer, 50)
        .await
        .unwrap()
        .into_iter()
        .filter(|it| it.cause == LedgerCause::Reward)
        .count();
    assert_eq!(reward_rows, 1);
    // The referrer's invite screen shows it.
    let menu = env.say(env.user(0), "/menu", |it| {
        button_data(it, "v1:inv").is_some()
    });
    env.press(env.user(0), menu.message_id, "v1:inv", |it| {
        has_text(it, "Friends invited: 1") && has_text(it, "1.50")
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_test_account_earns_no_reward() {
    let (env, store, referrer, friend) = invited_friend(2_002).await;
    let menu = env.say(&friend, "/menu", |it| button_data(it, "v1:t").is_some());
    let offer = env.press(&friend, menu.message_id, "v1:t", |it| {
        button_data(it, "v1:tc").is_some()
    });
    let before = env.sandbox.telegram.messages(friend.id).len();
    env.sandbox
        .telegram
        .press_button(&friend, offer.message_id, "v1:tc");
    env.wait_new(&friend, before, |it| has_text(it, "hy2://"));
    assert!(rewards_of(&env, referrer).await.is_empty());
    assert!(
        store
            .balance(referrer, Currency::USD)
            .await
            .unwrap()
            .is_zero()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_self_referral_and_an_existing_users_link_are_ignored() {
    let env = Env::start().await;
    let store = env.sandbox.app.deps.store.clone();
    let referrer = TelegramId(env.user(0).id);
    let code = invite_code(&env);
    // The referrer opens their own link.
    env.say(env.user(0), &format!("/start r{code}"), |_| true);
    // A user who was here before opens it.
    let existing = env.user(1);
    env.say(existing, "/start", |it| button_data(it, "v1:l:").is_some());
    env.say(existing, &format!("/start r{code}"), |_| true);
    // A newcomer afterwards is attributed: the two above were handled, and ignored.
    let friend = newcomer(2_003);
    env.say(&friend, &format!("/start r{code}"), |_| true);
    until("the newcomer to be attributed", async || {
        store.referrer_of(TelegramId(friend.id)).await.unwrap() == Some(referrer)
    })
    .await;
    assert_eq!(store.referrer_of(referrer).await.unwrap(), None);
    assert_eq!(
        store.referrer_of(TelegramId(existing.id)).await.unwrap(),
        None
    );
    let summary = store
        .referral_summary(referrer, Currency::USD, ajib_domain::UnixTime(0))
        .await
        .unwrap();
    assert_eq!(summary.invited, 1);
}

/// Pays the invoice `uuid` and waits until `order` is provisioned.
async fn pay_and_provision(env: &Env, uuid: &str, order: ajib_domain::OrderId) {
    env.sandbox
        .heleket
        .as_ref()
        .unwrap()
        .pay(uuid, PayOutcome::Paid);
    env.until_provisioned(order).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reward_days_reach_the_referrers_running_service_once() {
    let (env, store, referrer, friend) = invited_friend(2_004).await;
    let days_only = ReferralRules {
        reward_minor: 0,
        reward_days: 7,
        ..RULES
    };
    store
        .set_referral_rules(&days_only, ajib_domain::UnixTime(0))
        .await
        .unwrap();
    // The referrer runs a service of their own.
    let sara = env.user(0).clone();
    let (_, uuid, own) = open_invoice(&env, &sara);
    pay_and_provision(&env, &uuid, own).await;
    let before = env.only_service(&sara).await;
    let panel = env.sandbox.blitz.as_ref().unwrap();
    let days_before = panel.user(&before.blitz_username).unwrap().expiration_days;
    // The friend's first purchase earns the days.
    let (_, uuid, order) = open_invoice(&env, &friend);
    pay_and_provision(&env, &uuid, order).await;
    assert_eq!(store.due_reward_days(10).await.unwrap().len(), 1);

    let deps = &env.sandbox.app.deps;
    let at = ajib_app::deps::now();
    ajib_app::core::referral_days::round(deps, at).await;
    ajib_app::core::referral_days::round(deps, at).await;
    assert!(store.due_reward_days(10).await.unwrap().is_empty());
    assert_eq!(
        panel.user(&before.blitz_username).unwrap().expiration_days,
        days_before + 7,
        "the days were added on the panel once"
    );
    let after = env.only_service(&sara).await;
    assert_eq!(after.expires.0, before.expires.0 + 7 * 86_400);
    let rewards = rewards_of(&env, referrer).await;
    assert_eq!(rewards.len(), 1);
    assert_eq!(
        store
            .balance(referrer, Currency::USD)
            .await
            .unwrap()
            .minor(),
        0,
        "days only: nothing on the balance"
    );
    until("the referrer to be told", async || {
        env.count(sara.id, "extra days were") == 1
    })
    .await;
}
