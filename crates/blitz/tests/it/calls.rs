//! Every endpoint's happy path, checked against what the fake holds.

use blitz::{Date, NewUser, UserEdit, gb_to_bytes};

use crate::{new_user, start};

#[test]
fn list_is_empty_then_lists_users() {
    let (fake, client) = start();
    assert!(client.list_users().unwrap().is_empty());
    client.create_user(&new_user("tg_1")).unwrap();
    client.create_user(&new_user("tg_2")).unwrap();
    let names: Vec<String> = client
        .list_users()
        .unwrap()
        .into_iter()
        .map(|it| it.username)
        .collect();
    assert_eq!(names, ["tg_1", "tg_2"]);
    assert_eq!(fake.users().len(), 2);
}

#[test]
fn create_sends_lower_case_and_gib() {
    let (fake, client) = start();
    client.create_user(&new_user("AJIB_42_1")).unwrap();
    let held = fake.user("ajib_42_1").expect("stored lower-cased");
    assert_eq!(held.max_download_bytes, gb_to_bytes(30));
    assert_eq!(held.expiration_days, 30);
    assert_eq!(held.account_creation_date, None);
    assert_eq!(held.note.as_deref(), Some("ajib order 42"));
    assert_eq!(held.password.len(), 32);

    // Lookups lower-case too, so the caller's spelling does not matter.
    let user = client.get_user("AJIB_42_1").unwrap();
    assert_eq!(user.username, "ajib_42_1");
    assert_eq!(user.password, held.password);
    assert_eq!(user.status, "On-hold");
    assert_eq!(user.upload_bytes, None);
}

#[test]
fn create_with_everything_set() {
    let (fake, client) = start();
    let user = NewUser {
        username: "tg_9".to_owned(),
        traffic_limit_gb: 0,
        expiration_days: 0,
        note: None,
        creation_date: Some(Date::from_ymd(2026, 11, 20).unwrap()),
        password: Some("p".repeat(32)),
        unlimited_ip: true,
    };
    client.create_user(&user).unwrap();
    let held = fake.user("tg_9").unwrap();
    assert_eq!(held.max_download_bytes, 0);
    assert_eq!(held.account_creation_date.as_deref(), Some("2026-11-20"));
    assert_eq!(held.password, "p".repeat(32));
    assert!(held.unlimited_user);
    assert_eq!(held.note, None);
    // add_user.py writes "On-hold" even with a date; the panel's traffic pass
    // turns it into Online or Offline later.
    assert_eq!(client.get_user("tg_9").unwrap().status, "On-hold");
}

#[test]
fn edit_changes_only_what_is_set() {
    let (fake, client) = start();
    client.create_user(&new_user("tg_1")).unwrap();
    fake.set_blocked("tg_1", true);
    let before = fake.user("tg_1").unwrap();

    let edit = UserEdit {
        new_traffic_limit_gb: Some(50),
        blocked: Some(false),
        note: Some(String::new()),
        ..UserEdit::default()
    };
    client.edit_user("tg_1", &edit).unwrap();
    let after = fake.user("tg_1").unwrap();
    assert_eq!(after.max_download_bytes, gb_to_bytes(50));
    assert!(!after.blocked);
    // edit_user.py stores the empty note; it does not remove the field.
    assert_eq!(after.note.as_deref(), Some(""));
    assert_eq!(after.expiration_days, before.expiration_days);
    assert_eq!(after.password, before.password);

    let edit = UserEdit {
        new_password: Some("q".repeat(32)),
        unlimited_ip: Some(true),
        new_expiration_days: Some(90),
        ..UserEdit::default()
    };
    client.edit_user("tg_1", &edit).unwrap();
    let after = fake.user("tg_1").unwrap();
    assert_eq!(after.password, "q".repeat(32));
    assert!(after.unlimited_user);
    assert_eq!(after.expiration_days, 90);

    let renew = UserEdit {
        renew_password: true,
        ..UserEdit::default()
    };
    client.edit_user("tg_1", &renew).unwrap();
    assert_ne!(fake.user("tg_1").unwrap().password, "q".repeat(32));
}

