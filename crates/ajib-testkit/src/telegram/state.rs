//! The fake Bot API's state and the semantics of each method, free of HTTP.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value, json};

use crate::telegram::channels::Channels;
use crate::telegram::photo;
use crate::telegram::stars::{Refusal, Stars};
use crate::telegram::{
    BotMessage, CallbackAnswer, MessageKind, RateLimits, SimUser, TelegramFault, UserMessage,
};

/// Network jitter the rate limits forgive, in seconds.
const JITTER_SECS: f64 = 0.05;
/// How long Telegram waits for `answerCallbackQuery`.
const CALLBACK_ANSWER_SECS: u64 = 10;

/// Who a bot is: what `getMe` answers and the `from` of its messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct BotIdentity {
    /// The bot's user id, the numeric part of its token.
    pub(super) id: i64,
    /// `@username` without the `@`.
    pub(super) username: String,
    /// The name users see.
    pub(super) first_name: String,
}

/// Everything the fake remembers about one bot.
#[derive(Debug)]
pub(super) struct State {
    /// The bot this state belongs to.
    pub(super) identity: BotIdentity,
    next_update_id: i64,
    updates: VecDeque<Value>,
    pub(super) webhook: Option<Webhook>,
    /// Webhook deliveries produced by `setWebhook`, drained by the server.
    pub(super) pending_deliveries: Vec<WebhookDelivery>,
    chats: BTreeMap<i64, Chat>,
    users: HashMap<i64, SimUser>,
    blocked: HashSet<i64>,
    callbacks: HashMap<String, PendingCallback>,
    next_callback: u64,
    pub(super) callback_answers: Vec<CallbackAnswer>,
    files: HashMap<String, StoredFile>,
    /// The `PhotoSize` array of every photo file id, so a resent photo keeps its ids.
    photos: HashMap<String, Value>,
    next_file: u64,
    pub(super) violations: Vec<String>,
    pub(super) count_429: u64,
    pub(super) fault: TelegramFault,
    pub(super) fault_hits: u64,
    requests: HashMap<String, usize>,
    pub(super) webhook_statuses: Vec<u16>,
    pub(super) commands: Option<Value>,
    global_bucket: Bucket,
    chat_buckets: HashMap<i64, Bucket>,
    /// When each chat last wrote to the bot (sent a message or pressed a button).
    last_incoming: HashMap<i64, Instant>,
    /// Which rate limits are enforced.
    pub(super) limits: RateLimits,
    /// How many times the bot changed each chat (sent, edited or deleted a message).
    chat_changes: HashMap<i64, u64>,
    /// Channels, for `getChatMember`.
    pub(super) channels: Channels,
    /// Telegram Stars: invoices, pre-checkout queries, charges.
    pub(super) stars: Stars,
}

/// A message to a chat that wrote to the bot this recently is a reply to it
/// (solicited) and is not held by the global budget; Telegram publishes no
/// exact rule, this is the model of `shared/specs/telegram.md`.
const SOLICITED_FOR: std::time::Duration = std::time::Duration::from_secs(60);

/// A webhook set with `setWebhook`.
#[derive(Debug, Clone)]
pub(super) struct Webhook {
    pub(super) url: String,
    pub(super) secret: Option<String>,
}

/// One update to POST to the webhook.
#[derive(Debug)]
pub(super) struct WebhookDelivery {
    pub(super) url: String,
    pub(super) secret: Option<String>,
    pub(super) body: Value,
}

/// A Bot API error answer.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct ApiError {
    pub(super) code: u16,
    pub(super) description: String,
    pub(super) retry_after: Option<u32>,
}

/// A call's parameters, whatever the body encoding was.
#[derive(Debug, Default)]
pub(super) struct Params {
    pub(super) fields: Map<String, Value>,
    /// Uploaded files by field name: file name and bytes.
    pub(super) files: HashMap<String, (String, Vec<u8>)>,
}

#[derive(Debug, Default)]
struct Chat {
    next_message_id: i32,
    messages: Vec<BotMessage>,
    /// What the user sent, and whether the bot deleted it: in a private chat
    /// a bot may delete the user's messages too (for 48 hours).
    from_user: Vec<UserMessage>,
}

#[derive(Debug)]
struct PendingCallback {
    created: Instant,
    answered: bool,
    reported: bool,
}

#[derive(Debug)]
pub(super) struct StoredFile {
    pub(super) path: String,
    pub(super) bytes: Vec<u8>,
}

/// Token bucket: `capacity` tokens, refilled at `per_sec`.
#[derive(Debug)]
struct Bucket {
    tokens: f64,
    capacity: f64,
    per_sec: f64,
    updated: Instant,
}

type Reply = Result<Value, ApiError>;

