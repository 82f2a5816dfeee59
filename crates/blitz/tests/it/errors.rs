//! How each panel error answer maps onto `blitz::Error`.

use std::time::Duration;

use blitz::{Client, Error, UserEdit};
use serde_json::{Value, json};

use crate::{canned::Canned, new_user, start};

#[test]
fn wrong_token_is_unauthorized() {
    let (fake, _) = start();
    let client = Client::new(fake.base_url(), "wrong-token", Duration::from_secs(5)).unwrap();
    match client.list_users() {
        Err(Error::Unauthorized { detail }) => assert_eq!(detail, "Invalid API token."),
        other => panic!("{other:?}"),
    }
    let err = client.version().unwrap_err();
    assert!(matches!(err, Error::Unauthorized { .. }), "{err:?}");
    assert!(!err.is_retryable());
}

#[test]
fn the_token_goes_raw_and_lists_use_the_slash() {
    let canned = Canned::start(200, &[], "[]");
    let client = Client::new(&canned.base_url(), "raw-token", Duration::from_secs(5)).unwrap();
    assert!(client.list_users().unwrap().is_empty());
    let seen = canned.seen().unwrap();
    assert_eq!(
        (seen.method.as_str(), seen.path.as_str()),
        ("GET", "/api/v1/users/")
    );
    assert_eq!(seen.header("authorization"), Some("raw-token"));
}

