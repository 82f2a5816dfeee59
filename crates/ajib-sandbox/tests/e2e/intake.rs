//! Updates are kept before Telegram forgets them and handled concurrently
//! across chats, in order within each (issue 16).

use std::time::Duration;

use ajib_testkit::blitz::BlitzFault;
use serde_json::json;

use crate::{
    journey::buy_first_plan,
    support::{Env, button_data, has_text, until},
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_chat_does_not_delay_another() {
    let env = Env::start().await;
    let slow = env.user(0).clone();
    let quick = env.user(1).clone();
    buy_first_plan(&env, &slow, "v1:l:en", "menu").await;
    let service = env.only_service(&slow).await;
    let menu = env.say(&slow, "/menu", |it| button_data(it, "v1:ss").is_some());
    let list = env.press(&slow, menu.message_id, "v1:ss", |it| {
        button_data(it, "v1:s:").is_some()
    });
    // The panel hangs: the slow chat's screen waits out its 3 s usage budget.
    env.sandbox
        .blitz
        .as_ref()
        .unwrap()
        .set_fault(BlitzFault::Hang);
    let telegram = &env.sandbox.telegram;
    let answered = telegram.callback_answers().len();
    let data = format!("v1:s:{}", service.id);
    telegram.press_button(&slow, list.message_id, &data);
    until("the slow chat's update to be taken", async || {
        telegram.callback_answers().len() > answered
    })
    .await;
    // Another chat writes now: its reply does not wait for the slow one.
    env.say(&quick, "/start", |it| button_data(it, "v1:l:").is_some());
    let slow_done = env
        .texts(&slow)
        .iter()
        .any(|it| it.contains("can't be reached"));
    assert!(
        !slow_done,
        "the quick chat was answered only after the slow one"
    );
    env.wait_new(&slow, 0, |it| has_text(it, "can't be reached"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_update_kept_before_a_crash_is_handled_after_the_restart() {
    let mut env = Env::start().await;
    let user = env.user(0).clone();
    env.say(&user, "/start", |it| button_data(it, "v1:l:").is_some());
    // What a crash leaves: an update kept (Telegram forgot it) but not handled.
    let raw = json!({
        "update_id": 900_000,
        "message": {
            "message_id": 77,
            "from": {"id": user.id, "is_bot": false, "first_name": user.first_name},
            "chat": {"id": user.id, "type": "private"},
            "date": 0,
            "text": "/help"
        }
    });
    let store = env.sandbox.app.deps.store.clone();
    let now = ajib_app::deps::now();
    let kept = store
        .keep_updates(vec![(900_000, raw.to_string())], now)
        .await
        .unwrap();
    assert_eq!(kept, [900_000]);
    let before = env.sandbox.telegram.messages(user.id).len();

    env.sandbox.restart_bot().await.unwrap();
    env.wait_new(&user, before, |it| button_data(it, "v1:m").is_some());
    let store = &env.sandbox.app.deps.store;
    until("the kept update to be forgotten once handled", async || {
        store.unhandled_updates(10).await.unwrap().is_empty()
    })
    .await;
}

/// Handled updates are forgotten (in batches, the last one at a clean stop),
/// so a restart handles none of them twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clean_restart_handles_no_update_twice() {
    let mut env = Env::start().await;
    let user = env.user(0).clone();
    env.say(&user, "/start", |it| button_data(it, "v1:l:").is_some());
    env.say(&user, "/help", |it| has_text(it, "How to use this bot"));

    env.sandbox.restart_bot().await.unwrap();
    // Kept updates are handled before new ones, so once /menu is answered
    // any replay of /help would have been answered too.
    env.say(&user, "/menu", |it| button_data(it, "v1:ps").is_some());
    assert_eq!(env.count(user.id, "How to use this bot"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replies_keep_the_order_of_a_chats_updates() {
    let env = Env::start().await;
    let user = env.user(0).clone();
    buy_first_plan(&env, &user, "v1:l:en", "menu").await;
    let service = env.only_service(&user).await;
    let menu = env.say(&user, "/menu", |it| button_data(it, "v1:ss").is_some());
    // The services screen waits a second for the panel; /help, sent right
    // after the tap, is answered at once but must come after it.
    env.sandbox
        .blitz
        .as_ref()
        .unwrap()
        .set_slow_user(&service.blitz_username, Duration::from_secs(1));
    let telegram = &env.sandbox.telegram;
    let before = telegram.messages(user.id).len();
    telegram.press_button(&user, menu.message_id, "v1:ss");
    telegram.send_text(&user, "/help");
    until("the reply to /help", async || {
        let messages = telegram.messages(user.id);
        let Some(help) = messages
            .iter()
            .skip(before)
            .find(|it| it.keyboard.is_some())
        else {
            return false;
        };
        let services = messages
            .iter()
            .find(|it| it.message_id == menu.message_id)
            .is_some_and(|it| button_data(it, "v1:s:").is_some());
        assert!(
            services,
            "/help was answered before the tap that came first: {help:?}"
        );
        true
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_taps_from_one_user_does_not_delay_another() {
    let env = Env::start().await;
    let flooder = env.user(0).clone();
    let other = env.user(1).clone();
    env.say(&flooder, "/start", |it| button_data(it, "v1:l:").is_some());
    let telegram = &env.sandbox.telegram;
    let before = telegram.messages(flooder.id).len();
    for _ in 0..40 {
        telegram.send_text(&flooder, "/help");
    }
    // 40 replies at the per-chat pace (1/s after a burst of 3) take half a
    // minute; the other user's one reply must not queue behind them.
    env.say(&other, "/start", |it| button_data(it, "v1:l:").is_some());
    let flooder_replies = telegram.messages(flooder.id).len() - before;
    assert!(
        flooder_replies < 10,
        "the other user waited for {flooder_replies} of the flooder's replies"
    );
    env.wait_new(&flooder, before + flooder_replies, |_| true);
}
