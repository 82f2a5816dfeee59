//! Reading, editing, resetting and removing users.

use serde_json::{Value, json};

use crate::blitz::{
    FakeBlitz,
    tests::{SCRIPTS, TOKEN, call, check, create, create_plain, detail},
};

#[test]
fn reads() {
    let fake = FakeBlitz::start(TOKEN);
    check(
        &fake,
        "GET",
        "/users/",
        None,
        400,
        detail(400, "Error: 404: No users found."),
    );
    let missing = format!(
        "An unexpected error occurred: Command '{SCRIPTS}/get_user.py -u Ghost' failed with exit \
         code 1: User 'ghost' not found in the database."
    );
    check(
        &fake,
        "GET",
        "/users/Ghost",
        None,
        500,
        detail(500, &missing),
    );
    create_plain(&fake, "tg_2");
    create_plain(&fake, "tg_1");
    let listed = call(&fake, "GET", "/users/", None).body;
    let names: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|it| it["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["tg_2", "tg_1"], "MongoDB's natural order");
    assert_eq!(
        listed[0].as_object().unwrap().len(),
        12,
        "every response-model field"
    );

    check(
        &fake,
        "GET",
        "/users/ghost/uri",
        None,
        404,
        detail(404, "User not found or password not set"),
    );
    let links = call(&fake, "GET", "/users/TG_1/uri", None).body;
    let password = fake.user("tg_1").unwrap().password;
    let ipv4 = links["ipv4"].as_str().unwrap();
    assert!(
        ipv4.starts_with(&format!("hy2://TG_1:{password}@")),
        "the name as given: {ipv4}"
    );
    assert!(ipv4.ends_with("#IPv4"));
    assert_eq!(
        (&links["username"], &links["ipv6"], &links["error"]),
        (&json!("TG_1"), &Value::Null, &Value::Null)
    );
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
        Some(json!({"usernames": ["tg_1", "ghost", "TG_2"]})),
    );
    let names: Vec<&Value> = bulk
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|it| &it["username"])
        .collect();
    assert_eq!(names, [&json!("tg_1"), &json!("TG_2")]);
    check(
        &fake,
        "POST",
        "/users/uri/bulk",
        Some(json!({"usernames": []})),
        200,
        json!([]),
    );
}

#[test]
fn edits() {
    let fake = FakeBlitz::start(TOKEN);
    fake.set_today("2026-11-20");
    create_plain(&fake, "tg_1");
    let edited = json!({"detail": "User TG_1 has been edited."});
    check(
        &fake,
        "PATCH",
        "/users/TG_1",
        Some(json!({})),
        200,
        edited.clone(),
    );
    let body = json!({"new_traffic_limit": 1, "note": "", "renew_password": true,
        "renew_creation_date": true, "blocked": true, "unlimited_ip": true});
    let before = fake.commands().len();
    check(&fake, "PATCH", "/users/TG_1", Some(body), 200, edited);
    let user = fake.user("tg_1").unwrap();
    let commands = &fake.commands()[before..];
    assert_eq!(commands[0], format!("{SCRIPTS}/kickuser.py TG_1"));
    let edit = format!(
        "{SCRIPTS}/edit_user.py TG_1 --password {} --traffic-gb 1 \
        --creation-date 2026-11-20 --blocked true --unlimited true --note ",
        user.password
    );
    assert_eq!(commands[1], edit);
    assert_eq!(
        (user.max_download_bytes, user.note.as_deref()),
        (1 << 30, Some(""))
    );
    assert_eq!(user.account_creation_date.as_deref(), Some("2026-11-20"));
    assert!(user.blocked && user.unlimited_user);
    // The traffic pass ran before the edit, so the status waits for the next one.
    assert_eq!(user.status, "On-hold");

    let missing = format!(
        "Error: Command '{SCRIPTS}/edit_user.py Ghost --blocked true' failed with exit code 1: \
         Error: User 'Ghost' not found."
    );
    check(
        &fake,
        "PATCH",
        "/users/Ghost",
        Some(json!({"blocked": true})),
        400,
        detail(400, &missing),
    );
    let negative = "Error: Error: traffic limit must be a non-negative number.";
    check(
        &fake,
        "PATCH",
        "/users/tg_1",
        Some(json!({"new_traffic_limit": -1})),
        400,
        detail(400, negative),
    );
    let negative = "Error: Error: expiration days must be a non-negative number.";
    check(
        &fake,
        "PATCH",
        "/users/tg_1",
        Some(json!({"new_expiration_days": -1})),
        400,
        detail(400, negative),
    );
    create_plain(&fake, "tg_2");
    let taken = format!(
        "Error: Command '{SCRIPTS}/edit_user.py tg_1 --new-username TG_2' failed with exit code 1: \
         Error: Target username 'TG_2' already exists."
    );
    check(
        &fake,
        "PATCH",
        "/users/tg_1",
        Some(json!({"new_username": "TG_2"})),
        400,
        detail(400, &taken),
    );
    check(
        &fake,
        "PATCH",
        "/users/tg_1",
        Some(json!({"new_username": "Tg_3"})),
        200,
        json!({"detail": "User tg_1 has been edited."}),
    );
    let names: Vec<String> = fake.users().into_iter().map(|it| it.username).collect();
    assert_eq!(names, ["tg_2", "tg_3"]);
}

