//! The web panel's FastAPI layer: the auth middleware, Starlette's routing
//! (slash redirects, 404, 405), and the user and server routers' handlers
//! with their `try`/`except` wrapping into `{"status": N, "detail": ...}`.
//!
//! Sources: `routers/api/v1/user.py` as in Jackchen0514/Blitz @58e9d62e
//! (identical in Swaeami/iridium-blitz and two more forks),
//! `middleware/auth.py` and `exception_handler/handler.py` as in 0xd5f/ANY
//! @ba36dca2, `routers/api/v1/server.py` as in 0xd5f/ANY.

mod server;
mod users;

use std::{fmt, sync::Arc, time::Duration};

use axum::{
    Json, Router,
    extract::{Request, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde_json::{Value, json};

use crate::blitz::{
    BlitzFault, cli_api,
    schema::{self, Errors},
    state::{Panel, Shared},
};

/// How long a request waits under [`BlitzFault::Hang`]: longer than any
/// sensible client timeout, and cut short when the fake is dropped.
const HANG: Duration = Duration::from_secs(600);

/// The routes in the order the app includes them (`user.router` under
/// `/api/v1/users`, then `server.router` under `/api/v1/server`).
const ROUTES: [(&str, &str, Endpoint); 12] = [
    ("GET", "/api/v1/users/", Endpoint::ListUsers),
    ("POST", "/api/v1/users/", Endpoint::AddUser),
    ("POST", "/api/v1/users/uri/bulk", Endpoint::UriBulk),
    ("POST", "/api/v1/users/bulk-delete", Endpoint::BulkDelete),
    ("GET", "/api/v1/users/{username}", Endpoint::GetUser),
    ("PATCH", "/api/v1/users/{username}", Endpoint::EditUser),
    ("DELETE", "/api/v1/users/{username}", Endpoint::RemoveUser),
    ("GET", "/api/v1/users/{username}/reset", Endpoint::ResetUser),
    ("GET", "/api/v1/users/{username}/uri", Endpoint::UserUri),
    ("GET", "/api/v1/server/status", Endpoint::ServerStatus),
    (
        "GET",
        "/api/v1/server/services/status",
        Endpoint::ServicesStatus,
    ),
    ("GET", "/api/v1/server/version", Endpoint::Version),
];

#[derive(Debug, Clone, Copy)]
enum Endpoint {
    ListUsers,
    AddUser,
    UriBulk,
    BulkDelete,
    GetUser,
    EditUser,
    RemoveUser,
    ResetUser,
    UserUri,
    ServerStatus,
    ServicesStatus,
    Version,
}

/// What a handler answers.
enum Reply {
    /// A response model with its status code.
    Json(StatusCode, Value),
    /// A raised `HTTPException`, rendered by the panel's handler.
    Http(HttpException),
    /// FastAPI's own 422 for a body that fails validation.
    Validation(Errors),
    /// An exception nothing caught: Starlette's plain-text 500.
    Crash,
}

/// `fastapi.HTTPException(status_code, detail)`.
#[derive(Debug)]
struct HttpException {
    status: u16,
    detail: String,
}

/// What a handler's `try` block can raise.
enum Raised {
    Cli(cli_api::Error),
    Http(HttpException),
}

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new().fallback(handle).with_state(shared)
}

/// Every request: the fault switch, the auth middleware, then routing.
async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    shared.count_request();
    match shared.fault() {
        BlitzFault::ServerError => {
            // What a reverse proxy in front of a dead panel answers: not JSON.
            let body = "<html><body><h1>502 Bad Gateway</h1></body></html>";
            let content_type = [(header::CONTENT_TYPE, "text/html")];
            return (StatusCode::BAD_GATEWAY, content_type, body).into_response();
        }
        BlitzFault::Hang => tokio::time::sleep(HANG).await,
        BlitzFault::None | BlitzFault::Refuse | BlitzFault::KickFailure => (),
    }
    let (parts, body) = request.into_parts();
    // Starlette matches routes on the percent-decoded path.
    let path = percent_decode(parts.uri.path());
    if let Some(delay) = shared.slowness_of(&path) {
        tokio::time::sleep(delay).await;
    }
    if let Some(denied) = authenticate(&shared.token, &parts.headers, &path) {
        return denied;
    }
    let Ok(bytes) = axum::body::to_bytes(body, 16 << 20).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let mut partial = None;
    for (method, pattern, endpoint) in ROUTES {
        let Some(username) = match_path(pattern, &path) else {
            continue;
        };
        if parts.method.as_str() != method {
            partial.get_or_insert(method);
            continue;
        }
        let content_type = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|it| it.to_str().ok());
        let mut panel = shared.lock();
        return respond(&mut panel, endpoint, &username, content_type, &bytes);
    }
    if let Some(allow) = partial {
        let body = Json(json!({"detail": "Method Not Allowed"}));
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, allow)],
            body,
        )
            .into_response();
    }
    redirect_slashes(&parts.headers, &path, parts.uri.query()).unwrap_or_else(|| {
        (StatusCode::NOT_FOUND, Json(json!({"detail": "Not Found"}))).into_response()
    })
}

