//! The user's balance: what they hold and the latest movements of it.

use ajib_domain::{Currency, Lang, Money, TopupId};
use ajib_i18n::Arg;
use ajib_storage::{LedgerCause, LedgerEntry, Topup, TopupStatus};

use crate::{
    callback::{Callback, MAX_TOPUP_UNITS, TopupUnits},
    core::topups::{self, TopupReconciled},
    deps::Deps,
    format::{date, price},
    keyboards::{button, inline, link, menu_only},
    ui::{
        Ctx, Handled, HandlerError, Reply, dialog,
        dialog::Dialog,
        notice,
        staff::{ascii_digits, cancel_keyboard},
    },
};

/// How many movements the screen lists.
const SHOWN: u32 = 8;

/// The top-up amounts offered as buttons, in whole currency units.
const PRESETS: [u32; 4] = [5, 10, 20, 50];

/// An open top-up invoice is shown again while at least this long is left to pay it.
const REUSE_MARGIN_SECS: i64 = 10 * 60;

/// "💰 Balance": the amount, then the latest movements, newest first.
pub async fn show(deps: &Deps, ctx: &Ctx) -> Handled {
    let currency = deps.settings.currency;
    let balance = deps.store.balance(ctx.user, currency).await?;
    let entries = deps.store.ledger_of(ctx.user, SHOWN).await?;
    let mut text = deps.t(
        ctx.lang,
        "balance-title",
        &[("balance", Arg::from(price(ctx.lang, balance).as_str()))],
    );
    match entries.is_empty() {
        true => {
            text.push_str("\n\n");
            text.push_str(&deps.t(ctx.lang, "balance-empty", &[]));
        }
        false => {
            text.push('\n');
            for entry in &entries {
                text.push('\n');
                text.push_str(&entry_line(deps, ctx, entry));
            }
        }
    }
    let keyboard = inline(vec![
        vec![button(
            deps.t(ctx.lang, "btn-add-funds", &[]),
            Callback::AddFunds,
        )],
        vec![button(deps.t(ctx.lang, "btn-menu", &[]), Callback::Menu)],
    ]);
    Ok(vec![ctx.screen(text, keyboard)])
}

/// "➕ Add funds": the preset amounts and "another amount".
pub async fn add_funds(deps: &Deps, ctx: &Ctx) -> Handled {
    let currency = deps.settings.currency;
    let mut rows: Vec<_> = PRESETS
        .chunks(2)
        .map(|pair| {
            pair.iter()
                .filter_map(|units| {
                    let amount = whole_units(*units, currency)?;
                    Some(button(
                        price(ctx.lang, amount),
                        Callback::Topup(TopupUnits(*units)),
                    ))
                })
                .collect()
        })
        .collect();
    rows.push(vec![button(
        deps.t(ctx.lang, "btn-topup-other", &[]),
        Callback::TopupOther,
    )]);
    rows.push(vec![button(
        deps.t(ctx.lang, "btn-back", &[]),
        Callback::Balance,
    )]);
    Ok(vec![ctx.screen(
        deps.t(ctx.lang, "topup-choose", &[]),
        inline(rows),
    )])
}

/// A preset amount was chosen: its invoice.
pub async fn topup_units(deps: &Deps, ctx: &Ctx, units: TopupUnits) -> Handled {
    let amount = whole_units(units.0, deps.settings.currency)
        .ok_or_else(|| HandlerError::stale("top-up amount"))?;
    topup_invoice(deps, ctx, amount).await
}

/// "Another amount": asks for it.
pub async fn topup_other(deps: &Deps, ctx: &Ctx) -> Handled {
    dialog::save(deps, ctx.user, &Dialog::TopupAmount).await;
    let max = whole_units(MAX_TOPUP_UNITS, deps.settings.currency)
        .map(|it| price(ctx.lang, it))
        .unwrap_or_default();
    let text = deps.t(ctx.lang, "topup-ask", &[("max", Arg::from(max.as_str()))]);
    Ok(vec![ctx.say_with(text, cancel_keyboard(deps, ctx))])
}

/// The amount the user typed: checked, then its invoice.
pub async fn topup_typed(deps: &Deps, ctx: &Ctx, text: &str) -> Handled {
    let currency = deps.settings.currency;
    let amount = Money::parse(&ascii_digits(text), currency)
        .ok()
        .filter(|it| it.minor() >= minor_of(1, currency).unwrap_or(i64::MAX))
        .filter(|it| it.minor() <= minor_of(MAX_TOPUP_UNITS, currency).unwrap_or(0));
    let Some(amount) = amount else {
        let max = whole_units(MAX_TOPUP_UNITS, currency)
            .map(|it| price(ctx.lang, it))
            .unwrap_or_default();
        let text = deps.t(
            ctx.lang,
            "topup-invalid",
            &[("max", Arg::from(max.as_str()))],
        );
        return Ok(vec![ctx.say_with(text, cancel_keyboard(deps, ctx))]);
    };
    dialog::close(deps, ctx.user).await;
    topup_invoice(deps, ctx, amount).await
}

