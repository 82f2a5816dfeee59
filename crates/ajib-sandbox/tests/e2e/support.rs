//! Shared set-up: a sandbox, simulated users, and waiting helpers.

use std::time::Duration;

use ajib_sandbox::{Sandbox, sim_users};
use ajib_testkit::telegram::{BotMessage, SimUser};
use serde_json::Value;

pub const WAIT: Duration = Duration::from_secs(20);

/// A running sandbox with its simulated users.
pub struct Env {
    pub sandbox: Sandbox,
    pub users: Vec<SimUser>,
}

impl Env {
    pub async fn start() -> Env {
        Self::start_in(None).await
    }

    /// A sandbox on the database (`ajib.db`) in `data_dir`, e.g. one an older version wrote.
    pub async fn start_in(data_dir: Option<std::path::PathBuf>) -> Env {
        let config = ajib_config::from_values(&Default::default()).unwrap();
        let sandbox = Sandbox::start(config, data_dir, 0).await.unwrap();
        Env {
            sandbox,
            users: sim_users(),
        }
    }

    pub fn user(&self, idx: usize) -> &SimUser {
        &self.users[idx]
    }

    /// Sends text as `user` and waits for a bot message matching `pred` that arrives after it.
    pub fn say(
        &self,
        user: &SimUser,
        text: &str,
        pred: impl Fn(&BotMessage) -> bool,
    ) -> BotMessage {
        let before = self.sandbox.telegram.messages(user.id).len();
        self.sandbox.telegram.send_text(user, text);
        self.wait_new(user, before, pred)
    }

