//! Panel health (issue 21): a panel that stops answering is marked down at
//! once; its customers are told plainly in My services, the owners are alerted
//! once when it has been down five minutes and once when it is back, and
//! customers and sales on the other panel go on as before.
//!
//! Rounds are driven with chosen times in the last ten minutes (alerts are
//! mail due at the check's time, so they go out at once); a round of the
//! worker itself at the real time in between changes nothing asserted here,
//! since the database keeps both "once"s.

use ajib_app::{core::panel_health, deps::now, metrics};
use ajib_domain::{PanelId, UnixTime};
use ajib_storage::PanelEdit;
use ajib_testkit::{
    blitz::BlitzFault,
    telegram::{BotMessage, SimUser},
};

use crate::support::{Env, button_data, has_text, until};

const DOWN_LINE: &str = "the server is unreachable right now";

/// `/start`, then My services, waiting for the list of services.
fn my_services(env: &Env, user: &SimUser) -> BotMessage {
    let menu = env.say(user, "/start", |it| button_data(it, "v1:ss").is_some());
    env.press(user, menu.message_id, "v1:ss", |it| {
        has_text(it, "Your services") && button_data(it, "v1:s:").is_some()
    })
}

async fn set_enabled(env: &Env, panel: PanelId, enabled: bool) {
    let edit = PanelEdit {
        enabled: Some(enabled),
        ..PanelEdit::default()
    };
    let store = &env.sandbox.app.deps.store;
    store.edit_panel(panel, &edit, now()).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panel_down_tells_its_customers_alerts_owners_once_and_the_rest_goes_on() {
    let mut env = Env::start().await;
    let (de, _) = env
        .sandbox
        .add_fake_panel("de-1", "🇩🇪 Germany", None)
        .await
        .unwrap();
    let (sara, reza, owner) = (
        env.user(0).clone(),
        env.user(1).clone(),
        env.user(2).clone(),
    );
    let deps = env.sandbox.app.deps.clone();

    // Sara's account is made in Germany.
    set_enabled(&env, PanelId::FIRST, false).await;
    env.take_test_account(&sara);
    assert_eq!(env.only_service(&sara).await.panel, de);
    set_enabled(&env, PanelId::FIRST, true).await;

    let fake_de = env.sandbox.more_blitz.last().unwrap();
    fake_de.set_fault(BlitzFault::ServerError);
    let t0 = UnixTime(now().0 - 600);
    panel_health::round(&deps, t0).await;
    let panel = deps.store.get_panel(de).await.unwrap().unwrap();
    assert_eq!(panel.health, ajib_domain::PanelHealth::Down);
    assert!(panel.last_error.unwrap_or_default().contains("502"));

    // A new account while Germany is down is made on the panel that answers.
    env.take_test_account(&reza);
    assert_eq!(env.only_service(&reza).await.panel, PanelId::FIRST);

    panel_health::round(&deps, UnixTime(t0.0 + 360)).await;
    panel_health::round(&deps, UnixTime(t0.0 + 420)).await;
    env.wait_new(&owner, 0, |it| has_text(it, "Panel down"));

    let list = my_services(&env, &sara);
    assert!(has_text(&list, DOWN_LINE), "{:?}", list.text);
    assert!(has_text(&list, "🇩🇪 Germany"), "{:?}", list.text);
    let service = env.only_service(&sara).await;
    let data = format!("v1:s:{}", service.id.0);
    let details = env.press(&sara, list.message_id, &data, |it| {
        has_text(it, &service.blitz_username)
    });
    assert!(has_text(&details, DOWN_LINE), "{:?}", details.text);
    assert!(
        has_text(&details, "📍 Location: 🇩🇪 Germany"),
        "{:?}",
        details.text
    );

    let other = my_services(&env, &reza);
    assert!(!has_text(&other, DOWN_LINE), "{:?}", other.text);
    assert!(!has_text(&other, "⚠️"), "{:?}", other.text);

    let page = metrics::render(
        &deps.metrics,
        deps.outbox.stats(),
        &deps.store,
        metrics::STATE_COUNTS_MAX_AGE,
    )
    .await;
    assert!(page.contains("ajib_panel_up{panel=\"de-1\"} 0"), "{page}");
    assert!(page.contains("ajib_panel_up{panel=\"main\"} 1"), "{page}");
    assert!(
        page.contains("ajib_panel_active_accounts{panel=\"de-1\"} 1"),
        "{page}"
    );

    fake_de.set_fault(BlitzFault::None);
    panel_health::round(&deps, UnixTime(t0.0 + 480)).await;
    panel_health::round(&deps, UnixTime(t0.0 + 540)).await;
    env.wait_new(&owner, 0, |it| has_text(it, "Panel back up"));
    // Mail to one chat goes in order: a second "down" alert would have come first.
    assert_eq!(env.count(owner.id, "Panel down"), 1);
    assert_eq!(env.count(owner.id, "Panel back up"), 1);
    until("the panel is up again", async || {
        let panel = deps.store.get_panel(de).await.unwrap().unwrap();
        panel.health == ajib_domain::PanelHealth::Up
    })
    .await;
    let list = my_services(&env, &sara);
    assert!(!has_text(&list, DOWN_LINE), "{:?}", list.text);
}
