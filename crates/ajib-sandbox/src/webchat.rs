//! Web chat for `ajib-bot sandbox`: a browser page that plays Telegram users against the fake Bot API.
//!
//! [`router`] serves one page (`/`, with `chat.css` and `chat.js`, all embedded) and a small
//! JSON API under `/api/` that the page polls. Sending a text or a file, or pressing a button,
//! injects an update into [`FakeTelegram`]; what the bot sent is read back from the fake and
//! merged with the user's own texts and files, which the fake does not keep, into one ordered
//! chat per user.
//!
//! It is not a Telegram client: only texts, button presses, photos and documents are shown, and
//! a message injected into the fake by someone else (a test, another page) is not in the chat.
//! A file goes up as `POST /api/upload` with its raw bytes as the body (see `upload`).
//! The bot's HTML is sanitised here (`html::telegram_html`), so the page may use `innerHTML`.
//!
//! Each message and notice carries a revision (`rev`); `GET /api/messages?after=<rev>` returns
//! only what was added or changed (edited, deleted) since, so the page patches its DOM in place.
//!
//! Every request must name the chat's own loopback address in `Host` (`127.0.0.1:PORT` or
//! `localhost:PORT`), and an `Origin`, when sent, must be `http://` and that same host;
//! anything else gets a 403 (see `guard` below). A web page on another site, or one reaching
//! the port through DNS rebinding, can then neither read the chat nor press its buttons.

mod chat;
mod html;
mod upload;

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use ajib_testkit::telegram::{BotMessage, FakeBot, FakeTelegram, SimUser, StarsOutcome};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::webchat::chat::{Chat, inline_buttons};
use crate::webchat::upload::MAX_UPLOAD_BYTES;

/// The longest text a user may send, as in Telegram.
const MAX_TEXT_CHARS: usize = 4096;

/// Routes of the web chat served at `addr`: the page at `/` and its JSON API under `/api/`.
///
/// Requests for any other `Host`, or from any other `Origin`, are refused (see `guard` below).
pub fn router(telegram: Arc<FakeTelegram>, users: Vec<SimUser>, addr: SocketAddr) -> Router {
    router_with_bots(telegram, users, HashMap::new(), addr)
}

/// Like [`router`], with some users talking to another bot of the fake (an agent's), by user id.
pub fn router_with_bots(
    telegram: Arc<FakeTelegram>,
    users: Vec<SimUser>,
    bots: HashMap<i64, FakeBot>,
    addr: SocketAddr,
) -> Router {
    let hosts = Arc::new(own_hosts(addr));
    let webchat = Arc::new(WebChat {
        telegram,
        users,
        bots,
        chats: Mutex::new(HashMap::new()),
    });
    Router::new()
        .route("/", get(page))
        .route("/chat.css", get(css))
        .route("/chat.js", get(script))
        .route("/api/users", get(list_users))
        .route("/api/messages", get(list_messages))
        .route("/api/send", post(send))
        .route("/api/press", post(press))
        .route("/api/join", post(join))
        .route("/api/pay-stars", post(pay_stars))
        .route(
            "/api/upload",
            // Above axum's default 2 MB; a bigger body gets a JSON 413 from `upload`.
            post(upload::upload).layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
        )
        .route("/api/upload/{user}/{seq}", get(upload::uploaded))
        .route("/api/photo/{user}/{message_id}", get(photo))
        .route("/api/document/{user}/{message_id}", get(document))
        .with_state(webchat)
        .layer(middleware::from_fn(move |request: Request, next: Next| {
            let hosts = hosts.clone();
            async move {
                match guard(&hosts, request.headers()) {
                    Ok(()) => next.run(request).await,
                    Err(reason) => (
                        StatusCode::FORBIDDEN,
                        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                        reason,
                    )
                        .into_response(),
                }
            }
        }))
}

/// The `Host` values the chat at `addr` answers to: `127.0.0.1:PORT`, and `localhost:PORT` for a loopback address.
fn own_hosts(addr: SocketAddr) -> Vec<String> {
    let mut hosts = vec![addr.to_string()];
    if addr.ip().is_loopback() {
        hosts.push(format!("localhost:{}", addr.port()));
    }
    hosts
}

/// Whether a request is for this chat: its `Host` is one of `hosts`, and its `Origin`, if any, is `http://` + that host.
///
/// The error is the short plain-text reason sent with the 403.
fn guard(hosts: &[String], headers: &HeaderMap) -> Result<(), String> {
    let own = || {
        format!(
            "http://{}/",
            hosts.first().map_or("127.0.0.1", String::as_str)
        )
    };
    let Some(host) = headers
        .get(header::HOST)
        .and_then(|it| it.to_str().ok())
        .map(str::to_ascii_lowercase)
        .filter(|it| hosts.contains(it))
    else {
        return Err(format!(
            "Forbidden: wrong Host. The sandbox web chat answers only at {}\n",
            own()
        ));
    };
    let mut origins = headers.get_all(header::ORIGIN).iter();
    match (origins.next(), origins.next()) {
        (None, _) => Ok(()),
        (Some(origin), None)
            if origin
                .to_str()
                .is_ok_and(|it| it.eq_ignore_ascii_case(&format!("http://{host}"))) =>
        {
            Ok(())
        }
        _ => Err(format!(
            "Forbidden: request from another site. Open the web chat at {}\n",
            own()
        )),
    }
}

