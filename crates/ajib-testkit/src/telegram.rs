//! Fake Telegram Bot API: simulated users in, everything the bot sent out, Telegram's limits enforced.
//!
//! [`FakeTelegram::start`] binds `127.0.0.1:0` and serves `/bot<TOKEN>/<method>` (JSON, form and
//! multipart bodies) plus `/file/bot<TOKEN>/<path>` on its own thread and tokio runtime, so sync
//! and async tests (and the in-process sandbox) can use it alike; it stops on drop.
//!
//! Tests inject updates from [`SimUser`]s (`send_text`, `send_formatted_text`, `press_button`,
//! `send_document`, `send_photo`, `block`), then read back what the bot sent with
//! [`FakeTelegram::messages`] or [`FakeTelegram::wait_for`]. Files users sent, and photos the bot
//! sent, keep their file ids: `getFile` downloads them and `sendPhoto` resends them by id.
//! Every call is validated like Telegram does (text and caption lengths, `callback_data` bytes,
//! keyboard size, unanswered callback queries, edits of missing messages); violations are recorded
//! and answered with 400. Rate limits (~1 msg/s per private chat with a burst of 3, 20 msg/min
//! per group, and 30 msg/s per bot for messages to chats that have not written to the bot in the
//! last 60 s — replies are not held by it, see [`FakeTelegram::set_rate_limits`]) are answered
//! with 429 and `retry_after`, counted by [`FakeTelegram::count_429`]. After `setWebhook` injected updates are POSTed to the webhook with
//! the secret header instead of being queued for `getUpdates`, which then answers 409.
//!
//! The limits allow 50 ms of network jitter: a sender that shapes its traffic with exactly
//! Telegram's numbers must never see a 429 here.

mod channels;
mod photo;
mod server;
mod stars;
mod state;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::telegram::state::State;

pub use crate::telegram::stars::{SentInvoice, StarsOutcome};

/// The bot token the fake accepts.
pub const TOKEN: &str = "123456:TEST-TOKEN";

/// A running fake Bot API server; stopped when dropped.
#[derive(Debug)]
pub struct FakeTelegram {
    shared: Arc<Shared>,
    api_base: String,
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

/// What the fake's server thread and the test share.
#[derive(Debug)]
struct Shared {
    state: Mutex<State>,
    /// Woken whenever an update is queued, for long-polling `getUpdates`.
    updates_added: tokio::sync::Notify,
    /// Updates to POST to the webhook, consumed by the delivery thread.
    webhook_tx: std::sync::mpsc::Sender<state::WebhookDelivery>,
    /// Woken whenever the bot changes the chat, for [`FakeTelegram::wait_for_change`].
    chat_watches: Mutex<HashMap<i64, Arc<tokio::sync::Notify>>>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        match self.state.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// The chat's change notification, created on first use.
    fn chat_watch(&self, chat_id: i64) -> Arc<tokio::sync::Notify> {
        let mut watches = match self.chat_watches.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        watches.entry(chat_id).or_default().clone()
    }
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
        let shared = Arc::new(Shared {
            state: Mutex::new(State::new()),
            updates_added: tokio::sync::Notify::new(),
            webhook_tx,
            chat_watches: Mutex::default(),
        });
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        let (shutdown_tx, shutdown_rx) = tokio::sync::oneshot::channel();
        let router = server::router(shared.clone());
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
        // Weak, so dropping the fake drops the channel's sender and ends the thread.
        let delivery_shared = Arc::downgrade(&shared);
        thread::Builder::new()
            .name("fake-telegram-webhook".to_owned())
            .spawn(move || server::deliver_webhooks(&delivery_shared, &webhook_rx))?;
        Ok(Self {
            shared,
            api_base: format!("http://{addr}"),
            shutdown: Some(shutdown_tx),
            thread: Some(thread),
        })
    }

    /// The bot token the fake accepts.
    #[must_use]
    pub fn token(&self) -> &str {
        TOKEN
    }

    /// Base URL without the `/bot<TOKEN>` part, e.g. `http://127.0.0.1:40123`.
    #[must_use]
    pub fn api_base(&self) -> String {
        self.api_base.clone()
    }

