//! Adjusting a user's balance from their profile: a signed amount, a reason, a preview, then confirm.
//!
//! ```text
//! admin: [💰 Adjust balance]   bot: User 1001 holds 2.00 USD. Send the change with its sign, like +5 or -2.50:
//! admin: -2.50                 bot: ⚠️ The balance is only 2.00 USD; it cannot go below zero. Send a smaller amount:
//! admin: +5                    bot: Why does the balance change? The reason goes to the ledger, the audit log and the user:
//! admin: outage refund         bot: 💰 User 1001: +5.00 USD · 2.00 USD → 7.00 USD · outage refund  [✅ Confirm] [Cancel]
//! admin: [✅ Confirm]          bot: ✅ Balance of 1001 changed by +5.00 USD; it is now 7.00 USD.   (the user is told)
//! ```
//!
//! Every step is re-authorised by the dialogue (Admin and up); confirming takes
//! the preview out of the dialogue first, so a double tap changes the balance
//! once, and the store refuses a change that would make it negative.

use ajib_domain::{Currency, Money, TelegramId};
use ajib_i18n::Arg;

use crate::{
    callback::Callback,
    core::notify,
    deps::{Deps, now},
    format::signed_money,
    keyboards::{button, inline},
    ui::{
        Ctx, Handled, HandlerError, admin_users,
        balance::signed_price,
        dialog::{self, Adjustment, Dialog, UserStep},
        notice,
        staff::{ascii_digits, audit, cancel_keyboard, invalid},
    },
};

/// Longest reason accepted, in characters.
const MAX_REASON_CHARS: usize = 200;
/// Largest change one adjustment may make, in major units: a typo guard, and it
/// keeps every sum of the ledger far from 64-bit overflow.
pub const MAX_ADJUST_MAJOR: i64 = 1_000_000;

/// Asks for the signed amount, showing what the user holds now.
pub async fn ask_amount(deps: &Deps, ctx: &Ctx, user: TelegramId) -> Handled {
    if deps.store.get_user(user).await?.is_none() {
        return Ok(notice(deps, ctx, "admin-user-not-found"));
    }
    let currency = deps.settings.currency;
    let balance = deps.store.signed_balance(user, currency).await?;
    dialog::save(
        deps,
        ctx.user,
        &Dialog::Users(UserStep::BalanceAmount(user)),
    )
    .await;
    let user_text = user.to_string();
    let text = deps.t(
        ctx.lang,
        "admin-balance-ask-amount",
        &[
            ("user", Arg::from(user_text.as_str())),
            (
                "balance",
                Arg::from(signed_money(ctx.lang, balance, currency).as_str()),
            ),
        ],
    );
    Ok(vec![ctx.say_with(text, cancel_keyboard(deps, ctx))])
}

/// Reads the amount; a malformed one, or one taking more than the balance holds, is asked for again.
pub async fn on_amount(deps: &Deps, ctx: &Ctx, user: TelegramId, text: &str) -> Handled {
    let currency = deps.settings.currency;
    let Some(delta_minor) = parse_signed(text, currency) else {
        return Ok(bad_amount(deps, ctx));
    };
    // An agent's credit counts, as the store allows it.
    if delta_minor < 0 && deps.store.spendable(user, currency).await? < delta_minor.saturating_neg()
    {
        let balance = deps.store.signed_balance(user, currency).await?;
        return Ok(too_much(deps, ctx, balance));
    }
    dialog::save(
        deps,
        ctx.user,
        &Dialog::Users(UserStep::BalanceReason(user, delta_minor)),
    )
    .await;
    let change = signed_price(ctx.lang, delta_minor, currency);
    let text = deps.t(
        ctx.lang,
        "admin-balance-ask-reason",
        &[("change", Arg::from(change.as_str()))],
    );
    Ok(vec![ctx.say_with(text, cancel_keyboard(deps, ctx))])
}

