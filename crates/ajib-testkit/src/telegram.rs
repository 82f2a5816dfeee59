//! Fake Telegram Bot API: simulated users in, everything the bot sent out, Telegram's limits enforced.
//!
//! [`FakeTelegram::start`] binds `127.0.0.1:0` and serves `/bot<TOKEN>/<method>` (JSON, form and
//! multipart bodies) plus `/file/bot<TOKEN>/<path>` on its own thread and tokio runtime, so sync
//! and async tests (and the in-process sandbox) can use it alike; it stops on drop.
//!
//! Tests inject updates from [`SimUser`]s (`send_text`, `send_formatted_text`, `press_button`,
//! `send_document`, `send_photo`, `block`), then read back what the bot sent with
//! [`FakeBot::messages`] or [`FakeBot::wait_for`]. Files users sent, and photos the bot
//! sent, keep their file ids: `getFile` downloads them and `sendPhoto` resends them by id.
//! Every call is validated like Telegram does (text and caption lengths, `callback_data` bytes,
//! keyboard size, unanswered callback queries, edits of missing messages); violations are recorded
//! and answered with 400. Rate limits (~1 msg/s per private chat with a burst of 3, 20 msg/min
//! per group, and 30 msg/s per bot for messages to chats that have not written to the bot in the
//! last 60 s — replies are not held by it, see [`FakeBot::set_rate_limits`]) are answered
//! with 429 and `retry_after`, counted by [`FakeBot::count_429`]. After `setWebhook` injected
//! updates are POSTed to the webhook with the secret header instead of being queued for
//! `getUpdates`, which then answers 409.
//!
//! The limits allow 50 ms of network jitter: a sender that shapes its traffic with exactly
//! Telegram's numbers must never see a 429 here.
//!
//! # Several bots
//!
//! Like api.telegram.org, one server serves every bot, routed by the token in the path. The fake
//! starts with its primary bot ([`TOKEN`], id 123456, `@test_bot`, "Test Bot"), which
//! [`FakeTelegram`] dereferences to, so `fake.send_text(..)` drives it. [`FakeTelegram::add_bot`]
//! adds more, each a [`FakeBot`] with everything Telegram keeps per bot: its updates queue,
//! `getUpdates` offset and webhook; its users, chats and message ids; its file ids (another bot's
//! answer 400 "wrong file identifier/HTTP URL specified"); its rate limits; its callback answers,
//! violations, request counts, faults and Stars; its own view of channels; and `getMe` answering
//! its id, username and name. [`FakeTelegram::revoke_token`] makes every call with a token answer
//! 401 "Unauthorized", a `getUpdates` long poll in progress included; an unknown token answers
//! the same.
//!
//! Not checked against real Telegram: the exact answer to a revoked token (Telegram answers any
//! invalid token with 401 "Unauthorized", and so does the fake); whether a revoked bot's webhook
//! stops (the fake keeps POSTing its users' updates to it); what `getFile` says about another
//! bot's file id (the fake answers "invalid file_id", as for any unknown id); the name of an added
//! bot (the fake uses its username). Channels are per bot here, so one channel has the same id for
//! two bots only when they created their channels in the same order.

mod bot;
mod channels;
mod photo;
mod server;
mod stars;
mod state;
#[cfg(test)]
mod tests;

use std::ops::Deref;
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use serde_json::Value;

use crate::telegram::bot::Bot;
use crate::telegram::server::Hub;
use crate::telegram::state::BotIdentity;

pub use crate::telegram::bot::FakeBot;
pub use crate::telegram::stars::{SentInvoice, StarsOutcome};

/// The primary bot's token.
pub const TOKEN: &str = "123456:TEST-TOKEN";

/// How many characters follow the colon in a token @BotFather gives.
const TOKEN_SECRET_LEN: usize = 35;

/// A running fake Bot API server; stopped when dropped. Dereferences to its primary bot.
#[derive(Debug)]
pub struct FakeTelegram {
    primary: FakeBot,
    hub: Arc<Hub>,
    api_base: Arc<str>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<thread::JoinHandle<()>>,
}

