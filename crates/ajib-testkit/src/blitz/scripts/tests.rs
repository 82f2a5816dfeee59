//! The scripts as functions of argv: exit code, stdout and stderr.

use serde_json::Value;

use crate::blitz::{
    BlitzFault,
    scripts::{
        ADD_USER, GET_USER, KICK_USER, LIST_USERS, Output, REMOVE_USER, RESET_USER, WRAPPER_URI,
        exec,
        traffic::{self, OFFLINE, ON_HOLD, ONLINE},
    },
    state::{Doc, Panel, Shared},
};

const ADD_USAGE: &str = "Usage: /etc/hysteria/core/scripts/hysteria2/add_user.py <username> \
    <traffic_limit_GB> <expiration_days> [password] [unlimited_user (true/false)] [note] [creation_date]";

/// A panel holding `bob` (30 GB, 30 days, on hold, note "n") and `amy`.
pub(super) fn panel() -> Shared {
    let shared = Shared::new("t");
    {
        let mut panel = shared.lock();
        for name in ["bob", "amy"] {
            let args = [name, "30", "30", "pw", "false", "n"];
            assert_eq!(run(&mut panel, ADD_USER, &args).code, 0);
        }
        panel.commands.clear();
    }
    shared
}

pub(super) fn run(panel: &mut Panel, script: &str, args: &[&str]) -> Output {
    let argv: Vec<String> = ["python3", script]
        .iter()
        .chain(args)
        .map(|it| (*it).to_owned())
        .collect();
    exec(panel, &argv)
}

/// Runs the script on a fresh [`panel`] and checks the exit code and the
/// text `run_cmd` would quote (stderr if any, else stdout, stripped).
pub(super) fn check(script: &str, args: &[&str], code: i32, text: &str) -> Shared {
    let shared = panel();
    let output = run(&mut shared.lock(), script, args);
    let shown = match output.stderr.trim() {
        "" => output.stdout.trim(),
        stderr => stderr,
    };
    assert_eq!((output.code, shown), (code, text), "{script} {args:?}");
    shared
}

pub(super) fn user(shared: &Shared, name: &str) -> Doc {
    shared.lock().get_user(name).cloned().expect("user")
}

#[test]
fn add_user_argv_count_and_numbers() {
    check(ADD_USER, &["x", "1"], 1, ADD_USAGE);
    let nine = ["x", "1", "1", "pw", "false", "note", "false", "2026-11-30"];
    check(ADD_USER, &nine, 1, ADD_USAGE);
    check(ADD_USER, &["x", "", "1"], 1, ADD_USAGE);
    let numeric = "Error: Traffic limit and expiration days must be numeric.";
    for (traffic, days) in [("abc", "1"), ("1", "1.5"), ("nan", "1"), ("1", "x")] {
        check(ADD_USER, &["x", traffic, days], 1, numeric);
    }
    let output = run(&mut panel().lock(), ADD_USER, &["x", "-inf", "1"]);
    assert!(
        output
            .stderr
            .ends_with("OverflowError: cannot convert float infinity to integer\n")
    );
    let big = "An error occurred: MongoDB can only handle up to 8-byte ints";
    check(ADD_USER, &["x", "10000000000", "1"], 1, big);
    let shared = check(
        ADD_USER,
        &["x", " 1.5 ", " +7 ", "", "TRUE"],
        0,
        "User x added successfully.",
    );
    let x = user(&shared, "x");
    assert_eq!(
        (x.max_download_bytes, x.expiration_days),
        (1_610_612_736, 7)
    );
    assert!(x.unlimited_user && x.password.len() == 32);
    let shared = check(
        ADD_USER,
        &["neg", "-1", "-2"],
        0,
        "User neg added successfully.",
    );
    let neg = user(&shared, "neg");
    assert_eq!(
        (neg.max_download_bytes, neg.expiration_days),
        (-1_073_741_824, -2)
    );
}

#[test]
fn add_user_names_dates_and_fields() {
    let names = "Error: Username can only contain letters, numbers, and underscores.";
    check(ADD_USER, &["a b", "1", "1"], 1, names);
    check(ADD_USER, &["BOB", "1", "1"], 1, "User already exists.");
    let shape = "Invalid date format. Expected YYYY-MM-DD.";
    let invalid = "Invalid date. Please provide a valid date in YYYY-MM-DD format.";
    for (date, text) in [
        ("2026-1-05", shape),
        ("2026-02-30", invalid),
        ("2026-01-05\n", invalid),
    ] {
        check(ADD_USER, &["x", "1", "1", "pw", "false", "", date], 1, text);
    }
    let shared = check(
        ADD_USER,
        &["Tg_1", "50", "0", "pw", "false", "", "2026-11-30"],
        0,
        "User Tg_1 added successfully.",
    );
    let tg = user(&shared, "tg_1");
    let expected = Doc {
        id: "tg_1".to_owned(),
        password: "pw".to_owned(),
        max_download_bytes: 50 << 30,
        expiration_days: 0,
        account_creation_date: Some("2026-11-30".to_owned()),
        blocked: false,
        unlimited_user: false,
        note: None,
        status: ON_HOLD.to_owned(),
        upload_bytes: None,
        download_bytes: None,
        online_count: 0,
    };
    assert_eq!(tg, expected);
    assert_eq!(user(&shared, "bob").note.as_deref(), Some("n"));
}

