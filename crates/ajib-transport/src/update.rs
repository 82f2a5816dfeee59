//! Incoming updates: our own lean types, parsed from raw JSON so unknown kinds never break anything.

use serde::Deserialize;
use serde_json::Value;

use crate::entities::{EntityKind, MessageEntity};

/// Telegram Stars' currency code.
pub const STARS_CURRENCY: &str = "XTR";

/// An update the bot acts on; other kinds are skipped while parsing.
#[derive(Debug, Clone, PartialEq, Eq)]
#[expect(
    clippy::large_enum_variant,
    reason = "updates are handled one at a time and are mostly messages; a box would only add an allocation"
)]
pub enum Update {
    /// A message: text or command, document, or shared contact.
    Message(IncomingMessage),
    /// An inline keyboard button press.
    Callback(CallbackQuery),
    /// The user blocked or unblocked the bot (`my_chat_member`).
    ChatMember(ChatMemberChange),
    /// A user confirmed paying an invoice; answer within 10 s (`pre_checkout_query`).
    PreCheckout(PreCheckoutQuery),
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
    /// Formatting of `text`; entities Telegram sent in a shape we cannot read are left out.
    pub entities: Vec<MessageEntity>,
    /// Caption of a document or photo.
    pub caption: Option<String>,
    /// Formatting of `caption`.
    pub caption_entities: Vec<MessageEntity>,
    /// An attached photo, in its largest size.
    pub photo: Option<PhotoRef>,
    /// An attached document.
    pub document: Option<Document>,
    /// A shared contact.
    pub contact: Option<Contact>,
    /// A payment that went through (`successful_payment`), Telegram Stars only.
    pub successful_payment: Option<SuccessfulPayment>,
}

/// A user about to pay one of the bot's invoices in Telegram Stars.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreCheckoutQuery {
    /// Id to answer the query with.
    pub id: String,
    /// Who pays.
    pub from: UserInfo,
    /// Stars to be paid (`total_amount` of an `XTR` invoice).
    pub stars: u32,
    /// The invoice's payload: the bot's own reference.
    pub payload: String,
}

/// A Telegram Stars payment that went through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuccessfulPayment {
    /// Stars paid.
    pub stars: u32,
    /// The invoice's payload: the bot's own reference.
    pub payload: String,
    /// Telegram's id of the charge: unique, and what a refund takes.
    pub charge_id: String,
}

/// The largest size of a photo attached to a message; resend it with `Outgoing::PhotoById`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhotoRef {
    /// Id to resend or download the photo with.
    pub file_id: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Size in bytes, if known.
    pub size: Option<u64>,
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
            // Pre-checkout queries come from private chats: the user's id is the chat's.
            Self::PreCheckout(it) => it.from.id,
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
    pre_checkout_query: Option<WirePreCheckout>,
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
    // Read leniently, element by element: one odd entry must not drop the whole message.
    #[serde(default)]
    entities: Value,
    #[serde(default)]
    caption_entities: Value,
    #[serde(default)]
    photo: Value,
    successful_payment: Option<WirePayment>,
}

#[derive(Debug, Deserialize)]
struct WirePreCheckout {
    id: String,
    from: WireUser,
    currency: String,
    total_amount: u32,
    invoice_payload: String,
}

#[derive(Debug, Deserialize)]
struct WirePayment {
    currency: String,
    total_amount: u32,
    invoice_payload: String,
    telegram_payment_charge_id: String,
}

#[derive(Debug, Deserialize)]
struct WirePhotoSize {
    file_id: String,
    width: u32,
    height: u32,
    file_size: Option<u64>,
}