    /// Lets the bot send to this user's private chat without the user writing first.
    pub fn add_user(&self, user: &SimUser) {
        self.shared.lock().add_user(user);
    }

    /// Queues a text message (or `/command`) from the user; returns its `update_id`.
    pub fn send_text(&self, user: &SimUser, text: &str) -> i64 {
        let update = self.shared.lock().user_text(user, text);
        self.push(update)
    }

    /// Queues a text message carrying `entities` (`Value::Null` or `[]` for none); returns its `update_id`.
    pub fn send_formatted_text(&self, user: &SimUser, text: &str, entities: Value) -> i64 {
        let update = self.shared.lock().user_formatted_text(user, text, entities);
        self.push(update)
    }

    /// Queues a button press on one of the bot's messages; returns the callback query id.
    pub fn press_button(&self, user: &SimUser, message_id: i32, data: &str) -> String {
        let (callback_id, update) = self.shared.lock().user_press(user, message_id, data);
        self.push(update);
        callback_id
    }

    /// Queues a document upload from the user; returns its `update_id`.
    pub fn send_document(
        &self,
        user: &SimUser,
        file_name: &str,
        bytes: &[u8],
        caption: Option<&str>,
    ) -> i64 {
        let update = self
            .shared
            .lock()
            .user_document(user, file_name, bytes, caption);
        self.push(update)
    }

    /// Queues a photo from the user in 2-3 sizes, all downloadable; returns its `update_id`.
    ///
    /// `caption_entities` is sent as given (so tests can send odd ones); `Value::Null` or `[]`
    /// sends none. The file ids work with `getFile` and can be resent with `sendPhoto`.
    pub fn send_photo(
        &self,
        user: &SimUser,
        png_or_jpeg: &[u8],
        caption: Option<&str>,
        caption_entities: Value,
    ) -> i64 {
        let update = self
            .shared
            .lock()
            .user_photo(user, png_or_jpeg, caption, caption_entities);
        self.push(update)
    }

    /// Every Stars invoice the bot sent to `chat_id`, in order.
    #[must_use]
    pub fn stars_invoices(&self, chat_id: i64) -> Vec<SentInvoice> {
        let state = self.shared.lock();
        let invoices = state.stars.invoices.iter();
        invoices
            .filter(|it| it.chat_id == chat_id)
            .cloned()
            .collect()
    }

    /// Deliver every `successful_payment` twice from now on (Telegram may redeliver).
    pub fn set_stars_double_delivery(&self, twice: bool) {
        self.shared.lock().stars.deliver_twice = twice;
    }

    /// Whether the bot refunded Stars charge `charge_id` (`refundStarPayment`).
    #[must_use]
    pub fn stars_refunded(&self, charge_id: &str) -> bool {
        self.shared.lock().stars.refunded(charge_id)
    }