impl State {
    pub(super) fn new(identity: BotIdentity) -> Self {
        Self {
            stars: Stars::new(identity.id),
            identity,
            next_update_id: 1,
            updates: VecDeque::new(),
            webhook: None,
            pending_deliveries: Vec::new(),
            chats: BTreeMap::new(),
            users: HashMap::new(),
            blocked: HashSet::new(),
            callbacks: HashMap::new(),
            next_callback: 1,
            callback_answers: Vec::new(),
            files: HashMap::new(),
            photos: HashMap::new(),
            next_file: 1,
            violations: Vec::new(),
            count_429: 0,
            fault: TelegramFault::None,
            fault_hits: 0,
            requests: HashMap::new(),
            webhook_statuses: Vec::new(),
            commands: None,
            global_bucket: Bucket::new(30.0, 30.0, Instant::now()),
            last_incoming: HashMap::new(),
            limits: RateLimits::Telegram,
            chat_changes: HashMap::new(),
            chat_buckets: HashMap::new(),
            channels: Channels::default(),
        }
    }

    pub(super) fn add_user(&mut self, user: &SimUser) {
        self.users.insert(user.id, user.clone());
        self.chats.entry(user.id).or_default();
    }

    pub(super) fn user_text(&mut self, user: &SimUser, text: &str) -> Value {
        self.add_user(user);
        let message_id = self.next_user_message_id(user.id, Some(text));
        let mut message = user_message(user, message_id);
        message.insert("text".to_owned(), json!(text));
        if text.starts_with('/') {
            let len = text.split_whitespace().next().map_or(0, utf16_len);
            message.insert(
                "entities".to_owned(),
                json!([{ "type": "bot_command", "offset": 0, "length": len }]),
            );
        }
        json!({ "message": message })
    }

    /// A text message with the given `entities` (none for `null` or `[]`).
    pub(super) fn user_formatted_text(
        &mut self,
        user: &SimUser,
        text: &str,
        entities: Value,
    ) -> Value {
        self.add_user(user);
        let message_id = self.next_user_message_id(user.id, Some(text));
        let mut message = user_message(user, message_id);
        message.insert("text".to_owned(), json!(text));
        if has_entities(&entities) {
            message.insert("entities".to_owned(), entities);
        }
        json!({ "message": message })
    }

    pub(super) fn user_press(
        &mut self,
        user: &SimUser,
        message_id: i32,
        data: &str,
    ) -> (String, Value) {
        self.add_user(user);
        // Ids are unique across bots, as Telegram's are.
        let callback_id = format!("cb{}_{}", self.identity.id, self.next_callback);
        self.next_callback += 1;
        self.callbacks.insert(
            callback_id.clone(),
            PendingCallback {
                created: Instant::now(),
                answered: false,
                reported: false,
            },
        );
        let text = self
            .chats
            .get(&user.id)
            .and_then(|chat| chat.messages.iter().find(|it| it.message_id == message_id))
            .and_then(|it| it.text.clone());
        let mut message = json!({
            "message_id": message_id,
            "from": bot_user(&self.identity),
            "chat": private_chat(user),
            "date": unix_now(),
        });
        if let Some(text) = text {
            message["text"] = json!(text);
        }
        let update = json!({
            "callback_query": {
                "id": callback_id,
                "from": user_json(user),
                "message": message,
                "chat_instance": format!("ci{}", user.id),
                "data": data,
            }
        });
        (callback_id, update)
    }

    pub(super) fn user_document(
        &mut self,
        user: &SimUser,
        file_name: &str,
        bytes: &[u8],
        caption: Option<&str>,
    ) -> Value {
        self.add_user(user);
        let file_id = self.store_file("documents", file_name, bytes.to_vec());
        let message_id = self.next_user_message_id(user.id, None);
        let mut message = user_message(user, message_id);
        message.insert(
            "document".to_owned(),
            json!({
                "file_id": file_id,
                "file_unique_id": format!("u{file_id}"),
                "file_name": file_name,
                "file_size": bytes.len(),
            }),
        );
        if let Some(caption) = caption {
            message.insert("caption".to_owned(), json!(caption));
        }
        json!({ "message": message })
    }

    /// A photo in the sizes Telegram makes, every size downloadable, with an optional caption.
    pub(super) fn user_photo(
        &mut self,
        user: &SimUser,
        bytes: &[u8],
        caption: Option<&str>,
        caption_entities: Value,
    ) -> Value {
        self.add_user(user);
        let sizes = self.store_photo(photo::file_name(bytes), bytes);
        let message_id = self.next_user_message_id(user.id, None);
        let mut message = user_message(user, message_id);
        message.insert("photo".to_owned(), sizes);
        if let Some(caption) = caption {
            message.insert("caption".to_owned(), json!(caption));
        }
        if has_entities(&caption_entities) {
            message.insert("caption_entities".to_owned(), caption_entities);
        }
        json!({ "message": message })
    }

    /// The user's `successful_payment` service message.
    pub(super) fn user_payment(&mut self, user: &SimUser, payment: Value) -> Value {
        self.add_user(user);
        let message_id = self.next_user_message_id(user.id, None);
        let mut message = user_message(user, message_id);
        message.insert("successful_payment".to_owned(), payment);
        json!({ "message": message })
    }

