//! Formatted broadcasts: a user's photo or text with entities in, the same by file id and HTML out.

use std::time::Duration;

use ajib_testkit::telegram::{BotMessage, FakeTelegram, MessageKind};
use ajib_transport::{
    IncomingMessage, InlineButton, Keyboard, Limits, Outbox, Outgoing, PhotoRef, Priority,
    SendError, TransportEvent, Update, entities_to_html, run_long_polling,
};
use serde_json::{Value, json};
use tokio::sync::watch;

use crate::{Recorder, api, user};

const ADMIN: i64 = 1;
const SUBSCRIBER: i64 = 2;

/// A PNG header claiming the given size; the fake reads no further than `IHDR`.
fn png(width: u32, height: u32) -> Vec<u8> {
    let mut res = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    res.extend(width.to_be_bytes());
    res.extend(height.to_be_bytes());
    res
}

fn shop_keyboard() -> Keyboard {
    Keyboard::Inline(vec![vec![InlineButton::Url {
        text: "Shop".to_owned(),
        url: "https://t.me/ajib_bot?start=sale".to_owned(),
    }]])
}

/// Long-polls the fake until it delivered one message, as the bot would see it.
async fn receive(fake: &FakeTelegram) -> IncomingMessage {
    let recorder = Recorder::default();
    let (stop, shutdown) = watch::channel(false);
    let task = tokio::spawn(run_long_polling(api(fake), recorder.handler(), shutdown));
    let mut updates = recorder.wait_for(1).await;
    stop.send(true).unwrap();
    task.await.unwrap();
    match updates.remove(0) {
        Update::Message(it) => it,
        other => panic!("not a message: {other:?}"),
    }
}

/// The admin sends a photo; returns the fake, the photo's bytes and the photo as the bot sees it.
async fn admin_photo(caption: Option<&str>, entities: Value) -> (FakeTelegram, Vec<u8>, PhotoRef) {
    let fake = FakeTelegram::start();
    fake.add_user(&user(SUBSCRIBER));
    let bytes = png(1280, 960);
    fake.send_photo(&user(ADMIN), &bytes, caption, entities);
    let photo = receive(&fake).await.photo.unwrap();
    (fake, bytes, photo)
}

