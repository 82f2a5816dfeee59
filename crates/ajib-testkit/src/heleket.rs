//! Fake Heleket payment API: signed calls, idempotent invoices, a payment page, signed webhooks.
//!
//! [`FakeHeleket`] is a real HTTP server on `127.0.0.1:0`. It checks the
//! `merchant` header and each request's signature over the raw body
//! (HTTP 401 otherwise), validates bodies (HTTP 422 with `errors`), and keeps
//! invoices in memory, one per `order_id`. Each invoice's `url` is a small
//! HTML page at `{base}/pay/{uuid}` whose buttons mark it paid, paid over,
//! underpaid or cancelled — as do [`FakeHeleket::pay`] and
//! [`FakeHeleket::expire`]. Every status change POSTs a webhook, encoded and
//! signed as Heleket does, to the invoice's `url_callback` from a background
//! thread; [`WebhookMode`] duplicates, holds or drops them for fault tests,
//! and [`HeleketFault`] makes the API fail or hang.
//!
//! The signature and encoding are implemented here independently of the
//! `heleket` crate, so the client is tested against a second reading of the spec.

mod api;
mod page;
mod php;

use std::fmt;
use std::io;
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, mpsc};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use md5::{Digest, Md5};
use serde_json::{Value, json};

/// A running fake Heleket; stopped when dropped.
pub struct FakeHeleket {
    base_url: String,
    shared: Arc<Shared>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

/// An invoice as the fake stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeInvoice {
    /// The invoice id.
    pub uuid: String,
    /// The merchant's order id (unique).
    pub order_id: String,
    /// Amount asked, as sent.
    pub amount: String,
    /// Currency of `amount`.
    pub currency: String,
    /// Heleket status name: `check` until marked, then `paid`, `cancel`, ...
    pub status: String,
    /// The payment page.
    pub url: String,
    /// Where webhooks go.
    pub url_callback: Option<String>,
    /// The page's "back" link.
    pub url_return: Option<String>,
    /// Where a payer lands after paying.
    pub url_success: Option<String>,
    /// Lifetime in seconds.
    pub lifetime: u32,
    /// Expiry, unix seconds.
    pub expired_at: i64,
    /// Requested payer currency.
    pub to_currency: Option<String>,
    /// Requested network.
    pub network: Option<String>,
    /// Echoed in webhooks.
    pub additional_data: Option<String>,
    /// Amount paid, once marked.
    pub payment_amount: Option<String>,
    /// Currency the payer paid in, once marked.
    pub payer_currency: Option<String>,
    /// Address to pay to.
    pub address: String,
    /// Transaction hash, once paid.
    pub txid: Option<String>,
}

/// How a test marks an invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayOutcome {
    /// Status `paid`, the exact amount.
    Paid,
    /// Status `paid_over`, 10% more.
    PaidOver,
    /// Status `wrong_amount`, half the amount.
    WrongAmount,
    /// Status `cancel`, nothing paid.
    Cancel,
}

/// What happens to each webhook the fake would send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookMode {
    /// Delivered once (the default).
    Once,
    /// Delivered twice, identical bodies.
    Twice,
    /// Kept until [`FakeHeleket::release_held`].
    Held,
    /// Dropped.
    Never,
}

/// A failure the API routes simulate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeleketFault {
    /// Normal service (the default).
    None,
    /// Every API call answers HTTP 500.
    ServerError,
    /// Every API call hangs until the fake is dropped.
    Hang,
}

/// A webhook delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentWebhook {
    /// The `url_callback` it went to.
    pub url: String,
    /// The exact body sent.
    pub body: String,
    /// The receiver's HTTP status, `None` if it could not be reached.
    pub status: Option<u16>,
}

impl FakeInvoice {
    /// Whether the status is final.
    #[must_use]
    pub fn is_final(&self) -> bool {
        FINAL_STATUSES.contains(&self.status.as_str())
    }
}

