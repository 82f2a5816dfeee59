//! One user's chat: the bot's messages merged with the user's own texts, each with a revision.

use std::collections::HashMap;
use std::time::{SystemTime, UNIX_EPOCH};

use ajib_testkit::telegram::{BotMessage, FakeTelegram, MessageKind};
use serde::Serialize;
use serde_json::Value;

use crate::sandbox::webchat::html;

/// One user's chat as the page shows it.
#[derive(Debug, Default)]
pub(crate) struct Chat {
    /// The highest revision handed out in this chat.
    rev: u64,
    /// Messages in the order they appeared; the index is the message's `seq`.
    entries: Vec<Entry>,
    /// Index into `entries` of each bot message, by Telegram message id.
    bot_seq: HashMap<i32, usize>,
    /// Callback queries pressed here whose answer has not been seen yet.
    pending_callbacks: Vec<String>,
    /// Answers to callback queries that carried a text.
    notices: Vec<Notice>,
}

#[derive(Debug)]
struct Entry {
    rev: u64,
    /// Unix time when the web chat first saw the message.
    at: u64,
    body: Body,
}

#[derive(Debug)]
enum Body {
    User(String),
    /// The bot message as last seen in the fake.
    Bot(BotMessage),
}

#[derive(Debug, Serialize)]
struct Notice {
    rev: u64,
    text: String,
    alert: bool,
}

#[derive(Debug, Serialize)]
pub(crate) struct MessagesJson<'a> {
    rev: u64,
    messages: Vec<MessageJson>,
    reply_keyboard: Option<ReplyKeyboardJson>,
    notices: Vec<&'a Notice>,
}

#[derive(Debug, Serialize)]
struct MessageJson {
    seq: usize,
    rev: u64,
    at: u64,
    /// `"bot"` or `"user"`.
    from: &'static str,
    message_id: Option<i32>,
    /// `"text"`, `"photo"` or `"document"`.
    kind: &'static str,
    /// Safe HTML of the text or caption.
    html: String,
    /// `"rtl"` or `"auto"`.
    dir: &'static str,
    photo: Option<String>,
    document: Option<DocumentJson>,
    keyboard: Option<Vec<Vec<ButtonJson>>>,
    edited: bool,
    deleted: bool,
}

