//! The fake panel's HTTP routes, answering with the real panel's status codes and bodies.

use std::{sync::Arc, time::Duration};

use axum::{
    Json, Router,
    body::Bytes,
    extract::{Path, Request, State},
    http::{HeaderMap, StatusCode, header},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::{any, get, post},
};
use serde_json::{Value, json};

use crate::blitz::{
    BlitzFault, FakeUser,
    schema::{self, Errors},
    state::{BYTES_PER_GB, Shared},
};

/// How long a request waits under [`BlitzFault::Hang`]: longer than any
/// sensible client timeout, and cut short when the fake is dropped.
const HANG: Duration = Duration::from_secs(600);

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/api/v1/users", any(redirect_to_slash))
        .route("/api/v1/users/", get(list_users).post(create_user))
        .route("/api/v1/users/uri/bulk", post(bulk_links))
        .route(
            "/api/v1/users/{name}",
            get(get_user).patch(edit_user).delete(delete_user),
        )
        .route("/api/v1/users/{name}/reset", get(reset_user))
        .route("/api/v1/users/{name}/uri", get(user_links))
        .route("/api/v1/server/status", get(server_status))
        .route("/api/v1/server/services/status", get(services_status))
        .route("/api/v1/server/version", get(version))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(shared.clone(), gate))
        .with_state(shared)
}

/// Counts the request, applies the fault switch, then checks the raw token.
async fn gate(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    shared.count_request();
    match shared.fault() {
        BlitzFault::ServerError => {
            // What a reverse proxy in front of a dead panel answers: not JSON.
            let body = "<html><body><h1>502 Bad Gateway</h1></body></html>";
            return (
                StatusCode::BAD_GATEWAY,
                [(header::CONTENT_TYPE, "text/html")],
                body,
            )
                .into_response();
        }
        BlitzFault::Hang => tokio::time::sleep(HANG).await,
        BlitzFault::None | BlitzFault::Refuse | BlitzFault::KickFailure => (),
    }
    match request.headers().get(header::AUTHORIZATION) {
        None => return detail(StatusCode::UNAUTHORIZED, "Unauthorized."),
        Some(value) if value.as_bytes() != shared.token.as_bytes() => {
            return detail(StatusCode::UNAUTHORIZED, "Invalid API token.");
        }
        Some(_) => (),
    }
    next.run(request).await
}

async fn redirect_to_slash(headers: HeaderMap) -> Response {
    let host = headers
        .get(header::HOST)
        .and_then(|it| it.to_str().ok())
        .unwrap_or("127.0.0.1");
    let location = format!("http://{host}/api/v1/users/");
    (
        StatusCode::TEMPORARY_REDIRECT,
        [(header::LOCATION, location)],
    )
        .into_response()
}

async fn list_users(State(shared): State<Arc<Shared>>) -> Response {
    let state = shared.lock();
    if state.users.is_empty() {
        return detail(StatusCode::BAD_REQUEST, "Error: 404: No users found.");
    }
    let users: Vec<Value> = state.users.values().map(FakeUser::to_json).collect();
    Json(users).into_response()
}

async fn create_user(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let new_user = match schema::create_user(&body) {
        Ok(it) => it,
        Err(errors) => return unprocessable(errors),
    };
    let username = new_user.username.to_ascii_lowercase();
    let mut state = shared.lock();
    if state.users.contains_key(&username) {
        return detail(
            StatusCode::CONFLICT,
            &format!("User {username} already exists."),
        );
    }
    let password = match new_user.password {
        Some(password) => password,
        None => state.new_password(),
    };
    let user = FakeUser {
        username: username.clone(),
        password,
        max_download_bytes: new_user.traffic_limit.saturating_mul(BYTES_PER_GB),
        expiration_days: new_user.expiration_days,
        account_creation_date: new_user.creation_date,
        blocked: false,
        unlimited_user: new_user.unlimited,
        note: new_user.note.filter(|it| !it.is_empty()),
        upload_bytes: None,
        download_bytes: None,
        online_count: 0,
    };
    state.users.insert(username.clone(), user);
    let message = format!("User {username} has been added.");
    (StatusCode::CREATED, Json(json!({ "detail": message }))).into_response()
}

