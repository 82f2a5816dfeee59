//! Several panels (issue 21): a customer picks a location, a full panel is
//! skipped, a location with no room is not sold, and the owner manages panels
//! in the bot.

use ajib_domain::{OrderStatus, PanelId, TelegramId};
use ajib_storage::PanelEdit;
use ajib_testkit::{heleket::PayOutcome, telegram::SimUser};

use crate::support::{Env, button_data, button_url, has_text};

const GERMANY: &str = "🇩🇪 Germany";
const NETHERLANDS: &str = "🇳🇱 Netherlands";

async fn edit(env: &Env, panel: PanelId, edit: PanelEdit) {
    let store = &env.sandbox.app.deps.store;
    store
        .edit_panel(panel, &edit, ajib_app::deps::now())
        .await
        .unwrap();
}

async fn locate_first_panel(env: &Env, location: &str, capacity: Option<Option<u32>>) {
    let change = PanelEdit {
        location: Some(location.to_owned()),
        capacity,
        ..PanelEdit::default()
    };
    edit(env, PanelId::FIRST, change).await;
}

/// Walks `user` from /menu (English, the default) to the first plan's details.
fn plan_details(env: &Env, user: &SimUser, wanted: &str) -> ajib_testkit::telegram::BotMessage {
    let menu = env.say(user, "/menu", |it| button_data(it, "v1:ps").is_some());
    let plans = env.press(user, menu.message_id, "v1:ps", |it| {
        button_data(it, "v1:p:").is_some()
    });
    let plan = button_data(&plans, "v1:p:").unwrap();
    env.press(user, plans.message_id, &plan, |it| has_text(it, wanted))
}

/// A sandbox whose first panel is in Germany, with a second fake panel in the Netherlands.
async fn germany_and_netherlands() -> (Env, PanelId) {
    let mut env = Env::start().await;
    locate_first_panel(&env, GERMANY, None).await;
    let (netherlands, _) = env
        .sandbox
        .add_fake_panel("nl-1", NETHERLANDS, None)
        .await
        .unwrap();
    (env, netherlands)
}

/// The plan id a location picker's buttons carry.
fn picked_plan(picker: &ajib_testkit::telegram::BotMessage) -> String {
    let data = button_data(picker, "v1:pl:").unwrap();
    data.split(':').nth(2).unwrap().to_owned()
}

/// Pays the invoice behind `message`'s pay button in full; returns our order.
fn pay(env: &Env, message: &ajib_testkit::telegram::BotMessage) -> ajib_domain::OrderId {
    let url = button_url(message).unwrap();
    let heleket = env.sandbox.heleket.as_ref().unwrap();
    let invoice = heleket
        .invoices()
        .into_iter()
        .find(|it| it.url == url)
        .unwrap();
    heleket.pay(&invoice.uuid, PayOutcome::Paid);
    ajib_domain::OrderId::from_invoice_ref(&invoice.order_id).unwrap()
}

