//! The fake's wire behaviour, checked with a bare HTTP client.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::blitz::{BlitzFault, FakeBlitz};

const TOKEN: &str = "test-token";

struct Answer {
    status: u16,
    body: Value,
    location: Option<String>,
}

fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .max_redirects_will_error(false)
        .timeout_global(Some(timeout))
        .build()
        .new_agent()
}

fn call(
    fake: &FakeBlitz,
    method: &str,
    path: &str,
    auth: Option<&str>,
    body: Option<Value>,
) -> Answer {
    try_call(
        &agent(Duration::from_secs(10)),
        fake,
        method,
        path,
        auth,
        body,
    )
    .expect("request failed")
}

fn try_call(
    agent: &ureq::Agent,
    fake: &FakeBlitz,
    method: &str,
    path: &str,
    auth: Option<&str>,
    body: Option<Value>,
) -> Result<Answer, ureq::Error> {
    let url = format!("{}{path}", fake.base_url());
    let request = ureq::http::Request::builder().method(method).uri(&url);
    let request = match auth {
        Some(token) => request.header("Authorization", token),
        None => request,
    };
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

fn create(fake: &FakeBlitz, body: Value) -> Answer {
    call(fake, "POST", "/users/", Some(TOKEN), Some(body))
}

fn user_body(name: &str) -> Value {
    json!({"username": name, "traffic_limit": 30, "expiration_days": 30,
           "note": "ajib order 42", "creation_date": null, "password": null, "unlimited": false})
}

#[test]
fn auth_wants_the_raw_token() {
    let fake = FakeBlitz::start(TOKEN);
    let none = call(&fake, "GET", "/users/", None, None);
    assert_eq!(
        (none.status, none.body),
        (401, json!({"status": 401, "detail": "Unauthorized."}))
    );
    let bearer = call(&fake, "GET", "/users/", Some("Bearer test-token"), None);
    assert_eq!(
        (bearer.status, bearer.body),
        (401, json!({"status": 401, "detail": "Invalid API token."}))
    );
    let wrong = call(&fake, "GET", "/server/version", Some("nope"), None);
    assert_eq!(wrong.status, 401);
    assert_eq!(
        call(&fake, "GET", "/server/version", Some(TOKEN), None).status,
        200
    );
    assert_eq!(fake.request_count(), 4);
}

#[test]
fn users_without_slash_redirects() {
    let fake = FakeBlitz::start(TOKEN);
    for method in ["GET", "POST"] {
        let answer = call(&fake, method, "/users", Some(TOKEN), None);
        assert_eq!(answer.status, 307);
        assert_eq!(
            answer.location.unwrap(),
            format!("{}/users/", fake.base_url())
        );
    }
}

#[test]
fn user_lifecycle_status_codes() {
    let fake = FakeBlitz::start(TOKEN);
    let empty = call(&fake, "GET", "/users/", Some(TOKEN), None);
    assert_eq!(
        (empty.status, empty.body["detail"].as_str()),
        (400, Some("Error: 404: No users found."))
    );

    let created = create(&fake, user_body("TG_12345"));
    assert_eq!(
        (created.status, created.body),
        (201, json!({"detail": "User tg_12345 has been added."}))
    );
    assert_eq!(create(&fake, user_body("tg_12345")).status, 409);

    let user = fake.user("tg_12345").unwrap();
    assert_eq!(user.max_download_bytes, 32_212_254_720);
    assert_eq!(user.password.len(), 32);
    assert!(user.password.bytes().all(|b| b.is_ascii_alphanumeric()));
    assert_eq!(user.account_creation_date, None);

    let got = call(&fake, "GET", "/users/tg_12345", Some(TOKEN), None);
    assert_eq!(got.status, 200);
    assert_eq!(got.body["status"], "On-hold");
    assert_eq!(got.body["upload_bytes"], Value::Null);
    let listed = call(&fake, "GET", "/users/", Some(TOKEN), None);
    assert_eq!(listed.body.as_array().unwrap().len(), 1);

    // Lookups are exact: the panel stored the lower-case name.
    let missing = call(&fake, "GET", "/users/TG_12345", Some(TOKEN), None);
    assert_eq!(missing.status, 500);
    assert!(
        missing.body["detail"]
            .as_str()
            .unwrap()
            .contains("not found")
    );
    let patch = call(
        &fake,
        "PATCH",
        "/users/ghost",
        Some(TOKEN),
        Some(json!({"blocked": true})),
    );
    assert_eq!(patch.status, 400);
    assert_eq!(
        call(&fake, "DELETE", "/users/ghost", Some(TOKEN), None).status,
        400
    );
    assert_eq!(
        call(&fake, "GET", "/users/ghost/reset", Some(TOKEN), None).status,
        400
    );
    let uri = call(&fake, "GET", "/users/ghost/uri", Some(TOKEN), None);
    assert_eq!(
        (uri.status, uri.body["detail"].as_str()),
        (404, Some("User not found or password not set"))
    );

    let edited = call(
        &fake,
        "PATCH",
        "/users/tg_12345",
        Some(TOKEN),
        Some(json!({"new_traffic_limit": 1, "note": "", "renew_password": true})),
    );
    assert_eq!(
        (edited.status, edited.body),
        (200, json!({"detail": "User tg_12345 has been edited."}))
    );
    let after = fake.user("tg_12345").unwrap();
    assert_eq!(after.max_download_bytes, 1 << 30);
    assert_eq!(after.note, None);
    assert_ne!(after.password, user.password);

    let removed = call(&fake, "DELETE", "/users/tg_12345", Some(TOKEN), None);
    assert_eq!(
        (removed.status, removed.body),
        (200, json!({"detail": "User tg_12345 has been removed."}))
    );
    assert!(fake.users().is_empty());
}

#[test]
fn validation_errors_are_fastapi_shaped() {
    let fake = FakeBlitz::start(TOKEN);
    let answer = create(
        &fake,
        json!({"username": "bad name", "traffic_limit": -1, "expiration_days": "x"}),
    );
    assert_eq!(answer.status, 422);
    let detail = answer.body["detail"].as_array().unwrap();
    assert_eq!(detail.len(), 3);
    assert_eq!(detail[0]["loc"], json!(["body", "username"]));
    assert_eq!(detail[0]["type"], "string_pattern_mismatch");
    assert_eq!(
        detail[1]["msg"],
        "Input should be greater than or equal to 0"
    );
    assert_eq!(detail[2]["type"], "int_parsing");
    assert!(answer.body.get("status").is_none());
    assert!(fake.users().is_empty());
}

#[test]
fn links_and_server_endpoints() {
    let fake = FakeBlitz::start(TOKEN);
    create(&fake, user_body("tg_1"));
    let password = fake.user("tg_1").unwrap().password;
    let links = call(&fake, "GET", "/users/tg_1/uri", Some(TOKEN), None).body;
    let ipv4 = links["ipv4"].as_str().unwrap();
    assert!(
        ipv4.starts_with(&format!("hy2://tg_1:{password}@")),
        "{ipv4}"
    );
    assert!(ipv4.ends_with("#IPv4"));
    assert_eq!(links["ipv6"], Value::Null);
    assert_eq!(links["nodes"][0]["name"], "de-1");
    assert!(
        links["normal_sub"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );

    let bulk = call(
        &fake,
        "POST",
        "/users/uri/bulk",
        Some(TOKEN),
        Some(json!({"usernames": ["tg_1", "ghost"]})),
    );
    assert_eq!(bulk.body.as_array().unwrap().len(), 1);

    fake.set_online_count("tg_1", 2);
    let status = call(&fake, "GET", "/server/status", Some(TOKEN), None).body;
    assert_eq!(status["online_users"], 1);
    assert_eq!(status["cpu_usage"], "12%");
    let services = call(&fake, "GET", "/server/services/status", Some(TOKEN), None).body;
    assert_eq!(services["hysteria_server"], true);
    let version = call(&fake, "GET", "/server/version", Some(TOKEN), None).body;
    assert!(version["current_version"].is_string());
    assert_eq!(call(&fake, "GET", "/nope", Some(TOKEN), None).status, 404);
}

#[test]
fn reset_and_renew_use_today() {
    let fake = FakeBlitz::start(TOKEN);
    fake.set_today("2026-11-20");
    create(&fake, user_body("tg_1"));
    fake.set_creation_date("tg_1", "2026-01-01");
    fake.set_usage("tg_1", 10, 20);
    fake.set_blocked("tg_1", true);
    assert_eq!(
        call(&fake, "GET", "/users/tg_1/reset", Some(TOKEN), None).status,
        200
    );
    let user = fake.user("tg_1").unwrap();
    assert_eq!(
        (user.upload_bytes, user.download_bytes, user.blocked),
        (Some(0), Some(0), false)
    );
    assert_eq!(user.account_creation_date.as_deref(), Some("2026-11-20"));
}

#[test]
fn enforce_limits_blocks_like_the_panel() {
    let fake = FakeBlitz::start(TOKEN);
    fake.set_today("2026-03-01");
    for name in ["fresh", "expired", "over", "unlimited"] {
        create(&fake, user_body(name));
    }
    fake.set_creation_date("fresh", "2026-02-01");
    fake.set_creation_date("expired", "2026-01-30");
    fake.set_usage("over", 30 << 30, 0);
    fake.set_creation_date("unlimited", "2020-01-01");
    call(
        &fake,
        "PATCH",
        "/users/unlimited",
        Some(TOKEN),
        Some(json!({"new_expiration_days": 0, "new_traffic_limit": 0})),
    );
    fake.enforce_limits();
    let blocked: Vec<(String, bool)> = fake
        .users()
        .into_iter()
        .map(|it| (it.username, it.blocked))
        .collect();
    let expected = [
        ("expired", true),
        ("fresh", false),
        ("over", true),
        ("unlimited", false),
    ];
    assert_eq!(blocked, expected.map(|(name, it)| (name.to_owned(), it)));
}

#[test]
fn faults() {
    let fake = FakeBlitz::start(TOKEN);
    create(&fake, user_body("tg_1"));

    fake.set_fault(BlitzFault::ServerError);
    let answer = call(&fake, "GET", "/users/", Some(TOKEN), None);
    assert_eq!(answer.status, 502);
    assert!(answer.body.is_string());

    fake.set_fault(BlitzFault::KickFailure);
    let patch = call(
        &fake,
        "PATCH",
        "/users/tg_1",
        Some(TOKEN),
        Some(json!({"blocked": true})),
    );
    assert_eq!(patch.status, 400);
    assert!(
        patch.body["detail"]
            .as_str()
            .unwrap()
            .contains("failed to kick")
    );
    assert_eq!(
        call(&fake, "DELETE", "/users/tg_1", Some(TOKEN), None).status,
        400
    );
    assert!(!fake.user("tg_1").unwrap().blocked);
    assert_eq!(
        call(&fake, "GET", "/users/tg_1", Some(TOKEN), None).status,
        200
    );

    // A kept-alive connection and a fresh one both fail while refusing.
    let agent = agent(Duration::from_secs(5));
    fake.set_fault(BlitzFault::None);
    assert!(try_call(&agent, &fake, "GET", "/server/version", Some(TOKEN), None).is_ok());
    fake.set_fault(BlitzFault::Refuse);
    let count = fake.request_count();
    assert!(try_call(&agent, &fake, "GET", "/server/version", Some(TOKEN), None).is_err());
    assert!(try_call(&agent, &fake, "GET", "/server/version", Some(TOKEN), None).is_err());
    assert_eq!(fake.request_count(), count);
    fake.set_fault(BlitzFault::None);
    assert!(try_call(&agent, &fake, "GET", "/server/version", Some(TOKEN), None).is_ok());

    fake.set_fault(BlitzFault::Hang);
    let started = Instant::now();
    let short = self::agent(Duration::from_millis(300));
    assert!(try_call(&short, &fake, "GET", "/server/version", Some(TOKEN), None).is_err());
    assert!(started.elapsed() < Duration::from_secs(5));
    // Dropping the fake with a request still hanging must not block.
}