    pub(super) fn set_blocked(&mut self, user_id: i64, blocked: bool) -> Value {
        let user = self
            .users
            .get(&user_id)
            .cloned()
            .unwrap_or_else(|| SimUser::new(user_id, "User"));
        self.add_user(&user);
        let (old, new) = match blocked {
            true => {
                self.blocked.insert(user_id);
                ("member", "kicked")
            }
            false => {
                self.blocked.remove(&user_id);
                ("kicked", "member")
            }
        };
        let bot = bot_user(&self.identity);
        let mut new_member = json!({ "user": bot, "status": new });
        if blocked {
            new_member["until_date"] = json!(0);
        }
        json!({
            "my_chat_member": {
                "chat": private_chat(&user),
                "from": user_json(&user),
                "date": unix_now(),
                "old_chat_member": { "user": bot, "status": old },
                "new_chat_member": new_member,
            }
        })
    }

    /// Numbers the update; returns its id and, in webhook mode, the delivery to make.
    pub(super) fn push_update(&mut self, mut update: Value) -> (i64, Option<WebhookDelivery>) {
        let update_id = self.next_update_id;
        self.next_update_id += 1;
        update["update_id"] = json!(update_id);
        if let Some(chat_id) = incoming_chat(&update) {
            self.last_incoming.insert(chat_id, Instant::now());
        }
        match &self.webhook {
            Some(webhook) => (
                update_id,
                Some(WebhookDelivery {
                    url: webhook.url.clone(),
                    secret: webhook.secret.clone(),
                    body: update,
                }),
            ),
            None => {
                self.updates.push_back(update);
                (update_id, None)
            }
        }
    }

    /// `getUpdates` without the waiting: confirms updates below `offset`, returns the rest.
    pub(super) fn take_updates(
        &mut self,
        offset: i64,
        limit: usize,
    ) -> Result<Vec<Value>, ApiError> {
        if self.webhook.is_some() {
            return Err(ApiError::new(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
            ));
        }
        if offset > 0 {
            while let Some(first) = self.updates.front() {
                if first["update_id"].as_i64().unwrap_or(0) >= offset {
                    break;
                }
                self.updates.pop_front();
            }
        }
        Ok(self.updates.iter().take(limit).cloned().collect())
    }

    pub(super) fn messages(&self, chat_id: i64) -> Vec<BotMessage> {
        self.chats
            .get(&chat_id)
            .map(|chat| chat.messages.clone())
            .unwrap_or_default()
    }

    pub(super) fn all_chats(&self) -> Vec<i64> {
        self.chats
            .iter()
            .filter(|(_, chat)| !chat.messages.is_empty())
            .map(|(id, _)| *id)
            .collect()
    }

    pub(super) fn request_count(&self, method: &str) -> usize {
        self.requests
            .get(&method.to_ascii_lowercase())
            .copied()
            .unwrap_or(0)
    }

    pub(super) fn count_request(&mut self, method: &str) {
        *self.requests.entry(method.to_owned()).or_default() += 1;
    }

    pub(super) fn file(&self, path: &str) -> Option<Vec<u8>> {
        self.files
            .values()
            .find(|it| it.path == path)
            .map(|it| it.bytes.clone())
    }

    pub(super) fn check_unanswered(&mut self, now: Instant) {
        let mut late = Vec::new();
        for (id, pending) in &mut self.callbacks {
            let overdue = now.duration_since(pending.created).as_secs() >= CALLBACK_ANSWER_SECS;
            if !pending.answered && !pending.reported && overdue {
                pending.reported = true;
                late.push(id.clone());
            }
        }
        late.sort();
        for id in late {
            self.violations.push(format!(
                "callback query {id} left unanswered for over {CALLBACK_ANSWER_SECS} s"
            ));
        }
    }

    /// Runs one Bot API method (all but `getUpdates`), `method` in lower case.
    /// Handles one Bot API call; a successful send, edit or delete counts as a change of its chat.
    pub(super) fn call(&mut self, method: &str, params: &Params, now: Instant) -> Reply {
        let res = self.dispatch(method, params, now);
        let changes_chat = ["send", "edit", "delete"]
            .iter()
            .any(|prefix| method.starts_with(prefix));
        if res.is_ok()
            && changes_chat
            && let Ok(chat_id) = params.chat_id()
        {
            *self.chat_changes.entry(chat_id).or_default() += 1;
        }
        res
    }

    /// How many times the bot changed the chat so far.
    pub(super) fn chat_changes(&self, chat_id: i64) -> u64 {
        self.chat_changes.get(&chat_id).copied().unwrap_or(0)
    }

    fn dispatch(&mut self, method: &str, params: &Params, now: Instant) -> Reply {
        match method {
            "getme" => Ok(bot_user(&self.identity)),
            "sendmessage" => self.send_message(params, now),
            "sendphoto" => self.send_media(MessageKind::Photo, params, now),
            "senddocument" => self.send_media(MessageKind::Document, params, now),
            "editmessagetext" => self.edit_text(params),
            "editmessagereplymarkup" => self.edit_markup(params),
            "answercallbackquery" => self.answer_callback(params, now),
            "deletemessage" => self.delete_message(params),
            "getfile" => self.get_file(params),
            "getchatmember" => self.channels.get_chat_member(params, &self.users),
            "sendinvoice" => self.send_invoice(params, now),
            "answerprecheckoutquery" => {
                let res = self.stars.answer(params, now);
                self.refused("answerPreCheckoutQuery", res)
            }
            "refundstarpayment" => {
                let res = self.stars.refund(params);
                self.refused("refundStarPayment", res)
            }
            "setwebhook" => self.set_webhook(params),
            "deletewebhook" => {
                self.webhook = None;
                if params.bool("drop_pending_updates") {
                    self.updates.clear();
                }
                Ok(json!(true))
            }
            "setmycommands" => {
                self.commands = Some(params.json("commands").unwrap_or(Value::Null));
                Ok(json!(true))
            }
            _ => Err(ApiError::new(404, "Not Found")),
        }
    }

