//! The agent's menu in the main bot (issue 23): buying for a customer at the
//! agent price, the credit limit under concurrent purchases, isolation from
//! another agent's accounts by forged buttons, suspension, and bulk creation.

use ajib_domain::{Currency, OrderStatus, ServiceStatus, TelegramId};
use ajib_sandbox::ADMIN_ID;
use ajib_storage::{Actor, AgentEdit, AgentPurchase, LedgerCause, Store};
use ajib_testkit::telegram::{BotMessage, MessageKind, SimUser};

use crate::support::{Env, button_data, has_text, until};

/// The first demo plan (Starter) lists at 3.00; 20 % off makes the agent's cost 2.40.
const PERCENT_OFF: u8 = 20;
const COST: i64 = 240;

fn store(env: &Env) -> &Store {
    &env.sandbox.app.deps.store
}

fn now() -> ajib_domain::UnixTime {
    ajib_app::deps::now()
}

/// Makes `user` an agent with 20 % off, `limit` of credit and `balance` credited by the owner.
async fn make_agent(env: &Env, user: &SimUser, limit: u64, balance: i64) {
    let id = TelegramId(user.id);
    let terms = AgentEdit {
        percent_off: Some(PERCENT_OFF),
        credit_limit_minor: Some(limit),
        ..AgentEdit::default()
    };
    let owner = Actor::Admin(TelegramId(ADMIN_ID));
    store(env).add_agent(id, terms, owner, now()).await.unwrap();
    if balance != 0 {
        store(env)
            .adjust_balance(
                id,
                Currency::USD,
                balance,
                TelegramId(ADMIN_ID),
                "float",
                now(),
            )
            .await
            .unwrap();
    }
}

/// `/start` as `user` until the main menu with the agent's button, then the agent's home.
fn open_home(env: &Env, user: &SimUser) -> BotMessage {
    let menu = env.say(user, "/start", |it| button_data(it, "v1:g").is_some());
    env.press(user, menu.message_id, "v1:g", |it| {
        has_text(it, "Credit limit")
    })
}

/// The first plan (Starter) of the agent's plan picker behind `data` on `home`.
fn pick_first_plan(
    env: &Env,
    user: &SimUser,
    home: &BotMessage,
    data: &str,
    pick: &str,
) -> BotMessage {
    let picker = env.press(user, home.message_id, data, |it| {
        button_data(it, pick).is_some()
    });
    assert!(
        picker
            .keyboard
            .as_ref()
            .is_some_and(|it| it.to_string().contains("2.40 USD")),
        "the plans show the agent's cost: {:?}",
        picker.keyboard
    );
    let plan = button_data(&picker, pick).unwrap();
    env.press(user, picker.message_id, &plan, |_| true)
}

/// The purchase rows of `user`'s ledger.
async fn purchases(env: &Env, user: &SimUser) -> Vec<i64> {
    store(env)
        .ledger_of(TelegramId(user.id), 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|it| it.cause == LedgerCause::Purchase)
        .map(|it| it.delta_minor)
        .collect()
}

async fn balance(env: &Env, user: &SimUser) -> i64 {
    store(env)
        .signed_balance(TelegramId(user.id), Currency::USD)
        .await
        .unwrap()
}

