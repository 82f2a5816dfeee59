//! Moving a customer's service to another panel (issue 21): the admin's
//! buttons, the days and traffic carried over, the config delivered once,
//! and moves interrupted by a restart that complete afterwards.

use ajib_domain::{PanelId, Service, TelegramId};
use ajib_storage::{MoveState, ServiceMove};
use ajib_testkit::{
    blitz::{BlitzFault, FakeBlitz},
    telegram::BotMessage,
};

use crate::{
    journey::buy_first_plan,
    support::{Env, button_data, has_text, until},
};

const GERMANY: &str = "🇩🇪 Germany";
/// What the customer's notice of a move says.
const MOVED: &str = "moved to";

/// A customer (Sara) with a bought service on the first panel, and a second panel in Germany.
async fn customer_and_second_panel() -> (Env, Service, PanelId) {
    let mut env = Env::start().await;
    let user = env.user(0).clone();
    buy_first_plan(&env, &user, "v1:l:en", "menu").await;
    let service = env.only_service(&user).await;
    assert_eq!(service.panel, PanelId::FIRST);
    let (germany, _) = env
        .sandbox
        .add_fake_panel("de-1", GERMANY, None)
        .await
        .unwrap();
    (env, service, germany)
}

fn first_panel(env: &Env) -> &FakeBlitz {
    env.sandbox.blitz.as_ref().unwrap()
}

fn second_panel(env: &Env) -> &FakeBlitz {
    &env.sandbox.more_blitz[0]
}

/// As the admin: the user's profile → 🚚 Move → the panel → ✅ Move; returns the answer.
fn press_move(env: &Env, service: &Service, to: PanelId) -> BotMessage {
    let admin = env.user(2).clone();
    let menu = env.say(&admin, "/admin", |it| button_data(it, "v1:aus").is_some());
    env.press(&admin, menu.message_id, "v1:aus", |it| {
        has_text(it, "to search")
    });
    let open = format!("v1:amv:{}", service.id);
    let profile = env.say(&admin, &service.blitz_username, |it| {
        button_data(it, &open).is_some()
    });
    let pick = env.press(&admin, profile.message_id, &open, |it| {
        button_data(it, "v1:amvp:").is_some()
    });
    let listed = pick
        .keyboard
        .as_ref()
        .map(|it| it.to_string())
        .unwrap_or_default();
    assert!(listed.contains(GERMANY), "the target's location: {listed}");
    let choice = format!("v1:amvp:{}:{to}", service.id);
    let confirm = env.press(&admin, pick.message_id, &choice, |it| {
        button_data(it, "v1:amvs:").is_some()
    });
    let start = format!("v1:amvs:{}:{to}", service.id);
    env.press(&admin, confirm.message_id, &start, |it| {
        has_text(it, "Move started")
    })
}

async fn open_moves(env: &Env) -> Vec<ServiceMove> {
    env.sandbox.app.deps.store.open_moves().await.unwrap()
}

/// Waits until the service's one move sits in `state` after at least one failed try.
async fn until_stuck_in(env: &Env, state: MoveState) {
    until("the move to fail a try", async || {
        open_moves(env)
            .await
            .iter()
            .any(|it| it.state == state && it.attempts >= 1)
    })
    .await;
}

async fn until_done(env: &Env) {
    until("the move to finish", async || {
        open_moves(env).await.is_empty()
    })
    .await;
}

/// The move is over: the service on `to` under the one account there, the
/// old account gone, the customer told once with the new config, the admin told.
async fn check_moved(env: &Env, service: &Service, to: PanelId) {
    let store = &env.sandbox.app.deps.store;
    let moved = store.get_service(service.id).await.unwrap().unwrap();
    assert_eq!(moved.panel, to);
    assert_eq!(moved.expires, service.expires, "the same expiry");
    assert!(
        first_panel(env).user(&service.blitz_username).is_none(),
        "the old account is gone"
    );
    let accounts = second_panel(env).users();
    assert_eq!(accounts.len(), 1, "one account on the target");
    assert_eq!(accounts[0].username, moved.blitz_username);
    let user = env.user(0).clone();
    let notice = env.wait_new(&user, 0, |it| has_text(it, MOVED));
    assert!(has_text(&notice, GERMANY), "{:?}", notice.text);
    env.wait_new(&user, 0, |it| has_text(it, &accounts[0].password));
    assert_eq!(env.count(user.id, MOVED), 1, "told once");
    let new_configs = env.count(user.id, &accounts[0].password);
    assert!(new_configs >= 1, "the new config");
    let admin = env.user(2).clone();
    env.wait_new(&admin, 0, |it| has_text(it, "old account is removed"));
    let state = store.get_move(1).await.unwrap().map(|it| it.state);
    assert_eq!(state, Some(MoveState::Done));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_moves_a_service_with_its_days_and_traffic_left() {
    let (env, service, germany) = customer_and_second_panel().await;
    let old = first_panel(&env).user(&service.blitz_username).unwrap();
    // 5 GiB used on the first panel.
    first_panel(&env).set_usage(&service.blitz_username, 3 << 30, 2 << 30);
    press_move(&env, &service, germany);
    until_done(&env).await;
    check_moved(&env, &service, germany).await;

    let new = second_panel(&env).users().remove(0);
    assert_eq!(
        (new.account_creation_date.as_deref(), new.expiration_days),
        (old.account_creation_date.as_deref(), old.expiration_days),
        "the same days left, dated today"
    );
    let limit = service.traffic_limit_bytes.unwrap();
    assert_eq!(
        new.max_download_bytes,
        limit - (5 << 30),
        "the traffic left"
    );
    let stored = env
        .sandbox
        .app
        .deps
        .store
        .get_service(service.id)
        .await
        .unwrap();
    assert_eq!(
        stored.and_then(|it| it.traffic_limit_bytes),
        Some(limit - (5 << 30))
    );
    let audit = env.sandbox.app.deps.store.recent_audit(10).await.unwrap();
    let asked = audit.iter().find(|it| it.action == "service.move").unwrap();
    assert_eq!(
        asked.actor,
        ajib_storage::Actor::Admin(TelegramId(env.user(2).id))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_move_stuck_removing_the_old_account_completes_after_a_restart() {
    let (mut env, service, germany) = customer_and_second_panel().await;
    // The first panel answers reads but cannot delete (its kick script fails).
    first_panel(&env).set_fault(BlitzFault::KickFailure);
    press_move(&env, &service, germany);
    until_stuck_in(&env, MoveState::Removing).await;
    // The customer already has the new config while the old account lingers.
    let user = env.user(0).clone();
    env.wait_new(&user, 0, |it| has_text(it, MOVED));
    assert!(first_panel(&env).user(&service.blitz_username).is_some());

    env.sandbox.restart_bot().await.unwrap();
    first_panel(&env).set_fault(BlitzFault::None);
    until_done(&env).await;
    check_moved(&env, &service, germany).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_move_interrupted_while_creating_completes_after_a_restart() {
    let (mut env, service, germany) = customer_and_second_panel().await;
    second_panel(&env).set_fault(BlitzFault::Refuse);
    press_move(&env, &service, germany);
    until_stuck_in(&env, MoveState::Creating).await;
    let store = &env.sandbox.app.deps.store;
    let unmoved = store.get_service(service.id).await.unwrap().unwrap();
    assert_eq!(unmoved, service, "the service stays on its panel meanwhile");
    assert_eq!(env.count(env.user(0).id, MOVED), 0);

    env.sandbox.restart_bot().await.unwrap();
    second_panel(&env).set_fault(BlitzFault::None);
    until_done(&env).await;
    check_moved(&env, &service, germany).await;
}
