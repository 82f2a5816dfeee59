//! The fake Bot API's photos and formatted messages: updates in, `getFile`, `sendPhoto` by id.

use std::time::Duration;

use ajib_testkit::telegram::{FakeTelegram, MessageKind, RateLimits, SimUser, TOKEN};
use serde_json::{Value, json};

const ALICE: i64 = 1;

/// A PNG header claiming the given size; the fake reads no further than `IHDR`.
fn png(width: u32, height: u32) -> Vec<u8> {
    let mut res = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    res.extend(width.to_be_bytes());
    res.extend(height.to_be_bytes());
    res.extend(b"pixels");
    res
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

/// POSTs a JSON call; returns the HTTP status and the answer.
pub(crate) fn call(fake: &FakeTelegram, method: &str, params: &Value) -> (u16, Value) {
    let url = format!("{}/bot{TOKEN}/{method}", fake.api_base());
    let mut response = agent().post(&url).send_json(params).unwrap();
    let status = response.status().as_u16();
    (status, response.body_mut().read_json().unwrap())
}

/// Uploads a photo as multipart `sendPhoto`; returns the answer's `result`.
fn upload_photo(fake: &FakeTelegram, chat_id: i64, bytes: &[u8]) -> Value {
    let boundary = "ajib-test-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"chat_id\"\r\n\r\n{chat_id}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"qr.png\"\r\n\
         Content-Type: image/png\r\n\r\n"
    )
    .into_bytes();
    body.extend(bytes);
    body.extend(format!("\r\n--{boundary}--\r\n").into_bytes());
    let url = format!("{}/bot{TOKEN}/sendPhoto", fake.api_base());
    let mut response = agent()
        .post(&url)
        .header(
            "Content-Type",
            &format!("multipart/form-data; boundary={boundary}"),
        )
        .send(&body[..])
        .unwrap();
    let answer: Value = response.body_mut().read_json().unwrap();
    assert_eq!(answer["ok"], json!(true), "{answer}");
    answer["result"].clone()
}

