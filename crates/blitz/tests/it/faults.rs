//! An unhealthy panel: every fault is `Error::Transient` and retryable.

use std::time::{Duration, Instant};

use ajib_testkit::blitz::BlitzFault;
use blitz::{Error, UserEdit};

use crate::{client_for, new_user, start};

fn assert_transient<T: std::fmt::Debug>(call: &str, result: Result<T, Error>) {
    match result {
        Err(err @ Error::Transient { .. }) => assert!(err.is_retryable(), "{call}"),
        other => panic!("{call}: expected Transient, got {other:?}"),
    }
}

#[test]
fn refused_connections() {
    let (fake, client) = start();
    client.create_user(&new_user("tg_1")).unwrap();
    fake.set_fault(BlitzFault::Refuse);
    // The first call may reuse a kept-alive connection, the second opens a new one.
    assert_transient("list", client.list_users());
    assert_transient("get", client.get_user("tg_1"));
    assert_transient("create", client.create_user(&new_user("tg_2")));
    fake.set_fault(BlitzFault::None);
    assert_eq!(client.list_users().unwrap().len(), 1);
}

#[test]
fn nobody_listening() {
    // Bind and release a port so that nothing listens on it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/api/v1");
    let client = blitz::Client::new(&url, "t", Duration::from_secs(5)).unwrap();
    assert_transient("version", client.version());
}

#[test]
fn server_errors() {
    let (fake, client) = start();
    client.create_user(&new_user("tg_1")).unwrap();
    fake.set_fault(BlitzFault::ServerError);
    assert_transient("list", client.list_users());
    assert_transient("get", client.get_user("tg_1"));
    assert_transient("links", client.user_links("tg_1"));
    assert_transient("status", client.server_status());
    assert_transient("ensure", client.ensure_user(&new_user("tg_1")));
    assert_transient("extend", client.extend_days("tg_1", 5));
}

#[test]
fn hang_times_out() {
    let (fake, _) = start();
    let client = client_for(&fake, Duration::from_millis(300));
    fake.set_fault(BlitzFault::Hang);
    let started = Instant::now();
    let result = client.version();
    let elapsed = started.elapsed();
    match &result {
        Err(Error::Transient { reason, .. }) => assert!(reason.contains("timed out"), "{reason}"),
        other => panic!("{other:?}"),
    }
    assert!(elapsed >= Duration::from_millis(250), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    assert_transient("version", result);
}

#[test]
fn kick_failure_changes_nothing() {
    let (fake, client) = start();
    client.create_user(&new_user("tg_1")).unwrap();
    fake.set_fault(BlitzFault::KickFailure);
    let edit = UserEdit {
        blocked: Some(true),
        ..UserEdit::default()
    };
    assert_transient("edit", client.edit_user("tg_1", &edit));
    assert_transient("delete", client.delete_user("tg_1"));
    assert_transient("extend", client.extend_days("tg_1", 5));
    assert_transient("set_total", client.set_total_days("tg_1", 90));
    assert_transient("new_period", client.start_new_period("tg_1", 30, 30));
    let held = fake.user("tg_1").unwrap();
    assert!(!held.blocked);
    assert_eq!(held.expiration_days, 30);
    // Reads still work while kicking fails.
    assert_eq!(client.get_user("tg_1").unwrap().username, "tg_1");

    fake.set_fault(BlitzFault::None);
    client.delete_user("tg_1").unwrap();
    assert!(fake.users().is_empty());
}
