//! Integration tests: the client against ajib-testkit's fake panel, over real HTTP.

mod calls;
mod canned;
mod compat;
mod deps;
mod errors;
mod faults;
mod helpers;
mod usage;

use std::time::Duration;

use ajib_testkit::blitz::FakeBlitz;
use blitz::{Client, NewUser};

const TOKEN: &str = "s3cret-api-token";

/// A fresh fake panel and a client aimed at it.
fn start() -> (FakeBlitz, Client) {
    let fake = FakeBlitz::start(TOKEN);
    let client = client_for(&fake, Duration::from_secs(10));
    (fake, client)
}

fn client_for(fake: &FakeBlitz, timeout: Duration) -> Client {
    Client::new(fake.base_url(), fake.token(), timeout).unwrap()
}

/// A 30 GB, 30-day user on hold.
fn new_user(username: &str) -> NewUser {
    NewUser {
        username: username.to_owned(),
        traffic_limit_gb: 30,
        expiration_days: 30,
        note: Some("ajib order 42".to_owned()),
        creation_date: None,
        password: None,
        unlimited_ip: false,
    }
}