/// Waits until `user` owns `n` agent accounts, and returns them.
async fn until_accounts(env: &Env, user: &SimUser, n: usize) -> Vec<ajib_storage::AgentAccount> {
    until("the agent's accounts to be made", async || {
        store(env)
            .agent_accounts(TelegramId(user.id), 0, 100)
            .await
            .unwrap()
            .len()
            == n
    })
    .await;
    store(env)
        .agent_accounts(TelegramId(user.id), 0, 100)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_buys_for_a_customer_at_the_agent_price_from_the_balance() {
    let env = Env::start().await;
    let (sara, reza) = (env.user(0).clone(), env.user(1).clone());
    make_agent(&env, &sara, 0, 1_000).await;

    // An ordinary customer's menu has no agent button.
    let menu = env.say(&reza, "/start", |it| button_data(it, "v1:l:").is_some());
    assert!(button_data(&menu, "v1:g").is_none(), "{:?}", menu.keyboard);

    let home = open_home(&env, &sara);
    assert!(has_text(&home, "10.00 USD"), "{:?}", home.text);
    let ask = pick_first_plan(&env, &sara, &home, "v1:gb", "v1:gbp:");
    assert!(has_text(&ask, "customer's name"), "{:?}", ask.text);
    env.say(&sara, "Ali — Samsung", |it| has_text(it, "Bought"));
    // The same text again buys nothing: the dialogue was taken by the first.
    env.say(&sara, "Ali — Samsung", |it| {
        has_text(it, "didn't get that")
    });

    let accounts = until_accounts(&env, &sara, 1).await;
    assert_eq!(accounts[0].label.as_deref(), Some("Ali — Samsung"));
    assert_eq!(
        purchases(&env, &sara).await,
        [-COST],
        "one purchase at the agent price"
    );
    assert_eq!(balance(&env, &sara).await, 1_000 - COST);
    env.wait_new(&sara, 0, |it| has_text(it, "hy2://"));
    assert_eq!(
        env.count(sara.id, "hy2://"),
        1,
        "the configs reach the agent once"
    );

    // The account screen shows it with live usage; its configs can be sent again.
    let id = accounts[0].service.id;
    let list = env.press(&sara, home.message_id, "v1:ga:0", |it| {
        has_text(it, "Your accounts")
    });
    assert!(has_text(&list, "Ali — Samsung"), "{:?}", list.text);
    let screen = env.press(&sara, list.message_id, &format!("v1:gs:{id}"), |it| {
        has_text(it, "Days left")
    });
    assert!(button_data(&screen, &format!("v1:gr:{id}")).is_some());
    env.press(&sara, screen.message_id, &format!("v1:gc:{id}"), |it| {
        has_text(it, "hy2://")
    });
    assert_eq!(env.count(sara.id, "hy2://"), 2);

    // Renewal: a plan with its cost, a confirmation, then exactly once.
    let plans = env.press(&sara, screen.message_id, &format!("v1:gr:{id}"), |it| {
        button_data(it, &format!("v1:grp:{id}:")).is_some()
    });
    let pick = button_data(&plans, &format!("v1:grp:{id}:")).unwrap();
    let confirm = env.press(&sara, plans.message_id, &pick, |it| {
        button_data(it, "v1:grc").is_some()
    });
    env.press(&sara, confirm.message_id, "v1:grc", |it| {
        has_text(it, "being renewed")
    });
    env.press(&sara, confirm.message_id, "v1:grc", |it| {
        has_text(it, "has expired")
    });
    assert_eq!(purchases(&env, &sara).await, [-COST, -COST]);
    assert_eq!(balance(&env, &sara).await, 1_000 - 2 * COST);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_cannot_exceed_the_credit_limit() {
    let env = Env::start().await;
    let sara = env.user(0).clone();
    // No balance, 5.00 of credit: two accounts at 2.40 fit, a third does not.
    make_agent(&env, &sara, 500, 0).await;
    let plan = store(&env).list_plans(true).await.unwrap()[0].id;
    let buys = (0..6).map(|_| {
        let store = store(&env).clone();
        let purchase = AgentPurchase {
            agent: TelegramId(sara.id),
            plan,
            label: Some("rush".to_owned()),
            count: 1,
        };
        tokio::spawn(async move { store.agent_buy(purchase, now()).await })
    });
    let mut bought = 0;
    for buy in buys {
        match buy.await.unwrap() {
            Ok(_) => bought += 1,
            Err(ajib_storage::Error::CreditLimit { .. }) => (),
            Err(err) => panic!("unexpected refusal: {err}"),
        }
    }
    assert_eq!(bought, 2, "exactly what the credit covers");
    assert_eq!(balance(&env, &sara).await, -2 * COST);

    // In the menu: the balance on credit, and a refusal that names the figures.
    let home = open_home(&env, &sara);
    assert!(has_text(&home, "-4.80 USD"), "{:?}", home.text);
    pick_first_plan(&env, &sara, &home, "v1:gb", "v1:gbp:");
    env.say(&sara, "one more", |it| {
        has_text(it, "Nothing was bought") && has_text(it, "credit limit")
    });
    // Bulk: three do not fit, refused at the count before any confirmation.
    let home = open_home(&env, &sara);
    pick_first_plan(&env, &sara, &home, "v1:gk", "v1:gkp:");
    env.say(&sara, "3", |it| has_text(it, "Nothing was bought"));
    assert_eq!(purchases(&env, &sara).await.len(), 2);
    assert!(
        balance(&env, &sara).await >= -500,
        "never past the credit limit"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_cannot_see_or_act_on_another_agents_account_by_forged_buttons() {
    let env = Env::start().await;
    let (sara, reza) = (env.user(0).clone(), env.user(1).clone());
    make_agent(&env, &sara, 0, 1_000).await;
    make_agent(&env, &reza, 0, 1_000).await;
    let plan = store(&env).list_plans(true).await.unwrap()[0].id;
    let purchase = AgentPurchase {
        agent: TelegramId(reza.id),
        plan,
        label: Some("Reza customer".to_owned()),
        count: 1,
    };
    store(&env).agent_buy(purchase, now()).await.unwrap();
    let theirs = until_accounts(&env, &reza, 1).await[0].service.id;
    let orders_before = store(&env)
        .orders_of_user(TelegramId(reza.id))
        .await
        .unwrap()
        .len();

    let home = open_home(&env, &sara);
    for forged in [
        format!("v1:gs:{theirs}"),
        format!("v1:gr:{theirs}"),
        format!("v1:grp:{theirs}:{plan}"),
        format!("v1:gc:{theirs}"),
    ] {
        let before = env.count(sara.id, "has expired");
        let reply = env.press(&sara, home.message_id, &forged, |it| {
            has_text(it, "has expired")
        });
        assert!(
            !has_text(&reply, "Reza customer"),
            "{forged}: {:?}",
            reply.text
        );
        assert_eq!(env.count(sara.id, "has expired"), before + 1, "{forged}");
    }
    // Nothing was shown, sent or renewed; no order anywhere.
    assert_eq!(env.count(sara.id, "Reza customer"), 0);
    assert_eq!(env.count(sara.id, "hy2://"), 0);
    assert_eq!(
        store(&env)
            .orders_of_user(TelegramId(reza.id))
            .await
            .unwrap()
            .len(),
        orders_before
    );
    assert!(purchases(&env, &sara).await.is_empty());
    // A customer who is no agent cannot open the agent's menu at all.
    let admin = env.user(2).clone();
    let menu = env.say(&admin, "/start", |it| button_data(it, "v1:l:").is_some());
    env.press(&admin, menu.message_id, "v1:g", |it| {
        has_text(it, "has expired")
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_suspended_agent_buys_nothing_while_their_accounts_keep_working() {
    let env = Env::start().await;
    let sara = env.user(0).clone();
    make_agent(&env, &sara, 0, 1_000).await;
    let plan = store(&env).list_plans(true).await.unwrap()[0].id;
    let purchase = AgentPurchase {
        agent: TelegramId(sara.id),
        plan,
        label: Some("kept".to_owned()),
        count: 1,
    };
    store(&env)
        .agent_buy(purchase.clone(), now())
        .await
        .unwrap();
    let service = until_accounts(&env, &sara, 1).await.remove(0).service;
    let blitz = env.sandbox.blitz.as_ref().unwrap();
    let panel_before = blitz.user(&service.blitz_username).unwrap();
    let suspend = AgentEdit {
        suspended: Some(true),
        ..AgentEdit::default()
    };
    store(&env)
        .edit_agent(
            TelegramId(sara.id),
            suspend,
            Actor::Admin(TelegramId(ADMIN_ID)),
            now(),
        )
        .await
        .unwrap();

    let home = open_home(&env, &sara);
    assert!(has_text(&home, "suspended"), "{:?}", home.text);
    let balance_before = balance(&env, &sara).await;
    for data in [
        "v1:gb".to_owned(),
        "v1:gk".to_owned(),
        format!("v1:gr:{}", service.id),
    ] {
        env.press(&sara, home.message_id, &data, |it| {
            has_text(it, "Nothing was bought: your agent account is suspended")
        });
    }
    assert!(matches!(
        store(&env).agent_buy(purchase, now()).await,
        Err(ajib_storage::Error::AgentSuspended)
    ));
    assert_eq!(balance(&env, &sara).await, balance_before);
    assert_eq!(purchases(&env, &sara).await.len(), 1);
    // The account keeps working: active here, untouched on the panel, and still shown.
    let kept = store(&env).get_service(service.id).await.unwrap().unwrap();
    assert_eq!(kept.status, ServiceStatus::Active);
    assert_eq!(blitz.user(&service.blitz_username).unwrap(), panel_before);
    env.press(
        &sara,
        home.message_id,
        &format!("v1:gs:{}", service.id),
        |it| has_text(it, "Days left"),
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_create_of_three_delivers_one_file() {
    let env = Env::start().await;
    let sara = env.user(0).clone();
    make_agent(&env, &sara, 0, 1_000).await;
    let home = open_home(&env, &sara);
    let ask = pick_first_plan(&env, &sara, &home, "v1:gk", "v1:gkp:");
    assert!(has_text(&ask, "How many"), "{:?}", ask.text);
    env.say(&sara, "۶۰", |it| {
        has_text(it, "Send a number from 1 to 50")
    });
    let confirm = env.say(&sara, "3", |it| button_data(it, "v1:gkc").is_some());
    assert!(
        has_text(&confirm, "7.20 USD") && has_text(&confirm, "2.80 USD"),
        "{:?}",
        confirm.text
    );
    env.press(&sara, confirm.message_id, "v1:gkc", |it| {
        has_text(it, "being made")
    });
    // A second tap finds the confirmation gone: nothing more is bought.
    env.press(&sara, confirm.message_id, "v1:gkc", |it| {
        has_text(it, "has expired")
    });
    assert_eq!(purchases(&env, &sara).await, [-COST, -COST, -COST]);
    assert_eq!(balance(&env, &sara).await, 1_000 - 3 * COST);

    let accounts = until_accounts(&env, &sara, 3).await;
    for account in &accounts {
        let order = store(&env)
            .orders_of_user(TelegramId(sara.id))
            .await
            .unwrap();
        assert!(order.iter().all(|it| it.status != OrderStatus::Failed));
        assert_eq!(account.service.status, ServiceStatus::Active);
    }
    let file = env.wait_new(&sara, 0, |it| it.kind == MessageKind::Document);
    let (_, bytes) = file.document.clone().unwrap();
    let text = String::from_utf8(bytes).unwrap();
    assert_eq!(text.matches("hy2://").count(), 3, "{text}");
    let documents = env
        .sandbox
        .telegram
        .messages(sara.id)
        .into_iter()
        .filter(|it| it.kind == MessageKind::Document)
        .count();
    assert_eq!(documents, 1, "one file for the batch");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_agent_connects_their_bot_from_the_menu_and_no_token_stays_in_the_chat() {
    let env = Env::start().await;
    let sara = env.user(0).clone();
    make_agent(&env, &sara, 0, 0).await;
    let token = "777009:SaraShopTokenFromBotFather000000000";
    let shop = env
        .sandbox
        .telegram
        .add_bot(token, 777_009, "sara_shop_bot");
    let home = open_home(&env, &sara);
    let bot_screen = env.press(&sara, home.message_id, "v1:gt", |it| {
        button_data(it, "v1:gtc").is_some()
    });
    env.press(&sara, bot_screen.message_id, "v1:gtc", |it| {
        has_text(it, "@BotFather")
    });
    // Neither a malformed token nor one Telegram refuses saves anything.
    env.say(&sara, "my token please", |it| {
        has_text(it, "does not look like a bot token")
    });
    let unknown = "777010:NobodyServesThisTokenAtAll000000000";
    env.say(&sara, unknown, |it| {
        has_text(it, "does not accept this token")
    });
    assert_eq!(
        store(&env).agent_bot(TelegramId(sara.id)).await.unwrap(),
        None
    );
    env.say(&sara, token, |it| {
        has_text(it, "@sara_shop_bot is connected")
    });
    let stored = store(&env).agent_bot(TelegramId(sara.id)).await.unwrap();
    assert_eq!(
        stored.map(|it| (it.bot_id, it.username)),
        Some((777_009, "sara_shop_bot".to_owned()))
    );
    // Every message that held a token (or looked like one) was deleted.
    let typed = env.sandbox.telegram.user_messages(sara.id);
    for secret in ["my token please", unknown, token] {
        let sent = typed.iter().find(|it| it.text.as_deref() == Some(secret));
        assert!(
            sent.is_some_and(|it| it.deleted),
            "{secret:?} left in the chat"
        );
    }
    assert!(env.texts(&sara).iter().all(|it| !it.contains(token)));
    // The bot is served from now on.
    let deps = &env.sandbox.app.deps;
    until("the agent's bot to run", async || {
        ajib_app::agent_bots::is_running(deps, TelegramId(sara.id))
    })
    .await;
    let mina = SimUser::new(9_201, "Mina");
    shop.send_text(&mina, "/start");
    shop.wait_for_async(
        mina.id,
        |it| has_text(it, "@sara_shop_bot"),
        crate::support::WAIT,
    )
    .await
    .expect("the connected bot's welcome");
}