    /// The user pays the Stars invoice in message `message_id` of their chat,
    /// as Telegram runs it: a `pre_checkout_query` is sent and its answer
    /// awaited for up to 10 s; only an ok answer takes the Stars and sends the
    /// `successful_payment` message (twice under [`Self::set_stars_double_delivery`]).
    pub async fn pay_stars(&self, user: &SimUser, message_id: i32) -> StarsOutcome {
        let opened = {
            let mut state = self.shared.lock();
            let invoice = state
                .stars
                .invoices
                .iter()
                .find(|it| it.chat_id == user.id && it.message_id == message_id)
                .cloned();
            invoice.map(|invoice| {
                let (id, update) = state.stars.open_query(&invoice, state::user_json(user));
                (invoice, id, update)
            })
        };
        let Some((invoice, query_id, update)) = opened else {
            return StarsOutcome::NoInvoice;
        };
        self.push(update);
        let deadline = Instant::now() + stars::PRE_CHECKOUT_ANSWER;
        let answer = loop {
            if let Some(answer) = self.shared.lock().stars.answer_of(&query_id) {
                break answer;
            }
            if Instant::now() >= deadline {
                return StarsOutcome::NotAnswered;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        };
        if let Err(error_message) = answer {
            return StarsOutcome::Refused { error_message };
        }
        let (charge_id, updates) = {
            let mut state = self.shared.lock();
            let (charge_id, payment) = state.stars.charge(&invoice, user.id);
            let copies = if state.stars.deliver_twice { 2 } else { 1 };
            let updates: Vec<Value> = (0..copies)
                .map(|_| state.user_payment(user, payment.clone()))
                .collect();
            (charge_id, updates)
        };
        for update in updates {
            self.push(update);
        }
        StarsOutcome::Paid { charge_id }
    }

    /// Queues a raw update (its `update_id` is set by the fake); returns the `update_id`.
    pub fn inject_update(&self, update: Value) -> i64 {
        self.push(update)
    }

    /// The user blocks the bot: later sends get 403 and a `my_chat_member` "kicked" update is queued.
    pub fn block(&self, user_id: i64) {
        let update = self.shared.lock().set_blocked(user_id, true);
        self.push(update);
    }

    /// The user unblocks the bot: a `my_chat_member` "member" update is queued.
    pub fn unblock(&self, user_id: i64) {
        let update = self.shared.lock().set_blocked(user_id, false);
        self.push(update);
    }

    /// Everything the user sent in `chat_id` (texts, uploads), in order, and whether the bot deleted it.
    #[must_use]
    pub fn user_messages(&self, chat_id: i64) -> Vec<UserMessage> {
        self.shared.lock().user_messages(chat_id)
    }

    /// Everything the bot sent to the chat, in order.
    #[must_use]
    pub fn messages(&self, chat_id: i64) -> Vec<BotMessage> {
        self.shared.lock().messages(chat_id)
    }

    /// Every chat the bot sent something to, in ascending id order.
    #[must_use]
    pub fn all_chats(&self) -> Vec<i64> {
        self.shared.lock().all_chats()
    }

    /// Every `answerCallbackQuery` call, in order.
    #[must_use]
    pub fn callback_answers(&self) -> Vec<CallbackAnswer> {
        self.shared.lock().callback_answers.clone()
    }

    /// Every broken Telegram rule so far, including callback queries unanswered for over 10 s.
    #[must_use]
    pub fn violations(&self) -> Vec<String> {
        let mut state = self.shared.lock();
        state.check_unanswered(Instant::now());
        state.violations.clone()
    }

    /// How many calls were answered with 429.
    #[must_use]
    pub fn count_429(&self) -> u64 {
        self.shared.lock().count_429
    }

    /// How many calls of this method (case-insensitive) reached the fake, faults included.
    #[must_use]
    pub fn request_count(&self, method: &str) -> usize {
        self.shared.lock().request_count(method)
    }

    /// How many calls were failed, dropped or slowed by a fault.
    #[must_use]
    pub fn fault_hits(&self) -> u64 {
        self.shared.lock().fault_hits
    }

    /// HTTP statuses the webhook answered, in delivery order (0 for a connection error).
    #[must_use]
    pub fn webhook_statuses(&self) -> Vec<u16> {
        self.shared.lock().webhook_statuses.clone()
    }

    /// The current webhook URL, if one is set.
    #[must_use]
    pub fn webhook_url(&self) -> Option<String> {
        self.shared.lock().webhook.as_ref().map(|it| it.url.clone())
    }

    /// The commands last set with `setMyCommands`, as sent.
    #[must_use]
    pub fn my_commands(&self) -> Option<Value> {
        self.shared.lock().commands.clone()
    }

    /// Chooses which rate limits are enforced from the next call on
    /// ([`RateLimits::Telegram`] unless set).
    pub fn set_rate_limits(&self, limits: RateLimits) {
        self.shared.lock().limits = limits;
    }

    /// Injects a fault into every following Bot API call until set back to `None`.
    pub fn set_fault(&self, fault: TelegramFault) {
        self.shared.lock().fault = fault;
    }

    /// The id of the channel `@username`, if [`FakeTelegram::create_channel`] made it.
    #[must_use]
    pub fn channel_id(&self, username: &str) -> Option<i64> {
        self.shared.lock().channels.id_of(username)
    }

    /// Makes a public channel `@username` with the bot as one of its administrators (as an
    /// operator sets up `REQUIRED_CHANNEL`); every user is `left` until added. Returns its id.
    pub fn create_channel(&self, username: &str) -> i64 {
        self.shared.lock().channels.create(username)
    }

    /// Makes the bot an administrator of the channel or not; without it `getChatMember`
    /// answers "Bad Request: member list is inaccessible".
    pub fn set_bot_channel_admin(&self, channel_id: i64, admin: bool) {
        self.shared.lock().channels.set_bot_admin(channel_id, admin);
    }

    /// Sets a user's status in the channel.
    pub fn set_channel_status(&self, channel_id: i64, user_id: i64, status: ChannelStatus) {
        self.shared
            .lock()
            .channels
            .set_status(channel_id, user_id, status);
    }

    /// The user joins the channel (`member`).
    pub fn join_channel(&self, channel_id: i64, user_id: i64) {
        self.set_channel_status(channel_id, user_id, ChannelStatus::Member);
    }

    /// The user leaves the channel (`left`).
    pub fn leave_channel(&self, channel_id: i64, user_id: i64) {
        self.set_channel_status(channel_id, user_id, ChannelStatus::Left);
    }

    /// Deletes the channel: `getChatMember` about it answers "Bad Request: chat not found".
    pub fn delete_channel(&self, channel_id: i64) {
        self.shared.lock().channels.delete(channel_id);
    }

    /// Polls until a message to the chat matches, or `timeout` passes; blocks the calling thread.
    pub fn wait_for(
        &self,
        chat_id: i64,
        pred: impl Fn(&BotMessage) -> bool,
        timeout: Duration,
    ) -> Option<BotMessage> {
        let deadline = Instant::now() + timeout;
        loop {
            let found = self.messages(chat_id).into_iter().find(|it| pred(it));
            if found.is_some() || Instant::now() >= deadline {
                return found;
            }
            thread::sleep(Duration::from_millis(5));
        }
    }

    /// Like [`FakeTelegram::wait_for`], without blocking an async test's runtime.
    pub async fn wait_for_async(
        &self,
        chat_id: i64,
        pred: impl Fn(&BotMessage) -> bool,
        timeout: Duration,
    ) -> Option<BotMessage> {
        let deadline = Instant::now() + timeout;
        loop {
            let found = self.messages(chat_id).into_iter().find(|it| pred(it));
            if found.is_some() || Instant::now() >= deadline {
                return found;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// How many times the bot changed the chat (sent, edited or deleted a message) so far.
    #[must_use]
    pub fn chat_changes(&self, chat_id: i64) -> u64 {
        self.shared.lock().chat_changes(chat_id)
    }

    /// Waits, without polling, until the bot has changed the chat more than
    /// `seen` times, or `timeout` passes; returns the chat's change count then.
    pub async fn wait_for_change(&self, chat_id: i64, seen: u64, timeout: Duration) -> u64 {
        let watch = self.shared.chat_watch(chat_id);
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            // Registered before looking, so a change in between still wakes us.
            let notified = watch.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let changes = self.chat_changes(chat_id);
            if changes > seen || tokio::time::Instant::now() >= deadline {
                return changes;
            }
            tokio::select! {
                () = notified => (),
                () = tokio::time::sleep_until(deadline) => (),
            }
        }
    }

    fn push(&self, update: Value) -> i64 {
        let (update_id, delivery) = self.shared.lock().push_update(update);
        match delivery {
            Some(delivery) => {
                if self.shared.webhook_tx.send(delivery).is_err() {
                    log::warn!("fake telegram: webhook delivery thread is gone");
                }
            }
            None => self.shared.updates_added.notify_waiters(),
        }
        update_id
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// POSTs a JSON call to the fake; returns the status and the answer.
    fn call(fake: &FakeTelegram, token: &str, method: &str, params: Value) -> (u16, Value) {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let url = format!("{}/bot{token}/{method}", fake.api_base());
        let mut response = agent.post(&url).send_json(&params).unwrap();
        let status = response.status().as_u16();
        (status, response.body_mut().read_json().unwrap())
    }

    fn check_rejected(method: &str, params: Value, expected_violation: &str) {
        let fake = FakeTelegram::start();
        fake.add_user(&SimUser::new(1, "A"));
        let (status, answer) = call(&fake, TOKEN, method, params);
        assert_eq!((status, &answer["ok"]), (400, &json!(false)), "{answer}");
        let violations = fake.violations();
        assert!(
            violations.iter().any(|it| it.contains(expected_violation)),
            "{violations:?}"
        );
        assert!(fake.messages(1).is_empty());
    }

    #[test]
    fn validates_like_telegram() {
        check_rejected("sendMessage", json!({ "chat_id": 1, "text": "" }), "empty");
        let text = "x".repeat(4097);
        check_rejected(
            "sendMessage",
            json!({ "chat_id": 1, "text": text }),
            "too long",
        );
        let data = "d".repeat(65);
        let keyboard = json!({ "inline_keyboard": [[{ "text": "b", "callback_data": data }]] });
        check_rejected(
            "sendMessage",
            json!({ "chat_id": 1, "text": "t", "reply_markup": keyboard }),
            "BUTTON_DATA_INVALID",
        );
        let row: Vec<Value> = (0..101)
            .map(|it| json!({ "text": "b", "callback_data": it.to_string() }))
            .collect();
        let keyboard = json!({ "inline_keyboard": [row] });
        check_rejected(
            "sendMessage",
            json!({ "chat_id": 1, "text": "t", "reply_markup": keyboard }),
            "too many inline buttons",
        );
        check_rejected(
            "editMessageText",
            json!({ "chat_id": 1, "message_id": 5, "text": "t" }),
            "message to edit not found",
        );
    }

    #[test]
    fn wrong_token_is_unauthorized() {
        let fake = FakeTelegram::start();
        let (status, answer) = call(&fake, "1:WRONG", "getMe", json!({}));
        assert_eq!((status, answer["error_code"].as_i64()), (401, Some(401)));
        let (status, answer) = call(&fake, TOKEN, "getMe", json!({}));
        assert_eq!(
            (status, answer["result"]["is_bot"].as_bool()),
            (200, Some(true))
        );
    }

    #[test]
    fn group_limit_answers_429_with_retry_after() {
        let fake = FakeTelegram::start();
        let statuses: Vec<u16> = (0..21)
            .map(|it| {
                call(
                    &fake,
                    TOKEN,
                    "sendMessage",
                    json!({ "chat_id": -7, "text": it.to_string() }),
                )
                .0
            })
            .collect();
        assert_eq!(statuses[..20], [200; 20]);
        assert_eq!(statuses[20], 429);
        assert_eq!(fake.count_429(), 1);
        let (_, answer) = call(
            &fake,
            TOKEN,
            "sendMessage",
            json!({ "chat_id": -7, "text": "x" }),
        );
        assert!(
            answer["parameters"]["retry_after"].as_u64() >= Some(1),
            "{answer}"
        );
    }

    #[test]
    fn get_updates_conflicts_with_a_webhook_and_honours_offset() {
        let fake = FakeTelegram::start();
        let user = SimUser::new(1, "A");
        let first = fake.send_text(&user, "one");
        let second = fake.send_text(&user, "two");
        let (_, answer) = call(&fake, TOKEN, "getUpdates", json!({ "offset": second }));
        let ids: Vec<i64> = answer["result"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|it| it["update_id"].as_i64())
            .collect();
        assert_eq!((first + 1, ids), (second, vec![second]));
        let (status, _) = call(
            &fake,
            TOKEN,
            "setWebhook",
            json!({ "url": "http://127.0.0.1:9/x" }),
        );
        assert_eq!(status, 200);
        let (status, _) = call(&fake, TOKEN, "getUpdates", json!({}));
        assert_eq!(status, 409);
    }
}
