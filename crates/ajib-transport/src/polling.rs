//! Receiving updates: long polling with at-least-once delivery, and the webhook endpoint.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use serde_json::Value;
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::Error;
use crate::api::{POLL_TIMEOUT_SECS, TelegramApi};
use crate::update::{Update, parse_update};

/// Handles one update; the future resolves when the update is fully handled (or safely queued).
pub type UpdateHandler =
    Arc<dyn Fn(Update) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

/// Takes one polled batch of raw updates (as Telegram sent them); resolves to
/// `true` once they are safely kept (handled or stored), so the offset may
/// pass them, or `false` to have Telegram deliver them again.
pub type BatchSink =
    Arc<dyn Fn(Vec<Value>) -> Pin<Box<dyn Future<Output = bool> + Send>> + Send + Sync>;

/// Update kinds asked of Telegram, in `getUpdates` and `setWebhook`.
pub(crate) const ALLOWED_UPDATES: [&str; 4] = [
    "message",
    "callback_query",
    "my_chat_member",
    "pre_checkout_query",
];
/// Path the webhook router serves.
pub const WEBHOOK_PATH: &str = "/webhooks/telegram";
/// Longest wait between failed `getUpdates` calls.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// Polls `getUpdates` until `shutdown` turns `true` (or its sender is dropped); never exits on errors.
///
/// The updates of a batch are handled concurrently across chats and in order within a chat.
/// The offset only advances once every update of the batch was handled, so a crash or a
/// shutdown mid-batch makes Telegram deliver the unhandled updates again: handlers must be
/// idempotent. A handler that panics is logged and counts as handled, so one poisonous update
/// cannot block the bot forever.
pub async fn run_long_polling(
    api: TelegramApi,
    handler: UpdateHandler,
    shutdown: watch::Receiver<bool>,
) {
    poll(api, handler_sink(handler), shutdown, false).await;
}

/// How [`poll_until_refused`] ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PollEnd {
    /// `shutdown` turned `true`.
    Shutdown,
    /// Telegram refused the token (401/404: revoked or deleted bot); polling again would not help.
    Refused(String),
}

/// Polls like [`run_long_polling`], but stops when Telegram refuses the
/// token, for a bot that may be revoked while the process runs (an agent's).
pub async fn poll_until_refused(
    api: TelegramApi,
    handler: UpdateHandler,
    shutdown: watch::Receiver<bool>,
) -> PollEnd {
    poll(api, handler_sink(handler), shutdown, true).await
}

/// A sink that handles each batch at once, concurrently across chats.
fn handler_sink(handler: UpdateHandler) -> BatchSink {
    Arc::new(move |raw_updates: Vec<Value>| {
        let handler = handler.clone();
        Box::pin(async move {
            let updates = raw_updates
                .iter()
                .filter_map(|raw| parse_update(raw).1)
                .collect();
            dispatch_batch(updates, &handler).await;
            true
        })
    })
}

/// Polls `getUpdates` like [`run_long_polling`], handing each raw batch to
/// `sink` and advancing the offset past it only once the sink says it is kept.
///
/// A sink that stores the batch and handles it later (in its own order and
/// concurrency) lets the next batch come at once, without giving up
/// at-least-once delivery.
pub async fn run_long_polling_into(
    api: TelegramApi,
    sink: BatchSink,
    shutdown: watch::Receiver<bool>,
) {
    poll(api, sink, shutdown, false).await;
}

