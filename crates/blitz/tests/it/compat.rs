//! Regression tests for issue 14 ([blitz-real]): the client against the fake
//! panel modelled on Blitz 2.5.3, whose create fails when it carries both a
//! note and a creation date.

use blitz::{Date, Error, NewUser};

use crate::{TOKEN, new_user, start};

/// The create the old client sent for order 2 of user 1001.
fn dated_user_with_note() -> NewUser {
    NewUser {
        username: "ajib_1001_2".to_owned(),
        traffic_limit_gb: 50,
        expiration_days: 30,
        note: Some("ajib order 2 for 1001".to_owned()),
        creation_date: Date::from_ymd(2026, 11, 30),
        password: None,
        unlimited_ip: false,
    }
}

#[test]
fn issue_14_the_old_request_gets_the_panels_400() {
    let (fake, client) = start();
    let body = r#"{"username":"ajib_1001_2","traffic_limit":50,"expiration_days":30,"note":"ajib order 2 for 1001","creation_date":"2026-11-30","password":null,"unlimited":false}"#;
    let mut response = ureq::post(&format!("{}/users/", client.base_url()))
        .config()
        .http_status_as_error(false)
        .build()
        .header("Authorization", TOKEN)
        .header("Content-Type", "application/json")
        .send(body)
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    let detail: serde_json::Value = response.body_mut().read_json().unwrap();
    let detail = detail["detail"].as_str().unwrap();
    assert!(
        detail.starts_with("Failed to add user ajib_1001_2: Command 'python3 /etc/hysteria/core/scripts/hysteria2/add_user.py ajib_1001_2 50 30 "),
        "{detail}"
    );
    assert!(
        detail.contains(
            " false ajib order 2 for 1001 false 2026-11-30' failed with exit code 1: Usage: "
        ),
        "{detail}"
    );
    assert!(fake.users().is_empty(), "nothing was created");
}

#[test]
fn issue_14_create_with_note_and_date_works_on_2_5_3() {
    let (fake, client) = start();
    client.create_user(&dated_user_with_note()).unwrap();
    let user = fake.user("ajib_1001_2").unwrap();
    assert_eq!(user.account_creation_date.as_deref(), Some("2026-11-30"));
    assert_eq!(user.note.as_deref(), Some("ajib order 2 for 1001"));
    let commands = fake.commands();
    let create = commands
        .iter()
        .find(|it| it.contains("add_user.py"))
        .expect("the panel ran add_user.py");
    // The date goes in without the note: cli_api puts an empty note before it.
    assert!(create.ends_with(" false  2026-11-30"), "{create}");
    assert!(
        commands
            .iter()
            .any(|it| it.contains("edit_user.py ajib_1001_2")
                && it.ends_with("--note ajib order 2 for 1001")),
        "{commands:#?}"
    );
}

#[test]
fn issue_14_ensure_user_sets_the_note_a_lost_answer_left_unset() {
    let (fake, client) = start();
    // A previous attempt created the user, then its note request was lost.
    let without_note = NewUser {
        note: None,
        ..dated_user_with_note()
    };
    client.create_user(&without_note).unwrap();
    assert_eq!(fake.user("ajib_1001_2").unwrap().note, None);

    let user = client.ensure_user(&dated_user_with_note()).unwrap();
    assert_eq!(user.note, "ajib order 2 for 1001");
    assert_eq!(
        fake.user("ajib_1001_2").unwrap().note.as_deref(),
        Some("ajib order 2 for 1001")
    );
    assert_eq!(fake.users().len(), 1);
}

#[test]
fn issue_14_a_note_or_a_date_alone_is_one_request() {
    let (fake, client) = start();
    client.create_user(&new_user("only_note")).unwrap();
    let dated = NewUser {
        note: None,
        creation_date: Date::from_ymd(2026, 11, 30),
        ..new_user("only_date")
    };
    client.create_user(&dated).unwrap();
    let edits = fake
        .commands()
        .iter()
        .filter(|it| it.contains("edit_user.py"))
        .count();
    assert_eq!(edits, 0, "{:#?}", fake.commands());
    assert_eq!(fake.user("only_note").unwrap().status, "On-hold");
    assert_eq!(
        fake.user("only_date")
            .unwrap()
            .account_creation_date
            .as_deref(),
        Some("2026-11-30")
    );
}

#[test]
fn issue_14_a_refusal_by_the_panel_is_not_retryable() {
    let (_fake, client) = start();
    client.create_user(&new_user("taken")).unwrap();
    match client.create_user(&new_user("TAKEN")) {
        Err(err @ Error::Conflict { .. }) => {
            assert!(!err.is_retryable());
            assert!(
                err.to_string().contains("User 'taken' already exists."),
                "{err}"
            );
        }
        other => panic!("{other:?}"),
    }
}
