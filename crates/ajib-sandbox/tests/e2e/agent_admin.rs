//! The owner's side of agents in the bot (issue 23): making a user an agent,
//! their terms by dialogue, suspension, credit, and that nobody else can.

use ajib_domain::{PlanId, ServiceStatus, TelegramId, UnixTime};
use ajib_storage::{AgentPurchase, LedgerCause, Store};
use ajib_testkit::telegram::{BotMessage, SimUser};

use crate::support::{Env, button_data, has_text};

/// The sandbox's customers: the first that is not an agent yet becomes one, the other forges.
async fn agent_and_other(env: &Env) -> (SimUser, SimUser) {
    let store = &env.sandbox.app.deps.store;
    let (a, b) = (env.user(0).clone(), env.user(1).clone());
    match store.get_agent(TelegramId(a.id)).await.unwrap() {
        None => (a, b),
        Some(_) => (b, a),
    }
}

fn store(env: &Env) -> &Store {
    &env.sandbox.app.deps.store
}

/// The owner presses `data` (their menu is any message of theirs) and waits for `expect`.
fn owner_press(env: &Env, data: &str, expect: &str) -> BotMessage {
    let owner = env.user(2);
    let menu = env.say(owner, "/admin", |it| button_data(it, "v1:ast").is_some());
    env.press(owner, menu.message_id, data, |it| has_text(it, expect))
}

fn buy(agent: TelegramId, plan: PlanId) -> AgentPurchase {
    AgentPurchase {
        agent,
        plan,
        label: Some("Reza's phone".to_owned()),
        count: 1,
    }
}

