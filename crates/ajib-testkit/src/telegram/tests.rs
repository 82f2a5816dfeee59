//! Tests of the fake Bot API over real HTTP: validation, limits, updates, several bots.

use std::thread;
use std::time::Instant;

use serde_json::json;

use super::*;

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

/// POSTs a JSON call to the fake with `token`; returns the status and the answer.
fn call(fake: &FakeBot, token: &str, method: &str, params: Value) -> (u16, Value) {
    let url = format!("{}/bot{token}/{method}", fake.api_base());
    let mut response = agent().post(&url).send_json(&params).unwrap();
    let status = response.status().as_u16();
    (status, response.body_mut().read_json().unwrap())
}

/// Downloads `/file/bot<token>/<path>`; returns the status and the bytes.
fn download(fake: &FakeBot, token: &str, path: &str) -> (u16, Vec<u8>) {
    let url = format!("{}/file/bot{token}/{path}", fake.api_base());
    let mut response = agent().get(&url).call().unwrap();
    let status = response.status().as_u16();
    (status, response.body_mut().read_to_vec().unwrap())
}

fn check_rejected(method: &str, params: Value, expected_violation: &str) {
    let fake = FakeTelegram::start();
    fake.add_user(&SimUser::new(1, "A"));
    let (status, answer) = call(&fake, TOKEN, method, params);
    assert_eq!((status, &answer["ok"]), (400, &json!(false)), "{answer}");
    let violations = fake.violations();
    assert!(
        violations.iter().any(|it| it.contains(expected_violation)),
        "{violations:?}"
    );
    assert!(fake.messages(1).is_empty());
}

#[test]
fn validates_like_telegram() {
    check_rejected("sendMessage", json!({ "chat_id": 1, "text": "" }), "empty");
    let text = "x".repeat(4097);
    check_rejected(
        "sendMessage",
        json!({ "chat_id": 1, "text": text }),
        "too long",
    );
    let data = "d".repeat(65);
    let keyboard = json!({ "inline_keyboard": [[{ "text": "b", "callback_data": data }]] });
    check_rejected(
        "sendMessage",
        json!({ "chat_id": 1, "text": "t", "reply_markup": keyboard }),
        "BUTTON_DATA_INVALID",
    );
    let row: Vec<Value> = (0..101)
        .map(|it| json!({ "text": "b", "callback_data": it.to_string() }))
        .collect();
    let keyboard = json!({ "inline_keyboard": [row] });
    check_rejected(
        "sendMessage",
        json!({ "chat_id": 1, "text": "t", "reply_markup": keyboard }),
        "too many inline buttons",
    );
    check_rejected(
        "editMessageText",
        json!({ "chat_id": 1, "message_id": 5, "text": "t" }),
        "message to edit not found",
    );
}

#[test]
fn unknown_token_is_unauthorized() {
    let fake = FakeTelegram::start();
    let (status, answer) = call(&fake, "1:WRONG", "getMe", json!({}));
    assert_eq!((status, answer["error_code"].as_i64()), (401, Some(401)));
    let unknown = botfather_token(B_ID);
    assert_eq!(
        call(&fake, &unknown, "getUpdates", json!({})),
        unauthorized()
    );
    assert_eq!(download(&fake, &unknown, "documents/file_1_a.txt").0, 401);
    assert!(fake.bot(&unknown).is_none());
    let (status, answer) = call(&fake, TOKEN, "getMe", json!({}));
    assert_eq!(
        (status, answer["result"]["is_bot"].as_bool()),
        (200, Some(true))
    );
}

#[test]
fn group_limit_answers_429_with_retry_after() {
    let fake = FakeTelegram::start();
    let statuses: Vec<u16> = (0..21)
        .map(|it| {
            call(
                &fake,
                TOKEN,
                "sendMessage",
                json!({ "chat_id": -7, "text": it.to_string() }),
            )
            .0
        })
        .collect();
    assert_eq!(statuses[..20], [200; 20]);
    assert_eq!(statuses[20], 429);
    assert_eq!(fake.count_429(), 1);
    let (_, answer) = call(
        &fake,
        TOKEN,
        "sendMessage",
        json!({ "chat_id": -7, "text": "x" }),
    );
    assert!(
        answer["parameters"]["retry_after"].as_u64() >= Some(1),
        "{answer}"
    );
}

#[test]
fn get_updates_conflicts_with_a_webhook_and_honours_offset() {
    let fake = FakeTelegram::start();
    let user = SimUser::new(1, "A");
    let first = fake.send_text(&user, "one");
    let second = fake.send_text(&user, "two");
    let (_, answer) = call(&fake, TOKEN, "getUpdates", json!({ "offset": second }));
    let ids: Vec<i64> = answer["result"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|it| it["update_id"].as_i64())
        .collect();
    assert_eq!((first + 1, ids), (second, vec![second]));
    let (status, _) = call(
        &fake,
        TOKEN,
        "setWebhook",
        json!({ "url": "http://127.0.0.1:9/x" }),
    );
    assert_eq!(status, 200);
    let (status, _) = call(&fake, TOKEN, "getUpdates", json!({}));
    assert_eq!(status, 409);
}

