//! Admin dialogues are kept in SQLite: they survive a restart, and every step
//! is authorised again with the sender's role as it is now (issue 15).

use ajib_domain::TelegramId;
use ajib_storage::AdminRole;

use crate::support::{Env, button_data, has_text};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plan_dialogue_survives_a_restart() {
    let mut env = Env::start().await;
    let owner = env.user(2).clone();
    let menu = env.say(&owner, "/admin", |it| button_data(it, "v1:apl").is_some());
    let plans = env.press(&owner, menu.message_id, "v1:apl", |it| {
        button_data(it, "v1:apa").is_some()
    });
    env.press(&owner, plans.message_id, "v1:apa", |it| {
        has_text(it, "in English")
    });
    env.say(&owner, "Nightly", |it| has_text(it, "in Persian"));

    env.sandbox.restart_bot().await.unwrap();
    env.say(&owner, "شبانه", |it| has_text(it, "days"));
    env.say(&owner, "1", |it| has_text(it, "GB"));
    env.say(&owner, "5", |it| has_text(it, "price"));
    let preview = env.say(&owner, "0.50", |it| button_data(it, "v1:aps").is_some());
    env.press(&owner, preview.message_id, "v1:aps", |it| {
        has_text(it, "saved")
    });
    let store = &env.sandbox.app.deps.store;
    let saved = store.list_plans(false).await.unwrap();
    let nightly = saved.iter().find(|it| it.name.en == "Nightly");
    assert!(
        nightly.is_some_and(|it| it.name.fa == "شبانه" && it.days == 1),
        "{saved:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_demoted_admins_open_grant_is_refused() {
    let env = Env::start().await;
    let customer = env.user(0).clone();
    let admin = env.user(1).clone();
    env.say(&customer, "/start", |it| button_data(it, "v1:l:").is_some());
    let store = &env.sandbox.app.deps.store;
    let now = ajib_app::deps::now();
    store
        .upsert_admin(TelegramId(admin.id), AdminRole::Admin, None, now)
        .await
        .unwrap();
    let plan = store.list_plans(true).await.unwrap().remove(0);

    let menu = env.say(&admin, "/admin", |it| button_data(it, "v1:aus").is_some());
    env.press(&admin, menu.message_id, "v1:aus", |it| {
        button_data(it, "v1:au:").is_some()
    });
    let profile = env.say(&admin, &customer.id.to_string(), |it| {
        button_data(it, "v1:agr:").is_some()
    });
    let grant = format!("v1:agr:{}", customer.id);
    let pick = env.press(&admin, profile.message_id, &grant, |it| {
        button_data(it, "v1:agp:").is_some()
    });
    let chosen = format!("v1:agp:{}:{}", customer.id, plan.id);
    env.press(&admin, pick.message_id, &chosen, |it| {
        button_data(it, "v1:x").is_some()
    });
    assert!(
        store
            .load_dialog(TelegramId(admin.id), now.plus_secs(60))
            .await
            .unwrap()
            .is_some(),
        "the grant waits for its reason"
    );

    // Demoted to support while the question is open: the answer grants nothing.
    store
        .upsert_admin(TelegramId(admin.id), AdminRole::Support, None, now)
        .await
        .unwrap();
    env.say(&admin, "a gift", |it| button_data(it, "v1:ps").is_some());
    assert!(
        store
            .orders_of_user(TelegramId(customer.id))
            .await
            .unwrap()
            .is_empty(),
        "no grant"
    );
    assert_eq!(
        store
            .load_dialog(TelegramId(admin.id), now.plus_secs(60))
            .await
            .unwrap(),
        None,
        "the dialogue is closed"
    );
}
