//! One customer's purchase through the bot's menus, then a payment confirmed by 1–3 signed webhooks, the poller and Check presses.

use std::{sync::Arc, time::Duration};

use ajib_domain::OrderId;
use ajib_testkit::{
    heleket::{FakeHeleket, FakeInvoice, PayOutcome},
    telegram::{FakeTelegram, SimUser},
};
use anyhow::{Context, bail};

use crate::rng::Rng;

/// A step not answered within this long means the bot is stuck (it may be killed meanwhile: updates wait).
const STEP_TIMEOUT: Duration = Duration::from_secs(120);

/// What one customer did.
#[derive(Debug, Clone)]
pub struct Purchase {
    /// The customer.
    pub user: i64,
    /// The order behind the invoice.
    pub order: OrderId,
    /// The invoice as the fake Heleket holds it when the customer opened it.
    pub invoice: FakeInvoice,
    /// How it was paid, if it was.
    pub paid: Option<PayOutcome>,
    /// Extra copies of the webhook the customer's payment sent, beside the fake's own.
    pub extra_webhooks: u32,
    /// Check presses.
    pub checks: u32,
}

/// The fakes a customer deals with and where the bot hears Heleket.
pub struct Shop {
    pub telegram: Arc<FakeTelegram>,
    pub heleket: Arc<FakeHeleket>,
    pub webhook_url: String,
}

/// Walks `user` to an invoice after `delay`, pays it (or not) and sends the extra confirmations.
pub async fn buy(
    shop: Arc<Shop>,
    user: SimUser,
    mut rng: Rng,
    delay: Duration,
) -> anyhow::Result<Purchase> {
    tokio::time::sleep(delay).await;
    let tg = &shop.telegram;
    tg.send_text(&user, "/start");
    let (menu, plans_data) = wait_button(tg, user.id, "v1:ps").await?;
    tg.press_button(&user, menu, &plans_data);
    let (plans, plan_data) = wait_button(tg, user.id, "v1:p:").await?;
    tg.press_button(&user, plans, &plan_data);
    let (details, buy_data) = wait_button(tg, user.id, "v1:b:").await?;
    tg.press_button(&user, details, &buy_data);
    let (invoice_msg, url) = wait_url(tg, user.id).await?;
    let invoice = shop
        .heleket
        .invoices()
        .into_iter()
        .find(|it| it.url == url)
        .context("no invoice behind the pay button")?;
    let order = OrderId::from_invoice_ref(&invoice.order_id).context("not an order's invoice")?;
    let mut res = Purchase {
        user: user.id,
        order,
        invoice,
        paid: None,
        extra_webhooks: 0,
        checks: 0,
    };
    // Some customers never pay: their orders must never be provisioned.
    if rng.chance(12) {
        return Ok(res);
    }
    tokio::time::sleep(rng.millis(0, 3_000)).await;
    let outcome = match rng.below(10) {
        0 => PayOutcome::PaidOver,
        1 => PayOutcome::WrongAmount,
        _ => PayOutcome::Paid,
    };
    shop.heleket.pay(&res.invoice.uuid, outcome);
    res.paid = Some(outcome);
    // 0–2 more copies of the signed webhook, concurrent with each other and
    // with the fake's own, some late; and Check presses now and then.
    let mut confirmations = tokio::task::JoinSet::new();
    for _ in 0..rng.below(3) {
        res.extra_webhooks += 1;
        let (shop, uuid, wait) = (
            shop.clone(),
            res.invoice.uuid.clone(),
            rng.millis(0, 15_000),
        );
        confirmations.spawn(async move {
            tokio::time::sleep(wait).await;
            resend_webhook(&shop, &uuid).await;
        });
    }
    for _ in 0..rng.below(3) {
        res.checks += 1;
        let (shop, user, wait) = (shop.clone(), user.clone(), rng.millis(0, 10_000));
        let data = format!("v1:c:{}", order.0);
        confirmations.spawn(async move {
            tokio::time::sleep(wait).await;
            shop.telegram.press_button(&user, invoice_msg, &data);
        });
    }
    while confirmations.join_next().await.is_some() {}
    Ok(res)
}

/// Posts the last webhook the fake sent for `uuid` again, as Heleket retries
/// do; a bot that is down at that moment is tried again a few times.
async fn resend_webhook(shop: &Shop, uuid: &str) {
    for _ in 0..5 {
        let body = shop
            .heleket
            .webhooks()
            .into_iter()
            .rev()
            .find(|it| it.body.contains(uuid))
            .map(|it| it.body);
        if let Some(body) = body {
            let url = shop.webhook_url.clone();
            let status = tokio::task::spawn_blocking(move || {
                let agent: ureq::Agent = ureq::Agent::config_builder()
                    .http_status_as_error(false)
                    .timeout_global(Some(Duration::from_secs(20)))
                    .build()
                    .into();
                agent
                    .post(&url)
                    .content_type("application/json")
                    .send(body.as_bytes())
                    .map(|it| it.status().as_u16())
            })
            .await;
            if matches!(status, Ok(Ok(200))) {
                return;
            }
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
}

/// Waits for a button whose callback data starts with `prefix`; returns its message and data.
async fn wait_button(tg: &FakeTelegram, chat: i64, prefix: &str) -> anyhow::Result<(i32, String)> {
    wait_for(tg, chat, prefix, |tg| {
        last_button(tg, chat, |button| {
            let data = button.get("callback_data")?.as_str()?;
            data.starts_with(prefix).then(|| data.to_owned())
        })
    })
    .await
}

/// Waits for a button with a URL (the pay button); returns its message and the URL.
async fn wait_url(tg: &FakeTelegram, chat: i64) -> anyhow::Result<(i32, String)> {
    wait_for(tg, chat, "a pay link", |tg| {
        last_button(tg, chat, |button| {
            Some(button.get("url")?.as_str()?.to_owned())
        })
    })
    .await
}

async fn wait_for(
    tg: &FakeTelegram,
    chat: i64,
    what: &str,
    find: impl Fn(&FakeTelegram) -> Option<(i32, String)>,
) -> anyhow::Result<(i32, String)> {
    let deadline = tokio::time::Instant::now() + STEP_TIMEOUT;
    loop {
        let seen = tg.chat_changes(chat);
        if let Some(found) = find(tg) {
            return Ok(found);
        }
        if tokio::time::Instant::now() >= deadline {
            bail!("customer {chat} waited {STEP_TIMEOUT:?} for {what}");
        }
        tg.wait_for_change(chat, seen, Duration::from_secs(1)).await;
    }
}

/// The newest message's first button `pick` accepts.
fn last_button(
    tg: &FakeTelegram,
    chat: i64,
    pick: impl Fn(&serde_json::Value) -> Option<String>,
) -> Option<(i32, String)> {
    tg.messages(chat)
        .iter()
        .rev()
        .filter(|it| !it.deleted)
        .find_map(|msg| {
            let rows = msg.keyboard.as_ref()?.get("inline_keyboard")?.as_array()?;
            rows.iter()
                .filter_map(|row| row.as_array())
                .flatten()
                .find_map(&pick)
                .map(|found| (msg.message_id, found))
        })
}
