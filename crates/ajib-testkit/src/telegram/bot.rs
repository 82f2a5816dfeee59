//! One bot the fake serves: its shared state and [`FakeBot`], the handle tests drive it with.
//!
//! Every bot has its own [`State`] (updates, chats, message and file ids, rate limits, Stars,
//! channels), its own long-polling wake-up and its own revocation flag, so nothing one bot does
//! is seen by another, as on Telegram, where all of this is per bot.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::telegram::stars::{self, SentInvoice, StarsOutcome};
use crate::telegram::state::{self, BotIdentity, State, WebhookDelivery};
use crate::telegram::{
    BotMessage, CallbackAnswer, ChannelStatus, RateLimits, SimUser, TelegramFault, UserMessage,
};

/// A webhook delivery on its way to the delivery thread, with the bot whose statuses it records.
pub(super) type QueuedDelivery = (Weak<Bot>, WebhookDelivery);

/// What the server and a bot's handles share about one bot.
pub(super) struct Bot {
    /// The token the bot is called with, without the `bot` prefix.
    token: String,
    /// Who the bot is; never changes.
    identity: BotIdentity,
    state: Mutex<State>,
    /// Set by `revoke_token`: every call with the token answers 401 from then on.
    revoked: AtomicBool,
    /// Woken whenever an update is queued or the token is revoked, for long-polling `getUpdates`.
    pub(super) updates_added: tokio::sync::Notify,
    /// Updates to POST to the webhook, consumed by the delivery thread.
    webhook_tx: Sender<QueuedDelivery>,
    /// Woken whenever the bot changes the chat, for [`FakeBot::wait_for_change`].
    chat_watches: Mutex<HashMap<i64, Arc<tokio::sync::Notify>>>,
}

/// One bot served by a [`FakeTelegram`](crate::telegram::FakeTelegram): the same simulation and
/// inspection methods as the primary bot, which the fake itself dereferences to.
#[derive(Debug, Clone)]
pub struct FakeBot {
    bot: Arc<Bot>,
    api_base: Arc<str>,
}

impl Bot {
    /// A bot with no users, messages or updates yet.
    pub(super) fn new(
        token: &str,
        identity: BotIdentity,
        webhook_tx: Sender<QueuedDelivery>,
    ) -> Self {
        Self {
            token: token.to_owned(),
            state: Mutex::new(State::new(identity.clone())),
            identity,
            revoked: AtomicBool::new(false),
            updates_added: tokio::sync::Notify::new(),
            webhook_tx,
            chat_watches: Mutex::default(),
        }
    }

    /// The token the bot is called with.
    pub(super) fn token(&self) -> &str {
        &self.token
    }

    /// The bot's state; a panic while it was held does not lock it for good.
    pub(super) fn lock(&self) -> MutexGuard<'_, State> {
        match self.state.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Whether the token was revoked.
    pub(super) fn is_revoked(&self) -> bool {
        self.revoked.load(Ordering::SeqCst)
    }

    /// Revokes the token and wakes a waiting long poll so it answers 401.
    pub(super) fn revoke(&self) {
        self.revoked.store(true, Ordering::SeqCst);
        self.updates_added.notify_waiters();
    }

    /// The chat's change notification, created on first use.
    pub(super) fn chat_watch(&self, chat_id: i64) -> Arc<tokio::sync::Notify> {
        let mut watches = match self.chat_watches.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        watches.entry(chat_id).or_default().clone()
    }

    /// Hands webhook deliveries to the delivery thread, in order.
    pub(super) fn deliver(self: &Arc<Self>, deliveries: impl IntoIterator<Item = WebhookDelivery>) {
        for delivery in deliveries {
            if self
                .webhook_tx
                .send((Arc::downgrade(self), delivery))
                .is_err()
            {
                log::warn!("fake telegram: webhook delivery thread is gone");
            }
        }
    }
}

impl fmt::Debug for Bot {
    // Not the token: a test's log should not teach anyone to print bot tokens.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Bot")
            .field("id", &self.identity.id)
            .field("username", &self.identity.username)
            .field("revoked", &self.is_revoked())
            .finish_non_exhaustive()
    }
}

