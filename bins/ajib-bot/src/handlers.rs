//! Handlers: plain async functions from (deps, context, input) to messages to send.
//!
//! Each takes only what it needs and returns a [`Reply`]; the router sends it.
//! Screens reached by a button edit the message in place; results (invoices,
//! configs) arrive as new messages.

pub mod admin;
pub mod admin_backup;
pub mod admin_broadcast;
pub mod admin_grant;
pub mod admin_orders;
pub mod admin_staff;
pub mod admin_stats;
pub mod admin_user_list;
pub mod admin_users;
pub mod services;
pub mod shop;
pub mod start;
pub mod test_account;

use ajib_domain::{Lang, Money, TelegramId, UnixTime};
use ajib_i18n::Arg;
use ajib_transport::{Keyboard, Outgoing};

use crate::{
    callback::Callback,
    deps::{Deps, i18n_lang},
    keyboards::{button, inline},
    role::Role,
};

/// The messages a handler wants sent, in order.
pub type Reply = Vec<Outgoing>;

/// Who is talking to the bot, in which language, and from which message.
#[derive(Debug, Clone, Copy)]
pub struct Ctx {
    /// The user.
    pub user: TelegramId,
    /// Their private chat.
    pub chat: i64,
    /// The language to answer in.
    pub lang: Lang,
    /// The message whose button was pressed, to edit in place.
    pub message_id: Option<i32>,
    /// What the user may do.
    pub role: Role,
}

impl Ctx {
    /// Shows a screen: edits the pressed message, or sends a new one.
    #[must_use]
    pub fn screen(&self, text: String, keyboard: Keyboard) -> Outgoing {
        match self.message_id {
            Some(message_id) => Outgoing::EditText {
                chat_id: self.chat,
                message_id,
                text,
                keyboard: Some(keyboard),
                html: true,
            },
            None => self.say_with(text, keyboard),
        }
    }

    /// A new HTML message with a keyboard.
    #[must_use]
    pub fn say_with(&self, text: String, keyboard: Keyboard) -> Outgoing {
        Outgoing::Text {
            chat_id: self.chat,
            text,
            keyboard: Some(keyboard),
            html: true,
        }
    }

    /// A new HTML message without a keyboard.
    #[must_use]
    pub fn say(&self, text: String) -> Outgoing {
        Outgoing::Text {
            chat_id: self.chat,
            text,
            keyboard: None,
            html: true,
        }
    }
}

/// A "back to the menu" keyboard.
#[must_use]
pub fn menu_only(deps: &Deps, lang: Lang) -> Keyboard {
    inline(vec![vec![button(
        deps.t(lang, "btn-menu", &[]),
        Callback::Menu,
    )]])
}

/// A polite message plus the way back to the menu, for errors and stale buttons.
#[must_use]
pub fn notice(deps: &Deps, ctx: &Ctx, id: &str) -> Reply {
    vec![ctx.say_with(deps.t(ctx.lang, id, &[]), menu_only(deps, ctx.lang))]
}

/// `5.00 USD` in the user's language.
#[must_use]
pub fn price(lang: Lang, money: Money) -> String {
    let currency = money.currency();
    ajib_i18n::format_money(
        i18n_lang(lang),
        money.minor(),
        u32::from(currency.minor_digits()),
        currency.code(),
    )
}

/// `30 GB` or "unlimited traffic" in the user's language.
#[must_use]
pub fn traffic(deps: &Deps, lang: Lang, gb: u32) -> String {
    if gb == 0 {
        return deps.t(lang, "traffic-unlimited", &[]);
    }
    deps.t(lang, "traffic-gb", &[("gb", Arg::from(gb))])
}

/// A date in the user's language (Jalali for Persian).
#[must_use]
pub fn date(lang: Lang, at: UnixTime) -> String {
    let day = at.date();
    ajib_i18n::format_date(
        i18n_lang(lang),
        day.year(),
        u32::from(day.month()),
        u32::from(day.day()),
    )
}

/// Escapes text for Telegram's HTML parse mode.
#[must_use]
pub fn escape(text: &str) -> String {
    let mut res = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => res.push_str("&lt;"),
            '>' => res.push_str("&gt;"),
            '&' => res.push_str("&amp;"),
            '"' => res.push_str("&quot;"),
            _ => res.push(c),
        }
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_neutralises_html() {
        assert_eq!(
            escape("<b>Tom & \"Jerry\"</b>"),
            "&lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt;"
        );
        assert_eq!(escape("سلام"), "سلام");
    }
}
