//! Files a user sends from the web chat: checked, handed to the fake as a photo or a document, and served back.
//!
//! The body is the file's raw bytes and everything else is in the query, so the page can send a
//! `File` with one `fetch` and no multipart encoding.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, FailedToBufferBody, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::webchat::chat::FileKind;
use crate::webchat::{ApiError, WebChat, document_response, photo_response};

/// The largest file a user may send: the most a bot may download from Telegram (20 MiB).
pub(crate) const MAX_UPLOAD_BYTES: usize = 20 * 1024 * 1024;
/// The longest file name, in characters, as on common file systems.
const MAX_NAME_CHARS: usize = 255;
/// The longest caption of a photo or document, as in Telegram.
const MAX_CAPTION_CHARS: usize = 1024;

/// The query of `POST /api/upload`.
#[derive(Debug, Deserialize)]
pub(crate) struct UploadQuery {
    user: i64,
    name: String,
    #[serde(default)]
    caption: Option<String>,
}

/// `POST /api/upload?user=&name=&caption=`: sends the body as a photo or a document from the user.
pub(crate) async fn upload(
    State(webchat): State<Arc<WebChat>>,
    query: Result<Query<UploadQuery>, QueryRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    let query = match query {
        Ok(Query(query)) => query,
        Err(err) => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                &format!("bad query: {}", err.body_text()),
            ));
        }
    };
    let user = webchat.user(query.user)?;
    check_name(&query.name)?;
    let caption = caption(query.caption.as_deref())?;
    let bytes = file_bytes(body)?;
    let kind = file_kind(&bytes);
    let mut chats = webchat.lock();
    let chat = chats.entry(user.id).or_default();
    // Bot messages already sent come before this file, even if the page has not polled yet.
    chat.sync(webchat.bot(user.id), user.id);
    let update_id = match kind {
        FileKind::Photo => webchat
            .bot(user.id)
            .send_photo(user, &bytes, caption, Value::Null),
        FileKind::Document => {
            webchat
                .bot(user.id)
                .send_document(user, &query.name, &bytes, caption)
        }
    };
    let seq = chat.push_user_file(kind, &query.name, caption, bytes);
    let kind = match kind {
        FileKind::Photo => "photo",
        FileKind::Document => "document",
    };
    Ok(Json(
        json!({ "update_id": update_id, "seq": seq, "kind": kind }),
    ))
}

/// `GET /api/upload/{user}/{seq}`: a file the user sent, while the chat still keeps its bytes.
pub(crate) async fn uploaded(
    State(webchat): State<Arc<WebChat>>,
    Path((user_id, seq)): Path<(i64, usize)>,
) -> Result<Response, ApiError> {
    let user = webchat.user(user_id)?;
    let kept = webchat
        .lock()
        .get(&user.id)
        .and_then(|chat| chat.user_file(seq))
        .and_then(|file| Some((file.kind, file.name.clone(), file.bytes.clone()?)));
    let Some((kind, name, bytes)) = kept else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            &format!("no kept file at {seq} in chat {user_id}"),
        ));
    };
    Ok(match kind {
        FileKind::Photo => photo_response(bytes),
        FileKind::Document => document_response(&name, bytes),
    })
}

/// How Telegram takes these bytes when a client sends them "as a photo": PNG and JPEG become a
/// photo, anything else a document. The bytes decide, not the name.
///
/// Telegram re-encodes a WebP photo as JPEG and delivers a GIF as an animation (a `document` to
/// bots). This fake keeps a photo's bytes as they are and refuses to resend anything but PNG or
/// JPEG by file id, so a WebP goes as a document too: as a photo, a broadcast of it would fail.
#[must_use]
fn file_kind(bytes: &[u8]) -> FileKind {
    let is_png = bytes.starts_with(b"\x89PNG\r\n\x1a\n");
    let is_jpeg = bytes.starts_with(&[0xff, 0xd8, 0xff]);
    match is_png || is_jpeg {
        true => FileKind::Photo,
        false => FileKind::Document,
    }
}

/// Refuses a name that is empty, too long, a path or has control characters.
fn check_name(name: &str) -> Result<(), ApiError> {
    let problem = if name.is_empty() {
        "the file name is empty".to_owned()
    } else if name.chars().count() > MAX_NAME_CHARS {
        format!("the file name is longer than {MAX_NAME_CHARS} characters")
    } else if name.contains(['/', '\\']) {
        "the file name must not contain / or \\".to_owned()
    } else if name.chars().any(char::is_control) {
        "the file name must not contain control characters".to_owned()
    } else if matches!(name, "." | "..") {
        format!("{name:?} is not a file name")
    } else {
        return Ok(());
    };
    Err(ApiError::new(StatusCode::BAD_REQUEST, &problem))
}

/// The trimmed caption, `None` when blank; refused when longer than Telegram allows.
fn caption(caption: Option<&str>) -> Result<Option<&str>, ApiError> {
    let Some(caption) = caption.map(str::trim).filter(|it| !it.is_empty()) else {
        return Ok(None);
    };
    if caption.chars().count() > MAX_CAPTION_CHARS {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            &format!("the caption is longer than {MAX_CAPTION_CHARS} characters"),
        ));
    }
    Ok(Some(caption))
}

/// The uploaded bytes; 413 above [`MAX_UPLOAD_BYTES`], 400 when empty.
fn file_bytes(body: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    let bytes = match body {
        Ok(bytes) => bytes,
        Err(BytesRejection::FailedToBufferBody(FailedToBufferBody::LengthLimitError(_))) => {
            return Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                &format!(
                    "the file is larger than {} MiB, the most a bot may download from Telegram",
                    MAX_UPLOAD_BYTES / 1024 / 1024
                ),
            ));
        }
        Err(err) => {
            return Err(ApiError::new(
                err.status(),
                &format!("cannot read the file: {}", err.body_text()),
            ));
        }
    };
    if bytes.is_empty() {
        return Err(ApiError::new(StatusCode::BAD_REQUEST, "the file is empty"));
    }
    Ok(bytes)
}
