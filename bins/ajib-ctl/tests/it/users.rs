//! `users find`: one profile for an exact id or @username, a list for a fragment.

use ajib_domain::{TelegramId, UnixTime};
use ajib_storage::{Store, UserSeen};

use crate::{Install, with_store};

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
            let seen = UserSeen {
                id: TelegramId(id),
                username: username.map(str::to_owned),
                first_name: name.to_owned(),
                now: UnixTime(at),
            };
            store.upsert_user(&seen).await.unwrap();
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
