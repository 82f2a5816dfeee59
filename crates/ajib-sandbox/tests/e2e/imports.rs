//! Accounts already on a panel (issue 21): 1,000 panel users imported, each
//! exactly once, a second import changing nothing; an imported customer
//! finding their service; a customer linking their own account by its link.

use std::time::Duration;

use ajib_domain::{PanelId, TelegramId};
use ajib_storage::{ImportCounts, ImportedAccount, LINK_ATTEMPTS_PER_WINDOW, PanelTerms};
use ajib_testkit::{
    blitz::{FakeBlitz, SeedUser},
    telegram::SimUser,
};

use crate::support::{Env, button_data, has_text};

/// The Telegram id the `idx`th imported customer has.
fn customer(idx: u32) -> i64 {
    500_000 + i64::from(idx)
}

fn seed(fake: &FakeBlitz, names: &[String]) {
    let users: Vec<SeedUser> = names
        .iter()
        .map(|name| SeedUser {
            username: name.clone(),
            traffic_gb: 20,
            expiration_days: 30,
            creation_date: Some(fake.today()),
        })
        .collect();
    fake.add_users(&users);
}

/// Lists the panel's users and links those `owner` names an owner for, as
/// `ajib-ctl panels import` does (the CLI's own test runs the binary).
async fn import(env: &Env, fake: &FakeBlitz, owner: impl Fn(&str) -> Option<i64>) -> ImportCounts {
    let client =
        blitz::Client::new(fake.base_url(), fake.token(), Duration::from_secs(10)).unwrap();
    let users = tokio::task::spawn_blocking(move || client.list_users())
        .await
        .unwrap()
        .unwrap();
    let accounts: Vec<ImportedAccount> = users
        .iter()
        .filter_map(|user| {
            let terms = PanelTerms::from_panel(
                user.account_creation_date.as_deref(),
                user.expiration_days,
                user.max_download_bytes,
            )
            .unwrap();
            Some(ImportedAccount {
                owner: TelegramId(owner(&user.username)?),
                username: user.username.clone(),
                terms,
            })
        })
        .collect();
    let store = &env.sandbox.app.deps.store;
    store
        .import_accounts(PanelId::FIRST, &accounts, ajib_app::deps::now())
        .await
        .unwrap()
}