/// A simulated Telegram user talking to the bot in a private chat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimUser {
    /// Telegram user id, also the private chat id.
    pub id: i64,
    /// First name shown by Telegram.
    pub first_name: String,
    /// `@username` without the `@`, if any.
    pub username: Option<String>,
    /// IETF language tag of the user's client, if any.
    pub language_code: Option<String>,
}

/// What kind of message the bot sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKind {
    /// `sendMessage`.
    Text,
    /// `sendPhoto`.
    Photo,
    /// `sendDocument`.
    Document,
    /// `sendInvoice` (Telegram Stars); its text is the title and description.
    Invoice,
}

/// One message the bot sent to a chat, as it stands after later edits.
#[derive(Debug, Clone, PartialEq)]
pub struct BotMessage {
    /// Telegram message id within the chat.
    pub message_id: i32,
    /// Text, photo or document.
    pub kind: MessageKind,
    /// Message text, or the caption of a photo or document.
    pub text: Option<String>,
    /// `parse_mode` as sent (`HTML`, `MarkdownV2`), if any.
    pub parse_mode: Option<String>,
    /// Photo bytes, uploaded or resent by file id.
    pub photo: Option<Vec<u8>>,
    /// Uploaded document: file name and bytes.
    pub document: Option<(String, Vec<u8>)>,
    /// `reply_markup` as sent, replaced by edits.
    pub keyboard: Option<Value>,
    /// How many times the message was edited.
    pub edited: u32,
    /// Whether the bot deleted the message.
    pub deleted: bool,
}

/// A message the simulated user sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserMessage {
    /// Its id in the chat.
    pub message_id: i32,
    /// Its text; `None` for an upload.
    pub text: Option<String>,
    /// Whether the bot deleted it.
    pub deleted: bool,
}

/// One `answerCallbackQuery` call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackAnswer {
    /// The callback query id that was answered.
    pub callback_id: String,
    /// Notification text, if any.
    pub text: Option<String>,
    /// Whether the text is shown as an alert.
    pub show_alert: bool,
}

/// Which of Telegram's rate limits the fake enforces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RateLimits {
    /// The model of `shared/specs/telegram.md`: per chat always; the ~30/s
    /// global budget only for chats that have not written to the bot in the
    /// last 60 s (unsolicited messages).
    #[default]
    Telegram,
    /// Every message counts against the global budget, replies too.
    Strict,
    /// No rate limit at all, for benchmarks that measure the bot, not Telegram.
    Off,
}

/// A user's status in a fake channel, as `getChatMember` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelStatus {
    /// `creator`.
    Creator,
    /// `administrator`.
    Administrator,
    /// `member`.
    Member,
    /// `restricted`, in the channel or not.
    Restricted {
        /// Whether the user is a member at the moment of the request.
        is_member: bool,
    },
    /// `left` (also anyone the channel never saw).
    Left,
    /// `kicked` (banned).
    Kicked,
}

/// A failure the fake injects into every Bot API call until cleared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TelegramFault {
    /// Behave normally.
    None,
    /// Answer 500 with Telegram-shaped JSON.
    ServerError,
    /// Cut the response off mid-body, as a dropped connection does.
    Drop,
    /// Wait this long before handling the call.
    Slow(Duration),
}

impl SimUser {
    /// A user with this id and first name, no username, language `en`.
    #[must_use]
    pub fn new(id: i64, first_name: &str) -> Self {
        Self {
            id,
            first_name: first_name.to_owned(),
            username: None,
            language_code: Some("en".to_owned()),
        }
    }
}

impl FakeTelegram {
    /// Starts the server on `127.0.0.1:0`; panics only if no local port can be bound.
    #[must_use]
    pub fn start() -> Self {
        match Self::try_start() {
            Ok(it) => it,
            Err(err) => panic!("fake telegram: cannot start: {err}"),
        }
    }