async fn get_user(State(shared): State<Arc<Shared>>, Path(name): Path<String>) -> Response {
    match shared.lock().users.get(&name) {
        Some(user) => Json(user.to_json()).into_response(),
        // The panel wraps its own 404 in a 500.
        None => detail(
            StatusCode::INTERNAL_SERVER_ERROR,
            &format!("Error: 404: User {name} not found."),
        ),
    }
}

async fn edit_user(
    State(shared): State<Arc<Shared>>,
    Path(name): Path<String>,
    body: Bytes,
) -> Response {
    let edit = match schema::edit_user(&body) {
        Ok(it) => it,
        Err(errors) => return unprocessable(errors),
    };
    let mut state = shared.lock();
    if !state.users.contains_key(&name) {
        return missing_for_change(&name);
    }
    if state.fault == BlitzFault::KickFailure {
        return kick_failed(&name);
    }
    let new_name = edit.new_username.map(|it| it.to_ascii_lowercase());
    if let Some(new_name) = &new_name
        && *new_name != name
        && state.users.contains_key(new_name)
    {
        return detail(
            StatusCode::BAD_REQUEST,
            &format!("Error: User {new_name} already exists."),
        );
    }
    let today = state.today();
    let generated = edit.renew_password.then(|| state.new_password());
    let Some(mut user) = state.users.remove(&name) else {
        return missing_for_change(&name);
    };
    if let Some(password) = edit.new_password {
        user.password = password;
    }
    if let Some(password) = generated {
        user.password = password;
    }
    if let Some(gb) = edit.new_traffic_limit {
        user.max_download_bytes = gb.saturating_mul(BYTES_PER_GB);
    }
    if let Some(days) = edit.new_expiration_days {
        user.expiration_days = days;
    }
    if edit.renew_creation_date {
        user.account_creation_date = Some(today);
    }
    if let Some(blocked) = edit.blocked {
        user.blocked = blocked;
    }
    if let Some(unlimited) = edit.unlimited_ip {
        user.unlimited_user = unlimited;
    }
    if let Some(note) = edit.note {
        user.note = Some(note).filter(|it| !it.is_empty());
    }
    if let Some(new_name) = new_name {
        user.username = new_name;
    }
    state.users.insert(user.username.clone(), user);
    detail_ok(&format!("User {name} has been edited."))
}

async fn delete_user(State(shared): State<Arc<Shared>>, Path(name): Path<String>) -> Response {
    let mut state = shared.lock();
    if !state.users.contains_key(&name) {
        return missing_for_change(&name);
    }
    if state.fault == BlitzFault::KickFailure {
        return kick_failed(&name);
    }
    state.users.remove(&name);
    detail_ok(&format!("User {name} has been removed."))
}

async fn reset_user(State(shared): State<Arc<Shared>>, Path(name): Path<String>) -> Response {
    let mut state = shared.lock();
    let today = state.today();
    let Some(user) = state.users.get_mut(&name) else {
        return missing_for_change(&name);
    };
    user.upload_bytes = Some(0);
    user.download_bytes = Some(0);
    user.blocked = false;
    // Restart a running clock; a user on hold stays on hold.
    if user.account_creation_date.is_some() {
        user.account_creation_date = Some(today);
    }
    detail_ok(&format!("User {name} has been reset."))
}

async fn user_links(State(shared): State<Arc<Shared>>, Path(name): Path<String>) -> Response {
    match shared.lock().users.get(&name) {
        Some(user) => Json(links(user)).into_response(),
        None => detail(StatusCode::NOT_FOUND, "User not found or password not set"),
    }
}

async fn bulk_links(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let names = match schema::bulk_usernames(&body) {
        Ok(it) => it,
        Err(errors) => return unprocessable(errors),
    };
    let state = shared.lock();
    let res: Vec<Value> = names
        .iter()
        .filter_map(|name| state.users.get(name))
        .map(links)
        .collect();
    Json(res).into_response()
}