/// Reads the reason and shows the change for confirmation.
pub async fn on_reason(
    deps: &Deps,
    ctx: &Ctx,
    user: TelegramId,
    delta_minor: i64,
    text: &str,
) -> Handled {
    let reason = text.trim();
    if reason.is_empty() || reason.chars().count() > MAX_REASON_CHARS {
        return Ok(invalid(
            deps,
            ctx,
            &format!("1..{MAX_REASON_CHARS} characters"),
        ));
    }
    let currency = deps.settings.currency;
    let before = deps.store.signed_balance(user, currency).await?;
    let adjustment = Adjustment {
        user,
        delta_minor,
        reason: reason.to_owned(),
    };
    dialog::save(
        deps,
        ctx.user,
        &Dialog::Users(UserStep::BalancePreview(adjustment)),
    )
    .await;
    let after = before.saturating_add(delta_minor);
    let user_text = user.to_string();
    let change = signed_price(ctx.lang, delta_minor, currency);
    // A balance below zero is shown as such: an agent's credit, or a change the store refuses.
    let after_text = signed_money(ctx.lang, after, currency);
    let text = deps.t(
        ctx.lang,
        "admin-balance-preview",
        &[
            ("user", Arg::from(user_text.as_str())),
            ("change", Arg::from(change.as_str())),
            (
                "before",
                Arg::from(signed_money(ctx.lang, before, currency).as_str()),
            ),
            ("after", Arg::from(after_text.as_str())),
            ("reason", Arg::from(reason)),
        ],
    );
    let keyboard = inline(vec![vec![
        button(
            deps.t(ctx.lang, "btn-admin-balance-confirm", &[]),
            Callback::AdminBalanceConfirm,
        ),
        button(deps.t(ctx.lang, "btn-cancel", &[]), Callback::Cancel),
    ]]);
    Ok(vec![ctx.say_with(text, keyboard)])
}

/// Applies the previewed change, audits it, tells the user, and shows the profile again.
pub async fn confirm(deps: &Deps, ctx: &Ctx) -> Handled {
    let Some(adjustment) = dialog::take_adjustment(deps, ctx.user, ctx.role).await else {
        return Err(HandlerError::stale("balance preview"));
    };
    let Adjustment {
        user,
        delta_minor,
        reason,
    } = adjustment;
    let currency = deps.settings.currency;
    let after = match deps
        .store
        .adjust_balance(user, currency, delta_minor, ctx.user, &reason, now())
        .await
    {
        Ok(after) => after,
        // Spent meanwhile (a purchase between preview and confirm): nothing changed.
        Err(ajib_storage::Error::InsufficientBalance { .. }) => {
            let balance = deps.store.signed_balance(user, currency).await?;
            let text = too_much_text(deps, ctx, balance);
            return Ok(vec![ctx.say_with(text, back_to_profile(deps, ctx, user))]);
        }
        Err(err) => return Err(err.into()),
    };
    log::info!(
        "{} changed the balance of {user} by {delta_minor} minor units of {currency}",
        ctx.user
    );
    // One row was added, so the balance before it is exact.
    let before = after - delta_minor;
    let before_json = serde_json::json!({ "user": user.0, "currency": currency.code(),
        "balance_minor": before })
    .to_string();
    let after_json = serde_json::json!({ "user": user.0, "currency": currency.code(),
        "balance_minor": after, "delta_minor": delta_minor, "reason": reason })
    .to_string();
    audit(
        deps,
        ctx.user,
        "user.balance_adjust",
        Some(&before_json),
        &after_json,
    )
    .await;
    tell_user(deps, user, delta_minor, after, currency, &reason).await;
    let user_text = user.to_string();
    let change = signed_price(ctx.lang, delta_minor, currency);
    let text = deps.t(
        ctx.lang,
        "admin-balance-done",
        &[
            ("user", Arg::from(user_text.as_str())),
            ("change", Arg::from(change.as_str())),
            (
                "balance",
                Arg::from(signed_money(ctx.lang, after, currency).as_str()),
            ),
        ],
    );
    let mut reply = vec![ctx.say(text)];
    let below = Ctx {
        message_id: None,
        ..*ctx
    };
    reply.extend(admin_users::profile(deps, &below, user).await?);
    Ok(reply)
}

