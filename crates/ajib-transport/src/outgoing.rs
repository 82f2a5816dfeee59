//! Outgoing messages and keyboards, and how they become Bot API requests.

mod stored;

use serde_json::{Value, json};

use crate::error::{Error, SendError};

/// Longest message text Telegram accepts, in characters.
pub const MAX_TEXT_CHARS: usize = 4096;
/// Longest photo or document caption Telegram accepts, in characters.
pub const MAX_CAPTION_CHARS: usize = 1024;

/// Something to send to Telegram.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outgoing {
    /// A text message; split at line boundaries when over 4096 characters, the keyboard on the last part.
    Text {
        /// Recipient chat.
        chat_id: i64,
        /// Message text.
        text: String,
        /// Keyboard to attach.
        keyboard: Option<Keyboard>,
        /// Whether `text` is Telegram HTML.
        html: bool,
    },
    /// A PNG photo (a QR code); a caption over 1024 characters follows as a text message.
    Photo {
        /// Recipient chat.
        chat_id: i64,
        /// PNG bytes.
        png: Vec<u8>,
        /// Plain-text caption.
        caption: Option<String>,
        /// Keyboard to attach.
        keyboard: Option<Keyboard>,
    },
    /// A photo Telegram already has (a file_id from an incoming message), with an HTML caption.
    ///
    /// A caption over 1024 characters (not counting tags) follows as a text message carrying
    /// the keyboard, as with [`Outgoing::Photo`].
    PhotoById {
        /// Recipient chat.
        chat_id: i64,
        /// The photo's `file_id`, e.g. [`crate::PhotoRef::file_id`].
        file_id: String,
        /// Telegram HTML caption, e.g. from [`crate::entities_to_html`].
        caption: Option<String>,
        /// Keyboard to attach.
        keyboard: Option<Keyboard>,
    },
    /// A file; a caption over 1024 characters follows as a text message.
    Document {
        /// Recipient chat.
        chat_id: i64,
        /// File contents.
        bytes: Vec<u8>,
        /// File name the user sees.
        file_name: String,
        /// Plain-text caption.
        caption: Option<String>,
    },
    /// Replaces the text (and inline keyboard) of a message the bot sent; "not modified" is success.
    EditText {
        /// Chat of the message.
        chat_id: i64,
        /// The message to edit.
        message_id: i32,
        /// New text, at most 4096 characters.
        text: String,
        /// New keyboard; only an inline keyboard can be attached to an edited message.
        keyboard: Option<Keyboard>,
        /// Whether `text` is Telegram HTML.
        html: bool,
    },
    /// Answers a callback query, stopping the button's spinner; never rate limited.
    AnswerCallback {
        /// The query id from [`crate::CallbackQuery`].
        callback_id: String,
        /// Notification text, if any.
        text: Option<String>,
        /// Show the text as an alert the user must dismiss.
        alert: bool,
    },
}

/// A keyboard attached to a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Keyboard {
    /// Buttons under the message, by rows.
    Inline(Vec<Vec<InlineButton>>),
    /// Buttons replacing the user's keyboard, by rows of labels.
    Reply(Vec<Vec<String>>),
    /// Removes a reply keyboard.
    RemoveReply,
}

/// One inline keyboard button.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InlineButton {
    /// Sends a callback query with `data` when pressed.
    Callback {
        /// Label.
        text: String,
        /// Data of the callback query.
        data: CallbackData,
    },
    /// Opens a URL.
    Url {
        /// Label.
        text: String,
        /// The link.
        url: String,
    },
}

/// Callback data of 1..=64 bytes, Telegram's limit.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CallbackData(String);

/// One Bot API call an [`Outgoing`] turns into.
#[derive(Debug, Clone)]
pub(crate) enum Request {
    /// A call with a JSON body.
    Json { method: &'static str, params: Value },
    /// A call uploading `bytes` as multipart field `field`.
    Upload {
        method: &'static str,
        params: Value,
        field: &'static str,
        file_name: String,
        bytes: Vec<u8>,
    },
}

impl CallbackData {
    /// Checks Telegram's 1..=64 bytes limit.
    pub fn new(data: &str) -> Result<Self, Error> {
        if !(1..=64).contains(&data.len()) {
            return Err(Error::CallbackDataLength { len: data.len() });
        }
        Ok(Self(data.to_owned()))
    }

    /// The data as sent to Telegram.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Outgoing {
    /// The chat the message goes to; `None` for callback answers.
    #[must_use]
    pub fn chat_id(&self) -> Option<i64> {
        match self {
            Self::Text { chat_id, .. }
            | Self::Photo { chat_id, .. }
            | Self::PhotoById { chat_id, .. }
            | Self::Document { chat_id, .. }
            | Self::EditText { chat_id, .. } => Some(*chat_id),
            Self::AnswerCallback { .. } => None,
        }
    }

