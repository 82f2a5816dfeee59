//! Webhook mode: the fake delivers to our router; the secret token guards it.

use std::time::Duration;

use ajib_testkit::telegram::FakeTelegram;
use ajib_transport::{WEBHOOK_PATH, webhook_router};
use serde_json::json;

use crate::{Recorder, api, eventually, user};

/// Serves the webhook router on 127.0.0.1:0; returns its URL.
async fn serve(secret: &str, recorder: &Recorder) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = webhook_router(secret.to_owned(), recorder.handler());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{addr}{WEBHOOK_PATH}")
}

/// POSTs `body` with an optional secret header; returns the status.
async fn post(url: &str, secret: Option<&str>, body: serde_json::Value) -> u16 {
    let url = url.to_owned();
    let secret = secret.map(str::to_owned);
    tokio::task::spawn_blocking(move || {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(10)))
            .build()
            .into();
        let mut request = agent.post(&url);
        if let Some(secret) = &secret {
            request = request.header("X-Telegram-Bot-Api-Secret-Token", secret);
        }
        request.send_json(&body).unwrap().status().as_u16()
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fake_delivers_to_the_webhook_with_its_secret() {
    let fake = FakeTelegram::start();
    let recorder = Recorder::default();
    let url = serve("s3cret-token", &recorder).await;
    let webhook_api = api(&fake);
    let webhook_url = url.clone();
    tokio::task::spawn_blocking(move || webhook_api.set_webhook(&webhook_url, "s3cret-token"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(fake.webhook_url(), Some(url));
    fake.send_text(&user(1), "/start");
    fake.inject_update(json!({ "poll": { "id": "p" } }));
    eventually("two webhook deliveries", || {
        fake.webhook_statuses().len() == 2
    })
    .await;
    assert_eq!(fake.webhook_statuses(), [200, 200]);
    assert_eq!(recorder.texts(), ["/start"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_or_missing_secret_gets_401() {
    let recorder = Recorder::default();
    let url = serve("s3cret-token", &recorder).await;
    let update = json!({ "update_id": 1, "message": { "message_id": 1, "date": 0,
        "from": { "id": 1, "is_bot": false, "first_name": "A" },
        "chat": { "id": 1, "type": "private" }, "text": "hi" } });
    assert_eq!(post(&url, Some("s3cret-tokem"), update.clone()).await, 401);
    assert_eq!(post(&url, Some(""), update.clone()).await, 401);
    assert_eq!(post(&url, None, update.clone()).await, 401);
    assert!(recorder.updates().is_empty());
    assert_eq!(post(&url, Some("s3cret-token"), update).await, 200);
    assert_eq!(recorder.texts(), ["hi"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn empty_configured_secret_rejects_everything() {
    let recorder = Recorder::default();
    let url = serve("", &recorder).await;
    assert_eq!(post(&url, Some(""), json!({ "update_id": 1 })).await, 401);
    assert_eq!(post(&url, None, json!({ "update_id": 1 })).await, 401);
}
