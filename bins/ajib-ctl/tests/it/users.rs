//! `users find`: one profile for an exact id or @username, a list for a fragment; `users balance`: show and change.

use ajib_domain::TelegramId;
use ajib_storage::Store;

use crate::{Install, seen_user, with_store};

const ENV: &str =
    "TELEGRAM_BOT_TOKEN=123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw\nDATA_DIR=/var/lib/ajib\n";

/// An install whose database knows Sara, Sarah and Reza.
fn install_with_users() -> Install {
    let install = Install::new(ENV);
    // Any command that opens the database creates it.
    install.ctl(&["admins", "add", "42"]).ok();
    with_store(&install, async |store: &Store| {
        for (id, username, name, at) in [
            (1001, Some("sara"), "Sara", 10),
            (1002, None, "Sarah", 20),
            (1003, Some("reza"), "Reza", 30),
        ] {
            seen_user(store, id, username, name, at).await;
        }
    });
    install
}

#[test]
fn an_exact_id_or_username_shows_one_profile() {
    let install = install_with_users();
    let by_id = install.ctl(&["users", "find", "1003"]).ok();
    assert!(by_id.starts_with("1003 @reza Reza"), "{by_id}");
    assert!(by_id.contains("orders: 0, services: 0"), "{by_id}");
    let by_name: serde_json::Value =
        serde_json::from_str(&install.ctl(&["users", "find", "@SARA", "--json"]).ok()).unwrap();
    assert_eq!(by_name["id"], 1001);
}

#[test]
fn a_fragment_lists_the_matches_newest_first() {
    let install = install_with_users();
    let listed = install.ctl(&["users", "find", "sar"]).ok();
    let ids: Vec<&str> = listed
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    assert_eq!(ids, ["1002", "1001"], "{listed}");
    let json: serde_json::Value =
        serde_json::from_str(&install.ctl(&["users", "find", "sar", "--json"]).ok()).unwrap();
    assert_eq!(json["total"], 2);
    assert_eq!(json["users"][0]["first_name"], "Sarah");

    let none = install.ctl(&["users", "find", "nobody"]).fails_with(1);
    assert!(none.contains("no user matches \"nobody\""), "{none}");
}

/// The user's USD balance in minor units, as the store sees it.
fn balance_minor(install: &Install, id: i64) -> i64 {
    with_store(install, async |store: &Store| {
        store
            .balance(TelegramId(id), ajib_domain::Currency::USD)
            .await
            .unwrap()
            .minor()
    })
}

#[test]
fn balance_is_shown_then_changed_with_a_reason_and_audited() {
    let install = install_with_users();
    let empty = install.ctl(&["users", "balance", "1001"]).ok();
    assert!(empty.contains("user 1001: balance 0.00 USD"), "{empty}");
    assert!(empty.contains("no movements yet"), "{empty}");

    let added = install
        .ctl(&[
            "users",
            "balance",
            "1001",
            "--add",
            "5",
            "--reason",
            "outage refund",
        ])
        .ok();
    assert!(added.contains("to 5.00 USD"), "{added}");
    let taken = install
        .ctl(&[
            "users", "balance", "1001", "--sub", "2.50", "--reason", "typo",
        ])
        .ok();
    assert!(taken.contains("by -2.50 USD to 2.50 USD"), "{taken}");
    assert_eq!(balance_minor(&install, 1001), 250);

    let listed = install.ctl(&["users", "balance", "1001"]).ok();
    let lines: Vec<&str> = listed.lines().collect();
    assert_eq!(lines[0], "user 1001: balance 2.50 USD", "{listed}");
    assert!(
        lines[1].contains("-2.50 USD  adjustment  by the operator: typo"),
        "{listed}"
    );
    assert!(
        lines[2].contains("+5.00 USD  adjustment  by the operator: outage refund"),
        "{listed}"
    );

    let json: serde_json::Value =
        serde_json::from_str(&install.ctl(&["users", "balance", "1001", "--json"]).ok()).unwrap();
    assert_eq!(json["balance"], "2.50");
    assert_eq!(json["balance_minor"], 250);
    assert_eq!(json["currency"], "USD");
    assert_eq!(json["ledger"][0]["delta_minor"], -250);
    assert_eq!(json["ledger"][0]["actor"], 0);
    assert_eq!(json["ledger"][1]["note"], "outage refund");

    let audit = with_store(&install, async |store: &Store| {
        store.recent_audit(10).await.unwrap()
    });
    let adjustments: Vec<_> = audit
        .iter()
        .filter(|it| it.action == "user.balance_adjust")
        .collect();
    assert_eq!(adjustments.len(), 2, "{audit:?}");
    assert_eq!(adjustments[0].actor, ajib_storage::Actor::Cli);
    let before: serde_json::Value =
        serde_json::from_str(adjustments[0].before_json.as_deref().unwrap()).unwrap();
    let after: serde_json::Value =
        serde_json::from_str(adjustments[0].after_json.as_deref().unwrap()).unwrap();
    assert_eq!(before["balance_minor"], 500);
    assert_eq!(after["balance_minor"], 250);
    assert_eq!(after["reason"], "typo");
}