#[test]
fn reset_puts_the_user_back_on_hold() {
    let fake = FakeBlitz::start(TOKEN);
    create(&fake, "tg_1", &["note"]);
    fake.set_usage("tg_1", 10, 20);
    fake.set_online_count("tg_1", 1);
    fake.set_blocked("tg_1", true);
    let before = fake.user("tg_1").unwrap();
    assert_eq!(before.status, "Online");
    check(
        &fake,
        "GET",
        "/users/TG_1/reset",
        None,
        200,
        json!({"detail": "User TG_1 has been reset."}),
    );
    let user = fake.user("tg_1").unwrap();
    assert_eq!(
        (
            user.account_creation_date,
            user.upload_bytes,
            user.download_bytes
        ),
        (None, None, None)
    );
    assert_eq!((user.blocked, user.status.as_str()), (false, "On-hold"));
    assert_eq!((user.password, user.expiration_days), (before.password, 30));
    assert!(
        !fake.commands().iter().any(|it| it.contains("kickuser.py")),
        "reset does not kick"
    );
    let missing = format!(
        "Error: Command '{SCRIPTS}/get_user.py -u Ghost' failed with exit code 1: \
         User 'ghost' not found in the database."
    );
    check(
        &fake,
        "GET",
        "/users/Ghost/reset",
        None,
        400,
        detail(400, &missing),
    );
    check(
        &fake,
        "DELETE",
        "/users/Ghost",
        None,
        400,
        detail(400, &missing),
    );
}

#[test]
fn removals() {
    let fake = FakeBlitz::start(TOKEN);
    for name in ["tg_1", "tg_2", "tg_3"] {
        create_plain(&fake, name);
    }
    check(
        &fake,
        "DELETE",
        "/users/TG_1",
        None,
        200,
        json!({"detail": "User TG_1 has been removed."}),
    );
    let none = format!(
        "Error: Command '{SCRIPTS}/remove_user.py ghost' failed with exit code 1: \
         Error: No matching users found for removal."
    );
    check(
        &fake,
        "POST",
        "/users/bulk-delete",
        Some(json!({"usernames": ["ghost"]})),
        400,
        detail(400, &none),
    );
    check(
        &fake,
        "POST",
        "/users/bulk-delete",
        Some(json!({"usernames": []})),
        400,
        detail(400, "No usernames provided."),
    );
    let both = json!({"usernames": ["tg_2", "TG_3", "ghost"]});
    check(
        &fake,
        "POST",
        "/users/bulk-delete",
        Some(both),
        200,
        json!({"detail": "Users have been removed."}),
    );
    assert!(fake.users().is_empty());
}