#[derive(Debug, Deserialize)]
struct WireEntity {
    #[serde(rename = "type")]
    kind: String,
    offset: u32,
    length: u32,
    url: Option<String>,
    user: Option<WireUser>,
    language: Option<String>,
    custom_emoji_id: Option<String>,
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
                entities: parse_entities(&message.entities),
                caption: message.caption,
                caption_entities: parse_entities(&message.caption_entities),
                photo: largest_photo(&message.photo),
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
                successful_payment: message
                    .successful_payment
                    .and_then(WirePayment::into_payment),
            }));
        }
        if let Some(query) = self.pre_checkout_query {
            // The bot only ever sends invoices in Stars.
            if query.currency != STARS_CURRENCY {
                return None;
            }
            return Some(Update::PreCheckout(PreCheckoutQuery {
                id: query.id,
                from: query.from.into(),
                stars: query.total_amount,
                payload: query.invoice_payload,
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

impl WirePayment {
    /// Our payment; `None` for any currency but Stars (the bot sends no other invoices).
    fn into_payment(self) -> Option<SuccessfulPayment> {
        if self.currency != STARS_CURRENCY || self.telegram_payment_charge_id.is_empty() {
            log::warn!("ignoring a successful payment in {:?}", self.currency);
            return None;
        }
        Some(SuccessfulPayment {
            stars: self.total_amount,
            payload: self.invoice_payload,
            charge_id: self.telegram_payment_charge_id,
        })
    }
}

impl WireEntity {
    /// Our entity; `None` when a kind lacks the field it needs.
    fn into_entity(self) -> Option<MessageEntity> {
        let kind = match self.kind.as_str() {
            "bold" => EntityKind::Bold,
            "italic" => EntityKind::Italic,
            "underline" => EntityKind::Underline,
            "strikethrough" => EntityKind::Strikethrough,
            "spoiler" => EntityKind::Spoiler,
            "code" => EntityKind::Code,
            "pre" => EntityKind::Pre {
                language: self.language,
            },
            "text_link" => EntityKind::TextLink { url: self.url? },
            "text_mention" => EntityKind::TextMention {
                user_id: self.user?.id,
            },
            "custom_emoji" => EntityKind::CustomEmoji {
                custom_emoji_id: self.custom_emoji_id?,
            },
            "blockquote" => EntityKind::Blockquote,
            "expandable_blockquote" => EntityKind::ExpandableBlockquote,
            _ => EntityKind::Other,
        };
        Some(MessageEntity {
            kind,
            offset: self.offset,
            length: self.length,
        })
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

/// The entities of a message's `entities` or `caption_entities`, skipping undecodable ones.
fn parse_entities(raw: &Value) -> Vec<MessageEntity> {
    let items = match raw {
        Value::Array(items) => items.as_slice(),
        Value::Null => &[],
        other => {
            log::debug!("skipping message entities that are not an array: {other}");
            &[]
        }
    };
    items
        .iter()
        .filter_map(|raw| {
            let entity = WireEntity::deserialize(raw)
                .map_err(|err| err.to_string())
                .and_then(|it| {
                    it.into_entity()
                        .ok_or_else(|| "a field is missing".to_owned())
                });
            match entity {
                Ok(it) => Some(it),
                Err(err) => {
                    log::debug!("skipping undecodable message entity {raw}: {err}");
                    None
                }
            }
        })
        .collect()
}

/// The largest size of a message's `photo` (by area, then bytes), skipping undecodable sizes.
fn largest_photo(raw: &Value) -> Option<PhotoRef> {
    let sizes = match raw {
        Value::Array(sizes) => sizes.as_slice(),
        _ => return None,
    };
    sizes
        .iter()
        .filter_map(|raw| match WirePhotoSize::deserialize(raw) {
            Ok(it) => Some(it),
            Err(err) => {
                log::debug!("skipping undecodable photo size {raw}: {err}");
                None
            }
        })
        .max_by_key(|it| {
            let area = u64::from(it.width) * u64::from(it.height);
            (area, it.file_size.unwrap_or(0))
        })
        .map(|it| PhotoRef {
            file_id: it.file_id,
            width: it.width,
            height: it.height,
            size: it.file_size,
        })
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
                 Some(\"/start\"), entities: [], caption: None, caption_entities: [], photo: \
                 None, document: None, contact: None, successful_payment: None })",
            ),
        );
    }

    /// Parses a private-chat message from user 5 with the given extra fields.
    fn message(fields: Value) -> IncomingMessage {
        let mut message = json!({"message_id": 3, "date": 1,
            "from": {"id": 5, "is_bot": false, "first_name": "Ali"},
            "chat": {"id": 5, "type": "private"}});
        if let (Some(message), Value::Object(fields)) = (message.as_object_mut(), fields) {
            message.extend(fields);
        }
        match parse_update(&json!({ "update_id": 1, "message": message })) {
            (_, Some(Update::Message(it))) => it,
            other => panic!("not a message: {other:?}"),
        }
    }

    fn entity(kind: EntityKind, offset: u32, length: u32) -> MessageEntity {
        MessageEntity {
            kind,
            offset,
            length,
        }
    }

    #[test]
    fn photo_with_a_formatted_caption() {
        let parsed = message(json!({
            "photo": [
                {"file_id": "s", "file_unique_id": "us", "width": 90, "height": 67, "file_size": 1200},
                {"file_id": "y", "file_unique_id": "uy", "width": 1280, "height": 960, "file_size": 98_000},
                {"file_id": "m", "file_unique_id": "um", "width": 320, "height": 240, "file_size": 14_000},
            ],
            "caption": "😀 Sale #vpn t.me/x",
            "caption_entities": [
                {"type": "bold", "offset": 3, "length": 4},
                {"type": "text_link", "offset": 3, "length": 4, "url": "https://ajib.example/"},
                {"type": "hashtag", "offset": 8, "length": 4},
                {"type": "url", "offset": 13, "length": 6},
                {"type": "custom_emoji", "offset": 0, "length": 2, "custom_emoji_id": "5368"},
                {"type": "pre", "offset": 0, "length": 2, "language": "rust"},
                {"type": "text_mention", "offset": 0, "length": 2,
                    "user": {"id": 9, "is_bot": false, "first_name": "Bo"}},
            ],
        }));
        let expected = PhotoRef {
            file_id: "y".to_owned(),
            width: 1280,
            height: 960,
            size: Some(98_000),
        };
        assert_eq!(parsed.photo, Some(expected));
        assert_eq!(parsed.caption.as_deref(), Some("😀 Sale #vpn t.me/x"));
        let link = EntityKind::TextLink {
            url: "https://ajib.example/".to_owned(),
        };
        let emoji = EntityKind::CustomEmoji {
            custom_emoji_id: "5368".to_owned(),
        };
        let pre = EntityKind::Pre {
            language: Some("rust".to_owned()),
        };
        let expected = [
            entity(EntityKind::Bold, 3, 4),
            entity(link, 3, 4),
            entity(EntityKind::Other, 8, 4),
            entity(EntityKind::Other, 13, 6),
            entity(emoji, 0, 2),
            entity(pre, 0, 2),
            entity(EntityKind::TextMention { user_id: 9 }, 0, 2),
        ];
        assert_eq!(parsed.caption_entities, expected);
        assert_eq!((parsed.text, parsed.entities), (None, Vec::new()));
    }

    #[test]
    fn undecodable_entities_are_skipped() {
        let parsed = message(json!({
            "text": "/start now",
            "entities": [
                "garbage",
                {"type": "bold", "offset": -1, "length": 2},
                {"type": "italic", "length": 2},
                {"type": "underline", "offset": 0, "length": "2"},
                {"type": "text_link", "offset": 0, "length": 1},
                {"type": "text_mention", "offset": 0, "length": 1, "user": {"first_name": "x"}},
                {"type": "custom_emoji", "offset": 0, "length": 1},
                {"type": "pre", "offset": 0, "length": 1, "language": 5},
                {"offset": 0, "length": 1},
                {"type": "bot_command", "offset": 0, "length": 6},
                {"type": "date_time", "offset": 7, "length": 3, "unix_time": 1},
                {"type": "expandable_blockquote", "offset": 7, "length": 3},
            ],
            "caption_entities": {"type": "bold"},
        }));
        assert_eq!(parsed.text.as_deref(), Some("/start now"));
        let expected = [
            entity(EntityKind::Other, 0, 6),
            entity(EntityKind::Other, 7, 3),
            entity(EntityKind::ExpandableBlockquote, 7, 3),
        ];
        assert_eq!(parsed.entities, expected);
        assert_eq!(parsed.caption_entities, Vec::new());
    }

    fn check_photo(photo: Value, expected_file_id: Option<&str>) {
        let parsed = message(json!({ "photo": photo }));
        let file_id = parsed.photo.as_ref().map(|it| it.file_id.as_str());
        assert_eq!(file_id, expected_file_id, "{photo}");
    }

    #[test]
    fn odd_photo_arrays() {
        check_photo(json!([]), None);
        check_photo(json!("garbage"), None);
        check_photo(json!([{"file_id": "a", "width": -1, "height": 1}]), None);
        // Bad sizes are skipped; equal areas are told apart by their bytes.
        check_photo(
            json!([
                {"file_id": "bad", "width": 9000},
                {"file_id": "small", "width": 10, "height": 20, "file_size": 50},
                {"file_id": "big", "width": 20, "height": 10, "file_size": 60},
                {"file_id": "unknown", "width": 20, "height": 10},
            ]),
            Some("big"),
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
    fn stars_pre_checkout_and_payment() {
        check(
            json!({"update_id": 12, "pre_checkout_query": {"id": "pc1",
                "from": {"id": 5, "is_bot": false, "first_name": "Ali", "language_code": "fa"},
                "currency": "XTR", "total_amount": 250, "invoice_payload": "ajib-7"}}),
            Some(12),
            Some(
                "PreCheckout(PreCheckoutQuery { id: \"pc1\", from: UserInfo { id: 5, username: \
                 None, first_name: \"Ali\", language_code: Some(\"fa\") }, stars: 250, payload: \
                 \"ajib-7\" })",
            ),
        );
        let paid = message(
            json!({"successful_payment": {"currency": "XTR", "total_amount": 250,
            "invoice_payload": "ajib-7", "telegram_payment_charge_id": "stxCHARGE",
            "provider_payment_charge_id": ""}}),
        );
        let expected = SuccessfulPayment {
            stars: 250,
            payload: "ajib-7".to_owned(),
            charge_id: "stxCHARGE".to_owned(),
        };
        assert_eq!(paid.successful_payment, Some(expected));
    }

    #[test]
    fn payments_in_other_currencies_are_not_stars() {
        check(
            json!({"update_id": 13, "pre_checkout_query": {"id": "pc1",
                "from": {"id": 5, "first_name": "Ali"}, "currency": "USD",
                "total_amount": 250, "invoice_payload": "ajib-7"}}),
            Some(13),
            None,
        );
        let paid = message(
            json!({"successful_payment": {"currency": "USD", "total_amount": 250,
            "invoice_payload": "ajib-7", "telegram_payment_charge_id": "c",
            "provider_payment_charge_id": "p"}}),
        );
        assert_eq!(paid.successful_payment, None);
        // A negative amount is not a payment Telegram sends: the update is skipped whole.
        check(
            json!({"update_id": 14, "pre_checkout_query": {"id": "pc1",
                "from": {"id": 5, "first_name": "Ali"}, "currency": "XTR",
                "total_amount": -1, "invoice_payload": "ajib-7"}}),
            Some(14),
            None,
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