#[test]
fn bad_balance_changes_are_refused_and_change_nothing() {
    let install = install_with_users();
    install
        .ctl(&[
            "users", "balance", "1001", "--add", "3", "--reason", "start",
        ])
        .ok();
    for (args, code, says) in [
        (&["--add", "0", "--reason", "x"][..], 2, "more than zero"),
        (&["--add", "-5", "--reason", "x"], 2, "must not be negative"),
        (
            &["--add", "1.005", "--reason", "x"],
            2,
            "at most 2 decimal places",
        ),
        (&["--add", "abc", "--reason", "x"], 2, "invalid amount"),
        (&["--add", "5"], 2, "--reason"),
        (&["--sub", "1", "--reason", " "], 2, "--reason"),
        (
            &["--add", "1", "--sub", "1", "--reason", "x"],
            2,
            "not both",
        ),
        (&["--reason", "x"], 2, "goes with --add or --sub"),
        (
            &["--sub", "3.01", "--reason", "x"],
            1,
            "holds only 3.00 USD; nothing changed",
        ),
    ] {
        let mut full = vec!["users", "balance", "1001"];
        full.extend_from_slice(args);
        let stderr = install.ctl(&full).fails_with(code);
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
    let unknown = install
        .ctl(&["users", "balance", "999", "--add", "1", "--reason", "x"])
        .fails_with(1);
    assert!(
        unknown.contains("no user with Telegram id 999"),
        "{unknown}"
    );
    assert_eq!(balance_minor(&install, 1001), 300);
    let audit = with_store(&install, async |store: &Store| {
        store.recent_audit(10).await.unwrap()
    });
    assert_eq!(
        audit
            .iter()
            .filter(|it| it.action == "user.balance_adjust")
            .count(),
        1
    );
    // The whole balance may be taken, and then nothing more.
    install
        .ctl(&["users", "balance", "1001", "--sub", "3", "--reason", "all"])
        .ok();
    assert_eq!(balance_minor(&install, 1001), 0);
}

#[test]
fn balances_are_kept_in_the_configured_currency() {
    let install = Install::new(&format!(
        "{ENV}HELEKET_MERCHANT_ID=8b6f3a7e-4c1d-4e7a-9f2b-1a2b3c4d5e6f\nHELEKET_API_KEY=key\nHELEKET_CURRENCY=EUR\n"
    ));
    install.ctl(&["admins", "add", "42"]).ok();
    with_store(&install, async |store: &Store| {
        seen_user(store, 1001, None, "Sara", 10).await;
    });
    let out = install
        .ctl(&["users", "balance", "1001", "--add", "1.5", "--reason", "x"])
        .ok();
    assert!(out.contains("to 1.50 EUR"), "{out}");
}