    fn send_message(&mut self, params: &Params, now: Instant) -> Reply {
        let chat_id = params.chat_id()?;
        self.check_recipient(chat_id)?;
        let text = params.str("text").unwrap_or_default();
        let parse_mode = params.str("parse_mode");
        self.check_text("sendMessage", &text, parse_mode.as_deref(), 1, 4096)?;
        let keyboard = params.json("reply_markup");
        self.check_markup("sendMessage", keyboard.as_ref())?;
        self.check_rate(chat_id, now)?;
        let message = BotMessage {
            message_id: self.next_message_id(chat_id),
            kind: MessageKind::Text,
            text: Some(text),
            parse_mode,
            photo: None,
            document: None,
            keyboard,
            edited: 0,
            deleted: false,
        };
        Ok(self.record(chat_id, message))
    }

    fn send_media(&mut self, kind: MessageKind, params: &Params, now: Instant) -> Reply {
        let method = match kind {
            MessageKind::Photo => "sendPhoto",
            _ => "sendDocument",
        };
        let field = match kind {
            MessageKind::Photo => "photo",
            _ => "document",
        };
        let chat_id = params.chat_id()?;
        self.check_recipient(chat_id)?;
        let caption = params.str("caption");
        let parse_mode = params.str("parse_mode");
        if let Some(caption) = &caption {
            self.check_text(method, caption, parse_mode.as_deref(), 0, 1024)?;
        }
        let keyboard = params.json("reply_markup");
        self.check_markup(method, keyboard.as_ref())?;
        // File name and bytes, and the file id when the bot resends a file Telegram has.
        let (upload, known_id) = match (params.files.get(field), params.str(field)) {
            (Some((name, bytes)), _) => ((name.clone(), bytes.clone()), None),
            (None, Some(file_id)) => match self.files.get(&file_id) {
                Some(file) => ((file_id.clone(), file.bytes.clone()), Some(file_id)),
                None => {
                    return Err(
                        self.bad_request(method, "wrong file identifier/HTTP URL specified")
                    );
                }
            },
            (None, None) => {
                return Err(
                    self.bad_request(method, &format!("there is no {field} in the request"))
                );
            }
        };
        if kind == MessageKind::Photo && !photo::is_image(&upload.1) {
            return Err(self.bad_request(method, "IMAGE_PROCESS_FAILED"));
        }
        self.check_rate(chat_id, now)?;
        let message = BotMessage {
            message_id: self.next_message_id(chat_id),
            kind,
            text: caption,
            parse_mode,
            photo: (kind == MessageKind::Photo).then(|| upload.1.clone()),
            document: (kind == MessageKind::Document).then(|| upload.clone()),
            keyboard,
            edited: 0,
            deleted: false,
        };
        let mut res = self.record(chat_id, message);
        match kind {
            MessageKind::Photo => {
                res["photo"] = self.photo_sizes(known_id, &upload.0, &upload.1);
            }
            _ => {
                let file_id = self.store_file("documents", &upload.0, upload.1.clone());
                res["document"] = json!({
                    "file_id": file_id,
                    "file_unique_id": format!("u{file_id}"),
                    "file_size": upload.1.len(),
                    "file_name": upload.0,
                });
            }
        }
        Ok(res)
    }

    /// `sendInvoice` in Telegram Stars: validated, shown in the chat as a
    /// message of kind [`MessageKind::Invoice`], kept for a simulated payment.
    fn send_invoice(&mut self, params: &Params, now: Instant) -> Reply {
        let chat_id = params.chat_id()?;
        self.check_recipient(chat_id)?;
        let checked = Stars::check_invoice(params, chat_id);
        let mut invoice = self.refused("sendInvoice", checked)?;
        self.check_rate(chat_id, now)?;
        invoice.message_id = self.next_message_id(chat_id);
        let message = BotMessage {
            message_id: invoice.message_id,
            kind: MessageKind::Invoice,
            text: Some(format!("{}\n{}", invoice.title, invoice.description)),
            parse_mode: None,
            photo: None,
            document: None,
            keyboard: None,
            edited: 0,
            deleted: false,
        };
        let mut res = self.record(chat_id, message);
        res["invoice"] = json!({
            "title": invoice.title,
            "description": invoice.description,
            "start_parameter": "",
            "currency": "XTR",
            "total_amount": invoice.stars,
        });
        self.stars.invoices.push(invoice);
        Ok(res)
    }

    /// A Stars check's result as a reply: a refusal is a 400, and a violation when the bot erred.
    fn refused<T>(&mut self, method: &str, res: Result<T, Refusal>) -> Result<T, ApiError> {
        res.map_err(|refusal| match refusal.violation {
            true => self.bad_request(method, &refusal.description),
            false => ApiError::new(400, &format!("Bad Request: {}", refusal.description)),
        })
    }