#[derive(Debug, Serialize)]
struct DocumentJson {
    name: String,
    size: usize,
    url: String,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub(crate) struct ButtonJson {
    text: String,
    /// `callback_data` of a callback button.
    pub(crate) data: Option<String>,
    /// Target of a URL button (only `http`, `https` and `tg` links).
    url: Option<String>,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
struct ReplyKeyboardJson {
    rows: Vec<Vec<String>>,
    placeholder: Option<String>,
}

impl Chat {
    /// Takes in new and changed bot messages and newly answered callback queries.
    pub(crate) fn sync(&mut self, telegram: &FakeTelegram, chat_id: i64) {
        for message in telegram.messages(chat_id) {
            match self.bot_seq.get(&message.message_id) {
                Some(&seq) => {
                    let entry = &mut self.entries[seq];
                    if matches!(&entry.body, Body::Bot(old) if *old == message) {
                        continue;
                    }
                    self.rev += 1;
                    entry.rev = self.rev;
                    entry.body = Body::Bot(message);
                }
                None => {
                    self.bot_seq.insert(message.message_id, self.entries.len());
                    self.push(Body::Bot(message));
                }
            }
        }
        if self.pending_callbacks.is_empty() {
            return;
        }
        for answer in telegram.callback_answers() {
            let Some(idx) = self
                .pending_callbacks
                .iter()
                .position(|it| *it == answer.callback_id)
            else {
                continue;
            };
            self.pending_callbacks.swap_remove(idx);
            if let Some(text) = answer.text.filter(|it| !it.is_empty()) {
                self.rev += 1;
                self.notices.push(Notice {
                    rev: self.rev,
                    text,
                    alert: answer.show_alert,
                });
            }
        }
    }

    /// Records a text the user sent, after everything seen so far.
    pub(crate) fn push_user_text(&mut self, text: &str) {
        self.push(Body::User(text.to_owned()));
    }

    /// Remembers a callback query pressed here, to show its answer's text when it comes.
    pub(crate) fn expect_answer(&mut self, callback_id: String) {
        self.pending_callbacks.push(callback_id);
    }

    fn push(&mut self, body: Body) {
        self.rev += 1;
        self.entries.push(Entry {
            rev: self.rev,
            at: unix_now(),
            body,
        });
    }

    /// What changed after revision `after`, plus the reply keyboard in force now.
    pub(crate) fn since(&self, chat_id: i64, after: u64) -> MessagesJson<'_> {
        let messages = self
            .entries
            .iter()
            .enumerate()
            .filter(|(_, entry)| entry.rev > after)
            .map(|(seq, entry)| message_json(chat_id, seq, entry))
            .collect();
        MessagesJson {
            rev: self.rev,
            messages,
            reply_keyboard: self.reply_keyboard(),
            notices: self.notices.iter().filter(|it| it.rev > after).collect(),
        }
    }

    /// The last reply keyboard the bot sent, unless it was removed or used up (`one_time_keyboard`).
    fn reply_keyboard(&self) -> Option<ReplyKeyboardJson> {
        let mut res = None;
        let mut one_time = false;
        for entry in &self.entries {
            let markup = match &entry.body {
                Body::User(_) => {
                    if one_time {
                        res = None;
                    }
                    continue;
                }
                Body::Bot(message) if message.deleted => continue,
                Body::Bot(message) => match &message.keyboard {
                    Some(markup) => markup,
                    None => continue,
                },
            };
            if markup.get("remove_keyboard").and_then(Value::as_bool) == Some(true) {
                res = None;
                continue;
            }
            let Some(rows) = markup.get("keyboard").and_then(Value::as_array) else {
                continue;
            };
            let rows = rows
                .iter()
                .map(|row| {
                    row.as_array()
                        .map(|buttons| buttons.iter().filter_map(button_text).collect())
                        .unwrap_or_default()
                })
                .collect();
            one_time = markup.get("one_time_keyboard").and_then(Value::as_bool) == Some(true);
            res = Some(ReplyKeyboardJson {
                rows,
                placeholder: markup
                    .get("input_field_placeholder")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            });
        }
        res
    }
}

fn message_json(chat_id: i64, seq: usize, entry: &Entry) -> MessageJson {
    let message = match &entry.body {
        Body::User(text) => {
            return MessageJson {
                seq,
                rev: entry.rev,
                at: entry.at,
                from: "user",
                message_id: None,
                kind: "text",
                html: html::escape(text),
                dir: html::direction(text),
                photo: None,
                document: None,
                keyboard: None,
                edited: false,
                deleted: false,
            };
        }
        Body::Bot(message) => message,
    };
    let text = message.text.as_deref().unwrap_or_default();
    let is_html = message
        .parse_mode
        .as_deref()
        .is_some_and(|it| it.eq_ignore_ascii_case("html"));
    let (html, dir) = match is_html {
        true => (
            html::telegram_html(text),
            html::direction(&html::strip_tags(text)),
        ),
        false => (html::escape(text), html::direction(text)),
    };
    let id = message.message_id;
    let kind = match message.kind {
        MessageKind::Text => "text",
        MessageKind::Photo => "photo",
        MessageKind::Document => "document",
    };
    let keyboard = match inline_buttons(message.keyboard.as_ref()) {
        rows if rows.is_empty() => None,
        rows => Some(rows),
    };
    MessageJson {
        seq,
        rev: entry.rev,
        at: entry.at,
        from: "bot",
        message_id: Some(id),
        kind,
        html,
        dir,
        photo: message
            .photo
            .as_ref()
            .map(|_| format!("api/photo/{chat_id}/{id}")),
        document: message.document.as_ref().map(|(name, bytes)| DocumentJson {
            name: name.clone(),
            size: bytes.len(),
            url: format!("api/document/{chat_id}/{id}"),
        }),
        keyboard,
        edited: message.edited > 0,
        deleted: message.deleted,
    }
}

/// The rows of an `inline_keyboard` markup; empty for any other markup.
pub(crate) fn inline_buttons(markup: Option<&Value>) -> Vec<Vec<ButtonJson>> {
    let Some(rows) = markup
        .and_then(|it| it.get("inline_keyboard"))
        .and_then(Value::as_array)
    else {
        return Vec::new();
    };
    rows.iter()
        .map(|row| {
            row.as_array()
                .map(|buttons| buttons.iter().map(inline_button).collect())
                .unwrap_or_default()
        })
        .collect()
}

fn inline_button(button: &Value) -> ButtonJson {
    let field = |key: &str| button.get(key).and_then(Value::as_str).map(str::to_owned);
    let url = field("url").filter(|it| {
        let lower = it.to_ascii_lowercase();
        ["http://", "https://", "tg://"]
            .iter()
            .any(|scheme| lower.starts_with(scheme))
    });
    ButtonJson {
        text: field("text").unwrap_or_default(),
        data: field("callback_data"),
        url,
    }
}

/// The label of a reply keyboard button: a plain string or a `KeyboardButton` object.
fn button_text(button: &Value) -> Option<String> {
    match button {
        Value::String(text) => Some(text.clone()),
        other => other.get("text").and_then(Value::as_str).map(str::to_owned),
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |it| it.as_secs())
}
