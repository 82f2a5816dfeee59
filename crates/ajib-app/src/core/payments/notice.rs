//! The words for a settled payment: the customer's notice and the staff's, from the facts `settle_payment` queued.
//!
//! `Store::settle_payment` queues the facts (the settlement and the balance
//! right after) in its own transaction; the mail worker calls these when it
//! sends them, in the recipient's language.

use ajib_domain::{Money, Order, OrderId, TelegramId};
use ajib_i18n::Arg;
use ajib_storage::Settlement;
use ajib_transport::{Keyboard, Outgoing};

use crate::{
    core::{notify, payments::retry_keyboard},
    deps::Deps,
    format::price,
};

/// The customer's notice of a settled payment; `None` if the order is gone.
pub(crate) async fn user_notice(
    deps: &Deps,
    chat: i64,
    order: OrderId,
    settlement: Settlement,
    balance: Money,
) -> anyhow::Result<Option<Outgoing>> {
    let Some(order) = deps.store.get_order(order).await? else {
        return Ok(None);
    };
    let lang = notify::lang_of(deps, TelegramId(chat)).await;
    let balance = price(lang, balance);
    let (id, args, keyboard): (_, Vec<(&str, String)>, Option<Keyboard>) = match settlement {
        Settlement::AlreadySettled => return Ok(None),
        Settlement::Granted { excess, .. } if excess.is_zero() => {
            ("payment-received", Vec::new(), None)
        }
        Settlement::Granted { excess, .. } => (
            "payment-received-excess",
            vec![("excess", price(lang, excess)), ("balance", balance)],
            None,
        ),
        Settlement::Credited { amount } if amount.minor() < order.invoice_amount.minor() => (
            "payment-underpaid",
            vec![
                ("paid", price(lang, amount)),
                ("price", price(lang, order.invoice_amount)),
                ("missing", missing(lang, &order, amount)),
                ("balance", balance),
            ],
            Some(retry_keyboard(deps, &order).await),
        ),
        Settlement::Credited { amount } => {
            // An order made with a promo code that was not granted: most
            // likely the code ran out before the payment arrived.
            let id = match deps.store.order_promo(order.id).await? {
                Some(promo) if !promo.used => "promo-payment-to-balance",
                _ => "payment-to-balance",
            };
            (
                id,
                vec![("amount", price(lang, amount)), ("balance", balance)],
                None,
            )
        }
    };
    Ok(Some(text(deps, chat, lang, id, &args, keyboard)))
}

/// A staff member's notice of a settled payment: a purchase, or too little
/// paid; `None` for anything else or if the order is gone.
pub(crate) async fn staff_notice(
    deps: &Deps,
    chat: i64,
    order: OrderId,
    settlement: Settlement,
) -> anyhow::Result<Option<Outgoing>> {
    let Some(order) = deps.store.get_order(order).await? else {
        return Ok(None);
    };
    let lang = notify::lang_of(deps, TelegramId(chat)).await;
    let (order_ref, user) = (order.id.to_string(), order.user.to_string());
    let (id, args) = match settlement {
        Settlement::Granted { .. } => {
            let plan = match order.plan {
                Some(plan) => deps
                    .store
                    .get_plan(plan)
                    .await?
                    .map(|it| it.name_in(lang).to_owned()),
                None => None,
            };
            (
                "admin-new-purchase",
                vec![
                    ("user", user),
                    ("plan", plan.unwrap_or_default()),
                    ("price", price(lang, order.amount)),
                    ("order", order_ref),
                ],
            )
        }
        Settlement::Credited { amount } if amount.minor() < order.invoice_amount.minor() => (
            "admin-underpaid",
            vec![
                ("order", order_ref),
                ("user", user),
                ("paid", price(lang, amount)),
                ("price", price(lang, order.invoice_amount)),
            ],
        ),
        Settlement::Credited { .. } | Settlement::AlreadySettled => return Ok(None),
    };
    Ok(Some(text(deps, chat, lang, id, &args, None)))
}

/// What is missing of the invoice's amount after `paid` arrived.
fn missing(lang: ajib_domain::Lang, order: &Order, paid: Money) -> String {
    Money::from_minor(
        order.invoice_amount.minor() - paid.minor(),
        order.amount.currency(),
    )
    .map(|it| price(lang, it))
    .unwrap_or_default()
}

fn text(
    deps: &Deps,
    chat: i64,
    lang: ajib_domain::Lang,
    id: &str,
    args: &[(&str, String)],
    keyboard: Option<Keyboard>,
) -> Outgoing {
    let args: Vec<(&str, Arg<'_>)> = args
        .iter()
        .map(|(name, value)| (*name, Arg::from(value.as_str())))
        .collect();
    Outgoing::Text {
        chat_id: chat,
        text: deps.t(lang, id, &args),
        keyboard,
        html: true,
    }
}
