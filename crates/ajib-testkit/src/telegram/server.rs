//! HTTP side of the fake Bot API: routing by token, body decoding, long polling, faults,
//! webhook delivery.

use std::collections::HashMap;
use std::fmt;
use std::sync::mpsc::{Receiver, Sender};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Multipart, Path, Request, State as AxumState};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use serde_json::{Map, Value, json};

use crate::telegram::TelegramFault;
use crate::telegram::bot::{Bot, QueuedDelivery};
use crate::telegram::state::{ApiError, BotIdentity, Params};

type HubState = AxumState<Arc<Hub>>;

/// Every bot the fake serves, by token: the router's state.
pub(super) struct Hub {
    bots: Mutex<HashMap<String, Arc<Bot>>>,
    /// Given to every bot added, for its webhook deliveries.
    webhook_tx: Sender<QueuedDelivery>,
}

impl Hub {
    /// A hub serving only `primary`.
    pub(super) fn new(webhook_tx: Sender<QueuedDelivery>, primary: Arc<Bot>) -> Self {
        let bots = HashMap::from([(primary.token().to_owned(), primary)]);
        Self {
            bots: Mutex::new(bots),
            webhook_tx,
        }
    }

    /// Serves a new bot under `token`; `None` if the token is already served.
    pub(super) fn add(&self, token: &str, identity: BotIdentity) -> Option<Arc<Bot>> {
        let mut bots = self.lock();
        if bots.contains_key(token) {
            return None;
        }
        let bot = Arc::new(Bot::new(token, identity, self.webhook_tx.clone()));
        bots.insert(token.to_owned(), bot.clone());
        Some(bot)
    }

    /// The bot served under `token`, revoked or not.
    pub(super) fn get(&self, token: &str) -> Option<Arc<Bot>> {
        self.lock().get(token).cloned()
    }

    /// The bot a path segment `bot<TOKEN>` calls, unless its token is unknown or revoked.
    fn authorized(&self, segment: &str) -> Option<Arc<Bot>> {
        let bot = self.get(segment.strip_prefix("bot")?)?;
        (!bot.is_revoked()).then_some(bot)
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, Arc<Bot>>> {
        match self.bots.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }
}

impl fmt::Debug for Hub {
    // The bots without their tokens, which are the map's keys.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bots: Vec<Arc<Bot>> = self.lock().values().cloned().collect();
        f.debug_struct("Hub").field("bots", &bots).finish()
    }
}

/// Routes of the fake.
pub(super) fn router(hub: Arc<Hub>) -> Router {
    Router::new()
        .route("/{bot_token}/{method}", any(bot_method))
        .route("/file/{bot_token}/{*path}", get(download))
        .with_state(hub)
}

/// POSTs queued webhook deliveries one by one, in order, until every bot is dropped.
pub(super) fn deliver_webhooks(rx: &Receiver<QueuedDelivery>) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into();
    while let Ok((bot, delivery)) = rx.recv() {
        // A bot dropped since (its test is over) is not called back.
        if bot.strong_count() == 0 {
            continue;
        }
        let mut request = agent.post(&delivery.url);
        if let Some(secret) = &delivery.secret {
            request = request.header("X-Telegram-Bot-Api-Secret-Token", secret);
        }
        let status = match request.send_json(&delivery.body) {
            Ok(response) => response.status().as_u16(),
            Err(err) => {
                log::warn!("fake telegram: webhook delivery failed: {err}");
                0
            }
        };
        if let Some(bot) = bot.upgrade() {
            bot.lock().webhook_statuses.push(status);
        }
    }
}

async fn bot_method(
    AxumState(hub): HubState,
    Path((bot_token, method)): Path<(String, String)>,
    request: Request,
) -> Response {
    let Some(bot) = hub.authorized(&bot_token) else {
        return error_response(&unauthorized());
    };
    let method = method.to_ascii_lowercase();
    let fault = {
        let mut state = bot.lock();
        state.count_request(&method);
        if state.fault != TelegramFault::None {
            state.fault_hits += 1;
        }
        state.fault
    };
    match fault {
        TelegramFault::None => (),
        TelegramFault::ServerError => {
            return error_response(&ApiError::new(500, "Internal Server Error"));
        }
        TelegramFault::Drop => return dropped_connection(),
        TelegramFault::Slow(delay) => tokio::time::sleep(delay).await,
    }
    let params = match read_params(request).await {
        Ok(it) => it,
        Err(err) => return error_response(&ApiError::new(400, &format!("Bad Request: {err}"))),
    };
    let res = match method.as_str() {
        "getupdates" => get_updates(&bot, &params).await,
        _ => {
            let mut state = bot.lock();
            let res = state.call(&method, &params, Instant::now());
            bot.deliver(state.pending_deliveries.drain(..));
            drop(state);
            if res.is_ok()
                && let Ok(chat_id) = params.chat_id()
            {
                bot.chat_watch(chat_id).notify_waiters();
            }
            res
        }
    };
    match res {
        Ok(result) => ok_response(result),
        Err(err) => error_response(&err),
    }
}

