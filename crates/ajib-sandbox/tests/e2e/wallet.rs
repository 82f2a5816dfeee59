//! Every paid cent lands somewhere (issue 17): each Heleket outcome × the
//! order's state × how the bot hears of it, against the fake Heleket, gives
//! the expected grant, ledger rows, user message and admin alert.

use ajib_domain::{Currency, OrderId, OrderStatus, TelegramId};
use ajib_storage::LedgerCause;
use ajib_testkit::{
    heleket::{PayOutcome, WebhookMode},
    telegram::SimUser,
};

use crate::support::{Env, button_data, has_text, until};

/// The first demo plan's price, in cents.
const PRICE: i64 = 300;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// The invoice is open.
    Open,
    /// We gave up on it (Heleket still waited): expired by time.
    Expired,
    /// Heleket said it failed earlier; the order is closed.
    Cancelled,
    /// The same outcome was settled before; this is a repeat.
    AlreadyPaid,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Delivery {
    Webhook,
    Poller,
    CheckButton,
}

/// What a case must end with.
#[derive(Debug)]
struct Expect {
    status: &'static [OrderStatus],
    /// The `payment` credit of the invoice (0: none).
    credited: i64,
    /// Whether the order was bought (one `purchase` debit).
    bought: bool,
    balance: i64,
    /// Text of the message the user gets (the last one for a repeat).
    user_says: Option<&'static str>,
    /// Text of the message the admins get.
    admins_hear: Option<&'static str>,
}

const PAID: &[OrderStatus] = &[OrderStatus::Paid, OrderStatus::Provisioned];

fn received(outcome: PayOutcome) -> i64 {
    match outcome {
        PayOutcome::Paid => PRICE,
        PayOutcome::PaidOver => PRICE * 11 / 10,
        PayOutcome::WrongAmount => PRICE / 2,
        PayOutcome::Cancel => 0,
    }
}

fn expect(outcome: PayOutcome, state: State, delivery: Delivery) -> Expect {
    let got = received(outcome);
    // The poller asks only about open and expired invoices; a closed one is
    // heard of by webhook or the user's Check button.
    let unheard = state == State::Cancelled && delivery == Delivery::Poller;
    let nothing = |status| Expect {
        status,
        credited: 0,
        bought: false,
        balance: 0,
        user_says: None,
        admins_hear: None,
    };
    match (outcome, state) {
        (PayOutcome::Cancel, State::Open) => Expect {
            user_says: Some("didn't go through"),
            ..nothing(&[OrderStatus::Failed])
        },
        (PayOutcome::Cancel, State::Expired) => nothing(&[OrderStatus::Expired]),
        (PayOutcome::Cancel, _) => nothing(&[OrderStatus::Failed]),
        (_, State::Cancelled) if unheard => nothing(&[OrderStatus::Failed]),
        (PayOutcome::Paid | PayOutcome::PaidOver, State::Cancelled) => Expect {
            status: &[OrderStatus::Failed],
            credited: got,
            bought: false,
            balance: got,
            user_says: Some("could no longer be filled"),
            admins_hear: None,
        },
        (PayOutcome::Paid | PayOutcome::PaidOver, _) => Expect {
            status: PAID,
            credited: got,
            bought: true,
            balance: got - PRICE,
            user_says: Some(match outcome {
                PayOutcome::PaidOver => "more than the price",
                _ => "Payment received",
            }),
            admins_hear: Some("New purchase"),
        },
        (PayOutcome::WrongAmount, state) => Expect {
            status: match state {
                State::Cancelled => &[OrderStatus::Failed],
                _ => &[OrderStatus::Underpaid],
            },
            credited: got,
            bought: false,
            balance: got,
            user_says: Some("but the invoice was for"),
            admins_hear: Some("Underpaid order"),
        },
    }
}

async fn run_outcome(outcome: PayOutcome) {
    let env = Env::start().await;
    let mut idx = 0;
    for state in [
        State::Open,
        State::Expired,
        State::Cancelled,
        State::AlreadyPaid,
    ] {
        if outcome == PayOutcome::Cancel && state == State::AlreadyPaid {
            continue; // Heleket does not cancel a paid invoice.
        }
        for delivery in [Delivery::Webhook, Delivery::Poller, Delivery::CheckButton] {
            idx += 1;
            let user = SimUser::new(9_000 + idx, "Case");
            run_case(&env, &user, outcome, state, delivery).await;
        }
    }
}

