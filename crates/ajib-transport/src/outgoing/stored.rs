//! The stored form of an [`Outgoing`]: JSON with the file bytes apart, for messages kept in a database until sent.
//!
//! The one serde representation of outgoing messages: the types here mirror
//! [`Outgoing`], [`Keyboard`] and [`InlineButton`] field for field, so the
//! public types stay free of serde, and callback data is checked again
//! (1..=64 bytes) when it is read back.

use serde::{Deserialize, Serialize};

use crate::{
    error::Error,
    outgoing::{CallbackData, InlineButton, Keyboard, Outgoing},
};

#[derive(Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum StoredOutgoing {
    Text {
        chat_id: i64,
        text: String,
        keyboard: Option<StoredKeyboard>,
        html: bool,
    },
    Photo {
        chat_id: i64,
        caption: Option<String>,
        keyboard: Option<StoredKeyboard>,
    },
    PhotoById {
        chat_id: i64,
        file_id: String,
        caption: Option<String>,
        keyboard: Option<StoredKeyboard>,
    },
    Document {
        chat_id: i64,
        file_name: String,
        caption: Option<String>,
    },
    EditText {
        chat_id: i64,
        message_id: i32,
        text: String,
        keyboard: Option<StoredKeyboard>,
        html: bool,
    },
    AnswerCallback {
        callback_id: String,
        text: Option<String>,
        alert: bool,
    },
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "type", content = "rows", rename_all = "snake_case")]
enum StoredKeyboard {
    Inline(Vec<Vec<StoredButton>>),
    Reply(Vec<Vec<String>>),
    RemoveReply,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum StoredButton {
    Callback { text: String, data: String },
    Url { text: String, url: String },
}

impl Outgoing {
    /// The message as JSON, and the bytes of its photo or file (kept apart, e.g. in a BLOB).
    #[must_use]
    pub fn to_stored(&self) -> (String, Option<Vec<u8>>) {
        let keyboard = |it: &Option<Keyboard>| it.as_ref().map(StoredKeyboard::from);
        let (stored, attachment) = match self {
            Self::Text {
                chat_id,
                text,
                keyboard: kb,
                html,
            } => (
                StoredOutgoing::Text {
                    chat_id: *chat_id,
                    text: text.clone(),
                    keyboard: keyboard(kb),
                    html: *html,
                },
                None,
            ),
            Self::Photo {
                chat_id,
                png,
                caption,
                keyboard: kb,
            } => (
                StoredOutgoing::Photo {
                    chat_id: *chat_id,
                    caption: caption.clone(),
                    keyboard: keyboard(kb),
                },
                Some(png.clone()),
            ),
            Self::PhotoById {
                chat_id,
                file_id,
                caption,
                keyboard: kb,
            } => (
                StoredOutgoing::PhotoById {
                    chat_id: *chat_id,
                    file_id: file_id.clone(),
                    caption: caption.clone(),
                    keyboard: keyboard(kb),
                },
                None,
            ),
            Self::Document {
                chat_id,
                bytes,
                file_name,
                caption,
            } => (
                StoredOutgoing::Document {
                    chat_id: *chat_id,
                    file_name: file_name.clone(),
                    caption: caption.clone(),
                },
                Some(bytes.clone()),
            ),
            Self::EditText {
                chat_id,
                message_id,
                text,
                keyboard: kb,
                html,
            } => (
                StoredOutgoing::EditText {
                    chat_id: *chat_id,
                    message_id: *message_id,
                    text: text.clone(),
                    keyboard: keyboard(kb),
                    html: *html,
                },
                None,
            ),
            Self::AnswerCallback {
                callback_id,
                text,
                alert,
            } => (
                StoredOutgoing::AnswerCallback {
                    callback_id: callback_id.clone(),
                    text: text.clone(),
                    alert: *alert,
                },
                None,
            ),
        };
        // Strings, integers and booleans always serialize.
        let json = serde_json::to_string(&stored).unwrap_or_default();
        (json, attachment)
    }