    /// The sizes of a sent photo: those it already has when resent by id, else new ones.
    fn photo_sizes(&mut self, known_id: Option<String>, file_name: &str, bytes: &[u8]) -> Value {
        if let Some(sizes) = known_id.as_ref().and_then(|it| self.photos.get(it)) {
            return sizes.clone();
        }
        let sizes = self.store_photo(file_name, bytes);
        // A document resent as a photo: later resends of its id get the same sizes.
        if let Some(file_id) = known_id {
            self.photos.insert(file_id, sizes.clone());
        }
        sizes
    }

    fn edit_text(&mut self, params: &Params) -> Reply {
        let chat_id = params.chat_id()?;
        let message_id = params.message_id()?;
        let text = params.str("text").unwrap_or_default();
        let parse_mode = params.str("parse_mode");
        self.check_text("editMessageText", &text, parse_mode.as_deref(), 1, 4096)?;
        let keyboard = params.json("reply_markup");
        self.check_markup("editMessageText", keyboard.as_ref())?;
        let message = self.find_message("editMessageText", chat_id, message_id)?;
        if message.kind != MessageKind::Text {
            return Err(ApiError::new(
                400,
                "Bad Request: there is no text in the message to edit",
            ));
        }
        if message.text.as_deref() == Some(text.as_str()) && message.keyboard == keyboard {
            return Err(ApiError::new(
                400,
                "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
            ));
        }
        message.text = Some(text);
        message.parse_mode = parse_mode;
        message.keyboard = keyboard;
        message.edited += 1;
        let message = message.clone();
        Ok(message_json(&self.identity, chat_id, &message))
    }

    fn edit_markup(&mut self, params: &Params) -> Reply {
        let chat_id = params.chat_id()?;
        let message_id = params.message_id()?;
        let keyboard = params.json("reply_markup");
        self.check_markup("editMessageReplyMarkup", keyboard.as_ref())?;
        let message = self.find_message("editMessageReplyMarkup", chat_id, message_id)?;
        if message.keyboard == keyboard {
            return Err(ApiError::new(
                400,
                "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
            ));
        }
        message.keyboard = keyboard;
        message.edited += 1;
        let message = message.clone();
        Ok(message_json(&self.identity, chat_id, &message))
    }

    fn delete_message(&mut self, params: &Params) -> Reply {
        let chat_id = params.chat_id()?;
        let message_id = params.message_id()?;
        let found = self.chats.get_mut(&chat_id).and_then(|chat| {
            chat.messages
                .iter_mut()
                .find(|it| it.message_id == message_id && !it.deleted)
        });
        if let Some(message) = found {
            message.deleted = true;
            return Ok(json!(true));
        }
        let from_user = self.chats.get_mut(&chat_id).and_then(|chat| {
            chat.from_user
                .iter_mut()
                .find(|it| it.message_id == message_id && !it.deleted)
        });
        match from_user {
            Some(message) => {
                message.deleted = true;
                Ok(json!(true))
            }
            None => Err(ApiError::new(
                400,
                "Bad Request: message to delete not found",
            )),
        }
    }

    fn answer_callback(&mut self, params: &Params, now: Instant) -> Reply {
        let callback_id = params.str("callback_query_id").unwrap_or_default();
        let too_old =
            "Bad Request: query is too old and response timeout expired or query ID is invalid";
        let Some(pending) = self.callbacks.get_mut(&callback_id) else {
            self.violations.push(format!(
                "answerCallbackQuery: unknown callback query {callback_id:?}"
            ));
            return Err(ApiError::new(400, too_old));
        };
        if pending.answered {
            self.violations.push(format!(
                "answerCallbackQuery: callback query {callback_id} answered twice"
            ));
            return Err(ApiError::new(400, too_old));
        }
        pending.answered = true;
        if now.duration_since(pending.created).as_secs() >= CALLBACK_ANSWER_SECS {
            pending.reported = true;
            self.violations.push(format!(
                "answerCallbackQuery: callback query {callback_id} answered after {CALLBACK_ANSWER_SECS} s"
            ));
            return Err(ApiError::new(400, too_old));
        }
        let text = params.str("text");
        if let Some(text) = &text
            && text.chars().count() > 200
        {
            return Err(self.bad_request("answerCallbackQuery", "MESSAGE_TOO_LONG"));
        }
        self.callback_answers.push(CallbackAnswer {
            callback_id,
            text,
            show_alert: params.bool("show_alert"),
        });
        Ok(json!(true))
    }

    fn get_file(&mut self, params: &Params) -> Reply {
        let file_id = params.str("file_id").unwrap_or_default();
        match self.files.get(&file_id) {
            Some(file) => Ok(json!({
                "file_id": file_id,
                "file_unique_id": format!("u{file_id}"),
                "file_size": file.bytes.len(),
                "file_path": file.path,
            })),
            None => Err(ApiError::new(400, "Bad Request: invalid file_id")),
        }
    }

