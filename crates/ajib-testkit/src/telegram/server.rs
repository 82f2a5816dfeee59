//! HTTP side of the fake Bot API: routes, body decoding, long polling, faults, webhook delivery.

use std::sync::mpsc::Receiver;
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Multipart, Path, Request, State as AxumState};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use serde_json::{Map, Value, json};

use crate::telegram::state::{ApiError, Params, WebhookDelivery};
use crate::telegram::{Shared, TOKEN, TelegramFault};

type SharedState = AxumState<Arc<Shared>>;

/// Routes of the fake.
pub(super) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/{bot_token}/{method}", any(bot_method))
        .route("/file/{bot_token}/{*path}", get(download))
        .with_state(shared)
}

/// POSTs queued webhook deliveries one by one, in order, until the fake is dropped.
pub(super) fn deliver_webhooks(shared: &Weak<Shared>, rx: &Receiver<WebhookDelivery>) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into();
    while let Ok(delivery) = rx.recv() {
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
        match shared.upgrade() {
            Some(shared) => shared.lock().webhook_statuses.push(status),
            None => return,
        }
    }
}

async fn bot_method(
    AxumState(shared): SharedState,
    Path((bot_token, method)): Path<(String, String)>,
    request: Request,
) -> Response {
    if bot_token.strip_prefix("bot") != Some(TOKEN) {
        return error_response(&ApiError::new(401, "Unauthorized"));
    }
    let method = method.to_ascii_lowercase();
    let fault = {
        let mut state = shared.lock();
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
        "getupdates" => get_updates(&shared, &params).await,
        _ => {
            let mut state = shared.lock();
            let res = state.call(&method, &params, Instant::now());
            for delivery in state.pending_deliveries.drain(..) {
                if shared.webhook_tx.send(delivery).is_err() {
                    log::warn!("fake telegram: webhook delivery thread is gone");
                }
            }
            drop(state);
            if res.is_ok()
                && let Ok(chat_id) = params.chat_id()
            {
                shared.chat_watch(chat_id).notify_waiters();
            }
            res
        }
    };
    match res {
        Ok(result) => ok_response(result),
        Err(err) => error_response(&err),
    }
}

/// Long polling: answers as soon as an update at or above `offset` exists, or after `timeout`.
async fn get_updates(shared: &Shared, params: &Params) -> Result<Value, ApiError> {
    let (offset, limit, timeout) = params.get_updates_args();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(timeout);
    loop {
        // Registered before looking, so an update pushed in between still wakes us.
        let notified = shared.updates_added.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        let updates = shared.lock().take_updates(offset, limit)?;
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
    AxumState(shared): SharedState,
    Path((bot_token, path)): Path<(String, String)>,
) -> Response {
    if bot_token.strip_prefix("bot") != Some(TOKEN) {
        return error_response(&ApiError::new(401, "Unauthorized"));
    }
    match shared.lock().file(&path) {
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