    /// Reads back what [`Outgoing::to_stored`] wrote; a photo or file needs its `attachment`.
    pub fn from_stored(json: &str, attachment: Option<Vec<u8>>) -> Result<Self, Error> {
        let decode = || Error::Decode {
            raw: json.to_owned(),
        };
        let stored: StoredOutgoing = serde_json::from_str(json).map_err(|_| decode())?;
        let keyboard = |it: Option<StoredKeyboard>| it.map(Keyboard::try_from).transpose();
        Ok(match stored {
            StoredOutgoing::Text {
                chat_id,
                text,
                keyboard: kb,
                html,
            } => Self::Text {
                chat_id,
                text,
                keyboard: keyboard(kb)?,
                html,
            },
            StoredOutgoing::Photo {
                chat_id,
                caption,
                keyboard: kb,
            } => Self::Photo {
                chat_id,
                png: attachment.ok_or_else(decode)?,
                caption,
                keyboard: keyboard(kb)?,
            },
            StoredOutgoing::PhotoById {
                chat_id,
                file_id,
                caption,
                keyboard: kb,
            } => Self::PhotoById {
                chat_id,
                file_id,
                caption,
                keyboard: keyboard(kb)?,
            },
            StoredOutgoing::Document {
                chat_id,
                file_name,
                caption,
            } => Self::Document {
                chat_id,
                bytes: attachment.ok_or_else(decode)?,
                file_name,
                caption,
            },
            StoredOutgoing::EditText {
                chat_id,
                message_id,
                text,
                keyboard: kb,
                html,
            } => Self::EditText {
                chat_id,
                message_id,
                text,
                keyboard: keyboard(kb)?,
                html,
            },
            StoredOutgoing::AnswerCallback {
                callback_id,
                text,
                alert,
            } => Self::AnswerCallback {
                callback_id,
                text,
                alert,
            },
        })
    }
}

impl From<&Keyboard> for StoredKeyboard {
    fn from(keyboard: &Keyboard) -> Self {
        match keyboard {
            Keyboard::Inline(rows) => Self::Inline(
                rows.iter()
                    .map(|row| row.iter().map(StoredButton::from).collect())
                    .collect(),
            ),
            Keyboard::Reply(rows) => Self::Reply(rows.clone()),
            Keyboard::RemoveReply => Self::RemoveReply,
        }
    }
}

impl From<&InlineButton> for StoredButton {
    fn from(button: &InlineButton) -> Self {
        match button {
            InlineButton::Callback { text, data } => Self::Callback {
                text: text.clone(),
                data: data.as_str().to_owned(),
            },
            InlineButton::Url { text, url } => Self::Url {
                text: text.clone(),
                url: url.clone(),
            },
        }
    }
}

impl TryFrom<StoredKeyboard> for Keyboard {
    type Error = Error;

    fn try_from(stored: StoredKeyboard) -> Result<Self, Error> {
        Ok(match stored {
            StoredKeyboard::Inline(rows) => Self::Inline(
                rows.into_iter()
                    .map(|row| row.into_iter().map(InlineButton::try_from).collect())
                    .collect::<Result<_, _>>()?,
            ),
            StoredKeyboard::Reply(rows) => Self::Reply(rows),
            StoredKeyboard::RemoveReply => Self::RemoveReply,
        })
    }
}

impl TryFrom<StoredButton> for InlineButton {
    type Error = Error;

    fn try_from(stored: StoredButton) -> Result<Self, Error> {
        Ok(match stored {
            StoredButton::Callback { text, data } => Self::Callback {
                text,
                data: CallbackData::new(&data)?,
            },
            StoredButton::Url { text, url } => Self::Url { text, url },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_round_trip(msg: Outgoing) {
        let (json, attachment) = msg.to_stored();
        let back = Outgoing::from_stored(&json, attachment).unwrap();
        assert_eq!(back, msg, "{json}");
    }

    #[test]
    fn every_kind_of_message_reads_back_as_written() {
        let keyboard = Keyboard::Inline(vec![vec![
            InlineButton::Callback {
                text: "Menu".to_owned(),
                data: CallbackData::new("v1:m").unwrap(),
            },
            InlineButton::Url {
                text: "Pay".to_owned(),
                url: "https://pay.example/x".to_owned(),
            },
        ]]);
        check_round_trip(Outgoing::Text {
            chat_id: 7,
            text: "<b>hi</b>".to_owned(),
            keyboard: Some(keyboard.clone()),
            html: true,
        });
        check_round_trip(Outgoing::Photo {
            chat_id: -5,
            png: vec![0x89, b'P', b'N', b'G', 0, 255],
            caption: Some("QR".to_owned()),
            keyboard: Some(Keyboard::Reply(vec![vec!["a".to_owned()]])),
        });
        check_round_trip(Outgoing::PhotoById {
            chat_id: 1,
            file_id: "AgAD".to_owned(),
            caption: None,
            keyboard: Some(Keyboard::RemoveReply),
        });
        check_round_trip(Outgoing::Document {
            chat_id: 2,
            bytes: vec![1, 2, 3],
            file_name: "backup.tar.gz".to_owned(),
            caption: None,
        });
        check_round_trip(Outgoing::EditText {
            chat_id: 3,
            message_id: 42,
            text: "x".to_owned(),
            keyboard: Some(keyboard),
            html: false,
        });
        check_round_trip(Outgoing::AnswerCallback {
            callback_id: "q".to_owned(),
            text: Some("ok".to_owned()),
            alert: true,
        });
    }

    #[test]
    fn a_photo_without_its_bytes_or_bad_callback_data_is_refused() {
        let (json, _) = Outgoing::Photo {
            chat_id: 1,
            png: vec![1],
            caption: None,
            keyboard: None,
        }
        .to_stored();
        assert!(matches!(
            Outgoing::from_stored(&json, None),
            Err(Error::Decode { .. })
        ));
        let too_long = "x".repeat(65);
        let json = format!(
            r#"{{"type":"text","chat_id":1,"text":"t","html":false,"keyboard":{{"type":"inline","rows":[[{{"type":"callback","text":"a","data":"{too_long}"}}]]}}}}"#
        );
        assert!(matches!(
            Outgoing::from_stored(&json, None),
            Err(Error::CallbackDataLength { len: 65 })
        ));
        assert!(Outgoing::from_stored("{", None).is_err());
    }
}