/// State shared by the handlers.
#[derive(Debug)]
struct WebChat {
    telegram: Arc<FakeTelegram>,
    users: Vec<SimUser>,
    /// Users who talk to another bot than the main one (an agent's), by user id.
    bots: HashMap<i64, FakeBot>,
    /// Chats by user id (a private chat's id is the user's id).
    chats: Mutex<HashMap<i64, Chat>>,
}

#[derive(Debug, Serialize)]
struct UserJson<'a> {
    id: i64,
    name: &'a str,
    /// The @username of the agent's bot the user talks to, if not the main bot.
    #[serde(skip_serializing_if = "Option::is_none")]
    bot: Option<&'a str>,
    username: Option<&'a str>,
    language: Option<&'a str>,
}

#[derive(Debug, Deserialize)]
struct MessagesQuery {
    user: i64,
    #[serde(default)]
    after: u64,
}

#[derive(Debug, Deserialize)]
struct SendRequest {
    user: i64,
    text: String,
}

#[derive(Debug, Deserialize)]
struct PayStarsRequest {
    user: i64,
    message_id: i32,
}

#[derive(Debug, Deserialize)]
struct JoinRequest {
    user: i64,
    channel: String,
}

#[derive(Debug, Deserialize)]
struct PressRequest {
    user: i64,
    message_id: i32,
    data: String,
}

/// An API failure, answered as `{"error": ..}` with its status.
#[derive(Debug)]
struct ApiError {
    status: StatusCode,
    message: String,
}

impl WebChat {
    fn user(&self, id: i64) -> Result<&SimUser, ApiError> {
        match self.users.iter().find(|it| it.id == id) {
            Some(user) => Ok(user),
            None => Err(ApiError::new(
                StatusCode::NOT_FOUND,
                &format!("no user {id}"),
            )),
        }
    }

    /// The bot `user_id` talks to: an agent's, or the main one.
    fn bot(&self, user_id: i64) -> &FakeBot {
        match self.bots.get(&user_id) {
            Some(bot) => bot,
            None => &self.telegram,
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<i64, Chat>> {
        match self.chats.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// The bot message to this user, unless it is missing or deleted.
    fn bot_message(&self, user_id: i64, message_id: i32) -> Result<BotMessage, ApiError> {
        let found = self
            .bot(user_id)
            .messages(user_id)
            .into_iter()
            .find(|it| it.message_id == message_id && !it.deleted);
        match found {
            Some(message) => Ok(message),
            None => Err(ApiError::new(
                StatusCode::NOT_FOUND,
                &format!("no message {message_id} in chat {user_id}"),
            )),
        }
    }
}

impl ApiError {
    fn new(status: StatusCode, message: &str) -> Self {
        Self {
            status,
            message: message.to_owned(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(json!({ "error": self.message }))).into_response()
    }
}

async fn page() -> Html<&'static str> {
    Html(include_str!("webchat/index.html"))
}

async fn css() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("webchat/chat.css"),
    )
        .into_response()
}

async fn script() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("webchat/chat.js"),
    )
        .into_response()
}

async fn list_users(State(webchat): State<Arc<WebChat>>) -> Json<Value> {
    let users: Vec<UserJson<'_>> = webchat
        .users
        .iter()
        .map(|user| UserJson {
            id: user.id,
            name: &user.first_name,
            bot: webchat.bots.get(&user.id).map(FakeBot::username),
            username: user.username.as_deref(),
            language: user.language_code.as_deref(),
        })
        .collect();
    Json(json!(users))
}

async fn list_messages(
    State(webchat): State<Arc<WebChat>>,
    Query(query): Query<MessagesQuery>,
) -> Result<Json<Value>, ApiError> {
    let user = webchat.user(query.user)?;
    let mut chats = webchat.lock();
    let chat = chats.entry(user.id).or_default();
    chat.sync(webchat.bot(user.id), user.id);
    Ok(Json(json!(chat.since(user.id, query.after))))
}