async fn server_status(State(shared): State<Arc<Shared>>) -> Response {
    let state = shared.lock();
    let online = state
        .users
        .values()
        .filter(|it| it.online_count > 0)
        .count();
    let uploaded: u64 = state
        .users
        .values()
        .map(|it| it.upload_bytes.unwrap_or(0))
        .sum();
    let downloaded: u64 = state
        .users
        .values()
        .map(|it| it.download_bytes.unwrap_or(0))
        .sum();
    Json(json!({
        "uptime": "3 days, 4:05:06",
        "boot_time": "2026-01-01 00:00:00",
        "server_ipv4": "203.0.113.7",
        "server_ipv6": "None",
        "cpu_usage": "12%",
        "total_ram": "2048MB",
        "ram_usage": "512MB",
        "ram_usage_percent": "25%",
        "online_users": online,
        "upload_speed": "1.00 KB/s",
        "download_speed": "2.00 KB/s",
        "tcp_connections": 10,
        "udp_connections": 4,
        "reboot_uploaded_traffic": human_bytes(uploaded),
        "reboot_downloaded_traffic": human_bytes(downloaded),
        "reboot_total_traffic": human_bytes(uploaded + downloaded),
        "user_uploaded_traffic": human_bytes(uploaded),
        "user_downloaded_traffic": human_bytes(downloaded),
        "user_total_traffic": human_bytes(uploaded + downloaded),
    }))
    .into_response()
}

async fn services_status() -> Response {
    Json(json!({
        "hysteria_server": true,
        "hysteria_webpanel": true,
        "hysteria_iplimit": false,
        "hysteria_normal_sub": true,
        "hysteria_telegram_bot": false,
        "hysteria_warp": false,
    }))
    .into_response()
}

async fn version() -> Response {
    Json(json!({"current_version": "1.18.1", "core_version": "v2.6.2"})).into_response()
}

async fn not_found() -> Response {
    (StatusCode::NOT_FOUND, Json(json!({"detail": "Not Found"}))).into_response()
}

async fn method_not_allowed() -> Response {
    (
        StatusCode::METHOD_NOT_ALLOWED,
        Json(json!({"detail": "Method Not Allowed"})),
    )
        .into_response()
}

/// The `/uri` object for `user`, in the panel's shape.
fn links(user: &FakeUser) -> Value {
    let FakeUser {
        username, password, ..
    } = user;
    let query = "sni=example.com&obfs=salamander&obfs-password=fakeobfs&pinSHA256=AB:CD:EF";
    json!({
        "username": username,
        "ipv4": format!("hy2://{username}:{password}@203.0.113.7:8443?{query}#IPv4"),
        "ipv6": null,
        "nodes": [{
            "name": "de-1",
            "uri": format!("hy2://{username}:{password}@198.51.100.9:8443?{query}#de-1"),
        }],
        "normal_sub": format!("https://example.com:8443/fakesub/{password}#Hysteria2"),
        "error": null,
    })
}

fn human_bytes(bytes: u64) -> String {
    format!("{:.2} GB", bytes as f64 / BYTES_PER_GB as f64)
}

/// `{"status": N, "detail": text}`, the panel's error body.
fn detail(status: StatusCode, text: &str) -> Response {
    let body = json!({"status": status.as_u16(), "detail": text});
    (status, Json(body)).into_response()
}

fn detail_ok(text: &str) -> Response {
    Json(json!({ "detail": text })).into_response()
}

fn unprocessable(errors: Errors) -> Response {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        Json(json!({ "detail": errors })),
    )
        .into_response()
}

/// A missing user on `PATCH`, `DELETE` or reset: the panel says 400.
fn missing_for_change(name: &str) -> Response {
    detail(
        StatusCode::BAD_REQUEST,
        &format!("Error: User {name} not found."),
    )
}

fn kick_failed(name: &str) -> Response {
    detail(
        StatusCode::BAD_REQUEST,
        &format!("Error: failed to kick user {name}: traffic API unreachable, nothing changed."),
    )
}
