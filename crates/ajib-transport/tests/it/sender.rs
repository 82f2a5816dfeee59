//! The outbox against the fake: delivery, splitting, uploads, limits, 429, 403, faults.

use std::time::{Duration, Instant};

use ajib_testkit::telegram::{BotMessage, FakeTelegram, MessageKind, RateLimits, TelegramFault};
use ajib_transport::{
    CallbackData, InlineButton, Keyboard, Limits, Outbox, Outgoing, Priority, SendError, Sent,
    TransportEvent,
};
use serde_json::json;
use tokio::sync::mpsc::UnboundedReceiver;

use crate::{api, eventually, user};

const ALICE: i64 = 1001;

/// A fake with a few known users and an outbox aimed at it.
struct Harness {
    fake: FakeTelegram,
    outbox: Outbox,
    events: UnboundedReceiver<TransportEvent>,
}

impl Harness {
    fn start(limits: Limits) -> Self {
        let fake = FakeTelegram::start();
        fake.add_user(&user(ALICE));
        let (outbox, events) = Outbox::start(api(&fake), limits);
        Self {
            fake,
            outbox,
            events,
        }
    }

    async fn send(&self, msg: Outgoing) -> Result<Sent, SendError> {
        self.outbox.send(msg, Priority::Interactive).await
    }
}

fn text(chat_id: i64, text: &str) -> Outgoing {
    Outgoing::Text {
        chat_id,
        text: text.to_owned(),
        keyboard: None,
        html: false,
    }
}

fn buy_keyboard() -> Keyboard {
    Keyboard::Inline(vec![vec![
        InlineButton::Callback {
            text: "Buy".to_owned(),
            data: CallbackData::new("buy:1").unwrap(),
        },
        InlineButton::Url {
            text: "Pay".to_owned(),
            url: "https://pay.example/1".to_owned(),
        },
    ]])
}

