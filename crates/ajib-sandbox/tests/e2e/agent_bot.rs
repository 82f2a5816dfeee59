//! Issue 23: an agent's own bot served from the same process — its brand and
//! prices, the money on the agent's ledger once, and a revoked token that
//! stops only that bot.

use ajib_domain::{Lang, OrderId, TelegramId};
use ajib_sandbox::ADMIN_ID;
use ajib_storage::{Actor, AgentBotState, AgentEdit, LedgerCause};
use ajib_testkit::{
    heleket::{FakeInvoice, PayOutcome},
    telegram::{BotMessage, FakeBot, SimUser},
};

use crate::support::{Env, WAIT, button_data, button_url, has_text, until};

const NOVA: TelegramId = TelegramId(5_001);
const NOVA_TOKEN: &str = "777001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawX";
const ORION: TelegramId = TelegramId(5_002);
const ORION_TOKEN: &str = "777002:BBHdqTcvCH1vGWJxfSeofSAs0K5PALDsawX";

/// Makes `agent` an agent with `brand`, serves a bot for them in the fake and connects it.
async fn agent_with_bot(env: &Env, agent: TelegramId, brand: &str, token: &str) -> FakeBot {
    let deps = &env.sandbox.app.deps;
    // The agent and the owner have written to the main bot (its alerts reach them).
    env.sandbox.telegram.add_user(&SimUser::new(agent.0, brand));
    env.sandbox
        .telegram
        .add_user(&SimUser::new(ADMIN_ID, "Admin"));
    let terms = AgentEdit {
        percent_off: Some(20),
        brand: Some(Some(brand.to_owned())),
        support: Some(Some(format!("@{}_help", brand.to_lowercase()))),
        ..AgentEdit::default()
    };
    deps.store
        .add_agent(agent, terms, Actor::Cli, ajib_app::deps::now())
        .await
        .unwrap();
    let (id, _) = token.split_once(':').unwrap();
    let bot = env.sandbox.telegram.add_bot(
        token,
        id.parse().unwrap(),
        &format!("{}_bot", brand.to_lowercase()),
    );
    let verified = ajib_app::agent_bots::verify_token(deps, token)
        .await
        .unwrap();
    deps.store
        .connect_agent_bot(agent, verified, ajib_app::deps::now())
        .await
        .unwrap();
    ajib_app::agent_bots::wake(deps);
    until("the agent's bot to run", async || {
        ajib_app::agent_bots::is_running(deps, agent)
    })
    .await;
    bot
}

/// Sends /start to `bot` as `user` and waits for the welcome naming `brand`.
async fn welcome(bot: &FakeBot, user: &SimUser, brand: &str) -> BotMessage {
    bot.send_text(user, "/start");
    bot.wait_for_async(user.id, |it| has_text(it, brand), WAIT)
        .await
        .expect("the agent bot's welcome")
}

/// Walks `user` in `bot` from /start through the plans (whose buttons show
/// `price`) to `plan`'s invoice (asking `price`); returns the invoice message,
/// the invoice as the fake Heleket holds it, and our order.
async fn bot_invoice(
    env: &Env,
    bot: &FakeBot,
    user: &SimUser,
    plan: ajib_domain::PlanId,
    price: &str,
) -> (BotMessage, FakeInvoice, OrderId) {
    let menu = welcome(bot, user, "Nova").await;
    bot.press_button(user, menu.message_id, "s1:p");
    let plans = bot
        .wait_for_async(user.id, |it| button_data(it, "s1:b:").is_some(), WAIT)
        .await
        .expect("the plans");
    let labels = serde_json::to_string(&plans.keyboard).unwrap();
    assert!(labels.contains(price), "{labels} shows {price}");
    bot.press_button(user, plans.message_id, &format!("s1:b:{plan}"));
    let invoice = bot
        .wait_for_async(user.id, |it| button_url(it).is_some(), WAIT)
        .await
        .expect("the invoice");
    assert!(has_text(&invoice, price), "{:?}", invoice.text);
    let url = button_url(&invoice).unwrap();
    let heleket = env.sandbox.heleket.as_ref().unwrap();
    let held = heleket
        .invoices()
        .into_iter()
        .find(|it| it.url == url)
        .unwrap();
    let order = OrderId::from_invoice_ref(&held.order_id).unwrap();
    (invoice, held, order)
}

/// The first plan on sale and its retail price in Nova's bot, as shown in English.
async fn first_plan(env: &Env) -> (ajib_domain::Plan, String) {
    let store = &env.sandbox.app.deps.store;
    let plan = store.list_plans(true).await.unwrap().remove(0);
    let retail = store.agent_price(NOVA, plan.id).await.unwrap().retail;
    (plan, ajib_app::format::price(Lang::EN, retail))
}

