//! The user router (`routers/api/v1/user.py`): each handler's `try` block
//! and the `except` clauses that turn what it raised into an answer.
//!
//! Source: Jackchen0514/Blitz `core/scripts/webpanel/routers/api/v1/user.py`
//! @58e9d62e, identical for these handlers in Swaeami/iridium-blitz
//! @5e50c58c and two more forks.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::blitz::{
    api::{Raised, Reply},
    cli_api::{self, NewUser, UserEdit},
    schema::{self, AddUserInputBody, EditUserInputBody},
    state::Panel,
};

/// `GET /users/`. No users → the 404 raised inside the `try` is caught by
/// `except Exception` and comes back as 400 `Error: 404: No users found.`.
pub(super) fn list_users_api(panel: &mut Panel) -> Reply {
    let res = (|| match cli_api::list_users(panel)? {
        Some(res) if truthy(&res) => Ok(res),
        _ => Err(Raised::http(404, "No users found.")),
    })();
    match res {
        Ok(Value::Array(users)) => {
            let users: Option<Vec<Value>> = users
                .iter()
                .map(|it| it.as_object().and_then(schema::user_info))
                .collect();
            users.map_or(Reply::Crash, |it| {
                Reply::Json(StatusCode::OK, Value::Array(it))
            })
        }
        // `UserListResponse` wants a list: the response model fails, uncaught.
        Ok(_) => Reply::Crash,
        Err(err) => Reply::http(400, &format!("Error: {err}")),
    }
}

/// `POST /users/`: a `get_user.py` pre-check (409 if it succeeds, so the
/// check is case-insensitive and quotes the name as sent), then `add_user`.
pub(super) fn add_user_api(panel: &mut Panel, body: &AddUserInputBody) -> Reply {
    let username = &body.username;
    match cli_api::get_user(panel, username) {
        Ok(_) => return Reply::http(409, &format!("User '{username}' already exists.")),
        Err(cli_api::Error::CommandExecution(_)) => (),
        // `except json.JSONDecodeError as e: raise HTTPException(500, str(e))`.
        Err(cli_api::Error::Other(err)) => return Reply::http(500, &err),
        Err(cli_api::Error::InvalidInput(_)) => return Reply::Crash,
    }
    let new_user = NewUser {
        username,
        traffic_limit: body.traffic_limit,
        expiration_days: body.expiration_days,
        password: body.password.as_deref(),
        creation_date: body.creation_date.as_deref(),
        unlimited: body.unlimited,
        note: body.note.as_deref(),
    };
    match cli_api::add_user(panel, &new_user) {
        Ok(()) => Reply::detail(
            StatusCode::CREATED,
            &format!("User {username} has been added."),
        ),
        Err(cli_api::Error::CommandExecution(err)) if err.contains("User already exists") => {
            Reply::http(409, &format!("User '{username}' already exists."))
        }
        Err(cli_api::Error::CommandExecution(err)) => {
            Reply::http(400, &format!("Failed to add user {username}: {err}"))
        }
        Err(cli_api::Error::InvalidInput(err)) => Reply::http(422, &err),
        Err(cli_api::Error::Other(err)) => Reply::http(
            500,
            &format!("An unexpected error occurred while adding user '{username}': {err}"),
        ),
    }
}

/// `GET /users/{username}`: every failure is a 500, a missing user included.
pub(super) fn get_user_api(panel: &mut Panel, username: &str) -> Reply {
    let res = (|| match cli_api::get_user(panel, username)? {
        Some(user) if truthy(&user) => Ok(user),
        _ => Err(Raised::http(404, &format!("User {username} not found."))),
    })();
    match res {
        Ok(Value::Object(mut user)) => {
            if let Some(id) = user.shift_remove("_id") {
                user.insert("username".to_owned(), id);
            }
            schema::user_info(&user).map_or(Reply::Crash, |it| Reply::Json(StatusCode::OK, it))
        }
        // Not a user dict: the response model fails, uncaught.
        Ok(_) => Reply::Crash,
        Err(Raised::Cli(cli_api::Error::Other(err))) => {
            Reply::http(500, &format!("Failed to parse user data from CLI: {err}"))
        }
        Err(err) => Reply::http(500, &format!("An unexpected error occurred: {err}")),
    }
}

/// `PATCH /users/{username}`: kick, traffic pass, `edit_user`; any failure
/// is 400 `Error: ...`. Nothing checks that the user exists first.
pub(super) fn edit_user_api(panel: &mut Panel, username: &str, body: &EditUserInputBody) -> Reply {
    let edit = UserEdit {
        new_username: body.new_username.as_deref(),
        new_password: body.new_password.as_deref(),
        new_traffic_limit: body.new_traffic_limit,
        new_expiration_days: body.new_expiration_days,
        renew_password: body.renew_password,
        renew_creation_date: body.renew_creation_date,
        blocked: body.blocked,
        unlimited_ip: body.unlimited_ip,
        note: body.note.as_deref(),
    };
    let res = (|| {
        cli_api::kick_users_by_name(panel, &[username.to_owned()])?;
        cli_api::traffic_status(panel);
        cli_api::edit_user(panel, username, &edit)
    })();
    match res {
        Ok(()) => Reply::detail(StatusCode::OK, &format!("User {username} has been edited.")),
        Err(err) => Reply::http(400, &format!("Error: {err}")),
    }
}

