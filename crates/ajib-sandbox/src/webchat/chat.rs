//! One user's chat: the bot's messages merged with the user's own texts and files, each with a revision.
//!
//! The bytes of the user's own files are kept only for the newest few ([`MAX_KEPT_FILES`],
//! [`MAX_KEPT_BYTES`]), so a long session does not grow without bound; an older file is then
//! listed by name and size only.

use std::collections::HashMap;
use std::time::{SystemTime, UNIX_EPOCH};

use ajib_testkit::telegram::{BotMessage, FakeBot, MessageKind};
use axum::body::Bytes;
use serde::Serialize;
use serde_json::Value;

use crate::webchat::html;

/// How many of the user's own files a chat keeps the bytes of, newest first.
pub(crate) const MAX_KEPT_FILES: usize = 8;
/// How many bytes of the user's own files a chat keeps; the newest file is kept whatever its size.
pub(crate) const MAX_KEPT_BYTES: usize = 40 * 1024 * 1024;

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

/// How a file the user sent went to the bot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FileKind {
    /// A `photo` update, shown inline.
    Photo,
    /// A `document` update, shown as a chip with its name and size.
    Document,
}

/// A file the user sent.
#[derive(Debug)]
pub(crate) struct UserFile {
    /// Photo or document.
    pub(crate) kind: FileKind,
    /// The file name the user picked.
    pub(crate) name: String,
    size: usize,
    caption: String,
    /// The file's bytes, until newer files push them out.
    pub(crate) bytes: Option<Bytes>,
}

#[derive(Debug)]
enum Body {
    User(String),
    /// A file the user sent.
    UserFile(UserFile),
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
    /// Where the photo's bytes are served.
    photo: Option<String>,
    /// A document; also a photo of the user's whose bytes are no longer kept (without a `url`).
    document: Option<DocumentJson>,
    keyboard: Option<Vec<Vec<ButtonJson>>>,
    edited: bool,
    deleted: bool,
}

#[derive(Debug, Serialize)]
struct DocumentJson {
    name: String,
    size: usize,
    /// Where to download it; `None` for a file of the user's whose bytes are no longer kept.
    url: Option<String>,
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
    pub(crate) fn sync(&mut self, telegram: &FakeBot, chat_id: i64) {
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

    /// Records a file the user sent, after everything seen so far; returns its `seq`.
    ///
    /// Forgets the bytes of older files beyond [`MAX_KEPT_FILES`] or [`MAX_KEPT_BYTES`].
    pub(crate) fn push_user_file(
        &mut self,
        kind: FileKind,
        name: &str,
        caption: Option<&str>,
        bytes: Bytes,
    ) -> usize {
        let seq = self.entries.len();
        self.push(Body::UserFile(UserFile {
            kind,
            name: name.to_owned(),
            size: bytes.len(),
            caption: caption.unwrap_or_default().to_owned(),
            bytes: Some(bytes),
        }));
        self.forget_old_files();
        seq
    }

    /// The file the user sent as message `seq`, if that message is one.
    #[must_use]
    pub(crate) fn user_file(&self, seq: usize) -> Option<&UserFile> {
        match &self.entries.get(seq)?.body {
            Body::UserFile(file) => Some(file),
            Body::User(_) | Body::Bot(_) => None,
        }
    }

    /// Remembers a callback query pressed here, to show its answer's text when it comes.
    pub(crate) fn expect_answer(&mut self, callback_id: String) {
        self.pending_callbacks.push(callback_id);
    }

    /// Drops the bytes of all but the newest files that fit the limits; each such message changes.
    fn forget_old_files(&mut self) {
        let mut n_kept = 0;
        let mut kept_bytes = 0;
        for entry in self.entries.iter_mut().rev() {
            let Body::UserFile(file) = &mut entry.body else {
                continue;
            };
            let Some(bytes) = &file.bytes else {
                continue;
            };
            n_kept += 1;
            kept_bytes += bytes.len();
            if n_kept > MAX_KEPT_FILES || (n_kept > 1 && kept_bytes > MAX_KEPT_BYTES) {
                file.bytes = None;
                self.rev += 1;
                entry.rev = self.rev;
            }
        }
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
                Body::User(_) | Body::UserFile(_) => {
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
        Body::UserFile(file) => return user_file_json(chat_id, seq, entry.rev, entry.at, file),
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
        MessageKind::Invoice => "invoice",
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
            url: Some(format!("api/document/{chat_id}/{id}")),
        }),
        keyboard,
        edited: message.edited > 0,
        deleted: message.deleted,
    }
}

/// A file the user sent: a photo inline while its bytes are kept, else a chip with name and size.
fn user_file_json(chat_id: i64, seq: usize, rev: u64, at: u64, file: &UserFile) -> MessageJson {
    let url = file
        .bytes
        .as_ref()
        .map(|_| format!("api/upload/{chat_id}/{seq}"));
    let (kind, photo, document) = match (file.kind, url) {
        (FileKind::Photo, Some(url)) => ("photo", Some(url), None),
        (FileKind::Photo, None) => ("photo", None, Some(None)),
        (FileKind::Document, url) => ("document", None, Some(url)),
    };
    MessageJson {
        seq,
        rev,
        at,
        from: "user",
        message_id: None,
        kind,
        html: html::escape(&file.caption),
        dir: html::direction(&file.caption),
        photo,
        document: document.map(|url| DocumentJson {
            name: file.name.clone(),
            size: file.size,
            url,
        }),
        keyboard: None,
        edited: false,
        deleted: false,
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
