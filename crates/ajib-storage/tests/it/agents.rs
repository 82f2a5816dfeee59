//! Agents: prices, credit, suspension, isolation, bulk purchases and bot sales.

use ajib_domain::{OrderStatus, TelegramId};
use ajib_storage::{
    Actor, AgentEdit, AgentPurchase, ConfirmedPayment, Error, LedgerCause, NewService, Settlement,
    Store,
};

use crate::{db, invoice, ok, plan, provision, t, usd, user};

const AGENT: TelegramId = TelegramId(700);
const OTHER: TelegramId = TelegramId(701);

async fn agent(store: &Store, id: TelegramId, percent_off: u8, credit_minor: u64) {
    let terms = AgentEdit {
        percent_off: Some(percent_off),
        credit_limit_minor: Some(credit_minor),
        ..AgentEdit::default()
    };
    ok(store.add_agent(id, terms, Actor::Cli, t(1_000)).await);
}

fn one(agent: TelegramId, plan: &ajib_domain::Plan, label: &str) -> AgentPurchase {
    AgentPurchase {
        agent,
        plan: plan.id,
        label: Some(label.to_owned()),
        count: 1,
    }
}

#[tokio::test]
async fn an_agent_buys_at_their_price_down_to_the_credit_limit_and_no_further() {
    let db = db();
    let month = plan(&db.store, 30, 1_000).await;
    agent(&db.store, AGENT, 20, 1_000).await;
    let price = ok(db.store.agent_price(AGENT, month.id).await);
    assert_eq!((price.cost, price.retail), (usd(800), usd(1_000)));
    // Balance 0, credit 10.00: one 8.00 purchase fits, a second does not.
    let bought = ok(db
        .store
        .agent_buy(one(AGENT, &month, "Ali"), t(2_000))
        .await);
    assert_eq!((bought.total, bought.balance_minor), (usd(800), -800));
    let refused = db
        .store
        .agent_buy(one(AGENT, &month, "Reza"), t(2_001))
        .await;
    assert!(
        matches!(
            refused,
            Err(Error::CreditLimit {
                balance_minor: -800,
                limit_minor: 1_000,
                needed_minor: 800
            })
        ),
        "{refused:?}"
    );
    assert_eq!(
        ok(db.store.signed_balance(AGENT, month.price.currency()).await),
        -800
    );
    let rows = ok(db.store.ledger_for_order(bought.orders[0].0).await);
    assert_eq!(
        rows.iter()
            .map(|it| (it.cause, it.delta_minor))
            .collect::<Vec<_>>(),
        [(LedgerCause::Purchase, -800)]
    );
}

#[tokio::test]
async fn concurrent_purchases_never_pass_the_credit_limit() {
    let db = db();
    let month = plan(&db.store, 30, 1_000).await;
    agent(&db.store, AGENT, 0, 3_500).await;
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..10 {
        let (store, purchase) = (db.store.clone(), one(AGENT, &month, &format!("c{n}")));
        tasks.spawn(async move { store.agent_buy(purchase, t(2_000 + n)).await });
    }
    let mut granted = 0;
    while let Some(res) = tasks.join_next().await {
        match ok(res) {
            Ok(_) => granted += 1,
            Err(Error::CreditLimit { .. }) => (),
            Err(err) => panic!("unexpected: {err:?}"),
        }
    }
    assert_eq!(granted, 3);
    assert_eq!(
        ok(db.store.signed_balance(AGENT, month.price.currency()).await),
        -3_000
    );
}

#[tokio::test]
async fn a_suspended_agent_buys_nothing_and_resumes() {
    let db = db();
    let month = plan(&db.store, 30, 1_000).await;
    agent(&db.store, AGENT, 0, 5_000).await;
    let suspend = AgentEdit {
        suspended: Some(true),
        ..AgentEdit::default()
    };
    ok(db
        .store
        .edit_agent(AGENT, suspend, Actor::Cli, t(1_500))
        .await);
    let refused = db.store.agent_buy(one(AGENT, &month, "x"), t(2_000)).await;
    assert!(matches!(refused, Err(Error::AgentSuspended)), "{refused:?}");
    let audit = ok(db.store.recent_audit(5).await);
    assert_eq!(audit[0].action, "agent.suspend");
    let resume = AgentEdit {
        suspended: Some(false),
        ..AgentEdit::default()
    };
    ok(db
        .store
        .edit_agent(AGENT, resume, Actor::Cli, t(2_500))
        .await);
    ok(db.store.agent_buy(one(AGENT, &month, "x"), t(3_000)).await);
}