/// Pays the invoice behind `message`'s pay button and waits for the configs.
fn pay_and_wait(env: &Env, user: &SimUser, message: &ajib_testkit::telegram::BotMessage) {
    let before = env.sandbox.telegram.messages(user.id).len();
    pay(env, message);
    env.wait_new(user, before, |it| has_text(it, "hy2://"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_picks_a_location_and_the_account_is_made_there() {
    let (env, netherlands) = germany_and_netherlands().await;
    let user = env.user(0).clone();
    let details = plan_details(&env, &user, "Choose where");
    let text = details.text.clone().unwrap_or_default();
    assert!(!text.contains("Unavailable"), "{text}");
    // One button per location; the Netherlands one names its first panel.
    let pick = details
        .keyboard
        .as_ref()
        .map(|it| it.to_string())
        .unwrap_or_default();
    assert!(
        pick.contains(GERMANY) && pick.contains(NETHERLANDS),
        "{pick}"
    );
    let plan_id = picked_plan(&details);
    let at_netherlands = format!("v1:pl:{plan_id}:{netherlands}");
    let priced = env.press(&user, details.message_id, &at_netherlands, |it| {
        button_data(it, "v1:bp:").is_some()
    });
    assert!(has_text(&priced, NETHERLANDS), "{:?}", priced.text);
    let buy = button_data(&priced, "v1:bp:").unwrap();
    assert_eq!(buy, format!("v1:bp:{plan_id}:{netherlands}"));
    let invoice = env.press(&user, priced.message_id, &buy, |it| {
        button_url(it).is_some()
    });
    pay_and_wait(&env, &user, &invoice);

    let service = env.only_service(&user).await;
    assert_eq!(service.panel, netherlands);
    let german = env.sandbox.blitz.as_ref().unwrap();
    let dutch = &env.sandbox.more_blitz[0];
    assert!(german.users().is_empty(), "nothing made in Germany");
    assert_eq!(dutch.users().len(), 1);
    assert_eq!(dutch.users()[0].username, service.blitz_username);
    let store = &env.sandbox.app.deps.store;
    let orders = store.orders_of_user(TelegramId(user.id)).await.unwrap();
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0].status, OrderStatus::Provisioned);
    let (location, placed) = store.order_placement(orders[0].id).await.unwrap();
    assert_eq!(location.as_deref(), Some(NETHERLANDS));
    assert_eq!(placed, Some(netherlands));
    assert_eq!(
        store.get_panel(netherlands).await.unwrap().unwrap().active,
        1,
        "the panel counts its account"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_panel_is_skipped_and_a_location_without_room_is_not_sold() {
    let mut env = Env::start().await;
    // The first panel is full; a second one in the same location has room.
    locate_first_panel(&env, GERMANY, Some(Some(0))).await;
    let (spare, _) = env
        .sandbox
        .add_fake_panel("de-2", GERMANY, Some(1))
        .await
        .unwrap();
    let user = env.user(0).clone();
    // One location: no picker, the usual Buy button.
    let details = plan_details(&env, &user, "Price");
    let buy = button_data(&details, "v1:b:").expect("a buy button");
    let invoice = env.press(&user, details.message_id, &buy, |it| {
        button_url(it).is_some()
    });
    pay_and_wait(&env, &user, &invoice);
    let service = env.only_service(&user).await;
    assert_eq!(service.panel, spare, "the full panel was skipped");
    assert!(env.sandbox.blitz.as_ref().unwrap().users().is_empty());
    assert_eq!(env.sandbox.more_blitz[0].users().len(), 1);

    // Now both are full: the plan is shown as unavailable, with nothing to press.
    let other = env.user(1).clone();
    let details = plan_details(&env, &other, "⛔");
    assert!(button_data(&details, "v1:b:").is_none());
    assert!(button_data(&details, "v1:pl:").is_none());
    let store = &env.sandbox.app.deps.store;
    let orders = store.orders_of_user(TelegramId(other.id)).await.unwrap();
    assert!(orders.is_empty(), "nothing was ordered");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_location_that_filled_up_after_it_was_shown_is_refused_with_nothing_ordered() {
    let (env, netherlands) = germany_and_netherlands().await;
    let user = env.user(0).clone();
    let details = plan_details(&env, &user, "Choose where");
    let plan_id = picked_plan(&details);
    let priced = env.press(
        &user,
        details.message_id,
        &format!("v1:pl:{plan_id}:{netherlands}"),
        |it| button_data(it, "v1:bp:").is_some(),
    );
    let full = PanelEdit {
        capacity: Some(Some(0)),
        ..PanelEdit::default()
    };
    edit(&env, netherlands, full).await;
    let buy = button_data(&priced, "v1:bp:").unwrap();
    let refused = env.press(&user, priced.message_id, &buy, |it| {
        has_text(it, "cannot take new accounts")
    });
    assert!(button_url(&refused).is_none());
    let store = &env.sandbox.app.deps.store;
    let orders = store.orders_of_user(TelegramId(user.id)).await.unwrap();
    assert!(orders.is_empty(), "nothing was ordered");
    assert!(env.sandbox.heleket.as_ref().unwrap().invoices().is_empty());
}

/// A database as the first release wrote it (schema 1), with `user` holding
/// one active service `ajib_<user>_1` on the one panel there was.
fn wave_one_database(dir: &std::path::Path, user: i64) {
    let conn = rusqlite::Connection::open(dir.join("ajib.db")).unwrap();
    conn.execute_batch(include_str!(
        "../../../ajib-storage/migrations/0001_init.sql"
    ))
    .unwrap();
    let expires = ajib_app::deps::now().plus_days(10).0;
    conn.execute_batch(&format!(
        "PRAGMA user_version = 1;
         INSERT INTO users (id, first_name, lang, created_at, last_seen) VALUES ({user}, 'Old', 'en', 1, 1);
         INSERT INTO plans (name_en, name_fa, days, traffic_gb, price_minor, currency, created_at, updated_at)
             VALUES ('Month', 'ماه', 30, 50, 500, 'USD', 1, 1);
         INSERT INTO orders (user_id, plan_id, kind, amount_minor, currency, status, created_at, updated_at)
             VALUES ({user}, 1, 'new', 500, 'USD', 'provisioned', 1, 1);
         INSERT INTO services (user_id, order_id, blitz_username, plan_id, is_test, created_at, expires_at,
                               traffic_limit_bytes, status)
             VALUES ({user}, 1, 'ajib_{user}_1', 1, 0, 1, {expires}, 53687091200, 'active');
         UPDATE orders SET service_id = 1 WHERE id = 1;"
    ))
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_install_with_only_blitz_api_base_upgrades_with_no_change_in_behaviour() {
    let dir = tempfile::tempdir().unwrap();
    let user = ajib_sandbox::sim_users()[0].clone();
    wave_one_database(dir.path(), user.id);
    let env = Env::start_in(Some(dir.path().to_path_buf())).await;
    // The old account exists on the configured panel, 10 days left.
    let panel = env.sandbox.blitz.as_ref().unwrap();
    let client = env
        .sandbox
        .app
        .deps
        .panels
        .client(&env.sandbox.app.deps.store, PanelId::FIRST)
        .await
        .unwrap();
    let username = format!("ajib_{}_1", user.id);
    let account = blitz::NewUser {
        username: username.clone(),
        traffic_limit_gb: 50,
        expiration_days: 10,
        note: None,
        creation_date: None,
        password: None,
        unlimited_ip: false,
    };
    tokio::task::spawn_blocking(move || client.ensure_user(&account))
        .await
        .unwrap()
        .unwrap();

    let service = env.only_service(&user).await;
    assert_eq!(service.panel, PanelId::FIRST);
    // Renewing reaches the same panel and account.
    let (invoice, order) = env.open_renewal_invoice(&user, service.id);
    let heleket = env.sandbox.heleket.as_ref().unwrap();
    heleket.pay(&invoice.uuid, PayOutcome::Paid);
    let store = &env.sandbox.app.deps.store;
    env.until_provisioned(order).await;
    assert_eq!(panel.user(&username).unwrap().expiration_days, 40);
    assert_eq!(panel.users().len(), 1, "no second account");
    // A new purchase looks as it did: one location, the usual Buy button, the same panel.
    let details = plan_details(&env, &user, "Price");
    assert!(
        button_data(&details, "v1:pl:").is_none(),
        "no location picker"
    );
    let buy = button_data(&details, "v1:b:").expect("a buy button");
    let invoice = env.press(&user, details.message_id, &buy, |it| {
        button_url(it).is_some()
    });
    pay_and_wait(&env, &user, &invoice);
    assert_eq!(panel.users().len(), 2);
    let services = store.services_of_user(TelegramId(user.id)).await.unwrap();
    assert!(services.iter().all(|it| it.panel == PanelId::FIRST));
    let list = store.list_panels().await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].active, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_owner_adds_a_panel_in_the_bot_and_its_token_leaves_the_chat() {
    let env = Env::start().await;
    let owner = env.user(2).clone();
    let fake = ajib_testkit::blitz::FakeBlitz::start("a-real-looking-token");
    let admin = env.say(&owner, "/admin", |it| button_data(it, "v1:apn").is_some());
    let list = env.press(&owner, admin.message_id, "v1:apn", |it| {
        button_data(it, "v1:apna").is_some()
    });
    assert!(has_text(&list, "main"), "{:?}", list.text);
    env.press(&owner, list.message_id, "v1:apna", |it| {
        has_text(it, "short name")
    });
    env.say(&owner, "Bad Name", |it| has_text(it, "a-z"));
    env.say(&owner, "de-2", |it| has_text(it, "location"));
    env.say(&owner, "🇩🇪 Germany", |it| has_text(it, "/api/v1"));
    env.say(&owner, "not a url", |it| {
        has_text(it, "URL") || has_text(it, "url")
    });
    env.say(&owner, fake.base_url(), |it| {
        has_text(it, "active accounts")
    });
    env.say(&owner, "250", |it| has_text(it, "API token"));
    // A wrong token: the panel refuses, nothing is saved, the owner may try again.
    let refused = env.say(&owner, "wrong-token", |it| has_text(it, "did not answer"));
    assert!(
        !has_text(&refused, "wrong-token"),
        "the token is never echoed"
    );
    let store = &env.sandbox.app.deps.store;
    assert!(store.find_panel("de-2").await.unwrap().is_none());
    env.say(&owner, "a-real-looking-token", |it| has_text(it, "added"));
    let added = store.find_panel("de-2").await.unwrap().expect("saved");
    assert_eq!(added.location, "🇩🇪 Germany");
    assert_eq!(added.capacity, Some(250));
    assert_eq!(added.api_base.as_deref(), Some(fake.base_url()));
    assert_eq!(
        store.panel_token(added.id).await.unwrap().as_deref(),
        Some("a-real-looking-token")
    );
    // Both messages that carried a token were deleted from the chat, and only those.
    let deleted: Vec<String> = env
        .sandbox
        .telegram
        .user_messages(owner.id)
        .into_iter()
        .filter(|it| it.deleted)
        .filter_map(|it| it.text)
        .collect();
    assert_eq!(deleted, ["wrong-token", "a-real-looking-token"]);
    let audit = store.recent_audit(10).await.unwrap();
    let entry = audit
        .iter()
        .find(|it| it.action == "panel.add")
        .expect("audited");
    let after = entry.after_json.clone().unwrap_or_default();
    assert!(after.contains("de-2") && !after.contains("a-real-looking-token"));
    // The new panel is used: the owner sells the first plan only on it.
    let plan = store.list_plans(true).await.unwrap()[0].id;
    let plans = env.say(&owner, "/admin", |it| button_data(it, "v1:apl").is_some());
    let list = env.press(&owner, plans.message_id, "v1:apl", |it| {
        button_data(it, "v1:app:").is_some()
    });
    let where_sold = env.press(&owner, list.message_id, &format!("v1:app:{plan}"), |it| {
        has_text(it, "every panel")
    });
    env.press(
        &owner,
        where_sold.message_id,
        &format!("v1:appt:{plan}:{}", added.id),
        |it| has_text(it, "ticked panels only"),
    );
    assert_eq!(store.plan_panels(plan).await.unwrap(), vec![added.id]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_imported_account_without_a_plan_is_renewed_with_a_plan_the_customer_picks() {
    let env = Env::start().await;
    let user = env.user(0).clone();
    let panel = env.sandbox.blitz.as_ref().unwrap();
    let today = panel.today();
    panel.add_users(&[ajib_testkit::blitz::SeedUser {
        username: "ali".to_owned(),
        traffic_gb: 50,
        expiration_days: 10,
        creation_date: Some(today.clone()),
    }]);
    let store = &env.sandbox.app.deps.store;
    let account = ajib_storage::ImportedAccount {
        owner: TelegramId(user.id),
        username: "ali".to_owned(),
        terms: ajib_storage::PanelTerms::from_panel(Some(&today), 10, 50 << 30).unwrap(),
    };
    let counts = store
        .import_accounts(PanelId::FIRST, &[account], ajib_app::deps::now())
        .await
        .unwrap();
    assert_eq!(counts.linked, 1);
    let service = env.only_service(&user).await;
    assert_eq!(service.plan, None);

    let menu = env.say(&user, "/menu", |it| button_data(it, "v1:ss").is_some());
    let list = env.press(&user, menu.message_id, "v1:ss", |it| {
        button_data(it, "v1:s:").is_some()
    });
    let details = env.press(
        &user,
        list.message_id,
        &format!("v1:s:{}", service.id),
        |it| button_data(it, "v1:r:").is_some(),
    );
    let plans = env.press(
        &user,
        details.message_id,
        &format!("v1:r:{}", service.id),
        |it| button_data(it, "v1:rw:").is_some(),
    );
    let pick = button_data(&plans, "v1:rw:").unwrap();
    let offer = env.press(&user, plans.message_id, &pick, |it| {
        button_data(it, "v1:rbw:").is_some()
    });
    let buy = button_data(&offer, "v1:rbw:").unwrap();
    let invoice = env.press(&user, offer.message_id, &buy, |it| button_url(it).is_some());
    let order = pay(&env, &invoice);
    env.until_provisioned(order).await;
    let plan = store.get_order(order).await.unwrap().unwrap().plan.unwrap();
    let days = store.get_plan(plan).await.unwrap().unwrap().days;
    assert_eq!(
        panel.user("ali").unwrap().expiration_days,
        10 + u64::from(days),
        "the same account, extended"
    );
    assert_eq!(panel.users().len(), 1);
}