async fn send(
    State(webchat): State<Arc<WebChat>>,
    Json(request): Json<SendRequest>,
) -> Result<Json<Value>, ApiError> {
    let user = webchat.user(request.user)?;
    let text = request.text.trim();
    if text.is_empty() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "the message is empty",
        ));
    }
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            &format!("the message is longer than {MAX_TEXT_CHARS} characters"),
        ));
    }
    let mut chats = webchat.lock();
    let chat = chats.entry(user.id).or_default();
    // Bot messages already sent come before this text, even if the page has not polled yet.
    chat.sync(webchat.bot(user.id), user.id);
    chat.push_user_text(text);
    let update_id = webchat.bot(user.id).send_text(user, text);
    Ok(Json(json!({ "update_id": update_id })))
}

/// A `t.me/<channel>` button was pressed: the simulated user joins that channel of the
/// fake, as they would in the Telegram app; 404 when the fake has no such channel.
async fn join(
    State(webchat): State<Arc<WebChat>>,
    Json(request): Json<JoinRequest>,
) -> Result<Json<Value>, ApiError> {
    let user = webchat.user(request.user)?;
    let Some(channel) = webchat.telegram.channel_id(&request.channel) else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            &format!("the sandbox has no channel @{}", request.channel),
        ));
    };
    webchat.telegram.join_channel(channel, user.id);
    Ok(Json(json!({ "joined": request.channel })))
}

/// The Pay button of a Stars invoice: the simulated user pays it as Telegram
/// runs it (the bot's pre-checkout answer decides), and hears what happened.
async fn pay_stars(
    State(webchat): State<Arc<WebChat>>,
    Json(request): Json<PayStarsRequest>,
) -> Result<Json<Value>, ApiError> {
    let user = webchat.user(request.user)?.clone();
    let outcome = webchat
        .bot(user.id)
        .pay_stars(&user, request.message_id)
        .await;
    let answer = match outcome {
        StarsOutcome::Paid { .. } => json!({ "paid": true, "text": "Paid in Stars (sandbox)" }),
        StarsOutcome::Refused { error_message } => json!({ "paid": false, "text": error_message }),
        StarsOutcome::NotAnswered => {
            json!({ "paid": false, "text": "The bot did not confirm the payment in time" })
        }
        StarsOutcome::NoInvoice => {
            json!({ "paid": false, "text": "No Stars invoice in this message" })
        }
    };
    Ok(Json(answer))
}

async fn press(
    State(webchat): State<Arc<WebChat>>,
    Json(request): Json<PressRequest>,
) -> Result<Json<Value>, ApiError> {
    let user = webchat.user(request.user)?;
    let message = webchat.bot_message(user.id, request.message_id)?;
    let has_button = inline_buttons(message.keyboard.as_ref())
        .iter()
        .flatten()
        .any(|it| it.data.as_deref() == Some(request.data.as_str()));
    if !has_button {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            &format!(
                "message {} has no button with data {:?}",
                request.message_id, request.data
            ),
        ));
    }
    let mut chats = webchat.lock();
    let callback_id = webchat
        .bot(user.id)
        .press_button(user, request.message_id, &request.data);
    chats
        .entry(user.id)
        .or_default()
        .expect_answer(callback_id.clone());
    Ok(Json(json!({ "callback_id": callback_id })))
}

async fn photo(
    State(webchat): State<Arc<WebChat>>,
    Path((user_id, message_id)): Path<(i64, i32)>,
) -> Result<Response, ApiError> {
    let user = webchat.user(user_id)?;
    let message = webchat.bot_message(user.id, message_id)?;
    let Some(bytes) = message.photo else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            &format!("message {message_id} has no uploaded photo"),
        ));
    };
    Ok(photo_response(Bytes::from(bytes)))
}

async fn document(
    State(webchat): State<Arc<WebChat>>,
    Path((user_id, message_id)): Path<(i64, i32)>,
) -> Result<Response, ApiError> {
    let user = webchat.user(user_id)?;
    let message = webchat.bot_message(user.id, message_id)?;
    let Some((name, bytes)) = message.document else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            &format!("message {message_id} has no uploaded document"),
        ));
    };
    Ok(document_response(&name, Bytes::from(bytes)))
}

/// A photo's bytes with the image type they start with.
fn photo_response(bytes: Bytes) -> Response {
    let content_type = match bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        true => "image/jpeg",
        false => "image/png",
    };
    ([(header::CONTENT_TYPE, content_type)], bytes).into_response()
}

/// A document's bytes as a download under its (made header-safe) name.
fn document_response(name: &str, bytes: Bytes) -> Response {
    let disposition = format!("attachment; filename=\"{}\"", header_safe_name(name));
    (
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}

/// A file name fit for a quoted `Content-Disposition` parameter: ASCII, no quotes or controls.
fn header_safe_name(name: &str) -> String {
    let res: String = name
        .chars()
        .map(
            |c| match c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                true => c,
                false => '_',
            },
        )
        .collect();
    match res.trim_matches('.').is_empty() {
        true => "download".to_owned(),
        false => res,
    }
}
