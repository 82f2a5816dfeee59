//! Typed client for the Heleket crypto payment API, with webhook verification.
//!
//! Not AJIB-specific: it knows nothing of orders, plans or SQLite, keeps no
//! state and never retries; callers own retries, polling and idempotency
//! (Heleket's `order_id` is the idempotency key of [`Client::create_invoice`]).
//!
//! - [`Client`] — blocking calls: [`Client::create_invoice`],
//!   [`Client::invoice_info`], [`Client::list_invoices`],
//!   [`Client::resend_webhook`], [`Client::test_webhook`].
//! - [`verify_webhook`] — checks a webhook body's signature and decodes it
//!   into a [`WebhookPayment`].
//! - [`PaymentStatus`] — the status table: final, paid, underpaid, pending.
//! - [`sign`] — Heleket's signature, `md5_hex(base64(body) ++ key)`.
//! - [`Error`] / [`WebhookError`] — what can go wrong.
//!
//! Why webhooks are verified through a re-encoding: Heleket signs the PHP
//! `json_encode` of the payload without `sign`, then appends `sign`. The
//! canonical check parses the body (keeping member order), drops `sign` and
//! re-encodes the way PHP does (`/` as `\/`, raw UTF-8, PHP's number format).
//! As a fallback, the raw body with the `sign` member cut out is checked too.
//! Request bodies use the same encoding, and each is signed over the exact
//! bytes sent.
//!
//! ```no_run
//! use std::time::Duration;
//!
//! use heleket::{Client, CreateInvoice, InvoiceRef};
//!
//! # fn main() -> Result<(), heleket::Error> {
//! let client = Client::new("https://api.heleket.com", "merchant-uuid", "api-key", Duration::from_secs(20))?;
//! let invoice = client.create_invoice(&CreateInvoice {
//!     amount: "5.00".to_owned(),
//!     currency: "USD".to_owned(),
//!     order_id: "order-42".to_owned(),
//!     url_callback: Some("https://bot.example.com/heleket/webhook".to_owned()),
//!     url_return: None,
//!     url_success: None,
//!     lifetime: Some(3600),
//!     to_currency: None,
//!     network: None,
//!     additional_data: None,
//!     is_payment_multiple: None,
//! })?;
//! println!("pay at {:?}", invoice.url);
//!
//! // Later, in the webhook handler (body = the raw request bytes):
//! # let body: &[u8] = b"";
//! match heleket::verify_webhook(body, "api-key") {
//!     Ok(payment) => {
//!         // Only a hint: confirm before granting.
//!         let invoice = client.invoice_info(&InvoiceRef::Uuid(payment.uuid))?;
//!         if invoice.status.is_paid() { /* grant once, keyed on the order id */ }
//!     }
//!     Err(_) => { /* answer 401, change nothing */ }
//! }
//! # Ok(())
//! # }
//! ```
#![warn(missing_docs)]

mod client;
mod error;
mod php_json;
mod sign;
mod status;
mod webhook;
mod wire;

pub use crate::{
    client::Client,
    error::Error,
    sign::sign,
    status::PaymentStatus,
    webhook::{WebhookError, WebhookPayment, verify_webhook},
    wire::{CreateInvoice, Invoice, InvoicePage, InvoiceRef, TestWebhook},
};
