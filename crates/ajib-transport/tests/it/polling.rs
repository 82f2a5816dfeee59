//! Long polling: delivery, per-chat order, at-least-once across restarts, faults.

use std::sync::Arc;
use std::time::Duration;

use ajib_testkit::telegram::{FakeTelegram, TelegramFault};
use ajib_transport::{TelegramApi, Update, UpdateHandler, run_long_polling};
use serde_json::json;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::{Recorder, api, eventually, user};

struct Poller {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Poller {
    fn start(api: TelegramApi, handler: UpdateHandler) -> Self {
        let (stop, shutdown) = watch::channel(false);
        let task = tokio::spawn(run_long_polling(api, handler, shutdown));
        Self { stop, task }
    }

    /// Signals shutdown and checks the poller returns promptly.
    async fn stop(self) {
        self.stop.send(true).unwrap();
        tokio::time::timeout(Duration::from_secs(2), self.task)
            .await
            .expect("poller did not stop within 2 s")
            .unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn updates_reach_the_handler_in_chat_order() {
    let fake = FakeTelegram::start();
    let recorder = Recorder::default();
    let poller = Poller::start(api(&fake), recorder.handler());
    let (alice, bob) = (user(1), user(2));
    fake.send_text(&alice, "/start");
    fake.send_text(&bob, "hi");
    fake.send_text(&alice, "two");
    fake.send_text(&alice, "three");
    recorder.wait_for(4).await;
    let alice_texts: Vec<String> = recorder
        .updates()
        .into_iter()
        .filter_map(|it| match it {
            Update::Message(message) if message.chat_id == 1 => message.text,
            _ => None,
        })
        .collect();
    assert_eq!(alice_texts, ["/start", "two", "three"]);
    poller.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documents_callbacks_and_blocks_are_parsed_and_files_download() {
    let fake = FakeTelegram::start();
    let recorder = Recorder::default();
    let poller = Poller::start(api(&fake), recorder.handler());
    let alice = user(7);
    fake.send_document(&alice, "backup.db", b"SQLite format 3\0", Some("restore"));
    fake.press_button(&alice, 1, "buy:1");
    fake.block(7);
    let updates = recorder.wait_for(3).await;

    let Update::Message(message) = &updates[0] else {
        panic!("{updates:?}")
    };
    let document = message.document.clone().unwrap();
    assert_eq!(document.file_name.as_deref(), Some("backup.db"));
    assert_eq!(document.size, Some(16));
    assert_eq!(message.caption.as_deref(), Some("restore"));
    let download_api = api(&fake);
    let bytes = tokio::task::spawn_blocking(move || download_api.get_file_bytes(&document.file_id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(bytes, b"SQLite format 3\0");

    let Update::Callback(callback) = &updates[1] else {
        panic!("{updates:?}")
    };
    assert_eq!(
        (
            callback.chat_id,
            callback.message_id,
            callback.data.as_str()
        ),
        (7, 1, "buy:1")
    );
    let Update::ChatMember(change) = &updates[2] else {
        panic!("{updates:?}")
    };
    assert_eq!((change.user_id, change.blocked), (7, true));
    poller.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_update_kinds_are_skipped() {
    let fake = FakeTelegram::start();
    let recorder = Recorder::default();
    let poller = Poller::start(api(&fake), recorder.handler());
    fake.inject_update(json!({ "poll": { "id": "p1", "question": "?" } }));
    fake.inject_update(json!({ "message": { "message_id": 1, "date": 0, "chat": { "id": -5, "type": "channel" } } }));
    fake.send_text(&user(3), "after");
    recorder.wait_for(1).await;
    // The skipped updates were confirmed too: the next batch holds only new updates.
    fake.send_text(&user(3), "next");
    recorder.wait_for(2).await;
    assert_eq!(recorder.texts(), ["after", "next"]);
    poller.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unfinished_update_is_delivered_again_after_a_restart() {
    let fake = FakeTelegram::start();
    let stuck = Recorder::default();
    let stuck_updates = stuck.updates.clone();
    // Records the update, then never finishes: a crash mid-handling.
    let never_finishes: UpdateHandler = Arc::new(move |update| {
        let updates = stuck_updates.clone();
        Box::pin(async move {
            updates.lock().unwrap().push(update);
            std::future::pending::<()>().await;
        })
    });
    let poller = Poller::start(api(&fake), never_finishes);
    fake.send_text(&user(4), "pay");
    stuck.wait_for(1).await;
    poller.stop().await;

    let recorder = Recorder::default();
    let poller = Poller::start(api(&fake), recorder.handler());
    recorder.wait_for(1).await;
    fake.send_text(&user(4), "later");
    recorder.wait_for(2).await;
    assert_eq!(recorder.texts(), ["pay", "later"]);
    poller.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn polling_survives_server_errors() {
    let fake = FakeTelegram::start();
    fake.set_fault(TelegramFault::ServerError);
    let recorder = Recorder::default();
    let poller = Poller::start(api(&fake), recorder.handler());
    eventually("a failed getUpdates", || fake.fault_hits() >= 1).await;
    fake.set_fault(TelegramFault::None);
    fake.send_text(&user(5), "still there?");
    recorder.wait_for(1).await;
    assert_eq!(recorder.texts(), ["still there?"]);
    poller.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_interrupts_a_long_poll() {
    let fake = FakeTelegram::start();
    let poller = Poller::start(api(&fake), Recorder::default().handler());
    eventually("a getUpdates call", || {
        fake.request_count("getUpdates") >= 1
    })
    .await;
    poller.stop().await;
}