/// Reads "+5", "-2.50", "5" (a credit) or "−۲٫۵۰" as signed minor units of
/// `currency`; `None` for zero, a malformed amount, more decimals than the
/// currency has, or more than [`MAX_ADJUST_MAJOR`].
#[must_use]
pub fn parse_signed(text: &str, currency: Currency) -> Option<i64> {
    let text = ascii_digits(text.trim());
    let (sign, rest) = match text.strip_prefix('+') {
        Some(rest) => (1, rest),
        None => match text.strip_prefix(['-', '−']) {
            Some(rest) => (-1, rest),
            None => (1, text.as_str()),
        },
    };
    let amount = Money::parse(rest.trim(), currency).ok()?;
    let max = MAX_ADJUST_MAJOR.checked_mul(10i64.pow(u32::from(currency.minor_digits())))?;
    match amount.minor() {
        0 => None,
        minor if minor > max => None,
        minor => Some(sign * minor),
    }
}

/// Tells the user their balance changed, why, and what it is now, in their language.
async fn tell_user(
    deps: &Deps,
    user: TelegramId,
    delta_minor: i64,
    after: i64,
    currency: Currency,
    reason: &str,
) {
    let lang = notify::lang_of(deps, user).await;
    let change = signed_price(lang, delta_minor, currency);
    let text = deps.t(
        lang,
        "balance-adjusted-notice",
        &[
            ("change", Arg::from(change.as_str())),
            (
                "balance",
                Arg::from(signed_money(lang, after, currency).as_str()),
            ),
            ("reason", Arg::from(reason)),
        ],
    );
    let keyboard = inline(vec![vec![button(
        deps.t(lang, "btn-balance", &[]),
        Callback::Balance,
    )]]);
    notify::send(
        deps,
        ajib_transport::Outgoing::Text {
            chat_id: user.0,
            text,
            keyboard: Some(keyboard),
            html: true,
        },
    )
    .await;
}

fn bad_amount(deps: &Deps, ctx: &Ctx) -> Vec<ajib_transport::Outgoing> {
    let text = deps.t(
        ctx.lang,
        "admin-balance-bad-amount",
        &[("max", Arg::Num(MAX_ADJUST_MAJOR))],
    );
    vec![ctx.say_with(text, cancel_keyboard(deps, ctx))]
}

fn too_much(deps: &Deps, ctx: &Ctx, balance: i64) -> Vec<ajib_transport::Outgoing> {
    vec![ctx.say_with(
        too_much_text(deps, ctx, balance),
        cancel_keyboard(deps, ctx),
    )]
}

fn too_much_text(deps: &Deps, ctx: &Ctx, balance: i64) -> String {
    let balance = signed_money(ctx.lang, balance, deps.settings.currency);
    deps.t(
        ctx.lang,
        "admin-balance-too-much",
        &[("balance", Arg::from(balance.as_str()))],
    )
}

fn back_to_profile(deps: &Deps, ctx: &Ctx, user: TelegramId) -> ajib_transport::Keyboard {
    inline(vec![vec![button(
        deps.t(ctx.lang, "btn-back", &[]),
        Callback::AdminUser(user),
    )]])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, code: &str, expected: Option<i64>) {
        let currency = Currency::new(code).unwrap();
        assert_eq!(parse_signed(text, currency), expected, "{text:?} in {code}");
    }

    #[test]
    fn signed_amounts_are_read_in_minor_units() {
        check("+5", "USD", Some(500));
        check("5", "USD", Some(500));
        check(" -2.50 ", "USD", Some(-250));
        check("−2.5", "USD", Some(-250));
        check("- 1", "USD", Some(-100));
        check("+۵", "USD", Some(500));
        check("-۲٫۵۰", "USD", Some(-250));
        check("+0.01", "USD", Some(1));
        check("+7", "JPY", Some(7));
        check("-1.234", "KWD", Some(-1_234));
        check("+1000000", "USD", Some(100_000_000));
    }

    #[test]
    fn zero_malformed_and_huge_amounts_are_refused() {
        for text in [
            "",
            "+",
            "-",
            "0",
            "+0",
            "-0.00",
            "++5",
            "+-5",
            "--5",
            "5-",
            "2.505",
            "2,50",
            "1e3",
            "abc",
            "5 USD",
            "$5",
            "1000000.01",
            "99999999999999999999",
        ] {
            check(text, "USD", None);
        }
        check("1.5", "JPY", None);
    }
}