    /// The Bot API calls that deliver this message, in order.
    pub(crate) fn into_requests(self) -> Result<Vec<Request>, SendError> {
        match self {
            Self::Text {
                chat_id,
                text,
                keyboard,
                html,
            } => text_requests(chat_id, &text, keyboard.as_ref(), html),
            Self::Photo {
                chat_id,
                png,
                caption,
                keyboard,
            } => media_requests(
                "sendPhoto",
                "photo",
                chat_id,
                "qr.png".to_owned(),
                png,
                caption,
                keyboard.as_ref(),
            ),
            Self::PhotoById {
                chat_id,
                file_id,
                caption,
                keyboard,
            } => photo_by_id_requests(chat_id, file_id, caption, keyboard.as_ref()),
            Self::Document {
                chat_id,
                bytes,
                file_name,
                caption,
            } => media_requests(
                "sendDocument",
                "document",
                chat_id,
                file_name,
                bytes,
                caption,
                None,
            ),
            Self::EditText {
                chat_id,
                message_id,
                text,
                keyboard,
                html,
            } => {
                let n_chars = text.chars().count();
                if text.trim().is_empty() || n_chars > MAX_TEXT_CHARS {
                    return Err(SendError::BadRequest(format!(
                        "edited text must be 1..={MAX_TEXT_CHARS} characters, got {n_chars}"
                    )));
                }
                let mut params =
                    json!({ "chat_id": chat_id, "message_id": message_id, "text": text });
                if html {
                    params["parse_mode"] = json!("HTML");
                }
                match keyboard {
                    Some(keyboard @ Keyboard::Inline(_)) => {
                        params["reply_markup"] = keyboard.to_json()
                    }
                    Some(_) => log::debug!("dropping a non-inline keyboard from a message edit"),
                    None => (),
                }
                Ok(vec![Request::Json {
                    method: "editMessageText",
                    params,
                }])
            }
            Self::AnswerCallback {
                callback_id,
                text,
                alert,
            } => {
                let mut params = json!({ "callback_query_id": callback_id, "show_alert": alert });
                if let Some(text) = text {
                    params["text"] = json!(text);
                }
                Ok(vec![Request::Json {
                    method: "answerCallbackQuery",
                    params,
                }])
            }
        }
    }
}

impl Keyboard {
    /// The `reply_markup` object.
    pub(crate) fn to_json(&self) -> Value {
        match self {
            Self::Inline(rows) => {
                let rows: Vec<Vec<Value>> = rows
                    .iter()
                    .map(|row| {
                        row.iter()
                            .map(|button| match button {
                                InlineButton::Callback { text, data } => {
                                    json!({ "text": text, "callback_data": data.as_str() })
                                }
                                InlineButton::Url { text, url } => {
                                    json!({ "text": text, "url": url })
                                }
                            })
                            .collect()
                    })
                    .collect();
                json!({ "inline_keyboard": rows })
            }
            Self::Reply(rows) => {
                let rows: Vec<Vec<Value>> = rows
                    .iter()
                    .map(|row| row.iter().map(|text| json!({ "text": text })).collect())
                    .collect();
                json!({ "keyboard": rows, "resize_keyboard": true })
            }
            Self::RemoveReply => json!({ "remove_keyboard": true }),
        }
    }
}

impl Request {
    /// The Bot API method.
    pub(crate) fn method(&self) -> &'static str {
        match self {
            Self::Json { method, .. } | Self::Upload { method, .. } => method,
        }
    }
}

/// Splits `text` into parts of at most `max` characters, at line boundaries where possible.
///
/// A line longer than `max` is cut on character boundaries. Newlines at the cut are dropped
/// and whitespace-only parts are skipped, since Telegram rejects empty messages.
#[must_use]
pub fn split_text(text: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut res = Vec::new();
    let mut current = String::new();
    let mut current_len = 0;
    for line in text.split_inclusive('\n') {
        let line_len = line.chars().count();
        let visible_len = line.trim_end_matches('\n').chars().count();
        if current_len + visible_len <= max {
            current.push_str(line);
            current_len += line_len;
            continue;
        }
        push_part(&mut res, std::mem::take(&mut current));
        current_len = 0;
        let chars: Vec<char> = line.trim_end_matches('\n').chars().collect();
        let mut chunks = chars.chunks(max).peekable();
        while let Some(chunk) = chunks.next() {
            let chunk: String = chunk.iter().collect();
            match chunks.peek() {
                Some(_) => push_part(&mut res, chunk),
                None => {
                    current_len = chunk.chars().count() + 1;
                    current = chunk;
                    current.push('\n');
                }
            }
        }
    }
    push_part(&mut res, current);
    res
}

