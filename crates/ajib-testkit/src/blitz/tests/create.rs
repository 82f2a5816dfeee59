//! Creating users: the 2.5.3 `add_user` bug, conflicts, validation.

use serde_json::json;

use crate::blitz::{
    FakeBlitz,
    tests::{SCRIPTS, TOKEN, call, check, create, create_plain, detail, last_add_password},
};

/// Issue 14: the exact create the old client sent to a 2.5.3 panel.
#[test]
fn create_with_note_and_date_hits_the_add_user_bug() {
    let fake = FakeBlitz::start(TOKEN);
    let answer = create(&fake, "ajib_1001_2", &[]);
    let password = last_add_password(&fake);
    assert_eq!(password.len(), 32);
    assert!(password.bytes().all(|it| it.is_ascii_alphanumeric()));
    let add = format!(
        "{SCRIPTS}/add_user.py ajib_1001_2 50 30 {password} false ajib order 2 for 1001 false 2026-11-30"
    );
    let expected = format!(
        "Failed to add user ajib_1001_2: Command '{add}' failed with exit code 1: \
         Usage: /etc/hysteria/core/scripts/hysteria2/add_user.py <username> <traffic_limit_GB> \
         <expiration_days> [password] [unlimited_user (true/false)] [note] [creation_date]"
    );
    assert_eq!((answer.status, answer.body), (400, detail(400, &expected)));
    assert!(fake.users().is_empty());
    let precheck = format!("{SCRIPTS}/get_user.py -u ajib_1001_2");
    assert_eq!(fake.commands(), [precheck, add]);
}

#[test]
fn create_with_date_only_starts_the_clock() {
    let fake = FakeBlitz::start(TOKEN);
    let answer = create(&fake, "Ajib_1001_2", &["note"]);
    assert_eq!(
        (answer.status, answer.body),
        (201, json!({"detail": "User Ajib_1001_2 has been added."}))
    );
    let password = last_add_password(&fake);
    let add = format!("{SCRIPTS}/add_user.py Ajib_1001_2 50 30 {password} false  2026-11-30");
    assert_eq!(
        fake.commands().last(),
        Some(&add),
        "an empty note shows as a double space"
    );
    let user = fake.user("ajib_1001_2").unwrap();
    assert_eq!(user.account_creation_date.as_deref(), Some("2026-11-30"));
    assert_eq!((user.note, user.status.as_str()), (None, "On-hold"));
    assert_eq!(user.max_download_bytes, 50 << 30);
}

#[test]
fn create_without_date_is_on_hold() {
    let fake = FakeBlitz::start(TOKEN);
    assert_eq!(create(&fake, "ajib_1001_2", &["creation_date"]).status, 201);
    let got = call(&fake, "GET", "/users/AJIB_1001_2", None);
    let password = fake.user("ajib_1001_2").unwrap().password;
    let expected = json!({"username": "ajib_1001_2", "password": password,
        "max_download_bytes": 53_687_091_200_u64, "expiration_days": 30,
        "account_creation_date": null, "blocked": false, "unlimited_user": false,
        "note": "ajib order 2 for 1001", "status": "On-hold", "upload_bytes": null,
        "download_bytes": null, "online_count": 0});
    assert_eq!((got.status, got.body), (200, expected));
}

#[test]
fn create_conflicts_and_script_errors() {
    let fake = FakeBlitz::start(TOKEN);
    create_plain(&fake, "tg_1");
    let runs = fake.commands().len();
    // The get_user.py pre-check lower-cases; the text quotes the name as sent.
    let answer = create(&fake, "TG_1", &[]);
    assert_eq!(
        (answer.status, answer.body),
        (409, detail(409, "User 'TG_1' already exists."))
    );
    assert_eq!(fake.commands().len(), runs + 1, "only the pre-check ran");

    let bad_date = json!({"username": "x", "traffic_limit": 1, "expiration_days": 1,
        "password": "pw", "creation_date": "2026-02-30"});
    let expected = format!(
        "Failed to add user x: Command '{SCRIPTS}/add_user.py x 1 1 pw false  2026-02-30' failed \
         with exit code 1: Invalid date. Please provide a valid date in YYYY-MM-DD format."
    );
    check(
        &fake,
        "POST",
        "/users/",
        Some(bad_date),
        400,
        detail(400, &expected),
    );

    // No range checks in the schema or the script: the panel stores negatives.
    let negative = json!({"username": "neg", "traffic_limit": -1, "expiration_days": "-2"});
    check(
        &fake,
        "POST",
        "/users/",
        Some(negative),
        201,
        json!({"detail": "User neg has been added."}),
    );
    let got = call(&fake, "GET", "/users/neg", None).body;
    assert_eq!(
        (&got["max_download_bytes"], &got["expiration_days"]),
        (&json!(-1_073_741_824), &json!(-2))
    );
}

#[test]
fn validation_errors_are_fastapi_shaped() {
    let fake = FakeBlitz::start(TOKEN);
    let answer = call(
        &fake,
        "POST",
        "/users/",
        Some(json!({"username": "bad name", "traffic_limit": 1.5, "expiration_days": "x"})),
    );
    let expected = json!({"detail": [
        {"type": "value_error", "loc": ["body", "username"],
         "msg": "Value error, Username can only contain letters, numbers, and underscores.",
         "input": "bad name", "ctx": {"error": {}}},
        {"type": "int_from_float", "loc": ["body", "traffic_limit"],
         "msg": "Input should be a valid integer, got a number with a fractional part", "input": 1.5},
        {"type": "int_parsing", "loc": ["body", "expiration_days"],
         "msg": "Input should be a valid integer, unable to parse string as an integer", "input": "x"},
    ]});
    assert_eq!((answer.status, answer.body), (422, expected));
    let missing = json!({"detail": [{"type": "missing", "loc": ["body"], "msg": "Field required", "input": null}]});
    check(&fake, "PATCH", "/users/bob", None, 422, missing);
    assert!(fake.users().is_empty() && fake.commands().is_empty());
}
