//! The Telegram UI: the router, and handlers as plain async functions from
//! (deps, context, input) to messages to send.
//!
//! Each handler takes only what it needs and returns a [`Reply`]; the
//! [`router`] sends it. Screens reached by a button edit the message in place;
//! results (invoices, configs) arrive as new messages. The UI calls into
//! [`crate::core`]; the core never calls back.

pub mod admin;
pub mod admin_agents;
pub mod admin_backup;
pub mod admin_balance;
pub mod admin_broadcast;
pub mod admin_grant;
pub mod admin_moves;
pub mod admin_orders;
pub mod admin_panels;
pub mod admin_promos;
pub mod admin_referrals;
pub mod admin_staff;
pub mod admin_stats;
pub mod admin_user_list;
pub mod admin_users;
pub mod agent;
pub mod agent_accounts;
pub mod agent_bot;
pub mod agent_buy;
pub mod agent_prices;
pub mod agent_shared;
pub mod balance;
pub mod card;
pub mod channel;
pub mod dialog;
pub mod intake;
pub mod link_account;
pub mod promo;
pub mod referrals;
pub mod router;
pub mod services;
pub mod shop;
pub mod staff;
pub mod stars;
pub mod start;
pub mod test_account;

use ajib_domain::{Lang, TelegramId};
use ajib_transport::{Keyboard, Outgoing};

use crate::{deps::Deps, keyboards::menu_only, role::Role};

/// The messages a handler wants sent, in order.
pub type Reply = Vec<Outgoing>;

/// What every handler returns: the reply, or why there is none.
pub type Handled = Result<Reply, HandlerError>;

/// Why a handler could not do what was asked.
///
/// Handlers return it with `?`; the router turns it into one notice for the
/// user and one log line ([`router`]), so no handler writes its own error arm.
#[derive(Debug, thiserror::Error)]
pub enum HandlerError {
    /// The button or answer refers to something that is gone, is not the
    /// user's, or is no longer offered (the user sees "this button has expired").
    #[error("stale: {0}")]
    Stale(&'static str),
    /// The database failed (the user sees "something went wrong").
    #[error("database: {0}")]
    Storage(#[from] ajib_storage::Error),
    /// Another step failed (the user sees "something went wrong").
    #[error("{0:#}")]
    Other(#[from] anyhow::Error),
}

impl HandlerError {
    /// A button about `what`, which is gone or not the user's.
    #[must_use]
    pub fn stale(what: &'static str) -> Self {
        Self::Stale(what)
    }
}

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

/// A polite message plus the way back to the menu, for errors and stale buttons.
#[must_use]
pub fn notice(deps: &Deps, ctx: &Ctx, id: &str) -> Reply {
    vec![ctx.say_with(deps.t(ctx.lang, id, &[]), menu_only(deps, ctx.lang))]
}
