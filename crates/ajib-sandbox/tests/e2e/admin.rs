//! Admin features in the bot: the admin-only guard, broadcasts (blocked users, restarts, pause) and user management.

use ajib_app::core::broadcast::{Batch, send_batch};
use ajib_domain::{BroadcastId, TelegramId};
use ajib_storage::{BroadcastProgress, BroadcastStatus, UserSeen};
use ajib_testkit::telegram::{BotMessage, SimUser};

use crate::support::{Env, button_data, has_text, until};

/// The broadcast every test sends; recipients get it exactly like this (HTML, `&` escaped).
const SENT_TEXT: &str = "<b>Big sale</b> &amp; more";
/// The link button the broadcast's last line asks for.
const SHOP_URL: &str = "https://example.com/shop?from=broadcast&x=1";

/// Users `first..first + n`: known to the bot, and to the fake Telegram if `reachable`.
async fn add_users(env: &Env, first: i64, n: i64, reachable: bool) -> Vec<i64> {
    let store = &env.sandbox.app.deps.store;
    let mut res = Vec::new();
    for id in first..first + n {
        if reachable {
            env.sandbox.telegram.add_user(&SimUser::new(id, "Sim"));
        }
        let seen = UserSeen {
            id: TelegramId(id),
            username: None,
            first_name: format!("Sim {id}"),
            now: ajib_app::deps::now(),
        };
        store.upsert_user(&seen).await.unwrap();
        res.push(id);
    }
    res
}

/// A plan's editable fields: (en name, fa name, days, GB, price in minor units).
fn plan_fields(plan: &ajib_domain::Plan) -> (&str, &str, u32, u32, i64) {
    (
        &plan.name.en,
        &plan.name.fa,
        plan.days,
        plan.traffic_gb,
        plan.price.minor(),
    )
}

/// Opens /admin → Plans as `owner` and waits for a list with a `wanted` button.
fn open_plans(env: &Env, owner: &SimUser, wanted: &str) -> BotMessage {
    let menu = env.say(owner, "/admin", |it| button_data(it, "v1:apl").is_some());
    env.press(owner, menu.message_id, "v1:apl", |it| {
        button_data(it, wanted).is_some()
    })
}

/// Whether the store says the user is banned.
async fn is_banned(store: &ajib_storage::Store, id: i64) -> bool {
    store
        .get_user(TelegramId(id))
        .await
        .unwrap()
        .unwrap()
        .banned
}

/// Opens a fresh admin menu as the sandbox's admin, then its user list (which takes a search).
fn open_users(env: &Env) -> BotMessage {
    let menu = admin_menu(env);
    env.press(env.user(2), menu.message_id, "v1:aus", |it| {
        has_text(it, "page 1/") && has_text(it, "to search")
    })
}

/// Opens the admin menu as the sandbox's admin.
fn admin_menu(env: &Env) -> BotMessage {
    env.say(env.user(2), "/admin", |it| {
        button_data(it, "v1:abc").is_some()
    })
}

/// Composes the broadcast for everyone and presses send; returns the progress message and the broadcast.
async fn start_broadcast(env: &Env) -> (BotMessage, BroadcastId) {
    let admin = env.user(2).clone();
    let menu = admin_menu(env);
    env.press(&admin, menu.message_id, "v1:abc", |it| {
        has_text(it, "broadcast")
    });
    let text = format!("<b>Big sale</b> & more\n[Shop]({SHOP_URL})");
    let picker = env.say(&admin, &text, |it| button_data(it, "v1:aau:all").is_some());
    let preview = env.press(&admin, picker.message_id, "v1:aau:all", |it| {
        button_data(it, "v1:abs").is_some()
    });
    let audience = env
        .sandbox
        .app
        .deps
        .store
        .audience(ajib_storage::Audience::All)
        .await
        .unwrap();
    assert!(
        has_text(&preview, &format!("{} users", audience.len())),
        "{:?}",
        preview.text
    );
    let texts = env.texts(&admin);
    assert!(
        texts.iter().any(|it| it == SENT_TEXT),
        "the preview shows the message as sent: {texts:#?}"
    );
    let progress = env.press(&admin, preview.message_id, "v1:abs", |it| {
        button_data(it, "v1:abp:").is_some() || has_text(it, "finished")
    });
    assert_eq!(
        progress.message_id, preview.message_id,
        "the preview turns into the progress"
    );
    let recent = env
        .sandbox
        .app
        .deps
        .store
        .recent_broadcasts(1)
        .await
        .unwrap();
    (progress, recent[0].id)
}

async fn progress(env: &Env, id: BroadcastId) -> BroadcastProgress {
    env.sandbox
        .app
        .deps
        .store
        .broadcast_progress(id)
        .await
        .unwrap()
}

async fn wait_done(env: &Env, id: BroadcastId) {
    let store = &env.sandbox.app.deps.store;
    until("the broadcast to finish", async || {
        store.get_broadcast(id).await.unwrap().map(|it| it.status) == Some(BroadcastStatus::Done)
    })
    .await;
}

