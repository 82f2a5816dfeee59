//! Reconciling an order with Heleket: the one path from "maybe paid" to "paid".
//!
//! Webhooks, the poller and the user's "check" button all end here. A webhook
//! is only a hint: the invoice is fetched from `/v1/payment/info` and must
//! match the order (reference, amount, currency) before `Store::settle_payment`
//! credits what arrived, exactly once, and grants the order in the same
//! transaction when it still can be. Every paid cent lands somewhere: a
//! late payment (after the invoice expired) is granted if the plan is still
//! sold at that price, an excess or a payment that cannot be granted stays on
//! the user's balance, a final underpayment too, and a mismatch alerts the
//! owners once and is no longer polled.

mod notice;
mod received;
mod unpaid;

use ajib_domain::{Money, Order, OrderKind, TelegramId, UnixTime};
use ajib_i18n::Arg;
use ajib_storage::{ConfirmedPayment, Settlement};
use heleket::{Invoice, PaymentStatus};

use crate::{
    agent_bots::notices,
    callback::Callback,
    core::{invoice, mail, notify},
    deps::{Deps, now},
    format::price,
    keyboards::{button, inline, link},
};

pub(crate) use self::notice::{staff_notice, user_notice};
pub(crate) use self::received::received;
pub use self::unpaid::POLL_INTERVAL_SECS;
pub(crate) use self::unpaid::{Unpaid, unpaid};

/// What reconciling an order did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reconciled {
    /// Still waiting for payment.
    Pending,
    /// This call credited the payment and queued provisioning.
    Granted,
    /// The payment had been credited before.
    AlreadyPaid,
    /// This call put the payment on the user's balance instead of granting the order.
    Credited,
    /// The invoice expired unpaid (it is still asked about for a while).
    Expired,
    /// Paid too little: what arrived is on the balance.
    Underpaid,
    /// Cancelled or failed.
    Failed,
    /// Heleket's invoice does not match the order: the owners were told, polling stopped.
    Mismatch,
}

/// Asks Heleket about `order`'s invoice and applies what it says.
pub async fn reconcile(deps: &Deps, order: &Order) -> anyhow::Result<Reconciled> {
    let Some(invoice) = &order.invoice else {
        anyhow::bail!("order {} has no invoice", order.id);
    };
    let info = invoice::info(deps, &invoice.uuid).await?;
    let at = now();
    let raw = serde_json::Value::Object(info.raw.clone()).to_string();
    let first_report = deps
        .store
        .record_payment_status(&info.uuid, order.id, info.status.as_str(), &raw, at)
        .await?;
    if let Err(mismatch) = matches_order(&info, order) {
        return mismatch_found(deps, order, &info.uuid, &mismatch, at).await;
    }
    if info.status.is_paid() || info.status.is_underpaid() {
        return settle(deps, order, &info, at).await;
    }
    if info.status == PaymentStatus::RefundPaid {
        refunded(deps, order, at).await?;
    }
    if info.status == PaymentStatus::WrongAmountWaiting && first_report {
        tell_missing(deps, order, &info).await;
    }
    match unpaid(&info.status, invoice.expires, at) {
        Unpaid::Pending(next) => {
            deps.store.set_next_poll(order.id, next).await?;
            Ok(Reconciled::Pending)
        }
        Unpaid::Expired(next) => expired(deps, order, next, at).await,
        Unpaid::Failed => {
            deps.store.stop_polling(order.id).await?;
            if deps
                .store
                .mark_failed(order.id, info.status.as_str(), at)
                .await?
            {
                tell_buyer(deps, order, "payment-failed", &[], None).await;
            }
            Ok(Reconciled::Failed)
        }
    }
}

/// The invoice ran out unpaid: the user is told once; it is asked about
/// again at `next`, if any.
async fn expired(
    deps: &Deps,
    order: &Order,
    next: Option<UnixTime>,
    at: UnixTime,
) -> anyhow::Result<Reconciled> {
    if deps.store.mark_expired(order.id, at).await? {
        tell_buyer(deps, order, "payment-expired", &[], None).await;
    }
    match next {
        Some(next) => {
            deps.store.set_next_poll(order.id, next).await?;
        }
        None => deps.store.stop_polling(order.id).await?,
    }
    Ok(Reconciled::Expired)
}