impl FakeHeleket {
    /// Starts a fake for one merchant.
    ///
    /// # Panics
    ///
    /// If no port or thread can be had; use [`FakeHeleket::try_start`] to handle that.
    #[must_use]
    pub fn start(merchant_id: &str, api_key: &str) -> Self {
        match Self::try_start(merchant_id, api_key) {
            Ok(it) => it,
            Err(err) => panic!("cannot start the fake heleket: {err}"),
        }
    }

    /// Starts a fake for one merchant, or says why it cannot.
    pub fn try_start(merchant_id: &str, api_key: &str) -> io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let base_url = format!("http://{}", listener.local_addr()?);

        let (deliveries, queue) = mpsc::channel::<Delivery>();
        let log = Arc::new(Mutex::new(Vec::new()));
        let delivery_log = Arc::clone(&log);
        std::thread::Builder::new()
            .name("fake-heleket-webhooks".to_owned())
            .spawn(move || deliver(&queue, &delivery_log))?;

        let shared = Arc::new(Shared {
            merchant_id: merchant_id.to_owned(),
            api_key: api_key.to_owned(),
            base_url: base_url.clone(),
            state: Mutex::new(Inner {
                invoices: Vec::new(),
                webhook_mode: WebhookMode::Once,
                held: Vec::new(),
                fault: HeleketFault::None,
                serial: 0,
            }),
            requests: AtomicUsize::new(0),
            deliveries: Mutex::new(deliveries),
            log,
        });
        let app = api::router(Arc::clone(&shared));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("fake-heleket".to_owned())
            .spawn(move || {
                runtime.block_on(async move {
                    let listener = match tokio::net::TcpListener::from_std(listener) {
                        Ok(it) => it,
                        Err(err) => {
                            log::warn!("fake heleket cannot listen: {err}");
                            return;
                        }
                    };
                    tokio::select! {
                        res = axum::serve(listener, app) => {
                            if let Err(err) = res {
                                log::warn!("fake heleket stopped: {err}");
                            }
                        }
                        _ = stopped => (),
                    }
                });
                // Dropping the runtime here cancels hanging requests too.
            })?;
        Ok(Self {
            base_url,
            shared,
            shutdown: Some(shutdown),
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:<port>`, without a trailing slash.
    #[must_use]
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// All invoices, oldest first.
    #[must_use]
    pub fn invoices(&self) -> Vec<FakeInvoice> {
        self.shared.state().invoices.clone()
    }

    /// The invoice for `order_id`, if created.
    #[must_use]
    pub fn invoice_by_order(&self, order_id: &str) -> Option<FakeInvoice> {
        self.shared
            .state()
            .invoices
            .iter()
            .find(|it| it.order_id == order_id)
            .cloned()
    }

    /// Marks an invoice as the payer would, whatever its status, and sends the
    /// webhook; `None` if there is no such invoice.
    pub fn pay(&self, uuid: &str, outcome: PayOutcome) -> Option<FakeInvoice> {
        self.shared.mark(uuid, outcome)
    }

    /// Expires an invoice: status `cancel`, `expired_at` now, and a webhook.
    pub fn expire(&self, uuid: &str) -> Option<FakeInvoice> {
        let mut state = self.shared.state();
        let invoice = state.invoices.iter_mut().find(|it| it.uuid == uuid)?;
        invoice.status = "cancel".to_owned();
        invoice.expired_at = unix_now();
        let invoice = invoice.clone();
        self.shared.dispatch(&mut state, &invoice);
        Some(invoice)
    }

    /// Sets what happens to the following webhooks.
    pub fn set_webhook_mode(&self, mode: WebhookMode) {
        self.shared.state().webhook_mode = mode;
    }

    /// Sends every held webhook now, in order.
    pub fn release_held(&self) {
        let held = std::mem::take(&mut self.shared.state().held);
        for delivery in held {
            self.shared.send(delivery);
        }
    }

    /// How many webhook deliveries have been attempted and finished.
    #[must_use]
    pub fn webhooks_sent(&self) -> usize {
        lock(&self.shared.log).len()
    }

    /// Every finished webhook delivery, oldest first.
    #[must_use]
    pub fn webhooks(&self) -> Vec<SentWebhook> {
        lock(&self.shared.log).clone()
    }

    /// Makes the API routes fail (or stop failing).
    pub fn set_fault(&self, fault: HeleketFault) {
        self.shared.state().fault = fault;
    }

    /// How many API calls (under `/v1/`) arrived, signed or not.
    #[must_use]
    pub fn request_count(&self) -> usize {
        self.shared.requests.load(Ordering::SeqCst)
    }
}

impl Drop for FakeHeleket {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl fmt::Debug for FakeHeleket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeHeleket")
            .field("base_url", &self.base_url)
            .field("merchant_id", &self.shared.merchant_id)
            .field("api_key", &"<redacted>")
            .finish()
    }
}

const FINAL_STATUSES: [&str; 9] = [
    "paid",
    "paid_over",
    "wrong_amount",
    "fail",
    "cancel",
    "system_fail",
    "refund_fail",
    "refund_paid",
    "locked",
];

/// Statuses `/v1/test-webhook/payment` accepts.
const TEST_STATUSES: [&str; 11] = [
    "process",
    "check",
    "paid",
    "paid_over",
    "fail",
    "wrong_amount",
    "cancel",
    "system_fail",
    "refund_process",
    "refund_fail",
    "refund_paid",
];

const PER_PAGE: usize = 15;

struct Shared {
    merchant_id: String,
    api_key: String,
    base_url: String,
    state: Mutex<Inner>,
    requests: AtomicUsize,
    deliveries: Mutex<mpsc::Sender<Delivery>>,
    log: Arc<Mutex<Vec<SentWebhook>>>,
}

struct Inner {
    invoices: Vec<FakeInvoice>,
    webhook_mode: WebhookMode,
    held: Vec<Delivery>,
    fault: HeleketFault,
    serial: u64,
}

struct Delivery {
    url: String,
    body: String,
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, Inner> {
        lock(&self.state)
    }

    fn mark(&self, uuid: &str, outcome: PayOutcome) -> Option<FakeInvoice> {
        let mut state = self.state();
        let invoice = state.invoices.iter_mut().find(|it| it.uuid == uuid)?;
        let (status, factor) = match outcome {
            PayOutcome::Paid => ("paid", Some(1.0)),
            PayOutcome::PaidOver => ("paid_over", Some(1.1)),
            PayOutcome::WrongAmount => ("wrong_amount", Some(0.5)),
            PayOutcome::Cancel => ("cancel", None),
        };
        invoice.status = status.to_owned();
        invoice.payer_currency = Some(
            invoice
                .to_currency
                .clone()
                .unwrap_or_else(|| "USDT".to_owned()),
        );
        invoice.payment_amount = factor.map(|it| scale(&invoice.amount, it));
        invoice.txid =
            factor.map(|_| hex_id(&format!("tx{}", invoice.uuid)) + &hex_id(&invoice.uuid));
        let invoice = invoice.clone();
        self.dispatch(&mut state, &invoice);
        Some(invoice)
    }

    /// Queues the invoice's webhook as the current mode says.
    fn dispatch(&self, state: &mut Inner, invoice: &FakeInvoice) {
        let Some(url) = &invoice.url_callback else {
            return;
        };
        let body = php::signed_webhook(&webhook_json(invoice), &self.api_key);
        self.route(
            state,
            Delivery {
                url: url.clone(),
                body,
            },
        );
    }

    fn route(&self, state: &mut Inner, delivery: Delivery) {
        match state.webhook_mode {
            WebhookMode::Once => self.send(delivery),
            WebhookMode::Twice => {
                self.send(Delivery {
                    url: delivery.url.clone(),
                    body: delivery.body.clone(),
                });
                self.send(delivery);
            }
            WebhookMode::Held => state.held.push(delivery),
            WebhookMode::Never => (),
        }
    }

    fn send(&self, delivery: Delivery) {
        if lock(&self.deliveries).send(delivery).is_err() {
            log::warn!("fake heleket webhook thread is gone");
        }
    }

    fn invoice_json(&self, invoice: &FakeInvoice) -> Value {
        json!({
            "uuid": invoice.uuid,
            "order_id": invoice.order_id,
            "amount": invoice.amount,
            "payment_amount": invoice.payment_amount,
            "payer_amount": scale(&invoice.amount, 1.0),
            "discount_percent": 0,
            "discount": "0.00000000",
            "payer_currency": invoice.payer_currency.clone().or_else(|| invoice.to_currency.clone()),
            "currency": invoice.currency,
            "merchant_amount": invoice.payment_amount.as_ref().map(|it| scale(it, 0.98)),
            "network": invoice.network,
            "address": invoice.address,
            "from": null,
            "txid": invoice.txid,
            "payment_status": invoice.status,
            "url": invoice.url,
            "expired_at": invoice.expired_at,
            "status": invoice.status,
            "is_final": invoice.is_final(),
            "additional_data": invoice.additional_data,
        })
    }
}

/// The body Heleket POSTs for an invoice, members in Heleket's order, without `sign`.
fn webhook_json(invoice: &FakeInvoice) -> Value {
    let payment_amount = invoice
        .payment_amount
        .clone()
        .unwrap_or_else(|| scale(&invoice.amount, 0.0));
    let payer_currency = invoice
        .payer_currency
        .clone()
        .unwrap_or_else(|| "USDT".to_owned());
    json!({
        "type": "payment",
        "uuid": invoice.uuid,
        "order_id": invoice.order_id,
        "amount": invoice.amount,
        "payment_amount": payment_amount,
        "payment_amount_usd": payment_amount,
        "merchant_amount": scale(&payment_amount, 0.98),
        "commission": scale(&payment_amount, 0.02),
        "is_final": invoice.is_final(),
        "status": invoice.status,
        "from": null,
        "wallet_address_uuid": null,
        "network": invoice.network.clone().unwrap_or_else(|| "tron".to_owned()),
        "currency": invoice.currency,
        "payer_currency": payer_currency,
        "additional_data": invoice.additional_data,
        "convert": {
            "to_currency": payer_currency,
            "commission": null,
            "rate": "1.00000000",
            "amount": scale(&payment_amount, 0.98),
        },
        "txid": invoice.txid,
    })
}

/// `amount × factor`, with as many decimals as `amount` has (at least two).
fn scale(amount: &str, factor: f64) -> String {
    let decimals = amount
        .split_once('.')
        .map_or(0, |(_, frac)| frac.len())
        .max(2);
    let value = amount.parse::<f64>().unwrap_or(0.0) * factor;
    format!("{value:.decimals$}")
}

/// 32 hex digits derived from `seed`.
fn hex_id(seed: &str) -> String {
    Md5::digest(seed.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// A version-4-shaped uuid derived from `seed`.
fn uuid(seed: &str) -> String {
    let hex = hex_id(seed);
    format!(
        "{}-{}-4{}-a{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    )
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |it| i64::try_from(it.as_secs()).unwrap_or(0))
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The webhook thread: POSTs each delivery and records the outcome.
fn deliver(queue: &mpsc::Receiver<Delivery>, log: &Mutex<Vec<SentWebhook>>) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(10)))
        .http_status_as_error(false)
        .build()
        .into();
    while let Ok(delivery) = queue.recv() {
        let status = match agent
            .post(&delivery.url)
            .header("Content-Type", "application/json")
            .send(delivery.body.as_bytes())
        {
            Ok(response) => Some(response.status().as_u16()),
            Err(err) => {
                log::warn!(
                    "fake heleket could not deliver a webhook to {}: {err}",
                    delivery.url
                );
                None
            }
        };
        lock(log).push(SentWebhook {
            url: delivery.url,
            body: delivery.body,
            status,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_scale(amount: &str, factor: f64, expected: &str) {
        assert_eq!(scale(amount, factor), expected);
    }

    #[test]
    fn scales_amounts() {
        check_scale("5.00", 1.0, "5.00");
        check_scale("5", 1.1, "5.50");
        check_scale("0.120", 0.5, "0.060");
    }

    #[test]
    fn uuids_are_uuid_shaped() {
        let id = uuid("x");
        assert_eq!(id.len(), 36);
        assert_eq!(id.matches('-').count(), 4);
        assert_eq!(&id[14..15], "4");
    }
}
