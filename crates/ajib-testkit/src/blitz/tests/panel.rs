//! Auth, routing, server endpoints, the periodic pass and faults.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::blitz::{
    BlitzFault, FakeBlitz,
    tests::{TOKEN, agent, call, check, create_plain, detail, try_call},
};

#[test]
fn auth_wants_the_raw_token() {
    let fake = FakeBlitz::start(TOKEN);
    let agent = agent(Duration::from_secs(10));
    let answer = |headers: &[(&str, &str)]| {
        let answer = try_call(&agent, &fake, "GET", "/server/version", headers, None).unwrap();
        (answer.status, answer.body)
    };
    assert_eq!(answer(&[]), (401, detail(401, "Unauthorized.")));
    // An empty header is falsy, so the middleware looks for a session instead.
    assert_eq!(
        answer(&[("Authorization", "")]),
        (401, detail(401, "Unauthorized."))
    );
    let bearer = [("Authorization", "Bearer test-token")];
    assert_eq!(answer(&bearer), (401, detail(401, "Invalid API token.")));
    let cookie = [("Cookie", "session_id=abc")];
    assert_eq!(
        answer(&cookie),
        (401, detail(401, "The session is invalid."))
    );
    let version = json!({"current_version": "2.5.3", "core_version": "v2.6.2"});
    assert_eq!(answer(&[("Authorization", TOKEN)]), (200, version));
    assert_eq!(fake.request_count(), 5);
}

#[test]
fn starlette_routing() {
    let fake = FakeBlitz::start(TOKEN);
    for (method, path, location) in [
        ("GET", "/users", "/users/"),
        ("POST", "/users?x=1", "/users/?x=1"),
        ("GET", "/users/bob/", "/users/bob"),
        ("DELETE", "/server/version/", "/server/version"),
    ] {
        let answer = call(&fake, method, path, None);
        assert_eq!(answer.status, 307, "{method} {path}");
        assert_eq!(
            answer.location.unwrap(),
            format!("{}{location}", fake.base_url())
        );
    }
    check(
        &fake,
        "GET",
        "/nope",
        None,
        404,
        json!({"detail": "Not Found"}),
    );
    let not_allowed = json!({"detail": "Method Not Allowed"});
    check(&fake, "PUT", "/users/bob", None, 405, not_allowed.clone());
    check(&fake, "GET", "/users/uri/bulk", None, 405, not_allowed);
    assert!(fake.commands().is_empty());
}

#[test]
fn server_endpoints() {
    let fake = FakeBlitz::start(TOKEN);
    create_plain(&fake, "tg_1");
    fake.set_online_count("tg_1", 2);
    let status = call(&fake, "GET", "/server/status", None).body;
    assert_eq!(
        (&status["online_users"], &status["cpu_usage"]),
        (&json!(1), &json!("12%"))
    );
    let services = call(&fake, "GET", "/server/services/status", None).body;
    assert_eq!(services["hysteria_server"], true);
    fake.set_version("2.6.0");
    let version = json!({"current_version": "2.6.0", "core_version": "v2.6.2"});
    check(&fake, "GET", "/server/version", None, 200, version);
}

#[test]
fn enforce_limits_blocks_like_the_panel() {
    let fake = FakeBlitz::start(TOKEN);
    fake.set_today("2026-03-01");
    for name in ["fresh", "expired", "over", "unlimited", "on_hold"] {
        create_plain(&fake, name);
    }
    fake.set_creation_date("fresh", "2026-02-01");
    fake.set_creation_date("expired", "2026-01-30");
    // Traffic starts the clock of a user on hold, so it can then run out.
    fake.set_usage("over", 50 << 30, 0);
    fake.set_creation_date("unlimited", "2020-01-01");
    let body = json!({"new_expiration_days": 0, "new_traffic_limit": 0});
    assert_eq!(
        call(&fake, "PATCH", "/users/unlimited", Some(body)).status,
        200
    );
    fake.enforce_limits();
    let blocked: Vec<(String, bool, String)> = fake
        .users()
        .into_iter()
        .map(|it| (it.username, it.blocked, it.status))
        .collect();
    let expected = [
        ("expired", true, "Offline"),
        ("fresh", false, "Offline"),
        ("on_hold", false, "On-hold"),
        ("over", true, "Offline"),
        ("unlimited", false, "Offline"),
    ];
    assert_eq!(
        blocked,
        expected.map(|(name, it, status)| (name.to_owned(), it, status.to_owned()))
    );
}

#[test]
fn faults() {
    let fake = FakeBlitz::start(TOKEN);
    create_plain(&fake, "tg_1");

    fake.set_fault(BlitzFault::ServerError);
    let answer = call(&fake, "GET", "/users/", None);
    assert_eq!(answer.status, 502);
    assert!(answer.body.is_string());

    fake.set_fault(BlitzFault::KickFailure);
    let kick = |name: &str| {
        format!(
            "Error: Failed to execute kick user script: Command '['python3', \
             '/etc/hysteria/core/scripts/hysteria2/kickuser.py', '{name}']' returned non-zero exit status 1."
        )
    };
    let block = Some(json!({"blocked": true}));
    check(
        &fake,
        "PATCH",
        "/users/tg_1",
        block.clone(),
        400,
        detail(400, &kick("tg_1")),
    );
    // The kick comes before anything that would notice a missing user.
    check(
        &fake,
        "PATCH",
        "/users/ghost",
        block,
        400,
        detail(400, &kick("ghost")),
    );
    check(
        &fake,
        "DELETE",
        "/users/tg_1",
        None,
        400,
        detail(400, &kick("tg_1")),
    );
    assert!(!fake.user("tg_1").unwrap().blocked);
    assert_eq!(call(&fake, "GET", "/users/tg_1", None).status, 200);
    assert_eq!(call(&fake, "GET", "/users/tg_1/reset", None).status, 200);

    // A kept-alive connection and a fresh one both fail while refusing.
    let agent = agent(Duration::from_secs(5));
    let auth = [("Authorization", TOKEN)];
    let version =
        |agent: &ureq::Agent| try_call(agent, &fake, "GET", "/server/version", &auth, None);
    fake.set_fault(BlitzFault::None);
    assert!(version(&agent).is_ok());
    fake.set_fault(BlitzFault::Refuse);
    let count = fake.request_count();
    assert!(version(&agent).is_err());
    assert!(version(&agent).is_err());
    assert_eq!(fake.request_count(), count);
    fake.set_fault(BlitzFault::None);
    assert!(version(&agent).is_ok());

    fake.set_fault(BlitzFault::Hang);
    let started = Instant::now();
    assert!(version(&self::agent(Duration::from_millis(300))).is_err());
    assert!(started.elapsed() < Duration::from_secs(5));
    // Dropping the fake with a request still hanging must not block.
}

#[test]
fn a_slow_user_holds_only_requests_naming_them() {
    let fake = FakeBlitz::start(TOKEN);
    create_plain(&fake, "tg_1");
    create_plain(&fake, "tg_2");
    fake.set_slow_user("TG_1", Duration::from_secs(600));
    let auth = [("Authorization", TOKEN)];
    let get = |name: &str| {
        let agent = agent(Duration::from_millis(500));
        try_call(&agent, &fake, "GET", &format!("/users/{name}"), &auth, None)
    };
    assert!(get("tg_1").is_err(), "held past the client's timeout");
    assert_eq!(get("tg_2").expect("answered at once").status, 200);
    assert_eq!(call(&fake, "GET", "/users/", None).status, 200);
    fake.set_slow_user("tg_1", Duration::ZERO);
    assert_eq!(get("tg_1").expect("no longer held").status, 200);
}