/// Script commands other than reads the panel ran.
fn writes(fake: &FakeBlitz) -> Vec<String> {
    fake.commands()
        .into_iter()
        .filter(|it| !it.contains("list_users.py") && !it.contains("get_user.py"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_of_1000_panel_users_links_each_once_and_a_second_changes_nothing() {
    let env = Env::start().await;
    let fake = env.sandbox.blitz.as_ref().unwrap();
    let names: Vec<String> = (0..1_000)
        .map(|it| format!("ajib_{}_{it}", customer(it)))
        .collect();
    seed(fake, &names);
    let writes_before = writes(fake);
    let owner = |name: &str| {
        let idx: u32 = name.rsplit('_').next()?.parse().ok()?;
        Some(customer(idx))
    };

    let first = import(&env, fake, owner).await;
    assert_eq!(
        (
            first.linked,
            first.already_linked,
            first.other_owner,
            first.new_users
        ),
        (1_000, 0, 0, 1_000)
    );
    let store = &env.sandbox.app.deps.store;
    for (idx, name) in names.iter().enumerate() {
        let services = store
            .services_of_user(TelegramId(customer(idx as u32)))
            .await
            .unwrap();
        assert_eq!(services.len(), 1, "{name}");
        assert_eq!(&services[0].blitz_username, name);
    }
    let panel = store.get_panel(PanelId::FIRST).await.unwrap().unwrap();
    assert_eq!(panel.active, 1_000);

    let second = import(&env, fake, owner).await;
    assert_eq!(
        (
            second.linked,
            second.already_linked,
            second.other_owner,
            second.new_users
        ),
        (0, 1_000, 0, 0)
    );
    let panel = store.get_panel(PanelId::FIRST).await.unwrap().unwrap();
    assert_eq!(panel.active, 1_000);
    // The panel was only read.
    assert_eq!(writes(fake), writes_before);
}

/// `/start` (choosing English the first time), then My services.
fn my_services(env: &Env, user: &SimUser) -> ajib_testkit::telegram::BotMessage {
    let mut menu = env.say(user, "/start", |it| {
        button_data(it, "v1:l:").is_some() || button_data(it, "v1:ss").is_some()
    });
    if button_data(&menu, "v1:l:").is_some() {
        menu = env.press(user, menu.message_id, "v1:l:en", |it| {
            button_data(it, "v1:ss").is_some()
        });
    }
    env.press(user, menu.message_id, "v1:ss", |it| {
        button_data(it, "v1:lk").is_some()
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_imported_customer_finds_their_service_at_their_first_start() {
    let env = Env::start().await;
    let fake = env.sandbox.blitz.as_ref().unwrap();
    seed(fake, &["oldsara".to_owned()]);
    let sara = env.user(0).clone();
    let counts = import(&env, fake, |name| (name == "oldsara").then_some(sara.id)).await;
    assert_eq!(counts.linked, 1);

    let services = my_services(&env, &sara);
    let service = env.only_service(&sara).await;
    let data = format!("v1:s:{}", service.id.0);
    assert_eq!(
        button_data(&services, &data).as_deref(),
        Some(data.as_str())
    );
    let details = env.press(&sara, services.message_id, &data, |it| {
        has_text(it, "oldsara")
    });
    assert!(has_text(&details, "20"), "{:?}", details.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_links_their_account_by_its_link_and_tries_are_limited() {
    let env = Env::start().await;
    let fake = env.sandbox.blitz.as_ref().unwrap();
    seed(fake, &["handsold".to_owned()]);
    let password = fake.user("handsold").unwrap().password;
    let sara = env.user(0).clone();

    let services = my_services(&env, &sara);
    env.press(&sara, services.message_id, "v1:lk", |it| {
        has_text(it, "Send the subscription link")
    });
    env.say(&sara, "hello", |it| {
        has_text(it, "That is not a subscription link")
    });
    let wrong = "hy2://handsold:not-the-password@203.0.113.7:443?sni=example.com#IPv4";
    env.say(&sara, wrong, |it| has_text(it, "could not find an account"));
    assert!(
        env.sandbox
            .app
            .deps
            .store
            .services_of_user(TelegramId(sara.id))
            .await
            .unwrap()
            .is_empty()
    );
    // The fake's normal-sub link, as the panel hands it out.
    let link = format!("https://example.com:8443/fakesub/{password}#Hysteria2");
    let done = env.say(&sara, &link, |it| has_text(it, "now linked to you"));
    let service = env.only_service(&sara).await;
    assert_eq!(service.blitz_username, "handsold");
    assert!(button_data(&done, &format!("v1:s:{}", service.id.0)).is_some());
    // The secret never reached the log of what was done, nor another reply.
    assert!(!env.texts(&sara).iter().any(|it| it.contains(&password)));

    // Someone else's claim of the same account is refused.
    let reza = env.user(1).clone();
    let store = &env.sandbox.app.deps.store;
    let now = ajib_app::deps::now();
    let uri = format!("hy2://handsold:{password}@203.0.113.7:443#IPv4");
    let rezas = my_services(&env, &reza);
    env.press(&reza, rezas.message_id, "v1:lk", |it| {
        has_text(it, "Send the subscription link")
    });
    env.say(&reza, &uri, |it| has_text(it, "linked to another customer"));

    // Tries are rate-limited: with the hour's tries used up, the link is not even looked up.
    while store
        .take_link_attempt(TelegramId(sara.id), now)
        .await
        .unwrap()
    {}
    let services = my_services(&env, &sara);
    env.press(&sara, services.message_id, "v1:lk", |it| {
        has_text(it, "Send the subscription link")
    });
    let lookups = fake.commands().len();
    let limited = format!("You have tried {LINK_ATTEMPTS_PER_WINDOW} times");
    env.say(&sara, &uri, |it| has_text(it, &limited));
    assert_eq!(fake.commands().len(), lookups);
}