#[test]
fn edit_renames_lower_cased() {
    let (fake, client) = start();
    client.create_user(&new_user("tg_1")).unwrap();
    let edit = UserEdit {
        new_username: Some("TG_Renamed".to_owned()),
        ..UserEdit::default()
    };
    client.edit_user("tg_1", &edit).unwrap();
    assert!(fake.user("tg_1").is_none());
    assert!(fake.user("tg_renamed").is_some());
}

#[test]
fn delete_removes() {
    let (fake, client) = start();
    client.create_user(&new_user("tg_1")).unwrap();
    client.delete_user("tg_1").unwrap();
    assert!(fake.users().is_empty());
    assert!(client.list_users().unwrap().is_empty());
}

#[test]
fn reset_clears_usage_unblocks_and_puts_on_hold() {
    let (fake, client) = start();
    fake.set_today("2026-11-20");
    client.create_user(&new_user("tg_1")).unwrap();
    fake.set_creation_date("tg_1", "2026-10-01");
    fake.set_usage("tg_1", 5, 6);
    fake.set_blocked("tg_1", true);
    client.reset_user("tg_1").unwrap();
    let user = client.get_user("tg_1").unwrap();
    // reset_user.py unsets the counters and the creation date.
    assert_eq!((user.upload_bytes, user.download_bytes), (None, None));
    assert!(!user.blocked);
    assert_eq!(user.account_creation_date, None);
    assert_eq!(user.status, "On-hold");
}

#[test]
fn links_for_one_and_many() {
    let (fake, client) = start();
    client.create_user(&new_user("tg_1")).unwrap();
    client.create_user(&new_user("tg_2")).unwrap();
    let password = fake.user("tg_1").unwrap().password;

    let links = client.user_links("TG_1").unwrap();
    assert_eq!(links.username, "tg_1");
    let ipv4 = links.ipv4.unwrap();
    assert!(
        ipv4.starts_with(&format!("hy2://tg_1:{password}@")),
        "{ipv4}"
    );
    assert_eq!(links.ipv6, None);
    assert_eq!(links.nodes.len(), 1);
    assert!(links.nodes[0].uri.starts_with("hy2://"));
    assert!(links.normal_sub.unwrap().starts_with("https://"));
    assert_eq!(links.error, None);

    let bulk = client.bulk_links(&["tg_1", "ghost", "TG_2"]).unwrap();
    let names: Vec<&str> = bulk.iter().map(|it| it.username.as_str()).collect();
    assert_eq!(names, ["tg_1", "tg_2"]);

    let before = fake.request_count();
    assert!(client.bulk_links(&[]).unwrap().is_empty());
    assert_eq!(
        fake.request_count(),
        before,
        "an empty bulk call sends nothing"
    );
}

#[test]
fn server_endpoints() {
    let (fake, client) = start();
    client.create_user(&new_user("tg_1")).unwrap();
    fake.set_online_count("tg_1", 1);
    let status = client.server_status().unwrap();
    assert_eq!(status.online_users, 1);
    assert!(status.cpu_usage.ends_with('%'));
    assert!(!status.user_total_traffic.is_empty());

    let services = client.services_status().unwrap();
    assert!(services.hysteria_server);

    let version = client.version().unwrap();
    assert!(!version.current_version.is_empty());
    assert!(!version.core_version.is_empty());
}

#[test]
fn base_url_with_trailing_slash_works() {
    let (fake, _) = start();
    let url = format!("{}/", fake.base_url());
    let client = blitz::Client::new(&url, fake.token(), std::time::Duration::from_secs(5)).unwrap();
    assert!(client.list_users().unwrap().is_empty());
}

#[test]
fn clones_share_the_panel_across_threads() {
    let (fake, client) = start();
    let handles: Vec<_> = (0..4)
        .map(|idx| {
            let client = client.clone();
            std::thread::spawn(move || client.create_user(&new_user(&format!("tg_{idx}"))))
        })
        .collect();
    for handle in handles {
        handle.join().unwrap().unwrap();
    }
    assert_eq!(fake.users().len(), 4);
}