async fn run_case(
    env: &Env,
    user: &SimUser,
    outcome: PayOutcome,
    state: State,
    delivery: Delivery,
) {
    let case = format!("{outcome:?} × {state:?} × {delivery:?}");
    let telegram = &env.sandbox.telegram;
    let heleket = env.sandbox.heleket.as_ref().unwrap();
    let store = &env.sandbox.app.deps.store;
    telegram.add_user(user);
    let open = env.open_invoice(user, "v1:l:en");
    let order = open.order;
    let want = expect(outcome, state, delivery);
    let now = ajib_app::deps::now();
    match state {
        State::Open => (),
        State::Expired => assert!(store.mark_expired(order, now).await.unwrap(), "{case}"),
        State::Cancelled => assert!(store.mark_failed(order, "fail", now).await.unwrap()),
        State::AlreadyPaid => {
            heleket.set_webhook_mode(WebhookMode::Once);
            heleket.pay(&open.invoice.uuid, outcome);
            // Everything the first settlement says is out before the repeat.
            if let Some(needle) = want.user_says {
                env.wait_new(user, 0, |it| has_text(it, needle));
            }
            if let Some(needle) = want.admins_hear {
                let order_ref = format!("#{}", order.0);
                env.wait_new(env.user(2), 0, |it| {
                    has_text(it, needle) && has_text(it, &order_ref)
                });
            }
            // The configs too: they leave through the mail queue.
            until("the first settlement's messages to be out", async || {
                store.pending_jobs_count().await.unwrap() == 0
                    && store.mail_counts().await.unwrap().unsent == 0
            })
            .await;
        }
    }
    let admin_chat = ajib_sandbox::ADMIN_ID;
    let user_before = telegram.messages(user.id).len();
    let admin_before = telegram.messages(admin_chat).len();
    let mode = match delivery {
        Delivery::Webhook => WebhookMode::Once,
        Delivery::Poller | Delivery::CheckButton => WebhookMode::Never,
    };
    heleket.set_webhook_mode(mode);
    let webhooks = heleket.webhooks_sent();
    heleket.pay(&open.invoice.uuid, outcome);
    deliver(env, user, order, delivery, webhooks).await;

    let stored = store.get_order(order).await.unwrap().unwrap();
    assert!(
        want.status.contains(&stored.status),
        "{case}: order {:?}, want {:?}",
        stored.status,
        want.status
    );
    let rows = store.ledger_for_order(order).await.unwrap();
    let sum = |cause| -> Vec<i64> {
        rows.iter()
            .filter(|it| it.cause == cause)
            .map(|it| it.delta_minor)
            .collect()
    };
    let credits = sum(LedgerCause::Payment);
    match want.credited {
        0 => assert!(credits.is_empty(), "{case}: {credits:?}"),
        amount => assert_eq!(credits, [amount], "{case}"),
    }
    let purchases = sum(LedgerCause::Purchase);
    assert_eq!(
        purchases.len(),
        usize::from(want.bought),
        "{case}: {purchases:?}"
    );
    let balance = store
        .balance(TelegramId(user.id), Currency::USD)
        .await
        .unwrap();
    assert_eq!(balance.minor(), want.balance, "{case}");

    if let Some(needle) = want.user_says {
        let after = match state {
            // A repeat says nothing new: the first settlement's message stands alone.
            State::AlreadyPaid => 0,
            _ => user_before,
        };
        env.wait_new(user, after, |it| has_text(it, needle));
        if state == State::AlreadyPaid {
            // Check answers "payment received" for a paid order; nothing else repeats.
            let answered = delivery == Delivery::CheckButton && needle == "Payment received";
            if answered {
                // It may wait a second behind the configs in the chat's rate limit.
                env.wait_new(user, user_before, |it| has_text(it, needle));
            }
            let repeats = telegram
                .messages(user.id)
                .iter()
                .skip(user_before)
                .filter(|it| has_text(it, needle))
                .count();
            assert_eq!(repeats, usize::from(answered), "{case}: told again");
        }
    }
    if let Some(needle) = want.admins_hear {
        let after = if state == State::AlreadyPaid {
            0
        } else {
            admin_before
        };
        let order_ref = format!("#{}", order.0);
        env.wait_new(env.user(2), after, |it| {
            has_text(it, needle) && has_text(it, &order_ref)
        });
    }
}