/// How many copies of the broadcast each chat got.
fn copies(env: &Env, chat: i64) -> usize {
    env.sandbox
        .telegram
        .messages(chat)
        .iter()
        .filter(|it| it.text.as_deref() == Some(SENT_TEXT))
        .inspect(|it| {
            let url = crate::support::button_url(it);
            assert_eq!(
                url.as_deref(),
                Some(SHOP_URL),
                "every copy carries the link button"
            );
        })
        .count()
}

async fn audit_actions(env: &Env) -> Vec<String> {
    let entries = env.sandbox.app.deps.store.recent_audit(50).await.unwrap();
    entries.into_iter().map(|it| it.action).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_non_admin_pressing_admin_buttons_is_refused_and_nothing_changes() {
    let env = Env::start().await;
    let user = env.user(0).clone();
    let other = env.user(1).clone();
    env.say(&other, "/start", |it| button_data(it, "v1:l:").is_some());
    let menu = env.say(&user, "/start", |it| button_data(it, "v1:l:").is_some());
    let forged = [
        "v1:abc",
        "v1:aau:all",
        "v1:abs",
        "v1:abp:1",
        "v1:abr:1",
        "v1:abx:1",
        "v1:aus",
        "v1:au:1002",
        "v1:aban:1002",
        "v1:art:1002",
        "v1:aex:1",
        "v1:amg:1002",
        "v1:aul:1",
        "v1:agr:1002",
        "v1:agp:1002:1",
        "v1:apu:2",
        "v1:apd:1",
        "v1:abal:1002",
        "v1:abalc",
    ];
    let plans_before = env.sandbox.app.deps.store.list_plans(false).await.unwrap();
    for data in forged {
        let reply = env.press(&user, menu.message_id, data, |it| {
            has_text(it, "not allowed")
        });
        assert!(
            button_data(&reply, "v1:a").is_none(),
            "{data}: {:?}",
            reply.keyboard
        );
    }
    // The refused buttons opened no dialogue: text is just unknown input.
    env.say(&user, "<b>hi</b>", |it| has_text(it, "didn't get that"));
    let store = &env.sandbox.app.deps.store;
    assert_eq!(store.recent_broadcasts(5).await.unwrap(), []);
    assert_eq!(audit_actions(&env).await, Vec::<String>::new());
    assert_eq!(store.list_plans(false).await.unwrap(), plans_before);
    assert_eq!(
        store.orders_of_user(TelegramId(other.id)).await.unwrap(),
        [],
        "no grant"
    );
    let target = store.get_user(TelegramId(other.id)).await.unwrap().unwrap();
    assert!(!target.banned);
    assert_eq!(copies(&env, other.id), 0);
    assert!(
        env.sandbox
            .telegram
            .messages(other.id)
            .iter()
            .all(|it| !has_text(it, "hi"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broadcast_reaches_every_reachable_user_once_and_records_blocked_ones() {
    let env = Env::start().await;
    let store = &env.sandbox.app.deps.store;
    let reachable = add_users(&env, 5001, 105, true).await;
    let blocked = add_users(&env, 6001, 10, true).await;
    let ghosts = add_users(&env, 7001, 5, false).await;
    // These users block the bot and the bot hears of it, but (as if the update
    // were lost while it was down) its record still says they can be reached.
    for id in &blocked {
        env.sandbox.telegram.block(*id);
    }
    until("the blocks to be recorded", async || {
        let mut all = true;
        for id in &blocked {
            all &= store
                .get_user(TelegramId(*id))
                .await
                .unwrap()
                .unwrap()
                .blocked_bot;
        }
        all
    })
    .await;
    for id in &blocked {
        store
            .set_user_blocked(TelegramId(*id), false)
            .await
            .unwrap();
    }

    let (_, id) = start_broadcast(&env).await;
    wait_done(&env, id).await;

    let admin = env.user(2).id;
    for chat in &reachable {
        assert_eq!(copies(&env, *chat), 1, "user {chat}");
    }
    for chat in blocked.iter().chain(&ghosts) {
        assert_eq!(copies(&env, *chat), 0, "user {chat}");
    }
    assert_eq!(
        copies(&env, admin),
        2,
        "the preview and the admin's own copy"
    );
    let counts = progress(&env, id).await;
    let sent = reachable.len() as u64 + 1;
    assert_eq!(
        (counts.pending, counts.sent, counts.blocked, counts.failed),
        (0, sent, 10, 5)
    );
    for chat in &blocked {
        let row = store.get_user(TelegramId(*chat)).await.unwrap().unwrap();
        assert!(row.blocked_bot, "user {chat} is recorded as blocked");
    }
    let done = env
        .sandbox
        .telegram
        .wait_for_async(
            admin,
            |it| has_text(it, "Broadcast finished"),
            crate::support::WAIT,
        )
        .await
        .expect("the progress message ends as the summary");
    assert!(has_text(&done, &format!("Sent: {sent}")), "{:?}", done.text);

    // Nobody is tried again: the finished broadcast sends nothing more.
    let requests = env.sandbox.telegram.request_count("sendMessage");
    let again = send_batch(&env.sandbox.app.deps, id, 1000).await.unwrap();
    assert_eq!(again, Batch::Stopped);
    assert_eq!(env.sandbox.telegram.request_count("sendMessage"), requests);
    assert!(
        audit_actions(&env)
            .await
            .contains(&"broadcast.create".to_owned())
    );
    assert_eq!(env.sandbox.telegram.violations(), Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_broadcast_resumes_after_a_restart_without_duplicates_or_skips() {
    let mut env = Env::start().await;
    let users = add_users(&env, 5001, 120, true).await;
    let (_, id) = start_broadcast(&env).await;
    until("part of the broadcast to go out", async || {
        progress(&env, id).await.sent >= 30
    })
    .await;

    env.sandbox.restart_bot().await.unwrap();
    let halfway = progress(&env, id).await;
    assert!(halfway.pending > 0, "stopped half-way: {halfway:?}");
    wait_done(&env, id).await;

    for chat in &users {
        assert_eq!(copies(&env, *chat), 1, "user {chat}");
    }
    let counts = progress(&env, id).await;
    assert_eq!((counts.pending, counts.sent), (0, users.len() as u64 + 1));
    let admin = env.user(2).id;
    env.sandbox
        .telegram
        .wait_for_async(
            admin,
            |it| has_text(it, "Broadcast finished"),
            crate::support::WAIT,
        )
        .await
        .expect("the restarted sender keeps editing the same progress message");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paused_broadcast_sends_nothing_until_resumed() {
    let env = Env::start().await;
    let users = add_users(&env, 5001, 90, true).await;
    let admin = env.user(2).clone();
    let (progress_message, id) = start_broadcast(&env).await;
    until("part of the broadcast to go out", async || {
        progress(&env, id).await.sent >= 10
    })
    .await;
    let pause = format!("v1:abp:{id}");
    let paused = env.press(&admin, progress_message.message_id, &pause, |it| {
        has_text(it, "paused")
    });
    assert!(button_data(&paused, &format!("v1:abr:{id}")).is_some());
    let store = &env.sandbox.app.deps.store;
    let status = store.get_broadcast(id).await.unwrap().unwrap().status;
    assert_eq!(status, BroadcastStatus::Paused);

    // Once the sender has let go of it (its sends in flight are marked), the
    // core refuses the paused broadcast and nothing more goes out.
    let deps = env.sandbox.app.deps.clone();
    until("the sender to let go", async || {
        send_batch(&deps, id, 1000).await.unwrap() == Batch::Stopped
    })
    .await;
    let requests = env.sandbox.telegram.request_count("sendMessage");
    let frozen = progress(&env, id).await;
    assert_eq!(send_batch(&deps, id, 1000).await.unwrap(), Batch::Stopped);
    assert_eq!(env.sandbox.telegram.request_count("sendMessage"), requests);
    assert_eq!(progress(&env, id).await, frozen);
    assert!(frozen.pending > 0, "{frozen:?}");

    let resume = format!("v1:abr:{id}");
    env.press(&admin, progress_message.message_id, &resume, |it| {
        button_data(it, "v1:abp:").is_some() || has_text(it, "finished")
    });
    wait_done(&env, id).await;
    for chat in &users {
        assert_eq!(copies(&env, *chat), 1, "user {chat}");
    }
    let actions = audit_actions(&env).await;
    for action in ["broadcast.create", "broadcast.paused", "broadcast.running"] {
        assert!(actions.contains(&action.to_owned()), "{actions:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_broadcast_is_not_resumed() {
    let env = Env::start().await;
    add_users(&env, 5001, 90, true).await;
    let admin = env.user(2).clone();
    let (progress_message, id) = start_broadcast(&env).await;
    let stop = format!("v1:abx:{id}");
    env.press(&admin, progress_message.message_id, &stop, |it| {
        has_text(it, "cancelled")
    });
    let store = &env.sandbox.app.deps.store;
    let status = store.get_broadcast(id).await.unwrap().unwrap().status;
    assert_eq!(status, BroadcastStatus::Cancelled);
    // A resume button from an old message changes nothing; it only redraws.
    let telegram = &env.sandbox.telegram;
    let edits = telegram.request_count("editMessageText");
    telegram.press_button(&admin, progress_message.message_id, &format!("v1:abr:{id}"));
    until("the resume press to be handled", async || {
        telegram.request_count("editMessageText") > edits
    })
    .await;
    // The worker may hold the broadcast's lease for a moment (Busy); once
    // free, a batch finds it stopped.
    let deps = &env.sandbox.app.deps;
    until("a batch to find the broadcast stopped", async || {
        send_batch(deps, id, 1000).await.unwrap() == Batch::Stopped
    })
    .await;
    let status = store.get_broadcast(id).await.unwrap().unwrap().status;
    assert_eq!(status, BroadcastStatus::Cancelled);
    assert!(progress(&env, id).await.pending > 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broadcast_text_that_is_not_telegram_html_is_refused() {
    let env = Env::start().await;
    let admin = env.user(2).clone();
    let menu = admin_menu(&env);
    env.press(&admin, menu.message_id, "v1:abc", |it| {
        has_text(it, "broadcast")
    });
    let refused = env.say(&admin, "<b>unclosed", |it| has_text(it, "formatting"));
    assert!(has_text(&refused, "&lt;b&gt;"), "{:?}", refused.text);
    let long = "x".repeat(4097);
    env.say(&admin, &long, |it| has_text(it, "4097"));
    // The dialogue is still open: a good text moves on to the audience.
    env.say(&admin, "fine", |it| button_data(it, "v1:aau:all").is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_looks_up_bans_and_unbans_a_user() {
    let env = Env::start().await;
    let admin = env.user(2).clone();
    let user = env.user(0).clone();
    env.say(&user, "/start", |it| button_data(it, "v1:l:").is_some());
    open_users(&env);
    env.say(&admin, "@nobody", |it| has_text(it, "No user found"));
    let profile = env.say(&admin, "@SARA", |it| has_text(it, "Banned: no"));
    assert!(has_text(&profile, "1001"), "{:?}", profile.text);

    let banned = env.press(&admin, profile.message_id, "v1:aban:1001", |it| {
        has_text(it, "Banned: yes")
    });
    assert!(button_data(&banned, "v1:aunb:1001").is_some());
    let store = &env.sandbox.app.deps.store;
    assert!(is_banned(store, user.id).await);
    env.say(&user, "/menu", |it| has_text(it, "restricted"));

    env.press(&admin, profile.message_id, "v1:aunb:1001", |it| {
        has_text(it, "Banned: no")
    });
    assert!(!is_banned(store, user.id).await);
    env.say(&user, "/menu", |it| button_data(it, "v1:ps").is_some());

    // Admins cannot be banned, even by another admin's button.
    env.press(&admin, profile.message_id, "v1:aban:1000", |it| {
        has_text(it, "cannot be banned")
    });
    assert!(!is_banned(store, admin.id).await);
    let actions = audit_actions(&env).await;
    assert_eq!(actions, ["user.unban", "user.ban"]);

    // A Telegram id in Persian digits finds the same user.
    open_users(&env);
    env.say(&admin, "۱۰۰۱", |it| has_text(it, "Sara"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_extends_a_service_resets_the_test_and_messages_the_user() {
    let env = Env::start().await;
    let admin = env.user(2).clone();
    let user = env.user(0).clone();
    env.take_test_account(&user);
    let store = &env.sandbox.app.deps.store;
    let service = env.only_service(&user).await;
    let blitz = env.sandbox.blitz.as_ref().unwrap();
    let days_before = blitz.user(&service.blitz_username).unwrap().expiration_days;

    // Found by its panel username; the profile lists it with an extend button.
    open_users(&env);
    let profile = env.say(&admin, &service.blitz_username, |it| has_text(it, "Banned"));
    assert!(
        has_text(&profile, &service.blitz_username),
        "{:?}",
        profile.text
    );
    // Live usage from the panel: "used / limit", not the "—" of a silent panel.
    let text = profile.text.clone().unwrap_or_default();
    assert!(text.contains(" / ") && !text.contains("— /"), "{text}");
    let extend = format!("v1:aex:{}", service.id);
    assert!(button_data(&profile, &extend).is_some());
    env.press(&admin, profile.message_id, &extend, |it| {
        has_text(it, "How many days")
    });
    env.say(&admin, "0", |it| has_text(it, "Invalid"));
    env.say(&admin, "10", |it| has_text(it, "now runs until"));
    let extended = store.get_service(service.id).await.unwrap().unwrap();
    assert_eq!(extended.expires, service.expires.plus_days(10));
    let panel = blitz.user(&service.blitz_username).unwrap();
    assert_eq!(panel.expiration_days, days_before + 10);

    // The test can be taken again after a reset.
    assert!(store.has_test_order(TelegramId(user.id)).await.unwrap());
    env.press(&admin, profile.message_id, "v1:art:1001", |it| {
        has_text(it, "User updated")
    });
    assert!(!store.has_test_order(TelegramId(user.id)).await.unwrap());
    env.press(&admin, profile.message_id, "v1:art:1001", |it| {
        has_text(it, "Nothing to reset")
    });

    // A message reaches the user as written.
    env.press(&admin, profile.message_id, "v1:amg:1001", |it| {
        has_text(it, "message for this user")
    });
    env.say(&admin, "Hello <i>Sara</i>", |it| has_text(it, "delivered"));
    let got = env.wait_new(&user, 0, |it| {
        it.text.as_deref() == Some("Hello <i>Sara</i>")
    });
    assert_eq!(got.parse_mode.as_deref(), Some("HTML"));

    let actions = audit_actions(&env).await;
    assert_eq!(
        actions,
        ["user.message", "user.reset_test", "service.extend"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_support_admin_may_look_but_not_change() {
    let env = Env::start().await;
    let support = env.user(1).clone();
    let store = &env.sandbox.app.deps.store;
    let now = ajib_app::deps::now();
    store
        .upsert_admin(
            TelegramId(support.id),
            ajib_storage::AdminRole::Support,
            None,
            now,
        )
        .await
        .unwrap();
    let menu = env.say(&support, "/admin", |it| button_data(it, "v1:ast").is_some());
    assert!(
        button_data(&menu, "v1:abc").is_none(),
        "no broadcast button for support"
    );
    assert!(
        button_data(&menu, "v1:apl").is_none(),
        "no plans button for support"
    );
    let stats = env.press(&support, menu.message_id, "v1:ast", |it| {
        has_text(it, "Statistics") || has_text(it, "آمار")
    });
    assert!(stats.text.is_some());
    for forged in [
        "v1:abc",
        "v1:apt:1",
        "v1:aban:1001",
        "v1:abkn",
        "v1:agr:1001",
        "v1:agp:1001:1",
        "v1:apu:2",
    ] {
        env.press(&support, menu.message_id, forged, |it| {
            has_text(it, "not allowed") || has_text(it, "اجازه")
        });
    }
    assert!(
        store
            .list_plans(false)
            .await
            .unwrap()
            .iter()
            .all(|it| it.active)
    );
    assert!(
        !store
            .get_user(TelegramId(1001))
            .await
            .unwrap()
            .is_some_and(|it| it.banned)
    );
    // The lookup works, and the profile offers only what support may do.
    env.say(env.user(0), "/start", |it| {
        button_data(it, "v1:l:").is_some()
    });
    env.press(&support, menu.message_id, "v1:aus", |it| {
        has_text(it, "to search") || has_text(it, "جست‌وجو")
    });
    let profile = env.say(&support, "1001", |it| {
        it.keyboard.is_some() && has_text(it, "1001")
    });
    assert!(
        button_data(&profile, "v1:aban").is_none(),
        "{:?}",
        profile.keyboard
    );
    assert!(
        button_data(&profile, "v1:amg").is_some(),
        "{:?}",
        profile.keyboard
    );
    assert!(
        button_data(&profile, "v1:agr").is_none(),
        "no grant for support: {:?}",
        profile.keyboard
    );
    assert_eq!(
        store.orders_of_user(TelegramId(1001)).await.unwrap(),
        [],
        "the forged grant made no order"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_adds_and_removes_staff_from_the_bot() {
    let env = Env::start().await;
    let owner = env.user(2).clone();
    let sara = env.user(0).clone();
    env.say(&sara, "/start", |it| button_data(it, "v1:l:").is_some());
    // Not staff yet: /admins and /admin are refused.
    env.say(&sara, "/admins add 1001 admin", |it| {
        has_text(it, "not allowed")
    });
    env.say(&owner, "/admins add 1001 support", |it| {
        has_text(it, "1001")
    });
    let menu = env.say(&sara, "/admin", |it| button_data(it, "v1:ast").is_some());
    assert!(
        button_data(&menu, "v1:abc").is_none(),
        "support sees no broadcast button"
    );
    let list = env.say(&owner, "/admins", |it| has_text(it, "Staff"));
    assert!(
        has_text(&list, "1001") && has_text(&list, "support"),
        "{:?}",
        list.text
    );
    env.say(&owner, "/admins remove 1001", |it| {
        has_text(it, "no longer")
    });
    env.say(&sara, "/admin", |it| has_text(it, "not allowed"));
    let audit = env.sandbox.app.deps.store.recent_audit(10).await.unwrap();
    let actions: Vec<&str> = audit.iter().map(|it| it.action.as_str()).collect();
    assert!(
        actions.contains(&"staff.add") && actions.contains(&"staff.remove"),
        "{actions:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statistics_show_the_purchase_by_plan_with_a_revenue_chart() {
    let env = Env::start().await;
    let (customer, owner) = (env.user(0).clone(), env.user(2).clone());
    crate::journey::buy_first_plan(&env, &customer, "v1:l:en", "menu").await;
    let menu = env.say(&owner, "/admin", |it| button_data(it, "v1:ast").is_some());
    let before = env.sandbox.telegram.messages(owner.id).len();
    let stats = env.press(&owner, menu.message_id, "v1:ast", |it| {
        has_text(it, "By plan")
    });
    assert!(
        has_text(&stats, "Starter: 1 order, 3.00 USD"),
        "{:?}",
        stats.text
    );
    assert!(has_text(&stats, "paid: 1"), "{:?}", stats.text);
    // Today heads the last seven days; yesterday had no sales.
    let today = ajib_app::format::date(ajib_domain::Lang::EN, ajib_app::deps::now());
    let yesterday =
        ajib_app::format::date(ajib_domain::Lang::EN, ajib_app::deps::now().plus_days(-1));
    assert!(
        has_text(
            &stats,
            &format!(
                "Paid orders, last 7 days</b>\n• {today}: 1 order, 3.00 USD\n• {yesterday}: 0 orders, 0.00 USD"
            )
        ),
        "{:?}",
        stats.text
    );
    assert!(has_text(&stats, "in 30 days"), "{:?}", stats.text);
    let chart = env.wait_new(&owner, before, |it| it.photo.is_some());
    assert!(
        has_text(&chart, "3.00 USD"),
        "caption names the tallest bar: {:?}",
        chart.text
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_adds_edits_and_disables_plans_in_a_dialogue() {
    let env = Env::start().await;
    let owner = env.user(2).clone();
    let store = &env.sandbox.app.deps.store;
    let plans = open_plans(&env, &owner, "v1:apa");
    env.press(&owner, plans.message_id, "v1:apa", |it| {
        has_text(it, "in English")
    });
    env.say(&owner, "Weekly", |it| has_text(it, "in Persian"));
    env.say(&owner, "هفتگی", |it| has_text(it, "days"));
    // Bad input is refused with the reason and the question stands.
    env.say(&owner, "forever", |it| has_text(it, "1..3650"));
    env.say(&owner, "۷", |it| has_text(it, "GB"));
    env.say(&owner, "20", |it| has_text(it, "price"));
    let preview = env.say(&owner, "1.50", |it| button_data(it, "v1:aps").is_some());
    env.press(&owner, preview.message_id, "v1:aps", |it| {
        has_text(it, "saved")
    });
    let added = store
        .list_plans(false)
        .await
        .unwrap()
        .into_iter()
        .find(|it| it.name.en == "Weekly")
        .unwrap();
    assert_eq!(plan_fields(&added), ("Weekly", "هفتگی", 7, 20, 150));

    // Edit it through the same dialogue.
    let list = open_plans(&env, &owner, "v1:ape:");
    env.press(
        &owner,
        list.message_id,
        &format!("v1:ape:{}", added.id),
        |it| has_text(it, "in English"),
    );
    // Each question shows the current value; "-" keeps it.
    for (answer, next) in [
        ("Weekly+", "Now: <code>هفتگی</code>"),
        ("-", "Now: <code>7</code>"),
        ("8", "Now: <code>20</code>"),
        ("0", "price"),
    ] {
        env.say(&owner, answer, |it| has_text(it, next));
    }
    let preview = env.say(&owner, "2", |it| button_data(it, "v1:aps").is_some());
    env.press(&owner, preview.message_id, "v1:aps", |it| {
        has_text(it, "saved")
    });
    let edited = store.get_plan(added.id).await.unwrap().unwrap();
    assert_eq!(plan_fields(&edited), ("Weekly+", "هفتگی", 8, 0, 200));
    assert_eq!(
        edited.sort_order, added.sort_order,
        "an edit keeps the place"
    );

    // The new plan was added last; moving it up puts it before the one above it.
    let names = async || -> Vec<String> {
        store
            .list_plans(false)
            .await
            .unwrap()
            .into_iter()
            .map(|it| it.name.en)
            .collect()
    };
    let before = names().await;
    assert_eq!(before.last().map(String::as_str), Some("Weekly+"));
    let list = open_plans(&env, &owner, "v1:apu:");
    env.press(
        &owner,
        list.message_id,
        &format!("v1:apu:{}", added.id),
        |_| true,
    );
    until("the plan to move up", async || {
        let now = names().await;
        now.len() == before.len() && now[now.len() - 2] == "Weekly+"
    })
    .await;

    // Disable it: customers no longer see it.
    let list = open_plans(&env, &owner, "v1:apt:");
    env.press(
        &owner,
        list.message_id,
        &format!("v1:apt:{}", added.id),
        |_| true,
    );
    crate::support::until("the plan to be disabled", async || {
        !store.get_plan(added.id).await.unwrap().unwrap().active
    })
    .await;
    assert!(
        store
            .list_plans(true)
            .await
            .unwrap()
            .iter()
            .all(|it| it.id != added.id)
    );
    let actions: Vec<String> = store
        .recent_audit(10)
        .await
        .unwrap()
        .into_iter()
        .map(|it| it.action)
        .collect();
    for action in ["plan.add", "plan.edit", "plan.move", "plan.toggle"] {
        assert!(
            actions.iter().any(|it| it == action),
            "{action} not audited: {actions:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_pages_through_users_and_searches_by_fragment() {
    let env = Env::start().await;
    let admin = env.user(2).clone();
    add_users(&env, 5_000, 23, false).await;
    let first = open_users(&env);
    // 23 simulated users plus the sandbox's own: newest first, ten a page.
    assert!(
        button_data(&first, "v1:au:5022").is_some(),
        "{:?}",
        first.keyboard
    );
    assert!(button_data(&first, "v1:aul:1").is_some());
    assert!(
        button_data(&first, "v1:aul:0").is_none(),
        "no way back from page 1"
    );
    let second = env.press(&admin, first.message_id, "v1:aul:1", |it| {
        has_text(it, "page 2/")
    });
    assert!(
        button_data(&second, "v1:au:5012").is_some(),
        "{:?}",
        second.keyboard
    );
    assert!(button_data(&second, "v1:aul:0").is_some());
    // A page past the end (an old button) shows the last page.
    let last = env.press(&admin, first.message_id, "v1:aul:999", |it| {
        has_text(it, "page 3/3")
    });
    assert!(button_data(&last, "v1:aul:2").is_none());

    // A fragment lists the matches; the page buttons keep to them.
    let found = env.say(&admin, "Sim 501", |it| {
        has_text(it, "Sim 501</b>: 10 users")
    });
    assert!(button_data(&found, "v1:au:5010").is_some());
    assert!(
        button_data(&found, "v1:au:5001").is_none(),
        "{:?}",
        found.keyboard
    );
    let profile = env.press(&admin, found.message_id, "v1:au:5019", |it| {
        has_text(it, "5019") && has_text(it, "Banned")
    });
    assert!(
        button_data(&profile, "v1:aus").is_some(),
        "back to the list"
    );
    // One match opens the profile directly.
    open_users(&env);
    env.say(&admin, "Sim 5007", |it| has_text(it, "Joined"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_grants_a_plan_with_a_reason_and_the_user_gets_the_account() {
    let env = Env::start().await;
    let admin = env.user(2).clone();
    let user = env.user(0).clone();
    env.say(&user, "/start", |it| button_data(it, "v1:l:").is_some());
    let store = &env.sandbox.app.deps.store;
    let plan = store.list_plans(true).await.unwrap().remove(0);

    open_users(&env);
    let profile = env.say(&admin, "1001", |it| {
        button_data(it, "v1:agr:1001").is_some()
    });
    let pick = env.press(&admin, profile.message_id, "v1:agr:1001", |it| {
        has_text(it, "for free")
    });
    let grant = format!("v1:agp:1001:{}", plan.id);
    assert!(button_data(&pick, &grant).is_some(), "{:?}", pick.keyboard);
    env.press(&admin, pick.message_id, &grant, |it| has_text(it, "Why is"));
    let too_long = "x".repeat(201);
    env.say(&admin, &too_long, |it| has_text(it, "1..200"));
    env.say(&admin, "refund for the outage", |it| {
        has_text(it, "granted to")
    });

    // The user gets the account the way a buyer does.
    env.wait_new(&user, 0, |it| has_text(it, "hy2://"));
    let orders = store.orders_of_user(TelegramId(user.id)).await.unwrap();
    assert_eq!(orders.len(), 1);
    let order = &orders[0];
    assert!(order.amount.is_zero());
    assert_eq!(order.plan, Some(plan.id));
    assert_eq!(
        order.note.as_deref(),
        Some("granted by 1000: refund for the outage")
    );
    until("the grant to be provisioned", async || {
        let order = store.get_order(order.id).await.unwrap().unwrap();
        order.status == ajib_domain::OrderStatus::Provisioned
    })
    .await;
    let service = env.only_service(&user).await;
    assert_eq!(service.plan, Some(plan.id));
    // A grant is not revenue.
    assert!(
        store
            .revenue_by_day(ajib_domain::UnixTime(0))
            .await
            .unwrap()
            .is_empty()
    );
    let audit = store.recent_audit(5).await.unwrap();
    let entry = audit.iter().find(|it| it.action == "user.grant").unwrap();
    assert!(
        entry
            .after_json
            .as_deref()
            .unwrap_or_default()
            .contains("refund for the outage"),
        "{entry:?}"
    );
    // The reason dialogue is closed: more text is not a second grant.
    env.say(&admin, "again", |it| has_text(it, "didn't get that"));
    assert_eq!(
        store
            .orders_of_user(TelegramId(user.id))
            .await
            .unwrap()
            .len(),
        1
    );
}

/// Stands in for a picture: the fake keeps the bytes, it does not decode them.
const PHOTO: &[u8] = b"\x89PNG\r\n\x1a\nnot really a picture";
/// The caption the admin writes, and the HTML its bold entity becomes.
const CAPTION: &str = "New servers in Frankfurt";
const CAPTION_HTML: &str = "<b>New servers</b> in Frankfurt";

fn is_photo_broadcast(message: &BotMessage) -> bool {
    message.kind == ajib_testkit::telegram::MessageKind::Photo
        && message.text.as_deref() == Some(CAPTION_HTML)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_photo_broadcast_with_a_formatted_caption_arrives_as_that_photo() {
    let env = Env::start().await;
    let admin = env.user(2).clone();
    let users = add_users(&env, 5001, 3, true).await;
    let menu = admin_menu(&env);
    env.press(&admin, menu.message_id, "v1:abc", |it| {
        has_text(it, "photo with a caption")
    });
    let before = env.sandbox.telegram.messages(admin.id).len();
    let bold = serde_json::json!([{ "type": "bold", "offset": 0, "length": 11 }]);
    env.sandbox
        .telegram
        .send_photo(&admin, PHOTO, Some(CAPTION), bold);
    let picker = env.wait_new(&admin, before, |it| button_data(it, "v1:aau:all").is_some());
    let preview = env.press(&admin, picker.message_id, "v1:aau:all", |it| {
        button_data(it, "v1:abs").is_some()
    });
    let shown = env.wait_new(&admin, before, is_photo_broadcast);
    assert_eq!(
        shown.photo.as_deref(),
        Some(PHOTO),
        "the preview is the photo"
    );
    assert_eq!(shown.parse_mode.as_deref(), Some("HTML"));

    env.press(&admin, preview.message_id, "v1:abs", |it| {
        button_data(it, "v1:abp:").is_some() || has_text(it, "finished")
    });
    let id = env
        .sandbox
        .app
        .deps
        .store
        .recent_broadcasts(1)
        .await
        .unwrap()[0]
        .id;
    wait_done(&env, id).await;
    for chat in &users {
        let got: Vec<_> = env
            .sandbox
            .telegram
            .messages(*chat)
            .into_iter()
            .filter(is_photo_broadcast)
            .collect();
        assert_eq!(got.len(), 1, "user {chat}");
        assert_eq!(got[0].photo.as_deref(), Some(PHOTO), "user {chat}");
    }
    let stored = env
        .sandbox
        .app
        .deps
        .store
        .get_broadcast(id)
        .await
        .unwrap()
        .unwrap();
    assert!(stored.photo.is_some());
    assert_eq!(stored.text, CAPTION_HTML);
    assert_eq!(env.sandbox.telegram.violations(), Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_formatted_in_telegram_reaches_the_user_with_its_formatting() {
    let env = Env::start().await;
    let admin = env.user(2).clone();
    let user = env.user(0).clone();
    env.say(&user, "/start", |it| button_data(it, "v1:l:").is_some());
    open_users(&env);
    let profile = env.say(&admin, "1001", |it| {
        button_data(it, "v1:amg:1001").is_some()
    });
    env.press(&admin, profile.message_id, "v1:amg:1001", |it| {
        has_text(it, "message for this user")
    });
    let before = env.sandbox.telegram.messages(admin.id).len();
    let entities = serde_json::json!([
        { "type": "italic", "offset": 0, "length": 5 },
        { "type": "text_link", "offset": 11, "length": 4, "url": "https://example.com/a?b=1&c=2" },
    ]);
    env.sandbox
        .telegram
        .send_formatted_text(&admin, "Hello, see here <3", entities);
    env.wait_new(&admin, before, |it| has_text(it, "delivered"));
    let got = env.wait_new(&user, 0, |it| has_text(it, "Hello"));
    assert_eq!(
        got.text.as_deref(),
        Some("<i>Hello</i>, see <a href=\"https://example.com/a?b=1&amp;c=2\">here</a> &lt;3")
    );
    assert_eq!(got.parse_mode.as_deref(), Some("HTML"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_adjusts_a_balance_with_a_reason_once() {
    let env = Env::start().await;
    let admin = env.user(2).clone();
    let user = env.user(0).clone();
    env.say(&user, "/start", |it| button_data(it, "v1:l:").is_some());
    let store = &env.sandbox.app.deps.store;
    let id = TelegramId(user.id);

    open_users(&env);
    let profile = env.say(&admin, "1001", |it| {
        button_data(it, "v1:abal:1001").is_some()
    });
    env.press(&admin, profile.message_id, "v1:abal:1001", |it| {
        has_text(it, "holds")
    });
    env.say(&admin, "-1", |it| has_text(it, "cannot go below zero"));
    env.say(&admin, "abc", |it| has_text(it, "not an amount"));
    env.say(&admin, "+۵", |it| {
        has_text(it, "Why does the balance change")
    });
    let preview = env.say(&admin, "goodwill for the outage", |it| {
        button_data(it, "v1:abalc").is_some()
    });
    env.press(&admin, preview.message_id, "v1:abalc", |it| {
        has_text(it, "changed by")
    });
    let usd = |minor| ajib_domain::Money::from_minor(minor, ajib_domain::Currency::USD).unwrap();
    assert_eq!(
        store.balance(id, ajib_domain::Currency::USD).await.unwrap(),
        usd(500)
    );
    env.wait_new(&user, 0, |it| {
        has_text(it, "Your balance was changed") && has_text(it, "goodwill for the outage")
    });
    // A second tap on the same preview changes nothing.
    env.press(&admin, preview.message_id, "v1:abalc", |it| {
        has_text(it, "expired") || has_text(it, "no longer")
    });
    assert_eq!(
        store.balance(id, ajib_domain::Currency::USD).await.unwrap(),
        usd(500)
    );
    let audit = store.recent_audit(10).await.unwrap();
    let entry = audit
        .iter()
        .find(|it| it.action == "user.balance_adjust")
        .expect("an audit entry");
    assert!(
        entry
            .after_json
            .as_deref()
            .unwrap_or_default()
            .contains("goodwill for the outage"),
        "{entry:?}"
    );
    let rows = store.ledger_of(id, 5).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].actor, Some(TelegramId(admin.id)));
}
