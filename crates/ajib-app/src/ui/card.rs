//! Card-to-card payment: the customer's receipt dialogue, and the staff's Approve / Reject.
//!
//! "💳 Card to card" on an order's invoice shows the amount in the card's
//! currency and the card, and opens a dialogue waiting for the receipt (a
//! photo, or the transaction reference as text). The receipt goes to every
//! owner and admin with Approve / Reject; the storage makes the first
//! decision the only one ([`ajib_storage::Store::approve_card_payment`]), and
//! a rejection asks the admin for the reason the customer then receives.

use ajib_domain::{OrderId, OrderStatus, TelegramId};
use ajib_i18n::Arg;
use ajib_storage::{CardDecision, CardPayment, CardPaymentId, CardState, Receipt, Submitted};

use crate::{
    core::{card, mail, notify, payments},
    deps::{Deps, now},
    format::price,
    ui::{
        Ctx, Handled, HandlerError, Reply,
        dialog::{self, Dialog, Input},
        notice,
        staff::cancel_keyboard,
    },
};

/// "💳 Card to card" on order `id`: the amount, the card, and a request for the receipt.
pub async fn offer(deps: &Deps, ctx: &Ctx, id: OrderId) -> Handled {
    let card = deps
        .settings
        .card
        .as_ref()
        .ok_or_else(|| HandlerError::stale("card payments are off"))?;
    let order = open_order(deps, ctx, id).await?;
    if deps.store.pending_card_payment_of(id).await?.is_some() {
        return Ok(notice(deps, ctx, "card-already-pending"));
    }
    let local = card::local_minor(card, order.invoice_amount)
        .ok_or_else(|| HandlerError::Other(anyhow::anyhow!("card amount out of range")))?;
    let amount = card::local_amount(ctx.lang, local, &card.currency);
    let bank = card.bank.as_deref().unwrap_or("-");
    let text = deps.t(
        ctx.lang,
        "card-offer",
        &[
            ("order", Arg::from(id.0)),
            ("amount", Arg::from(amount.as_str())),
            (
                "price",
                Arg::from(price(ctx.lang, order.invoice_amount).as_str()),
            ),
            ("number", Arg::from(card.number.grouped().as_str())),
            ("holder", Arg::from(card.holder.as_str())),
            ("bank", Arg::from(bank)),
            ("hours", Arg::from(card.approval_hours)),
        ],
    );
    dialog::save(deps, ctx.user, &Dialog::CardReceipt(id)).await;
    Ok(vec![ctx.say_with(text, cancel_keyboard(deps, ctx))])
}

/// What the customer sent while asked for the receipt of order `id`: a
/// photo or a reference is stored and sent to the staff; anything else is asked for again.
pub async fn receipt(deps: &Deps, ctx: &Ctx, id: OrderId, input: &Input<'_>) -> Handled {
    let card = deps
        .settings
        .card
        .as_ref()
        .ok_or_else(|| HandlerError::stale("card payments are off"))?;
    let receipt = match (input.photo, input.text.trim()) {
        (Some(photo), _) => Receipt::Photo(photo.file_id.clone()),
        (None, text) if !text.is_empty() => Receipt::Reference(text.to_owned()),
        (None, _) => {
            return Ok(vec![ctx.say_with(
                deps.t(ctx.lang, "card-receipt-ask", &[]),
                cancel_keyboard(deps, ctx),
            )]);
        }
    };
    let order = open_order(deps, ctx, id).await?;
    let local = card::local_minor(card, order.invoice_amount)
        .ok_or_else(|| HandlerError::Other(anyhow::anyhow!("card amount out of range")))?;
    let new = ajib_storage::NewCardReceipt {
        order: id,
        user: ctx.user,
        local_minor: local,
        local_currency: card.currency.clone(),
        receipt,
        ttl_secs: i64::from(card.approval_hours) * 3600,
    };
    let submitted = deps.store.submit_card_receipt(&new, now()).await?;
    dialog::close(deps, ctx.user).await;
    match submitted {
        Submitted::Pending(payment) => {
            log::info!(
                "card payment {} for order {id} awaits approval (card ****{})",
                payment.id,
                card.number.last4()
            );
            let customer = deps
                .store
                .get_user(ctx.user)
                .await?
                .map_or_else(String::new, |it| it.first_name);
            let staff = card::staff_receipt_mail(deps, &payment, &customer).await;
            mail::queue(deps, staff).await;
            Ok(notice(deps, ctx, "card-received"))
        }
        Submitted::AlreadyPending(_) => Ok(notice(deps, ctx, "card-already-pending")),
        Submitted::TooMany => Ok(notice(deps, ctx, "card-too-many")),
    }
}