/// Bot B's id, next to the primary bot on the same fake.
const B_ID: i64 = 7_000_001;

/// A token shaped like @BotFather's for bot `id`.
fn botfather_token(id: i64) -> String {
    format!("{id}:AAH{}", "x".repeat(32))
}

/// A fake with its primary bot A and a bot B.
fn two_bots() -> (FakeTelegram, FakeBot) {
    let fake = FakeTelegram::start();
    let b = fake.add_bot(&botfather_token(B_ID), B_ID, "@agent_shop_bot");
    (fake, b)
}

/// Telegram's answer to an unknown or revoked token.
fn unauthorized() -> (u16, Value) {
    let body = json!({ "ok": false, "error_code": 401, "description": "Unauthorized" });
    (401, body)
}

fn update_ids(answer: &Value) -> Vec<i64> {
    let updates = answer["result"].as_array().unwrap().iter();
    updates.filter_map(|it| it["update_id"].as_i64()).collect()
}

fn texts(messages: &[BotMessage]) -> Vec<&str> {
    messages
        .iter()
        .filter_map(|it| it.text.as_deref())
        .collect()
}

/// Sends `text` to chat 1 as `bot`; returns the status.
fn send_to_chat_1(bot: &FakeBot, text: &str) -> u16 {
    let params = json!({ "chat_id": 1, "text": text });
    call(bot, bot.token(), "sendMessage", params).0
}

#[test]
fn updates_reach_only_their_bot() {
    let (fake, b) = two_bots();
    let user = SimUser::new(1, "A");
    let b_update = b.send_text(&user, "hi B");
    let (status, answer) = call(&fake, TOKEN, "getUpdates", json!({}));
    assert_eq!((status, update_ids(&answer)), (200, vec![]));
    let (status, answer) = call(&b, b.token(), "getUpdates", json!({}));
    assert_eq!((status, update_ids(&answer)), (200, vec![b_update]));
    assert_eq!(answer["result"][0]["message"]["text"], "hi B");
    // Update ids and offsets are per bot: B confirming its update leaves A's, numbered alike.
    let a_update = fake.send_text(&user, "hi A");
    assert_eq!(a_update, b_update);
    let (_, answer) = call(
        &b,
        b.token(),
        "getUpdates",
        json!({ "offset": b_update + 1 }),
    );
    assert_eq!(update_ids(&answer), Vec::<i64>::new());
    let (_, answer) = call(&fake, TOKEN, "getUpdates", json!({}));
    assert_eq!(update_ids(&answer), vec![a_update]);
    assert_eq!(answer["result"][0]["message"]["text"], "hi A");
}

#[test]
fn each_bot_sends_into_its_own_chats() {
    let (fake, b) = two_bots();
    let user = SimUser::new(1, "A");
    fake.add_user(&user);
    // The user talked to A only: B cannot write to them yet.
    assert_eq!(send_to_chat_1(&b, "from B"), 400);
    b.add_user(&user);
    let params = json!({ "chat_id": 1, "text": "from A" });
    let (_, from_a) = call(&fake, TOKEN, "sendMessage", params);
    let params = json!({ "chat_id": 1, "text": "from B" });
    let (_, from_b) = call(&b, b.token(), "sendMessage", params);
    assert_eq!(texts(&fake.messages(1)), ["from A"]);
    assert_eq!(texts(&b.messages(1)), ["from B"]);
    let sender = |answer: &Value| {
        (
            answer["result"]["message_id"].clone(),
            answer["result"]["from"]["id"].clone(),
        )
    };
    assert_eq!(sender(&from_a), (json!(1), json!(123_456)));
    assert_eq!(sender(&from_b), (json!(1), json!(B_ID)));
    assert_eq!((fake.all_chats(), b.all_chats()), (vec![1], vec![1]));
    assert_eq!(
        (
            fake.request_count("sendMessage"),
            b.request_count("sendMessage")
        ),
        (1, 2)
    );
}

fn check_get_me(bot: &FakeBot, expected: &Value) {
    let (status, answer) = call(bot, bot.token(), "getMe", json!({}));
    let me = &answer["result"];
    let identity =
        json!({ "id": me["id"], "username": me["username"], "first_name": me["first_name"] });
    assert_eq!((status, &identity), (200, expected));
    let handle =
        json!({ "id": bot.bot_id(), "username": bot.username(), "first_name": bot.first_name() });
    assert_eq!(&handle, expected);
}