/// `AuthMiddleware.dispatch`: a raw-token `Authorization` header for
/// `/api/v1/` paths, else a session cookie. The fake has no ROOT_PATH and
/// no sessions.
fn authenticate(token: &str, headers: &HeaderMap, path: &str) -> Option<Response> {
    if ["/login", "/robots.txt"].contains(&path) {
        return None;
    }
    let is_api_request = path.contains("/api/v1/");
    // `if api_key := request.headers.get('Authorization')`: empty counts as absent.
    let api_key = headers
        .get(header::AUTHORIZATION)
        .filter(|it| !it.is_empty());
    if let (true, Some(api_key)) = (is_api_request, api_key) {
        if api_key.as_bytes() == token.as_bytes() {
            return None;
        }
        return Some(http_exception(401, "Invalid API token."));
    }
    let has_session = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|it| it.to_str().ok())
        .flat_map(|it| it.split(';'))
        .any(|it| {
            it.trim()
                .strip_prefix("session_id=")
                .is_some_and(|id| !id.is_empty())
        });
    match (has_session, is_api_request) {
        (true, _) => Some(http_exception(401, "The session is invalid.")),
        (false, true) => Some(http_exception(401, "Unauthorized.")),
        (false, false) => Some((StatusCode::FOUND, [(header::LOCATION, "/login")]).into_response()),
    }
}

/// Starlette's `redirect_slashes`: a path that matches no route but would
/// with the trailing slash added (or removed) gets a 307 there.
fn redirect_slashes(headers: &HeaderMap, path: &str, query: Option<&str>) -> Option<Response> {
    if path == "/" {
        return None;
    }
    let other = match path.strip_suffix('/') {
        Some(_) => path.trim_end_matches('/').to_owned(),
        None => format!("{path}/"),
    };
    if !ROUTES
        .iter()
        .any(|(_, pattern, _)| match_path(pattern, &other).is_some())
    {
        return None;
    }
    let host = headers
        .get(header::HOST)
        .and_then(|it| it.to_str().ok())
        .unwrap_or("127.0.0.1");
    let query = query.map(|it| format!("?{it}")).unwrap_or_default();
    let location = quote(&format!("http://{host}{other}{query}"));
    Some(
        (
            StatusCode::TEMPORARY_REDIRECT,
            [(header::LOCATION, location)],
        )
            .into_response(),
    )
}

