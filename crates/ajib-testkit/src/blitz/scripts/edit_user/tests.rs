//! `edit_user.py`: argparse errors, the `$set`, renames.

use crate::blitz::scripts::{
    EDIT_USER,
    tests::{check, panel, run, user},
    traffic::ON_HOLD,
};

const EDIT_USAGE: &str = "\
usage: edit_user.py [-h] [--new-username NEW_USERNAME]
                    [--password NEW_PASSWORD] [--traffic-gb TRAFFIC_GB]
                    [--expiration-days EXPIRATION_DAYS]
                    [--creation-date CREATION_DATE] [--blocked BLOCKED]
                    [--unlimited UNLIMITED_USER] [--note NOTE]
                    username";

#[test]
fn edit_user_argparse() {
    let error = |text: &str| format!("{EDIT_USAGE}\nedit_user.py: error: {text}");
    check(
        EDIT_USER,
        &[],
        2,
        &error("the following arguments are required: username"),
    );
    let names = "Username can only contain letters, numbers, and underscores.";
    check(
        EDIT_USER,
        &["a-b"],
        2,
        &error(&format!("argument username: {names}")),
    );
    check(
        EDIT_USER,
        &["bob", "--new-username", "x y"],
        2,
        &error(&format!("argument --new-username: {names}")),
    );
    check(
        EDIT_USER,
        &["bob", "--blocked", "maybe"],
        2,
        &error("argument --blocked: Boolean value expected (true/false, y/n, 1/0)."),
    );
    check(
        EDIT_USER,
        &["bob", "--creation-date", "2026-02-30"],
        2,
        &error("argument --creation-date: Invalid date format. Expected YYYY-MM-DD or 'null'."),
    );
    check(
        EDIT_USER,
        &["bob", "--traffic-gb", "ten"],
        2,
        &error("argument --traffic-gb: invalid float value: 'ten'"),
    );
    check(
        EDIT_USER,
        &["bob", "--expiration-days", "1.5"],
        2,
        &error("argument --expiration-days: invalid int value: '1.5'"),
    );
    check(
        EDIT_USER,
        &["bob", "--note", "-x"],
        2,
        &error("argument --note: expected one argument"),
    );
    check(
        EDIT_USER,
        &["bob", "--password"],
        2,
        &error("argument --password: expected one argument"),
    );
    check(
        EDIT_USER,
        &["bob", "--n", "x"],
        2,
        &error("ambiguous option: --n could match --new-username, --note"),
    );
    check(
        EDIT_USER,
        &["bob", "extra", "--what"],
        2,
        &error("unrecognized arguments: extra --what"),
    );
    let shared = check(
        EDIT_USER,
        &["bob", "--note", "-5", "--no=- x"],
        0,
        "User 'bob' attributes updated successfully.",
    );
    assert_eq!(user(&shared, "bob").note.as_deref(), Some("- x"));
}

#[test]
fn edit_user_updates() {
    check(EDIT_USER, &["Ghost"], 1, "Error: User 'Ghost' not found.");
    check(EDIT_USER, &["BOB"], 0, "No changes specified.");
    check(
        EDIT_USER,
        &["bob", "--password", ""],
        0,
        "No changes specified.",
    );
    let args = [
        "BOB",
        "--password",
        "new",
        "--traffic-gb",
        "1.5",
        "--expiration-days",
        "60",
        "--creation-date",
        "2026-11-20",
        "--blocked",
        "Y",
        "--unlimited",
        "1",
        "--note",
        "",
    ];
    let shared = check(
        EDIT_USER,
        &args,
        0,
        "User 'BOB' attributes updated successfully.",
    );
    let bob = user(&shared, "bob");
    assert_eq!(
        (
            bob.password.as_str(),
            bob.max_download_bytes,
            bob.expiration_days
        ),
        ("new", 1_610_612_736, 60)
    );
    assert_eq!(
        (bob.account_creation_date.as_deref(), bob.note.as_deref()),
        (Some("2026-11-20"), Some(""))
    );
    assert!(bob.blocked && bob.unlimited_user);
    assert_eq!(
        bob.status, ON_HOLD,
        "an edit leaves the status to the traffic pass"
    );
    let nulled = check(
        EDIT_USER,
        &["bob", "--creation-date", "NULL"],
        0,
        "User 'bob' attributes updated successfully.",
    );
    assert_eq!(user(&nulled, "bob").account_creation_date, None);
    let big = "An error occurred during update: MongoDB can only handle up to 8-byte ints";
    check(EDIT_USER, &["bob", "--traffic-gb", "1e10"], 1, big);
    let shared = panel();
    let output = run(
        &mut shared.lock(),
        EDIT_USER,
        &["bob", "--traffic-gb", "nan"],
    );
    assert!(
        output
            .stderr
            .ends_with("ValueError: cannot convert float NaN to integer\n")
    );
    assert_eq!(user(&shared, "bob").max_download_bytes, 30 << 30);
}

#[test]
fn edit_user_renames() {
    let shared = check(
        EDIT_USER,
        &["bob", "--new-username", "Rob"],
        0,
        "User 'bob' successfully renamed to 'Rob'.",
    );
    let ids: Vec<String> = shared.lock().users.iter().map(|it| it.id.clone()).collect();
    assert_eq!(
        ids,
        ["amy", "rob"],
        "insert then delete: the renamed user moves last"
    );
    check(
        EDIT_USER,
        &["bob", "--new-username", "BOB"],
        0,
        "No changes specified.",
    );
    // The `$set` is written before the rename fails.
    let shared = check(
        EDIT_USER,
        &["bob", "--note", "kept", "--new-username", "AMY"],
        1,
        "Error: Target username 'AMY' already exists.",
    );
    assert_eq!(user(&shared, "bob").note.as_deref(), Some("kept"));
}