/// Sends `msg` as a broadcast would; returns the result and what the subscriber got.
async fn broadcast(
    fake: &FakeTelegram,
    msg: Outgoing,
) -> (Result<Option<i32>, SendError>, Vec<BotMessage>) {
    let (outbox, _events) = Outbox::start(api(fake), Limits::defaults());
    let sent = outbox.send(msg, Priority::Bulk).await;
    (sent.map(|it| it.message_id), fake.messages(SUBSCRIBER))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn formatted_photo_is_resent_by_file_id() {
    let caption = "😀 Sale <50%> & more";
    let entities = json!([
        { "type": "custom_emoji", "offset": 0, "length": 2, "custom_emoji_id": "5368" },
        { "type": "bold", "offset": 3, "length": 4 },
        { "type": "text_link", "offset": 8, "length": 5, "url": "https://ajib.example/?a=1&b=2" },
        { "type": "italic", "offset": 16, "length": 4 },
        { "type": "hashtag", "offset": 16, "length": 4 },
    ]);
    let fake = FakeTelegram::start();
    fake.add_user(&user(SUBSCRIBER));
    let bytes = png(1280, 960);
    fake.send_photo(&user(ADMIN), &bytes, Some(caption), entities);
    let message = receive(&fake).await;
    let photo = message.photo.unwrap();
    assert_eq!((photo.width, photo.height), (1280, 960));
    let html = entities_to_html(caption, &message.caption_entities);
    assert_eq!(
        html,
        "<tg-emoji emoji-id=\"5368\">😀</tg-emoji> <b>Sale</b> \
         <a href=\"https://ajib.example/?a=1&amp;b=2\">&lt;50%&gt;</a> &amp; <i>more</i>"
    );

    let download_api = api(&fake);
    let file_id = photo.file_id.clone();
    let downloaded = tokio::task::spawn_blocking(move || download_api.get_file_bytes(&file_id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(downloaded, bytes);

    let msg = Outgoing::PhotoById {
        chat_id: SUBSCRIBER,
        file_id: photo.file_id,
        caption: Some(html.clone()),
        keyboard: Some(shop_keyboard()),
    };
    let (sent, messages) = broadcast(&fake, msg).await;
    assert_eq!(messages.len(), 1);
    assert_eq!(sent, Ok(Some(messages[0].message_id)));
    assert_eq!(messages[0].kind, MessageKind::Photo);
    assert_eq!(messages[0].photo.as_deref(), Some(bytes.as_slice()));
    assert_eq!(messages[0].text.as_deref(), Some(html.as_str()));
    assert_eq!(messages[0].parse_mode.as_deref(), Some("HTML"));
    assert!(messages[0].keyboard.is_some());
    assert_eq!(fake.violations(), Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn photo_without_a_caption_has_no_parse_mode() {
    let (fake, bytes, photo) = admin_photo(None, Value::Null).await;
    let msg = Outgoing::PhotoById {
        chat_id: SUBSCRIBER,
        file_id: photo.file_id,
        caption: None,
        keyboard: None,
    };
    let (sent, messages) = broadcast(&fake, msg).await;
    assert!(sent.is_ok(), "{sent:?}");
    assert_eq!(messages[0].photo.as_deref(), Some(bytes.as_slice()));
    assert_eq!((&messages[0].text, &messages[0].parse_mode), (&None, &None));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn long_caption_follows_the_photo_as_html_text() {
    let (fake, _, photo) = admin_photo(None, Value::Null).await;
    let caption = format!("<b>{}</b>", "x".repeat(1100));
    let msg = Outgoing::PhotoById {
        chat_id: SUBSCRIBER,
        file_id: photo.file_id,
        caption: Some(caption.clone()),
        keyboard: Some(shop_keyboard()),
    };
    let (sent, messages) = broadcast(&fake, msg).await;
    let kinds: Vec<MessageKind> = messages.iter().map(|it| it.kind).collect();
    assert_eq!(kinds, [MessageKind::Photo, MessageKind::Text]);
    assert_eq!(sent, Ok(Some(messages[1].message_id)));
    assert_eq!((&messages[0].text, &messages[0].keyboard), (&None, &None));
    assert_eq!(messages[1].text.as_deref(), Some(caption.as_str()));
    assert_eq!(messages[1].parse_mode.as_deref(), Some("HTML"));
    assert!(messages[1].keyboard.is_some());
    assert_eq!(fake.violations(), Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_file_id_is_a_bad_request() {
    let fake = FakeTelegram::start();
    fake.add_user(&user(SUBSCRIBER));
    let msg = Outgoing::PhotoById {
        chat_id: SUBSCRIBER,
        file_id: "AgACAgIAAxkBAAnope".to_owned(),
        caption: Some("<b>hi</b>".to_owned()),
        keyboard: None,
    };
    let (sent, messages) = broadcast(&fake, msg).await;
    assert!(
        matches!(&sent, Err(SendError::BadRequest(it)) if it.contains("wrong file identifier")),
        "{sent:?}"
    );
    assert!(messages.is_empty());
    assert_eq!(
        fake.violations(),
        ["sendPhoto: wrong file identifier/HTTP URL specified"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blocked_subscriber_gives_blocked_and_an_event() {
    let (fake, _, photo) = admin_photo(None, Value::Null).await;
    fake.block(SUBSCRIBER);
    let (outbox, mut events) = Outbox::start(api(&fake), Limits::defaults());
    let msg = Outgoing::PhotoById {
        chat_id: SUBSCRIBER,
        file_id: photo.file_id,
        caption: None,
        keyboard: None,
    };
    assert_eq!(
        outbox.send(msg, Priority::Bulk).await,
        Err(SendError::Blocked)
    );
    let event = tokio::time::timeout(Duration::from_secs(5), events.recv()).await;
    assert_eq!(
        event.unwrap(),
        Some(TransportEvent::UserBlocked {
            chat_id: SUBSCRIBER
        })
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn formatted_text_is_resent_as_html() {
    let fake = FakeTelegram::start();
    fake.add_user(&user(SUBSCRIBER));
    let text = "New: fast & cheap";
    let entities = json!([
        { "type": "bold", "offset": 0, "length": 4 },
        { "type": "spoiler", "offset": 10, "length": 7 },
        { "type": "underline", "offset": 5, "length": 7 },
    ]);
    fake.send_formatted_text(&user(ADMIN), text, entities);
    let message = receive(&fake).await;
    let html = entities_to_html(message.text.as_deref().unwrap(), &message.entities);
    assert_eq!(
        html,
        "<b>New:</b> <u>fast <tg-spoiler>&amp; </tg-spoiler></u><tg-spoiler>cheap</tg-spoiler>"
    );
    let msg = Outgoing::Text {
        chat_id: SUBSCRIBER,
        text: html.clone(),
        keyboard: None,
        html: true,
    };
    let (sent, messages) = broadcast(&fake, msg).await;
    assert!(sent.is_ok(), "{sent:?}");
    assert_eq!(messages[0].text.as_deref(), Some(html.as_str()));
    assert_eq!(fake.violations(), Vec::<String>::new());
}