/// "Check payment" on a top-up invoice.
pub async fn check_topup(deps: &Deps, ctx: &Ctx, id: TopupId) -> Handled {
    let topup = match deps.store.get_topup(id).await? {
        Some(topup) if topup.user == ctx.user => topup,
        _ => return Err(HandlerError::stale("top-up")),
    };
    if topup.status == TopupStatus::Paid {
        return Ok(notice(deps, ctx, "topup-already-credited"));
    }
    match topups::reconcile(deps, &topup).await {
        // The reconciliation tells the user of a credit itself.
        Ok(TopupReconciled::Credited) => Ok(Vec::new()),
        Ok(TopupReconciled::AlreadyCredited) => Ok(notice(deps, ctx, "topup-already-credited")),
        Ok(TopupReconciled::Expired) => Ok(notice(deps, ctx, "payment-expired")),
        Ok(TopupReconciled::Failed | TopupReconciled::Mismatch) => {
            Ok(notice(deps, ctx, "payment-failed"))
        }
        Ok(TopupReconciled::Pending) => Ok(notice(deps, ctx, "payment-pending")),
        Err(err) => {
            log::warn!("checking top-up {id} failed: {err}");
            Ok(notice(deps, ctx, "payment-pending"))
        }
    }
}

/// The invoice for a top-up of `amount`: the open one, or a new one.
async fn topup_invoice(deps: &Deps, ctx: &Ctx, amount: Money) -> Handled {
    match topups::open(deps, ctx.user, amount, REUSE_MARGIN_SECS).await {
        Ok(topup) => Ok(topup_message(deps, ctx, &topup)),
        Err(err) => {
            log::warn!("top-up invoice for {} failed: {err}", ctx.user);
            Ok(vec![ctx.say_with(
                deps.t(ctx.lang, "invoice-error", &[]),
                menu_only(deps, ctx.lang),
            )])
        }
    }
}

fn topup_message(deps: &Deps, ctx: &Ctx, topup: &Topup) -> Reply {
    let Some(invoice) = &topup.invoice else {
        return notice(deps, ctx, "invoice-error");
    };
    let text = deps.t(
        ctx.lang,
        "topup-invoice",
        &[
            ("amount", Arg::from(price(ctx.lang, topup.amount).as_str())),
            (
                "expires",
                Arg::from(date(ctx.lang, invoice.expires).as_str()),
            ),
        ],
    );
    let keyboard = inline(vec![
        vec![link(deps.t(ctx.lang, "btn-pay", &[]), invoice.url.clone())],
        vec![button(
            deps.t(ctx.lang, "btn-check-payment", &[]),
            Callback::CheckTopup(topup.id),
        )],
    ]);
    vec![ctx.say_with(text, keyboard)]
}

/// `units` whole units of `currency` in minor units, if it fits.
fn minor_of(units: u32, currency: Currency) -> Option<i64> {
    10_i64
        .checked_pow(u32::from(currency.minor_digits()))?
        .checked_mul(i64::from(units))
}

fn whole_units(units: u32, currency: Currency) -> Option<Money> {
    Money::from_minor(minor_of(units, currency)?, currency).ok()
}

/// One movement: date, signed amount and why.
pub(crate) fn entry_line(deps: &Deps, ctx: &Ctx, entry: &LedgerEntry) -> String {
    let amount = signed_price(ctx.lang, entry.delta_minor, entry.currency);
    let cause = match entry.cause {
        LedgerCause::Payment => "balance-cause-payment",
        LedgerCause::Purchase => "balance-cause-purchase",
        LedgerCause::Refund => "balance-cause-refund",
        LedgerCause::Adjustment => "balance-cause-adjustment",
        LedgerCause::Reward => "balance-cause-reward",
    };
    let when = date(ctx.lang, entry.at);
    deps.t(
        ctx.lang,
        "balance-line",
        &[
            ("date", Arg::from(when.as_str())),
            ("amount", Arg::from(amount.as_str())),
            ("cause", Arg::from(deps.t(ctx.lang, cause, &[]).as_str())),
        ],
    )
}

/// A movement's amount with its sign, "+5.00 USD" or "−2.50 USD", in the user's language.
#[must_use]
pub(crate) fn signed_price(lang: Lang, delta_minor: i64, currency: Currency) -> String {
    let sign = if delta_minor < 0 { "−" } else { "+" };
    let amount = i64::try_from(delta_minor.unsigned_abs())
        .ok()
        .and_then(|minor| Money::from_minor(minor, currency).ok())
        .unwrap_or(Money::zero(currency));
    format!("{sign}{}", price(lang, amount))
}