fn customer(id: i64) -> SimUser {
    let mut user = SimUser::new(id, "Mina");
    user.language_code = Some("en".to_owned());
    user
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_agent_bot_sells_at_the_agents_prices_and_the_money_lands_on_their_ledger_once() {
    let env = Env::start().await;
    let deps = &env.sandbox.app.deps;
    let bot = agent_with_bot(&env, NOVA, "Nova", NOVA_TOKEN).await;
    let plan = deps.store.list_plans(true).await.unwrap().remove(0);
    let currency = plan.price.currency();
    let retail = ajib_domain::Money::from_minor(plan.price.minor() + 300, currency).unwrap();
    deps.store
        .set_retail_price(NOVA, plan.id, Some(retail), ajib_app::deps::now())
        .await
        .unwrap();
    let cost = deps.store.agent_price(NOVA, plan.id).await.unwrap().cost;
    assert!(cost.minor() < plan.price.minor());

    let mina = customer(9_101);
    let retail_text = ajib_app::format::price(Lang::EN, retail);
    let (invoice, paid, order) = bot_invoice(&env, &bot, &mina, plan.id, &retail_text).await;
    assert_eq!(paid.amount, retail.to_decimal_string());
    let heleket = env.sandbox.heleket.as_ref().unwrap();
    heleket.pay(&paid.uuid, PayOutcome::Paid);
    env.until_provisioned(order).await;

    // The customer gets the account in the agent's bot, branded; the main bot says nothing to them.
    bot.wait_for_async(
        mina.id,
        |it| has_text(it, "Nova") && has_text(it, "ready"),
        WAIT,
    )
    .await
    .expect("the account in the agent's bot");
    bot.wait_for_async(mina.id, |it| it.photo.is_some(), WAIT)
        .await
        .expect("the QR code in the agent's bot");
    assert!(env.sandbox.telegram.messages(mina.id).is_empty());

    // "I paid — check" after the webhook changes nothing.
    let check = button_data(&invoice, "s1:k:").unwrap();
    bot.press_button(&mina, invoice.message_id, &check);
    bot.wait_for_async(mina.id, |it| has_text(it, "Payment received"), WAIT)
        .await
        .expect("the check's answer");
    let rows = deps.store.ledger_for_order(order).await.unwrap();
    let moves: Vec<_> = rows
        .iter()
        .map(|it| (it.user, it.cause, it.delta_minor))
        .collect();
    assert_eq!(
        moves,
        [
            (NOVA, LedgerCause::Payment, retail.minor()),
            (NOVA, LedgerCause::Purchase, -cost.minor())
        ]
    );
    assert_eq!(
        deps.store.signed_balance(NOVA, currency).await.unwrap(),
        retail.minor() - cost.minor()
    );
    let accounts = deps
        .store
        .customer_accounts(NOVA, TelegramId(mina.id))
        .await
        .unwrap();
    assert_eq!(accounts.len(), 1);

    // My accounts in the bot lists it; a forged button for another id shows nothing.
    let menu = welcome(&bot, &mina, "Nova").await;
    bot.press_button(&mina, menu.message_id, "s1:a");
    bot.wait_for_async(mina.id, |it| button_data(it, "s1:c:").is_some(), WAIT)
        .await
        .expect("my accounts");
    let photos = |bot: &FakeBot| {
        bot.messages(mina.id)
            .iter()
            .filter(|it| it.photo.is_some())
            .count()
    };
    let before = photos(&bot);
    bot.press_button(&mina, menu.message_id, "s1:c:999999");
    bot.wait_for_async(mina.id, |it| has_text(it, "expired"), WAIT)
        .await
        .expect("a forged button refused");
    assert_eq!(
        photos(&bot),
        before,
        "no config was sent for a forged button"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_revoked_agent_token_stops_only_that_bot() {
    let env = Env::start().await;
    let deps = &env.sandbox.app.deps;
    let nova = agent_with_bot(&env, NOVA, "Nova", NOVA_TOKEN).await;
    let orion = agent_with_bot(&env, ORION, "Orion", ORION_TOKEN).await;
    let mina = customer(9_102);
    welcome(&nova, &mina, "Nova").await;
    welcome(&orion, &mina, "Orion").await;

    env.sandbox.telegram.revoke_token(NOVA_TOKEN);
    until("the revoked bot to stop", async || {
        deps.store
            .agent_bot(NOVA)
            .await
            .unwrap()
            .is_some_and(|it| it.state == AgentBotState::Revoked)
    })
    .await;
    assert!(!ajib_app::agent_bots::is_running(deps, NOVA));
    // The agent and the owner hear of it in the main bot, once.
    let telegram = &env.sandbox.telegram;
    telegram
        .wait_for_async(NOVA.0, |it| has_text(it, "@nova_bot stopped"), WAIT)
        .await
        .expect("the agent's alert");
    telegram
        .wait_for_async(ADMIN_ID, |it| has_text(it, "@nova_bot stopped"), WAIT)
        .await
        .expect("the owner's alert");

    // The other agent's bot and the main bot carry on.
    welcome(&orion, &mina, "Orion").await;
    let sara = env.user(0).clone();
    env.say(&sara, "/start", |it| button_data(it, "v1:").is_some());
    assert!(ajib_app::agent_bots::is_running(deps, ORION));
    assert_eq!(env.count(NOVA.0, "stopped"), 1);
    assert_eq!(env.count(ADMIN_ID, "@nova_bot stopped"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_cancelled_invoice_in_an_agent_bot_is_told_to_its_customer_there_not_to_the_agent() {
    let env = Env::start().await;
    let deps = &env.sandbox.app.deps;
    let bot = agent_with_bot(&env, NOVA, "Nova", NOVA_TOKEN).await;
    let mina = customer(9_103);
    let (plan, retail) = first_plan(&env).await;
    let (_, invoice, order) = bot_invoice(&env, &bot, &mina, plan.id, &retail).await;
    env.sandbox.heleket.as_ref().unwrap().expire(&invoice.uuid);
    let told = bot
        .wait_for_async(mina.id, |it| has_text(it, "cancelled"), WAIT)
        .await
        .expect("the customer told in the agent's bot");
    assert_eq!(button_data(&told, "s1:p").as_deref(), Some("s1:p"));
    let status = deps.store.get_order(order).await.unwrap().unwrap().status;
    assert_eq!(status, ajib_domain::OrderStatus::Failed);
    assert!(
        env.sandbox.telegram.messages(NOVA.0).is_empty(),
        "the agent is told nothing"
    );
    assert_eq!(
        deps.store
            .signed_balance(NOVA, plan.price.currency())
            .await
            .unwrap(),
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_flooding_customer_of_an_agent_bot_is_slowed_down_there_alone() {
    let env = Env::start().await;
    let bot = agent_with_bot(&env, NOVA, "Nova", NOVA_TOKEN).await;
    let mina = customer(9_104);
    for _ in 0..30 {
        bot.send_text(&mina, "/support");
    }
    bot.wait_for_async(mina.id, |it| has_text(it, "a bit fast"), WAIT)
        .await
        .expect("one flood notice");
    // The first 20 updates of the window are answered, the rest dropped after one notice.
    until("the allowed burst to be answered", async || {
        bot.messages(mina.id).len() >= 21
    })
    .await;
    let texts: Vec<String> = bot
        .messages(mina.id)
        .into_iter()
        .filter_map(|it| it.text)
        .collect();
    let notices = texts.iter().filter(|it| it.contains("a bit fast")).count();
    assert_eq!((notices, texts.len()), (1, 21), "{texts:#?}");
    // The same person is not slowed down in the main bot.
    let sara = SimUser::new(mina.id, "Mina");
    env.say(&sara, "/help", |it| !has_text(it, "a bit fast"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn reminders_reach_a_bot_customer_in_the_agents_bot_and_the_agent_by_account_name() {
    let env = Env::start().await;
    let deps = &env.sandbox.app.deps;
    let bot = agent_with_bot(&env, NOVA, "Nova", NOVA_TOKEN).await;
    let mina = customer(9_105);
    let (plan, retail) = first_plan(&env).await;
    let (_, invoice, sold) = bot_invoice(&env, &bot, &mina, plan.id, &retail).await;
    let heleket = env.sandbox.heleket.as_ref().unwrap();
    heleket.pay(&invoice.uuid, PayOutcome::Paid);
    env.until_provisioned(sold).await;
    // And one account the agent bought in the menu for "Reza", on credit.
    let credit = AgentEdit {
        credit_limit_minor: Some(10_000),
        ..AgentEdit::default()
    };
    let now = ajib_app::deps::now();
    deps.store
        .edit_agent(NOVA, credit, Actor::Cli, now)
        .await
        .unwrap();
    let purchase = ajib_storage::AgentPurchase {
        agent: NOVA,
        plan: plan.id,
        label: Some("Reza".to_owned()),
        count: 1,
    };
    let bought = deps.store.agent_buy(purchase, now).await.unwrap();
    env.until_provisioned(bought.orders[0].0).await;
    for order in [sold, bought.orders[0].0] {
        let service = deps
            .store
            .get_order(order)
            .await
            .unwrap()
            .unwrap()
            .service
            .unwrap();
        deps.store
            .set_service_expiry(service, now.plus_days(2), now)
            .await
            .unwrap();
    }
    let agent_mail_before = env.count(NOVA.0, "expires");
    ajib_app::core::reminders::round(deps, now).await;

    let told = bot
        .wait_for_async(mina.id, |it| has_text(it, "expires in 3 days"), WAIT)
        .await
        .expect("the bot customer's reminder in the agent's bot");
    assert!(has_text(&told, "@nova_help"), "{:?}", told.text);
    let sold_service = deps
        .store
        .get_order(sold)
        .await
        .unwrap()
        .unwrap()
        .service
        .unwrap();
    assert_eq!(
        button_data(&told, "s1:r:"),
        Some(format!("s1:r:{sold_service}")),
        "renewed right there"
    );
    let reminded = env
        .sandbox
        .telegram
        .wait_for_async(NOVA.0, |it| has_text(it, "expires"), WAIT)
        .await
        .expect("the agent's reminder");
    assert!(has_text(&reminded, "Reza"), "{:?}", reminded.text);
    assert_eq!(
        env.count(NOVA.0, "expires") - agent_mail_before,
        1,
        "only the menu account's"
    );
    assert!(env.sandbox.telegram.messages(mina.id).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_bot_customer_renews_their_account_there_and_the_agent_earns_once() {
    let env = Env::start().await;
    let deps = &env.sandbox.app.deps;
    let bot = agent_with_bot(&env, NOVA, "Nova", NOVA_TOKEN).await;
    let mina = customer(9_106);
    let (plan, retail) = first_plan(&env).await;
    let (_, invoice, bought) = bot_invoice(&env, &bot, &mina, plan.id, &retail).await;
    let heleket = env.sandbox.heleket.as_ref().unwrap();
    heleket.pay(&invoice.uuid, PayOutcome::Paid);
    env.until_provisioned(bought).await;
    let order = deps.store.get_order(bought).await.unwrap().unwrap();
    let service = deps
        .store
        .get_service(order.service.unwrap())
        .await
        .unwrap()
        .unwrap();
    let currency = plan.price.currency();
    let earned = deps.store.signed_balance(NOVA, currency).await.unwrap();

    // A forged renew button for an account that is not hers makes nothing.
    let menu = welcome(&bot, &mina, "Nova").await;
    let orders_before = deps.store.orders_of_user(NOVA).await.unwrap().len();
    bot.press_button(&mina, menu.message_id, "s1:r:999999");
    bot.wait_for_async(mina.id, |it| has_text(it, "expired"), WAIT)
        .await
        .expect("a forged renewal refused");
    assert_eq!(
        deps.store.orders_of_user(NOVA).await.unwrap().len(),
        orders_before
    );

    bot.press_button(&mina, menu.message_id, "s1:a");
    let renew = format!("s1:r:{}", service.id);
    let accounts = bot
        .wait_for_async(mina.id, |it| button_data(it, &renew).is_some(), WAIT)
        .await
        .expect("a renew button on her account");
    bot.press_button(&mina, accounts.message_id, &renew);
    let shown = accounts.message_id;
    let renewal_invoice = bot
        .wait_for_async(
            mina.id,
            |it| it.message_id > shown && button_url(it).is_some(),
            WAIT,
        )
        .await
        .expect("the renewal's invoice");
    assert!(
        has_text(&renewal_invoice, &retail),
        "{:?}",
        renewal_invoice.text
    );
    let url = button_url(&renewal_invoice).unwrap();
    let held = heleket
        .invoices()
        .into_iter()
        .find(|it| it.url == url)
        .unwrap();
    let renewal = OrderId::from_invoice_ref(&held.order_id).unwrap();
    heleket.pay(&held.uuid, PayOutcome::Paid);
    env.until_provisioned(renewal).await;
    bot.wait_for_async(mina.id, |it| has_text(it, "is renewed"), WAIT)
        .await
        .expect("the renewal told in the agent's bot");
    let renewed = deps.store.get_service(service.id).await.unwrap().unwrap();
    assert!(renewed.expires > service.expires, "{renewed:?}");
    let cost = deps.store.agent_price(NOVA, plan.id).await.unwrap();
    assert_eq!(
        deps.store.signed_balance(NOVA, currency).await.unwrap(),
        earned + cost.retail.minor() - cost.cost.minor()
    );
    assert!(
        env.sandbox.telegram.messages(NOVA.0).is_empty(),
        "the agent is told nothing"
    );
}