#[test]
fn create_sends_the_documented_body() {
    let canned = Canned::start(201, &[], r#"{"detail":"User tg_12345 has been added."}"#);
    let client = Client::new(
        &format!("{}/", canned.base_url()),
        "t",
        Duration::from_secs(5),
    )
    .unwrap();
    client.create_user(&new_user("TG_12345")).unwrap();
    let seen = canned.seen().unwrap();
    assert_eq!(
        (seen.method.as_str(), seen.path.as_str()),
        ("POST", "/api/v1/users/")
    );
    assert_eq!(seen.header("content-type"), Some("application/json"));
    let body: Value = serde_json::from_str(&seen.body).unwrap();
    let expected = json!({"username":"tg_12345","traffic_limit":30,"expiration_days":30,
        "note":"ajib order 42","creation_date":null,"password":null,"unlimited":false});
    assert_eq!(body, expected);
}

#[test]
fn edit_sends_only_set_fields() {
    let canned = Canned::start(200, &[], r#"{"detail":"User tg_1 has been edited."}"#);
    let client = Client::new(&canned.base_url(), "t", Duration::from_secs(5)).unwrap();
    let edit = UserEdit {
        new_expiration_days: Some(40),
        blocked: Some(false),
        ..UserEdit::default()
    };
    client.edit_user("TG_1", &edit).unwrap();
    let seen = canned.seen().unwrap();
    assert_eq!(
        (seen.method.as_str(), seen.path.as_str()),
        ("PATCH", "/api/v1/users/tg_1")
    );
    let body: Value = serde_json::from_str(&seen.body).unwrap();
    assert_eq!(body, json!({"new_expiration_days": 40, "blocked": false}));
}

#[test]
fn missing_user_is_not_found_on_every_endpoint() {
    let (fake, client) = start();
    // Some other user exists, so the list is not empty.
    client.create_user(&new_user("tg_1")).unwrap();
    let edit = UserEdit {
        blocked: Some(true),
        ..UserEdit::default()
    };
    let results = [
        ("get", client.get_user("ghost").map(drop)),
        ("edit", client.edit_user("ghost", &edit)),
        ("delete", client.delete_user("ghost")),
        ("reset", client.reset_user("ghost")),
        ("links", client.user_links("ghost").map(drop)),
        ("usage", client.usage("ghost").map(drop)),
        ("extend", client.extend_days("ghost", 5).map(drop)),
        ("set_total", client.set_total_days("ghost", 5)),
        ("new_period", client.start_new_period("ghost", 5, 5)),
    ];
    for (call, result) in results {
        match result {
            Err(Error::NotFound { detail }) => assert!(!detail.is_empty(), "{call}"),
            other => panic!("{call}: {other:?}"),
        }
    }
    assert_eq!(fake.users().len(), 1);
}

#[test]
fn duplicate_is_conflict() {
    let (_fake, client) = start();
    client.create_user(&new_user("tg_1")).unwrap();
    let err = client.create_user(&new_user("TG_1")).unwrap_err();
    assert!(matches!(err, Error::Conflict { .. }), "{err:?}");
    assert!(!err.is_retryable());
}

#[test]
fn panel_422_is_a_validation_error() {
    // The typed API cannot build a body the panel rejects (bad names fail
    // locally, limits are integers), so take the fake's real 422 for a bad
    // body and replay it to the client.
    let (fake, _) = start();
    let mut answer = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .new_agent()
        .post(format!("{}/users/", fake.base_url()))
        .header("Authorization", fake.token())
        .header("Content-Type", "application/json")
        .send(r#"{"username":"a b","traffic_limit":1.5,"expiration_days":"x"}"#)
        .unwrap();
    assert_eq!(answer.status(), 422);
    let body = answer.body_mut().read_to_string().unwrap();

    let canned = Canned::start(422, &[("Content-Type", "application/json")], &body);
    let client = Client::new(&canned.base_url(), "t", Duration::from_secs(5)).unwrap();
    match client.create_user(&new_user("tg_2")) {
        Err(Error::Validation { fields }) => {
            let names: Vec<&str> = fields.iter().map(|(field, _)| field.as_str()).collect();
            assert_eq!(names, ["username", "traffic_limit", "expiration_days"]);
            assert_eq!(
                fields[1].1,
                "Input should be a valid integer, got a number with a fractional part"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn garbage_success_body_is_a_decode_error_with_the_raw_body() {
    let canned = Canned::start(200, &[], "<html>not json</html>");
    let client = Client::new(&canned.base_url(), "t", Duration::from_secs(5)).unwrap();
    match client.get_user("tg_1") {
        Err(Error::Decode { raw, reason }) => {
            assert_eq!(raw, "<html>not json</html>");
            assert!(!reason.is_empty());
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn other_4xx_is_a_panel_error() {
    let canned = Canned::start(400, &[], r#"{"status":400,"detail":"Error: disk full"}"#);
    let client = Client::new(&canned.base_url(), "t", Duration::from_secs(5)).unwrap();
    match client.create_user(&new_user("tg_1")) {
        Err(Error::Panel { status, detail }) => {
            assert_eq!((status, detail.as_str()), (400, "Error: disk full"))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn redirects_are_not_followed() {
    let canned = Canned::start(
        307,
        &[("Location", "https://elsewhere.example/api/v1/users/")],
        "",
    );
    let client = Client::new(&canned.base_url(), "t", Duration::from_secs(5)).unwrap();
    match client.list_users() {
        Err(Error::Panel {
            status: 307,
            detail,
        }) => assert!(detail.contains("elsewhere.example"), "{detail}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn invalid_usernames_fail_before_any_request() {
    let (fake, client) = start();
    let edit = UserEdit::default();
    let bad_rename = UserEdit {
        new_username: Some("no good".to_owned()),
        ..UserEdit::default()
    };
    let long = "a".repeat(65);
    let results = [
        client.create_user(&new_user("bad name")),
        client.create_user(&new_user("")),
        client.create_user(&new_user(&long)),
        client.get_user("../etc").map(drop),
        client.edit_user("a-b", &edit),
        client.edit_user("ok", &bad_rename),
        client.delete_user("x y"),
        client.reset_user("x/y"),
        client.user_links("x?y").map(drop),
        client.bulk_links(&["ok", "not ok"]).map(drop),
        client.ensure_user(&new_user("bad!")).map(drop),
        client.usage("é").map(drop),
        client.extend_days("a.b", 1).map(drop),
    ];
    for result in results {
        assert!(
            matches!(result, Err(Error::InvalidUsername { .. })),
            "{result:?}"
        );
    }
    assert_eq!(fake.request_count(), 0);
}

#[test]
fn bad_base_url_and_token_fail_at_construction() {
    let timeout = Duration::from_secs(1);
    assert!(matches!(
        Client::new("ftp://x/api/v1", "t", timeout),
        Err(Error::InvalidBaseUrl { .. })
    ));
    assert!(matches!(
        Client::new("127.0.0.1:28260/api/v1", "t", timeout),
        Err(Error::InvalidBaseUrl { .. })
    ));
    assert!(matches!(
        Client::new("http://127.0.0.1/api/v1", "", timeout),
        Err(Error::InvalidToken { .. })
    ));
}
