//! AJIB's Telegram side: updates in (long polling or webhook), rate-limited messages out.
//!
//! It does not decide what to say or whom to say it to: handlers in `ajib-bot` do. It knows
//! nothing of orders, plans or storage, and it never exposes frankenstein's types, so the bot
//! depends only on the lean types here.
//!
//! - [`TelegramApi`]: the blocking Bot API client (frankenstein over ureq); its `Debug` and its
//!   errors never show the token.
//! - [`run_long_polling`] and [`webhook_router`] turn raw updates into [`Update`]s and feed an
//!   [`UpdateHandler`]; unknown update kinds are skipped, never fatal. Long polling advances the
//!   offset only after a whole batch was handled, so updates are delivered at least once.
//! - [`Outbox`] sends [`Outgoing`] messages under Telegram's limits ([`Limits`]): token buckets
//!   (global, per chat, per group), interactive replies ahead of bulk, 429 `retry_after` honoured
//!   per chat, backoff on 5xx, [`SendError::Blocked`] and [`TransportEvent::UserBlocked`] on 403.
//! - [`FloodGuard`] refuses users who send too many updates.
//! - [`OutboxStats`] counts what the outbox does (queue depths, sends, 429s) and, for messages
//!   queued inside [`replying_to`], the reply latency, for the bot's `/metrics`.
//! - [`entities_to_html`] turns a message's [`MessageEntity`]s back into Telegram HTML, so an
//!   admin's formatted text or photo caption can be resent as [`Outgoing::PhotoById`] or
//!   [`Outgoing::Text`].
//!
//! ```no_run
//! # async fn demo() -> Result<(), ajib_transport::Error> {
//! use ajib_transport::{Limits, Outbox, Outgoing, Priority, TelegramApi};
//!
//! let api = TelegramApi::new("https://api.telegram.org", "123:ABC")?;
//! let (outbox, _events) = Outbox::start(api, Limits::defaults());
//! let hello = Outgoing::Text { chat_id: 42, text: "Hello".to_owned(), keyboard: None, html: false };
//! let sent = outbox.send(hello, Priority::Interactive).await;
//! # let _ = sent;
//! # Ok(())
//! # }
//! ```

mod api;
mod entities;
mod error;
mod flood;
mod limiter;
mod members;
mod metrics;
mod outbox;
mod outgoing;
mod polling;
mod senders;
mod update;

pub use crate::{
    api::{BotInfo, StarsInvoice, TelegramApi},
    entities::{EntityKind, MessageEntity, entities_to_html},
    error::{Error, SendError},
    flood::{FloodGuard, FloodVerdict},
    members::ChatMemberStatus,
    metrics::{Histogram, HistogramSnapshot, LATENCY_BUCKETS, OutboxStats, replying_to},
    outbox::{Limits, Outbox, Priority, Sent, TransportEvent},
    outgoing::{
        CallbackData, InlineButton, Keyboard, MAX_CAPTION_CHARS, MAX_TEXT_CHARS, Outgoing,
        split_text,
    },
    polling::{
        BatchSink, PollEnd, UpdateHandler, WEBHOOK_PATH, poll_until_refused, run_long_polling,
        run_long_polling_into, webhook_router,
    },
    update::{
        CallbackQuery, ChatMemberChange, Contact, Document, IncomingMessage, PhotoRef,
        PreCheckoutQuery, STARS_CURRENCY, SuccessfulPayment, Update, UserInfo, parse_update,
    },
};