/// Long polling: answers as soon as an update at or above `offset` exists, or after `timeout`;
/// 401 as soon as the token is revoked.
async fn get_updates(bot: &Bot, params: &Params) -> Result<Value, ApiError> {
    let (offset, limit, timeout) = params.get_updates_args();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(timeout);
    loop {
        // Registered before looking, so an update pushed (or a revocation) in between still
        // wakes us.
        let notified = bot.updates_added.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        if bot.is_revoked() {
            return Err(unauthorized());
        }
        let updates = bot.lock().take_updates(offset, limit)?;
        if !updates.is_empty() || tokio::time::Instant::now() >= deadline {
            return Ok(Value::Array(updates));
        }
        tokio::select! {
            _ = notified => (),
            _ = tokio::time::sleep_until(deadline) => (),
        }
    }
}

async fn download(
    AxumState(hub): HubState,
    Path((bot_token, path)): Path<(String, String)>,
) -> Response {
    let Some(bot) = hub.authorized(&bot_token) else {
        return error_response(&unauthorized());
    };
    match bot.lock().file(&path) {
        Some(bytes) => (StatusCode::OK, bytes).into_response(),
        None => error_response(&ApiError::new(404, "Not Found")),
    }
}

/// Decodes a JSON, urlencoded or multipart body (and the query string) into parameters.
async fn read_params(request: Request) -> Result<Params, String> {
    let mut res = Params::default();
    if let Some(query) = request.uri().query() {
        for (key, value) in parse_urlencoded(query.as_bytes()) {
            res.fields.insert(key, Value::String(value));
        }
    }
    let content_type = header_str(request.headers(), header::CONTENT_TYPE);
    if content_type.starts_with("multipart/form-data") {
        let mut multipart = Multipart::from_request(request, &())
            .await
            .map_err(|err| format!("bad multipart body: {err}"))?;
        while let Some(field) = multipart
            .next_field()
            .await
            .map_err(|err| format!("bad multipart body: {err}"))?
        {
            let name = field.name().unwrap_or_default().to_owned();
            let file_name = field.file_name().map(str::to_owned);
            let bytes = field
                .bytes()
                .await
                .map_err(|err| format!("bad multipart field {name}: {err}"))?;
            match file_name {
                Some(file_name) => {
                    res.files.insert(name, (file_name, bytes.to_vec()));
                }
                None => {
                    let text = String::from_utf8_lossy(&bytes).into_owned();
                    res.fields.insert(name, Value::String(text));
                }
            }
        }
        return Ok(res);
    }
    let body = axum::body::to_bytes(request.into_body(), 64 << 20)
        .await
        .map_err(|err| format!("cannot read body: {err}"))?;
    if body.is_empty() {
        return Ok(res);
    }
    if content_type.starts_with("application/x-www-form-urlencoded") {
        for (key, value) in parse_urlencoded(&body) {
            res.fields.insert(key, Value::String(value));
        }
        return Ok(res);
    }
    let fields: Map<String, Value> =
        serde_json::from_slice(&body).map_err(|err| format!("can't parse JSON body: {err}"))?;
    res.fields.extend(fields);
    Ok(res)
}

fn parse_urlencoded(bytes: &[u8]) -> Vec<(String, String)> {
    let decode = |it: &str| {
        let it = it.replace('+', " ");
        let bytes = it.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut idx = 0;
        while idx < bytes.len() {
            let hex = bytes
                .get(idx + 1..idx + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            match (bytes[idx], hex) {
                (b'%', Some(byte)) => {
                    out.push(byte);
                    idx += 3;
                }
                (byte, _) => {
                    out.push(byte);
                    idx += 1;
                }
            }
        }
        String::from_utf8_lossy(&out).into_owned()
    };
    String::from_utf8_lossy(bytes)
        .split('&')
        .filter(|it| !it.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((key, value)) => (decode(key), decode(value)),
            None => (decode(pair), String::new()),
        })
        .collect()
}

fn header_str(headers: &HeaderMap, name: header::HeaderName) -> String {
    headers
        .get(name)
        .and_then(|it| it.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// Telegram's answer to an unknown or revoked token.
fn unauthorized() -> ApiError {
    ApiError::new(401, "Unauthorized")
}

fn ok_response(result: Value) -> Response {
    axum::Json(json!({ "ok": true, "result": result })).into_response()
}

fn error_response(err: &ApiError) -> Response {
    let mut body = json!({
        "ok": false,
        "error_code": err.code,
        "description": err.description,
    });
    if let Some(retry_after) = err.retry_after {
        body["parameters"] = json!({ "retry_after": retry_after });
    }
    let status = StatusCode::from_u16(err.code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, axum::Json(body)).into_response()
}

/// A response that promises more bytes than it sends, so the server closes the connection mid-body.
fn dropped_connection() -> Response {
    let mut response = Response::new(Body::from(Bytes::from_static(b"{\"ok\":")));
    response.headers_mut().insert(
        header::CONTENT_LENGTH,
        header::HeaderValue::from_static("4096"),
    );
    response
}
