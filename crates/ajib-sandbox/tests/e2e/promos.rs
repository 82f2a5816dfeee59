//! Promo codes end to end (issue 20): a code discounts the price shown, the
//! invoice and the order; an expired code is refused with nothing changed;
//! two payments racing for a code's last use get one discount.

use ajib_domain::{Currency, OrderId, OrderStatus, TelegramId};
use ajib_storage::{Actor, Promo, PromoDraft, PromoKey, Store};
use ajib_testkit::{heleket::PayOutcome, telegram::SimUser};

use crate::support::{Env, button_data, button_url, has_text, until};

/// The first demo plan's price, in cents.
const PRICE: i64 = 300;

async fn add_code(store: &Store, draft: PromoDraft) -> Promo {
    let promo = draft.validate(Currency::USD).unwrap();
    store
        .add_promo(&promo, Actor::Cli, ajib_domain::UnixTime(0))
        .await
        .unwrap()
}

fn percent(code: &str, percent: u32) -> PromoDraft {
    PromoDraft {
        code: code.to_owned(),
        percent: Some(percent),
        ..PromoDraft::default()
    }
}

async fn uses(store: &Store, promo: &Promo) -> u32 {
    store
        .get_promo(PromoKey::Id(promo.id))
        .await
        .unwrap()
        .unwrap()
        .uses
}

impl Env {
    /// Walks `user` to the first plan, presses "🏷 I have a code" and sends
    /// `code`; returns the bot's answer.
    fn apply_code(
        &self,
        user: &SimUser,
        lang_data: &str,
        code: &str,
    ) -> ajib_testkit::telegram::BotMessage {
        let (_, details) = self.first_plan(user, lang_data);
        let ask = button_data(&details, "v1:qa:").expect("the plan offers a code button");
        self.press(user, details.message_id, &ask, |it| {
            button_data(it, "v1:x").is_some()
        });
        let before = self.sandbox.telegram.messages(user.id).len();
        self.sandbox.telegram.send_text(user, code);
        self.wait_new(user, before, |it| it.keyboard.is_some())
    }

