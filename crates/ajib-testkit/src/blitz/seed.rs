//! Filling a fake panel with many users at once, for tests and benchmarks of
//! imports: each user is made by the same `cli_api.add_user` path a
//! `POST /users/` takes (the script, a generated password), without an HTTP
//! round trip per user.

use crate::blitz::{FakeBlitz, cli_api};

/// A user to put on the panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedUser {
    /// Its name (`^[a-zA-Z0-9_]+$`).
    pub username: String,
    /// Traffic limit in GB; `0` is unlimited.
    pub traffic_gb: u32,
    /// Days from the creation date; `0` is unlimited.
    pub expiration_days: u32,
    /// `YYYY-MM-DD` the days began; `None` leaves the account on hold.
    pub creation_date: Option<String>,
}

impl FakeBlitz {
    /// Adds every user as `POST /users/` would, in order, under one lock.
    /// Panics if the panel refuses one (a taken name, a bad date).
    #[track_caller]
    pub fn add_users(&self, users: &[SeedUser]) {
        let mut panel = self.shared.lock();
        for user in users {
            let new_user = cli_api::NewUser {
                username: &user.username,
                traffic_limit: i64::from(user.traffic_gb),
                expiration_days: i64::from(user.expiration_days),
                password: None,
                creation_date: user.creation_date.as_deref(),
                unlimited: false,
                note: None,
            };
            if let Err(err) = cli_api::add_user(&mut panel, &new_user) {
                panic!("fake blitz: cannot add {:?}: {err:?}", user.username);
            }
        }
    }
}
