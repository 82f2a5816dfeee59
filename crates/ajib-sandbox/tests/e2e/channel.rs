//! The required channel and the languages (issue 20): a customer outside `REQUIRED_CHANNEL` is
//! sent to it before buying or a free test, joins, presses "✅ I joined" and buys; Telegram
//! failing holds nobody back; the language comes from the Telegram app, and a catalogue dropped
//! into `LOCALES_DIR` is a language the bot speaks.

use ajib_domain::{Lang, TelegramId};
use ajib_sandbox::{ADMIN_ID, Sandbox, sim_users};
use ajib_testkit::telegram::{ChannelStatus, SimUser};

use crate::support::{Env, button_data, button_url, has_text};

const CHANNEL: &str = "@ajib_news";

/// A sandbox on the configuration `values` (variable, value).
async fn env_with(values: &[(&str, &str)]) -> Env {
    let values = values
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect();
    let config = ajib_config::from_values(&values).unwrap();
    let sandbox = Sandbox::start(config, None, 0).await.unwrap();
    Env {
        sandbox,
        users: sim_users(),
    }
}

/// A sandbox requiring [`CHANNEL`], which the sandbox made in the fake with the bot as its admin; its id.
async fn env_with_channel() -> (Env, i64) {
    let env = env_with(&[("REQUIRED_CHANNEL", CHANNEL)]).await;
    let channel = env
        .sandbox
        .telegram
        .channel_id(CHANNEL)
        .expect("the sandbox makes the configured channel");
    (env, channel)
}

