//! Balance top-ups: an invoice whose money goes to the user's balance.
//!
//! The same rules as orders (see `core::payments`): a webhook is only a hint,
//! the invoice is asked for and checked, and what arrived is credited once —
//! late, over or under the amount asked alike, since a top-up has nothing to
//! grant but the money itself.

use ajib_domain::{Money, TelegramId};
use ajib_i18n::Arg;
use ajib_storage::{Topup, TopupSettlement, TopupStatus};
use ajib_transport::Outgoing;
use heleket::PaymentStatus;

use crate::{
    core::{
        invoice, mail, notify,
        payments::{POLL_INTERVAL_SECS, Unpaid, alert_mismatch, matches_invoice, received, unpaid},
    },
    deps::{Deps, now},
    format::price,
};

/// What reconciling a top-up did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopupReconciled {
    /// Still waiting.
    Pending,
    /// This call credited the balance.
    Credited,
    /// Credited before.
    AlreadyCredited,
    /// Ran out unpaid (still asked about for a while).
    Expired,
    /// Failed or cancelled.
    Failed,
    /// The invoice is not the one we issued: the owners were told.
    Mismatch,
}

/// An open top-up invoice for `amount`: the user's current one while it
/// stays payable a while longer, or a new one.
pub async fn open(
    deps: &Deps,
    user: TelegramId,
    amount: Money,
    reuse_margin_secs: i64,
) -> anyhow::Result<Topup> {
    let at = now();
    if let Some(open) = deps
        .store
        .open_topup(user, amount, at.plus_secs(reuse_margin_secs))
        .await?
    {
        return Ok(open);
    }
    let topup = deps.store.create_topup(user, amount, at).await?;
    let issued = invoice::issue(
        deps,
        topup.id.invoice_ref(),
        amount,
        format!("balance top-up {}", topup.id),
    )
    .await;
    let issued = match issued {
        Ok(it) => it,
        Err(err) => {
            deps.store
                .close_topup(
                    topup.id,
                    TopupStatus::Failed,
                    "invoice creation failed",
                    now(),
                )
                .await?;
            return Err(err);
        }
    };
    let next_poll = now().plus_secs(POLL_INTERVAL_SECS);
    Ok(deps
        .store
        .set_topup_invoiced(topup.id, &issued, next_poll, now())
        .await?)
}

/// Asks Heleket about the top-up's invoice and applies what it says.
pub async fn reconcile(deps: &Deps, topup: &Topup) -> anyhow::Result<TopupReconciled> {
    let Some(invoice) = &topup.invoice else {
        anyhow::bail!("top-up {} has no invoice", topup.id);
    };
    let info = invoice::info(deps, &invoice.uuid).await?;
    let at = now();
    if let Err(what) = matches_invoice(&info, &topup.id.invoice_ref(), topup.amount) {
        return mismatch(deps, topup, &info.uuid, &what).await;
    }
    if info.status.is_paid() || info.status.is_underpaid() {
        let got = match info.status {
            PaymentStatus::Paid => Some(topup.amount),
            _ => received(
                info.payment_amount.as_deref(),
                info.payer_amount.as_deref(),
                topup.amount,
            ),
        };
        let Some(got) = got.filter(|it| !it.is_zero()) else {
            let what = format!(
                "status {} with payment_amount {:?}: the amount received is unknown",
                info.status.as_str(),
                info.payment_amount
            );
            return mismatch(deps, topup, &info.uuid, &what).await;
        };
        return match deps
            .store
            .settle_topup(topup.id, &info.uuid, got, at)
            .await?
        {
            TopupSettlement::AlreadySettled => Ok(TopupReconciled::AlreadyCredited),
            TopupSettlement::Credited(_) => {
                // The notice was queued with the money.
                mail::wake();
                Ok(TopupReconciled::Credited)
            }
        };
    }
    match unpaid(&info.status, invoice.expires, at) {
        Unpaid::Pending(next) => {
            deps.store.set_topup_next_poll(topup.id, Some(next)).await?;
            Ok(TopupReconciled::Pending)
        }
        Unpaid::Expired(next) => {
            deps.store
                .close_topup(topup.id, TopupStatus::Expired, "ran out", at)
                .await?;
            deps.store.set_topup_next_poll(topup.id, next).await?;
            Ok(TopupReconciled::Expired)
        }
        Unpaid::Failed => {
            deps.store.set_topup_next_poll(topup.id, None).await?;
            deps.store
                .close_topup(topup.id, TopupStatus::Failed, info.status.as_str(), at)
                .await?;
            Ok(TopupReconciled::Failed)
        }
    }
}

/// The notice of a credited top-up, in the chat's language (the mail worker sends it).
pub(crate) async fn credited_notice(
    deps: &Deps,
    chat: i64,
    amount: Money,
    balance: Money,
) -> Outgoing {
    let lang = notify::lang_of(deps, TelegramId(chat)).await;
    let amount = price(lang, amount);
    let balance = price(lang, balance);
    let args = [
        ("amount", Arg::from(amount.as_str())),
        ("balance", Arg::from(balance.as_str())),
    ];
    Outgoing::Text {
        chat_id: chat,
        text: deps.t(lang, "topup-credited", &args),
        keyboard: None,
        html: true,
    }
}

async fn mismatch(
    deps: &Deps,
    topup: &Topup,
    uuid: &str,
    what: &str,
) -> anyhow::Result<TopupReconciled> {
    log::error!("invoice {uuid} of top-up {}: {what}", topup.id);
    deps.store.set_topup_next_poll(topup.id, None).await?;
    let closed = deps
        .store
        .close_topup(topup.id, TopupStatus::Failed, what, now())
        .await?;
    if closed {
        alert_mismatch(deps, &topup.id.invoice_ref(), topup.user, uuid, what).await;
    }
    Ok(TopupReconciled::Mismatch)
}

/// Reconciles every top-up that is due (part of the poller's round).
pub async fn poll_due(deps: &Deps, batch: u32) {
    let due = match deps.store.due_topups(now(), batch).await {
        Ok(due) => due,
        Err(err) => return log::error!("invoice poller cannot read top-ups: {err}"),
    };
    for topup in due {
        if let Err(err) = reconcile(deps, &topup).await {
            log::warn!("polling top-up {} failed: {err}", topup.id);
            let next = Some(now().plus_secs(POLL_INTERVAL_SECS));
            if let Err(err) = deps.store.set_topup_next_poll(topup.id, next).await {
                log::error!("could not reschedule top-up {}: {err}", topup.id);
            }
        }
    }
}