    fn set_webhook(&mut self, params: &Params) -> Reply {
        let url = params.str("url").unwrap_or_default();
        if url.is_empty() {
            self.webhook = None;
            return Ok(json!(true));
        }
        let webhook = Webhook {
            url,
            secret: params.str("secret_token"),
        };
        if params.bool("drop_pending_updates") {
            self.updates.clear();
        }
        for body in self.updates.drain(..) {
            self.pending_deliveries.push(WebhookDelivery {
                url: webhook.url.clone(),
                secret: webhook.secret.clone(),
                body,
            });
        }
        self.webhook = Some(webhook);
        Ok(json!(true))
    }

    /// A 403 for a blocked user, a 400 for a private chat that never talked to the bot.
    fn check_recipient(&self, chat_id: i64) -> Result<(), ApiError> {
        if self.blocked.contains(&chat_id) {
            return Err(ApiError::new(403, "Forbidden: bot was blocked by the user"));
        }
        if chat_id > 0 && !self.users.contains_key(&chat_id) {
            return Err(ApiError::new(400, "Bad Request: chat not found"));
        }
        Ok(())
    }

    fn check_text(
        &mut self,
        method: &str,
        text: &str,
        parse_mode: Option<&str>,
        min: usize,
        max: usize,
    ) -> Result<(), ApiError> {
        let len = visible_len(text, parse_mode);
        if len < min {
            return Err(self.bad_request(method, "message text is empty"));
        }
        if len > max {
            let what = if min == 0 { "caption" } else { "text" };
            return Err(self.bad_request(
                method,
                &format!("{what} is too long ({len} > {max} characters)"),
            ));
        }
        Ok(())
    }

    fn check_markup(&mut self, method: &str, markup: Option<&Value>) -> Result<(), ApiError> {
        let Some(markup) = markup else { return Ok(()) };
        let Some(rows) = markup.get("inline_keyboard") else {
            return Ok(());
        };
        let Some(rows) = rows.as_array() else {
            return Err(self.bad_request(method, "inline_keyboard must be an array"));
        };
        let mut n_buttons = 0;
        for row in rows {
            let Some(row) = row.as_array() else {
                return Err(self.bad_request(method, "inline keyboard row must be an array"));
            };
            for button in row {
                n_buttons += 1;
                let text = button
                    .get("text")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                if text.is_empty() {
                    return Err(self.bad_request(method, "inline keyboard button text is empty"));
                }
                let data = button.get("callback_data").and_then(Value::as_str);
                let url = button.get("url").and_then(Value::as_str);
                match (data, url) {
                    (Some(data), None) if (1..=64).contains(&data.len()) => (),
                    (Some(data), None) => {
                        return Err(self.bad_request(
                            method,
                            &format!("BUTTON_DATA_INVALID: callback_data is {} bytes", data.len()),
                        ));
                    }
                    (None, Some(url)) if !url.is_empty() => (),
                    _ => return Err(self.bad_request(method, "BUTTON_TYPE_INVALID")),
                }
            }
        }
        if n_buttons > 100 {
            return Err(self.bad_request(
                method,
                &format!("too many inline buttons ({n_buttons} > 100)"),
            ));
        }
        Ok(())
    }

    fn check_rate(&mut self, chat_id: i64, now: Instant) -> Result<(), ApiError> {
        if self.limits == RateLimits::Off {
            return Ok(());
        }
        let chat_bucket = self
            .chat_buckets
            .entry(chat_id)
            .or_insert_with(|| match chat_id < 0 {
                true => Bucket::new(20.0, 20.0 / 60.0, now),
                false => Bucket::new(3.0, 1.0, now),
            });
        let solicited = self.limits != RateLimits::Strict
            && self
                .last_incoming
                .get(&chat_id)
                .is_some_and(|at| now.saturating_duration_since(*at) < SOLICITED_FOR);
        let global_wait = match solicited {
            true => 0.0,
            false => self.global_bucket.wait(now),
        };
        let chat_wait = chat_bucket.wait(now);
        let wait = global_wait.max(chat_wait);
        if wait > 0.0 {
            self.count_429 += 1;
            let retry_after = (wait.ceil() as u32).max(1);
            return Err(ApiError {
                code: 429,
                description: format!("Too Many Requests: retry after {retry_after}"),
                retry_after: Some(retry_after),
            });
        }
        if !solicited {
            self.global_bucket.take();
        }
        chat_bucket.take();
        Ok(())
    }

    fn bad_request(&mut self, method: &str, what: &str) -> ApiError {
        self.violations.push(format!("{method}: {what}"));
        ApiError::new(400, &format!("Bad Request: {what}"))
    }

    fn find_message(
        &mut self,
        method: &str,
        chat_id: i64,
        message_id: i32,
    ) -> Result<&mut BotMessage, ApiError> {
        let exists = self.chats.get(&chat_id).is_some_and(|chat| {
            chat.messages
                .iter()
                .any(|it| it.message_id == message_id && !it.deleted)
        });
        if !exists {
            return Err(self.bad_request(method, "message to edit not found"));
        }
        self.chats
            .get_mut(&chat_id)
            .and_then(|chat| {
                chat.messages
                    .iter_mut()
                    .find(|it| it.message_id == message_id && !it.deleted)
            })
            .ok_or_else(|| ApiError::new(400, "Bad Request: message to edit not found"))
    }

