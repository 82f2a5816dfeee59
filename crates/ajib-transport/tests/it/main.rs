//! Integration tests of ajib-transport against the fake Bot API over real HTTP.

mod hostile;
mod members;
mod photos;
mod polling;
mod sender;
mod webhook;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ajib_testkit::telegram::{FakeTelegram, SimUser};
use ajib_transport::{TelegramApi, Update, UpdateHandler};

/// A client aimed at the fake.
fn api(fake: &FakeTelegram) -> TelegramApi {
    TelegramApi::new(&fake.api_base(), fake.token()).unwrap()
}

fn user(id: i64) -> SimUser {
    SimUser::new(id, &format!("User{id}"))
}

/// Records every update it handles.
#[derive(Debug, Clone, Default)]
struct Recorder {
    updates: Arc<Mutex<Vec<Update>>>,
}

impl Recorder {
    fn handler(&self) -> UpdateHandler {
        let updates = self.updates.clone();
        Arc::new(move |update| {
            let updates = updates.clone();
            Box::pin(async move { updates.lock().unwrap().push(update) })
        })
    }

    fn updates(&self) -> Vec<Update> {
        self.updates.lock().unwrap().clone()
    }

    /// Texts of the recorded messages, in handling order.
    fn texts(&self) -> Vec<String> {
        self.updates()
            .into_iter()
            .filter_map(|it| match it {
                Update::Message(message) => message.text,
                _ => None,
            })
            .collect()
    }

    /// Polls until `n` updates were recorded; panics after 10 s.
    async fn wait_for(&self, n: usize) -> Vec<Update> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let updates = self.updates();
            if updates.len() >= n {
                return updates;
            }
            assert!(
                Instant::now() < deadline,
                "only {} of {n} updates: {updates:?}",
                updates.len()
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}

/// Polls `pred` every 5 ms until it holds; panics after 10 s.
async fn eventually(what: &str, pred: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !pred() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

use ajib_testkit::hostile::{
    cases as hostile_cases, check as check_hostile, check_n as check_hostile_n,
};