    /// Presses a button with `data` on `message` and waits for a matching message after it.
    pub fn press(
        &self,
        user: &SimUser,
        message_id: i32,
        data: &str,
        pred: impl Fn(&BotMessage) -> bool,
    ) -> BotMessage {
        let before = self.sandbox.telegram.messages(user.id).len();
        let edits_before = self
            .sandbox
            .telegram
            .messages(user.id)
            .iter()
            .map(|it| it.edited)
            .sum::<u32>();
        self.sandbox.telegram.press_button(user, message_id, data);
        let telegram = &self.sandbox.telegram;
        let found = tokio::task::block_in_place(|| {
            let deadline = std::time::Instant::now() + WAIT;
            loop {
                let messages = telegram.messages(user.id);
                let edits = messages.iter().map(|it| it.edited).sum::<u32>();
                let fresh = messages.iter().skip(before).find(|it| pred(it)).cloned();
                let edited = (edits > edits_before)
                    .then(|| {
                        messages
                            .iter()
                            .find(|it| it.message_id == message_id && pred(it))
                            .cloned()
                    })
                    .flatten();
                if let Some(found) = fresh.or(edited) {
                    return Some(found);
                }
                if std::time::Instant::now() > deadline {
                    return None;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        });
        found
            .unwrap_or_else(|| panic!("no matching reply to {data}; chat: {:#?}", self.texts(user)))
    }

    pub fn wait_new(
        &self,
        user: &SimUser,
        after: usize,
        pred: impl Fn(&BotMessage) -> bool,
    ) -> BotMessage {
        let telegram = &self.sandbox.telegram;
        let found = tokio::task::block_in_place(|| {
            let deadline = std::time::Instant::now() + WAIT;
            loop {
                if let Some(found) = telegram
                    .messages(user.id)
                    .into_iter()
                    .skip(after)
                    .find(|it| pred(it))
                {
                    return Some(found);
                }
                if std::time::Instant::now() > deadline {
                    return None;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        });
        found.unwrap_or_else(|| panic!("no matching message; chat: {:#?}", self.texts(user)))
    }

    /// How many of the bot's messages to `chat` contain `needle`.
    pub fn count(&self, chat: i64, needle: &str) -> usize {
        self.sandbox
            .telegram
            .messages(chat)
            .iter()
            .filter(|it| has_text(it, needle))
            .count()
    }

    pub fn texts(&self, user: &SimUser) -> Vec<String> {
        self.sandbox
            .telegram
            .messages(user.id)
            .into_iter()
            .map(|it| it.text.unwrap_or_default())
            .collect()
    }
}

pub async fn until(what: &str, mut cond: impl AsyncFnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while !cond().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Callback data of the first inline button whose data starts with `prefix`.
pub fn button_data(message: &BotMessage, prefix: &str) -> Option<String> {
    buttons(message)
        .into_iter()
        .filter_map(|it| {
            it.get("callback_data")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .find(|it| it.starts_with(prefix))
}

/// URL of the first URL button.
pub fn button_url(message: &BotMessage) -> Option<String> {
    buttons(message)
        .into_iter()
        .find_map(|it| it.get("url").and_then(Value::as_str).map(str::to_owned))
}

fn buttons(message: &BotMessage) -> Vec<Value> {
    let Some(rows) = message
        .keyboard
        .as_ref()
        .and_then(|it| it.get("inline_keyboard"))
        .and_then(Value::as_array)
    else {
        return Vec::new();
    };
    rows.iter()
        .filter_map(Value::as_array)
        .flatten()
        .cloned()
        .collect()
}

pub fn has_text(message: &BotMessage, needle: &str) -> bool {
    message
        .text
        .as_deref()
        .is_some_and(|it| it.contains(needle))
}

/// Where [`Env::open_invoice`] left the user: the menu they saw, and the unpaid invoice.
pub struct OpenInvoice {
    /// The main menu after choosing the language.
    pub menu: BotMessage,
    /// The invoice behind the pay button, as the fake Heleket holds it.
    pub invoice: ajib_testkit::heleket::FakeInvoice,
    /// Our order for it.
    pub order: ajib_domain::OrderId,
}

impl Env {
    /// Walks `user` from /start (pressing `lang_data`) to the first plan's
    /// details, with its Buy button; returns the main menu and the details.
    pub fn first_plan(&self, user: &SimUser, lang_data: &str) -> (BotMessage, BotMessage) {
        let picker = self.say(user, "/start", |it| button_data(it, "v1:l:").is_some());
        let menu = self.press(user, picker.message_id, lang_data, |it| {
            button_data(it, "v1:ps").is_some()
        });
        let plans = self.press(user, menu.message_id, "v1:ps", |it| {
            button_data(it, "v1:p:").is_some()
        });
        let plan = button_data(&plans, "v1:p:").unwrap();
        let details = self.press(user, plans.message_id, &plan, |it| {
            button_data(it, "v1:b:").is_some()
        });
        (menu, details)
    }

    /// Walks `user` from /start (pressing `lang_data`) through plans to the first plan's invoice.
    pub fn open_invoice(&self, user: &SimUser, lang_data: &str) -> OpenInvoice {
        let (menu, details) = self.first_plan(user, lang_data);
        let buy = button_data(&details, "v1:b:").unwrap();
        let invoice = self.press(user, details.message_id, &buy, |it| {
            button_url(it).is_some()
        });
        let (invoice, order) = self.invoice_behind(&invoice);
        OpenInvoice {
            menu,
            invoice,
            order,
        }
    }

    /// Walks `user` from /menu through My services to the renewal invoice of
    /// `service`; returns the invoice as the fake Heleket holds it, and our order.
    pub fn open_renewal_invoice(
        &self,
        user: &SimUser,
        service: ajib_domain::ServiceId,
    ) -> (ajib_testkit::heleket::FakeInvoice, ajib_domain::OrderId) {
        let menu = self.say(user, "/menu", |it| button_data(it, "v1:ss").is_some());
        let list = self.press(user, menu.message_id, "v1:ss", |it| {
            button_data(it, "v1:s:").is_some()
        });
        let details = self.press(user, list.message_id, &format!("v1:s:{service}"), |it| {
            button_data(it, "v1:r:").is_some()
        });
        let offer = self.press(user, details.message_id, &format!("v1:r:{service}"), |it| {
            button_data(it, "v1:rb:").is_some()
        });
        let invoice = self.press(user, offer.message_id, &format!("v1:rb:{service}"), |it| {
            button_url(it).is_some()
        });
        self.invoice_behind(&invoice)
    }

    /// The invoice behind the pay button of `message`, as the fake Heleket holds it, and our order.
    fn invoice_behind(
        &self,
        message: &BotMessage,
    ) -> (ajib_testkit::heleket::FakeInvoice, ajib_domain::OrderId) {
        let url = button_url(message).unwrap();
        let heleket = self.sandbox.heleket.as_ref().unwrap();
        let invoice = heleket
            .invoices()
            .into_iter()
            .find(|it| it.url == url)
            .expect("invoice behind the pay button");
        let order = ajib_domain::OrderId::from_invoice_ref(&invoice.order_id).unwrap();
        (invoice, order)
    }

    /// Waits until order `id` is provisioned.
    pub async fn until_provisioned(&self, id: ajib_domain::OrderId) {
        let store = &self.sandbox.app.deps.store;
        until("the order to be provisioned", async || {
            store
                .get_order(id)
                .await
                .unwrap()
                .is_some_and(|it| it.status == ajib_domain::OrderStatus::Provisioned)
        })
        .await;
    }

    /// The user's one service (fails the test if there is none).
    pub async fn only_service(&self, user: &SimUser) -> ajib_domain::Service {
        let store = &self.sandbox.app.deps.store;
        let mut services = store
            .services_of_user(ajib_domain::TelegramId(user.id))
            .await
            .unwrap();
        assert_eq!(services.len(), 1, "exactly one service");
        services.remove(0)
    }

    /// Walks `user` (English) to the free test offer, takes it and waits for the config;
    /// returns the offer message, whose confirm button a test may replay.
    pub fn take_test_account(&self, user: &SimUser) -> BotMessage {
        let picker = self.say(user, "/start", |it| button_data(it, "v1:l:").is_some());
        let menu = self.press(user, picker.message_id, "v1:l:en", |it| {
            button_data(it, "v1:t").is_some()
        });
        let offer = self.press(user, menu.message_id, "v1:t", |it| {
            button_data(it, "v1:tc").is_some()
        });
        let before = self.sandbox.telegram.messages(user.id).len();
        self.press(user, offer.message_id, "v1:tc", |_| true);
        self.wait_new(user, before, |it| has_text(it, "hy2://"));
        offer
    }
}