#[test]
fn get_user() {
    let usage = "Usage: /etc/hysteria/core/scripts/hysteria2/get_user.py -u <username>";
    check(
        GET_USER,
        &["-u", "Ghost"],
        1,
        "User 'ghost' not found in the database.",
    );
    check(GET_USER, &[], 1, usage);
    check(GET_USER, &["-u", ""], 1, usage);
    check(
        GET_USER,
        &["-x"],
        1,
        &format!("option -x not recognized\n{usage}"),
    );
    check(
        GET_USER,
        &["-u"],
        1,
        &format!("option -u requires argument\n{usage}"),
    );
    check(
        GET_USER,
        &["--name=bob"],
        1,
        &format!("option --name not recognized\n{usage}"),
    );
    for args in [
        &["-u", "BOB"][..],
        &["-uBob"],
        &["--user", "bob"],
        &["--username=bob"],
    ] {
        let output = run(&mut panel().lock(), GET_USER, args);
        let doc: Value = serde_json::from_str(&output.stdout).unwrap();
        assert_eq!(
            (output.code, &doc["_id"], &doc["status"]),
            (0, &Value::from("bob"), &Value::from(ON_HOLD))
        );
        assert!(
            doc.get("account_creation_date").is_none(),
            "absent, not null"
        );
    }
}

#[test]
fn reset_user_unsets_the_clock_and_counters() {
    check(
        RESET_USER,
        &[],
        1,
        "Usage: /etc/hysteria/core/scripts/hysteria2/reset_user.py <username>",
    );
    check(
        RESET_USER,
        &["Ghost"],
        1,
        "Error: User 'ghost' not found in the database.",
    );
    let shared = panel();
    {
        let mut panel = shared.lock();
        let bob = panel.get_user_mut("bob").unwrap();
        bob.account_creation_date = Some("2026-01-01".to_owned());
        (bob.upload_bytes, bob.download_bytes, bob.blocked) = (Some(1), Some(2), true);
        OFFLINE.clone_into(&mut bob.status);
        let output = run(&mut panel, RESET_USER, &["BOB"]);
        assert_eq!(output.stdout, "User 'bob' has been reset successfully.\n");
    }
    let bob = user(&shared, "bob");
    assert_eq!(
        (
            bob.account_creation_date,
            bob.upload_bytes,
            bob.download_bytes
        ),
        (None, None, None)
    );
    assert_eq!(
        (bob.blocked, bob.status.as_str(), bob.note.as_deref()),
        (false, ON_HOLD, Some("n"))
    );
    assert_eq!(
        (bob.password.as_str(), bob.max_download_bytes),
        ("pw", 30 << 30)
    );
}

#[test]
fn remove_list_links_and_kick() {
    check(
        REMOVE_USER,
        &["ghost"],
        1,
        "Error: No matching users found for removal.",
    );
    let shared = check(
        REMOVE_USER,
        &["BOB", "ghost", "amy"],
        0,
        "2 user(s) removed successfully.",
    );
    assert!(shared.lock().users.is_empty());

    let output = run(&mut panel().lock(), LIST_USERS, &[]);
    let list: Value = serde_json::from_str(&output.stdout).unwrap();
    let keys: Vec<&String> = list[0].as_object().unwrap().keys().collect();
    assert_eq!(
        (list[0]["username"].as_str(), list[1]["username"].as_str()),
        (Some("bob"), Some("amy"))
    );
    assert_eq!(
        keys.last().map(|it| it.as_str()),
        Some("username"),
        "popped and re-added"
    );
    assert!(!keys.iter().any(|it| *it == "_id"));

    let output = run(&mut panel().lock(), WRAPPER_URI, &["BOB", "ghost"]);
    let links: Value = serde_json::from_str(&output.stdout).unwrap();
    let ipv4 = links[0]["ipv4"].as_str().unwrap();
    assert!(
        ipv4.starts_with("hy2://BOB:pw@203.0.113.7:") && ipv4.ends_with("#IPv4"),
        "{ipv4}"
    );
    assert!(ipv4.contains("?mport=") && ipv4.contains("&insecure=0&up=30mbps&down=30mbps&sni="));
    assert_eq!(
        links[1],
        serde_json::json!({"username": "ghost", "error": "User not found or password not set"})
    );

    let shared = panel();
    assert_eq!(run(&mut shared.lock(), KICK_USER, &["anyone"]).code, 0);
    shared.lock().fault = BlitzFault::KickFailure;
    assert_eq!(run(&mut shared.lock(), KICK_USER, &["bob"]).code, 1);
}

#[test]
fn traffic_pass_and_expiry() {
    let shared = panel();
    let mut panel = shared.lock();
    panel.today = Some("2026-03-01".to_owned());
    panel.get_user_mut("bob").unwrap().online_count = 2;
    traffic::traffic_status(&mut panel);
    let bob = panel.get_user("bob").unwrap();
    assert_eq!(
        (bob.account_creation_date.as_deref(), bob.status.as_str()),
        (Some("2026-03-01"), ONLINE)
    );
    assert_eq!(panel.get_user("amy").unwrap().status, ON_HOLD);

    for (name, created, used) in [
        ("old", "2026-01-30", 0),
        ("full", "2026-02-28", 30 << 30),
        ("fresh", "2026-02-01", 0),
    ] {
        assert_eq!(
            run(
                &mut panel,
                ADD_USER,
                &[name, "30", "30", "pw", "false", "", created]
            )
            .code,
            0
        );
        panel.get_user_mut(name).unwrap().download_bytes = Some(used);
    }
    // On hold and over quota: skipped until the clock starts.
    panel.get_user_mut("amy").unwrap().upload_bytes = Some(99 << 30);
    traffic::kick_expired_users(&mut panel);
    let blocked: Vec<(&str, bool)> = panel
        .users
        .iter()
        .map(|it| (it.id.as_str(), it.blocked))
        .collect();
    let expected = [
        ("bob", false),
        ("amy", false),
        ("old", true),
        ("full", true),
        ("fresh", false),
    ];
    assert_eq!(blocked, expected);
    assert_eq!(panel.get_user("old").unwrap().status, OFFLINE);
}