#[test]
fn get_me_answers_each_bot() {
    let (fake, b) = two_bots();
    check_get_me(
        &fake,
        &json!({ "id": 123_456, "username": "test_bot", "first_name": "Test Bot" }),
    );
    let expected =
        json!({ "id": B_ID, "username": "agent_shop_bot", "first_name": "agent_shop_bot" });
    check_get_me(&b, &expected);
    check_get_me(&fake.bot(b.token()).unwrap(), &expected);
    assert_eq!(fake.bot(TOKEN).unwrap().bot_id(), 123_456);
}

#[test]
fn rate_limits_are_per_bot() {
    let (fake, b) = two_bots();
    let user = SimUser::new(1, "A");
    fake.add_user(&user);
    b.add_user(&user);
    let a_statuses: Vec<u16> = (0..4)
        .map(|it| send_to_chat_1(&fake, &format!("a{it}")))
        .collect();
    assert_eq!(a_statuses, [200, 200, 200, 429]);
    let b_statuses: Vec<u16> = (0..3)
        .map(|it| send_to_chat_1(&b, &format!("b{it}")))
        .collect();
    assert_eq!(b_statuses, [200; 3]);
    assert_eq!((fake.count_429(), b.count_429()), (1, 0));
}

#[test]
fn file_ids_belong_to_their_bot() {
    let (fake, b) = two_bots();
    let user = SimUser::new(1, "A");
    fake.send_document(&user, "a.txt", b"hello", None);
    b.add_user(&user);
    let (_, answer) = call(&fake, TOKEN, "getUpdates", json!({}));
    let file_id = answer["result"][0]["message"]["document"]["file_id"].clone();
    let params = json!({ "chat_id": 1, "document": file_id });
    let (status, answer) = call(&b, b.token(), "sendDocument", params.clone());
    let wrong = "Bad Request: wrong file identifier/HTTP URL specified";
    assert_eq!((status, answer["description"].as_str()), (400, Some(wrong)));
    assert_eq!(call(&fake, TOKEN, "sendDocument", params).0, 200);
    let (status, _) = call(&b, b.token(), "getFile", json!({ "file_id": file_id }));
    assert_eq!(status, 400);
    let (status, answer) = call(&fake, TOKEN, "getFile", json!({ "file_id": file_id }));
    assert_eq!(status, 200);
    let path = answer["result"]["file_path"].as_str().unwrap();
    assert_eq!(download(&fake, TOKEN, path), (200, b"hello".to_vec()));
    assert_eq!(download(&b, b.token(), path).0, 404);
}

/// Polls `done` every few milliseconds until it holds or `timeout` passes.
fn poll_until(timeout: Duration, done: impl Fn() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    while !done() {
        if Instant::now() >= deadline {
            return false;
        }
        thread::sleep(Duration::from_millis(5));
    }
    true
}

#[test]
fn revoked_token_stops_only_its_bot() {
    let (fake, b) = two_bots();
    let user = SimUser::new(1, "A");
    fake.add_user(&user);
    b.add_user(&user);
    let poller = {
        let b = b.clone();
        thread::spawn(move || {
            let started = Instant::now();
            let answer = call(&b, b.token(), "getUpdates", json!({ "timeout": 30 }));
            (answer, started.elapsed())
        })
    };
    let polling = poll_until(Duration::from_secs(10), || {
        b.request_count("getUpdates") == 1
    });
    assert!(polling, "the long poll never reached the fake");
    fake.revoke_token(b.token());
    let (answer, waited) = poller.join().unwrap();
    assert_eq!(answer, unauthorized());
    assert!(
        waited < Duration::from_secs(20),
        "the long poll ran its course: {waited:?}"
    );
    for method in ["getMe", "getUpdates", "sendMessage"] {
        let params = json!({ "chat_id": 1, "text": "x" });
        assert_eq!(
            call(&b, b.token(), method, params),
            unauthorized(),
            "{method}"
        );
    }
    assert_eq!(download(&b, b.token(), "documents/x").0, 401);
    assert!(b.is_revoked() && !fake.is_revoked());
    assert!(b.messages(1).is_empty());
    // A keeps working.
    assert_eq!(call(&fake, TOKEN, "getMe", json!({})).0, 200);
    assert_eq!(send_to_chat_1(&fake, "still here"), 200);
    assert_eq!(texts(&fake.messages(1)), ["still here"]);
}

fn check_token_shape(token: &str, bot_id: i64, ok: bool) {
    assert_eq!(
        check_token(token, bot_id).is_ok(),
        ok,
        "{token:?} for {bot_id}"
    );
}

#[test]
fn added_tokens_are_shaped_like_botfathers() {
    let secret = "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw-";
    check_token_shape(&format!("7000001:{secret}"), 7_000_001, true);
    check_token_shape(&format!("7000002:{secret}"), 7_000_001, false);
    check_token_shape(&format!("7000001:{secret}x"), 7_000_001, false);
    check_token_shape(
        "7000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsa!-",
        7_000_001,
        false,
    );
    check_token_shape(secret, 7_000_001, false);
    check_token_shape(&format!(":{secret}"), 0, false);
}