impl FakeBot {
    /// A handle on `bot`, served at `api_base`.
    pub(super) fn new(bot: Arc<Bot>, api_base: Arc<str>) -> Self {
        Self { bot, api_base }
    }

    /// The bot's token, as the bot is configured with it.
    #[must_use]
    pub fn token(&self) -> &str {
        &self.bot.token
    }

    /// Base URL without the `/bot<TOKEN>` part, e.g. `http://127.0.0.1:40123`; the same for every bot.
    #[must_use]
    pub fn api_base(&self) -> String {
        self.api_base.to_string()
    }

    /// The bot's user id, as `getMe` answers it.
    #[must_use]
    pub fn bot_id(&self) -> i64 {
        self.bot.identity.id
    }

    /// The bot's `@username` without the `@`, as `getMe` answers it.
    #[must_use]
    pub fn username(&self) -> &str {
        &self.bot.identity.username
    }

    /// The bot's name, as `getMe` answers it.
    #[must_use]
    pub fn first_name(&self) -> &str {
        &self.bot.identity.first_name
    }

    /// Whether [`FakeTelegram::revoke_token`](crate::telegram::FakeTelegram::revoke_token)
    /// revoked this bot's token.
    #[must_use]
    pub fn is_revoked(&self) -> bool {
        self.bot.is_revoked()
    }

    /// Lets the bot send to this user's private chat without the user writing first.
    pub fn add_user(&self, user: &SimUser) {
        self.bot.lock().add_user(user);
    }

    /// Queues a text message (or `/command`) from the user; returns its `update_id`.
    pub fn send_text(&self, user: &SimUser, text: &str) -> i64 {
        let update = self.bot.lock().user_text(user, text);
        self.push(update)
    }

    /// Queues a text message carrying `entities` (`Value::Null` or `[]` for none); returns its `update_id`.
    pub fn send_formatted_text(&self, user: &SimUser, text: &str, entities: Value) -> i64 {
        let update = self.bot.lock().user_formatted_text(user, text, entities);
        self.push(update)
    }

    /// Queues a button press on one of the bot's messages; returns the callback query id.
    pub fn press_button(&self, user: &SimUser, message_id: i32, data: &str) -> String {
        let (callback_id, update) = self.bot.lock().user_press(user, message_id, data);
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
            .bot
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
            .bot
            .lock()
            .user_photo(user, png_or_jpeg, caption, caption_entities);
        self.push(update)
    }

    /// Every Stars invoice the bot sent to `chat_id`, in order.
    #[must_use]
    pub fn stars_invoices(&self, chat_id: i64) -> Vec<SentInvoice> {
        let state = self.bot.lock();
        let invoices = state.stars.invoices.iter();
        invoices
            .filter(|it| it.chat_id == chat_id)
            .cloned()
            .collect()
    }

    /// Deliver every `successful_payment` twice from now on (Telegram may redeliver).
    pub fn set_stars_double_delivery(&self, twice: bool) {
        self.bot.lock().stars.deliver_twice = twice;
    }

    /// Whether the bot refunded Stars charge `charge_id` (`refundStarPayment`).
    #[must_use]
    pub fn stars_refunded(&self, charge_id: &str) -> bool {
        self.bot.lock().stars.refunded(charge_id)
    }