    /// The id of a message the user sends, remembered so the bot may delete it.
    fn next_user_message_id(&mut self, chat_id: i64, text: Option<&str>) -> i32 {
        let message_id = self.next_message_id(chat_id);
        let chat = self.chats.entry(chat_id).or_default();
        chat.from_user.push(UserMessage {
            message_id,
            text: text.map(str::to_owned),
            deleted: false,
        });
        message_id
    }

    /// What the user sent in `chat_id`, in order.
    pub(super) fn user_messages(&self, chat_id: i64) -> Vec<UserMessage> {
        self.chats
            .get(&chat_id)
            .map(|chat| chat.from_user.clone())
            .unwrap_or_default()
    }

    fn next_message_id(&mut self, chat_id: i64) -> i32 {
        let chat = self.chats.entry(chat_id).or_default();
        chat.next_message_id += 1;
        chat.next_message_id
    }

    fn record(&mut self, chat_id: i64, message: BotMessage) -> Value {
        let res = message_json(&self.identity, chat_id, &message);
        self.chats
            .entry(chat_id)
            .or_default()
            .messages
            .push(message);
        res
    }

    /// Stores every size of a photo (all with the same bytes); returns the `PhotoSize` array.
    fn store_photo(&mut self, file_name: &str, bytes: &[u8]) -> Value {
        let sizes: Vec<Value> = photo::sizes(bytes)
            .into_iter()
            .map(|(width, height)| {
                let file_id = self.store_file("photos", file_name, bytes.to_vec());
                json!({
                    "file_id": file_id,
                    "file_unique_id": format!("u{file_id}"),
                    "file_size": bytes.len(),
                    "width": width,
                    "height": height,
                })
            })
            .collect();
        let sizes = Value::Array(sizes);
        for size in sizes.as_array().into_iter().flatten() {
            if let Some(file_id) = size["file_id"].as_str() {
                self.photos.insert(file_id.to_owned(), sizes.clone());
            }
        }
        sizes
    }

    fn store_file(&mut self, dir: &str, file_name: &str, bytes: Vec<u8>) -> String {
        let n = self.next_file;
        self.next_file += 1;
        // A bot's file ids are unknown to every other bot, as on Telegram.
        let file_id = format!("file{}_{n}", self.identity.id);
        let path = format!("{dir}/file_{n}_{}", file_name.replace('/', "_"));
        self.files
            .insert(file_id.clone(), StoredFile { path, bytes });
        file_id
    }
}

impl ApiError {
    pub(super) fn new(code: u16, description: &str) -> Self {
        Self {
            code,
            description: description.to_owned(),
            retry_after: None,
        }
    }
}

impl Params {
    pub(super) fn str(&self, key: &str) -> Option<String> {
        match self.fields.get(key)? {
            Value::String(it) => Some(it.clone()),
            Value::Null => None,
            other => Some(other.to_string()),
        }
    }

    pub(super) fn int(&self, key: &str) -> Option<i64> {
        match self.fields.get(key)? {
            Value::Number(it) => it.as_i64(),
            Value::String(it) => it.trim().parse().ok(),
            _ => None,
        }
    }

    pub(super) fn bool(&self, key: &str) -> bool {
        match self.fields.get(key) {
            Some(Value::Bool(it)) => *it,
            Some(Value::String(it)) => it == "true",
            _ => false,
        }
    }

    /// A JSON-valued parameter, given as JSON or as a string holding JSON (multipart, form).
    pub(super) fn json(&self, key: &str) -> Option<Value> {
        match self.fields.get(key)? {
            Value::String(it) => serde_json::from_str(it).ok(),
            Value::Null => None,
            other => Some(other.clone()),
        }
    }

    pub(super) fn chat_id(&self) -> Result<i64, ApiError> {
        self.int("chat_id")
            .ok_or_else(|| ApiError::new(400, "Bad Request: chat_id is empty"))
    }

    fn message_id(&self) -> Result<i32, ApiError> {
        self.int("message_id")
            .and_then(|it| i32::try_from(it).ok())
            .ok_or_else(|| ApiError::new(400, "Bad Request: message identifier is not specified"))
    }

    pub(super) fn get_updates_args(&self) -> (i64, usize, u64) {
        let offset = self.int("offset").unwrap_or(0);
        let limit = self.int("limit").unwrap_or(100).clamp(1, 100) as usize;
        let timeout = self.int("timeout").unwrap_or(0).clamp(0, 50) as u64;
        (offset, limit, timeout)
    }
}

impl Bucket {
    fn new(capacity: f64, per_sec: f64, now: Instant) -> Self {
        Self {
            tokens: capacity,
            capacity,
            per_sec,
            updated: now,
        }
    }

    /// Seconds until a token is available (0 if one is), forgiving [`JITTER_SECS`].
    fn wait(&mut self, now: Instant) -> f64 {
        let elapsed = now.saturating_duration_since(self.updated).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.per_sec).min(self.capacity);
        self.updated = now.max(self.updated);
        let needed = 1.0 - JITTER_SECS * self.per_sec;
        if self.tokens >= needed {
            return 0.0;
        }
        (needed - self.tokens) / self.per_sec
    }

    fn take(&mut self) {
        self.tokens -= 1.0;
    }
}

