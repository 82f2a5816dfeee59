//! Incoming updates: our own lean types, parsed from raw JSON so unknown kinds never break anything.

use serde::Deserialize;
use serde_json::Value;

/// An update the bot acts on; other kinds are skipped while parsing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Update {
    /// A message: text or command, document, or shared contact.
    Message(IncomingMessage),
    /// An inline keyboard button press.
    Callback(CallbackQuery),
    /// The user blocked or unblocked the bot (`my_chat_member`).
    ChatMember(ChatMemberChange),
}

/// The Telegram user behind an update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserInfo {
    /// Telegram user id.
    pub id: i64,
    /// `@username` without the `@`.
    pub username: Option<String>,
    /// First name; may be empty for odd accounts.
    pub first_name: String,
    /// IETF language tag of the user's client.
    pub language_code: Option<String>,
}

/// A message sent to the bot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingMessage {
    /// Message id within the chat.
    pub message_id: i32,
    /// Chat the message was sent in (the user id for private chats).
    pub chat_id: i64,
    /// Sender.
    pub from: UserInfo,
    /// Text, including `/commands`.
    pub text: Option<String>,
    /// Caption of a document or photo.
    pub caption: Option<String>,
    /// An attached document.
    pub document: Option<Document>,
    /// A shared contact.
    pub contact: Option<Contact>,
}

/// A document attached to a message; download it with [`crate::TelegramApi::get_file_bytes`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// Id to download the file with.
    pub file_id: String,
    /// Original file name, if the client sent one.
    pub file_name: Option<String>,
    /// Size in bytes, if known.
    pub size: Option<u64>,
}

/// A contact shared with the bot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    /// Phone number as Telegram gives it.
    pub phone_number: String,
    /// Contact's first name.
    pub first_name: String,
    /// The contact's Telegram user id, if it is a Telegram user.
    pub user_id: Option<i64>,
}

/// A button press on one of the bot's messages; answer it with `Outgoing::AnswerCallback`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackQuery {
    /// Id to answer the query with.
    pub id: String,
    /// Who pressed.
    pub from: UserInfo,
    /// Chat of the message carrying the button.
    pub chat_id: i64,
    /// The message carrying the button.
    pub message_id: i32,
    /// The button's callback data.
    pub data: String,
}

/// The bot's membership in a chat changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatMemberChange {
    /// Chat where it changed (the user id for private chats).
    pub chat_id: i64,
    /// Who changed it.
    pub user_id: i64,
    /// `true` when the bot was blocked or removed, `false` when it is a member again.
    pub blocked: bool,
}

impl Update {
    /// The chat the update belongs to; updates of one chat are handled in order.
    #[must_use]
    pub fn chat_id(&self) -> i64 {
        match self {
            Self::Message(it) => it.chat_id,
            Self::Callback(it) => it.chat_id,
            Self::ChatMember(it) => it.chat_id,
        }
    }
}

/// Parses one raw update: its `update_id` (if readable) and the update, `None` for kinds we skip.
#[must_use]
pub fn parse_update(raw: &Value) -> (Option<i64>, Option<Update>) {
    let update_id = raw.get("update_id").and_then(Value::as_i64);
    let wire = match WireUpdate::deserialize(raw) {
        Ok(it) => it,
        Err(err) => {
            log::debug!("skipping undecodable update {update_id:?}: {err}");
            return (update_id, None);
        }
    };
    let update = wire.into_update();
    if update.is_none() {
        log::debug!("skipping update {update_id:?} of a kind the bot does not use");
    }
    (update_id, update)
}

#[derive(Debug, Deserialize)]
struct WireUpdate {
    message: Option<WireMessage>,
    callback_query: Option<WireCallback>,
    my_chat_member: Option<WireChatMember>,
}

#[derive(Debug, Deserialize)]
struct WireUser {
    id: i64,
    #[serde(default)]
    first_name: String,
    username: Option<String>,
    language_code: Option<String>,
}

#[derive(Debug, Deserialize)]
struct WireChat {
    id: i64,
}

#[derive(Debug, Deserialize)]
struct WireMessage {
    message_id: i32,
    from: Option<WireUser>,
    chat: WireChat,
    text: Option<String>,
    caption: Option<String>,
    document: Option<WireDocument>,
    contact: Option<WireContact>,
}

#[derive(Debug, Deserialize)]
struct WireDocument {
    file_id: String,
    file_name: Option<String>,
    file_size: Option<u64>,
}

#[derive(Debug, Deserialize)]
struct WireContact {
    phone_number: String,
    #[serde(default)]
    first_name: String,
    user_id: Option<i64>,
}

