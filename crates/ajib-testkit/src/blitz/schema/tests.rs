//! Request bodies against the pydantic models, without HTTP.

use serde_json::{Value, json};

use crate::blitz::schema::{Errors, add_user, body, edit_user, usernames_request};

/// `(loc, type)` of each error, `loc` dotted.
fn kinds(errors: &Errors) -> Vec<(String, String)> {
    let part = |it: &Value| match it {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    errors
        .iter()
        .map(|it| {
            let loc: Vec<String> = it["loc"].as_array().unwrap().iter().map(part).collect();
            (loc.join("."), it["type"].as_str().unwrap().to_owned())
        })
        .collect()
}

fn check_add_errors(raw: &str, expected: &[(&str, &str)]) {
    let errors = body(None, raw.as_bytes()).and_then(add_user).unwrap_err();
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(loc, kind)| ((*loc).to_owned(), (*kind).to_owned()))
        .collect();
    assert_eq!(kinds(&errors), expected, "{raw}");
}

#[test]
fn add_accepts_what_pydantic_accepts() {
    let raw = json!({"username": "tg_1", "traffic_limit": -5, "expiration_days": "7.0",
        "creation_date": "not a date", "unlimited": "yes", "note": ""});
    let it = add_user(Some(raw)).unwrap();
    assert_eq!(
        (it.traffic_limit, it.expiration_days, it.unlimited),
        (-5, 7, true)
    );
    assert_eq!(it.creation_date.as_deref(), Some("not a date"));
    let it = add_user(Some(json!({"username": "bob\n", "traffic_limit": true,
        "expiration_days": 30.0})))
    .unwrap();
    assert_eq!((it.username.as_str(), it.traffic_limit), ("bob\n", 1));
}

#[test]
fn add_errors() {
    check_add_errors("", &[("body", "missing")]);
    check_add_errors("{", &[("body.1", "json_invalid")]);
    check_add_errors("[1]", &[("body", "model_attributes_type")]);
    check_add_errors(
        "{}",
        &[
            ("body.username", "missing"),
            ("body.traffic_limit", "missing"),
            ("body.expiration_days", "missing"),
        ],
    );
    check_add_errors(
        r#"{"username":"bad name","traffic_limit":1.5,"expiration_days":"abc"}"#,
        &[
            ("body.username", "value_error"),
            ("body.traffic_limit", "int_from_float"),
            ("body.expiration_days", "int_parsing"),
        ],
    );
    check_add_errors(
        r#"{"username":5,"traffic_limit":null,"expiration_days":[],"note":1,"unlimited":null}"#,
        &[
            ("body.username", "string_type"),
            ("body.traffic_limit", "int_type"),
            ("body.expiration_days", "int_type"),
            ("body.unlimited", "bool_type"),
            ("body.note", "string_type"),
        ],
    );
    let errors = add_user(Some(json!({"username": "a b", "traffic_limit": 1,
        "expiration_days": 1})))
    .unwrap_err();
    let expected = json!([{"type": "value_error", "loc": ["body", "username"],
        "msg": "Value error, Username can only contain letters, numbers, and underscores.",
        "input": "a b", "ctx": {"error": {}}}]);
    assert_eq!(Value::Array(errors), expected);
}

#[test]
fn bodies_by_content_type() {
    assert_eq!(body(Some("text/plain"), b"{}").unwrap(), Some(json!("{}")));
    assert_eq!(
        body(Some("application/merge-patch+json"), b"{}").unwrap(),
        Some(json!({}))
    );
    assert_eq!(
        body(Some("application/json; charset=utf-8"), b"").unwrap(),
        None
    );
}

#[test]
fn edit_and_usernames() {
    let it = edit_user(Some(json!({"new_traffic_limit": -5, "new_username": "",
        "blocked": 0, "note": ""})))
    .unwrap();
    assert_eq!((it.new_traffic_limit, it.blocked), (Some(-5), Some(false)));
    assert_eq!(
        (it.new_username.as_deref(), it.note.as_deref()),
        (Some(""), Some(""))
    );
    let errors = edit_user(Some(
        json!({"new_username": "a-b", "renew_creation_date": "maybe",
        "renew_password": null}),
    ))
    .unwrap_err();
    let expected = [
        ("body.new_username", "value_error"),
        ("body.renew_password", "bool_type"),
        ("body.renew_creation_date", "bool_parsing"),
    ];
    assert_eq!(
        kinds(&errors),
        expected.map(|(a, b)| (a.to_owned(), b.to_owned()))
    );
    assert_eq!(
        usernames_request(Some(json!({"usernames": ["a", "B"]}))).unwrap(),
        ["a", "B"]
    );
    let errors = usernames_request(Some(json!({"usernames": ["a", 1]}))).unwrap_err();
    assert_eq!(
        kinds(&errors),
        [("body.usernames.1".to_owned(), "string_type".to_owned())]
    );
    let errors = usernames_request(Some(json!({}))).unwrap_err();
    assert_eq!(
        kinds(&errors),
        [("body.usernames".to_owned(), "missing".to_owned())]
    );
}