fn push_part(res: &mut Vec<String>, part: String) {
    let part = part.trim_end_matches('\n');
    if !part.trim().is_empty() {
        res.push(part.to_owned());
    }
}

fn text_requests(
    chat_id: i64,
    text: &str,
    keyboard: Option<&Keyboard>,
    html: bool,
) -> Result<Vec<Request>, SendError> {
    let parts = split_text(text, MAX_TEXT_CHARS);
    if parts.is_empty() {
        return Err(SendError::BadRequest("message text is empty".to_owned()));
    }
    let n_parts = parts.len();
    let res = parts
        .into_iter()
        .enumerate()
        .map(|(idx, part)| {
            let mut params = json!({ "chat_id": chat_id, "text": part });
            if html {
                params["parse_mode"] = json!("HTML");
            }
            if let Some(keyboard) = keyboard
                && idx + 1 == n_parts
            {
                params["reply_markup"] = keyboard.to_json();
            }
            Request::Json {
                method: "sendMessage",
                params,
            }
        })
        .collect();
    Ok(res)
}

fn media_requests(
    method: &'static str,
    field: &'static str,
    chat_id: i64,
    file_name: String,
    bytes: Vec<u8>,
    caption: Option<String>,
    keyboard: Option<&Keyboard>,
) -> Result<Vec<Request>, SendError> {
    if bytes.is_empty() {
        return Err(SendError::BadRequest(format!("{field} is empty")));
    }
    let long_caption = caption
        .as_ref()
        .filter(|it| it.chars().count() > MAX_CAPTION_CHARS);
    let mut params = json!({ "chat_id": chat_id });
    let mut res = Vec::new();
    match long_caption {
        Some(caption) => {
            let caption = caption.clone();
            res.push(Request::Upload {
                method,
                params,
                field,
                file_name,
                bytes,
            });
            res.extend(text_requests(chat_id, &caption, keyboard, false)?);
        }
        None => {
            if let Some(caption) = caption.filter(|it| !it.is_empty()) {
                params["caption"] = json!(caption);
            }
            if let Some(keyboard) = keyboard {
                params["reply_markup"] = keyboard.to_json();
            }
            res.push(Request::Upload {
                method,
                params,
                field,
                file_name,
                bytes,
            });
        }
    }
    Ok(res)
}

fn photo_by_id_requests(
    chat_id: i64,
    file_id: String,
    caption: Option<String>,
    keyboard: Option<&Keyboard>,
) -> Result<Vec<Request>, SendError> {
    if file_id.trim().is_empty() {
        return Err(SendError::BadRequest("photo file_id is empty".to_owned()));
    }
    let method = "sendPhoto";
    let mut params = json!({ "chat_id": chat_id, "photo": file_id });
    let caption = caption.filter(|it| !it.is_empty());
    if let Some(caption) = &caption
        && html_visible_chars(caption) > MAX_CAPTION_CHARS
    {
        let mut res = vec![Request::Json { method, params }];
        res.extend(text_requests(chat_id, caption, keyboard, true)?);
        return Ok(res);
    }
    if let Some(caption) = caption {
        params["caption"] = json!(caption);
        params["parse_mode"] = json!("HTML");
    }
    if let Some(keyboard) = keyboard {
        params["reply_markup"] = keyboard.to_json();
    }
    Ok(vec![Request::Json { method, params }])
}