async fn poll(
    api: TelegramApi,
    sink: BatchSink,
    mut shutdown: watch::Receiver<bool>,
    stop_when_refused: bool,
) -> PollEnd {
    let mut offset = 0_i64;
    let mut n_failures = 0_u32;
    loop {
        if *shutdown.borrow() {
            return PollEnd::Shutdown;
        }
        let poll_api = api.clone();
        let call = tokio::task::spawn_blocking(move || {
            poll_api.get_updates_raw(offset, POLL_TIMEOUT_SECS)
        });
        let res = tokio::select! {
            res = call => res,
            () = shutdown_requested(&mut shutdown) => return PollEnd::Shutdown,
        };
        let err = match res {
            Ok(Ok(raw_updates)) => {
                n_failures = 0;
                let next_offset = raw_updates
                    .iter()
                    .filter_map(|it| it.get("update_id").and_then(Value::as_i64))
                    .max();
                let kept = tokio::select! {
                    kept = sink(raw_updates) => kept,
                    () = shutdown_requested(&mut shutdown) => return PollEnd::Shutdown,
                };
                if !kept {
                    "the batch could not be kept".to_owned()
                } else {
                    if let Some(last) = next_offset {
                        offset = offset.max(last + 1);
                    }
                    continue;
                }
            }
            Ok(Err(Error::Api {
                code: code @ (401 | 404),
                description,
                ..
            })) if stop_when_refused => {
                return PollEnd::Refused(format!("{code} {description}"));
            }
            Ok(Err(err)) => err.to_string(),
            Err(err) => format!("polling task failed: {err}"),
        };
        n_failures += 1;
        let delay = backoff(n_failures);
        log::warn!("getUpdates failed ({err}); retrying in {delay:?}");
        tokio::select! {
            () = tokio::time::sleep(delay) => (),
            () = shutdown_requested(&mut shutdown) => return PollEnd::Shutdown,
        }
    }
}

/// The webhook endpoint: `POST /webhooks/telegram`, authenticated by the secret token header.
///
/// A request without the right `X-Telegram-Bot-Api-Secret-Token` gets 401. An authenticated
/// request gets 200 once its update was handled, even when the kind is unknown or the body
/// does not parse, so Telegram never redelivers it forever. An empty `secret_token` rejects
/// every request.
pub fn webhook_router(secret_token: String, handler: UpdateHandler) -> Router {
    let state = Arc::new(WebhookState {
        secret_token,
        handler,
    });
    Router::new()
        .route(WEBHOOK_PATH, post(on_webhook))
        .with_state(state)
}

struct WebhookState {
    secret_token: String,
    handler: UpdateHandler,
}

async fn on_webhook(
    State(state): State<Arc<WebhookState>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let given = headers
        .get("x-telegram-bot-api-secret-token")
        .map(|it| it.as_bytes())
        .unwrap_or_default();
    let expected = state.secret_token.as_bytes();
    if expected.is_empty() || !constant_time_eq(given, expected) {
        log::warn!("telegram webhook: rejected a request with a wrong secret token");
        return StatusCode::UNAUTHORIZED;
    }
    let raw: Value = match serde_json::from_slice(&body) {
        Ok(it) => it,
        Err(err) => {
            log::warn!("telegram webhook: undecodable body: {err}");
            return StatusCode::OK;
        }
    };
    if let (_, Some(update)) = parse_update(&raw) {
        (state.handler)(update).await;
    }
    StatusCode::OK
}

/// Runs the batch: one task per chat, each handling its chat's updates in order.
async fn dispatch_batch(updates: Vec<Update>, handler: &UpdateHandler) {
    let mut chats: Vec<Vec<Update>> = Vec::new();
    let mut chat_idx: HashMap<i64, usize> = HashMap::new();
    for update in updates {
        let idx = *chat_idx.entry(update.chat_id()).or_insert_with(|| {
            chats.push(Vec::new());
            chats.len() - 1
        });
        chats[idx].push(update);
    }
    // Dropping the set (on shutdown) aborts the handlers; their updates come again.
    let mut tasks = JoinSet::new();
    for chat_updates in chats {
        let handler = handler.clone();
        tasks.spawn(async move {
            for update in chat_updates {
                handler(update).await;
            }
        });
    }
    while let Some(res) = tasks.join_next().await {
        if let Err(err) = res {
            log::error!("update handler failed: {err}");
        }
    }
}

async fn shutdown_requested(shutdown: &mut watch::Receiver<bool>) {
    loop {
        if *shutdown.borrow_and_update() {
            return;
        }
        if shutdown.changed().await.is_err() {
            return;
        }
    }
}

fn backoff(n_failures: u32) -> Duration {
    let secs = 1_u64 << n_failures.saturating_sub(1).min(5);
    Duration::from_secs(secs).min(MAX_BACKOFF)
}

/// Compares without an early exit, so timing does not reveal how much of the secret matched.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0_u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_comparison() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
    }

    #[test]
    fn backoff_grows_and_caps() {
        let delays: Vec<u64> = [1, 2, 3, 6, 7, 50]
            .iter()
            .map(|it| backoff(*it).as_secs())
            .collect();
        assert_eq!(delays, [1, 2, 4, 30, 30, 30]);
    }
}