/// A confirmed payment (`paid`, `paid_over`, or a final `wrong_amount`):
/// granted when the order still can be, otherwise kept on the balance; the
/// customer's notice (and the staff's) is queued in the same transaction.
async fn settle(
    deps: &Deps,
    order: &Order,
    info: &Invoice,
    at: UnixTime,
) -> anyhow::Result<Reconciled> {
    let received = match info.status {
        // `paid` means the amount asked arrived, whatever the rounding of the figures.
        PaymentStatus::Paid => Some(order.invoice_amount),
        _ => received(
            info.payment_amount.as_deref(),
            info.payer_amount.as_deref(),
            order.invoice_amount,
        ),
    };
    let Some(received) = received else {
        let what = format!(
            "status {} with payment_amount {:?}, payer_amount {:?}: the amount received is unknown",
            info.status.as_str(),
            info.payment_amount,
            info.payer_amount
        );
        return mismatch_found(deps, order, &info.uuid, &what, at).await;
    };
    let payment = ConfirmedPayment {
        order: order.id,
        invoice_uuid: info.uuid.clone(),
        received,
        grantable: still_sold_at(deps, order).await?,
    };
    // The notices were queued with the money (see `notice`): wake their sender.
    let res = match deps.store.settle_payment(&payment, at).await? {
        Settlement::AlreadySettled => return Ok(Reconciled::AlreadyPaid),
        Settlement::Granted { job, .. } => {
            log::info!("order {} paid; provisioning job {job} queued", order.id);
            deps.provision_wake.notify_one();
            Reconciled::Granted
        }
        Settlement::Credited { amount } if amount.minor() < order.invoice_amount.minor() => {
            Reconciled::Underpaid
        }
        Settlement::Credited { amount } => {
            log::warn!(
                "order {} could not be granted (status {}); {amount} credited to the balance",
                order.id,
                order.status.as_str()
            );
            Reconciled::Credited
        }
    };
    mail::wake();
    Ok(res)
}

/// Heleket gave the invoice's money back to the payer: the referral rewards
/// the purchase earned are taken back, once (the order itself is left as it is).
async fn refunded(deps: &Deps, order: &Order, at: UnixTime) -> anyhow::Result<()> {
    let reversed = deps.store.reverse_rewards_for_refund(order.id, at).await?;
    for reward in reversed {
        log::warn!(
            "order {} refunded: referral reward #{} of {} to {} reversed ({} taken back)",
            order.id,
            reward.id,
            reward.amount,
            reward.beneficiary,
            reward.taken_back
        );
    }
    Ok(())
}

/// Whether the order's plan is still on sale at the order's price (a
/// renewal also needs its service to exist still).
pub(crate) async fn still_sold_at(deps: &Deps, order: &Order) -> anyhow::Result<bool> {
    let Some(plan) = order.plan else {
        return Ok(false);
    };
    let price_now = |plan: &ajib_domain::Plan| match order.kind {
        OrderKind::Renewal(_) => ajib_domain::renewal_price(plan),
        OrderKind::New | OrderKind::Test => plan.price,
    };
    // A promo code's order was priced from the plan's price before the code.
    let listed = match deps.store.order_promo(order.id).await? {
        Some(promo) => promo.price.list,
        None => order.amount,
    };
    // An agent's order keeps the price it was made at (their cost then):
    // the customer paid the invoice, only the plan must still be sold.
    let agents = deps.store.order_agent(order.id).await?.is_some();
    let on_sale = deps
        .store
        .get_plan(plan)
        .await?
        .is_some_and(|it| it.active && (agents || price_now(&it) == listed));
    let service_left = match order.kind {
        OrderKind::Renewal(service) => deps.store.get_service(service).await?.is_some(),
        OrderKind::New | OrderKind::Test => true,
    };
    Ok(on_sale && service_left)
}

/// `wrong_amount_waiting`: the invoice is still open and short; say by how much.
async fn tell_missing(deps: &Deps, order: &Order, info: &Invoice) {
    let so_far = received(
        info.payment_amount.as_deref(),
        info.payer_amount.as_deref(),
        order.invoice_amount,
    )
    .unwrap_or(Money::zero(order.amount.currency()));
    let lang = match bot_buyer(deps, order).await {
        Some((agent, customer)) => notices::bot_customer_lang(deps, agent, customer).await,
        None => notify::lang_of(deps, order.user).await,
    };
    let missing = Money::from_minor(
        (order.invoice_amount.minor() - so_far.minor()).max(0),
        order.amount.currency(),
    )
    .map(|it| price(lang, it))
    .unwrap_or_default();
    let paid = price(lang, so_far);
    let args = [
        ("paid", Arg::from(paid.as_str())),
        ("missing", Arg::from(missing.as_str())),
    ];
    let pay_url = order.invoice.as_ref().map(|it| it.url.clone());
    tell_buyer(deps, order, "payment-short", &args, pay_url).await;
}

