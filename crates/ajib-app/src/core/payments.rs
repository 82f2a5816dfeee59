//! Reconciling an order with Heleket: the one path from "maybe paid" to "paid".
//!
//! Webhooks, the poller and the user's "check" button all end here. A webhook
//! is only a hint: the invoice is fetched from `/v1/payment/info` and must
//! match the order (reference, amount, currency) before `Store::confirm_paid`
//! credits it, exactly once, in one transaction with the provisioning job.

use ajib_domain::{Money, Order, UnixTime};
use ajib_i18n::Arg;
use ajib_storage::PaidOutcome;
use heleket::{Invoice, InvoiceRef};

use crate::{
    blocking::blocking,
    callback::Callback,
    core::notify,
    deps::{Deps, now},
    format::price,
    keyboards::{button, inline},
};

/// Seconds between two polls of one invoice (Heleket asks for ≥ 30 s).
pub const POLL_INTERVAL_SECS: i64 = 30;

/// Grace after the invoice's expiry before we give up on it, for payments in flight.
const EXPIRY_GRACE_SECS: i64 = 120;

/// What reconciling an order did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reconciled {
    /// Still waiting for payment.
    Pending,
    /// This call credited the payment and queued provisioning.
    Granted,
    /// The payment had been credited before.
    AlreadyPaid,
    /// The invoice expired unpaid.
    Expired,
    /// Paid too little.
    Underpaid,
    /// Cancelled or failed.
    Failed,
}

/// Asks Heleket about `order`'s invoice and applies what it says.
pub async fn reconcile(deps: &Deps, order: &Order) -> anyhow::Result<Reconciled> {
    let Some(invoice) = &order.invoice else {
        anyhow::bail!("order {} has no invoice", order.id);
    };
    let client = deps.heleket.clone();
    let uuid = invoice.uuid.clone();
    let info = blocking(move || client.invoice_info(&InvoiceRef::Uuid(uuid))).await??;
    let at = now();
    let raw = serde_json::Value::Object(info.raw.clone()).to_string();
    deps.store
        .record_payment_status(&info.uuid, order.id, info.status.as_str(), &raw, at)
        .await?;
    if let Err(mismatch) = matches_order(&info, order) {
        // Never credit an invoice that is not exactly this order's.
        log::error!(
            "invoice {} does not match order {}: {mismatch}",
            info.uuid,
            order.id
        );
        anyhow::bail!(
            "invoice {} does not match order {}: {mismatch}",
            info.uuid,
            order.id
        );
    }
    if info.status.is_paid() {
        return grant(deps, order, &info.uuid, at).await;
    }
    if info.status.is_underpaid() {
        return underpaid(deps, order, &info, at).await;
    }
    if info.status.is_final() {
        if deps
            .store
            .mark_failed(order.id, info.status.as_str(), at)
            .await?
        {
            notify::user(
                deps,
                order.user,
                "payment-failed",
                &[],
                Some(retry_keyboard(deps, order).await),
            )
            .await;
        }
        return Ok(Reconciled::Failed);
    }
    if at.0 > invoice.expires.0 + EXPIRY_GRACE_SECS {
        if deps.store.mark_expired(order.id, at).await? {
            notify::user(
                deps,
                order.user,
                "payment-expired",
                &[],
                Some(retry_keyboard(deps, order).await),
            )
            .await;
        }
        return Ok(Reconciled::Expired);
    }
    deps.store
        .set_next_poll(order.id, at.plus_secs(POLL_INTERVAL_SECS))
        .await?;
    Ok(Reconciled::Pending)
}

async fn grant(deps: &Deps, order: &Order, uuid: &str, at: UnixTime) -> anyhow::Result<Reconciled> {
    match deps.store.confirm_paid(order.id, uuid, at).await? {
        PaidOutcome::AlreadyPaid => Ok(Reconciled::AlreadyPaid),
        PaidOutcome::Granted(job) => {
            log::info!("order {} paid; provisioning job {job} queued", order.id);
            deps.provision_wake.notify_one();
            notify::user(deps, order.user, "payment-received", &[], None).await;
            let plan = match order.plan {
                Some(plan) => deps
                    .store
                    .get_plan(plan)
                    .await
                    .ok()
                    .flatten()
                    .map(|it| it.name.en),
                None => None,
            };
            let amount = price(deps.settings.default_lang, order.amount);
            let order_ref = order.id.to_string();
            let user = order.user.to_string();
            let plan = plan.unwrap_or_default();
            let args = [
                ("user", Arg::from(user.as_str())),
                ("plan", Arg::from(plan.as_str())),
                ("price", Arg::from(amount.as_str())),
                ("order", Arg::from(order_ref.as_str())),
            ];
            notify::admins(deps, "admin-new-purchase", &args).await;
            Ok(Reconciled::Granted)
        }
    }
}

async fn underpaid(
    deps: &Deps,
    order: &Order,
    info: &Invoice,
    at: UnixTime,
) -> anyhow::Result<Reconciled> {
    if !deps.store.mark_underpaid(order.id, at).await? {
        return Ok(Reconciled::Underpaid);
    }
    let lang = notify::lang_of(deps, order.user).await;
    let paid = info
        .payment_amount
        .clone()
        .unwrap_or_else(|| "?".to_owned());
    let expected = price(lang, order.amount);
    let args = [
        ("paid", Arg::from(paid.as_str())),
        ("price", Arg::from(expected.as_str())),
    ];
    notify::user(deps, order.user, "payment-underpaid", &args, None).await;
    let order_ref = order.id.to_string();
    let user = order.user.to_string();
    let admin_args = [
        ("order", Arg::from(order_ref.as_str())),
        ("user", Arg::from(user.as_str())),
        ("paid", Arg::from(paid.as_str())),
        ("price", Arg::from(expected.as_str())),
    ];
    notify::admins(deps, "admin-underpaid", &admin_args).await;
    Ok(Reconciled::Underpaid)
}

/// Checks that Heleket's invoice is this order's, for this amount and currency.
fn matches_order(info: &Invoice, order: &Order) -> Result<(), String> {
    let reference = order.id.invoice_ref();
    if info.order_id.as_deref() != Some(reference.as_str()) {
        return Err(format!(
            "order reference {:?}, expected {reference:?}",
            info.order_id
        ));
    }
    let currency = order.amount.currency();
    if info.currency.as_deref() != Some(currency.code()) {
        return Err(format!(
            "currency {:?}, expected {}",
            info.currency,
            currency.code()
        ));
    }
    let amount = info.amount.as_deref().map(|it| Money::parse(it, currency));
    match amount {
        Some(Ok(amount)) if amount == order.amount => Ok(()),
        _ => Err(format!(
            "amount {:?}, expected {}",
            info.amount,
            order.amount.to_decimal_string()
        )),
    }
}

async fn retry_keyboard(deps: &Deps, order: &Order) -> ajib_transport::Keyboard {
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
