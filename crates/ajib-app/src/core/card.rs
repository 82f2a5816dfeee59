//! Card-to-card payments, the business side: the local amount, the staff's receipt notice, and expiry.
//!
//! The customer's dialogue and the staff's buttons live in `ui::card`; what
//! must happen without anyone pressing anything is here: every minute the
//! pending receipts whose `CARD_APPROVAL_HOURS` ran out are expired (one
//! statement, so a receipt expires once) and their customers told.

use std::{sync::Arc, time::Duration};

use ajib_config::CardConfig;
use ajib_domain::{Lang, Money, UnixTime};
use ajib_i18n::Arg;
use ajib_storage::{AdminRole, CardPayment, NewMail, Receipt};
use ajib_transport::Outgoing;
use tokio::sync::watch;

use crate::{
    blocking::every,
    callback::Callback,
    core::{mail, notify},
    deps::{Deps, now},
    format::price,
    keyboards::{button, inline},
};

/// How often expired receipts are looked for.
const ROUND: Duration = Duration::from_secs(60);

/// Runs until shutdown: expires receipts nobody decided on in time.
pub async fn run(deps: Arc<Deps>, shutdown: watch::Receiver<bool>) {
    let deps = &deps;
    every(ROUND, shutdown, || round(deps, now())).await;
}

/// One pass: every pending receipt whose time ran out at `at` is expired, and its customer told.
pub async fn round(deps: &Deps, at: UnixTime) {
    let expired = match deps.store.expire_card_payments(at).await {
        Ok(expired) => expired,
        Err(err) => {
            log::error!("cannot expire card payments: {err}");
            return;
        }
    };
    for payment in &expired {
        log::info!(
            "card payment {} of order {} expired undecided",
            payment.id,
            payment.order
        );
        let lang = notify::lang_of(deps, payment.user).await;
        let amount = local_amount(lang, payment.local_minor, &payment.local_currency);
        notify::user(
            deps,
            payment.user,
            "card-expired",
            &[
                ("order", Arg::from(payment.order.0)),
                ("amount", Arg::from(amount.as_str())),
            ],
            None,
        )
        .await;
    }
}

/// What the customer transfers for `amount` of the plan currency, in the card's minor units.
#[must_use]
pub fn local_minor(card: &CardConfig, amount: Money) -> Option<i64> {
    card.local_minor(amount.minor()).filter(|it| *it > 0)
}

/// A local amount as the customer reads it: whole units, grouped, in their digits.
#[must_use]
pub fn local_amount(lang: Lang, minor: i64, currency: &str) -> String {
    // Rials and tomans are never split in practice: the local amount is shown whole.
    let name = match (lang, currency) {
        (Lang::FA, "IRT") => "تومان",
        (Lang::FA, "IRR") => "ریال",
        _ => currency,
    };
    ajib_i18n::format_money(lang, minor, 0, name)
}

/// The receipt, with Approve / Reject, to every owner and admin (support
/// staff may not decide, so they are not sent it), as mail to queue.
pub async fn staff_receipt_mail(
    deps: &Deps,
    payment: &CardPayment,
    customer: &str,
) -> Vec<NewMail> {
    let mut res = Vec::new();
    for (chat, role) in deps.staff_chats().await {
        if role == AdminRole::Support {
            continue;
        }
        let lang = notify::lang_of(deps, ajib_domain::TelegramId(chat)).await;
        let amount = local_amount(lang, payment.local_minor, &payment.local_currency);
        let last4 = deps
            .settings
            .card
            .as_ref()
            .map_or(String::new(), |it| it.number.last4().to_owned());
        let reference = match &payment.receipt {
            Receipt::Reference(text) => text.as_str(),
            Receipt::Photo(_) => "📷",
        };
        let caption = deps.t(
            lang,
            "card-staff-receipt",
            &[
                ("id", Arg::from(payment.id.0)),
                ("customer", Arg::from(customer)),
                ("user", Arg::from(payment.user.0)),
                ("order", Arg::from(payment.order.0)),
                ("price", Arg::from(price(lang, payment.amount).as_str())),
                ("amount", Arg::from(amount.as_str())),
                ("card", Arg::from(last4.as_str())),
                ("reference", Arg::from(reference)),
            ],
        );
        let keyboard = Some(inline(vec![vec![
            button(
                deps.t(lang, "btn-card-approve", &[]),
                Callback::CardApprove(payment.id),
            ),
            button(
                deps.t(lang, "btn-card-reject", &[]),
                Callback::CardReject(payment.id),
            ),
        ]]));
        let msg = match &payment.receipt {
            Receipt::Photo(file_id) => Outgoing::PhotoById {
                chat_id: chat,
                file_id: file_id.clone(),
                caption: Some(caption),
                keyboard,
            },
            Receipt::Reference(_) => Outgoing::Text {
                chat_id: chat,
                text: caption,
                keyboard,
                html: true,
            },
        };
        res.push(mail::message(&msg));
    }
    res
}