    /// The user pays the Stars invoice in message `message_id` of their chat,
    /// as Telegram runs it: a `pre_checkout_query` is sent and its answer
    /// awaited for up to 10 s; only an ok answer takes the Stars and sends the
    /// `successful_payment` message (twice under [`Self::set_stars_double_delivery`]).
    pub async fn pay_stars(&self, user: &SimUser, message_id: i32) -> StarsOutcome {
        let opened = {
            let mut state = self.bot.lock();
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
            if let Some(answer) = self.bot.lock().stars.answer_of(&query_id) {
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
            let mut state = self.bot.lock();
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
        let update = self.bot.lock().set_blocked(user_id, true);
        self.push(update);
    }

    /// The user unblocks the bot: a `my_chat_member` "member" update is queued.
    pub fn unblock(&self, user_id: i64) {
        let update = self.bot.lock().set_blocked(user_id, false);
        self.push(update);
    }

    /// Everything the user sent in `chat_id` (texts, uploads), in order, and whether the bot deleted it.
    #[must_use]
    pub fn user_messages(&self, chat_id: i64) -> Vec<UserMessage> {
        self.bot.lock().user_messages(chat_id)
    }

    /// Everything the bot sent to the chat, in order.
    #[must_use]
    pub fn messages(&self, chat_id: i64) -> Vec<BotMessage> {
        self.bot.lock().messages(chat_id)
    }

    /// Every chat the bot sent something to, in ascending id order.
    #[must_use]
    pub fn all_chats(&self) -> Vec<i64> {
        self.bot.lock().all_chats()
    }

    /// Every `answerCallbackQuery` call, in order.
    #[must_use]
    pub fn callback_answers(&self) -> Vec<CallbackAnswer> {
        self.bot.lock().callback_answers.clone()
    }

    /// Every broken Telegram rule so far, including callback queries unanswered for over 10 s.
    #[must_use]
    pub fn violations(&self) -> Vec<String> {
        let mut state = self.bot.lock();
        state.check_unanswered(Instant::now());
        state.violations.clone()
    }

    /// How many calls were answered with 429.
    #[must_use]
    pub fn count_429(&self) -> u64 {
        self.bot.lock().count_429
    }

    /// How many calls of this method (case-insensitive) reached the fake, faults included.
    #[must_use]
    pub fn request_count(&self, method: &str) -> usize {
        self.bot.lock().request_count(method)
    }

    /// How many calls were failed, dropped or slowed by a fault.
    #[must_use]
    pub fn fault_hits(&self) -> u64 {
        self.bot.lock().fault_hits
    }

    /// HTTP statuses the webhook answered, in delivery order (0 for a connection error).
    #[must_use]
    pub fn webhook_statuses(&self) -> Vec<u16> {
        self.bot.lock().webhook_statuses.clone()
    }

    /// The current webhook URL, if one is set.
    #[must_use]
    pub fn webhook_url(&self) -> Option<String> {
        self.bot.lock().webhook.as_ref().map(|it| it.url.clone())
    }

    /// The commands last set with `setMyCommands`, as sent.
    #[must_use]
    pub fn my_commands(&self) -> Option<Value> {
        self.bot.lock().commands.clone()
    }

    /// Chooses which rate limits are enforced from the next call on
    /// ([`RateLimits::Telegram`] unless set).
    pub fn set_rate_limits(&self, limits: RateLimits) {
        self.bot.lock().limits = limits;
    }

    /// Injects a fault into every following Bot API call until set back to `None`.
    pub fn set_fault(&self, fault: TelegramFault) {
        self.bot.lock().fault = fault;
    }

    /// The id of the channel `@username`, if [`Self::create_channel`] made it.
    #[must_use]
    pub fn channel_id(&self, username: &str) -> Option<i64> {
        self.bot.lock().channels.id_of(username)
    }

    /// Makes a public channel `@username` with the bot as one of its administrators (as an
    /// operator sets up `REQUIRED_CHANNEL`); every user is `left` until added. Returns its id.
    pub fn create_channel(&self, username: &str) -> i64 {
        self.bot.lock().channels.create(username)
    }

    /// Makes the bot an administrator of the channel or not; without it `getChatMember`
    /// answers "Bad Request: member list is inaccessible".
    pub fn set_bot_channel_admin(&self, channel_id: i64, admin: bool) {
        self.bot.lock().channels.set_bot_admin(channel_id, admin);
    }

    /// Sets a user's status in the channel.
    pub fn set_channel_status(&self, channel_id: i64, user_id: i64, status: ChannelStatus) {
        self.bot
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
        self.bot.lock().channels.delete(channel_id);
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

    /// Like [`Self::wait_for`], without blocking an async test's runtime.
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
        self.bot.lock().chat_changes(chat_id)
    }

    /// Waits, without polling, until the bot has changed the chat more than
    /// `seen` times, or `timeout` passes; returns the chat's change count then.
    pub async fn wait_for_change(&self, chat_id: i64, seen: u64, timeout: Duration) -> u64 {
        let watch = self.bot.chat_watch(chat_id);
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
        let (update_id, delivery) = self.bot.lock().push_update(update);
        match delivery {
            Some(delivery) => self.bot.deliver([delivery]),
            None => self.bot.updates_added.notify_waiters(),
        }
        update_id
    }
}
