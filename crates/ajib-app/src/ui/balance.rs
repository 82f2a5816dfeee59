//! The user's balance: what they hold and the latest movements of it.

use ajib_domain::{Currency, Money};
use ajib_i18n::Arg;
use ajib_storage::{LedgerCause, LedgerEntry};

use crate::{
    deps::Deps,
    format::{date, price},
    keyboards::menu_only,
    ui::{Ctx, Handled},
};

/// How many movements the screen lists.
const SHOWN: u32 = 8;

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
                text.push_str(&entry_line(deps, ctx, entry, currency));
            }
        }
    }
    Ok(vec![ctx.screen(text, menu_only(deps, ctx.lang))])
}

/// One movement: date, signed amount and why.
fn entry_line(deps: &Deps, ctx: &Ctx, entry: &LedgerEntry, currency: Currency) -> String {
    let amount =
        Money::from_minor(entry.delta_minor.abs(), entry.currency).unwrap_or(Money::zero(currency));
    let sign = if entry.delta_minor < 0 { "−" } else { "+" };
    let cause = match entry.cause {
        LedgerCause::Payment => "balance-cause-payment",
        LedgerCause::Purchase => "balance-cause-purchase",
        LedgerCause::Refund => "balance-cause-refund",
        LedgerCause::Adjustment => "balance-cause-adjustment",
        LedgerCause::Reward => "balance-cause-reward",
    };
    let amount = format!("{sign}{}", price(ctx.lang, amount));
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
