//! Small pieces every staff screen uses: answer checks, dialogue buttons, the audit log.

use ajib_domain::TelegramId;
use ajib_i18n::Arg;
use ajib_storage::Actor;

use crate::{
    callback::Callback,
    deps::{Deps, now},
    keyboards::{button, inline},
    ui::{Ctx, Reply},
};

/// "Invalid value: `reason`", asking for the answer again.
pub fn invalid(deps: &Deps, ctx: &Ctx, reason: &str) -> Reply {
    let text = deps.t(
        ctx.lang,
        "admin-plan-invalid",
        &[("reason", Arg::from(reason))],
    );
    vec![ctx.say_with(text, cancel_keyboard(deps, ctx))]
}

/// Persian and Arabic-Indic digits to ASCII, so "۳۰" reads as 30.
pub fn ascii_digits(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '۰'..='۹' => char::from(b'0' + (c as u32 - '۰' as u32) as u8),
            '٠'..='٩' => char::from(b'0' + (c as u32 - '٠' as u32) as u8),
            '٫' => '.',
            _ => c,
        })
        .collect()
}

/// A lone cancel button, under a dialogue's question.
pub fn cancel_keyboard(deps: &Deps, ctx: &Ctx) -> ajib_transport::Keyboard {
    inline(vec![vec![button(
        deps.t(ctx.lang, "btn-cancel", &[]),
        Callback::Cancel,
    )]])
}

/// A lone button back to the admin menu.
pub fn back_to_admin(deps: &Deps, ctx: &Ctx) -> ajib_transport::Keyboard {
    inline(vec![vec![button(
        deps.t(ctx.lang, "btn-back", &[]),
        Callback::Admin,
    )]])
}

/// Writes an admin's action to the audit log; a failure is logged, not fatal.
pub async fn audit(
    deps: &Deps,
    actor: TelegramId,
    action: &str,
    before: Option<&str>,
    after: &str,
) {
    if let Err(err) = deps
        .store
        .audit(Actor::Admin(actor), action, before, Some(after), now())
        .await
    {
        log::error!("audit of {action} failed: {err}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn persian_digits_are_read() {
        assert_eq!(ascii_digits("۳۰"), "30");
        assert_eq!(ascii_digits("٥٫٥"), "5.5");
        assert_eq!(ascii_digits("12"), "12");
    }
}