/// Characters Telegram counts in HTML text: tags are dropped and `&amp;` counts as one.
fn html_visible_chars(text: &str) -> usize {
    let mut res = 0;
    let mut in_tag = false;
    let mut in_entity = false;
    for c in text.chars() {
        match (in_tag, in_entity, c) {
            (false, false, '<') => in_tag = true,
            (true, _, '>') => in_tag = false,
            (true, _, _) => (),
            (false, false, '&') => {
                in_entity = true;
                res += 1;
            }
            (false, true, ';') => in_entity = false,
            (false, true, _) => (),
            (false, false, _) => res += 1,
        }
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_split(text: &str, max: usize, expected: &[&str]) {
        assert_eq!(split_text(text, max), expected, "{text:?} at {max}");
    }

    #[test]
    fn split_keeps_short_text_whole() {
        check_split("hello\nworld", 4096, &["hello\nworld"]);
        check_split("", 10, &[]);
        check_split("\n\n", 10, &[]);
    }

    #[test]
    fn split_prefers_line_boundaries() {
        check_split("aa\nbb\ncc", 5, &["aa\nbb", "cc"]);
        check_split("aaa\nbbb\n", 3, &["aaa", "bbb"]);
        check_split("a\n\n\nb", 2, &["a", "b"]);
    }

    #[test]
    fn split_cuts_long_lines_on_char_boundaries() {
        check_split("abcdefg", 3, &["abc", "def", "g"]);
        check_split("xy\nسلامسلام\nz", 4, &["xy", "سلام", "سلام", "z"]);
        check_split("ab\ncdefgh", 4, &["ab", "cdef", "gh"]);
    }

    #[test]
    fn split_parts_never_exceed_max() {
        let text = "line of text\n".repeat(1000) + &"x".repeat(9000);
        let parts = split_text(&text, MAX_TEXT_CHARS);
        assert!(parts.iter().all(|it| it.chars().count() <= MAX_TEXT_CHARS));
        assert_eq!(parts.concat().replace('\n', "").len(), 12 * 1000 + 9000);
    }

    fn check_visible(html: &str, expected: usize) {
        assert_eq!(html_visible_chars(html), expected, "{html:?}");
    }

    #[test]
    fn html_tags_do_not_count_towards_the_caption_limit() {
        check_visible("", 0);
        check_visible(
            "<b>سلام</b> &amp; <a href=\"https://x/?a=1&amp;b=2\">hi</a>",
            9,
        );
        check_visible("<pre><code class=\"language-rust\">x</code></pre>", 1);
    }

    fn check_photo_by_id(caption: Option<&str>, expected: &[Value]) {
        let msg = Outgoing::PhotoById {
            chat_id: 7,
            file_id: "AgAC".to_owned(),
            caption: caption.map(str::to_owned),
            keyboard: Some(Keyboard::RemoveReply),
        };
        let params: Vec<Value> = msg
            .into_requests()
            .unwrap()
            .into_iter()
            .map(|it| match it {
                Request::Json { method, mut params } => {
                    params["method"] = json!(method);
                    params
                }
                Request::Upload { .. } => panic!("nothing to upload"),
            })
            .collect();
        assert_eq!(params, expected);
    }

    #[test]
    fn photo_by_id_carries_an_html_caption() {
        let keyboard = json!({ "remove_keyboard": true });
        check_photo_by_id(
            Some("<b>Sale</b> &amp; more"),
            &[
                json!({ "method": "sendPhoto", "chat_id": 7, "photo": "AgAC",
                "caption": "<b>Sale</b> &amp; more", "parse_mode": "HTML",
                "reply_markup": keyboard }),
            ],
        );
        check_photo_by_id(
            Some(""),
            &[
                json!({ "method": "sendPhoto", "chat_id": 7, "photo": "AgAC",
                "reply_markup": keyboard }),
            ],
        );
        // 1024 visible characters still fit, however many tags there are.
        let fits = format!("<b>{}</b>", "&lt;".repeat(MAX_CAPTION_CHARS));
        check_photo_by_id(
            Some(&fits),
            &[
                json!({ "method": "sendPhoto", "chat_id": 7, "photo": "AgAC",
                "caption": fits, "parse_mode": "HTML", "reply_markup": keyboard }),
            ],
        );
        let long = format!("<i>{}</i>", "x".repeat(MAX_CAPTION_CHARS + 1));
        check_photo_by_id(
            Some(&long),
            &[
                json!({ "method": "sendPhoto", "chat_id": 7, "photo": "AgAC" }),
                json!({ "method": "sendMessage", "chat_id": 7, "text": long,
                    "parse_mode": "HTML", "reply_markup": keyboard }),
            ],
        );
        let empty_id = Outgoing::PhotoById {
            chat_id: 7,
            file_id: " ".to_owned(),
            caption: None,
            keyboard: None,
        };
        assert!(matches!(
            empty_id.into_requests(),
            Err(SendError::BadRequest(_))
        ));
    }

    fn check_callback_data(data: &str, ok: bool) {
        assert_eq!(CallbackData::new(data).is_ok(), ok, "{} bytes", data.len());
    }

    #[test]
    fn callback_data_is_limited_in_bytes() {
        check_callback_data("", false);
        check_callback_data("a", true);
        check_callback_data(&"a".repeat(64), true);
        check_callback_data(&"a".repeat(65), false);
        // 33 two-byte letters: 33 characters, 66 bytes.
        check_callback_data(&"ب".repeat(33), false);
    }
}