#[tokio::test]
async fn an_agent_reaches_their_own_accounts_only() {
    let db = db();
    let month = plan(&db.store, 30, 1_000).await;
    agent(&db.store, AGENT, 0, 5_000).await;
    agent(&db.store, OTHER, 0, 5_000).await;
    let mine = ok(db
        .store
        .agent_buy(one(AGENT, &month, "Mine"), t(2_000))
        .await);
    let order = ok(db.store.get_order(mine.orders[0].0).await).expect("order");
    let service = provision(&db.store, &order, t(90_000)).await;
    let account = ok(db.store.agent_account(AGENT, service.id).await).expect("mine");
    assert_eq!(account.label.as_deref(), Some("Mine"));
    assert_eq!(ok(db.store.agent_account(OTHER, service.id).await), None);
    let renew = db
        .store
        .agent_renew(OTHER, service.id, month.id, t(3_000))
        .await;
    assert!(matches!(renew, Err(Error::NotFound { .. })), "{renew:?}");
    assert!(ok(db.store.agent_accounts(OTHER, 0, 10).await).is_empty());
    // Nor is it among the agent's own services as a customer.
    assert!(ok(db.store.services_of_user(AGENT).await).is_empty());
    ok(db
        .store
        .agent_renew(AGENT, service.id, month.id, t(3_000))
        .await);
}

#[tokio::test]
async fn a_bulk_purchase_is_all_or_nothing_and_ready_once_every_account_is_made() {
    let db = db();
    let month = plan(&db.store, 30, 100).await;
    agent(&db.store, AGENT, 0, 1_000).await;
    let too_many = AgentPurchase {
        count: 11,
        ..one(AGENT, &month, "Shop")
    };
    assert!(matches!(
        db.store.agent_buy(too_many, t(2_000)).await,
        Err(Error::CreditLimit { .. })
    ));
    assert_eq!(
        ok(db.store.signed_balance(AGENT, month.price.currency()).await),
        0
    );
    let ten = AgentPurchase {
        count: 10,
        ..one(AGENT, &month, "Shop")
    };
    let bought = ok(db.store.agent_buy(ten, t(2_000)).await);
    assert_eq!(bought.orders.len(), 10);
    let batch = bought.batch.expect("a batch");
    for (n, (order, _)) in bought.orders.iter().enumerate() {
        assert!(
            ok(db.store.batches_ready().await).is_empty(),
            "ready after {n}"
        );
        let order = ok(db.store.get_order(*order).await).expect("order");
        provision(&db.store, &order, t(90_000)).await;
    }
    let ready = ok(db.store.batches_ready().await);
    assert_eq!(ready.len(), 1);
    assert_eq!(ready[0].accounts.len(), 10);
    assert_eq!(ready[0].accounts[9].label.as_deref(), Some("Shop #10"));
    assert!(ok(db
        .store
        .deliver_batch(batch, Vec::new(), t(3_000))
        .await));
    assert!(!ok(db
        .store
        .deliver_batch(batch, Vec::new(), t(3_001))
        .await));
    assert!(ok(db.store.batches_ready().await).is_empty());
}

