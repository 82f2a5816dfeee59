//! The fake's wire behaviour, checked over real HTTP with a bare client.

mod create;
mod panel;
mod users;

use std::time::Duration;

use serde_json::{Value, json};

use crate::blitz::FakeBlitz;

pub(super) const TOKEN: &str = "test-token";
pub(super) const SCRIPTS: &str = "python3 /etc/hysteria/core/scripts/hysteria2";

pub(super) struct Answer {
    pub(super) status: u16,
    pub(super) body: Value,
    pub(super) location: Option<String>,
}

pub(super) fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .max_redirects_will_error(false)
        .timeout_global(Some(timeout))
        .build()
        .new_agent()
}

/// One request with `headers` and an optional JSON body.
pub(super) fn try_call(
    agent: &ureq::Agent,
    fake: &FakeBlitz,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&Value>,
) -> Result<Answer, ureq::Error> {
    let url = format!("{}{path}", fake.base_url());
    let mut request = ureq::http::Request::builder().method(method).uri(&url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let mut response = match body {
        Some(body) => agent.run(
            request
                .header("Content-Type", "application/json")
                .body(body.to_string())
                .unwrap(),
        )?,
        None => agent.run(request.body(()).unwrap())?,
    };
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .map(|it| it.to_str().unwrap().to_owned());
    let text = response.body_mut().read_to_string()?;
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Ok(Answer {
        status,
        body,
        location,
    })
}

/// An authorized request.
pub(super) fn call(fake: &FakeBlitz, method: &str, path: &str, body: Option<Value>) -> Answer {
    let auth = [("Authorization", TOKEN)];
    try_call(
        &agent(Duration::from_secs(10)),
        fake,
        method,
        path,
        &auth,
        body.as_ref(),
    )
    .expect("request failed")
}

/// An authorized request whose status and body must be `status` and `body`.
#[track_caller]
pub(super) fn check(
    fake: &FakeBlitz,
    method: &str,
    path: &str,
    request: Option<Value>,
    status: u16,
    body: Value,
) {
    let answer = call(fake, method, path, request);
    assert_eq!(
        (answer.status, answer.body),
        (status, body),
        "{method} {path}"
    );
}

/// The panel's error body.
pub(super) fn detail(status: u16, text: &str) -> Value {
    json!({"status": status, "detail": text})
}

/// `POST /users/` with the body the old client sent, minus what `drop` names.
pub(super) fn create(fake: &FakeBlitz, name: &str, drop: &[&str]) -> Answer {
    let mut body = json!({"username": name, "traffic_limit": 50, "expiration_days": 30,
        "note": "ajib order 2 for 1001", "creation_date": "2026-11-30",
        "password": null, "unlimited": false});
    for field in drop {
        body.as_object_mut().unwrap().remove(*field);
    }
    call(fake, "POST", "/users/", Some(body))
}

/// A plain on-hold user: no note, no date.
pub(super) fn create_plain(fake: &FakeBlitz, name: &str) {
    assert_eq!(create(fake, name, &["note", "creation_date"]).status, 201);
}

/// The password in the last `add_user.py` command line.
pub(super) fn last_add_password(fake: &FakeBlitz) -> String {
    let commands = fake.commands();
    let line = commands
        .iter()
        .rev()
        .find(|it| it.contains("add_user.py"))
        .unwrap();
    line.split(' ').nth(5).unwrap().to_owned()
}