/// `DELETE /users/{username}`: `get_user` first, so a missing user is the
/// 400 of a failed `get_user.py`; then kick, traffic pass, `remove_users`.
pub(super) fn remove_user_api(panel: &mut Panel, username: &str) -> Reply {
    let res = (|| {
        existing_user(panel, username)?;
        cli_api::kick_users_by_name(panel, &[username.to_owned()])?;
        cli_api::traffic_status(panel);
        cli_api::remove_users(panel, &[username.to_owned()])?;
        Ok(())
    })();
    match res {
        Ok(()) => Reply::detail(
            StatusCode::OK,
            &format!("User {username} has been removed."),
        ),
        Err(Raised::Http(err)) => Reply::Http(err),
        Err(err) => Reply::http(400, &format!("Error: {err}")),
    }
}

/// `GET /users/{username}/reset`: like DELETE, without the kick.
pub(super) fn reset_user_api(panel: &mut Panel, username: &str) -> Reply {
    let res = (|| {
        existing_user(panel, username)?;
        cli_api::reset_user(panel, username)?;
        Ok(())
    })();
    match res {
        Ok(()) => Reply::detail(StatusCode::OK, &format!("User {username} has been reset.")),
        Err(Raised::Http(err)) => Reply::Http(err),
        Err(err) => Reply::http(400, &format!("Error: {err}")),
    }
}

/// `GET /users/{username}/uri`: `wrapper_uri.py`'s error for the user
/// becomes a 404 with its text.
pub(super) fn show_user_uri_api(panel: &mut Panel, username: &str) -> Reply {
    let res = (|| {
        let links = cli_api::show_user_uri_json(panel, &[username.to_owned()])?;
        let first = match links {
            Some(Value::Array(items)) if !items.is_empty() => items.into_iter().next(),
            _ => None,
        };
        let Some(Value::Object(links)) = first else {
            let text = format!("URI for user {username} not found.");
            return Err(Raised::http(404, &text));
        };
        if let Some(error) = links.get("error").filter(|it| truthy(it)) {
            return Err(Raised::http(404, &python_str(error)));
        }
        Ok(schema::user_uri(&links))
    })();
    match res {
        Ok(links) => Reply::Json(StatusCode::OK, links),
        Err(Raised::Cli(cli_api::Error::CommandExecution(err))) => {
            Reply::http(400, &format!("Error executing script: {err}"))
        }
        Err(Raised::Http(err)) => Reply::Http(err),
        Err(err) => Reply::http(400, &format!("Unexpected error: {err}")),
    }
}

/// `POST /users/uri/bulk`: unknown users are dropped; an empty list is `[]`.
pub(super) fn show_multiple_user_uris_api(panel: &mut Panel, usernames: &[String]) -> Reply {
    if usernames.is_empty() {
        return Reply::Json(StatusCode::OK, json!([]));
    }
    let res = (|| {
        let links = cli_api::show_user_uri_json(panel, usernames)?;
        let Some(Value::Array(items)) = links.filter(truthy) else {
            let text = "No URI data found for the provided users.";
            return Err(Raised::http(404, text));
        };
        let valid = items
            .iter()
            .filter_map(Value::as_object)
            .filter(|it| !it.get("error").is_some_and(truthy))
            .map(schema::user_uri)
            .collect();
        Ok(Value::Array(valid))
    })();
    match res {
        Ok(links) => Reply::Json(StatusCode::OK, links),
        Err(Raised::Cli(cli_api::Error::CommandExecution(err))) => {
            Reply::http(400, &format!("Error executing script: {err}"))
        }
        // Here no `except HTTPException: raise` comes first, so the 404 is wrapped too.
        Err(err) => Reply::http(400, &format!("Unexpected error: {err}")),
    }
}

/// `POST /users/bulk-delete`: kick, traffic pass, `remove_users`.
pub(super) fn bulk_remove_users_api(panel: &mut Panel, usernames: &[String]) -> Reply {
    if usernames.is_empty() {
        return Reply::http(400, "No usernames provided.");
    }
    let res = (|| {
        cli_api::kick_users_by_name(panel, usernames)?;
        cli_api::traffic_status(panel);
        cli_api::remove_users(panel, usernames)
    })();
    match res {
        Ok(()) => Reply::detail(StatusCode::OK, "Users have been removed."),
        Err(err) => Reply::http(400, &format!("Error: {err}")),
    }
}

/// `user = cli_api.get_user(username); if not user: raise HTTPException(404, ...)`.
fn existing_user(panel: &mut Panel, username: &str) -> Result<(), Raised> {
    match cli_api::get_user(panel, username)? {
        Some(user) if truthy(&user) => Ok(()),
        _ => Err(Raised::http(404, &format!("User {username} not found."))),
    }
}

/// Python truthiness of a JSON value.
fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(it) => *it,
        Value::Number(it) => it.as_f64() != Some(0.0),
        Value::String(it) => !it.is_empty(),
        Value::Array(it) => !it.is_empty(),
        Value::Object(it) => !it.is_empty(),
    }
}

/// `f"{value}"` for a JSON value as Python would print it.
fn python_str(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}