/// The agent and customer of an order sold in an agent's bot, if it was.
async fn bot_buyer(deps: &Deps, order: &Order) -> Option<(TelegramId, TelegramId)> {
    match deps.store.order_agent(order.id).await {
        Ok(sale) => sale.and_then(|it| Some((it.agent, it.customer?))),
        Err(err) => {
            log::warn!("order {}: cannot tell whose sale it is: {err}", order.id);
            None
        }
    }
}

/// Tells whoever bought `order` message `id` about its invoice: a customer
/// of an agent's bot through that bot, else the order's user, with a pay
/// button for `pay_url` or else a way to buy again.
async fn tell_buyer(
    deps: &Deps,
    order: &Order,
    id: &str,
    args: &[(&str, Arg<'_>)],
    pay_url: Option<String>,
) {
    if let Some((agent, customer)) = bot_buyer(deps, order).await {
        return notices::tell_customer(deps, agent, customer, id, args, pay_url).await;
    }
    let lang = notify::lang_of(deps, order.user).await;
    let keyboard = match pay_url {
        Some(url) => inline(vec![vec![link(deps.t(lang, "btn-pay", &[]), url)]]),
        None => retry_keyboard(deps, order).await,
    };
    notify::user(deps, order.user, id, args, Some(keyboard)).await;
}

/// An invoice that is not exactly this order's is never credited: the
/// owners are told once with the details, and it is no longer polled.
async fn mismatch_found(
    deps: &Deps,
    order: &Order,
    uuid: &str,
    what: &str,
    at: UnixTime,
) -> anyhow::Result<Reconciled> {
    log::error!("invoice {uuid} of order {}: {what}", order.id);
    let note = format!("invoice {uuid}: {what}");
    let closed = deps.store.close_mismatch(order.id, &note, at).await?;
    deps.store.stop_polling(order.id).await?;
    if closed {
        alert_mismatch(deps, &order.id.invoice_ref(), order.user, uuid, what).await;
    }
    Ok(Reconciled::Mismatch)
}

/// Tells the owners, with the details, that an invoice does not match what we issued.
pub(crate) async fn alert_mismatch(
    deps: &Deps,
    reference: &str,
    user: ajib_domain::TelegramId,
    uuid: &str,
    what: &str,
) {
    let user = user.to_string();
    let args = [
        ("order", Arg::from(reference)),
        ("user", Arg::from(user.as_str())),
        ("invoice", Arg::from(uuid)),
        ("details", Arg::from(what)),
    ];
    notify::admins(deps, "admin-payment-mismatch", &args).await;
}

/// Checks that Heleket's invoice is this order's, for this amount and currency.
fn matches_order(info: &Invoice, order: &Order) -> Result<(), String> {
    matches_invoice(info, &order.id.invoice_ref(), order.invoice_amount)
}

/// Checks that Heleket's invoice is the one we issued under `reference` for `amount`.
pub(crate) fn matches_invoice(
    info: &Invoice,
    reference: &str,
    amount: Money,
) -> Result<(), String> {
    if info.order_id.as_deref() != Some(reference) {
        return Err(format!(
            "order reference {:?}, expected {reference:?}",
            info.order_id
        ));
    }
    let currency = amount.currency();
    if info.currency.as_deref() != Some(currency.code()) {
        return Err(format!(
            "currency {:?}, expected {}",
            info.currency,
            currency.code()
        ));
    }
    match info.amount.as_deref().map(|it| Money::parse(it, currency)) {
        Some(Ok(asked)) if asked == amount => Ok(()),
        _ => Err(format!(
            "amount {:?}, expected {}",
            info.amount,
            amount.to_decimal_string()
        )),
    }
}

/// Buy the plan again (when the order had one) and Menu.
pub(crate) async fn retry_keyboard(deps: &Deps, order: &Order) -> ajib_transport::Keyboard {
    let lang = notify::lang_of(deps, order.user).await;
    let mut rows = Vec::new();
    if let Some(plan) = order.plan {
        rows.push(vec![button(
            deps.t(lang, "btn-retry-purchase", &[]),
            Callback::Plan(plan),
        )]);
    }
    rows.push(vec![button(deps.t(lang, "btn-menu", &[]), Callback::Menu)]);
    inline(rows)
}