fn message_json(bot: &BotIdentity, chat_id: i64, message: &BotMessage) -> Value {
    let chat = match chat_id < 0 {
        true => json!({ "id": chat_id, "type": "group", "title": "Group" }),
        false => json!({ "id": chat_id, "type": "private", "first_name": "User" }),
    };
    let mut res = json!({
        "message_id": message.message_id,
        "from": bot_user(bot),
        "chat": chat,
        "date": unix_now(),
    });
    let text_field = match message.kind {
        MessageKind::Text => "text",
        _ => "caption",
    };
    if let Some(text) = &message.text {
        res[text_field] = json!(text);
    }
    if let Some(keyboard) = &message.keyboard
        && keyboard.get("inline_keyboard").is_some()
    {
        res["reply_markup"] = keyboard.clone();
    }
    if message.edited > 0 {
        res["edit_date"] = json!(unix_now());
    }
    res
}

fn user_message(user: &SimUser, message_id: i32) -> Map<String, Value> {
    let mut res = Map::new();
    res.insert("message_id".to_owned(), json!(message_id));
    res.insert("from".to_owned(), user_json(user));
    res.insert("chat".to_owned(), private_chat(user));
    res.insert("date".to_owned(), json!(unix_now()));
    res
}

pub(super) fn user_json(user: &SimUser) -> Value {
    let mut res = json!({ "id": user.id, "is_bot": false, "first_name": user.first_name });
    if let Some(username) = &user.username {
        res["username"] = json!(username);
    }
    if let Some(language_code) = &user.language_code {
        res["language_code"] = json!(language_code);
    }
    res
}

fn private_chat(user: &SimUser) -> Value {
    let mut res = json!({ "id": user.id, "type": "private", "first_name": user.first_name });
    if let Some(username) = &user.username {
        res["username"] = json!(username);
    }
    res
}

fn bot_user(bot: &BotIdentity) -> Value {
    json!({
        "id": bot.id,
        "is_bot": true,
        "first_name": bot.first_name,
        "username": bot.username,
        "can_join_groups": true,
        "can_read_all_group_messages": false,
        "supports_inline_queries": false,
    })
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |it| it.as_secs())
}

fn utf16_len(text: &str) -> usize {
    text.encode_utf16().count()
}

/// Length in characters after entity parsing: HTML tags are dropped and `&lt;` counts as one.
fn visible_len(text: &str, parse_mode: Option<&str>) -> usize {
    if !parse_mode.is_some_and(|it| it.eq_ignore_ascii_case("html")) {
        return text.chars().count();
    }
    let mut len = 0;
    let mut in_tag = false;
    let mut in_entity = false;
    for c in text.chars() {
        match (in_tag, in_entity, c) {
            (false, false, '<') => in_tag = true,
            (true, _, '>') => in_tag = false,
            (true, _, _) => (),
            (false, false, '&') => {
                in_entity = true;
                len += 1;
            }
            (false, true, ';') => in_entity = false,
            (false, true, _) => (),
            (false, false, _) => len += 1,
        }
    }
    len
}

/// Whether an `entities` value given by a test should be sent: Telegram omits empty ones.
fn has_entities(entities: &Value) -> bool {
    match entities {
        Value::Null => false,
        Value::Array(items) => !items.is_empty(),
        _ => true,
    }
}

/// The chat a user's update comes from: a message's chat or a button press's chat.
fn incoming_chat(update: &Value) -> Option<i64> {
    update
        .pointer("/message/chat/id")
        .or_else(|| update.pointer("/callback_query/message/chat/id"))
        .or_else(|| update.pointer("/callback_query/from/id"))
        .and_then(Value::as_i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_len(text: &str, parse_mode: Option<&str>, expected: usize) {
        assert_eq!(visible_len(text, parse_mode), expected, "{text:?}");
    }

    #[test]
    fn html_tags_and_entities_do_not_count() {
        check_len("<b>hi</b> &amp; bye", Some("HTML"), 8);
        check_len("<b>hi</b>", None, 9);
        check_len("سلام", None, 4);
    }

    fn check_bucket(capacity: f64, per_sec: f64, takes_at_ms: &[u64], expected_429: usize) {
        let start = Instant::now();
        let mut bucket = Bucket::new(capacity, per_sec, start);
        let mut n_429 = 0;
        for ms in takes_at_ms {
            let now = start + std::time::Duration::from_millis(*ms);
            match bucket.wait(now) > 0.0 {
                true => n_429 += 1,
                false => bucket.take(),
            }
        }
        assert_eq!(n_429, expected_429);
    }

    #[test]
    fn private_chat_allows_a_burst_of_three_then_one_per_second() {
        check_bucket(3.0, 1.0, &[0, 0, 0, 0], 1);
        check_bucket(3.0, 1.0, &[0, 0, 0, 990, 1990], 0);
        check_bucket(3.0, 1.0, &[0, 0, 0, 500], 1);
    }
}