#[tokio::test]
async fn a_bot_sale_credits_the_retail_price_and_debits_the_cost_once() {
    let db = db();
    let month = plan(&db.store, 30, 1_000).await;
    agent(&db.store, AGENT, 30, 0).await;
    ok(db
        .store
        .set_retail_price(AGENT, month.id, Some(usd(1_200)), t(1_100))
        .await);
    let below = db
        .store
        .set_retail_price(AGENT, month.id, Some(usd(600)), t(1_100))
        .await;
    assert!(
        matches!(below, Err(Error::BelowAgentPrice { .. })),
        "{below:?}"
    );
    let customer = TelegramId(9_001);
    user(&db.store, customer.0).await;
    let order = ok(db
        .store
        .create_bot_order(AGENT, customer, month.id, None, t(1_500))
        .await);
    assert_eq!((order.amount, order.invoice_amount), (usd(700), usd(1_200)));
    assert_eq!(
        ok(db.store.bot_order(OTHER, customer, order.id).await),
        None
    );
    ok(db
        .store
        .set_invoiced(order.id, &invoice(order.id), t(1_600), t(1_500))
        .await);
    let payment = ConfirmedPayment {
        order: order.id,
        invoice_uuid: invoice(order.id).uuid,
        received: usd(1_200),
        grantable: true,
    };
    for _ in 0..2 {
        let settled = ok(db.store.settle_payment(&payment, t(2_000)).await);
        assert!(
            matches!(
                settled,
                Settlement::Granted { .. } | Settlement::AlreadySettled
            ),
            "{settled:?}"
        );
    }
    assert_eq!(
        ok(db.store.signed_balance(AGENT, month.price.currency()).await),
        500
    );
    assert_eq!(
        ok(db.store.get_order(order.id).await).map(|it| it.status),
        Some(OrderStatus::Paid)
    );
    let service = NewService {
        user: AGENT,
        panel: ajib_domain::PanelId::FIRST,
        blitz_username: "a700x".to_owned(),
        plan: Some(month.id),
        is_test: false,
        expires: t(90_000),
        traffic_limit_bytes: None,
    };
    let made = ok(db
        .store
        .insert_service_and_mark_provisioned(order.id, &service, t(2_100))
        .await);
    // A renewal in the bot is the customer's own account's, or nothing.
    let stranger = db
        .store
        .create_bot_order(AGENT, TelegramId(9_002), month.id, Some(made.id), t(2_200))
        .await;
    assert!(
        matches!(stranger, Err(Error::NotFound { .. })),
        "{stranger:?}"
    );
    let renewal = ok(db
        .store
        .create_bot_order(AGENT, customer, month.id, Some(made.id), t(2_200))
        .await);
    assert_eq!(renewal.kind, ajib_domain::OrderKind::Renewal(made.id));
    let theirs = ok(db.store.customer_accounts(AGENT, customer).await);
    assert_eq!(
        theirs.iter().map(|it| it.service.id).collect::<Vec<_>>(),
        [made.id]
    );
    assert!(ok(db.store.customer_accounts(OTHER, customer).await).is_empty());
    let mail = ok(db.store.due_mail(t(3_000), 10).await);
    let to_customer: Vec<_> = mail
        .iter()
        .filter(|it| it.chat == Some(customer.0))
        .collect();
    assert_eq!(to_customer.len(), 1);
    assert_eq!(to_customer[0].bot, Some(AGENT));
}

#[tokio::test]
async fn an_agent_with_accounts_cannot_be_removed() {
    let db = db();
    let month = plan(&db.store, 30, 1_000).await;
    agent(&db.store, AGENT, 0, 5_000).await;
    agent(&db.store, OTHER, 0, 0).await;
    ok(db.store.agent_buy(one(AGENT, &month, "x"), t(2_000)).await);
    let currency = month.price.currency();
    let refused = db
        .store
        .remove_agent(AGENT, currency, Actor::Cli, t(3_000))
        .await;
    assert!(
        matches!(refused, Err(Error::Conflict { .. })),
        "{refused:?}"
    );
    ok(db
        .store
        .remove_agent(OTHER, currency, Actor::Cli, t(3_000))
        .await);
    assert_eq!(ok(db.store.get_agent(OTHER).await), None);
    let listed = ok(db.store.list_agents(currency).await);
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0].accounts, listed[0].sales, listed[0].sales_minor),
        (0, 1, 1_000)
    );
}

#[tokio::test]
async fn an_owners_credit_to_an_agent_below_zero_counts_from_the_signed_balance() {
    let db = db();
    let month = plan(&db.store, 30, 1_000).await;
    agent(&db.store, AGENT, 0, 1_500).await;
    ok(db.store.agent_buy(one(AGENT, &month, "x"), t(2_000)).await);
    let currency = month.price.currency();
    let owner = TelegramId(1);
    let after = ok(db
        .store
        .adjust_balance(AGENT, currency, 400, owner, "cash", t(2_100))
        .await);
    assert_eq!(after, -600);
    // A debit may use the credit left (9.00), not more.
    let refused = db
        .store
        .adjust_balance(AGENT, currency, -1_000, owner, "fee", t(2_200))
        .await;
    assert!(
        matches!(refused, Err(Error::InsufficientBalance { .. })),
        "{refused:?}"
    );
    let after = ok(db
        .store
        .adjust_balance(AGENT, currency, -900, owner, "fee", t(2_300))
        .await);
    assert_eq!(
        (after, ok(db.store.spendable(AGENT, currency).await)),
        (-1_500, 0)
    );
}