    /// Applies `code` and presses the discounted pay button; returns the
    /// offer with the code, our order and the invoice's uuid.
    fn invoice_with_code(
        &self,
        user: &SimUser,
        lang_data: &str,
        code: &str,
    ) -> (ajib_testkit::telegram::BotMessage, OrderId, String) {
        let offer = self.apply_code(user, lang_data, code);
        let pay = button_data(&offer, "v1:qb:").expect("a pay button with the code");
        let invoice = self.press(user, offer.message_id, &pay, |it| button_url(it).is_some());
        let url = button_url(&invoice).unwrap();
        let heleket = self.sandbox.heleket.as_ref().unwrap();
        let invoice = heleket
            .invoices()
            .into_iter()
            .find(|it| it.url == url)
            .expect("invoice behind the pay button");
        let order = OrderId::from_invoice_ref(&invoice.order_id).unwrap();
        (offer, order, invoice.uuid)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_valid_code_discounts_the_price_the_invoice_and_the_order() {
    let env = Env::start().await;
    let store = env.sandbox.app.deps.store.clone();
    let promo = add_code(&store, percent("SAVE20", 20)).await;
    let sara = env.user(0).clone();
    let (offer, order_id, uuid) = env.invoice_with_code(&sara, "v1:l:en", "save20");
    assert!(has_text(&offer, "SAVE20"), "{:?}", offer.text);
    assert!(
        has_text(&offer, "now <b>2.40 USD</b> (was 3.00 USD)"),
        "{:?}",
        offer.text
    );
    let heleket = env.sandbox.heleket.as_ref().unwrap();
    let invoice = heleket
        .invoices()
        .into_iter()
        .find(|it| it.uuid == uuid)
        .unwrap();
    assert_eq!(invoice.amount, "2.40");
    let order = store.get_order(order_id).await.unwrap().unwrap();
    assert_eq!(order.amount.minor(), PRICE * 8 / 10);
    let carried = store.order_promo(order_id).await.unwrap().unwrap();
    assert_eq!(
        (
            carried.code.as_str(),
            carried.price.list.minor(),
            carried.used
        ),
        ("SAVE20", PRICE, false)
    );
    // Unpaid, it uses nothing.
    assert_eq!(uses(&store, &promo).await, 0);

    heleket.pay(&uuid, PayOutcome::Paid).unwrap();
    env.until_provisioned(order_id).await;
    assert_eq!(uses(&store, &promo).await, 1);
    // Nothing of the payment was left over: it paid exactly the discounted price.
    let balance = store
        .balance(TelegramId(sara.id), Currency::USD)
        .await
        .unwrap();
    assert!(balance.is_zero(), "{balance}");
    let stats = store.promo_stats().await.unwrap();
    assert_eq!(
        (
            stats[0].code.as_str(),
            stats[0].uses,
            stats[0].revenue.minor(),
            stats[0].discount.minor()
        ),
        ("SAVE20", 1, 240, 60)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_code_is_refused_and_nothing_changes() {
    let env = Env::start().await;
    let store = env.sandbox.app.deps.store.clone();
    let promo = add_code(
        &store,
        PromoDraft {
            until: Some("2020-01-31".to_owned()),
            ..percent("OLDIE", 50)
        },
    )
    .await;
    let sara = env.user(0).clone();
    let invoices_before = env.sandbox.heleket.as_ref().unwrap().invoices().len();
    let refused = env.apply_code(&sara, "v1:l:en", "oldie");
    assert!(has_text(&refused, "expired"), "{:?}", refused.text);
    assert_eq!(button_data(&refused, "v1:qb:"), None);
    assert!(
        store
            .orders_of_user(TelegramId(sara.id))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        env.sandbox.heleket.as_ref().unwrap().invoices().len(),
        invoices_before
    );
    assert_eq!(uses(&store, &promo).await, 0);
    // An unknown code gets its own reason, and still nothing changes.
    let before = env.sandbox.telegram.messages(sara.id).len();
    env.sandbox.telegram.send_text(&sara, "NOSUCH");
    let unknown = env.wait_new(&sara, before, |it| has_text(it, "no such code"));
    assert_eq!(button_data(&unknown, "v1:qb:"), None);
    assert!(
        store
            .orders_of_user(TelegramId(sara.id))
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_last_uses_of_a_code_grant_one_discount() {
    let env = Env::start().await;
    let store = env.sandbox.app.deps.store.clone();
    let promo = add_code(
        &store,
        PromoDraft {
            uses: Some(1),
            ..percent("LAST", 50)
        },
    )
    .await;
    let (sara, reza) = (env.user(0).clone(), env.user(1).clone());
    // Both apply the code while it has its one use: unpaid orders hold none.
    let (_, a, a_uuid) = env.invoice_with_code(&sara, "v1:l:en", "LAST");
    let (_, b, b_uuid) = env.invoice_with_code(&reza, "v1:l:fa", "last");
    let heleket = env.sandbox.heleket.as_ref().unwrap();
    std::thread::scope(|scope| {
        scope.spawn(|| heleket.pay(&a_uuid, PayOutcome::Paid).unwrap());
        scope.spawn(|| heleket.pay(&b_uuid, PayOutcome::Paid).unwrap());
    });
    let settled = |id: OrderId| {
        let store = store.clone();
        async move {
            let order = store.get_order(id).await.unwrap().unwrap();
            !matches!(order.status, OrderStatus::Invoiced | OrderStatus::Created)
        }
    };
    until("both payments settled", async || {
        settled(a).await && settled(b).await
    })
    .await;
    let mut granted = Vec::new();
    let mut credited = Vec::new();
    for (id, user) in [(a, &sara), (b, &reza)] {
        let order = store.get_order(id).await.unwrap().unwrap();
        match order.status {
            OrderStatus::Paid | OrderStatus::Provisioned => granted.push(id),
            OrderStatus::Failed => credited.push((id, user.clone())),
            other => panic!("order {id} ended {other:?}"),
        }
    }
    assert_eq!(granted.len(), 1, "one discount, not two");
    assert_eq!(uses(&store, &promo).await, 1);
    // The other payment is on its payer's balance, and they are told why.
    let (lost, payer) = &credited[0];
    let balance = store
        .balance(TelegramId(payer.id), Currency::USD)
        .await
        .unwrap();
    assert_eq!(balance.minor(), PRICE / 2);
    assert!(!store.order_promo(*lost).await.unwrap().unwrap().used);
    let payer_id = payer.id;
    until("the payer told the code ran out", async || {
        env.sandbox
            .telegram
            .messages(payer_id)
            .iter()
            .any(|it| has_text(it, "had been used up") || has_text(it, "ظرفیت کد تخفیف این سفارش"))
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bonus_days_are_added_to_the_plan_on_the_panel() {
    let env = Env::start().await;
    let store = env.sandbox.app.deps.store.clone();
    add_code(
        &store,
        PromoDraft {
            code: "WEEK".to_owned(),
            days: Some(7),
            ..PromoDraft::default()
        },
    )
    .await;
    let sara = env.user(0).clone();
    let (offer, order_id, uuid) = env.invoice_with_code(&sara, "v1:l:en", "week");
    assert!(
        has_text(&offer, "+7 days, 37 days for the same price"),
        "{:?}",
        offer.text
    );
    let heleket = env.sandbox.heleket.as_ref().unwrap();
    assert_eq!(
        heleket
            .invoices()
            .into_iter()
            .find(|it| it.uuid == uuid)
            .unwrap()
            .amount,
        "3.00"
    );
    heleket.pay(&uuid, PayOutcome::Paid).unwrap();
    env.until_provisioned(order_id).await;
    let service = env.only_service(&sara).await;
    let now = i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap();
    let left = (service.expires.0 - now) / 86_400;
    assert!((36..=37).contains(&left), "{left} days left");
    let blitz = env
        .sandbox
        .blitz
        .as_ref()
        .expect("the sandbox's fake panel");
    let panel_user = blitz
        .user(&service.blitz_username)
        .expect("the account on the panel");
    assert_eq!(panel_user.expiration_days, 37);
}