/// Approve on receipt `id`: credits and grants the order once; a later press says who decided.
pub async fn approve(deps: &Deps, ctx: &Ctx, id: CardPaymentId) -> Handled {
    let payment = match pending(deps, id).await? {
        Ok(payment) => payment,
        Err(decided) => return Ok(already_decided(deps, ctx, &decided).await),
    };
    let order = deps
        .store
        .get_order(payment.order)
        .await?
        .ok_or(ajib_storage::Error::NotFound { what: "order" })?;
    let grantable = payments::still_sold_at(deps, &order).await?;
    match deps
        .store
        .approve_card_payment(id, ctx.user, grantable, now())
        .await?
    {
        CardDecision::Decided { payment, .. } => {
            log::info!("{} approved card payment {id}", ctx.user);
            // The customer's notice and the staff's "new purchase" were queued with the credit.
            deps.provision_wake.notify_one();
            mail::wake();
            Ok(vec![ctx.say(deps.t(
                ctx.lang,
                "card-approved-staff",
                &[
                    ("id", Arg::from(id.0)),
                    ("order", Arg::from(payment.order.0)),
                ],
            ))])
        }
        CardDecision::AlreadyDecided(payment) => Ok(already_decided(deps, ctx, &payment).await),
    }
}

/// Reject on receipt `id`: asks for the reason the customer will read.
pub async fn ask_reject(deps: &Deps, ctx: &Ctx, id: CardPaymentId) -> Handled {
    if let Err(payment) = pending(deps, id).await? {
        return Ok(already_decided(deps, ctx, &payment).await);
    }
    dialog::save(deps, ctx.user, &Dialog::CardReject(id)).await;
    Ok(vec![ctx.say_with(
        deps.t(ctx.lang, "card-reject-ask", &[("id", Arg::from(id.0))]),
        cancel_keyboard(deps, ctx),
    )])
}

/// The reason typed for rejecting receipt `id`: rejected once, and the customer told why.
pub async fn reject(deps: &Deps, ctx: &Ctx, id: CardPaymentId, text: &str) -> Handled {
    let reason = text.trim();
    if reason.is_empty() {
        return Ok(vec![ctx.say_with(
            deps.t(ctx.lang, "card-reject-ask", &[("id", Arg::from(id.0))]),
            cancel_keyboard(deps, ctx),
        )]);
    }
    let decision = deps
        .store
        .reject_card_payment(id, ctx.user, reason, now())
        .await?;
    dialog::close(deps, ctx.user).await;
    let payment = match decision {
        CardDecision::Decided { payment, .. } => payment,
        CardDecision::AlreadyDecided(payment) => {
            return Ok(already_decided(deps, ctx, &payment).await);
        }
    };
    log::info!("{} rejected card payment {id}", ctx.user);
    let stored_reason = payment.reason.as_deref().unwrap_or(reason);
    notify::user(
        deps,
        payment.user,
        "card-rejected",
        &[
            ("order", Arg::from(payment.order.0)),
            ("reason", Arg::from(stored_reason)),
        ],
        None,
    )
    .await;
    Ok(vec![ctx.say(deps.t(
        ctx.lang,
        "card-rejected-staff",
        &[("id", Arg::from(id.0))],
    ))])
}

/// The payment `id`: `Ok` while it is pending, `Err` with it once decided.
async fn pending(
    deps: &Deps,
    id: CardPaymentId,
) -> Result<Result<CardPayment, CardPayment>, HandlerError> {
    let payment = deps
        .store
        .card_payment(id)
        .await?
        .ok_or_else(|| HandlerError::stale("card payment"))?;
    Ok(match payment.state {
        CardState::Pending => Ok(payment),
        _ => Err(payment),
    })
}

/// "Already approved / rejected by X" (or expired) for a receipt someone decided first.
async fn already_decided(deps: &Deps, ctx: &Ctx, payment: &CardPayment) -> Reply {
    let by = match payment.decided_by {
        Some(admin) => staff_name(deps, admin).await,
        None => "-".to_owned(),
    };
    let id = match payment.state {
        CardState::Approved => "card-already-approved",
        CardState::Rejected => "card-already-rejected",
        CardState::Expired | CardState::Pending => "card-already-expired",
    };
    vec![ctx.say(deps.t(
        ctx.lang,
        id,
        &[
            ("id", Arg::from(payment.id.0)),
            ("by", Arg::from(by.as_str())),
        ],
    ))]
}

/// A staff member as others know them: their first name, or their id.
async fn staff_name(deps: &Deps, user: TelegramId) -> String {
    match deps.store.get_user(user).await {
        Ok(Some(row)) if !row.first_name.is_empty() => row.first_name,
        _ => user.0.to_string(),
    }
}

/// The customer's own order `id` while it can still be paid.
async fn open_order(
    deps: &Deps,
    ctx: &Ctx,
    id: OrderId,
) -> Result<ajib_domain::Order, HandlerError> {
    match deps.store.get_order(id).await? {
        Some(order)
            if order.user == ctx.user
                && matches!(
                    order.status,
                    OrderStatus::Created | OrderStatus::Invoiced | OrderStatus::Expired
                ) =>
        {
            Ok(order)
        }
        _ => Err(HandlerError::stale("open order")),
    }
}
