//! Telegram Stars end to end (issue 22): a purchase credited once even when
//! `successful_payment` arrives twice, a pre-checkout for an expired order
//! refused in the customer's language, and an owner's refund that reverses the grant.

use ajib_domain::{OrderId, OrderStatus, ServiceStatus, TelegramId};
use ajib_storage::LedgerCause;
use ajib_testkit::telegram::{BotMessage, MessageKind, SimUser, StarsOutcome};

use crate::support::{Env, button_data, has_text};

/// The first demo plan's price, in cents, and in Stars at the sandbox's 50 per 1.00.
const PRICE: i64 = 300;
const STARS: u32 = 150;

impl Env {
    /// Walks `user` (pressing `lang_data`) to the first plan and presses
    /// "⭐ Pay N Stars"; returns the invoice message and its order.
    fn stars_invoice(&self, user: &SimUser, lang_data: &str) -> (BotMessage, OrderId) {
        let (_, details) = self.first_plan(user, lang_data);
        let data = button_data(&details, "v1:sb:").expect("the plan offers Stars");
        let invoice = self.press(user, details.message_id, &data, |it| {
            it.kind == MessageKind::Invoice
        });
        let sent = self.sandbox.telegram.stars_invoices(user.id);
        let sent = sent.last().expect("an invoice in Stars");
        assert_eq!(sent.message_id, invoice.message_id);
        assert_eq!(sent.stars, STARS);
        (invoice, OrderId::from_invoice_ref(&sent.payload).unwrap())
    }

    /// Sends /menu and waits for its answer: every update before it was handled.
    /// Pays the Stars invoice `invoice` as `user` and waits for the configs; returns the charge id.
    async fn pay_and_get_configs(&self, user: &SimUser, invoice: &BotMessage) -> String {
        let outcome = self
            .sandbox
            .telegram
            .pay_stars(user, invoice.message_id)
            .await;
        let StarsOutcome::Paid { charge_id } = outcome else {
            panic!("not paid: {outcome:?}");
        };
        self.wait_new(user, 0, |it| has_text(it, "hy2://"));
        charge_id
    }