/// Sends `msg` to Alice and checks what she got, then that no Telegram rule was broken.
async fn check_delivery(msg: Outgoing, expected: impl Fn(&[BotMessage])) {
    let harness = Harness::start(Limits::defaults());
    let sent = harness.send(msg).await.unwrap();
    let messages = harness.fake.messages(ALICE);
    assert_eq!(sent.message_id, messages.last().map(|it| it.message_id));
    expected(&messages);
    assert_eq!(harness.fake.violations(), Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_with_inline_keyboard() {
    let msg = Outgoing::Text {
        chat_id: ALICE,
        text: "<b>Plans</b>".to_owned(),
        keyboard: Some(buy_keyboard()),
        html: true,
    };
    check_delivery(msg, |messages| {
        assert_eq!(messages.len(), 1);
        assert_eq!(messages[0].text.as_deref(), Some("<b>Plans</b>"));
        assert_eq!(messages[0].parse_mode.as_deref(), Some("HTML"));
        let expected = json!({ "inline_keyboard": [[
            { "text": "Buy", "callback_data": "buy:1" },
            { "text": "Pay", "url": "https://pay.example/1" },
        ]] });
        assert_eq!(messages[0].keyboard, Some(expected));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn long_text_is_split_with_the_keyboard_on_the_last_part() {
    let long = "a line of forty characters, more or less\n".repeat(150);
    let msg = Outgoing::Text {
        chat_id: ALICE,
        text: long.clone(),
        keyboard: Some(Keyboard::Reply(vec![vec!["Menu".to_owned()]])),
        html: false,
    };
    check_delivery(msg, move |messages| {
        assert_eq!(messages.len(), 2);
        assert!(messages[0].keyboard.is_none());
        assert!(messages[1].keyboard.is_some());
        let joined: Vec<String> = messages.iter().filter_map(|it| it.text.clone()).collect();
        assert_eq!(joined.join("\n"), long.trim_end());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn photo_arrives_as_png_bytes() {
    let png = b"\x89PNG\r\n\x1a\n-not-really-a-qr-code".to_vec();
    let msg = Outgoing::Photo {
        chat_id: ALICE,
        png: png.clone(),
        caption: Some("Scan me".to_owned()),
        keyboard: Some(buy_keyboard()),
    };
    check_delivery(msg, move |messages| {
        assert_eq!(messages.len(), 1);
        assert_eq!(messages[0].kind, MessageKind::Photo);
        assert_eq!(messages[0].photo.as_deref(), Some(png.as_slice()));
        assert_eq!(messages[0].text.as_deref(), Some("Scan me"));
        assert!(messages[0].keyboard.is_some());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn photo_with_a_long_caption_sends_the_caption_as_text() {
    let caption = "x".repeat(1500);
    let msg = Outgoing::Photo {
        chat_id: ALICE,
        png: b"\x89PNG\r\n\x1a\n".to_vec(),
        caption: Some(caption.clone()),
        keyboard: None,
    };
    check_delivery(msg, move |messages| {
        let kinds: Vec<MessageKind> = messages.iter().map(|it| it.kind).collect();
        assert_eq!(kinds, [MessageKind::Photo, MessageKind::Text]);
        assert_eq!(messages[0].text, None);
        assert_eq!(messages[1].text.as_deref(), Some(caption.as_str()));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn document_keeps_its_file_name() {
    let msg = Outgoing::Document {
        chat_id: ALICE,
        bytes: b"hy2://config".to_vec(),
        file_name: "ajib-vpn.conf".to_owned(),
        caption: None,
    };
    check_delivery(msg, |messages| {
        let expected = ("ajib-vpn.conf".to_owned(), b"hy2://config".to_vec());
        assert_eq!(messages[0].document, Some(expected));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edits_and_callback_answers() {
    let harness = Harness::start(Limits::defaults());
    let sent = harness.send(text(ALICE, "Pick a plan")).await.unwrap();
    let message_id = sent.message_id.unwrap();
    let callback_id = harness.fake.press_button(&user(ALICE), message_id, "buy:1");
    let answer = Outgoing::AnswerCallback {
        callback_id: callback_id.clone(),
        text: Some("OK".to_owned()),
        alert: false,
    };
    assert_eq!(harness.send(answer).await, Ok(Sent { message_id: None }));
    let edit = Outgoing::EditText {
        chat_id: ALICE,
        message_id,
        text: "Plan chosen".to_owned(),
        keyboard: Some(buy_keyboard()),
        html: false,
    };
    assert_eq!(
        harness.send(edit.clone()).await.unwrap().message_id,
        Some(message_id)
    );
    // The same edit again: Telegram says "message is not modified", which is success.
    assert_eq!(
        harness.send(edit).await.unwrap().message_id,
        Some(message_id)
    );

    let messages = harness.fake.messages(ALICE);
    assert_eq!((messages.len(), messages[0].edited), (1, 1));
    assert_eq!(messages[0].text.as_deref(), Some("Plan chosen"));
    let answers = harness.fake.callback_answers();
    assert_eq!(answers.len(), 1);
    assert_eq!(
        (answers[0].callback_id.as_str(), answers[0].text.as_deref()),
        (callback_id.as_str(), Some("OK"))
    );
    assert_eq!(harness.fake.violations(), Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn editing_a_missing_message_is_a_bad_request() {
    let harness = Harness::start(Limits::defaults());
    let edit = Outgoing::EditText {
        chat_id: ALICE,
        message_id: 999,
        text: "x".to_owned(),
        keyboard: None,
        html: false,
    };
    let err = harness.send(edit).await.unwrap_err();
    assert!(
        matches!(&err, SendError::BadRequest(it) if it.contains("message to edit not found")),
        "{err:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_chat_and_empty_text_fail_fast() {
    let harness = Harness::start(Limits::defaults());
    assert_eq!(
        harness.send(text(424_242, "hi")).await,
        Err(SendError::ChatNotFound)
    );
    let err = harness.send(text(ALICE, " \n")).await.unwrap_err();
    assert!(matches!(err, SendError::BadRequest(_)), "{err:?}");
    assert!(harness.fake.messages(ALICE).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blocked_user_gives_blocked_and_an_event() {
    let mut harness = Harness::start(Limits::defaults());
    harness.fake.block(ALICE);
    assert_eq!(
        harness.send(text(ALICE, "renew?")).await,
        Err(SendError::Blocked)
    );
    let event = tokio::time::timeout(Duration::from_secs(5), harness.events.recv()).await;
    assert_eq!(
        event.unwrap(),
        Some(TransportEvent::UserBlocked { chat_id: ALICE })
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chat_over_its_limit_waits_retry_after_and_loses_nothing() {
    // A sender that ignores the per-chat limit runs into the fake's 429s.
    let limits = Limits {
        per_chat_per_sec: 100,
        per_chat_burst: 100,
        ..Limits::defaults()
    };
    let harness = Harness::start(limits);
    let started = Instant::now();
    for idx in 0..5 {
        harness
            .outbox
            .enqueue(text(ALICE, &format!("m{idx}")), Priority::Bulk);
    }
    harness
        .outbox
        .send(text(ALICE, "m5"), Priority::Bulk)
        .await
        .unwrap();
    let texts: Vec<String> = harness
        .fake
        .messages(ALICE)
        .into_iter()
        .filter_map(|it| it.text)
        .collect();
    assert_eq!(texts, ["m0", "m1", "m2", "m3", "m4", "m5"]);
    assert!(harness.fake.count_429() >= 1);
    // The fake allows 3 at once, then one a second, and said "retry after 1".
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn default_limits_never_hit_429() {
    let harness = Harness::start(Limits::defaults());
    for idx in 0..6 {
        harness
            .outbox
            .enqueue(text(ALICE, &format!("m{idx}")), Priority::Bulk);
    }
    harness
        .outbox
        .send(text(ALICE, "last"), Priority::Bulk)
        .await
        .unwrap();
    assert_eq!(harness.fake.messages(ALICE).len(), 7);
    assert_eq!(harness.fake.count_429(), 0);
}

async fn check_recovers_after(fault: TelegramFault) {
    let harness = Harness::start(Limits::defaults());
    harness.fake.set_fault(fault);
    let outbox = harness.outbox.clone();
    let sending = tokio::spawn(async move {
        outbox
            .send(text(ALICE, "paid!"), Priority::Interactive)
            .await
    });
    eventually("two failed attempts", || harness.fake.fault_hits() >= 2).await;
    harness.fake.set_fault(TelegramFault::None);
    let sent = sending.await.unwrap().unwrap();
    let messages = harness.fake.messages(ALICE);
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert_eq!(sent.message_id, Some(messages[0].message_id));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_then_recovery_deliver_once() {
    check_recovers_after(TelegramFault::ServerError).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_connections_then_recovery_deliver_once() {
    check_recovers_after(TelegramFault::Drop).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gives_up_after_max_retries() {
    let limits = Limits {
        max_retries: 2,
        ..Limits::defaults()
    };
    let harness = Harness::start(limits);
    harness.fake.set_fault(TelegramFault::ServerError);
    let err = harness.send(text(ALICE, "x")).await.unwrap_err();
    assert!(matches!(err, SendError::Failed(_)), "{err:?}");
    assert_eq!(harness.fake.request_count("sendMessage"), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interactive_reply_overtakes_a_bulk_backlog() {
    let harness = Harness::start(Limits::defaults());
    let n_bulk = 60;
    for idx in 0..n_bulk {
        let chat_id = 2000 + idx;
        harness.fake.add_user(&user(chat_id));
        harness
            .outbox
            .enqueue(text(chat_id, "news"), Priority::Bulk);
    }
    let outbox = harness.outbox.clone();
    eventually("the broadcast to start", || {
        !harness.fake.all_chats().is_empty()
    })
    .await;
    outbox
        .send(text(ALICE, "your config"), Priority::Interactive)
        .await
        .unwrap();
    let n_bulk_sent = harness.fake.all_chats().len() - 1;
    // At 30 msg/s the backlog takes 2 s; the reply went out after a handful of them.
    assert!(
        n_bulk_sent < 20,
        "reply waited for {n_bulk_sent} bulk messages"
    );
    eventually("the backlog to drain", || {
        harness.fake.all_chats().len() == n_bulk as usize + 1
    })
    .await;
    assert_eq!(harness.fake.count_429(), 0);
}

/// Chats `first..first + n` known to the fake, each having just written to the bot.
fn chats_that_wrote(fake: &FakeTelegram, first: i64, n: i64) -> Vec<i64> {
    let chats: Vec<i64> = (first..first + n).collect();
    for id in &chats {
        let sim = user(*id);
        fake.add_user(&sim);
        fake.send_text(&sim, "/start");
    }
    chats
}

/// Sends one interactive reply to each chat at once and waits for all of them.
async fn reply_to_all(outbox: &Outbox, chats: &[i64]) -> Vec<Result<Sent, SendError>> {
    let sends = chats.iter().map(|chat| {
        let outbox = outbox.clone();
        let chat = *chat;
        async move { outbox.send(text(chat, "menu"), Priority::Interactive).await }
    });
    join_all(sends).await
}

async fn join_all<F>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut res = Vec::new();
    for handle in handles {
        res.push(handle.await.unwrap());
    }
    res
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replies_to_many_chats_are_not_held_by_the_global_budget() {
    // A global budget of 1 msg/s would hold 40 replies for 40 s; replies do
    // not wait for it, so they all arrive well within the deadline.
    let fake = FakeTelegram::start();
    let chats = chats_that_wrote(&fake, 5000, 40);
    let limits = Limits {
        global_per_sec: 1,
        ..Limits::defaults()
    };
    let (outbox, _events) = Outbox::start(api(&fake), limits);
    let sent = tokio::time::timeout(Duration::from_secs(10), reply_to_all(&outbox, &chats))
        .await
        .expect("replies held behind the global budget");
    assert!(sent.iter().all(Result::is_ok), "{sent:?}");
    assert!(chats.iter().all(|chat| fake.messages(*chat).len() == 1));
    assert_eq!(fake.count_429(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_strict_mode_a_flood_of_429s_pauses_and_loses_no_reply() {
    let fake = FakeTelegram::start();
    fake.set_rate_limits(RateLimits::Strict);
    let chats = chats_that_wrote(&fake, 6000, 80);
    let (outbox, _events) = Outbox::start(api(&fake), Limits::defaults());
    let sent = tokio::time::timeout(Duration::from_secs(30), reply_to_all(&outbox, &chats))
        .await
        .expect("replies delivered after the flood");
    assert!(sent.iter().all(Result::is_ok), "{sent:?}");
    assert!(
        chats.iter().all(|chat| fake.messages(*chat).len() == 1),
        "each reply arrives exactly once"
    );
    assert!(fake.count_429() > 0, "strict mode holds replies to 30/s");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edits_of_a_menu_are_not_held_by_the_per_chat_rate() {
    let harness = Harness::start(Limits::defaults());
    let first = harness
        .send(text(ALICE, "menu"))
        .await
        .expect("the menu is sent");
    let message_id = first.message_id.expect("a message id");
    let started = Instant::now();
    // Eight screens in a row, as a user tapping through menus makes them;
    // at the per-chat rate for new messages (1/s after 3) they would take 5 s.
    for screen in 0..8 {
        let edit = Outgoing::EditText {
            chat_id: ALICE,
            message_id,
            text: format!("screen {screen}"),
            keyboard: None,
            html: false,
        };
        harness.send(edit).await.expect("each edit is delivered");
    }
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "edits waited {:?}",
        started.elapsed()
    );
    let menu = harness.fake.messages(ALICE).remove(0);
    assert_eq!(menu.text.as_deref(), Some("screen 7"));
    assert_eq!(menu.edited, 8);
    assert_eq!(harness.fake.count_429(), 0);
}
