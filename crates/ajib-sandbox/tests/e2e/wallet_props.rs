//! The money invariants under random sequences of invoice events, through the
//! whole bot: webhooks duplicated, held and released late, polls, Check
//! presses, restarts, the panel down, our side giving up on the invoice.
//!
//! Whatever happens, once the bot has heard of a final outcome: what Heleket
//! confirmed is credited exactly once (one `payment` row); the plan is
//! granted and provisioned once exactly when it was paid in full; the
//! balance is what was credited less what was bought, never negative.
//! `AJIB_PROPTEST_CASES` raises the number of sequences (CI runs a few,
//! each starting a sandbox).

use ajib_domain::{Currency, OrderStatus, TelegramId};
use ajib_storage::LedgerCause;
use ajib_testkit::{
    blitz::BlitzFault,
    heleket::{PayOutcome, WebhookMode},
};
use proptest::prelude::*;

use crate::support::{Env, until};

/// The first demo plan's price, in cents.
const PRICE: i64 = 300;

#[derive(Debug, Clone, Copy)]
enum Event {
    /// Heleket reaches a final outcome (the first one counts; later ones resend it).
    Pay(PayOutcome, WebhookMode),
    /// Webhooks held so far arrive now.
    ReleaseHeld,
    /// The poller's round, with the invoice due.
    Poll,
    /// The user presses "Check payment".
    Check,
    /// The bot restarts.
    Restart,
    /// The panel goes down or comes back.
    Panel(bool),
    /// Our side gives up on the invoice (as after its expiry).
    ExpireOurs,
}

fn event() -> impl Strategy<Value = Event> {
    let outcome = prop_oneof![
        Just(PayOutcome::Paid),
        Just(PayOutcome::PaidOver),
        Just(PayOutcome::WrongAmount),
        Just(PayOutcome::Cancel),
    ];
    let mode = prop_oneof![
        Just(WebhookMode::Once),
        Just(WebhookMode::Twice),
        Just(WebhookMode::Held),
        Just(WebhookMode::Never),
    ];
    prop_oneof![
        (outcome, mode).prop_map(|(outcome, mode)| Event::Pay(outcome, mode)),
        Just(Event::ReleaseHeld),
        Just(Event::Poll),
        Just(Event::Check),
        Just(Event::Restart),
        any::<bool>().prop_map(Event::Panel),
        Just(Event::ExpireOurs),
    ]
}

fn cases() -> u32 {
    std::env::var("AJIB_PROPTEST_CASES")
        .ok()
        .and_then(|it| it.parse().ok())
        .unwrap_or(12)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn every_confirmed_payment_lands_once(events in proptest::collection::vec(event(), 1..10)) {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(run(events));
    }
}

async fn run(events: Vec<Event>) {
    let mut env = Env::start().await;
    let user = env.user(0).clone();
    let open = env.open_invoice(&user, "v1:l:en");
    let (uuid, order) = (open.invoice.uuid.clone(), open.order);
    let mut outcome = None;
    for event in &events {
        let heleket = env.sandbox.heleket.as_ref().unwrap();
        let deps = env.sandbox.app.deps.clone();
        match *event {
            Event::Pay(chosen, mode) => {
                heleket.set_webhook_mode(mode);
                // A final invoice does not change: a second report repeats the first.
                let first = *outcome.get_or_insert(chosen);
                heleket.pay(&uuid, first);
            }
            Event::ReleaseHeld => heleket.release_held(),
            Event::Poll => poll(&deps, order).await,
            Event::Check => check(&env, order).await,
            Event::Restart => env.sandbox.restart_bot().await.unwrap(),
            Event::Panel(up) => env.sandbox.blitz.as_ref().unwrap().set_fault(match up {
                true => BlitzFault::None,
                false => BlitzFault::ServerError,
            }),
            Event::ExpireOurs => {
                deps.store
                    .mark_expired(order, ajib_app::deps::now())
                    .await
                    .unwrap();
            }
        }
    }
    // Let everything be heard: held webhooks, the panel back, a Check press.
    let heleket = env.sandbox.heleket.as_ref().unwrap();
    heleket.set_webhook_mode(WebhookMode::Once);
    heleket.release_held();
    env.sandbox
        .blitz
        .as_ref()
        .unwrap()
        .set_fault(BlitzFault::None);
    check(&env, order).await;

    let store = &env.sandbox.app.deps.store;
    let got = match outcome {
        Some(PayOutcome::Paid) => PRICE,
        Some(PayOutcome::PaidOver) => PRICE * 11 / 10,
        Some(PayOutcome::WrongAmount) => PRICE / 2,
        Some(PayOutcome::Cancel) | None => 0,
    };
    let paid_in_full = got >= PRICE;
    until(
        "the outcome to settle and the plan to be provisioned",
        async || {
            let status = store.get_order(order).await.unwrap().unwrap().status;
            !paid_in_full || status == OrderStatus::Provisioned
        },
    )
    .await;
    let rows = store.ledger_for_order(order).await.unwrap();
    let of = |cause| -> Vec<i64> {
        rows.iter()
            .filter(|it| it.cause == cause)
            .map(|it| it.delta_minor)
            .collect()
    };
    let credits = of(LedgerCause::Payment);
    let purchases = of(LedgerCause::Purchase);
    let what = format!("{events:?}");
    match got {
        0 => assert!(credits.is_empty(), "{what}: {credits:?}"),
        got => assert_eq!(credits, [got], "{what}"),
    }
    assert_eq!(
        purchases.len(),
        usize::from(paid_in_full),
        "{what}: {purchases:?}"
    );
    let balance = store
        .balance(TelegramId(user.id), Currency::USD)
        .await
        .unwrap()
        .minor();
    assert_eq!(
        balance,
        got - if paid_in_full { PRICE } else { 0 },
        "{what}"
    );
    let panel_users = env.sandbox.blitz.as_ref().unwrap().users().len();
    assert_eq!(panel_users, usize::from(paid_in_full), "{what}");
}

async fn poll(deps: &ajib_app::deps::Deps, order: ajib_domain::OrderId) {
    let due = ajib_app::deps::now().plus_secs(-1);
    deps.store.set_next_poll(order, due).await.unwrap();
    ajib_app::core::poller::round(deps).await;
}

/// Presses "Check payment" and waits until the bot has handled it.
async fn check(env: &Env, order: ajib_domain::OrderId) {
    let telegram = &env.sandbox.telegram;
    let store = &env.sandbox.app.deps.store;
    let answered = telegram.callback_answers().len();
    telegram.press_button(env.user(0), 1, &format!("v1:c:{}", order.0));
    until("the Check press to be handled", async || {
        telegram.callback_answers().len() > answered
            && store.unhandled_updates(10).await.unwrap().is_empty()
    })
    .await;
}