    fn settled(&self, user: &SimUser) {
        self.say(user, "/menu", |it| button_data(it, "v1:ps").is_some());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stars_purchase_delivered_twice_is_credited_and_granted_once() {
    let env = Env::start().await;
    let user = env.user(0).clone();
    let (invoice, order) = env.stars_invoice(&user, "v1:l:en");
    env.sandbox.telegram.set_stars_double_delivery(true);
    let charge_id = env.pay_and_get_configs(&user, &invoice).await;
    env.settled(&user);
    let store = &env.sandbox.app.deps.store;
    let rows = store.ledger_for_order(order).await.unwrap();
    let payments: Vec<_> = rows
        .iter()
        .filter(|it| it.cause == LedgerCause::Payment)
        .collect();
    assert_eq!(payments.len(), 1, "{rows:#?}");
    assert_eq!(payments[0].delta_minor, PRICE);
    assert_eq!(
        payments[0].invoice_uuid.as_deref(),
        Some(format!("stars:{charge_id}").as_str())
    );
    let purchases = rows.iter().filter(|it| it.cause == LedgerCause::Purchase);
    assert_eq!(purchases.count(), 1, "{rows:#?}");
    env.until_provisioned(order).await;
    assert_eq!(env.count(user.id, "hy2://"), 1, "{:#?}", env.texts(&user));
    assert_eq!(
        env.count(user.id, "Payment received"),
        1,
        "{:#?}",
        env.texts(&user)
    );
    let methods = store.revenue_by_method().await.unwrap();
    let stars_revenue = methods
        .iter()
        .find(|(it, _)| *it == ajib_storage::PayMethod::Stars)
        .map(|(_, money)| money.minor());
    assert_eq!(stars_revenue, Some(PRICE));
    let stars = store
        .stars_payments_of(TelegramId(user.id), 10)
        .await
        .unwrap();
    assert_eq!(stars.len(), 1);
    assert_eq!(stars[0].stars, STARS);
    assert!(
        env.sandbox.telegram.violations().is_empty(),
        "{:?}",
        env.sandbox.telegram.violations()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pre_checkout_for_an_expired_order_is_refused_in_the_customers_language() {
    let env = Env::start().await;
    // The second simulated user reads Persian.
    let user = env.user(1).clone();
    let (invoice, order) = env.stars_invoice(&user, "v1:l:fa");
    let conn = rusqlite::Connection::open(env.sandbox.database_path()).unwrap();
    conn.execute(
        "UPDATE stars_invoices SET expires_at = expires_at - 100000 WHERE order_id = ?1",
        [order.0],
    )
    .unwrap();
    let outcome = env
        .sandbox
        .telegram
        .pay_stars(&user, invoice.message_id)
        .await;
    let StarsOutcome::Refused { error_message } = outcome else {
        panic!("not refused: {outcome:?}");
    };
    assert!(
        error_message.contains("مهلت این صورتحساب"),
        "{error_message}"
    );
    let store = &env.sandbox.app.deps.store;
    assert!(store.ledger_for_order(order).await.unwrap().is_empty());
    let status = store.get_order(order).await.unwrap().unwrap().status;
    assert_eq!(status, OrderStatus::Created);
    assert!(
        store
            .stars_payments_of(TelegramId(user.id), 10)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_owners_stars_refund_reverses_the_grant_once() {
    let env = Env::start().await;
    let user = env.user(0).clone();
    let (invoice, order) = env.stars_invoice(&user, "v1:l:en");
    let charge_id = env.pay_and_get_configs(&user, &invoice).await;
    let store = &env.sandbox.app.deps.store;
    env.until_provisioned(order).await;
    let service = env.only_service(&user).await;
    assert_eq!(service.status, ServiceStatus::Active);

    let admin = env
        .users
        .iter()
        .find(|it| it.id == ajib_sandbox::ADMIN_ID)
        .unwrap()
        .clone();
    let profile = env.say(&admin, "/admin", |it| button_data(it, "v1:aus").is_some());
    let user_data = format!("v1:au:{}", user.id);
    env.sandbox
        .telegram
        .press_button(&admin, profile.message_id, &user_data);
    let profile = env.wait_new(&admin, 0, |it| button_data(it, "v1:asr:").is_some());
    let refund = button_data(&profile, "v1:asr:").unwrap();
    let done = env.press(&admin, profile.message_id, &refund, |it| {
        has_text(it, "Refunded 150 ⭐")
    });
    assert!(
        has_text(&done, &format!("Order #{order}")),
        "{:?}",
        done.text
    );
    assert!(env.sandbox.telegram.stars_refunded(&charge_id));
    env.wait_new(&user, 0, |it| has_text(it, "was refunded to you"));
    let service = env.only_service(&user).await;
    assert_eq!(service.status, ServiceStatus::Disabled);
    let panel = env.sandbox.blitz.as_ref().unwrap();
    let account = panel
        .user(&service.blitz_username)
        .expect("the account on the panel");
    assert!(
        account.blocked,
        "the refunded account is blocked on its panel"
    );
    let audit = store.recent_audit(20).await.unwrap();
    assert_eq!(
        audit
            .iter()
            .filter(|it| it.action == "stars.refund")
            .count(),
        1
    );

    // A second press refunds nothing more.
    let again = env.press(&admin, done.message_id, &refund, |it| {
        has_text(it, "did not happen")
    });
    assert!(has_text(&again, "already refunded"), "{:?}", again.text);
    assert_eq!(
        store
            .recent_audit(20)
            .await
            .unwrap()
            .iter()
            .filter(|it| it.action == "stars.refund")
            .count(),
        1
    );
}