/// Lets the bot hear of the outcome the way `delivery` says, and waits until it has.
async fn deliver(env: &Env, user: &SimUser, order: OrderId, delivery: Delivery, webhooks: usize) {
    let heleket = env.sandbox.heleket.as_ref().unwrap();
    let deps = &env.sandbox.app.deps;
    match delivery {
        Delivery::Webhook => {
            // The bot answers the webhook once it has reconciled.
            until("the webhook to be answered", async || {
                heleket.webhooks_sent() > webhooks
            })
            .await;
        }
        Delivery::Poller => {
            let due = ajib_app::deps::now().plus_secs(-1);
            deps.store.set_next_poll(order, due).await.unwrap();
            ajib_app::core::poller::round(deps).await;
        }
        Delivery::CheckButton => {
            let telegram = &env.sandbox.telegram;
            let answered = telegram.callback_answers().len();
            telegram.press_button(user, 1, &format!("v1:c:{}", order.0));
            until("the Check press to be handled", async || {
                telegram.callback_answers().len() > answered
                    && deps.store.unhandled_updates(10).await.unwrap().is_empty()
            })
            .await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paid_lands_once_whatever_the_order_and_the_delivery() {
    run_outcome(PayOutcome::Paid).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paid_over_keeps_the_excess_on_the_balance() {
    run_outcome(PayOutcome::PaidOver).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_underpayment_is_credited_and_the_missing_part_told() {
    run_outcome(PayOutcome::WrongAmount).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancel_credits_nothing() {
    run_outcome(PayOutcome::Cancel).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_top_up_pays_the_next_plan_in_one_tap() {
    let env = Env::start().await;
    let user = env.user(0).clone();
    let heleket = env.sandbox.heleket.as_ref().unwrap();
    let store = &env.sandbox.app.deps.store;
    let picker = env.say(&user, "/start", |it| button_data(it, "v1:l:").is_some());
    let menu = env.press(&user, picker.message_id, "v1:l:en", |it| {
        button_data(it, "v1:bl").is_some()
    });
    let balance = env.press(&user, menu.message_id, "v1:bl", |it| {
        button_data(it, "v1:bf").is_some()
    });
    let amounts = env.press(&user, balance.message_id, "v1:bf", |it| {
        button_data(it, "v1:tu:").is_some()
    });
    let invoice_message = env.press(&user, amounts.message_id, "v1:tu:5", |it| {
        has_text(it, "to your balance") && crate::support::button_url(it).is_some()
    });
    let url = crate::support::button_url(&invoice_message).unwrap();
    let invoice = heleket
        .invoices()
        .into_iter()
        .find(|it| it.url == url)
        .expect("the top-up invoice");
    assert_eq!(invoice.amount, "5.00");
    assert!(
        invoice.order_id.starts_with("ajib-topup-"),
        "{}",
        invoice.order_id
    );
    // Paid after it ran out on our side, and the webhook came twice: once on the balance.
    let topup = ajib_domain::TopupId::from_invoice_ref(&invoice.order_id).unwrap();
    let now = ajib_app::deps::now();
    assert!(
        store
            .close_topup(topup, ajib_storage::TopupStatus::Expired, "test", now)
            .await
            .unwrap()
    );
    heleket.set_webhook_mode(WebhookMode::Twice);
    let before = env.sandbox.telegram.messages(user.id).len();
    heleket.pay(&invoice.uuid, PayOutcome::Paid);
    env.wait_new(&user, before, |it| has_text(it, "added to your balance"));
    until("both webhooks", async || heleket.webhooks_sent() >= 2).await;
    let usd = |minor| ajib_domain::Money::from_minor(minor, Currency::USD).unwrap();
    let id = TelegramId(user.id);
    assert_eq!(store.balance(id, Currency::USD).await.unwrap(), usd(500));

    // The first plan costs 3.00: one tap pays it from the balance, no invoice.
    let invoices = heleket.invoices().len();
    let plans = env.say(&user, "/menu", |it| button_data(it, "v1:ps").is_some());
    let list = env.press(&user, plans.message_id, "v1:ps", |it| {
        button_data(it, "v1:p:").is_some()
    });
    let plan = button_data(&list, "v1:p:").unwrap();
    let details = env.press(&user, list.message_id, &plan, |it| {
        has_text(it, "from balance") || button_data(it, "v1:b:").is_some()
    });
    let buy = button_data(&details, "v1:b:").unwrap();
    env.press(&user, details.message_id, &buy, |it| {
        has_text(it, "from your balance")
    });
    env.wait_new(&user, 0, |it| has_text(it, "hy2://"));
    assert_eq!(heleket.invoices().len(), invoices, "no invoice for it");
    assert_eq!(store.balance(id, Currency::USD).await.unwrap(), usd(200));

    // The next costs more than is left: the balance pays part, the invoice the rest.
    let plans = env.say(&user, "/menu", |it| button_data(it, "v1:ps").is_some());
    let list = env.press(&user, plans.message_id, "v1:ps", |it| {
        button_data(it, "v1:p:").is_some()
    });
    let details = env.press(&user, list.message_id, &plan, |it| {
        has_text(it, "pays part")
    });
    let rest = env.press(&user, details.message_id, &buy, |it| {
        crate::support::button_url(it).is_some()
    });
    let url = crate::support::button_url(&rest).unwrap();
    let invoice = heleket
        .invoices()
        .into_iter()
        .find(|it| it.url == url)
        .expect("the invoice for the rest");
    assert_eq!(invoice.amount, "1.00");
    heleket.set_webhook_mode(WebhookMode::Once);
    heleket.pay(&invoice.uuid, PayOutcome::Paid);
    until("the second plan to be bought", async || {
        store.balance(id, Currency::USD).await.unwrap().is_zero()
            && store.services_of_user(id).await.unwrap().len() == 2
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mismatch_alerts_once_stops_polling_and_can_be_marked_refunded() {
    let env = Env::start().await;
    let user = env.user(0).clone();
    let admin = env.user(2).clone();
    let heleket = env.sandbox.heleket.as_ref().unwrap();
    let store = &env.sandbox.app.deps.store;
    let open = env.open_invoice(&user, "v1:l:en");
    let order = open.order;
    // Our order now asks for more than the invoice Heleket holds: they no longer match.
    let db = env.sandbox.database_path().to_owned();
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.execute(
        "UPDATE orders SET amount_minor = amount_minor + 100 WHERE id = ?1",
        [order.0],
    )
    .unwrap();
    drop(conn);

    let webhooks = heleket.webhooks_sent();
    heleket.set_webhook_mode(WebhookMode::Twice);
    heleket.pay(&open.invoice.uuid, PayOutcome::Paid);
    until("both webhooks", async || {
        heleket.webhooks_sent() >= webhooks + 2
    })
    .await;
    let reference = format!("ajib-{}", order.0);
    env.wait_new(&admin, 0, |it| {
        has_text(it, "does not match") && has_text(it, &reference)
    });
    assert_eq!(
        env.count(admin.id, "does not match"),
        1,
        "the owners are told once"
    );
    let stored = store.get_order(order).await.unwrap().unwrap();
    assert_eq!(stored.status, OrderStatus::Failed);
    assert_eq!(stored.next_poll_at, None, "no longer polled");
    assert!(store.ledger_for_order(order).await.unwrap().is_empty());

    // The admin gives the money back outside the bot and records it.
    let menu = env.say(&admin, "/admin", |it| button_data(it, "v1:aus").is_some());
    env.press(&admin, menu.message_id, "v1:aus", |it| {
        has_text(it, "to search")
    });
    let refunded = format!("v1:arf:{}", order.0);
    let profile = env.say(&admin, &user.id.to_string(), |it| {
        button_data(it, &refunded).is_some()
    });
    env.press(&admin, profile.message_id, &refunded, |it| {
        button_data(it, "v1:abal:").is_some() && button_data(it, &refunded).is_none()
    });
    let note = store.get_order(order).await.unwrap().unwrap().note;
    assert!(
        note.as_deref()
            .unwrap_or_default()
            .contains("refunded outside the bot by 1000"),
        "{note:?}"
    );
    let audit = store.recent_audit(10).await.unwrap();
    assert!(
        audit.iter().any(|it| it.action == "order.refunded"),
        "{audit:?}"
    );
    assert!(
        store
            .uncredited_payments(TelegramId(user.id))
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_typed_top_up_amount_is_checked_and_persian_digits_work() {
    let env = Env::start().await;
    let user = env.user(0).clone();
    let heleket = env.sandbox.heleket.as_ref().unwrap();
    let picker = env.say(&user, "/start", |it| button_data(it, "v1:l:").is_some());
    let menu = env.press(&user, picker.message_id, "v1:l:en", |it| {
        button_data(it, "v1:bl").is_some()
    });
    let balance = env.press(&user, menu.message_id, "v1:bl", |it| {
        button_data(it, "v1:bf").is_some()
    });
    let amounts = env.press(&user, balance.message_id, "v1:bf", |it| {
        button_data(it, "v1:to").is_some()
    });
    env.press(&user, amounts.message_id, "v1:to", |it| {
        has_text(it, "Type the amount")
    });
    for bad in ["abc", "0", "-5", "0.999", "1000.01", "1e3"] {
        env.say(&user, bad, |it| has_text(it, "not an amount we can take"));
    }
    assert!(heleket.invoices().is_empty(), "no invoice for a bad amount");
    let invoice_message = env.say(&user, "۷٫۵", |it| {
        has_text(it, "to your balance") && crate::support::button_url(it).is_some()
    });
    let url = crate::support::button_url(&invoice_message).unwrap();
    let invoice = heleket
        .invoices()
        .into_iter()
        .find(|it| it.url == url)
        .expect("the top-up invoice");
    assert_eq!(invoice.amount, "7.50");
    // The dialogue is over: more text is just not understood.
    env.say(&user, "8", |it| has_text(it, "didn't get that"));
    assert_eq!(heleket.invoices().len(), 1);
}