fn now() -> UnixTime {
    ajib_app::deps::now()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_makes_suspends_resumes_and_credits_an_agent() {
    let env = Env::start().await;
    let (agent_user, _) = agent_and_other(&env).await;
    let agent = TelegramId(agent_user.id);
    env.say(&agent_user, "/start", |it| {
        button_data(it, "v1:l:").is_some()
    });
    let plan = store(&env).list_plans(true).await.unwrap()[0].id;

    // The admin menu leads to the agents; the user's profile offers "Make agent".
    let owner = env.user(2).clone();
    let menu = env.say(&owner, "/admin", |it| button_data(it, "v1:agl:0").is_some());
    env.press(&owner, menu.message_id, "v1:agl:0", |it| {
        has_text(it, "Agents")
    });
    let profile = env.press(
        &owner,
        menu.message_id,
        &format!("v1:au:{}", agent.0),
        |it| button_data(it, "v1:abal:").is_some(),
    );
    assert_eq!(
        button_data(&profile, "v1:agm:"),
        Some(format!("v1:agm:{}", agent.0))
    );
    let screen = env.press(
        &owner,
        profile.message_id,
        &format!("v1:agm:{}", agent.0),
        |it| has_text(it, "Terms:"),
    );
    assert!(button_data(&screen, &format!("v1:ags:{}", agent.0)).is_some());
    assert!(store(&env).get_agent(agent).await.unwrap().is_some());

    // Terms by dialogue: a credit limit and an agent price for the plan.
    let prices = env.press(
        &owner,
        screen.message_id,
        &format!("v1:agpl:{}", agent.0),
        |it| has_text(it, "Prices of agent"),
    );
    env.press(
        &owner,
        prices.message_id,
        &format!("v1:agcl:{}", agent.0),
        |it| has_text(it, "credit limit"),
    );
    env.say(&owner, "twenty", |it| has_text(it, "not an amount"));
    env.say(&owner, "20", |it| has_text(it, "Saved"));
    let prices = owner_press(&env, &format!("v1:agpl:{}", agent.0), "Prices of agent");
    env.press(
        &owner,
        prices.message_id,
        &format!("v1:agps:{}:{}", agent.0, plan.0),
        |it| has_text(it, "Send what the agent pays"),
    );
    env.say(&owner, "4", |it| has_text(it, "set by hand"));
    let terms = store(&env).get_agent(agent).await.unwrap().unwrap();
    assert_eq!(terms.credit_limit_minor, 2_000);
    let price = store(&env).agent_price(agent, plan).await.unwrap();
    assert_eq!((price.cost.minor(), price.cost_set), (400, true));

    // An account bought on credit before the suspension.
    let bought = store(&env)
        .agent_buy(buy(agent, plan), now())
        .await
        .unwrap();
    assert_eq!(bought.balance_minor, -400);
    env.until_provisioned(bought.orders[0].0).await;

    // Suspended: the agent's purchase is refused, their account keeps working.
    let screen = owner_press(&env, &format!("v1:ags:{}", agent.0), "Suspended");
    assert!(button_data(&screen, &format!("v1:agu:{}", agent.0)).is_some());
    let refused = store(&env).agent_buy(buy(agent, plan), now()).await;
    assert!(
        matches!(refused, Err(ajib_storage::Error::AgentSuspended)),
        "{refused:?}"
    );
    let accounts = store(&env).agent_accounts(agent, 0, 10).await.unwrap();
    assert_eq!(accounts.len(), 1, "the refused purchase made nothing");
    assert_eq!(accounts[0].service.status, ServiceStatus::Active);
    assert_eq!(accounts[0].label.as_deref(), Some("Reza's phone"));

    // Resumed, then credited 10.00 through the balance dialogue.
    let screen = owner_press(&env, &format!("v1:agu:{}", agent.0), "Terms:");
    assert!(!has_text(&screen, "Suspended"));
    assert!(
        !store(&env)
            .get_agent(agent)
            .await
            .unwrap()
            .unwrap()
            .suspended
    );
    owner_press(&env, &format!("v1:agc:{}", agent.0), "Send the change");
    env.say(&owner, "10", |it| {
        has_text(it, "Why does the balance change")
    });
    let preview = env.say(&owner, "deposit by bank transfer", |it| {
        button_data(it, "v1:abalc").is_some()
    });
    // The agent on credit is shown as such, not as an empty balance.
    assert!(
        has_text(&preview, "-4.00 USD → 6.00 USD"),
        "{:?}",
        preview.text
    );
    env.press(&owner, preview.message_id, "v1:abalc", |it| {
        has_text(it, "changed by")
    });
    assert_eq!(
        store(&env)
            .signed_balance(agent, env.sandbox.app.deps.settings.currency)
            .await
            .unwrap(),
        600
    );
    let ledger = store(&env).ledger_of(agent, 5).await.unwrap();
    assert_eq!(ledger[0].cause, LedgerCause::Adjustment);
    assert_eq!(ledger[0].delta_minor, 1_000);
    assert_eq!(ledger[0].actor, Some(TelegramId(owner.id)));
    assert_eq!(ledger[0].note.as_deref(), Some("deposit by bank transfer"));

    let actions: Vec<String> = store(&env)
        .recent_audit(20)
        .await
        .unwrap()
        .into_iter()
        .map(|it| it.action)
        .collect();
    for action in [
        "agent.add",
        "agent.edit",
        "agent.price",
        "agent.suspend",
        "agent.resume",
        "user.balance_adjust",
    ] {
        assert!(
            actions.iter().any(|it| it == action),
            "{action}: {actions:?}"
        );
    }

    // The agent works again: a purchase goes through.
    store(&env)
        .agent_buy(buy(agent, plan), now())
        .await
        .unwrap();

    // The statistics show the agents' sales apart.
    let stats = owner_press(&env, "v1:ast", "Agents");
    assert!(has_text(&stats, "2 paid orders"), "{:?}", stats.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_non_owner_pressing_the_owners_agent_buttons_changes_nothing() {
    let env = Env::start().await;
    let (agent_user, forger) = agent_and_other(&env).await;
    let agent = TelegramId(agent_user.id);
    let owner = TelegramId(env.user(2).id);
    store(&env)
        .add_agent(
            agent,
            ajib_storage::AgentEdit::default(),
            ajib_storage::Actor::Admin(owner),
            now(),
        )
        .await
        .unwrap();
    let plan = store(&env).list_plans(true).await.unwrap()[0].id;
    let before = store(&env).get_agent(agent).await.unwrap();
    let forger_before = store(&env).get_agent(TelegramId(forger.id)).await.unwrap();
    let audit_before = store(&env).recent_audit(50).await.unwrap().len();
    let menu = env.say(&forger, "/start", |it| button_data(it, "v1:l:").is_some());
    let id = agent.0;
    let forged = [
        "v1:agl:0".to_owned(),
        format!("v1:agv:{id}"),
        format!("v1:agm:{}", forger.id),
        format!("v1:ags:{id}"),
        format!("v1:agu:{id}"),
        format!("v1:agc:{id}"),
        format!("v1:agpl:{id}"),
        format!("v1:agps:{id}:{}", plan.0),
        format!("v1:agpd:{id}:{}", plan.0),
        format!("v1:agpo:{id}"),
        format!("v1:agcl:{id}"),
        format!("v1:agbp:{id}"),
        format!("v1:agrm:{id}"),
    ];
    for data in &forged {
        // "⛔ You are not allowed to do that", in the forger's language.
        let reply = env.press(&forger, menu.message_id, data, |it| has_text(it, "⛔"));
        assert!(button_data(&reply, "v1:ag").is_none(), "{data}");
    }
    // No dialogue was opened: a number is just not understood ("🤔 Sorry, I didn't get that").
    env.say(&forger, "0", |it| has_text(it, "🤔"));
    assert_eq!(store(&env).get_agent(agent).await.unwrap(), before);
    assert_eq!(
        store(&env).get_agent(TelegramId(forger.id)).await.unwrap(),
        forger_before
    );
    assert!(!store(&env).agent_price(agent, plan).await.unwrap().cost_set);
    assert_eq!(
        store(&env).recent_audit(50).await.unwrap().len(),
        audit_before
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owners_agent_list_pages_through_every_agent() {
    let env = Env::start().await;
    for n in 0..12 {
        let terms = ajib_storage::AgentEdit::default();
        let actor = ajib_storage::Actor::Cli;
        store(&env)
            .add_agent(TelegramId(70_000 + n), terms, actor, now())
            .await
            .unwrap();
    }
    let agent_buttons = |it: &BotMessage| {
        let keyboard = serde_json::to_string(&it.keyboard).unwrap();
        keyboard.matches("v1:agv:").count()
    };
    let first = owner_press(&env, "v1:agl:0", "Agents");
    assert_eq!(agent_buttons(&first), 10);
    assert_eq!(button_data(&first, "v1:agl:"), Some("v1:agl:1".to_owned()));
    let owner = env.user(2).clone();
    let second = env.press(&owner, first.message_id, "v1:agl:1", |it| {
        button_data(it, "v1:agl:0").is_some()
    });
    assert_eq!(agent_buttons(&second), 2);
    assert!(has_text(&second, "70011"), "{:?}", second.text);
}