    /// Starts the server on `127.0.0.1:0`.
    pub fn try_start() -> std::io::Result<Self> {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let (webhook_tx, webhook_rx) = std::sync::mpsc::channel();
        let primary = Arc::new(Bot::new(TOKEN, primary_identity(), webhook_tx.clone()));
        let hub = Arc::new(Hub::new(webhook_tx, primary.clone()));
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        let (shutdown_tx, shutdown_rx) = tokio::sync::oneshot::channel();
        let router = server::router(hub.clone());
        let thread = thread::Builder::new()
            .name("fake-telegram".to_owned())
            .spawn(move || {
                runtime.block_on(async move {
                    let listener = match tokio::net::TcpListener::from_std(listener) {
                        Ok(it) => it,
                        Err(err) => {
                            log::error!("fake telegram: listener: {err}");
                            return;
                        }
                    };
                    let serve = axum::serve(listener, router);
                    tokio::select! {
                        res = serve => {
                            if let Err(err) = res {
                                log::error!("fake telegram: server: {err}");
                            }
                        }
                        _ = shutdown_rx => (),
                    }
                });
                // Open connections (a long-polling getUpdates) are cut, not awaited.
                runtime.shutdown_background();
            })?;
        // Ends when the last bot (and with it the last sender of the channel) is dropped.
        thread::Builder::new()
            .name("fake-telegram-webhook".to_owned())
            .spawn(move || server::deliver_webhooks(&webhook_rx))?;
        let api_base: Arc<str> = Arc::from(format!("http://{addr}"));
        Ok(Self {
            primary: FakeBot::new(primary, api_base.clone()),
            hub,
            api_base,
            shutdown: Some(shutdown_tx),
            thread: Some(thread),
        })
    }

    /// Adds another bot served by this fake under `token`, with its own id, @username, users,
    /// messages, limits and updates (a token as @BotFather gives it: `<digits>:<35 chars>`).
    ///
    /// # Panics
    ///
    /// If the token is not shaped like @BotFather's, its digits are not `bot_id`, or the fake
    /// already serves it: each is a mistake in the test.
    pub fn add_bot(&self, token: &str, bot_id: i64, username: &str) -> FakeBot {
        if let Err(problem) = check_token(token, bot_id) {
            panic!("fake telegram: add_bot: {problem}");
        }
        let username = username.trim_start_matches('@');
        let identity = BotIdentity {
            id: bot_id,
            username: username.to_owned(),
            first_name: username.to_owned(),
        };
        match self.hub.add(token, identity) {
            Some(bot) => FakeBot::new(bot, self.api_base.clone()),
            None => panic!("fake telegram: add_bot: the token of bot {bot_id} is already served"),
        }
    }

    /// The handle of a bot added earlier (or the primary one), by token; revoked ones too.
    #[must_use]
    pub fn bot(&self, token: &str) -> Option<FakeBot> {
        let bot = self.hub.get(token)?;
        Some(FakeBot::new(bot, self.api_base.clone()))
    }

    /// Revokes a bot's token (as /revoke in @BotFather does): from now on every call with it
    /// answers 401 `{"ok":false,"error_code":401,"description":"Unauthorized"}`, and a
    /// `getUpdates` long poll waiting with it ends so. An unknown token is left as it is (401).
    pub fn revoke_token(&self, token: &str) {
        if let Some(bot) = self.hub.get(token) {
            bot.revoke();
        }
    }
}

impl Deref for FakeTelegram {
    type Target = FakeBot;

    fn deref(&self) -> &FakeBot {
        &self.primary
    }
}

impl Drop for FakeTelegram {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The primary bot: the one [`TOKEN`] names.
fn primary_identity() -> BotIdentity {
    BotIdentity {
        id: 123_456,
        username: "test_bot".to_owned(),
        first_name: "Test Bot".to_owned(),
    }
}

/// Checks a token is `<bot_id>:<35 characters of A-Z a-z 0-9 _ ->`, as @BotFather gives them.
fn check_token(token: &str, bot_id: i64) -> Result<(), String> {
    let Some((digits, secret)) = token.split_once(':') else {
        return Err("a token is `<bot id>:<secret>`, this one has no colon".to_owned());
    };
    if digits != bot_id.to_string() || bot_id <= 0 {
        return Err(format!(
            "a token starts with its bot's id {bot_id}, this one with {digits:?}"
        ));
    }
    let secret_ok = secret
        .chars()
        .all(|it| it.is_ascii_alphanumeric() || it == '_' || it == '-');
    if secret.chars().count() != TOKEN_SECRET_LEN || !secret_ok {
        return Err(format!(
            "a token's secret is {TOKEN_SECRET_LEN} characters of A-Z a-z 0-9 _ -"
        ));
    }
    Ok(())
}