#[derive(Debug, Deserialize)]
struct WireCallback {
    id: String,
    from: WireUser,
    message: Option<WireMessageRef>,
    data: Option<String>,
}

#[derive(Debug, Deserialize)]
struct WireMessageRef {
    message_id: i32,
    chat: WireChat,
}

#[derive(Debug, Deserialize)]
struct WireChatMember {
    chat: WireChat,
    from: WireUser,
    new_chat_member: WireMember,
}

#[derive(Debug, Deserialize)]
struct WireMember {
    status: String,
}

impl WireUpdate {
    fn into_update(self) -> Option<Update> {
        if let Some(message) = self.message {
            let from = message.from?;
            return Some(Update::Message(IncomingMessage {
                message_id: message.message_id,
                chat_id: message.chat.id,
                from: from.into(),
                text: message.text,
                caption: message.caption,
                document: message.document.map(|it| Document {
                    file_id: it.file_id,
                    file_name: it.file_name,
                    size: it.file_size,
                }),
                contact: message.contact.map(|it| Contact {
                    phone_number: it.phone_number,
                    first_name: it.first_name,
                    user_id: it.user_id,
                }),
            }));
        }
        if let Some(callback) = self.callback_query {
            // Inline-mode queries carry no message; the bot never sends inline results.
            let message = callback.message?;
            return Some(Update::Callback(CallbackQuery {
                id: callback.id,
                from: callback.from.into(),
                chat_id: message.chat.id,
                message_id: message.message_id,
                data: callback.data.unwrap_or_default(),
            }));
        }
        let member = self.my_chat_member?;
        let blocked = match member.new_chat_member.status.as_str() {
            "kicked" | "left" => true,
            "member" | "administrator" | "creator" | "restricted" => false,
            _ => return None,
        };
        Some(Update::ChatMember(ChatMemberChange {
            chat_id: member.chat.id,
            user_id: member.from.id,
            blocked,
        }))
    }
}

impl From<WireUser> for UserInfo {
    fn from(user: WireUser) -> Self {
        Self {
            id: user.id,
            username: user.username,
            first_name: user.first_name,
            language_code: user.language_code,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn check(raw: Value, expected_id: Option<i64>, expected: Option<&str>) {
        let (update_id, update) = parse_update(&raw);
        assert_eq!(update_id, expected_id);
        assert_eq!(update.map(|it| format!("{it:?}")).as_deref(), expected);
    }

    #[test]
    fn text_message() {
        check(
            json!({"update_id": 7, "message": {"message_id": 3, "date": 1, "new_field": [1],
                "from": {"id": 5, "is_bot": false, "first_name": "Ali", "language_code": "fa"},
                "chat": {"id": 5, "type": "private"}, "text": "/start"}}),
            Some(7),
            Some(
                "Message(IncomingMessage { message_id: 3, chat_id: 5, from: UserInfo { id: 5, \
                 username: None, first_name: \"Ali\", language_code: Some(\"fa\") }, text: \
                 Some(\"/start\"), caption: None, document: None, contact: None })",
            ),
        );
    }

    #[test]
    fn callback_and_block() {
        check(
            json!({"update_id": 8, "callback_query": {"id": "q", "chat_instance": "c",
                "from": {"id": 5, "first_name": "Ali"},
                "message": {"message_id": 9, "date": 1, "chat": {"id": 5, "type": "private"}},
                "data": "buy:1"}}),
            Some(8),
            Some(
                "Callback(CallbackQuery { id: \"q\", from: UserInfo { id: 5, username: None, \
                 first_name: \"Ali\", language_code: None }, chat_id: 5, message_id: 9, data: \
                 \"buy:1\" })",
            ),
        );
        check(
            json!({"update_id": 9, "my_chat_member": {"chat": {"id": 5, "type": "private"},
                "from": {"id": 5, "first_name": "Ali"}, "date": 1,
                "old_chat_member": {"status": "member"},
                "new_chat_member": {"status": "kicked", "until_date": 0}}}),
            Some(9),
            Some("ChatMember(ChatMemberChange { chat_id: 5, user_id: 5, blocked: true })"),
        );
    }

    #[test]
    fn unknown_kinds_are_skipped() {
        check(
            json!({"update_id": 10, "poll": {"id": "p"}}),
            Some(10),
            None,
        );
        check(
            json!({"update_id": 11, "message": "garbage"}),
            Some(11),
            None,
        );
        check(json!({"nothing": true}), None, None);
    }
}