/// The message of every queued update, oldest first.
fn queued_messages(fake: &FakeTelegram) -> Vec<Value> {
    let (status, answer) = call(fake, "getUpdates", &json!({}));
    assert_eq!(status, 200, "{answer}");
    answer["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|it| it["message"].clone())
        .collect()
}

/// Downloads a file the way `TelegramApi::get_file_bytes` does.
fn download(fake: &FakeTelegram, file_id: &str) -> Vec<u8> {
    let (status, answer) = call(fake, "getFile", &json!({ "file_id": file_id }));
    assert_eq!(status, 200, "{answer}");
    let path = answer["result"]["file_path"].as_str().unwrap();
    let url = format!("{}/file/bot{TOKEN}/{path}", fake.api_base());
    let mut response = agent().get(&url).call().unwrap();
    assert_eq!(response.status().as_u16(), 200);
    response.body_mut().read_to_vec().unwrap()
}

fn file_ids(sizes: &Value) -> Vec<String> {
    sizes
        .as_array()
        .unwrap()
        .iter()
        .map(|it| it["file_id"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn user_photo_comes_in_sizes_that_all_download() {
    let fake = FakeTelegram::start();
    let bytes = png(1280, 960);
    let entities = json!([{ "type": "bold", "offset": 0, "length": 4 }]);
    fake.send_photo(
        &SimUser::new(ALICE, "A"),
        &bytes,
        Some("Sale now"),
        entities.clone(),
    );
    let messages = queued_messages(&fake);
    let message = &messages[0];
    let dimensions: Vec<(u64, u64)> = message["photo"]
        .as_array()
        .unwrap()
        .iter()
        .map(|it| {
            let size = |key: &str| it[key].as_u64().unwrap();
            (size("width"), size("height"))
        })
        .collect();
    assert_eq!(dimensions, [(90, 67), (320, 240), (1280, 960)]);
    let ids = file_ids(&message["photo"]);
    assert_eq!(ids.len(), 3);
    assert!(
        ids[0] != ids[1] && ids[1] != ids[2] && ids[0] != ids[2],
        "{ids:?}"
    );
    for file_id in &ids {
        assert_eq!(download(&fake, file_id), bytes);
    }
    assert_eq!(message["caption"], json!("Sale now"));
    assert_eq!(message["caption_entities"], entities);
    assert_eq!(message.get("text"), None);
}

#[test]
fn entities_are_sent_only_when_there_are_some() {
    let fake = FakeTelegram::start();
    let alice = SimUser::new(ALICE, "A");
    fake.send_photo(&alice, &png(10, 10), None, Value::Null);
    fake.send_formatted_text(&alice, "plain", json!([]));
    let bold = json!([{ "type": "bold", "offset": 0, "length": 2 }]);
    fake.send_formatted_text(&alice, "/x bold", bold.clone());
    let messages = queued_messages(&fake);
    let keys = |message: &Value| -> Vec<String> {
        let mut res: Vec<String> = message.as_object().unwrap().keys().cloned().collect();
        res.retain(|it| !["message_id", "from", "chat", "date"].contains(&it.as_str()));
        res
    };
    assert_eq!(keys(&messages[0]), ["photo"]);
    assert_eq!(keys(&messages[1]), ["text"]);
    // Given entities replace the automatic `bot_command` one.
    assert_eq!(messages[2]["entities"], bold);
}

/// Resends a photo by file id to a new chat (the fake limits each chat to a burst of 3);
/// returns the file ids of the sent photo's sizes.
fn check_resend(fake: &FakeTelegram, chat_id: i64, file_id: &str, bytes: &[u8]) -> Vec<String> {
    fake.add_user(&SimUser::new(chat_id, "B"));
    let caption = "<b>Sale</b> &amp; <a href=\"https://x.example/?a=1&amp;b=2\">more</a>";
    let params = json!({ "chat_id": chat_id, "photo": file_id, "caption": caption,
        "parse_mode": "HTML" });
    let (status, answer) = call(fake, "sendPhoto", &params);
    assert_eq!(status, 200, "{answer}");
    let messages = fake.messages(chat_id);
    let last = messages.last().unwrap();
    assert_eq!(last.kind, MessageKind::Photo);
    assert_eq!(last.photo.as_deref(), Some(bytes));
    assert_eq!(last.text.as_deref(), Some(caption));
    assert_eq!(last.parse_mode.as_deref(), Some("HTML"));
    assert_eq!(fake.violations(), Vec::<String>::new());
    file_ids(&answer["result"]["photo"])
}

#[test]
fn photos_resend_by_file_id() {
    let fake = FakeTelegram::start();
    let alice = SimUser::new(ALICE, "A");

    let user_photo = png(800, 600);
    fake.send_photo(&alice, &user_photo, None, Value::Null);
    let largest = file_ids(&queued_messages(&fake)[0]["photo"]).pop().unwrap();
    let sizes = check_resend(&fake, 11, &largest, &user_photo);
    assert_eq!(sizes.last(), Some(&largest));
    // Resending again answers with the same sizes: no new copy per broadcast recipient.
    let (_, first) = call(
        &fake,
        "sendPhoto",
        &json!({ "chat_id": 11, "photo": largest }),
    );
    let (_, second) = call(
        &fake,
        "sendPhoto",
        &json!({ "chat_id": 11, "photo": largest }),
    );
    assert_eq!(first["result"]["photo"], second["result"]["photo"]);

    let document = png(30, 30);
    fake.send_document(&alice, "pic.png", &document, None);
    let document_id = queued_messages(&fake)[1]["document"]["file_id"]
        .as_str()
        .unwrap()
        .to_owned();
    // A document is not a photo size: Telegram makes the sizes anew.
    let sizes = check_resend(&fake, 12, &document_id, &document);
    assert_eq!(check_resend(&fake, 13, &sizes[0], &document), sizes);

    let qr = png(256, 256);
    let sent = upload_photo(&fake, ALICE, &qr);
    let sizes = file_ids(&sent["photo"]);
    for (chat_id, file_id) in (14..).zip(&sizes) {
        assert_eq!(check_resend(&fake, chat_id, file_id, &qr), sizes);
    }
}

fn check_rejected(params: &Value, expected: &str) {
    let fake = FakeTelegram::start();
    let alice = SimUser::new(ALICE, "A");
    fake.send_photo(&alice, &png(64, 64), None, Value::Null);
    let file_id = file_ids(&queued_messages(&fake)[0]["photo"]).pop().unwrap();
    let mut params = params.clone();
    if params["photo"] == json!("KNOWN") {
        params["photo"] = json!(file_id);
    }
    let (status, answer) = call(&fake, "sendPhoto", &params);
    assert_eq!(status, 400, "{answer}");
    assert_eq!(
        answer["description"],
        json!(format!("Bad Request: {expected}"))
    );
    assert_eq!(fake.violations(), [format!("sendPhoto: {expected}")]);
    assert!(fake.messages(ALICE).is_empty());
}

#[test]
fn bad_photo_resends_are_rejected() {
    check_rejected(
        &json!({ "chat_id": ALICE, "photo": "AgACnope" }),
        "wrong file identifier/HTTP URL specified",
    );
    let caption = "x".repeat(1025);
    check_rejected(
        &json!({ "chat_id": ALICE, "photo": "KNOWN", "caption": caption }),
        "caption is too long (1025 > 1024 characters)",
    );
    // Tags do not count, so this HTML caption is over the limit by its text alone.
    let caption = format!("<b>{}</b>", "&amp;".repeat(1025));
    check_rejected(
        &json!({ "chat_id": ALICE, "photo": "KNOWN", "caption": caption, "parse_mode": "HTML" }),
        "caption is too long (1025 > 1024 characters)",
    );
}

#[test]
fn html_caption_of_1024_visible_characters_fits() {
    let fake = FakeTelegram::start();
    fake.send_photo(&SimUser::new(ALICE, "A"), &png(64, 64), None, Value::Null);
    let file_id = file_ids(&queued_messages(&fake)[0]["photo"]).pop().unwrap();
    let caption = format!("<i>{}</i>", "&lt;".repeat(1024));
    let params = json!({ "chat_id": ALICE, "photo": file_id, "caption": caption,
        "parse_mode": "HTML" });
    let (status, answer) = call(&fake, "sendPhoto", &params);
    assert_eq!(status, 200, "{answer}");
}

/// Sends one message to each of `n` chats from `first` as fast as possible;
/// returns how many were answered 429. With `wrote`, each chat wrote first.
fn burst(fake: &FakeTelegram, first: i64, n: i64, wrote: bool) -> usize {
    for id in first..first + n {
        let user = SimUser::new(id, "Sim");
        fake.add_user(&user);
        if wrote {
            fake.send_text(&user, "hi");
        }
    }
    (first..first + n)
        .filter(|id| {
            let (status, _) = call(fake, "sendMessage", &json!({"chat_id": id, "text": "x"}));
            status == 429
        })
        .count()
}

#[test]
fn the_global_budget_holds_unsolicited_messages_only() {
    let fake = FakeTelegram::start();
    assert!(
        burst(&fake, 100, 60, false) > 0,
        "60 unsolicited sends at once exceed 30/s"
    );
    let fake = FakeTelegram::start();
    assert_eq!(
        burst(&fake, 100, 60, true),
        0,
        "replies are limited per chat only"
    );
    let fake = FakeTelegram::start();
    fake.set_rate_limits(RateLimits::Strict);
    assert!(
        burst(&fake, 100, 60, true) > 0,
        "strict mode counts every message"
    );
}

#[test]
fn with_limits_off_nothing_is_held() {
    let fake = FakeTelegram::start();
    fake.set_rate_limits(RateLimits::Off);
    assert_eq!(burst(&fake, 100, 60, false), 0, "no global budget");
    let (status, _) = call(
        &fake,
        "sendMessage",
        &json!({"chat_id": 100, "text": "again"}),
    );
    assert_eq!(status, 200, "no per-chat limit either");
    assert_eq!(fake.count_429(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wait_for_change_wakes_on_a_change_of_that_chat_only() {
    let fake = std::sync::Arc::new(FakeTelegram::start());
    for id in [7, 8] {
        fake.add_user(&SimUser::new(id, "Sim"));
    }
    let waiter = {
        let fake = fake.clone();
        tokio::spawn(async move { fake.wait_for_change(7, 0, Duration::from_secs(10)).await })
    };
    let other = fake.clone();
    tokio::task::spawn_blocking(move || {
        call(
            &other,
            "sendMessage",
            &json!({"chat_id": 8, "text": "to 8"}),
        );
        call(
            &other,
            "sendMessage",
            &json!({"chat_id": 7, "text": "to 7"}),
        );
    })
    .await
    .expect("the sends ran");
    assert_eq!(waiter.await.expect("the waiter ran"), 1);
    assert_eq!(fake.chat_changes(8), 1);
    let timed_out = fake.wait_for_change(7, 1, Duration::from_millis(50)).await;
    assert_eq!(timed_out, 1, "no new change: the count as it stands");
}