/// Runs one endpoint; FastAPI validates the body before the handler.
fn respond(
    panel: &mut Panel,
    endpoint: Endpoint,
    username: &str,
    content_type: Option<&str>,
    bytes: &[u8],
) -> Response {
    let body = || schema::body(content_type, bytes);
    let reply = match endpoint {
        Endpoint::ListUsers => users::list_users_api(panel),
        Endpoint::AddUser => match body().and_then(schema::add_user) {
            Ok(body) => users::add_user_api(panel, &body),
            Err(errors) => Reply::Validation(errors),
        },
        Endpoint::UriBulk => match body().and_then(schema::usernames_request) {
            Ok(usernames) => users::show_multiple_user_uris_api(panel, &usernames),
            Err(errors) => Reply::Validation(errors),
        },
        Endpoint::BulkDelete => match body().and_then(schema::usernames_request) {
            Ok(usernames) => users::bulk_remove_users_api(panel, &usernames),
            Err(errors) => Reply::Validation(errors),
        },
        Endpoint::GetUser => users::get_user_api(panel, username),
        Endpoint::EditUser => match body().and_then(schema::edit_user) {
            Ok(body) => users::edit_user_api(panel, username, &body),
            Err(errors) => Reply::Validation(errors),
        },
        Endpoint::RemoveUser => users::remove_user_api(panel, username),
        Endpoint::ResetUser => users::reset_user_api(panel, username),
        Endpoint::UserUri => users::show_user_uri_api(panel, username),
        Endpoint::ServerStatus => server::server_status_api(panel),
        Endpoint::ServicesStatus => server::services_status_api(),
        Endpoint::Version => server::version_api(panel),
    };
    reply.into_response()
}

impl Reply {
    fn http(status: u16, detail: &str) -> Self {
        Self::Http(HttpException {
            status,
            detail: detail.to_owned(),
        })
    }

    /// `DetailResponse(detail=...)`.
    fn detail(status: StatusCode, text: &str) -> Self {
        Self::Json(status, json!({ "detail": text }))
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        match self {
            Self::Json(status, value) => (status, Json(value)).into_response(),
            Self::Http(err) => http_exception(err.status, &err.detail),
            Self::Validation(errors) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                Json(json!({ "detail": errors })),
            )
                .into_response(),
            Self::Crash => {
                (StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error").into_response()
            }
        }
    }
}

impl Raised {
    fn http(status: u16, detail: &str) -> Self {
        Self::Http(HttpException {
            status,
            detail: detail.to_owned(),
        })
    }
}

impl From<cli_api::Error> for Raised {
    fn from(err: cli_api::Error) -> Self {
        Self::Cli(err)
    }
}

/// `str(e)`; Starlette's `HTTPException.__str__` is `"{status_code}: {detail}"`.
impl fmt::Display for Raised {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Cli(err) => write!(f, "{err}"),
            Self::Http(err) => write!(f, "{}: {}", err.status, err.detail),
        }
    }
}

/// The panel's `HTTPException` handler: `{"status": N, "detail": text}` with status N.
fn http_exception(status: u16, detail: &str) -> Response {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (code, Json(json!({"status": status, "detail": detail}))).into_response()
}

/// Starlette's path match: `{username}` is one non-empty segment (`[^/]+`).
fn match_path(pattern: &str, path: &str) -> Option<String> {
    let mut username = String::new();
    let mut pattern_parts = pattern.split('/');
    let mut path_parts = path.split('/');
    loop {
        match (pattern_parts.next(), path_parts.next()) {
            (None, None) => return Some(username),
            (Some("{username}"), Some(part)) if !part.is_empty() => part.clone_into(&mut username),
            (Some(expected), Some(part)) if expected == part => (),
            _ => return None,
        }
    }
}

/// `%XX` sequences to bytes, read as UTF-8.
fn percent_decode(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut res = Vec::with_capacity(bytes.len());
    let mut idx = 0;
    while idx < bytes.len() {
        let hex = bytes
            .get(idx + 1..idx + 3)
            .and_then(|it| std::str::from_utf8(it).ok());
        match (
            bytes[idx],
            hex.and_then(|it| u8::from_str_radix(it, 16).ok()),
        ) {
            (b'%', Some(byte)) => {
                res.push(byte);
                idx += 3;
            }
            (byte, _) => {
                res.push(byte);
                idx += 1;
            }
        }
    }
    String::from_utf8_lossy(&res).into_owned()
}

/// `urllib.parse.quote(url, safe=":/%#?=@[]!$&'()*+,;")`, as `RedirectResponse` applies it.
fn quote(url: &str) -> String {
    let mut res = String::with_capacity(url.len());
    for byte in url.bytes() {
        if byte.is_ascii_alphanumeric() || b"_.-~:/%#?=@[]!$&'()*+,;".contains(&byte) {
            res.push(char::from(byte));
        } else {
            res.push_str(&format!("%{byte:02X}"));
        }
    }
    res
}