async fn orders_of(env: &Env, user: &SimUser) -> usize {
    let store = &env.sandbox.app.deps.store;
    store
        .orders_of_user(TelegramId(user.id))
        .await
        .unwrap()
        .len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_non_member_joins_the_channel_first_then_buys() {
    let (env, channel) = env_with_channel().await;
    let user = env.user(0).clone();
    let start = env.say(&user, "/start", |it| button_data(it, "v1:ps").is_some());

    // The shop and the free test both send them to the channel; nothing is ordered.
    let join = env.press(&user, start.message_id, "v1:ps", |it| {
        button_data(it, "v1:cj:s").is_some()
    });
    assert!(has_text(&join, "Join our channel first"), "{:?}", join.text);
    assert!(has_text(&join, CHANNEL));
    assert_eq!(button_url(&join).as_deref(), Some("https://t.me/ajib_news"));
    assert!(
        button_data(&join, "v1:p:").is_none(),
        "no plan before joining"
    );
    let menu = env.say(&user, "/menu", |it| button_data(it, "v1:t").is_some());
    let test_join = env.press(&user, menu.message_id, "v1:t", |it| {
        button_data(it, "v1:cj:t").is_some()
    });
    assert!(
        button_data(&test_join, "v1:tc").is_none(),
        "no test before joining"
    );

    // "I joined" without joining: asked again, still held back.
    let again = env.press(&user, join.message_id, "v1:cj:s", |it| {
        has_text(it, "can't see you in the channel yet")
    });
    assert!(button_data(&again, "v1:cj:s").is_some());
    assert_eq!(orders_of(&env, &user).await, 0);

    // Joined: "I joined" goes on to the plans, and the purchase goes through.
    env.sandbox.telegram.join_channel(channel, user.id);
    let plans = env.press(&user, again.message_id, "v1:cj:s", |it| {
        button_data(it, "v1:p:").is_some()
    });
    let plan = button_data(&plans, "v1:p:").unwrap();
    let details = env.press(&user, plans.message_id, &plan, |it| {
        button_data(it, "v1:b:").is_some()
    });
    let buy = button_data(&details, "v1:b:").unwrap();
    env.press(&user, details.message_id, &buy, |it| {
        has_text(it, "Your invoice is ready")
    });
    assert_eq!(orders_of(&env, &user).await, 1);
    // A member is remembered for a while: the second visit asks Telegram nothing new.
    let asked = env.sandbox.telegram.request_count("getchatmember");
    env.press(&user, plans.message_id, "v1:ps", |it| {
        button_data(it, "v1:p:").is_some()
    });
    assert_eq!(env.sandbox.telegram.request_count("getchatmember"), asked);

    // A restricted member still in the channel passes; one who was banned does not.
    let other = env.user(1).clone();
    let start = env.say(&other, "/start", |it| button_data(it, "v1:ps").is_some());
    env.sandbox.telegram.set_channel_status(
        channel,
        other.id,
        ChannelStatus::Restricted { is_member: true },
    );
    env.press(&other, start.message_id, "v1:ps", |it| {
        button_data(it, "v1:p:").is_some()
    });
    let admin = env.user(2).clone();
    env.sandbox
        .telegram
        .set_channel_status(channel, admin.id, ChannelStatus::Kicked);
    let picker = env.say(&admin, "/start", |it| button_data(it, "v1:l:en").is_some());
    let menu = env.press(&admin, picker.message_id, "v1:l:en", |it| {
        button_data(it, "v1:t").is_some()
    });
    env.press(&admin, menu.message_id, "v1:t", |it| {
        button_data(it, "v1:cj:t").is_some()
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn telegram_failing_holds_nobody_back_and_owners_hear_once() {
    let (env, channel) = env_with_channel().await;
    env.sandbox.telegram.set_bot_channel_admin(channel, false);
    let user = env.user(0).clone();
    let start = env.say(&user, "/start", |it| button_data(it, "v1:ps").is_some());
    let plans = env.press(&user, start.message_id, "v1:ps", |it| {
        button_data(it, "v1:p:").is_some()
    });
    env.press(&user, plans.message_id, "v1:t", |it| {
        button_data(it, "v1:tc").is_some()
    });
    let alert = env.wait_new(&env.user(2).clone(), 0, |it| {
        has_text(it, "Cannot check the required channel")
    });
    assert!(
        has_text(&alert, "member list is inaccessible"),
        "{:?}",
        alert.text
    );

    // A deleted channel is no different; the owners were told within the hour already.
    env.sandbox.telegram.delete_channel(channel);
    env.press(&user, plans.message_id, "v1:ps", |it| {
        button_data(it, "v1:p:").is_some()
    });
    assert_eq!(env.count(ADMIN_ID, "Cannot check the required channel"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_language_comes_from_the_telegram_app() {
    let env = Env::start().await;
    let mut ivan = SimUser::new(2001, "Иван");
    ivan.language_code = Some("ru-RU".to_owned());
    env.sandbox.telegram.add_user(&ivan);
    let welcome = env.say(&ivan, "/start", |it| button_data(it, "v1:ps").is_some());
    assert!(has_text(&welcome, "Добро пожаловать"), "{:?}", welcome.text);
    assert!(has_text(&welcome, "🇷🇺 Русский"));
    // Every language is offered on the first welcome, each named in itself.
    for lang in ["v1:l:en", "v1:l:fa", "v1:l:ru"] {
        assert!(button_data(&welcome, lang).is_some(), "{lang}");
    }
    // Replies follow the app's language until the user chooses one by hand.
    let menu = env.say(&ivan, "/menu", |it| button_data(it, "v1:ps").is_some());
    assert!(has_text(&menu, "Главное меню"), "{:?}", menu.text);
    let store = &env.sandbox.app.deps.store;
    let row = store.get_user(TelegramId(ivan.id)).await.unwrap().unwrap();
    assert_eq!(row.lang, None, "nothing chosen yet");
    env.press(&ivan, welcome.message_id, "v1:l:ru", |it| {
        has_text(it, "Язык бота: русский")
    });
    let row = store.get_user(TelegramId(ivan.id)).await.unwrap().unwrap();
    assert_eq!(row.lang, Some(Lang::RU));
    let again = env.say(&ivan, "/start", |it| button_data(it, "v1:ps").is_some());
    assert!(
        button_data(&again, "v1:l:").is_none(),
        "chosen: not offered again"
    );

    // A language the bot has no texts for gets the picker, in the default language.
    let mut hans = SimUser::new(2002, "Hans");
    hans.language_code = Some("de".to_owned());
    env.sandbox.telegram.add_user(&hans);
    let picker = env.say(&hans, "/start", |it| button_data(it, "v1:l:").is_some());
    assert!(has_text(&picker, "Please choose your language"));
    assert!(button_data(&picker, "v1:ps").is_none());
    let menu = env.press(&hans, picker.message_id, "v1:l:fa", |it| {
        has_text(it, "فارسی")
    });
    assert!(button_data(&menu, "v1:ps").is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_catalogue_dropped_into_locales_dir_is_a_language() {
    let locales = tempfile::tempdir().unwrap();
    std::fs::create_dir(locales.path().join("de")).unwrap();
    std::fs::write(
        locales.path().join("de/customer.ftl"),
        "lang-name = 🇩🇪 Deutsch\nlang-set = ✅ Sprache: Deutsch.\nbtn-buy = 🛒 VPN kaufen\n",
    )
    .unwrap();
    let dir = locales.path().to_str().unwrap();
    let env = env_with(&[("LOCALES_DIR", dir)]).await;
    let mut hans = SimUser::new(2002, "Hans");
    hans.language_code = Some("de-AT".to_owned());
    env.sandbox.telegram.add_user(&hans);
    let welcome = env.say(&hans, "/start", |it| button_data(it, "v1:ps").is_some());
    assert!(has_text(&welcome, "🇩🇪 Deutsch"), "{:?}", welcome.text);
    // What the catalogue has comes from it; the rest falls back to English.
    assert!(has_text(&welcome, "welcome to AJIB"));
    let labels = serde_json::to_string(&welcome.keyboard).unwrap();
    assert!(labels.contains("VPN kaufen"), "{labels}");
    assert!(labels.contains("My services"), "{labels}");

    // The picker lists it beside the built-in languages, and choosing it works.
    let sara = env.user(0).clone();
    let start = env.say(&sara, "/start", |it| button_data(it, "v1:l:de").is_some());
    let menu = env.press(&sara, start.message_id, "v1:l:de", |it| {
        has_text(it, "Sprache: Deutsch")
    });
    assert!(button_data(&menu, "v1:ps").is_some());
    let store = &env.sandbox.app.deps.store;
    let row = store.get_user(TelegramId(sara.id)).await.unwrap().unwrap();
    assert_eq!(row.lang, Lang::from_code("de"));
}
